package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/truce-dev/truce/scenario"
)

// TestScenariosValid: the generated scenarios that are meant to be valid
// are, at small sizes (the attack is their size, not a mistake).
func TestScenariosValid(t *testing.T) {
	for name, src := range map[string][]byte{
		"ChainStates":      ChainStates(50, 20),
		"ManyParameters":   ManyParameters(50),
		"UnusedParameters": UnusedParameters(50),
		"LongChain":        LongChain(50, 1000),
		"MemoryOne":        MemoryOne(4, 3, 100),
		"StageGame":        StageGame(2, 3, 5),
	} {
		sc, ds := scenario.Parse(name+".yaml", src)
		if sc == nil {
			t.Errorf("%s: %v", name, ds)
		}
	}
	if !strings.HasPrefix(string(NestedYAML(3)), "- - - x") {
		t.Errorf("NestedYAML(3) = %q", NestedYAML(3))
	}
}

// TestWrite writes sample inputs to $HOSTILE_WRITE_DIR, to try them on
// the command line: HOSTILE_WRITE_DIR=/tmp/h go test ./internal/hostile -run TestWrite
func TestWrite(t *testing.T) {
	dir := os.Getenv("HOSTILE_WRITE_DIR")
	if dir == "" {
		t.Skip("set HOSTILE_WRITE_DIR to write the sample inputs")
	}
	for name, src := range map[string][]byte{
		"nested-100k.yaml":    NestedYAML(100_000),
		"states-50k.yaml":     ChainStates(50_000, 10),
		"params-50k.yaml":     ManyParameters(50_000),
		"unused-100k.yaml":    UnusedParameters(100_000),
		"long-20k-100k.yaml":  LongChain(20_000, 100_000),
		"memory-one.yaml":     MemoryOne(200, 6, 100_000),
		"multidoc-200k.yaml":  MultiDocYAML(200_000),
		"nested-flow-5k.yaml": NestedFlowYAML(5000),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
