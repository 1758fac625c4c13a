//go:build !amd64

package markov

const stepLanesAsm = false

func stepLanes(ls *lane, n, t, tEnd, H, alive int, nodes *simNode, slots *simSlot, pow0 *float64) (int, int) {
	panic("markov: stepLanes without assembly")
}
