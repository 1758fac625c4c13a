//go:build !amd64

package nash

// addScaled sets y[j] += a·x[j] for j < len(x), each product rounded (no fused
// multiply–add): the inner loop of logit's and gnm's payoff contractions.
func addScaled(y, x []float64, a float64) { addScaledGo(y, x, a) }

// subScaled sets y[j] −= a·x[j] for j < len(x), each product rounded: the
// inner loop of logit's Gaussian elimination.
func subScaled(y, x []float64, a float64) { subScaledGo(y, x, a) }

// divideBy sets x[j] /= d for every j: the row equilibration of logit's
// linear systems (solveDense).
func divideBy(x []float64, d float64) { divideByGo(x, d) }
