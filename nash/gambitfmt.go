package nash

import (
	"bufio"
	"io"
	"math"
	"strconv"

	"github.com/truce-dev/truce/game"
)

// FormatGambit writes eq as Gambit's command-line tools print a profile:
// "NE," then every probability, player by player, strategies in file
// order; a quantal-response equilibrium at a given lambda (eq.Lambda > 0)
// starts with the lambda instead, as gambit-logit -l prints it. Exact profiles print as Gambit prints rationals (0, 1, 3/5,
// 6683647/21453850); others with the given number of significant digits,
// as Gambit's C++ streams do (0.5, 0.574046, 4.38067e-32). The profile
// alone determines the line; g may be nil.
func FormatGambit(w io.Writer, g *game.Strategic, eq Equilibrium, decimals int) error {
	return formatGambit(w, eq, decimals, 'g')
}

// FormatGambitFixed writes eq as the Gambit tools that print through
// Gambit's CSV renderers do (gambit-lcp, -lp and -enummixed with -d,
// gambit-gnm, -ipa, -liap and -simpdiv): floats with decimals digits
// after the point, zeros included (0.000000, 0.649204), where FormatGambit
// writes gambit-logit's significant digits. Exact profiles print as
// fractions either way.
func FormatGambitFixed(w io.Writer, g *game.Strategic, eq Equilibrium, decimals int) error {
	return formatGambit(w, eq, decimals, 'f')
}

func formatGambit(w io.Writer, eq Equilibrium, decimals int, style byte) error {
	bw := bufio.NewWriter(w)
	if decimals <= 0 {
		decimals = 6
	}
	if eq.Lambda > 0 {
		bw.WriteString(strconv.FormatFloat(eq.Lambda, 'f', decimals, 64))
	} else {
		bw.WriteString("NE")
	}
	for p := range eq.Profile {
		for s, v := range eq.Profile[p] {
			bw.WriteByte(',')
			if eq.Exact != nil {
				bw.WriteString(eq.Exact[p][s].RatString())
				continue
			}
			bw.WriteString(strconv.FormatFloat(v, style, decimals, 64))
		}
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// FormatProbability prints a probability for people: decimals significant
// digits, trailing zeros dropped, and values below 10^-(decimals+3), which
// are rounding noise or negligible, as 0.
func FormatProbability(v float64, decimals int) string {
	if decimals <= 0 {
		decimals = 6
	}
	if math.Abs(v) < math.Pow(10, -float64(decimals+3)) {
		return "0"
	}
	return strconv.FormatFloat(v, 'g', decimals, 64)
}
