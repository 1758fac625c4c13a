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
# and point GAMBIT_DIR at the build folder. truce and truce-nash (the nash
# command alone, for scripts: cmd/truce-nash) are built from this checkout
# into a temporary folder, or taken from $TRUCE and $TRUCE_NASH when set.
#
# Each run starts the three programs (Gambit's tool, `truce nash`,
# `truce-nash`) one after the other (in rotating order), so all see the
# same machine load. Each is timed by
# scripts/timeit (wall time and the child's user + system CPU time from the
# kernel, in microseconds). A row prints Gambit's median CPU time, then a
# line for each of `truce nash` and `truce-nash`: its median CPU time, the
# median of the per-run CPU ratios Gambit/it with their spread (smallest
# and largest ratio, and the middle half), the same for wall time, and
# whether it printed the same equilibria as Gambit (and truce-nash the
# same bytes as truce nash). On a shared
# machine quote the CPU columns: wall time then mostly measures the other
# sessions. When a row's Gambit tool is missing the script says so and
# times truce alone.
#
# Each run also times the programs' process start: `truce version`,
# `truce-nash --help` and the Gambit tool's -h (it prints its usage and
# exits), in the same minutes. "work" is the median CPU minus the median
# start; each truce line prints the work ratio Gambit/truce and the median
# of its CPU over its own start per run (for the smallest games the goal
# is to stay within 1.5x of it).
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
	if [[ -z "${TRUCE_NASH:-}" ]]; then
		(cd "$repo" && go build -o "$tmp/truce-nash" ./cmd/truce-nash)
		TRUCE_NASH=$tmp/truce-nash
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

