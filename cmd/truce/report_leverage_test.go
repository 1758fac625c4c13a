package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReportLeverage: the report's leverage section gives, for every named
// profile and actor, the values truce respond computes, the decision points
// where the best response differs, and each actor's commitment with how it
// was found; --no-leverage leaves the section out.
func TestReportLeverage(t *testing.T) {
	const file = "../../examples/coordination.yaml"
	out := filepath.Join(t.TempDir(), "r.html")
	if _, stderr, code := runTruce(t, "", "report", file, "-o", out, "--draws", "5", "--no-sensitivity"); code != 0 {
		t.Fatal(stderr)
	}
	b, _ := os.ReadFile(out)
	page := string(b)
	i := strings.Index(page, `id="leverage"`)
	if i < 0 {
		t.Fatal("no leverage section")
	}
	sec := page[i:]
	if j := strings.Index(sec, "<section"); j > 0 {
		sec = sec[:j]
	}
	rows := regexp.MustCompile(`<tr><td>([^<]+)</td><td>([^<]+)</td><td class="n">([^<]+)</td><td class="n">([^<]+)</td><td class="n">([^<]+)</td><td>(.*?)</td></tr>`).FindAllStringSubmatch(sec, -1)
	if len(rows) != 6 { // 3 profiles × 2 actors
		t.Fatalf("%d best-response rows, want 6:\n%s", len(rows), sec)
	}
	for _, r := range rows {
		js, stderr, code := runTruce(t, "", "respond", file, "--actor", r[2], "--to", r[1], "--format", "json")
		if code != 0 {
			t.Fatal(stderr)
		}
		var rep respondJSON
		if err := json.Unmarshal([]byte(js), &rep); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[int]float64{3: rep.ProfileValue, 4: rep.Value, 5: rep.Gain} {
			if got := r[k]; got != fmt.Sprintf("%.3g", solveClean(want)) {
				t.Errorf("%s/%s column %d: %s, truce respond says %.6g", r[1], r[2], k, got, want)
			}
		}
		if (len(rep.Changes) == 0) != strings.Contains(r[6], "already a best response") {
			t.Errorf("%s/%s: changes %v, report says %q", r[1], r[2], rep.Changes, r[6])
		}
		for _, c := range rep.Changes {
			if !strings.Contains(r[6], c.Node+":") {
				t.Errorf("%s/%s: the report does not name decision point %s", r[1], r[2], c.Node)
			}
		}
	}
	if n := strings.Count(sec, "exact: multiple linear programs"); n != 2 {
		t.Errorf("%d exact commitments, want one per actor of this one-state game:\n%s", n, sec)
	}
	if _, stderr, code := runTruce(t, "", "report", file, "-o", out, "--draws", "5", "--no-sensitivity", "--no-leverage"); code != 0 {
		t.Fatal(stderr)
	}
	if b, _ := os.ReadFile(out); strings.Contains(string(b), `id="leverage"`) {
		t.Error("--no-leverage still draws the section")
	}
}
