package sensitivity

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// funcModel is a test function of k inputs on the unit cube.
type funcModel struct {
	k int
	f func(u []float64) float64
}

func (m funcModel) Inputs() []string {
	out := make([]string, m.k)
	for i := range out {
		out[i] = fmt.Sprintf("x%d", i+1)
	}
	return out
}

func (m funcModel) Outputs() []string { return []string{"y"} }

func (m funcModel) Eval(_ context.Context, _ int, u []float64, y []float64) error {
	y[0] = m.f(u)
	return nil
}

// ishigami(a=7, b=0.1) with x_i uniform on (-π, π).
func ishigami(u []float64) float64 {
	x1, x2, x3 := math.Pi*(2*u[0]-1), math.Pi*(2*u[1]-1), math.Pi*(2*u[2]-1)
	return math.Sin(x1) + 7*math.Pow(math.Sin(x2), 2) + 0.1*math.Pow(x3, 4)*math.Sin(x1)
}

// IshigamiIndices are the closed forms (Ishigami and Homma 1990; Saltelli et
// al., Global Sensitivity Analysis: The Primer, 2008, §4.9 and exercise 4.9):
// with a = 7, b = 0.1, V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2,
// V2 = a²/8, V3 = 0, V13 = 8b²π⁸/225.
func IshigamiIndices() (first, total []float64) {
	a, b, p4 := 7.0, 0.1, math.Pow(math.Pi, 4)
	v := a*a/8 + b*p4/5 + b*b*p4*p4/18 + 0.5
	v1 := 0.5 * math.Pow(1+b*p4/5, 2)
	v2 := a * a / 8
	v13 := 8 * b * b * p4 * p4 / 225
	return []float64{v1 / v, v2 / v, 0}, []float64{(v1 + v13) / v, v2 / v, v13 / v}
}

// gFunction is Sobol's G-function with coefficients a on [0,1]^k.
func gFunction(a []float64) func(u []float64) float64 {
	return func(u []float64) float64 {
		p := 1.0
		for i, x := range u {
			p *= (math.Abs(4*x-2) + a[i]) / (1 + a[i])
		}
		return p
	}
}

