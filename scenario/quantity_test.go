package scenario

import (
	"math"
	"testing"
)

func TestQuantityFuncUsage(t *testing.T) {
	for _, c := range []struct{ name, usage, arity string }{
		{"reach", `reach("state", steps, "profile")`, "3"},
		{"absorb", `absorb("state", "profile")`, "2"},
		{"value", `value("actor", "profile"[, "component"])`, "2 or 3"},
	} {
		f := lookupQuantityFunc(c.name)
		if f == nil {
			t.Fatalf("%s not declared", c.name)
		}
		if got := f.usage(); got != c.usage {
			t.Errorf("%s usage = %s, want %s", c.name, got, c.usage)
		}
		if got := f.arity(); got != c.arity {
			t.Errorf("%s arity = %s, want %s", c.name, got, c.arity)
		}
	}
	seen := map[string]bool{}
	for _, f := range quantityFuncs() {
		if seen[f.name] {
			t.Errorf("%s declared twice", f.name)
		}
		seen[f.name] = true
		if f.read == nil || f.optional > len(f.args) {
			t.Errorf("%s: incomplete declaration", f.name)
		}
	}
}

// A figure and its neighbour by rounding noise print the same: the
// Ehrenfest urn's ends, 1/16 each, once printed 6.2% and 6.3%.
func TestFmtPctRoundingNoise(t *testing.T) {
	x := 0.0625
	for _, f := range []float64{math.Nextafter(x, 0), x, math.Nextafter(x, 1), x + 1e-15} {
		if got := fmtPct(Number(f)); got != "6.3%" {
			t.Errorf("fmtPct(%v) = %s, want 6.3%%", f, got)
		}
	}
	for f, want := range map[float64]string{0.123456: "12.3%", 0.99949: "99.9%", 0.5: "50.0%", 0.0105: "1.1%"} {
		if got := fmtPct(Number(f)); got != want {
			t.Errorf("fmtPct(%v) = %s, want %s", f, got, want)
		}
	}
}
