#!/usr/bin/env python3
"""conlleval.py — entity-level scorer compatible with CoNLL's conlleval.

    conlleval.py GOLD.conll PRED.conll [--map-nat-to-loc] [--ignore TYPES] [--json]

Both files hold one "token TAB label" line per token (the first field is the
token, the last the label; a line without a TAB is split on whitespace as
conlleval does) and blank lines between sentences; "-DOCSTART-" lines are
boundaries. The files must have the same lines: the same tokens in the same
places, blank lines aligned (an error otherwise).

Chunks follow conlleval: an I-X after O, after another type or after a
boundary starts a new chunk (as do B-X and S-X); E-/S- tags are understood.
A predicted chunk is correct when its start, end and type equal a gold chunk.

--map-nat-to-loc  scores NAT as LOC (ENTITIES.md "Mapping": sets annotated
                  with PER/LOC/ORG only); applied to the prediction, and to
                  the gold file too should it contain NAT.
--ignore TYPES    comma list of types dropped from both sides (-> O) before
                  chunking, e.g. DATE,TIME,QUANTITY.
--json            print a JSON summary instead of the text report (precision,
                  recall and f1 as fractions in [0, 1]).

Text report: conlleval's lines (processed/accuracy/per type), then a table
of per-type counts and the type-macro average (the mean over all types seen
in the gold or the prediction, as IndoNLU's macro F1). Python 3 stdlib only.
"""

import argparse
import json
import sys
from collections import Counter
from typing import Dict, List, NamedTuple, Optional, Set, Tuple

BOUNDARY = ("O", "")


class InputError(Exception):
    pass


class Line(NamedTuple):
    number: int
    token: Optional[str]          # None for a boundary (blank or -DOCSTART-)
    label: Optional[str]


def read_lines(path: str) -> List[Line]:
    out = []
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("-DOCSTART-"):
                out.append(Line(number, None, None))
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            if len(fields) < 2:
                raise InputError(f"{path}:{number}: no label (expected token TAB label)")
            out.append(Line(number, fields[0], fields[-1]))
    return out


def split_label(label: str, path: str, number: int) -> Tuple[str, str]:
    if label == "O":
        return BOUNDARY
    tag, sep, type_ = label.partition("-")
    if not sep or tag not in ("B", "I", "E", "S") or not type_:
        raise InputError(f"{path}:{number}: invalid label {label!r} "
                         "(expected O, B-TYPE, I-TYPE, E-TYPE or S-TYPE)")
    return tag, type_


def end_of_chunk(prev: Tuple[str, str], cur: Tuple[str, str]) -> bool:
    """conlleval's endOfChunk: does a chunk end between prev and cur?"""
    (ptag, ptype), (tag, type_) = prev, cur
    if ptag in ("E", "S"):
        return True
    if ptag == "B" and tag in ("B", "S", "O"):
        return True
    if ptag == "I" and tag in ("B", "S", "O"):
        return True
    return ptag != "O" and ptype != type_


def start_of_chunk(prev: Tuple[str, str], cur: Tuple[str, str]) -> bool:
    """conlleval's startOfChunk: does a chunk start at cur?"""
    (ptag, ptype), (tag, type_) = prev, cur
    if tag in ("B", "S"):
        return True
    if ptag in ("E", "S", "O") and tag in ("E", "I"):
        return True
    return tag != "O" and ptype != type_


def chunks(tags: List[Tuple[str, str]]) -> Set[Tuple[int, int, str]]:
    """(start, end, type) spans, end exclusive; boundaries are ("O", "")."""
    found = set()
    prev, start = BOUNDARY, None
    for i, cur in enumerate(tags + [BOUNDARY]):
        if start is not None and end_of_chunk(prev, cur):
            found.add((start, i, prev[1]))
            start = None
        if start_of_chunk(prev, cur):
            start = i
        prev = cur
    return found


def align(gold: List[Line], pred: List[Line], gold_path: str, pred_path: str) -> None:
    if len(gold) != len(pred):
        raise InputError(f"{gold_path} has {len(gold)} lines but {pred_path} has {len(pred)}")
    for g, p in zip(gold, pred):
        if g.token != p.token:
            def show(line: Line) -> str:
                return "a blank line" if line.token is None else f"token {line.token!r}"
            raise InputError(f"line {g.number}: {gold_path} has {show(g)} but "
                             f"{pred_path} has {show(p)}")


