package equilibrium

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/budget"
	"pgregory.net/rapid"
)

// auto pauses the homotopy and value iteration and resumes them where they
// stopped: a path or an iteration taken in several turns must end exactly
// where the uninterrupted one does, bit for bit, so that interleaving never
// changes the equilibrium a method selects.
func TestMPEPauseResumeIdentical(t *testing.T) {
	ctx := context.Background()
	g := mpeRandomGame(3, 15, 2, 2, 0.9)
	m, err := newMPEModel(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Tol: mpeDefaultTol}
	whole, steps, reason, err := mpeTrace(ctx, m, opt, nil)
	if err != nil || reason != "" {
		t.Fatalf("path: %v %q", err, reason)
	}
	p, err := mpeTraceStart(m, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sig [][][]float64
	for limit := 7; ; limit += 7 {
		var st mpePathStatus
		sig, reason, st = p.advance(ctx, limit)
		if st == mpePathDone {
			break
		}
		if st != mpePathCapped || p.steps() != limit {
			t.Fatalf("paused at step %d of limit %d, status %d", p.steps(), limit, st)
		}
	}
	if reason != "" || p.steps() != steps || !mpeSame(sig, whole) {
		t.Fatalf("path in turns: %d steps (whole: %d), reason %q, same profile %v", p.steps(), steps, reason, mpeSame(sig, whole))
	}

	g = mpeRandomGame(1, 50, 2, 4, 0.9)
	if m, err = newMPEModel(ctx, g); err != nil {
		t.Fatal(err)
	}
	r1, err := mpeIterate(ctx, m, opt)
	if err != nil || !r1.Converged {
		t.Fatalf("iterate: %v %+v", err, r1)
	}
	it, err := mpeIterateStart(m, opt, mpeStageDefault, nil)
	if err != nil {
		t.Fatal(err)
	}
	var r2 *Result
	for limit := 30; r2 == nil; limit += 30 {
		var st mpePathStatus
		if r2, st, err = it.advance(ctx, limit); err != nil || (st == mpePathCapped) != (r2 == nil) {
			t.Fatalf("iterate to %d: %v, status %d", limit, err, st)
		}
	}
	if !r2.Converged || r2.Iterations != r1.Iterations || !mpeSame(r1.Strategies, r2.Strategies) {
		t.Fatalf("iterate in turns: converged %v after %d sweeps (whole: %d)", r2.Converged, r2.Iterations, r1.Iterations)
	}
}

func mpeSame(x, y [][][]float64) bool {
	if len(x) != len(y) {
		return false
	}
	for a := range x {
		if !slices.EqualFunc(x[a], y[a], slices.Equal[[]float64]) {
			return false
		}
	}
	return true
}

// When the homotopy cannot even start (its Jacobian is over the memory
// budget), auto converges by policy iteration (its first fallback) and its
// reason keeps the refusal; with the time already up, the error keeps both
// causes.
func TestAutoKeepsEveryReason(t *testing.T) {
	g := mpeRandomGame(1, 50, 2, 4, 0.9) // tracer (50·2·5+1)² floats: 2 MB
	ctx := budget.WithLimit(context.Background(), 1<<20)
	r, err := Solve(ctx, g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || r.Method != "policy iteration" || !strings.Contains(r.Reason, "homotopy: ") ||
		!strings.Contains(r.Reason, "501 × 501") || !strings.Contains(r.Reason, "policy iteration from uniform play used instead") {
		t.Fatalf("auto: converged %v by %s, reason %q", r.Converged, r.Method, r.Reason)
	}
	mpeCheckEquilibrium(t, g, r, 1e-9)

	done, cancel := context.WithTimeout(ctx, 0)
	defer cancel()
	<-done.Done()
	_, err = Solve(done, g, Options{})
	var be *budget.ExceededError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &be) || !strings.Contains(err.Error(), "501 × 501") {
		t.Fatalf("auto with the time up: %v", err)
	}
}

// On random games of the benchmarks' kind (dense random transitions,
// continuous payoffs), larger than the integer games above: whatever auto
// returns as converged passes the independent one-shot check, and when
// auto does not converge neither does any single method.
func TestAutoRandomGamesCertified(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		nS := rapid.IntRange(2, 12).Draw(t, "states")
		nA := rapid.IntRange(2, 3).Draw(t, "actors")
		K := rapid.IntRange(2, 5-nA).Draw(t, "actions")
		delta := rapid.SampledFrom([]float64{0.5, 0.9, 0.95}).Draw(t, "discount")
		g := mpeRandomGame(seed, nS, nA, K, delta)
		auto, err := Solve(context.Background(), g, Options{})
		if err != nil {
			t.Fatalf("auto: %v", err)
		}
		if auto.Converged {
			gain, err := OneShotGain(g, auto.Profile(g))
			if err != nil {
				t.Fatal(err)
			}
			if gain > 1e-8 {
				t.Fatalf("auto (%s) converged but the one-shot gain is %g", auto.Method, gain)
			}
			return
		}
		for _, method := range []string{"homotopy", "iterate", "policy"} {
			if r, err := Solve(context.Background(), g, Options{Method: method}); err == nil && r.Converged {
				t.Fatalf("auto did not converge (%s) but %s did", auto.Reason, method)
			}
		}
	})
}
