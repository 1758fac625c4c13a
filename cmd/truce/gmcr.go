package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/gmcr"
	"github.com/truce-dev/truce/gmcr/bridge"
	"github.com/truce-dev/truce/gmcr/conflictfile"
	"github.com/truce-dev/truce/scenario"
)

type gmcrFlags struct {
	format, concepts, sanctions string
	statusQuo, state            string
	coalitions                  []string
	inverse, inverseConcept     string
	inverseBy                   string
	keepTop                     int
	html                        string
}

func newGmcrCmd() *cobra.Command {
	var fl gmcrFlags
	cmd := &cobra.Command{
		Use:   "gmcr FILE",
		Short: "Ordinal stability analysis of a graph-model conflict (GMCR)",
		Long: `gmcr reads a conflict in option form (a YAML file with kind: graph-model,
docs/gmcr.md): decision makers with yes/no options, infeasible combinations,
irreversible moves and ordinal preferences. It prints, for every feasible
state and decision maker, whether the state is stable under Nash (R), general
metarationality (GMR), symmetric metarationality (SMR) and sequential
stability (SEQ), and the equilibria under each concept (states stable for
every decision maker).

States are named by GMCR's decimal code: the sum of 2^k over the options k
taken, options numbered from 0 in file order.

A bridge: section ties the conflict to a scenario (docs/gmcr.md): decision
makers without preferences take them from their actors' values at the
scenario's central parameters, and the output compares the stable states
with where the scenario's Markov-perfect equilibrium ends.

With more than two decision makers a unilateral improvement is sanctioned by
any legal sequence of the others' moves (no one twice in a row; Fang, Hipel &
Kilgour 1993); --sanctions single counts one move by one opponent only (gmcr-py
before 2016).

  --state S        why S is or is not stable: each unilateral improvement and
                   the shortest sanction that blocks it
  --status-quo S   paths from S to each equilibrium, by improvements if possible
  --coalition C    coalition analysis: C is MoE+UR, or all (repeatable)
  --inverse DM=S   which reorderings of DM's priorities (or preference classes)
                   make S stable for DM under --inverse-concept, keeping the
                   --keep-top first ones fixed`,
		Example: `  truce gmcr examples/gmcr/elmira.yaml
  truce gmcr examples/gmcr/elmira.yaml --state 18 --coalition MoE+UR
  truce gmcr examples/gmcr/us-iran.yaml --inverse IR=5 --keep-top 1 --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGmcr(cmd, args[0], &fl)
		},
	}
	f := cmd.Flags()
	formatFlag(f, &fl.format, "text", "json")
	f.StringVar(&fl.concepts, "concepts", "nash,gmr,smr,seq", "stability concepts to report, comma-separated")
	enumFlag(f, &fl.sanctions, "sanctions", "sequence", "sanctions against an improvement", "sequence", "single")
	f.StringVar(&fl.statusQuo, "status-quo", "", "status-quo state (code); default: the file's status_quo")
	f.StringVar(&fl.state, "state", "", "explain the stability of this state (code) for every decision maker")
	f.StringArrayVar(&fl.coalitions, "coalition", nil, "coalition to analyse, e.g. MoE+UR, or all (repeatable)")
	f.StringVar(&fl.inverse, "inverse", "", "inverse analysis: DM=STATE")
	f.StringVar(&fl.inverseConcept, "inverse-concept", "gmr", "concept for --inverse")
	enumFlag(f, &fl.inverseBy, "inverse-by", "auto", "what --inverse reorders", "auto", "priorities", "ranking")
	intFlag(f, &fl.keepTop, "keep-top", 0, 0, 62, "--inverse keeps this many top priorities or classes fixed")
	f.StringVarP(&fl.html, "output", "o", "", "also write the stability table and the status-quo graph (SVG) as one HTML page")
	timeoutFlag(f)
	return cmd
}

// gmcrState is a state as the JSON output writes it.
type gmcrState = gmcr.StateJSON

func stateJSON(c *gmcr.Conflict, s int) gmcrState { return c.StateJSON(s) }

type gmcrMoveJSON struct {
	DM   string    `json:"dm"`
	From uint64    `json:"from"`
	To   gmcrState `json:"to"`
}

func movesJSON(c *gmcr.Conflict, ms []gmcr.Move) []gmcrMoveJSON {
	out := []gmcrMoveJSON{}
	for _, m := range ms {
		out = append(out, gmcrMoveJSON{DM: c.DMs[m.DM].ID, From: c.Codes[m.From], To: stateJSON(c, m.To)})
	}
	return out
}

func parseStateFlag(c *gmcr.Conflict, flag, v string) (int, error) {
	code, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, usageErrorf("--%s %q: want a state code (a whole number)", flag, v)
	}
	s, ok := c.StateOf(code)
	if !ok {
		return 0, &exitError{codeFailure, fmt.Sprintf("truce gmcr: --%s %d is not a feasible state of %s", flag, code, c.Name)}
	}
	return s, nil
}

func runGmcr(cmd *cobra.Command, path string, fl *gmcrFlags) error {
	ctx := cmd.Context()
	var concepts []gmcr.Concept
	for _, s := range strings.Split(fl.concepts, ",") {
		k, err := gmcr.ParseConcept(s)
		if err != nil {
			return usageErrorf("--concepts: %v", err)
		}
		concepts = append(concepts, k)
	}
	mode := gmcr.Sequences
	if fl.sanctions == "single" {
		mode = gmcr.SingleMoves
	}
	rep, err := loadConflict(cmd, "gmcr", path, concepts, mode)
	if err != nil {
		return err
	}
	c, res := rep.res.C, rep.res
	if fl.statusQuo != "" {
		if rep.sq, err = parseStateFlag(c, "status-quo", fl.statusQuo); err != nil {
			return err
		}
	}
	if rep.sq >= 0 {
		if err := rep.statusQuo(ctx); err != nil {
			return err
		}
	}
	if fl.state != "" {
		s, err := parseStateFlag(c, "state", fl.state)
		if err != nil {
			return err
		}
		for d := range c.DMs {
			for _, k := range concepts {
				w, err := res.Explain(ctx, k, d, s)
				if err != nil {
					return err
				}
				rep.why = append(rep.why, w)
			}
		}
	}
	if len(fl.coalitions) > 0 {
		var hs []gmcr.Coalition
		for _, v := range fl.coalitions {
			if v == "all" {
				hs = append(hs, c.AllCoalitions(false)...)
				continue
			}
			h, err := c.ParseCoalition(v)
			if err != nil {
				return usageErrorf("--coalition: %v", err)
			}
			hs = append(hs, h)
		}
		for _, k := range concepts {
			cr, err := res.Coalitions(ctx, k, hs)
			if err != nil {
				return &exitError{codeFailure, "truce gmcr: " + err.Error()}
			}
			rep.coal = append(rep.coal, cr)
		}
	}
	if fl.inverse != "" {
		if err := rep.runInverse(cmd, fl); err != nil {
			return err
		}
	}
	if fl.html != "" {
		if err := writeOutput(cmd, fl.html, []string{path}, rep.writeHTML); err != nil {
			return &exitError{codeFailure, "truce gmcr: " + err.Error()}
		}
	}
	out := cmd.OutOrStdout()
	if fl.format == "json" {
		b, err := json.MarshalIndent(rep.json(), "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	}
	return rep.text(out)
}

// loadConflict reads, checks and analyses a conflict file and its bridge,
// for truce gmcr and truce report --gmcr (who names the command in errors).
func loadConflict(cmd *cobra.Command, who, path string, concepts []gmcr.Concept, mode gmcr.Sanctions) (*gmcrReport, error) {
	ctx := cmd.Context()
	name, src, err := readInput(cmd.InOrStdin(), path, conflictfile.MaxFileSize)
	if err != nil {
		return nil, &exitError{codeFailure, "truce " + who + ": " + err.Error()}
	}
	f, diags := conflictfile.Parse(ctx, name, src)
	if f == nil {
		if !wantsJSON(cmd, nil) {
			printDiagnostics(cmd.ErrOrStderr(), diags)
		}
		return nil, &cmdError{msg: fmt.Sprintf("truce %s: %s has errors; nothing was run", who, name), diags: diags}
	}
	printDiagnostics(cmd.ErrOrStderr(), diags)
	var br *bridge.Report
	if f.Bridge != nil {
		dir := "."
		if path != "-" {
			dir = filepath.Dir(path)
		}
		var bds []scenario.Diagnostic
		br, bds, err = bridge.Load(ctx, f, name, dir)
		if err != nil {
			return nil, &exitError{codeFailure, "truce " + who + ": " + err.Error()}
		}
		if br == nil {
			if !wantsJSON(cmd, nil) {
				printDiagnostics(cmd.ErrOrStderr(), bds)
			}
			return nil, &cmdError{msg: fmt.Sprintf("truce %s: the bridge of %s has errors; nothing was run", who, name), diags: bds}
		}
	}
	res, err := gmcr.Analyze(ctx, f.Conflict, mode)
	if err != nil {
		return nil, err
	}
	return &gmcrReport{res: res, file: f, concepts: concepts, sq: f.StatusQuo, bridge: br}, nil
}

type gmcrReport struct {
	res      *gmcr.Result
	file     *conflictfile.File
	concepts []gmcr.Concept
	sq       int
	paths    []gmcr.Path
	pathsFor [][]gmcr.Concept
	why      []*gmcr.Why
	coal     []*gmcr.CoalitionResult
	inv      *gmcr.InverseResult
	bridge   *bridge.Report
}

// statusQuo finds paths to every state that is an equilibrium under one of
// the concepts.
func (rep *gmcrReport) statusQuo(ctx context.Context) error {
	c := rep.res.C
	var targets []int
	for s := range c.Codes {
		var ks []gmcr.Concept
		for _, k := range rep.concepts {
			if rep.res.Equilibrium(k, s) {
				ks = append(ks, k)
			}
		}
		if len(ks) > 0 {
			targets = append(targets, s)
			rep.pathsFor = append(rep.pathsFor, ks)
		}
	}
	paths, err := c.StatusQuo(ctx, rep.sq, targets)
	rep.paths = paths
	return err
}

func (rep *gmcrReport) runInverse(cmd *cobra.Command, fl *gmcrFlags) error {
	c := rep.res.C
	dmID, st, ok := strings.Cut(fl.inverse, "=")
	if !ok {
		return usageErrorf("--inverse %q: want DM=STATE, e.g. IR=5", fl.inverse)
	}
	d, ok := c.DMIndex(dmID)
	if !ok {
		return usageErrorf("--inverse: unknown decision maker %q", dmID)
	}
	s, err := parseStateFlag(c, "inverse", st)
	if err != nil {
		return err
	}
	k, err := gmcr.ParseConcept(fl.inverseConcept)
	if err != nil {
		return usageErrorf("--inverse-concept: %v", err)
	}
	spec := gmcr.InverseSpec{DM: d, Target: s, Concept: k, Keep: fl.keepTop}
	switch fl.inverseBy {
	case "priorities":
		if rep.file.Priorities[d] == nil {
			return usageErrorf("--inverse-by priorities: %s's preferences are a ranking, not priorities", dmID)
		}
		spec.Statements = rep.file.Priorities[d]
	case "auto":
		spec.Statements = rep.file.Priorities[d]
	}
	inv, err := rep.res.Inverse(cmd.Context(), spec)
	if err != nil {
		return &exitError{codeFailure, "truce gmcr: " + err.Error()}
	}
	rep.inv = inv
	return nil
}
