// Package gambit reads and writes games in the file formats of the Gambit
// project (.nfg strategic games, .efg trees). Readers report malformed input as
// "file:line:col: what is wrong" and keep payoffs as exact rationals.
package gambit

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/truce-dev/truce/game"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokNumber
	tokText
	tokSymbol
	tokLBrace
	tokRBrace
	tokComma
)

func (k tokKind) String() string {
	switch k {
	case tokEOF:
		return "end of file"
	case tokNumber:
		return "number"
	case tokText:
		return "quoted text"
	case tokSymbol:
		return "word"
	case tokLBrace:
		return "'{'"
	case tokRBrace:
		return "'}'"
	case tokComma:
		return "','"
	}
	return "token"
}

// lexer splits a Gambit savefile into tokens the way Gambit's own lexer
// does: braces, commas, numbers, "quoted labels" (\" escapes a quote) and
// bare words, separated by any whitespace.
type lexer struct {
	file string
	src  []byte
	pos  int
	line int
	col  int // column of src[pos], 1-based

	kind   tokKind
	text   string // label text, word, or number text
	tline  int
	tcol   int
	tstart int // byte offset of the token
	tend   int
	words  []big.Word // slab for the numerators of integers (setInt)
}

func newLexer(file string, src []byte) *lexer {
	return &lexer{file: file, src: src, line: 1, col: 1}
}

// errorf reports an error at the current token.
func (l *lexer) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", l.file, l.tline, l.tcol, fmt.Sprintf(format, args...))
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDelim(c byte) bool {
	return isSpace(c) || c == '{' || c == '}' || c == ',' || c == '"'
}

func (l *lexer) advance() {
	if l.src[l.pos] == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	l.pos++
}

// next reads the next token; errors are only returned for unterminated
// labels, everything else is judged by the parser.
func (l *lexer) next() error {
	for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
		l.advance()
	}
	l.tline, l.tcol, l.tstart = l.line, l.col, l.pos
	l.text = ""
	if l.pos >= len(l.src) {
		l.kind = tokEOF
		l.tend = l.pos
		return nil
	}
	c := l.src[l.pos]
	switch {
	case c == '{':
		l.kind = tokLBrace
		l.advance()
	case c == '}':
		l.kind = tokRBrace
		l.advance()
	case c == ',':
		l.kind = tokComma
		l.advance()
	case c == '"':
		l.advance()
		// Backslashes as Gambit's lexer reads them (readQuoted).
		text, n, ok := readQuoted(l.src[l.pos:])
		if !ok {
			return l.errorf("label not closed: the file ends before the closing '\"'")
		}
		for end := l.pos + n; l.pos < end; {
			l.advance()
		}
		l.kind = tokText
		l.text = text
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		for l.pos < len(l.src) && !isDelim(l.src[l.pos]) {
			l.advance()
		}
		l.kind = tokNumber
	default:
		for l.pos < len(l.src) && !isDelim(l.src[l.pos]) {
			l.advance()
		}
		l.kind = tokSymbol
		l.text = string(l.src[l.tstart:l.pos])
	}
	l.tend = l.pos
	return nil
}

