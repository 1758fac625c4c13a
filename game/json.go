package game

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// JSONFormat names the JSON form of strategic games written by WriteJSON.
const JSONFormat = "truce.strategic/1"

// jsonGame is the JSON form of a strategic game:
//
//	{
//	  "format": "truce.strategic/1",
//	  "title": "Prisoner's dilemma",
//	  "comment": "",
//	  "players": [
//	    {"name": "Row", "strategies": ["C", "D"]},
//	    {"name": "Col", "strategies": ["c", "d"]}
//	  ],
//	  "payoffs": [[3, 3], [5, 0], [0, 5], [1, 1]]
//	}
//
// payoffs has one entry per pure-strategy profile, in Gambit's order
// (player 1's strategy varies fastest), each listing every player's payoff.
// A payoff is a JSON number, read exactly as the decimal it is written in,
// or a string holding a fraction such as "-7/2" (written for exact payoffs
// that are not integers, so no precision is lost).
type jsonGame struct {
	Format  string         `json:"format"`
	Title   string         `json:"title"`
	Comment string         `json:"comment,omitempty"`
	Players []jsonPlayer   `json:"players"`
	Payoffs [][]jsonNumber `json:"payoffs"`
}

type jsonPlayer struct {
	Name       string   `json:"name"`
	Strategies []string `json:"strategies"`
}

// jsonNumber keeps a payoff's text as written.
type jsonNumber string

func (n *jsonNumber) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = jsonNumber(s)
		return nil
	}
	if len(b) == 0 || !(b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		return fmt.Errorf("payoff %s is not a number or a fraction string", b)
	}
	*n = jsonNumber(b)
	return nil
}

func (n jsonNumber) MarshalJSON() ([]byte, error) {
	if strings.Contains(string(n), "/") {
		return json.Marshal(string(n))
	}
	return []byte(n), nil
}

