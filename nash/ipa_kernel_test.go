package nash

import (
	"math"
	"sort"
	"testing"
	"unsafe"

	"pgregory.net/rapid"

	"github.com/truce-dev/truce/game"
)

// The special values the kernels' tests mix into their numbers.
var ipaSpecials = []float64{0, math.Copysign(0, -1), 1, -1, 2, -0.5, 1e-310, -1e300, 1e300, math.Inf(1), math.Inf(-1), math.NaN()}

// ipaFloats draws mostly ordinary numbers, some of them special.
func ipaFloats(special bool) *rapid.Generator[float64] {
	if !special {
		return rapid.OneOf(rapid.Float64Range(-1e3, 1e3), rapid.SampledFrom([]float64{0, 0, 1, -1}))
	}
	return rapid.OneOf(rapid.Float64Range(-1e3, 1e3), rapid.Float64Range(-1e3, 1e3), rapid.SampledFrom(ipaSpecials))
}

// TestIPAStepLayout: lhReplayAVX reads ipaStep's fields at these offsets.
func TestIPAStepLayout(t *testing.T) {
	var st ipaStep
	if unsafe.Sizeof(st) != 56 || unsafe.Offsetof(st.pr) != 0 || unsafe.Offsetof(st.pv) != 8 ||
		unsafe.Offsetof(st.den) != 16 || unsafe.Offsetof(st.div) != 24 || unsafe.Offsetof(st.sign) != 32 ||
		unsafe.Offsetof(st.rden) != 40 || unsafe.Offsetof(st.n) != 48 {
		t.Fatalf("ipaStep: size %d, offsets %d %d %d %d %d %d %d", unsafe.Sizeof(st), unsafe.Offsetof(st.pr),
			unsafe.Offsetof(st.pv), unsafe.Offsetof(st.den), unsafe.Offsetof(st.div), unsafe.Offsetof(st.sign),
			unsafe.Offsetof(st.rden), unsafe.Offsetof(st.n))
	}
}

// TestLHReplaySameBits: the replay of recorded pivots on a column
// (lhReplay, in assembly where the processor has AVX) gives lhReplayGo's
// bits, and both give the formula's, step by step: each of the step's
// first n entries (col·pv − hist·p)/den with each product rounded, the
// pivot row's entry p with its sign flipped when the step says so, those
// entries divided by div when that is not 0; nothing else changes.
func TestLHReplaySameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		R := rapid.IntRange(1, 41).Draw(t, "R")
		n := rapid.IntRange(0, 6).Draw(t, "steps")
		fl := ipaFloats(rapid.Bool().Draw(t, "special"))
		col := rapid.SliceOfN(fl, R+2, R+2).Draw(t, "col") // two beyond the column
		hist := rapid.SliceOfN(fl, n*R, n*R).Draw(t, "hist")
		steps := make([]ipaStep, n)
		for k := range steps {
			n := rapid.IntRange(1, R).Draw(t, "rows")
			steps[k] = ipaStep{n: n, pr: rapid.IntRange(0, n-1).Draw(t, "pr"), pv: fl.Draw(t, "pv"),
				den: rapid.SampledFrom([]float64{1, -1, 3, -7.5, 1e-300, 123456.789, 0, 2, -0.25, 0x1p-900, 0x1p900}).Draw(t, "den")}
			// As pivot records it: the reciprocal where it is exact.
			steps[k].rden = exactReciprocal(steps[k].den)
			if rapid.Bool().Draw(t, "negated") {
				steps[k].sign = 1 << 63
			}
			if rapid.Bool().Draw(t, "rescaled") {
				steps[k].div = rapid.SampledFrom([]float64{2e6, 3.5e7, 1e300}).Draw(t, "div")
			}
		}
		a, b, want := append([]float64(nil), col...), append([]float64(nil), col...), append([]float64(nil), col...)
		lhReplay(a[:R], hist, steps)
		lhReplayGo(b[:R], hist, steps)
		for k, st := range steps {
			p := want[st.pr]
			for i := 0; i < st.n; i++ {
				want[i] = (float64(want[i]*st.pv) - float64(hist[k*R+i]*p)) / st.den
			}
			want[st.pr] = p
			if st.sign != 0 {
				want[st.pr] = -p
			}
			if st.div != 0 {
				for i := 0; i < st.n; i++ {
					want[i] /= st.div
				}
			}
		}
		for i := range col {
			if !sameBits(a[i], b[i]) {
				t.Fatalf("entry %d: %v, lhReplayGo %v", i, a[i], b[i])
			}
			if !sameBits(b[i], want[i]) && !(math.IsNaN(b[i]) && math.IsNaN(want[i])) {
				t.Fatalf("entry %d: %v, the formula %v", i, b[i], want[i])
			}
		}
	})
}

