package scenario

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// numFuncs are the functions numeric expressions may call besides the expr
// builtins enabled in exprOptions.
var numFuncNames = []string{"abs", "ceil", "floor", "round", "max", "min", "clamp", "sqrt", "exp", "log", "pow"}

// binaryOps and unaryOps are the operators expressions may use: arithmetic,
// comparison and logic. Others (ranges "..", "in", "matches", "??") build
// arrays or strings, which scenario numbers never need and which could make
// one evaluation arbitrarily slow.
var (
	binaryOps = []string{"+", "-", "*", "/", "%", "**", "^", "==", "!=", "<", ">", "<=", ">=", "and", "or", "&&", "||"}
	unaryOps  = []string{"-", "+", "!", "not"}
)

// maxExprNodes bounds the size of one expression, so that a hostile file
// cannot make compilation take long.
const maxExprNodes = 2000

// expression is one compiled numeric expression from the file: a constant
// when it has no parameters, otherwise a program run per parameter draw.
type expression struct {
	src    string
	pos    Pos
	konst  bool
	val    float64
	prog   *vm.Program
	params []int // parameters it reads, in declaration order, for messages
	// idx, when set, is the index of the family member whose rule the
	// expression belongs to (families.go), bound while it is evaluated.
	idx *binding
	// usesStep: the expression reads `step`, which the caller sets in
	// the environment (clock.go).
	usesStep bool
}

// eval returns the value of e for the parameter environment env.
func (e *expression) eval(env map[string]any) (float64, error) {
	if e.konst {
		return e.val, nil
	}
	if e.idx != nil {
		env[e.idx.name] = float64(e.idx.val)
		defer delete(env, e.idx.name)
	}
	out, err := expr.Run(e.prog, env)
	if err != nil {
		return 0, fmt.Errorf("evaluating %q: %w", e.src, err)
	}
	v, ok := toFloat(out)
	if !ok {
		return 0, fmt.Errorf("evaluating %q: result %v is not a number", e.src, out)
	}
	return v, nil
}

func toFloat(x any) (float64, bool) {
	switch v := x.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case uint:
		return float64(v), true
	case uint64:
		return float64(v), true
	case uint32:
		return float64(v), true
	case int8, int16, uint8, uint16:
		return toFloat(fmt.Sprint(v))
	case string:
		var f float64
		_, err := fmt.Sscan(v, &f)
		return f, err == nil
	}
	return 0, false
}

func floatArgs(name string, args []any, n int) ([]float64, error) {
	if len(args) != n {
		return nil, fmt.Errorf("%s takes %d arguments, got %d", name, n, len(args))
	}
	out := make([]float64, n)
	for i, a := range args {
		f, ok := toFloat(a)
		if !ok {
			return nil, fmt.Errorf("%s: argument %d is not a number", name, i+1)
		}
		out[i] = f
	}
	return out, nil
}

func mathFunc(name string, n int, f func(x []float64) float64) expr.Option {
	var typ any
	switch n {
	case 1:
		typ = new(func(float64) float64)
	case 2:
		typ = new(func(float64, float64) float64)
	default:
		typ = new(func(float64, float64, float64) float64)
	}
	return expr.Function(name, func(args ...any) (any, error) {
		x, err := floatArgs(name, args, n)
		if err != nil {
			return nil, err
		}
		return f(x), nil
	}, typ)
}

// baseOptions are the compile options shared by every expression: only
// arithmetic, comparisons, conditionals and a few math functions, so that
// scenario files stay a small, checkable language.
func baseOptions() []expr.Option {
	return []expr.Option{
		expr.DisableAllBuiltins(),
		expr.EnableBuiltin("abs"), expr.EnableBuiltin("ceil"), expr.EnableBuiltin("floor"),
		expr.EnableBuiltin("round"), expr.EnableBuiltin("max"), expr.EnableBuiltin("min"),
		mathFunc("clamp", 3, func(x []float64) float64 { return math.Min(math.Max(x[0], x[1]), x[2]) }),
		mathFunc("sqrt", 1, func(x []float64) float64 { return math.Sqrt(x[0]) }),
		mathFunc("exp", 1, func(x []float64) float64 { return math.Exp(x[0]) }),
		mathFunc("log", 1, func(x []float64) float64 { return math.Log(x[0]) }),
		mathFunc("pow", 2, func(x []float64) float64 { return math.Pow(x[0], x[1]) }),
		mathFunc(modFunc, 2, func(x []float64) float64 { return math.Mod(x[0], x[1]) }),
		expr.MaxNodes(maxExprNodes),
		expr.Patch(floatArithmetic{}),
	}
}

