package nash

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/truce-dev/truce/game"
)

// RegretTolerance is the largest regret, relative to the game's payoff
// scale (game.PayoffScale), of a profile reported as a Nash equilibrium.
// Every method's float path ends far below it (logit and simpdiv aim at
// 1e-8, the pivoting methods at round-off); a profile above it is
// reported as approximate, never as an equilibrium.
const RegretTolerance = 1e-6

// ErrNotCertified is Result.Err when a method returned profiles that fail
// the regret check: overflow or round-off took the computation astray.
var ErrNotCertified = errors.New("a profile failed the equilibrium check")

// Tolerance is the regret below which a profile of a game whose payoffs
// lie in [lo, hi] counts as a Nash equilibrium.
func Tolerance(lo, hi float64) float64 {
	return RegretTolerance * game.PayoffScale(lo, hi)
}

// certifyGame is deferred by every strategic-form method: it turns a
// context error into an incomplete result and checks each profile's
// regret against the game's tolerance (see certify).
func certifyGame(ctx context.Context, method string, g *game.Strategic, res **Result, err *error) {
	if !stoppedResult(ctx, method, res, err) {
		return
	}
	lo, hi := g.PayoffBounds()
	certify(ctx, *res, lo, hi, func(eq *Equilibrium) profileFault {
		return strategicProfileFault(eq.Profile)
	})
}

// certifyTree is certifyGame for the methods on trees.
func certifyTree(ctx context.Context, method string, t *game.Tree, res **Result, err *error) {
	if !stoppedResult(ctx, method, res, err) {
		return
	}
	lo, hi := t.PayoffBounds()
	certify(ctx, *res, lo, hi, func(eq *Equilibrium) profileFault {
		return behaviourProfileFault(t, eq.Profile)
	})
}

// stoppedResult turns an error caused by ctx (time limit, interruption)
// into an empty incomplete result, and reports whether there is a result
// to check.
func stoppedResult(ctx context.Context, method string, res **Result, err *error) bool {
	if *err != nil {
		cerr := ctx.Err()
		if cerr == nil || !errors.Is(*err, cerr) {
			return false
		}
		*res, *err = &Result{Method: method, Stats: map[string]float64{}}, nil
	}
	return *res != nil
}

// certify marks every profile whose regret exceeds the tolerance as
// Approximate and drops profiles that are not finite (NaN or infinite
// probabilities or regret: an overflow) or not probability distributions
// (fault says which). A run that was to return
// equilibria but returned such profiles is incomplete, with Err
// ErrNotCertified and a Reason that says what failed. A run stopped by
// ctx gets ctx's error in Err and Reason worded "time limit reached" or
// "interrupted".
func certify(ctx context.Context, res *Result, lo, hi float64, fault func(*Equilibrium) profileFault) {
	tol := Tolerance(lo, hi)
	if math.IsNaN(tol) || math.IsInf(tol, 0) {
		tol = 0
	}
	kept := res.Equilibria[:0]
	dropped, notDist, approx := 0, 0, 0
	worst := 0.0
	for _, eq := range res.Equilibria {
		f := fault(&eq)
		if f == profileOK && (math.IsNaN(eq.Regret) || math.IsInf(eq.Regret, 0)) {
			f = profileNotFinite
		}
		switch f {
		case profileNotFinite:
			dropped++
			continue
		case profileNotDistribution:
			notDist++
			continue
		}
		eq.Approximate = eq.Regret > tol
		if eq.Approximate {
			approx++
			worst = math.Max(worst, eq.Regret)
		}
		kept = append(kept, eq)
	}
	res.Equilibria = kept
	if !res.Complete && res.Err == nil {
		if cerr := ctx.Err(); cerr != nil {
			res.Err = cerr
			res.Reason = stopReason(cerr)
		}
	}
	byDesign := approximationsByDesign(res)
	var why []string
	if dropped > 0 {
		why = append(why, fmt.Sprintf("%d profile(s) found were not finite (floating-point overflow: payoffs span %g to %g)", dropped, lo, hi))
	}
	if notDist > 0 {
		why = append(why, fmt.Sprintf("%d profile(s) found were not probability distributions (some probabilities negative or not summing to 1: the method's arithmetic went astray) and are not listed", notDist))
	}
	if approx > 0 && !byDesign {
		why = append(why, fmt.Sprintf("%d profile(s) found have regret up to %.3g, above the tolerance %.3g (%g of the payoff scale), and are shown as approximate", approx, worst, tol, RegretTolerance))
	}
	if len(why) == 0 {
		return
	}
	if res.Stats == nil {
		res.Stats = map[string]float64{}
	}
	res.Stats["uncertified"] = float64(dropped + notDist + approx)
	msg := strings.Join(why, "; ")
	if res.Complete || res.Err == nil {
		res.Complete, res.Err = false, ErrNotCertified
		if res.Reason != "" {
			msg = res.Reason + "; " + msg
		}
		res.Reason = msg
		return
	}
	res.Reason += "; " + msg
}

// stopReason words a context error for people: a deadline is a time
// limit, never a cancellation.
func stopReason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "time limit reached"
	}
	return "interrupted"
}

// profileFault is what is wrong with a profile a method returned, if
// anything: the certificate words each kind differently.
type profileFault int

const (
	profileOK              profileFault = iota
	profileNotFinite                    // a NaN or infinite probability: an overflow
	profileNotDistribution              // negative probabilities, or a mix not summing to 1
)

// probsFault checks the probabilities of one mix (a player's strategy or
// an information set's actions); empty allows a mix of all zeros, as a
// method leaves an unreached information set.
func probsFault(probs []float64, empty bool) profileFault {
	sum, neg := 0.0, false
	for _, v := range probs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return profileNotFinite
		}
		if v < -1e-9 {
			neg = true
		}
		sum += v
	}
	if neg || (math.Abs(sum-1) > 1e-6 && !(empty && math.Abs(sum) <= 1e-6)) {
		return profileNotDistribution
	}
	return profileOK
}

// strategicProfileFault reports whether every probability of a
// strategic-form profile is finite and each player's mix sums to 1
// (within round-off). A non-finite number anywhere outranks a bad sum.
func strategicProfileFault(prof [][]float64) profileFault {
	worst := profileOK
	for _, sig := range prof {
		switch f := probsFault(sig, false); f {
		case profileNotFinite:
			return f
		case profileNotDistribution:
			worst = f
		}
	}
	return worst
}

// behaviourProfileFault reports whether every probability of a behaviour
// profile is finite and each information set's actions sum to 1, or to 0
// where a method leaves an unreached set empty.
func behaviourProfileFault(t *game.Tree, prof [][]float64) profileFault {
	if len(prof) != t.NumPlayers() {
		return profileNotDistribution
	}
	worst := profileOK
	for p, sig := range prof {
		if len(sig) != t.NumActions(p) {
			return profileNotDistribution
		}
		for _, is := range t.PlayerInfosets[p] {
			off := t.ActionOffset(is)
			switch f := probsFault(sig[off:off+len(t.Infosets[is].Actions)], true); f {
			case profileNotFinite:
				return f
			case profileNotDistribution:
				worst = f
			}
		}
	}
	return worst
}

// approximationsByDesign reports whether the run returns approximate
// profiles on purpose: CFR's average profile after the iterations asked
// for, or logit's quantal-response equilibrium at a given lambda.
func approximationsByDesign(res *Result) bool {
	switch res.Method {
	case "cfr+", "dcfr":
		return true
	}
	for _, eq := range res.Equilibria {
		if eq.Lambda <= 0 {
			return false
		}
	}
	return len(res.Equilibria) > 0
}
