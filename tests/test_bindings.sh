#!/usr/bin/env bash
# test_bindings.sh — builds and runs the Rust and Go demos of docs/bindings.md
# (docs/bindings/idner_demo.rs, idner_demo.go) against this build, so the
# bindings guide's code keeps compiling and giving the right entities.
# Each language runs when its compiler is there (Debian: rustc, golang-go;
# CI installs both) and is skipped with a message otherwise; with neither
# the test exits 77. The Java demo needs JDK 22+ (java.lang.foreign), which
# Debian 12 does not ship: it is not run here.
# Usage: test_bindings.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ran=0 failed=0

expect() {  # expect LABEL OUTPUT_FILE: the demo's entities of its sample sentences
  local label=$1 out=$2 bad=0
  for want in '^NAT +"China" .*CN$' '^PER +"Wang Yi" ' '^DATE +"Selasa \(19/9/2023\)" .*2023-09-19$' \
              '^DATE +"kemarin" .*2023-09-18$'; do
    grep -Eq "$want" "$out" || { echo "FAIL ($label): no line matching /$want/"; bad=1; }
  done
  if [ "$bad" -ne 0 ]; then sed 's/^/  | /' "$out"; failed=1; else echo "ok: $label"; fi
}

# Rust: extern "C" + #[repr(C)] mirrors, linked to the shared library.
rustc=$(command -v rustc || true)
if [ -n "$rustc" ]; then
  ran=1
  if "$rustc" --edition 2021 -O -L "$build" "$src/docs/bindings/idner_demo.rs" \
       -o "$tmp/rs-demo" >"$tmp/rs-build" 2>&1 &&
     LD_LIBRARY_PATH="$build" "$tmp/rs-demo" >"$tmp/rs-out" 2>&1; then
    expect "Rust ($("$rustc" --version))" "$tmp/rs-out"
    grep -q "error -2 as expected" "$tmp/rs-out" || { echo "FAIL (Rust): no error -2 line"; failed=1; }
  else
    echo "FAIL (Rust): build or run failed:"; cat "$tmp/rs-build" "$tmp/rs-out" 2>/dev/null; failed=1
  fi
else
  echo "skip: Rust (no rustc; apt-get install rustc)"
fi

# Go: cgo with `#cgo pkg-config: idner`, against an installed copy of this build.
go=$(command -v go || true)
if [ -n "$go" ]; then
  ran=1
  cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
  pc=$(dirname "$(find "$tmp/prefix" -name idner.pc | head -n1)")
  mkdir -p "$tmp/go" && cp "$src/docs/bindings/idner_demo.go" "$tmp/go/"
  if (cd "$tmp/go" && HOME=$tmp GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GOFLAGS= \
        PKG_CONFIG_PATH=$pc CGO_LDFLAGS="-Wl,-rpath,$(dirname "$pc")" \
        "$go" run idner_demo.go) >"$tmp/go-out" 2>&1; then
    expect "Go ($("$go" version))" "$tmp/go-out"
  else
    echo "FAIL (Go): build or run failed:"; cat "$tmp/go-out"; failed=1
  fi
else
  echo "skip: Go (no go; apt-get install golang-go)"
fi

if [ "$ran" -eq 0 ]; then
  echo "test_bindings: neither rustc nor go found: skipped"
  exit 77
fi
exit "$failed"
