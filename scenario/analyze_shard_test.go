package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A run split into blocks, each sent through JSON, merges to Analyze's own
// report byte for byte, for any number of blocks, with the figures from
// every start and the long run too.
func TestAnalyzeShardsMergeToAnalyze(t *testing.T) {
	for _, c := range []struct {
		file string
		opt  AnalyzeOptions
	}{
		{"../scenarios/us-iran-2026.yaml", AnalyzeOptions{Draws: 37, Seed: 5}},
		{"testdata/uncertain.yaml", AnalyzeOptions{Draws: 50, Seed: 2, From: true, LongRun: true, States: []string{"all"}}},
		{"testdata/ruin.yaml", AnalyzeOptions{Draws: 1, From: true}},
		{"testdata/subsample.yaml", AnalyzeOptions{Draws: 31, Seed: 3}}, // hypotheses on the first 13 and 9 draws
	} {
		src, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		sc, diags := Parse(c.file, src)
		if sc == nil {
			t.Fatalf("%s: %v", c.file, diags)
		}
		if c.file == "../scenarios/us-iran-2026.yaml" {
			// Its set claims cost a search per draw; subsample.yaml
			// tests hypotheses with their own draws.
			sc.SkipSubsampled()
		}
		want, err := Analyze(context.Background(), sc, c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		wantJSON, _ := want.JSON()
		draws := want.Draws
		for _, n := range []int{1, 2, 3, 7} {
			var parts []*AnalyzeRecords
			for k := 0; k < n; k++ {
				lo, hi := k*draws/n, (k+1)*draws/n
				opt := c.opt
				opt.Workers = 1 + k%3 // workers must not matter
				p, err := AnalyzePart(context.Background(), sc, opt, lo, hi)
				if err != nil {
					t.Fatalf("%s: part %d/%d: %v", c.file, k, n, err)
				}
				b, err := json.Marshal(p)
				if err != nil {
					t.Fatal(err)
				}
				var back AnalyzeRecords
				if err := json.Unmarshal(b, &back); err != nil {
					t.Fatal(err)
				}
				parts = append(parts, &back)
			}
			got, err := AnalyzeMerge(context.Background(), sc, c.opt, parts)
			if err != nil {
				t.Fatalf("%s: merge of %d: %v", c.file, n, err)
			}
			gotJSON, _ := got.JSON()
			if !bytes.Equal(gotJSON, wantJSON) {
				t.Errorf("%s: merge of %d blocks differs from Analyze", c.file, n)
			}
			var gotText, wantText bytes.Buffer
			got.WriteText(&gotText)
			want.WriteText(&wantText)
			if gotText.String() != wantText.String() {
				t.Errorf("%s: text of the merge of %d blocks differs", c.file, n)
			}
		}
	}
}

func TestAnalyzeMergeRefuses(t *testing.T) {
	src, err := os.ReadFile("testdata/uncertain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := Parse("uncertain.yaml", src)
	opt := AnalyzeOptions{Draws: 20, Seed: 1}
	a, err := AnalyzePart(context.Background(), sc, opt, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := AnalyzePart(context.Background(), sc, opt, 10, 20)
	damaged := *b
	damaged.Draws = append([]drawRecord(nil), b.Draws...)
	damaged.Draws[3].Holds = "x"
	short := *b
	short.Draws = b.Draws[:5]
	for _, c := range []struct {
		name  string
		parts []*AnalyzeRecords
		want  string
	}{
		{"gap", []*AnalyzeRecords{b}, "draw 0 comes next"},
		{"missing end", []*AnalyzeRecords{a}, "end at draw 10 of 20"},
		{"overlap", []*AnalyzeRecords{a, a}, "draw 10 comes next"},
		{"damaged", []*AnalyzeRecords{a, &damaged}, "draw 13"},
		{"short", []*AnalyzeRecords{a, &short}, "5 records"},
	} {
		_, err := AnalyzeMerge(context.Background(), sc, opt, c.parts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if _, err := AnalyzePart(context.Background(), sc, opt, 15, 25); err == nil {
		t.Errorf("a part beyond the run's draws was accepted")
	}
}