def to_tags(lines: List[Line], path: str, rename: Dict[str, str],
            ignore: Set[str]) -> List[Tuple[str, str]]:
    tags = []
    for line in lines:
        if line.token is None:
            tags.append(BOUNDARY)
            continue
        tag, type_ = split_label(line.label, path, line.number)
        type_ = rename.get(type_, type_)
        tags.append(BOUNDARY if type_ in ignore else (tag, type_))
    return tags


def prf(correct: int, found: int, gold: int) -> Tuple[float, float, float]:
    p = correct / found if found else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(gold_tags, pred_tags, is_token) -> dict:
    gold_chunks, pred_chunks = chunks(gold_tags), chunks(pred_tags)
    correct_chunks = gold_chunks & pred_chunks
    n_gold = Counter(t for _, _, t in gold_chunks)
    n_found = Counter(t for _, _, t in pred_chunks)
    n_correct = Counter(t for _, _, t in correct_chunks)
    tokens = sum(is_token)
    same = sum(1 for g, p, tok in zip(gold_tags, pred_tags, is_token) if tok and g == p)
    per_type = {}
    for t in sorted(set(n_gold) | set(n_found)):
        p, r, f = prf(n_correct[t], n_found[t], n_gold[t])
        per_type[t] = {"precision": p, "recall": r, "f1": f, "gold": n_gold[t],
                       "found": n_found[t], "correct": n_correct[t]}
    p, r, f = prf(len(correct_chunks), len(pred_chunks), len(gold_chunks))
    k = len(per_type)
    macro = {m: (sum(v[m] for v in per_type.values()) / k if k else 0.0)
             for m in ("precision", "recall", "f1")}
    return {"tokens": tokens, "accuracy": same / tokens if tokens else 0.0,
            "micro": {"precision": p, "recall": r, "f1": f, "gold": len(gold_chunks),
                      "found": len(pred_chunks), "correct": len(correct_chunks)},
            "macro": macro, "per_type": per_type}


def print_report(s: dict, out) -> None:
    m = s["micro"]
    print(f"processed {s['tokens']} tokens with {m['gold']} phrases; "
          f"found: {m['found']} phrases; correct: {m['correct']}.", file=out)
    if s["tokens"]:
        print(f"accuracy: {100 * s['accuracy']:6.2f}%; precision: {100 * m['precision']:6.2f}%; "
              f"recall: {100 * m['recall']:6.2f}%; FB1: {100 * m['f1']:6.2f}", file=out)
    for t, v in s["per_type"].items():
        print(f"{t:>17}: precision: {100 * v['precision']:6.2f}%; "
              f"recall: {100 * v['recall']:6.2f}%; FB1: {100 * v['f1']:6.2f}  {v['found']}",
              file=out)
    print(f"\n{'type':>17}  {'gold':>6} {'found':>6} {'correct':>7}", file=out)
    for t, v in s["per_type"].items():
        print(f"{t:>17}  {v['gold']:6d} {v['found']:6d} {v['correct']:7d}", file=out)
    a = s["macro"]
    print(f"{'type-macro':>17}: precision: {100 * a['precision']:6.2f}%; "
          f"recall: {100 * a['recall']:6.2f}%; FB1: {100 * a['f1']:6.2f}  "
          f"({len(s['per_type'])} types)", file=out)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        description="conlleval-compatible entity-level scorer for token TAB label files.")
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--map-nat-to-loc", action="store_true",
                    help="score NAT as LOC (for PER/LOC/ORG-only gold sets)")
    ap.add_argument("--ignore", default="", metavar="TYPES",
                    help="comma-separated types to drop from both sides, e.g. DATE,TIME")
    ap.add_argument("--json", action="store_true", help="print a JSON summary")
    args = ap.parse_args(argv)
    rename = {"NAT": "LOC"} if args.map_nat_to_loc else {}
    ignore = {t.strip() for t in args.ignore.split(",") if t.strip()}
    try:
        gold, pred = read_lines(args.gold), read_lines(args.pred)
        align(gold, pred, args.gold, args.pred)
        gold_tags = to_tags(gold, args.gold, rename, ignore)
        pred_tags = to_tags(pred, args.pred, rename, ignore)
    except (InputError, OSError) as err:
        print(f"conlleval.py: {err}", file=sys.stderr)
        return 1
    summary = score(gold_tags, pred_tags, [line.token is not None for line in gold])
    if args.json:
        summary["options"] = {"map_nat_to_loc": args.map_nat_to_loc, "ignore": sorted(ignore)}
        json.dump(summary, sys.stdout, indent=2)
        print()
    else:
        print_report(summary, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
