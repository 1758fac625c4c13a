#!/usr/bin/env bash
# bench-simulate.sh: `truce simulate` on the Monte Carlo benchmark of the
# performance issue (internal/simbench: 50 states x 3 actors x 4 actions,
# horizon 1000, 20,000 paths), whole process, against the plain C loop
# (internal/simbench/testdata/mcloop.c: alias tables, only the paths) on
# the same chain, run by run in rotating order so that all see the same
# machine load.
#
#   scripts/bench-simulate.sh [-n ROUNDS] [-w WORKERS] [-b OLD_TRUCE]
#
# truce is built from this checkout into a temporary folder (or taken from
# $TRUCE); -b adds a second truce binary (e.g. one built from an earlier
# commit) to the rotation, and its output is compared byte for byte with
# the new one's every round. -w passes --workers (default: not passed, all
# cores). The C loop is compiled with `cc -O2` and run on both of its
# tables: "outcomes" (one alias table per state over its (joint action,
# successor) outcomes, 512 here: the loop of the issue) and "states" (over
# its successors, at most 50: the table truce samples).
#
# Each run is timed by scripts/timeit (user + system CPU time of the
# process from the kernel). The C loop also prints the CPU time of its
# loop alone (alias tables and paths, reading its input excluded); both
# are reported. Per program: the median CPU seconds and the range over
# the rounds; per C table: the median of the per-round ratios C/truce
# (above 1: truce is faster) with their range. On a shared machine quote
# CPU time; the load average is printed before and after.
set -euo pipefail

rounds=10
workers=""
old="${TRUCE_OLD:-}"
while getopts "n:w:b:h" o; do
	case $o in
	n) rounds=$OPTARG ;;
	w) workers=$OPTARG ;;
	b) old=$OPTARG ;;
	*)
		sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
		exit 2
		;;
	esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$repo" && go build -o "$tmp/timeit" ./scripts/timeit)
new="${TRUCE:-}"
if [ -z "$new" ]; then
	(cd "$repo" && go build -o "$tmp/truce" ./cmd/truce)
	new="$tmp/truce"
fi
cc -O2 -o "$tmp/mcloop" "$repo/internal/simbench/testdata/mcloop.c"
(cd "$repo" && SIMBENCH_OUT="$tmp" go test -count=1 -run WriteFiles ./internal/simbench >/dev/null)

args=(simulate "$tmp/mc50x3x4.yaml" --runs 20000)
[ -n "$workers" ] && args+=(--workers "$workers")

names=(new)
[ -n "$old" ] && names+=(old)
names+=(c-outcomes c-states)

run() { # name round -> "CPU_US [C_LOOP_US]"
	case $1 in
	new) "$tmp/timeit" "$tmp/out.new" "$new" "${args[@]}" | cut -d' ' -f2 ;;
	old) "$tmp/timeit" "$tmp/out.old" "$old" "${args[@]}" | cut -d' ' -f2 ;;
	c-outcomes | c-states)
		local chain=$tmp/chain.txt
		[ "$1" = c-states ] && chain=$tmp/state-chain.txt
		local cpu
		cpu=$("$tmp/timeit" "$tmp/out.c" "$tmp/mcloop" "$chain" 20000 1000 | cut -d' ' -f2)
		echo "$cpu $(awk '/^cpu_seconds/{printf "%d", $2*1e6}' "$tmp/out.c")"
		;;
	esac
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$tmp/log"
for ((r = 0; r < rounds; r++)); do
	k=${#names[@]}
	for ((i = 0; i < k; i++)); do
		name=${names[$(((i + r) % k))]}
		echo "$r $name $(run "$name")" >>"$tmp/log"
	done
	if [ -n "$old" ] && ! cmp -s "$tmp/out.new" "$tmp/out.old"; then
		echo "round $r: the two truce binaries printed different output" >&2
		exit 1
	fi
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"

awk -v names="${names[*]}" '
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
function summary(label, a, n,   m, lo, hi, i) {
	lo = hi = a[1]; for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
	m = med(a, n)
	printf "%-34s median %.3f  range %.3f-%.3f  (%d runs)\n", label, m, lo, hi, n
}
{ cpu[$2, $1] = $3 / 1e6; if (NF > 3) loop[$2, $1] = $4 / 1e6; n = $1 + 1 }
END {
	k = split(names, nm, " ")
	print "CPU seconds:"
	for (j = 1; j <= k; j++) {
		for (r = 0; r < n; r++) v[r+1] = cpu[nm[j], r]
		summary(nm[j] " (whole process)", v, n)
		if ((nm[j], 0) in loop) { for (r = 0; r < n; r++) v[r+1] = loop[nm[j], r]; summary(nm[j] " (its loop alone)", v, n) }
	}
	print "ratios C / truce new, per round (above 1: truce is faster):"
	for (j = 1; j <= k; j++) {
		if (!((nm[j], 0) in loop)) continue
		for (r = 0; r < n; r++) v[r+1] = cpu[nm[j], r] / cpu["new", r]
		summary(nm[j] " process / truce", v, n)
		for (r = 0; r < n; r++) v[r+1] = loop[nm[j], r] / cpu["new", r]
		summary(nm[j] " loop alone / truce", v, n)
	}
	if (("old", 0) in cpu) {
		for (r = 0; r < n; r++) v[r+1] = cpu["old", r] / cpu["new", r]
		summary("old / new truce", v, n)
	}
}' "$tmp/log"
