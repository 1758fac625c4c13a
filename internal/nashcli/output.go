package nashcli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/truce-dev/truce/nash"
)

// nounCount writes "1 equilibrium", "2 equilibria".
func nounCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// countProfiles splits a result's profiles into equilibria and
// approximate profiles (regret above the tolerance).
func countProfiles(res *nash.Result) (eqs, approx int) {
	for _, eq := range res.Equilibria {
		if eq.Approximate {
			approx++
		} else {
			eqs++
		}
	}
	return eqs, approx
}

// profileHeading names profile i in text output: an equilibrium, a
// quantal-response equilibrium at lambda, or an approximate profile.
func profileHeading(i int, eq nash.Equilibrium) string {
	switch {
	case eq.Lambda > 0:
		return fmt.Sprintf("quantal-response equilibrium %d at lambda %g", i, eq.Lambda)
	case eq.Approximate:
		return fmt.Sprintf("approximate profile %d (not an equilibrium)", i)
	}
	return fmt.Sprintf("equilibrium %d", i)
}

// gambitFixed are the methods whose Gambit tools print floats with a fixed
// number of decimals (Gambit's CSV renderers: "0.000000"); gambit-logit
// prints significant digits, and enumpure's pure profiles print as
// Gambit's rationals (0, 1).
func gambitFixed(method string) bool {
	switch strings.TrimPrefix(method, "reduced-") {
	case "lcp", "lp", "enummixed", "gnm", "ipa", "liap", "simpdiv":
		return true
	}
	return false
}

// writeGambitLines prints the profiles as Gambit's tools do: "NE,..." for
// equilibria, "lambda,..." for a quantal-response equilibrium at a given
// lambda (gambit-logit -l); approximate profiles get no NE line, and the
// number left out is returned.
func writeGambitLines(w io.Writer, res *nash.Result, decimals int, method string, traced bool) (int, error) {
	format := nash.FormatGambit
	if gambitFixed(method) {
		format = nash.FormatGambitFixed
	}
	skipped := 0
	for _, eq := range res.Equilibria {
		if eq.Approximate && eq.Lambda <= 0 {
			skipped++
		}
	}
	if traced {
		// gnm --verbose: the trace printed each equilibrium as the path
		// crossed it, as gambit-gnm -V does.
		return skipped, nil
	}
	// In the Gambit tool's order and with its repeats (enummixed).
	for _, i := range nash.GambitListing(res) {
		eq := res.Equilibria[i]
		if eq.Approximate && eq.Lambda <= 0 {
			continue
		}
		if err := format(w, nil, eq, decimals); err != nil {
			return skipped, err
		}
	}
	return skipped, nil
}

// writeRunSummary prints the method line (arithmetic, count, whether the
// run finished, time) and the method's statistics, for games and trees alike.
func writeRunSummary(w io.Writer, method string, opt nash.Options, res *nash.Result) {
	arith := "floating point"
	if opt.Rational {
		arith = "exact"
	}
	status := "complete"
	if !res.Complete {
		status = "incomplete, stopped early: " + res.Reason
	}
	eqs, approx := countProfiles(res)
	found := nounCount(eqs, "equilibrium", "equilibria")
	if approx > 0 {
		found += ", " + nounCount(approx, "approximate profile", "approximate profiles")
	}
	fmt.Fprintf(w, "method %s (%s): %s, %s, %s\n", method, arith, found, status, res.Elapsed.Round(time.Microsecond))
	if len(res.Stats) == 0 {
		return
	}
	keys := make([]string, 0, len(res.Stats))
	for k := range res.Stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.10g", k, res.Stats[k])
	}
	fmt.Fprintf(w, "stats: %s\n", strings.Join(parts, ", "))
}

// finishNash reports what an incomplete run found and turns the reason
// it stopped into the exit code: 124 for the time limit and 130 for
// Ctrl-C (the caller tells them apart by the context), 1 when profiles
// failed the equilibrium check, 0 for a method's own limits (iteration
// caps), which a note on stderr explains.
func finishNash(ctx context.Context, env Env, res *nash.Result, skipped int) error {
	errw := env.Stderr
	if skipped > 0 {
		fmt.Fprintf(errw, "%s: %s with regret above the tolerance not printed as NE lines (--format text or json shows them)\n",
			env.Prog, nounCount(skipped, "approximate profile", "approximate profiles"))
	}
	if res.Complete && ctx.Err() == nil {
		return nil
	}
	eqs, _ := countProfiles(res)
	verb := "are those"
	if eqs == 1 {
		verb = "is the one"
	}
	found := fmt.Sprintf("the %s above %s found in %s, not necessarily all", nounCount(eqs, "equilibrium", "equilibria"), verb, res.Elapsed.Round(time.Millisecond))
	if ctx.Err() != nil {
		// The context's end (time limit or Ctrl-C) sets the exit code.
		return &Error{Code: CodeFailure, Msg: "incomplete: " + found, Written: true}
	}
	reason := res.Reason
	if reason == "" {
		reason = "stopped"
	}
	msg := fmt.Sprintf("%s: incomplete: stopped early (%s); %s", env.Prog, reason, found)
	if errors.Is(res.Err, nash.ErrNotCertified) {
		return &Error{Code: CodeFailure, Msg: msg, Written: true}
	}
	fmt.Fprintln(errw, msg)
	return nil
}

