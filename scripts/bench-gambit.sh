#!/usr/bin/env bash
# bench-gambit.sh: time truce against Gambit's command-line tools, whole
# process, on the rows of docs/benchmarks.md ("Gambit rows"), in paired runs.
#
#   scripts/bench-gambit.sh [-n RUNS] [-t SECONDS] [-r ROW]...
#   scripts/bench-gambit.sh -l            # list the rows
#
# Gambit's tools (gambit-lcp, gambit-logit, gambit-enummixed, gambit-enumpure,
# gambit-gnm, gambit-ipa, gambit-liap) are looked for in $GAMBIT_DIR, then on
# $PATH. Build them from Gambit's source (github.com/gambitproject/gambit,
# 17.0.0-alpha.2 was measured), outside this repository:
#   autoreconf -fi && ./configure --disable-gui CXXFLAGS=-O2
#   make gambit-lcp gambit-logit gambit-enummixed gambit-enumpure \
#        gambit-gnm gambit-ipa gambit-liap
# and point GAMBIT_DIR at the build folder. truce is built from this
# checkout into a temporary folder, or taken from $TRUCE when set.
#
# Each run starts the two programs one after the other (in alternating
# order), so both see the same machine load. Each is timed by
# scripts/timeit (wall time and the child's user + system CPU time from the
# kernel, in microseconds). A row prints the median CPU time of each, the
# median of the per-pair CPU ratios Gambit/truce with their spread
# (smallest and largest ratio, and the middle half), the same for wall
# time, and whether the two printed the same equilibria. On a shared
# machine quote the CPU columns: wall time then mostly measures the other
# sessions. When a row's Gambit tool is missing the script says so and
# times truce alone.
#
# Each pair also times the two programs' process start: `truce version` and
# the Gambit tool's -h (it prints its usage and exits), in the same minutes.
# "work" is the median CPU minus the median start; the row prints the work
# ratio Gambit/truce and the median of truce's CPU over `truce version`'s
# per pair (for the smallest games the goal is to stay within 1.5x of it).
#
# -t SECONDS skips a row's remaining runs once the Gambit side has used
# that much CPU (default 120): slow rows get fewer pairs, and say so.
set -euo pipefail

runs=21
limit=120
rows=()
list=
while getopts "n:r:t:l" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) rows+=("$OPTARG") ;;
	t) limit=$OPTARG ;;
	l) list=1 ;;
	*) echo "usage: $0 [-n RUNS] [-t SECONDS] [-r ROW]... | -l" >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
here=$repo/nash/testdata/bench
efg=$repo/nash/testdata/efg/gambit-games
mixed=$repo/nash/testdata/mixed/games
gnm=$repo/nash/testdata/gnm
liap=$repo/nash/testdata/liap

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ -z "$list" ]]; then
	(cd "$repo" && go build -o "$tmp/timeit" ./scripts/timeit)
	if [[ -z "${TRUCE:-}" ]]; then
		(cd "$repo" && go build -o "$tmp/truce" ./cmd/truce)
		TRUCE=$tmp/truce
	fi
fi

# find TOOL: the path of Gambit's TOOL, or nothing.
find_tool() {
	if [[ -n "${GAMBIT_DIR:-}" && -x "$GAMBIT_DIR/$1" ]]; then
		echo "$GAMBIT_DIR/$1"
	elif command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
	fi
}

# timed OUT CMD...: run CMD with its output to OUT; print "wall_us cpu_us".
timed() {
	"$tmp/timeit" "$@" | cut -d' ' -f1-2
}

