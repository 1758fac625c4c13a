package gmcr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Formula is a statement about options, true or false in each state:
// preference statements of option prioritisation and infeasibility rules.
//
// The notation is GMCR II's, with words and symbols as synonyms:
//
//	not A, !A, -A, ¬A, ~A   A is not taken
//	A & B, A and B, A ∧ B   both
//	A | B, A or B, A ∨ B    either
//	A IF B                  A holds whenever B does (B implies A)
//	A -> B, A => B          A implies B
//	A IFF B, A <-> B        both or neither
//
// An option is named by its id, by DM.id, or by its 1-based number in file
// order (GMCR II's "-3 IF 5"). Precedence, tightest first: not, and, or,
// IF/->, IFF/<->; parentheses group.
type Formula struct {
	Src  string
	root *fnode
}

type fop int

const (
	fVar fop = iota
	fConst
	fNot
	fAnd
	fOr
	fImp // a -> b
	fIff
)

type fnode struct {
	op   fop
	opt  int  // fVar
	val  bool // fConst
	a, b *fnode
}

// Eval reports whether f holds in the state with the given code.
func (f *Formula) Eval(code uint64) bool { return f.root.eval(code) }

func (n *fnode) eval(code uint64) bool {
	switch n.op {
	case fVar:
		return code&(1<<uint(n.opt)) != 0
	case fConst:
		return n.val
	case fNot:
		return !n.a.eval(code)
	case fAnd:
		return n.a.eval(code) && n.b.eval(code)
	case fOr:
		return n.a.eval(code) || n.b.eval(code)
	case fImp:
		return !n.a.eval(code) || n.b.eval(code)
	case fIff:
		return n.a.eval(code) == n.b.eval(code)
	}
	return false
}

// Violates is the formula that holds where "if a then b" is broken,
// (a) & !(b), built from the two parsed formulas rather than re-parsed from
// their text, which could pass the length or nesting limit of ParseFormula
// that each part keeps.
func Violates(a, b *Formula) *Formula {
	return &Formula{
		Src:  "(" + a.Src + ") & !(" + b.Src + ")",
		root: &fnode{op: fAnd, a: a.root, b: &fnode{op: fNot, a: b.root}},
	}
}

// FormulaError is a syntax or name error at a byte offset of the formula.
type FormulaError struct {
	Offset int // byte offset into the source
	Msg    string
	Hint   string
}

func (e *FormulaError) Error() string { return fmt.Sprintf("at offset %d: %s", e.Offset, e.Msg) }

// maxFormulaDepth bounds nesting so that a hostile statement cannot exhaust
// the stack; maxFormulaLen bounds its length.
const (
	maxFormulaDepth = 500
	maxFormulaLen   = 4096
)

// ParseFormula reads a statement; resolve maps an option's name (id or
// DM.id) to its index, and numbers are 1-based option numbers among n.
func ParseFormula(src string, n int, resolve func(name string) (int, bool)) (*Formula, error) {
	if len(src) > maxFormulaLen {
		return nil, &FormulaError{0, fmt.Sprintf("statement too long (%d bytes, limit %d)", len(src), maxFormulaLen), ""}
	}
	p := &fparser{src: src, n: n, resolve: resolve}
	p.next()
	if p.tok == tEOF {
		return nil, &FormulaError{0, "empty statement", "name an option, e.g. strike or !strike"}
	}
	root, err := p.iff(0)
	if err != nil {
		return nil, err
	}
	if p.tok != tEOF {
		return nil, &FormulaError{p.pos, fmt.Sprintf("unexpected %s", p.describe()), "join statements with &, |, IF or IFF"}
	}
	return &Formula{Src: src, root: root}, nil
}

type ftok int

const (
	tEOF ftok = iota
	tName
	tNum
	tNot
	tAnd
	tOr
	tIf
	tImp
	tIff
	tLParen
	tRParen
	tBad
)

type fparser struct {
	src     string
	n       int
	resolve func(string) (int, bool)
	at      int // read offset
	tok     ftok
	pos     int // offset of the current token
	text    string
}

func (p *fparser) describe() string {
	switch p.tok {
	case tEOF:
		return "end of statement"
	case tName, tNum:
		return fmt.Sprintf("%q", p.text)
	}
	return fmt.Sprintf("%q", p.text)
}

func isNameRune(r rune, first bool) bool {
	if r == '_' || unicode.IsLetter(r) {
		return true
	}
	return !first && (unicode.IsDigit(r) || r == '.')
}

