#!/usr/bin/env bash
# Rebuilds lib/gazetteers/dates-calendar.tsv (Hijri month names and month starts,
# holiday names and dates; format at the top of that file) from:
#
#   npm @tabby_ai/hijri-converter   Umm al-Qura month starts (MIT)
#   npm lunar-javascript            Chinese New Year (Imlek) for years without a decree (MIT)
#   names.tsv                       hand-written month and holiday names, holiday rules
#   indonesia-official.tsv          hand-written official Indonesian dates (decrees)
#
# usage: make-calendar.sh             rewrite ../../dates-calendar.tsv
#        make-calendar.sh --check     generate into a temporary file and compare byte for
#                                     byte; exit 1 on a difference
#        make-calendar.sh -o FILE     write FILE instead (used by ../../regenerate.sh)
#
# Needs node >= 20 with npm. The packages are installed with pinned versions into a
# temporary prefix; nothing is added to the repository. Output is deterministic.
set -euo pipefail
export LC_ALL=C

HIJRI_CONVERTER_VERSION=1.0.5
LUNAR_JAVASCRIPT_VERSION=1.7.7

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=$here/../../dates-calendar.tsv
mode=write
case "${1-}" in
  --check) mode=check ;;
  -o) [ $# -eq 2 ] || { echo "usage: $0 [--check | -o FILE]" >&2; exit 2; }
      target=$2 ;;
  "") ;;
  *) echo "usage: $0 [--check | -o FILE]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/idner-cal.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/npm"

echo "== npm install (temporary prefix)" >&2
npm install --prefix "$tmp/npm" --no-audit --no-fund --no-package-lock \
  --ignore-scripts --loglevel=error \
  "@tabby_ai/hijri-converter@$HIJRI_CONVERTER_VERSION" \
  "lunar-javascript@$LUNAR_JAVASCRIPT_VERSION" >&2
export IDNER_NPM_PREFIX=$tmp/npm

node "$here/gen-calendar.mjs" "$here/names.tsv" "$here/indonesia-official.tsv" \
  "$tmp/dates-calendar.tsv"

if [ "$mode" = check ]; then
  if cmp -s "$tmp/dates-calendar.tsv" "$target"; then
    echo "same:    dates-calendar.tsv" >&2
  else
    echo "DIFFERS: dates-calendar.tsv" >&2
    diff "$target" "$tmp/dates-calendar.tsv" | head -n 20 >&2 || true
    exit 1
  fi
else
  cp "$tmp/dates-calendar.tsv" "$target"
fi
