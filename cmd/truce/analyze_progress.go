package main

import (
	"io"
	"strings"

	"github.com/truce-dev/truce/internal/progress"
	"github.com/truce-dev/truce/scenario"
)

// progressBar is what analyzeProgress needs of a bar (*progress.Bar, nil
// included).
type progressBar interface {
	Set(n int64)
	Finish()
}

// analyzeProgress shows the progress of an analysis of draws [lo, hi).
// Hypotheses with their own `draws: N` (claims over the equilibrium set,
// commitment: seconds a draw) are evaluated on the first N draws only, so
// those draws take far longer than the rest; while they run, a bar of
// their own names the claims and counts them ("claims E1, E2, E4: draws
// done 3/20"), then the bar of every draw takes over. Its methods are
// called from one goroutine (scenario.AnalyzeOptions.Progress and
// DrawDone).
type analyzeProgress struct {
	newBar       func(total int64, what string) progressBar
	what         string // the draws' bar: "draws"
	lo, hi       int
	claimsEnd    int // draws [lo, claimsEnd) evaluate the claims
	claimsDone   int
	claims       progressBar // open while those draws run
	draws        progressBar
	done         int
	claimsActive bool
}

// newAnalyzeProgress is analyzeProgress on w (progress.New's bars), the
// draws' bar described by what; the claims' bar only when claims is set
// (the draws are computed here).
func newAnalyzeProgress(w io.Writer, what string, sc *scenario.Scenario, lo, hi int, claims bool) *analyzeProgress {
	return newAnalyzeProgressBars(func(total int64, what string) progressBar { return progress.New(w, total, what) }, what, sc, lo, hi, claims)
}

func newAnalyzeProgressBars(newBar func(total int64, what string) progressBar, what string, sc *scenario.Scenario, lo, hi int, claims bool) *analyzeProgress {
	p := &analyzeProgress{newBar: newBar, what: what, lo: lo, hi: hi}
	var ids []string
	k := 0
	for _, h := range sc.Hypotheses {
		if !claims {
			break
		}
		if h.Draws > 0 {
			ids = append(ids, h.ID)
			k = max(k, h.Draws)
		}
	}
	p.claimsEnd = min(hi, k)
	if len(ids) > 0 && p.claimsEnd > lo {
		word := "claims "
		if len(ids) == 1 {
			word = "claim "
		}
		p.claims = newBar(int64(p.claimsEnd-lo), word+strings.Join(ids, ", ")+": draws done")
		p.claimsActive = true
	} else {
		p.draws = newBar(int64(hi-lo), what)
	}
	return p
}

// drawDone counts draw i, ended.
func (p *analyzeProgress) drawDone(i int) {
	if !p.claimsActive || i < p.lo || i >= p.claimsEnd {
		return
	}
	p.claimsDone++
	p.claims.Set(int64(p.claimsDone))
	if p.claimsDone == p.claimsEnd-p.lo {
		p.claims.Finish()
		p.claimsActive = false
		p.draws = p.newBar(int64(p.hi-p.lo), p.what)
		p.draws.Set(int64(p.done))
	}
}

// progress sets the draws done (scenario.AnalyzeOptions.Progress).
func (p *analyzeProgress) progress(done, _ int) {
	p.done = done
	if p.draws != nil {
		p.draws.Set(int64(done))
	}
}

// stage ends the bars of the draws and opens one, of unknown length, for
// the step after them (scenario.AnalyzeOptions.Stage).
func (p *analyzeProgress) stage(what string) {
	p.finish()
	p.draws = p.newBar(-1, what)
}

// finish ends the bar open.
func (p *analyzeProgress) finish() {
	if p.claimsActive {
		p.claims.Finish()
		p.claimsActive = false
	}
	if p.draws != nil {
		p.draws.Finish()
	}
}
