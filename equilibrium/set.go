package equilibrium

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/truce-dev/truce/internal/budget"
	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/nash"
)

// SetOptions tunes SolveAll. The zero value asks for the defaults.
type SetOptions struct {
	Options
	// Starts is the number of random starts besides the selection
	// (default 20; 0 is the default, negative means none).
	Starts int
	// Seed seeds the random starts: start i draws from its own stream, so
	// the set does not depend on how the starts are scheduled.
	Seed uint64
	// Workers runs that many starts at a time (0 or 1: one by one). The
	// result does not depend on it.
	Workers int
	// StartSweeps, when positive, caps the sweeps of each value-iteration
	// start (the others take Options.MaxIter, or the method's default).
	// A start stopped by it ends without an equilibrium unless the polish
	// of its last iterate certifies one.
	StartSweeps int
	// CertifyEvery, when positive, tries every that many sweeps of a
	// value-iteration start, and at that many path steps times 1, 2, 4,
	// ... of a logit start, whether the equilibrium nearest its current
	// point (the Newton polish on its support, as at the end of a start)
	// passes the certificate, and ends the start there if it does: an
	// iteration's values approach their limit only at the discount's
	// rate, long after its support has settled, and a path can sit near
	// its limit for thousands of steps before its own test confirms it.
	CertifyEvery int
	// Selection, when set, is the result of Solve(g, Options) already
	// computed (e.g. under a time budget), used instead of solving again.
	Selection *Result
}

// DefaultStarts is the number of random starts SolveAll makes by default.
const DefaultStarts = 20

// Member is one distinct equilibrium of a Set.
type Member struct {
	*Result
	// Sources says how it was found: "selection", "enumeration",
	// "support enumeration",
	// "logit path from prior 3", "iteration from profile 4".
	Sources []string
	// Hits counts the starts (the selection included) that ended here;
	// BasinShare is Hits over the starts made.
	Hits       int
	BasinShare float64
	// Selected marks the equilibrium the selection rule returns.
	Selected bool
	// Outcome numbers the outcome class: equilibria with the same outcome
	// induce the same distribution of the next state and the same expected
	// payoffs in every state reached from the initial one (they differ
	// only off the path, or in choices that change nothing), so every
	// figure of the exact analysis from the start is the same for them.
	// Classes are numbered from 0 in the order of Equilibria.
	Outcome int
}

// Set is what SolveAll found.
type Set struct {
	// Equilibria are the distinct equilibria found, the selected one
	// first, then by basin share.
	Equilibria []Member
	// Selected is the index of the selected equilibrium in Equilibria, -1
	// when the selection did not converge (Selection then says why).
	Selected  int
	Selection *Result
	// Starts counts the starts made (the selection included), Failed those
	// that ended without an equilibrium.
	Starts, Failed int
	// Complete is true when enumeration proved that no equilibrium of the
	// kind it enumerates is missing; Completeness says what is proved and
	// what is not.
	Complete     bool
	Completeness string
	// Outcomes is the number of distinct outcome classes (see
	// Member.Outcome).
	Outcomes int
	// Spread is the largest difference, over pairs of equilibria found and
	// over actors, of an actor's value from the initial state: how far
	// apart the answers are.
	Spread float64
	// Stopped is set when ctx ended the search early.
	Stopped string
}

// sameTol is the largest difference in any probability between two
// profiles counted as the same equilibrium.
const sameTol = 1e-6

// mpePureEnumMax bounds the pure stationary profiles SolveAll checks one by
// one.
const mpePureEnumMax = 20000

// SolveAll searches for the set of stationary Markov-perfect equilibria:
// the selected one (Solve with opt.Method), equilibria found from random
// starts (logit paths σ ∝ prior·exp(λQ) from random priors, and value
// iteration from random profiles), and, where it is feasible, exact
// enumeration. Distinct equilibria are kept once each, with the starts
// that reached them. Only enumeration can prove that nothing was missed;
// Set.Complete and Set.Completeness say what was proved.
//
// Its work splits into SetUnits(opt) independent units (SolveSetPart);
// SolveAll is SolveSetPart over every unit followed by MergeSet, except
// that a context that ends early leaves a partial set (Set.Stopped)
// instead of an error once the selection is made.
func SolveAll(ctx context.Context, g *markov.Game, opt SetOptions) (*Set, error) {
	w, err := newSetWork(ctx, g, opt)
	if err != nil {
		return nil, err
	}
	part, err := w.compute(ctx, 0, w.units(), true)
	if err != nil {
		return nil, err
	}
	if part.selErr != nil {
		return nil, part.selErr
	}
	return w.assemble(ctx, []*SetPart{part}, part.stopped)
}

