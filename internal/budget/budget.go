// Package budget bounds the memory one run may use: code about to make a
// large allocation estimates its size first and asks Check, which refuses
// with an error that names the size, the limit and what to do instead.
// The limit travels in the context, so the command line and each server job
// can set their own without threading a parameter through every API.
package budget

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DefaultLimit is the memory one command may plan to use when nothing else
// is set (truce --max-memory). It is well under the 24 GiB of the machines we
// run on and leaves room for the Go runtime's own overhead (about 2x live
// data at the default GOGC).
const DefaultLimit int64 = 4 << 30

// ServerLimit is the default for one job of truce serve: several jobs and
// the server share one process.
const ServerLimit int64 = 1 << 30

type limitKey struct{}

// WithLimit returns a context whose budget is limit bytes (limit <= 0 means
// DefaultLimit).
func WithLimit(ctx context.Context, limit int64) context.Context {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return context.WithValue(ctx, limitKey{}, limit)
}

// Limit is the budget carried by ctx, or DefaultLimit.
func Limit(ctx context.Context) int64 {
	if ctx != nil {
		if v, ok := ctx.Value(limitKey{}).(int64); ok {
			return v
		}
	}
	return DefaultLimit
}

// ExceededError says that a planned allocation is over the budget.
type ExceededError struct {
	What        string // what would be allocated, e.g. "dense Newton matrix (12000 × 12000)"
	Need, Limit int64  // bytes
	Alternative string // what the user can do instead; may be empty
}

func (e *ExceededError) Error() string {
	// A saturated estimate is a lower bound, not an approximation.
	need := "about " + Format(e.Need)
	if e.Need == math.MaxInt64 {
		need = Format(e.Need)
	}
	msg := fmt.Sprintf("%s needs %s of memory, over the limit of %s (--max-memory)",
		e.What, need, Format(e.Limit))
	if e.Alternative != "" {
		msg += "; " + e.Alternative
	}
	return msg
}

// ErrExceeded matches every *ExceededError with errors.Is.
var ErrExceeded = errors.New("memory budget exceeded")

// Is makes errors.Is(err, ErrExceeded) true.
func (e *ExceededError) Is(target error) bool { return target == ErrExceeded }

// Check returns an *ExceededError when need bytes are over the budget in ctx.
func Check(ctx context.Context, what string, need int64, alternative string) error {
	if lim := Limit(ctx); need > lim || need < 0 {
		if need < 0 { // saturated or overflowed arithmetic upstream
			need = math.MaxInt64
		}
		return &ExceededError{What: what, Need: need, Limit: lim, Alternative: alternative}
	}
	return nil
}

// Mul multiplies sizes and saturates at math.MaxInt64 instead of wrapping,
// so that an estimate of a huge allocation stays huge. Negative factors
// count as zero.
func Mul(xs ...int64) int64 {
	p := int64(1)
	for _, x := range xs {
		if x <= 0 {
			return 0
		}
		if p > math.MaxInt64/x {
			return math.MaxInt64
		}
		p *= x
	}
	return p
}

// Add adds sizes and saturates at math.MaxInt64.
func Add(xs ...int64) int64 {
	s := int64(0)
	for _, x := range xs {
		if x <= 0 {
			continue
		}
		if s > math.MaxInt64-x {
			return math.MaxInt64
		}
		s += x
	}
	return s
}

// Format writes a byte count for people: 512 B, 3.2 MiB, 8.0 GiB.
func Format(n int64) string {
	if n == math.MaxInt64 {
		return "more than 8 EiB"
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 6 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTPE"[i-1])
}

// Parse reads a size such as "4GiB", "512MB", "2g" or "1048576". Decimal
// (kB, MB, GB) and binary (KiB, MiB, GiB) suffixes are both accepted; a bare
// K, M, G or T means the binary unit.
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty size")
	}
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, suf := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("size %q: want a number with an optional unit such as 512MiB or 4GB", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
		"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	}[suf]
	if mult == 0 {
		return 0, fmt.Errorf("size %q: unknown unit %q (use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)", s, t[i:])
	}
	b := v * mult
	if b < 1 || b >= math.MaxInt64 || math.IsNaN(b) {
		return 0, fmt.Errorf("size %q: out of range", s)
	}
	return int64(b), nil
}
