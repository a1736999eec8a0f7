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
# The report also measures how many sentences of each split occur in the
# training and dev data of the default sequence model, as listed in
# lib/gazetteers/train-model.sh, and marks the splits where that overlap is
# 1% or more.
#
# Environment:
#   IDNER_SHARED_DIR     the shared folder holding corpora/ and spec/
#   IDNER_EVAL_VARIANTS  space-separated "name=SPEC" model variants (default
#                        "default=": one variant, the embedded data). SPEC is a
#                        comma list of a data directory (idner-eval --data
#                        DIR; none = the embedded data) and idner-eval options,
#                        e.g. "rules=--no-model", "tuned=/tmp/m,--profile=nerui".
#                        --profile=auto selects each corpus' own profile
#                        (nerui, nerugm, idner-news-2k, nergrit; others default).
#   IDNER_REPORT_DIR     where accuracy.md/.png go (default <source>/docs)
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

# The sequence-model profile that follows a corpus' annotation guide.
corpus_profile() {
  case $1 in
    nerui-indolem) echo nerui ;;
    nerugm-indolem) echo nerugm ;;
    idner-news-2k) echo idner-news-2k ;;
    nergrit-indonlu) echo nergrit ;;
    *) echo "" ;;
  esac
}

rm -rf "$RAW"
mkdir -p "$RAW" "$OUTDIR"
# variant TAB spec TAB embedded-model(0/1) TAB corpus TAB split TAB doc TAB json
: >"$RAW/runs.tsv"

declare -A absent_said=()
for variant in $VARIANTS; do
  name=${variant%%=*}
  spec=${variant#*=}
  [ "$variant" != "$name" ] || spec=""
  [[ "$name" =~ ^[A-Za-z0-9._+-]+$ ]] || die "bad variant name '$name' in IDNER_EVAL_VARIANTS (name=SPEC ...)"
  dir=""
  opts=()
  auto_profile=0
  embedded_model=1
  recipe_model=0
  IFS=',' read -r -a items <<<"$spec"
  for item in ${items[@]+"${items[@]}"}; do
    case $item in
      --profile=auto) auto_profile=1 ;;
      --no-model) opts+=("$item"); embedded_model=0 ;;
      --recipe) recipe_model=1 ;; # trained by train-model.sh's recipe: same overlap
      --*) opts+=("$item") ;;
      "") ;;
      *)
        [ -z "$dir" ] || die "variant $name: two data directories ('$dir' and '$item')"
        [ -d "$item" ] || die "variant $name: $item is not a directory"
        dir=$item
        opts+=(--data "$item")
        [ ! -f "$item/model.bin" ] || embedded_model=0
        ;;
    esac
  done
  [ "$recipe_model" = 0 ] || embedded_model=1
  echo "accuracy_report: model variant '$name' (${spec:-embedded data})"
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
    profile=()
    if [ "$auto_profile" = 1 ] && [ -n "$(corpus_profile "$corpus")" ]; then
      profile=(--profile "$(corpus_profile "$corpus")")
    fi
    # NER-UGM's TIME spans follow their own convention: the scorer maps ours
    # (idner-eval --help; docs/accuracy.md).
    [ "$corpus" != nerugm-indolem ] || profile+=(--date-convention nerugm)
    for doc in $DOC_MODES; do
      out=$RAW/$name/$corpus/$split.$doc.json
      mkdir -p "$(dirname "$out")"
      "$EVAL" --json --doc "$doc" ${opts[@]+"${opts[@]}"} ${profile[@]+"${profile[@]}"} "$gold" >"$out" ||
        die "idner-eval failed on $gold (variant $name, --doc $doc)"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$spec" "$embedded_model" "$corpus" "$split" \
        "$doc" "$out" >>"$RAW/runs.tsv"
    done
  done
  if [ -f "$SHARED/spec/seed.txt" ] && [ -f "$SHARED/spec/seed.gold.jsonl" ]; then
    out=$RAW/$name/seed.json
    "$EVAL" --json --date "$SEED_DATE" ${opts[@]+"${opts[@]}"} --text "$SHARED/spec/seed.txt" \
      --gold "$SHARED/spec/seed.gold.jsonl" >"$out" || die "idner-eval failed on the seed article"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$spec" "$embedded_model" seed seed text "$out" \
      >>"$RAW/runs.tsv"
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
IDNER_REPORT_VARIANTS="$VARIANTS" IDNER_REPORT_CORPORA="$CORPORA" \
IDNER_REPORT_RECIPE="$SRC/lib/gazetteers/train-model.sh" \
"$PY" - "$RAW/runs.tsv" "$OUTDIR/accuracy.md" "$RAW/plot.tsv" "$RAW/plot.gp" "$OUTDIR/accuracy.png" <<'PYEOF'
import json
import os
import re
import sys
from collections import OrderedDict

