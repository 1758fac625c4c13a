package audit

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/truce-dev/truce/scenario"
)

// A hypothesis with draws: N is audited on the first N draws: its share
// is the share of those draws (closed form 1 - (1-p)^24 > 0.85 per draw)
// and the report says on how many it was evaluated.
func TestAuditSubsample(t *testing.T) {
	const file = "../scenario/testdata/subsample.yaml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), file, src, Options{Draws: 40, Seed: 3, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := scenario.Parse(file, src)
	held := 0
	for i := 0; i < 13; i++ {
		if p := sc.DrawAt(3, i).Values[0]; 1-math.Pow(1-p, 24) > 0.85 {
			held++
		}
	}
	h1, h3 := rep.Baseline[0], rep.Baseline[2]
	if h1.Evaluated != 0 || h3.Evaluated != 13 {
		t.Errorf("evaluated: H1 %d, H3 %d; want 0 and 13", h1.Evaluated, h3.Evaluated)
	}
	if want := float64(held) / 13; h3.Share != want {
		t.Errorf("H3 share %v, want %v (%d of the first 13 draws)", h3.Share, want, held)
	}
}
