package nash

import (
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
)

// loadNFG reads a Gambit .nfg file (payoff or outcome form). It is a small
// test-only reader kept until game/gambit's ReadNFG lands.
func loadNFG(t testing.TB, path string) *game.Strategic {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := parseNFG(string(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return g
}

func nfgTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case c == '{' || c == '}':
			toks = append(toks, string(c))
			i++
		case c == '"':
			var b strings.Builder
			b.WriteByte('"')
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			i++
			toks = append(toks, b.String())
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n,{}\"", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

func parseNFG(src string) (*game.Strategic, error) {
	toks := nfgTokens(src)
	pos := 0
	next := func() string {
		if pos >= len(toks) {
			return ""
		}
		pos++
		return toks[pos-1]
	}
	if next() != "NFG" || next() != "1" {
		return nil, fmt.Errorf("not an NFG 1 file")
	}
	next() // R or D
	title := strings.TrimPrefix(next(), "\"")
	if next() != "{" {
		return nil, fmt.Errorf("players")
	}
	var players []string
	for tok := next(); tok != "}"; tok = next() {
		players = append(players, strings.TrimPrefix(tok, "\""))
	}
	if next() != "{" {
		return nil, fmt.Errorf("strategies")
	}
	var strats [][]string
	for tok := next(); tok != "}"; tok = next() {
		if tok == "{" {
			var s []string
			for tok = next(); tok != "}"; tok = next() {
				s = append(s, strings.TrimPrefix(tok, "\""))
			}
			strats = append(strats, s)
			continue
		}
		var n int
		if _, err := fmt.Sscan(tok, &n); err != nil {
			return nil, err
		}
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprint(i + 1)
		}
		strats = append(strats, s)
	}
	g, err := game.NewStrategic(players, strats)
	if err != nil {
		return nil, err
	}
	g.Title = title
	if pos < len(toks) && strings.HasPrefix(toks[pos], "\"") {
		pos++ // comment
	}
	num := func(tok string) (*big.Rat, error) {
		r, ok := new(big.Rat).SetString(tok)
		if !ok {
			return nil, fmt.Errorf("bad number %q", tok)
		}
		return r, nil
	}
	n := len(players)
	if pos < len(toks) && toks[pos] == "{" {
		pos++
		var outcomes [][]*big.Rat
		for tok := next(); tok != "}"; tok = next() {
			if tok != "{" {
				return nil, fmt.Errorf("outcome")
			}
			next() // name
			var pay []*big.Rat
			for tok = next(); tok != "}"; tok = next() {
				r, err := num(tok)
				if err != nil {
					return nil, err
				}
				pay = append(pay, r)
			}
			outcomes = append(outcomes, pay)
		}
		for k := 0; k < g.NumProfiles(); k++ {
			var idx int
			if _, err := fmt.Sscan(next(), &idx); err != nil {
				return nil, err
			}
			for p := 0; p < n; p++ {
				v := new(big.Rat)
				if idx > 0 {
					v = outcomes[idx-1][p]
				}
				g.SetPayoff(k, p, v)
			}
		}
		return g, nil
	}
	for k := 0; k < g.NumProfiles(); k++ {
		for p := 0; p < n; p++ {
			r, err := num(next())
			if err != nil {
				return nil, err
			}
			g.SetPayoff(k, p, r)
		}
	}
	return g, nil
}
