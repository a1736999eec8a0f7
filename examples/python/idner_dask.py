#!/usr/bin/python3
"""idner_dask.py — tags a large JSON Lines corpus on Dask with the idner Python binding.

Input: idner-tag's `--input jsonl` format, one {"id", "text", "doc_date"} object per line
(blank lines skipped, the id defaulting to the line number, --date overriding doc_date,
invalid UTF-8 in a string passed on to the library, which tolerates it unless
--strict-utf8).
Output: a directory of part files, one per input block, each line the object
`idner-tag --input jsonl --format jsonl` writes for the same line ({"id", "entities"}),
so `cat OUT/part-*.jsonl` is idner-tag's output for a single input file. A `_SUCCESS`
file is written last, with the run's counts.

Each worker process loads one idner.Model, lazily on its first block, and keeps it for
the process's life (a module-level cache: the model is never pickled nor reloaded per
block); threads of one worker share it (the binding keeps one idner_doc per thread).

The first invalid document (bad JSON, "text" not a string, bad doc_date, ...) fails the
whole run with "FILE:LINE: message", as idner-tag does; part files already written stay,
but no _SUCCESS is written.

Usage (see docs/scaling.md):
  PYTHONPATH=examples/python IDNER_LIBRARY=build/libidner.so \\
    /usr/bin/python3 examples/python/idner_dask.py --local 2 corpus.jsonl out/
  ... idner_dask.py --scheduler tcp://host:8786 /shared/corpus.jsonl /shared/out/
"""
from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Iterator, Optional

import idner

PROG = "idner_dask"
DEFAULT_BLOCKSIZE = "8 MiB"


class DocumentError(ValueError):
    """An invalid input document; str() is "FILE:LINE: message", like idner-tag."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message

    def __reduce__(self):  # keeps both fields across the worker -> client pickle
        return (DocumentError, (self.where, self.message))


@dataclass(frozen=True)
class Options:
    """What every block needs; small and picklable (shipped with each task)."""

    date: Optional[str]  # --date: overrides every doc_date
    default_date: str  # for documents without doc_date: --date, else the client's today
    types: Optional[str]  # "PER,NAT" or None (all)
    profile: Optional[str]
    strict_utf8: bool
    data_dir: Optional[str]
    no_model: bool


# ---- The per-process model ----------------------------------------------------------

_models: dict[tuple, idner.Model] = {}
_models_lock = threading.Lock()


def get_model(data_dir: Optional[str], no_model: bool) -> idner.Model:
    """The process's Model for these load options, loaded on first use."""
    key = (data_dir, no_model)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = idner.Model(data_dir, no_model=no_model)
            _models[key] = model
        return model


def worker_info() -> dict[str, Any]:
    """Run on each worker after a job: models loaded here and peak RSS (KiB)."""
    import resource

    return {"pid": os.getpid(), "models": len(_models),
            "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


# ---- One document ---------------------------------------------------------------------

class RawNumber:
    """A JSON number kept as written, so ids come out exactly as they came in."""

    __slots__ = ("raw",)

    def __init__(self, raw: str) -> None:
        self.raw = raw


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid literal {name}")


def _object_no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f'duplicate key "{key[:40]}"')
        obj[key] = value
    return obj


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _valid_date(s: str) -> bool:
    if not _DATE_RE.fullmatch(s):
        return False
    try:
        datetime.date(int(s[:4]), int(s[5:7]), int(s[8:]))
    except ValueError:
        return False
    return True


