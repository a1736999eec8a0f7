#!/usr/bin/python3
"""test_dask.py — examples/python/idner_dask.py on a 2-worker LocalCluster against idner-tag.

A JSONL file made of the seed article's paragraphs (as documents with string, numeric and
missing ids, with and without doc_date, between blank, CRLF and BOM lines; two with
invalid UTF-8) and, when IDNER_SHARED_DIR has the corpora, a few hundred corpus
documents (tests/bench/corpus_jsonl.py), is tagged by the recipe's CLI in several partitions and by
`idner-tag --input jsonl --format jsonl`; the outputs must parse equal per id, every id
exactly once, and also be the same bytes once the part files are concatenated. Then once
with --date and --types, and once with an invalid line, which must fail the job naming
that line. Exits 77 (skipped) when dask/distributed or the idner package
(examples/python/idner) cannot be imported, unless IDNER_REQUIRE_DASK=1 (then it fails).
Works under the ASan build too (the runtime preloaded into Python and the workers).

Usage: test_dask.py IDNER_TAG  (env as the other Python tests: IDNER_LIBRARY,
IDNER_SOURCE_DIR, IDNER_SHARED_DIR)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

SOURCE = os.environ.get("IDNER_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("IDNER_SHARED_DIR", os.path.join(SOURCE, "..", "shared"))
CORPUS_DOCS = 300

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
except ImportError as e:
    if os.environ.get("IDNER_REQUIRE_DASK") == "1":
        print(f"test_dask: FAIL: dask is required (IDNER_REQUIRE_DASK=1): {e}")
        sys.exit(1)
    print(f"test_dask: skipped: dask/distributed not importable ({e}); "
          "install python3-dask python3-distributed")
    sys.exit(77)

failures = 0


def check(cond: bool, what: str) -> None:
    global failures
    if not cond:
        failures += 1
        print(f"FAIL: {what}")


def seed_lines() -> list[str]:
    """The seed paragraphs as JSONL lines covering idner-tag's input rules."""
    with open(os.path.join(SOURCE, "examples", "seed.txt"), encoding="utf-8") as f:
        paras = [p for p in f.read().split("\n") if p.strip()]
    lines = []
    for i, text in enumerate(paras):
        obj: dict[str, Any] = {"text": text}
        kind = i % 5
        if kind == 1:
            obj["id"] = f"seed-{i}"
        elif kind == 2:
            obj["id"] = 1000 + i
        elif kind == 3:
            obj = {"id": None, "text": text, "doc_date": "2023-09-19"}  # id: line number
        elif kind == 4:
            obj = {"doc_date": None, "id": f"séed “{i}”\u2028", "text": text}
        lines.append(json.dumps(obj, ensure_ascii=i % 2 == 0))
    # Numbers are kept as written; a document whose date makes relative dates resolve.
    lines.append('{"id": 2.50, "text": "Rapat digelar kemarin, Selasa (19/9/2023), di Jakarta.",'
                 ' "doc_date": "2023-09-20"}')
    lines.append('{"id": -7e1, "text": "Presiden Joko Widodo tiba di Bandung pukul 09.00 WIB."}')
    return lines


def build_input(path: str, corpus: list[str]) -> int:
    """Writes the test file (BOM, CRLF and blank lines included); returns its documents."""
    seed = seed_lines()
    # Invalid UTF-8, which idner-tag passes on to the tolerant library (each byte one
    # character, written back as \ufffd), next to a \u escaped NUL and a surrogate pair.
    raw = [b'{"id": "x\xfe\xc3y", "text": "\xff Joko Widodo \xe2\x82 tiba di Jakarta"}',
           b'{"id": "\\ud83d\\ude00\xff", "text": "Joko\\u0000 Widodo \x80 di Bandung"}']
    # Some corpus documents without id, so later partitions need the right line numbers.
    corpus = [line if i % 10 != 4 else json.dumps({"text": json.loads(line)["text"]})
              for i, line in enumerate(corpus)]
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf")
        for i, line in enumerate([x.encode("utf-8") for x in seed] + raw +
                                 [x.encode("utf-8") for x in corpus]):
            f.write(line + (b"\r\n" if i % 7 == 3 else b"\n"))
            if i % 11 == 5:
                f.write(b"\n" if i % 2 else b" \t \n")
    return len(seed) + len(raw) + len(corpus)


def corpus_lines(tmp: str) -> list[str]:
    if not os.path.isdir(os.path.join(SHARED, "corpora")):
        print(f"test_dask: no corpora under {SHARED}: seed documents only")
        return []
    out = os.path.join(tmp, "corpus.jsonl")
    subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "bench", "corpus_jsonl.py"),
                    SHARED, out, "--docs", str(CORPUS_DOCS)], check=True)
    with open(out, encoding="utf-8") as f:
        return f.read().splitlines()


def raw(s: str) -> str:
    return "#" + s  # numbers compared as written


def parse_output(text: str, what: str) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for line in text.splitlines():
        obj = json.loads(line, parse_int=raw, parse_float=raw)
        key = json.dumps(obj["id"])
        check(key not in by_id, f"{what}: id {key} written twice")
        by_id[key] = obj
    return by_id


def recipe_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (os.path.join(SOURCE, "examples", "python"), os.environ.get("PYTHONPATH")) if p)
    return env