// SetUnits is the number of units SolveAll's work splits into: unit 0 is
// the selection and the exact enumeration, unit i ≥ 1 random start i
// (whose seed comes from i, so any split gives the same set).
func SetUnits(opt SetOptions) int {
	return opt.starts() + 1
}

func (opt SetOptions) starts() int {
	if opt.Starts == 0 {
		return DefaultStarts
	}
	return max(opt.Starts, 0)
}

// SetPart is the work of units [Lo, Hi) of SolveAll (see SetUnits), as
// SolveSetPart computed it; MergeSet folds the parts of every unit into
// the set SolveAll returns. It is plain data (gob or JSON encode it).
type SetPart struct {
	Lo, Hi int
	// Unit 0: the selection (or why it failed), and the enumeration.
	Selection      *Result
	SelectionError string
	Enumerated     bool // enumeration ran and proved something or found equilibria
	Enum           []*Result
	EnumProved     string
	EnumComplete   bool
	// Starts[k] is start max(Lo, 1)+k (in a clocked game, on the
	// stationary game from step Clock on).
	Starts []StartResult
	// for SolveAll alone
	selErr  error
	stopped string
}

// StartResult is what one random start ended at (Result nil or not
// converged: no equilibrium) and how it started.
type StartResult struct {
	Result *Result
	Source string
}

// SolveSetPart computes units [lo, hi) of SolveAll(ctx, g, opt). A time
// limit or an interrupt fails the part (a part is all or nothing); a
// selection that fails otherwise is recorded, for MergeSet to report as
// SolveAll would.
func SolveSetPart(ctx context.Context, g *markov.Game, opt SetOptions, lo, hi int) (*SetPart, error) {
	w, err := newSetWork(ctx, g, opt)
	if err != nil {
		return nil, err
	}
	if n := SetUnits(opt); lo < 0 || hi > n || lo > hi {
		return nil, fmt.Errorf("solve all: units [%d, %d) outside the %d units (the selection and %d starts)", lo, hi, n, n-1)
	}
	part, err := w.compute(ctx, lo, hi, false)
	if err != nil {
		return nil, err
	}
	if part.selErr != nil {
		part.SelectionError = part.selErr.Error()
	}
	return part, nil
}

// MergeSet folds parts covering every unit of SolveAll(ctx, g, opt) once,
// in unit order, into the set SolveAll returns: the same equilibria,
// order, basin shares, outcome classes and completeness, to the last bit.
func MergeSet(ctx context.Context, g *markov.Game, opt SetOptions, parts []*SetPart) (*Set, error) {
	w, err := newSetWork(ctx, g, opt)
	if err != nil {
		return nil, err
	}
	next := 0
	for _, p := range parts {
		want := max(0, min(p.Hi, w.starts+1)-max(p.Lo, 1))
		if p.Lo != next || p.Hi < p.Lo || len(p.Starts) != want || (p.Lo == 0 && p.Hi > 0 && p.Selection == nil && p.SelectionError == "") {
			return nil, fmt.Errorf("merge set: a part holds units [%d, %d) with %d starts where unit %d comes next", p.Lo, p.Hi, len(p.Starts), next)
		}
		next = p.Hi
	}
	if next != SetUnits(opt) {
		return nil, fmt.Errorf("merge set: the parts end at unit %d of %d", next, SetUnits(opt))
	}
	if err := w.checkBudget(ctx, w.units()); err != nil {
		return nil, err
	}
	if msg := parts[0].SelectionError; msg != "" {
		return nil, errors.New(msg)
	}
	return w.assemble(ctx, parts, "")
}

// setWork is what every unit of one SolveAll shares.
type setWork struct {
	g       *markov.Game
	opt     SetOptions
	m       *mpeModel
	starts  int // random starts
	clocked bool
	// stages, in a clocked game, are the models of steps 0..Clock-1 and of
	// the stationary game from step Clock on (m is the last).
	stages []*mpeModel
}

