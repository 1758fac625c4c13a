package scenarios_test

import (
	"bytes"
	"fmt"

	"github.com/truce-dev/truce/evidence/record"
	"github.com/truce-dev/truce/internal/period"
	"github.com/truce-dev/truce/scenarios"
)

// The weeks of the bundled record from the blockade of April 2026 on, read
// on a weekly calendar whose step 0 is the blockade's first week.
func ExampleUSIranRecordFrom() {
	src, err := scenarios.USIranRecordFrom("2026-04-13")
	if err != nil {
		panic(err)
	}
	start, _ := period.ParseDate("2026-04-13")
	week, _ := period.ParseLength("week")
	cal := period.New(start, week)
	rec, err := record.Read("since-blockade.csv", bytes.NewReader(src), record.Options{Calendar: &cal})
	if err != nil {
		panic(err)
	}
	for _, r := range rec.Rows {
		fmt.Println(r.Step, r.Date, r.Name)
	}
	// Output:
	// 0 2026-04-13 hormuz
	// 1 2026-04-20 hormuz
	// 2 2026-04-27 hormuz
	// 3 2026-05-07 strike
	// 4 2026-05-11 hormuz
	// 5 2026-05-18 hormuz
	// 6 2026-05-28 strike
	// 7 2026-06-01 strike
}
