package nash

import (
	"math"
	"math/big"
)

// num is an exact rational kept as an int64 fraction while it fits
// (the usual case: payoffs and probabilities of a few digits), as a
// big.Rat once it does not. Arithmetic on nums is exact either way; the
// small form only saves big.Rat's allocations and normalisations.
type num struct {
	q qrat
	b *big.Rat // non-nil: the value, q unused
}

var numZero = num{q: qrat{0, 1}}

// numOf converts a big.Rat, keeping it small when it fits.
func numOf(r *big.Rat) num {
	if q, ok := toQrat(r); ok {
		return num{q: q}
	}
	return num{b: new(big.Rat).Set(r)}
}

// Rat returns the value as a new big.Rat.
func (x num) Rat() *big.Rat {
	if x.b != nil {
		return new(big.Rat).Set(x.b)
	}
	return x.q.rat()
}

// Float64 returns the nearest float64, as big.Rat.Float64 does.
func (x num) Float64() float64 {
	if x.b == nil && abs64(x.q.n) <= 1<<53 && x.q.d <= 1<<53 {
		// both exact in float64: IEEE division rounds to nearest
		return float64(x.q.n) / float64(x.q.d)
	}
	f, _ := x.Rat().Float64()
	return f
}

func (x num) Sign() int {
	if x.b != nil {
		return x.b.Sign()
	}
	switch {
	case x.q.n > 0:
		return 1
	case x.q.n < 0:
		return -1
	}
	return 0
}

func (x num) big() *big.Rat {
	if x.b != nil {
		return x.b
	}
	return x.q.rat()
}

func numMul(x, y num) num {
	if x.b == nil && y.b == nil {
		if q, ok := qmul(x.q, y.q); ok {
			return num{q: q}
		}
	}
	return num{b: new(big.Rat).Mul(x.big(), y.big())}
}

func numAdd(x, y num) num {
	if x.b == nil && y.b == nil {
		if q, ok := qsub(x.q, qrat{-y.q.n, y.q.d}); ok { // n is never MinInt64
			return num{q: q}
		}
	}
	return num{b: new(big.Rat).Add(x.big(), y.big())}
}

func numSub(x, y num) num {
	if x.b == nil && y.b == nil {
		if q, ok := qsub(x.q, y.q); ok {
			return num{q: q}
		}
	}
	return num{b: new(big.Rat).Sub(x.big(), y.big())}
}

func numCmp(x, y num) int {
	if x.b == nil && y.b == nil {
		return qcmp(x.q, y.q)
	}
	return x.big().Cmp(y.big())
}

// numQuo returns x/y for y != 0.
func numQuo(x, y num) num {
	if x.b == nil && y.b == nil {
		if q, ok := qdiv(x.q, y.q); ok {
			return num{q: q}
		}
	}
	return num{b: new(big.Rat).Quo(x.big(), y.big())}
}

// numInt is the integer v as a num.
func numInt(v *big.Int) num {
	if v.IsInt64() && v.Int64() != math.MinInt64 {
		return num{q: qrat{v.Int64(), 1}}
	}
	return num{b: new(big.Rat).SetInt(v)}
}
