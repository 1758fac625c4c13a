package game

import (
	"bytes"
	"math/big"
	"os"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 3).Draw(t, "players")
		label := rapid.String()
		players := make([]string, n)
		strategies := make([][]string, n)
		for p := range players {
			players[p] = label.Draw(t, "player")
			k := rapid.IntRange(1, 3).Draw(t, "k")
			for s := 0; s < k; s++ {
				strategies[p] = append(strategies[p], label.Draw(t, "strategy"))
			}
		}
		g, err := NewStrategic(players, strategies)
		if err != nil {
			t.Fatal(err)
		}
		g.Title = label.Draw(t, "title")
		exact := rapid.Bool().Draw(t, "exact")
		for k := 0; k < g.NumProfiles(); k++ {
			for p := 0; p < n; p++ {
				if exact {
					g.SetPayoff(k, p, big.NewRat(rapid.Int64().Draw(t, "num"), rapid.Int64Range(1, 1e9).Draw(t, "den")))
				} else {
					g.SetPayoffFloat(k, p, rapid.Float64Range(-1e300, 1e300).Draw(t, "v"))
				}
			}
		}
		var buf bytes.Buffer
		if err := WriteJSON(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, err := ReadJSON("g.json", bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		if h.Title != g.Title || strings.Join(h.Players, "\x00") != strings.Join(g.Players, "\x00") {
			t.Fatalf("labels changed")
		}
		for p := range g.Strategies {
			if strings.Join(h.Strategies[p], "\x00") != strings.Join(g.Strategies[p], "\x00") {
				t.Fatalf("strategies changed")
			}
		}
		for i := range g.Payoffs {
			if g.Payoffs[i] != h.Payoffs[i] || (exact && g.Exact()[i].Cmp(h.Exact()[i]) != 0) {
				t.Fatalf("payoff %d changed: %v -> %v", i, g.Payoffs[i], h.Payoffs[i])
			}
		}
	})
}

func TestReadJSONErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "{\n  \"format\": ,", "g.json:2:13: invalid character"},
		{"format", `{"format": "x", "title": "", "players": [], "payoffs": []}`, "g.json:1:1: format is \"x\""},
		{"count", `{"format": "truce.strategic/1", "title": "", "players": [{"name": "a", "strategies": ["x", "y"]}], "payoffs": [[1]]}`, "payoffs lists 1 profiles, the game has 2"},
		{"bad payoff", `{"format": "truce.strategic/1", "title": "", "players": [{"name": "a", "strategies": ["x"]}], "payoffs": [["0x10"]]}`, "is not a number or fraction"},
		{"unknown field", `{"format": "truce.strategic/1", "titel": ""}`, "unknown field"},
		{"bad payoff position", "{\"format\": \"truce.strategic/1\", \"title\": \"\",\n \"players\": [{\"name\": \"a\", \"strategies\": [\"x\", \"y\"]}],\n \"payoffs\": [[1],\n  [\"1/0\"]]}", "g.json:4:4: payoffs[1][0]: \"1/0\" is not a number"},
		{"spread", "{\"format\": \"truce.strategic/1\", \"title\": \"\",\n \"players\": [{\"name\": \"a\", \"strategies\": [\"x\", \"y\"]}],\n \"payoffs\": [[-1e308], [1e308]]}", "g.json:3:25: payoffs[1][0]: payoffs range from -1e+308 to 1e+308"},
		// A second value after the game was left unread, unreported.
		{"trailing game", `{"format": "truce.strategic/1", "title": "", "players": [{"name": "a", "strategies": ["x"]}], "payoffs": [[1]]}` + "\n" + `{"format": "truce.strategic/1"}`, "g.json:2:1: unexpected \"{\\\"format\\\": \\\"truce.st\" after the game's closing brace (one game per file)"},
		{"trailing bracket", `{"format": "truce.strategic/1", "title": "", "players": [{"name": "a", "strategies": ["x"]}], "payoffs": [[1]]}]`, "g.json:1:112: unexpected \"]\" after the game's closing brace"},
		{"row length", "{\"format\": \"truce.strategic/1\", \"title\": \"\",\n \"players\": [{\"name\": \"a\", \"strategies\": [\"x\", \"y\"]}],\n \"payoffs\": [[1], [1, 2]]}", "g.json:3:19: payoffs[1] has 2 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON("g.json", strings.NewReader(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestReadJSONByteOrderMark(t *testing.T) {
	src := "\ufeff" + `{"format": "truce.strategic/1", "title": "t", "players": [{"name": "a", "strategies": ["x"]}], "payoffs": [[5]]}`
	g, err := ReadJSON("g.json", strings.NewReader(src))
	if err != nil || g.Payoffs[0] != 5 {
		t.Fatalf("%v %v", g, err)
	}
}

