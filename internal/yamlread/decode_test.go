package yamlread

import (
	"reflect"
	"strings"
	"testing"
)

type decodeT struct {
	Name  string              `yaml:"name"`
	N     int                 `yaml:"n"`
	X     []float64           `yaml:"x"`
	On    bool                `yaml:"on"`
	Sides map[string][]string `yaml:"sides"`
	Inner []struct {
		ID string `yaml:"id"`
	} `yaml:"inner"`
	Skip string `yaml:"-"`
}

// TestDecode: the kinds a reader's struct holds, and every refusal at the
// line:col of the value at fault.
func TestDecode(t *testing.T) {
	var v decodeT
	src := "name: 7\nn: 0x10\nx: [1, 1e-3, 2.5]\non: true\nsides: {A: [a, b], B: []}\ninner: [{id: x}]\n"
	if err := Decode([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	want := decodeT{Name: "7", N: 16, X: []float64{1, 1e-3, 2.5}, On: true, Sides: map[string][]string{"A": {"a", "b"}, "B": {}}}
	want.Inner = append(want.Inner, struct {
		ID string `yaml:"id"`
	}{"x"})
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v\nwant %+v", v, want)
	}
	for _, c := range []struct{ src, want string }{
		{"nme: x\n", `1:1: unknown field "nme"`},
		{"n: 1\nn: 2\n", `2:1: field "n" given twice`},
		{"sides: {A: [a], A: [b]}\n", `1:17: key "A" given twice`},
		{"n: 1.5\n", `1:4: want a whole number, found "1.5"`},
		{"n: 99999999999999999999\n", "1:4: want a whole number"},
		{"x: [1, .inf]\n", "1:8: want a finite number"},
		{"x: 1\n", "1:4: want a list, found \"1\""},
		{"on: yes\n", `1:5: want true or false, found "yes"`},
		{"name: [a]\n", "1:7: want a text, found a list"},
		{"a: &x 1\nname: *x\n", "unknown field"},
		{"name: &x a\nn: *x\n", "2:4: aliases (*name) are not read here"},
		{"- 1\n", "1:1: want a mapping, found a list"},
		{"skip: x\n", `unknown field "skip"`},
	} {
		var v decodeT
		err := Decode([]byte(c.src), &v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.src, err, c.want)
		}
	}
	if err := Decode([]byte("# nothing\n"), &v); err != nil {
		t.Errorf("no document: %v", err)
	}
}
