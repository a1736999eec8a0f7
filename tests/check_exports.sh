#!/bin/sh
# check_exports.sh LIB — fails (exit 1) if the shared library LIB exports any
# symbol that does not start with "idner_" (ignoring the linker's _init,
# _fini, __bss_start, _edata and _end), or exports no idner_ symbol at all.
set -u
lib=${1:?usage: check_exports.sh path/to/libidner.so}
if [ ! -f "$lib" ]; then
  echo "check_exports: $lib: no such file" >&2
  exit 1
fi
if ! syms=$(nm -D --defined-only "$lib"); then
  echo "check_exports: nm -D --defined-only $lib failed" >&2
  exit 1
fi
# "ADDRESS TYPE NAME[@VERSION]" -> NAME
names=$(printf '%s\n' "$syms" | awk 'NF >= 2 { sub(/@.*/, "", $NF); print $NF }')
offenders=$(printf '%s\n' "$names" |
  grep -v -E '^(idner_.*|_init|_fini|__bss_start|_edata|_end)$' | grep -v '^$' | sort -u)
count=$(printf '%s\n' "$names" | grep -c '^idner_')
if [ -n "$offenders" ]; then
  echo "check_exports: $lib exports symbols outside the idner_ namespace:" >&2
  printf '  %s\n' $offenders >&2
  exit 1
fi
if [ "$count" -eq 0 ]; then
  echo "check_exports: $lib exports no idner_ symbol" >&2
  exit 1
fi
echo "check_exports: $lib exports $count idner_ symbols and nothing else"
