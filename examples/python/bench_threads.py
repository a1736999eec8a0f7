#!/usr/bin/env python3
"""bench_threads.py — speed-up of Python threads sharing one idner.Model.

    PYTHONPATH=examples/python python3 examples/python/bench_threads.py \
        [--threads 1,2,4] [--docs N] [--copies C] [--repeat R] [--shared DIR] [--quick]

Documents: sentences of the corpora's train splits (DIR/corpora/*/train.conll,
tokens joined by spaces) grouped into documents of about 1-4 KB; without the
corpora, the seed article's paragraphs (examples/seed.txt) repeated. One Model
is loaded; for each thread count the documents are split round-robin over the
threads (each thread uses its own idner_doc, created by the Model on its first
call) and analysed R times; the best run is reported as docs/s, MB/s and the
speed-up over one thread, with the process CPU time of that run (all
threads) and CPU/wall, the cores actually kept busy: on a loaded machine the
wall-clock figures mostly measure the other load. Every run's entities must equal the one-thread
results (exit status 1 otherwise). ctypes releases the GIL during each
idner_analyze call, so threads overlap in the library; the Python side
(building Entity objects) still runs one thread at a time.

--split: also time, in one thread, the library call (idner_analyze) apart
from the Python side of Model.analyze() (arguments, Entity objects), which
holds the GIL, and print the speed-up that serial share allows (Amdahl).

--quick: a few documents, 1 and 2 threads, one run (a smoke test for ctest).
"""

import argparse
import ctypes
import os
import random
import sys
import threading
import time
from typing import List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # runs without PYTHONPATH too

import idner  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATE = "2023-09-19"


def corpus_documents(shared: str, limit: int, seed: int = 7) -> List[str]:
    """Documents of 1-4 KB made of corpus sentences (a random size per
    document, fixed seed: the same documents on every run)."""
    root = os.path.join(shared, "corpora")
    if not os.path.isdir(root):
        return []
    sentences: List[str] = []
    for corpus in sorted(os.listdir(root)):
        path = os.path.join(root, corpus, "train.conll")
        if not os.path.exists(path):
            continue
        tokens: List[str] = []
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                if line.strip():
                    tokens.append(line.split("\t")[0].split(" ")[0].strip())
                elif tokens:
                    sentences.append(" ".join(tokens))
                    tokens = []
        if tokens:
            sentences.append(" ".join(tokens))
    rng = random.Random(seed)
    docs: List[str] = []
    parts: List[str] = []
    size, target = 0, rng.randint(1024, 4096)
    for s in sentences:
        parts.append(s)
        size += len(s.encode("utf-8", "surrogateescape")) + 1
        if size >= target:
            docs.append("\n".join(parts))
            if len(docs) == limit:
                break
            parts, size, target = [], 0, rng.randint(1024, 4096)
    return docs


def seed_documents(limit: int) -> List[str]:
    with open(os.path.join(ROOT, "examples", "seed.txt"), encoding="utf-8") as f:
        paras = [p for p in f.read().split("\n\n") if p.strip()]
    return [paras[i % len(paras)] for i in range(limit)]


def run(model: idner.Model, docs: List[str], nthreads: int):
    """Analyses docs with nthreads threads; returns (wall seconds, process CPU
    seconds of all threads, results by doc)."""
    results: List = [None] * len(docs)
    errors: List[BaseException] = []
    barrier = threading.Barrier(nthreads + 1)

    def work(k: int) -> None:
        try:
            model.analyze("", date=DATE)  # create this thread's doc before timing
            barrier.wait()
            for i in range(k, len(docs), nthreads):
                results[i] = model.analyze(docs[i], date=DATE)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(nthreads)]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    start, cpu = time.perf_counter(), time.process_time()
    for t in threads:
        t.join()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if errors:
        raise errors[0]
    return seconds, cpu, results


