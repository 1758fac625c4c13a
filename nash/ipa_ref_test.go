package nash

// The IPA iteration as it was before its bookkeeping was made faster
// (commit "nash ipa: …" of the sixth session), kept as the reference that
// TestIPASameIterates compares the iterator against bit for bit: the
// straightforward Gambit-order code, with Lemke–Howson's scalar row
// update (lhRowGo) and label searches, and Crout's LU in NR's order.

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/truce-dev/truce/game"
)

// ipaRef is ipaIterator's state for the reference code below.
type ipaRef struct {
	ng                       *normGame
	M, N                     int
	owner                    []int
	u, du, dg, tab, sup, rhs []float64
	lu                       []int
	vv, col, fcol, srt       []float64
	rowLab, colLab           []int
	trace                    func(string, [][]float64)

	iters, lhCalls, restarts int
}

func newIPARef(ng *normGame) *ipaRef {
	M, N := ng.tot, ng.n
	it := &ipaRef{ng: ng, M: M, N: N, owner: make([]int, M),
		u: make([]float64, M), du: make([]float64, M*M), dg: make([]float64, M*M),
		tab: make([]float64, (M+N)*(M+N+2)), sup: make([]float64, (M+N)*(M+N)),
		rhs: make([]float64, M+N), lu: make([]int, M+N), srt: make([]float64, M),
		vv: make([]float64, M+N), col: make([]float64, M+N), fcol: make([]float64, M+N),
		rowLab: make([]int, M+N), colLab: make([]int, M+N+2)}
	for p, s := range ng.shape {
		for j := 0; j < s; j++ {
			it.owner[ng.off[p]+j] = p
		}
	}
	return it
}

func (it *ipaRef) solve(ctx context.Context, pert []float64) ([]float64, string) {
	M := it.M
	zh := make([]float64, M)
	for i := range zh {
		zh[i] = 1
	}
	br := make([]int, it.N)
	for pl, s := range it.ng.shape {
		o := it.ng.off[pl]
		br[pl] = o
		for j := 1; j < s; j++ {
			if pert[o+j] > pert[br[pl]] {
				br[pl] = o + j
			}
		}
	}
	for run := 0; run < ipaMaxRestarts; run++ {
		if run > 0 {
			it.restarts++
		}
		s, status := it.run(ctx, pert, br, zh)
		switch status {
		case ipaConverged:
			return s, ""
		case ipaNonFinite:
			return nil, fmt.Sprintf("the iteration reached a profile that is not finite after %d iterations (gambit-ipa stops there too; try another perturbation vector)", it.iters)
		case ipaStopped:
			_, reason := stopped(ctx)
			return nil, reason
		}
	}
	return nil, fmt.Sprintf("no convergence in %d runs of %d iterations (gambit-ipa gives up there too; try another perturbation vector or --method gnm)", ipaMaxRestarts, ipaMaxIter)
}

