#!/usr/bin/env python3
"""check_man_page.py — keeps docs/idner-tag.1 in step with idner-tag --help.

Fails (exit 1) when an option printed by "idner-tag --help" is missing from
the man page, when the man page documents a long option that --help does not
print, or when groff reports any warning rendering the page
(groff -man -Tutf8 -ww -z). Skips (exit 77) when groff is not installed
(Debian package groff-base).

Usage: check_man_page.py IDNER_TAG MAN_PAGE
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

OPTION = r"(?<![\w-])(--?[A-Za-z][\w-]*)"


def help_options(exe: str) -> set[str]:
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True).stdout
    opts: set[str] = set()
    for line in out.splitlines():
        # an option line: indented, a dash, then the option column up to
        # two spaces ("  -j, --jobs N               analyze ...")
        if re.match(r"^\s+-", line):
            opts.update(re.findall(OPTION, line.strip().split("  ")[0]))
    return opts


def man_text(path: str) -> str:
    """The page's source with roff escapes that touch options undone."""
    src = open(path, encoding="utf-8").read()
    src = re.sub(r"^\.\\\".*$", "", src, flags=re.M)  # comments
    src = src.replace("\\-", "-")
    src = re.sub(r"\\f(\[\w*\]|\(\w\w|\w)", "", src)   # font changes
    return src


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    exe, page = argv[1], argv[2]
    errors: list[str] = []
    opts = help_options(exe)
    if not opts:
        errors.append(f"{exe} --help printed no options (parser out of date?)")
    text = man_text(page)
    for opt in sorted(opts):
        if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text):
            errors.append(f"{opt}: printed by idner-tag --help, missing from {page}")
    for opt in sorted(set(re.findall(r"(?<![\w-])(--[A-Za-z][\w-]*)", text)) - opts):
        errors.append(f"{opt}: in {page}, not printed by idner-tag --help")

    groff = shutil.which("groff")
    if groff is None:
        for e in errors:
            print(f"man_page: {e}")
        print("man_page: groff not found (Debian package groff-base): page not rendered, "
              "skipping")
        return 1 if errors else 77
    run = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", page],
                         capture_output=True, text=True)
    if run.returncode != 0 or run.stderr.strip():
        errors.append(f"groff -man -Tutf8 -ww -z (exit {run.returncode}):\n{run.stderr.rstrip()}")

    for e in errors:
        print(f"man_page: {e}")
    if not errors:
        print(f"man_page: ok: {len(opts)} options ({', '.join(sorted(opts))}), "
              "groff renders it without warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
