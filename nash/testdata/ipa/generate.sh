#!/usr/bin/env bash
# generate.sh: corpus.txt, gambit-ipa's outputs on the ipa corpus.
#
#   GAMBIT_DIR=/path/to/gambit nash/testdata/ipa/generate.sh
#
# The games and perturbation vectors are drawn by ipaCorpusCase
# (nash/ipa_corpus_test.go) and written by TestIPACorpusWrite into a
# temporary folder; gambit-ipa runs on each game from each vector
#   gambit-ipa -q -d 10 -s caseK.V.pert caseK.nfg
# and corpus.txt keeps, per run, "caseK V" and the NE line it printed (or
# "none" when it printed none, e.g. when it gave the vector up).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ipa=${GAMBIT_DIR:?set GAMBIT_DIR to a folder with gambit-ipa}/gambit-ipa
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$here/../.." && IPA_CORPUS_DIR=$tmp go test -count=1 -run '^TestIPACorpusWrite$' . >/dev/null)
version=$("$ipa" -h 2>&1 | grep -m1 'Gambit version' || true)
{
	echo "# gambit-ipa's outputs on the ipa corpus (nash/ipa_corpus_test.go draws the"
	echo "# games and vectors; generate.sh made this file). Tool: $version"
	echo "# command: gambit-ipa -q -d 10 -s caseK.V.pert caseK.nfg"
	for g in "$tmp"/case*.nfg; do
		base=$(basename "$g" .nfg)
		for v in 0 1; do
			out=$(timeout 120 "$ipa" -q -d 10 -s "$tmp/$base.$v.pert" "$g" 2>/dev/null | grep '^NE,' | head -1 || true)
			echo "$base $v ${out:-none}"
		done
	done
} >"$here/corpus.txt"
