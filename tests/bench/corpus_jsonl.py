#!/usr/bin/python3
"""corpus_jsonl.py — builds idner-tag --input jsonl documents from the shared CoNLL corpora.

The token column of every CoNLL file under SHARED_DIR/corpora (sorted), tokens joined by
spaces into sentences, sentences joined by newlines into documents of about 4 KB (a
file's end ends a document), as tests/test_threads.c does. Used by tests/test_dask.py and
tests/bench/dask-scaling.sh.

Usage: corpus_jsonl.py SHARED_DIR OUT.jsonl [--docs N] [--min-mb X]
  --docs N    at most N documents, spread evenly over all of them
  --min-mb X  repeat the documents (with new ids) until the file holds X MB
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Iterator

DOC_BYTES = 4096


def conll_files(shared_dir: str) -> list[str]:
    root = os.path.join(shared_dir, "corpora")
    found = []
    for dirpath, _, files in os.walk(root):
        found += [os.path.join(dirpath, f) for f in files if f.endswith(".conll")]
    return sorted(found)


def file_documents(path: str) -> Iterator[str]:
    sentences: list[str] = []
    tokens: list[str] = []
    size = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            token = line.split("\t")[0].strip() if line.strip() else ""
            if token and not token.startswith("-DOCSTART-"):
                tokens.append(token)
                continue
            if tokens:
                sentences.append(" ".join(tokens))
                size += len(sentences[-1]) + 1
                tokens = []
            if size >= DOC_BYTES:
                yield "\n".join(sentences)
                sentences, size = [], 0
    if tokens:
        sentences.append(" ".join(tokens))
    if sentences:
        yield "\n".join(sentences)


def corpus_documents(shared_dir: str) -> list[tuple[str, str]]:
    """(id, text) for every document, ids "corpus/file#n"."""
    docs = []
    root = os.path.join(shared_dir, "corpora")
    for path in conll_files(shared_dir):
        name = os.path.relpath(path, root)
        docs += [(f"{name}#{i}", text) for i, text in enumerate(file_documents(path))]
    return docs


def spread(items: list, n: int) -> list:
    if n >= len(items):
        return items
    return [items[i * len(items) // n] for i in range(n)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("shared_dir")
    p.add_argument("out")
    p.add_argument("--docs", type=int)
    p.add_argument("--min-mb", type=float, default=0.0)
    args = p.parse_args()
    docs = corpus_documents(args.shared_dir)
    if not docs:
        print(f"corpus_jsonl: no CoNLL files under {args.shared_dir}/corpora", file=sys.stderr)
        return 1
    if args.docs:
        docs = spread(docs, args.docs)
    written = n = 0
    rep = 0
    with open(args.out, "w", encoding="utf-8") as out:
        while True:
            for doc_id, text in docs:
                line = json.dumps({"id": f"{doc_id}" + (f"@{rep}" if rep else ""),
                                   "text": text}, ensure_ascii=False) + "\n"
                out.write(line)
                written += len(line.encode("utf-8"))
                n += 1
            rep += 1
            if written >= args.min_mb * 1e6:
                break
    print(f"corpus_jsonl: {n} documents, {written / 1e6:.1f} MB in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
