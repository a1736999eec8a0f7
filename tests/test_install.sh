#!/usr/bin/env bash
# Installed consumers (issue 7). Installs the build into a temporary prefix,
# moves the prefix elsewhere (everything below must work from where it
# lands), checks the installed files, the shared library's SONAME and
# symlink chain and its exports, then builds examples/ out of tree as a
# consumer of the installed idner three ways: CMake find_package(idner) with
# idner::idner, the same with idner::idner_static, and examples/Makefile
# through pkg-config; plus basic.c against the static archive by hand. Every
# program is run: basic must find the nation, each idner-tag and idner-eval
# must print byte for byte what the in-tree ones print.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR IDNER_TAG IDNER_EVAL
set -euo pipefail
build=$1 src=$2 tag_ref=$3 eval_ref=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/staged" >/dev/null
mv "$tmp/staged" "$tmp/prefix"
prefix=$tmp/prefix
so=$(find "$prefix" -name 'libidner.so' | head -n1)
[ -n "$so" ] || fail "no libidner.so under the prefix"
libdir=$(dirname "$so")
echo "ok: installed, moved to $prefix (libdir ${libdir#"$prefix"/})"

# ---- Installed files
for f in include/idner.h "${libdir#"$prefix"/}"/pkgconfig/idner.pc \
         "${libdir#"$prefix"/}"/cmake/idner/idnerConfig.cmake \
         "${libdir#"$prefix"/}"/cmake/idner/idnerConfigVersion.cmake \
         "${libdir#"$prefix"/}"/cmake/idner/idnerTargets.cmake \
         "${libdir#"$prefix"/}"/libidner.a; do
  [ -f "$prefix/$f" ] || fail "$f not installed"
done
cmp -s "$prefix/include/idner.h" "$src/include/idner.h" || fail "installed idner.h differs from include/idner.h"
echo "ok: header, static library, idner.pc, idnerConfig.cmake, idnerConfigVersion.cmake, idnerTargets.cmake"