runs_path, md_path, plot_data, plot_script, png_path = sys.argv[1:6]
env = os.environ
CORPORA = env["IDNER_REPORT_CORPORA"]
RECIPE = env["IDNER_REPORT_RECIPE"]
THRESHOLD = 0.01  # overlap share from which a split is marked

runs = []
with open(runs_path, encoding="utf-8") as f:
    for line in f:
        variant, spec, embedded, corpus, split, doc, path = line.rstrip("\n").split("\t")
        with open(path, encoding="utf-8") as jf:
            runs.append(dict(variant=variant, spec=spec, embedded=embedded == "1", corpus=corpus,
                             split=split, doc=doc, r=json.load(jf)))

variants = list(OrderedDict.fromkeys(r["variant"] for r in runs))
vspec = {r["variant"]: r["spec"] for r in runs}
vembedded = {r["variant"]: r["embedded"] and r["r"].get("sequence_model", False) for r in runs}
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


# ---- overlap with the default model's training recipe ------------------------
def sentences(path):
    out, cur = [], []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.rstrip(b"\r\n")
            if not line.strip() or line.startswith(b"-DOCSTART-"):
                if cur:
                    out.append(cur)
                cur = []
                continue
            cur.append(line.split(b"\t")[0] if b"\t" in line else line.split()[0])
    if cur:
        out.append(cur)
    return out


LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def exact_key(s):  # the same tokens, ASCII case ignored
    return b" ".join(t.translate(LOWER) for t in s)


def text_key(s):  # the same text whatever the tokenization (idner-train --exclude)
    return re.sub(rb"\s+", b"", b"".join(s).lower())


recipe = None
if os.path.exists(RECIPE):
    src = open(RECIPE, encoding="utf-8").read()
    train = re.findall(r'--train "\$C/([^"]+)\.conll"', src)
    dev = re.findall(r'--dev "\$C/([^"]+)\.conll"', src)
    m = re.search(r"for t in (.*?); do", src, re.S)
    excl = m.group(1).replace("\\", " ").split() if m else []
    if train:
        recipe = dict(train=train, dev=dev, exclude=excl)

overlap = {}
if recipe:
    ex = set()
    for e in recipe["exclude"]:
        p = f"{CORPORA}/{e}.conll"
        if os.path.exists(p):
            ex |= {text_key(s) for s in sentences(p)}
    keys = {}
    for part in ("train", "dev"):
        ek, tk = set(), set()
        for t in recipe[part]:
            p = f"{CORPORA}/{t}.conll"
            if not os.path.exists(p):
                continue
            for s in sentences(p):
                if text_key(s) not in ex:
                    ek.add(exact_key(s))
                    tk.add(text_key(s))
        keys[part] = (ek, tk)
    for c, s in OrderedDict.fromkeys((r["corpus"], r["split"]) for r in runs if r["corpus"] != "seed"):
        ss = sentences(f"{CORPORA}/{c}/{s}.conll")
        n = len(ss) or 1
        o = {"sentences": len(ss)}
        for part in ("train", "dev"):
            ek, tk = keys[part]
            o[part + "_exact"] = sum(exact_key(x) in ek for x in ss) / n
            o[part + "_text"] = sum(text_key(x) in tk for x in ss) / n
        overlap[(c, s)] = o


