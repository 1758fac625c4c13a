package nash

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
)

// Search tunes the methods that run from starting points or perturbation
// vectors: gnm and ipa (one path per perturbation vector) and liap (one
// minimisation per starting point). The zero value asks for Gambit's
// defaults: one random perturbation (gnm, ipa) or ten random starting
// points (liap), drawn with seed 0 (the command line's default seed is 1).
type Search struct {
	// Starts is the number of random perturbation vectors (gnm, ipa) or
	// starting points (liap); 0 for the method's default.
	Starts int
	// Seed seeds the random vectors: the same seed gives the same vectors,
	// hence the same output.
	Seed uint64
	// Points, when non-empty, replaces the random vectors: one per run,
	// each a flat profile in Gambit's order (player by player, strategies
	// or, for agent-liap, actions in file order).
	Points []Point
	// MaxIterations caps liap's minimisation from each starting point
	// (Gambit's gambit-liap -i; 0 for 1000).
	MaxIterations int
	// MaxRegret is the largest regret, as a share of the payoff range, at
	// which liap keeps the end of a minimisation (gambit-liap -m; 0 for
	// 1e-4). Ends above RegretTolerance are kept as approximate profiles.
	MaxRegret float64
	// LambdaEnd stops gnm's path once λ falls below this multiple of its
	// starting value (gambit-gnm -m): 0 for Gambit's default, −10;
	// math.Inf(-1) follows the path to where no equilibrium can be left on
	// it (every player then has a strictly dominant strategy). A positive
	// value is an error.
	LambdaEnd float64
	// Trace, when non-nil, receives intermediate profiles labelled as
	// Gambit's tools label them with -V: "pert" and "start" (gnm), the
	// path's λ at each change of support (gnm), "iter-N" (ipa), "start"
	// and "end" (liap, "end" only for a minimisation that failed).
	Trace func(label string, profile [][]float64)
}

// Point is one starting point or perturbation vector read from a file.
type Point struct {
	Values []float64
	// Pos names where it was read ("starts.csv:3"), for error messages.
	Pos string
}

// ReadPoints reads starting points or perturbation vectors in the format
// Gambit's tools read with -s: one per line, numbers separated by commas
// (decimals or fractions such as 1/3), blank lines and lines starting
// with # ignored. name is used in errors, which say name:line:col.
func ReadPoints(r io.Reader, name string) ([]Point, error) {
	var out []Point
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if t := strings.TrimSpace(text); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		p := Point{Pos: fmt.Sprintf("%s:%d", name, line)}
		col := 1
		for _, field := range strings.Split(text, ",") {
			lead := len(field) - len(strings.TrimLeft(field, " \t"))
			f := strings.TrimSpace(field)
			v, err := parsePointNumber(f)
			if err != nil {
				return nil, fmt.Errorf("%s:%d:%d: %q %v", name, line, col+lead, f, err)
			}
			p.Values = append(p.Values, v)
			col += len(field) + 1
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no points (one per line, numbers separated by commas)", name)
	}
	return out, nil
}

func parsePointNumber(s string) (float64, error) {
	var r big.Rat
	if _, ok := r.SetString(s); !ok || s == "" {
		return 0, fmt.Errorf("is not a number")
	}
	v, _ := r.Float64()
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("is out of range")
	}
	return v, nil
}

// startPoints returns the vectors a run uses: the given points, checked
// against the shape (entries per player), or count random profiles, each
// uniform on the product of simplices. kind names them in errors
// ("perturbation vector", "starting point").
func (s Search) startPoints(shape []int, count int, kind string) ([][]float64, error) {
	tot := 0
	for _, n := range shape {
		tot += n
	}
	if len(s.Points) > 0 {
		out := make([][]float64, len(s.Points))
		for i, p := range s.Points {
			if len(p.Values) != tot {
				return nil, fmt.Errorf("%s: %s has %d numbers, the game has %d %s", p.Pos, kind, len(p.Values), tot, shapeNoun(shape))
			}
			out[i] = append([]float64(nil), p.Values...)
		}
		return out, nil
	}
	if s.Starts > 0 {
		count = s.Starts
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x9e3779b97f4a7c15))
	out := make([][]float64, count)
	for i := range out {
		x := make([]float64, tot)
		off := 0
		for _, n := range shape {
			// Normalised exponentials are uniform on the simplex.
			sum := 0.0
			for j := 0; j < n; j++ {
				x[off+j] = rng.ExpFloat64()
				sum += x[off+j]
			}
			for j := 0; j < n; j++ {
				x[off+j] /= sum
			}
			off += n
		}
		out[i] = x
	}
	return out, nil
}

// pointName names the k-th start of a run in messages: its position in
// the --points file when the points came from one, else "what k+1".
func (s Search) pointName(what string, k int) string {
	if len(s.Points) > 0 {
		return s.Points[k].Pos
	}
	return fmt.Sprintf("%s %d", what, k+1)
}

// perturbations returns the perturbation vectors of a gnm or ipa run
// (default one random vector) and records the seed in res when they are
// random.
func (s Search) perturbations(shape []int, res *Result) ([][]float64, error) {
	perts, err := s.startPoints(shape, 1, "perturbation vector")
	if err != nil {
		return nil, err
	}
	if len(s.Points) == 0 {
		res.Stats["seed"] = float64(s.Seed)
	}
	return perts, nil
}

func shapeNoun(shape []int) string {
	return fmt.Sprintf("strategies (%s)", shapeString(shape))
}

func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, "+")
}

// splitFlat cuts a flat vector into one slice per player.
func splitFlat(x []float64, shape []int) [][]float64 {
	out := make([][]float64, len(shape))
	off := 0
	for p, n := range shape {
		out[p] = append([]float64(nil), x[off:off+n]...)
		off += n
	}
	return out
}

// sameProfile reports whether two profiles agree within tol in every
// probability.
func sameProfile(a, b [][]float64, tol float64) bool {
	for p := range a {
		for s := range a[p] {
			if math.Abs(a[p][s]-b[p][s]) > tol {
				return false
			}
		}
	}
	return true
}

// addDistinct appends eq to list unless a profile within 1e-6 is there,
// and reports whether it did.
func addDistinct(list []Equilibrium, eq Equilibrium) ([]Equilibrium, bool) {
	for _, o := range list {
		if sameProfile(o.Profile, eq.Profile, 1e-6) {
			return list, false
		}
	}
	return append(list, eq), true
}

// plural is "1 equilibrium", "2 equilibria".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