// gIndices are the G-function's closed forms (Saltelli et al. 2010, §5):
// V_i = 1/(3(1+a_i)²), V = Π(1+V_i) − 1, S_i = V_i/V,
// S_Ti = V_i Π_{j≠i}(1+V_j) / V.
func gIndices(a []float64) (first, total []float64) {
	vi := make([]float64, len(a))
	prod := 1.0
	for i, ai := range a {
		vi[i] = 1 / (3 * (1 + ai) * (1 + ai))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	for i := range a {
		first = append(first, vi[i]/v)
		total = append(total, vi[i]*prod/(1+vi[i])/v)
	}
	return first, total
}

func checkIndices(t *testing.T, name string, got []SobolIndex, first, total []float64, tol float64) {
	t.Helper()
	for i, ix := range got {
		if math.Abs(ix.First-first[i]) > tol || math.Abs(ix.Total-total[i]) > tol {
			t.Errorf("%s %s: first %.4f total %.4f, want %.4f and %.4f within %v", name, ix.Input, ix.First, ix.Total, first[i], total[i], tol)
		}
		if !(ix.FirstCI[0] <= first[i] && first[i] <= ix.FirstCI[1]) {
			t.Errorf("%s %s: first-order interval [%.4f, %.4f] misses %.4f", name, ix.Input, ix.FirstCI[0], ix.FirstCI[1], first[i])
		}
		if !(ix.TotalCI[0] <= total[i] && total[i] <= ix.TotalCI[1]) {
			t.Errorf("%s %s: total interval [%.4f, %.4f] misses %.4f", name, ix.Input, ix.TotalCI[0], ix.TotalCI[1], total[i])
		}
		if !(ix.FirstCI[0] <= ix.First && ix.First <= ix.FirstCI[1] && ix.TotalCI[0] <= ix.Total && ix.Total <= ix.TotalCI[1]) {
			t.Errorf("%s %s: estimate outside its own interval: %+v", name, ix.Input, ix)
		}
	}
}

func TestSobolIshigami(t *testing.T) {
	first, total := IshigamiIndices()
	res, err := Sobol(context.Background(), funcModel{3, ishigami}, SobolOptions{N: 8192, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 8192*5 {
		t.Fatalf("rows %d", res.Rows)
	}
	checkIndices(t, "Ishigami", res.Outputs[0].Indices, first, total, 0.02)
	a, b := 7.0, 0.1
	wantVar := a*a/8 + b*math.Pow(math.Pi, 4)/5 + b*b*math.Pow(math.Pi, 8)/18 + 0.5
	if o := res.Outputs[0]; math.Abs(o.Mean-a/2) > 0.05 || math.Abs(o.Variance-wantVar)/wantVar > 0.02 {
		t.Errorf("mean %v variance %v, want %v and %v", o.Mean, o.Variance, a/2, wantVar)
	}
}

func TestSobolGFunction(t *testing.T) {
	a := []float64{0, 1, 4.5, 9, 99, 99}
	first, total := gIndices(a)
	res, err := Sobol(context.Background(), funcModel{len(a), gFunction(a)}, SobolOptions{N: 8192, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkIndices(t, "G", res.Outputs[0].Indices, first, total, 0.02)
}

// The bootstrap intervals are honest: over independent scrambles, the
// Ishigami indices fall inside them at least about as often as a 95%
// interval should (randomised QMC errors are smaller than the i.i.d.
// errors the bootstrap assumes, so coverage tends to be higher).
func TestSobolIntervalCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("40 Sobol runs")
	}
	first, total := IshigamiIndices()
	const runs = 40
	hits, tries := 0, 0
	for s := 0; s < runs; s++ {
		res, err := Sobol(context.Background(), funcModel{3, ishigami}, SobolOptions{N: 512, Seed: uint64(100 + s), Bootstrap: 300})
		if err != nil {
			t.Fatal(err)
		}
		for i, ix := range res.Outputs[0].Indices {
			for _, c := range []struct {
				ci   [2]float64
				want float64
			}{{ix.FirstCI, first[i]}, {ix.TotalCI, total[i]}} {
				tries++
				if c.ci[0] <= c.want && c.want <= c.ci[1] {
					hits++
				}
			}
		}
	}
	// 240 intervals; at a true 95% coverage fewer than 215 hits has
	// probability below 0.1%.
	if hits < 215 {
		t.Fatalf("intervals cover the true index %d times of %d", hits, tries)
	}
}

// Sobol's results do not depend on the number of workers.
func TestSobolWorkers(t *testing.T) {
	var ref *SobolResult
	for _, w := range []int{1, 2, 8} {
		res, err := Sobol(context.Background(), funcModel{3, ishigami}, SobolOptions{N: 256, Seed: 3, Bootstrap: 100, Eval: EvalOptions{Workers: w}})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = res
			continue
		}
		if fmt.Sprint(res) != fmt.Sprint(ref) {
			t.Fatalf("workers %d: %v, workers 1: %v", w, res, ref)
		}
	}
}

func TestSobolDesignRows(t *testing.T) {
	d, err := NewSobolDesign(3, 4, 9)
	if err != nil {
		t.Fatal(err)
	}
	a, b, ab := make([]float64, 3), make([]float64, 3), make([]float64, 3)
	for j := 0; j < 4; j++ {
		d.Point(j*5, a)
		d.Point(j*5+1, b)
		for i := 0; i < 3; i++ {
			d.Point(j*5+2+i, ab)
			for c := 0; c < 3; c++ {
				want := a[c]
				if c == i {
					want = b[c]
				}
				if ab[c] != want {
					t.Fatalf("row A_B^(%d) of base %d: %v, A %v, B %v", i, j, ab, a, b)
				}
			}
		}
		for c := range a {
			if a[c] <= 0 || a[c] >= 1 || a[c] == b[c] {
				t.Fatalf("base %d: A %v B %v", j, a, b)
			}
		}
	}
	for _, c := range []struct{ k, n int }{{0, 8}, {MaxSobolInputs + 1, 8}, {2, 1}} {
		if _, err := NewSobolDesign(c.k, c.n, 1); err == nil {
			t.Errorf("k=%d n=%d: no error", c.k, c.n)
		}
	}
}

func TestSobolConstantAndUndefined(t *testing.T) {
	res, err := Sobol(context.Background(), funcModel{2, func(u []float64) float64 { return 3 }}, SobolOptions{N: 64, Bootstrap: 10})
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Outputs[0]; o.Indices != nil || o.Note == "" {
		t.Errorf("constant output: %+v", o)
	}
	res, err = Sobol(context.Background(), funcModel{2, func(u []float64) float64 {
		if u[0] < 0.1 {
			return math.NaN()
		}
		return u[0]
	}}, SobolOptions{N: 64, Bootstrap: 10})
	if err != nil {
		t.Fatal(err)
	}
	if o := res.Outputs[0]; o.Indices != nil || o.Note == "" || !math.IsNaN(o.Mean) {
		t.Errorf("undefined output: %+v", o)
	}
}

func TestSobolEvalError(t *testing.T) {
	m := errModel{funcModel{2, func(u []float64) float64 { return u[0] }}, map[int]bool{40: true, 17: true, 90: true}}
	for _, w := range []int{1, 2, 8} {
		_, err := Sobol(context.Background(), m, SobolOptions{N: 64, Eval: EvalOptions{Workers: w}})
		if err == nil || err.Error() != "row 17 fails" {
			t.Fatalf("workers %d: error %v, want the lowest failing row's", w, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Sobol(ctx, funcModel{2, ishigamiPart}, SobolOptions{N: 64}); err != context.Canceled {
		t.Fatalf("cancelled: %v", err)
	}
}

func ishigamiPart(u []float64) float64 { return u[0] }

type errModel struct {
	funcModel
	bad map[int]bool
}

func (m errModel) Eval(ctx context.Context, row int, u []float64, y []float64) error {
	if m.bad[row] {
		return fmt.Errorf("row %d fails", row)
	}
	return m.funcModel.Eval(ctx, row, u, y)
}

// BenchmarkSobolAnalyze is the estimation alone (no model): 33 inputs, 32
// outputs, N = 1024 and 1000 bootstrap resamples, the size of a run on the
// bundled scenario.
func BenchmarkSobolAnalyze(b *testing.B) {
	const k, nOut, n = 33, 32, 1024
	d, _ := NewSobolDesign(k, n, 1)
	y := make([]float64, d.Rows()*nOut)
	u := make([]float64, k)
	for r := 0; r < d.Rows(); r++ {
		d.Point(r, u)
		for o := 0; o < nOut; o++ {
			y[r*nOut+o] = u[o%k] + u[(o+1)%k]*u[(o+2)%k]
		}
	}
	inputs, outputs := make([]string, k), make([]string, nOut)
	for b.Loop() {
		if _, err := SobolAnalyze(context.Background(), d, inputs, outputs, y, SobolOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
