package yamlread

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// The fast path reads, in one pass over the text, the plain YAML that
// scenario files are made of: block mappings and lists, flow mappings and
// lists, plain and simply quoted scalars, comments. It builds the very
// tree the loader and the converter build (TestFastSameAsLoader over every
// YAML file of the repository, FuzzFastPath on any text), and gives up on
// anything else (anchors, tags, block scalars, empty values, escapes,
// scalars over several lines, tabs, a second document, whatever it is not
// sure of), leaving the text to the loader, which reads it and reports its
// errors at line:col. It never reports an error of its own.
//
// Why: on the Monte Carlo benchmark scenario (165 kB, 7,000 numbers) the
// loader and the conversion took 36 ms of the 200 of `truce simulate`.

// fastMaxDepth is the nesting at which the fast path gives up (the loader
// then measures it against MaxDepth).
const fastMaxDepth = 100

// bailout is the fast path giving the text up to the loader.
type bailout struct{}

// fastParser reads src[i:] on line line (from 1), which starts at offset
// ls. After skipEmpty, i is at the first character of a content line and
// indent is its indentation (eof: no content line is left).
type fastParser struct {
	*converter
	s      string // src, once: scalar values are substrings of it
	i      int
	line   int
	ls     int
	indent int
	eof    bool
}

// parseFast is Parse's fast path: the tree, or ok false when the text is
// not one it reads (and the loader must).
func parseFast(src []byte) (body ast.Node, ok bool) {
	if !fastText(src) {
		return nil, false
	}
	p := &fastParser{converter: newConverter(src), s: string(src), line: 1}
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(bailout); !is {
				panic(r)
			}
			body, ok = nil, false
		}
	}()
	p.skipEmpty()
	if p.eof {
		return nil, false
	}
	body = p.blockNode(p.indent, 0)
	if !p.eof {
		p.bail()
	}
	return body, true
}

// fastText reports whether src holds only characters the fast path takes:
// printable ones and line feeds (no tab, no carriage return, no byte-order
// mark, no line separator other than '\n'), valid UTF-8.
func fastText(src []byte) bool {
	if len(src) == 0 {
		return false
	}
	for i := 0; i < len(src); {
		b := src[i]
		if b < utf8.RuneSelf {
			if b < 0x20 && b != '\n' || b == 0x7f {
				return false
			}
			i++
			continue
		}
		r, w := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && w == 1 || r < 0xA0 || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += w
	}
	return true
}

func (p *fastParser) bail() { panic(bailout{}) }

// at is the line:col of offset off, at or before i.
func (p *fastParser) at(off int) (int, int) {
	if off < p.ls {
		return p.position(off)
	}
	if !p.wide[p.line-1] {
		return p.line, off - p.ls + 1
	}
	return p.line, utf8.RuneCountInString(p.s[p.ls:off]) + 1
}

func (p *fastParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *fastParser) peekAt(k int) byte {
	if p.i+k < len(p.s) {
		return p.s[p.i+k]
	}
	return 0
}

func (p *fastParser) spaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// newline steps over the '\n' at i.
func (p *fastParser) newline() {
	p.i++
	p.line++
	p.ls = p.i
}

// skipComment steps to the end of the line (before its '\n').
func (p *fastParser) skipComment() {
	for p.i < len(p.s) && p.s[p.i] != '\n' {
		p.i++
	}
}

// skipEmpty, at the start of a line, steps over blank and comment lines to
// the first content line.
func (p *fastParser) skipEmpty() {
	for {
		p.spaces()
		switch p.peek() {
		case 0:
			p.eof, p.indent = true, -1
			return
		case '\n':
			p.newline()
			continue
		case '#':
			p.skipComment()
			if p.i < len(p.s) {
				p.newline()
			}
			continue
		}
		p.indent = p.i - p.ls
		if p.indent == 0 {
			if c := p.s[p.i]; c == '%' || strings.HasPrefix(p.s[p.i:], "---") || strings.HasPrefix(p.s[p.i:], "...") {
				p.bail() // directives and document markers
			}
		}
		return
	}
}

// endLine steps over what ends a line after its content (spaces, a
// comment) and on to the next content line.
func (p *fastParser) endLine() {
	p.spaces()
	switch p.peek() {
	case 0:
	case '\n':
		p.newline()
	case '#':
		if p.s[p.i-1] != ' ' {
			p.bail()
		}
		p.skipComment()
		if p.i < len(p.s) {
			p.newline()
		}
	default:
		p.bail()
	}
	p.skipEmpty()
}

// atLineEnd: only spaces and maybe a comment are left on the line.
func (p *fastParser) atLineEnd() bool {
	c := p.peek()
	return c == 0 || c == '\n' || c == '#' && p.i > 0 && p.s[p.i-1] == ' '
}