// modFunc computes a % b on floats; no parameter can be called so (names
// starting with __ are refused).
const modFunc = "__mod"

// floatArithmetic makes every number of an expression a float64: the
// expression library reads 12 as an int, and int arithmetic wraps around
// (-10000000000 * 10000000000 would be -7.8e18, and 2^63-1 squared 1).
// The library's % takes ints only, so it becomes math.Mod.
type floatArithmetic struct{}

func (floatArithmetic) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IntegerNode:
		ast.Patch(node, &ast.FloatNode{Value: float64(n.Value)})
	case *ast.BinaryNode:
		if n.Operator == "%" {
			ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: modFunc}, Arguments: []ast.Node{n.Left, n.Right}})
		}
	}
}

// plainNumber reads an expression that is only a number or a fraction of
// two numbers ("0.25", "-3", "1e-3", "3/20") without the expression
// compiler, which is slow and needs the parameter environment; the value
// is the one the compiled expression would have.
func plainNumber(src string) (float64, bool) {
	num, den, frac := strings.Cut(src, "/")
	num = strings.TrimSpace(num)
	if !isDecimal(num, true) {
		return 0, false
	}
	a, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	if !frac {
		return a, true
	}
	den = strings.TrimSpace(den)
	if !isDecimal(den, false) {
		return 0, false
	}
	b, err := strconv.ParseFloat(den, 64)
	if err != nil {
		return 0, false
	}
	return a / b, true
}

// exprChecker walks a parsed expression, recording diagnostics with file
// positions for unknown names and unsupported constructs, and (in
// hypotheses) replacing each quantity call by a variable.
type exprChecker struct {
	c       *compiler
	src     string
	pos     Pos
	quoted  bool
	params  map[int]bool
	allowQ  bool
	quants  []*quantity
	callees map[*ast.IdentifierNode]bool
	failed  bool
	// usesIndex is set when the expression reads the index of the family
	// rule being read; usesStep when it reads the step.
	usesIndex, usesStep bool
}

func (p *exprChecker) at(loc file.Location) Pos {
	return offsetPos(p.pos, p.src, loc.From, p.quoted)
}

// offsetPos maps rune offset off inside an expression that starts at base in
// the file to a file position.
func offsetPos(base Pos, src string, off int, quoted bool) Pos {
	line, col := base.Line, base.Col
	if quoted {
		col++
	}
	i := 0
	for _, r := range src {
		if i >= off {
			break
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i++
	}
	return Pos{line, col}
}

func (p *exprChecker) reject(node *ast.Node, hint, format string, args ...any) {
	p.failed = true
	p.c.d.errorf(p.at((*node).Location()), hint, format, args...)
	ast.Patch(node, &ast.FloatNode{Value: 0})
}

// calleeCollector finds the identifiers that name called functions, so the
// checker does not mistake them for parameters (Walk visits children first).
type calleeCollector map[*ast.IdentifierNode]bool

func (cc calleeCollector) Visit(node *ast.Node) {
	if n, ok := (*node).(*ast.CallNode); ok {
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			cc[id] = true
		}
	}
}

