package simbench

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/markov"
	"github.com/truce-dev/truce/scenario"
)

// TestChainMatchesScenario: the table the C loop samples is the chain truce
// builds from the generated file (per state, the probability of each
// successor), so that the two loops sample the same process.
func TestChainMatchesScenario(t *testing.T) {
	src := Scenario()
	if n := bytes.Count(src, []byte("\n")); n < 1000 {
		t.Fatalf("scenario has only %d lines", n)
	}
	sc, ds := scenario.Parse("mc50x3x4.yaml", src)
	if sc == nil {
		t.Fatalf("generated scenario does not parse: %v", ds)
	}
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		t.Fatal(err)
	}
	if len(g.States) != States || len(g.Actors) != Actors {
		t.Fatalf("%d states, %d actors; want %d, %d", len(g.States), len(g.Actors), States, Actors)
	}
	c, err := markov.BuildChain(context.Background(), g, profs["baseline"])
	if err != nil {
		t.Fatal(err)
	}
	if c.NumNodes() != States {
		t.Fatalf("chain has %d nodes, want one per state (%d)", c.NumNodes(), States)
	}
	ch := Chain()
	for x := 0; x < c.NumNodes(); x++ {
		s := c.State[x]
		want := make([]float64, States)
		for _, o := range ch[s] {
			want[o.Next] += o.P
		}
		got := make([]float64, States)
		for e := c.RowPtr[x]; e < c.RowPtr[x+1]; e++ {
			got[c.State[c.Col[e]]] += c.P[e]
		}
		if c.Terminal(x) {
			if len(ch[s]) != 0 {
				t.Errorf("state %s is terminal in truce, not in the table", g.States[s].ID)
			}
			continue
		}
		for y := range want {
			if math.Abs(got[y]-want[y]) > 1e-12 {
				t.Errorf("%s -> %s: truce %.17g, table %.17g", g.States[s].ID, g.States[y].ID, got[y], want[y])
			}
		}
	}
}

// BenchmarkCLoop runs the C reference loop on the benchmark chain
// (20,000 paths, horizon 1000) and reports its steps per CPU-second as it
// measures them; skipped with a message when no C compiler is found.
//
//	go test ./internal/simbench -run '^$' -bench CLoop -benchtime 5x
func BenchmarkCLoop(b *testing.B) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		b.Skip("no C compiler (cc) on PATH: the C reference loop is not measured")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "mcloop")
	if out, err := exec.Command(cc, "-O2", "-o", bin, "testdata/mcloop.c").CombinedOutput(); err != nil {
		b.Fatalf("cc: %v\n%s", err, out)
	}
	chain := filepath.Join(dir, "chain.txt")
	if err := os.WriteFile(chain, ChainText(), 0o644); err != nil {
		b.Fatal(err)
	}
	var rates []float64
	for b.Loop() {
		out, err := exec.Command(bin, chain, strconv.Itoa(Runs), strconv.Itoa(Horizon)).Output()
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "steps_per_cpu_second "); ok {
				r, err := strconv.ParseFloat(v, 64)
				if err != nil {
					b.Fatal(err)
				}
				rates = append(rates, r)
			}
		}
	}
	b.ReportMetric(median(rates), "steps/cpu-s")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
