"""Golden test: the seed article (../shared/spec/seed.txt) must give exactly
the gold entities of seed.gold.jsonl (byte offsets, types, DATE values and
mods) with reference date 2023-09-19, and nothing else. Runs the built shared
library through the Python package (examples/python/idner). Skips (exit 77) when ../shared is
absent."""
import json
import os
import sys

SRC = os.environ.get("IDNER_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
SHARED = os.environ.get("IDNER_SHARED_DIR", os.path.join(SRC, "..", "shared"))
sys.path.insert(0, os.path.join(SRC, "examples", "python"))


def main() -> int:
    spec = os.path.join(SHARED, "spec")
    seed, gold_path = os.path.join(spec, "seed.txt"), os.path.join(spec, "seed.gold.jsonl")
    if not (os.path.exists(seed) and os.path.exists(gold_path)):
        print(f"SKIP: {spec} has no seed.txt/seed.gold.jsonl (../shared absent)")
        return 77
    import idner

    text = open(seed, "rb").read()
    gold = [json.loads(line) for line in open(gold_path, encoding="utf-8") if line.strip()]

    def key(e):
        return (e["start"], e["end"], e["type"], e.get("value"), e.get("mod"))

    want = {key(g) for g in gold}
    with idner.Model() as model:
        ents = model.analyze(text, date="2023-09-19")
    got = {(e.byte_start, e.byte_end, e.type,
            e.value if e.type in ("DATE", "TIME") else None,
            e.mod if e.type in ("DATE", "TIME") else None) for e in ents}
    missing = sorted(want - got)
    extra = sorted(got - want)
    # NAT values are ISO codes: check them too
    for e in ents:
        if e.type == "NAT" and not (e.value and len(e.value) == 2 and e.value.isupper()):
            extra.append(("NAT without ISO code", e.byte_start, e.text))
    for m in missing:
        print("missing:", m, text[m[0]:m[1]].decode())
    for x in extra:
        print("extra:  ", x, text[x[0]:x[1]].decode() if isinstance(x[0], int) else x)
    print(f"seed article: {len(want)} gold, {len(got)} found, {len(missing)} missing, "
          f"{len(extra)} extra")
    return 1 if missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