func newSetWork(ctx context.Context, g *markov.Game, opt SetOptions) (*setWork, error) {
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("solve all: %w", err)
	}
	if opt.Tol <= 0 {
		opt.Tol = mpeDefaultTol
	}
	w := &setWork{g: g, opt: opt, starts: opt.starts()}
	// A clocked game's equilibria are non-stationary. The starts and the
	// enumeration search the stationary equilibria of the game from step
	// Clock on; assemble extends each back over the clock by Solve's
	// backward induction (clock.go), so that the selection, which Solve
	// finds the same way, is one of them.
	w.clocked = g.Clock > 0
	if w.clocked {
		stages, err := stageModels(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("solve all: %w", err)
		}
		w.stages, w.m = stages, stages[g.Clock]
		return w, nil
	}
	m, err := newMPEModel(ctx, g)
	if err != nil {
		return nil, fmt.Errorf("solve all: %w", err)
	}
	w.m = m
	return w, nil
}

// units is the number of units with work in them.
func (w *setWork) units() int { return w.starts + 1 }

// checkBudget reserves memory for the profiles of n units: at most one per
// start and enumerated equilibrium.
func (w *setWork) checkBudget(ctx context.Context, n int) error {
	per := int64(0)
	for _, s := range w.m.nt {
		for _, k := range w.m.K[s] {
			per += int64(k + 1)
		}
	}
	return budget.Check(ctx, fmt.Sprintf("equilibria of %d starts", n), budget.Mul(int64(n), per, 8), "use fewer --starts")
}

// compute runs units [lo, hi). whole: SolveAll's own run, where a context
// that ends after the selection stops the search and says so in stopped;
// otherwise it fails the part.
func (w *setWork) compute(ctx context.Context, lo, hi int, whole bool) (*SetPart, error) {
	m, opt := w.m, w.opt
	part := &SetPart{Lo: lo, Hi: hi}
	if err := w.checkBudget(ctx, max(0, min(hi, w.units())-lo)); err != nil {
		return nil, err
	}
	if lo == 0 && hi > 0 {
		// The selection.
		sel, err := opt.Selection, error(nil)
		if sel == nil {
			sel, err = Solve(ctx, w.g, opt.Options)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			// The error says why the selection stopped and what failed
			// before (a memory refusal, with its alternative); keep it.
			if !errors.Is(err, ctx.Err()) {
				err = errors.Join(ctx.Err(), err)
			}
			return nil, fmt.Errorf("solve all: %w", err)
		case err != nil:
			part.selErr = err
			if whole {
				return part, nil
			}
		}
		part.Selection = sel
		// Exact enumeration where it is feasible.
		if part.selErr == nil {
			enum, what, complete, err := m.enumerate(ctx, opt.Tol)
			switch {
			case err != nil && ctx.Err() != nil && whole:
				part.stopped = "stopped during enumeration: " + ctx.Err().Error()
			case err != nil && ctx.Err() != nil:
				return nil, fmt.Errorf("solve all: enumeration: %w", ctx.Err())
			case err != nil:
			case enum != nil || what != "":
				part.Enumerated, part.Enum, part.EnumProved, part.EnumComplete = true, enum, what, complete
			}
		}
	}

	// Random starts, run by opt.Workers goroutines; each start's result
	// goes to its own slot and the slots are merged in order, so the set
	// does not depend on the schedule.
	first, last := max(lo, 1), min(hi, w.starts+1) // starts [first, last)
	last = max(last, first)
	results := make([]StartResult, last-first)
	run := func(i int) {
		out := &results[i-first]
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(i)))
		prior := m.randomProfile(rng)
		sweeps := opt.MaxIter
		if opt.StartSweeps > 0 {
			sweeps = opt.StartSweeps
		}
		switch {
		case i%2 == 1 && opt.CertifyEvery <= 0:
			out.Source = fmt.Sprintf("logit path from prior %d", i)
			sig, steps, reason, err := mpeTrace(ctx, m, Options{Tol: opt.Tol, MaxIter: opt.MaxIter}, prior)
			if err == nil {
				out.Result, _ = m.result(sig, "homotopy", steps, opt.Tol, reason)
			}
		case i%2 == 1:
			out.Source = fmt.Sprintf("logit path from prior %d", i)
			out.Result = m.startPath(ctx, prior, opt)
		case opt.CertifyEvery > 0:
			out.Source = fmt.Sprintf("iteration from profile %d", i)
			out.Result = m.startIterate(ctx, prior, sweeps, opt)
		default:
			out.Source = fmt.Sprintf("iteration from profile %d", i)
			out.Result, _ = mpeIterateWith(ctx, m, Options{Tol: opt.Tol, MaxIter: sweeps}, mpeStageDefault, prior)
		}
	}
	workers := min(max(opt.Workers, 1), max(last-first, 1))
	next := make(chan int)
	var wg sync.WaitGroup
	var done atomic.Int64
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				run(i)
				if opt.Progress != nil {
					opt.Progress(fmt.Sprintf("%d of %d starts done", done.Add(1), last-first))
				}
			}
		}()
	}
	made := first - 1
