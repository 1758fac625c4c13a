package scenario

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/truce-dev/truce/markov"
)

// Memo keeps the figures hypotheses read on the draws of one scenario, for
// other scenarios evaluated on the same draws to reuse where they leave a
// piece of the model exactly as it was: the construction audit analyses
// every variant of a file on the file's draws, and a variant that changes
// one strategy leaves the game, and every profile that does not use that
// strategy, unchanged to the last bit.
//
// A figure is reused only when it is a function of nothing but the draw's
// game, the profiles it names and the analysis options (reach, value,
// best_response_value, responds, credible, ...; not the equilibrium set
// or commitments), and only when the game (every number and name), those
// profiles (every strategy, by content) and the options are equal, bit for
// bit, to those the figure was computed from. The figures, and every
// verdict, are then those a fresh evaluation gives.
//
// A Memo stores until Freeze and only looks up after: the audit fills it
// from the file as written, then its variants read it. It keeps each
// draw's game (see MemoBytes). A Memo is safe for concurrent use.
type Memo struct {
	mu     sync.RWMutex
	points map[int]*memoPoint // by draw index
	frozen bool
	hits   atomic.Int64
}

// memoPoint is what a Memo keeps of one draw: the game, the profiles read
// (by name) with the options of their analyses, and the figures by the
// canonical text of their call.
type memoPoint struct {
	horizon int
	g       *markov.Game
	profs   map[string]memoProfile
	vals    map[string]float64
}

type memoProfile struct {
	p    markov.Profile
	aopt markov.AnalyzeOptions
}

// NewMemo returns an empty Memo that stores.
func NewMemo() *Memo { return &Memo{points: map[int]*memoPoint{}} }

// Freeze stops storing: later evaluations only look up.
func (m *Memo) Freeze() {
	m.mu.Lock()
	m.frozen = true
	m.mu.Unlock()
}

// Len is the number of figures kept.
func (m *Memo) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := 0
	for _, pt := range m.points {
		n += len(pt.vals)
	}
	return n
}

// Hits is the number of figures reused so far.
func (m *Memo) Hits() int64 { return m.hits.Load() }

// MemoBytes estimates what a Memo of draws draws of sc keeps: each draw's
// game (its tables of transitions and payoffs) and figures.
func (sc *Scenario) MemoBytes(draws int) int64 {
	var cells int64
	for _, ts := range sc.transOf {
		cells += int64(len(ts))
	}
	nA, nC := int64(len(sc.Actors)), int64(len(sc.Components))
	stages := int64(sc.Clock + 1)
	// per joint action: a few successors (16 bytes each) and nA×nC flows
	perDraw := stages*cells*(4*16+nA*nC*8+48) + int64(len(sc.quantities))*64 + 1024
	if perDraw < 0 || draws < 0 {
		return math.MaxInt64
	}
	if draws > 0 && perDraw > math.MaxInt64/int64(draws) {
		return math.MaxInt64
	}
	return perDraw * int64(draws)
}

// memoable marks the quantity functions whose figure depends only on the
// draw's game, the profiles the call names and the analysis options.
func memoable(name string) bool {
	switch name {
	case "reach", "absorb", "time", "value", "value_by",
		"value_from", "absorb_from", "time_from", "reach_from",
		"share", "best_response_value", "responds", "credible":
		return true
	}
	return false
}

// pointMemo is one evaluation's view of a Memo at draw index: whether its
// game is the one kept, and which of its profiles are (computed once
// each). While the Memo stores, it collects what the evaluation computes
// and adds it at the end (commit).
type pointMemo struct {
	memo *Memo
	kept *memoPoint // the draw as kept; nil: nothing to reuse
	same []int8     // per profile index: 0 not compared, 1 same as kept, -1 not
	// fill is what this evaluation computed, to store (nil: frozen).
	fill *memoPoint
}

func newPointMemo(m *Memo, index int, g *markov.Game, horizon, nProfiles int) *pointMemo {
	m.mu.RLock()
	kept, frozen := m.points[index], m.frozen
	m.mu.RUnlock()
	pm := &pointMemo{memo: m, same: make([]int8, nProfiles)}
	if kept != nil && kept.horizon == horizon && gameEqual(kept.g, g) {
		pm.kept = kept
	}
	if !frozen && kept == nil {
		pm.fill = &memoPoint{horizon: horizon, g: g, profs: map[string]memoProfile{}, vals: map[string]float64{}}
	}
	return pm
}

// profileSame reports whether profile pi on this draw is the one kept
// under its name, with the same analysis options.
func (pm *pointMemo) profileSame(d *drawEval, pi int) bool {
	if pm.same[pi] != 0 {
		return pm.same[pi] > 0
	}
	pm.same[pi] = -1
	kp, ok := pm.kept.profs[d.sc.Profiles[pi].Name]
	if !ok {
		return false
	}
	p, err := d.profile(pi)
	if err != nil {
		return false // the read reports it
	}
	if profileEqual(kp.p, p) && optionsEqual(kp.aopt, d.analysisOptions(pi)) {
		pm.same[pi] = 1
	}
	return pm.same[pi] > 0
}

// read is q's figure on this draw: the kept one where every input is the
// same, else computed (and collected while the Memo stores).
func (pm *pointMemo) read(q *quantity, d *drawEval) (float64, error) {
	ok := memoable(q.fn.name) && q.profile >= 0
	if ok && pm.kept != nil && pm.profileSame(d, q.profile) && (q.fn.name != "responds" || pm.profileSame(d, q.profile2)) {
		if v, hit := pm.kept.vals[q.key]; hit {
			pm.memo.hits.Add(1)
			return v, nil
		}
	}
	v, err := q.fn.read(q, d)
	if err != nil {
		return 0, err
	}
	if ok && pm.fill != nil {
		pm.keep(d, q.profile)
		if q.fn.name == "responds" {
			pm.keep(d, q.profile2)
		}
		pm.fill.vals[q.key] = v
	}
	return v, nil
}

