package forecast

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// palette colours the sources of a reliability diagram, in order.
var palette = []string{"#1f6fb4", "#d9711c", "#2b9a48", "#c0392b", "#7b4fa8", "#8a6d3b"}

// ReliabilitySVG draws the reliability diagram of scores: per source, the
// observed frequency of yes against the mean forecast of each bin (dots
// sized by the number of forecasts), the diagonal of perfect calibration,
// and below it how the forecasts spread over the bins (sharpness). It is a
// self-contained SVG element for an HTML page or a file.
func ReliabilitySVG(scores []SourceScore, title string) string {
	const (
		w              = 520
		left, top      = 60, 40
		plot           = 400 // square plot
		histTop        = top + plot + 56
		histH          = 50
		legendX        = left
		legendY        = histTop + histH + 28
		gridStroke     = "#ddd"
		fontAttributes = `font-family="sans-serif" font-size="12"`
	)
	h := legendY + 18*len(scores) + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`+"\n",
		w, h, w, h, html.EscapeString("reliability diagram: "+title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-family="sans-serif" font-size="14">%s</text>`+"\n", left, html.EscapeString(title))
	x := func(p float64) float64 { return left + p*plot }
	y := func(p float64) float64 { return top + (1-p)*plot }
	for i := 0; i <= 5; i++ {
		v := float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>`, x(v), top, x(v), top+plot, gridStroke)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>`+"\n", left, y(v), left+plot, y(v), gridStroke)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" %s text-anchor="middle">%.1f</text>`, x(v), top+plot+16, fontAttributes, v)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" %s text-anchor="end">%.1f</text>`+"\n", left-6, y(v)+4, fontAttributes, v)
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", left, top, plot, plot)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-dasharray="4 4"/>`+"\n", x(0), y(0), x(1), y(1))
	fmt.Fprintf(&b, `<text x="%d" y="%d" %s text-anchor="middle">forecast probability</text>`+"\n", left+plot/2, top+plot+32, fontAttributes)
	fmt.Fprintf(&b, `<text x="16" y="%d" %s text-anchor="middle" transform="rotate(-90 16 %d)">observed frequency</text>`+"\n", top+plot/2, fontAttributes, top+plot/2)
	maxN := 1
	for _, s := range scores {
		for _, bin := range s.Bins {
			maxN = max(maxN, bin.N)
		}
	}
	for i, s := range scores {
		col := palette[i%len(palette)]
		var pts []string
		for _, bin := range s.Bins {
			if bin.N == 0 {
				continue
			}
			px, py := x(float64(bin.MeanP)), y(float64(bin.Freq))
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			r := 3 + 7*math.Sqrt(float64(bin.N)/float64(maxN))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" fill-opacity="0.7"><title>%s: %d forecasts in [%.1f, %.1f], mean %.3f, observed %.3f</title></circle>`+"\n",
				px, py, r, col, html.EscapeString(s.Source), bin.N, bin.Lo, bin.Hi, float64(bin.MeanP), float64(bin.Freq))
		}
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.Join(pts, " "), col)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" %s>%s (n=%d, Brier %.3f)</text>`+"\n",
			legendX, legendY+18*i-9, col, legendX+16, legendY+18*i, fontAttributes, html.EscapeString(s.Source), s.N, float64(s.Brier))
		// Sharpness: how the forecasts spread over the bins.
		nb := len(s.Bins)
		for k, bin := range s.Bins {
			if bin.N == 0 {
				continue
			}
			bw := float64(plot) / float64(nb) / float64(len(scores))
			bh := float64(histH) * float64(bin.N) / float64(maxN)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.7"/>`+"\n",
				x(float64(k)/float64(nb))+bw*float64(i), float64(histTop+histH)-bh, bw, bh, col)
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`+"\n", left, histTop+histH, left+plot, histTop+histH)
	fmt.Fprintf(&b, `<text x="%d" y="%d" %s>forecasts per bin (sharpness)</text>`+"\n", left, histTop-6, fontAttributes)
	b.WriteString("</svg>\n")
	return b.String()
}
