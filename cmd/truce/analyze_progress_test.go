package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/scenario"
)

// recBar records what is done to a bar.
type recBar struct {
	what  string
	total int64
	sets  []int64
	ended bool
}

func (b *recBar) Set(n int64) { b.sets = append(b.sets, n) }
func (b *recBar) Finish()     { b.ended = true }

// While the draws that evaluate hypotheses with their own `draws:` run,
// analyze's progress is a bar of its own naming those claims and counting
// their draws one by one (it once sat at "draws 0/N" for all of them); then
// the draws' bar takes over at the draws done, and the search of the set
// at central values after the last draw has its own: checked on the bars'
// calls, not on time.
func TestAnalyzeProgressClaims(t *testing.T) {
	src, err := os.ReadFile("../../scenario/testdata/eqset-draws.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, ds := scenario.Parse("eqset-draws.yaml", src)
	if sc == nil {
		t.Fatal(ds)
	}
	var bars []*recBar
	newBar := func(total int64, what string) progressBar {
		b := &recBar{what: what, total: total}
		bars = append(bars, b)
		return b
	}
	const draws = 50
	p := newAnalyzeProgressBars(newBar, "draws", sc, 0, draws, true)
	if len(bars) != 1 || bars[0].what != "claims E1, E3: draws done" || bars[0].total != 40 {
		t.Fatalf("first bar %+v, want the claims E1 (draws: 20) and E3 (draws: 40) over 40 draws", bars[0])
	}
	_, err = scenario.Analyze(context.Background(), sc, scenario.AnalyzeOptions{Draws: draws, Seed: 1, Workers: 1,
		Progress: p.progress, DrawDone: p.drawDone, Stage: p.stage})
	p.finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(bars) != 3 {
		t.Fatalf("%d bars, want the claims', the draws' and the set's: %+v", len(bars), bars)
	}
	claims, all, set := bars[0], bars[1], bars[2]
	var want []string
	for k := 1; k <= 40; k++ {
		want = append(want, fmt.Sprint(k))
	}
	if got := strings.Trim(fmt.Sprint(claims.sets), "[]"); got != strings.Join(want, " ") || !claims.ended {
		t.Errorf("claims' bar set to %s (ended %v), want 1 … 40, ended", got, claims.ended)
	}
	// One worker: draw 39 ends, the claims' bar ends and the draws' bar
	// opens at the 39 counted so far; then 40 … 50.
	if all.what != "draws" || all.total != draws || len(all.sets) != 12 || all.sets[0] != 39 || all.sets[11] != draws || !all.ended {
		t.Errorf("draws' bar %+v, want 39 then 40 … 50, ended", all)
	}
	if set.what != "equilibrium set at central values" || set.total != -1 || !set.ended {
		t.Errorf("last bar %+v, want the set at central values, ended", set)
	}

	// Without claims of their own draws, or at a merge, the draws' bar alone.
	bars = nil
	p = newAnalyzeProgressBars(newBar, "draws", sc, 0, draws, false)
	p.drawDone(0)
	p.progress(1, draws)
	p.finish()
	if len(bars) != 1 || bars[0].what != "draws" || fmt.Sprint(bars[0].sets) != "[1]" || !bars[0].ended {
		t.Errorf("bars at a merge: %+v", bars)
	}
	// A shard past the claims' draws has none to count.
	bars = nil
	newAnalyzeProgressBars(newBar, "draws", sc, 40, draws, true)
	if len(bars) != 1 || bars[0].what != "draws" || bars[0].total != 10 {
		t.Errorf("bars of draws 40-49: %+v", bars)
	}
}
