package nash

// ipaJacobian computes the approximation's payoff matrix DG of a
// 3-player game, the Jacobian of the strategy values divided by N − 1 = 2,
// with normGame.derivatives' sums: entry (is, jt), player i's strategy s
// and player j's t, is Σ_c x_kc·A_i(s, t, c) over the third player k's
// strategies c in increasing order, the terms with x_kc = 0 left out, each
// product rounded, from 0 (contractTable's order whichever player k is),
// then halved (exact). Each ordered pair (i, j) has its payoff table
// re-laid out once as [c][s][t], so that a term is one scaled row
// addition over the whole ni×nj block, four entries per instruction,
// instead of derivatives' contraction, transposition and copy; the
// strategy values derivatives also computes are not needed. The diagonal
// blocks of DG stay zero.
type ipaJacobian struct {
	pairs []ipaPair
	acc   []float64 // the block's sums, ni×nj
}

// ipaPair is the ordered pair of players (i, j), the third being k, and
// player i's payoffs as tab[(c·ni + s)·nj + t].
type ipaPair struct {
	i, j, k int
	tab     []float64
}

// newIPAJacobian lays out ng's tables for a 3-player game (nil for any
// other number of players).
func newIPAJacobian(ng *normGame) *ipaJacobian {
	if ng.n != 3 {
		return nil
	}
	sh := ng.shape
	stride := []int{1, sh[0], sh[0] * sh[1]}
	jac := &ipaJacobian{}
	most := 0
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j == i {
				continue
			}
			k := 3 - i - j
			ni, nj, nk := sh[i], sh[j], sh[k]
			tab := make([]float64, ni*nj*nk)
			for c := 0; c < nk; c++ {
				for s := 0; s < ni; s++ {
					for t := 0; t < nj; t++ {
						tab[(c*ni+s)*nj+t] = ng.pay[(s*stride[i]+t*stride[j]+c*stride[k])*3+i]
					}
				}
			}
			jac.pairs = append(jac.pairs, ipaPair{i, j, k, tab})
			most = max(most, ni*nj)
		}
	}
	jac.acc = make([]float64, most)
	return jac
}

// fill writes DG at profile x into dg (M×M; its diagonal blocks are left
// as they are, zero).
func (jac *ipaJacobian) fill(ng *normGame, x, dg []float64) {
	M := ng.tot
	for pi := range jac.pairs {
		pr := &jac.pairs[pi]
		ni, nj, nk := ng.shape[pr.i], ng.shape[pr.j], ng.shape[pr.k]
		oi, oj, ok := ng.off[pr.i], ng.off[pr.j], ng.off[pr.k]
		acc := jac.acc[:ni*nj]
		clear(acc)
		for c, w := range x[ok : ok+nk] {
			if w == 0 {
				continue
			}
			addScaled(acc, pr.tab[c*ni*nj:(c+1)*ni*nj], w)
		}
		for s := 0; s < ni; s++ {
			row := dg[(oi+s)*M+oj : (oi+s)*M+oj+nj]
			for t, v := range acc[s*nj : (s+1)*nj] {
				row[t] = v * 0.5
			}
		}
	}
}
