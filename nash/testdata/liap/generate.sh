#!/usr/bin/env bash
# generate.sh: the Gambit reference outputs of the liap tests.
#
#   GAMBIT_DIR=/path/to/gambit TRUCE=/path/to/truce nash/testdata/liap/generate.sh
#
# For each game below it writes ten starting points, uniform on the
# product of simplices (Python's random.Random(1), normalised
# exponentials, 12 decimals), to GAME.starts, and runs gambit-liap from
# them (-s, -d 10) into GAME.liap.out: one NE line per start whose end
# Gambit kept (regret below 1e-4 of the payoff range).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
liap=${GAMBIT_DIR:?set GAMBIT_DIR to a folder with gambit-liap}/gambit-liap
truce=${TRUCE:-truce} # a truce binary, for the games' shapes
cd "$here"
games=(../gambit/2x2x2.nfg ../gambit/2x2x2x2.nfg ../gambit/3x3x3.nfg ../gambit/5x4x3.nfg
	../gambit/8x2x2.nfg ../gambit/coord333.nfg ../gambit/8x8.nfg ../bench/rand_5x5x5_s3005.nfg)
for g in "${games[@]}"; do
	base=$(basename "$g" .nfg)
	# the game's shape, e.g. 3x3x3, from truce's summary line
	shape=$("$truce" nash "$g" --method enumpure | sed -n '1s/.* players, \(.*\) strategies$/\1/p' | tr '×' ' ')
	python3 - $shape >"$base.starts" <<'PY'
import random, sys
shape = [int(a) for a in sys.argv[1:]]
rng = random.Random(1)
for _ in range(10):
    row = []
    for n in shape:
        e = [rng.expovariate(1) for _ in range(n)]
        s = sum(e)
        row += [x / s for x in e]
    print(",".join("%.12f" % x for x in row))
PY
	timeout 300 "$liap" -q -d 10 -s "$base.starts" "$g" >"$base.liap.out" || echo "liap $base: exit $?" >&2
done
