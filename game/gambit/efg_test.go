package gambit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const efgRefGames = "../../nash/testdata/efg/gambit-games"

func efgRefFiles(t testing.TB) []string {
	var files []string
	filepath.Walk(efgRefGames, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".efg") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skip("reference games not found at " + efgRefGames)
	}
	return files
}

func efgRoundTrip(t testing.TB, name string, src []byte) (string, string) {
	t.Helper()
	tr, err := ReadEFG(name, bytes.NewReader(src))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var w1 bytes.Buffer
	if err := WriteEFG(&w1, tr); err != nil {
		t.Fatal(err)
	}
	tr2, err := ReadEFG(name+" (written)", bytes.NewReader(w1.Bytes()))
	if err != nil {
		t.Fatalf("%s: cannot read what we wrote: %v\n%s", name, err, w1.String())
	}
	var w2 bytes.Buffer
	if err := WriteEFG(&w2, tr2); err != nil {
		t.Fatal(err)
	}
	return w1.String(), w2.String()
}

// Every reference tree loads, and writing it and reading it back gives the
// same tree (the second write is byte for byte the first).
func TestReadEFGReferenceRoundTrip(t *testing.T) {
	for _, f := range efgRefFiles(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := ReadEFG(f, bytes.NewReader(src))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if n := strings.Count(string(src), "\nt ") + strings.Count(string(src), "\np ") + strings.Count(string(src), "\nc "); n != len(tr.Nodes) {
			t.Errorf("%s: %d nodes, the file has %d node lines", f, len(tr.Nodes), n)
		}
		w1, w2 := efgRoundTrip(t, f, src)
		if w1 != w2 {
			t.Errorf("%s: round trip changed the tree:\n%s\n---\n%s", f, w1, w2)
		}
	}
}

// Both dialects: the older header "EFG 1 R" and payoffs without commas.
func TestReadEFGDialects(t *testing.T) {
	cur := `EFG 2 R "g" { "A" "B" } "c"
p "" 1 1 "i" { "l" "r" } 0
t "" 1 "o1" { 1, -1 }
t "" 2 "o2" { 2, -2 }
`
	old := `EFG 1 R "g" { "A" "B" }
p "" 1 1 "i" { "l" "r" } 0
t "" 1 "o1" { 1 -1 }
t "" 2 "o2" { 2 -2 }
`
	a, _ := efgRoundTrip(t, "cur.efg", []byte(cur))
	b, _ := efgRoundTrip(t, "old.efg", []byte(old))
	// the comment differs; everything after the header line must agree
	if a[strings.Index(a, "\n\n"):] != b[strings.Index(b, "\n\n"):] {
		t.Errorf("dialects read differently:\n%s\n%s", a, b)
	}
}

func TestReadEFGErrors(t *testing.T) {
	head := "EFG 2 R \"g\" { \"A\" \"B\" } \"\"\n"
	tests := []struct {
		name, src, want string
	}{
		{"nfg", "NFG 1 R \"x\" { \"a\" } { 2 }", "bad.efg:1:1: expected \"EFG\""},
		{"version", "EFG 3 R \"x\" { \"a\" }", "bad.efg:1:5: unsupported .efg version"},
		{"no nodes", head, "bad.efg:2:1: the game has no nodes"},
		{"open string", head + "p \"oops 1 1", "bad.efg:2:3: string not closed"},
		{"player", head + "p \"\" 3 1 \"i\" { \"a\" } 0\nt \"\" 0\n", "bad.efg:2:6: player 3 does not exist"},
		{"node type", head + "x \"\" 0\n", "bad.efg:2:1: expected a node type c (chance), p (personal) or t (terminal)"},
		{"payoffs", head + "t \"\" 1 \"o\" { 1 2 3 }\n", "bad.efg:2:12: outcome 1 has 3 payoffs but the game has 2 players"},
		{"early end", head + "p \"\" 1 1 \"i\" { \"a\" \"b\" } 0\nt \"\" 0\n", "bad.efg:4:1: the tree ends early"},
		{"trailing", head + "t \"\" 0\nt \"\" 0\n", "bad.efg:3:1: unexpected"},
		{"undefined infoset", head + "p \"\" 1 1 0\n", "bad.efg:2:10: information set 1 is used before it is defined"},
		{"undefined outcome", head + "t \"\" 4\n", "bad.efg:2:6: outcome 4 is used before its payoffs are given"},
		{"bad prob", head + "c \"\" 1 \"\" { \"h\" x } 0\n", "bad.efg:2:17: expected the probability of chance action \"h\""},
		{"probs sum", head + "c \"\" 1 \"\" { \"h\" 1/2 \"t\" 1/3 } 0\nt \"\" 0\nt \"\" 0\n", "bad.efg:2:6: chance probabilities sum to 5/6, not 1"},
		{"bad payoff", head + "t \"\" 1 \"o\" { 1/0 2 }\n", "bad.efg:2:14: bad payoff \"1/0\""},
		// 10^1000 is a fine rational but no float64: every method would
		// see +Inf (the .nfg reader refuses it too)
		{"huge payoff", head + "t \"\" 1 \"o\" { 1" + strings.Repeat("0", 1000) + " 2 }\n", "bad.efg:2:14: bad payoff \"1000000000000000000000000000000000000..."},
		{"inf payoff", head + "t \"\" 1 \"o\" { 1" + strings.Repeat("0", 400) + " 2 }\n", "bad.efg:2:14: payoff \"1000000000000000000000000000000000000...\" is too large for float64"},
		{"exp payoff", head + "t \"\" 1 \"o\" { 1e309 2 }\n", "bad.efg:2:14: payoff \"1e309\" is too large for float64"},
		{"spread", head + "p \"\" 1 1 \"i\" { \"a\" \"b\" } 0\nt \"\" 1 \"o\" { -1e308 0 }\nt \"\" 2 \"p\" { 1e308 0 }\n", "bad.efg:4:12: payoffs range from -1e+308 to 1e+308"},
		{"path sum", head + "p \"\" 1 1 \"i\" { \"a\" } 1 \"o\" { 1e308 0 }\nt \"\" 2 \"p\" { 1e308 0 }\n", "bad.efg:3:12: the payoffs of the outcomes along a path add up to more than float64 can hold"},
		{"action count", head + "p \"\" 1 1 \"i\" { \"a\" \"b\" } 0\nt \"\" 0\np \"\" 1 1 \"i\" { \"a\" } 0\n", "bad.efg:4:14: information set 1 was defined with 2 actions"},
		{"payoffs disagree", head + "p \"\" 1 1 \"i\" { \"a\" \"b\" } 0\nt \"\" 1 \"o\" { 1 2 }\nt \"\" 1 \"o\" { 1 3 }\n", "bad.efg:4:12: outcome 1 was first given payoff 2 for player 2, here 3"},
	}
	pos := regexp.MustCompile(`^bad\.efg:\d+:\d+: `)
	for _, tt := range tests {
		_, err := ReadEFG("bad.efg", strings.NewReader(tt.src))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !pos.MatchString(err.Error()) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %q, want prefix %q", tt.name, err, tt.want)
		}
	}
}

