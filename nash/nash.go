// Package nash computes Nash equilibria of games from package game. Every
// equilibrium it returns carries its certificate, the largest gain any player
// could get by deviating (regret), and a solver that stops early says so.
package nash

import (
	"context"
	"math/big"
	"sort"
	"strconv"
	"time"
)

// Equilibrium is one mixed-strategy profile found by a method.
type Equilibrium struct {
	// Profile[p][s] is the probability player p puts on strategy s.
	// For trees (TreeLCP, TreeLP, TreeSPE, TreeEnumPure, CFR) it is a
	// behaviour profile: Profile[p][t.ActionOffset(is)+a] is the probability
	// of action a at information set is, in Gambit's order (see TreeLCP).
	Profile [][]float64
	// Exact is the same profile in rationals when the method ran in exact
	// arithmetic, nil otherwise.
	Exact [][]*big.Rat
	// Regret is the largest gain any player gets by a unilateral deviation,
	// measured on the game's payoffs (0 exactly for exact equilibria).
	Regret float64
	// Component numbers the connected component of equilibria this one
	// belongs to, for methods that report components (enummixed); -1 otherwise.
	Component int
	// Lambda is the logit precision at which a quantal-response profile
	// was taken (logit --lambda); 0 otherwise.
	Lambda float64
	// Approximate is true when Regret is above the tolerance (see
	// RegretTolerance): the profile is not a Nash equilibrium but an
	// approximation, such as CFR's average profile or a quantal-response
	// equilibrium, or a float computation that lost its way (then the
	// Result says so). Never print it as an equilibrium.
	Approximate bool

	// gambitLines are the lines of the Gambit tool's output that print
	// this profile, counted from 0 (enummixed: see GambitListing).
	gambitLines []int
}

// GambitListing returns the profiles of res in the order, and as many
// times, as the Gambit tool prints them: indices into res.Equilibria.
// gambit-enummixed prints an extreme equilibrium once for each pair of
// bases it lists for its two vertices, so a degenerate game can repeat
// one, and in the order of its vertex enumeration; for the other methods
// (and an enummixed run whose order could not be reconstructed) it is
// every profile once, in order.
func GambitListing(res *Result) []int {
	type line struct{ pos, eq int }
	var lines []line
	for i, eq := range res.Equilibria {
		for _, pos := range eq.gambitLines {
			lines = append(lines, line{pos, i})
		}
	}
	if len(lines) == 0 {
		out := make([]int, len(res.Equilibria))
		for i := range out {
			out[i] = i
		}
		return out
	}
	sort.Slice(lines, func(a, b int) bool { return lines[a].pos < lines[b].pos })
	out := make([]int, len(lines))
	for i, l := range lines {
		out[i] = l.eq
	}
	return out
}

// Result is what a method returns: the equilibria it found, in the order
// it found them, and whether it finished.
type Result struct {
	Method     string
	Equilibria []Equilibrium
	// Complete is false when the method stopped early (timeout, cancellation,
	// iteration cap); Equilibria then holds what was found so far.
	Complete bool
	// Reason says why an incomplete run stopped, for people.
	Reason string
	// Err says why an incomplete run stopped, for programs: it wraps
	// context.DeadlineExceeded (time limit) or context.Canceled
	// (interrupted), is ErrNotCertified when profiles failed the regret
	// check, and is nil for the method's own limits (iteration caps).
	Err error
	// Stats are method-specific counters (pivots, path steps, supports tried).
	Stats   map[string]float64
	Elapsed time.Duration
}

// Options tunes a method. The zero value asks for the method's defaults.
type Options struct {
	// All asks for every equilibrium the method can reach rather than one.
	All bool
	// Rational asks for exact rational arithmetic where the method has it.
	Rational bool
	// Lambda, when positive, stops the logit path at this precision and
	// returns the quantal-response equilibrium there.
	Lambda float64
	// Progress, when non-nil, is called now and then with a short status
	// line (e.g. "12 equilibria, 340 pivots"); it must be cheap.
	Progress func(status string)
	// Search gives the perturbation vectors or starting points of gnm,
	// ipa and liap (search.go).
	Search Search
	// GambitOrder asks enummixed to reconstruct the order and repeats of
	// gambit-enummixed's output, for GambitListing (and, in floating
	// point, to solve each equilibrium's vertices afresh from their basis,
	// as Gambit does); it costs a path to the origin per vertex.
	GambitOrder bool
}

// stopped reports whether ctx is done, and the reason to record.
func stopped(ctx context.Context) (bool, string) {
	if err := ctx.Err(); err != nil {
		return true, stopReason(err)
	}
	return false, ""
}

// equilibria writes a count for progress lines: "1 equilibrium", "2
// equilibria".
func equilibria(n int) string {
	if n == 1 {
		return "1 equilibrium"
	}
	return strconv.Itoa(n) + " equilibria"
}
