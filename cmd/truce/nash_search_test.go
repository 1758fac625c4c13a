package main

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const gnmRef = "../../nash/testdata/gnm/"

// TestNashGNMFromGambitsVector: truce nash --method gnm --points on the
// vector gambit-gnm drew prints gambit-gnm's NE lines (2-player game: the
// same path, the same equilibria, the same order once Gambit's repeats are
// dropped). Gambit's mixed equilibrium is off by up to 5e-10 (truce's
// agrees with the exact one enummixed --rational gives, 16883/340316 =
// 0.04960977444 where Gambit prints 0.0496097749), hence the 1e-8.
func TestNashGNMFromGambitsVector(t *testing.T) {
	out, errs, code := runTruce(t, "", "nash", nashRef+"8x8.nfg", "--method", "gnm", "--points", gnmRef+"8x8.2.pert", "--format", "gambit", "--decimals", "10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	ref := readText(t, gnmRef+"8x8.2.gnm.out")
	got := parseNELines(t, out)
	want := parseNELines(t, ref)
	var distinct [][]float64
	for _, w := range want {
		dup := false
		for _, d := range distinct {
			dup = dup || closeVec(d, w, 1e-9)
		}
		if !dup {
			distinct = append(distinct, w)
		}
	}
	if len(got) != len(distinct) {
		t.Fatalf("%d NE lines, Gambit %d distinct:\n%s\n%s", len(got), len(distinct), out, ref)
	}
	for i := range got {
		if !closeVec(got[i], distinct[i], 1e-8) {
			t.Errorf("NE %d: %v, Gambit %v", i+1, got[i], distinct[i])
		}
	}
}

// TestNashSearchFlags: the seed is printed and reproduces the run; the
// flags are refused where they mean nothing, and bad files are named.
func TestNashSearchFlags(t *testing.T) {
	game := nashRef + "2x2x2.nfg"
	a, _, code := runTruce(t, "", "nash", game, "--method", "liap", "--seed", "9", "--starts", "4")
	if code != 0 || !strings.Contains(a, "seed 9") || !strings.Contains(a, "starts 4") {
		t.Fatalf("exit %d:\n%s", code, a)
	}
	if !strings.Contains(a, "selection: the equilibria reached by minimising the Lyapunov function from 4 starting points (random ones, seed 9); other equilibria may exist") {
		t.Errorf("no selection line:\n%s", a)
	}
	b, _, _ := runTruce(t, "", "nash", game, "--method", "liap", "--seed", "9", "--starts", "4")
	if stripTiming(a) != stripTiming(b) {
		t.Errorf("same seed, different output:\n%s\n%s", a, b)
	}
	v, errs, code := runTruce(t, "", "nash", game, "--method", "gnm", "--format", "gambit", "--verbose")
	if code != 0 || !strings.HasPrefix(v, "pert,") || !strings.Contains(v, "\nstart,") || !strings.Contains(v, "\nNE,") {
		t.Errorf("--verbose: exit %d %s:\n%s", code, errs, v)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--method", "lcp", "--starts", "3"}, 2, "--starts: only for --method gnm, ipa or liap"},
		{[]string{"--method", "gnm", "--starts", "3", "--points", gnmRef + "2x2x2.1.pert"}, 2, "exclude each other"},
		{[]string{"--method", "gnm", "--verbose"}, 2, "use it with --format gambit"},
		{[]string{"--method", "gnm", "--lambda-end", "5"}, 2, "out of range"},
		{[]string{"--method", "gnm", "--points", gnmRef + "8x8.1.pert"}, 1, "8x8.1.pert:1: perturbation vector has 16 numbers, the game has 6 strategies (2+2+2)"},
		{[]string{"--method", "liap", "--points", "no-such-file"}, 1, "no-such-file"},
	} {
		_, errs, code := runTruce(t, "", append([]string{"nash", game}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parseNELines reads the NE lines of Gambit-format output.
func parseNELines(t *testing.T, s string) [][]float64 {
	t.Helper()
	var out [][]float64
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "NE,") {
			continue
		}
		var v []float64
		for _, f := range strings.Split(line[3:], ",") {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			v = append(v, x)
		}
		out = append(out, v)
	}
	return out
}

func closeVec(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// stripTiming drops the elapsed time from the summary line.
func stripTiming(s string) string {
	return regexp.MustCompile(`, [0-9.]+(µs|ms|s)\n`).ReplaceAllString(s, "\n")
}

// TestNashGNMTreeLoop: on a tree, gnm runs on the reduced strategic form
// with the search flags (seed, starts) applied; that form is degenerate,
// and a path that comes back to where it was is stopped at once and said
// to be incomplete, instead of going round its loop to the step limit.
// (Which of the degenerate paths loops depends on the path follower's
// steps: seed 5's second path looped until the cubic predictor and the
// chord iterations, and now stops where a change of support cannot be
// landed on; seed 8's first looped with those and is complete with the
// landings' midpoint check; seed 2's first loops now.)
func TestNashGNMTreeLoop(t *testing.T) {
	out, errs, code := runTruce(t, "", "nash", "../../nash/testdata/efg/gambit-games/2s2x2x2.efg", "--method", "gnm", "--starts", "3", "--seed", "2", "--timeout", "60s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "paths 3, seed 2") {
		t.Errorf("search flags not applied to the tree:\n%s", out)
	}
	if !strings.Contains(errs, "the path came back to a point it had passed") || strings.Contains(errs, "step limit") {
		t.Errorf("stderr: %s", errs)
	}
}

// TestNashIPAFromGambitsVector: truce nash --method ipa --points on a
// vector gambit-ipa was given prints gambit-ipa's equilibrium (truce's is
// polished to an exact one, Gambit's is within its 1e-6 stopping rule),
// with the selection line saying how it was found; --verbose prints the
// iterates as gambit-ipa -V does.
func TestNashIPAFromGambitsVector(t *testing.T) {
	for _, base := range []string{"3x3x3.1", "g3.2", "rand_5x5x5_s3005.3"} {
		game := nashRef + strings.TrimSuffix(base, base[strings.LastIndex(base, "."):]) + ".nfg"
		if strings.HasPrefix(base, "rand_") {
			game = "../../nash/testdata/bench/" + strings.TrimSuffix(base, ".3") + ".nfg"
		}
		out, errs, code := runTruce(t, "", "nash", game, "--method", "ipa", "--points", gnmRef+base+".pert", "--format", "gambit", "--decimals", "10")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", base, code, errs)
		}
		got := parseNELines(t, out)
		want := parseNELines(t, readText(t, gnmRef+base+".ipa.out"))
		if len(got) != 1 || !closeVec(got[0], want[0], 1e-5) {
			t.Errorf("%s: %v, Gambit %v", base, got, want)
		}
	}
	txt, _, code := runTruce(t, "", "nash", nashRef+"2x2x2.nfg", "--method", "ipa", "--seed", "4", "--starts", "2")
	if code != 0 || !strings.Contains(txt, "selection: the equilibria reached by iterated polymatrix approximation from 2 perturbation vectors (random ones, seed 4), one per vector; other equilibria may exist") {
		t.Errorf("exit %d:\n%s", code, txt)
	}
	v, errs, code := runTruce(t, "", "nash", nashRef+"2x2x2.nfg", "--method", "ipa", "--format", "gambit", "--verbose")
	if code != 0 || !strings.HasPrefix(v, "iter-1,") || !strings.Contains(v, "\nNE,") {
		t.Errorf("--verbose: exit %d %s:\n%s", code, errs, v)
	}
	tree, errs, code := runTruce(t, "", "nash", "../../nash/testdata/efg/gambit-games/artist2.efg", "--method", "ipa")
	if code != 0 || !strings.Contains(tree, "selection: the equilibria reached by iterated polymatrix approximation from 1 perturbation vector (random ones, seed 1), one per vector; other equilibria may exist (on the reduced strategic form)") {
		t.Errorf("tree: exit %d %s:\n%s", code, errs, tree)
	}
	_, errs, code = runTruce(t, "", "nash", nashRef+"2x2x2.nfg", "--method", "ipa", "--lambda-end", "-3")
	if code != 2 || !strings.Contains(errs, "--lambda-end: only for --method gnm") {
		t.Errorf("--lambda-end with ipa: exit %d, %q", code, errs)
	}
}
