package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLeanImports: truce-nash links only what the nash command needs, so
// that it starts at a bare Go program's cost: not net (pflag imports it,
// and so does the terminal progress bar's library), not cobra or pflag,
// and none of truce's scenario, store, server, expression or YAML
// packages (docs/benchmarks.md, "Process start").
func TestLeanImports(t *testing.T) {
	deps, truce := goListDeps(t, "."), goListDeps(t, "../truce")
	if len(deps) < 20 || !contains(deps, "github.com/truce-dev/truce/nash") {
		t.Fatalf("go list -deps gave %d packages, without nash: %v", len(deps), deps)
	}
	banned := []string{
		"net", "net/http", "crypto/tls", "os/user",
		"github.com/spf13/cobra", "github.com/spf13/pflag",
		"github.com/schollz/progressbar/v3", "golang.org/x/term", "golang.org/x/sys/unix",
		"github.com/truce-dev/truce/scenario", "github.com/truce-dev/truce/store",
		"github.com/truce-dev/truce/server", "github.com/truce-dev/truce/equilibrium",
		"github.com/truce-dev/truce/markov", "github.com/truce-dev/truce/report",
		"github.com/expr-lang/expr", "go.yaml.in/yaml/v4", "github.com/goccy/go-yaml/ast",
		"github.com/truce-dev/truce/internal/yamlread",
		"gonum.org/v1/gonum/mat", "modernc.org/sqlite", "github.com/jackc/pgx/v5",
	}
	for _, b := range banned {
		// Each name is one truce links: a misspelt name would test nothing.
		if !contains(truce, b) {
			t.Errorf("%s is not among truce's packages: fix the list", b)
		}
	}
	// Nor golang.org/x/sys/cpu, whose initialisation runs CPUID several
	// times (slow under a hypervisor) at every start: internal/avx asks on
	// first use. truce does not link it either, so it is not in the list.
	banned = append(banned, "golang.org/x/sys/cpu")
	for _, d := range deps {
		for _, b := range banned {
			if d == b || strings.HasPrefix(d, b+"/") {
				t.Errorf("truce-nash imports %s", d)
			}
		}
	}
}

func goListDeps(t *testing.T, pkg string) []string {
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
