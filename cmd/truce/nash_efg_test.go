package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const efgRef = "../../nash/testdata/efg/"

func TestNashEFGGambitFormatMatchesGambit(t *testing.T) {
	for _, name := range []string{"artist2.efg", "e04.efg", "cent2.efg", "km6.efg"} {
		want, err := os.ReadFile(efgRef + "gambit-outputs/" + name + ".lcp.out")
		if err != nil {
			t.Fatal(err)
		}
		out, errs, code := runTruce(t, "", "nash", efgRef+"gambit-games/"+name, "--method", "lcp", "--rational", "--format", "gambit")
		if code != 0 || out != string(want) {
			t.Errorf("%s: exit %d, stderr %q\ngot  %q\nwant %q", name, code, errs, out, want)
		}
		want, _ = os.ReadFile(efgRef + "gambit-outputs/" + name + ".enumpure.out")
		out, _, _ = runTruce(t, "", "nash", efgRef+"gambit-games/"+name, "--method", "enumpure", "--format", "gambit")
		if strings.Join(sortedLines(out), "\n") != strings.Join(sortedLines(string(want)), "\n") {
			t.Errorf("%s enumpure:\ngot  %q\nwant %q", name, out, want)
		}
	}
}

func TestNashEFGMethodsAndJSON(t *testing.T) {
	dir := t.TempDir()
	kuhn := filepath.Join(dir, "kuhn.efg")
	if _, errs, code := runTruce(t, "", "gen", "kuhn", "-o", kuhn); code != 0 {
		t.Fatalf("gen: %s", errs)
	}
	for _, m := range []string{"lcp", "lp", "spe", "enumpure", "cfr", "dcfr", "reduced-lcp"} {
		out, errs, code := runTruce(t, "", "nash", kuhn, "--method", m, "--iterations", "3000", "--format", "json")
		if code != 0 {
			t.Errorf("%s: exit %d: %s", m, code, errs)
			continue
		}
		var res struct {
			Method     string
			Equilibria []struct {
				Profile [][]float64
				Regret  float64
			}
			Game struct {
				Infosets [][]struct{ Actions []string }
			}
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v\n%s", m, err, out)
		}
		if m == "enumpure" {
			if len(res.Equilibria) != 0 {
				t.Errorf("Kuhn poker has no pure equilibrium, enumpure found %d", len(res.Equilibria))
			}
			continue
		}
		if len(res.Equilibria) == 0 || len(res.Game.Infosets) != 2 || len(res.Game.Infosets[0]) != 6 {
			t.Fatalf("%s: %d equilibria, infosets %v", m, len(res.Equilibria), res.Game.Infosets)
		}
		limit := 1e-9
		if m == "cfr" || m == "dcfr" {
			limit = 2e-3 // an approximation: its regret is its certificate
		}
		for _, eq := range res.Equilibria {
			if eq.Regret > limit || len(eq.Profile[0]) != 12 {
				t.Errorf("%s: regret %g, profile %v", m, eq.Regret, eq.Profile)
			}
		}
	}
}

// Strategic-form methods run on the reduced form; profiles come back in
// behaviour form (Gambit's order) with the tree's certificate.
func TestNashEFGReducedMethod(t *testing.T) {
	out, errs, code := runTruce(t, "", "nash", efgRef+"gambit-games/e04.efg", "--method", "enummixed", "--rational", "--format", "gambit")
	if code != 0 {
		t.Fatal(errs)
	}
	// e04's extreme equilibria, as Gambit's enummixed lists them for e04.nfg
	want := "NE,0,0,1,0,1\nNE,1,0,0,1,0\nNE,1,0,0,3/5,2/5\n"
	if strings.Join(sortedLines(out), "\n")+"\n" != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestNashEFGErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.efg")
	os.WriteFile(bad, []byte("EFG 2 R \"g\" { \"A\" \"B\" } \"\"\np \"\" 3 1 \"i\" { \"a\" } 0\n"), 0o644)
	_, errs, code := runTruce(t, "", "nash", bad)
	if code != 1 || !strings.Contains(errs, bad+":2:6: player 3 does not exist") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	_, errs, code = runTruce(t, "", "nash", efgRef+"gambit-games/myerson.efg", "--method", "lcp")
	if code != 1 || !strings.Contains(errs, "imperfect recall") {
		t.Errorf("imperfect recall: exit %d, stderr %q", code, errs)
	}
	_, errs, code = runTruce(t, "", "nash", efgRef+"gambit-games/e04.efg", "--method", "nosuch")
	if code != 1 || !strings.Contains(errs, "reduced-enummixed") {
		t.Errorf("unknown method: exit %d, stderr %q", code, errs)
	}
}

func TestConvertEFGToNFG(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "e04.nfg")
	if _, errs, code := runTruce(t, "", "convert", efgRef+"gambit-games/e04.efg", out); code != 0 {
		t.Fatal(errs)
	}
	got, _ := os.ReadFile(out)
	// e04: player 1 has 3 strategies, player 2 has 2
	if !strings.Contains(string(got), `{ "1" "2" "3" }`) || !strings.Contains(string(got), "3 -1") {
		t.Errorf("reduced form:\n%s", got)
	}
	// the reduced form's pure equilibria are the tree's
	res, _, code := runTruce(t, "", "nash", out, "--method", "enumpure", "--format", "gambit")
	if code != 0 || strings.Count(res, "NE,") != 2 {
		t.Errorf("enumpure on the reduced form: %q", res)
	}
}

func TestGenThreat(t *testing.T) {
	for _, tc := range []struct {
		audience, fight string
		carry           bool
	}{{"2", "1", true}, {"1/2", "1", false}, {"3", "2.5", true}} {
		out, errs, code := runTruce(t, "", "gen", "threat", "--audience-cost", tc.audience, "--fight-cost", tc.fight)
		if code != 0 {
			t.Fatal(errs)
		}
		f := filepath.Join(t.TempDir(), "threat.efg")
		os.WriteFile(f, []byte(out), 0o644)
		res, errs, code := runTruce(t, "", "nash", f, "--method", "spe", "--format", "gambit")
		if code != 0 {
			t.Fatal(errs)
		}
		// NE,<status quo>,<threaten>,<back down>,<carry out>,<comply>,<defy>
		fields := strings.Split(strings.TrimSpace(res), ",")
		if carry := fields[4] == "1"; carry != tc.carry {
			t.Errorf("audience %s fight %s: %s", tc.audience, tc.fight, res)
		}
	}
	if _, errs, code := runTruce(t, "", "gen", "threat", "--audience-cost", "x"); code != 1 || !strings.Contains(errs, "not a number") {
		t.Errorf("bad number: %d %q", code, errs)
	}
}
