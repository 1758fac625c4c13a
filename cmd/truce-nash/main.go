// Command truce-nash is `truce nash` alone, for scripts that call a solver
// thousands of times: the same flags and the same output bytes, in a small
// binary that starts at a bare Go program's cost (no cobra, no net, no
// scenario, store or server packages; docs/benchmarks.md).
//
//	go install github.com/truce-dev/truce/cmd/truce-nash@latest
//	truce-nash game.nfg --method lcp --format gambit
package main

import (
	"os"

	"github.com/truce-dev/truce/internal/nashcli"
)

func main() {
	// After the first Ctrl-C the run winds down and exits 130; a second
	// one kills the process at once.
	os.Exit(nashcli.MainInterruptible("truce-nash", os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
