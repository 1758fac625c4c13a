package forecast

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
)

// Scored is one resolved forecast: the probability given to yes and what
// happened.
type Scored struct {
	Source string
	P      float64
	Yes    bool
}

// Num is a float64 that encodes NaN and ±Inf as JSON null.
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

var _ json.Marshaler = Num(0)

// Bin is one bin of a reliability diagram: the forecasts with
// probability in [Lo, Hi) ([Lo, 1] for the last), their mean and the share
// that resolved yes.
type Bin struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	N     int     `json:"n"`
	MeanP Num     `json:"mean_forecast"`
	Freq  Num     `json:"observed_frequency"`
}

// SourceScore scores one source's resolved forecasts.
type SourceScore struct {
	Source string `json:"source"`
	N      int    `json:"n"`
	// Brier is the mean of (p - outcome)², 0 best, 1 worst.
	Brier Num `json:"brier"`
	// Log is the mean natural log of the probability given to what
	// happened: 0 best; -Inf (null) when a forecast of 0 or 1 failed.
	Log Num `json:"log"`
	// Murphy's decomposition over the bins: Brier = Reliability -
	// Resolution + Uncertainty, exactly when the forecasts within each bin
	// are equal (otherwise up to the spread within bins).
	Reliability Num `json:"reliability"`
	Resolution  Num `json:"resolution"`
	Uncertainty Num `json:"uncertainty"`
	// BaseRate is the share of questions that resolved yes; Skill is the
	// Brier skill score against always forecasting the base rate,
	// 1 - Brier/Uncertainty (null when every question resolved alike).
	BaseRate Num   `json:"base_rate"`
	Skill    Num   `json:"brier_skill"`
	Bins     []Bin `json:"bins"`
}

// Score scores the forecasts of each source, in source order, with a
// reliability diagram of bins equal bins (10 when bins < 1).
func Score(fs []Scored, bins int) []SourceScore {
	if bins < 1 {
		bins = 10
	}
	by := map[string][]Scored{}
	for _, f := range fs {
		by[f.Source] = append(by[f.Source], f)
	}
	var names []string
	for s := range by {
		names = append(names, s)
	}
	sort.Strings(names)
	out := make([]SourceScore, 0, len(names))
	for _, s := range names {
		out = append(out, scoreOne(s, by[s], bins))
	}
	return out
}

func scoreOne(source string, fs []Scored, bins int) SourceScore {
	sc := SourceScore{Source: source, N: len(fs)}
	n := float64(len(fs))
	brier, logs, yes := 0.0, 0.0, 0.0
	type acc struct{ n, sumP, sumO float64 }
	bs := make([]acc, bins)
	for _, f := range fs {
		o := 0.0
		if f.Yes {
			o = 1
			logs += math.Log(f.P)
		} else {
			logs += math.Log(1 - f.P)
		}
		yes += o
		brier += (f.P - o) * (f.P - o)
		k := min(int(f.P*float64(bins)), bins-1)
		bs[k].n++
		bs[k].sumP += f.P
		bs[k].sumO += o
	}
	base := yes / n
	sc.Brier, sc.Log, sc.BaseRate = Num(brier/n), Num(logs/n), Num(base)
	rel, res := 0.0, 0.0
	for k, b := range bs {
		bin := Bin{Lo: float64(k) / float64(bins), Hi: float64(k+1) / float64(bins), N: int(b.n), MeanP: Num(math.NaN()), Freq: Num(math.NaN())}
		if b.n > 0 {
			fk, ok := b.sumP/b.n, b.sumO/b.n
			bin.MeanP, bin.Freq = Num(fk), Num(ok)
			rel += b.n * (fk - ok) * (fk - ok)
			res += b.n * (ok - base) * (ok - base)
		}
		sc.Bins = append(sc.Bins, bin)
	}
	unc := base * (1 - base)
	sc.Reliability, sc.Resolution, sc.Uncertainty = Num(rel/n), Num(res/n), Num(unc)
	sc.Skill = Num(math.NaN())
	if unc > 0 {
		sc.Skill = Num(1 - brier/n/unc)
	}
	return sc
}
