package scenarios_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
	"github.com/truce-dev/truce/sensitivity"
)

func parse(t testing.TB) *scenario.Scenario {
	t.Helper()
	sc, ds := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	if sc == nil {
		t.Fatalf("bundled scenario does not parse: %v", ds)
	}
	for _, d := range ds {
		t.Logf("warning: %s", d)
	}
	return sc
}

// TestEmbeddedMatchesFile: the binary ships the file in the tree.
func TestEmbeddedMatchesFile(t *testing.T) {
	src, err := os.ReadFile("us-iran-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, scenarios.USIran2026()) {
		t.Error("embedded scenario differs from us-iran-2026.yaml")
	}
}

// TestContract checks what issues 7 and 17 ask of the bundled scenario:
// the states, actions, components, strategies and profiles named there, a
// source of a known kind on every parameter, and a hypothesis for each
// listed claim.
func TestContract(t *testing.T) {
	sc := parse(t)
	has := func(what string, list []string, want ...string) {
		t.Helper()
		set := map[string]bool{}
		for _, x := range list {
			set[x] = true
		}
		for _, w := range want {
			if !set[w] {
				t.Errorf("%s: missing %q (have %v)", what, w, list)
			}
		}
	}
	var states, terminal, comps, profiles, hyps []string
	for _, s := range sc.States {
		states = append(states, s.ID)
		if s.Terminal {
			terminal = append(terminal, s.ID)
		}
	}
	has("states", states, "truce", "talks", "walkout", "strikes", "hormuz", "agreement", "stalemate", "peace", "war")
	has("terminal states", terminal, "war")
	for _, s := range sc.States {
		if s.ID == "agreement" && s.Terminal {
			t.Error("agreement must be able to collapse (not terminal)")
		}
	}
	for _, c := range sc.Components {
		comps = append(comps, c.ID)
		if c.ID == "symbolic" && !c.ZeroSum {
			t.Error("symbolic must be zero-sum")
		}
	}
	has("components", comps, "material", "influence", "symbolic", "domestic")
	actions := map[string][]string{}
	strategies := map[string][]string{}
	for a, act := range sc.Actors {
		actions[act.ID] = sc.Actions[a]
		for _, s := range sc.Strategies[a] {
			strategies[act.ID] = append(strategies[act.ID], s.Name)
		}
	}
	has("US actions", actions["US"], "negotiate", "withdraw", "pressure", "strike", "war", "hold")
	has("IR actions", actions["IR"], "comply", "intransigent", "concede", "hormuz", "escalate")
	has("US strategies", strategies["US"], "selective_control", "walk_away", "engage", "sanctions", "go_to_war")
	has("IR strategies", strategies["IR"], "intransigence", "compliance", "escalation")
	solved := false
	for _, p := range sc.Profiles {
		profiles = append(profiles, p.Name)
		solved = solved || p.Solve == "markov-perfect"
	}
	if !solved {
		t.Error("no profile with solve: markov-perfect")
	}
	// A source says what kind of evidence stands behind the number.
	kinds := []string{"reference-class count: ", "analyst judgement: ", "definition: ", "published estimate: ", "public dataset: "}
	for _, p := range sc.Parameters {
		src := strings.Join(strings.Fields(p.Info.Source), " ")
		ok := false
		for _, k := range kinds {
			ok = ok || (strings.HasPrefix(src, k) && len(src) > len(k)+20)
		}
		if !ok {
			t.Errorf("parameter %s: source %q does not start with one of %q and give its reasoning", p.Name, src, kinds)
		}
	}
	for _, h := range sc.Hypotheses {
		hyps = append(hyps, h.ID)
	}
	has("hypotheses", hyps, "H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9", "H10", "H11", "H12", "H13")
	if n := len(sc.States); n > 12 {
		t.Errorf("%d states; keep the bundled scenario at most 12 (the demo solves its equilibrium)", n)
	}
}

var quantityRE = regexp.MustCompile(`(reach_from|absorb_from|time_from|value_from|best_response_value|responds|credible|reach|absorb|time|value)\s*\(([^()]*)\)`)

// lookup reads a quantity call from `truce analyze --format json` output.
func lookup(t *testing.T, js map[string]any, fn string, args []string) float64 {
	t.Helper()
	profiles := js["profiles"].(map[string]any)
	num := func(x any) float64 {
		if x == nil {
			return math.NaN()
		}
		return x.(float64)
	}
	mean := func(x any) float64 { return num(x.(map[string]any)["mean"]) }
	switch fn {
	case "reach":
		n, _ := strconv.Atoi(args[1])
		p := profiles[args[2]].(map[string]any)
		return num(p["reach"].(map[string]any)[args[0]].([]any)[n])
	case "absorb", "time":
		p := profiles[args[1]].(map[string]any)
		return mean(p[fn].(map[string]any)[args[0]])
	case "value":
		p := profiles[args[1]].(map[string]any)
		v := p["value"].(map[string]any)[args[0]].(map[string]any)
		if len(args) == 3 {
			return mean(v["components"].(map[string]any)[args[2]])
		}
		return mean(v["total"])
	}
	t.Fatalf("unknown quantity %s", fn)
	return 0
}