// TestLHRatiosSameBits: lhRatios (in assembly where the processor has
// AVX) gives lhRatiosGo's bits, and both give b/a where a > 0 and +∞
// elsewhere (a ≤ 0 or NaN), and write nothing beyond q.
func TestLHRatiosSameBits(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 41).Draw(t, "n")
		fl := ipaFloats(true)
		a := rapid.SliceOfN(fl, n, n).Draw(t, "a")
		b := rapid.SliceOfN(fl, n, n).Draw(t, "b")
		q1, q2 := make([]float64, n+1), make([]float64, n+1)
		q1[n], q2[n] = 7, 7
		lhRatios(a, b, q1[:n])
		lhRatiosGo(a, b, q2[:n])
		for r := range q1 {
			want := 7.0
			if r < n {
				want = math.Inf(1)
				if a[r] > 0 {
					want = b[r] / a[r]
				}
			}
			if !sameBits(q1[r], q2[r]) || !sameBits(q2[r], want) && !(math.IsNaN(q2[r]) && math.IsNaN(want)) {
				t.Fatalf("q[%d] = %v, lhRatiosGo %v, want %v (a %v, b %v)", r, q1[r], q2[r], want, a, b)
			}
		}
	})
}

// TestLUSolveFastSameBits: luSolveFast, with luSolve where it is not
// sure (as supportSolve uses it), gives the reference's (refLUSolve, NR's
// Crout order, row by row) success and solution to the bit, and when
// sure a factorisation that differs at most in the sign of a zero: on
// random systems dense and sparse, singular, with zero rows, repeated
// rows, zeros of both signs, subnormal, huge and non-finite entries.
// Where it is sure it never had to be unsure: the sparse systems without
// special values are solved by the fast path most of the time.
func TestLUSolveFastSameBits(t *testing.T) {
	var fast, all int
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		special := rapid.Bool().Draw(t, "special")
		fl := ipaFloats(special)
		if rapid.Bool().Draw(t, "sparse") {
			fl = rapid.OneOf(fl, rapid.Just(0.0), rapid.Just(0.0), rapid.Just(0.0))
		}
		a := rapid.SliceOfN(fl, n*n, n*n).Draw(t, "a")
		b := rapid.SliceOfN(fl, n, n).Draw(t, "b")
		if rapid.Bool().Draw(t, "repeat a row") && n > 1 {
			copy(a[(n-1)*n:], a[:n])
		}
		a1, b1 := append([]float64(nil), a...), append([]float64(nil), b...)
		a2, b2 := append([]float64(nil), a...), append([]float64(nil), b...)
		p1, p2 := make([]int, n), make([]int, n)
		ok1, sure := luSolveFast(a1, b1, p1, make([]float64, n), make([]float64, n), n)
		if !special {
			all++
			if sure {
				fast++
			}
		}
		if !sure {
			copy(a1, a)
			copy(b1, b)
			ok1 = luSolve(a1, b1, p1, make([]float64, n), make([]float64, n), n)
		}
		ok2 := refLUSolve(a2, b2, p2, make([]float64, n), make([]float64, n), n)
		if ok1 != ok2 {
			t.Fatalf("luSolveFast %v (sure %v), reference %v", ok1, sure, ok2)
		}
		if !ok1 {
			return
		}
		for i := range b1 {
			if !sameBits(b1[i], b2[i]) {
				t.Fatalf("x[%d] = %v, reference %v (sure %v)", i, b1[i], b2[i], sure)
			}
		}
		for i := range a1 {
			if !sameBits(a1[i], a2[i]) && !(a1[i] == 0 && a2[i] == 0 && sure) {
				t.Fatalf("LU entry %d = %v, reference %v (sure %v)", i, a1[i], a2[i], sure)
			}
		}
		for i := range p1 {
			if p1[i] != p2[i] {
				t.Fatalf("row swap %d: %d, reference %d", i, p1[i], p2[i])
			}
		}
	})
	if all > 20 && fast*4 < all {
		t.Errorf("the fast path was sure of %d of %d ordinary systems", fast, all)
	}
}

// TestIPASameIteratesFlushing: with the record of Lemke–Howson's pivots
// cleared every few pivots (every column brought up to date first), the
// iterates are still the reference's to the bit.
func TestIPASameIteratesFlushing(t *testing.T) {
	for _, every := range []int{1, 2, 5} {
		flush := func(it *ipaIterator) { it.lt.flushEvery = every }
		for _, c := range []struct {
			shape []int
			seed  uint64
		}{{[]int{3, 3, 3}, 1}, {[]int{4, 3, 2}, 2}, {[]int{2, 2, 2, 2}, 3}, {[]int{5, 5, 5}, 4}} {
			var g *game.Strategic = continuousGame(c.shape, c.seed)
			sameIPAIterates(t, "flushing", g, Search{Seed: c.seed, Starts: 3}, flush)
		}
	}
}