feed:
	for i := first; i < last; i++ {
		select {
		case <-ctx.Done():
			break feed
		case next <- i:
			made = i
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		if !whole {
			return nil, fmt.Errorf("solve all: starts %d-%d: %w", first, last-1, err)
		}
		if part.stopped == "" {
			part.stopped = fmt.Sprintf("stopped after %d of %d starts: %v", made, w.starts, err)
		}
	}
	part.Starts = results[:made-first+1]
	return part, nil
}

// startPath follows the logit path from prior (at most Options.MaxIter
// steps, or the method's cap), trying at steps opt.CertifyEvery·2^k whether
// the polish of its current point certifies the equilibrium it is
// heading to (the test mpeTrace makes at its end: the polished profile
// must lie close to the path point). It returns what the path ended at,
// nil when it could not start.
func (m *mpeModel) startPath(ctx context.Context, prior [][][]float64, opt SetOptions) *Result {
	p, err := mpeTraceStart(m, Options{Tol: opt.Tol, MaxIter: opt.MaxIter}, prior)
	if err != nil {
		return nil
	}
	limit := p.maxSteps
	// The checks come at steps every, 2·every, 4·every, ...: a check
	// costs about as much as tens of path steps, and a path certified at
	// step n is then stopped by step 2n.
	next := opt.CertifyEvery
	if next <= 0 {
		next = limit
	}
	for {
		sig, reason, st := p.advance(ctx, min(next, limit))
		next *= 2
		switch {
		case st == mpePathDone || st == mpePathStopped:
			r, _ := m.result(sig, "homotopy", p.steps(), opt.Tol, reason)
			return r
		case p.steps() >= limit:
			sig, reason = p.finish(fmt.Sprintf("no confirmed equilibrium after %d path steps", p.steps()))
			r, _ := m.result(sig, "homotopy", p.steps(), opt.Tol, reason)
			return r
		}
		if sig, _ = p.finish(""); sig != nil {
			if r, _ := m.result(sig, "homotopy", p.steps(), opt.Tol, ""); r != nil && r.Converged {
				return r
			}
		}
	}
}

// startIterate runs value iteration from start for at most sweeps sweeps
// (0: the method's cap), trying every opt.CertifyEvery sweeps whether the
// polish of its current iterate on its support (actions played with
// probability above 1e-9, 1e-6 or 1e-3) certifies an equilibrium.
func (m *mpeModel) startIterate(ctx context.Context, start [][][]float64, sweeps int, opt SetOptions) *Result {
	it, err := mpeIterateStart(m, Options{Tol: opt.Tol, MaxIter: sweeps}, mpeStageDefault, start)
	if err != nil {
		return nil
	}
	every := opt.CertifyEvery
	if every <= 0 {
		every = it.maxSweeps
	}
	for done := 0; ; {
		done = min(done+every, it.maxSweeps)
		r, st, _ := it.advance(ctx, done)
		if st != mpePathCapped {
			return r
		}
		r, _ = it.finish()
		if r == nil || r.Converged || done >= it.maxSweeps {
			return r
		}
		for _, thr := range []float64{1e-6, 1e-3} {
			if p, gain, ok := m.polish(r.Strategies, r.Values, mpeSupportOf(r.Strategies, thr)); ok && gain <= opt.Tol {
				if pr, _ := m.result(p, "iterate", done, opt.Tol, ""); pr != nil && pr.Converged {
					return pr
				}
			}
		}
	}
}

