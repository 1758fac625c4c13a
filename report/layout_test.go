package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// drawnDiagram reads back what the state diagram's SVG draws: the boxes of
// the states, the polylines of the edges (with their endpoints' states)
// and the boxes of the edge labels.
func drawnDiagram(t tb, svg string) (boxes map[string]box, edges []struct {
	from, to string
	pts      [][2]float64
}, labels []box) {
	t.Helper()
	f := func(s string) float64 {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("bad number %q", s)
		}
		return x
	}
	boxes = map[string]box{}
	for _, m := range regexp.MustCompile(`<g class="state" data-state="([^"]*)" data-x="([^"]*)" data-y="([^"]*)" data-w="([^"]*)" data-h="([^"]*)"`).FindAllStringSubmatch(svg, -1) {
		boxes[m[1]] = box{f(m[2]), f(m[3]), f(m[4]), f(m[5])}
	}
	for _, m := range regexp.MustCompile(`<polyline class="edge" data-from="([^"]*)" data-to="([^"]*)" points="([^"]*)"`).FindAllStringSubmatch(svg, -1) {
		var pts [][2]float64
		for _, p := range strings.Fields(m[3]) {
			x, y, _ := strings.Cut(p, ",")
			pts = append(pts, [2]float64{f(x), f(y)})
		}
		edges = append(edges, struct {
			from, to string
			pts      [][2]float64
		}{m[1], m[2], pts})
	}
	for _, m := range regexp.MustCompile(`<g class="edge-label" data-from="[^"]*" data-to="[^"]*" data-x="([^"]*)" data-y="([^"]*)" data-w="([^"]*)" data-h="([^"]*)"`).FindAllStringSubmatch(svg, -1) {
		labels = append(labels, box{f(m[1]), f(m[2]), f(m[3]), f(m[4])})
	}
	return boxes, edges, labels
}

// tb is what the checks need of *testing.T and *rapid.T.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

func overlap(a, b box) bool {
	return a.left() < b.right()-0.5 && b.left() < a.right()-0.5 && a.top() < b.bottom()-0.5 && b.top() < a.bottom()-0.5
}

// checkDiagram fails if an edge passes through a state's box, an edge does
// not start on its source's box and end on its target's, a label overlaps
// a box or another label, or boxes overlap.
func checkDiagram(t tb, in Input) {
	t.Helper()
	svg := stateDiagram(in)
	boxes, edges, labels := drawnDiagram(t, svg)
	if len(boxes) != len(in.States) {
		t.Fatalf("%d state boxes drawn, want %d", len(boxes), len(in.States))
	}
	for _, e := range edges {
		for k := 0; k+1 < len(e.pts); k++ {
			for id, b := range boxes {
				// 0.5 px inset: an edge may touch its own boxes' borders
				if segmentHitsBox(e.pts[k], e.pts[k+1], b, 0.5) {
					t.Errorf("edge %s→%s segment %v–%v crosses the box of %s %+v", e.from, e.to, e.pts[k], e.pts[k+1], id, b)
				}
			}
		}
		s, d := e.pts[0], e.pts[len(e.pts)-1]
		onBorder := func(p [2]float64, b box) bool {
			return (abs(p[0]-b.left()) < 0.02 || abs(p[0]-b.right()) < 0.02) && p[1] >= b.top() && p[1] <= b.bottom()
		}
		if !onBorder(s, boxes[e.from]) || !onBorder(d, boxes[e.to]) {
			t.Errorf("edge %s→%s runs from %v to %v, not from box %+v to box %+v", e.from, e.to, s, d, boxes[e.from], boxes[e.to])
		}
	}
	for i, l := range labels {
		for id, b := range boxes {
			if overlap(l, b) {
				t.Errorf("label %+v overlaps the box of %s", l, id)
			}
		}
		for _, m := range labels[i+1:] {
			if overlap(l, m) {
				t.Errorf("labels %+v and %+v overlap", l, m)
			}
		}
	}
	ids := make([]string, 0, len(boxes))
	for id := range boxes {
		ids = append(ids, id)
	}
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			if overlap(boxes[a], boxes[b]) {
				t.Errorf("boxes of %s and %s overlap", a, b)
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestDiagramBundled: the bundled scenario's diagram has every edge, each
// labelled, none through a state's box.
func TestDiagramBundled(t *testing.T) {
	in := bundledInput(t)
	checkDiagram(t, in)
	svg := stateDiagram(in)
	_, edges, labels := drawnDiagram(t, svg)
	if len(edges) != len(in.Edges) || len(labels) != len(in.Edges) || len(edges) < 15 {
		t.Errorf("%d edges and %d labels drawn for %d edges", len(edges), len(labels), len(in.Edges))
	}
	if !strings.Contains(svg, ">IR hormuz · ") {
		t.Errorf("the move into hormuz is not labelled with its cause")
	}
}

// TestDiagramAnyGraph: on random directed graphs (cycles, two-way pairs,
// long edges, endings, labels of several lines) no edge crosses a box and
// no label overlaps a box or another label.
func TestDiagramAnyGraph(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "states")
		in := Input{Title: "g"}
		for i := 0; i < n; i++ {
			in.States = append(in.States, State{ID: fmt.Sprintf("s%d%s", i, strings.Repeat("x", rapid.IntRange(0, 12).Draw(t, "len"))),
				Initial: i == 0, Terminal: i > 0 && rapid.Bool().Draw(t, "terminal")})
		}
		seen := map[[2]int]bool{}
		for k := rapid.IntRange(0, 3*n).Draw(t, "edges"); k > 0; k-- {
			a, b := rapid.IntRange(0, n-1).Draw(t, "from"), rapid.IntRange(0, n-1).Draw(t, "to")
			if a == b || in.States[a].Terminal || seen[[2]int{a, b}] {
				continue
			}
			seen[[2]int{a, b}] = true
			lines := make([]string, rapid.IntRange(0, 3).Draw(t, "lines"))
			for i := range lines {
				lines[i] = strings.Repeat("w", rapid.IntRange(1, 30).Draw(t, "width"))
			}
			in.Edges = append(in.Edges, Edge{From: in.States[a].ID, To: in.States[b].ID, Label: strings.Join(lines, "\n")})
		}
		checkDiagram(t, in)
	})
}

func TestSegmentHitsBox(t *testing.T) {
	b := box{10, 10, 4, 4} // [8,12]×[8,12]
	for _, tc := range []struct {
		p, q [2]float64
		want bool
	}{
		{[2]float64{0, 10}, [2]float64{20, 10}, true},   // straight through
		{[2]float64{0, 0}, [2]float64{20, 20}, true},    // diagonal through
		{[2]float64{0, 13}, [2]float64{20, 13}, false},  // below
		{[2]float64{12, 10}, [2]float64{20, 10}, false}, // starts on the border, goes out
		{[2]float64{0, 0}, [2]float64{7, 20}, false},    // passes left
		{[2]float64{9, 9}, [2]float64{11, 11}, true},    // inside
	} {
		if got := segmentHitsBox(tc.p, tc.q, b, 0.5); got != tc.want {
			t.Errorf("segment %v–%v: %v, want %v", tc.p, tc.q, got, tc.want)
		}
	}
}