func (it *ipaRef) run(ctx context.Context, pert []float64, br []int, zh []float64) ([]float64, int) {
	M, N := it.M, it.N
	vec := func() []float64 { return make([]float64, M) }
	s, so, sh, sho := vec(), vec(), vec(), vec()
	z, y, yh, d, zt := vec(), vec(), vec(), vec(), vec()
	it.retract(sh, zh)
	copy(so, sh)
	for iter := 1; iter <= ipaMaxIter; iter++ {
		if ctx.Err() != nil {
			return nil, ipaStopped
		}
		it.iters++
		// The approximating polymatrix game's payoff matrix: the Jacobian
		// of the strategy values at sh, divided by N−1.
		it.ng.values(sh, it.u, it.du)
		f := float64(N - 1)
		for i, v := range it.du {
			it.dg[i] = v / f
		}
		// Its equilibrium on the last support, when that is feasible.
		if !it.supportSolve(so, s) {
			it.lemkeHowson(pert, br, s)
			it.lhCalls++
		}
		// z = DG s + s.
		for i := 0; i < M; i++ {
			v := 0.0
			row := it.dg[i*M : (i+1)*M]
			for j, a := range row {
				v += a * s[j]
			}
			z[i] = v + s[i]
		}
		same := true
		for i := 0; i < M; i++ {
			if (s[i] > 0) != (so[i] > 0) {
				same = false
				break
			}
		}
		// Where the new point lies behind the approximation point along
		// the last step (or the support is settled), pull zh back onto the
		// line through sh.
		uu, uz := 0.0, 0.0
		for i := 0; i < M; i++ {
			ui := zh[i] - sh[i]
			uu += ui * ui
			uz += (z[i] - sh[i]) * ui
		}
		if uu != 0 {
			ell := uz / uu
			if ell <= 0 || same {
				for i := 0; i < M; i++ {
					zh[i] = (zh[i]-sh[i])*ell + sh[i]
					yh[i] = (yh[i]-sho[i])*ell + sho[i]
				}
			}
		}
		zdiff, sdiff := 0.0, 0.0
		for i := 0; i < M; i++ {
			zdiff += (z[i] - zh[i]) * (z[i] - zh[i])
			sdiff += (s[i] - sh[i]) * (s[i] - sh[i])
		}
		zdiff, sdiff = math.Sqrt(zdiff), math.Sqrt(sdiff)
		if it.trace != nil {
			it.trace("iter-"+strconv.Itoa(iter), splitFlat(s, it.ng.shape))
		}
		if math.IsNaN(zdiff) || math.IsInf(zdiff, 0) || math.IsNaN(sdiff) || math.IsInf(sdiff, 0) {
			return nil, ipaNonFinite
		}
		if N <= 2 || zdiff < ipaFuzz || sdiff < ipaFuzz {
			return s, ipaConverged
		}
		// The next approximation point: a step α towards z, or towards
		// the secant's root where the support has settled.
		for i := 0; i < M; i++ {
			d[i] = z[i] - zh[i] - y[i] + yh[i]
			target := z[i]
			if iter > 1 && same && d[i] > ipaFuzz {
				target = (yh[i]*z[i] - zh[i]*y[i]) / d[i]
			}
			zt[i] = (target*(ipaAlpha/(1-ipaAlpha)) + zh[i]) * (1 - ipaAlpha)
		}
		copy(so, s)
		copy(y, z)
		copy(sho, sh)
		copy(yh, zh)
		copy(zh, zt)
		it.retract(sh, zh)
		for i, v := range sh {
			if v < ipaFuzz {
				sh[i] = 0
			}
		}
		for p, n := range it.ng.shape {
			o, sum := it.ng.off[p], 0.0
			for j := 0; j < n; j++ {
				sum += sh[o+j]
			}
			for j := 0; j < n; j++ {
				sh[o+j] /= sum
			}
		}
	}
	return s, ipaMaxed
}

func (it *ipaRef) retract(dst, z []float64) {
	for p, n := range it.ng.shape {
		o := it.ng.off[p]
		srt := it.srt[:n]
		copy(srt, z[o:o+n])
		sort.Sort(sort.Reverse(sort.Float64Slice(srt)))
		sum := srt[0]
		k := 1
		for ; k < n; k++ {
			if sum-float64(k)*srt[k] > 1 {
				break
			}
			sum += srt[k]
		}
		v := (sum - 1) / float64(k)
		for j := 0; j < n; j++ {
			dst[o+j] = math.Max(z[o+j]-v, 0)
		}
	}
}

func (it *ipaRef) supportSolve(so, s []float64) bool {
	M, N := it.M, it.N
	K := M + N
	a := it.sup
	for i := range a {
		a[i] = 0
	}
	// Unknowns: x_0..x_{M−1}, then the values v_0..v_{N−1}. Row i < M:
	// Σ_j DG_ij x_j − v_{p(i)} = 0 for i in the support. For i outside it
	// x_i stands in for the slack v_{p(i)} − Σ_j DG_ij x_j and must come
	// out ≥ 0, like the probabilities. Row M+p: player p's probabilities
	// on the support sum to one.
	for i := 0; i < M; i++ {
		row := a[i*K : (i+1)*K]
		for j := 0; j < M; j++ {
			if so[j] > 0 {
				row[j] = it.dg[i*M+j]
			}
		}
		if so[i] <= 0 {
			row[i] = 1
		}
		row[M+it.owner[i]] = -1
		it.rhs[i] = 0
	}
	for j := 0; j < M; j++ {
		if so[j] > 0 {
			a[(M+it.owner[j])*K+j] = 1
		}
	}
	for p := 0; p < N; p++ {
		it.rhs[M+p] = 1
	}
	if !refLUSolve(a, it.rhs, it.lu, it.vv, it.col, K) {
		return false
	}
	for i := 0; i < M; i++ {
		if it.rhs[i] < 0 || math.IsNaN(it.rhs[i]) {
			return false
		}
	}
	for i := 0; i < M; i++ {
		s[i] = 0
		if so[i] > 0 {
			s[i] = it.rhs[i]
		}
	}
	return true
}