// assemble folds the parts, in unit order, into the set.
func (w *setWork) assemble(ctx context.Context, parts []*SetPart, stopped string) (*Set, error) {
	g, m := w.g, w.m
	set := &Set{Selected: -1, Stopped: stopped}
	add := func(r *Result, source string, hit bool) int {
		for i := range set.Equilibria {
			if mpeDist(set.Equilibria[i].Strategies, r.Strategies) <= sameTol {
				mb := &set.Equilibria[i]
				if !contains(mb.Sources, source) {
					mb.Sources = append(mb.Sources, source)
				}
				if hit {
					mb.Hits++
				}
				return i
			}
		}
		mb := Member{Result: r, Sources: []string{source}}
		if hit {
			mb.Hits = 1
		}
		set.Equilibria = append(set.Equilibria, mb)
		return len(set.Equilibria) - 1
	}
	// The selection.
	sel := parts[0].Selection
	set.Starts++
	set.Selection = sel
	if sel.Converged {
		set.Selected = add(sel, "selection", true)
		set.Equilibria[set.Selected].Selected = true
	} else {
		set.Failed++
	}
	// The enumeration.
	var proved []string
	if p := parts[0]; p.Enumerated {
		for _, r := range p.Enum {
			src := "enumeration"
			if r.Method == "support enumeration" {
				src = r.Method
			}
			add(r, src, false)
		}
		if p.EnumProved != "" {
			proved = append(proved, p.EnumProved)
		}
		set.Complete = p.EnumComplete
	}
	// The starts, in order.
	for _, p := range parts {
		for _, st := range p.Starts {
			set.Starts++
			if st.Result == nil || !st.Result.Converged {
				set.Failed++
				continue
			}
			add(st.Result, st.Source, true)
		}
	}

	// In a clocked game every stationary equilibrium found is extended
	// back over the clock (the selection already is); one whose extension
	// is not an equilibrium within the tolerance is left out and counted.
	unextended := 0
	if w.clocked {
		kept := set.Equilibria[:0]
		for _, mb := range set.Equilibria {
			if mb.Timed == nil {
				r, err := extendClocked(ctx, g, mb.Result, w.opt.Options, w.stages)
				if err != nil {
					return nil, fmt.Errorf("solve all: %w", err)
				}
				if !r.Converged {
					unextended++
					continue
				}
				mb.Result = r
			}
			kept = append(kept, mb)
		}
		set.Equilibria = kept
	}

	// Order: the selected one first, then by hits, then as found.
	order := make([]int, len(set.Equilibria))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := set.Equilibria[order[x]], set.Equilibria[order[y]]
		if a.Selected != b.Selected {
			return a.Selected
		}
		return a.Hits > b.Hits
	})
	sorted := make([]Member, len(order))
	for i, o := range order {
		sorted[i] = set.Equilibria[o]
		sorted[i].BasinShare = float64(sorted[i].Hits) / float64(set.Starts)
	}
	set.Equilibria = sorted
	set.Selected = -1
	for i, mb := range set.Equilibria {
		if mb.Selected {
			set.Selected = i
		}
	}
	var sigs [][]float64
	for i := range set.Equilibria {
		sig := w.outcomeOf(set.Equilibria[i].Result)
		set.Equilibria[i].Outcome = -1
		for o, other := range sigs {
			if outcomeSame(sig, other, 1e-9*m.scale) {
				set.Equilibria[i].Outcome = o
				break
			}
		}
		if set.Equilibria[i].Outcome < 0 {
			set.Equilibria[i].Outcome = len(sigs)
			sigs = append(sigs, sig)
		}
	}
	set.Outcomes = len(sigs)
	for i := range set.Equilibria {
		for j := i + 1; j < len(set.Equilibria); j++ {
			for a := range g.Actors {
				d := math.Abs(set.Equilibria[i].startValue(a, g.Initial) - set.Equilibria[j].startValue(a, g.Initial))
				set.Spread = math.Max(set.Spread, d)
			}
		}
	}
	switch {
	case w.clocked:
		// Completeness of the stationary part proves nothing about the
		// steps before the clock, where one stage equilibrium is taken.
		set.Complete = false
		stat := fmt.Sprintf("%d starts", set.Starts)
		if len(proved) > 0 {
			stat = strings.Join(proved, "; ") + " and " + stat
		}
		set.Completeness = fmt.Sprintf("not proved complete: the game is clocked (its rules depend on the step until step %d); the stationary equilibria of the game from step %d on were searched (%s), and each was extended back over the clock by backward induction, taking in every state and step the stage equilibrium nearest the next step's play, so other equilibria of the clocked game may exist", g.Clock, g.Clock, stat)
		if unextended > 0 {
			set.Completeness += fmt.Sprintf("; %d stationary equilibria found did not extend to an equilibrium within the tolerance and are left out", unextended)
		}
	case set.Complete:
		set.Completeness = "complete: " + strings.Join(proved, "; ")
	case len(proved) > 0:
		set.Completeness = strings.Join(proved, "; ") + fmt.Sprintf("; other equilibria were searched from %d starts, which proves nothing about what they missed", set.Starts)
	default:
		set.Completeness = fmt.Sprintf("not proved complete: %d starts, no exact enumeration for a game of this size and shape", set.Starts)
	}
	return set, nil
}

