package report

import (
	"math"
	"sort"
)

// A layered (Sugiyama-style) drawing of a directed graph, left to right:
// cycles are broken by reversing the back edges of a depth-first search,
// nodes get columns by longest path (sinks flagged as last go to the last
// column), every edge is cut into one-column steps by dummy items (one of
// which carries its label), columns are ordered by barycentre sweeps to
// reduce crossings, and rows are placed by repeated least-squares
// alignment under minimum gaps. Items of a column occupy disjoint vertical
// slots and edges run straight only between columns or across a column
// inside their own slot, so no edge or label can cross a node's box.

// lnode is a node to lay out: its box size.
type lnode struct {
	w, h float64
	last bool // put in the last column (an ending)
}

// ledge is an edge to lay out, with the size of its label (0 for none).
type ledge struct {
	from, to int
	lw, lh   float64
}

// box is a placed rectangle, by its centre.
type box struct{ x, y, w, h float64 }

func (b box) left() float64   { return b.x - b.w/2 }
func (b box) right() float64  { return b.x + b.w/2 }
func (b box) top() float64    { return b.y - b.h/2 }
func (b box) bottom() float64 { return b.y + b.h/2 }

// routed is a placed edge: a polyline from the source's box to the
// target's, in the edge's own direction, and where its label goes.
type routed struct {
	pts   [][2]float64
	label box // zero size when the edge has no label
}

// drawing is a laid-out graph.
type drawing struct {
	nodes []box
	edges []routed
	w, h  float64
}

const (
	colGap  = 26.0 // horizontal room between columns, for the slanted segments
	slotGap = 10.0 // vertical room between items of a column
	margin  = 12.0
)

// item is a node or a dummy in a column.
type item struct {
	node  int // real node index, or -1
	edge  int // for dummies: the edge it belongs to
	w, h  float64
	y     float64
	order float64
	label bool
}