func refLUSolve(a, b []float64, perm []int, vv, col []float64, n int) bool {
	vv, col = vv[:n], col[:n]
	for i := 0; i < n; i++ {
		mx := 0.0
		for _, v := range a[i*n : (i+1)*n] {
			// math.Max(mx, |v|), NaN included, without the call.
			if av := math.Abs(v); av > mx || av != av {
				mx = av
			}
		}
		if mx == 0 {
			return false
		}
		vv[i] = 1 / mx
	}
	for j := 0; j < n; j++ {
		// Column j is worked on in col, so that each row's sum reads two
		// contiguous slices; the sums are Crout's, term for term in the
		// same order. Above the diagonal each sum needs the ones before
		// it, below it they are independent and run four at a time.
		for i := range col {
			col[i] = a[i*n+j]
		}
		for i := 0; i < j; i++ {
			row := a[i*n : i*n+i]
			sum := col[i]
			for k, v := range row {
				sum -= v * col[k]
			}
			col[i] = sum
		}
		cj := col[:j]
		i := j
		for ; i+4 <= n; i += 4 {
			r0 := a[i*n : i*n+j]
			r1 := a[(i+1)*n : (i+1)*n+j]
			r2 := a[(i+2)*n : (i+2)*n+j]
			r3 := a[(i+3)*n : (i+3)*n+j]
			s0, s1, s2, s3 := col[i], col[i+1], col[i+2], col[i+3]
			for k, c := range cj {
				s0 -= r0[k] * c
				s1 -= r1[k] * c
				s2 -= r2[k] * c
				s3 -= r3[k] * c
			}
			col[i], col[i+1], col[i+2], col[i+3] = s0, s1, s2, s3
		}
		for ; i < n; i++ {
			row := a[i*n : i*n+j]
			sum := col[i]
			for k, c := range cj {
				sum -= row[k] * c
			}
			col[i] = sum
		}
		big, imax := 0.0, j
		for i := 0; i < n; i++ {
			a[i*n+j] = col[i]
			if i >= j {
				if v := vv[i] * math.Abs(col[i]); v >= big {
					big, imax = v, i
				}
			}
		}
		if imax != j {
			for k := 0; k < n; k++ {
				a[imax*n+k], a[j*n+k] = a[j*n+k], a[imax*n+k]
			}
			vv[imax] = vv[j]
		}
		perm[j] = imax
		if a[j*n+j] == 0 {
			return false
		}
		if j != n-1 {
			inv := 1 / a[j*n+j]
			for i := j + 1; i < n; i++ {
				a[i*n+j] *= inv
			}
		}
	}
	first := -1
	for i := 0; i < n; i++ {
		ip := perm[i]
		sum := b[ip]
		b[ip] = b[i]
		if first >= 0 {
			for j := first; j < i; j++ {
				sum -= a[i*n+j] * b[j]
			}
		} else if sum != 0 {
			first = i
		}
		b[i] = sum
	}
	for i := n - 1; i >= 0; i-- {
		sum := b[i]
		for j := i + 1; j < n; j++ {
			sum -= a[i*n+j] * b[j]
		}
		b[i] = sum / a[i*n+i]
	}
	return true
}

func (it *ipaRef) lemkeHowson(pert []float64, br []int, s []float64) {
	M, N := it.M, it.N
	R, C := M+N, M+N+2
	t := it.tab
	for i := range t {
		t[i] = 0
	}
	for i := 0; i < M; i++ {
		copy(t[i*C:i*C+M], it.dg[i*M:(i+1)*M])
		p := it.owner[i]
		t[(M+p)*C+i] = 1
		t[i*C+M+p] = -1
		t[i*C+M+N] = pert[i]
	}
	for p := 0; p < N; p++ {
		t[(M+p)*C+M+N+1] = 1
	}
	rowLab := it.rowLab[:R]
	colLab := it.colLab[:C]
	for c := range colLab {
		colLab[c] = c + 1
	}
	for r := range rowLab {
		rowLab[r] = -r - 1
	}
	find := func(labs []int, l int) int {
		for k, v := range labs {
			if v == l {
				return k
			}
		}
		return -1
	}
	D := 1.0
	pivot := func(pr, pc int) int {
		D = refLHPivot(t, R, C, pr, pc, D, it.fcol)
		left := rowLab[pr]
		rowLab[pr], colLab[pc] = colLab[pc], left
		return left
	}
	// Start at the pure profile br: x_br(p) enters for player p's sum row,
	// then v_p for x_br(p)'s slack.
	for p := 0; p < N; p++ {
		pivot(find(rowLab, -(M+p)-1), find(colLab, br[p]+1))
		pivot(find(rowLab, -br[p]-1), find(colLab, M+p+1))
	}
	K := C - 1
	lam := M + N + 1
	pc := find(colLab, lam)
	m, pr := math.Inf(-1), -1
	for r := 0; r < R; r++ {
		if a := t[r*C+pc]; a < 0 {
			if q := t[r*C+K] / a; q > m {
				m, pr = q, r
			}
		}
	}
	if m > 0 {
		left := pivot(pr, pc)
		for steps := 0; left != lam && steps < 100*(R+C); steps++ {
			pc = find(colLab, -left)
			m, pr = math.Inf(1), -1
			for r := 0; r < R; r++ {
				lab := rowLab[r]
				if a := t[r*C+pc]; a > 0 && (lab <= M || lab > M+N) {
					if q := t[r*C+K] / a; q < m {
						m, pr = q, r
					}
				}
			}
			if pr < 0 {
				break // a ray: cannot happen in a nondegenerate polymatrix game
			}
			left = pivot(pr, pc)
		}
	}
	for i := 0; i < M; i++ {
		s[i] = 0
		if r := find(rowLab, i+1); r >= 0 {
			s[i] = t[r*C+K] / D
		}
	}
}

