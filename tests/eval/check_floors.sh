#!/bin/sh
# check_floors.sh — accuracy floors: fails when a corpus score drops.
#
#   tests/eval/check_floors.sh PATH/TO/idner-eval SHARED_DIR
#
# For each line of floors.tsv (next to this script, or $IDNER_FLOORS):
#   corpus/split <TAB> types <TAB> micro|macro <TAB> minimum F1 <TAB> file|sentence
#   [<TAB> idner-eval options, e.g. "--profile nerugm --date-convention nerugm"]
# runs "idner-eval --json --doc MODE [--types TYPES] SHARED_DIR/corpora/corpus/split.conll"
# and fails (exit 1) when the measured F1 is below the minimum. "types" is a
# comma list (PER,LOC,ORG,DATE,...) or "-" for idner-eval's default (the
# types present in the gold). '#' starts a comment; blank lines are ignored.
# It also checks that the seed article (SHARED_DIR/spec/seed.txt, reference
# date 2023-09-19) is still exact through idner-eval's text mode.
# Exits 77 (ctest: skipped) when SHARED_DIR has no corpora.
set -u

EVAL=${1:?usage: check_floors.sh PATH/TO/idner-eval SHARED_DIR}
SHARED=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
FLOORS=${IDNER_FLOORS:-$HERE/floors.tsv}
CORPORA=$SHARED/corpora
TAB=$(printf '\t')

if [ -z "$SHARED" ] || [ ! -d "$CORPORA" ]; then
  echo "SKIP: no corpora in '${SHARED}' (the shared directory, normally ../shared; set IDNER_SHARED_DIR)"
  exit 77
fi
if [ ! -x "$EVAL" ]; then
  echo "FAIL: $EVAL is not an executable idner-eval"
  exit 1
fi
if [ ! -r "$FLOORS" ]; then
  echo "FAIL: cannot read $FLOORS"
  exit 1
fi

OUT=$(mktemp "${TMPDIR:-/tmp}/idner-floors.XXXXXX") || exit 1
trap 'rm -f "$OUT"' EXIT
failures=0
checked=0
skipped=0

# json_f1 micro|macro < JSON : the F1 of that block of idner-eval's one-line JSON
json_f1() {
  sed -n "s/.*\"$1\": {[^}]*\"f1\": \([-0-9.eE+]*\).*/\1/p"
}

NAME=$(basename "$FLOORS")
lineno=0
while IFS="$TAB" read -r split types metric floor mode extra rest || [ -n "${split:-}" ]; do
  lineno=$((lineno + 1))
  case "$split" in ''|'#'*) continue ;; esac
  where="$NAME:$lineno"
  if [ -z "${mode:-}" ] || [ -n "${rest:-}" ]; then
    echo "FAIL $where: expected 5 or 6 TAB-separated fields (split, types, metric, floor, doc-mode[, idner-eval options])"
    failures=$((failures + 1)); continue
  fi
  case "$metric" in micro|macro) ;; *)
    echo "FAIL $where: metric must be micro or macro, not '$metric'"
    failures=$((failures + 1)); continue ;;
  esac
  case "$mode" in file|sentence) ;; *)
    echo "FAIL $where: doc-mode must be file or sentence, not '$mode'"
    failures=$((failures + 1)); continue ;;
  esac
  if ! awk -v f="$floor" 'BEGIN { exit !(f ~ /^[0-9]*\.?[0-9]+$/ && f + 0 <= 1) }'; then
    echo "FAIL $where: the floor must be an F1 between 0 and 1, not '$floor'"
    failures=$((failures + 1)); continue
  fi
  gold=$CORPORA/$split.conll
  if [ ! -f "$gold" ]; then
    echo "skip $split: $gold is absent"
    skipped=$((skipped + 1)); continue
  fi
  set -- --json --doc "$mode"
  [ "$types" = "-" ] || set -- "$@" --types "$types"
  # shellcheck disable=SC2086 # the options field is a word list
  [ -z "${extra:-}" ] || set -- "$@" $extra
  label="$split ($types, $metric F1, --doc $mode${extra:+, $extra})"
  if ! "$EVAL" "$@" "$gold" </dev/null >"$OUT" 2>&1; then
    echo "FAIL $label: idner-eval failed:"; sed 's/^/    /' "$OUT"
    failures=$((failures + 1)); continue
  fi
  value=$(json_f1 "$metric" <"$OUT")
  if [ -z "$value" ]; then
    echo "FAIL $label: no $metric F1 in idner-eval's output"
    failures=$((failures + 1)); continue
  fi
  checked=$((checked + 1))
  if awk -v v="$value" -v f="$floor" 'BEGIN { exit !(v + 0 >= f + 0) }'; then
    printf 'ok   %s: %.4f >= floor %s\n' "$label" "$value" "$floor"
  else
    printf 'FAIL %s: measured %.4f is below the floor %s\n' "$label" "$value" "$floor"
    failures=$((failures + 1))
  fi
done <"$FLOORS"

# The seed article must stay exact (spans, types, DATE values and mods).
SEED_TXT=$SHARED/spec/seed.txt
SEED_GOLD=$SHARED/spec/seed.gold.jsonl
if [ -f "$SEED_TXT" ] && [ -f "$SEED_GOLD" ]; then
  if ! "$EVAL" --json --date 2023-09-19 --text "$SEED_TXT" --gold "$SEED_GOLD" >"$OUT" 2>&1; then
    echo "FAIL seed article: idner-eval --text failed:"; sed 's/^/    /' "$OUT"
    failures=$((failures + 1))
  else
    counts=$(sed -n 's/.*"micro": {"gold": \([0-9]*\), "found": \([0-9]*\), "correct": \([0-9]*\).*/\1 \2 \3/p' "$OUT")
    values=$(grep -o '"matched_with_gold_value": [0-9]*, "value": [0-9]*, "mod": [0-9]*, "value_and_mod": [0-9]*' "$OUT" |
             sed 's/[^0-9 ]//g' | awk '{ t += $1; ok += $4 } END { print t + 0, ok + 0 }')
    checked=$((checked + 1))
    # shellcheck disable=SC2086 # word splitting intended: five numbers
    set -- $counts $values
    if [ $# -eq 5 ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] && [ "$4" = "$5" ] && [ "$1" -gt 0 ]; then
      echo "ok   seed article (--text, 2023-09-19): $3/$1 spans exact, $5/$4 values exact"
    else
      echo "FAIL seed article (--text, 2023-09-19): gold/found/correct = ${counts:-?}," \
           "values checked/exact = ${values:-?} (expected everything exact)"
      failures=$((failures + 1))
    fi
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures of $((checked + failures)) accuracy checks failed"
  exit 1
fi
if [ "$checked" -eq 0 ]; then
  echo "SKIP: none of the corpora in $FLOORS is present under $CORPORA"
  exit 77
fi
echo "all $checked accuracy checks passed ($skipped skipped)"
exit 0
