package simbench

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFiles writes the scenario and the C loop's chain into the
// folder named by SIMBENCH_OUT (nothing when it is unset), for timing the
// whole command by hand:
//
//	SIMBENCH_OUT=/tmp/mc go test ./internal/simbench -run WriteFiles
//	truce simulate /tmp/mc/mc50x3x4.yaml --runs 20000
func TestWriteFiles(t *testing.T) {
	dir := os.Getenv("SIMBENCH_OUT")
	if dir == "" {
		t.Skip("SIMBENCH_OUT not set")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"mc50x3x4.yaml": Scenario(), "chain.txt": ChainText(), "state-chain.txt": StateChainText()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
