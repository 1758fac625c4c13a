package main

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/truce-dev/truce/sensitivity"
)

// writeDemoBoxes lists the PRIM box of each claim the draws do not settle,
// with the event's share inside the box and overall, and leaves out the
// settled claims, the boxes over too few events and the claims with no
// restriction found.
func TestWriteDemoBoxes(t *testing.T) {
	box := func(id string, fails bool, base, dens float64, events int, restr ...sensitivity.Restriction) sensitivity.Discovery {
		return sensitivity.Discovery{Hypothesis: id, Fails: fails, PrimResult: &sensitivity.PrimResult{
			Points: 200, Events: events, BaseDensity: base, Box: sensitivity.Box{Density: dens}, Restrictions: restr}}
	}
	r := sensitivity.Restriction{Input: "p", Lo: 0.5, Hi: math.Inf(1)}
	d := &sensitivity.DiscoverResult{Draws: 200, Discoveries: []sensitivity.Discovery{
		box("H1", false, 0.21, 0.39, 42, r),  // unsettled: listed
		box("H2", false, 0.95, 0.99, 190, r), // settled (holds on 95%): left out
		box("H3", true, 0.30, 0.60, 60, r),   // fails on 30%: holds on 70%, listed as where it fails
		box("H4", false, 0.05, 0.50, 10, r),  // too few events and settled
		box("H5", false, 0.40, 0.40, 80),     // no restriction: nothing to say
		box("H6", false, 0.50, 0.70, 12, r),  // fewer than 20 events
	}}
	var b bytes.Buffer
	writeDemoBoxes(&b, d)
	out := b.String()
	for _, want := range []string{"over the 200 draws", "H1 holds on 39% of the draws in the box (21% of all) when p ≥ 0.5", "H3 fails on 60% of the draws in the box (30% of all) when p ≥ 0.5"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	for _, not := range []string{"H2", "H4", "H5", "H6"} {
		if strings.Contains(out, not+" ") {
			t.Errorf("lists %s:\n%s", not, out)
		}
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("not one line:\n%s", out)
	}
	b.Reset()
	writeDemoBoxes(&b, &sensitivity.DiscoverResult{Draws: 200, Discoveries: []sensitivity.Discovery{box("H2", false, 0.95, 0.99, 190, r)}})
	if b.Len() != 0 {
		t.Errorf("every claim settled, yet it prints %q", b.String())
	}
	writeDemoBoxes(&b, nil)
	if b.Len() != 0 {
		t.Errorf("no discovery, yet it prints %q", b.String())
	}
}