# Invalid UTF-8 bytes in a line are passed on to the (tolerant) library, as idner-tag
# does: they are decoded with surrogateescape (U+DC80..U+DCFF, which the binding encodes
# back to the same bytes), parked in private-use characters while json.loads runs (so
# they are not taken for lone-surrogate \u escapes, which are errors), and written out
# as \ufffd, one per byte, like idner-tag's writer.
_BYTE_TO_PARKED = {0xDC80 + b: 0x10FF80 + b for b in range(128)}
_PARKED_TO_BYTE = {v: k for k, v in _BYTE_TO_PARKED.items()}
_PARKED = re.compile("[\U0010ff80-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value: Any) -> str:
    """json.dumps escaping like idner-tag's writer (DEL, U+2028, U+2029 as \\u)."""
    s = json.dumps(value, ensure_ascii=False)
    s = s.replace("\x7f", "\\u007f").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if not s.isascii() and _SURROGATE.search(s):
        s = _SURROGATE.sub(lambda _: "\\ufffd", s)
    return s


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def parse_line(line: bytes, where: str) -> tuple[dict[str, Any], bool]:
    """The JSON object on one line, as strictly as idner-tag's parser, and whether the
    line held invalid UTF-8 (its strings then hold parked bytes: see unpark())."""
    try:
        s = line.decode("utf-8")
        parked = False
    except UnicodeDecodeError as e:
        s = line.decode("utf-8", "surrogateescape")
        if _PARKED.search(s):  # would be ambiguous
            raise DocumentError(where, f"invalid UTF-8 at byte {e.start} in a line with "
                                "characters U+10FF80..U+10FFFF: not supported here") from None
        s = s.translate(_BYTE_TO_PARKED)
        parked = True
    try:
        obj = json.loads(s, object_pairs_hook=_object_no_duplicates,
                         parse_constant=_reject_constant, parse_int=RawNumber,
                         parse_float=RawNumber)
    except ValueError as e:  # json.JSONDecodeError included
        raise DocumentError(where, f"invalid JSON: {e}") from None
    if not isinstance(obj, dict):
        raise DocumentError(where, "invalid JSON: expected an object")
    if any(_SURROGATE.search(x) for x in _strings(obj)):
        raise DocumentError(where, "invalid JSON: unpaired surrogate in \\u escape")
    return obj, parked


def unpark(value: Any) -> Any:
    return value.translate(_PARKED_TO_BYTE) if isinstance(value, str) else value


def tag_line(model: idner.Model, opts: Options, line: bytes, lineno: int, name: str) -> str:
    """The output line (without newline) for one non-blank input line."""
    where = f"{name}:{lineno}"
    obj, parked = parse_line(line, where)
    text = obj.get("text")
    if parked:
        text = unpark(text)
    if type(text) is not str:
        raise DocumentError(where, 'invalid document: "text" must be a string')
    mid = obj.get("id")
    if mid is None:
        id_json = str(lineno)
    elif isinstance(mid, RawNumber):
        id_json = mid.raw
    elif type(mid) is str:
        id_json = dumps(unpark(mid) if parked else mid)
    else:
        raise DocumentError(where, 'invalid document: "id" must be a string or a number')
    mdate = obj.get("doc_date")
    if opts.date is not None or mdate is None:
        date = opts.default_date
    elif type(mdate) is str and _valid_date(mdate):
        date = mdate
    else:
        raise DocumentError(where, 'invalid document: "doc_date" must be a date "YYYY-MM-DD"')
    try:
        ents = model.analyze(text, date=date, types=opts.types, profile=opts.profile,
                             strict_utf8=opts.strict_utf8)
    except idner.IdnerError as e:
        raise DocumentError(where, str(e)) from None
    # One dumps call for the whole list: json.dumps per entity costs a third of the time.
    return '{"id": ' + id_json + ', "entities": ' + dumps([e.to_dict() for e in ents]) + "}"


# ---- One block (a Dask task) ------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A byte range of one input; read_block() extends it to whole lines."""

    fs: Any  # an fsspec filesystem (picklable), so any URL every worker can read works
    path: str
    offset: int
    length: int

    def read(self) -> bytes:
        """The lines that start in [offset, offset + length), as dask.bytes cuts them."""
        from fsspec.utils import read_block

        with self.fs.open(self.path, "rb") as f:
            return read_block(f, self.offset, self.length, delimiter=b"\n")


def count_lines(block: Block) -> int:
    """Lines that end in this block; the next block's first line number follows."""
    return block.read().count(b"\n")


def block_lines(block: bytes, first_line: int) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for the non-blank lines, line endings and a leading BOM cut."""
    lines = block.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the block ended with a newline
    for i, line in enumerate(lines):
        lineno = first_line + i
        if line.endswith(b"\r"):
            line = line[:-1]
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if line.strip(b" \t"):
            yield lineno, line


def tag_block(block: Block, first_line: int, part_path: str, opts: Options) -> dict[str, int]:
    """Tags one block into part_path (written whole, then renamed into place).

    The block is read here, in the task, so a worker holds one block per thread; the
    scheduler never ships input bytes.
    """
    model = get_model(opts.data_dir, opts.no_model)
    data = block.read()
    docs = 0
    tmp = part_path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        for lineno, line in block_lines(data, first_line):
            out.write(tag_line(model, opts, line, lineno, block.path))
            out.write("\n")
            docs += 1
    os.replace(tmp, part_path)
    return {"docs": docs, "bytes": len(data)}


# ---- The job ------------------------------------------------------------------------------

def plan_blocks(paths: list[str], blocksize: Any) -> list[list[Block]]:
    """The blocks of each input (globs and fsspec URLs expanded), in order."""
    import fsspec
    from dask.utils import parse_bytes

    size_per_block = parse_bytes(blocksize) if isinstance(blocksize, str) else int(blocksize)
    if size_per_block < 1:
        raise ValueError(f"invalid block size {blocksize!r}")
    fs, _, files = fsspec.core.get_fs_token_paths(paths, mode="rb")
    if not files:
        raise FileNotFoundError(f"no input matches {' '.join(paths)}")
    plan = []
    for path in files:
        size = fs.info(path)["size"]
        plan.append([Block(fs, path, off, min(size_per_block, size - off))
                     for off in range(0, size, size_per_block)] or [Block(fs, path, 0, 0)])
    return plan


def build_tasks(client: Any, paths: list[str], out_dir: str, opts: Options,
                blocksize: Any) -> list[Any]:
    """One delayed tag_block per block of every input, in input order.

    A block's first line number is 1 + the newlines of the file's earlier blocks, so
    the ids that default to line numbers and the error positions are idner-tag's.
    The newlines are counted first, every block in parallel (each task reads its
    block once more, at disk speed), and summed here: had each tagging task waited
    on a chain of counts instead, a count queued behind a long tagging task would
    hold up every later block (two workers kept about 1.3 cores busy that way).
    """
    import dask
    from dask import delayed

    plan = plan_blocks(paths, blocksize)
    counts = iter(dask.compute(*[delayed(count_lines)(b) for blocks in plan for b in blocks],
                               scheduler=client.get))
    tasks = []
    for blocks in plan:
        first_line = 1
        for block in blocks:
            part_path = os.path.join(out_dir, f"part-{len(tasks):05d}.jsonl")
            tasks.append(delayed(tag_block, pure=False)(block, first_line, part_path, opts))
            first_line += next(counts)
    return tasks


def run(client: Any, paths: list[str], out_dir: str, opts: Options,
        blocksize: Any = DEFAULT_BLOCKSIZE) -> dict[str, Any]:
    """Tags paths into out_dir on the client's cluster; returns the run's counts."""
    import dask

    os.makedirs(out_dir, exist_ok=True)
    if any(f.startswith("part-") or f == "_SUCCESS" for f in os.listdir(out_dir)):
        raise FileExistsError(f"{out_dir} already holds output (part files or _SUCCESS)")
    before = client.run(worker_info)
    start = time.monotonic()
    tasks = build_tasks(client, paths, out_dir, opts, blocksize)
    results = dask.compute(*tasks, scheduler=client.get)
    seconds = time.monotonic() - start
    stats = {"parts": len(results), "docs": sum(r["docs"] for r in results),
             "bytes": sum(r["bytes"] for r in results), "seconds": round(seconds, 3),
             "workers": len(client.scheduler_info()["workers"])}
    infos = client.run(worker_info)
    stats["max_worker_rss_mib"] = round(max(i["max_rss_kib"] for i in infos.values()) / 1024, 1)
    stats["worker_rss_before_mib"] = round(max(i["max_rss_kib"] for i in before.values()) / 1024, 1)
    stats["models_per_worker"] = [i["models"] for i in infos.values()]
    with open(os.path.join(out_dir, "_SUCCESS"), "w", encoding="utf-8") as f:
        f.write(json.dumps({**stats, "options": asdict(opts)}) + "\n")
    return stats


def make_options(args: argparse.Namespace) -> Options:
    default_date = args.date or datetime.date.today().isoformat()
    return Options(date=args.date, default_date=default_date, types=args.types,
                   profile=args.profile, strict_utf8=args.strict_utf8,
                   data_dir=os.path.abspath(args.data) if args.data else None,
                   no_model=args.no_model)


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog=PROG, description="Tags idner-tag --input jsonl documents on a Dask cluster; "
        "writes OUT_DIR/part-NNNNN.jsonl in idner-tag --format jsonl format.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="JSONL files (or globs / fsspec URLs every worker can read)")
    p.add_argument("out_dir", metavar="OUT_DIR", help="output directory (new or empty)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="an existing cluster's scheduler, e.g. tcp://host:8786")
    where.add_argument("--local", type=int, metavar="N",
                       help="start a LocalCluster of N worker processes, 1 thread each")
    p.add_argument("--blocksize", default=DEFAULT_BLOCKSIZE,
                   help=f"bytes of input per partition, e.g. '4 MiB' (default {DEFAULT_BLOCKSIZE})")
    p.add_argument("--date", help="reference date YYYY-MM-DD for every document "
                   "(default: the document's doc_date, else today's date on the client)")
    p.add_argument("--types", help="only emit these types, e.g. PER,NAT")
    p.add_argument("--profile", help="annotation profile of the sequence model")
    p.add_argument("--strict-utf8", action="store_true", help="reject invalid UTF-8")
    p.add_argument("--no-model", action="store_true", help="gazetteers and rules only")
    p.add_argument("--data", metavar="DIR", help="add/replace gazetteer files from DIR "
                   "(a path every worker can read)")
    args = p.parse_args(argv)
    if args.date is not None and not _valid_date(args.date):
        p.error(f"invalid --date '{args.date}' (expected a calendar date YYYY-MM-DD)")
    if args.local is not None and args.local < 1:
        p.error("--local needs at least 1 worker")
    # --data, --types and --profile checked here, once, rather than by every worker's
    # first document (a load of the embedded model takes about a millisecond).
    try:
        with idner.Model(args.data, no_model=args.no_model) as model:
            model.analyze("", types=args.types, profile=args.profile)
    except (idner.IdnerError, ValueError, TypeError) as e:
        p.error(str(e))
    return args


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    opts = make_options(args)
    from dask.distributed import Client, LocalCluster

    # The tasks must name this module's functions by import path, not by value
    # (a __main__ function would be pickled with its globals, model cache included).
    import idner_dask

    if args.local is not None:
        cluster = LocalCluster(n_workers=args.local, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        cluster = None
        client = Client(args.scheduler)
    error = None
    try:
        stats = idner_dask.run(client, args.inputs, args.out_dir, opts, args.blocksize)
    except (idner_dask.DocumentError, idner.IdnerError, OSError, ValueError) as e:
        error = e  # reported after shutdown, so it is the last line (not a worker's log)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if error is not None:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    rate = stats["docs"] / stats["seconds"] if stats["seconds"] > 0 else 0.0
    print(f"{PROG}: {stats['docs']} documents, {stats['bytes'] / 1e6:.1f} MB, "
          f"{stats['parts']} parts, {stats['workers']} workers: {stats['seconds']:.2f} s, "
          f"{rate:.0f} documents/s; peak worker RSS {stats['max_worker_rss_mib']} MiB "
          f"({stats['worker_rss_before_mib']} MiB before the job)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