func layoutLayered(nodes []lnode, edges []ledge, first int) drawing {
	n := len(nodes)
	// Break cycles: reverse DFS back edges, starting from the first node.
	out := make([][]int, n)
	for i, e := range edges {
		out[e.from] = append(out[e.from], i)
	}
	rev := make([]bool, len(edges))
	state := make([]int, n) // 0 new, 1 on stack, 2 done
	var dfs func(u int)
	dfs = func(u int) {
		state[u] = 1
		for _, ei := range out[u] {
			v := edges[ei].to
			switch state[v] {
			case 0:
				dfs(v)
			case 1:
				rev[ei] = true
			}
		}
		state[u] = 2
	}
	if first >= 0 && first < n {
		dfs(first)
	}
	for u := 0; u < n; u++ {
		if state[u] == 0 {
			dfs(u)
		}
	}
	src := func(i int) int {
		if rev[i] {
			return edges[i].to
		}
		return edges[i].from
	}
	dst := func(i int) int {
		if rev[i] {
			return edges[i].from
		}
		return edges[i].to
	}
	// Longest-path columns in the acyclic orientation (Kahn order).
	indeg := make([]int, n)
	for i := range edges {
		indeg[dst(i)]++
	}
	layer := make([]int, n)
	queue := []int{}
	for u := 0; u < n; u++ {
		if indeg[u] == 0 {
			queue = append(queue, u)
		}
	}
	outA := make([][]int, n)
	for i := range edges {
		outA[src(i)] = append(outA[src(i)], i)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, ei := range outA[u] {
			v := dst(ei)
			layer[v] = max(layer[v], layer[u]+1)
			if indeg[v]--; indeg[v] == 0 {
				queue = append(queue, v)
			}
		}
	}
	maxL := 0
	for u := range layer {
		maxL = max(maxL, layer[u])
	}
	for u, nd := range nodes {
		if nd.last && len(outA[u]) == 0 {
			layer[u] = maxL
		}
	}
	// Every edge spans at least two columns after doubling, so it has a
	// dummy item for its label in the column between.
	cols := make([][]*item, 2*maxL+1)
	nodeItem := make([]*item, n)
	for u, nd := range nodes {
		it := &item{node: u, edge: -1, w: nd.w, h: nd.h}
		nodeItem[u] = it
		c := 2 * layer[u]
		cols[c] = append(cols[c], it)
	}
	chains := make([][]*item, len(edges)) // per edge: items from src to dst (acyclic orientation)
	for i, e := range edges {
		a, b := 2*layer[src(i)], 2*layer[dst(i)]
		chain := []*item{nodeItem[src(i)]}
		// The label sits next to the edge's own source.
		lc := a + 1
		if rev[i] {
			lc = b - 1
		}
		for c := a + 1; c < b; c++ {
			d := &item{node: -1, edge: i, w: 0, h: 4}
			if c == lc && e.lw > 0 {
				d.w, d.h, d.label = e.lw, e.lh+6, true
			}
			cols[c] = append(cols[c], d)
			chain = append(chain, d)
		}
		chain = append(chain, nodeItem[dst(i)])
		chains[i] = chain
	}
	// Neighbours of each item in the previous and next column.
	prev := map[*item][]*item{}
	next := map[*item][]*item{}
	for _, ch := range chains {
		for k := 0; k+1 < len(ch); k++ {
			next[ch[k]] = append(next[ch[k]], ch[k+1])
			prev[ch[k+1]] = append(prev[ch[k+1]], ch[k])
		}
	}
	for _, col := range cols {
		for k, it := range col {
			it.order = float64(k)
		}
	}
	// Barycentre sweeps, keeping the order with the fewest crossings.
	best := snapshot(cols)
	bestX := crossings(cols, next)
	for iter := 0; iter < 24 && bestX > 0; iter++ {
		if iter%2 == 0 {
			for c := 1; c < len(cols); c++ {
				sortBy(cols[c], prev)
			}
		} else {
			for c := len(cols) - 2; c >= 0; c-- {
				sortBy(cols[c], next)
			}
		}
		if x := crossings(cols, next); x < bestX {
			bestX, best = x, snapshot(cols)
		}
	}
	restore(cols, best)
	// Rows: start stacked, then align each item with its neighbours under
	// the minimum gaps, sweeping both ways.
	for _, col := range cols {
		y := 0.0
		for _, it := range col {
			it.y = y + it.h/2
			y += it.h + slotGap
		}
	}
	for iter := 0; iter < 16; iter++ {
		order := make([]int, len(cols))
		for c := range order {
			order[c] = c
		}
		if iter%2 == 1 {
			for l, r := 0, len(order)-1; l < r; l, r = l+1, r-1 {
				order[l], order[r] = order[r], order[l]
			}
		}
		for _, c := range order {
			col := cols[c]
			want := make([]float64, len(col))
			for k, it := range col {
				nb := append(append([]*item(nil), prev[it]...), next[it]...)
				if len(nb) == 0 {
					want[k] = it.y
					continue
				}
				s := 0.0
				for _, o := range nb {
					s += o.y
				}
				want[k] = s / float64(len(nb))
			}
			place(col, want)
		}
	}
	// Shift so the top item starts at the margin.
	top := math.Inf(1)
	for _, col := range cols {
		for _, it := range col {
			top = math.Min(top, it.y-it.h/2)
		}
	}
	height := 0.0
	for _, col := range cols {
		for _, it := range col {
			it.y += margin - top
			height = math.Max(height, it.y+it.h/2+margin)
		}
	}
	// Columns: widths and left edges.
	colL := make([]float64, len(cols))
	colW := make([]float64, len(cols))
	x := margin
	for c, col := range cols {
		for _, it := range col {
			colW[c] = math.Max(colW[c], it.w)
		}
		colL[c] = x
		x += colW[c] + colGap
	}
	width := x - colGap + margin
	dr := drawing{nodes: make([]box, n), edges: make([]routed, len(edges)), w: width, h: height}
	colOf := map[*item]int{}
	for c, col := range cols {
		for _, it := range col {
			colOf[it] = c
			if it.node >= 0 {
				dr.nodes[it.node] = box{colL[c] + colW[c]/2, it.y, it.w, it.h}
			}
		}
	}
	// Ports: the edges leaving (entering) a node are spread along its right
	// (left) side in the order of the item they go to (come from).
	outPort := map[int]float64{}
	inPort := map[int]float64{}
	for u := 0; u < n; u++ {
		var outs, ins []int
		for i := range edges {
			if src(i) == u {
				outs = append(outs, i)
			}
			if dst(i) == u {
				ins = append(ins, i)
			}
		}
		b := dr.nodes[u]
		spread := func(list []int, neighbour func(i int) *item, port map[int]float64) {
			sort.SliceStable(list, func(a, c int) bool { return neighbour(list[a]).y < neighbour(list[c]).y })
			for k, i := range list {
				port[i] = b.top() + b.h*float64(k+1)/float64(len(list)+1)
			}
		}
		spread(outs, func(i int) *item { return chains[i][1] }, outPort)
		spread(ins, func(i int) *item { return chains[i][len(chains[i])-2] }, inPort)
	}
	for i := range edges {
		ch := chains[i]
		s, t := dr.nodes[src(i)], dr.nodes[dst(i)]
		cs, ct := colOf[ch[0]], colOf[ch[len(ch)-1]]
		pts := [][2]float64{{s.right(), outPort[i]}, {colL[cs] + colW[cs], outPort[i]}}
		var lab box
		for _, d := range ch[1 : len(ch)-1] {
			c := colOf[d]
			ly := d.y
			if d.label {
				// The line runs along the bottom of the slot, the text above.
				ly = d.y + d.h/2 - 2
				lab = box{colL[c] + colW[c]/2, d.y - 2, d.w, d.h - 4}
			}
			pts = append(pts, [2]float64{colL[c], ly}, [2]float64{colL[c] + colW[c], ly})
		}
		pts = append(pts, [2]float64{colL[ct], inPort[i]}, [2]float64{t.left(), inPort[i]})
		if rev[i] {
			for l, r := 0, len(pts)-1; l < r; l, r = l+1, r-1 {
				pts[l], pts[r] = pts[r], pts[l]
			}
		}
		dr.edges[i] = routed{pts: dedupe(pts), label: lab}
	}
	return dr
}

