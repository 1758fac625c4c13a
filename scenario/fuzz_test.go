package scenario

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/hostile"
)

// checkNoCrash parses src and checks the invariants every input must keep:
// no internal error (a recovered panic), and a scenario that parses builds
// a valid markov.Game at its central draw.
func checkNoCrash(t *testing.T, src []byte) {
	sc, ds := Parse("fuzz.yaml", src)
	for _, d := range ds {
		if strings.Contains(d.Msg, "internal error") || strings.Contains(d.Msg, "cannot parse expression") || strings.Contains(d.Msg, "cannot compile expression") || strings.Contains(d.Msg, "cannot read expression") {
			t.Fatalf("panic inside the parser: %s", d)
		}
		if d.Line < 1 || d.Col < 1 {
			t.Fatalf("diagnostic without position: %s", d)
		}
	}
	if sc == nil {
		return
	}
	g, _, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatalf("valid scenario fails to build at its central draw: %v", err)
	}
	if err := g.Validate(); err != nil {
		t.Fatalf("valid scenario builds an invalid game: %v", err)
	}
	if sc.Observed() {
		if _, err := sc.Emissions(sc.Central()); err != nil {
			t.Fatalf("valid observation model fails at its central draw: %v", err)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../examples/*.yaml")
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range append(files, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(base))
	f.Add([]byte("truce: 1\nhorizon: 3\ndiscount: 0.5\nactors: [{id: A}]\nstates: [a, {id: b, terminal: true}]\ntransitions: [{to: {b: 0.5}}]\n"))
	// The limits of the hardening issue: nesting, numbers, a BOM.
	f.Add(hostile.NestedYAML(150))
	f.Add(hostile.NestedFlowYAML(150))
	for _, v := range []string{"1e-3", ".inf", "-.inf", ".nan", "1.0e-17", "1e300", "9223372036854775807", "99999999999999999999", "0x10", "1_000",
		`"9223372036854775807 * 9223372036854775807"`, `"-10000000000 * 10000000000"`, `"7 % 0"`, "3/0", "-0"} {
		f.Add([]byte("\uFEFFtruce: 1\nhorizon: 3\ndiscount: 0.5\nactors: [{id: A, weights: {w: " + v + "}}]\nparameters: {p: {value: " + v + "}}\nstates: [a, {id: b, terminal: true}]\ntransitions: [{to: {b: " + v + "}}]\npayoffs: [{A: {w: " + v + "}}]\n"))
	}
	// Commas inside {...} that cut an expression (mended and reported
	// once), and YAML that the reader of go.yaml.in/yaml/v4 treats in its
	// own way (complex keys, tags, anchors on keys, block scalars).
	for _, v := range []string{"{b: max(0.1, 0.2)}", "{b: min(0.5, max(0.1, 0.2)), a: 0.1}", "{b: max(0.1, 0.2}", "{b: (0.1, 0.2))}", "{b: max(0.1,, 0.2)}"} {
		f.Add([]byte("truce: 1\nhorizon: 3\ndiscount: 0.5\nactors: [{id: A}]\nstates: [a, {id: b, terminal: true}]\ntransitions: [{to: " + v + "}]\n"))
	}
	f.Add([]byte("truce: 1\nhorizon: !!int 3\ndiscount: !!str 0.5\n? [x]\n: 1\n&k actors: [{id: A}]\nstates: |\n  a\n"))
	// Families and the clock.
	f.Add([]byte("truce: 1\nhorizon: 5\ndiscount: 0.5\nactors: [{id: A}]\nclock: {d: 2}\nstates: [{id: \"s[0..3]\", terminal: i == 3}]\ntransitions: [{from: \"s[i]\", when: {step: \">= d\"}, to: {\"s[i+1]\": \"0.1 * i + 0.01 * step\"}}]\n"))
	f.Add([]byte("truce: 1\nhorizon: 5\ndiscount: 1\nactors: [{id: A}]\nstates: [{id: \"s[0..2]\"}, {id: e, terminal: true}]\ntransitions: [{from: \"s[0..1]\", to: {\"s[i-1]\": 0.5, \"s[min(i+1,2)]\": 0.2}}]\nhypotheses: [{id: H, claim: c, expr: 'value_by(\"A\", 3, \"default\") < share(\"e\", \"default\")'}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkNoCrash(t, src)
	})
}

// FuzzExpr puts arbitrary text where expressions go: a transition
// probability, a payoff and a hypothesis.
func FuzzExpr(f *testing.F) {
	for _, s := range []string{"p", "1 - p", "3/20", "max(0, p - 2)", "clamp(p, 0, 1)", "p > 0.2 ? 0.1 : 0.2",
		"if p > 0.1 { 0.2 } else { 0.3 }", `reach("war", 5, "base") < 0.5`, `value("US", "base", "payoff") > 0`,
		"1/0", "p ** 2", "abs(-p)", "round(p*10)/10", "let x = p; x", "p.x", "[p][0]", "nil", `"s"`, "p ?? 1", "sqrt(p)",
		"pow(p, 2)", "log(p)", "exp(-p)", "floor(p)", "ceil(p) / 2", "-p + 1", "not true", "p in [1, 2]", "#",
		"9223372036854775807 * 9223372036854775807", "-10000000000 * 10000000000", "7 % 2", "p % 0", "1e-17", "3/20", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, x string) {
		q, err := json.Marshal(x)
		if err != nil {
			return
		}
		src := strings.Replace(base, "to: {war: p}", "to: {war: "+string(q)+"}", 1)
		src = strings.Replace(src, "{payoff: -5}", "{payoff: "+string(q)+"}", 1)
		checkNoCrash(t, []byte(src))
		hyp := strings.Replace(base, `'absorb("war", "base") < 0.5'`, string(q), 1)
		checkNoCrash(t, []byte(hyp))
	})
}
