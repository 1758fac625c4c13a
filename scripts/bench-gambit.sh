#!/usr/bin/env bash
# bench-gambit.sh: time truce against Gambit's command-line tools, whole
# process, on the rows of docs/benchmarks.md ("Gambit rows"), in paired runs.
#
#   scripts/bench-gambit.sh [-n RUNS] [-r ROW]...
#
# Gambit's tools (gambit-lcp, gambit-logit, gambit-enummixed, gambit-enumpure,
# gambit-gnm, gambit-ipa, gambit-liap) are looked for in $GAMBIT_DIR, then on
# $PATH; build them from Gambit's source (github.com/gambitproject/gambit)
# with
#   ./autogen.sh && ./configure --disable-gui CXXFLAGS=-O2 && make
# and point GAMBIT_DIR at the build folder. truce is built from this
# checkout into a temporary folder, or taken from $TRUCE when set.
#
# Each run starts the two programs one after the other (in alternating
# order), so both see the same machine load; a row prints the median wall
# time of each, the median of the per-pair ratios Gambit/truce and their
# spread (smallest and largest ratio), and whether the two printed the same
# equilibria. When a row's Gambit tool is missing the script says so and
# times truce alone (median wall time of RUNS runs, no ratio).
set -euo pipefail

runs=21
rows=()
while getopts "n:r:" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	r) rows+=("$OPTARG") ;;
	*) echo "usage: $0 [-n RUNS] [-r ROW]..." >&2; exit 2 ;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
here=$repo/nash/testdata/bench
efg=$repo/nash/testdata/efg/gambit-games
gam=$repo/nash/testdata/gambit
mixed=$repo/nash/testdata/mixed/games
gnm=$repo/nash/testdata/gnm
liap=$repo/nash/testdata/liap

if [[ -z "${TRUCE:-}" ]]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$repo" && go build -o "$tmp/truce" ./cmd/truce)
	TRUCE=$tmp/truce
fi

# find TOOL: the path of Gambit's TOOL, or nothing.
find_tool() {
	if [[ -n "${GAMBIT_DIR:-}" && -x "$GAMBIT_DIR/$1" ]]; then
		echo "$GAMBIT_DIR/$1"
	elif command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
	fi
}

# wall_ms CMD...: run CMD with output to a file, print its wall time in ms.
wall_ms() {
	local out=$1; shift
	local s e
	s=$(date +%s%N)
	"$@" >"$out" 2>/dev/null || true
	e=$(date +%s%N)
	echo $(((e - s) / 1000))
}

