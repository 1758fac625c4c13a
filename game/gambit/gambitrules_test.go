package gambit

// Gambit 17's reading rules, written out in Go from its source
// (src/games/file.cc, game.h and core/rational.cc of Gambit 17.0.0-alpha.2),
// so that a test can read what truce writes the way Gambit would: its
// lexer (numbers, quoted labels and their backslashes), its number parser,
// the label rules it enforces (and refuses a file for) and the renaming it
// applies. The writers pass when Gambit would read their files without an
// error and without renaming anything, and the game it builds is the one
// truce read.

import (
	"fmt"
	"math/big"
	"strconv"
	"unicode"
	"unicode/utf8"
)

type gTok int

const (
	gEOF gTok = iota
	gLBrace
	gRBrace
	gComma
	gNumber
	gText
	gSymbol
)

// gLexer is GameFileLexer.
type gLexer struct {
	src  []byte
	pos  int
	line int
	tok  gTok
	text string
}

func (l *gLexer) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", l.line, fmt.Sprintf(format, args...))
}

func gSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
func gDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *gLexer) read() (byte, bool) {
	if l.pos >= len(l.src) {
		l.pos++
		return 0, false
	}
	c := l.src[l.pos]
	l.pos++
	return c, true
}

func (l *gLexer) unread() {
	if l.pos <= len(l.src) {
		l.pos--
	}
}

func (l *gLexer) next() (gTok, error) {
	c := byte(' ')
	ok := true
	for gSpace(c) {
		if c, ok = l.read(); !ok {
			l.tok = gEOF
			return gEOF, nil
		}
		if c == '\n' {
			l.line++
		}
	}
	switch {
	case c == '{':
		l.tok = gLBrace
	case c == '}':
		l.tok = gRBrace
	case c == ',':
		l.tok = gComma
	case gDigit(c) || c == '-' || c == '+' || c == '.':
		buf := []byte{c}
		digits := func() {
			for {
				d, ok := l.read()
				if !ok {
					return
				}
				if !gDigit(d) {
					l.unread()
					return
				}
				buf = append(buf, d)
			}
		}
		exp := func() error {
			d, _ := l.read()
			buf = append(buf, d)
			if d != '+' && d != '-' && !gDigit(d) {
				return l.errorf("Invalid Token +/-")
			}
			digits()
			return nil
		}
		if c != '.' {
			digits()
		}
		d, ok := l.read()
		switch {
		case ok && c != '.' && d == '.' || c == '.':
			if c != '.' {
				buf = append(buf, d)
			} else if ok {
				l.unread()
			}
			digits()
			if e, ok := l.read(); ok && (e == 'e' || e == 'E') && c != '.' {
				buf = append(buf, e)
				if err := exp(); err != nil {
					return 0, err
				}
			} else if ok {
				l.unread()
			}
		case ok && d == '/':
			buf = append(buf, d)
			digits()
		case ok && (d == 'e' || d == 'E'):
			buf = append(buf, d)
			if err := exp(); err != nil {
				return 0, err
			}
		case ok:
			l.unread()
		}
		l.tok, l.text = gNumber, string(buf)
	case c == '"':
		text, n, ok := readQuoted(l.src[l.pos:])
		if !ok {
			return 0, l.errorf("End of file encountered when reading string label")
		}
		for _, b := range l.src[l.pos : l.pos+n] {
			if b == '\n' {
				l.line++
			}
		}
		l.pos += n
		l.tok, l.text = gText, text
	default:
		buf := []byte{c}
		for {
			d, ok := l.read()
			if !ok || gSpace(d) {
				break
			}
			buf = append(buf, d)
		}
		l.tok, l.text = gSymbol, string(buf)
	}
	return l.tok, nil
}

func (l *gLexer) expect(t gTok, what string) error {
	got, err := l.next()
	if err != nil {
		return err
	}
	if got != t {
		return l.errorf("expected %s", what)
	}
	return nil
}

