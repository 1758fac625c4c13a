package nash

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/internal/budget"
)

// Behaviour profiles of trees: Equilibrium.Profile[p] lists player p's
// behaviour strategy flat, information set by information set in the order
// they first appear in the tree's preorder, actions in file order; index
// t.ActionOffset(is)+a. This is the order Gambit prints. Regret is the
// NashConv-style certificate: the largest gain any player gets by
// switching to a best response in the tree.

// seqLCP holds the Lemke system Gambit's efglcp builds from the sequence
// form (1-based rows and columns, column 0 the covering vector), kept
// sparse: the tableaux are built from it.
type seqLCP struct {
	sf                 *seqForm
	ns1, ns2, ni1, ni2 int
	m                  int
	cells              []seqCell // A's nonzero cells outside column 0, later ones win
	a0                 []*big.Rat
	b                  []*big.Rat
}

// seqCell is one cell of the LCP matrix.
type seqCell struct {
	i, j int
	v    num
}

func newSeqLCP(sf *seqForm) *seqLCP {
	t := sf.t
	L := &seqLCP{sf: sf, ns1: sf.ns[0], ns2: sf.ns[1], ni1: len(t.PlayerInfosets[0]) + 1, ni2: len(t.PlayerInfosets[1]) + 1}
	m := L.ns1 + L.ns2 + L.ni1 + L.ni2
	L.m = m
	L.a0 = make([]*big.Rat, m+1)
	L.b = make([]*big.Rat, m+1)
	for i := range L.b {
		L.b[i] = new(big.Rat)
		L.a0[i] = big.NewRat(-1, 1)
	}
	L.a0[0].SetInt64(0)
	one, mone := num{q: qrat{1, 1}}, num{q: qrat{-1, 1}}
	set := func(i, j int, v num) { L.cells = append(L.cells, seqCell{i, j, v}) }
	base := [2]int{0, L.ns1}
	infBase := [2]int{L.ns1 + L.ns2 + 1, L.ns1 + L.ns2 + L.ni1 + 1}
	for p := 0; p < 2; p++ {
		for k, is := range t.PlayerInfosets[p] {
			inf := infBase[p] + k + 1
			par := base[p] + sf.parent[p][k] + 1
			set(par, inf, mone)
			set(inf, par, one)
			for a := range t.Infosets[is].Actions {
				s := base[p] + 1 + t.ActionOffset(is) + a + 1
				set(s, inf, one)
				set(inf, s, mone)
			}
		}
	}
	// shift already has the max payoff + 1 subtracted at each outcome.
	for _, e := range sf.entries {
		set(e.s1+1, L.ns1+e.s2+1, e.shift[0])
		set(L.ns1+e.s2+1, e.s1+1, e.shift[1])
	}
	set(1, infBase[0], one)
	set(infBase[0], 1, mone)
	set(L.ns1+1, infBase[1], one)
	set(infBase[1], L.ns1+1, mone)
	L.b[infBase[0]].SetInt64(-1)
	L.b[infBase[1]].SetInt64(-1)
	return L
}

// seqTableauBytes estimates the memory of a Lemke tableau for a system of
// m rows: m+1 rows of 2m+2 entries, rationals (pointer, big.Rat and a word
// or two of digits) or floats.
func seqTableauBytes(m int, exact bool) int64 {
	per := int64(8)
	if exact {
		per = 8 + 32 + 24
	}
	return budget.Mul(int64(m)+1, 2*int64(m)+2, per)
}

// seqLCPAlternative is what to do when a tree's sequence-form tableau is
// too large.
const seqLCPAlternative = "the sequence-form tableau grows with the square of the number of sequences; for a 2-player zero-sum tree use --method cfr (memory linear in the tree), or --method spe on trees with subgames"

// profile reads the realization plans off a tableau at a complementary
// basis and converts them to an equilibrium.
func (L *seqLCP) profile(tb seqTab, exact bool) Equilibrium {
	sf := L.sf
	var x [2][]float64
	var xr [2][]*big.Rat
	base := [2]int{0, L.ns1}
	for p := 0; p < 2; p++ {
		x[p] = make([]float64, sf.ns[p])
		xr[p] = make([]*big.Rat, sf.ns[p])
		for s := range x[p] {
			xr[p][s] = new(big.Rat)
			if row := tb.find(base[p] + s + 1); row > 0 && tb.positive(row) {
				x[p][s] = tb.value(row)
				if v := tb.valueExact(row); v != nil {
					xr[p][s].Set(v)
				}
			}
		}
	}
	eq := Equilibrium{Component: -1}
	if exact {
		eq.Exact = sf.behaviourExact(xr)
		eq.Profile = ratsToFloats(eq.Exact)
	} else {
		eq.Profile = sf.behaviour(x)
	}
	eq.Regret = sf.t.Regret(eq.Profile)
	return eq
}

