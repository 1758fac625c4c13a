package shard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestParse(t *testing.T) {
	env := map[string]string{"SLURM_ARRAY_TASK_ID": "3"}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		in   string
		want Spec
		err  string
	}{
		{"0/4", Spec{0, 4}, ""},
		{" 3/4 ", Spec{3, 4}, ""},
		{"env/8", Spec{3, 8}, ""},
		{"env/3", Spec{}, "from 0 to 2"},
		{"4/4", Spec{}, "from 0 to 3"},
		{"-1/4", Spec{}, "from 0 to 3"},
		{"1/0", Spec{}, "count"},
		{"1", Spec{}, "K/N"},
		{"0/1000000000", Spec{}, "count"},
	} {
		got, err := Parse(c.in, getenv)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%q): err %v, want one mentioning %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	// Kubernetes' variable wins over Slurm's, ours over both.
	env["JOB_COMPLETION_INDEX"] = "1"
	if s, _ := Parse("env/4", getenv); s.Index != 1 {
		t.Errorf("JOB_COMPLETION_INDEX ignored: %v", s)
	}
	env["TRUCE_SHARD_INDEX"] = "2"
	if s, _ := Parse("env/4", getenv); s.Index != 2 {
		t.Errorf("TRUCE_SHARD_INDEX ignored: %v", s)
	}
	if _, err := Parse("env/4", func(string) string { return "" }); err == nil {
		t.Errorf("env/4 with no variable set accepted")
	}
}

// The shards' ranges tile [0, total) in order, sizes differing by at most one.
func TestRangeTiles(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		total := rapid.IntRange(0, 5000).Draw(t, "total")
		n := rapid.IntRange(1, 300).Draw(t, "n")
		next, minSize, maxSize := 0, total, 0
		for k := 0; k < n; k++ {
			lo, hi := Spec{k, n}.Range(total)
			if lo != next || hi < lo {
				t.Fatalf("shard %d/%d of %d: [%d,%d), want start %d", k, n, total, lo, hi, next)
			}
			minSize, maxSize = min(minSize, hi-lo), max(maxSize, hi-lo)
			next = hi
		}
		if next != total || maxSize-minSize > 1 {
			t.Fatalf("%d shards of %d: end %d, sizes %d..%d", n, total, next, minSize, maxSize)
		}
	})
}

