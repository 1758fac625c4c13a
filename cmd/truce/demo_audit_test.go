package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/truce-dev/truce/audit"
	"github.com/truce-dev/truce/scenario"
	"github.com/truce-dev/truce/scenarios"
)

// TestDemoKeptClaims runs afresh the claims the demo shows from a kept
// run: the claims with their own draws: (the searches of the equilibrium
// set and of commitments), as `truce analyze scenarios/us-iran-2026.yaml
// --draws 20 --seed 1` evaluates them, and fails when the kept copy
// (scenarios/us-iran-2026.claims.json) differs: the demo may then not
// show it as that command's result. TRUCE_UPDATE_AUDIT=1 rewrites the
// copy instead (after a change that moves its numbers on purpose; review
// the diff). The kept construction audit is rerun by the scenarios
// package's TestKeptAudit.
func TestDemoKeptClaims(t *testing.T) {
	fresh, err := runKeptClaims(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, err := keptClaimsJSON(fresh)
	if err != nil {
		t.Fatal(err)
	}
	checkKept(t, "us-iran-2026.claims.json", scenarios.USIran2026Claims(), want)
	// The demo's default run covers the kept draws.
	if fresh.Draws > demoDraws || fresh.Seed != scenario.DefaultSeed {
		t.Errorf("the kept claims are over %d draws, seed %d; the demo's default is %d draws, seed %d", fresh.Draws, fresh.Seed, demoDraws, scenario.DefaultSeed)
	}
}

// checkKept compares the kept copy scenarios/name with want, the fresh
// run's bytes, and returns the copy; with TRUCE_UPDATE_AUDIT set it
// rewrites the copy and skips.
func checkKept(t *testing.T, name string, kept, want []byte) []byte {
	t.Helper()
	if os.Getenv("TRUCE_UPDATE_AUDIT") != "" {
		if err := os.WriteFile(filepath.Join("..", "..", "scenarios", name), want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skipf("rewrote scenarios/%s; rebuild and rerun without TRUCE_UPDATE_AUDIT", name)
	}
	if !bytes.Equal(kept, want) {
		t.Fatalf("scenarios/%s is not what the run gives now (%d bytes against %d): rerun with TRUCE_UPDATE_AUDIT=1 go test ./cmd/truce -run TestDemoKeptClaims and review the diff", name, len(kept), len(want))
	}
	return kept
}

// TestDemoShowsKeptAudit: the demo with its default settings shows the
// kept audit, says it is kept and not run now, and puts it in the report;
// with another seed it says the audit was not run.
func TestDemoShowsKeptAudit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.html")
	stdout, stderr, code := runTruce(t, "", "demo", "--draws", "20", "--points", "2", "--no-discover", "-o", out)
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	line := regexp.MustCompile(`(?m)^Construction check \((\d+) variants of the file, 200 draws each; kept from truce audit scenarios/us-iran-2026.yaml --draws 200 --seed 1, not run now\): .*a verdict changed by \d+ variants?`).FindStringSubmatch(stdout)
	if line == nil {
		t.Fatalf("summary lacks the kept audit's line:\n%s", stdout)
	}
	var kept audit.Report
	if err := json.Unmarshal(scenarios.USIran2026Audit(), &kept); err != nil {
		t.Fatal(err)
	}
	if line[1] != strconv.Itoa(kept.Tested) {
		t.Errorf("summary says %s variants, the kept audit tested %d", line[1], kept.Tested)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("kept from `truce audit scenarios/us-iran-2026.yaml --draws 200 --seed 1`, not run now")) {
		t.Error("the report's audit section does not say it is the kept run")
	}
	// The claims over the equilibrium set: their kept rows, said to be
	// kept, with their shares from the copy, and what they say.
	var claims keptClaims
	if err := json.Unmarshal(scenarios.USIran2026Claims(), &claims); err != nil {
		t.Fatal(err)
	}
	keptLine := regexp.MustCompile(`(?m)^  E1–E4, over the equilibrium set, before the record only \(share of 20 draws with its 95% interval; kept from truce analyze scenarios/us-iran-2026.yaml --draws 20 --seed 1, not run now: truce demo --set-claims runs them\): (.*)$`).FindStringSubmatch(stdout)
	if keptLine == nil {
		t.Fatalf("summary lacks the kept claims' line:\n%s", stdout)
	}
	for i, h := range claims.Hypotheses {
		want := h.ID + " " + scenario.VerdictText(keptVerdict(h, claims.Draws)) + " " + keptInterval(h, claims.Draws)
		if got := strings.Split(keptLine[1], " · "); i >= len(got) || got[i] != want {
			t.Errorf("kept claims' line lacks %q in place %d: %s", want, i, keptLine[1])
		}
	}
	if !regexp.MustCompile(`every equilibrium found keeps war within the year below even odds \(E2\), on \S+ none does \(E1 fails\).*the selected equilibrium keeps it below even odds \(E3\).*Committing \(E4\): on `).MatchString(stdout) {
		t.Errorf("what the kept claims say does not name them:\n%s", stdout)
	}
	if !strings.Contains(stdout, "What the claims over the equilibrium set say (shares of prior draws: implied by the assumptions, not evidence): on ") ||
		!bytes.Contains(page, []byte("kept from `truce analyze scenarios/us-iran-2026.yaml --draws 20 --seed 1`, not run now")) {
		t.Errorf("the summary or the report does not say what the kept claims say:\n%s", stdout)
	}
	stdout, stderr, code = runTruce(t, "", "demo", "--draws", "20", "--points", "2", "--no-discover", "--seed", "2", "-o", out)
	if code != 0 {
		t.Fatalf("demo --seed 2 exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Construction check: not run here") || strings.Contains(stdout, "kept from truce audit") {
		t.Errorf("with --seed 2 the kept audit (seed 1) must not be shown:\n%s", stdout)
	}
}

// setClaimWords: the share of draws on which the equilibria found disagree
// is that of "some" minus that of "every" (every implies some on each
// draw), and the words follow it.
func TestSetClaimWords(t *testing.T) {
	w := setClaimWords(0.5, 0.4, 20, 0.4, 20, setClaimIDs{})
	for _, want := range []string{"on 40.0% of 20 draws every equilibrium found keeps war within the year below even odds, on 50.0% none does, and on 10.0% the equilibria found disagree (war within the year then hangs on which equilibrium",
		"the selected equilibrium keeps it below even odds on 40.0% of 20 draws", "not proved complete"} {
		if !strings.Contains(w, want) {
			t.Errorf("words lack %q: %s", want, w)
		}
	}
	if w := setClaimWords(0.3, 0.3, 20, 0.3, 20, setClaimIDs{}); !strings.Contains(w, "on 0% the equilibria found disagree (on every draw the verdict on war within the year is the same in every equilibrium found") {
		t.Errorf("no disagreement: %s", w)
	}
}

// truce demo --set-claims evaluates the claims over the equilibrium set in
// the run: their rows are the run's, and nothing is said to be kept.
func TestDemoSetClaimsNow(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.html")
	stdout, stderr, code := runTruce(t, "", "demo", "--draws", "2", "--points", "2", "--sweep-top", "1", "--no-discover", "--set-claims", "-o", out)
	if code != 0 {
		t.Fatalf("demo --set-claims exited %d: %s", code, stderr)
	}
	for _, id := range []string{"E1", "E2", "E3", "E4"} {
		if !regexp.MustCompile(`(?m)^  ` + id + ` +\S+ +\d+\.\d% → +\d+\.\d%  `).MatchString(stdout) {
			t.Errorf("%s is not among the run's claims, before and after the record:\n%s", id, stdout)
		}
	}
	if strings.Contains(stdout, "over the equilibrium set: kept from") || strings.Contains(stdout, "over the equilibrium set: not run here") {
		t.Errorf("--set-claims ran them, yet the summary says kept or not run:\n%s", stdout)
	}
	if !strings.Contains(stdout, "What the claims over the equilibrium set say") {
		t.Errorf("summary lacks what the claims say:\n%s", stdout)
	}
}
