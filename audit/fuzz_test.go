package audit

import (
	"testing"

	"github.com/truce-dev/truce/scenario"
)

// FuzzVariants: for any file the scenario reader accepts, listing the
// variants and applying each one's edits never panics and never edits
// outside the file, and every variant is either a valid scenario or
// rejected with diagnostics.
func FuzzVariants(f *testing.F) {
	for _, path := range []string{"testdata/planted.yaml", "../examples/two-state.yaml", "../examples/tit-for-tat.yaml", "../sensitivity/testdata/linear.yaml"} {
		f.Add(readFile(f, path))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			return
		}
		sc, _ := scenario.Parse("fuzz.yaml", src)
		if sc == nil {
			return
		}
		s, err := newSource(src)
		if err != nil {
			return
		}
		for _, p := range perturbations(s, sc) {
			for _, e := range p.edits {
				if e.start < 0 || e.end > len(src) || e.start > e.end {
					t.Fatalf("%s: edit %d..%d outside the file (%d bytes)", p.What, e.start, e.end, len(src))
				}
			}
			v, ds := scenario.Parse("fuzz.yaml", s.apply(p.edits))
			if v == nil && len(ds) == 0 {
				t.Fatalf("%s: variant rejected without a diagnostic", p.What)
			}
		}
	})
}
