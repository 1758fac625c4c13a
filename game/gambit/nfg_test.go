package gambit

import (
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
	"pgregory.net/rapid"
)

// referenceGames lists every .nfg file of Gambit's example library, from
// the copies in ../../nash/testdata/gambit (tests read nothing outside the
// repository).
func referenceGames(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, root := range []string{"../../nash/testdata/gambit"} {
		_ = filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && strings.HasSuffix(path, ".nfg") {
				files = append(files, path)
			}
			return nil
		})
	}
	if len(files) < 50 {
		t.Fatalf("only %d reference games found", len(files))
	}
	return files
}

func TestReadReferenceGames(t *testing.T) {
	for _, f := range referenceGames(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		g, err := ReadNFG(f, bytes.NewReader(src))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if !g.IsExact() {
			t.Errorf("%s: payoffs not kept exactly", f)
		}
		// writing then reading gives the same game
		var buf bytes.Buffer
		if err := WriteNFG(&buf, g); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		h, err := ReadNFG("rewritten", &buf)
		if err != nil {
			t.Fatalf("%s: rereading: %v\n%s", f, err, buf.String())
		}
		assertSameGame(t, f, g, h, true)
	}
}

// assertSameGame checks that h is g; written says h went through
// WriteNFG, which names players and strategies as Gambit keeps them.
func assertSameGame(t *testing.T, name string, g, h *game.Strategic, written bool) {
	t.Helper()
	title, comment, players := g.Title, g.Comment, g.Players
	if written {
		title, comment, players = cleanText(title), cleanText(comment), playerLabels(players)
	}
	if title != h.Title || comment != h.Comment {
		t.Fatalf("%s: title/comment %q/%q became %q/%q", name, title, comment, h.Title, h.Comment)
	}
	if strings.Join(players, "\x00") != strings.Join(h.Players, "\x00") {
		t.Fatalf("%s: players %q became %q", name, players, h.Players)
	}
	for p := range g.Strategies {
		want := g.Strategies[p]
		if written {
			want = normalizeLabels(cleanAll(want))
		}
		if strings.Join(want, "\x00") != strings.Join(h.Strategies[p], "\x00") {
			t.Fatalf("%s: strategies %q became %q", name, want, h.Strategies[p])
		}
	}
	if len(g.Payoffs) != len(h.Payoffs) {
		t.Fatalf("%s: %d payoffs became %d", name, len(g.Payoffs), len(h.Payoffs))
	}
	for i := range g.Payoffs {
		if g.Payoffs[i] != h.Payoffs[i] {
			t.Fatalf("%s: payoff %d: %v became %v", name, i, g.Payoffs[i], h.Payoffs[i])
		}
		if g.Exact() != nil && g.Exact()[i].Cmp(h.Exact()[i]) != 0 {
			t.Fatalf("%s: exact payoff %d: %v became %v", name, i, g.Exact()[i], h.Exact()[i])
		}
	}
}

func TestReadForms(t *testing.T) {
	payoff := `NFG 1 R "PD" { "Row" "Col" } { { "C" "D" } { "c" "d" } } "a comment"
3 3 5 0 0 5 1 1`
	outcome := "NFG 1 D \"PD\"\n{ \"Row\" \"Col\" }\n{ { \"C\" \"D\" }\n{ \"c\" \"d\" } }\n\"a comment\"\n" +
		"{ { \"cc\" 3, 3 } { \"dc\" 5 0 } { \"cd\" 0, 5 } { \"dd\" 1, 1 } }\n1 2 3 4\n"
	a, err := ReadNFG("payoff.nfg", strings.NewReader(payoff))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadNFG("outcome.nfg", strings.NewReader(outcome))
	if err != nil {
		t.Fatal(err)
	}
	assertSameGame(t, "forms", a, b, false)
	if a.Comment != "a comment" || a.Strategies[1][1] != "d" {
		t.Fatalf("labels: %+v", a)
	}
	if got := a.Payoff(1, 1); got != 0 { // Row plays D, Col plays c
		t.Fatalf("payoff of Col at (D,c) = %v, want 0", got)
	}
}