// gRational is lexical_cast<Rational>: digits, then "/digits", or
// ".digits" with an optional exponent, or an exponent; a "+" in the
// exponent (or a leading "+") is not understood. It returns an error
// where Gambit's value would differ from the text's.
func gRational(s string) (*big.Rat, error) {
	i := 0
	sign := int64(1)
	if i < len(s) && s[i] == '-' {
		sign, i = -1, i+1
	}
	start := i
	for i < len(s) && gDigit(s[i]) {
		i++
	}
	num := new(big.Int)
	num.SetString("0"+s[start:i], 10)
	den := big.NewInt(1)
	exp := func() error {
		i++
		esign := 1
		if i < len(s) && s[i] == '-' {
			esign, i = -1, i+1
		}
		j := i
		for i < len(s) && gDigit(s[i]) {
			i++
		}
		if i == j {
			return fmt.Errorf("Gambit reads the exponent of %q as 0", s)
		}
		e, _ := strconv.Atoi(s[j:i])
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil)
		if esign > 0 {
			num.Mul(num, p)
		} else {
			den.Mul(den, p)
		}
		return nil
	}
	switch {
	case i < len(s) && s[i] == '/':
		j := i + 1
		for i = j; i < len(s) && gDigit(s[i]); i++ {
		}
		den.SetString("0"+s[j:i], 10)
		if den.Sign() == 0 {
			return nil, fmt.Errorf("%q divides by zero", s)
		}
	case i < len(s) && s[i] == '.':
		for i++; i < len(s) && gDigit(s[i]); i++ {
			num.Mul(num, big.NewInt(10))
			num.Add(num, big.NewInt(int64(s[i]-'0')))
			den.Mul(den, big.NewInt(10))
		}
		if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
			if err := exp(); err != nil {
				return nil, err
			}
		}
	case i < len(s) && (s[i] == 'e' || s[i] == 'E'):
		if err := exp(); err != nil {
			return nil, err
		}
	}
	if i != len(s) {
		return nil, fmt.Errorf("Gambit stops reading %q at %q", s, s[i:])
	}
	return new(big.Rat).SetFrac(num.Mul(num, big.NewInt(sign)), den), nil
}

// gValidLabel is IsValidLabel.
func gValidLabel(s string) bool {
	if s == "" {
		return true
	}
	if !utf8.ValidString(s) {
		return false
	}
	control := func(r rune) bool {
		return r <= 0x1f || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029
	}
	space := func(r rune) bool { return unicode.Is(unicode.Zs, r) }
	rs := []rune(s)
	if control(rs[0]) || space(rs[0]) || control(rs[len(rs)-1]) || space(rs[len(rs)-1]) {
		return false
	}
	prev := false
	for _, r := range rs {
		if control(r) {
			return false
		}
		if space(r) && prev {
			return false
		}
		prev = space(r)
	}
	return true
}

// gLabels checks labels that Gambit refuses when invalid and renames when
// empty or repeated (normalize) or refuses when repeated (unique): truce's
// files must need no renaming.
func gLabels(what string, labels []string, normalize bool) error {
	seen := map[string]bool{}
	for _, l := range labels {
		if !gValidLabel(l) {
			return fmt.Errorf("%s label %q is invalid for Gambit", what, l)
		}
		if l == "" {
			if normalize {
				return fmt.Errorf("%s label is empty: Gambit renames it", what)
			}
			continue
		}
		if seen[l] {
			if normalize {
				return fmt.Errorf("%s label %q repeats: Gambit renames it", what, l)
			}
			return fmt.Errorf("%s label %q repeats: Gambit refuses the file", what, l)
		}
		seen[l] = true
	}
	return nil
}

// gHeader reads "KIND VERSION D|R "title" { "player" ... }", as
// ParseNfgHeader and ReadEfgFile do, with the player labels' rules.
func gHeader(l *gLexer, kind, version string) (string, []string, error) {
	if t, _ := l.next(); t != gSymbol || l.text != kind {
		return "", nil, l.errorf("Expecting %s file type indicator", kind)
	}
	if t, _ := l.next(); t != gNumber || l.text != version {
		return "", nil, l.errorf("Accepting only %s version %s", kind, version)
	}
	if t, _ := l.next(); t != gSymbol || (l.text != "D" && l.text != "R") {
		return "", nil, l.errorf("Accepting only %s R or D data type", kind)
	}
	if t, _ := l.next(); t != gText {
		return "", nil, l.errorf("Game title missing")
	}
	title := l.text
	if !utf8.ValidString(title) {
		return "", nil, l.errorf("title is not UTF-8")
	}
	if err := l.expect(gLBrace, "'{'"); err != nil {
		return "", nil, err
	}
	var players []string
	for {
		t, err := l.next()
		if err != nil {
			return "", nil, err
		}
		if t != gText {
			break
		}
		players = append(players, l.text)
	}
	if l.tok != gRBrace {
		return "", nil, l.errorf("expected '}'")
	}
	if err := gLabels("player", players, true); err != nil {
		return "", nil, err
	}
	return title, players, nil
}