func refLHPivot(t []float64, R, C, pr, pc int, D float64, fcol []float64) float64 {
	pv := t[pr*C+pc]
	sg := 1.0
	if pv < 0 {
		sg = -1
	}
	den := D * sg
	prow := t[pr*C : (pr+1)*C]
	for i := 0; i < R; i++ {
		if i == pr {
			continue
		}
		row := t[i*C : (i+1)*C]
		f := row[pc]
		fcol[i] = f
		lhRowGo(row, prow, pv, f, den)
	}
	// The pivot column: negated when pv > 0, else kept (and the pivot row
	// negated instead), as gametracer does.
	if sg > 0 {
		for i := 0; i < R; i++ {
			if i != pr {
				t[i*C+pc] = -fcol[i]
			}
		}
	} else {
		for i := 0; i < R; i++ {
			if i != pr {
				t[i*C+pc] = fcol[i]
			}
		}
		for j := range prow {
			prow[j] = -prow[j]
		}
	}
	t[pr*C+pc] = sg * D
	D = math.Abs(pv)
	if D > 1e6 {
		for i := range t {
			t[i] /= D
		}
		D = 1
	}
	return D
}

// ipaTrace runs solve (the iterator's, or the reference's) and returns
// the bits of every iterate, the end and the counts, for comparison.
func ipaTrace(solve func(context.Context, []float64) ([]float64, string), setTrace func(func(string, [][]float64)), counts func() [3]int, pert []float64) ([]uint64, string, [3]int) {
	var bits []uint64
	setTrace(func(_ string, s [][]float64) {
		for _, r := range s {
			for _, v := range r {
				bits = append(bits, math.Float64bits(v))
			}
		}
	})
	end, why := solve(context.Background(), pert)
	bits = append(bits, 1<<63-1) // separates the end from the iterates
	for _, v := range end {
		bits = append(bits, math.Float64bits(v))
	}
	return bits, why, counts()
}

// sameIPAIterates runs the iterator and the reference from every
// perturbation vector of pts (or seed's random ones) on g and fails at the
// first iterate whose bits differ. setup, if given, changes the
// iterator's test switches first.
func sameIPAIterates(t interface {
	Fatal(...any)
	Fatalf(string, ...any)
}, name string, g *game.Strategic, search Search, setup ...func(*ipaIterator)) {
	ng, span := newNormGame(g)
	if span == 0 || ng.n < 2 {
		return
	}
	res := &Result{Stats: map[string]float64{}}
	perts, err := search.perturbations(ng.shape, res)
	if err != nil {
		t.Fatal(err)
	}
	raw := shiftedGame(g, ng)
	it, ref := newIPAIterator(raw), newIPARef(raw)
	for _, f := range setup {
		f(it)
	}
	for k, p := range perts {
		pert, err := unitPerturbation(p, ng)
		if err != nil {
			continue // a tie for the largest entry: refused before iterating
		}
		got, gotWhy, gotN := ipaTrace(it.solve, func(f func(string, [][]float64)) { it.trace = f },
			func() [3]int { return [3]int{it.iters, it.lhCalls, it.restarts} }, pert)
		want, wantWhy, wantN := ipaTrace(ref.solve, func(f func(string, [][]float64)) { ref.trace = f },
			func() [3]int { return [3]int{ref.iters, ref.lhCalls, ref.restarts} }, pert)
		if gotWhy != wantWhy || gotN != wantN {
			t.Fatalf("%s vector %d: %q %v, reference %q %v", name, k, gotWhy, gotN, wantWhy, wantN)
		}
		if len(got) != len(want) {
			t.Fatalf("%s vector %d: %d numbers traced, reference %d", name, k, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s vector %d: number %d of the trace is %v (bits %x), reference %v (%x)", name, k, i,
					math.Float64frombits(got[i]), got[i], math.Float64frombits(want[i]), want[i])
			}
		}
	}
}

