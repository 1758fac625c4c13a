package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestStatusQuoGraphEdgesClearOfBoxes: in the status-quo graph of the
// US–Iran conflict's shape (improvements within a column, as 8 → 4, and
// to the next column), no arrow passes through a state's box other than
// its own two, sampled along each line and curve.
func TestStatusQuoGraphEdgesClearOfBoxes(t *testing.T) {
	g := &OrdinalGraph{From: 0,
		Nodes: []OrdinalNode{{Code: 0}, {Code: 2, Depth: 1}, {Code: 3, Depth: 1}, {Code: 4, Depth: 1, Equilibrium: []string{"Nash"}}, {Code: 8, Depth: 1},
			{Code: 6, Depth: 2, Equilibrium: []string{"Nash"}}, {Code: 7, Depth: 2, Equilibrium: []string{"Nash"}}, {Code: 9, Depth: 2}},
		Edges: []OrdinalEdge{{0, 0, 2}, {0, 0, 3}, {1, 0, 4}, {1, 0, 8}, {1, 2, 6}, {1, 3, 7}, {1, 8, 4}, {1, 2, 8}, {0, 4, 2},
			{0, 7, 2}, {1, 6, 8}, {0, 9, 0}}} // backwards, one column and two
	svg := statusQuoSVG(g, []string{"US", "IR"})
	f := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("bad number %q", s)
		}
		return x
	}
	type rect struct{ x0, y0, x1, y1 float64 }
	var boxes []rect
	for _, m := range regexp.MustCompile(`<rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)" rx="4"`).FindAllStringSubmatch(svg, -1) {
		x, y := f(m[1]), f(m[2])
		boxes = append(boxes, rect{x, y, x + f(m[3]), y + f(m[4])})
	}
	if len(boxes) != len(g.Nodes) {
		t.Fatalf("%d boxes, want %d", len(boxes), len(g.Nodes))
	}
	inside := func(p [2]float64, b rect) bool {
		return p[0] > b.x0+1 && p[0] < b.x1-1 && p[1] > b.y0+1 && p[1] < b.y1-1
	}
	var curves [][][2]float64 // each sampled
	for _, m := range regexp.MustCompile(`<line x1="([^"]*)" y1="([^"]*)" x2="([^"]*)" y2="([^"]*)" stroke="[^"]*" stroke-width="1.2"`).FindAllStringSubmatch(svg, -1) {
		a, b := [2]float64{f(m[1]), f(m[2])}, [2]float64{f(m[3]), f(m[4])}
		var pts [][2]float64
		for k := 0; k <= 50; k++ {
			u := float64(k) / 50
			pts = append(pts, [2]float64{a[0] + u*(b[0]-a[0]), a[1] + u*(b[1]-a[1])})
		}
		curves = append(curves, pts)
	}
	for _, m := range regexp.MustCompile(`<path d="M([^,]*),(\S*) C([^,]*),(\S*) ([^,]*),(\S*) ([^,]*),([^"]*)"`).FindAllStringSubmatch(svg, -1) {
		var c [4][2]float64
		for i := range 4 {
			c[i] = [2]float64{f(m[1+2*i]), f(m[2+2*i])}
		}
		var pts [][2]float64
		for k := 0; k <= 50; k++ {
			u := float64(k) / 50
			w := [4]float64{(1 - u) * (1 - u) * (1 - u), 3 * u * (1 - u) * (1 - u), 3 * u * u * (1 - u), u * u * u}
			var p [2]float64
			for i := range 4 {
				p[0] += w[i] * c[i][0]
				p[1] += w[i] * c[i][1]
			}
			pts = append(pts, p)
		}
		curves = append(curves, pts)
	}
	for _, m := range regexp.MustCompile(`<polyline points="([^"]*)" fill="none"`).FindAllStringSubmatch(svg, -1) {
		var corners [][2]float64
		for _, pt := range strings.Fields(m[1]) {
			x, y, _ := strings.Cut(pt, ",")
			corners = append(corners, [2]float64{f(x), f(y)})
		}
		var pts [][2]float64
		for i := 0; i+1 < len(corners); i++ {
			a, b := corners[i], corners[i+1]
			for k := 0; k <= 50; k++ {
				u := float64(k) / 50
				pts = append(pts, [2]float64{a[0] + u*(b[0]-a[0]), a[1] + u*(b[1]-a[1])})
			}
		}
		curves = append(curves, pts)
	}
	if len(curves) != len(g.Edges) {
		t.Fatalf("%d arrows drawn, want %d", len(curves), len(g.Edges))
	}
	for i, pts := range curves {
		for _, p := range pts {
			for j, b := range boxes {
				if inside(p, b) {
					t.Errorf("arrow %d passes through box %d at %v", i, j, p)
					break
				}
			}
		}
	}
	checkTexts(t, svg)
}