func TestNumbersAndLabels(t *testing.T) {
	// Backslashes as Gambit reads them: \" is a quote, any other backslash
	// stays, and a backslash after a backslash comes out doubled.
	src := `NFG 1 R "a \"quoted\" title" { "P\1" "P\\2" } { 3 1 }
1/3 -7/2 .5 +4 1.5e2 -2E-1`
	g, err := ReadNFG("n.nfg", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if g.Title != `a "quoted" title` || g.Players[0] != `P\1` || g.Players[1] != `P\\\2` {
		t.Fatalf("labels: %q %q %q", g.Title, g.Players[0], g.Players[1])
	}
	if g.Strategies[0][2] != "3" || len(g.Strategies[1]) != 1 {
		t.Fatalf("strategies %q", g.Strategies)
	}
	want := []string{"1/3", "-7/2", "1/2", "4", "150", "-1/5"}
	for i, w := range want {
		r, _ := new(big.Rat).SetString(w)
		if g.Exact()[i].Cmp(r) != 0 {
			t.Errorf("payoff %d = %v, want %v", i, g.Exact()[i], w)
		}
		if f, _ := r.Float64(); g.Payoffs[i] != f {
			t.Errorf("float payoff %d = %v, want %v", i, g.Payoffs[i], f)
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"empty", "", "bad.nfg:1:1: expected the file to start with NFG"},
		{"efg", `EFG 2 R "x" { "a" }`, "bad.nfg:1:1: expected the file to start with NFG"},
		{"version", `NFG 2 R "x"`, "bad.nfg:1:5: only NFG version 1"},
		{"type", `NFG 1 Q "x"`, "bad.nfg:1:7: expected number type D or R"},
		{"title", `NFG 1 R { }`, "bad.nfg:1:9: expected the game's title"},
		{"noplayers", `NFG 1 R "x" { } { }`, "no players"},
		{"unclosed", `NFG 1 R "x { "a" }`, "expected '{' opening the list of player names"},
		{"eofstring", `NFG 1 R "x" { "a`, "bad.nfg:1:15: label not closed"},
		{"strategies", `NFG 1 R "x" { "a" "b" } { 2 }`, "strategies given for 1 players but the game has 2"},
		{"zero", `NFG 1 R "x" { "a" } { 0 }`, "positive number of strategies"},
		{"short", "NFG 1 R \"x\" { \"a\" \"b\" } { 2 2 }\n1 2 3", "bad.nfg:2:6: the file ends after 3 of the 8 payoffs"},
		{"badnum", "NFG 1 R \"x\" { \"a\" } { 2 }\n1 x2", "bad.nfg:2:3: expected payoff 2 of 2 (a number), found \"x2\""},
		{"badnum2", "NFG 1 R \"x\" { \"a\" } { 2 }\n1 1..2", "bad.nfg:2:3: \"1..2\" is not a number"},
		{"div0", "NFG 1 R \"x\" { \"a\" } { 2 }\n1 1/0", "divides by zero"},
		{"huge", "NFG 1 R \"x\" { \"a\" } { 2 }\n1 1e999999999", "exponent out of range"},
		{"overflow", "NFG 1 R \"x\" { \"a\" } { 2 }\n1 1e320", "too large"},
		{"trailing", "NFG 1 R \"x\" { \"a\" } { 2 }\n1 2 3", "bad.nfg:2:5: expected end of file"},
		{"outcome range", "NFG 1 R \"x\" { \"a\" } { 2 }\n{ { \"o\" 1 } }\n1 2", "bad.nfg:3:3: outcome number \"2\" out of range: expected 0 (no outcome) to 1"},
		{"outcome payoffs", "NFG 1 R \"x\" { \"a\" \"b\" } { 1 1 }\n{ { \"o\" 1 } }\n1", "bad.nfg:2:11: outcome 1 needs 2 payoffs"},
		{"too big", `NFG 1 R "x" { "a" "b" } { 100000 100000 }`, "than the file could list payoffs for"},
		// each payoff fits in float64, their difference does not: regrets
		// would be +Inf or NaN, so the game is refused at the second one
		{"spread", "NFG 1 R \"x\" { \"a\" } { 2 }\n-1.5e308 1.5e308", "bad.nfg:2:10: payoffs range from -1.5e+308 to 1.5e+308: their difference overflows float64"},
		{"spread outcomes", "NFG 1 R \"x\" { \"a\" } { 2 }\n{ { \"o\" 1e308 } { \"p\" -1e308 } }\n1 2", "bad.nfg:2:23: payoffs range from -1e+308 to 1e+308"},
		{"long fraction", "NFG 1 R \"x\" { \"a\" } { 1 }\n1" + strings.Repeat("0", 1000) + "/1", "is not a number (too long)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadNFG("bad.nfg", strings.NewReader(tt.src))
			if err == nil {
				t.Fatalf("no error for %q", tt.src)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestByteOrderMark(t *testing.T) {
	g, err := ReadNFG("bom.nfg", strings.NewReader("\ufeffNFG 1 R \"x\" { \"a\" } { 1 }\n5"))
	if err != nil || g.Payoffs[0] != 5 {
		t.Fatalf("%v %v", g, err)
	}
}

func TestOutcomeZeroMeansNoOutcome(t *testing.T) {
	src := "NFG 1 R \"x\" { \"a\" \"b\" } { 2 1 }\n{ { \"o\" 1/2 -3 } }\n0 1"
	g, err := ReadNFG("z.nfg", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0, 0.5, -3}
	for i, w := range want {
		if g.Payoffs[i] != w {
			t.Fatalf("payoffs %v, want %v", g.Payoffs, want)
		}
	}
}

// genGame draws a random strategic game with awkward labels and exact or
// float payoffs.
func genGame(t *rapid.T) *game.Strategic {
	n := rapid.IntRange(1, 3).Draw(t, "players")
	label := rapid.StringMatching(`[ -~\t\\"]{0,8}`)
	players := make([]string, n)
	strategies := make([][]string, n)
	for p := range players {
		players[p] = label.Draw(t, "player")
		k := rapid.IntRange(1, 4).Draw(t, "strategies")
		for s := 0; s < k; s++ {
			strategies[p] = append(strategies[p], label.Draw(t, "strategy"))
		}
	}
	g, err := game.NewStrategic(players, strategies)
	if err != nil {
		t.Fatal(err)
	}
	g.Title = label.Draw(t, "title")
	g.Comment = label.Draw(t, "comment")
	exact := rapid.Bool().Draw(t, "exact")
	for k := 0; k < g.NumProfiles(); k++ {
		for p := 0; p < n; p++ {
			if exact {
				num := rapid.Int64Range(-1e12, 1e12).Draw(t, "num")
				den := rapid.Int64Range(1, 1e6).Draw(t, "den")
				g.SetPayoff(k, p, big.NewRat(num, den))
			} else {
				g.SetPayoffFloat(k, p, rapid.Float64Range(-1e300, 1e300).Draw(t, "payoff"))
			}
		}
	}
	return g
}

func TestWriteReadRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := genGame(t)
		var buf bytes.Buffer
		if err := WriteNFG(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, err := ReadNFG("rt.nfg", bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		// Labels come back as Gambit would keep them: cleaned, and
		// renamed where empty or repeated.
		if cleanText(g.Title) != h.Title || cleanText(g.Comment) != h.Comment {
			t.Fatalf("title %q/%q became %q/%q", g.Title, g.Comment, h.Title, h.Comment)
		}
		if want := playerLabels(g.Players); strings.Join(want, "|") != strings.Join(h.Players, "|") {
			t.Fatalf("players %q became %q, want %q", g.Players, h.Players, want)
		}
		for p := range g.Players {
			want := normalizeLabels(cleanAll(g.Strategies[p]))
			if strings.Join(want, "|") != strings.Join(h.Strategies[p], "|") {
				t.Fatalf("strategies %q became %q, want %q", g.Strategies[p], h.Strategies[p], want)
			}
		}
		// and written again, byte for byte the same file (a float game
		// reads back exact: its payoffs are the decimals written)
		var again bytes.Buffer
		if err := WriteNFG(&again, h); err != nil || g.Exact() != nil && again.String() != buf.String() {
			t.Fatalf("second write differs (%v):\n%s\n%s", err, buf.String(), again.String())
		}
		for i := range g.Payoffs {
			if g.Payoffs[i] != h.Payoffs[i] {
				t.Fatalf("payoff %d: %v became %v", i, g.Payoffs[i], h.Payoffs[i])
			}
			if g.Exact() != nil && g.Exact()[i].Cmp(h.Exact()[i]) != 0 {
				t.Fatalf("exact payoff %d: %v became %v", i, g.Exact()[i], h.Exact()[i])
			}
		}
	})
}

func ExampleReadNFG() {
	src := `NFG 1 R "Matching pennies" { "Row" "Col" } { 2 2 }
1 -1 -1 1 -1 1 1 -1`
	g, err := ReadNFG("mp.nfg", strings.NewReader(src))
	if err != nil {
		panic(err)
	}
	_ = WriteNFG(os.Stdout, g)
	// Output:
	// NFG 1 R "Matching pennies" { "Row" "Col" }
	//
	// { { "1" "2" }
	//  { "1" "2" }
	// }
	// ""
	//
	// 1 -1
	// -1 1
	// -1 1
	// 1 -1
}

func BenchmarkReadNFG200(b *testing.B) {
	src, err := os.ReadFile("../../nash/testdata/bench/rand_200x200_s2200.nfg")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ReadNFG("bench.nfg", bytes.NewReader(src)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCleanBackslashes holds the cases that broke the round trip: a
// backslash left last once the spaces after it were trimmed escaped the
// closing quote (found by TestWriteReadRoundTrip, comment `\ `).
func TestCleanBackslashes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`\ `, ``},
		{`a\ \ `, `a`},
		{`a\ b`, `a\ b`},
		{`a\\b`, `a\b`},
		{`a\"b`, `a"b`},
		{`a\`, `a`},
		{`no slash `, `no slash `},
	} {
		got := cleanBackslashes(c.in)
		if got != c.want {
			t.Errorf("cleanBackslashes(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := cleanBackslashes(got); again != got {
			t.Errorf("cleanBackslashes not idempotent on %q: %q", got, again)
		}
		g, _ := game.NewStrategic([]string{"P"}, [][]string{{"s"}})
		g.Comment = c.in
		var buf bytes.Buffer
		if err := WriteNFG(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, err := ReadNFG("c.nfg", bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("comment %q: %v\n%s", c.in, err, buf.String())
		}
		if h.Comment != c.want {
			t.Errorf("comment %q read back as %q, want %q", c.in, h.Comment, c.want)
		}
	}
}

// TestIntegerPayoffsShareNoWords: whole-number payoffs are read into one
// slab of words (lexer.setInt); each rational must still be its own, so
// that changing one in place (to a value of the same size or larger)
// leaves its neighbours alone, and each must equal big.Rat's own reading.
func TestIntegerPayoffsShareNoWords(t *testing.T) {
	src := `NFG 1 R "ints" { "A" "B" } { 2 2 }
0 -1 2 -3 9223372036854775807 -9223372036854775807 -7 7/2`
	g, err := ReadNFG("i.nfg", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0", "-1", "2", "-3", "9223372036854775807", "-9223372036854775807", "-7", "7/2"}
	ex := g.Exact()
	for i, w := range want {
		r, _ := new(big.Rat).SetString(w)
		if ex[i].Cmp(r) != 0 || ex[i].String() != r.String() || ex[i].IsInt() != r.IsInt() {
			t.Fatalf("payoff %d = %v, want %v", i, ex[i], w)
		}
		if ex[i].Denom().Cmp(r.Denom()) != 0 {
			t.Fatalf("payoff %d denominator %v, want %v", i, ex[i].Denom(), r.Denom())
		}
	}
	ex[1].SetInt64(-5)                              // same size: written in place
	ex[2].Mul(ex[2], big.NewRat(1<<62, 3))          // larger: reallocated
	ex[3].Num().Add(ex[3].Num(), big.NewInt(1<<62)) // the numerator itself
	for _, i := range []int{0, 4, 5, 6, 7} {
		r, _ := new(big.Rat).SetString(want[i])
		if ex[i].Cmp(r) != 0 {
			t.Fatalf("payoff %d changed to %v by its neighbours' change", i, ex[i])
		}
	}
	if ex[1].Cmp(big.NewRat(-5, 1)) != 0 || ex[2].Cmp(new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 63), big.NewInt(3))) != 0 || ex[3].Cmp(big.NewRat(1<<62-3, 1)) != 0 {
		t.Fatalf("changed payoffs %v %v %v", ex[1], ex[2], ex[3])
	}
}
