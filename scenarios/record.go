package scenarios

import (
	"bytes"
	_ "embed"
	"fmt"
	"time"
)

//go:embed us-iran-2019-2026.csv
var usIranRecord string

// USIranRecordName is the file name the bundled US–Iran record is reported
// under in diagnostics.
const USIranRecordName = "scenarios/us-iran-2019-2026.csv"

// USIranRecordStart is the date of step 0 of the record's weekly calendar:
// Monday 31 December 2018, the first day of ISO week 2019-W01. Read the
// record with `--start 2018-12-31` (or a history starting then) and a
// weekly period; a later start rejects the earlier rows.
const USIranRecordStart = "2018-12-31"

// USIranRecord returns scenarios/us-iran-2019-2026.csv: the weekly US–Iran
// record from January 2019 to June 2026, one row per observed week with
// its source (docs/us-iran-record.md). Each call returns a fresh copy.
func USIranRecord() []byte { return []byte(usIranRecord) }

// USIranRecordClasses returns the record's event classes in the order of
// priority used to give a week one class: a week with a strike and talks
// is a strike week.
func USIranRecordClasses() []string {
	return []string{"war", "strike", "hormuz", "incident", "talks", "quiet"}
}

// USIranRecordFrom returns the bundled record cut to the weeks from date
// (YYYY-MM-DD) on, for a scenario whose step 0 is later than the record's
// (the record reader refuses rows dated before the start): the comment
// lines and the header, then every row dated on or after date. Cut on the
// Monday a week starts, so that no week is cut in two.
func USIranRecordFrom(date string) ([]byte, error) {
	from, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return nil, fmt.Errorf("record cut: want a date YYYY-MM-DD, not %q", date)
	}
	if from.Weekday() != time.Monday {
		return nil, fmt.Errorf("record cut: %s is a %s; the record's weeks start on Mondays", date, from.Weekday())
	}
	var out bytes.Buffer
	rows, header := 0, false
	for line := range bytes.Lines([]byte(usIranRecord)) {
		switch {
		case bytes.HasPrefix(line, []byte("#")):
		case !header:
			header = true
		case len(line) >= 10 && string(line[:10]) < date:
			continue
		default:
			rows++
		}
		out.Write(line)
	}
	if rows == 0 {
		return nil, fmt.Errorf("record cut: no row on or after %s (the record ends with the week of 1 June 2026)", date)
	}
	return out.Bytes(), nil
}
