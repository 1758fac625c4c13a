package gmcr

import (
	"errors"
	"testing"
)

// FuzzParseFormula: any statement over three options (a, b, c) parses or
// gives a *FormulaError at an offset inside it, never a panic; a statement
// that parses, negated ("!(S)") or combined by Violates, evaluates as the
// logic says in all eight states.
//
//	go test ./gmcr -run '^$' -fuzz FuzzParseFormula -fuzztime 1m
func FuzzParseFormula(f *testing.F) {
	for _, s := range []string{"a", "!a & b", "a | b & !c", "a IF b", "a -> b", "a IFF b", "a <-> (b | c)", "-3 IF 1",
		"¬a ∧ b ∨ c", "not a and b or c", "~(a)", "((((a))))", "a b", "a &", "(", ")", "4", "0", "d", "true", "false", ""} {
		f.Add(s)
	}
	names := map[string]int{"a": 0, "b": 1, "c": 2}
	resolve := func(name string) (int, bool) { k, ok := names[name]; return k, ok }
	f.Fuzz(func(t *testing.T, src string) {
		g, err := ParseFormula(src, 3, resolve)
		if err != nil {
			var fe *FormulaError
			if !errors.As(err, &fe) {
				t.Fatalf("%q: error of another type: %v", src, err)
			}
			if fe.Offset < 0 || fe.Offset > len(src) {
				t.Fatalf("%q: error at offset %d, outside the statement: %v", src, fe.Offset, err)
			}
			return
		}
		if g.Src != src {
			t.Fatalf("Src %q, want %q", g.Src, src)
		}
		v := Violates(g, g) // S and not S: never
		neg, err := ParseFormula("!("+src+")", 3, resolve)
		for code := uint64(0); code < 8; code++ {
			if v.Eval(code) {
				t.Fatalf("%q: (S) & !(S) holds in state %d", src, code)
			}
			if err == nil && neg.Eval(code) == g.Eval(code) {
				t.Fatalf("%q: !(S) agrees with S in state %d", src, code)
			}
		}
	})
}
