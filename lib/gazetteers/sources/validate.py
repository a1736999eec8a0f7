#!/usr/bin/env python3
"""Check idner gazetteer files against docs/gazetteers.md (format version 1).

usage: validate.py [FILE.tsv | DIR]...   (default: the directory above this one)

Errors (exit status 1): a first line other than "# idner-gazetteer 1", invalid
UTF-8, a CR, a line over 4096 bytes, a data line without 2-4 TAB-separated
fields, an empty field or one with surrounding whitespace, an unknown class, a
NAT row without an upper-case two-letter code, a flag other than cs/ambig (or a
repeated one), a repeated (surface, class) pair in a file, or two surfaces of
one class in a file that differ only in case unless both are flagged cs.
Warnings (reported, exit status 0): the same surface, compared ignoring case,
with two different entity classes (PER NAT ORG LOC NONE) across the files.
A directory's dates-*.tsv files are not gazetteers (dates-calendar.tsv belongs to
the date grammar and is checked by its generator and the C parser): skipped.
"""
import os
import re
import sys

FORMAT_LINE = "# idner-gazetteer 1"
CLASSES = {"PER", "NAT", "ORG", "LOC", "GIVEN", "SURNAME", "TITLE", "DEGREE",
           "ORG_HEAD", "ORG_TAIL", "LOC_HEAD", "COMMON", "STOP", "NONE"}
ENTITY = {"PER", "NAT", "ORG", "LOC", "NONE"}
FLAGS = {"cs", "ambig"}
MAX_LINE = 4096


def check_file(path, errors, entity_index):
    def err(lineno, msg):
        errors.append(f"{path}:{lineno}: {msg}")

    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        err(data.count(b"\n") + 1, "no newline at end of file")
    seen = {}
    folded = {}
    count = 0
    for lineno, raw in enumerate(data.split(b"\n")[:-1] if data.endswith(b"\n")
                                 else data.split(b"\n"), 1):
        if len(raw) > MAX_LINE:
            err(lineno, f"line of {len(raw)} bytes (max {MAX_LINE})")
        try:
            line = raw.decode("utf-8", errors="strict")
        except UnicodeDecodeError as e:
            err(lineno, f"invalid UTF-8: {e}")
            continue
        if "\r" in line:
            err(lineno, "carriage return")
        if lineno == 1:
            if line != FORMAT_LINE:
                err(1, f"first line must be '{FORMAT_LINE}'")
            continue
        if line == "" or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not 2 <= len(fields) <= 4:
            err(lineno, f"{len(fields)} fields (need 2-4)")
            continue
        if any(fl == "" for fl in fields):
            err(lineno, "empty field")
            continue
        if any(fl != fl.strip() for fl in fields):
            err(lineno, "field with surrounding whitespace")
        surface, cls = fields[0], fields[1]
        value = fields[2] if len(fields) > 2 else ""
        flags = fields[3].split(",") if len(fields) > 3 else []
        if cls not in CLASSES:
            err(lineno, f"unknown class {cls!r}")
        if cls == "NAT" and not re.fullmatch(r"[A-Z]{2}", value):
            err(lineno, f"NAT needs an ISO alpha-2 value, got {value!r}")
        for fl in flags:
            if fl not in FLAGS:
                err(lineno, f"unknown flag {fl!r}")
        if len(set(flags)) != len(flags):
            err(lineno, "repeated flag")
        key = (surface, cls)
        fkey = (surface.casefold(), cls)
        cs = "cs" in flags
        if key in seen:
            err(lineno, f"duplicate {surface!r} {cls} (first at line {seen[key]})")
        elif fkey in folded and not (cs and folded[fkey][1]):
            err(lineno, f"{surface!r} {cls} differs only in case from line "
                f"{folded[fkey][0]} (flag both cs, or drop one)")
        seen.setdefault(key, lineno)
        folded.setdefault(fkey, (lineno, cs))
        if cls in ENTITY:
            entity_index.setdefault((surface.casefold(), cs and surface), set()).add(
                (cls, os.path.basename(path)))
        count += 1
    return count


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    targets = argv or [os.path.dirname(here)]
    files = []
    for t in targets:
        if os.path.isdir(t):
            files += sorted(os.path.join(t, n) for n in os.listdir(t)
                            if n.endswith(".tsv") and not n.startswith("dates-"))
        else:
            files.append(t)
    errors, index = [], {}
    total = 0
    for path in files:
        n = check_file(path, errors, index)
        total += n
        print(f"{n:7d}  {os.path.basename(path)}")
    warnings = []
    for (surface, _), where in sorted(index.items()):
        if len({c for c, _ in where}) > 1:
            warnings.append(f"warning: {surface!r} has classes " +
                            ", ".join(f"{c} ({f})" for c, f in sorted(where)))
    for w in warnings:
        print(w)
    for e in errors:
        print(e, file=sys.stderr)
    print(f"{total} entries in {len(files)} files: {len(errors)} errors, "
          f"{len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
