package gambit

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/truce-dev/truce/game"
)

// efgTokKind classifies the tokens of an .efg file.
type efgTokKind int

const (
	efgEOF efgTokKind = iota
	efgWord
	efgString
	efgNumber
	efgLBrace
	efgRBrace
	efgComma
)

type efgToken struct {
	kind      efgTokKind
	text      string
	line, col int
}

func (k efgToken) describe() string {
	switch k.kind {
	case efgEOF:
		return "end of file"
	case efgString:
		return fmt.Sprintf("string %q", k.text)
	case efgLBrace:
		return "'{'"
	case efgRBrace:
		return "'}'"
	case efgComma:
		return "','"
	}
	return fmt.Sprintf("%q", k.text)
}

// efgLexer splits an .efg file into tokens, remembering where each starts.
// It reads from the whole file in memory, column by rune.
type efgLexer struct {
	src       []byte
	pos       int
	file      string
	line, col int
	peeked    efgToken // the token peek read ahead, when hasPeeked
	hasPeeked bool
	err       error
}

// efgError is a parse error at a position.
type efgError struct {
	file      string
	line, col int
	msg       string
}

func (e *efgError) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.file, e.line, e.col, e.msg) }

func (lx *efgLexer) errAt(tok efgToken, format string, args ...any) error {
	return &efgError{lx.file, tok.line, tok.col, fmt.Sprintf(format, args...)}
}

func (lx *efgLexer) readRune() (rune, bool) {
	if lx.pos >= len(lx.src) {
		return 0, false
	}
	c, w := rune(lx.src[lx.pos]), 1
	if c >= utf8.RuneSelf {
		c, w = utf8.DecodeRune(lx.src[lx.pos:])
	}
	lx.pos += w
	if c == '\n' {
		lx.line++
		lx.col = 0
	} else {
		lx.col++
	}
	return c, true
}

func (lx *efgLexer) peek() (efgToken, error) {
	if !lx.hasPeeked {
		t, err := lx.scan()
		if err != nil {
			return t, err
		}
		// Kept in the lexer, not behind a pointer (which allocated a
		// token per peek: half of a .efg file's tokens).
		lx.peeked, lx.hasPeeked = t, true
	}
	return lx.peeked, nil
}

func (lx *efgLexer) next() (efgToken, error) {
	if lx.hasPeeked {
		lx.hasPeeked = false
		return lx.peeked, nil
	}
	return lx.scan()
}

