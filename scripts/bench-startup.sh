#!/usr/bin/env bash
# bench-startup.sh: how much truce's process start costs next to a bare Go
# program built the same way (performance issue #21, "start-up and reading").
#
# It builds truce (go build ./cmd/truce), truce-nash (./cmd/truce-nash: the
# nash command alone, for scripts) and a hello-world Go program with the
# same toolchain and environment (CGO_ENABLED, GOFLAGS, … apply to all),
# then runs each command many times, interleaved, and reports per run the
# median CPU time (user + system, all threads, from the kernel's rusage: the
# same quantity as perf's task-clock), the spread (25th–75th percentile), the
# median minor page faults, and the ratio to the bare program. Stdout of every
# run goes to /dev/null.
#
#   scripts/bench-startup.sh                  # 200 runs of each command
#   scripts/bench-startup.sh -n 500           # more runs
#   scripts/bench-startup.sh -i               # also per-package init times
#   CGO_ENABLED=0 scripts/bench-startup.sh    # both programs built without cgo
#   scripts/bench-startup.sh -c               # also truce built with CGO_ENABLED=0
#   scripts/bench-startup.sh -b main~3        # also truce and truce-nash as of a git revision
#   TRUCE=/path/to/truce scripts/bench-startup.sh   # measure a given binary
#   TRUCE_NASH=/path/to/truce-nash scripts/bench-startup.sh   # likewise
#
# The machine should be quiet: start-up is a few milliseconds, and a loaded
# machine (shared CI, other jobs) moves the medians by more than the changes
# being measured. Compare ratios taken in the same run, not across runs.
set -euo pipefail

runs=200
inittrace=0
base=""
nocgo=0
while getopts "n:ib:ch" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	i) inittrace=1 ;;
	b) base=$OPTARG ;;
	c) nocgo=1 ;;
	*)
		sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
		exit 2
		;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The bare program: what every Go process pays (runtime start, one write).
mkdir -p "$tmp/hello" "$tmp/runner"
cat >"$tmp/hello/main.go" <<'EOF'
package main

import "os"

func main() { os.Stdout.WriteString("hello\n") }
EOF
printf 'module hello\n\ngo 1.22\n' >"$tmp/hello/go.mod"

# The runner: runs each command in turn, round after round, and reads the
# child's rusage (CPU time of all its threads, minor page faults).
cat >"$tmp/runner/main.go" <<'EOF'
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	var names []string
	var cmds [][]string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		name, cmd, _ := strings.Cut(sc.Text(), "\t")
		names = append(names, name)
		cmds = append(cmds, strings.Fields(cmd))
	}
	cpu := make([][]float64, len(cmds))
	flt := make([][]float64, len(cmds))
	null, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0) // written to: a read-only one fails every write
	for r := 0; r < n; r++ {
		for i, c := range cmds {
			cmd := exec.Command(c[0], c[1:]...)
			cmd.Stdout, cmd.Stderr = null, null
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", names[i], err)
				os.Exit(1)
			}
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			us := float64(ru.Utime.Sec+ru.Stime.Sec)*1e6 + float64(ru.Utime.Usec+ru.Stime.Usec)
			cpu[i] = append(cpu[i], us/1000)
			flt[i] = append(flt[i], float64(ru.Minflt))
		}
	}
	q := func(x []float64, p float64) float64 {
		slices.Sort(x)
		return x[int(p*float64(len(x)-1)+0.5)]
	}
	fmt.Printf("%-24s %9s %15s %8s %7s\n", "command", "CPU ms", "(25–75%)", "faults", "ratio")
	base := q(cpu[0], 0.5)
	for i := range cmds {
		m := q(cpu[i], 0.5)
		fmt.Printf("%-24s %9.2f %7.2f–%-7.2f %8.0f %6.2f×\n", names[i], m,
			q(cpu[i], 0.25), q(cpu[i], 0.75), q(flt[i], 0.5), m/base)
	}
}
EOF
printf 'module runner\n\ngo 1.22\n' >"$tmp/runner/go.mod"

(cd "$tmp/hello" && go build -o "$tmp/bare" .)
(cd "$tmp/runner" && CGO_ENABLED=0 go build -o "$tmp/run" .)
if [ -n "${TRUCE:-}" ]; then
	cp "$TRUCE" "$tmp/truce"
else
	(cd "$root" && go build -o "$tmp/truce" ./cmd/truce)
fi
if [ -n "${TRUCE_NASH:-}" ]; then
	cp "$TRUCE_NASH" "$tmp/truce-nash"
else
	(cd "$root" && go build -o "$tmp/truce-nash" ./cmd/truce-nash)
fi

if [ "$nocgo" = 1 ]; then
	# truce without cgo (statically linked: no C loader, no libc threads),
	# as a machine with Go and no C compiler builds it.
	(cd "$root" && CGO_ENABLED=0 go build -o "$tmp/truce-nocgo" ./cmd/truce)
