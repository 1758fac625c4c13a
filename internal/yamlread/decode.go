package yamlread

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Decode reads the one YAML document in src into out, a pointer to a
// struct whose fields carry yaml tags (`yaml:"name"`, "-" to skip), made
// of strings, integers, floats, booleans, slices, maps with string keys
// and structs. A key out does not know, a key given twice, a syntax error
// or a value of the wrong kind is an *Error at its line:col; a text with
// no document leaves out alone.
//
// Why not yaml.Load: go.yaml.in/yaml/v4's decoder checks the keys of a
// mapping against each other, in time quadratic in their number (50,000
// keys took minutes), while its parser, used here through Parse, is
// linear.
func Decode(src []byte, out any) error {
	body, err := Parse(src)
	if err != nil {
		return err
	}
	return DecodeNode(body, out)
}

// DecodeNode is Decode of a tree that Parse returned (nil: nothing).
func DecodeNode(body ast.Node, out any) error {
	if body == nil {
		return nil
	}
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("yamlread.Decode: want a non-nil pointer, got %T", out)
	}
	return decodeNode(body, v.Elem())
}

func errAt(n ast.Node, format string, args ...any) *Error {
	e := &Error{Line: 1, Col: 1, Msg: fmt.Sprintf(format, args...)}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = tk.Position.Line, tk.Position.Column
	}
	return e
}

// kindName says what a node is, for messages.
func kindName(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "nothing"
	case *ast.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.GetToken().Value)
}

func decodeNode(n ast.Node, v reflect.Value) error {
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	if _, ok := n.(*ast.AliasNode); ok {
		return errAt(n, "aliases (*name) are not read here; write the value")
	}
	if _, ok := n.(*ast.NullNode); ok {
		v.SetZero()
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		m, ok := n.(*ast.MappingNode)
		if !ok {
			return errAt(n, "want a mapping, found %s", kindName(n))
		}
		fields := map[string]int{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			if name != "-" && f.IsExported() {
				fields[name] = i
			}
		}
		seen := map[string]bool{}
		for _, mv := range m.Values {
			k := mv.Key.GetToken().Value
			i, ok := fields[k]
			if !ok {
				return errAt(mv.Key, "unknown field %q", k)
			}
			if seen[k] {
				return errAt(mv.Key, "field %q given twice", k)
			}
			seen[k] = true
			if err := decodeNode(mv.Value, v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		m, ok := n.(*ast.MappingNode)
		if !ok {
			return errAt(n, "want a mapping, found %s", kindName(n))
		}
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("yamlread.Decode: map keys of %s are not strings", v.Type())
		}
		v.Set(reflect.MakeMapWithSize(v.Type(), len(m.Values)))
		for _, mv := range m.Values {
			k := reflect.ValueOf(mv.Key.GetToken().Value).Convert(v.Type().Key())
			if v.MapIndex(k).IsValid() {
				return errAt(mv.Key, "key %q given twice", k.String())
			}
			e := reflect.New(v.Type().Elem()).Elem()
			if err := decodeNode(mv.Value, e); err != nil {
				return err
			}
			v.SetMapIndex(k, e)
		}
	case reflect.Slice:
		s, ok := n.(*ast.SequenceNode)
		if !ok {
			return errAt(n, "want a list, found %s", kindName(n))
		}
		v.Set(reflect.MakeSlice(v.Type(), len(s.Values), len(s.Values)))
		for i, item := range s.Values {
			if err := decodeNode(item, v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.String:
		switch x := n.(type) {
		case *ast.MappingNode, *ast.SequenceNode:
			return errAt(n, "want a text, found %s", kindName(n))
		case *ast.LiteralNode:
			v.SetString(x.Value.Value)
		case *ast.StringNode:
			v.SetString(x.Value)
		default: // a number or a boolean as written: `cameo: [7]` reads "7"
			v.SetString(n.GetToken().Value)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, ok := n.(*ast.IntegerNode)
		var i int64
		switch val := any(nil); {
		case ok:
			val = x.Value
			i, ok = val.(int64)
		}
		if !ok || v.OverflowInt(i) {
			return errAt(n, "want a whole number, found %s", kindName(n))
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		var f float64
		switch x := n.(type) {
		case *ast.FloatNode:
			f = x.Value
		case *ast.IntegerNode:
			var err error
			f, err = strconv.ParseFloat(strings.ReplaceAll(x.GetToken().Value, "_", ""), 64)
			if err != nil {
				if i, ok := x.Value.(int64); ok {
					f, err = float64(i), nil
				}
			}
			if err != nil {
				return errAt(n, "want a number, found %s", kindName(n))
			}
		case *ast.InfinityNode, *ast.NanNode:
			return errAt(n, "want a finite number, found %s", kindName(n))
		default:
			return errAt(n, "want a number, found %s", kindName(n))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return errAt(n, "want a finite number, found %s", kindName(n))
		}
		v.SetFloat(f)
	case reflect.Bool:
		x, ok := n.(*ast.BoolNode)
		if !ok {
			return errAt(n, "want true or false, found %s", kindName(n))
		}
		v.SetBool(x.Value)
	default:
		return fmt.Errorf("yamlread.Decode: cannot read into %s", v.Type())
	}
	return nil
}