func (p *exprChecker) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if p.callees[n] {
			return
		}
		if i, ok := p.c.paramIndex[n.Value]; ok {
			p.params[i] = true
			return
		}
		if b := p.c.bind; b != nil && n.Value == b.name {
			p.usesIndex = true
			return
		}
		if _, ok := p.c.dates[n.Value]; ok {
			return // a named step of the clock: a constant
		}
		if n.Value == "step" {
			if !p.c.stepOK || p.allowQ {
				p.reject(node, "the step is known only in transitions, payoffs and strategies (where the engine carries it)", "`step` cannot be used here")
				return
			}
			p.usesStep = true
			return
		}
		p.reject(node, suggest(n.Value, p.c.paramNames), "unknown parameter %q", n.Value)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			p.reject(node, "", "only named functions can be called")
			return
		}
		name := id.Value
		if p.allowQ && isQuantityFunc(name) {
			q := p.c.quantityCall(n, p)
			if q == nil {
				p.failed = true
				ast.Patch(node, &ast.FloatNode{Value: 0})
				return
			}
			p.quants = append(p.quants, q)
			ast.Patch(node, &ast.IdentifierNode{Value: q.ident})
			return
		}
		if !contains(numFuncNames, name) {
			hint := suggest(name, numFuncNames)
			if !p.allowQ && isQuantityFunc(name) {
				hint = name + " is only available in hypotheses"
			}
			p.reject(node, hint, "unknown function %q", name)
		}
	case *ast.BuiltinNode:
		if !contains(numFuncNames, n.Name) {
			p.reject(node, suggest(n.Name, numFuncNames), "unknown function %q", n.Name)
		}
	case *ast.BinaryNode:
		if !contains(binaryOps, n.Operator) {
			p.reject(node, "use + - * / % ** ^, comparisons, and, or", "operator %q is not supported in expressions", n.Operator)
		}
	case *ast.UnaryNode:
		if !contains(unaryOps, n.Operator) {
			p.reject(node, "", "operator %q is not supported in expressions", n.Operator)
		}
	case *ast.StringNode:
		// Strings are only arguments of quantity functions, checked there.
	case *ast.MemberNode, *ast.SliceNode, *ast.PointerNode, *ast.PredicateNode, *ast.MapNode,
		*ast.ArrayNode, *ast.ChainNode, *ast.VariableDeclaratorNode, *ast.SequenceNode, *ast.BytesNode, *ast.PairNode:
		p.reject(node, "expressions use numbers, parameters, arithmetic, comparisons, if/else and math functions", "unsupported construct in expression")
	}
}

// walkSafely runs ast.Walk, turning a panic on an unexpected node into a
// diagnostic: bad input must never crash truce.
func (p *exprChecker) walkSafely(node *ast.Node, v ast.Visitor) {
	defer func() {
		if r := recover(); r != nil {
			p.failed = true
			p.c.d.errorf(p.pos, "", "cannot read expression: %v", r)
		}
	}()
	ast.Walk(node, v)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// checkExpr parses src and checks its names. It returns the patched tree's
// source (quantity calls replaced by variables) or ok=false after recording
// diagnostics.
func (c *compiler) checkExpr(src string, pos Pos, quoted, allowQ bool) (p *exprChecker, patched string, ok bool) {
	if strings.TrimSpace(src) == "" {
		c.d.errorf(pos, "write a number or an expression such as 1 - p", "empty expression")
		return nil, "", false
	}
	if !utf8.ValidString(src) {
		c.d.errorf(pos, "", "expression is not valid UTF-8")
		return nil, "", false
	}
	if len(src) > 20000 {
		c.d.errorf(pos, "", "expression too long (%d bytes)", len(src))
		return nil, "", false
	}
	tree, err := parseSafely(src)
	if err != nil {
		c.exprError(err, src, pos, quoted)
		return nil, "", false
	}
	p = &exprChecker{c: c, src: src, pos: pos, quoted: quoted, params: map[int]bool{}, allowQ: allowQ, callees: calleeCollector{}}
	p.walkSafely(&tree.Node, calleeCollector(p.callees))
	p.walkSafely(&tree.Node, p)
	if p.failed {
		return nil, "", false
	}
	c.reads = append(c.reads, exprRead{pos: pos, params: p.params})
	return p, tree.Node.String(), true
}

func parseSafely(src string) (tree *parser.Tree, err error) {
	defer func() {
		if r := recover(); r != nil {
			tree, err = nil, fmt.Errorf("cannot parse expression: %v", r)
		}
	}()
	return parser.Parse(src)
}

// compileNum compiles a numeric expression. It returns nil after recording a
// diagnostic when the expression is not valid.
func (c *compiler) compileNum(src string, pos Pos, quoted bool) *expression {
	if v, ok := plainNumber(src); ok {
		return &expression{src: src, pos: pos, konst: true, val: v}
	}
	// A family rule is read once per member: its expressions are checked
	// and compiled once, and bound to each member's index.
	key := exprKey{src, pos, ""}
	if c.bind != nil {
		key.index = c.bind.name
	}
	cx, seen := c.exprCache[key]
	if !seen {
		cx = c.compileNumOnce(src, pos, quoted)
		if c.exprCache == nil {
			c.exprCache = map[exprKey]*compiledNum{}
		}
		c.exprCache[key] = cx
	}
	if cx == nil {
		return nil
	}
	e := &expression{src: src, pos: pos, prog: cx.prog, params: cx.params, usesStep: cx.usesStep}
	if cx.usesIndex {
		e.idx = c.bind
	}
	if len(e.params) == 0 && !e.usesStep {
		v, err := e.eval(c.dateEnv()) // it reads no parameter
		if err != nil {
			c.d.errorf(pos, "", "%v", err)
			return nil
		}
		e.konst, e.val = true, v
	}
	return e
}

type exprKey struct {
	src   string
	pos   Pos
	index string
}

// compiledNum is a checked and compiled numeric expression.
type compiledNum struct {
	prog                *vm.Program
	params              []int
	usesIndex, usesStep bool
}

// compileNumOnce checks and compiles a numeric expression, recording a
// diagnostic and returning nil when it is not valid.
func (c *compiler) compileNumOnce(src string, pos Pos, quoted bool) *compiledNum {
	p, _, ok := c.checkExpr(src, pos, quoted, false)
	if !ok {
		return nil
	}
	env := c.usedEnv(p)
	if p.usesIndex {
		env[c.bind.name] = 0.0
	}
	if p.usesStep {
		env["step"] = 0.0
		if c.stepExpr == nil {
			c.stepExpr = &pos
		}
	}
	opts := append(baseOptions(), expr.Env(env), expr.AsFloat64())
	prog, err := compileSafely(src, opts)
	if err != nil {
		c.exprError(err, src, pos, quoted)
		return nil
	}
	cx := &compiledNum{prog: prog, usesIndex: p.usesIndex, usesStep: p.usesStep}
	for i := range p.params {
		cx.params = append(cx.params, i)
	}
	slices.Sort(cx.params) // declaration order, for messages
	return cx
}

// compileSafely compiles with expr, turning a panic inside the library into
// an error: bad input must never crash truce.
func compileSafely(src string, opts []expr.Option) (prog *vm.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, fmt.Errorf("cannot compile expression: %v", r)
		}
	}()
	return expr.Compile(src, opts...)
}