// gNode is one node as Gambit builds it.
type gNode struct {
	kind     byte // 'c', 'p', 't'
	label    string
	player   int // 0 chance
	infoset  int // file number
	outcome  int // file number, 0 none
	children []*gNode
}

type gInfoset struct {
	label   string
	actions []string
	probs   []*big.Rat
}

type gOutcome struct {
	label   string
	payoffs []*big.Rat
}

// gTree is an .efg file as Gambit reads it.
type gTree struct {
	title, comment string
	players        []string
	root           *gNode
	infosets       map[[2]int]*gInfoset
	outcomes       map[int]*gOutcome
	outcomeOrder   []int
	nodeLabels     []string
}

// gambitReadEFG reads src by Gambit 17's rules; an error is a file
// Gambit refuses or would rename labels in.
func gambitReadEFG(src []byte) (*gTree, error) {
	l := &gLexer{src: src, line: 1}
	title, players, err := gHeader(l, "EFG", "2")
	if err != nil {
		return nil, err
	}
	g := &gTree{title: title, players: players, infosets: map[[2]int]*gInfoset{}, outcomes: map[int]*gOutcome{}}
	for _, p := range g.players {
		if p == "Chance" {
			return nil, fmt.Errorf("player label must not be the reserved chance player label")
		}
	}
	if _, err := l.next(); err != nil {
		return nil, err
	}
	if l.tok == gText {
		g.comment = l.text
		if _, err := l.next(); err != nil {
			return nil, err
		}
	}

	if g.root, err = g.node(l); err != nil {
		return nil, err
	}
	if l.tok != gEOF {
		return nil, l.errorf("text after the tree")
	}
	if err := gLabels("node", g.nodeLabels, false); err != nil {
		return nil, err
	}
	perPlayer := map[int][]string{}
	for k, is := range g.infosets {
		perPlayer[k[0]] = append(perPlayer[k[0]], is.label)
		if err := gLabels("action", is.actions, true); err != nil {
			return nil, err
		}
	}
	for p, labels := range perPlayer {
		if err := gLabels(fmt.Sprintf("player %d's information set", p), labels, false); err != nil {
			return nil, err
		}
	}
	var outLabels []string
	for _, id := range g.outcomeOrder {
		outLabels = append(outLabels, g.outcomes[id].label)
	}
	if err := gLabels("outcome", outLabels, true); err != nil {
		return nil, err
	}
	return g, nil
}

