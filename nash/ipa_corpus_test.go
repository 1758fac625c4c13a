package nash

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/game"
	"github.com/truce-dev/truce/game/gambit"
)

// The ipa corpus: games drawn by ipaCorpusCase, two perturbation vectors
// each, and what gambit-ipa printed from each vector
// (testdata/ipa/corpus.txt, made by testdata/ipa/generate.sh). The games
// are not stored: ipaCorpusCase draws them again from their number.

// ipaCorpusCases is how many games the corpus has.
const ipaCorpusCases = 150

// ipaCorpusKinds are the kinds of payoffs, by case number modulo 5:
// decimals in [0, 100) with three digits, whole numbers in [−9, 9],
// whole numbers in {0, 1, 2} (many ties: degenerate tableaux), whole
// numbers in [0, 100) (the bench games' kind), and games whose first two
// strategies of each player are duplicates (degenerate by construction).
var ipaCorpusKinds = []string{"dec", "int9", "int2", "int100", "dup"}

// ipaCorpusCase is case k of the corpus: its kind, its shape and the game
// as .nfg text (what gambit-ipa read), and its two perturbation vectors
// as gambit-ipa's -s files (six decimals, distinct entries, so that each
// player's largest is unique).
func ipaCorpusCase(k int) (kind string, shape []int, nfg string, perts []string) {
	r := rand.New(rand.NewPCG(uint64(k), 0x1fa))
	u := func(n int) int { return int(r.Uint64() % uint64(n)) }
	kind = ipaCorpusKinds[k%len(ipaCorpusKinds)]
	n := 2 + (k/len(ipaCorpusKinds))%3 // 2, 3 and 4 players
	limit := map[int]int{2: 100, 3: 300, 4: 400}[n]
	for {
		shape = make([]int, n)
		prod := 1
		for p := range shape {
			shape[p] = 2 + u(9)
			prod *= shape[p]
		}
		if prod <= limit {
			break
		}
	}
	prod := 1
	for _, s := range shape {
		prod *= s
	}
	pay := make([]string, prod*n)
	for i := range pay {
		switch kind {
		case "dec":
			pay[i] = fmt.Sprintf("%d.%03d", u(100), u(1000))
		case "int9":
			pay[i] = strconv.Itoa(u(19) - 9)
		case "int2":
			pay[i] = strconv.Itoa(u(3))
		default:
			pay[i] = strconv.Itoa(u(100))
		}
	}
	if kind == "dup" {
		// Player p's second strategy pays everyone what its first does.
		stride := 1
		for p, s := range shape {
			for prof := 0; prof < prod; prof++ {
				if (prof/stride)%s == 1 {
					copy(pay[prof*n:(prof+1)*n], pay[(prof-stride)*n:(prof-stride+1)*n])
				}
			}
			stride *= shape[p]
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "NFG 1 R \"ipa corpus case %d (%s)\" {", k, kind)
	for p := range shape {
		fmt.Fprintf(&b, " \"P%d\"", p+1)
	}
	b.WriteString(" } {")
	for _, s := range shape {
		fmt.Fprintf(&b, " %d", s)
	}
	b.WriteString(" }\n\n")
	for i := 0; i < prod; i++ {
		b.WriteString(strings.Join(pay[i*n:(i+1)*n], " "))
		b.WriteByte('\n')
	}
	nfg = b.String()
	tot := 0
	for _, s := range shape {
		tot += s
	}
	for v := 0; v < 2; v++ {
		seen := map[int]bool{}
		vals := make([]string, tot)
		for i := range vals {
			x := u(1000000)
			for seen[x] {
				x = u(1000000)
			}
			seen[x] = true
			vals[i] = fmt.Sprintf("%d.%06d", x/1000000, x%1000000)
		}
		perts = append(perts, strings.Join(vals, ","))
	}
	return kind, shape, nfg, perts
}

// TestIPACorpusWrite writes the corpus's games and vectors into
// $IPA_CORPUS_DIR (generate.sh runs gambit-ipa on them); it does nothing
// without it.
func TestIPACorpusWrite(t *testing.T) {
	dir := os.Getenv("IPA_CORPUS_DIR")
	if dir == "" {
		t.Skip("IPA_CORPUS_DIR not set")
	}
	for k := 0; k < ipaCorpusCases; k++ {
		_, _, nfg, perts := ipaCorpusCase(k)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("case%03d.nfg", k)), []byte(nfg), 0o644); err != nil {
			t.Fatal(err)
		}
		for v, p := range perts {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("case%03d.%d.pert", k, v)), []byte(p+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// ipaCorpusRun is one line of corpus.txt: case k, vector v, and
// gambit-ipa's output (nil when it printed no equilibrium).
type ipaCorpusRun struct {
	k, v int
	ne   []float64
}

func readIPACorpus(t *testing.T) []ipaCorpusRun {
	t.Helper()
	fh, err := os.Open("testdata/ipa/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var runs []ipaCorpusRun
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("corpus line %q", line)
		}
		var r ipaCorpusRun
		if _, err := fmt.Sscanf(f[0]+" "+f[1], "case%d %d", &r.k, &r.v); err != nil {
			t.Fatalf("corpus line %q: %v", line, err)
		}
		if f[2] != "none" {
			parts := strings.Split(strings.TrimPrefix(f[2], "NE,"), ",")
			for _, s := range parts {
				x, err := strconv.ParseFloat(s, 64)
				if err != nil {
					t.Fatalf("corpus line %q: %v", line, err)
				}
				r.ne = append(r.ne, x)
			}
		}
		runs = append(runs, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return runs
}

// ipaCorpusGame parses case k's game as gambit-ipa read it.
func ipaCorpusGame(t *testing.T, k int) (*game.Strategic, []string) {
	t.Helper()
	_, _, nfg, perts := ipaCorpusCase(k)
	g, err := gambit.ReadNFG(fmt.Sprintf("case%03d.nfg", k), strings.NewReader(nfg))
	if err != nil {
		t.Fatal(err)
	}
	return g, perts
}

// ipaPoint parses a perturbation vector as ReadPoints does.
func ipaPoint(t *testing.T, s string) []Point {
	t.Helper()
	pts, err := ReadPoints(strings.NewReader(s+"\n"), "pert")
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// TestIPACorpus: on every run of the corpus (150 games of 2 to 4
// players, 2 to 10 strategies each, decimal, whole-number, tied and
// duplicated payoffs, two vectors each) truce's iteration ends where
// gambit-ipa's does, to its ten printed decimals (5e-11, plus rounding),
// and gives a vector up where gambit-ipa printed nothing; the
// equilibrium IPA reports lies within 1e-5 of gambit-ipa's.
func TestIPACorpus(t *testing.T) {
	runs := readIPACorpus(t)
	if len(runs) != 2*ipaCorpusCases {
		t.Fatalf("%d corpus runs, want %d", len(runs), 2*ipaCorpusCases)
	}
	notProfiles, approx := 0, 0
	defer func() {
		t.Logf("%d runs: %d where gambit-ipa printed no profile, %d uncertified", len(runs), notProfiles, approx)
	}()
	for _, r := range runs {
		g, perts := ipaCorpusGame(t, r.k)
		pts := ipaPoint(t, perts[r.v])
		ng, _ := newNormGame(g)
		// The end of the iteration is its last iterate, which the trace
		// (gambit-ipa's -V lines) receives last.
		var raw []float64
		trace := func(label string, p [][]float64) {
			if strings.HasPrefix(label, "iter-") {
				raw = flatten(p)
			}
		}
		res, err := IPA(context.Background(), g, Options{Search: Search{Points: pts, Trace: trace}})
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("case%03d %d", r.k, r.v)
		if r.ne == nil {
			if res.Complete || len(res.Equilibria) != 0 {
				t.Errorf("%s: gambit-ipa printed nothing, truce ended (complete %v, %d equilibria)", name, res.Complete, len(res.Equilibria))
			}
			continue
		}
		if raw == nil {
			t.Errorf("%s: no iterate traced (%s), gambit-ipa %v", name, res.Reason, r.ne)
			continue
		}
		if d := maxAbsDiff(raw, r.ne); d > 6e-11 {
			t.Errorf("%s: end of the iteration %.3g from gambit-ipa's", name, d)
		}
		if gp := splitFlat(r.ne, ng.shape); strategicProfileFault(gp) != profileOK {
			// gambit-ipa printed a point that is not a profile (a
			// player's probabilities do not sum to one: its Lemke–Howson
			// on a degenerate 2-player game); truce's end is the same
			// point, which it refuses to list.
			if len(res.Equilibria) != 0 || res.Complete {
				t.Errorf("%s: gambit-ipa's end is no profile, truce lists %d (complete %v)", name, len(res.Equilibria), res.Complete)
			}
			if !strings.Contains(res.Reason, "not probability distributions") || strings.Contains(res.Reason, "not finite") {
				t.Errorf("%s: the refusal does not say the point is not a profile: %q", name, res.Reason)
			}
			notProfiles++
			continue
		}
		if !res.Complete || len(res.Equilibria) != 1 {
			t.Errorf("%s: complete %v (%s), %d equilibria", name, res.Complete, res.Reason, len(res.Equilibria))
			continue
		}
		if e := res.Equilibria[0]; e.Approximate {
			approx++
		}
		if d := maxAbsDiff(flatten(res.Equilibria[0].Profile), r.ne); d > 1e-5 {
			t.Errorf("%s: equilibrium %.3g from gambit-ipa's", name, d)
		}
	}
}
