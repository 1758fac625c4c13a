package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/truce-dev/truce/equilibrium"
	"github.com/truce-dev/truce/markov"
)

// SimulateOptions tunes Simulate.
type SimulateOptions struct {
	Profile  string // profile to simulate; empty = the first in the file
	Runs     int    // paths; 0 means DefaultRuns
	Seed     uint64
	Workers  int                   // 0 means GOMAXPROCS; results do not depend on it
	Progress func(done, total int) // paths done so far, from one goroutine
	MPE      equilibrium.Options   // for a profile with `solve: markov-perfect`
}

// DefaultRuns is the number of Monte Carlo paths Simulate runs by default.
const DefaultRuns = 10000

// SimulationReport is the result of Simulate: Monte Carlo statistics of
// paths at the central parameter draw, and the exact figures of the same
// draw beside them (Checks), so that the simulation checks the analysis.
type SimulationReport struct {
	Scenario   string             `json:"scenario"`
	Profile    string             `json:"profile"`
	Period     string             `json:"period"`
	Horizon    int                `json:"horizon"`
	Runs       int                `json:"runs"`
	Seed       uint64             `json:"seed"`
	Parameters map[string]float64 `json:"parameters"` // the central draw's values
	Stats      *markov.SimStats   `json:"stats"`
	Checks     []SimCheck         `json:"checks"`
	// MaxAbsZ is the largest |Z| over Checks (null when some figure has
	// a zero standard error yet differs from the exact value).
	MaxAbsZ Number `json:"max_abs_z"`
}

// SimCheck compares one Monte Carlo figure with its exact value.
type SimCheck struct {
	Figure string `json:"figure"`
	Exact  Number `json:"exact"`
	Mean   Number `json:"mean"`
	SE     Number `json:"se"`
	Z      Number `json:"z"` // (Mean - Exact) / SE
}

