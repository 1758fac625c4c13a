package scenario

import (
	"context"
	"sort"
	"testing"
)

// Analyze reports each draw as it ends, not each chunk of draws: Progress
// counts 1, 2, ... up to the draws, and DrawDone sees every draw once,
// before Progress counts it, whatever the workers. (Draws that evaluate
// costly hypotheses can take seconds each; a chunk is up to 64 draws.)
func TestAnalyzeProgressPerDraw(t *testing.T) {
	sc := loadFile(t, "testdata/eqset-draws.yaml")
	for _, workers := range []int{1, 3} {
		var counts, seen []int
		_, err := Analyze(context.Background(), sc, AnalyzeOptions{Draws: 12, Seed: 1, Workers: workers,
			DrawDone: func(i int) { seen = append(seen, i) },
			Progress: func(done, total int) {
				if total != 12 || len(seen) != done {
					t.Errorf("workers %d: Progress(%d, %d) after %d draws ended", workers, done, total, len(seen))
				}
				counts = append(counts, done)
			}})
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range counts {
			if c != k+1 {
				t.Fatalf("workers %d: Progress counts %v, want 1 … 12", workers, counts)
			}
		}
		sort.Ints(seen)
		for k, i := range seen {
			if i != k {
				t.Fatalf("workers %d: DrawDone saw %v, want each of 0 … 11 once", workers, seen)
			}
		}
		if len(counts) != 12 || len(seen) != 12 {
			t.Errorf("workers %d: %d counts, %d draws seen, want 12", workers, len(counts), len(seen))
		}
	}
}
