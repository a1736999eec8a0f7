#!/usr/bin/env python3
"""example.py — tag Indonesian text with the idner Python package.

    PYTHONPATH=examples/python python3 examples/python/example.py \
        [--date YYYY-MM-DD] [--types PER,NAT] [TEXT ...]

tags TEXT (or a default sentence) and prints one entity per line. The package
finds libidner through IDNER_LIBRARY, the build tree (build/libidner.so) or the
system's loader path (docs/python.md).
"""

import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # runs without PYTHONPATH too

import idner  # noqa: E402

DEFAULT_SENTENCE = ("Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi "
                    "di Jakarta pada Selasa (19/9/2023).")


def main() -> int:
    parser = argparse.ArgumentParser(description="Tag Indonesian named entities with libidner.")
    parser.add_argument("--date", help="reference date YYYY-MM-DD (default: today)")
    parser.add_argument("--types", help="comma-separated types to keep, e.g. PER,NAT")
    parser.add_argument("text", nargs="*", help="text to tag (default: a sample sentence)")
    args = parser.parse_args()
    text = " ".join(args.text) if args.text else DEFAULT_SENTENCE
    try:
        with idner.Model() as model:
            entities = model.analyze(text, date=args.date or datetime.date.today(),
                                     types=args.types)
    except idner.IdnerError as err:
        print(f"example.py: {err}", file=sys.stderr)
        return 1
    print(f"libidner {idner.version()} ({idner.library_path})")
    for e in entities:
        value = f"  value={e.value}" if e.value else ""
        print(f"{e.type:<4} [{e.start}:{e.end}] {e.text}{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
