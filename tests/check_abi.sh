#!/usr/bin/env bash
# ABI check of libidner.so against the recorded baselines in tests/abi/
# (docs/abi.md), with Debian's abigail-tools.
#
#   check_abi.sh check SHIPPED_LIB DEBUG_LIB SOURCE_DIR
#   check_abi.sh dump DEBUG_LIB SOURCE_DIR       (writes this version's baseline)
#
# DEBUG_LIB is libidner.so rebuilt from the same sources and flags plus -g
# (tests/CMakeLists.txt, target idner_abi): abidw needs its DWARF. "check"
# first makes sure it exports exactly what SHIPPED_LIB exports, then compares
# it with every baseline of the current SONAME series (tests/abi/libidner-M.m.*.abi):
# removed or changed functions and changed struct layouts fail, added
# functions are reported as compatible. The #define constants, invisible to
# abidiff, are checked against tests/abi/idner-M.m.*.constants: every recorded one
# keeps its value, except the counts and masks that grow with additions.
# Exits 77 when abigail-tools is missing or not on x86_64 (where the
# baselines were recorded).
set -euo pipefail
mode=${1:?usage: check_abi.sh check SHIPPED_LIB DEBUG_LIB SOURCE_DIR | dump DEBUG_LIB SOURCE_DIR}
shift
if ! command -v abidw >/dev/null || ! command -v abidiff >/dev/null; then
  echo "check_abi: abigail-tools (abidw, abidiff) not installed: skipped" >&2
  exit 77
fi
if [ "$(uname -m)" != x86_64 ]; then
  echo "check_abi: the baselines in tests/abi/ were recorded on x86_64, this is $(uname -m): skipped" >&2
  exit 77
fi

# The public ABI only (functions exported, types from include/), with no
# build paths, line numbers or system DT_NEEDED, so a baseline changes only
# when the ABI does.
dump_abi() {  # lib src out
  abidw --headers-dir "$2/include" --drop-private-types --exported-interfaces-only \
    --no-corpus-path --no-comp-dir-path --no-show-locs --no-elf-needed \
    --type-id-style hash --out-file "$3" "$1"
}
# Object-like IDNER_* macros with an integer value, as "NAME VALUE" lines;
# not the version numbers, which change with every release.
dump_constants() {  # src out
  "${CC:-cc}" -std=c11 -E -dM "$1/include/idner.h" |
    awk '$1 == "#define" && $2 ~ /^IDNER_/ && NF == 3 && $3 ~ /^-?(0x[0-9A-Fa-f]+|[0-9]+)u?$/ &&
         $2 !~ /^IDNER_(VERSION_|DATA_FORMAT_VERSION$)/ { print $2, $3 }' | sort >"$2"
}
version() {  # src -> MAJOR.MINOR.PATCH
  local p
  for p in MAJOR MINOR PATCH; do
    sed -n "s/^#define IDNER_VERSION_$p \([0-9][0-9]*\)$/\1/p" "$1/include/idner.h"
  done | paste -sd.
}

if [ "$mode" = dump ]; then
  lib=$1 src=$2
  v=$(version "$src")
  mkdir -p "$src/abi"
  dump_abi "$lib" "$src" "$src/tests/abi/libidner-$v.abi"
  dump_constants "$src" "$src/tests/abi/idner-$v.constants"
  echo "check_abi: wrote tests/abi/libidner-$v.abi and tests/abi/idner-$v.constants"
  exit 0
fi
[ "$mode" = check ] || { echo "check_abi: unknown mode $mode" >&2; exit 2; }

shipped=$1 lib=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
v=$(version "$src")
series=${v%.*}
status=0

# The debug twin must be the shipped library's ABI: same SONAME, same exports.
soname() { readelf -d "$1" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p'; }
exports() { nm -D --defined-only "$1" | awk '{ print $NF }' | sort; }
[ "$(soname "$shipped")" = "$(soname "$lib")" ] ||
  { echo "check_abi: $lib's SONAME differs from $shipped's" >&2; exit 1; }
if ! diff <(exports "$shipped") <(exports "$lib") >"$tmp/exports.diff"; then
  echo "check_abi: the debug twin does not export what the shipped library does:" >&2
  cat "$tmp/exports.diff" >&2
  exit 1
fi

dump_abi "$lib" "$src" "$tmp/current.abi"
dump_constants "$src" "$tmp/current.constants"

shopt -s nullglob
baselines=("$src"/tests/abi/libidner-"$series".*.abi)
if [ ${#baselines[@]} -eq 0 ]; then
  echo "check_abi: no baseline for the $series series (SONAME libidner.so.$series) in tests/abi/:" >&2
  echo "  record it at the release: cmake --build BUILD --target abi-baseline (docs/abi.md)" >&2
  exit 1
fi
for base in "${baselines[@]}"; do
  name=${base##*/}
  # Additions left out, the rest must be empty (exit 0); then the full report.
  rc=0
  abidiff --no-added-syms "$base" "$tmp/current.abi" >"$tmp/report" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "check_abi: INCOMPATIBLE with $name (abidiff exit $rc):" >&2
    cat "$tmp/report" >&2
    status=1
    continue
  fi
  rc=0
  abidiff "$base" "$tmp/current.abi" >"$tmp/report" || rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "check_abi: $v has the ABI of $name"
  elif [ "$rc" -eq 4 ]; then
    echo "check_abi: $v is compatible with $name, with additions:"
    sed 's/^/  /' "$tmp/report"
  else
    echo "check_abi: abidiff exit $rc with additions only? report:" >&2
    cat "$tmp/report" >&2
    status=1
  fi
done

# Constants: each recorded one still defined with the same value; the counts
# and masks that grow as constants are appended may only grow.
constants=("$src"/tests/abi/idner-"$series".*.constants)
if [ ${#constants[@]} -ne ${#baselines[@]} ]; then
  echo "check_abi: ${#baselines[@]} ABI baselines but ${#constants[@]} constants baselines for" \
       "the $series series in tests/abi/: record both (abi-baseline)" >&2
  exit 1
fi
for base in "${constants[@]}"; do
  name=${base##*/} bad=0 grown=""
  while read -r const old; do
    new=$(awk -v n="$const" '$1 == n { print $2 }' "$tmp/current.constants")
    if [ -z "$new" ]; then
      echo "check_abi: $const (in $name) is no longer defined" >&2; bad=1
    elif [ $((${new%u})) -ne $((${old%u})) ]; then
      o=$((${old%u})) n=$((${new%u}))
      case $const in
        IDNER_TYPE_COUNT) [ "$n" -gt "$o" ] && { grown="$grown $const"; continue; } ;;
        IDNER_TYPES_ALL) [ $((n & o)) -eq "$o" ] && { grown="$grown $const"; continue; } ;;
      esac
      echo "check_abi: $const changed from $old ($name) to $new" >&2; bad=1
    fi
  done <"$base"
  if [ "$bad" -eq 0 ]; then
    echo "check_abi: the $(wc -l <"$base") constants of $name keep their values${grown:+ (grown:$grown)}"
  fi
  status=$((status | bad))
done
exit "$status"