fi
if [ -n "$base" ]; then
	# The same build of an earlier revision, to measure a change.
	mkdir -p "$tmp/base-src"
	git -C "$root" archive "$base" | tar -x -C "$tmp/base-src"
	(cd "$tmp/base-src" && go build -o "$tmp/truce-base" ./cmd/truce)
	if [ -d "$tmp/base-src/cmd/truce-nash" ]; then
		(cd "$tmp/base-src" && go build -o "$tmp/truce-nash-base" ./cmd/truce-nash)
	fi
fi

# A 2×2 game (the prisoner's dilemma): the smallest nash run.
cat >"$tmp/pd.nfg" <<'EOF'
NFG 1 R "Prisoner's dilemma" { "Row" "Column" } { 2 2 }
3 3 0 5 5 0 1 1
EOF

linkage() {
	if command -v file >/dev/null; then
		file -b "$1" | grep -o 'statically linked\|dynamically linked' || echo "?"
	else
		echo "?"
	fi
}
size() { wc -c <"$1" | tr -d ' '; }

echo "go:      $(go version) (CGO_ENABLED=$(go env CGO_ENABLED))"
echo "bare:    $(size "$tmp/bare") bytes, $(linkage "$tmp/bare")"
echo "truce:   $(size "$tmp/truce") bytes, $(linkage "$tmp/truce"), $(cd "$root" && go list -deps ./cmd/truce | wc -l | tr -d ' ') packages"
echo "truce-nash: $(size "$tmp/truce-nash") bytes, $(linkage "$tmp/truce-nash"), $(cd "$root" && go list -deps ./cmd/truce-nash | wc -l | tr -d ' ') packages"
if [ "$nocgo" = 1 ]; then
	echo "no cgo:  $(size "$tmp/truce-nocgo") bytes, $(linkage "$tmp/truce-nocgo"), truce with CGO_ENABLED=0"
fi
if [ -n "$base" ]; then
	echo "base:    $(size "$tmp/truce-base") bytes, $(linkage "$tmp/truce-base"), truce as of $base ($(git -C "$root" rev-parse --short "$base"))"
fi
echo "runs:    $runs of each command, interleaved"
echo
{
	printf 'bare Go program\t%s\n' "$tmp/bare"
	if [ -n "$base" ]; then
		printf 'base: truce version\t%s version\nbase: truce nash 2×2\t%s nash %s\n' \
			"$tmp/truce-base" "$tmp/truce-base" "$tmp/pd.nfg"
	fi
	printf 'truce version\t%s version\ntruce nash 2×2\t%s nash %s\n' \
		"$tmp/truce" "$tmp/truce" "$tmp/pd.nfg"
	if [ "$nocgo" = 1 ]; then
		printf 'no cgo: truce version\t%s version\nno cgo: truce nash 2×2\t%s nash %s\n' \
			"$tmp/truce-nocgo" "$tmp/truce-nocgo" "$tmp/pd.nfg"
	fi
	if [ -x "$tmp/truce-nash-base" ]; then
		printf 'base: truce-nash --help\t%s --help\nbase: truce-nash 2×2\t%s %s\n' \
			"$tmp/truce-nash-base" "$tmp/truce-nash-base" "$tmp/pd.nfg"
	fi
	printf 'truce-nash --help\t%s --help\ntruce-nash 2×2\t%s %s\n' \
		"$tmp/truce-nash" "$tmp/truce-nash" "$tmp/pd.nfg"
} | "$tmp/run" "$runs"

if [ "$inittrace" = 1 ]; then
	# Package initialisation, averaged over 20 runs: wall time (it includes
	# the page faults of first touching each package's code and data), bytes
	# and allocations.
	echo
	for which in "truce nash" truce-nash; do
		echo "package inits of $which 2×2 (mean of 20 runs; top 25):"
		for _ in $(seq 20); do
			if [ "$which" = truce-nash ]; then
				GODEBUG=inittrace=1 "$tmp/truce-nash" "$tmp/pd.nfg" 2>&1 >/dev/null | grep '^init ' || true
			else
				GODEBUG=inittrace=1 "$tmp/truce" nash "$tmp/pd.nfg" 2>&1 >/dev/null | grep '^init ' || true
			fi
		done | awk '{n[$2]++; t[$2]+=$5; b[$2]+=$8; a[$2]+=$10}
			END {for (p in n) printf "%8.3f ms %8d B %5d allocs  %s\n", t[p]/n[p], b[p]/n[p], a[p]/n[p], p}' |
			sort -rn >"$tmp/inits"
		head -25 "$tmp/inits"
		awk '{t+=$1; b+=$3; a+=$5} END {printf "all %d packages: %.2f ms, %d B, %d allocs\n", NR, t, b, a}' "$tmp/inits"
		echo
	done
fi
