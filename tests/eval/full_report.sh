#!/usr/bin/env bash
# One command for docs/accuracy.md and docs/accuracy.png: trains the ablation
# model (no gazetteer features) and the CRF-style baselines in a temporary
# folder, runs accuracy_report.sh over four variants, and fills the report's
# ablation section. Usage: tests/eval/full_report.sh BUILD_DIR [SHARED_DIR]
# Needs python3 and gnuplot (accuracy_report.sh installs gnuplot-nox as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: full_report.sh BUILD_DIR [SHARED_DIR]}" && pwd)
shared=$(cd "${2:-${IDNER_SHARED_DIR:-$src/../shared}}" && pwd)
C=$shared/corpora
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --build "$build" --target idner-train idner-eval idner >/dev/null

echo "full_report: training the ablation model (no gazetteer features)"
mkdir -p "$tmp/nogaz"
"$src/lib/gazetteers/train-model.sh" "$build" "$shared" --no-gazetteer-features \
  -o "$tmp/nogaz/model.bin" 2>"$tmp/nogaz.log" || { cat "$tmp/nogaz.log"; exit 1; }

echo "full_report: CRF-style baselines (standard features only, one corpus each, model alone)"
exclude=()
for t in nerui-indolem/test.01 nerugm-indolem/test.01 idner-news-2k/test nergrit-indonlu/test \
         nerp-indonlu/test luthfi-gold-wiki/test; do
  exclude+=(--exclude "$C/$t.conll")
done
baseline_rows=""
for spec in "nerui-indolem train.01 dev.01 test.01" "nerugm-indolem train.01 dev.01 test.01" \
            "idner-news-2k train dev test" "nergrit-indonlu train dev test"; do
  set -- $spec
  line=$("$build/idner-train" --seed 1 --epochs 12 --no-gazetteer-features --no-document-features \
           --no-word-classes --train "$C/$1/$2.conll" --dev "$C/$1/$3.conll" "${exclude[@]}" \
           --test "$C/$1/$4.conll" -o "$tmp/base-$1.bin" 2>/dev/null)
  f1=$(sed -n 's/.*F1 \([0-9.]*\).*/\1/p' <<<"$line")
  baseline_rows+="| $1/$4 | $(awk -v f="$f1" 'BEGIN { printf "%.2f", 100 * f }') |"$'\n'
done

IDNER_EVAL_VARIANTS="default= profiles=--profile=auto rules=--no-model nogaz=$tmp/nogaz,--profile=auto,--recipe" \
  IDNER_SHARED_DIR="$shared" "$here/accuracy_report.sh" "$build"

python3 - "$src/docs/accuracy.md" <<PY
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
section = """Variants above: **default** — the embedded model, default profile (what users get);
**profiles** — the same model with each corpus' annotation profile; **rules** — gazetteers and rules
only (\`--no-model\`); **nogaz** — a model trained by the same recipe without gazetteer and rule
features (\`--no-gazetteer-features\`), with profiles. The nogaz model is trained in a temporary
folder by \`tests/eval/full_report.sh\` and not shipped.

CRF-style baselines: the same perceptron and Viterbi with standard features only (word ±2,
bigrams, shape, affixes, capitalization; no gazetteers, rules, document or word-class features),
trained on one corpus (train + dev for early stopping, test sentences excluded), scored with the
model alone (\`idner-train --test\`, PER/ORG/LOC micro F1, NAT as LOC):

| test split | CRF-style baseline micro F1 |
|---|---|
${baseline_rows}"""
text = text.replace("<!-- ablation -->", section)
text = text.replace("by \`tests/eval/accuracy_report.sh BUILD_DIR\`",
                    "by \`tests/eval/full_report.sh BUILD_DIR\` (which trains the ablation models and runs "
                    "\`tests/eval/accuracy_report.sh\`)")
text = text.replace("${tmp}/", "TMP/")
open(path, "w", encoding="utf-8").write(text)
PY
echo "full_report: wrote $src/docs/accuracy.md and docs/accuracy.png"