def overlap_share(r):
    """Share of this run's sentences in the training/dev data of its model."""
    o = overlap.get((r["corpus"], r["split"]))
    return max(o["train_text"], o["dev_text"]) if o and vembedded[r["variant"]] else 0.0


def tainted(r):
    return overlap_share(r) >= THRESHOLD


def held_out(group):
    """The folds without overlap, else the least overlapping ones."""
    clean = [r for r in group if not tainted(r)]
    if clean or not group:
        return clean
    least = min(overlap_share(r) for r in group)
    return [r for r in group if overlap_share(r) <= least + 1e-9]


def pct(x):
    return f"{100 * x:.2f}"


def speed(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def not_scored(res):
    parts = []
    for key, who in (("ignored_gold", "gold"), ("ignored_pred", "predicted")):
        items = ", ".join(f"{i['type']} {i['chunks']}" for i in res[key])
        if items:
            parts.append(f"{who} {items}")
    return "; ".join(parts) if parts else "nothing"


def metrics(res, types):
    vals = [res["micro"]["precision"], res["micro"]["recall"], res["micro"]["f1"], res["macro"]["f1"]]
    for t in types:
        pt = res["per_type"].get(t)
        vals.append(pt["f1"] if pt else None)
    return vals


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def fold_label(group):
    return ",".join(r["split"].split(".")[-1] for r in group)


def show(x):
    return pct(x) if x is not None else "–"


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
    f"`{v}` = " + (f"`{vspec[v]}`" if vspec[v] else "the embedded default data")
    + ("" if vembedded[v] else " (not the embedded sequence model: † does not apply)")
    for v in variants) + ".")
w("- **Held-out or not.** † marks a split where 1% or more of the sentences also occur, "
  "ignoring case and whitespace, in the training or dev (early-stopping) data of the embedded "
  "sequence model (`lib/gazetteers/train-model.sh`; see \"Overlap\" below). † scores are not "
  "held-out scores. For the 5-fold sets the overview and the plot use only the held-out folds.")
w("- **Speed.** tokens/s counts the time spent inside the library's analyze calls: one thread, "
  "on the machine that ran the script.")
w("")

# ---- overview + plot data
series = [(v, d) for v in variants for d in ("file", "sentence")]
w("## Test splits at a glance")
w("")
w("Micro F1 (%) on each corpus' test split. For the 5-fold sets it is the mean over the folds "
  "named in brackets: the held-out ones, or if there are none (†), the least overlapping one.")
w("")
w("| corpus | " + " | ".join(f"{v} / doc {d}" for v, d in series) + " |")
w("|---" * (1 + len(series)) + "|")
plot_rows = []
for c in corpora:
    cells, notes, fold_sets, marks = [], [], set(), False
    for v, d in series:
        group = [r for r in runs if r["corpus"] == c and r["variant"] == v and r["doc"] == d
                 and r["split"].startswith("test")]
        if c in FOLDED:
            group = held_out(group)
        if not group:
            cells.append(None)
            notes.append("–")
            continue
        f1 = mean(r["r"]["micro"]["f1"] for r in group)
        mark = "†" if any(tainted(r) for r in group) else ""
        folds = f" ({fold_label(group)})" if c in FOLDED else ""
        cells.append(f1)
        notes.append(f"{pct(f1)}{mark}{folds}")
        fold_sets.add(fold_label(group))
        marks = marks or bool(mark)
    w(f"| {c} test | " + " | ".join(notes) + " |")
    if any(x is not None for x in cells):
        label = c + "\\ntest"
        if c in FOLDED:
            if len(fold_sets) > 1:
                label += " (held-out)"
            else:
                folds = fold_sets.pop()
                label += ("." + folds) if "," not in folds else f" ({folds.count(',') + 1}-fold mean)"
        plot_rows.append((label + ("†" if marks else ""), cells))
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
      f"{not_scored(first['r'])}.")
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
                        res = r["r"]
                        w(f"| {v} | {s}{'†' if tainted(r) else ''} | {d} | {res['tokens']} | "
                          + " | ".join(show(x) for x in metrics(res, types))
                          + f" | {speed(res['tokens_per_second'])} |")
    if c in FOLDED:
        for d in ("file", "sentence"):
            for v in variants:
                group = [r for r in crun if r["doc"] == d and r["variant"] == v
                         and r["split"].startswith("test")]
                clean = [r for r in group if not tainted(r)]
                means = [group] if len(group) >= 2 else []
                if 2 <= len(clean) < len(group):
                    means.append(clean)  # the held-out folds alone
                for g in means:
                    vals = [mean(x) for x in zip(*(metrics(r["r"], types) for r in g))]
                    mark = "†" if any(tainted(r) for r in g) else ""
                    cells = [show(x) for x in vals]
                    cells[2] = f"**{cells[2]}**"
                    w(f"| {v} | **test mean, folds {fold_label(g)}**{mark} | {d} | "
                      f"{sum(r['r']['tokens'] for r in g)} | " + " | ".join(cells)
                      + f" | {speed(mean(r['r']['tokens_per_second'] for r in g))} |")
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

