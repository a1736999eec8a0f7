#!/usr/bin/env python3
"""check_api_doc.py — keeps docs/API.md in step with include/idner.h.

Fails (exit 1, one line per problem) when:
  - an IDNER_API function of the header has no "### name" section in API.md,
    or API.md has a "### idner_*" section for a function the header does not
    declare;
  - a section's first ```c block differs from the header's prototype
    (whitespace-normalised; the IDNER_API macro is left out of both);
  - a section lacks its **Thread safety:** or **Errors:** entry;
  - a "#define IDNER_*" constant of the header has no "| `NAME` | value |"
    table row in API.md (macros without a value, IDNER_API and
    IDNER_TYPE_BIT, need only be mentioned), or a row gives a value other
    than the header's, or names a constant the header does not define;
  - a "### struct NAME" table's fields, types, offsets or sizes, or its
    "`sizeof(NAME)` = N" line, differ from the header's struct body and from
    what the compiler lays out (the api_layout program's output).

Usage: check_api_doc.py HEADER API_MD [LAYOUT_PROGRAM]
"""
from __future__ import annotations

import re
import subprocess
import sys

# The include guard is a #define IDNER_* but no part of the API.
NOT_API = {"IDNER_H"}


def strip_comments(src: str) -> str:
    return re.sub(r"/\*.*?\*/", " ", src, flags=re.S)


def normalise(proto: str) -> str:
    p = re.sub(r"\bIDNER_API\b", " ", proto)
    p = re.sub(r"\s+", " ", p).strip().rstrip(";").strip()
    return re.sub(r"\s*([(),*])\s*", r"\1", p)


def header_functions(src: str) -> dict[str, str]:
    code = strip_comments(src)
    # preprocessor lines (with continuations) define IDNER_API itself
    code = re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", code, flags=re.M)
    funcs: dict[str, str] = {}
    for decl in re.findall(r"\bIDNER_API\b([^;]*);", code):
        m = re.search(r"\b(idner_\w+)\s*\(", decl)
        if not m:
            raise SystemExit(f"check_api_doc: cannot parse declaration: {decl.strip()}")
        funcs[m.group(1)] = normalise(decl)
    return funcs


def parse_int(text: str) -> int | None:
    """Value of a simple #define body: integer literals and + - * ( ) only."""
    t = re.sub(r"(?<=[0-9A-Fa-f])[uUlL]+\b", "", text.strip())
    if not re.fullmatch(r"[0-9xXa-fA-F\s+\-*()]+", t):
        return None
    try:
        return int(eval(t, {"__builtins__": {}}))  # digits and operators only
    except (SyntaxError, ValueError):
        return None


def header_constants(src: str) -> dict[str, str]:
    """name -> value text (comments dropped, continuations joined)."""
    code = strip_comments(src).replace("\\\n", " ")
    consts: dict[str, str] = {}
    for name, params, value in re.findall(
            r"^\s*#\s*define\s+(IDNER_\w+)(\([^)]*\))?[ \t]*(.*)$", code, flags=re.M):
        if name not in NOT_API and not params:
            consts.setdefault(name, value.strip())
        elif params:
            consts.setdefault(name, "")
    return consts


def resolve(value: str, consts: dict[str, str], depth: int = 0) -> int | None:
    if depth > 5:
        return None
    expr = re.sub(r"\b(IDNER_\w+)\b",
                  lambda m: f"({resolve(consts.get(m.group(1), 'x'), consts, depth + 1)})",
                  value)
    return parse_int(expr) if "None" not in expr else None


def header_structs(src: str) -> dict[str, list[tuple[str, str, int]]]:
    """struct name -> [(field, type, array length or 1)] in declaration order."""
    code = strip_comments(src)
    structs: dict[str, list[tuple[str, str, int]]] = {}
    for name, body, alias in re.findall(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;",
                                        code, flags=re.S):
        fields = []
        for decl in body.split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            m = re.fullmatch(r"((?:const\s+)?\w+)\s+(.*)", decl)
            if not m:
                raise SystemExit(f"check_api_doc: cannot parse field of {name}: {decl}")
            ctype = m.group(1)
            for item in m.group(2).split(","):
                fm = re.fullmatch(r"\s*(\w+)\s*(?:\[\s*(\d+)\s*\])?\s*", item)
                if not fm:
                    raise SystemExit(f"check_api_doc: cannot parse field of {name}: {item}")
                fields.append((fm.group(1), ctype, int(fm.group(2) or 1)))
        structs[alias] = fields
    return structs


