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

	"github.com/truce-dev/truce/internal/cputime"
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
	ch, sch := Chain(), StateChain()
	for x := 0; x < c.NumNodes(); x++ {
		s := c.State[x]
		want, merged := make([]float64, States), make([]float64, States)
		for _, o := range ch[s] {
			want[o.Next] += o.P
		}
		for _, o := range sch[s] {
			merged[o.Next] += o.P
		}
		if len(ch[s]) == 0 {
			if len(sch[s]) != 0 {
				t.Errorf("state %s: terminal in Chain, not in StateChain", g.States[s].ID)
			}
		} else if len(sch[s]) >= len(ch[s]) {
			t.Errorf("state %s: StateChain has %d outcomes, Chain %d: nothing merged", g.States[s].ID, len(sch[s]), len(ch[s]))
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
			if math.Abs(got[y]-want[y]) > 1e-12 || math.Abs(got[y]-merged[y]) > 1e-12 {
				t.Errorf("%s -> %s: truce %.17g, table %.17g, merged table %.17g", g.States[s].ID, g.States[y].ID, got[y], want[y], merged[y])
			}
		}
	}
}

// BenchmarkCLoop runs the C reference loop on the benchmark chain
// (20,000 paths, horizon 1000) and reports its steps per CPU-second as it
// measures them; skipped with a message when no C compiler is found.
// "outcomes": one alias table per state over its (joint action, successor)
// outcomes (512 here), the loop of the performance issue; "states": over
// its successors (at most 50), the table truce's Monte Carlo samples from
// since it stopped drawing joint actions. The fair comparison for truce is
// "states": the same draws from the same tables, in C.
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
	for _, tc := range []struct {
		name string
		text []byte
	}{{"outcomes", ChainText()}, {"states", StateChainText()}} {
		b.Run(tc.name, func(b *testing.B) {
			chain := filepath.Join(dir, tc.name+".txt")
			if err := os.WriteFile(chain, tc.text, 0o644); err != nil {
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
		})
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkSimulateLoop: markov.Simulate alone on the benchmark chain
// (20,000 paths, horizon 1000, one worker), the part of `truce simulate`
// that BenchmarkCLoop does; steps per CPU-second as BenchmarkCLoop reports
// them.
//
//	go test ./internal/simbench -run '^$' -bench 'CLoop|SimulateLoop' -benchtime 5x -count 5
func BenchmarkSimulateLoop(b *testing.B) {
	g, prof := benchGame(b)
	var steps int64
	b.ReportAllocs()
	cpu0 := cputime.Now()
	for b.Loop() {
		st, err := markov.Simulate(context.Background(), g, prof, markov.SimOptions{Runs: Runs, Horizon: Horizon, Seed: 1, Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		steps += st.Steps
	}
	if cpu := (cputime.Now() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(steps)/cpu, "steps/cpu-s")
	}
}

// BenchmarkExactFigures: the exact figures `truce simulate` prints beside
// the Monte Carlo ones on the benchmark chain (reach curves of every
// state, first-entry times, occupancy, action shares and values by the
// horizon), as scenario.Simulate asks for them.
//
//	go test ./internal/simbench -run '^$' -bench ExactFigures -benchtime 5x -count 5
func BenchmarkExactFigures(b *testing.B) {
	g, prof := benchGame(b)
	b.ReportAllocs()
	cpu0 := cputime.Now()
	for b.Loop() {
		if _, err := markov.AnalyzeWith(context.Background(), g, prof, markov.AnalyzeOptions{Horizon: Horizon, WithinHorizon: true}); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := (cputime.Now() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
	}
}

// benchGame is the benchmark scenario's game and its profile "baseline" at
// the central parameter values, as truce simulate builds them.
func benchGame(b *testing.B) (*markov.Game, markov.Profile) {
	b.Helper()
	sc, ds := scenario.Parse("mc50x3x4.yaml", Scenario())
	if sc == nil {
		b.Fatal(ds)
	}
	g, profs, err := sc.Build(sc.Central())
	if err != nil {
		b.Fatal(err)
	}
	return g, profs["baseline"]
}