func (lx *efgLexer) scan() (efgToken, error) {
	var c rune
	var ok bool
	for {
		c, ok = lx.readRune()
		if !ok {
			if lx.err != nil {
				return efgToken{}, fmt.Errorf("%s: %w", lx.file, lx.err)
			}
			return efgToken{kind: efgEOF, line: lx.line, col: lx.col + 1}, nil
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' {
			break
		}
	}
	tok := efgToken{line: lx.line, col: lx.col}
	switch {
	case c == '{':
		tok.kind, tok.text = efgLBrace, "{"
	case c == '}':
		tok.kind, tok.text = efgRBrace, "}"
	case c == ',':
		tok.kind, tok.text = efgComma, ","
	case c == '"':
		// Backslashes as Gambit's lexer reads them (see readQuoted): \" is
		// a quote, any other backslash is kept with the character after it.
		var sb strings.Builder
		lastSlash := false
		for {
			d, ok := lx.readRune()
			if !ok {
				return tok, lx.errAt(tok, "string not closed: missing '\"' before end of file")
			}
			if d == '"' && !lastSlash {
				break
			}
			switch {
			case lastSlash && d == '"':
				sb.WriteRune('"')
			case lastSlash:
				sb.WriteRune('\\')
				sb.WriteRune(d)
			case d != '\\':
				sb.WriteRune(d)
			}
			lastSlash = d == '\\'
		}
		tok.kind, tok.text = efgString, sb.String()
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		start := lx.pos - 1
		for lx.pos < len(lx.src) {
			d := lx.src[lx.pos]
			if !((d >= '0' && d <= '9') || d == '.' || d == '/' || d == 'e' || d == 'E' || d == '-' || d == '+') {
				break
			}
			lx.pos++
			lx.col++
		}
		tok.kind, tok.text = efgNumber, string(lx.src[start:lx.pos])
	case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		start := lx.pos - 1
		for lx.pos < len(lx.src) {
			d := lx.src[lx.pos]
			if !((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || (d >= '0' && d <= '9') || d == '_') {
				break
			}
			lx.pos++
			lx.col++
		}
		tok.kind, tok.text = efgWord, string(lx.src[start:lx.pos])
	default:
		return tok, lx.errAt(tok, "unexpected character %q", c)
	}
	return tok, nil
}

// efgParseNumber reads an integer, decimal ("-.5", "1e-3") or fraction
// ("3/4") exactly.
// smallInt parses an optional sign and 1 to 18 decimal digits.
func smallInt(s string) (int64, bool) {
	neg, i := false, 0
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	if i == len(s) || len(s)-i > 18 {
		return 0, false
	}
	v := int64(0)
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int64(s[i]-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

func efgParseNumber(s string) (*big.Rat, bool) {
	if len(s) > 1000 {
		return nil, false
	}
	if len(s) <= 18 {
		// the common case, a small integer, without big.Rat's parser
		neg, i := false, 0
		if s != "" && (s[0] == '-' || s[0] == '+') {
			neg, i = s[0] == '-', 1
		}
		if i < len(s) {
			v := int64(0)
			for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
				v = v*10 + int64(s[i]-'0')
			}
			if i == len(s) {
				if neg {
					v = -v
				}
				return big.NewRat(v, 1), true
			}
		}
	}
	if strings.Count(s, "/") == 1 {
		i := strings.IndexByte(s, '/')
		// the common fraction, small integers over a positive one (1/2,
		// -3/4), without big.Int's parser: the same reduced value
		if a, ok1 := smallInt(s[:i]); ok1 {
			if b, ok2 := smallInt(s[i+1:]); ok2 && b > 0 && s[i+1] != '+' {
				return big.NewRat(a, b), true
			}
		}
		num, ok1 := new(big.Int).SetString(s[:i], 10)
		den, ok2 := new(big.Int).SetString(s[i+1:], 10)
		if !ok1 || !ok2 || den.Sign() <= 0 {
			return nil, false
		}
		return new(big.Rat).SetFrac(num, den), true
	}
	if strings.ContainsAny(s, "/") {
		return nil, false
	}
	if strings.ContainsAny(s, "eE") {
		// bound the exponent: big.Rat would try to build 10^huge
		if i := strings.IndexAny(s, "eE"); i >= 0 {
			e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
			if err != nil || e > 400 || e < -400 {
				return nil, false
			}
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, false
	}
	return r, true
}

type efgParser struct {
	lx       *efgLexer
	t        *game.Tree
	infosets map[[2]int]int // (player or 0 for chance, file number) -> index
	outcomes map[int]int    // file number -> index
	// outcomeAt[i] is where outcome i's payoffs are given.
	outcomeAt []efgToken
}

// ReadEFG reads a game tree in Gambit's .efg format (the "EFG 2 R" form
// Gambit writes today and the older "EFG 1" header; payoffs may be
// separated by commas or spaces). Errors read "file:line:col: message".
// Node, infoset and outcome labels may repeat: they are names, not
// identities. A tree without perfect recall loads; methods that need
// perfect recall refuse it (see game.Tree.PerfectRecall).
func ReadEFG(filename string, r io.Reader) (*game.Tree, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark, as some editors write
	p := &efgParser{
		lx:       &efgLexer{src: src, file: filename, line: 1},
		infosets: map[[2]int]int{},
		outcomes: map[int]int{},
	}
	t, err := p.parse()
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (p *efgParser) expect(kind efgTokKind, what string) (efgToken, error) {
	tok, err := p.lx.next()
	if err != nil {
		return tok, err
	}
	if tok.kind != kind {
		return tok, p.lx.errAt(tok, "expected %s, found %s", what, tok.describe())
	}
	return tok, nil
}

func (p *efgParser) expectInt(what string, min int) (int, efgToken, error) {
	tok, err := p.lx.next()
	if err != nil {
		return 0, tok, err
	}
	if tok.kind != efgNumber {
		return 0, tok, p.lx.errAt(tok, "expected %s (a whole number), found %s", what, tok.describe())
	}
	v, err := strconv.Atoi(tok.text)
	if err != nil || v < min || v > 1<<30 {
		return 0, tok, p.lx.errAt(tok, "expected %s (a whole number >= %d), found %q", what, min, tok.text)
	}
	return v, tok, nil
}

func (p *efgParser) parse() (*game.Tree, error) {
	lx := p.lx
	tok, err := p.expect(efgWord, "\"EFG\" at the start of an .efg file")
	if err != nil {
		return nil, err
	}
	if tok.text != "EFG" {
		return nil, lx.errAt(tok, "expected \"EFG\" at the start of an .efg file, found %q (is this an .nfg file?)", tok.text)
	}
	ver, err := p.expect(efgNumber, "format version 1 or 2 after EFG")
	if err != nil {
		return nil, err
	}
	if ver.text != "1" && ver.text != "2" {
		return nil, lx.errAt(ver, "unsupported .efg version %q (want 1 or 2)", ver.text)
	}
	rd, err := p.expect(efgWord, "R or D after the version")
	if err != nil {
		return nil, err
	}
	if rd.text != "R" && rd.text != "D" {
		return nil, lx.errAt(rd, "expected R or D after the version, found %q", rd.text)
	}
	title, err := p.expect(efgString, "the game's title in quotes")
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(efgLBrace, "'{' opening the list of player names"); err != nil {
		return nil, err
	}
	var players []string
	for {
		tok, err := lx.next()
		if err != nil {
			return nil, err
		}
		if tok.kind == efgRBrace {
			break
		}
		if tok.kind != efgString {
			return nil, lx.errAt(tok, "expected a quoted player name or '}', found %s", tok.describe())
		}
		players = append(players, tok.text)
	}
	if len(players) == 0 {
		return nil, lx.errAt(title, "the game has no players")
	}
	t := game.NewTree(title.text, players)
	p.t = t
	// optional comment
	if tok, err := lx.peek(); err != nil {
		return nil, err
	} else if tok.kind == efgString {
		lx.next()
		t.Comment = tok.text
	}
	// nodes in preorder: a stack of nodes still waiting for children
	first, err := lx.peek()
	if err != nil {
		return nil, err
	}
	if first.kind == efgEOF {
		return nil, lx.errAt(first, "the game has no nodes: expected a node line starting with c, p or t")
	}
	pending := []int{0}
	for len(pending) > 0 {
		n := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		children, err := p.node(n)
		if err != nil {
			return nil, err
		}
		for i := len(children) - 1; i >= 0; i-- {
			pending = append(pending, children[i])
		}
	}
	if tok, err := lx.next(); err != nil {
		return nil, err
	} else if tok.kind != efgEOF {
		return nil, lx.errAt(tok, "unexpected %s after the last node of the tree", tok.describe())
	}
	if err := t.Finish(); err != nil {
		return nil, fmt.Errorf("%s: %w", lx.file, err)
	}
	lo, hi := t.PayoffBounds()
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		// every outcome is finite (checked as read): a path's sum is not
		return nil, lx.errAt(p.largestOutcome(), "the payoffs of the outcomes along a path add up to more than float64 can hold (±1.8e308); rescale the payoffs")
	}
	if err := game.CheckSpread(lo, hi); err != nil {
		return nil, lx.errAt(p.largestOutcome(), "%v", err)
	}
	return t, nil
}

// largestOutcome returns where the outcome with the payoff of largest
// magnitude is defined: the one to blame when the payoffs' range
// overflows.
func (p *efgParser) largestOutcome() efgToken {
	best, at := -1.0, efgToken{line: 1, col: 1}
	for i, o := range p.t.Outcomes {
		for _, v := range o.Payoffs {
			if a := math.Abs(v); a >= best || a != a {
				best, at = a, p.outcomeAt[i]
			}
		}
	}
	return at
}

// shorten cuts long token text for messages.
func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// node reads the line describing node n and returns its children.
func (p *efgParser) node(n int) ([]int, error) {
	lx := p.lx
	tok, err := lx.next()
	if err != nil {
		return nil, err
	}
	if tok.kind == efgEOF {
		return nil, lx.errAt(tok, "the tree ends early: a node still needs its subtree (expected a line starting with c, p or t)")
	}
	if tok.kind != efgWord || (tok.text != "c" && tok.text != "p" && tok.text != "t") {
		return nil, lx.errAt(tok, "expected a node type c (chance), p (personal) or t (terminal), found %s", tok.describe())
	}
	kind := tok.text
	label, err := p.expect(efgString, "the node's label in quotes (\"\" for none)")
	if err != nil {
		return nil, err
	}
	infoset := -1
	switch kind {
	case "c":
		infoset, err = p.infoset(game.Chance)
	case "p":
		pl, ptok, err2 := p.expectInt("the player number", 1)
		if err2 != nil {
			return nil, err2
		}
		if pl > len(p.t.Players) {
			return nil, lx.errAt(ptok, "player %d does not exist: the game has %d players", pl, len(p.t.Players))
		}
		infoset, err = p.infoset(pl - 1)
	}
	if err != nil {
		return nil, err
	}
	outcome, err := p.outcome()
	if err != nil {
		return nil, err
	}
	if err := p.t.SetNode(n, label.text, infoset, outcome); err != nil {
		return nil, lx.errAt(tok, "%v", err)
	}
	return p.t.Nodes[n].Children, nil
}

// infoset reads "number [label] [{ actions }]" for player pl.
func (p *efgParser) infoset(pl int) (int, error) {
	lx := p.lx
	num, ntok, err := p.expectInt("the information set number", 1)
	if err != nil {
		return -1, err
	}
	key := [2]int{pl, num}
	idx, seen := p.infosets[key]
	label := ""
	tok, err := lx.peek()
	if err != nil {
		return -1, err
	}
	hasLabel := false
	if tok.kind == efgString {
		lx.next()
		label, hasLabel = tok.text, true
	}
	tok, err = lx.peek()
	if err != nil {
		return -1, err
	}
	if tok.kind != efgLBrace {
		if !seen {
			if hasLabel {
				return -1, lx.errAt(tok, "expected '{' and the actions of new information set %d, found %s", num, tok.describe())
			}
			return -1, lx.errAt(tok, "information set %d is used before it is defined: give its label and actions, e.g. \"name\" { \"a\" \"b\" }", num)
		}
		return idx, nil
	}
	open, _ := lx.next()
	var actions []string
	var probs []*big.Rat
	for {
		tok, err := lx.next()
		if err != nil {
			return -1, err
		}
		if tok.kind == efgRBrace {
			break
		}
		if tok.kind != efgString {
			return -1, lx.errAt(tok, "expected a quoted action name or '}', found %s", tok.describe())
		}
		actions = append(actions, tok.text)
		if pl == game.Chance {
			pt, err := lx.next()
			if err != nil {
				return -1, err
			}
			if pt.kind != efgNumber {
				return -1, lx.errAt(pt, "expected the probability of chance action %q, found %s", tok.text, pt.describe())
			}
			r, ok := efgParseNumber(pt.text)
			if !ok || r.Sign() < 0 {
				return -1, lx.errAt(pt, "bad probability %q: want a number between 0 and 1 such as 1/3 or 0.25", shorten(pt.text))
			}
			probs = append(probs, r)
		}
	}
	if len(actions) == 0 {
		return -1, lx.errAt(open, "information set %d has no actions", num)
	}
	if seen {
		if len(p.t.Infosets[idx].Actions) != len(actions) {
			return -1, lx.errAt(open, "information set %d was defined with %d actions, here it has %d", num, len(p.t.Infosets[idx].Actions), len(actions))
		}
		return idx, nil
	}
	idx, err = p.t.NewInfoset(pl, num, label, actions, probs)
	if err != nil {
		return -1, lx.errAt(ntok, "%s", strings.TrimPrefix(err.Error(), "game: "))
	}
	p.infosets[key] = idx
	return idx, nil
}

// outcome reads "number [label] [{ payoffs }]"; 0 means no outcome.
func (p *efgParser) outcome() (int, error) {
	lx := p.lx
	num, ntok, err := p.expectInt("the outcome number (0 for none)", 0)
	if err != nil {
		return -1, err
	}
	label := ""
	tok, err := lx.peek()
	if err != nil {
		return -1, err
	}
	if tok.kind == efgString {
		lx.next()
		label = tok.text
		if tok, err = lx.peek(); err != nil {
			return -1, err
		}
	}
	idx, seen := p.outcomes[num]
	if tok.kind != efgLBrace {
		if num == 0 {
			return -1, nil
		}
		if !seen {
			return -1, lx.errAt(ntok, "outcome %d is used before its payoffs are given: write e.g. %d \"name\" { 1, 2 }", num, num)
		}
		return idx, nil
	}
	open, _ := lx.next()
	var pay []*big.Rat
	for {
		tok, err := lx.next()
		if err != nil {
			return -1, err
		}
		if tok.kind == efgRBrace {
			break
		}
		if tok.kind == efgComma {
			continue
		}
		if tok.kind != efgNumber {
			return -1, lx.errAt(tok, "expected a payoff (a number) or '}', found %s", tok.describe())
		}
		r, ok := efgParseNumber(tok.text)
		if !ok {
			return -1, lx.errAt(tok, "bad payoff %q: want a number such as 3, -1.5 or 2/3", shorten(tok.text))
		}
		if f, _ := r.Float64(); math.IsInf(f, 0) {
			return -1, lx.errAt(tok, "payoff %q is too large for float64 (beyond ±1.8e308)", shorten(tok.text))
		}
		pay = append(pay, r)
	}
	if len(pay) != len(p.t.Players) {
		return -1, lx.errAt(open, "outcome %d has %d payoffs but the game has %d players", num, len(pay), len(p.t.Players))
	}
	if num == 0 {
		return -1, lx.errAt(ntok, "outcome 0 means \"no outcome\" and cannot have payoffs: number outcomes from 1")
	}
	if seen {
		// Gambit lets a later mention restate the payoffs; they must agree.
		o := &p.t.Outcomes[idx]
		for i := range pay {
			if o.Exact[i].Cmp(pay[i]) != 0 {
				return -1, lx.errAt(open, "outcome %d was first given payoff %s for player %d, here %s", num, o.Exact[i].RatString(), i+1, pay[i].RatString())
			}
		}
		return idx, nil
	}
	idx, err = p.t.NewOutcome(num, label, pay)
	if err != nil {
		return -1, lx.errAt(open, "%s", strings.TrimPrefix(err.Error(), "game: "))
	}
	p.outcomes[num] = idx
	p.outcomeAt = append(p.outcomeAt, open)
	return idx, nil
}
