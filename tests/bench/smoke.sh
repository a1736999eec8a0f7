#!/bin/sh
# ctest bench_smoke: idner-bench --quick runs and prints every section and
# every TSV row kind. Not a timed test: no figure is checked. Skips (77)
# when the shared corpora are absent.
#   tests/bench/smoke.sh PATH/TO/idner-bench SHARED_DIR
BENCH=$1
SHARED=$2
if [ ! -f "$SHARED/corpora/idner-news-2k/train.conll" ]; then
  echo "skip - ${SHARED:-<no shared dir given>}/corpora not found"
  exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
"$BENCH" --quick --shared "$SHARED" --tsv "$TMP/bench.tsv" >"$TMP/out.txt" 2>&1 || status=$?
cat "$TMP/out.txt"
if [ "$status" -ne 0 ]; then
  echo "FAIL - idner-bench --quick exited with $status"
  exit 1
fi
fail=0
for s in "== init:" "== model memory:" "== throughput per stage:" "== throughput vs input size:" \
         "== one document of growing size:" "== adversarial inputs:" "== targets" "done in "; do
  grep -qF "$s" "$TMP/out.txt" || { echo "FAIL - no section '$s'"; fail=1; }
done
for k in init memory stages sizes doc adversarial; do
  grep -q "^$k	" "$TMP/bench.tsv" || { echo "FAIL - no '$k' row in the TSV"; fail=1; }
done
for st in "tokenize only" "gazetteers + rules" "full (model)"; do
  n=$(grep -c "^adversarial	.*	$st	" "$TMP/bench.tsv")
  [ "$n" -eq 6 ] || { echo "FAIL - $n adversarial rows for '$st', expected 6"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "ok - every section printed"
exit "$fail"