// startValue is actor a's value of the equilibrium from state s at step 0.
func (r *Result) startValue(a, s int) float64 {
	if len(r.TimedValues) > 0 {
		return r.TimedValues[0][a][s]
	}
	return r.Values[a][s]
}

// outcomeOf is the outcome of r (m.outcomeOf), in a clocked game the
// outcome at every step before the clock from the states it reaches at
// that step, followed by the stationary outcome from those it reaches at
// step Clock.
func (w *setWork) outcomeOf(r *Result) []float64 {
	if !w.clocked {
		return w.m.outcomeOf(r.Strategies)
	}
	var out []float64
	from := []int{w.g.Initial}
	for t := 0; t < w.g.Clock; t++ {
		mt := w.stages[t]
		o, next := mt.outcomeFrom(r.Timed[t], from, false)
		out = append(out, o...)
		from = next
	}
	o, _ := w.m.outcomeFrom(r.Strategies, from, true)
	return append(out, o...)
}

// outcomeOf describes what profile sig does in the states it reaches from
// the initial state: the distribution of the next state and every actor's
// expected flow utility (zero for states it never reaches). Two profiles
// with the same description generate the same process from the start, so
// every figure of the exact analysis is the same for them.
func (m *mpeModel) outcomeOf(sig [][][]float64) []float64 {
	from := m.nt[:1]
	if m.g != nil {
		from = []int{m.g.Initial}
	}
	out, _ := m.outcomeFrom(sig, from, true)
	return out
}

// outcomeFrom is outcomeOf from the states from, following sig to every
// state it reaches (all true) or for one step only; next lists the
// non-terminal states entered from the last states visited (one step: the
// states reached next), in increasing order.
func (m *mpeModel) outcomeFrom(sig [][][]float64, from []int, all bool) (out []float64, entered []int) {
	w := m.nS + m.nA
	out = make([]float64, len(m.nt)*w)
	reached := make([]bool, m.nS)
	queue := []int{}
	for _, s := range from {
		if !reached[s] {
			reached[s] = true
			queue = append(queue, s)
		}
	}
	into := make([]bool, m.nS)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		i := m.ntIdx[s]
		if i < 0 {
			continue
		}
		next, flow := out[i*w:i*w+m.nS], out[i*w+m.nS:(i+1)*w]
		for j := 0; j < m.nJ[s]; j++ {
			kp := m.kpos[s][j*m.nA : (j+1)*m.nA]
			p := 1.0
			for a := 0; a < m.nA; a++ {
				p *= sig[a][s][kp[a]]
			}
			if p == 0 {
				continue
			}
			for a := 0; a < m.nA; a++ {
				flow[a] += p * m.uflow[s][j*m.nA+a]
			}
			for _, nx := range m.trans[s][j] {
				next[nx.State] += p * nx.P
			}
		}
		for t, p := range next {
			if p > 0 && m.ntIdx[t] >= 0 {
				into[t] = true
			}
			if p > 0 && !reached[t] && all {
				reached[t] = true
				queue = append(queue, t)
			}
		}
	}
	for s, e := range into {
		if e {
			entered = append(entered, s)
		}
	}
	return out, entered
}

