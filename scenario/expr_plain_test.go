package scenario

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/goccy/go-yaml/ast"
	"pgregory.net/rapid"

	"github.com/truce-dev/truce/internal/cputime"
	"github.com/truce-dev/truce/internal/simbench"
	"github.com/truce-dev/truce/internal/yamlread"
)

// TestPlainNumberMatchesCompiler: every text plainNumber reads (a number,
// or a fraction of two, with signs, exponents and spaces) has the value
// the expression compiler gives it, to the bit.
func TestPlainNumberMatchesCompiler(t *testing.T) {
	digits := rapid.StringMatching(`[0-9]{0,4}`)
	number := rapid.Custom(func(t *rapid.T) string {
		s := rapid.SampledFrom([]string{"", "-", "+"}).Draw(t, "sign")
		s += digits.Draw(t, "int")
		if rapid.Bool().Draw(t, "point") {
			s += "." + digits.Draw(t, "frac")
		}
		if rapid.Bool().Draw(t, "exp") {
			s += rapid.SampledFrom([]string{"e", "E", "e-", "e+"}).Draw(t, "e") + rapid.StringMatching(`[0-9]{1,3}`).Draw(t, "expdigits")
		}
		return s
	})
	rapid.Check(t, func(t *rapid.T) {
		src := number.Draw(t, "num")
		if rapid.Bool().Draw(t, "fraction") {
			src += rapid.SampledFrom([]string{"/", " / ", "/ "}).Draw(t, "slash") + strings.TrimLeft(number.Draw(t, "den"), "+-")
		}
		v, ok := plainNumber(src)
		if !ok {
			return
		}
		prog, err := compileSafely(src, append(baseOptions(), expr.AsFloat64()))
		if err != nil {
			t.Fatalf("%q: plainNumber reads %v, the compiler fails: %v", src, v, err)
		}
		got, err := expr.Run(prog, nil)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		w := got.(float64)
		if math.Float64bits(v) != math.Float64bits(w) && !(math.IsNaN(v) && math.IsNaN(w)) {
			t.Fatalf("%q: plainNumber %v, compiler %v", src, v, w)
		}
	})
	for _, src := range []string{"0.25", "-3", "1e-3", "3/20", " 1 / 3 ", "-3/4", "+5", "017"} {
		if _, ok := plainNumber(src); !ok {
			t.Errorf("plainNumber(%q) refused", src)
		}
	}
	for _, src := range []string{"1/2/3", "1/-2", "0x10", "1_000", ".", "e5", "p", "1 + 2", "Inf", "NaN", "1e400"} {
		if v, ok := plainNumber(src); ok {
			t.Errorf("plainNumber(%q) = %v, want it left to the compiler", src, v)
		}
	}
}

// TestPlainNumbersNotCompiled: reading the Monte Carlo benchmark scenario
// (about 7,000 numbers) compiles not one expression.
func TestPlainNumbersNotCompiled(t *testing.T) {
	src := simbench.Scenario()
	body, err := yamlread.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	d := &diags{file: "simbench.yaml"}
	c := &compiler{ctx: context.Background(), d: d, anchors: anchorCollector{}, quantities: map[string]*quantity{}}
	ast.Walk(c.anchors, body)
	c.sc = &Scenario{File: "simbench.yaml"}
	c.compile(body)
	if d.hasErrors() {
		t.Fatalf("the benchmark scenario does not read: %v", d.list)
	}
	if n := len(c.exprCache); n != 0 {
		t.Errorf("%d expressions compiled, want none", n)
	}
}

// BenchmarkParseSimbench reads the Monte Carlo benchmark scenario (50
// states × 3 actors × 4 actions, ~7,000 plain numbers): the reading part
// of `truce simulate` on it, in CPU ms per read beside the YAML syntax
// alone (internal/yamlread's BenchmarkRead).
//
//	go test ./scenario -run '^$' -bench ParseSimbench -benchmem
func BenchmarkParseSimbench(b *testing.B) {
	src := simbench.Scenario()
	b.ReportAllocs()
	start := cputime.Now()
	for b.Loop() {
		if sc, ds := Parse("simbench.yaml", src); sc == nil {
			b.Fatal(ds)
		}
	}
	b.ReportMetric(float64(cputime.Now()-start)/1e6/float64(b.N), "cpu-ms/op")
}