func (p *fparser) next() {
	for p.at < len(p.src) {
		r, w := utf8.DecodeRuneInString(p.src[p.at:])
		if !unicode.IsSpace(r) {
			break
		}
		p.at += w
	}
	p.pos = p.at
	if p.at >= len(p.src) {
		p.tok, p.text = tEOF, ""
		return
	}
	rest := p.src[p.at:]
	for _, sym := range []struct {
		s string
		t ftok
	}{{"<->", tIff}, {"<=>", tIff}, {"->", tImp}, {"=>", tImp}, {"&&", tAnd}, {"||", tOr},
		{"!", tNot}, {"¬", tNot}, {"~", tNot}, {"-", tNot}, {"&", tAnd}, {"∧", tAnd}, {"|", tOr}, {"∨", tOr},
		{"(", tLParen}, {")", tRParen}} {
		if strings.HasPrefix(rest, sym.s) {
			p.tok, p.text = sym.t, sym.s
			p.at += len(sym.s)
			return
		}
	}
	r, _ := utf8.DecodeRuneInString(rest)
	switch {
	case unicode.IsDigit(r):
		end := p.at
		for end < len(p.src) && p.src[end] >= '0' && p.src[end] <= '9' {
			end++
		}
		p.tok, p.text = tNum, p.src[p.at:end]
		p.at = end
	case isNameRune(r, true):
		end := p.at
		for end < len(p.src) {
			r, w := utf8.DecodeRuneInString(p.src[end:])
			if !isNameRune(r, false) {
				break
			}
			end += w
		}
		word := p.src[p.at:end]
		p.text = word
		p.at = end
		switch strings.ToLower(word) {
		case "not":
			p.tok = tNot
		case "and":
			p.tok = tAnd
		case "or":
			p.tok = tOr
		case "if":
			p.tok = tIf
		case "iff":
			p.tok = tIff
		default:
			p.tok = tName
		}
	default:
		_, w := utf8.DecodeRuneInString(rest)
		p.tok, p.text = tBad, rest[:w]
		p.at += w
	}
}

func (p *fparser) deep(depth int) error {
	if depth > maxFormulaDepth {
		return &FormulaError{p.pos, fmt.Sprintf("statement nested too deeply (limit %d)", maxFormulaDepth), ""}
	}
	return nil
}

func (p *fparser) iff(depth int) (*fnode, error) {
	if err := p.deep(depth); err != nil {
		return nil, err
	}
	a, err := p.imp(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.tok == tIff {
		p.next()
		b, err := p.imp(depth + 1)
		if err != nil {
			return nil, err
		}
		a = &fnode{op: fIff, a: a, b: b}
	}
	return a, nil
}

func (p *fparser) imp(depth int) (*fnode, error) {
	a, err := p.or(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.tok == tIf || p.tok == tImp {
		isIf := p.tok == tIf
		p.next()
		b, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if isIf { // a IF b: b implies a
			a = &fnode{op: fImp, a: b, b: a}
		} else {
			a = &fnode{op: fImp, a: a, b: b}
		}
	}
	return a, nil
}

func (p *fparser) or(depth int) (*fnode, error) {
	a, err := p.and(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.tok == tOr {
		p.next()
		b, err := p.and(depth + 1)
		if err != nil {
			return nil, err
		}
		a = &fnode{op: fOr, a: a, b: b}
	}
	return a, nil
}

func (p *fparser) and(depth int) (*fnode, error) {
	a, err := p.unary(depth + 1)
	if err != nil {
		return nil, err
	}
	for p.tok == tAnd {
		p.next()
		b, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		a = &fnode{op: fAnd, a: a, b: b}
	}
	return a, nil
}

func (p *fparser) unary(depth int) (*fnode, error) {
	if err := p.deep(depth); err != nil {
		return nil, err
	}
	switch p.tok {
	case tNot:
		p.next()
		a, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &fnode{op: fNot, a: a}, nil
	case tLParen:
		open := p.pos
		p.next()
		a, err := p.iff(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.tok != tRParen {
			return nil, &FormulaError{p.pos, fmt.Sprintf("expected ) to close the ( at offset %d, found %s", open, p.describe()), ""}
		}
		p.next()
		return a, nil
	case tName:
		name, at := p.text, p.pos
		p.next()
		switch strings.ToLower(name) {
		case "true":
			return &fnode{op: fConst, val: true}, nil
		case "false":
			return &fnode{op: fConst, val: false}, nil
		}
		o, ok := p.resolve(name)
		if !ok {
			return nil, &FormulaError{at, fmt.Sprintf("unknown option %q", name), ""}
		}
		return &fnode{op: fVar, opt: o}, nil
	case tNum:
		at := p.pos
		k, err := strconv.Atoi(p.text)
		if err != nil || k < 1 || k > p.n {
			return nil, &FormulaError{at, fmt.Sprintf("no option number %s: options are numbered 1 to %d in file order", p.text, p.n), ""}
		}
		p.next()
		return &fnode{op: fVar, opt: k - 1}, nil
	case tEOF:
		return nil, &FormulaError{p.pos, "statement ends too early", "an option name must follow"}
	}
	return nil, &FormulaError{p.pos, fmt.Sprintf("unexpected %s", p.describe()), "expected an option, not, or ("}
}

// PriorityRanks ranks states by option prioritisation: statements are
// weighed most important first, so that a state satisfying a statement
// beats every state that does not, whatever the less important ones say
// (GMCR II's scores 2^(n-1), ..., 2, 1). States satisfying the same
// statements tie.
func PriorityRanks(c *Conflict, statements []*Formula) []int64 {
	out := make([]int64, len(c.Codes))
	for s, code := range c.Codes {
		var score int64
		for _, f := range statements {
			score <<= 1
			if f.Eval(code) {
				score |= 1
			}
		}
		out[s] = score
	}
	return out
}

// MaxStatements bounds the priority statements of one decision maker: a
// state's score has one bit per statement.
const MaxStatements = 62