# sameNE A B [distinct]: whether files A and B hold the same set of NE
# lines, decimals equal within 1e-5 (Gambit prints -d digits after the
# point, truce significant digits; logit's end point is approximate in
# Gambit) and fractions equal as written; as many lines in each, unless
# distinct (Gambit prints one line per perturbation vector, truce each
# equilibrium once).
sameNE() {
	local key='{ k = $1; for (i = 2; i <= NF; i++) k = k "," (($i ~ /\//) ? $i : sprintf("%.2f", $i + 0)); print k "\t" $0 }'
	[[ -n "${3:-}" || $(grep -c '^NE' "$1") == $(grep -c '^NE' "$2") ]] || return 1
	paste <(grep '^NE' "$1" | awk -F, "$key" | sort -u -t$'\t' -k1,1 | cut -f2) <(grep '^NE' "$2" | awk -F, "$key" | sort -u -t$'\t' -k1,1 | cut -f2) | awk -F'\t' '
		{ n = split($1, a, ","); m = split($2, b, ","); if (n != m) bad = 1
		  for (i = 1; i <= n; i++) { d = a[i] - b[i]; if (a[i] ~ /\// || a[i] ~ /NE/) { if (a[i] != b[i]) bad = 1 } else if (d > 1e-5 || d < -1e-5) bad = 1 } }
		END { exit bad }'
}

# row NAME TOOL "GAMBIT ARGS" "TRUCE NASH ARGS" [distinct] (without "nash":
# truce-nash takes the same arguments; distinct: compare the equilibria as
# sets, see sameNE)
row() {
	local name=$1 tool=$2 gargs=$3 largs=$4 distinct=${5:-}
	local targs="nash $largs"
	if [[ -n "$list" ]]; then
		printf '%-26s %s %s\n%-26s truce nash %s\n%-26s truce-nash %s\n' "$name" "$tool" "$gargs" "" "$largs" "" "$largs"
		return
	fi
	if ((${#rows[@]})) && [[ ! " ${rows[*]} " == *" $name "* ]]; then
		return
	fi
	local g
	g=$(find_tool "$tool")
	if [[ -z "$g" ]]; then
		local i label cmd
		for label in "truce nash" truce-nash; do
			for ((i = 0; i < runs; i++)); do
				if [[ $label == truce-nash ]]; then
					timed "$tmp/lean.out" $TRUCE_NASH $largs
				else
					timed "$tmp/truce.out" $TRUCE $targs
				fi
			done | sort -n -k2 | awk -v name="$name" -v tool="$tool" -v label="$label" '
				{ c[NR] = $2 }
				END { m = (NR % 2) ? c[(NR+1)/2] : (c[NR/2] + c[NR/2+1]) / 2
				      printf "%-26s gambit absent; %s CPU %.1f ms [%.1f-%.1f] (%s not found: set GAMBIT_DIR; truce timed alone)\n", name, label, m / 1000, c[1] / 1000, c[NR] / 1000, tool }'
		done
		return
	fi
	local i gsum=0 runs_=() gl tl ll g0 t0 l0
	for ((i = 0; i < runs; i++)); do
		case $((i % 3)) in
		0)
			gl=$(timed "$tmp/gambit.out" "$g" $gargs)
			tl=$(timed "$tmp/truce.out" $TRUCE $targs)
			ll=$(timed "$tmp/lean.out" $TRUCE_NASH $largs)
			;;
		1)
			tl=$(timed "$tmp/truce.out" $TRUCE $targs)
			ll=$(timed "$tmp/lean.out" $TRUCE_NASH $largs)
			gl=$(timed "$tmp/gambit.out" "$g" $gargs)
			;;
		2)
			ll=$(timed "$tmp/lean.out" $TRUCE_NASH $largs)
			gl=$(timed "$tmp/gambit.out" "$g" $gargs)
			tl=$(timed "$tmp/truce.out" $TRUCE $targs)
			;;
		esac
		t0=$(timed /dev/null $TRUCE version)
		l0=$(timed /dev/null $TRUCE_NASH --help)
		g0=$(timed /dev/null "$g" -h)
		runs_+=("$gl $tl ${g0#* } ${t0#* } $ll ${l0#* }")
		gsum=$((gsum + ${gl#* }))
		if ((gsum > limit * 1000000)); then
			break
		fi
	done
	local same=differ
	if [[ $(grep -c '^NE' "$tmp/gambit.out") -gt 0 ]] && sameNE "$tmp/gambit.out" "$tmp/truce.out" $distinct; then
		same=same
	fi
	# truce-nash prints what truce nash prints, to the byte (the last runs'
	# outputs; gambit format has no timings).
	local bytes="same bytes as truce nash"
	cmp -s "$tmp/truce.out" "$tmp/lean.out" || bytes="OUTPUT DIFFERS from truce nash"
	printf '%s\n' "${runs_[@]}" | awk -v name="$name" -v same="$same" -v bytes="$bytes" -v ge="$(grep -c '^NE' "$tmp/gambit.out")" -v te="$(grep -c '^NE' "$tmp/truce.out")" '
		{ gw[NR] = $1; gc[NR] = $2; g0[NR] = $5
		  t["nash", "w", NR] = $3; t["nash", "c", NR] = $4; t["nash", "0", NR] = $6
		  t["lean", "w", NR] = $7; t["lean", "c", NR] = $8; t["lean", "0", NR] = $9 }
		function sort(a, n, s,   i, j, x) {
			for (i = 1; i <= n; i++) s[i] = a[i]
			for (i = 2; i <= n; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j+1] = s[j]; s[j+1] = x }
		}
		function q(a, n, f,   s, k) { sort(a, n, s); k = f * (n - 1) + 1; return s[int(k)] + (k - int(k)) * (s[int(k) + 1] - s[int(k)]) }
		function col(which, k, out,   i) { for (i = 1; i <= NR; i++) out[i] = t[which, k, i] }
		function line(which, label,   i, c, w, z, rc, rw, ov, gw0, tw0, wr) {
			col(which, "c", c); col(which, "w", w); col(which, "0", z)
			for (i = 1; i <= NR; i++) { rc[i] = (c[i] > 0) ? gc[i] / c[i] : 0; rw[i] = gw[i] / w[i]; ov[i] = (z[i] > 0) ? c[i] / z[i] : 0 }
			gw0 = q(gc, NR, .5) - q(g0, NR, .5); tw0 = q(c, NR, .5) - q(z, NR, .5)
			if (tw0 >= 1000)
				wr = sprintf("%.1fx (%.1f / %.1f ms)", gw0 / tw0, gw0 / 1000, tw0 / 1000)
			else
				wr = sprintf("(truce work under 1 ms: within the start spread; gambit %.1f ms)", gw0 / 1000)
			printf "%-26s   %-10s CPU %7.1f ms  ratio %6.1fx [%.1f-%.1f, middle half %.1f-%.1f] | wall ratio %.1fx | start %.1f ms, work ratio %s, %.2fx its start\n",
				"", label, q(c, NR, .5) / 1000, q(rc, NR, .5), q(rc, NR, 0), q(rc, NR, 1), q(rc, NR, .25), q(rc, NR, .75), q(rw, NR, .5), q(z, NR, .5) / 1000, wr, q(ov, NR, .5)
		}
		END {
			printf "%-26s gambit CPU %9.1f ms (start -h %.1f ms) | %d runs | NE gambit %d, truce %d: %s; truce-nash: %s\n",
				name, q(gc, NR, .5) / 1000, q(g0, NR, .5) / 1000, NR, ge, te, same, bytes
			line("nash", "truce nash")
			line("lean", "truce-nash")
		}'
}

if [[ -z "$list" ]]; then
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); up to $runs paired runs per row (a row stops once Gambit used ${limit} CPU-s); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "CPU = user + system of the whole process; ratio = Gambit/truce per run, median [min-max, middle half], for truce nash (the truce binary) and truce-nash (the nash command alone); NE = equilibria printed by Gambit/truce"
fi
row seqlcp-artist2-exact gambit-lcp "-q $efg/artist2.efg" "$efg/artist2.efg --method lcp --rational --format gambit"
row seqlcp-artist2-float gambit-lcp "-q -d 6 $efg/artist2.efg" "$efg/artist2.efg --method lcp --format gambit"
row logit-10x10x10 gambit-logit "-q -e $here/rand_10x10x10_s3010.nfg" "$here/rand_10x10x10_s3010.nfg --method logit --format gambit"
row enummixed-6x6-75-exact gambit-enummixed "-q $mixed/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg" "$mixed/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg --method enummixed --rational --format gambit"
row enummixed-12x12-float gambit-enummixed "-q -d 6 $here/rand_12x12_s2012.nfg" "$here/rand_12x12_s2012.nfg --method enummixed --format gambit"
row lcp-all-float-15x15 gambit-lcp "-q -d 6 $here/rand_15x15_s2015.nfg" "$here/rand_15x15_s2015.nfg --method lcp --all --format gambit"
row lcp-all-exact-10x10 gambit-lcp "-q $here/rand_10x10_s2010.nfg" "$here/rand_10x10_s2010.nfg --method lcp --all --rational --format gambit"
row lcp-one-exact-100x100 gambit-lcp "-q -e 1 $here/rand_100x100_s2100.nfg" "$here/rand_100x100_s2100.nfg --method lcp --rational --format gambit"
row lcp-one-exact-200x200 gambit-lcp "-q -e 1 $here/rand_200x200_s2200.nfg" "$here/rand_200x200_s2200.nfg --method lcp --rational --format gambit"
row lcp-one-float-200x200 gambit-lcp "-q -e 1 -d 6 $here/rand_200x200_s2200.nfg" "$here/rand_200x200_s2200.nfg --method lcp --format gambit"
row enumpure-100x100 gambit-enumpure "-q $here/rand_100x100_s2100.nfg" "$here/rand_100x100_s2100.nfg --method enumpure --format gambit"
row enumpure-200x200 gambit-enumpure "-q $here/rand_200x200_s2200.nfg" "$here/rand_200x200_s2200.nfg --method enumpure --format gambit"
row gnm-10x10x10-v3 gambit-gnm "-q -d 10 -s $gnm/rand_10x10x10_s3010.3.pert $here/rand_10x10x10_s3010.nfg" "$here/rand_10x10x10_s3010.nfg --method gnm --points $gnm/rand_10x10x10_s3010.3.pert --decimals 10 --format gambit"
row ipa-10x10x10-v3 gambit-ipa "-q -d 10 -s $gnm/rand_10x10x10_s3010.3.pert $here/rand_10x10x10_s3010.nfg" "$here/rand_10x10x10_s3010.nfg --method ipa --points $gnm/rand_10x10x10_s3010.3.pert --decimals 10 --format gambit"
row ipa-5x5x5-v2 gambit-ipa "-q -d 10 -s $gnm/rand_5x5x5_s3005.2.pert $here/rand_5x5x5_s3005.nfg" "$here/rand_5x5x5_s3005.nfg --method ipa --points $gnm/rand_5x5x5_s3005.2.pert --decimals 10 --format gambit"
# 32 perturbation vectors (uniform on [0, 1), Python's random.Random(20),
# six decimals): Gambit's ipa runs about 0.7 s, so the ratio measures the
# work rather than the process start.
row ipa-10x10x10-32v gambit-ipa "-q -d 10 -s $here/rand_10x10x10_s3010.ipa32.pert $here/rand_10x10x10_s3010.nfg" "$here/rand_10x10x10_s3010.nfg --method ipa --points $here/rand_10x10x10_s3010.ipa32.pert --decimals 10 --format gambit" distinct
row liap-5x5x5-10-starts gambit-liap "-q -d 10 -s $liap/rand_5x5x5_s3005.starts $here/rand_5x5x5_s3005.nfg" "$here/rand_5x5x5_s3005.nfg --method liap --points $liap/rand_5x5x5_s3005.starts --decimals 10 --format gambit"
