package gmcr_test

import (
	"context"
	"slices"
	"testing"

	"github.com/truce-dev/truce/gmcr"
)

// Kilgour, Hipel, Fang & Peng (2001): in Elmira, state 5 (UR delays, LG
// insists; code 18) is an equilibrium of the individual analysis, but MoE
// and UR together prefer state 8 (MoE modifies, UR accepts; code 21) and
// reach it by MoE modifying and UR accepting; LG cannot deter it. State 8
// survives every coalition.
func TestElmiraCoalition(t *testing.T) {
	f := load(t, "../examples/gmcr/elmira.yaml")
	c := f.Conflict
	moeUR, err := c.ParseCoalition("MoE+UR")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []gmcr.Sanctions{gmcr.Sequences, gmcr.SingleMoves} {
		r := analyze(t, c, mode)
		for _, k := range gmcr.Concepts {
			cr, err := r.Coalitions(context.Background(), k, []gmcr.Coalition{moeUR})
			if err != nil {
				t.Fatal(err)
			}
			s5, _ := c.StateOf(18)
			upset := false
			for _, u := range cr.Upset {
				if u.State == s5 {
					upset = true
					end := u.Moves[len(u.Moves)-1].To
					if c.Codes[end] != 21 {
						t.Errorf("%s %s: coalition moves 18 to %d, want 21", mode, k, c.Codes[end])
					}
					for _, m := range u.Moves {
						if m.DM == 2 {
							t.Errorf("LG moved in MoE+UR's move: %+v", u.Moves)
						}
					}
				}
			}
			if !upset {
				t.Errorf("%s %s: MoE+UR should upset state 18 (published state 5)", mode, k)
			}
			s8, _ := c.StateOf(21)
			if !slices.Contains(cr.Stable, s8) {
				t.Errorf("%s %s: state 21 (published 8) should survive the coalition", mode, k)
			}
		}
		// With every coalition, the published state 8 still survives.
		all, err := r.Coalitions(context.Background(), gmcr.Nash, c.AllCoalitions(false))
		if err != nil {
			t.Fatal(err)
		}
		got := codes(c, all.Stable)
		if !slices.Contains(got, 21) || slices.Contains(got, 18) {
			t.Errorf("%s: coalition-stable Nash equilibria %v should hold 21 and not 18", mode, got)
		}
	}
}

// Status quo: from Elmira's status quo (UR delays; code 2) LG's insisting
// leads to state 18 (published 5) by one improvement; the published
// outcome 21 (8) needs MoE's and UR's moves, which are not both
// improvements from 18 alone.
func TestElmiraStatusQuo(t *testing.T) {
	f := load(t, "../examples/gmcr/elmira.yaml")
	c := f.Conflict
	if c.Codes[f.StatusQuo] != 2 {
		t.Fatalf("status quo %d", c.Codes[f.StatusQuo])
	}
	s5, _ := c.StateOf(18)
	paths, err := c.StatusQuo(context.Background(), f.StatusQuo, []int{s5})
	if err != nil {
		t.Fatal(err)
	}
	p := paths[0]
	if !p.ByImprovements || len(p.Moves) != 1 || p.Moves[0].DM != 2 {
		t.Errorf("path to 18: %+v", p)
	}
	// Every path is legal: consecutive movers differ, each move is one of
	// the mover's moves, and improvement paths improve.
	var all []int
	for s := range c.Codes {
		all = append(all, s)
	}
	paths, err = c.StatusQuo(context.Background(), f.StatusQuo, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		at := f.StatusQuo
		for i, m := range p.Moves {
			if m.From != at || !slices.Contains(c.Moves(m.DM, m.From), int32(m.To)) || (i > 0 && p.Moves[i-1].DM == m.DM) {
				t.Fatalf("illegal path to %d: %+v", c.Codes[p.To], p.Moves)
			}
			if p.ByImprovements && !c.Improves(m.DM, m.From, m.To) {
				t.Fatalf("path to %d marked improving: %+v", c.Codes[p.To], p.Moves)
			}
			at = m.To
		}
		if p.Moves != nil && at != p.To {
			t.Fatalf("path to %d ends at %d", c.Codes[p.To], c.Codes[at])
		}
	}
	// Abandoning is irreversible and no decision maker can undo it.
	ab, _ := c.StateOf(8)
	back, _ := c.StatusQuo(context.Background(), ab, []int{f.StatusQuo})
	if back[0].Moves != nil {
		t.Errorf("reached the status quo after abandoning: %+v", back[0].Moves)
	}
}