// Simulate runs opt.Runs Monte Carlo paths of one profile with every
// parameter at its central value (Dist.Central) and compares the paths'
// statistics with the exact analysis of that same draw. Path i uses its
// own random stream of opt.Seed: the report does not depend on opt.Workers.
func Simulate(ctx context.Context, sc *Scenario, opt SimulateOptions) (*SimulationReport, error) {
	if len(sc.Profiles) == 0 {
		return nil, fmt.Errorf("scenario %s has no profiles to simulate", sc.Name)
	}
	if opt.Profile == "" {
		opt.Profile = sc.Profiles[0].Name
	}
	if sc.profileByName(opt.Profile) < 0 {
		var all []string
		for _, p := range sc.Profiles {
			all = append(all, p.Name)
		}
		return nil, fmt.Errorf("unknown profile %q (hint: %s)", opt.Profile, suggest(opt.Profile, all))
	}
	if opt.Runs <= 0 {
		opt.Runs = DefaultRuns
	}
	d := sc.Central()
	g, profs, err := sc.Build(d)
	if err != nil {
		return nil, err
	}
	p, err := sc.ProfileFor(ctx, g, profs, opt.Profile, opt.MPE)
	if err != nil {
		return nil, err
	}
	// One chain for the exact figures and the paths. Only the figures up
	// to the horizon are compared: the linear solves of the others would
	// be paid for nothing.
	c, err := markov.BuildChain(ctx, g, p)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", opt.Profile, err)
	}
	exact, err := c.Analyze(ctx, markov.AnalyzeOptions{Horizon: sc.Horizon, WithinHorizon: true})
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", opt.Profile, err)
	}
	so := markov.SimOptions{Runs: opt.Runs, Horizon: sc.Horizon, Seed: opt.Seed, Workers: opt.Workers}
	if opt.Progress != nil {
		so.Progress = func(done int) { opt.Progress(done, opt.Runs) }
	}
	stats, err := c.Simulate(ctx, so)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", opt.Profile, err)
	}
	r := &SimulationReport{Scenario: sc.Name, Profile: opt.Profile, Period: sc.Period, Horizon: sc.Horizon,
		Runs: opt.Runs, Seed: opt.Seed, Parameters: map[string]float64{}, Stats: stats}
	for i, par := range sc.Parameters {
		r.Parameters[par.Name] = d.Values[i]
	}
	H := sc.Horizon
	add := func(fig string, exact float64, est markov.Estimate) {
		r.Checks = append(r.Checks, SimCheck{Figure: fig, Exact: Number(exact), Mean: Number(est.Mean), SE: Number(est.SE), Z: Number(zScore(est.Mean, est.SE, exact))})
	}
	for s, st := range stats.States {
		add(fmt.Sprintf("entered %s by %s %d", st.ID, sc.Period, H), exact.Reach[s][H], st.Entered)
		if !math.IsNaN(st.FirstEntry.Mean) || !math.IsNaN(exact.TimeBy[s]) {
			add(fmt.Sprintf("first entry into %s (among paths entering by %s %d)", st.ID, sc.Period, H), exact.TimeBy[s], st.FirstEntry)
		}
		add(fmt.Sprintf("%ss in %s", sc.Period, st.ID), exact.Occupancy[s], st.Steps)
	}
	for a, as := range stats.Actors {
		for k, act := range as.Actions {
			if exact.Steps > 0 {
				add(fmt.Sprintf("%s plays %s (share of steps)", as.ID, act.Action), exact.ActionShare[a][k], act.Share)
			}
		}
		for c, comp := range as.Components {
			add(fmt.Sprintf("%s %s by %s %d", as.ID, comp.Component, sc.Period, H), exact.ValueBy[a][c], comp.Value)
		}
		add(fmt.Sprintf("%s total by %s %d", as.ID, sc.Period, H), exact.TotalBy[a], as.Total)
	}
	maxZ := 0.0
	for _, c := range r.Checks {
		z := math.Abs(float64(c.Z))
		if math.IsNaN(z) {
			continue
		}
		maxZ = math.Max(maxZ, z)
	}
	r.MaxAbsZ = Number(maxZ)
	return r, nil
}

// zScore is (mean-exact)/se; 0 when both agree and se is 0 (a figure with
// no randomness), ±Inf when they disagree with se 0, NaN when undefined.
func zScore(mean, se, exact float64) float64 {
	if math.IsNaN(mean) && math.IsNaN(exact) {
		return 0
	}
	diff := mean - exact
	if se == 0 || math.IsNaN(se) {
		if math.Abs(diff) <= 1e-9*math.Max(1, math.Abs(exact)) {
			return 0
		}
		return math.Inf(1)
	}
	return diff / se
}

// JSON returns the report as indented JSON with a final newline.
func (r *SimulationReport) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteText prints the Monte Carlo figures beside the exact ones.
func (r *SimulationReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, profile %s: %d paths of up to %d %ss (seed %d), parameters at central values\n", r.Scenario, r.Profile, r.Runs, r.Horizon, r.Period, r.Seed)
	if len(r.Parameters) > 0 {
		var parts []string
		for _, k := range sortedKeys(r.Parameters) {
			parts = append(parts, fmt.Sprintf("%s=%.6g", k, r.Parameters[k]))
		}
		fmt.Fprintf(&b, "parameters: %s\n", strings.Join(parts, ", "))
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  figure\tmonte carlo\t± se\texact\tz")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Figure, fmtNum(c.Mean), fmtNum(c.SE), fmtNum(c.Exact), fmtZ(c.Z))
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nlargest |z| = %s (Monte Carlo and exact analysis agree when it is below about 4)\n", fmtZ(r.MaxAbsZ))
	_, err := io.WriteString(w, b.String())
	return err
}

func fmtZ(z Number) string {
	f := float64(z)
	if math.IsInf(f, 0) {
		return "inf"
	}
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.2f", f)
}