// isEntry: a block list entry ("-" then a space or the line's end) at i.
func (p *fastParser) isEntry() bool {
	if p.peek() != '-' {
		return false
	}
	c := p.peekAt(1)
	return c == 0 || c == ' ' || c == '\n'
}

// blockNode is the block mapping or list whose first line starts at i,
// indented by ind.
func (p *fastParser) blockNode(ind, depth int) ast.Node {
	if depth > fastMaxDepth {
		p.bail()
	}
	if p.isEntry() {
		return p.blockSeq(ind, depth)
	}
	return p.blockMap(ind, depth)
}

// blockMap reads a block mapping whose first key is at i and whose keys
// are indented by ind.
func (p *fastParser) blockMap(ind, depth int) ast.Node {
	line, col := p.at(p.i)
	m := ast.Mapping(p.token(token.MappingStartType, "{", line, col), false)
	for {
		key := p.blockKey()
		v := p.blockValue(ind, depth)
		mv := p.pairs.new()
		*mv = ast.MappingValueNode{BaseNode: p.bases.new(), Start: key.GetToken(), Key: key, Value: v}
		m.Values = append(m.Values, mv)
		if p.eof || p.indent < ind {
			return m
		}
		if p.indent > ind || p.isEntry() {
			p.bail()
		}
	}
}

// blockKey reads a key and its ':' on the current line.
func (p *fastParser) blockKey() ast.MapKeyNode {
	var k ast.Node
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		k = p.quoted()
		p.spaces()
	case !plainStart(c, p.peekAt(1)):
		p.bail()
	default:
		start := p.i
		end, colon := p.scanPlainBlock()
		if !colon || end-start > 512 {
			p.bail()
		}
		k = p.plain(start, end)
	}
	if p.peek() != ':' {
		p.bail()
	}
	if c := p.peekAt(1); c != 0 && c != ' ' && c != '\n' {
		p.bail()
	}
	p.i++
	key, ok := k.(ast.MapKeyNode)
	if !ok {
		p.bail()
	}
	return key
}

// blockValue reads the value after a block mapping's "key:", on the same
// line or below, and steps to the next content line.
func (p *fastParser) blockValue(ind, depth int) ast.Node {
	p.spaces()
	if p.atLineEnd() {
		p.endLine()
		switch {
		case p.eof:
		case p.indent > ind:
			return p.blockNode(p.indent, depth+1)
		case p.indent == ind && p.isEntry():
			return p.blockSeq(ind, depth+1)
		}
		p.bail() // no value
	}
	v := p.value(ind, depth+1, false)
	p.endLine()
	return v
}

// blockSeq reads a block list whose first "-" is at i, indented by ind.
func (p *fastParser) blockSeq(ind, depth int) ast.Node {
	line, col := p.at(p.i)
	sq := ast.Sequence(p.token(token.SequenceStartType, "[", line, col), false)
	for {
		p.i++ // the '-'
		p.spaces()
		var v ast.Node
		if p.atLineEnd() {
			p.endLine()
			if p.eof || p.indent <= ind {
				p.bail() // no value
			}
			v = p.blockNode(p.indent, depth+1)
		} else {
			v = p.seqItem(depth + 1)
		}
		// The entry's "-" is the last non-space before the item (the
		// converter's rule, for the same tokens).
		tk := v.GetToken()
		el, ec := tk.Position.Line, tk.Position.Column
		i := tk.Position.Offset - 1
		for i >= 0 && isSpace(p.s[i]) {
			i--
		}
		if i >= 0 && p.s[i] == '-' {
			el, ec = p.position(i)
		}
		e := p.entries.new()
		*e = ast.SequenceEntryNode{BaseNode: p.bases.new(), Start: p.token(token.SequenceEntryType, "-", el, ec), Value: v}
		sq.Values = append(sq.Values, v)
		sq.Entries = append(sq.Entries, e)
		if p.eof || p.indent < ind || p.indent == ind && !p.isEntry() {
			return sq
		}
		if p.indent > ind {
			p.bail()
		}
	}
}

// seqItem reads what follows "- " on its line: a mapping whose first key
// is there, or a value; and steps to the next content line.
func (p *fastParser) seqItem(depth int) ast.Node {
	if depth > fastMaxDepth {
		p.bail()
	}
	ind := p.i - p.ls // "- " and spaces before: one byte a column
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		start := p.i
		p.i = p.quotedEnd()
		p.spaces()
		if p.peek() == ':' {
			p.i = start
			return p.blockMap(ind, depth)
		}
		p.i = start
	case c == '{' || c == '[':
	case !plainStart(c, p.peekAt(1)):
		p.bail()
	default:
		start := p.i
		_, colon := p.scanPlainBlock()
		p.i = start
		if colon {
			return p.blockMap(ind, depth)
		}
	}
	v := p.value(ind, depth, false)
	p.endLine()
	return v
}