func TestJSONExactFractions(t *testing.T) {
	src := `{"format": "truce.strategic/1", "title": "t", "players": [{"name": "a", "strategies": ["x", "y"]}], "payoffs": [["1/3"], [0.1]]}`
	g, err := ReadJSON("g.json", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if g.Exact()[0].Cmp(big.NewRat(1, 3)) != 0 || g.Exact()[1].Cmp(big.NewRat(1, 10)) != 0 {
		t.Fatalf("payoffs %v %v", g.Exact()[0], g.Exact()[1])
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, g); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"1/3"`) || !strings.Contains(buf.String(), `"1/10"`) {
		t.Fatalf("fractions not written as strings:\n%s", buf.String())
	}
}

// FuzzReadJSON: no input makes ReadJSON panic, errors carry the file name
// and a position, and accepted games survive a write/read round trip.
func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`{"format": "truce.strategic/1", "title": "t", "players": [{"name": "a", "strategies": ["x", "y"]}, {"name": "b", "strategies": ["z"]}], "payoffs": [["1/3", 2], [0.1, -4e2]]}`))
	f.Add([]byte(`{"format": "truce.strategic/1"}`))
	f.Add([]byte(`[1, 2`))
	f.Add([]byte("\ufeff" + `{"format": "truce.strategic/1", "title": "", "players": [{"name": "a", "strategies": ["x", "y"]}], "payoffs": [[-1e308], [1e308]]}`))
	f.Add([]byte(`{"format": "truce.strategic/1", "title": "", "players": [{"name": "a", "strategies": ["x"]}], "payoffs": [["1e309"]]}`))
	pos := regexp.MustCompile(`^f\.json:\d+:\d+: `)
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := ReadJSON("f.json", bytes.NewReader(src))
		if err != nil {
			if !pos.MatchString(err.Error()) {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteJSON(&buf, g); err != nil {
			t.Fatal(err)
		}
		h, err := ReadJSON("again.json", &buf)
		if err != nil {
			t.Fatalf("cannot reread: %v\n%s", err, buf.String())
		}
		for i := range g.Payoffs {
			if g.Payoffs[i] != h.Payoffs[i] || g.Exact()[i].Cmp(h.Exact()[i]) != 0 {
				t.Fatalf("payoff %d changed", i)
			}
		}
	})
}

func ExampleWriteJSON() {
	g, _ := NewStrategic([]string{"Row", "Col"}, [][]string{{"C", "D"}, {"c"}})
	g.Title = "half a dilemma"
	g.SetPayoff(0, 0, big.NewRat(3, 1))
	g.SetPayoff(0, 1, big.NewRat(3, 1))
	g.SetPayoff(1, 0, big.NewRat(5, 1))
	g.SetPayoff(1, 1, big.NewRat(-1, 2))
	_ = WriteJSON(os.Stdout, g)
	// Output:
	// {
	//   "format": "truce.strategic/1",
	//   "title": "half a dilemma",
	//   "players": [
	//     {"name": "Row", "strategies": ["C", "D"]},
	//     {"name": "Col", "strategies": ["c"]}
	//   ],
	//   "payoffs": [
	//     [3, 3],
	//     [5, "-1/2"]
	//   ]
	// }
}
