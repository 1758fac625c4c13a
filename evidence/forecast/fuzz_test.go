package forecast

import "testing"

// FuzzParse: any text is read as a question or refused, never a panic; a
// question read writes back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`reach("war", 12)`, `event("strike", 4, "baseline")`, `reach("", 1)`, `reach("a\"b", 1)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		if q.Steps < 1 || q.Steps > MaxSteps || q.Name == "" {
			t.Fatalf("accepted %+v", q)
		}
		back, err := Parse(q.String())
		if err != nil || back != q {
			t.Fatalf("%q read as %+v, written %s, read back %+v (%v)", s, q, q.String(), back, err)
		}
	})
}
