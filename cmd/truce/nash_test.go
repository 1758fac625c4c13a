package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/nashcli"
)

// runTruce runs the command tree with args and returns stdout, stderr and
// the exit code main would use.
func runTruce(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := execute(t.Context(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

const nashRef = "../../nash/testdata/gambit/"

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(lines)
	return lines
}

func TestNashGambitFormatMatchesGambit(t *testing.T) {
	for _, tt := range []struct{ game, method string }{
		{"e04.nfg", "lcp"},
		{"8x8.nfg", "lcp"},
		{"_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg", "lcp"},
		{"2x2x2.nfg", "enumpure"},
		{"coord333.nfg", "enumpure"},
	} {
		args := []string{"nash", nashRef + tt.game, "--method", tt.method, "--format", "gambit"}
		if tt.method == "lcp" {
			args = append(args, "--all", "--rational")
		}
		out, errs, code := runTruce(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		want, err := os.ReadFile(nashRef + tt.game + "." + tt.method + ".out")
		if err != nil {
			t.Fatal(err)
		}
		// Gambit lists a profile once per basis; compare distinct lines
		uniq := func(ls []string) string {
			var u []string
			for i, l := range ls {
				if i == 0 || l != ls[i-1] {
					u = append(u, l)
				}
			}
			return strings.Join(u, "\n")
		}
		if g, w := uniq(sortedLines(out)), uniq(sortedLines(string(want))); g != w {
			t.Errorf("%s %s:\n got\n%s\n want\n%s", tt.game, tt.method, g, w)
		}
	}
}

func TestNashJSON(t *testing.T) {
	out, errs, code := runTruce(t, "", "nash", nashRef+"e04.nfg", "--method", "lcp", "--all", "--rational", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Method     string
		Complete   bool
		Stats      map[string]float64
		Game       struct{ Players []string }
		Equilibria []struct {
			Profile [][]float64
			Exact   [][]string
			Regret  *float64
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Method != "lcp" || !doc.Complete || doc.Stats["pivots"] <= 0 || len(doc.Game.Players) != 2 {
		t.Fatalf("unexpected header: %+v", doc)
	}
	if len(doc.Equilibria) != 3 {
		t.Fatalf("%d equilibria, want 3", len(doc.Equilibria))
	}
	found := false
	for _, eq := range doc.Equilibria {
		if eq.Regret == nil || *eq.Regret != 0 {
			t.Fatalf("regret missing or nonzero: %+v", eq)
		}
		if strings.Join(eq.Exact[1], ",") == "3/5,2/5" && eq.Profile[1][0] == 0.6 {
			found = true
		}
	}
	if !found {
		t.Fatalf("mixed equilibrium (3/5, 2/5) missing: %s", out)
	}
}

func TestNashTextAndDefaults(t *testing.T) {
	out, errs, code := runTruce(t, "", "nash", nashRef+"e04.nfg", "--method", "lcp", "--rational")
	if code != 0 {
		t.Fatal(errs)
	}
	if !strings.Contains(out, "method lcp (exact): 1 equilibrium, complete") || !strings.Contains(out, "Player 1") {
		t.Fatalf("text output:\n%s", out)
	}
	g, err := nashcli.LoadGame(context.Background(), nashRef+"e04.nfg", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := nashcli.DefaultMethod(g, nashcli.Methods()); m != "enummixed" {
		t.Fatalf("default for a 3x2 game: %s", m)
	}
	big, err := nashcli.LoadGame(context.Background(), "../../nash/testdata/bench/rand_20x20_s2020.nfg", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := nashcli.DefaultMethod(big, nashcli.Methods()); m != "lcp" {
		t.Fatalf("default for a 20x20 game: %s", m)
	}
	three, _ := nashcli.LoadGame(context.Background(), nashRef+"2x2x2.nfg", nil)
	if m := nashcli.DefaultMethod(three, map[string]nashcli.Method{"enumpure": nil, "lcp": nil}); m != "enumpure" {
		t.Fatalf("fallback for 3 players: %s", m)
	}
}

func TestNashErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.nfg")
	if err := os.WriteFile(bad, []byte("NFG 1 R \"x\" { \"a\" \"b\" } { 2 2 }\n1 2 x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nash", bad}, bad + ":2:5: expected payoff 3 of 8 (a number), found \"x\""},
		{[]string{"nash", nashRef + "pd.nfg", "--method", "lp"}, "not constant-sum"},
		{[]string{"nash", nashRef + "2x2x2.nfg", "--method", "lcp"}, "needs a 2-player game"},
		{[]string{"nash", filepath.Join(dir, "missing.nfg")}, "no such file"},
	}
	for _, tt := range tests {
		_, errs, code := runTruce(t, "", tt.args...)
		if code != 1 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 1 and %q", tt.args, code, errs, tt.want)
		}
	}
	// A bad flag value is a usage error: exit 2, naming the flag.
	_, errs, code := runTruce(t, "", "nash", nashRef+"pd.nfg", "--format", "xml")
	if code != 2 || !strings.Contains(errs, `invalid argument "xml" for "--format" flag: want text, gambit or json`) {
		t.Errorf("--format xml: exit %d, stderr %q", code, errs)
	}
	_, errs, code = runTruce(t, "", "nash", nashRef+"pd.nfg", "--method", "nope")
	if code != 2 || !strings.Contains(errs, `unknown method "nope"`) {
		t.Errorf("--method nope: exit %d, stderr %q", code, errs)
	}
}

// A run that hits --timeout prints what it found, says on stderr that the
// list is incomplete, and exits 124, for games and trees alike.
func TestNashTimeoutPrintsWhatItHas(t *testing.T) {
	for _, args := range [][]string{
		{"nash", "../../nash/testdata/bench/rand_20x20_s2020.nfg", "--method", "lcp", "--all"},
		{"nash", efgRef + "gambit-games/artist2.efg", "--method", "lcp", "--rational"},
	} {
		args = append(args, "--timeout", "1ns", "--format", "gambit")
		out, errs, code := runTruce(t, "", args...)
		if code != codeTimeLimit {
			t.Fatalf("%v: exit %d after a timeout, want %d: %s", args, code, codeTimeLimit, errs)
		}
		if !strings.Contains(errs, "time limit of 1ns reached (--timeout); incomplete: the 0 equilibria above are those found in") ||
			strings.Contains(errs, "cancel") || strings.Contains(errs, " complete") {
			t.Fatalf("%v: stderr %q lacks the incomplete note (stdout %q)", args, errs, out)
		}
	}
}

func TestConvertRoundTrip(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "g.json")
	nfg := filepath.Join(dir, "g.nfg")
	src := nashRef + "_test_games_coordination_4x4_outcome.nfg"
	if _, errs, code := runTruce(t, "", "convert", src, js); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := runTruce(t, "", "convert", js, nfg); code != 0 {
		t.Fatal(errs)
	}
	a, err := nashcli.LoadGame(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nashcli.LoadGame(context.Background(), nfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Payoffs {
		if a.Exact()[i].Cmp(b.Exact()[i]) != 0 {
			t.Fatalf("payoff %d: %v became %v", i, a.Exact()[i], b.Exact()[i])
		}
	}
	if strings.Join(a.Strategies[1], ",") != strings.Join(b.Strategies[1], ",") || a.Title != b.Title {
		t.Fatalf("labels changed")
	}
	// stdin to stdout
	in, _ := os.ReadFile(js)
	out, errs, code := runTruce(t, string(in), "convert", "-", "-", "--to", "nfg")
	if code != 0 || !strings.HasPrefix(out, "NFG 1 R \"2-player 4x4 coordination game (outcome version)\"") {
		t.Fatalf("stdin->stdout: exit %d %s\n%s", code, errs, out)
	}
	if _, errs, code := runTruce(t, "", "convert", src, "-"); code != codeUsage || !strings.Contains(errs, "--to") {
		t.Fatalf("stdout without --to: exit %d %q", code, errs)
	}
	if _, errs, code := runTruce(t, "", "convert", src, filepath.Join(dir, "x.txt")); code != 1 || !strings.Contains(errs, "cannot write") {
		t.Fatalf("unknown output format: exit %d %q", code, errs)
	}
}

// TestNashOutputIdenticalToGambit: on every reference game, `truce nash
// --format gambit` prints byte for byte what gambit-enumpure and
// gambit-lcp printed (same equilibria, same order, same repeats).
func TestNashOutputIdenticalToGambit(t *testing.T) {
	games, _ := filepath.Glob(nashRef + "*.nfg")
	checked := 0
	for _, g := range games {
		for _, method := range []string{"enumpure", "lcp"} {
			want, err := os.ReadFile(g + "." + method + ".out")
			if err != nil {
				continue
			}
			args := []string{"nash", g, "--method", method, "--format", "gambit"}
			if method == "lcp" {
				args = append(args, "--all", "--rational")
			}
			out, errs, code := runTruce(t, "", args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, errs)
			}
			if out != string(want) {
				t.Errorf("%s %s:\n got\n%s want\n%s", filepath.Base(g), method, out, want)
			}
			checked++
		}
	}
	if checked < 90 {
		t.Fatalf("only %d outputs compared", checked)
	}
}
