#!/usr/bin/env bash
# Regenerates lib/gazetteers/model.bin, the default sequence model, from the
# public corpora. Deterministic: the same corpora, code and seed give the
# same file. Usage: lib/gazetteers/train-model.sh BUILD_DIR [SHARED_DIR]
#   BUILD_DIR  a configured build tree (idner-train is built in it)
#   SHARED_DIR the folder with corpora/ (default: <repo>/../shared)
# See docs/training.md for the choices made here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: train-model.sh BUILD_DIR [SHARED_DIR]}
shared=${2:-$here/../../../shared}
C=$shared/corpora
[ -d "$C" ] || { echo "train-model.sh: no corpora at $C" >&2; exit 1; }
cmake --build "$build" --target idner-train >/dev/null

# Every sentence of every test split we report on is removed from training
# and dev data (the corpora share news sentences across datasets).
exclude=()
for t in nerui-indolem/test.01 nerugm-indolem/test.01 idner-news-2k/test nergrit-indonlu/test \
         nerp-indonlu/test luthfi-gold-wiki/test; do
  exclude+=(--exclude "$C/$t.conll")
done

"$build/idner-train" --seed 1 --epochs 12 --min-count 2 \
  --profile nerui --train "$C/nerui-indolem/train.01.conll" --dev "$C/nerui-indolem/dev.01.conll" \
  --profile nerugm --train "$C/nerugm-indolem/train.01.conll" --dev "$C/nerugm-indolem/dev.01.conll" \
  --profile idner-news-2k --train "$C/idner-news-2k/train.conll" --dev "$C/idner-news-2k/dev.conll" \
  --profile nergrit --train "$C/nergrit-indonlu/train.conll" --dev "$C/nergrit-indonlu/dev.conll" \
  "${exclude[@]}" -o "$here/model.bin" "${@:3}"
