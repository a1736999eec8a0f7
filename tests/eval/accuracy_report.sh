#!/usr/bin/env bash
# accuracy_report.sh — regenerates docs/accuracy.md and docs/accuracy.png.
#
#   tests/eval/accuracy_report.sh BUILD_DIR
#
# Runs BUILD_DIR/idner-eval --json on every corpus split that exists under
# ${IDNER_SHARED_DIR:-<source>/../shared}/corpora (test and dev of
# idner-news-2k, nergrit-indonlu and nerp-indonlu, luthfi-gold-wiki test,
# folds 01..05 test and fold 01 dev of nerui-indolem and nerugm-indolem), in
# both document modes, plus the seed article in raw-text mode, and writes the
# tables and a gnuplot bar chart. Every number in the report comes from
# idner-eval's output; the raw JSON is kept in BUILD_DIR/accuracy-report/.
#
# Environment:
#   IDNER_SHARED_DIR      the shared folder holding corpora/ and spec/
#   IDNER_EVAL_VARIANTS   "name=DIR ..." model variants, each evaluated with
#                         idner-eval --data DIR (an empty DIR = the embedded
#                         data); default "default=" (one variant, embedded data)
#   IDNER_REPORT_DIR      where accuracy.md/.png go (default <source>/docs)
#
# Needs python3 and gnuplot (Debian: apt-get install -y gnuplot-nox; run as
# root, the script installs it itself). CI does not run this script.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
BUILD=$(cd "$1" && pwd) || usage
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${IDNER_SHARED_DIR:-$SRC/../shared}
CORPORA=$SHARED/corpora
EVAL=$BUILD/idner-eval
OUTDIR=${IDNER_REPORT_DIR:-$SRC/docs}
RAW=$BUILD/accuracy-report
VARIANTS=${IDNER_EVAL_VARIANTS:-default=}
SEED_DATE=2023-09-19

die() { echo "accuracy_report: $*" >&2; exit 1; }

[ -x "$EVAL" ] || die "$EVAL not found: build first (cmake --build $BUILD --target idner-eval)"
[ -d "$CORPORA" ] || die "no corpora in $SHARED (set IDNER_SHARED_DIR)"
PY=$(command -v python3 || true)
[ -n "$PY" ] || die "python3 is required"
if ! command -v gnuplot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "accuracy_report: installing gnuplot-nox (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq gnuplot-nox >/dev/null ||
      { apt-get update -qq && apt-get install -y -qq gnuplot-nox >/dev/null; } ||
      die "could not install gnuplot-nox"
  fi
  command -v gnuplot >/dev/null 2>&1 ||
    die "gnuplot is required for the plot: apt-get install -y gnuplot-nox (as root)"
fi

SPLITS="idner-news-2k/test idner-news-2k/dev
nergrit-indonlu/test nergrit-indonlu/dev
nerp-indonlu/test nerp-indonlu/dev
luthfi-gold-wiki/test
nerui-indolem/test.01 nerui-indolem/test.02 nerui-indolem/test.03 nerui-indolem/test.04 nerui-indolem/test.05 nerui-indolem/dev.01
nerugm-indolem/test.01 nerugm-indolem/test.02 nerugm-indolem/test.03 nerugm-indolem/test.04 nerugm-indolem/test.05 nerugm-indolem/dev.01"
DOC_MODES="file sentence"

rm -rf "$RAW"
mkdir -p "$RAW" "$OUTDIR"
: >"$RAW/runs.tsv" # variant TAB data dir TAB corpus TAB split TAB doc TAB json

