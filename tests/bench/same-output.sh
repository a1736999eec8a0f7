#!/bin/sh
# same-output.sh — do two builds give the same answers? For speed work,
# which must not change what the library says.
#
#   tests/bench/same-output.sh BUILD_A BUILD_B SHARED_DIR [WORK_DIR]
#
# Runs both builds' idner-eval (--pred: the library's own BIO label per gold
# token) on corpus splits with and without profiles, and both idner-tag
# binaries (jsonl: spans, values, mods, evidence) on the seed article and on
# raw text made from the corpora's tokens, with the model and --no-model,
# then compares the outputs byte for byte. Prints one line per comparison
# and exits 1 if any differs (the differing files stay in WORK_DIR).
set -u
A=${1:?usage: same-output.sh BUILD_A BUILD_B SHARED_DIR [WORK_DIR]}
B=${2:?usage: same-output.sh BUILD_A BUILD_B SHARED_DIR [WORK_DIR]}
SHARED=${3:?usage: same-output.sh BUILD_A BUILD_B SHARED_DIR [WORK_DIR]}
WORK=${4:-$(mktemp -d)}
C=$SHARED/corpora
if [ ! -d "$C" ]; then
  echo "SKIP: no corpora in $SHARED"
  exit 77
fi
mkdir -p "$WORK"
fail=0

same() { # name file_a file_b
  if cmp -s "$2" "$3"; then
    echo "same      $1 ($(wc -l <"$2") lines)"
  else
    echo "DIFFERENT $1: $(diff "$2" "$3" | grep -c '^<') lines differ ($2 vs $3)"
    fail=1
  fi
}

i=0
while read -r split opts; do
  [ -f "$C/$split.conll" ] || continue
  i=$((i + 1))
  for side in A B; do
    if [ $side = A ]; then bin=$A; else bin=$B; fi
    # shellcheck disable=SC2086
    "$bin/idner-eval" --doc file $opts --pred "$WORK/eval$i.$side" "$C/$split.conll" >/dev/null 2>&1 ||
      echo "ERROR     idner-eval $side on $split $opts"
  done
  same "eval $split $opts" "$WORK/eval$i.A" "$WORK/eval$i.B"
done <<EOF
idner-news-2k/test
idner-news-2k/dev --profile idner-news-2k
nerui-indolem/test.01 --profile nerui
nerugm-indolem/test.01 --profile nerugm --date-convention nerugm
nergrit-indonlu/test --profile nergrit
nergrit-indonlu/dev
nerp-indonlu/test
luthfi-gold-wiki/test
idner-news-2k/test --no-model
EOF

# Raw text: one sentence a line from the corpora's tokens, 4 KB documents.
raw=$WORK/raw.txt
for f in idner-news-2k/test nerui-indolem/test.01 nergrit-indonlu/test nerugm-indolem/test.01; do
  [ -f "$C/$f.conll" ] && cut -f1 "$C/$f.conll" | awk 'BEGIN{ORS=""} /^$/{print "\n"; next} {print $0 " "}'
done >"$raw"
for side in A B; do
  if [ $side = A ]; then bin=$A; else bin=$B; fi
  "$bin/idner-tag" --date 2023-09-19 --format jsonl --input lines "$raw" >"$WORK/tag.$side" 2>&1
  "$bin/idner-tag" --date 2023-09-19 --format jsonl --input lines --no-model "$raw" >"$WORK/tagnm.$side" 2>&1
  "$bin/idner-tag" --date 2023-09-19 --format jsonl "$SHARED/spec/seed.txt" >"$WORK/seed.$side" 2>&1
done
same "idner-tag raw lines" "$WORK/tag.A" "$WORK/tag.B"
same "idner-tag raw lines --no-model" "$WORK/tagnm.A" "$WORK/tagnm.B"
same "idner-tag seed.txt" "$WORK/seed.A" "$WORK/seed.B"
[ $fail = 0 ] && echo "all same" || echo "SOME DIFFER (outputs in $WORK)"
exit $fail
