package budget

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	ctx := WithLimit(context.Background(), 1000)
	if err := Check(ctx, "x", 1000, ""); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	err := Check(ctx, "dense matrix (20 × 20)", 1001, "use --method iterate")
	var ee *ExceededError
	if !errors.As(err, &ee) || !errors.Is(err, ErrExceeded) {
		t.Fatalf("over the limit: got %v", err)
	}
	for _, want := range []string{"dense matrix (20 × 20)", "1001 B", "1000 B", "--max-memory", "use --method iterate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err.Error(), want)
		}
	}
	if Limit(context.Background()) != DefaultLimit {
		t.Errorf("no limit in context: got %d", Limit(context.Background()))
	}
	if err := Check(ctx, "overflowed", -1, ""); err == nil {
		t.Errorf("a negative (overflowed) estimate must be refused")
	}
	// A saturated estimate is a lower bound: "more than", never "about
	// more than".
	err = Check(ctx, "huge", Mul(1<<40, 1<<40), "")
	if msg := err.Error(); !strings.Contains(msg, "huge needs more than 8 EiB of memory") || strings.Contains(msg, "about more") {
		t.Errorf("saturated estimate: %q", msg)
	}
}

func TestMulAddSaturate(t *testing.T) {
	if got := Mul(1<<40, 1<<40); got != math.MaxInt64 {
		t.Errorf("Mul overflow: got %d", got)
	}
	if got := Mul(3, 4, 5); got != 60 {
		t.Errorf("Mul(3,4,5) = %d", got)
	}
	if got := Mul(3, -1); got != 0 {
		t.Errorf("Mul with a negative factor = %d", got)
	}
	if got := Add(math.MaxInt64-1, 5); got != math.MaxInt64 {
		t.Errorf("Add overflow: got %d", got)
	}
}

func TestParseFormat(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{{"4GiB", 4 << 30}, {"512MB", 512e6}, {"2g", 2 << 30}, {"1048576", 1 << 20}, {"1.5 GiB", 3 << 29}} {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "GiB", "-4G", "4 parsecs", "1e400", "0"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if got := Format(3 << 29); got != "1.5 GiB" {
		t.Errorf("Format = %q", got)
	}
	if got := Format(512); got != "512 B" {
		t.Errorf("Format = %q", got)
	}
}