// value reads a value that starts at i on its line: a flow collection, a
// quoted scalar or a plain one, the plain one scanned as block context
// scans it (to the end of the line or a comment; a ": " there is not the
// fast path's) or, inside a flow collection (flow), as flow context does.
func (p *fastParser) value(ind, depth int, flow bool) ast.Node {
	switch c := p.peek(); {
	case c == '{':
		return p.flowMap(ind, depth)
	case c == '[':
		return p.flowSeq(ind, depth)
	case c == '"' || c == '\'':
		return p.quoted()
	case !plainStart(c, p.peekAt(1)):
		p.bail()
	}
	start := p.i
	if flow {
		return p.plain(start, p.scanPlainFlow())
	}
	end, colon := p.scanPlainBlock()
	if colon {
		p.bail()
	}
	return p.plain(start, end)
}

// plainStart: c (then d) may start a plain scalar the fast path reads.
func plainStart(c, d byte) bool {
	switch c {
	case 0, ' ', '\n', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '-':
		switch d {
		case 0, ' ', '\n', ',', '[', ']', '{', '}':
			return false
		}
	}
	return true
}

// scanPlainBlock steps over a plain scalar in block context, to the end of
// its line, a comment or a ": ". It returns where its text ends (trailing
// spaces off) and whether a ":" separator follows.
func (p *fastParser) scanPlainBlock() (end int, colon bool) {
	i := p.i
loop:
	for ; i < len(p.s); i++ {
		switch p.s[i] {
		case '\n':
			break loop
		case '#':
			if p.s[i-1] == ' ' {
				break loop
			}
		case ':':
			if i+1 == len(p.s) || p.s[i+1] == ' ' || p.s[i+1] == '\n' {
				colon = true
				break loop
			}
		}
	}
	end = i
	for end > p.i && p.s[end-1] == ' ' {
		end--
	}
	p.i = i
	return end, colon
}

// quotedEnd is the offset after the quoted scalar at i, which must hold no
// escape and no line break.
func (p *fastParser) quotedEnd() int {
	q := p.s[p.i]
	for j := p.i + 1; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '\n' || c == '\\' && q == '"':
			p.bail()
		case c == q:
			if q == '\'' && j+1 < len(p.s) && p.s[j+1] == '\'' {
				p.bail()
			}
			return j + 1
		}
	}
	p.bail()
	return 0
}

func (p *fastParser) quoted() ast.Node {
	start := p.i
	end := p.quotedEnd()
	typ := token.DoubleQuoteType
	if p.s[start] == '\'' {
		typ = token.SingleQuoteType
	}
	line, col := p.at(start)
	p.i = end
	return p.str(p.token(typ, p.s[start+1:end-1], line, col))
}

// flowSpace steps over spaces, line breaks and comments inside a flow
// collection; a line it goes on to must be indented more than ind.
func (p *fastParser) flowSpace(ind int) {
	for {
		p.spaces()
		switch p.peek() {
		case 0:
			p.bail()
		case '#':
			if p.s[p.i-1] != ' ' && p.s[p.i-1] != '\n' {
				p.bail()
			}
			p.skipComment()
			continue
		case '\n':
			p.newline()
			p.spaces()
			if c := p.peek(); c != '\n' && c != '#' && p.i-p.ls <= ind {
				p.bail()
			}
			continue
		}
		return
	}
}

func (p *fastParser) flowMap(ind, depth int) ast.Node {
	if depth > fastMaxDepth {
		p.bail()
	}
	line, col := p.at(p.i)
	m := ast.Mapping(p.token(token.MappingStartType, "{", line, col), true)
	p.i++
	p.flowSpace(ind)
	for p.peek() != '}' {
		var k ast.Node
		switch c := p.peek(); {
		case c == '"' || c == '\'':
			k = p.quoted()
		case !plainStart(c, p.peekAt(1)):
			p.bail()
		default:
			start := p.i
			k = p.plain(start, p.scanPlainFlow())
		}
		key, ok := k.(ast.MapKeyNode)
		p.spaces()
		if !ok || p.peek() != ':' || p.peekAt(1) != ' ' {
			p.bail()
		}
		p.i += 2
		p.spaces()
		v := p.value(ind, depth+1, true)
		mv := p.pairs.new()
		*mv = ast.MappingValueNode{BaseNode: p.bases.new(), Start: key.GetToken(), Key: key, Value: v, IsFlowStyle: true}
		m.Values = append(m.Values, mv)
		p.spaces()
		switch p.peek() {
		case ',':
			p.i++
			p.flowSpace(ind)
		case '}':
		default:
			p.bail()
		}
	}
	line, col = p.at(p.i)
	m.End = p.token(token.MappingEndType, "}", line, col)
	p.i++
	return m
}

