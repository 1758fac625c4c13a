package nashcli

import (
	"sort"
	"strings"
	"testing"
)

// TestMethodTable: the table is sorted by name without repeats (help and
// error messages list it in its order, as sorted map keys were listed
// before), and Methods and lookupMethod give its entries.
func TestMethodTable(t *testing.T) {
	names := make([]string, len(methodTable))
	for i, e := range methodTable {
		names[i] = e.name
		if e.run == nil {
			t.Errorf("method %s has no function", e.name)
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("methodTable not sorted: %v", names)
	}
	m := Methods()
	if len(m) != len(names) {
		t.Errorf("Methods has %d entries, the table %d: a name repeats", len(m), len(names))
	}
	for _, n := range names {
		if _, ok := lookupMethod(n); !ok || m[n] == nil {
			t.Errorf("%s: lookupMethod %v, in Methods %v", n, ok, m[n] != nil)
		}
	}
	if _, ok := lookupMethod("reduced-lcp"); ok {
		t.Error("lookupMethod found reduced-lcp")
	}
	if got, want := methodList(), strings.Join(names, ", "); got != want {
		t.Errorf("methodList %q, want %q", got, want)
	}
}
