package gmcr_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/truce-dev/truce/gmcr"
	"pgregory.net/rapid"
)

// The reference below implements the stability definitions as written in
// the literature, with explicit sets and no cleverness, to check the
// linear-time analysis against.

type refKey struct {
	c    *gmcr.Conflict
	j, s int
}

// refCache memoises refMoves (the tests run sequentially).
var refCache = map[refKey][]int{}

// refMoves is R_j(s): feasible states that differ from s only in j's
// options, each change allowed by its option's direction.
func refMoves(c *gmcr.Conflict, j, s int) []int {
	key := refKey{c, j, s}
	if m, ok := refCache[key]; ok {
		return m
	}
	out := []int{}
	defer func() { refCache[key] = out }()
	for t := range c.Codes {
		if t == s {
			continue
		}
		ok := true
		for o, opt := range c.Options {
			a, b := c.Taken(s, o), c.Taken(t, o)
			if a == b {
				continue
			}
			if opt.DM != j || (opt.Direction == gmcr.TakeOnly && a) || (opt.Direction == gmcr.WithdrawOnly && !a) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, t)
		}
	}
	return out
}

// refReach is R_H(s) (uiOnly: R+_H(s)) by legal sequences: no member of H
// moves twice in a row; with single, one move by one member.
func refReach(c *gmcr.Conflict, h []int, s int, uiOnly, single bool) map[int]bool {
	type pair struct{ s, last int }
	seen := map[pair]bool{}
	var queue []pair
	push := func(from, j int) {
		for _, t := range refMoves(c, j, from) {
			if uiOnly && c.Rank[j][t] <= c.Rank[j][from] {
				continue
			}
			p := pair{t, j}
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	for _, j := range h {
		push(s, j)
	}
	for !single && len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, j := range h {
			if j != p.last {
				push(p.s, j)
			}
		}
	}
	out := map[int]bool{}
	for p := range seen {
		out[p.s] = true
	}
	return out
}

func refStable(c *gmcr.Conflict, k gmcr.Concept, i, s int, single bool) bool {
	var h []int
	for d := range c.DMs {
		if d != i {
			h = append(h, d)
		}
	}
	r := c.Rank[i]
	for _, s1 := range refMoves(c, i, s) {
		if r[s1] <= r[s] {
			continue
		}
		if k == gmcr.Nash {
			return false
		}
		sanctioned := false
		for s2 := range refReach(c, h, s1, k == gmcr.SEQ, single) {
			if r[s2] > r[s] {
				continue
			}
			if k == gmcr.SMR {
				ok := true
				for _, s3 := range refMoves(c, i, s2) {
					if r[s3] > r[s] {
						ok = false
					}
				}
				if !ok {
					continue
				}
			}
			sanctioned = true
			break
		}
		if !sanctioned {
			return false
		}
	}
	return true
}

// fataler is what testing.T and rapid.T share.
type fataler interface {
	Helper()
	Fatalf(string, ...any)
	Fatal(...any)
}

func checkAgainstReference(t fataler, c *gmcr.Conflict, r *gmcr.Result) {
	t.Helper()
	for _, k := range gmcr.Concepts {
		for d := range c.DMs {
			for s := range c.Codes {
				want := refStable(c, k, d, s, r.Sanctions == gmcr.SingleMoves)
				if got := r.Stable(k, d, s); got != want {
					t.Fatalf("%s %s: state %d for %s: analysis %v, definition %v", r.Sanctions, k, c.Codes[s], c.DMs[d].ID, got, want)
				}
				if _, err := r.Explain(context.Background(), k, d, s); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// randomConflict draws a small conflict: 2 or 3 decision makers with 1 or 2
// options each (6 at most), random irreversibility, random infeasible states and
// random weak orders.
func randomConflict(t *rapid.T) *gmcr.Conflict {
	nDM := rapid.IntRange(2, 3).Draw(t, "dms")
	var spec gmcr.Spec
	for d := 0; d < nDM; d++ {
		dm := gmcr.DecisionMaker{ID: fmt.Sprintf("D%d", d)}
		for k := rapid.IntRange(1, 2).Draw(t, "options"); k > 0 && len(spec.Options) < 6; k-- {
			dm.Options = append(dm.Options, len(spec.Options))
			dir := gmcr.Direction(rapid.IntRange(0, 5).Draw(t, "dir") % 3) // mostly reversible
			if rapid.Bool().Draw(t, "rev") {
				dir = gmcr.Reversible
			}
			spec.Options = append(spec.Options, gmcr.Option{ID: fmt.Sprintf("o%d", len(spec.Options)), DM: d, Direction: dir})
		}
		spec.DMs = append(spec.DMs, dm)
	}
	n := len(spec.Options)
	infeasible := map[uint64]bool{}
	for code := uint64(1); code < 1<<uint(n); code++ { // state 0 stays feasible
		if rapid.IntRange(0, 4).Draw(t, "inf") == 0 {
			infeasible[code] = true
		}
	}
	spec.Infeasible = func(code uint64) bool { return infeasible[code] }
	c, err := gmcr.New(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	for d := range c.DMs {
		ranks := make([]int64, len(c.Codes))
		for s := range ranks {
			ranks[s] = int64(rapid.IntRange(0, len(c.Codes)).Draw(t, "rank"))
		}
		if err := c.SetRanking(d, ranks); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestAnalysisMatchesDefinitions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := randomConflict(t)
		for _, mode := range []gmcr.Sanctions{gmcr.Sequences, gmcr.SingleMoves} {
			r, err := gmcr.Analyze(context.Background(), c, mode)
			if err != nil {
				t.Fatal(err)
			}
			checkAgainstReference(t, c, r)
		}
	})
}
