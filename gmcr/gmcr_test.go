package gmcr_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/conflictfile"
)

// load reads a bundled conflict.
func load(t testing.TB, path string) *conflictfile.File {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, ds := conflictfile.Parse(context.Background(), filepath.Base(path), src)
	if f == nil {
		t.Fatalf("%s: %v", path, ds)
	}
	return f
}

func analyze(t testing.TB, c *gmcr.Conflict, mode gmcr.Sanctions) *gmcr.Result {
	t.Helper()
	r, err := gmcr.Analyze(context.Background(), c, mode)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func codes(c *gmcr.Conflict, states []int) []uint64 {
	out := []uint64{}
	for _, s := range states {
		out = append(out, c.Codes[s])
	}
	return out
}

// readExpected reads "key: values" lines of a testdata file.
func readExpected(t *testing.T, path string) map[string]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s: bad line %q", path, line)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

func parseCodes(t *testing.T, s string) []uint64 {
	t.Helper()
	var out []uint64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// The prisoner's dilemma by hand: defection is the only Nash equilibrium;
// mutual cooperation is GMR-, SMR- and SEQ-stable for both, since either
// prisoner's defection is answered by the other's, which leaves the
// defector worse off than under mutual cooperation.
func TestPrisonersDilemma(t *testing.T) {
	f := load(t, "../examples/gmcr/prisoners.yaml")
	c := f.Conflict
	for _, mode := range []gmcr.Sanctions{gmcr.Sequences, gmcr.SingleMoves} {
		r := analyze(t, c, mode)
		want := map[gmcr.Concept][]uint64{gmcr.Nash: {0}, gmcr.GMR: {0, 3}, gmcr.SMR: {0, 3}, gmcr.SEQ: {0, 3}}
		for k, w := range want {
			if got := codes(c, r.Equilibria(k)); !slices.Equal(got, w) {
				t.Errorf("%s %s equilibria: got %v, want %v", mode, k, got, w)
			}
		}
		// Unilateral defection from mutual cooperation: A moves 3 -> 2.
		s3, _ := c.StateOf(3)
		why, err := r.Explain(context.Background(), gmcr.GMR, 0, s3)
		if err != nil {
			t.Fatal(err)
		}
		if len(why.Answers) != 1 || c.Codes[why.Answers[0].To] != 2 {
			t.Fatalf("A's improvements from 3: %+v", why.Answers)
		}
		sanc := why.Answers[0].Sanction
		if len(sanc) != 1 || sanc[0].DM != 1 || c.Codes[sanc[0].To] != 0 {
			t.Errorf("A's defection should be sanctioned by B's move to 0, got %+v", sanc)
		}
	}
}

// The Elmira conflict reproduces the published equilibria state by state
// and concept by concept (testdata/elmira-published.txt).
func TestElmiraPublished(t *testing.T) {
	f := load(t, "../examples/gmcr/elmira.yaml")
	c := f.Conflict
	exp := readExpected(t, "testdata/elmira-published.txt")
	published := map[string][]uint64{}
	for _, kv := range strings.Fields(exp["map"]) {
		num, list, _ := strings.Cut(kv, "=")
		for _, x := range strings.Split(list, ",") {
			v, _ := strconv.ParseUint(x, 10, 64)
			published[num] = append(published[num], v)
		}
	}
	if len(c.Codes) != 12 {
		t.Fatalf("%d feasible states, want 12 (the published 9 with state 9 as four)", len(c.Codes))
	}
	for _, mode := range []gmcr.Sanctions{gmcr.Sequences, gmcr.SingleMoves} {
		r := analyze(t, c, mode)
		for _, k := range gmcr.Concepts {
			eq := map[uint64]bool{}
			for _, s := range r.Equilibria(k) {
				eq[c.Codes[s]] = true
			}
			wantEq := map[string]bool{}
			for _, n := range strings.Fields(exp[k.String()]) {
				wantEq[n] = true
			}
			for num := 1; num <= 9; num++ {
				key := strconv.Itoa(num)
				for _, code := range published[key] {
					if eq[code] != wantEq[key] {
						t.Errorf("%s %s: published state %s (code %d) equilibrium %v, want %v", mode, k, key, code, eq[code], wantEq[key])
					}
				}
			}
		}
	}
}

// Garrison with single-move sanctions reproduces gmcr-py's stored results,
// which predate its change to sanctions by several opponents in sequence.
func TestGarrisonSingleMoveSanctions(t *testing.T) {
	f := load(t, "../examples/gmcr/garrison.yaml")
	c := f.Conflict
	if len(c.Codes) != 23 {
		t.Fatalf("%d feasible states, want 23", len(c.Codes))
	}
	exp := readExpected(t, "testdata/garrison-gmcrpy.txt")
	r := analyze(t, c, gmcr.SingleMoves)
	for _, k := range gmcr.Concepts {
		if got, want := codes(c, r.Equilibria(k)), parseCodes(t, exp[k.String()]); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", k, got, want)
		}
	}
}

// Garrison against gmcr-py after its 2016 change (testdata/README.md): a
// sanction by several opponents in turn, each moving at most once. Every
// equilibrium it finds is one under legal sequences, and every state that
// legal sequences add has an improvement whose shortest sanction needs an
// opponent to move twice, which gmcr-py 2016 does not allow.
func TestGarrisonGmcrPy2016(t *testing.T) {
	f := load(t, "../examples/gmcr/garrison.yaml")
	c := f.Conflict
	exp := readExpected(t, "testdata/garrison-gmcrpy-2016.txt")
	r := analyze(t, c, gmcr.Sequences)
	extras := map[string][]uint64{}
	for _, k := range gmcr.Concepts {
		got := codes(c, r.Equilibria(k))
		want := parseCodes(t, exp[k.String()])
		for _, code := range want {
			if !slices.Contains(got, code) {
				t.Errorf("%s: gmcr-py 2016 equilibrium %d is not one under legal sequences", k, code)
			}
		}
		for _, code := range got {
			if slices.Contains(want, code) {
				continue
			}
			extras[k.String()] = append(extras[k.String()], code)
			s, _ := c.StateOf(code)
			repeat := false
			for d := range c.DMs {
				why, err := r.Explain(context.Background(), k, d, s)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range why.Answers {
					seen := map[int]bool{}
					for _, m := range a.Sanction {
						repeat = repeat || seen[m.DM]
						seen[m.DM] = true
					}
				}
			}
			if !repeat {
				t.Errorf("%s: state %d is an equilibrium only under legal sequences, but no sanction has an opponent moving twice", k, code)
			}
		}
	}
	// The one state the definitions disagree on (testdata/README.md).
	for _, k := range []string{"gmr", "smr"} {
		if !slices.Equal(extras[k], []uint64{52}) {
			t.Errorf("%s: equilibria beyond gmcr-py 2016 %v, want [52]", k, extras[k])
		}
	}
}

// Garrison with the literature's sanctions (legal sequences by the other
// three): more sanctions exist, so every single-move equilibrium stays one,
// and the difference is exactly the states whose GMR sanctions need two
// opponents in turn (checked move by move by Explain).
func TestGarrisonSequenceSanctions(t *testing.T) {
	f := load(t, "../examples/gmcr/garrison.yaml")
	c := f.Conflict
	seq := analyze(t, c, gmcr.Sequences)
	single := analyze(t, c, gmcr.SingleMoves)
	for _, k := range gmcr.Concepts {
		for s := range c.Codes {
			for d := range c.DMs {
				if single.Stable(k, d, s) && !seq.Stable(k, d, s) {
					t.Errorf("%s: state %d stable for %s with single moves but not with sequences", k, c.Codes[s], c.DMs[d].ID)
				}
				if seq.Stable(k, d, s) && !single.Stable(k, d, s) {
					why, err := seq.Explain(context.Background(), k, d, s)
					if err != nil {
						t.Fatal(err)
					}
					long := false
					for _, a := range why.Answers {
						long = long || len(a.Sanction) > 1
					}
					if !long {
						t.Errorf("%s: state %d for %s needs sequences but every sanction is one move", k, c.Codes[s], c.DMs[d].ID)
					}
				}
			}
		}
	}
	// The analysis itself against the definitions, enumerated directly.
	checkAgainstReference(t, c, seq)
}
