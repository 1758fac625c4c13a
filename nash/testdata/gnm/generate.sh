#!/usr/bin/env bash
# generate.sh: the Gambit reference outputs of the gnm and ipa tests.
#
#   GAMBIT_DIR=/path/to/gambit nash/testdata/gnm/generate.sh
#
# For each game listed below it asks Gambit's gambit-gnm for one random
# perturbation vector (-n 1 -R SEED -V prints it on its "pert" line), keeps
# it in GAME.SEED.pert, and then runs gambit-gnm and gambit-ipa on that
# vector (-s), ten decimals, into GAME.SEED.gnm.out and GAME.SEED.ipa.out.
# Games come from ../gambit (Gambit's example games) and ../bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gnm=${GAMBIT_DIR:?set GAMBIT_DIR to a folder with gambit-gnm and gambit-ipa}/gambit-gnm
ipa=$GAMBIT_DIR/gambit-ipa
cd "$here"
games=(
	../gambit/2x2x2.nfg ../gambit/2x2x2x2.nfg ../gambit/2x2x2x2x2.nfg ../gambit/3x3x3.nfg
	../gambit/5x4x3.nfg ../gambit/8x2x2.nfg ../gambit/8x8.nfg ../gambit/coord333.nfg
	../gambit/g1.nfg ../gambit/g2.nfg ../gambit/g3.nfg ../gambit/todd1.nfg ../gambit/coord4.nfg
	../gambit/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg
	../gambit/_catalog_journals_ijgt_nau2004_sec6.nfg
	../bench/rand_5x5x5_s3005.nfg ../bench/rand_10x10_s2010.nfg ../bench/rand_10x10x10_s3010.nfg
)
for g in "${games[@]}"; do
	base=$(basename "$g" .nfg)
	for seed in 1 2 3; do
		"$gnm" -q -V -n 1 -R "$seed" "$g" | sed -n 's/^pert,//p' | head -1 >"$base.$seed.pert"
		timeout 60 "$gnm" -q -d 10 -s "$base.$seed.pert" "$g" >"$base.$seed.gnm.out" || echo "gnm $base $seed: exit $?" >&2
		timeout 60 "$ipa" -q -d 10 -s "$base.$seed.pert" "$g" >"$base.$seed.ipa.out" || echo "ipa $base $seed: exit $?" >&2
	done
done
