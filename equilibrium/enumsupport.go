package equilibrium

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
)

// mpeSetSupportMax bounds the support profiles (a non-empty set of
// actions per actor and non-terminal state) enumerateSupports solves one by
// one: a tiny game only, so that the set search of a large model costs
// nothing more.
const mpeSetSupportMax = 4096

// mpeSupportStarts is the number of Newton starts per support profile:
// uniform play on the support, then seeded random points of it.
const mpeSupportStarts = 3

// supportCount is the number of support profiles of m, or -1 when there are
// more than limit.
func (m *mpeModel) supportCount(limit int) int {
	count := 1
	for _, s := range m.nt {
		for _, k := range m.K[s] {
			if k >= 31 {
				return -1
			}
			n := 1<<k - 1
			if count > limit/n {
				return -1
			}
			count *= n
		}
	}
	return count
}

// enumerateSupports solves, for every support profile of a tiny game, the
// support system of the polish (every action in an actor's support earns
// the state's value, the probabilities sum to one, the values solve the
// Bellman equations) by Newton's method from mpeSupportStarts starts, and
// keeps every solution that is a distribution whose one-shot deviation
// gain, over every action (in the support or not), is at most tol. It
// returns nil, 0 when the game has more than mpeSetSupportMax support
// profiles. Newton from a few starts can miss solutions of the support
// system (a polynomial system), so nothing it returns proves the set
// complete.
func (m *mpeModel) enumerateSupports(ctx context.Context, tol float64) ([]*Result, int, error) {
	count := m.supportCount(mpeSetSupportMax)
	if count <= 0 {
		return nil, 0, nil
	}
	var slots []struct{ a, s, k int }
	for _, s := range m.nt {
		for a := 0; a < m.nA; a++ {
			slots = append(slots, struct{ a, s, k int }{a, s, m.K[s][a]})
		}
	}
	// masks[x] is the support of slot x as a bit set of its actions,
	// from 1 to 2^k − 1.
	masks := make([]uint64, len(slots))
	for x := range masks {
		masks[x] = 1
	}
	var eqs []*Result
	for i := 0; i < count; i++ {
		if err := ctx.Err(); err != nil {
			return nil, count, err
		}
		if supportsPure(masks) {
			// Pure profiles are checked exactly by the pure enumeration.
			nextSupport(masks, slots)
			continue
		}
		in := func(a, s, k int) bool {
			for x, sl := range slots {
				if sl.a == a && sl.s == s {
					return masks[x]&(1<<k) != 0
				}
			}
			return false
		}
		// Seeded by the support's index alone, so the enumeration is the
		// same for every seed, split and worker count.
		rng := rand.New(rand.NewPCG(0x5e77, uint64(i)))
		for st := 0; st < mpeSupportStarts; st++ {
			sig := m.uniform()
			for x, sl := range slots {
				p := sig[sl.a][sl.s]
				tot := 0.0
				for k := range p {
					p[k] = 0
					if masks[x]&(1<<k) != 0 {
						p[k] = 1
						if st > 0 {
							p[k] = -math.Log(1-rng.Float64()) + 1e-3
						}
						tot += p[k]
					}
				}
				for k := range p {
					p[k] /= tot
				}
			}
			V, err := m.evaluate(sig)
			if err != nil {
				if ctx.Err() != nil {
					return nil, count, ctx.Err()
				}
				continue
			}
			got, gain, ok := m.polish(sig, V, in)
			if !ok || gain > tol {
				continue
			}
			r, err := m.result(got, "support enumeration", 0, tol, "")
			if err != nil || !r.Converged {
				continue
			}
			dup := false
			for _, e := range eqs {
				if mpeDist(e.Strategies, r.Strategies) <= sameTol {
					dup = true
					break
				}
			}
			if !dup {
				eqs = append(eqs, r)
			}
		}
		nextSupport(masks, slots)
	}
	return eqs, count, nil
}

// nextSupport steps masks to the next support profile (an odometer over
// the non-empty subsets of each slot's k actions).
func nextSupport(masks []uint64, slots []struct{ a, s, k int }) {
	for x := range masks {
		if masks[x]++; masks[x] < 1<<slots[x].k {
			return
		}
		masks[x] = 1
	}
}

// supportsPure reports whether every support is a single action.
func supportsPure(masks []uint64) bool {
	for _, b := range masks {
		if bits.OnesCount64(b) != 1 {
			return false
		}
	}
	return true
}