// WriteJSON writes g in the JSON form documented at jsonGame (and in
// docs/nash.md).
func WriteJSON(w io.Writer, g *Strategic) error {
	jg := jsonGame{Format: JSONFormat, Title: g.Title, Comment: g.Comment}
	for p, name := range g.Players {
		jg.Players = append(jg.Players, jsonPlayer{Name: name, Strategies: g.Strategies[p]})
	}
	n := g.NumPlayers()
	exact := g.Exact()
	jg.Payoffs = make([][]jsonNumber, g.NumProfiles())
	for k := range jg.Payoffs {
		jg.Payoffs[k] = make([]jsonNumber, n)
		for p := 0; p < n; p++ {
			i := k*n + p
			if exact != nil {
				jg.Payoffs[k][p] = jsonNumber(exact[i].RatString())
				continue
			}
			v := g.Payoffs[i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("game: payoff %v cannot be written as JSON", v)
			}
			jg.Payoffs[k][p] = jsonNumber(strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	return writeCompact(w, &jg)
}

// writeCompact writes jg indented, with each player and each profile's
// payoffs on one line, so that large games stay readable and small.
func writeCompact(w io.Writer, jg *jsonGame) error {
	bw := bufio.NewWriter(w)
	str := func(s string) {
		b, _ := json.Marshal(s)
		bw.Write(b)
	}
	bw.WriteString("{\n  \"format\": ")
	str(jg.Format)
	bw.WriteString(",\n  \"title\": ")
	str(jg.Title)
	if jg.Comment != "" {
		bw.WriteString(",\n  \"comment\": ")
		str(jg.Comment)
	}
	bw.WriteString(",\n  \"players\": [")
	for p, pl := range jg.Players {
		if p > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    {\"name\": ")
		str(pl.Name)
		bw.WriteString(", \"strategies\": [")
		for i, st := range pl.Strategies {
			if i > 0 {
				bw.WriteString(", ")
			}
			str(st)
		}
		bw.WriteString("]}")
	}
	bw.WriteString("\n  ],\n  \"payoffs\": [")
	for k, row := range jg.Payoffs {
		if k > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    [")
		for p, v := range row {
			if p > 0 {
				bw.WriteString(", ")
			}
			b, err := v.MarshalJSON()
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.WriteByte(']')
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// ReadJSON reads a strategic game in the JSON form written by WriteJSON.
// Errors name the file and, for syntax errors, the line and column.
func ReadJSON(filename string, r io.Reader) (*Strategic, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark
	var jg jsonGame
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&jg); err != nil {
		var off int64 = -1
		switch e := err.(type) {
		case *json.SyntaxError:
			off = max(e.Offset-1, 0) // Offset is just past the bad byte
		case *json.UnmarshalTypeError:
			off = e.Offset
		}
		if off >= 0 {
			line, col := lineCol(src, off)
			return nil, fmt.Errorf("%s:%d:%d: %v", filename, line, col, err)
		}
		return nil, fmt.Errorf("%s:1:1: %v", filename, err)
	}
	// Anything after the game (a second game, a stray bracket) is an
	// error: the decoder stops at the end of the first value, which left
	// the rest of the file unread and unreported.
	if t := bytes.TrimLeft(src[dec.InputOffset():], " \t\r\n"); len(t) > 0 {
		line, col := lineCol(src, int64(len(src)-len(t)))
		return nil, fmt.Errorf("%s:%d:%d: unexpected %q after the game's closing brace (one game per file)", filename, line, col, shortText(string(t[:min(len(t), 20)])))
	}
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%s:1:1: %s", filename, fmt.Sprintf(format, args...))
	}
	if jg.Format != JSONFormat {
		return nil, errf("format is %q, expected %q", jg.Format, JSONFormat)
	}
	names := make([]string, len(jg.Players))
	strategies := make([][]string, len(jg.Players))
	for p, pl := range jg.Players {
		names[p], strategies[p] = pl.Name, pl.Strategies
	}
	// the payoff list must cover every profile: check before allocating
	profiles := 1
	for p, s := range strategies {
		if len(s) == 0 {
			return nil, errf("player %q has no strategies", names[p])
		}
		if profiles > (1<<40)/len(s) {
			return nil, errf("payoffs lists %d profiles, the game has more than 2^40", len(jg.Payoffs))
		}
		profiles *= len(s)
	}
	if profiles != len(jg.Payoffs) {
		return nil, errf("payoffs lists %d profiles, the game has %d", len(jg.Payoffs), profiles)
	}
	g, err := NewStrategic(names, strategies)
	if err != nil {
		return nil, errf("%v", err)
	}
	g.Title, g.Comment = jg.Title, jg.Comment
	if len(jg.Payoffs) != g.NumProfiles() {
		return nil, errf("payoffs lists %d profiles, the game has %d", len(jg.Payoffs), g.NumProfiles())
	}
	n := len(names)
	// at names a payoff by its place in the file.
	at := func(k, p int, format string, args ...any) error {
		line, col := lineCol(src, payoffOffset(src, k, p))
		return fmt.Errorf("%s:%d:%d: payoffs[%d][%d]: %s", filename, line, col, k, p, fmt.Sprintf(format, args...))
	}
	lo, hi := 0.0, 0.0
	var loAt, hiAt [2]int
	for k, row := range jg.Payoffs {
		if len(row) != n {
			line, col := lineCol(src, payoffOffset(src, k, -1))
			return nil, fmt.Errorf("%s:%d:%d: payoffs[%d] has %d entries, one per player (%d) expected", filename, line, col, k, len(row), n)
		}
		for p, s := range row {
			v, ok := parseRat(string(s))
			if !ok {
				return nil, at(k, p, "%q is not a number or fraction", shortText(string(s)))
			}
			g.SetPayoff(k, p, v)
			f := g.Payoffs[k*n+p]
			if math.IsInf(f, 0) {
				return nil, at(k, p, "%q is too large for float64 (beyond ±1.8e308)", shortText(string(s)))
			}
			if k == 0 && p == 0 || f < lo {
				lo, loAt = f, [2]int{k, p}
			}
			if k == 0 && p == 0 || f > hi {
				hi, hiAt = f, [2]int{k, p}
			}
		}
	}
	if err := CheckSpread(lo, hi); err != nil {
		last := hiAt
		if loAt[0]*n+loAt[1] > hiAt[0]*n+hiAt[1] {
			last = loAt
		}
		return nil, at(last[0], last[1], "%v", err)
	}
	return g, nil
}

func shortText(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// payoffOffset returns the byte offset of payoffs[k][p] in src (of the
// row payoffs[k] when p < 0), or 0 when it cannot be found. Only error
// messages use it, so it rescans the file.
func payoffOffset(src []byte, k, p int) int64 {
	dec := json.NewDecoder(bytes.NewReader(src))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return 0
		}
		if key == "payoffs" {
			return elementOffset(dec, src, k, p)
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return 0
		}
	}
	return 0
}

// elementOffset walks the payoffs array that dec is about to read.
func elementOffset(dec *json.Decoder, src []byte, k, p int) int64 {
	skipSpace := func(off int64) int64 {
		for off < int64(len(src)) && strings.IndexByte(" \t\r\n,:", src[off]) >= 0 {
			off++
		}
		return off
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return 0
	}
	for i := 0; ; i++ {
		if !dec.More() {
			return 0
		}
		if i < k {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return 0
			}
			continue
		}
		start := skipSpace(dec.InputOffset())
		if p < 0 {
			return start
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return start
		}
		for j := 0; j < p; j++ {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return start
			}
		}
		return skipSpace(dec.InputOffset())
	}
}

// parseRat reads an integer, decimal (with exponent) or fraction a/b,
// refusing the base prefixes big.Rat would accept and huge exponents.
func parseRat(s string) (*big.Rat, bool) {
	if s == "" || len(s) > 1000 || strings.ContainsAny(s, "xXoObBpP_") {
		return nil, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 330 || e < -330 {
			return nil, false
		}
	}
	if num, den, ok := strings.Cut(s, "/"); ok {
		a, ok1 := new(big.Int).SetString(num, 10)
		b, ok2 := new(big.Int).SetString(den, 10)
		if !ok1 || !ok2 || b.Sign() <= 0 {
			return nil, false
		}
		return new(big.Rat).SetFrac(a, b), true
	}
	return new(big.Rat).SetString(s)
}

func lineCol(src []byte, off int64) (int, int) {
	if off > int64(len(src)) {
		off = int64(len(src))
	}
	line, col := 1, 1
	for _, c := range src[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