// A UTF-8 byte-order mark, as some editors write, is skipped.
func TestReadEFGByteOrderMark(t *testing.T) {
	tr, err := ReadEFG("bom.efg", strings.NewReader("\ufeffEFG 2 R \"g\" { \"A\" } \"\"\nt \"\" 1 \"o\" { 5 }\n"))
	if err != nil || tr.Outcomes[0].Payoffs[0] != 5 {
		t.Fatalf("%v %v", tr, err)
	}
}

// Labels are names, not identities: repeated node labels load.
func TestReadEFGRepeatedLabels(t *testing.T) {
	src := `EFG 2 R "g" { "A" "B" } ""
p "same" 1 1 "i" { "a" "b" } 0
t "same" 1 "o" { 1, 2 }
t "same" 1 "o" { 1, 2 }
`
	tr, err := ReadEFG("rep.efg", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Nodes) != 3 || len(tr.Outcomes) != 1 {
		t.Errorf("%d nodes, %d outcomes; want 3 and 1", len(tr.Nodes), len(tr.Outcomes))
	}
}

func ExampleReadEFG() {
	src := `EFG 2 R "Entry" { "Entrant" "Incumbent" } ""
p "" 1 1 "enter?" { "out" "in" } 0
t "" 1 "stay out" { 0, 2 }
p "" 2 1 "fight?" { "fight" "accommodate" } 0
t "" 2 "war" { -1, -1 }
t "" 3 "share" { 1, 1 }
`
	tr, err := ReadEFG("entry.efg", strings.NewReader(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(tr.Nodes), "nodes;", tr.Players[1], "moves at", tr.Infosets[tr.PlayerInfosets[1][0]].Label)
	// Output: 5 nodes; Incumbent moves at fight?
}

// FuzzReadEFG: no input makes the reader panic, every error carries a
// file:line:col position, and whatever it accepts can be written and read
// back to the same tree.
func FuzzReadEFG(f *testing.F) {
	files, _ := filepath.Glob(efgRefGames + "/*.efg")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil && len(src) < 4096 {
			f.Add(src)
		}
	}
	f.Add([]byte("EFG 1 R \"x\" { \"a\" \"b\" }\nc \"\" 1 \"\" { \"h\" .5 \"t\" 1/2 } 1 \"o\" { 1e2 -3 }\nt \"\" 0\nt \"\" 1\n"))
	// the limits of issue 11: a byte-order mark, payoffs at and beyond
	// float64's range, labels Gambit would refuse or rename
	f.Add([]byte("\ufeffEFG 2 R \"x\" { \"1\" \"Chance\" } \"\"\np \"n\" 1 1 \"i\" { \"a\" \"a\" } 1 \"o\" { 1.7e308, -1 }\nt \"n\" 1\nt \"\\\\\" 2 \"o\" { -1.7e308 1e-320 }\n"))
	f.Add([]byte("EFG 2 R \"x\" { \"1\" } \"\"\nc \"\" 1 \"c\" { \"h\" 1/2 \"t\" 1/2 } 0\nt \"\" 1 \"\" { 1" + strings.Repeat("0", 320) + " }\nc \"\" 2 \"c\" { \"h\" 1 } 0\nt \"\" 0\n"))
	pos := regexp.MustCompile(`^fuzz\.efg:\d+:\d+: `)
	f.Fuzz(func(t *testing.T, src []byte) {
		tr, err := ReadEFG("fuzz.efg", bytes.NewReader(src))
		if err != nil {
			if !pos.MatchString(err.Error()) {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		var w1 bytes.Buffer
		if err := WriteEFG(&w1, tr); err != nil {
			t.Fatal(err)
		}
		if _, err := gambitReadEFG(w1.Bytes()); err != nil {
			t.Fatalf("Gambit would refuse or rename what truce wrote: %v\n%s", err, w1.String())
		}
		tr2, err := ReadEFG("fuzz.efg", bytes.NewReader(w1.Bytes()))
		if err != nil {
			t.Fatalf("cannot read back what we wrote: %v\n%s", err, w1.String())
		}
		var w2 bytes.Buffer
		WriteEFG(&w2, tr2)
		if w1.String() != w2.String() {
			t.Fatalf("round trip changed the tree:\n%s\n---\n%s", w1.String(), w2.String())
		}
		_ = tr2.PerfectRecall()
	})
}