# ---- overlap
w("## Overlap with the default model's training data")
w("")
if not recipe:
    w(f"Not measured: no training recipe (`--train`/`--dev` lines) in `{os.path.relpath(RECIPE)}`.")
else:
    w("The share of each split's sentences that also occur in the training (`--train`) or "
      "early-stopping (`--dev`) files of `lib/gazetteers/train-model.sh`, after its `--exclude` "
      "test sentences are removed as idner-train does (same text ignoring ASCII case and "
      "whitespace, so a sentence another corpus tokenized differently is removed too): first "
      "as the same tokens (ASCII case ignored), then as the same text ignoring case and "
      "whitespace. "
      "The recipe trains on " + ", ".join(f"`{t}`" for t in recipe["train"]) + "; dev "
      + ", ".join(f"`{t}`" for t in recipe["dev"]) + "; excluded "
      + ", ".join(f"`{t}`" for t in recipe["exclude"]) + ".")
    w("")
    w("| split | sentences | in train (same tokens) | in train (same text) | "
      "in dev (same tokens) | in dev (same text) |")
    w("|---|---|---|---|---|---|")
    for (c, s), o in overlap.items():
        mark = "†" if o["train_text"] >= THRESHOLD or o["dev_text"] >= THRESHOLD else ""
        w(f"| {c}/{s}{mark} | {o['sentences']} | {pct(o['train_exact'])} | {pct(o['train_text'])} | "
          f"{pct(o['dev_exact'])} | {pct(o['dev_text'])} |")
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
        f.write(label + "\t" + "\t".join(f"{100 * x:.2f}" if x is not None else "NaN"
                                         for x in cells) + "\n")
n = len(series)
gap = 1
marked = any("†" in label for label, _ in plot_rows)
with open(plot_script, "w", encoding="utf-8") as f:
    f.write(f"""set terminal pngcairo size 1200,560 font "sans,10"
set output '{png_path}'
set datafile separator "\\t"
set datafile missing "NaN"
set title "idner micro F1 per corpus test split ({env['IDNER_REPORT_COMMIT']}{'+' if env['IDNER_REPORT_DIRTY'] else ''})"
set style data histograms
set style histogram clustered gap {gap}
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:105]
set ylabel "micro F1 (%)"
set grid ytics
set key outside right top vertical
set xtics nomirror
set tics out
set bmargin 5
{'set label "† overlaps the default model' + "'" + 's training data" at graph 0.01, graph 0.96 font "sans,9"' if marked else ''}
plot '{plot_data}' using 2:xtic(1) title columnheader(2), \\
     for [i=3:{n + 1}] '{plot_data}' using i title columnheader(i), \\
     for [i=2:{n + 1}] '{plot_data}' skip 1 using ($0 + (i - 2 - {(n - 1) / 2}) / {n + gap}.0):(column(i) + 1):(sprintf("%.1f", column(i))) with labels rotate by 90 left font "sans,8" notitle
""")
PYEOF

gnuplot "$RAW/plot.gp"
echo "accuracy_report: wrote $OUTDIR/accuracy.md and $OUTDIR/accuracy.png"
