#!/bin/sh
# Regenerates the Gambit outputs of the byte-for-byte sweep
# (internal/nashcli/gambitsweep_test.go) with Gambit 17.0.0-alpha.2's
# command-line tools built from source:
#   GAMBIT=/path/to/gambit/bin sh generate.sh
# Each line of `cases` is: output file, Gambit tool and flags, game (from
# nash/testdata), and the matching `truce nash` flags. A Gambit run longer
# than 20 s is left out (on a busy
# machine a slow run may be left out that an idle one keeps).
set -eu
cd "$(dirname "$0")"
: "${GAMBIT:?set GAMBIT to the folder of Gambit's tools}"
T=../  # nash/testdata
rm -f cases ./*.out
add() { # file tool-and-flags game truce-flags
	file=$1 cmd=$2 game=$3 truce=$4
	# shellcheck disable=SC2086
	if timeout 20 "$GAMBIT"/$cmd "$T$game" >"$file" 2>/dev/null; then
		printf '%s\t%s\t%s\t%s\n' "$file" "$cmd" "$game" "$truce" >>cases
	else
		rm -f "$file"
	fi
}
two="gambit/2x2.nfg gambit/2x2a.nfg gambit/2x2const.nfg gambit/8x8.nfg gambit/cent2.nfg gambit/coord2.nfg gambit/coord3.nfg gambit/coord4.nfg gambit/csg1.nfg gambit/csg2.nfg gambit/csg3.nfg gambit/csg4.nfg gambit/deg1.nfg gambit/deg2.nfg gambit/e04.nfg gambit/e07.nfg gambit/loopback.nfg gambit/mixdom.nfg gambit/mixdom2.nfg gambit/oneill.nfg gambit/pd.nfg gambit/perfect1.nfg gambit/perfect2.nfg gambit/sh3.nfg gambit/sww1.nfg gambit/todd1.nfg gambit/todd2.nfg gambit/todd3.nfg gambit/vd.nfg gambit/wink3.nfg gambit/winkels.nfg gambit/yamamoto.nfg gambit/zero.nfg gambit/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq.nfg gambit/_catalog_journals_dcg_vonstengel1999_6x6_game_with_75_eq_small_payoffs.nfg gambit/_catalog_journals_ijgt_nau2004_sec3.nfg gambit/_catalog_journals_other_shapley1974_fig2.nfg gambit/_catalog_journals_other_shapley1974_fig3.nfg gambit/_test_games_2x2_bimatrix_all_zero_payoffs.nfg gambit/_test_games_const_sum_game.nfg gambit/_test_games_coordination_4x4_outcome.nfg gambit/_test_games_coordination_4x4_payoff.nfg gambit/_test_games_mixed_strategy.nfg gambit/_test_games_non_const_sum_game.nfg bench/rand_5x5_s2005.nfg bench/rand_10x10_s2010.nfg bench/rand_15x15_s2015.nfg"
many="gambit/2x2x2.nfg gambit/2x2x2x2.nfg gambit/2x2x2x2x2.nfg gambit/3x3x3.nfg gambit/5x4x3.nfg gambit/8x2x2.nfg gambit/coord333.nfg gambit/g1.nfg gambit/g2.nfg gambit/g3.nfg gambit/perfect3.nfg gambit/_doc_2x2x2.nfg gambit/_catalog_journals_ijgt_nau2004_sec4.nfg gambit/_catalog_journals_ijgt_nau2004_sec5.nfg gambit/_catalog_journals_ijgt_nau2004_sec6.nfg gambit/_test_games_2x2x2_nfg_from_local_max_cut_2_pure_1_mixed_eq.nfg bench/rand_5x5x5_s3005.nfg"
for g in $two $many; do
	b=$(basename "$g" .nfg)
	add "$b.enumpure.out" "gambit-enumpure -q" "$g" "--method enumpure"
done
for g in $two; do
	b=$(basename "$g" .nfg)
	add "$b.lcp.out" "gambit-lcp -q" "$g" "--method lcp --all --rational"
	add "$b.lcp-e1.out" "gambit-lcp -q -e 1" "$g" "--method lcp --rational"
	add "$b.lcp-d6.out" "gambit-lcp -q -d 6" "$g" "--method lcp --all"
	add "$b.lcp-d4-e1.out" "gambit-lcp -q -d 4 -e 1" "$g" "--method lcp --decimals 4"
	add "$b.enummixed.out" "gambit-enummixed -q" "$g" "--method enummixed --rational"
	add "$b.enummixed-d6.out" "gambit-enummixed -q -d 6" "$g" "--method enummixed"
	add "$b.enummixed-d10.out" "gambit-enummixed -q -d 10" "$g" "--method enummixed --decimals 10"
done
for g in $two $many; do
	b=$(basename "$g" .nfg)
	add "$b.logit-e.out" "gambit-logit -q -e" "$g" "--method logit"
	add "$b.logit-e-d4.out" "gambit-logit -q -e -d 4" "$g" "--method logit --decimals 4"
	add "$b.logit-e-l2-d4.out" "gambit-logit -q -e -l 2 -d 4" "$g" "--method logit --lambda 2 --decimals 4"
done
for p in "$T"gnm/*.pert; do
	p=${p#"$T"}
	b=$(basename "$p" .pert) g=${b%.*}
	game=gambit/$g.nfg
	if [ ! -f "$T$game" ]; then game=bench/$g.nfg; fi
	add "$b.gnm-d6.out" "gambit-gnm -q -d 6 -s $T$p" "$game" "--method gnm --points $p"
	add "$b.gnm-d6-V.out" "gambit-gnm -q -d 6 -V -s $T$p" "$game" "--method gnm --points $p --verbose"
	add "$b.ipa-d6.out" "gambit-ipa -q -d 6 -s $T$p" "$game" "--method ipa --points $p"
	add "$b.ipa-d6-V.out" "gambit-ipa -q -d 6 -V -s $T$p" "$game" "--method ipa --points $p --verbose"
done
for s in "$T"liap/*.starts; do
	s=${s#"$T"}
	b=$(basename "$s" .starts)
	game=gambit/$b.nfg
	if [ ! -f "$T$game" ]; then game=bench/$b.nfg; fi
	add "$b.liap-d6.out" "gambit-liap -q -d 6 -s $T$s" "$game" "--method liap --points $s"
done
for e in "$T"efg/gambit-games/*.efg; do
	e=${e#"$T"}
	b=$(basename "$e" .efg)
	add "$b.efg.enumpure.out" "gambit-enumpure -q" "$e" "--method enumpure"
	add "$b.efg.lcp.out" "gambit-lcp -q" "$e" "--method lcp --rational"
	add "$b.efg.lcp-d6.out" "gambit-lcp -q -d 6" "$e" "--method lcp"
done