# sameNE A B: whether files A and B hold the same set of NE lines, decimals
# equal within 1e-5 (Gambit prints -d digits after the point, truce
# significant digits; logit's end point is approximate in Gambit) and
# fractions equal as written.
sameNE() {
	local key='{ k = $1; for (i = 2; i <= NF; i++) k = k "," (($i ~ /\//) ? $i : sprintf("%.2f", $i + 0)); print k "\t" $0 }'
	[[ $(grep -c '^NE' "$1") == $(grep -c '^NE' "$2") ]] || return 1
	paste <(grep '^NE' "$1" | awk -F, "$key" | sort -u -t$'\t' -k1,1 | cut -f2) <(grep '^NE' "$2" | awk -F, "$key" | sort -u -t$'\t' -k1,1 | cut -f2) | awk -F'\t' '
		{ n = split($1, a, ","); m = split($2, b, ","); if (n != m) bad = 1
		  for (i = 1; i <= n; i++) { d = a[i] - b[i]; if (a[i] ~ /\// || a[i] ~ /NE/) { if (a[i] != b[i]) bad = 1 } else if (d > 1e-5 || d < -1e-5) bad = 1 } }
		END { exit bad }'
}

# row NAME TOOL "GAMBIT ARGS" "TRUCE ARGS"
row() {
	local name=$1 tool=$2 gargs=$3 targs=$4
	if [[ -n "$list" ]]; then
		printf '%-26s %s %s\n%-26s truce %s\n' "$name" "$tool" "$gargs" "" "$targs"
		return
	fi
	if ((${#rows[@]})) && [[ ! " ${rows[*]} " == *" $name "* ]]; then
		return
	fi
	local g
	g=$(find_tool "$tool")
	if [[ -z "$g" ]]; then
		local i
		for ((i = 0; i < runs; i++)); do
			timed "$tmp/truce.out" $TRUCE $targs
		done | sort -n -k2 | awk -v name="$name" -v tool="$tool" '
			{ c[NR] = $2 }
			END { m = (NR % 2) ? c[(NR+1)/2] : (c[NR/2] + c[NR/2+1]) / 2
			      printf "%-26s gambit absent; truce CPU %.1f ms [%.1f-%.1f] (%s not found: set GAMBIT_DIR; truce timed alone)\n", name, m / 1000, c[1] / 1000, c[NR] / 1000, tool }'
		return
	fi
	local i gsum=0 pairs=() gl tl g0 t0
	for ((i = 0; i < runs; i++)); do
		if ((i % 2)); then
			tl=$(timed "$tmp/truce.out" $TRUCE $targs)
			gl=$(timed "$tmp/gambit.out" "$g" $gargs)
		else
			gl=$(timed "$tmp/gambit.out" "$g" $gargs)
			tl=$(timed "$tmp/truce.out" $TRUCE $targs)
		fi
		t0=$(timed /dev/null $TRUCE version)
		g0=$(timed /dev/null "$g" -h)
		pairs+=("$gl $tl ${g0#* } ${t0#* }")
		gsum=$((gsum + ${gl#* }))
		if ((gsum > limit * 1000000)); then
			break
		fi
	done
	local same=differ
	if [[ $(grep -c '^NE' "$tmp/gambit.out") -gt 0 ]] && sameNE "$tmp/gambit.out" "$tmp/truce.out"; then
		same=same
	fi
	printf '%s\n' "${pairs[@]}" | awk -v name="$name" -v same="$same" -v ge="$(grep -c '^NE' "$tmp/gambit.out")" -v te="$(grep -c '^NE' "$tmp/truce.out")" '
		{ gw[NR] = $1; gc[NR] = $2; tw[NR] = $3; tc[NR] = $4; g0[NR] = $5; t0[NR] = $6
		  rc[NR] = ($4 > 0) ? $2 / $4 : 0; rw[NR] = $1 / $3
		  ov[NR] = ($6 > 0) ? $4 / $6 : 0 }
		function sort(a, n, s,   i, j, x) {
			for (i = 1; i <= n; i++) s[i] = a[i]
			for (i = 2; i <= n; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j+1] = s[j]; s[j+1] = x }
		}
		function q(a, n, f,   s, k) { sort(a, n, s); k = f * (n - 1) + 1; return s[int(k)] + (k - int(k)) * (s[int(k) + 1] - s[int(k)]) }
		END {
			n = NR
			printf "%-26s CPU gambit %9.1f ms  truce %7.1f ms  ratio %6.1fx [%.1f-%.1f, middle half %.1f-%.1f] | wall ratio %.1fx | %d pairs | NE %d/%d %s\n",
				name, q(gc, n, .5) / 1000, q(tc, n, .5) / 1000, q(rc, n, .5), q(rc, n, 0), q(rc, n, 1), q(rc, n, .25), q(rc, n, .75), q(rw, n, .5), n, ge, te, same
			gw0 = q(gc, n, .5) - q(g0, n, .5); tw0 = q(tc, n, .5) - q(t0, n, .5)
			if (tw0 >= 1000)
				wr = sprintf("%.1fx (%.1f / %.1f ms)", gw0 / tw0, gw0 / 1000, tw0 / 1000)
			else
				wr = sprintf("(truce work under 1 ms: within the start spread; gambit %.1f ms)", gw0 / 1000)
			printf "%-26s   start: gambit -h %.1f ms, truce version %.1f ms | work (median CPU minus median start) ratio %s | truce / truce version %.2fx\n",
				"", q(g0, n, .5) / 1000, q(t0, n, .5) / 1000, wr, q(ov, n, .5)
		}'
}

if [[ -z "$list" ]]; then
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); up to $runs paired runs per row (a row stops once Gambit used ${limit} CPU-s); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "CPU = user + system of the whole process; ratio = Gambit/truce per pair, median [min-max, middle half]; NE = equilibria printed by Gambit/truce"
fi
row seqlcp-artist2-exact gambit-lcp "-q $efg/artist2.efg" "nash $efg/artist2.efg --method lcp --rational --format gambit"
row seqlcp-artist2-float gambit-lcp "-q -d 6 $efg/artist2.efg" "nash $efg/artist2.efg --method lcp --format gambit"
row logit-10x10x10 gambit-logit "-q -e $here/rand_10x10x10_s3010.nfg" "nash $here/rand_10x10x10_s3010.nfg --method logit --format gambit"
row enummixed-6x6-75-exact gambit-enummixed "-q $mixed/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg" "nash $mixed/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg --method enummixed --rational --format gambit"
row enummixed-12x12-float gambit-enummixed "-q -d 6 $here/rand_12x12_s2012.nfg" "nash $here/rand_12x12_s2012.nfg --method enummixed --format gambit"
row lcp-all-float-15x15 gambit-lcp "-q -d 6 $here/rand_15x15_s2015.nfg" "nash $here/rand_15x15_s2015.nfg --method lcp --all --format gambit"
row lcp-all-exact-10x10 gambit-lcp "-q $here/rand_10x10_s2010.nfg" "nash $here/rand_10x10_s2010.nfg --method lcp --all --rational --format gambit"
row lcp-one-exact-100x100 gambit-lcp "-q -e 1 $here/rand_100x100_s2100.nfg" "nash $here/rand_100x100_s2100.nfg --method lcp --rational --format gambit"
row lcp-one-exact-200x200 gambit-lcp "-q -e 1 $here/rand_200x200_s2200.nfg" "nash $here/rand_200x200_s2200.nfg --method lcp --rational --format gambit"
row lcp-one-float-200x200 gambit-lcp "-q -e 1 -d 6 $here/rand_200x200_s2200.nfg" "nash $here/rand_200x200_s2200.nfg --method lcp --format gambit"
row enumpure-100x100 gambit-enumpure "-q $here/rand_100x100_s2100.nfg" "nash $here/rand_100x100_s2100.nfg --method enumpure --format gambit"
row enumpure-200x200 gambit-enumpure "-q $here/rand_200x200_s2200.nfg" "nash $here/rand_200x200_s2200.nfg --method enumpure --format gambit"
row gnm-10x10x10-v3 gambit-gnm "-q -d 10 -s $gnm/rand_10x10x10_s3010.3.pert $here/rand_10x10x10_s3010.nfg" "nash $here/rand_10x10x10_s3010.nfg --method gnm --points $gnm/rand_10x10x10_s3010.3.pert --decimals 10 --format gambit"
row ipa-10x10x10-v3 gambit-ipa "-q -d 10 -s $gnm/rand_10x10x10_s3010.3.pert $here/rand_10x10x10_s3010.nfg" "nash $here/rand_10x10x10_s3010.nfg --method ipa --points $gnm/rand_10x10x10_s3010.3.pert --decimals 10 --format gambit"
row ipa-5x5x5-v2 gambit-ipa "-q -d 10 -s $gnm/rand_5x5x5_s3005.2.pert $here/rand_5x5x5_s3005.nfg" "nash $here/rand_5x5x5_s3005.nfg --method ipa --points $gnm/rand_5x5x5_s3005.2.pert --decimals 10 --format gambit"
row liap-5x5x5-10-starts gambit-liap "-q -d 10 -s $liap/rand_5x5x5_s3005.starts $here/rand_5x5x5_s3005.nfg" "nash $here/rand_5x5x5_s3005.nfg --method liap --points $liap/rand_5x5x5_s3005.starts --decimals 10 --format gambit"
