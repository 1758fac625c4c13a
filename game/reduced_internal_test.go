package game

import (
	"math"
	"testing"
)

func TestFormatCounts(t *testing.T) {
	for _, c := range []struct {
		counts []int64
		want   string
	}{
		{[]int64{12, 40}, "12×40 strategies"},
		{[]int64{3, 2_000_000, 7}, "3×2e6×7 strategies"},
		{[]int64{104_976_000_000_000, 2_500_000}, "1.05e14×2.5e6 strategies"},
		// Leduc poker: a saturated count is a lower bound, said in words
		// outside the product.
		{[]int64{104_976_000_000_000, math.MaxInt64}, "strategies per player: 1.05e14 and more than 9.2e18"},
		{[]int64{2, math.MaxInt64, 3}, "strategies per player: 2, more than 9.2e18, 3"},
	} {
		if got := formatCounts(c.counts); got != c.want {
			t.Errorf("formatCounts(%v) = %q, want %q", c.counts, got, c.want)
		}
	}
}
