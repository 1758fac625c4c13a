package yamlread

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
	"github.com/truce-dev/truce/internal/hostile"
	"github.com/truce-dev/truce/internal/simbench"
)

// fastCases are texts at the edges of what the fast path reads: each is
// read by it or given up to the loader, and where read must give the
// loader's tree (TestFastSameAsLoader, seeds of FuzzFastPath).
var fastCases = []string{
	"a: 1\n", "a: 1", "a: -0\nb: +5\nc: 017\nd: 08\ne: 0x1F\nf: 1_000\ng: 123456789012345678901\n",
	"a: 1.5\nb: .5\nc: -.5\nd: 1.\ne: 1e5\nf: 1E+05\ng: 1e400\nh: .\ni: -.inf\nj: .nan\nk: 2026-01-02\nl: 8/100\n",
	"a: true\nb: True\nc: TRUE\nd: false\ne: yes\nf: on\ng: ~\nh: null\ni: y\nj: <<\n",
	"a:\n  b: 1\n  c: [1, 2, {d: e}]\nf:\n- x\n- y\ng: z\n",
	"- a: 1\n  b: 2\n- c: 3\n- [x, y]\n- {p: q}\n- 'single'\n- \"double\"\n- plain text # comment\n",
	"-\n  a: 1\n- # comment\n  b: 2\n",
	"a: {x: 1,\n  y: 2}\nb: [\n  1,\n  2\n]\n",
	"a: {x: 1,\ny: 2}\n", "a: {x: 1\n  , y: 2}\n", "a: {x: 1, }\nb: [1, ]\nc: {}\nd: []\n",
	"a: b: c\n", "a: b\n  c\n", "a: b\n  # c\n  d\n", "a:\n  b: 1\n c: 2\n", "a:\nb: 1\n", "a: 'it''s'\n", "a: \"x\\ty\"\n",
	"a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n", "? a\n: b\n", "- - x\n", "--- \na: 1\n", "a: 1\n---\nb: 2\n", "%YAML 1.2\n---\na: 1\n",
	"a: 1 # c\n# d\n\n   \nb: 2\n", "a:#b\n", "a: x#y\n", "a: x #y\n", "a: \"q\"#c\n", "a: 'q' # c\n", "\"k\": v\n'k2': v2\n", "a: {\"*\": [a0, a1]}\n",
	"a: {x: a:b}\n", "a: {x: http://e}\n", "a: {x :y}\n", "a: [x: y]\n", "a: {x}\n", "a: {x: }\n", "a: {x: ,}\n", "a: [-1, -x, - y]\n",
	"a: é\nb: {c: 'ü', d: x}\n", "éé: {c: 'ü', d: [1, 2]}\n", "a: x\tb\n", "a: x\r\nb: y\r\n", "\uFEFFa: 1\n", "a: \u0085\n", "a: \u2028\n",
	"  a: 1\n  b: 2\n", "a: 1\n  \n", "a:\n  - 1\n  - 2\nb:\n  - c: 1\n    d: [2]\n", "[1, 2]\n", "{a: 1}\n", "plain\n", "1: a\n2.5: b\ntrue: c\n",
	"a: x, y [z] {w}\n", "a: -\n", "a: ---\n", "a: [a, [b, [c, [d]]]]\n", "a: {b: {c: {d: {}}}}\n", "a:  b  \n", "a : b\n", "a:\n\n  b: 1\n",
	"a: [1, # c\n  2]\n", "a: [1,\n# c\n  2]\n", "a: [1,\n\n  2]\n", "a: [1,\n2]\n", "a: '\n'\n", "a: \"a\nb\"\n", "- a\n-\n", "- a\nb: 1\n", "a: 1\n- b\n",
	"a: 1\na: 2\n", "a: {x: 1, x: 2}\n", "a: ''\nb: \"\"\n", "a: [1, 2]\n  \n",
}

// repoTexts is every YAML file of the repository, the Monte Carlo
// benchmark scenario, the hostile texts and the inputs of every fuzz
// corpus kept in the repository's testdata.
func repoTexts(t *testing.T) map[string][]byte {
	out := map[string][]byte{"simbench": simbench.Scenario(),
		"nested": hostile.NestedYAML(200), "nested-flow": hostile.NestedFlowYAML(200), "multidoc": hostile.MultiDocYAML(3)}
	for i, s := range fastCases {
		out[fmt.Sprintf("case %d %q", i, s)] = []byte(s)
	}
	filepath.WalkDir("../..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml"):
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[p] = b
		case strings.Contains(filepath.ToSlash(p), "/testdata/fuzz/"):
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<24)
			for k := 0; sc.Scan(); k++ {
				line := sc.Text()
				for _, pre := range []string{"[]byte(", "string("} {
					if strings.HasPrefix(line, pre) && strings.HasSuffix(line, ")") {
						if s, err := strconv.Unquote(line[len(pre) : len(line)-1]); err == nil {
							out[fmt.Sprintf("%s#%d", p, k)] = []byte(s)
						}
					}
				}
			}
		}
		return nil
	})
	return out
}