// node is ParseNode: the current token is the node's type; on return it
// is the token after the node's subtree.
func (g *gTree) node(l *gLexer) (*gNode, error) {
	if l.tok != gSymbol {
		return nil, l.errorf("Invalid type of node")
	}
	n := &gNode{kind: l.text[0]}
	if len(l.text) != 1 || (n.kind != 'c' && n.kind != 'p' && n.kind != 't') {
		return nil, l.errorf("Invalid type of node")
	}
	if err := l.expect(gText, "node label"); err != nil {
		return nil, err
	}
	n.label = l.text
	g.nodeLabels = append(g.nodeLabels, n.label)
	var is *gInfoset
	if n.kind != 't' {
		if n.kind == 'p' {
			if err := l.expect(gNumber, "player id"); err != nil {
				return nil, err
			}
			n.player, _ = strconv.Atoi(l.text)
			if n.player < 1 || n.player > len(g.players) {
				return nil, l.errorf("no player %d", n.player)
			}
		}
		if err := l.expect(gNumber, "infoset id"); err != nil {
			return nil, err
		}
		n.infoset, _ = strconv.Atoi(l.text)
		key := [2]int{n.player, n.infoset}
		is = g.infosets[key]
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		if t == gText {
			def := &gInfoset{label: l.text}
			if err := l.expect(gLBrace, "'{'"); err != nil {
				return nil, err
			}
			if _, err := l.next(); err != nil {
				return nil, err
			}
			for l.tok != gRBrace {
				if l.tok != gText {
					return nil, l.errorf("expected action label")
				}
				def.actions = append(def.actions, l.text)
				if n.kind == 'c' {
					if err := l.expect(gNumber, "action probability"); err != nil {
						return nil, err
					}
					r, err := gRational(l.text)
					if err != nil {
						return nil, err
					}
					def.probs = append(def.probs, r)
				}
				if _, err := l.next(); err != nil {
					return nil, err
				}
			}
			if is != nil {
				return nil, l.errorf("information set restated (truce writes each once)")
			}
			is = def
			g.infosets[key] = is
			if _, err := l.next(); err != nil {
				return nil, err
			}
		} else if is == nil {
			return nil, l.errorf("Referencing an undefined infoset")
		}
	} else if _, err := l.next(); err != nil {
		return nil, err
	}
	// ParseOutcome: the current token is the outcome number
	if l.tok != gNumber {
		return nil, l.errorf("expected index of outcome")
	}
	n.outcome, _ = strconv.Atoi(l.text)
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	if t == gText {
		if n.outcome == 0 {
			return nil, l.errorf("Cannot specify a label or payoffs for the null outcome")
		}
		o := &gOutcome{label: l.text}
		if err := l.expect(gLBrace, "'{'"); err != nil {
			return nil, err
		}
		if _, err := l.next(); err != nil {
			return nil, err
		}
		for range g.players {
			if l.tok != gNumber {
				return nil, l.errorf("expected numerical payoff")
			}
			r, err := gRational(l.text)
			if err != nil {
				return nil, err
			}
			o.payoffs = append(o.payoffs, r)
			if t, _ := l.next(); t == gComma {
				l.next()
			}
		}
		if l.tok != gRBrace {
			return nil, l.errorf("expected '}'")
		}
		if prev, ok := g.outcomes[n.outcome]; ok {
			if prev.label != o.label {
				return nil, l.errorf("Outcome label does not match previous definition")
			}
			for i := range o.payoffs {
				if prev.payoffs[i].Cmp(o.payoffs[i]) != 0 {
					return nil, l.errorf("Outcome payoffs do not match previous definition")
				}
			}
		} else {
			g.outcomes[n.outcome] = o
			g.outcomeOrder = append(g.outcomeOrder, n.outcome)
		}
		if _, err := l.next(); err != nil {
			return nil, err
		}
	} else if n.outcome != 0 {
		if _, ok := g.outcomes[n.outcome]; !ok {
			return nil, l.errorf("Outcome not defined")
		}
	}
	if is != nil {
		for range is.actions {
			c, err := g.node(l)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
		}
	}
	return n, nil
}

// gGame is an .nfg file as Gambit reads it.
type gGame struct {
	title, comment string
	players        []string
	strategies     [][]string
	payoffs        []*big.Rat // profile-major, Gambit's order
}

// gambitReadNFG reads src by Gambit 17's rules (payoff form, the one
// truce writes); an error is a file Gambit refuses or would rename
// labels in.
func gambitReadNFG(src []byte) (*gGame, error) {
	l := &gLexer{src: src, line: 1}
	title, players, err := gHeader(l, "NFG", "1")
	if err != nil {
		return nil, err
	}
	g := &gGame{title: title, players: players}
	if err := l.expect(gLBrace, "'{'"); err != nil {
		return nil, err
	}
	if _, err := l.next(); err != nil {
		return nil, err
	}
	profiles := 1
	for range g.players {
		var ss []string
		if l.tok != gLBrace {
			return nil, l.errorf("expected '{' (truce writes strategy labels)")
		}
		for {
			t, err := l.next()
			if err != nil {
				return nil, err
			}
			if t != gText {
				break
			}
			ss = append(ss, l.text)
		}
		if l.tok != gRBrace {
			return nil, l.errorf("expected '}'")
		}
		if err := gLabels("strategy", ss, true); err != nil {
			return nil, err
		}
		g.strategies = append(g.strategies, ss)
		profiles *= len(ss)
		if _, err := l.next(); err != nil {
			return nil, err
		}
	}
	if l.tok != gRBrace {
		return nil, l.errorf("expected '}'")
	}
	if _, err := l.next(); err != nil {
		return nil, err
	}
	if l.tok == gText {
		g.comment = l.text
		if _, err := l.next(); err != nil {
			return nil, err
		}
	}
	for i := 0; i < profiles*len(g.players); i++ {
		if l.tok != gNumber {
			return nil, l.errorf("expected numerical payoff")
		}
		r, err := gRational(l.text)
		if err != nil {
			return nil, err
		}
		g.payoffs = append(g.payoffs, r)
		if _, err := l.next(); err != nil {
			return nil, err
		}
	}
	if l.tok != gEOF {
		return nil, l.errorf("expected end-of-file")
	}
	return g, nil
}
