package scenario

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestLadderFamilyEqualsWrittenOut: the ladder written as a family and
// the same ladder with every state and rule written by hand build the
// same games and profiles on every draw and give byte-identical analyses.
func TestLadderFamilyEqualsWrittenOut(t *testing.T) {
	fam := loadFile(t, "testdata/ladder.yaml")
	out := loadFile(t, "testdata/ladder-written-out.yaml")
	if len(fam.States) != 6 || fam.States[0].ID != "ladder[0]" || !fam.States[4].Terminal || !fam.States[0].Initial {
		t.Fatalf("family states %+v", fam.States)
	}
	for i := 0; i < 20; i++ {
		g1, p1, err := fam.Build(fam.DrawAt(3, i))
		if err != nil {
			t.Fatal(err)
		}
		g2, p2, err := out.Build(out.DrawAt(3, i))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g1, g2) {
			t.Fatalf("draw %d: games differ", i)
		}
		if !reflect.DeepEqual(p1, p2) {
			t.Fatalf("draw %d: profiles differ:\n%+v\n%+v", i, p1, p2)
		}
	}
	var js [2][]byte
	for k, sc := range []*Scenario{fam, out} {
		r, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 100, Seed: 3, States: []string{"*"}, From: true, LongRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if js[k], err = r.JSON(); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(js[0], js[1]) {
		t.Error("the family and the written-out ladder give different analyses")
	}
}

// TestFamilyPositionsAndErrors: members and family rules report errors at
// the family's line, once, naming the member; ranges, unknown families,
// unbound indices and expansion limits are errors with positions.
func TestFamilyPositionsAndErrors(t *testing.T) {
	src, err := readFile("testdata/ladder.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, old, new, want string }{
		{"target outside the family", `from: "ladder[1..3]"`, `from: "ladder[i]"`,
			`ladder.yaml:27:10: error: state ladder[i-1] is ladder[-1] for i = 0, outside ladder[0..4] (hint: restrict the rule to the members where it fits, e.g. from: ladder[0..3], or clamp the index with min/max)`},
		{"range outside", `from: "ladder[1..3]"`, `from: "ladder[1..7]"`, `ladder.yaml:25:11: error: ladder[1..7]: range outside the family (hint: ladder has members 0..4)`},
		{"bad range", `"ladder[0..4]"`, `"ladder[4..0]"`, `ladder.yaml:13:10: error: state family "ladder[4..0]": bad range`},
		{"unbound index", `to: {deal: 0.1 + 0.05 * i}`, `to: {"ladder[j]": 0.1}`, `ladder.yaml:24:10: error: state ladder[j]: unknown name j`},
		{"index in a plain rule", `{in: deal, US: {payoff: 5}`, `{in: deal, US: {payoff: 5 * i}`, `unknown parameter "i"`},
		{"unknown action in a family rule, once", `when: {IR: concede}`, `when: {IR: concde}`, `ladder.yaml:23:16: error: unknown action "concde" of IR`},
		{"probability out of range for one member", `to: {deal: 0.1 + 0.05 * i}`, `to: {deal: 0.1 + 0.4 * i}`, `ladder.yaml:24:16: error: probability 0.1 + 0.4 * i = 1.3 is outside [0, 1] on the central draw`},
		{"terminal condition not boolean", `terminal: i == 4`, `terminal: i + 4`, `ladder.yaml:13:36: error: terminal: expected bool`},
		// expr's / gives a float: i/2 is 0.5 at i = 1, which used to be
		// truncated silently to ladder[0].
		{"fractional index", `"ladder[i+1]": p_up`, `"ladder[i/2]": p_up`,
			`ladder.yaml:21:10: error: state ladder[i/2]: index i/2 is 0.5 for i = 1, not a whole number (and the same for 1 more members) (hint: an index is a whole number: round it with floor or ceil, e.g. ladder[floor(i/2)])`},
		{"division by zero", `"ladder[i+1]": p_up`, `"ladder[1/(i-i)]": p_up`, `index 1/(i-i) is +Inf for i = 0, not a whole number (and the same for 3 more members)`},
		// Every member out of range: one error, not one per member.
		{"every member outside, once", `"ladder[i+1]": p_up`, `"ladder[i+10]": p_up`,
			`ladder.yaml:21:10: error: state ladder[i+10] is ladder[10] for i = 0, outside ladder[0..4] (and the same for 3 more members)`},
		{"huge index", `"ladder[i+1]": p_up`, `"ladder[1e300]": p_up`, `state ladder[1e300] is ladder[9223372036854775807] for i = 0, outside ladder[0..4]`},
		{"range at the largest int", `"ladder[0..4]"`, `"ladder[0..9223372036854775807]"`,
			`ladder.yaml:13:10: error: state family ladder[0..9223372036854775807] has 9223372036854775808 members: too many (hint: at most 100000 states in all)`},
		{"too many with the states before", `  - {id: deal, terminal: true}`, `  - {id: "other[0..99997]"}
  - {id: deal, terminal: true}`, `state family other[0..99997] has 99998 members, which with the 5 states before it makes 100003: too many`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := strings.Replace(src, c.old, c.new, 1)
			if s == src {
				t.Fatalf("%q not in the file", c.old)
			}
			sc, ds := Parse("ladder.yaml", []byte(s))
			if sc != nil {
				t.Fatal("accepted")
			}
			got := fmt.Sprint(ds)
			if !strings.Contains(got, c.want) {
				t.Errorf("want %q in\n%v", c.want, strings.ReplaceAll(got, "] ", "]\n"))
			}
			if n := strings.Count(got, c.want); n > 1 {
				t.Errorf("reported %d times", n)
			}
		})
	}
	// floor and ceil make a whole index of a division.
	half := strings.Replace(src, `"ladder[i+1]": p_up`, `"ladder[min(floor(i/2) + 2, 4)]": p_up`, 1)
	if sc, ds := Parse("ladder.yaml", []byte(half)); sc == nil {
		t.Errorf("floor in an index: %v", ds)
	}
	big := strings.Replace(src, `"ladder[0..4]"`, `"ladder[0..200000]"`, 1)
	if _, ds := Parse("ladder.yaml", []byte(big)); !strings.Contains(fmt.Sprint(ds), "has 200001 members: too many") {
		t.Errorf("expansion limit: %v", ds)
	}
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}
