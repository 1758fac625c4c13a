package scenarios

import _ "embed"

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