# ---- SONAME and the libidner.so -> .so.M.m -> .so.M.m.p chain; the version
# comes from the installed header (CMakeLists.txt: SOVERSION MAJOR.MINOR).
ver() { sed -n "s/^#define IDNER_VERSION_$1 \([0-9][0-9]*\)$/\1/p" "$prefix/include/idner.h"; }
major=$(ver MAJOR) minor=$(ver MINOR) patch=$(ver PATCH)
soname=libidner.so.$major.$minor real=libidner.so.$major.$minor.$patch
got=$(readelf -d "$libdir/$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
[ "$got" = "$soname" ] || fail "SONAME of $real is '$got', expected $soname"
[ "$(readlink "$libdir/libidner.so")" = "$soname" ] || fail "libidner.so does not point to $soname"
[ "$(readlink "$libdir/$soname")" = "$real" ] || fail "$soname does not point to $real"
if [ ! -f "$libdir/$real" ] || [ -L "$libdir/$real" ]; then fail "$real is not a regular file"; fi
echo "ok: SONAME $soname; libidner.so -> $soname -> $real"
sh "$src/tests/check_exports.sh" "$libdir/$real" >/dev/null || fail "installed library exports more than idner_*"
echo "ok: the installed $real exports only idner_* symbols"

# ---- Relocatable .pc: no absolute path in it, prefix follows the file.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
if grep -E -q '(=|-I|-L)/' "$libdir/pkgconfig/idner.pc"; then fail "idner.pc holds an absolute path"; fi
pc_prefix=$(pkg-config --variable=prefix idner)
[ "$(cd "$pc_prefix" && pwd -P)" = "$(cd "$prefix" && pwd -P)" ] ||
  fail "idner.pc's prefix is $pc_prefix, not the moved prefix $prefix"
echo "ok: idner.pc relocatable (prefix $pc_prefix)"

# ---- Consumer builds, from a copy of examples/ outside the source tree.
cp -R "$src/examples" "$tmp/examples"
cmake -S "$tmp/examples" -B "$tmp/cm-shared" -DCMAKE_PREFIX_PATH="$prefix" -DIDNER_WERROR=ON >/dev/null
cmake --build "$tmp/cm-shared" -j2 >/dev/null
echo "ok: examples/CMakeLists.txt, find_package(idner) with idner::idner"
cmake -S "$tmp/examples" -B "$tmp/cm-static" -DCMAKE_PREFIX_PATH="$prefix" -DIDNER_WERROR=ON \
  -DIDNER_EXAMPLES_STATIC=ON >/dev/null
cmake --build "$tmp/cm-static" -j2 >/dev/null
echo "ok: examples/CMakeLists.txt, find_package(idner) with idner::idner_static"
mkdir "$tmp/mk"
(cd "$tmp/mk" && make -s -f "$tmp/examples/Makefile" SRC="$tmp/examples" WERROR=-Werror \
   LDFLAGS="-Wl,-rpath,$libdir" >/dev/null)
echo "ok: examples/Makefile, pkg-config --cflags --libs idner"
# shellcheck disable=SC2046
cc -std=c11 "$src/examples/basic.c" -o "$tmp/mk/basic-pc-static" $(pkg-config --cflags idner) \
  "$libdir/libidner.a" $(pkg-config --libs libutf8proc libpcre2-8) -lm -pthread
echo "ok: basic.c with pkg-config --cflags idner and libidner.a"

# Shared consumers load the installed library, static ones none.
linked() {  # program shared|static
  local lib
  lib=$(ldd "$1" | awk '$1 ~ /^libidner\.so/ { print $3 }')
  if [ "$2" = static ]; then
    [ -z "$lib" ] || fail "$1 is meant to be static but loads $lib"
  else
    if [ -z "$lib" ] || [ "$(cd "$(dirname "$lib")" && pwd -P)" != "$(cd "$libdir" && pwd -P)" ]; then
      fail "$1 loads '${lib:-no libidner}', not the installed one in $libdir"
    fi
  fi
}

# ---- Run them. Inputs: the seed article as text, and as JSON Lines
# (one document per line, each with its own doc_date).
seed=$src/examples/seed.txt
"${PYTHON:-python3}" - "$seed" >"$tmp/seed.jsonl" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
for i, line in enumerate(lines):
    print(json.dumps({"id": f"p{i}", "text": line, "doc_date": f"2023-09-{10 + i % 20:02d}"},
                     ensure_ascii=False))
PY
[ -s "$tmp/seed.jsonl" ] || fail "no JSON Lines input made"
# Gold for idner-eval: the rules-only tagging, so the scores are not all 100%.
"$tag_ref" --no-model --date 2023-09-19 --format conll "$seed" >"$tmp/gold.conll"

tag_runs() {  # idner-tag -> the outputs of the compared runs, one file
  "$1" --date 2023-09-19 --format jsonl "$seed"
  "$1" --date 2023-09-19 --format text "$seed"
  "$1" --input jsonl --format jsonl "$tmp/seed.jsonl"
  "$1" --version
}
eval_run() { "$1" "$tmp/gold.conll" | grep -v ' analyzed in '; }
tag_runs "$tag_ref" >"$tmp/tag.ref"
eval_run "$eval_ref" >"$tmp/eval.ref"
if ! grep -q '"entities"' "$tmp/tag.ref" || ! grep -q '^processed ' "$tmp/eval.ref"; then
  fail "the in-tree reference outputs look wrong"
fi

for variant in cm-shared:shared cm-static:static mk:shared; do
  dir=$tmp/${variant%%:*} kind=${variant#*:}
  for p in idner-basic idner-tag idner-eval; do
    [ -x "$dir/$p" ] || fail "$variant: $p not built"
    linked "$dir/$p" "$kind"
  done
  out=$("$dir/idner-basic")
  grep -q $'^NAT  China  = CN$' <<<"$out" || fail "$variant: idner-basic printed: $out"
  tag_runs "$dir/idner-tag" >"$tmp/tag.out"
  cmp -s "$tmp/tag.ref" "$tmp/tag.out" || { diff "$tmp/tag.ref" "$tmp/tag.out" | head; fail "$variant: idner-tag output differs"; }
  eval_run "$dir/idner-eval" >"$tmp/eval.out"
  cmp -s "$tmp/eval.ref" "$tmp/eval.out" || fail "$variant: idner-eval output differs"
  echo "ok: ${variant%%:*} ($kind): idner-basic finds the nation; idner-tag ($(wc -c <"$tmp/tag.ref") bytes) and idner-eval identical to in-tree"
done
linked "$tmp/mk/basic-pc-static" static
grep -q $'^NAT  China  = CN$' <<<"$("$tmp/mk/basic-pc-static")" || fail "basic-pc-static"
echo "ok: basic.c linked with libidner.a finds the nation"