def split(model: idner.Model, docs: List[str], repeat: int) -> None:
    """CPU seconds of idner_analyze() and of the rest of Model.analyze(), one
    thread, best of repeat; uses the package's internals to time the parts."""
    from idner import _native
    best = None
    for _ in range(repeat):
        lib_cpu = py_cpu = 0.0
        for text in docs:
            t0 = time.process_time()
            data = idner._encode(text)
            opts = model._options(DATE, None, None, False)
            doc = model._doc()
            doc.data = data
            t1 = time.process_time()
            status = _native.lib.idner_analyze(model._ptr, doc.ptr, data, len(data),
                                               ctypes.byref(opts))
            t2 = time.process_time()
            model._check(status, doc)
            model._entities(doc, text)
            t3 = time.process_time()
            lib_cpu += t2 - t1
            py_cpu += (t1 - t0) + (t3 - t2)
        if best is None or lib_cpu + py_cpu < sum(best):
            best = (lib_cpu, py_cpu)
    lib_cpu, py_cpu = best
    serial = py_cpu / (lib_cpu + py_cpu)
    bounds = ", ".join(f"{n} cores {1 / (serial + (1 - serial) / n):.2f}x" for n in (2, 4))
    print(f"split (1 thread, CPU): idner_analyze {lib_cpu:.3f} s, Python side {py_cpu:.3f} s "
          f"({serial:.0%} serial under the GIL); Amdahl bound: {bounds}, "
          f"any number {1 / serial:.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="1,2,4",
                        help="comma-separated thread counts (default 1,2,4; 1 is always run)")
    parser.add_argument("--docs", type=int, default=2000, help="at most N documents (2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per thread count (3)")
    parser.add_argument("--copies", type=int, default=1,
                        help="analyse the documents N times a run (longer runs, steadier figures)")
    parser.add_argument("--shared", default=os.environ.get("IDNER_SHARED_DIR",
                                                           os.path.join(ROOT, "..", "shared")),
                        help="the shared data directory with corpora/ (default ../shared)")
    parser.add_argument("--no-model", action="store_true",
                        help="gazetteers and rules only (idner.Model(no_model=True))")
    parser.add_argument("--split", action="store_true",
                        help="also time the library call apart from the Python side")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 40 documents, 1 and 2 threads, one run")
    args = parser.parse_args()
    if args.quick:
        args.threads, args.docs, args.repeat, args.split = "1,2", 40, 1, True
    counts = sorted({1} | {int(n) for n in args.threads.split(",")})

    docs = corpus_documents(args.shared, args.docs)
    source = f"{len(docs)} corpus documents ({args.shared}/corpora/*/train.conll)"
    if not docs:
        docs = seed_documents(args.docs)
        source = f"{len(docs)} seed-article paragraphs (corpora not found)"
    if args.copies > 1:
        docs = docs * args.copies
        source += f" x {args.copies}"
    total_bytes = sum(len(d.encode("utf-8", "surrogateescape")) for d in docs)
    print(f"libidner {idner.version()} ({idner.library_path}); {source}, "
          f"{total_bytes / 1e6:.2f} MB, {os.cpu_count()} CPUs")

    with idner.Model(no_model=args.no_model) as model:
        run(model, docs[:20], 1)  # warm-up: the date rules' JIT, the doc caches
        print(f"{'threads':>7} {'seconds':>8} {'docs/s':>8} {'MB/s':>7} {'speed-up':>8} "
              f"{'CPU s':>7} {'CPU/wall':>8}")
        base = None
        expected = None
        for n in counts:
            best = None
            for _ in range(args.repeat):
                seconds, cpu, got = run(model, docs, n)
                if expected is None:
                    expected = got
                elif got != expected:
                    print(f"FAIL: {n} threads gave different entities than 1 thread",
                          file=sys.stderr)
                    return 1
                if best is None or seconds < best[0]:
                    best = (seconds, cpu)
            seconds, cpu = best
            if base is None:
                base = seconds
            print(f"{n:>7} {seconds:>8.2f} {len(docs) / seconds:>8.0f} "
                  f"{total_bytes / 1e6 / seconds:>7.2f} {base / seconds:>7.2f}x "
                  f"{cpu:>7.2f} {cpu / seconds:>8.2f}")
        if args.split:
            split(model, docs, args.repeat)
    print(f"entities: {sum(len(r) for r in expected)}; every run equal to the 1-thread results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