def doc_sections(md: str) -> dict[str, str]:
    """'### heading' -> text up to the next heading of level 1-3."""
    sections: dict[str, str] = {}
    parts = re.split(r"^(#{1,3} .*)$", md, flags=re.M)
    for i in range(1, len(parts), 2):
        sections[parts[i].strip()] = parts[i + 1]
    return sections


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    header = open(argv[1], encoding="utf-8").read()
    md = open(argv[2], encoding="utf-8").read()
    errors: list[str] = []

    funcs = header_functions(header)
    sections = doc_sections(md)
    documented = {h[4:].strip(): body for h, body in sections.items()
                  if re.fullmatch(r"### idner_\w+", h)}
    for name, proto in funcs.items():
        body = documented.get(name)
        if body is None:
            errors.append(f"{name}: declared in the header, no '### {name}' section in API.md")
            continue
        m = re.search(r"```c\n(.*?)```", body, flags=re.S)
        if not m:
            errors.append(f"{name}: its section has no ```c prototype block")
        elif normalise(m.group(1)) != proto:
            errors.append(f"{name}: prototype differs from the header's\n"
                          f"    header: {proto}\n    API.md: {normalise(m.group(1))}")
        for label in ("**Thread safety:**", "**Errors:**"):
            if label not in body:
                errors.append(f"{name}: its section has no {label} entry")
    for name in documented:
        if name not in funcs:
            errors.append(f"{name}: documented in API.md but not declared in the header")

    consts = header_constants(header)
    rows = re.findall(r"^\|\s*`(IDNER_\w+)`\s*\|\s*([^|]+?)\s*\|", md, flags=re.M)
    tabled = {name for name, _ in rows}
    for name, value in consts.items():
        # macros without a value of their own (IDNER_API, IDNER_TYPE_BIT(t))
        # are explained in prose; every other constant has a table row
        macro = name == "IDNER_API" or value == ""
        if macro and not re.search(rf"`{name}(\(|`)", md):
            errors.append(f"{name}: #define in the header, not mentioned in API.md")
        elif not macro and name not in tabled:
            errors.append(f"{name}: #define in the header, no '| `{name}` | value |' row in API.md")
    for name, value in rows:
        if name not in consts:
            errors.append(f"{name}: API.md lists a constant the header does not define")
        elif value.startswith('"'):
            if value != consts[name]:
                errors.append(f"{name}: API.md says {value}, the header {consts[name]}")
        elif parse_int(value) is None or parse_int(value) != resolve(consts[name], consts):
            errors.append(f"{name}: API.md says {value}, the header {consts[name]}")

    structs = header_structs(header)
    layout: dict[str, dict[str, tuple[int, int]]] = {}
    if len(argv) == 4:
        run = subprocess.run([argv[3]], capture_output=True, text=True)
        if run.returncode != 0:
            errors.append(f"{argv[3]} failed ({run.returncode}): {run.stderr.strip()}")
        for line in run.stdout.splitlines():
            s, field, *nums = line.split()
            layout.setdefault(s, {})[field] = (int(nums[0]), int(nums[-1]))
    for sname, fields in structs.items():
        heading = f"### struct {sname}"
        body = sections.get(heading)
        if body is None:
            errors.append(f"{sname}: no '{heading}' section in API.md")
            continue
        frows = re.findall(r"^\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*`(\w+)(?:\[(\d+)\])?`\s*\|"
                          r"\s*`([\w ]+)`\s*\|", body, flags=re.M)
        got = [(f, t, int(n or 1)) for _, _, f, n, t in frows]
        for k in range(max(len(got), len(fields))):
            doc_f = got[k] if k < len(got) else None
            hdr_f = fields[k] if k < len(fields) else None
            if doc_f != hdr_f:
                errors.append(f"{sname}: field {k} is {doc_f} in API.md, {hdr_f} in the header "
                              "(name, type, array length)")
                break
        m = re.search(rf"`sizeof\({sname}\)` = (\d+)", body)
        if not m:
            errors.append(f"{sname}: no '`sizeof({sname})` = N' line in its section")
        if sname in layout or len(argv) == 4:
            real = layout.get(sname, {})
            names = {f for f, _, _ in fields} | {"sizeof"}
            if set(real) != names:
                errors.append(f"{sname}: api_layout prints {sorted(real)}, the header has "
                              f"{sorted(names)} (update tests/api_layout.c)")
            for off, size, f, _, _ in frows:
                if f in real and real[f] != (int(off), int(size)):
                    errors.append(f"{sname}.{f}: API.md says offset {off} size {size}, "
                                  f"the compiler {real[f][0]} and {real[f][1]}")
            if m and "sizeof" in real and real["sizeof"][0] != int(m.group(1)):
                errors.append(f"{sname}: API.md says sizeof {m.group(1)}, "
                              f"the compiler {real['sizeof'][0]}")
    for h in sections:
        hm = re.fullmatch(r"### struct (\w+)", h)
        if hm and hm.group(1) not in structs:
            errors.append(f"{hm.group(1)}: documented in API.md but not a struct of the header")

    for e in errors:
        print(f"api_doc: {e}")
    if not errors:
        print(f"api_doc: ok: {len(funcs)} functions, {len(consts)} constants, "
              f"{len(structs)} structs ({sum(len(f) for f in structs.values())} fields"
              f"{', layout checked' if layout else ''})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
