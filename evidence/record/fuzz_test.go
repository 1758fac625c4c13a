package record

import (
	"bytes"
	"testing"
)

// FuzzRead: any input gives rows or an error, never a panic; rows read
// satisfy the format's invariants and write back to the same rows.
func FuzzRead(f *testing.F) {
	f.Add([]byte("step,event,count\n0,quiet,\n3,incident,2\n"))
	f.Add([]byte("date,state\n2026-04-06,war\n"))
	f.Add([]byte("\ufeffstep,date,event,weight,source\n1,2026-04-13,a,0.5,\"x,y\"\n"))
	f.Add([]byte("step,event\n1,\"a\n"))
	// The limits: steps past MaxStep and int64, counts and weights past
	// float64, NaN.
	for _, v := range []string{"10000001", "9223372036854775808", "-1", "1e400", "NaN", "Inf", "0x10", "1_0"} {
		f.Add([]byte("step,event,count,weight\n" + v + ",a," + v + "," + v + "\n"))
	}
	cal := weekly()
	f.Fuzz(func(t *testing.T, src []byte) {
		rec, err := Read("f.csv", bytes.NewReader(src), Options{Calendar: cal, MaxRows: 1000})
		if err != nil {
			return
		}
		for _, r := range rec.Rows {
			if r.Step < 0 || r.Step > MaxStep || r.Name == "" || !(r.Count >= 0) || (r.State && r.Count != 1) {
				t.Fatalf("bad row %+v", r)
			}
		}
		var buf bytes.Buffer
		if err := Write(&buf, rec, cal); err != nil {
			t.Fatal(err)
		}
		back, err := Read("w.csv", &buf, Options{Calendar: cal, MaxRows: 1000})
		if err != nil {
			t.Fatalf("written record does not read back: %v\n%s", err, buf.String())
		}
		if len(back.Rows) != len(rec.Rows) {
			t.Fatalf("%d rows written, %d read back", len(rec.Rows), len(back.Rows))
		}
		for i := range rec.Rows {
			a, b := rec.Rows[i], back.Rows[i]
			if a.Step != b.Step || a.Name != b.Name || a.State != b.State || a.Count != b.Count || a.Source != b.Source {
				t.Fatalf("row %d: %+v read back as %+v", i, a, b)
			}
		}
	})
}
