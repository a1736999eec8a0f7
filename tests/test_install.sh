#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds examples/basic.c out
# of tree against it three ways: pkg-config, find_package(idner) with the
# shared library, and find_package with idner::idner_static. Each program
# must run and find the nation in its sentence.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(dirname "$(find "$tmp/prefix" -name 'libidner.so' | head -n1)")

check_run() {  # program label
  out=$("$1")
  grep -q $'^NAT  China  = CN$' <<<"$out" || { echo "FAIL ($2): unexpected output:"; echo "$out"; exit 1; }
  echo "ok: $2"
}

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 "$src/examples/basic.c" -o "$tmp/basic-pc" $(pkg-config --cflags --libs idner) \
  -Wl,-rpath,"$libdir"
check_run "$tmp/basic-pc" "pkg-config idner"
# shellcheck disable=SC2046
cc -std=c11 "$src/examples/basic.c" -o "$tmp/basic-pc-static" $(pkg-config --cflags idner) \
  "$libdir/libidner.a" $(pkg-config --libs libutf8proc libpcre2-8) -lm
check_run "$tmp/basic-pc-static" "pkg-config, static archive"

mkdir -p "$tmp/consumer"
cp "$src/examples/basic.c" "$tmp/consumer/"
cat >"$tmp/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(idner_consumer C)
find_package(idner 0.1 REQUIRED)
add_executable(basic_shared basic.c)
target_link_libraries(basic_shared PRIVATE idner::idner)
add_executable(basic_static basic.c)
target_link_libraries(basic_static PRIVATE idner::idner_static)
CM
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
check_run "$tmp/consumer/build/basic_shared" "find_package(idner), idner::idner"
check_run "$tmp/consumer/build/basic_static" "find_package(idner), idner::idner_static"
