package yamlread

import (
	"fmt"
	"testing"

	"github.com/goccy/go-yaml/parser"
	"github.com/truce-dev/truce/internal/hostile"
)

// BenchmarkParse compares Parse with goccy/go-yaml's own parser on
// scenarios with n parameters (one mapping of n keys) and n states (a
// list of n entries and n rules). goccy's time grows with the square of
// the keys of one mapping; Parse's grows linearly.
//
//	go test ./internal/yamlread -run '^$' -bench Parse -benchtime 1x
func BenchmarkParse(b *testing.B) {
	for _, c := range []struct {
		name string
		src  []byte
	}{
		{"parameters=5000", hostile.UnusedParameters(5000)},
		{"parameters=20000", hostile.UnusedParameters(20000)},
		{"states=20000", hostile.ChainStates(20000, 10)},
	} {
		b.Run(fmt.Sprintf("yamlread/%s", c.name), func(b *testing.B) {
			b.SetBytes(int64(len(c.src)))
			for b.Loop() {
				if _, err := Parse(c.src); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("goccy/%s", c.name), func(b *testing.B) {
			b.SetBytes(int64(len(c.src)))
			for b.Loop() {
				if _, err := parser.ParseBytes(c.src, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
