package markov

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// randomGame builds a random valid game and profile: nS states of which
// the last nTerm are terminal, nA actors with nAct actions each (action 0
// available everywhere), up to three successors per joint action, and, if
// rules, memory-one rules reacting to the previous step.
func randomGame(r *rand.Rand, nS, nA, nAct, nTerm int, rules bool) (*Game, Profile) {
	const nC = 2
	g := &Game{Components: []string{"material", "prestige"}, Initial: 0}
	for a := 0; a < nA; a++ {
		act := Actor{ID: string(rune('A' + a)), Discount: 0.8 + 0.19*r.Float64(), Weights: []float64{1, r.Float64()}}
		g.Actors = append(g.Actors, act)
		var names []string
		for k := 0; k < nAct; k++ {
			names = append(names, act.ID+string(rune('a'+k)))
		}
		g.Actions = append(g.Actions, names)
	}
	for s := 0; s < nS; s++ {
		g.States = append(g.States, State{ID: "s" + string(rune('0'+s%10)) + string(rune('a'+s/10%26)) + string(rune('a'+s/260)), Terminal: s >= nS-nTerm})
	}
	g.Avail = make([][][]int, nS)
	g.Trans = make([][][]Next, nS)
	g.Flow = make([][][]float64, nS)
	g.Entry = make([][]float64, nS)
	for s := 0; s < nS; s++ {
		if g.States[s].Terminal {
			g.Entry[s] = make([]float64, nA*nC)
			for i := range g.Entry[s] {
				g.Entry[s][i] = 10 * (r.Float64() - 0.5)
			}
			continue
		}
		g.Avail[s] = make([][]int, nA)
		for a := 0; a < nA; a++ {
			av := []int{0}
			for k := 1; k < nAct; k++ {
				if r.IntN(3) > 0 {
					av = append(av, k)
				}
			}
			g.Avail[s][a] = av
		}
		nj := g.NumJoint(s)
		g.Trans[s] = make([][]Next, nj)
		g.Flow[s] = make([][]float64, nj)
		for j := 0; j < nj; j++ {
			m := 1 + r.IntN(3)
			w := make(map[int]float64)
			for i := 0; i < m; i++ {
				w[r.IntN(nS-nTerm)] += 0.1 + r.Float64()
			}
			// Keep the process mostly in non-terminal states.
			if nTerm > 0 && r.IntN(4) == 0 {
				w[nS-nTerm+r.IntN(nTerm)] += 0.05
			}
			keys := make([]int, 0, len(w))
			for k := range w {
				keys = append(keys, k)
			}
			sort.Ints(keys)
			sum := 0.0 // in key order: the game must not depend on map order
			for _, k := range keys {
				sum += w[k]
			}
			for _, k := range keys {
				g.Trans[s][j] = append(g.Trans[s][j], Next{k, w[k] / sum})
			}
			f := make([]float64, nA*nC)
			for i := range f {
				f[i] = 2 * (r.Float64() - 0.5)
			}
			g.Flow[s][j] = f
		}
	}
	prof := make(Profile, nA)
	for a := 0; a < nA; a++ {
		st := Strategy{Base: make([][]float64, nS)}
		for s := 0; s < nS; s++ {
			if g.States[s].Terminal {
				continue
			}
			st.Base[s] = randDist(r, len(g.Avail[s][a]))
		}
		if rules {
			// Actions actor a has in every non-terminal state: what a rule
			// for any state may play.
			common := []int{}
			for k := 0; k < nAct; k++ {
				ok := true
				for s := 0; s < nS-nTerm; s++ {
					ok = ok && slices.Contains(g.Avail[s][a], k)
				}
				if ok {
					common = append(common, k)
				}
			}
			for i := 0; i < 1+r.IntN(3); i++ {
				rule := Rule{State: -1}
				nCond := 1 + r.IntN(2)
				if r.IntN(2) == 0 {
					rule.State = r.IntN(nS - nTerm)
					nCond = r.IntN(3)
				}
				for c := 0; c < nCond; c++ {
					b := r.IntN(nA)
					cond := Cond{Actor: b, Actions: []int{r.IntN(nAct)}}
					for k := 0; k < nAct; k++ {
						if k != cond.Actions[0] && r.IntN(3) == 0 {
							cond.Actions = append(cond.Actions, k)
						}
					}
					rule.After = append(rule.After, cond)
				}
				if nTerm > 0 && r.IntN(6) == 0 {
					rule.State = nS - 1 // a rule for a terminal state never fires
				}
				play := common
				if rule.State >= 0 && !g.States[rule.State].Terminal {
					play = g.Avail[rule.State][a]
				}
				d := randDist(r, len(play))
				for k, x := range play {
					rule.Play = append(rule.Play, ActionProb{x, d[k]})
				}
				st.Rules = append(st.Rules, rule)
			}
		}
		prof[a] = st
	}
	return g, prof
}

func randDist(r *rand.Rand, n int) []float64 {
	d := make([]float64, n)
	sum := 0.0
	for i := range d {
		d[i] = r.Float64()
		if r.IntN(4) == 0 {
			d[i] = 0
		}
		sum += d[i]
	}
	if sum == 0 {
		d[0], sum = 1, 1
	}
	for i := range d {
		d[i] /= sum
	}
	return d
}