def run_recipe(inp: str, out_dir: str, *extra: str) -> subprocess.CompletedProcess:
    env = recipe_env()
    cmd = [sys.executable, os.path.join(SOURCE, "examples", "python", "idner_dask.py"),
           "--local", "2", *extra, inp, out_dir]
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    print(f"test_dask: {' '.join(extra)} -> exit {p.returncode} in {time.monotonic() - t0:.1f} s; "
          f"{p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ''}")
    return p


def compare(idner_tag: str, inp: str, out_dir: str, n_docs: int, blocksize: int,
            *extra: str) -> None:
    what = " ".join(extra) or "default options"
    p = run_recipe(inp, out_dir, "--blocksize", str(blocksize), *extra)
    check(p.returncode == 0, f"{what}: recipe failed: {p.stderr[-3000:]}")
    if p.returncode != 0:
        return
    parts = sorted(f for f in os.listdir(out_dir) if f.startswith("part-"))
    check(len(parts) >= 4, f"{what}: {len(parts)} part files, expected several")
    check(all(f.endswith(".jsonl") for f in parts), f"{what}: leftover files {parts}")
    got_text = "".join(open(os.path.join(out_dir, f), encoding="utf-8").read() for f in parts)
    with open(os.path.join(out_dir, "_SUCCESS"), encoding="utf-8") as f:
        stats = json.load(f)
    check(stats["workers"] == 2, f"{what}: {stats['workers']} workers")
    check(stats["docs"] == n_docs, f"{what}: {stats['docs']} documents, expected {n_docs}")
    check(max(stats["models_per_worker"]) == 1,
          f"{what}: models loaded per worker {stats['models_per_worker']}, expected at most 1")
    ref = subprocess.run([idner_tag, "--input", "jsonl", "--format", "jsonl", *extra, inp],
                         capture_output=True, text=True, check=True).stdout
    want = parse_output(ref, f"{what}: idner-tag")
    got = parse_output(got_text, f"{what}: recipe")
    check(len(want) == n_docs, f"{what}: idner-tag wrote {len(want)} documents, expected {n_docs}")
    check(set(got) == set(want), f"{what}: ids differ: missing {sorted(set(want) - set(got))[:5]}, "
          f"extra {sorted(set(got) - set(want))[:5]}")
    diff = [k for k in want if k in got and got[k] != want[k]]
    check(not diff, f"{what}: {len(diff)} documents differ, first {diff[:3]}")
    if diff:
        print("  idner-tag:", json.dumps(want[diff[0]], ensure_ascii=False)[:600])
        print("  recipe:   ", json.dumps(got[diff[0]], ensure_ascii=False)[:600])
    n_ents = sum(len(v["entities"]) for v in want.values())
    check(n_ents > n_docs, f"{what}: only {n_ents} entities in {n_docs} documents")
    check(got_text == ref, f"{what}: concatenated part files differ from idner-tag's bytes")
    print(f"test_dask: {what}: {len(got)} documents, {n_ents} entities, {len(parts)} parts: "
          f"{'same' if not diff else 'DIFFERENT'}")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    idner_tag = sys.argv[1]
    # The recipe needs the idner package (examples/python/idner); until it is in the
    # tree, skip like a missing dask (PYTHONPATH may point at another copy of it).
    probe = subprocess.run([sys.executable, "-c", "import idner"], env=recipe_env(),
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"test_dask: the idner package is not importable: {probe.stderr.strip()[-300:]}")
        return 1 if os.environ.get("IDNER_REQUIRE_DASK") == "1" else 77
    with tempfile.TemporaryDirectory(prefix="idner-dask-") as tmp:
        inp = os.path.join(tmp, "in.jsonl")
        n_docs = build_input(inp, corpus_lines(tmp))
        size = os.path.getsize(inp)
        blocksize = max(size // 6, 256)  # several partitions, some cut mid-file
        compare(idner_tag, inp, os.path.join(tmp, "out1"), n_docs, blocksize)
        compare(idner_tag, inp, os.path.join(tmp, "out2"), n_docs, blocksize,
                "--date", "2024-02-29", "--types", "PER,DATE,TIME", "--no-model")

        # An invalid line fails the job, naming the file and line, like idner-tag.
        bad = os.path.join(tmp, "bad.jsonl")
        with open(inp, "rb") as src, open(bad, "wb") as dst:
            lines = src.read().split(b"\n")
            bad_line = len(lines) * 2 // 3
            lines[bad_line - 1] = b'{"id": "broken", "text": "Joko Widodo",}'
            dst.write(b"\n".join(lines))
        p = run_recipe(bad, os.path.join(tmp, "out3"), "--blocksize", str(blocksize))
        check(p.returncode == 1, f"invalid line: exit {p.returncode}, expected 1")
        check(f"{bad}:{bad_line}: invalid JSON" in p.stderr,
              f"invalid line: no '{bad}:{bad_line}: invalid JSON' in {p.stderr[-2000:]!r}")
        check(not os.path.exists(os.path.join(tmp, "out3", "_SUCCESS")), "invalid line: _SUCCESS written")
        ref = subprocess.run([idner_tag, "--input", "jsonl", "--format", "jsonl", bad],
                             capture_output=True, text=True)
        check(ref.returncode == 1 and f":{bad_line}: invalid JSON" in ref.stderr,
              f"idner-tag on the invalid line: {ref.returncode} {ref.stderr!r}")
    print("test_dask: " + ("FAILED" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
