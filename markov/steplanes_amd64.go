package markov

// stepLanesAsm runs runGroup's step loop in assembly (steplanes_amd64.s).
const stepLanesAsm = true

// stepLanes is runGroup's step loop for steps t..tEnd−1 of the n lanes at
// ls (stopping early when none is left alive), the discounted steps
// recorded by pow0 (nil: none), with the lanes' state in registers for
// each step: the same draws, records and additions as the Go loop
// (TestStepLanesSameAsGo). It returns the step reached and the lanes
// still alive; it trusts every node, slot and record index the sampler
// built.
//
//go:noescape
func stepLanes(ls *lane, n, t, tEnd, H, alive int, nodes *simNode, slots *simSlot, pow0 *float64) (int, int)