func (p *fastParser) flowSeq(ind, depth int) ast.Node {
	if depth > fastMaxDepth {
		p.bail()
	}
	line, col := p.at(p.i)
	sq := ast.Sequence(p.token(token.SequenceStartType, "[", line, col), true)
	sq.Entries = []*ast.SequenceEntryNode{}
	p.i++
	p.flowSpace(ind)
	for p.peek() != ']' {
		v := p.value(ind, depth+1, true)
		tk := v.GetToken()
		e := p.entries.new()
		*e = ast.SequenceEntryNode{BaseNode: p.bases.new(), Start: p.token(token.SequenceEntryType, "-", tk.Position.Line, tk.Position.Column), Value: v}
		sq.Values = append(sq.Values, v)
		sq.Entries = append(sq.Entries, e)
		p.spaces()
		switch p.peek() {
		case ',':
			p.i++
			p.flowSpace(ind)
		case ']':
		default:
			p.bail()
		}
	}
	line, col = p.at(p.i)
	sq.End = p.token(token.SequenceEndType, "]", line, col)
	p.i++
	return sq
}

// scanPlainFlow steps over a plain scalar inside a flow collection, to a
// flow indicator, a comment or the line's end, and returns where its text
// ends. A ':' in it is given up on (key or text: the loaders disagree).
func (p *fastParser) scanPlainFlow() int {
	i := p.i
loop:
	for ; i < len(p.s); i++ {
		switch p.s[i] {
		case '\n', ',', '[', ']', '{', '}':
			break loop
		case '#':
			if p.s[i-1] == ' ' {
				break loop
			}
		case ':':
			if i > p.i && p.s[i-1] == ' ' || i+1 < len(p.s) && p.s[i+1] == ' ' {
				break loop // a key's separator (the caller checks)
			}
			p.bail()
		}
	}
	end := i
	for end > p.i && p.s[end-1] == ' ' {
		end--
	}
	p.i = i
	return end
}

// plain is the node of the plain scalar s[start:end]: a number, a
// boolean or text, as the loader resolves it (YAML 1.2 core schema) and
// the converter types it. Other kinds (null, merge key, timestamps,
// infinities, numbers in other bases or with '_') are given up on.
func (p *fastParser) plain(start, end int) ast.Node {
	v := p.s[start:end]
	line, col := p.at(start)
	tk := p.token(token.StringType, v, line, col)
	switch c := v[0]; {
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		digits := v
		if c == '+' || c == '-' {
			digits = v[1:]
		}
		if strings.IndexByte(v, '_') >= 0 || len(digits) == 0 {
			p.bail()
		}
		switch isDecimal(digits) {
		case 1:
			if len(digits) > 18 {
				p.bail()
			}
			tk.Type = token.IntegerType
			nd := p.ints.new()
			*nd = ast.IntegerNode{BaseNode: p.bases.new(), Token: tk, Value: intValue(v)}
			return nd
		case 2:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				p.bail()
			}
			tk.Type = token.FloatType
			nd := p.floats.new()
			*nd = ast.FloatNode{BaseNode: p.bases.new(), Token: tk, Value: f}
			return nd
		}
		if len(digits) > 1 && digits[0] == '0' && strings.IndexByte("xXoObB", digits[1]) >= 0 ||
			len(v) > 4 && v[4] == '-' && isDecimal(v[:4]) == 1 || digits[0] == '.' {
			p.bail() // other bases, timestamps, ±.inf
		}
	case c == '.':
		switch v {
		case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF":
			p.bail()
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			tk.Type = token.FloatType
			nd := p.floats.new()
			*nd = ast.FloatNode{BaseNode: p.bases.new(), Token: tk, Value: f}
			return nd
		}
	default:
		switch v {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			tk.Type = token.BoolType
			nd := ast.Bool(tk)
			nd.Value = v[0] == 't' || v[0] == 'T'
			return nd
		case "~", "null", "Null", "NULL", "<<":
			p.bail()
		}
	}
	return p.str(tk)
}

// isDecimal is 1 when s is digits, 2 when it is a decimal fraction or
// exponent form (YAML's float: digits with a point, an exponent, or
// both), 0 otherwise.
func isDecimal(s string) int {
	i, n := 0, len(s)
	for i < n && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits := i
	if i == n {
		if n == 0 {
			return 0
		}
		return 1
	}
	frac := 0
	if s[i] == '.' {
		i++
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i++
			frac++
		}
	}
	if intDigits == 0 && frac == 0 {
		return 0
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == e {
			return 0
		}
	}
	if i != n {
		return 0
	}
	return 2
}
