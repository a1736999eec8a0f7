#!/bin/bash
# dask-scaling.sh — documents/s of examples/python/idner_dask.py on a LocalCluster of 1
# and 2 workers, and of idner-tag -j1 / -j2 on the same JSONL file (made from the shared
# corpora by corpus_jsonl.py, outside the repo); checks that all four outputs are the
# same bytes. Each run is timed with /usr/bin/time (wall, peak RSS of that process); for
# Dask also the tagging phase alone (the recipe's own clock, without starting the
# cluster) and the workers' peak RSS (from OUT/_SUCCESS). The figures in
# docs/scaling.md are this script's output.
#
#   tests/bench/dask-scaling.sh BUILD_DIR [SHARED_DIR] [--mb N] [--blocksize SIZE] [--runs N]
#
# BUILD_DIR holds idner-tag and libidner.so. --mb: input size (default 32 MB);
# --blocksize: Dask partition size (default 4 MiB); --runs: runs per row (default 1,
# the fastest is shown). The idner package is taken from the source tree's
# examples/python (an existing PYTHONPATH is kept after it).
set -euo pipefail
shopt -s inherit_errexit
build=${1:?usage: dask-scaling.sh BUILD_DIR [SHARED_DIR] [--mb N] [--blocksize SIZE] [--runs N]}
shift
build=$(cd "$build" && pwd)
shared=../shared
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then shared=$1; shift; fi
mb=32 blocksize="4 MiB" runs=1
while [ $# -gt 0 ]; do
  case $1 in
    --mb) mb=$2; shift 2 ;;
    --blocksize) blocksize=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "dask-scaling.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
tag=$build/idner-tag
lib=$build/libidner.so
[ -x "$tag" ] && [ -f "$lib" ] || { echo "dask-scaling.sh: no idner-tag/libidner.so in $build" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "dask-scaling.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -d "$shared/corpora" ] || { echo "dask-scaling.sh: no corpora at $shared/corpora" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
py=/usr/bin/python3
export IDNER_LIBRARY=$lib
export PYTHONPATH=$root/examples/python${PYTHONPATH:+:$PYTHONPATH}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" # (not the caller's directory: a stray module there would shadow the stdlib)

$py "$root/tests/bench/corpus_jsonl.py" "$shared" "$work/in.jsonl" --min-mb "$mb"
docs=$(grep -cv '^[[:space:]]*$' "$work/in.jsonl")
bytes=$(stat -c %s "$work/in.jsonl")
date=2024-01-01 # fixed, so the outputs do not depend on the day

best() { # best "wall rss" line over $runs runs of "$@" (stdout to $out)
  local b="" l
  for _ in $(seq "$runs"); do
    rm -rf "$out"
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
      cat "$work/err" >&2; echo "dask-scaling.sh: failed: $*" >&2; exit 1; }
    l=$(tail -1 "$work/time")
    if [ -z "$b" ] || awk -v a="${l%% *}" -v b="${b%% *}" 'BEGIN { exit !(a < b) }'; then
      b=$l
      cp "$work/err" "$work/err.best"
    fi
  done
  echo "$b"
}

echo "== $docs documents, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB of JSONL;" \
     "$(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
printf "%-22s %9s %9s %8s %13s %12s %9s %10s %8s\n" run "wall s" "docs/s" "MB/s" "tagging s" \
       "tag docs/s" "RSS MiB" "workers'" "before"
for j in 1 2; do
  out=$work/tag-j$j.jsonl
  r=$(best sh -c '"$0" --input jsonl --format jsonl --date "$1" -j "$2" "$3" >"$4"' \
        "$tag" "$date" "$j" "$work/in.jsonl" "$out")
  awk -v n="$docs" -v b="$bytes" -v w="${r%% *}" -v m="${r##* }" -v name="idner-tag -j$j" \
    'BEGIN { printf "%-22s %9.2f %9.0f %8.2f %13s %12s %9.0f %10s %8s\n",
             name, w, n / w, b / 1e6 / w, "-", "-", m / 1024, "-", "-" }'
done
for n in 1 2; do
  out=$work/dask-$n
  r=$(best "$py" "$root/examples/python/idner_dask.py" --local "$n" --blocksize "$blocksize" \
        --date "$date" "$work/in.jsonl" "$out")
  cat "$out"/part-*.jsonl >"$work/dask-$n.jsonl"
  cmp -s "$work/dask-$n.jsonl" "$work/tag-j1.jsonl" || {
    echo "dask-scaling.sh: --local $n output differs from idner-tag's" >&2; exit 1; }
  $py - "$out/_SUCCESS" "${r%% *}" "${r##* }" "$n" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
wall, rss, n = float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print(f"{'idner_dask --local ' + n:<22} {wall:9.2f} {s['docs'] / wall:9.0f} "
      f"{s['bytes'] / 1e6 / wall:8.2f} {s['seconds']:13.2f} {s['docs'] / s['seconds']:12.0f} "
      f"{rss / 1024:9.0f} {s['max_worker_rss_mib']:10.0f} {s['worker_rss_before_mib']:8.0f}")
EOF
done
cmp -s "$work/tag-j1.jsonl" "$work/tag-j2.jsonl" || { echo "dask-scaling.sh: -j2 differs from -j1" >&2; exit 1; }
echo "(wall and docs/s include starting the Dask cluster and loading the models; 'tagging s'"
echo " is the recipe's own clock from building the task graph to the last part file;"
echo " RSS is the measured process (for Dask the client), 'workers'' the largest worker's"
echo " peak RSS, 'before' its peak before the job (no model yet); all four outputs are the same bytes; blocksize $blocksize, best of $runs)"

# Where a document's time goes, one process, no Dask: idner-tag's CPU, the binding's
# Model.analyze alone, and the recipe's tag_block (parse + analyze + Entity.to_dict + JSON).
head -n 1000 "$work/in.jsonl" >"$work/small.jsonl"
/usr/bin/time -f "%U %S" -o "$work/time" "$tag" --input jsonl --format jsonl --date "$date" \
  "$work/small.jsonl" >/dev/null
$py - "$work/small.jsonl" "$date" "$(tail -1 "$work/time")" <<'EOF'
import json, sys, time
import idner_dask
path, date, (user, sys_) = sys.argv[1], sys.argv[2], sys.argv[3].split()
opts = idner_dask.Options(date=date, default_date=date, types=None, profile=None,
                          strict_utf8=False, data_dir=None, no_model=False)
model = idner_dask.get_model(None, False)
data = open(path, "rb").read()
texts = [json.loads(line)["text"] for line in data.splitlines() if line.strip()]
(block,), = idner_dask.plan_blocks([path], len(data) + 1)
t = time.process_time()
for text in texts:
    model.analyze(text, date=date)
analyze = time.process_time() - t
t = time.process_time()
idner_dask.tag_block(block, 1, path + ".out", opts)
tag = time.process_time() - t
n = len(texts)
print(f"== CPU per document, one process, {n} documents ({len(data) / 1e6:.1f} MB):")
print(f"idner-tag (user+sys)            {1e3 * (float(user) + float(sys_)) / n:7.2f} ms")
print(f"Model.analyze (Python binding)  {1e3 * analyze / n:7.2f} ms")
print(f"idner_dask.tag_block            {1e3 * tag / n:7.2f} ms")
EOF
