#!/bin/sh
# alloc-sites.sh — maps the library call sites that test_alloc_fail reached
# (its --sites file) to source lines, and compares them with the allocation
# sites found by grep in lib/*.c (direct allocator calls, the growable-array
# helpers, and the PCRE2 and libc calls that allocate), excluding
# lib/common.c (the helpers themselves) and lib/train.c (idner-train only).
# Needs a test binary built with -g (e.g. -DCMAKE_C_FLAGS=-g) and addr2line.
# Usage: alloc-sites.sh TEST_BINARY SITES_FILE SOURCE_DIR
set -eu
bin=$1 sites=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# reached: the innermost source line of each library frame (addr2line -i
# prints the inline chain innermost first), one address at a time
for a in $(awk -F'\t' '$1 == "lib" { print $3 }' "$sites"); do
  addr2line -i -e "$bin" "$a" | head -n 1
done | sed 's|.*/lib/|lib/|; s| (discriminator.*||' | sort -u > "$tmp/reached"

cd "$src"
for f in lib/*.c; do
  case $f in lib/common.c|lib/train.c) continue ;; esac
  grep -noE '\b(malloc|calloc|realloc|strdup|strndup|aligned_alloc|posix_memalign|IDNER__RESERVE|idner__grow|idner__bytes_append|pcre2_compile|pcre2_jit_compile|pcre2_match_data_create|pcre2_match_context_create|pcre2_serialize_decode|opendir|fopen|qsort)[[:space:]]*\(' "$f" |
    sed "s|^|$f:|"
done > "$tmp/calls"
cut -d: -f1,2 "$tmp/calls" | sort -u > "$tmp/lines"

echo "allocation calls in lib/*.c (grep): $(wc -l < "$tmp/calls") on $(wc -l < "$tmp/lines") lines"
echo "library frames reached (source lines): $(wc -l < "$tmp/reached")"
echo "grep lines reached: $(comm -12 "$tmp/reached" "$tmp/lines" | wc -l)"
echo "reached lines not in the grep list:"
comm -23 "$tmp/reached" "$tmp/lines" | while read -r l; do
  printf '  %s: %s\n' "$l" "$(sed -n "${l#*:}p" "${l%:*}" | sed 's/^ *//')"
done
echo "grep lines not reached:"
comm -13 "$tmp/reached" "$tmp/lines" | while read -r l; do
  printf '  %s: %s\n' "$l" "$(sed -n "${l#*:}p" "${l%:*}" | sed 's/^ *//')"
done