// outcomeSame compares two outcomes: probabilities to 1e-9, utilities to
// tol.
func outcomeSame(x, y []float64, tol float64) bool {
	for i := range x {
		if math.Abs(x[i]-y[i]) > math.Max(1e-9, tol) {
			return false
		}
	}
	return true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// randomProfile draws every actor's play in every state uniformly from the
// simplex (a flat Dirichlet), kept away from the boundary so that it can
// serve as a logit prior.
func (m *mpeModel) randomProfile(r *rand.Rand) [][][]float64 {
	sig := m.uniform()
	for a := range sig {
		for _, s := range m.nt {
			tot := 0.0
			for k := range sig[a][s] {
				x := -math.Log(1 - r.Float64()) // Exp(1)
				sig[a][s][k] = x + 1e-6
				tot += sig[a][s][k]
			}
			for k := range sig[a][s] {
				sig[a][s][k] /= tot
			}
		}
	}
	return sig
}

// staticGame returns the strategic game whose Nash equilibria are exactly
// the stationary MPEs of m, when m has a single non-terminal state s whose
// probability of continuing in s is the same after every joint action (the
// continuation then adds the same amount to every action's payoff): flows
// plus discounted entry payoffs of the terminal states reached.
func (m *mpeModel) staticGame() (shape []int, pay []float64, ok bool) {
	if len(m.nt) != 1 {
		return nil, nil, false
	}
	s := m.nt[0]
	nA := m.nA
	stay := -1.0
	pay = make([]float64, m.nJ[s]*nA)
	for j := 0; j < m.nJ[s]; j++ {
		p := 0.0
		for _, nx := range m.trans[s][j] {
			if nx.State == s {
				p += nx.P
			}
		}
		if stay < 0 {
			stay = p
		} else if math.Abs(p-stay) > 1e-15 {
			return nil, nil, false
		}
		for a := 0; a < nA; a++ {
			u := m.uflow[s][j*nA+a]
			for _, nx := range m.trans[s][j] {
				if m.ntIdx[nx.State] < 0 {
					u += m.disc[a] * nx.P * m.entry[nx.State][a]
				}
			}
			pay[j*nA+a] = u
		}
	}
	return append([]int(nil), m.K[s]...), pay, true
}

// enumerate finds equilibria exactly where that is feasible: every extreme
// equilibrium of a one-state two-actor game (nash.EnumMixed), every pure
// equilibrium of a one-state game with more actors (nash.EnumPure), or
// every pure stationary equilibrium of a small game (each pure profile
// checked); in the last two cases a tiny game also has its mixed support
// profiles solved (enumerateSupports), which proves nothing. what says
// what is proved; complete is true when nothing at all can be missing.
func (m *mpeModel) enumerate(ctx context.Context, tol float64) (eqs []*Result, what string, complete bool, err error) {
	if shape, pay, ok := m.staticGame(); ok {
		sg := mpeStrategic(shape, pay)
		stage := func(p [][]float64) [][][]float64 {
			sig := m.uniform()
			for a := range p {
				sig[a][m.nt[0]] = append([]float64(nil), p[a]...)
			}
			return sig
		}
		keep := func(res *nash.Result, method string) error {
			for _, e := range res.Equilibria {
				r, err := m.result(stage(e.Profile), method, 0, tol, "")
				if err != nil {
					return err
				}
				if r.Converged {
					eqs = append(eqs, r)
				}
			}
			return nil
		}
		if len(shape) == 2 {
			res, err := nash.EnumMixed(ctx, sg, nash.Options{})
			if err != nil {
				return nil, "", false, err
			}
			if err := keep(res, "enummixed"); err != nil {
				return nil, "", false, err
			}
			if !res.Complete {
				return eqs, "", false, fmt.Errorf("enummixed stopped: %s", res.Reason)
			}
			return eqs, "every extreme equilibrium of this one-state two-actor game by vertex enumeration (enummixed); any other equilibrium is a convex combination of extreme ones of the same component", true, nil
		}
		res, err := nash.EnumPure(ctx, sg, nash.Options{})
		if err != nil {
			return nil, "", false, err
		}
		if err := keep(res, "enumpure"); err != nil {
			return nil, "", false, err
		}
		if !res.Complete {
			return eqs, "", false, fmt.Errorf("enumpure stopped: %s", res.Reason)
		}
		mixed, supports, err := m.enumerateSupports(ctx, tol)
		if err != nil {
			return nil, "", false, err
		}
		if supports == 0 {
			return eqs, "every pure equilibrium of this one-state game (enumpure); mixed ones are not enumerated", false, nil
		}
		return append(eqs, mixed...), "every pure equilibrium of this one-state game (enumpure); " + supportEnumWhat(supports), false, nil
	}
	// Pure stationary profiles of a small game, one by one.
	count := 1
	for _, s := range m.nt {
		for _, k := range m.K[s] {
			if count > mpePureEnumMax/k {
				return nil, "", false, nil
			}
			count *= k
		}
	}
	if len(m.nt) > 12 {
		return nil, "", false, nil
	}
	type slot struct{ a, s, k int }
	var slots []slot
	for _, s := range m.nt {
		for a := 0; a < m.nA; a++ {
			slots = append(slots, slot{a, s, m.K[s][a]})
		}
	}
	pos := make([]int, len(slots))
	sig := m.uniform()
	for i := 0; i < count; i++ {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, "", false, err
			}
		}
		for x, sl := range slots {
			clear(sig[sl.a][sl.s])
			sig[sl.a][sl.s][pos[x]] = 1
		}
		gain, V, err := m.certificate(sig)
		if err == nil && gain <= tol {
			eqs = append(eqs, &Result{Strategies: mpeCopy(sig), Values: V, MaxDeviationGain: gain, Converged: true, Method: "pure enumeration"})
		}
		for x := range pos {
			if pos[x]++; pos[x] < slots[x].k {
				break
			}
			pos[x] = 0
		}
	}
	what = fmt.Sprintf("every pure stationary equilibrium (all %d pure profiles checked)", count)
	mixed, supports, err := m.enumerateSupports(ctx, tol)
	if err != nil {
		return nil, "", false, err
	}
	if supports == 0 {
		return eqs, what + "; mixed ones are not enumerated", false, nil
	}
	return append(eqs, mixed...), what + "; " + supportEnumWhat(supports), false, nil
}