// bfsKey identifies a basic feasible solution by its basic columns and
// their values, as Gambit's AddBFS does to skip equilibria found twice.
func (L *seqLCP) bfsKey(tb seqTab) string {
	var parts []string
	for row := 1; row <= tb.size(); row++ {
		l := tb.label(row)
		if l < 0 {
			continue
		}
		v := ""
		if e := tb.valueExact(row); e != nil {
			v = e.RatString()
		} else {
			// round so that float noise cannot make one basis look new
			v = strconv.FormatFloat(tb.value(row), 'g', 8, 64)
		}
		parts = append(parts, fmt.Sprintf("%d=%s", l, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// TreeLCP computes Nash equilibria of a two-player tree with perfect recall
// by Lemke's algorithm on the sequence form (Koller, Megiddo and von
// Stengel 1996), following Gambit's gambit-lcp for trees step by step: the
// same tableau, covering vector and lexicographic pivoting, so in exact
// arithmetic (opts.Rational) it returns the equilibrium Gambit returns.
// With opts.All it follows Gambit's search for all equilibria reachable by
// perturbing the covering vector. Profiles are behaviour profiles (see the
// package comment on trees); at information sets a player's own strategy
// never reaches, actions get equal weight, as in Gambit.
func TreeLCP(ctx context.Context, t *game.Tree, opts Options) (out *Result, outErr error) {
	defer certifyTree(ctx, "lcp", t, &out, &outErr)
	start := time.Now()
	if err := treeCheck(t, "lcp"); err != nil {
		return nil, err
	}
	// The tableau's size follows from the tree's shape: check it before
	// building anything.
	m := 2 + t.NumActions(0) + t.NumActions(1) + len(t.PlayerInfosets[0]) + len(t.PlayerInfosets[1]) + 2
	exact := opts.Rational && t.IsExact()
	what := fmt.Sprintf("sequence-form tableau (%d × %d)", m, 2*m+2)
	if err := budget.Check(ctx, what, seqTableauBytes(m, exact), seqLCPAlternative); err != nil {
		return nil, fmt.Errorf("lcp: %w", err)
	}
	sf, err := newSeqForm(t)
	if err != nil {
		return nil, err
	}
	L := newSeqLCP(sf)
	res, err := L.solve(ctx, exact, opts)
	if !exact && t.IsExact() && ((err != nil && (errors.Is(err, errSeqRay) || errors.Is(err, errSeqCycle))) || (err == nil && seqBadCertificate(res))) {
		// Floating point lost the path (a degenerate tableau, payoffs of
		// very different sizes); exact arithmetic follows Lemke's path
		// without fail, if its tableau fits.
		if berr := budget.Check(ctx, "exact "+what+" (floating point lost the path)", seqTableauBytes(m, true), "try --rational with a larger --max-memory"); berr != nil {
			return nil, fmt.Errorf("lcp: %w", berr)
		}
		res, err = L.solve(ctx, true, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("lcp: %w", err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func (L *seqLCP) solve(ctx context.Context, exact bool, opts Options) (*Result, error) {
	var tb seqTab
	if exact {
		tb = newExactTab(L)
	} else {
		tb = newFloatTab(L)
	}
	res := &Result{Method: "lcp", Complete: true, Stats: map[string]float64{}}
	dup := L.ns1 + L.ns2 + 1
	pivots := 0
	if !opts.All {
		tb.pivot(dup, 0)
		ok, err := seqPath(ctx, tb, dup)
		pivots = tb.pivots()
		if err != nil {
			if ctx.Err() == nil {
				return nil, err
			}
			res.Complete, res.Reason = false, reasonOf(err)
		} else if ok != 1 {
			return nil, errSeqRay
		} else {
			res.Equilibria = append(res.Equilibria, L.profile(tb, exact))
		}
	} else {
		seen := map[string]bool{}
		err := L.allLemke(ctx, dup, tb, 0, seen, exact, res, &pivots, opts)
		if err != nil {
			if ctx.Err() == nil {
				return nil, err
			}
			res.Complete, res.Reason = false, reasonOf(err)
		}
	}
	res.Stats["pivots"] = float64(pivots)
	res.Stats["sequences"] = float64(L.ns1 + L.ns2)
	return res, nil
}

func reasonOf(err error) string { return stopReason(err) }

// allLemke is Gambit's AllLemke: from the equilibrium in tb, perturb the
// covering vector in each row in turn and follow the new path; recurse
// from the first new equilibrium found.
func (L *seqLCP) allLemke(ctx context.Context, j int, B seqTab, depth int, seen map[string]bool, exact bool, res *Result, pivots *int, opts Options) error {
	m := B.size()
	if depth > m {
		// Exact paths never come here; a float search that keeps finding
		// "new" bases is round-off, so stop descending.
		return nil
	}
	newsol := false
	small := big.NewRat(-1, 1000)
	mone := big.NewRat(-1, 1)
	for i := 1; i <= m && !newsol; i++ {
		if i == j {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		bc := B.clone()
		bc.setCover(i, small)
		var missing int
		if depth == 0 {
			bc.pivot(j, 0)
			missing = -j
		} else {
			missing = seqPivotIn(bc, 0)
		}
		before := bc.pivots()
		ok, err := seqPath(ctx, bc, -missing)
		*pivots += bc.pivots() - before
		if err != nil {
			return err
		}
		newsol = false
		if ok == 1 {
			key := L.bfsKey(bc)
			if !seen[key] {
				seen[key] = true
				newsol = true
				res.Equilibria = append(res.Equilibria, L.profile(bc, exact))
				if opts.Progress != nil {
					opts.Progress(fmt.Sprintf("%s, %d pivots", equilibria(len(res.Equilibria)), *pivots))
				}
			}
		}
		bc.setCover(i, mone)
		if newsol {
			if err := L.allLemke(ctx, i, bc, depth+1, seen, exact, res, pivots, opts); err != nil {
				return err
			}
		}
	}
	return nil
}

// seqBadCertificate reports a float result whose regret shows round-off
// took the path astray.
func seqBadCertificate(res *Result) bool {
	for _, eq := range res.Equilibria {
		if eq.Regret > 1e-9 {
			return true
		}
	}
	return false
}