// TestSortDescendingSmall: retract's small sort leaves every number where
// sort.Sort(&descending{…}) does, bit for bit (±0 and NaNs included),
// for every length it is used for (up to 12).
func TestSortDescendingSmall(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		vals := rapid.SliceOfN(rapid.OneOf(rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 1, -1, 0.5, math.NaN(),
			math.Inf(1), math.Inf(-1)}), rapid.Float64Range(-2, 2)), 0, 12).Draw(rt, "vals")
		a, b := append([]float64(nil), vals...), append([]float64(nil), vals...)
		sort.Sort(&descending{s: a})
		sortDescendingSmall(b)
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				rt.Fatalf("entry %d: %v, sort.Sort %v (of %v)", i, b[i], a[i], vals)
			}
		}
	})
}

// TestFirstMinSameIndex: firstMin (in assembly where the processor has
// AVX) picks the index the running minimum picks (firstMinGo), on
// numbers with ties, ±0, infinities and NaNs, of every length.
func TestFirstMinSameIndex(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		q := rapid.SliceOfN(rapid.OneOf(rapid.SampledFrom(ipaSpecials), rapid.SampledFrom([]float64{3, 3, 0.5}),
			rapid.Float64Range(-5, 5)), 0, 41).Draw(t, "q")
		if got, want := firstMin(q), firstMinGo(q); got != want {
			t.Fatalf("firstMin(%v) = %d, want %d", q, got, want)
		}
	})
}

// TestIPASameIteratesKeepingRows: Lemke–Howson with every row kept in its
// place and replayed (lemkeHowson's way when the first pivot on λ is on
// a v_p row) gives the reference's iterates too, bit for bit.
func TestIPASameIteratesKeepingRows(t *testing.T) {
	keep := func(it *ipaIterator) { it.keepRows = true }
	for _, c := range []struct {
		shape []int
		seed  uint64
	}{{[]int{3, 3, 3}, 1}, {[]int{4, 3, 2}, 2}, {[]int{2, 2, 2, 2}, 3}, {[]int{5, 5, 5}, 4}} {
		sameIPAIterates(t, "keeping rows", continuousGame(c.shape, c.seed), Search{Seed: c.seed, Starts: 3}, keep)
	}
	g := readNFGFile(t, "testdata/bench/rand_5x5x5_s3005.nfg")
	sameIPAIterates(t, "keeping rows", g, Search{Points: readPointsFile(t, "testdata/gnm/rand_5x5x5_s3005.2.pert")}, keep)
}

// TestLastMaxSameIndex: lastMax (in assembly where the processor has
// AVX) picks the index luSolve's v ≥ big loop picks (lastMaxGo), on
// numbers that are not negative, with ties, zeros, +∞ and NaNs, of every
// length.
func TestLastMaxSameIndex(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := rapid.SliceOfN(rapid.OneOf(rapid.SampledFrom([]float64{0, 0, 3, 3, 0.5, math.Inf(1), math.NaN(), 1e-310}),
			rapid.Float64Range(0, 5)), 0, 41).Draw(t, "w")
		if got, want := lastMax(w), lastMaxGo(w); got != want {
			t.Fatalf("lastMax(%v) = %d, want %d", w, got, want)
		}
	})
}

// TestIPAJacobianSameBits: for 3-player games ipaJacobian's DG is
// normGame.derivatives' Jacobian halved, to the bit (NaNs as NaNs), on
// random tables and profiles with zeros, negative zeros and, some of the
// time, special numbers among the probabilities; its diagonal blocks
// stay as they were.
func TestIPAJacobianSameBits(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		shape := []int{rapid.IntRange(1, 7).Draw(rt, "n0"), rapid.IntRange(1, 7).Draw(rt, "n1"), rapid.IntRange(1, 7).Draw(rt, "n2")}
		g := numberedGame(shape)
		for i := range g.Payoffs {
			g.Payoffs[i] = ipaFloats(false).Draw(rt, "payoff")
		}
		ng, _ := newNormGame(g)
		raw := &normGame{n: ng.n, shape: ng.shape, off: ng.off, tot: ng.tot, nprof: ng.nprof, pay: g.Payoffs}
		special := rapid.Bool().Draw(rt, "special")
		x := make([]float64, ng.tot)
		for i := range x {
			x[i] = ipaFloats(special).Draw(rt, "x")
		}
		M := ng.tot
		u, du := make([]float64, M), make([]float64, M*M)
		raw.derivatives(x, u, du)
		jac := newIPAJacobian(raw)
		dg := make([]float64, M*M)
		for i := range dg {
			dg[i] = 7 // the diagonal blocks must keep it
		}
		jac.fill(raw, x, dg)
		owner := make([]int, M)
		for p, s := range ng.shape {
			for j := 0; j < s; j++ {
				owner[ng.off[p]+j] = p
			}
		}
		for a := 0; a < M; a++ {
			for b := 0; b < M; b++ {
				want := du[a*M+b] * 0.5
				if owner[a] == owner[b] {
					want = 7
				}
				got := dg[a*M+b]
				if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
					rt.Fatalf("DG[%d][%d] = %v (%x), derivatives/2 %v (%x)", a, b, got, math.Float64bits(got), want, math.Float64bits(want))
				}
			}
		}
	})
}