// raw returns the source text of the current token, shortened for messages.
func (l *lexer) raw() string {
	s := string(l.src[l.tstart:l.tend])
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// describe names the current token for error messages.
func (l *lexer) describe() string {
	switch l.kind {
	case tokEOF:
		return "end of file"
	case tokText:
		return fmt.Sprintf("label %q", l.raw())
	case tokSymbol, tokNumber:
		return fmt.Sprintf("%q", l.raw())
	}
	return l.kind.String()
}

// expect reads the next token and checks its kind.
func (l *lexer) expect(k tokKind, what string) error {
	if err := l.next(); err != nil {
		return err
	}
	return l.want(k, what)
}

// want checks the kind of the current token.
func (l *lexer) want(k tokKind, what string) error {
	if l.kind != k {
		return l.errorf("expected %s, found %s", what, l.describe())
	}
	return nil
}

// maxExponent bounds decimal exponents so that a hostile number cannot make
// big.Rat build a gigantic power of ten; anything beyond it is outside
// float64 range anyway.
const maxExponent = 330

// setInt sets r to the integer v without allocating for each payoff: the
// numerator's one word comes from a slab shared by the file's payoffs
// (capacity one, so that a later larger value reallocates instead of
// writing into its neighbour's word), and the denominator is left at
// its zero value, which big.Rat reads as 1. r.SetInt64 makes two
// allocations (numerator and denominator), a third of the reading time
// of a 100×100 game.
func (l *lexer) setInt(r *big.Rat, v int64) {
	if !r.IsInt() {
		r.SetInt64(0) // denominator 1, as the zero value's
	}
	num := r.Num()
	a := uint64(v)
	if v < 0 {
		a = -a
	}
	if v == 0 || uint64(big.Word(a)) != a {
		num.SetInt64(v) // no words, or more than one (32-bit words)
		return
	}
	if len(l.words) == 0 {
		l.words = make([]big.Word, 256)
	}
	w := l.words[:1:1]
	l.words = l.words[1:]
	w[0] = big.Word(a)
	num.SetBits(w)
	if v < 0 {
		num.Neg(num)
	}
}

// number parses the current number token into r; it returns the float
// value too. Accepted forms, as in Gambit: 12, -3, +4, 1.5, .5, 2e3,
// 1.5E-2, 3/4, -7/2.
func (l *lexer) number(r *big.Rat) (float64, error) {
	s := l.src[l.tstart:l.tend]
	// fast path: a small integer
	if len(s) > 0 && len(s) <= 18 {
		neg := false
		i := 0
		if s[0] == '-' || s[0] == '+' {
			neg = s[0] == '-'
			i = 1
		}
		if i < len(s) {
			var v int64
			ok := true
			for _, c := range s[i:] {
				if c < '0' || c > '9' {
					ok = false
					break
				}
				v = v*10 + int64(c-'0')
			}
			if ok {
				if neg {
					v = -v
				}
				l.setInt(r, v)
				return float64(v), nil
			}
		}
	}
	if err := checkNumberSyntax(s); err != "" {
		return 0, l.errorf("%q is not a number (%s); payoffs are written like 3, -1.5, 2e3 or 7/2", l.raw(), err)
	}
	if slash := strings.IndexByte(string(s), '/'); slash >= 0 {
		num, ok1 := new(big.Int).SetString(strings.TrimPrefix(string(s[:slash]), "+"), 10)
		den, ok2 := new(big.Int).SetString(string(s[slash+1:]), 10)
		if !ok1 || !ok2 {
			return 0, l.errorf("%q is not a fraction", l.raw())
		}
		if den.Sign() == 0 {
			return 0, l.errorf("%q divides by zero", l.raw())
		}
		r.SetFrac(num, den)
	} else if _, ok := r.SetString(strings.TrimPrefix(string(s), "+")); !ok {
		return 0, l.errorf("%q is not a number", l.raw())
	}
	f, _ := r.Float64()
	if math.IsInf(f, 0) {
		return 0, l.errorf("%q is too large for a payoff", l.raw())
	}
	return f, nil
}

// checkNumberSyntax accepts sign? digits ('.' digits)? (e sign? digits)?
// (at least one digit in the mantissa) or sign? digits '/' digits, and
// returns why s is not of that form.
func checkNumberSyntax(s []byte) string {
	if len(s) > 1000 {
		return "too long"
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits := i - start
	if i < len(s) && s[i] == '/' {
		if intDigits == 0 {
			return "no numerator"
		}
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j || i != len(s) {
			return "bad denominator"
		}
		return ""
	}
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		fracDigits = i - j
	}
	if intDigits+fracDigits == 0 {
		return "no digits"
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return "exponent without digits"
		}
		e, err := strconv.Atoi(string(s[j:i]))
		if err != nil || e > maxExponent {
			return "exponent out of range"
		}
	}
	if i != len(s) {
		return fmt.Sprintf("unexpected %q", s[i])
	}
	return ""
}