func (c *compiler) exprError(err error, src string, pos Pos, quoted bool) {
	var fe *file.Error
	if errors.As(err, &fe) {
		p := offsetPos(pos, src, fe.From, quoted)
		msg := fe.Message
		hint := ""
		if strings.Contains(msg, "expected float64") || strings.Contains(msg, "expected bool") {
			hint = "numbers are needed for probabilities, payoffs and weights; true/false for hypotheses"
		}
		// The library's words for two limits, said in ours: its node
		// count (placed at the expression's end) and a number float64
		// cannot hold ("invalid float literal: strconv.ParseFloat: ...").
		if strings.Contains(msg, "exceeds maximum allowed nodes") {
			p, msg = pos, fmt.Sprintf("more than %d syntax nodes (the limit for one expression)", maxExprNodes)
			hint = "split it: give a part a parameter of its own, or simplify"
		} else if strings.Contains(msg, "invalid float literal") && strings.Contains(msg, "value out of range") {
			lit := msg
			if i := strings.Index(msg, `parsing "`); i >= 0 {
				lit, _, _ = strings.Cut(msg[i+len(`parsing "`):], `"`)
			}
			// The library places it at the literal's last character.
			if runes, end := []rune(src), fe.From+1; end <= len(runes) && strings.HasSuffix(string(runes[:end]), lit) {
				p = offsetPos(pos, src, end-utf8.RuneCountInString(lit), quoted)
			}
			msg = fmt.Sprintf("number %s is out of range (float64 holds up to ±1.8e308)", lit)
			hint = "every number must be finite, within ±1e100; docs/limits.md"
		}
		c.d.errorf(p, hint, "invalid expression: %s", msg)
		return
	}
	c.d.errorf(pos, "", "invalid expression: %v", err)
}

// usedEnv is the compile environment of a checked expression: only the
// parameters (and hypothesis quantities) it reads, and the clock's dates.
// The library's cost of an environment grows with its size, and compiling
// each of n expressions against all n parameters would take time n².
func (c *compiler) usedEnv(p *exprChecker) map[string]any {
	env := make(map[string]any, len(p.params)+len(p.quants)+len(c.dates))
	for i := range p.params {
		env[c.paramNames[i]] = 0.0
	}
	for _, q := range p.quants {
		env[q.ident] = q.envZero()
	}
	for k, v := range c.dates {
		env[k] = float64(v)
	}
	return env
}

// dateEnv holds the clock's dates: the environment of an expression that
// reads no parameter.
func (c *compiler) dateEnv() map[string]any {
	env := make(map[string]any, len(c.dates))
	for k, v := range c.dates {
		env[k] = float64(v)
	}
	return env
}
