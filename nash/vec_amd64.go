package nash

// addScaledAVX and subScaledAVX are addScaledGo and subScaledGo in assembly (vec_amd64.s),
// four entries per instruction, multiply and add (subtract) separate:
// bit for bit the Go loops' results. n is len(x); y holds at least n.
//
//go:noescape
func addScaledAVX(y, x []float64, a float64)

//go:noescape
func subScaledAVX(y, x []float64, a float64)

// addScaled sets y[j] += a·x[j] for j < len(x), each product rounded (no fused
// multiply–add): the inner loop of logit's and gnm's payoff contractions.
func addScaled(y, x []float64, a float64) {
	if hasAVX() && len(y) >= len(x) {
		addScaledAVX(y, x, a)
		return
	}
	addScaledGo(y, x, a)
}

// subScaled sets y[j] −= a·x[j] for j < len(x), each product rounded: the
// inner loop of logit's Gaussian elimination.
func subScaled(y, x []float64, a float64) {
	if hasAVX() && len(y) >= len(x) {
		subScaledAVX(y, x, a)
		return
	}
	subScaledGo(y, x, a)
}

// divideByAVX is divideByGo in assembly, four divisions per instruction
// (the same correctly rounded quotients).
//
//go:noescape
func divideByAVX(x []float64, d float64)

// divideBy sets x[j] /= d for every j: the row equilibration of logit's
// linear systems (solveDense).
func divideBy(x []float64, d float64) {
	if hasAVX() {
		divideByAVX(x, d)
		return
	}
	divideByGo(x, d)
}