// supportEnumWhat says what enumerateSupports over n support profiles
// proves, and what it does not.
func supportEnumWhat(n int) string {
	return fmt.Sprintf("mixed ones by support enumeration: the equal-value system of each of the %d support profiles solved by Newton from %d starts, which can miss solutions of that polynomial system, so mixed equilibria may be missing", n, mpeSupportStarts)
}

// Selection describes the selection rule of Solve's default method, for
// every place that shows "the" equilibrium.
const Selection = "the limit of the logit path from uniform play (method homotopy; Shapley iteration for two-actor zero-sum games; policy or value iteration if the path fails, or if it has not ended after auto's first share of path steps and one of them then converges)"

// Describe says in one sentence how many equilibria were found, how far
// apart they are and what is proved, e.g. "16 equilibria found from 21
// starts (2 distinct outcomes), not proved complete; the actors' values
// from the start differ by up to 56.6 (US)".
func (s *Set) Describe(g *markov.Game) string {
	var b strings.Builder
	n := len(s.Equilibria)
	switch n {
	case 0:
		b.WriteString("no equilibrium found")
	case 1:
		b.WriteString("1 equilibrium found")
	default:
		fmt.Fprintf(&b, "%d equilibria found", n)
	}
	fmt.Fprintf(&b, " from %d start", s.Starts)
	if s.Starts != 1 {
		b.WriteString("s")
	}
	if n > 1 && s.Outcomes != n {
		fmt.Fprintf(&b, " (%d distinct outcome", s.Outcomes)
		if s.Outcomes != 1 {
			b.WriteString("s")
		}
		b.WriteString(")")
	}
	if g != nil && g.Clock > 0 {
		fmt.Fprintf(&b, ", each a stationary equilibrium of the game from step %d on extended back over the clock by backward induction", g.Clock)
	}
	if s.Complete {
		b.WriteString(", proved complete")
	} else {
		b.WriteString(", not proved complete")
	}
	if n > 1 {
		who, d := "", 0.0
		for i := range s.Equilibria {
			for j := i + 1; j < n; j++ {
				for a, act := range g.Actors {
					if x := math.Abs(s.Equilibria[i].startValue(a, g.Initial) - s.Equilibria[j].startValue(a, g.Initial)); x > d {
						who, d = act.ID, x
					}
				}
			}
		}
		if d == 0 {
			b.WriteString("; the actors' values from the start are the same in all")
		} else {
			fmt.Fprintf(&b, "; the actors' values from the start differ by up to %.3g (%s)", d, who)
		}
	}
	return b.String()
}