// TestFastSameAsLoader: wherever the fast path reads a text, the loader
// reads it too and the two trees are the same in every field (node types,
// tokens with their types, texts and line:col:offset, values, flow ends),
// compared with reflect.DeepEqual; the repository's scenarios, examples
// and test data, its fuzz corpora and the cases above. The Monte Carlo
// benchmark scenario takes the fast path.
func TestFastSameAsLoader(t *testing.T) {
	texts := repoTexts(t)
	fast := 0
	for name, src := range texts {
		got, ok := parseFast(src)
		if !ok {
			continue
		}
		fast++
		want, err := parseLoader(src)
		if err != nil {
			t.Errorf("%s: the fast path read a text the loader refuses: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the fast path's tree differs from the loader's: %s", name, firstDiff(dump(want), dump(got)))
		}
	}
	for _, name := range []string{"simbench"} {
		if _, ok := parseFast(texts[name]); !ok {
			t.Errorf("%s: the fast path gave it up", name)
		}
	}
	t.Logf("%d of %d texts read by the fast path", fast, len(texts))
}

// FuzzFastPath: where the fast path reads a text, the loader gives the
// same tree; the fast path never panics.
//
//	go test ./internal/yamlread -run '^$' -fuzz FuzzFastPath -fuzztime 2m
func FuzzFastPath(f *testing.F) {
	for _, s := range fastCases {
		f.Add([]byte(s))
	}
	for _, p := range []string{"../../examples/two-state.yaml", "../../examples/tit-for-tat.yaml", "../../scenarios/us-iran-2026.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got, ok := parseFast(src)
		if !ok {
			return
		}
		want, err := parseLoader(src)
		if err != nil {
			t.Fatalf("the fast path read a text the loader refuses: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("the fast path's tree differs from the loader's: %s", firstDiff(dump(want), dump(got)))
		}
	})
}

// dump is one line per node and token: what DeepEqual compares, readable.
func dump(n ast.Node) []string {
	var out []string
	var walk func(n ast.Node, ind string)
	tok := func(tk *token.Token) string {
		if tk == nil {
			return "nil"
		}
		s := fmt.Sprintf("%v %q", tk.Type, tk.Value)
		if tk.Position != nil {
			s += fmt.Sprintf(" %d:%d@%d", tk.Position.Line, tk.Position.Column, tk.Position.Offset)
		}
		return s
	}
	walk = func(n ast.Node, ind string) {
		if n == nil {
			out = append(out, ind+"nil")
			return
		}
		switch x := n.(type) {
		case *ast.MappingNode:
			out = append(out, fmt.Sprintf("%smapping flow=%v start=%s end=%s", ind, x.IsFlowStyle, tok(x.Start), tok(x.End)))
			for _, mv := range x.Values {
				out = append(out, fmt.Sprintf("%s pair flow=%v start=%s", ind, mv.IsFlowStyle, tok(mv.Start)))
				walk(mv.Key, ind+"  ")
				walk(mv.Value, ind+"  ")
			}
		case *ast.SequenceNode:
			out = append(out, fmt.Sprintf("%slist flow=%v start=%s end=%s", ind, x.IsFlowStyle, tok(x.Start), tok(x.End)))
			for i, v := range x.Values {
				if i < len(x.Entries) {
					out = append(out, fmt.Sprintf("%s entry %s", ind, tok(x.Entries[i].Start)))
				}
				walk(v, ind+"  ")
			}
		default:
			val := ""
			if v := reflect.ValueOf(n).Elem().FieldByName("Value"); v.IsValid() && v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface {
				val = fmt.Sprint(v.Interface())
			} else if v.IsValid() && v.Kind() == reflect.Interface {
				val = fmt.Sprintf("%T %v", v.Interface(), v.Interface())
			}
			out = append(out, fmt.Sprintf("%s%T %s = %s", ind, n, tok(n.GetToken()), val))
		}
	}
	walk(n, "")
	return out
}

func firstDiff(want, got []string) string {
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  loader: %s\n  fast:   %s", i, w, g)
		}
	}
	return fmt.Sprintf("the dumps agree (%d lines): a field they do not show differs", len(want))
}
