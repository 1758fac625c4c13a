package scenario

import (
	"fmt"
	"testing"

	"github.com/truce-dev/truce/internal/hostile"
)

// BenchmarkParseLarge reads (and checks) generated scenarios of growing
// size: the time per state or parameter must stay flat as they grow (no
// quadratic check). See docs/limits.md for the figures.
func BenchmarkParseLarge(b *testing.B) {
	for _, tc := range []struct {
		name string
		gen  func(n int) []byte
		ns   []int
	}{
		{"states", func(n int) []byte { return hostile.ChainStates(n, 10) }, []int{5000, 50000}},
		{"parameters", hostile.ManyParameters, []int{5000, 50000}},
		{"unused-parameters", hostile.UnusedParameters, []int{10000, 100000}},
	} {
		for _, n := range tc.ns {
			src := tc.gen(n)
			b.Run(fmt.Sprintf("%s=%d", tc.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					if sc, ds := Parse("large.yaml", src); sc == nil {
						b.Fatal(ds)
					}
				}
			})
		}
	}
}

// BenchmarkLintLarge runs the warnings of `truce check` (rule order,
// unused names) on generated chains: the time per state must stay flat
// (comparing every pair of rules took 27 s at 50,000 states).
//
//	go test ./scenario -run '^$' -bench LintLarge -benchtime 1x
func BenchmarkLintLarge(b *testing.B) {
	for _, n := range []int{5000, 50000} {
		sc, ds := Parse("large.yaml", hostile.ChainStates(n, 10))
		if sc == nil {
			b.Fatal(ds)
		}
		b.Run(fmt.Sprintf("states=%d", n), func(b *testing.B) {
			for b.Loop() {
				sc.Lint(b.Context())
			}
		})
	}
}