func (pm *pointMemo) keep(d *drawEval, pi int) {
	name := d.sc.Profiles[pi].Name
	if _, ok := pm.fill.profs[name]; ok {
		return
	}
	p, _ := d.profile(pi) // read already, without error
	pm.fill.profs[name] = memoProfile{p: p, aopt: d.analysisOptions(pi)}
}

// commit stores what this evaluation computed, if the Memo still stores
// and the draw is not kept yet.
func (pm *pointMemo) commit(index int) {
	if pm.fill == nil {
		return
	}
	m := pm.memo
	m.mu.Lock()
	if !m.frozen && m.points[index] == nil {
		m.points[index] = pm.fill
	}
	m.mu.Unlock()
}

// analysisOptions are the options profile pi's analysis is computed with
// on this draw.
func (d *drawEval) analysisOptions(pi int) markov.AnalyzeOptions {
	n := d.needs[pi]
	if n == nil {
		n = newNeeds(len(d.sc.States))
		d.sc.quantityNeeds(pi, n)
	}
	return n.options(d.sc.Horizon)
}

// The equalities below compare every field of the markov types they take
// (TestMemoEqualitiesCoverEveryField fails when one gains a field) and
// compare numbers by their bits: NaN equals the same NaN, 0 differs from
// -0, so equal inputs are equal to the last bit.

func feq(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func floatsEqual(a, b []float64) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if !feq(a[i], b[i]) {
			return false
		}
	}
	return true
}

func floats2Equal(a, b [][]float64) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if !floatsEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func floats3Equal(a, b [][][]float64) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if !floats2Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func transEqual(a, b [][][]markov.Next) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for s := range a {
		if len(a[s]) != len(b[s]) || (a[s] == nil) != (b[s] == nil) {
			return false
		}
		for j := range a[s] {
			x, y := a[s][j], b[s][j]
			if len(x) != len(y) || (x == nil) != (y == nil) {
				return false
			}
			for k := range x {
				if x[k].State != y[k].State || !feq(x[k].P, y[k].P) {
					return false
				}
			}
		}
	}
	return true
}

func gameEqual(a, b *markov.Game) bool {
	if a == b {
		return true
	}
	if a.Initial != b.Initial || a.Clock != b.Clock || len(a.Actors) != len(b.Actors) || len(a.States) != len(b.States) ||
		len(a.Timed) != len(b.Timed) || (a.Timed == nil) != (b.Timed == nil) ||
		!slices.Equal(a.Components, b.Components) || len(a.Actions) != len(b.Actions) || len(a.Avail) != len(b.Avail) {
		return false
	}
	for i, x := range a.Actors {
		y := b.Actors[i]
		if x.ID != y.ID || !feq(x.Discount, y.Discount) || !floatsEqual(x.Weights, y.Weights) {
			return false
		}
	}
	for i, x := range a.States {
		if x != b.States[i] {
			return false
		}
	}
	for i := range a.Actions {
		if !slices.Equal(a.Actions[i], b.Actions[i]) {
			return false
		}
	}
	for s := range a.Avail {
		if len(a.Avail[s]) != len(b.Avail[s]) {
			return false
		}
		for i := range a.Avail[s] {
			if !slices.Equal(a.Avail[s][i], b.Avail[s][i]) {
				return false
			}
		}
	}
	if !transEqual(a.Trans, b.Trans) || !floats3Equal(a.Flow, b.Flow) || !floats2Equal(a.Entry, b.Entry) {
		return false
	}
	for t := range a.Timed {
		if !transEqual(a.Timed[t].Trans, b.Timed[t].Trans) || !floats3Equal(a.Timed[t].Flow, b.Timed[t].Flow) {
			return false
		}
	}
	return true
}

func profileEqual(a, b markov.Profile) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if !floats2Equal(x.Base, y.Base) || len(x.Timed) != len(y.Timed) || (x.Timed == nil) != (y.Timed == nil) ||
			len(x.Rules) != len(y.Rules) || (x.Rules == nil) != (y.Rules == nil) {
			return false
		}
		for t := range x.Timed {
			if !floats2Equal(x.Timed[t], y.Timed[t]) {
				return false
			}
		}
		for r := range x.Rules {
			if !ruleEqual(&x.Rules[r], &y.Rules[r]) {
				return false
			}
		}
	}
	return true
}

func ruleEqual(a, b *markov.Rule) bool {
	if a.State != b.State || !slices.Equal(a.Steps, b.Steps) || (a.Steps == nil) != (b.Steps == nil) ||
		len(a.After) != len(b.After) || len(a.Play) != len(b.Play) {
		return false
	}
	for i, c := range a.After {
		if c.Actor != b.After[i].Actor || !slices.Equal(c.Actions, b.After[i].Actions) {
			return false
		}
	}
	for i, ap := range a.Play {
		if ap.Action != b.Play[i].Action || !feq(ap.P, b.Play[i].P) {
			return false
		}
	}
	return true
}

func optionsEqual(a, b markov.AnalyzeOptions) bool {
	return a.Horizon == b.Horizon && slices.Equal(a.States, b.States) && (a.States == nil) == (b.States == nil) &&
		a.From == b.From && slices.Equal(a.FromStates, b.FromStates) && (a.FromStates == nil) == (b.FromStates == nil) &&
		a.LongRun == b.LongRun && slices.Equal(a.ValueSteps, b.ValueSteps) && a.WithinHorizon == b.WithinHorizon &&
		a.Workers == b.Workers
}
