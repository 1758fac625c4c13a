package nash

// addScaledGo sets y[j] += a·x[j] for j < len(x) (y at least as long), the
// product rounded on its own: the float64 conversion forbids a fused
// multiply–add, so every machine and the vector version (addScaled on amd64)
// give the same bits.
func addScaledGo(y, x []float64, a float64) {
	y = y[:len(x)]
	for j, v := range x {
		y[j] += float64(a * v)
	}
}

// subScaledGo sets y[j] −= a·x[j] for j < len(x), the product rounded on its
// own (see addScaledGo).
func subScaledGo(y, x []float64, a float64) {
	y = y[:len(x)]
	for j, v := range x {
		y[j] -= float64(a * v)
	}
}

// divideByGo sets x[j] /= d for every j.
func divideByGo(x []float64, d float64) {
	for j := range x {
		x[j] /= d
	}
}
