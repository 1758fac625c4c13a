package scenario

import "testing"

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
	for _, f := range quantityFuncs {
		if seen[f.name] {
			t.Errorf("%s declared twice", f.name)
		}
		seen[f.name] = true
		if f.read == nil || f.optional > len(f.args) {
			t.Errorf("%s: incomplete declaration", f.name)
		}
	}
}
