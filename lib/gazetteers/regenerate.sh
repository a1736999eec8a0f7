#!/usr/bin/env bash
# Regenerates the generated gazetteers of idner from their source packages:
#
#   nations.tsv       npm cldr-localenames-full  + sources/nations-extra.tsv
#   person-names.tsv  npm @faker-js/faker        + sources/person-names-*.{txt,tsv}
#   stopwords.tsv     npm stopwords-iso
#   common-words.tsv  Debian tesseract-ocr-ind   + sources/common-exclude.txt
#                     (also reads persons.tsv, organizations.tsv, places.tsv:
#                     rerun after editing them)
#   dates-calendar.tsv  sources/calendar/make-calendar.sh: npm
#                     @tabby_ai/hijri-converter + lunar-javascript + the
#                     hand-written sources/calendar/{names,indonesia-official}.tsv
#                     (not a gazetteer: read by the date grammar, lib/calendar.c)
#
# and then runs sources/validate.py over the directory and sources/*.tsv. The hand-written
# files (persons, organizations, org-heads, places, loc-heads, titles,
# not-entities) are edited directly and only validated here.
#
# usage: regenerate.sh           rewrite the generated files in place
#        regenerate.sh --check   regenerate into a temporary directory and
#                                compare byte for byte; exit 1 on a difference
#
# Needs: node >= 20 with npm (packages are installed with pinned versions into
# a temporary prefix, nothing is added to the repository), python3, and the
# Debian packages tesseract-ocr (combine_tessdata, dawg2wordlist) and
# tesseract-ocr-ind at the pinned version. When those are missing the script
# installs them with apt-get, which needs root (or run it once as root).
# Output is deterministic: byte-order sorting, LC_ALL=C, pinned versions.
set -euo pipefail
export LC_ALL=C

CLDR_VERSION=48.2.0
FAKER_VERSION=10.6.0
STOPWORDS_VERSION=1.1.0
TESS_IND_VERSION=1:4.1.0-2

mode=write
case "${1-}" in
  --check) mode=check ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$here/sources
tmp=$(mktemp -d "${TMPDIR:-/tmp}/idner-gaz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
mkdir -p "$out" "$tmp/npm" "$tmp/tess"

# --- Debian: tesseract tools and the Indonesian traineddata ----------------
installed_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
if [ "$(installed_version tesseract-ocr-ind)" != "$TESS_IND_VERSION" ] ||
   ! command -v combine_tessdata >/dev/null || ! command -v dawg2wordlist >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "regenerate.sh: needs tesseract-ocr and tesseract-ocr-ind=$TESS_IND_VERSION;" \
         "run as root to install them with apt-get" >&2
    exit 1
  fi
  echo "== apt-get install tesseract-ocr tesseract-ocr-ind=$TESS_IND_VERSION" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    tesseract-ocr "tesseract-ocr-ind=$TESS_IND_VERSION" >&2
fi
traineddata=$(dpkg -L tesseract-ocr-ind | grep '/ind\.traineddata$' | head -n1)
[ -f "$traineddata" ] || { echo "regenerate.sh: ind.traineddata not found" >&2; exit 1; }

echo "== extracting the word list of $traineddata" >&2
combine_tessdata -u "$traineddata" "$tmp/tess/ind." >"$tmp/tess/log" 2>&1
dawg2wordlist "$tmp/tess/ind.lstm-unicharset" "$tmp/tess/ind.lstm-word-dawg" \
  "$tmp/tess/words.txt" >>"$tmp/tess/log" 2>&1
# all-lower-case alphabetic words, internal hyphens allowed, >= 2 letters
grep -E '^[a-z]+(-[a-z]+)*$' "$tmp/tess/words.txt" |
  awk '{ w = $0; gsub(/-/, "", w); if (length(w) >= 2) print }' |
  sort -u >"$tmp/raw-common.txt"

# --- npm packages, pinned -------------------------------------------------
echo "== npm install (temporary prefix)" >&2
npm install --prefix "$tmp/npm" --no-audit --no-fund --no-package-lock \
  --ignore-scripts --loglevel=error \
  "cldr-localenames-full@$CLDR_VERSION" \
  "@faker-js/faker@$FAKER_VERSION" \
  "stopwords-iso@$STOPWORDS_VERSION" >&2
export IDNER_NPM_PREFIX=$tmp/npm

# --- generate -------------------------------------------------------------
node "$src/gen-stopwords.mjs" "$out/stopwords.tsv"
node "$src/gen-nations.mjs" "$src/sovereign-codes.txt" "$src/nations-extra.tsv" \
  "$out/nations.tsv"
node "$src/gen-person-names.mjs" "$tmp/raw-common.txt" "$src/person-names-review.txt" \
  "$src/person-names-extra.tsv" "$out/person-names.tsv"
node "$src/gen-common-words.mjs" "$tmp/raw-common.txt" "$TESS_IND_VERSION" \
  "$src/common-exclude.txt" "$out/common-words.tsv" \
  "$out/nations.tsv" "$out/person-names.tsv" \
  "$here/persons.tsv" "$here/organizations.tsv" "$here/places.tsv"
# the calendar table of the date grammar (installs its own pinned packages)
"$src/calendar/make-calendar.sh" -o "$out/dates-calendar.tsv"

generated="nations.tsv person-names.tsv stopwords.tsv common-words.tsv dates-calendar.tsv"
status=0
if [ "$mode" = check ]; then
  for f in $generated; do
    if cmp -s "$out/$f" "$here/$f"; then
      echo "same:    $f" >&2
    else
      echo "DIFFERS: $f" >&2
      diff "$here/$f" "$out/$f" | head -n 20 >&2 || true
      status=1
    fi
  done
  handwritten=()
  for f in "$here"/*.tsv; do
    case "${f##*/}" in dates-*) continue ;; esac  # not gazetteers (date grammar)
    case " $generated " in *" ${f##*/} "*) ;; *) handwritten+=("$f") ;; esac
  done
  python3 "$src/validate.py" "$out" "${handwritten[@]}" "$src" >&2 || status=1
else
  for f in $generated; do cp "$out/$f" "$here/$f"; done
  python3 "$src/validate.py" "$here" "$src" >&2 || status=1
fi
exit $status