// ReadNFG reads a strategic game in Gambit's .nfg format, in either of its
// forms: a list of payoffs, one per player for each strategy profile with
// player 1's strategy varying fastest, or a list of outcomes followed by
// one outcome number per profile (0 = every payoff zero). Every payoff is
// kept exactly as a rational. filename is used in error messages, which
// read "file:line:col: what is wrong".
func ReadNFG(filename string, r io.Reader) (*game.Strategic, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	return parseNFG(filename, src)
}

func parseNFG(file string, src []byte) (*game.Strategic, error) {
	l := newLexer(file, src)
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		l.pos = 3 // a UTF-8 byte-order mark, as some editors write
	}
	if err := l.next(); err != nil {
		return nil, err
	}
	if l.kind != tokSymbol || l.text != "NFG" {
		return nil, l.errorf("expected the file to start with NFG (a Gambit strategic game), found %s", l.describe())
	}
	if err := l.expect(tokNumber, "version number 1"); err != nil {
		return nil, err
	}
	if l.raw() != "1" {
		return nil, l.errorf("only NFG version 1 is supported, found %s", l.describe())
	}
	if err := l.expect(tokSymbol, "number type D or R"); err != nil {
		return nil, err
	}
	if l.text != "D" && l.text != "R" {
		return nil, l.errorf("expected number type D or R, found %s", l.describe())
	}
	if err := l.expect(tokText, "the game's title in quotes"); err != nil {
		return nil, err
	}
	title := l.text

	// players
	if err := l.expect(tokLBrace, "'{' opening the list of player names"); err != nil {
		return nil, err
	}
	var players []string
	for {
		if err := l.next(); err != nil {
			return nil, err
		}
		if l.kind != tokText {
			break
		}
		players = append(players, l.text)
	}
	if err := l.want(tokRBrace, "a player name in quotes or '}'"); err != nil {
		return nil, err
	}
	if len(players) == 0 {
		return nil, l.errorf("the game has no players; list them like { \"Player 1\" \"Player 2\" }")
	}

	// strategies: either { { "a" "b" } { "c" } } or { 2 1 }
	if err := l.expect(tokLBrace, "'{' opening the strategies"); err != nil {
		return nil, err
	}
	if err := l.next(); err != nil {
		return nil, err
	}
	strategies := make([][]string, len(players))
	profiles := 1
	for p := range players {
		switch l.kind {
		case tokLBrace:
			for {
				if err := l.next(); err != nil {
					return nil, err
				}
				if l.kind != tokText {
					break
				}
				strategies[p] = append(strategies[p], l.text)
			}
			if err := l.want(tokRBrace, "a strategy label in quotes or '}'"); err != nil {
				return nil, err
			}
			if len(strategies[p]) == 0 {
				return nil, l.errorf("player %q has no strategies", players[p])
			}
		case tokNumber:
			n, err := strconv.Atoi(l.raw())
			if err != nil || n <= 0 {
				return nil, l.errorf("expected a positive number of strategies for player %q, found %s", players[p], l.describe())
			}
			if n > len(src) {
				return nil, l.errorf("player %q has %d strategies, more than the file could list payoffs for", players[p], n)
			}
			strategies[p] = make([]string, n)
			for s := range strategies[p] {
				strategies[p][s] = strconv.Itoa(s + 1)
			}
		default:
			if l.kind == tokRBrace {
				return nil, l.errorf("strategies given for %d players but the game has %d", p, len(players))
			}
			return nil, l.errorf("expected the strategies of player %q ({ \"label\" ... } or a count), found %s", players[p], l.describe())
		}
		if profiles > len(src)/len(strategies[p]) {
			return nil, l.errorf("the game has more strategy profiles than the file could list payoffs for")
		}
		profiles *= len(strategies[p])
		if err := l.next(); err != nil {
			return nil, err
		}
	}
	if err := l.want(tokRBrace, fmt.Sprintf("'}' closing the strategies of the %d players", len(players))); err != nil {
		return nil, err
	}
	if err := l.next(); err != nil {
		return nil, err
	}
	comment := ""
	if l.kind == tokText {
		comment = l.text
		if err := l.next(); err != nil {
			return nil, err
		}
	}

	// Each profile needs at least one outcome number (payoff form: one
	// payoff per player) in the file; bound the payoff table by the file's
	// size so that a short hostile file cannot ask for gigabytes.
	if profiles > len(src)/len(players) && profiles*len(players) > 64*len(src)+1<<16 {
		return nil, l.errorf("the game has %d players and %d strategy profiles, more than the file could list payoffs for", len(players), profiles)
	}
	g, err := game.NewStrategic(players, strategies)
	if err != nil {
		return nil, l.errorf("%v", err)
	}
	g.Title, g.Comment = title, comment
	n := len(players)
	var spread payoffSpread
	ex := g.Exact() // NewStrategic's zeros, filled below beside the floats
	switch l.kind {
	case tokNumber:
		l.words = make([]big.Word, len(g.Payoffs))
		for i := range g.Payoffs {
			if l.kind != tokNumber {
				if l.kind == tokEOF {
					return nil, l.errorf("the file ends after %d of the %d payoffs (%d profiles x %d players)", i, len(g.Payoffs), profiles, n)
				}
				return nil, l.errorf("expected payoff %d of %d (a number), found %s", i+1, len(g.Payoffs), l.describe())
			}
			f, err := l.number(ex[i])
			if err != nil {
				return nil, err
			}
			g.Payoffs[i] = f
			spread.add(f, l.tline, l.tcol)
			if err := l.next(); err != nil {
				return nil, err
			}
		}
	case tokLBrace:
		if err := readOutcomes(l, g, ex, profiles, &spread); err != nil {
			return nil, err
		}
	default:
		return nil, l.errorf("expected the payoffs (numbers) or an outcome list ('{'), found %s", l.describe())
	}
	if l.kind != tokEOF {
		return nil, l.errorf("expected end of file after the game, found %s", l.describe())
	}
	if err := spread.check(file); err != nil {
		return nil, err
	}
	// Each float was parsed as the nearest to its rational.
	if err := g.AdoptExact(ex); err != nil {
		return nil, err
	}
	return g, nil
}

