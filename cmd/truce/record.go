package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/truce-dev/truce/evidence/events"
	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/scenario"
)

// maxEventFileSize caps one event data file (docs/limits.md).
const maxEventFileSize = 2 << 30

// readEvents reads the events of one file (standard input for "-") into
// add, in format or the format its first line shows. The file is read as
// a stream, a line at a time (events.Read), not whole: reading up to the
// 2 GiB cap into memory took 4 to 8 GB of memory for /dev/zero (the
// buffer growing by doubling), where a line over events.MaxLineBytes now
// ends the reading within its first megabyte.
func readEvents(stdin io.Reader, path, format string, add func(events.Event) error) error {
	name, in, err := openInput(stdin, path, maxEventFileSize)
	if err != nil {
		return err
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, events.MaxLineBytes)
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		br.Discard(3) // as readInput does
	}
	if format == "" {
		head, _ := br.Peek(events.MaxLineBytes)
		first, _, _ := bytes.Cut(head, []byte("\n"))
		if format = events.Sniff(first); format == "" && strings.HasSuffix(strings.ToLower(path), ".jsonl") {
			format = "plover"
		}
		if format == "" {
			return fmt.Errorf("%s: cannot tell the event data format from its first line; give --from gdelt, icews or plover", name)
		}
	}
	return events.Read(format, name, br, add)
}

func newRecordCmd() *cobra.Command {
	var (
		mappingPath string
		format      string
		start       string
		output      string
	)
	cmd := &cobra.Command{
		Use:   "record FILE --mapping M.yaml EVENTS...",
		Short: "Build an observed record from coded event data (GDELT, ICEWS, PLOVER)",
		Long: `record reads coded event data and writes the observed record that update,
check and analyze read (docs/evidence.md): GDELT 2.0 event rows (61
tab-separated columns), ICEWS-style rows (a header with Event Date, Source
Country, CAMEO Code, Intensity, Target Country, ...) and PLOVER/POLECAT
JSON lines. The mapping file says which codes and names identify each side
(USA, IRN, "Iran"), which events count as which event class of the scenario
(CAMEO codes or their roots, PLOVER categories, Goldstein ranges, quad
classes, which side acts), and how a period is summed up: one row per
period (the first class, in the mapping's order, that occurs) or a count
per class. Steps are the scenario's periods counted from its history start
(or the mapping's start, or --start).

The format of each file is --from, or guessed from its first line. What
was read, left out and why goes to stderr.`,
		Example: `  truce record scenario.yaml --mapping us-iran.map.yaml 2026*.export.CSV -o record.csv
  truce record scenario.yaml --mapping map.yaml --from plover events.jsonl`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := mustLoadScenario(cmd, "record", args[0])
			if err != nil {
				return err
			}
			fail := func(err error) error { return &exitError{codeFailure, "truce record: " + err.Error()} }
			if mappingPath == "" {
				return usageErrorf("truce record: --mapping is required (a YAML file: sides and classes)")
			}
			if !sc.Observed() {
				return fail(fmt.Errorf("%s has no observations section: there are no event classes to map events to", args[0]))
			}
			name, src, err := readInput(cmd.InOrStdin(), mappingPath, scenario.MaxFileSize)
			if err != nil {
				return fail(err)
			}
			m, err := events.ReadMapping(name, src)
			if err != nil {
				return fail(err)
			}
			if err := m.Check(sc.Events, scenario.SuggestName); err != nil {
				return fail(err)
			}
			cal, err := mappingCalendar(sc, m, start)
			if err != nil {
				return fail(err)
			}
			agg := events.NewAggregator(m, cal)
			for _, path := range args[1:] {
				if err := readEvents(cmd.InOrStdin(), path, format, agg.Add); err != nil {
					return fail(err)
				}
			}
			rec, warn, err := agg.Record(output)
			if err != nil {
				return fail(err)
			}
			st := agg.Stats
			errw := cmd.ErrOrStderr()
			mapped := 0
			var per []string
			for _, c := range slices.Sorted(maps.Keys(st.PerClass)) {
				mapped += st.PerClass[c]
				per = append(per, fmt.Sprintf("%s %d", c, st.PerClass[c]))
			}
			mappedText := fmt.Sprintf("%d mapped", mapped)
			if len(per) > 0 {
				mappedText += " (" + strings.Join(per, ", ") + ")"
			}
			fmt.Fprintf(errw, "read %s: %s, %d between other actors, %d without an actor or target, %d outside the dates, %d matching no class\n",
				plural(st.Read, "event"), mappedText, st.OutOfScope, st.MissingActor, st.OutOfRange, st.Unmapped)
			for _, w := range warn {
				fmt.Fprintln(errw, "warning:", w)
			}
			fmt.Fprintf(errw, "%s, %ss counted from %s\n", plural(len(rec.Rows), "row"), sc.Period, period.FormatDate(cal.Start))
			return writeOutput(cmd, output, append([]string{args[0], mappingPath}, args[1:]...), func(w io.Writer) error {
				return record.Write(w, rec, &cal)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&mappingPath, "mapping", "", "mapping file (YAML): sides, classes, how a period is summed up")
	enumFlag(f, &format, "from", "", "event data format (default: guessed per file)", "", "gdelt", "icews", "plover")
	f.StringVar(&start, "start", "", "date of step 0 (YYYY-MM-DD); default: the mapping's start, else the scenario's history start")
	f.StringVarP(&output, "output", "o", "", "record file to write (default: stdout)")
	timeoutFlag(f)
	return cmd
}

// mappingCalendar is the calendar of a record built with mapping m: the
// mapping's period or the scenario's, from --start, the mapping's start or
// the scenario's history start.
func mappingCalendar(sc *scenario.Scenario, m *events.Mapping, start string) (period.Calendar, error) {
	per := sc.Period
	if m.Period != "" {
		per = m.Period
	}
	l, ok := period.ParseLength(per)
	if !ok {
		return period.Calendar{}, fmt.Errorf("period %q has no calendar length: set period: week (or day, month, ...) in the scenario or the mapping", per)
	}
	for _, s := range []string{start, m.Start} {
		if s != "" {
			t, err := period.ParseDate(s)
			if err != nil {
				return period.Calendar{}, err
			}
			return period.New(t, l), nil
		}
	}
	if sc.History != nil && sc.History.Start != "" {
		t, _ := period.ParseDate(sc.History.Start)
		return period.New(t, l), nil
	}
	return period.Calendar{}, fmt.Errorf("no date for step 0: give --start, `start:` in the mapping, or `history: {start: ...}` in the scenario")
}