// place sets the rows of one column as close as possible (least squares)
// to want, keeping the order and the minimum gaps: with z_k = y_k - s_k
// (s_k the cumulative minimum offset) the constraint is z non-decreasing,
// an isotonic regression solved by pooling adjacent violators.
func place(col []*item, want []float64) {
	if len(col) == 0 {
		return
	}
	off := make([]float64, len(col))
	for k := 1; k < len(col); k++ {
		off[k] = off[k-1] + col[k-1].h/2 + slotGap + col[k].h/2
	}
	type block struct {
		sum   float64
		n     int
		start int
	}
	var blocks []block
	for k := range col {
		blocks = append(blocks, block{want[k] - off[k], 1, k})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/float64(a.n) <= b.sum/float64(b.n) {
				break
			}
			blocks = append(blocks[:len(blocks)-2], block{a.sum + b.sum, a.n + b.n, a.start})
		}
	}
	for bi, b := range blocks {
		end := len(col)
		if bi+1 < len(blocks) {
			end = blocks[bi+1].start
		}
		z := b.sum / float64(b.n)
		for k := b.start; k < end; k++ {
			col[k].y = z + off[k]
		}
	}
}

func sortBy(col []*item, nb map[*item][]*item) {
	for _, it := range col {
		if ns := nb[it]; len(ns) > 0 {
			s := 0.0
			for _, o := range ns {
				s += o.order
			}
			it.order = s / float64(len(ns))
		}
	}
	sort.SliceStable(col, func(a, b int) bool { return col[a].order < col[b].order })
	for k, it := range col {
		it.order = float64(k)
	}
}

// crossings counts pairs of edge segments between adjacent columns that
// cross.
func crossings(cols [][]*item, next map[*item][]*item) int {
	x := 0
	for _, col := range cols {
		type seg struct{ a, b float64 }
		var segs []seg
		for _, it := range col {
			for _, o := range next[it] {
				segs = append(segs, seg{it.order, o.order})
			}
		}
		for i := range segs {
			for j := i + 1; j < len(segs); j++ {
				if (segs[i].a-segs[j].a)*(segs[i].b-segs[j].b) < 0 {
					x++
				}
			}
		}
	}
	return x
}

func snapshot(cols [][]*item) [][]*item {
	out := make([][]*item, len(cols))
	for c, col := range cols {
		out[c] = append([]*item(nil), col...)
	}
	return out
}

func restore(cols, from [][]*item) {
	for c := range cols {
		copy(cols[c], from[c])
		for k, it := range cols[c] {
			it.order = float64(k)
		}
	}
}

func dedupe(pts [][2]float64) [][2]float64 {
	out := pts[:1]
	for _, p := range pts[1:] {
		q := out[len(out)-1]
		if math.Abs(p[0]-q[0]) > 1e-9 || math.Abs(p[1]-q[1]) > 1e-9 {
			out = append(out, p)
		}
	}
	return out
}

// segmentHitsBox reports whether the segment p-q passes through the inside
// of b (shrunk by inset, so touching its border does not count); the
// Liang–Barsky clip of the segment against the rectangle.
func segmentHitsBox(p, q [2]float64, b box, inset float64) bool {
	x0, x1 := b.left()+inset, b.right()-inset
	y0, y1 := b.top()+inset, b.bottom()-inset
	if x0 >= x1 || y0 >= y1 {
		return false
	}
	dx, dy := q[0]-p[0], q[1]-p[1]
	t0, t1 := 0.0, 1.0
	for _, c := range [][2]float64{{-dx, p[0] - x0}, {dx, x1 - p[0]}, {-dy, p[1] - y0}, {dy, y1 - p[1]}} {
		pp, qq := c[0], c[1]
		if pp == 0 {
			if qq < 0 {
				return false
			}
			continue
		}
		r := qq / pp
		if pp < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}