func TestFloatsExact(t *testing.T) {
	in := Floats{0, -0.0, 1.0 / 3, math.NaN(), math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64, math.MaxFloat64}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Floats
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if math.Float64bits(in[i]) != math.Float64bits(out[i]) {
			t.Errorf("%d: %v became %v", i, in[i], out[i])
		}
	}
	for _, bad := range []string{`"abc"`, `"AAAA"`, `12`} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func parts(t *testing.T, n int, mutate func(k int, h *Header)) []*Part {
	t.Helper()
	var ps []*Part
	for k := 0; k < n; k++ {
		h := NewPart("analyze", map[string]string{"draws": "100", "profiles": "a,b"}, []byte("truce: 1\n"), "s.yaml", 1, Spec{k, n}, 100)
		if mutate != nil {
			mutate(k, &h)
		}
		var buf bytes.Buffer
		if err := Write(&buf, h, map[string]int{"k": k}); err != nil {
			t.Fatal(err)
		}
		p, err := Read(&buf, "part"+string(rune('0'+k)))
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func TestCheck(t *testing.T) {
	ps := parts(t, 4, nil)
	// any order in, shard order out
	got, err := Check([]*Part{ps[2], ps[0], ps[3], ps[1]})
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range got {
		if p.Shard.Index != k {
			t.Fatalf("position %d holds shard %d", k, p.Shard.Index)
		}
	}
	for _, c := range []struct {
		name  string
		parts []*Part
		want  string
	}{
		{"missing", []*Part{ps[0], ps[3]}, "2 of 4 shards missing: 1-2"},
		{"duplicate", []*Part{ps[0], ps[1], ps[1], ps[2], ps[3]}, "shard 1/4 is in both"},
		{"seed", parts(t, 2, func(k int, h *Header) { h.Seed = uint64(k) }), "seed"},
		{"scenario", parts(t, 2, func(k int, h *Header) { h.Source = string(rune('a' + k)); h.ScenarioSHA256 = Hash([]byte(h.Source)) }), "different scenario files"},
		{"build", parts(t, 2, func(k int, h *Header) { h.Truce = fmt.Sprintf("v0.%d", k) }), "run every shard with one build"},
		{"command", parts(t, 2, func(k int, h *Header) {
			if k == 1 {
				h.Command = "solve"
			}
		}), "truce solve"},
		{"settings", parts(t, 2, func(k int, h *Header) {
			if k == 1 {
				h.Settings = map[string]string{"draws": "100", "profiles": "a"}
			}
		}), `profiles "a,b" vs "a"`},
		{"inputs", parts(t, 2, func(k int, h *Header) {
			h.Inputs = []Input{NewInput("record", "r.csv", []byte{byte('a' + k)})}
		}), "were run on different --record files"},
		{"input on one only", parts(t, 2, func(k int, h *Header) {
			if k == 1 {
				h.Inputs = []Input{NewInput("record", "r.csv", nil)}
			}
		}), "--record given to one only"},
		{"none", nil, "no partial results"},
	} {
		_, err := Check(c.parts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{}`, "no \"format\""},
		{`{"format":"truce.partial/9"}`, "this truce reads"},
		{`not json`, "p.json: not a truce partial result (it starts with 'n', not a JSON object)"},
		{"", "p.json: not a truce partial result (empty)"},
		{" \n\t", "p.json: not a truce partial result (empty)"},
		{"\x00\x00\x00", `p.json: not a truce partial result (it starts with '\x00', not a JSON object)`},
		{` {"format"`, "p.json: not a truce partial result (unexpected end of JSON input)"},
		{`{"format":"truce.partial/2","shard":{"index":0,"count":1},"units":1,"lo":0,"hi":1,"source":"a: 1","scenario_sha256":"00"}`, "does not match its hash"},
		{`{"format":"truce.partial/2","shard":{"index":5,"count":4}}`, "out of range"},
		{`{"format":"truce.partial/2","shard":{"index":0,"count":4},"units":100,"lo":0,"hi":30}`, "should hold units [0, 25)"},
	} {
		_, err := Read(strings.NewReader(c.in), "p.json")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "p.json") {
			t.Errorf("Read(%s): err %v, want one naming p.json and %q", c.in, err, c.want)
		}
	}
}

// FuzzRead: any bytes are read into a part that passes Read's own checks,
// or refused with an error naming the file; never a panic.
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	h := NewPart("analyze", map[string]string{"draws": "3"}, []byte("name: x\n"), "x.yaml", 1, Spec{1, 2}, 3)
	if err := Write(&buf, h, map[string]Floats{"y": {1, math.NaN()}}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"truce.partial/2","shard":{"index":0,"count":1},"units":1,"lo":0,"hi":1}`))
	f.Add([]byte(`{"format":"truce.partial/2","shard":{"index":-1,"count":-5}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Read(bytes.NewReader(b), "f.json")
		if err != nil {
			if !strings.Contains(err.Error(), "f.json") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if lo, hi := p.Shard.Range(p.Units); p.Lo != lo || p.Hi != hi || p.Hi < p.Lo {
			t.Fatalf("accepted an inconsistent part: %+v", p.Header)
		}
		if _, err := Check([]*Part{p}); err != nil && p.Shard.Count == 1 {
			t.Fatalf("a lone part of 1 shard should check: %v", err)
		}
	})
}

// TestCompare: the one definition of "the same run" lists every field
// that differs, in a few words each (what a resumed shard reports), and
// ignores which shard a header is.
func TestCompare(t *testing.T) {
	base := NewPart("analyze", map[string]string{"draws": "100"}, []byte("truce: 1\n"), "s.yaml", 1, Spec{0, 4}, 100)
	base.Args = []string{"--draws=100", "--", "s.yaml"}
	other := base
	other.Shard, other.Lo, other.Hi = Spec{3, 4}, 75, 100
	if ms := Compare(base, other); len(ms) != 0 {
		t.Fatalf("another shard of the same run: %v", ms)
	}
	b := base
	b.Seed, b.Units, b.Shard.Count = 2, 101, 5
	b.Settings = map[string]string{"draws": "101"}
	b.Args = []string{"--draws=101", "--", "s.yaml"}
	b.Inputs = []Input{NewInput("record", "r.csv", []byte("x"))}
	var got []string
	for _, m := range Compare(base, b) {
		got = append(got, m.String())
	}
	want := []string{"seed 1 vs 2", "4 shards vs 5", "100 units vs 101", "--record given to one only", `settings draws "100" vs "101"`,
		`arguments ["--draws=100" "--" "s.yaml"] vs ["--draws=101" "--" "s.yaml"]`}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