// TestIPASameIterates: the iterator's every iterate and its end are the
// reference code's (above) to the bit, with the same counts of
// iterations, Lemke–Howson calls and restarts: on each perturbation
// vector of testdata/gnm (the games of the Gambit reference runs) and on
// random games of 3 to 5 players, with continuous payoffs and with small
// whole numbers (ties and degenerate tableaux).
func TestIPASameIterates(t *testing.T) {
	perts, err := filepath.Glob("testdata/gnm/*.pert")
	if err != nil || len(perts) < 30 {
		t.Fatalf("reference vectors in testdata/gnm: %d, %v", len(perts), err)
	}
	for _, pf := range perts {
		if fi, err := os.Stat(pf); err != nil || fi.Size() == 0 {
			continue // a vector Gambit was not run from (see generate.sh)
		}
		base := strings.TrimSuffix(filepath.Base(pf), ".pert")
		g := readNFGFile(t, ipaGame(t, base[:strings.LastIndex(base, ".")]))
		sameIPAIterates(t, base, g, Search{Points: readPointsFile(t, pf)})
	}
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(3, 5).Draw(rt, "players")
		shape := make([]int, n)
		for p := range shape {
			shape[p] = rapid.IntRange(1, 6-n/2).Draw(rt, "strategies")
		}
		seed := rapid.Uint64().Draw(rt, "seed")
		g := continuousGame(shape, seed)
		if rapid.Bool().Draw(rt, "whole numbers") {
			r := rand.New(rand.NewPCG(seed, 2))
			vals := make([]*big.Rat, len(g.Payoffs))
			for i := range vals {
				vals[i] = big.NewRat(int64(r.IntN(7))-3, 1)
			}
			if err := g.SetExact(vals); err != nil {
				rt.Fatal(err)
			}
		}
		sameIPAIterates(rt, fmt.Sprint(shape), g, Search{Seed: seed, Starts: 2})
	})
}

// TestDescendingIsReverse: retract's sort makes sort.Reverse's moves, so
// equal values of different bits (±0, NaNs) end in the same places.
func TestDescendingIsReverse(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		vals := rapid.SliceOfN(rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 1, -1, 0.5, 2, math.NaN(), math.Inf(1), math.Inf(-1)}), 0, 40).Draw(rt, "vals")
		a, b := append([]float64(nil), vals...), append([]float64(nil), vals...)
		sort.Sort(sort.Reverse(sort.Float64Slice(a)))
		d := descending{s: b}
		sort.Sort(&d)
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				rt.Fatalf("entry %d: %v, sort.Reverse %v", i, b[i], a[i])
			}
		}
	})
}

// TestSmallestExact: the shortcut for whole numbers gives the smallest
// rational, as big.Rat's Cmp finds it, on mixes of whole numbers (small
// and beyond int64), fractions and a missing entry.
func TestSmallestExact(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(rt, "n")
		ex := make([]*big.Rat, n)
		for i := range ex {
			switch rapid.IntRange(0, 3).Draw(rt, "kind") {
			case 0, 1:
				ex[i] = big.NewRat(rapid.Int64Range(-5, 5).Draw(rt, "int"), 1)
			case 2:
				ex[i] = big.NewRat(rapid.Int64Range(-20, 20).Draw(rt, "num"), rapid.Int64Range(1, 7).Draw(rt, "den"))
			default:
				ex[i] = new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(rapid.Int64Range(-3, 3).Draw(rt, "big")), 70), big.NewInt(1))
			}
		}
		var want *big.Rat
		for _, v := range ex {
			if want == nil || v.Cmp(want) < 0 {
				want = v
			}
		}
		if got := smallestExact(ex); got.Cmp(want) != 0 {
			rt.Fatalf("smallest of %v: %v, want %v", ex, got, want)
		}
		ex[rapid.IntRange(0, n-1).Draw(rt, "missing")] = nil
		if got := smallestExact(ex); got != nil {
			rt.Fatalf("a missing entry: %v, want nil", got)
		}
	})
}