declare -A absent_said=()
for variant in $VARIANTS; do
  name=${variant%%=*}
  dir=${variant#*=}
  [ "$variant" != "$name" ] || dir=""
  [[ "$name" =~ ^[A-Za-z0-9._+-]+$ ]] || die "bad variant name '$name' in IDNER_EVAL_VARIANTS (name=DIR ...)"
  [ -z "$dir" ] || [ -d "$dir" ] || die "variant $name: $dir is not a directory"
  data=()
  [ -z "$dir" ] || data=(--data "$dir")
  echo "accuracy_report: model variant '$name' (${dir:-embedded data})"
  for split_path in $SPLITS; do
    corpus=${split_path%%/*}
    split=${split_path#*/}
    gold=$CORPORA/$split_path.conll
    if [ ! -f "$gold" ]; then
      if [ ! -d "$CORPORA/$corpus" ] && [ -z "${absent_said[$corpus]:-}" ]; then
        echo "accuracy_report: skipping $corpus: $CORPORA/$corpus is absent"
        absent_said[$corpus]=1
      elif [ -d "$CORPORA/$corpus" ]; then
        echo "accuracy_report: skipping $split_path: $gold is absent"
      fi
      continue
    fi
    for doc in $DOC_MODES; do
      out=$RAW/$name/$corpus/$split.$doc.json
      mkdir -p "$(dirname "$out")"
      "$EVAL" --json --doc "$doc" "${data[@]}" "$gold" >"$out" ||
        die "idner-eval failed on $gold (--doc $doc${dir:+ --data $dir})"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$dir" "$corpus" "$split" "$doc" "$out" >>"$RAW/runs.tsv"
    done
  done
  if [ -f "$SHARED/spec/seed.txt" ] && [ -f "$SHARED/spec/seed.gold.jsonl" ]; then
    out=$RAW/$name/seed.json
    "$EVAL" --json --date "$SEED_DATE" "${data[@]}" --text "$SHARED/spec/seed.txt" \
      --gold "$SHARED/spec/seed.gold.jsonl" >"$out" || die "idner-eval failed on the seed article"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$dir" "seed" "seed" "text" "$out" >>"$RAW/runs.tsv"
  else
    echo "accuracy_report: skipping the seed article: $SHARED/spec/seed.txt or seed.gold.jsonl is absent"
  fi
done
[ -s "$RAW/runs.tsv" ] || die "no corpus split found under $CORPORA"

commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=""
if [ "$commit" != unknown ] && [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  dirty=" with uncommitted changes"
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)

IDNER_REPORT_COMMIT="$commit" IDNER_REPORT_DIRTY="$dirty" \
IDNER_REPORT_VERSION="$("$EVAL" --version)" IDNER_REPORT_BUILD_TYPE="${build_type:-unknown}" \
IDNER_REPORT_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')" IDNER_REPORT_SEED_DATE="$SEED_DATE" \
IDNER_REPORT_VARIANTS="$VARIANTS" \
"$PY" - "$RAW/runs.tsv" "$OUTDIR/accuracy.md" "$RAW/plot.tsv" "$RAW/plot.gp" "$OUTDIR/accuracy.png" <<'PYEOF'
import json
import os
import sys
from collections import OrderedDict

runs_path, md_path, plot_data, plot_script, png_path = sys.argv[1:6]
env = os.environ
runs = []
with open(runs_path, encoding="utf-8") as f:
    for line in f:
        variant, data, corpus, split, doc, path = line.rstrip("\n").split("\t")
        with open(path, encoding="utf-8") as jf:
            runs.append(dict(variant=variant, data=data, corpus=corpus, split=split,
                             doc=doc, r=json.load(jf)))

variants = list(OrderedDict.fromkeys(r["variant"] for r in runs))
corpora = list(OrderedDict.fromkeys(r["corpus"] for r in runs if r["corpus"] != "seed"))
NAMES = {
    "idner-news-2k": "IDNER-news-2k (Khairunnisa et al., 2020)",
    "nergrit-indonlu": "NERGrit (IndoNLU)",
    "nerp-indonlu": "NERP (IndoNLU, lower-cased)",
    "luthfi-gold-wiki": "Luthfi et al. (2014) Wikipedia gold standard",
    "nerui-indolem": "NER-UI (IndoLEM, 5 folds)",
    "nerugm-indolem": "NER-UGM (IndoLEM, 5 folds)",
}
FOLDED = ("nerui-indolem", "nerugm-indolem")


def pct(x):
    return f"{100 * x:.2f}"


def speed(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def not_scored(r):
    parts = []
    for key, who in (("ignored_gold", "gold"), ("ignored_pred", "predicted")):
        items = ", ".join(f"{i['type']} {i['chunks']}" for i in r["r"][key])
        if items:
            parts.append(f"{who} {items}")
    return "; ".join(parts) if parts else "nothing"


def row_values(r, types):
    res = r["r"]
    cells = [pct(res["micro"]["precision"]), pct(res["micro"]["recall"]),
             pct(res["micro"]["f1"]), pct(res["macro"]["f1"])]
    for t in types:
        pt = res["per_type"].get(t)
        cells.append(pct(pt["f1"]) if pt else "–")
    return cells


def mean_cells(group, types):
    n = len(group)
    vals = [[float(c) for c in row_values(r, types) if c != "–"] for r in group]
    if any(len(v) != len(vals[0]) for v in vals):
        return None
    return [f"{sum(v[k] for v in vals) / n:.2f}" for k in range(len(vals[0]))]


out = []
w = out.append
w("# Accuracy")
w("")
w("<!-- Generated by tests/eval/accuracy_report.sh from idner-eval's output: do not edit the")
w("     numbers by hand; rerun the script (the ablation section is filled from the same tool). -->")
w("")
w(f"Generated on {env['IDNER_REPORT_DATE']} by `tests/eval/accuracy_report.sh BUILD_DIR` "
  f"(`IDNER_EVAL_VARIANTS=\"{env['IDNER_REPORT_VARIANTS']}\"`) at commit "
  f"`{env['IDNER_REPORT_COMMIT']}`{env['IDNER_REPORT_DIRTY']}, {env['IDNER_REPORT_VERSION']}, "
  f"{env['IDNER_REPORT_BUILD_TYPE']} build. The raw `idner-eval --json` output of every run is in "
  f"`BUILD_DIR/accuracy-report/`.")
w("")
w("- **Metric.** Exact entity span and type. Chunks follow conlleval (IOB2: an `I-X` after `O` or "
  "another type starts a chunk). The table shows precision, recall and micro F1 over all scored "
  "chunks, type-macro F1 (the mean over the scored types, IndoNLU's \"F1\") and F1 per type, all "
  "in %. `idner-eval` gives the same counts as `tests/conlleval.py --map-nat-to-loc --ignore …` "
  "on `idner-tag --input conll --format conll` output.")
w("- **Input.** idner gets the gold tokens (`idner_analyze_tokens()`), with sentence breaks "
  "from the blank lines. With doc `file`, the whole split is one document, so a name found in one "
  "sentence propagates to the others. With doc `sentence`, each sentence is analyzed on its own.")
w("- **Reference date.** None (the `idner-eval` default). The corpora have no normalized values, "
  f"so only spans are scored. The seed article uses its publication date {env['IDNER_REPORT_SEED_DATE']}.")
w("- **Label mapping** (`../shared/spec/ENTITIES.md`, \"Mapping for evaluation sets\"). NAT is "
  "scored as LOC. The scored types are the idner types the gold file has: PER, LOC and ORG, plus "
  "DATE for NER-UGM, whose TIME was mapped to DATE (a predicted TIME counts as DATE there). "
  "Everything else is `O` on both sides. That covers gold QUANTITY, EVT, IND and FNB, predicted "
  "DATE/TIME on sets without DATE, and predicted ORG on NERP, which has no ORG. Each corpus "
  "section lists what was left out.")
w("- **Models.** " + "; ".join(
    f"`{v}` = " + (f"`--data {next(r['data'] for r in runs if r['variant'] == v)}`"
                   if next(r["data"] for r in runs if r["variant"] == v) else "the embedded default data")
    for v in variants) + ".")
w("- **Speed.** tokens/s counts the time spent inside the library's analyze calls: one thread, "
  "on the machine that ran the script.")
w("")

# ---- overview + plot data: micro F1 of each corpus' test split (fold mean)
series = [(v, d) for v in variants for d in ("file", "sentence")]
w("## Test splits at a glance")
w("")
w("Micro F1 (%) on each corpus' test split. For the 5-fold sets it is the mean over test.01–05.")
w("")
w("| corpus | " + " | ".join(f"{v} / doc {d}" for v, d in series) + " |")
w("|---" * (1 + len(series)) + "|")
plot_rows = []
for c in corpora:
    cells = []
    for v, d in series:
        group = [r for r in runs if r["corpus"] == c and r["variant"] == v and r["doc"] == d
                 and r["split"].startswith("test")]
        cells.append(sum(r["r"]["micro"]["f1"] for r in group) / len(group) if group else None)
    label = c + (" test (5-fold mean)" if c in FOLDED else " test")
    if any(x is not None for x in cells):
        plot_rows.append((label, cells))
        w(f"| {label} | " + " | ".join(pct(x) if x is not None else "–" for x in cells) + " |")
w("")
w("![Micro F1 per corpus test split](accuracy.png)")
w("")

# ---- one table per corpus
for c in corpora:
    crun = [r for r in runs if r["corpus"] == c]
    types = sorted({t for r in crun for t in r["r"]["types"]})
    w(f"## {NAMES.get(c, c)}")
    w("")
    first = next(r for r in crun if r["doc"] == "file")
    w(f"Scored types: {', '.join(types)}. Chunks not scored ({first['split']}, doc file): "
      f"{not_scored(first)}.")
    w("")
    w("| model | split | doc | tokens | P | R | micro F1 | macro F1 | "
      + " | ".join(f"{t} F1" for t in types) + " | tokens/s |")
    w("|---" * (9 + len(types)) + "|")
    splits = list(OrderedDict.fromkeys(r["split"] for r in crun))
    for s in splits:
        for d in ("file", "sentence"):
            for v in variants:
                for r in crun:
                    if r["split"] == s and r["doc"] == d and r["variant"] == v:
                        w(f"| {v} | {s} | {d} | {r['r']['tokens']} | "
                          + " | ".join(row_values(r, types)) + f" | {speed(r['r']['tokens_per_second'])} |")
    if c in FOLDED:
        for d in ("file", "sentence"):
            for v in variants:
                group = [r for r in crun if r["doc"] == d and r["variant"] == v
                         and r["split"].startswith("test")]
                if len(group) < 2:
                    continue
                cells = mean_cells(group, types)
                if cells is None:
                    continue
                tps = sum(r["r"]["tokens_per_second"] for r in group) / len(group)
                w(f"| {v} | **test mean ({len(group)} folds)** | {d} | "
                  f"{sum(r['r']['tokens'] for r in group)} | " + " | ".join(f"**{x}**" if k == 2 else x
                                                                  for k, x in enumerate(cells))
                  + f" | {speed(tps)} |")
    w("")

# ---- seed article
seeds = [r for r in runs if r["corpus"] == "seed"]
w("## Seed article (raw text, JSON Lines gold)")
w("")
if not seeds:
    w("Not run: `../shared/spec/seed.txt` or `seed.gold.jsonl` is absent.")
for r in seeds:
    res = r["r"]
    m = res["micro"]
    vals = res.get("values", {})
    vtext = "; ".join(f"{t} values {x['value_and_mod']}/{x['matched_with_gold_value']} exact "
                      f"(value {x['value']}, mod {x['mod']})" for t, x in vals.items()) or "no gold values"
    w(f"- `{r['variant']}`: `idner-eval --text spec/seed.txt --gold spec/seed.gold.jsonl "
      f"--date {env['IDNER_REPORT_SEED_DATE']}` (exact byte span + type, types "
      f"{', '.join(res['types'])}): {m['correct']}/{m['gold']} gold spans found, {m['found']} "
      f"predicted; P {pct(m['precision'])}, R {pct(m['recall'])}, F1 {pct(m['f1'])}; {vtext}.")
w("")
w("## Ablation")
w("")
w("<!-- ablation -->")
w("")
with open(md_path, "w", encoding="utf-8") as f:
    f.write("\n".join(out))

# ---- plot
with open(plot_data, "w", encoding="utf-8") as f:
    f.write("split\t" + "\t".join(f"{v} / doc {d}" if len(variants) > 1 else f"doc {d}"
                                  for v, d in series) + "\n")
    for label, cells in plot_rows:
        f.write(label.replace(" test", "\\ntest", 1) + "\t"
                + "\t".join(f"{100 * x:.2f}" if x is not None else "NaN" for x in cells) + "\n")
n = len(series)
gap = 1
with open(plot_script, "w", encoding="utf-8") as f:
    f.write(f"""set terminal pngcairo size 1100,560 font "sans,10"
set output '{png_path}'
set datafile separator "\\t"
set datafile missing "NaN"
set title "idner micro F1 per corpus test split ({env['IDNER_REPORT_COMMIT']}{'+' if env['IDNER_REPORT_DIRTY'] else ''})"
set style data histograms
set style histogram clustered gap {gap}
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:100]
set ylabel "micro F1 (%)"
set grid ytics
set key top right
set xtics nomirror
set tics out
plot for [i=2:{n + 1}] '{plot_data}' using i:xtic(1) title columnheader(i), \\
     for [i=2:{n + 1}] '{plot_data}' using ($0 + (i - 2 - {(n - 1) / 2}) / {n + gap}.0):(column(i) + 1.5):(sprintf("%.1f", column(i))) with labels font "sans,8" notitle
""")
PYEOF

gnuplot "$RAW/plot.gp"
echo "accuracy_report: wrote $OUTDIR/accuracy.md and $OUTDIR/accuracy.png"
