package yamlread

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v4"
	"go.yaml.in/yaml/v4/plugin/loaderlimits"

	"github.com/truce-dev/truce/internal/cputime"
	"github.com/truce-dev/truce/internal/hostile"
	"github.com/truce-dev/truce/internal/simbench"
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

// BenchmarkRead measures reading real scenario files, whole (Parse: the
// yaml/v4 loader with the nesting guard, then the conversion to goccy's
// tree) and by part (the loader alone), next to goccy's own parser: the
// Monte Carlo benchmark scenario (50 states × 3 actors × 4 actions, about
// 7,000 numbers) and the bundled US–Iran scenario.
//
// The machine is often shared: cpu-ms/op (the process's CPU time per
// read) is steadier than ns/op.
//
//	go test ./internal/yamlread -run '^$' -bench Read -benchmem
func BenchmarkRead(b *testing.B) {
	usIran, err := os.ReadFile("../../scenarios/us-iran-2026.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		src  []byte
	}{
		{"simbench", simbench.Scenario()},
		{"us-iran-2026", usIran},
	} {
		b.Run("yamlread/"+c.name, func(b *testing.B) {
			defer cpuPerOp(b)()
			for b.Loop() {
				if _, err := Parse(c.src); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("loader+converter/"+c.name, func(b *testing.B) {
			defer cpuPerOp(b)()
			for b.Loop() {
				if _, err := parseLoader(c.src); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("yaml-v4-load/"+c.name, func(b *testing.B) {
			defer cpuPerOp(b)()
			for b.Loop() {
				l, err := yaml.NewLoader(bytes.NewReader(c.src), yaml.WithPlugin(loaderlimits.New(loaderlimits.DepthValue(MaxDepth))))
				if err != nil {
					b.Fatal(err)
				}
				var doc yaml.Node
				if err := l.Load(&doc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("goccy/"+c.name, func(b *testing.B) {
			defer cpuPerOp(b)()
			for b.Loop() {
				if _, err := parser.ParseBytes(c.src, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuPerOp reports allocations and, when the returned function runs at
// the end of the benchmark, the process's CPU milliseconds per operation.
func cpuPerOp(b *testing.B) func() {
	b.ReportAllocs()
	start := cputime.Now()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cputime.Now()-start)/1e6/float64(b.N), "cpu-ms/op")
		}
	}
}