// nashJSONProfile is one profile of the JSON output (docs/nash.md).
type nashJSONProfile struct {
	Profile     [][]float64
	Exact       [][]*big.Rat
	Regret      float64
	Component   int // -1: none
	Lambda      float64
	Approximate bool
}

func jsonProfiles(res *nash.Result) []nashJSONProfile {
	out := make([]nashJSONProfile, len(res.Equilibria))
	for i, eq := range res.Equilibria {
		out[i] = nashJSONProfile{Profile: eq.Profile, Exact: eq.Exact, Regret: eq.Regret,
			Component: eq.Component, Lambda: eq.Lambda, Approximate: eq.Approximate}
	}
	return out
}

// jsonStats copies a method's statistics for JSON; values that are not
// finite become null (encoding/json refuses NaN and infinities).
func jsonStats(stats map[string]float64) map[string]any {
	out := map[string]any{}
	for k, v := range stats {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out[k] = nil
		} else {
			out[k] = v
		}
	}
	return out
}

// writeJSONDoc writes head (a struct whose last field is `equilibria`,
// left empty) followed by the profiles, streamed one at a time so that a
// game with a great many equilibria is never held twice in memory. Each
// row of a profile is written on one line.
func writeJSONDoc(w io.Writer, head any, profiles []nashJSONProfile) error {
	b, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return err
	}
	const tail = "\"equilibria\": []\n}"
	s := string(b)
	if !strings.HasSuffix(s, tail) {
		return fmt.Errorf("JSON header does not end with the equilibria")
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(strings.TrimSuffix(s, "[]\n}"))
	if len(profiles) == 0 {
		bw.WriteString("[]\n}\n")
		return bw.Flush()
	}
	bw.WriteString("[\n")
	for i, p := range profiles {
		if i > 0 {
			bw.WriteString(",\n")
		}
		if err := writeJSONProfile(bw, p); err != nil {
			return err
		}
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

func writeJSONProfile(bw *bufio.Writer, p nashJSONProfile) error {
	num := func(v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("the number %v cannot be written in JSON", v)
		}
		b, _ := json.Marshal(v)
		bw.Write(b)
		return nil
	}
	bw.WriteString("    {\n      \"profile\": ")
	if err := writeJSONRows(bw, len(p.Profile), func(i int) int { return len(p.Profile[i]) }, func(i, j int) error {
		return num(p.Profile[i][j])
	}); err != nil {
		return err
	}
	if p.Exact != nil {
		bw.WriteString(",\n      \"exact\": ")
		writeJSONRows(bw, len(p.Exact), func(i int) int { return len(p.Exact[i]) }, func(i, j int) error {
			bw.WriteString(strconv.Quote(p.Exact[i][j].RatString()))
			return nil
		})
	}
	bw.WriteString(",\n      \"regret\": ")
	if err := num(p.Regret); err != nil {
		return err
	}
	if p.Component >= 0 {
		fmt.Fprintf(bw, ",\n      \"component\": %d", p.Component)
	}
	if p.Lambda > 0 {
		bw.WriteString(",\n      \"lambda\": ")
		if err := num(p.Lambda); err != nil {
			return err
		}
	}
	if p.Approximate {
		bw.WriteString(",\n      \"approximate\": true")
	}
	bw.WriteString("\n    }")
	return nil
}

// writeJSONRows writes rows of values, each row on one line, indented as
// the fields of a profile.
func writeJSONRows(bw *bufio.Writer, rows int, length func(i int) int, elem func(i, j int) error) error {
	bw.WriteByte('[')
	for i := 0; i < rows; i++ {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n        [")
		for j := 0; j < length(i); j++ {
			if j > 0 {
				bw.WriteString(", ")
			}
			if err := elem(i, j); err != nil {
				return err
			}
		}
		bw.WriteByte(']')
	}
	bw.WriteString("\n      ]")
	return nil
}

// nashJSON is the --format json output for games and trees
// (docs/nash.md, docs/trees.md); writeJSONDoc writes the equilibria.
type nashJSON struct {
	File       string          `json:"file"`
	Game       any             `json:"game"`
	Method     string          `json:"method"`
	Options    nashJSONOptions `json:"options"`
	Complete   bool            `json:"complete"`
	Reason     string          `json:"reason,omitempty"`
	Elapsed    float64         `json:"elapsed_seconds"`
	Stats      map[string]any  `json:"stats"`
	Equilibria []struct{}      `json:"equilibria"`
}

type nashJSONOptions struct {
	All      bool    `json:"all"`
	Rational bool    `json:"rational"`
	Lambda   float64 `json:"lambda,omitempty"`
}

// writeResultJSON writes a run on a game (or tree) described by gameDoc.
func writeResultJSON(w io.Writer, file string, gameDoc any, method string, opt nash.Options, res *nash.Result) error {
	head := nashJSON{
		File:       file,
		Game:       gameDoc,
		Method:     method,
		Options:    nashJSONOptions{All: opt.All, Rational: opt.Rational, Lambda: opt.Lambda},
		Complete:   res.Complete,
		Reason:     res.Reason,
		Elapsed:    res.Elapsed.Seconds(),
		Stats:      jsonStats(res.Stats),
		Equilibria: []struct{}{},
	}
	return writeJSONDoc(w, head, jsonProfiles(res))
}
