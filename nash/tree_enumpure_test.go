package nash

import (
	"context"
	"sort"
	"strings"
	"testing"
)

func TestTreeEnumPureMatchesGambit(t *testing.T) {
	n := 0
	for _, c := range treeRefCases(t, "enumpure") {
		if c.failed && len(c.ne) == 0 {
			if strings.Contains(c.errMsg, "imperfect recall") {
				tr := treeLoad(t, c.efg)
				if _, err := TreeEnumPure(context.Background(), tr, Options{}); err == nil {
					t.Errorf("%s: Gambit says imperfect recall, we accepted it", c.name)
				}
			}
			continue
		}
		tr := treeLoad(t, c.efg)
		res, err := TreeEnumPure(context.Background(), tr, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var got, want []string
		for _, eq := range res.Equilibria {
			if eq.Regret > 1e-9 {
				t.Errorf("%s: regret %g", c.name, eq.Regret)
			}
			got = append(got, treeRatsString(treeFlat(eq.Exact)))
		}
		for _, ne := range c.ne {
			want = append(want, treeRatsString(ne))
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: got %d equilibria\n%s\nwant %d\n%s", c.name, len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
		}
		n++
	}
	t.Logf("%d trees compared", n)
}
