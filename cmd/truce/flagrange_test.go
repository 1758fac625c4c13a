package main

import (
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestFlagDefaultsInRange: every ranged numeric flag has a non-empty range
// that holds its default (0 may stand for "the method's default", as nash
// --starts does) ("1 to 0" once made truce serve
// --max-draws and --max-runs refuse every value: the range's upper end was
// the flag's own variable, still 0, shadowing the package constant).
func TestFlagDefaultsInRange(t *testing.T) {
	walk(newRootCmd(), func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			switch v := f.Value.(type) {
			case *intValue:
				if v.Lo > v.Hi || (*v.P != 0 && (*v.P < v.Lo || *v.P > v.Hi)) {
					t.Errorf("%s --%s: default %d outside its range %d to %d", c.CommandPath(), f.Name, *v.P, v.Lo, v.Hi)
				} else if *v.P != 0 {
					// Setting the default as text must work too.
					if err := f.Value.Set(f.DefValue); err != nil {
						t.Errorf("%s --%s %s: %v", c.CommandPath(), f.Name, f.DefValue, err)
					}
				}
			case *floatValue:
				if v.Lo > v.Hi || *v.P < v.Lo || *v.P > v.Hi {
					t.Errorf("%s --%s: default %g outside its range %g to %g", c.CommandPath(), f.Name, *v.P, v.Lo, v.Hi)
				}
			}
		})
	})
}