// Inverse analysis by round trip and brute force: every ordering it
// reports makes the target stable when analysed from scratch, and
// enumerating every ordering independently finds no other.
func TestInverseRoundTrip(t *testing.T) {
	f := load(t, "../examples/gmcr/elmira.yaml")
	c := f.Conflict
	r := analyze(t, c, gmcr.Sequences)
	for _, k := range gmcr.Concepts {
		for d := range c.DMs {
			for _, target := range []int{0, 6, 9} {
				spec := gmcr.InverseSpec{DM: d, Target: target, Concept: k, Keep: 4}
				inv, err := r.Inverse(context.Background(), spec)
				if err != nil {
					t.Fatal(err)
				}
				base := c.Classes(d)
				found := map[string]bool{}
				for _, o := range inv.Found {
					found[key(o.Order)] = true
				}
				// Brute force over the same bound: the first 4 classes kept.
				n := 0
				bruteOrders(len(base), 4, func(order []int) {
					n++
					cl := make([][]int, len(order))
					for i, x := range order {
						cl[i] = base[x]
					}
					tmp := c.Clone()
					if err := tmp.SetClasses(d, cl); err != nil {
						t.Fatal(err)
					}
					full := analyze(t, tmp, gmcr.Sequences)
					if got, want := found[key(order)], full.Stable(k, d, target); got != want {
						t.Fatalf("%s %s target %d order %v: inverse %v, full analysis %v", k, c.DMs[d].ID, c.Codes[target], order, got, want)
					}
				})
				if n != inv.Checked {
					t.Fatalf("checked %d orderings, brute force %d", inv.Checked, n)
				}
			}
		}
	}
}

// Inverse analysis over priority statements: in the prisoner's dilemma
// mutual cooperation is GMR-stable for A only with A's statements in their
// order (B's cooperation first): swapped, A ranks mutual defection above
// mutual cooperation and B's answer no longer deters A. No order makes it
// Nash-stable: A always gains by defecting alone.
func TestInversePriorities(t *testing.T) {
	f := load(t, "../examples/gmcr/prisoners.yaml")
	c := f.Conflict
	r := analyze(t, c, gmcr.Sequences)
	s3, _ := c.StateOf(3)
	inv, err := r.Inverse(context.Background(), gmcr.InverseSpec{DM: 0, Target: s3, Concept: gmcr.GMR, Statements: f.Priorities[0]})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Checked != 2 || len(inv.Found) != 1 || !slices.Equal(inv.Found[0].Order, []int{0, 1}) {
		t.Fatalf("%+v", inv)
	}
	inv, err = r.Inverse(context.Background(), gmcr.InverseSpec{DM: 0, Target: s3, Concept: gmcr.Nash, Statements: f.Priorities[0]})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Checked != 2 || len(inv.Found) != 0 {
		t.Fatalf("%+v", inv)
	}
}

func key(xs []int) string {
	b := make([]byte, len(xs))
	for i, x := range xs {
		b[i] = byte('a' + x)
	}
	return string(b)
}

// bruteOrders calls f with every ordering of 0..n-1 that keeps the first
// keep in place, by plain recursion (not the analysis' Heap's algorithm).
func bruteOrders(n, keep int, f func([]int)) {
	order := make([]int, 0, n)
	used := make([]bool, n)
	for i := 0; i < keep; i++ {
		order = append(order, i)
		used[i] = true
	}
	var rec func()
	rec = func() {
		if len(order) == n {
			f(order)
			return
		}
		for x := keep; x < n; x++ {
			if !used[x] {
				used[x] = true
				order = append(order, x)
				rec()
				order = order[:len(order)-1]
				used[x] = false
			}
		}
	}
	rec()
}
