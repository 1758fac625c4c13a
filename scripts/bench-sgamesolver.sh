#!/usr/bin/env bash
# bench-sgamesolver.sh: time truce's Markov-perfect homotopy against
# sGameSolver (Eibelshäuser & Poensgen's stochastic game solver, the
# method `truce solve --method homotopy` follows) on the same random
# games, and check that both end at the same equilibrium.
#
#   scripts/bench-sgamesolver.sh [-r RUNS]
#
# sGameSolver is looked for by `python3 -c 'import sgamesolver'`, with
# $SGAMESOLVER_DIR prepended to PYTHONPATH when set. It needs numpy, scipy
# and Cython (Debian: python3-numpy python3-scipy cython3); build it from
# its source (github.com/davidpoensgen/sgamesolver) outside this
# repository with `python3 setup.py build_ext --inplace` and point
# SGAMESOLVER_DIR at that folder. Without it the script says so and stops.
#
# The games are mpeRandomGame's (equilibrium/mpe_bench_test.go: two actors,
# flows uniform in [-1, 1], up to three successors and a small chance of
# ending, discount 0.9), 5 seeds per size, converted to sGameSolver's
# arrays by TestWriteSGameSolverGames (the conversion is checked by
# TestSGameSolverConversion). truce's time is the least CPU of three
# in-process Solve calls (homotopy); sGameSolver's the least of RUNS
# (default 3) in-process solve() calls, single-threaded (OMP_NUM_THREADS=1),
# imports not counted. Both sides count solving only.
set -euo pipefail

runs=3
while getopts "r:" opt; do
	case $opt in
	r) runs=$OPTARG ;;
	*) echo "usage: $0 [-r RUNS]" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}
if [ -n "${SGAMESOLVER_DIR:-}" ]; then
	export PYTHONPATH="$SGAMESOLVER_DIR${PYTHONPATH:+:$PYTHONPATH}"
fi
if ! "$py" -c 'import sgamesolver' 2>/dev/null; then
	echo "bench-sgamesolver: sGameSolver not found ($py cannot import sgamesolver); see the header of $0" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "writing the games and truce's answers (go test ./equilibrium -run TestWriteSGameSolverGames)" >&2
(cd "$repo" && TRUCE_SGS_OUT="$tmp" go test ./equilibrium -run '^TestWriteSGameSolverGames$' -count=1 >&2)
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 "$py" "$repo/scripts/sgamesolver_bench.py" "$tmp" "$runs"