// TestHypothesesAgainstAnalyzeJSON cross-checks every hypothesis of the
// bundled scenario against the figures of the analyze JSON: with every
// parameter at its central value, each quantity a hypothesis reads must be
// the figure the JSON reports for that profile, and re-evaluating the
// expression on those figures must give the verdict analyze printed.
func TestHypothesesAgainstAnalyzeJSON(t *testing.T) {
	sc := sensitivity.WithParams(parse(t), -1, 0, true)
	// The claims with their own draws: (a set search per draw) are not
	// what this tests: left out, as --hypothesis-draws none does.
	sc.SkipSubsampled()
	var named []string
	for _, p := range sc.Profiles {
		if p.Solve == "" {
			named = append(named, p.Name)
		}
	}
	ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Profiles: named})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ar.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var js map[string]any
	if err := json.Unmarshal(raw, &js); err != nil {
		t.Fatal(err)
	}
	env := map[string]any{}
	for _, p := range sc.Parameters {
		env[p.Name] = p.Dist.Value
	}
	checked := 0
	hyps := js["hypotheses"].([]any)
	if len(hyps) != len(sc.Hypotheses) {
		t.Fatalf("JSON has %d hypotheses, file %d", len(hyps), len(sc.Hypotheses))
	}
	for i, hx := range hyps {
		h := hx.(map[string]any)
		id, src := h["id"].(string), h["expr"].(string)
		if id != sc.Hypotheses[i].ID {
			t.Fatalf("hypothesis %d is %s in JSON, %s in the file", i, id, sc.Hypotheses[i].ID)
		}
		quants := h["quantities"].(map[string]any)
		k := 0
		rewritten := quantityRE.ReplaceAllStringFunc(src, func(call string) string {
			m := quantityRE.FindStringSubmatch(call)
			var args []string
			for _, a := range strings.Split(m[2], ",") {
				args = append(args, strings.Trim(strings.TrimSpace(a), `"`))
			}
			// Figures the profile tables hold are read there; the
			// others (from another start, best responses, credibility)
			// only from the hypothesis's own quantities.
			v := math.NaN()
			switch m[1] {
			case "reach", "absorb", "time", "value":
				v = lookup(t, js, m[1], args)
			default:
				for key, q := range quants {
					if strings.ReplaceAll(key, " ", "") == strings.ReplaceAll(call, " ", "") {
						v, _ = q.(float64)
					}
				}
			}
			// the JSON's own quantity for this call, keyed canonically
			matched := false
			for key, q := range quants {
				if strings.ReplaceAll(key, " ", "") == strings.ReplaceAll(call, " ", "") {
					matched = true
					if qv, ok := q.(float64); !ok || math.Abs(qv-v) > 1e-12*math.Max(1, math.Abs(v)) {
						t.Errorf("%s: quantity %s = %v, profile figure %v", id, key, q, v)
					}
				}
			}
			if !matched && len(quants) > 0 {
				t.Errorf("%s: the JSON lists no quantity for %s", id, call)
			}
			checked++
			name := "q" + strconv.Itoa(k)
			k++
			env[name] = v
			if m[1] == "responds" || m[1] == "credible" {
				env[name] = v == 1
			}
			return name
		})
		if k != len(quants) && len(quants) > 0 {
			// a call repeated in an expression is listed once
			distinct := map[string]bool{}
			for _, c := range quantityRE.FindAllString(src, -1) {
				distinct[strings.ReplaceAll(c, " ", "")] = true
			}
			if len(distinct) != len(quants) {
				t.Errorf("%s: %d distinct quantity calls, JSON lists %d", id, len(distinct), len(quants))
			}
		}
		out, err := expr.Eval(rewritten, env)
		if err != nil {
			t.Fatalf("%s: re-evaluating %q: %v", id, rewritten, err)
		}
		holds, _ := out.(bool)
		share := h["holds_share"].(float64)
		if (share == 1) != holds || (share == 0) == holds {
			t.Errorf("%s: expression on the JSON figures gives %v, analyze says holds_share %v", id, holds, share)
		}
		if want := scenario.Verdict(share); h["verdict"] != want {
			t.Errorf("%s: verdict %v for share %v, want %s", id, h["verdict"], share, want)
		}
	}
	if checked < 20 {
		t.Errorf("only %d quantity calls checked", checked)
	}
}

// TestAnalyzeDeterministic: the bundled scenario's figures do not depend
// on the number of workers.
func TestAnalyzeDeterministic(t *testing.T) {
	sc := parse(t)
	run := func(workers int) []byte {
		ar, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Profiles: []string{"baseline", "walkaway_intr"}, Draws: 64, Seed: 11, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		b, err := ar.JSON()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(run(1), run(3)) {
		t.Error("analysis differs between 1 and 3 workers")
	}
}

func BenchmarkAnalyzeUSIran(b *testing.B) {
	sc := parse(b)
	var named []string
	for _, p := range sc.Profiles {
		if p.Solve == "" {
			named = append(named, p.Name)
		}
	}
	for b.Loop() {
		if _, err := scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Profiles: named, Draws: 100, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleUSIran2026() {
	sc, _ := scenario.Parse(scenarios.USIran2026Name, scenarios.USIran2026())
	fmt.Println(sc.Name, len(sc.States), "states,", len(sc.Hypotheses), "hypotheses, a clock to step", sc.Clock)
	// Output: us-iran-2026 9 states, 17 hypotheses, a clock to step 30
}