// payoffSpread follows the smallest and largest payoff read and where
// they stand, so that a game whose payoff range overflows float64 is
// refused at the payoff that makes it so.
type payoffSpread struct {
	seen          bool
	lo, hi        float64
	loLine, loCol int
	hiLine, hiCol int
}

func (s *payoffSpread) add(v float64, line, col int) {
	if !s.seen || v < s.lo {
		s.lo, s.loLine, s.loCol = v, line, col
	}
	if !s.seen || v > s.hi {
		s.hi, s.hiLine, s.hiCol = v, line, col
	}
	s.seen = true
}

// check returns game.CheckSpread's error at the position of the extreme
// payoff read last (the one that widened the range too far).
func (s *payoffSpread) check(file string) error {
	if !s.seen {
		return nil
	}
	err := game.CheckSpread(s.lo, s.hi)
	if err == nil {
		return nil
	}
	line, col := s.loLine, s.loCol
	if s.hiLine > line || s.hiLine == line && s.hiCol > col {
		line, col = s.hiLine, s.hiCol
	}
	return fmt.Errorf("%s:%d:%d: %v", file, line, col, err)
}

func readOutcomes(l *lexer, g *game.Strategic, ex []*big.Rat, profiles int, spread *payoffSpread) error {
	n := g.NumPlayers()
	type outcome struct {
		exact []*big.Rat
		float []float64
	}
	var outcomes []outcome
	if err := l.next(); err != nil {
		return err
	}
	for l.kind == tokLBrace {
		if err := l.expect(tokText, "the outcome's name in quotes"); err != nil {
			return err
		}
		o := outcome{exact: make([]*big.Rat, n), float: make([]float64, n)}
		if err := l.next(); err != nil {
			return err
		}
		for p := 0; p < n; p++ {
			if l.kind != tokNumber {
				return l.errorf("outcome %d needs %d payoffs, one per player; expected a number, found %s", len(outcomes)+1, n, l.describe())
			}
			o.exact[p] = new(big.Rat)
			f, err := l.number(o.exact[p])
			if err != nil {
				return err
			}
			o.float[p] = f
			spread.add(f, l.tline, l.tcol)
			if err := l.next(); err != nil {
				return err
			}
			if l.kind == tokComma {
				if err := l.next(); err != nil {
					return err
				}
			}
		}
		if err := l.want(tokRBrace, fmt.Sprintf("'}' closing outcome %d after its %d payoffs", len(outcomes)+1, n)); err != nil {
			return err
		}
		outcomes = append(outcomes, o)
		if err := l.next(); err != nil {
			return err
		}
	}
	if err := l.want(tokRBrace, "'{' opening an outcome or '}' closing the outcome list"); err != nil {
		return err
	}
	if err := l.next(); err != nil {
		return err
	}
	for k := 0; k < profiles; k++ {
		if l.kind != tokNumber {
			if l.kind == tokEOF {
				return l.errorf("the file ends after %d of the %d outcome numbers", k, profiles)
			}
			return l.errorf("expected outcome number for profile %d of %d, found %s", k+1, profiles, l.describe())
		}
		id, err := strconv.Atoi(l.raw())
		if err != nil || id < 0 || id > len(outcomes) {
			return l.errorf("outcome number %s out of range: expected 0 (no outcome) to %d", l.describe(), len(outcomes))
		}
		if id > 0 {
			o := outcomes[id-1]
			for p := 0; p < n; p++ {
				g.Payoffs[k*n+p] = o.float[p]
				ex[k*n+p].Set(o.exact[p])
			}
		}
		if err := l.next(); err != nil {
			return err
		}
	}
	return nil
}