# sameNE A B: whether files A and B hold the same set of NE lines, decimals
# equal within 1e-5 (Gambit prints -d digits after the point, truce
# significant digits; logit's end point is approximate in Gambit) and
# fractions equal as written.
sameNE() {
	local key='{ k = $1; for (i = 2; i <= NF; i++) k = k "," (($i ~ /\//) ? $i : sprintf("%.2f", $i + 0)); print k "\t" $0 }'
	paste <(awk -F, "$key" "$1" | sort -u -t$'\t' -k1,1 | cut -f2) <(awk -F, "$key" "$2" | sort -u -t$'\t' -k1,1 | cut -f2) | awk -F'\t' '
		{ n = split($1, a, ","); m = split($2, b, ","); if (n != m) bad = 1
		  for (i = 1; i <= n; i++) { d = a[i] - b[i]; if (a[i] ~ /\// || a[i] ~ /NE/) { if (a[i] != b[i]) bad = 1 } else if (d > 1e-5 || d < -1e-5) bad = 1 } }
		END { exit bad }'
}

# row NAME TOOL "GAMBIT ARGS" "TRUCE ARGS"
row() {
	local name=$1 tool=$2 gargs=$3 targs=$4
	if ((${#rows[@]})) && [[ ! " ${rows[*]} " == *" $name "* ]]; then
		return
	fi
	local g
	g=$(find_tool "$tool")
	if [[ -z "$g" ]]; then
		local t=() i
		for ((i = 0; i < runs; i++)); do
			t+=("$(wall_ms /tmp/compare.truce.$$ $TRUCE $targs)")
		done
		rm -f /tmp/compare.truce.$$
		printf '%s\n' "${t[@]}" | sort -n | awk -v name="$name" -v tool="$tool" '
			{ v[NR] = $1 }
			END { m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
			      printf "%-28s gambit   absent   truce %7.1f ms   [%.1f-%.1f]  (%s not found: set GAMBIT_DIR; truce timed alone)\n", name, m / 1000, v[1] / 1000, v[NR] / 1000, tool }'
		return
	fi
	local gt=() tt=() i
	for ((i = 0; i < runs; i++)); do
		if ((i % 2)); then
			tt+=("$(wall_ms /tmp/compare.truce.$$ $TRUCE $targs)")
			gt+=("$(wall_ms /tmp/compare.gambit.$$ $g $gargs)")
		else
			gt+=("$(wall_ms /tmp/compare.gambit.$$ $g $gargs)")
			tt+=("$(wall_ms /tmp/compare.truce.$$ $TRUCE $targs)")
		fi
	done
	local same=differ
	if [[ $(wc -l </tmp/compare.gambit.$$) -gt 0 ]] && sameNE /tmp/compare.gambit.$$ /tmp/compare.truce.$$; then
		same=same
	fi
	rm -f /tmp/compare.gambit.$$ /tmp/compare.truce.$$
	paste <(printf '%s\n' "${gt[@]}") <(printf '%s\n' "${tt[@]}") | awk -v name="$name" -v same="$same" '
		{ g[NR] = $1; t[NR] = $2; r[NR] = $1 / $2 }
		function median(a, n,   i, j, x, s) {
			for (i = 1; i <= n; i++) s[i] = a[i]
			for (i = 2; i <= n; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j+1] = s[j]; s[j+1] = x }
			return (n % 2) ? s[(n+1)/2] : (s[n/2] + s[n/2+1]) / 2
		}
		END {
			lo = r[1]; hi = r[1]
			for (i = 2; i <= NR; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
			printf "%-28s gambit %8.1f ms   truce %7.1f ms   ratio %6.1fx  [%.1f-%.1f]  equilibria %s\n",
				name, median(g, NR) / 1000, median(t, NR) / 1000, median(r, NR), lo, hi, same
		}'
}

echo "$runs paired runs per row; wall time of the whole process; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
row seqlcp-artist2-exact gambit-lcp "-q $efg/artist2.efg" "nash $efg/artist2.efg --method lcp --rational --format gambit"
row seqlcp-artist2-float gambit-lcp "-q -d 6 $efg/artist2.efg" "nash $efg/artist2.efg --method lcp --format gambit"
row logit-10x10x10 gambit-logit "-q -e $here/rand_10x10x10_s3010.nfg" "nash $here/rand_10x10x10_s3010.nfg --method logit --format gambit"
row enummixed-6x6-75-exact gambit-enummixed "-q $mixed/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg" "nash $mixed/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg --method enummixed --rational --format gambit"
row lcp-all-float-15x15 gambit-lcp "-q -d 6 $here/rand_15x15_s2015.nfg" "nash $here/rand_15x15_s2015.nfg --method lcp --all --format gambit"
row lcp-all-exact-10x10 gambit-lcp "-q $here/rand_10x10_s2010.nfg" "nash $here/rand_10x10_s2010.nfg --method lcp --all --rational --format gambit"
row lcp-one-exact-100x100 gambit-lcp "-q -e 1 $here/rand_100x100_s2100.nfg" "nash $here/rand_100x100_s2100.nfg --method lcp --rational --format gambit"
row enumpure-100x100 gambit-enumpure "-q $here/rand_100x100_s2100.nfg" "nash $here/rand_100x100_s2100.nfg --method enumpure --format gambit"
row gnm-10x10x10-v3 gambit-gnm "-q -d 10 -s $gnm/rand_10x10x10_s3010.3.pert $here/rand_10x10x10_s3010.nfg" "nash $here/rand_10x10x10_s3010.nfg --method gnm --points $gnm/rand_10x10x10_s3010.3.pert --decimals 10 --format gambit"
row ipa-10x10x10-v3 gambit-ipa "-q -d 10 -s $gnm/rand_10x10x10_s3010.3.pert $here/rand_10x10x10_s3010.nfg" "nash $here/rand_10x10x10_s3010.nfg --method ipa --points $gnm/rand_10x10x10_s3010.3.pert --decimals 10 --format gambit"
row ipa-5x5x5-v2 gambit-ipa "-q -d 10 -s $gnm/rand_5x5x5_s3005.2.pert $here/rand_5x5x5_s3005.nfg" "nash $here/rand_5x5x5_s3005.nfg --method ipa --points $gnm/rand_5x5x5_s3005.2.pert --decimals 10 --format gambit"
row liap-5x5x5-10-starts gambit-liap "-q -d 10 -s $liap/rand_5x5x5_s3005.starts $here/rand_5x5x5_s3005.nfg" "nash $here/rand_5x5x5_s3005.nfg --method liap --points $liap/rand_5x5x5_s3005.starts --decimals 10 --format gambit"
