package events

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/truce-dev/truce/internal/hostile"
)

// fuzzRead checks one reader: any input gives events or an error with a
// position, never a panic; every event read is well formed and aggregates
// into a record.
func fuzzRead(f *testing.F, format, seed string) {
	src, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	for _, l := range strings.Split(string(src), "\n") {
		f.Add([]byte(l))
	}
	mp, err := ReadMapping("m.yaml", mustRead(f, "testdata/us-iran.map.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a := NewAggregator(mp, weekly())
		err := Read(format, "f", bytes.NewReader(data), func(ev Event) error {
			if ev.Date.IsZero() || ev.Line < 1 || ev.Quad < 0 || ev.Quad > 4 {
				t.Fatalf("bad event %+v", ev)
			}
			if !math.IsNaN(ev.Goldstein) && !(ev.Goldstein >= -10 && ev.Goldstein <= 10) {
				t.Fatalf("Goldstein %v", ev.Goldstein)
			}
			if strings.Trim(ev.Cameo, "0123456789") != "" || len(ev.Cameo) > 4 {
				t.Fatalf("CAMEO code %q", ev.Cameo)
			}
			return a.Add(ev)
		})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f") && !strings.Contains(err.Error(), "step") && !strings.Contains(err.Error(), "periods") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		rec, _, err := a.Record("out")
		if err != nil {
			return
		}
		for _, r := range rec.Rows {
			if r.Step < 0 || r.Name == "" || !(r.Count >= 1) {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}

func mustRead(f *testing.F, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func FuzzGDELT(f *testing.F)  { fuzzRead(f, "gdelt", "testdata/gdelt.tsv") }
func FuzzICEWS(f *testing.F)  { fuzzRead(f, "icews", "testdata/icews.tab") }
func FuzzPLOVER(f *testing.F) { fuzzRead(f, "plover", "testdata/plover.jsonl") }

// FuzzMapping: any mapping file is read or refused with a message, never a
// panic; one that is read has classes with a positive min_count and sides.
func FuzzMapping(f *testing.F) {
	f.Add(mustRead(f, "testdata/us-iran.map.yaml"))
	f.Add([]byte("sides: {A: [x], B: [y]}\nclasses: [{event: e, cameo: ['01']}]\n"))
	f.Add([]byte("sides: {A: [x], B: [y]}\nclasses: [{event: e, goldstein: [1]}]\n"))
	// The limits: nesting past the reader's 1,000 levels, numbers past
	// float64 and int, a byte-order mark, aliases, duplicate keys.
	f.Add(hostile.NestedYAML(1200))
	f.Add(hostile.NestedFlowYAML(1200))
	for _, v := range []string{"1e400", "-.inf", ".nan", "99999999999999999999", "0x7fffffffffffffff", "1_0", "-0", "*a", "[1, 2, 3]", "{x: 1}"} {
		f.Add([]byte("\uFEFFsides: &a {A: [x], B: [y]}\nclasses: [{event: e, goldstein: [" + v + ", 1], quad: [" + v + "], min_count: " + v + "}]\n"))
	}
	f.Add([]byte("sides: {A: [x], A: [y]}\nclasses: [{event: e, cameo: ['01']}]\nclasses: []\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		m, err := ReadMapping("m.yaml", src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "m.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if len(m.Sides) < 2 || len(m.Classes) == 0 {
			t.Fatalf("accepted %+v", m)
		}
		for _, c := range m.Classes {
			if c.MinCount < 1 {
				t.Fatalf("class %+v", c)
			}
		}
	})
}