// WriteNFG writes g in Gambit's .nfg payoff-list form. Exact payoffs are
// written as integers or fractions (3, -7/2); others in the shortest
// decimal that reads back to the same float64.
func WriteNFG(w io.Writer, g *game.Strategic) error {
	if g == nil || g.NumPlayers() == 0 {
		return fmt.Errorf("gambit: cannot write a game without players")
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("NFG 1 R ")
	quote(bw, cleanText(g.Title))
	bw.WriteString(" {")
	for _, p := range playerLabels(g.Players) {
		bw.WriteByte(' ')
		quote(bw, p)
	}
	bw.WriteString(" }\n\n{")
	for _, ss := range g.Strategies {
		bw.WriteString(" {")
		for _, s := range normalizeLabels(cleanAll(ss)) {
			bw.WriteByte(' ')
			quote(bw, s)
		}
		bw.WriteString(" }\n")
	}
	bw.WriteString("}\n")
	quote(bw, cleanText(g.Comment))
	bw.WriteString("\n\n")
	n := g.NumPlayers()
	exact := g.Exact()
	for k := 0; k < g.NumProfiles(); k++ {
		for p := 0; p < n; p++ {
			if p > 0 {
				bw.WriteByte(' ')
			}
			i := k*n + p
			if exact != nil {
				bw.WriteString(exact[i].RatString())
				continue
			}
			v := g.Payoffs[i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("gambit: payoff %v of player %q cannot be written", v, g.Players[p])
			}
			bw.WriteString(formatFloat(v))
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
