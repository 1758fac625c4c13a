package sensitivity

import (
	"context"
	"fmt"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// linear is a synthetic model: out = 2x - y, H1 holds when x > tx,
// H2 holds when y < ty, H3 always holds. It counts evaluations.
type linear struct {
	tx, ty float64
	n      int
}

func (l *linear) Params() []Param {
	return []Param{{"x", 0, 1, 0.5}, {"y", -1, 1, 0}, {"fixed", 3, 3, 3}}
}

func (l *linear) Eval(_ context.Context, param int, value float64) (Point, error) {
	l.n++
	v := []float64{0.5, 0, 3}
	if param >= 0 {
		v[param] = value
	}
	b := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	return Point{
		Outputs: map[string]float64{"out": 2*v[0] - v[1], "y2": v[1] * v[1]},
		Share:   map[string]float64{"H1": b(v[0] > l.tx), "H2": b(v[1] < l.ty), "H3": 1},
	}, nil
}

func TestRunLinear(t *testing.T) {
	m := &linear{tx: 0.42, ty: 0.3}
	res, err := Run(context.Background(), m, Options{Points: 5, Tolerance: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sweeps) != 2 {
		t.Fatalf("%d sweeps, want 2 (the fixed parameter is not swept)", len(res.Sweeps))
	}
	want := map[string]struct {
		param        string
		value        float64
		below, above string
	}{
		"H1": {"x", 0.42, "fails", "holds"},
		"H2": {"y", 0.3, "holds", "fails"},
	}
	if len(res.BreakEvens) != 2 {
		t.Fatalf("break-evens %v, want one for H1 and one for H2", res.BreakEvens)
	}
	for _, be := range res.BreakEvens {
		w, ok := want[be.Hypothesis]
		if !ok {
			t.Errorf("unexpected break-even %v", be)
			continue
		}
		if be.Param != w.param || math.Abs(be.Value-w.value) > 2e-6 || be.Below != w.below || be.Above != w.above {
			t.Errorf("%v, want %s at %s = %v (%s → %s)", be, be.Hypothesis, w.param, w.value, w.below, w.above)
		}
	}
	if got := res.BreakEvens[0].String(); got != "H1 flips when x > 0.42 (fails → holds)" {
		t.Errorf("String() = %q", got)
	}
	var out Tornado
	for _, tn := range res.Tornadoes {
		if tn.Output == "out" {
			out = tn
		}
	}
	// out = 2x - y: x sweeps [0,1] -> swing 2 around base 1; y sweeps [-1,1] -> swing 2 too.
	if out.Base != 1 || len(out.Bars) != 2 {
		t.Fatalf("tornado %+v", out)
	}
	for _, b := range out.Bars {
		switch b.Param {
		case "x":
			if b.AtLo != 0 || b.AtHi != 2 || b.OutMin != 0 || b.OutMax != 2 {
				t.Errorf("x bar %+v", b)
			}
		case "y":
			if b.AtLo != 2 || b.AtHi != 0 || b.OutMin != 0 || b.OutMax != 2 {
				t.Errorf("y bar %+v", b)
			}
		}
	}
	// y2 = y^2 depends only on y: x's bar is flat, y's is widest and first.
	for _, tn := range res.Tornadoes {
		if tn.Output == "y2" && (tn.Bars[0].Param != "y" || tn.Bars[1].Swing() != 0) {
			t.Errorf("y2 tornado not ordered by swing: %+v", tn.Bars)
		}
	}
}

func TestRunOnlyAndErrors(t *testing.T) {
	m := &linear{tx: 0.42, ty: 0.3}
	res, err := Run(context.Background(), m, Options{Points: 3, Params: []string{"y"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sweeps) != 1 || res.Sweeps[0].Param != "y" {
		t.Errorf("sweeps %+v, want y only", res.Sweeps)
	}
	if _, err := Run(context.Background(), m, Options{Params: []string{"z"}}); err == nil {
		t.Error("unknown parameter accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, m, Options{}); err == nil {
		t.Error("cancelled context not reported")
	}
}

// TestBreakEvenProperty: for any threshold inside the range and any grid,
// the break-even found is within the tolerance of the true threshold, and
// a threshold outside the range gives none.
func TestBreakEvenProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		tx := rapid.Float64Range(-0.5, 1.5).Draw(rt, "tx")
		pts := rapid.IntRange(2, 20).Draw(rt, "points")
		m := &linear{tx: tx, ty: 5}
		res, err := Run(context.Background(), m, Options{Points: pts, Tolerance: 1e-4, Params: []string{"x"}})
		if err != nil {
			rt.Fatal(err)
		}
		var found []BreakEven
		for _, be := range res.BreakEvens {
			if be.Hypothesis == "H1" {
				found = append(found, be)
			}
		}
		inside := tx >= 0 && tx < 1
		// a threshold exactly on a grid point's left still flips there
		if !inside {
			if len(found) != 0 {
				rt.Fatalf("threshold %v outside [0,1] but found %v", tx, found)
			}
			return
		}
		if len(found) != 1 {
			rt.Fatalf("threshold %v: found %v", tx, found)
		}
		if math.Abs(found[0].Value-tx) > 1e-4 {
			rt.Fatalf("threshold %v: break-even at %v", tx, found[0].Value)
		}
	})
}

func BenchmarkRun(b *testing.B) {
	m := &linear{tx: 0.42, ty: 0.3}
	for b.Loop() {
		if _, err := Run(context.Background(), m, Options{Points: 9}); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleRun() {
	m := &linear{tx: 0.42, ty: 0.3}
	res, _ := Run(context.Background(), m, Options{Points: 5, Tolerance: 1e-6})
	for _, be := range res.BreakEvens {
		fmt.Println(be)
	}
	// Output:
	// H1 flips when x > 0.42 (fails → holds)
	// H2 flips when y > 0.3 (holds → fails)
}

// three has a three-way verdict on x: "low" below 0.3, "mid" up to 0.35,
// "high" above; a grid step of 0.25 jumps over "mid".
type three struct{}

func (three) Params() []Param { return []Param{{"x", 0, 1, 0.5}} }

func (three) Eval(_ context.Context, param int, value float64) (Point, error) {
	x := 0.5
	if param == 0 {
		x = value
	}
	return Point{Outputs: map[string]float64{"x": x}, Share: map[string]float64{"H": x}}, nil
}

func TestBisectFindsSkippedVerdict(t *testing.T) {
	verdict := func(s float64) string {
		switch {
		case s < 0.3:
			return "low"
		case s <= 0.35:
			return "mid"
		}
		return "high"
	}
	res, err := Run(context.Background(), three{}, Options{Points: 5, Verdict: verdict, Tolerance: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BreakEvens) != 2 {
		t.Fatalf("break-evens %v, want low→mid at 0.3 and mid→high at 0.35", res.BreakEvens)
	}
	want := []BreakEven{{"H", "x", 0.3, "low", "mid"}, {"H", "x", 0.35, "mid", "high"}}
	for i, b := range res.BreakEvens {
		w := want[i]
		if b.Below != w.Below || b.Above != w.Above || math.Abs(b.Value-w.Value) > 2e-6 {
			t.Errorf("break-even %d: %v, want %v", i, b, w)
		}
	}
}

// TestRunSweptAssemble: a run split by swept parameter and put together
// equals the whole run; blocks out of order or missing are refused.
func TestRunSweptAssemble(t *testing.T) {
	ctx := context.Background()
	m := &linear{tx: 0.42, ty: 0.3}
	opt := Options{Points: 5, Tolerance: 1e-6}
	whole, err := Run(ctx, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	a, err := RunSwept(ctx, m, opt, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := RunSwept(ctx, m, opt, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Assemble(ctx, m, opt, []*Partial{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%v", got) != fmt.Sprintf("%v", whole) {
		t.Errorf("assembled\n%v\nwhole\n%v", got, whole)
	}
	if _, err := Assemble(ctx, m, opt, []*Partial{b, a}); err == nil {
		t.Error("blocks out of order accepted")
	}
	if _, err := Assemble(ctx, m, opt, []*Partial{a}); err == nil {
		t.Error("a missing block accepted")
	}
	if _, err := RunSwept(ctx, m, opt, 1, 3); err == nil {
		t.Error("parameters beyond the swept accepted")
	}
}
