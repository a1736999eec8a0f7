#!/usr/bin/env bash
# test_cli.sh — end-to-end checks of the idner-tag command line.
#
#   tests/test_cli.sh PATH/TO/idner-tag [PATH/TO/shared]
#
# The second argument is the shared directory holding corpora/ (normally
# ../shared next to the repository). When it or its corpora are missing, the
# corpus checks are skipped with a message. JSON is validated with the
# system /usr/bin/python3 (standard library only).
set -u

TAG=${1:?usage: test_cli.sh PATH/TO/idner-tag [SHARED_DIR]}
SHARED=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/idner-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

pass() { checks=$((checks + 1)); echo "ok   - $1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL - $1"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# run EXPECTED_STATUS ARGS... : runs idner-tag with stdin from $WORK/stdin
# (empty if absent), keeping stdout/stderr in $WORK/out, $WORK/err.
run() {
  local want=$1; shift
  local stdin=$WORK/stdin
  [ -f "$stdin" ] || : >"$stdin"
  "$TAG" "$@" <"$stdin" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  rm -f "$stdin"
  if [ "$got" -ne "$want" ]; then
    echo "     idner-tag $* exited $got, expected $want; stderr:" >&2
    sed 's/^/       /' "$WORK/err" >&2
    return 1
  fi
}

stderr_has() { grep -q -- "$1" "$WORK/err"; }
stdout_has() { grep -q -- "$1" "$WORK/out"; }

# ---- Options and exit codes --------------------------------------------------

check "--help exits 0 and prints usage to stdout" \
  eval 'run 0 --help && stdout_has "^Usage: idner-tag" && [ ! -s "$WORK/err" ]'

header_version=$(sed -n 's/^#define IDNER_VERSION_STRING "\(.*\)"$/\1/p' "$HERE/../include/idner.h")
check "--version prints 'idner-tag $header_version' and the data format" \
  eval 'run 0 --version && stdout_has "^idner-tag $header_version (data format [0-9][0-9]*)$"'

check "unknown option is a usage error (2)" \
  eval 'run 2 --no-such-option && stderr_has "unknown option"'
check "option without its value is a usage error (2)" eval 'run 2 --format'
check "bad --input value is a usage error (2)" eval 'run 2 --input xml'
check "bad --format value is a usage error (2)" eval 'run 2 --format=yaml'
check "bad --date is a usage error (2)" eval 'run 2 --date 2023-02-29 && stderr_has "invalid --date"'
check "malformed --date is a usage error (2)" eval 'run 2 --date=19/9/2023'
check "unknown --types name is a usage error (2)" \
  eval 'run 2 --types PER,FOO && stderr_has "FOO"'
check "unknown --profile is a usage error (2)" \
  eval 'printf "Rusia" >"$WORK/stdin" && run 2 --profile no-such-corpus && stderr_has "no profile"'
check "--profile of a corpus tags" \
  eval 'printf "Presiden Joko Widodo tiba." >"$WORK/stdin" && run 0 --profile nerugm && stdout_has "Joko Widodo]PER"'
check "--no-model tags with gazetteers and rules" \
  eval 'printf "Warga Rusia tiba." >"$WORK/stdin" && run 0 --no-model && stdout_has "\[Rusia\]NAT"'
check "empty input gives no output and exit 0 (text)" eval 'run 0 && [ ! -s "$WORK/out" ]'
check "empty input gives no output and exit 0 (jsonl)" \
  eval 'run 0 --input jsonl --format jsonl && [ ! -s "$WORK/out" ]'
check "empty input gives no output and exit 0 (conll)" \
  eval 'run 0 --input conll --format conll && [ ! -s "$WORK/out" ]'
check "a missing file is an error (1) naming it" \
  eval 'run 1 "$WORK/no-such-file.txt" && stderr_has "no-such-file.txt"'
check "a nonexistent --data directory is an error (1)" \
  eval 'run 1 --data "$WORK/no-such-dir" "$WORK/no-such-file.txt"'

printf '%s\n' '{"id": 1, "text": "Wang Yi tiba di Jakarta."}' \
  '{"id": 2, "text": "tidak ditutup}' '{"id": 3, "text": "x"}' >"$WORK/bad.jsonl"
check "bad JSON Lines input exits 1 naming file and line 2" \
  eval 'run 1 --input jsonl --format jsonl "$WORK/bad.jsonl" && stderr_has "bad.jsonl:2: invalid JSON"'
printf '%s\n' '{"text": "ok"}' '{"id": true, "text": "x"}' >"$WORK/badid.jsonl"
check "a boolean id is bad input (1) naming line 2" \
  eval 'run 1 --input jsonl "$WORK/badid.jsonl" && stderr_has "badid.jsonl:2:"'
printf '%s\n' '{"text": "x", "doc_date": "2023-13-40"}' >"$WORK/baddate.jsonl"
check "an invalid doc_date is bad input (1)" \
  eval 'run 1 --input jsonl "$WORK/baddate.jsonl" && stderr_has "baddate.jsonl:1:.*doc_date"'
printf 'Presiden \377 Joko Widodo\n' >"$WORK/invalid.txt"
check "invalid UTF-8 is tolerated by default" eval 'run 0 "$WORK/invalid.txt"'
check "invalid UTF-8 with --strict-utf8 exits 1 naming the file" \
  eval 'run 1 --strict-utf8 "$WORK/invalid.txt" && stderr_has "invalid.txt"'

# ---- Text in, text out ----------------------------------------------------------

SENTENCE='Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi di Jakarta pada Selasa (19/9/2023).'
printf '%s\n' "$SENTENCE" >"$WORK/stdin"
check "text markup contains [Wang Yi]PER" \
  eval 'run 0 --date 2023-09-19 && stdout_has "\[Wang Yi\]PER"'
printf '%s\n' "$SENTENCE" >"$WORK/stdin"
check "--types PER leaves only PER markup" \
  eval 'run 0 --types PER && stdout_has "\]PER" && ! grep -q "\]\(NAT\|ORG\|LOC\|DATE\|TIME\)" "$WORK/out"'

# ---- CoNLL in, CoNLL out: exactly the input's lines --------------------------------

# compare_conll INPUT OUTPUT: same line count, same first column, blank
# lines in the same places, and a valid BIO label on every token line.
compare_conll() {
  local in=$1 out=$2
  tr -d '\r' <"$in" | cut -f1 >"$WORK/in.col1"
  cut -f1 <"$out" >"$WORK/out.col1"
  if ! cmp -s "$WORK/in.col1" "$WORK/out.col1"; then
    echo "     first columns differ:" >&2
    diff "$WORK/in.col1" "$WORK/out.col1" | head -5 >&2
    return 1
  fi
  local lines_in lines_out
  lines_in=$(wc -l <"$WORK/in.col1")
  lines_out=$(wc -l <"$out")
  [ "$lines_in" -eq "$lines_out" ] || { echo "     $lines_in lines in, $lines_out out" >&2; return 1; }
  if grep -v -- '^-DOCSTART-' "$out" | grep -v '^$' |
      grep -v -E $'\t''(O|[BI]-(PER|NAT|ORG|LOC|DATE|TIME))$' | head -3 | grep -q .; then
    echo "     token lines without a valid label:" >&2
    grep -v -- '^-DOCSTART-' "$out" | grep -v '^$' |
      grep -v -E $'\t''(O|[BI]-(PER|NAT|ORG|LOC|DATE|TIME))$' | head -3 >&2
    return 1
  fi
}

# A sample with CRLF, two blank lines in a row, a leading blank line, a
# -DOCSTART- document break, extra columns and no final newline.
printf '\r\nMenteri\tO\r\nLuar\tO\r\nNegeri\tO\r\nChina\tB-LOC\r\nWang\tB-PER\r\nYi\tI-PER\r\ntiba\tO\r\n.\tO\r\n\r\n\r\n-DOCSTART-\tO\r\n\r\nDi\tO\r\nJakarta\tB-LOC\r\n\r\nPresiden\tX\tO\r\nJoko\tX\tB-PER\r\nWidodo\tX\tI-PER' \
  >"$WORK/sample.conll"
check "--input conll --format conll keeps tokens, lines and blank lines (inline sample)" \
  eval 'run 0 --input conll --format conll "$WORK/sample.conll" && compare_conll "$WORK/sample.conll" "$WORK/out"'
check "CoNLL output labels Wang Yi as B-PER I-PER" \
  eval 'grep -q "^Wang	B-PER$" "$WORK/out" && grep -q "^Yi	I-PER$" "$WORK/out"'
tr -d '\r' <"$WORK/sample.conll" >"$WORK/stdin"
check "CoNLL from standard input gives the same output" \
  eval 'cp "$WORK/out" "$WORK/out.file" && run 0 --input conll --format conll - && cmp -s "$WORK/out" "$WORK/out.file"'
check "--input conll --format text writes one line per sentence" \
  eval 'run 0 --input conll --format text "$WORK/sample.conll" && [ "$(wc -l <"$WORK/out")" -eq 3 ] && stdout_has "^Menteri Luar Negeri "'
printf 'Wang\tO\n\tO\n' >"$WORK/emptytok.conll"
check "an empty CoNLL token is bad input (1) naming line 2" \
  eval 'run 1 --input conll --format conll "$WORK/emptytok.conll" && stderr_has "emptytok.conll:2:"'

# ---- JSON Lines in, JSON Lines out ---------------------------------------------------

{
  printf '%s\n' '{"id": "a", "text": "Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi di Jakarta pada Selasa (19/9/2023).", "doc_date": "2023-09-19"}'
  printf '%s\r\n' '{"text": "Kata \u201ccaf\u00e9\u201d \ud83d\ude00 dari Wang Yi di Jakarta.", "id": 7}'
  printf '%s\n' '{"id": null, "text": "Tanpa entitas sama sekali."}'
  printf '%s\n' '{"id": 4.5e1, "text": "Jakarta\tdan\nBeijing \"kota\" \\ besar"}'
  printf '{"id": "long", "text": "'
  for _ in $(seq 2000); do printf 'Wang Yi tiba di Jakarta pada Selasa (19/9/2023). '; done
  printf '"}'   # no final newline
} >"$WORK/docs.jsonl"

validate_jsonl() { # INPUT OUTPUT
  "$PY" - "$1" "$2" <<'PY'
import json, sys
inp = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
out = open(sys.argv[2], encoding="utf-8").read().split("\n")
assert out[-1] == "", "output must end with a newline"
out = out[:-1]
assert len(out) == len(inp), f"{len(inp)} input lines, {len(out)} output lines"
for n, (i, o) in enumerate(zip(inp, out), 1):
    doc, res = json.loads(i), json.loads(o)
    assert set(res) == {"id", "entities"}, f"line {n}: keys {sorted(res)}"
    want_id = doc.get("id") if doc.get("id") is not None else n
    assert res["id"] == want_id, f"line {n}: id {res['id']!r} != {want_id!r}"
    text = doc["text"]
    raw = text.encode("utf-8")
    prev_end = 0
    for e in res["entities"]:
        assert e["type"] in {"PER", "NAT", "ORG", "LOC", "DATE", "TIME"}, e
        assert prev_end <= e["start"] < e["end"] <= len(raw), f"line {n}: bad span {e}"
        prev_end = e["end"]
        assert raw[e["start"]:e["end"]].decode("utf-8") == e["text"], f"line {n}: bytes {e}"
        assert text[e["char_start"]:e["char_end"]] == e["text"], f"line {n}: chars {e}"
        for k in ("value", "mod", "end_value"):
            assert k not in e or (isinstance(e[k], str) and e[k]), f"line {n}: empty {k}"
print(f"     {len(out)} JSON lines valid, "
      f"{sum(len(json.loads(o)['entities']) for o in out)} entities checked")
PY
}
check "--input jsonl --format jsonl: one valid line per document, texts match byte and char slices" \
  eval 'run 0 --input jsonl --format jsonl "$WORK/docs.jsonl" && validate_jsonl "$WORK/docs.jsonl" "$WORK/out"'
check "jsonl output finds PER Wang Yi in a text after multibyte characters" \
  eval 'sed -n 2p "$WORK/out" | grep -q "\"type\": \"PER\", \"text\": \"Wang Yi\""'
validate_json_docs() { # OUTPUT COUNT: a stream of COUNT pretty JSON objects
  "$PY" - "$1" "$2" <<'PY'
import json, re, sys
s, want = open(sys.argv[1], encoding="utf-8").read(), int(sys.argv[2])
decoder, space, pos, n = json.JSONDecoder(), re.compile(r"\s*"), 0, 0
while True:
    pos = space.match(s, pos).end()
    if pos == len(s):
        break
    obj, pos = decoder.raw_decode(s, pos)
    assert "id" in obj and "entities" in obj and "text" in obj, sorted(obj)
    n += 1
assert n == want, f"{n} objects, expected {want}"
assert s.count("\n") > 3 * n, "not pretty-printed"
PY
}
check "--format json is valid pretty JSON, one object per document" \
  eval 'run 0 --input jsonl --format json "$WORK/docs.jsonl" && validate_json_docs "$WORK/out" 5'
# Every IDNER_EV_* bit has a name: the sequence model's entities say "MODEL".
check "--format json names the MODEL evidence bit" \
  eval 'run 0 --format json --date 2023-09-19 "$HERE/../examples/seed.txt" && grep -q "\"MODEL\"" "$WORK/out"'
check "--input jsonl --format conll gives token TAB label lines" \
  eval 'run 0 --input jsonl --format conll "$WORK/docs.jsonl" && grep -q "^Wang	B-PER$" "$WORK/out" && grep -q "^Yi	I-PER$" "$WORK/out"'

# ---- Jobs (threads) and streamed lines ------------------------------------------------

check "-j -1 is a usage error (2)" eval 'run 2 -j -1 && stderr_has "invalid --jobs .-1."'
check "-j abc is a usage error (2)" eval 'run 2 -j abc && stderr_has "invalid --jobs .abc."'
check "--jobs=2x is a usage error (2)" eval 'run 2 --jobs=2x && stderr_has "invalid --jobs"'
check "-j 100000 is a usage error (2)" eval 'run 2 -j 100000 && stderr_has "invalid --jobs"'
check "-j without a value is a usage error (2)" eval 'run 2 -j && stderr_has "needs a value"'
check "--help documents --jobs and --input lines" \
  eval 'run 0 --help && stdout_has "^  -j, --jobs N" && stdout_has "^      lines "'

# Many documents: the seed article's lines, the JSON Lines sample above and
# a few lines of our own, repeated with different ids.
SEED="$HERE/../examples/seed.txt"
"$PY" - "$SEED" "$WORK/docs.jsonl" "$WORK/multi.jsonl" "$WORK/multi.lines" <<'PY'
import json, sys
seed = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l.strip()]
own = ["Presiden Joko Widodo tiba di Moskow, Rusia, pada Selasa (19/9/2023).",
       "Menteri Luar Negeri China Wang Yi bertemu Sergei Lavrov kemarin.",
       "Tidak ada entitas di sini.",
       "Rapat BPS di Surabaya dimulai pukul 09.30 WIB akhir pekan lalu."]
samples = [l for l in open(sys.argv[2], encoding="utf-8").read().splitlines() if l.strip()]
with open(sys.argv[3], "w", encoding="utf-8") as out:
    n = 0
    for rep in range(6):
        for text in seed + own:
            n += 1
            doc = {"id": f"d{n}", "text": text}
            if n % 3 == 0:
                doc["doc_date"] = "2023-09-%02d" % (1 + n % 28)
            out.write(json.dumps(doc, ensure_ascii=n % 2 == 0) + "\n")
        out.write("\n" if rep % 2 else "  \t\n")   # blank lines are skipped
        out.write("\n".join(samples[:-1]) + "\n")  # the sample without the long document
    out.write(samples[-1] + "\n")                 # the long one, last
with open(sys.argv[4], "w", encoding="utf-8", newline="") as out:
    for rep in range(6):
        for text in seed + own:
            out.write(text + ("\r\n" if rep == 2 else "\n"))
        out.write("\n" if rep % 2 else "   \n")   # an empty and a blank document
    out.write("Kalimat terakhir tanpa baris baru dari Jakarta")  # no final newline
PY

# same_as_j1 ARGS...: -j 2 and -j 3 give exactly the output, messages and
# exit status of -j 1 (standard input from $JSTDIN, else empty).
same_as_j1() {
  local want in=${JSTDIN:-/dev/null}
  "$TAG" -j 1 "$@" <"$in" >"$WORK/j1.out" 2>"$WORK/j1.err"
  want=$?
  for j in 2 3; do
    "$TAG" -j "$j" "$@" <"$in" >"$WORK/jn.out" 2>"$WORK/jn.err"
    local got=$?
    if [ "$got" -ne "$want" ] || ! cmp -s "$WORK/j1.out" "$WORK/jn.out" ||
        ! cmp -s "$WORK/j1.err" "$WORK/jn.err"; then
      echo "     -j $j differs from -j 1 (exit $got vs $want):" >&2
      diff "$WORK/j1.out" "$WORK/jn.out" | head -5 >&2
      diff "$WORK/j1.err" "$WORK/jn.err" | head -5 >&2
      return 1
    fi
  done
  [ -s "$WORK/j1.out" ] || { echo "     no output" >&2; return 1; }
}

for f in jsonl json text conll; do
  check "-j 2 and -j 3 equal -j 1 on multi-document JSON Lines (--format $f)" \
    same_as_j1 --date 2023-09-19 --input jsonl --format "$f" "$WORK/multi.jsonl"
done
for f in jsonl text conll; do
  check "-j 2 and -j 3 equal -j 1 on --input lines (--format $f)" \
    same_as_j1 --date 2023-09-19 --input lines --format "$f" "$WORK/multi.lines"
done
check "-j 2 and -j 3 equal -j 1 on several text files and standard input" \
  eval 'JSTDIN=$SEED same_as_j1 --date 2023-09-19 "$SEED" "$WORK/invalid.txt" - "$SEED"'
check "-j 2 and -j 3 equal -j 1 on CoNLL input (--format conll)" \
  same_as_j1 --input conll --format conll "$WORK/sample.conll" "$WORK/sample.conll"
check "-j 2 and -j 3 equal -j 1 on CoNLL input (--format jsonl)" \
  same_as_j1 --input conll --format jsonl "$WORK/sample.conll" "$WORK/sample.conll"
check "-j 0 (one thread per CPU) equals -j 1" \
  eval 'run 0 -j 0 --date 2023-09-19 --input jsonl --format jsonl "$WORK/multi.jsonl" &&
        "$TAG" -j 1 --date 2023-09-19 --input jsonl --format jsonl "$WORK/multi.jsonl" | cmp -s - "$WORK/out"'
grep -v '^[[:space:]]*$' "$WORK/multi.jsonl" >"$WORK/multi-noblank.jsonl"
check "-j 2 output is valid JSON Lines in input order" \
  eval 'run 0 -j 2 --input jsonl --format jsonl "$WORK/multi-noblank.jsonl" &&
        validate_jsonl "$WORK/multi-noblank.jsonl" "$WORK/out"'

# One result per input line, blank lines included, ids = line numbers.
validate_lines() { # INPUT OUTPUT
  "$PY" - "$1" "$2" <<'PY'
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
if lines[-1] == b"":
    lines.pop()
out = open(sys.argv[2], encoding="utf-8").read().split("\n")
assert out[-1] == "", "output must end with a newline"
out = out[:-1]
assert len(out) == len(lines), f"{len(lines)} input lines, {len(out)} results"
for n, (raw, o) in enumerate(zip(lines, out), 1):
    res = json.loads(o)
    assert res["id"] == n, f"line {n}: id {res['id']!r}"
    raw = raw[:-1] if raw.endswith(b"\r") else raw
    for e in res["entities"]:
        assert raw[e["start"]:e["end"]].decode("utf-8") == e["text"], f"line {n}: {e}"
    if not raw.strip():
        assert res["entities"] == [], f"line {n}: entities in a blank line"
print(f"     {len(out)} lines, {len(out)} results")
PY
}
for j in 1 2; do
  check "--input lines -j $j --format jsonl: one result per line (blank ones too), id = line number" \
    eval 'run 0 -j '$j' --input lines --format jsonl "$WORK/multi.lines" && validate_lines "$WORK/multi.lines" "$WORK/out"'
done
check "--input lines --format text: one output line per input line" \
  eval 'run 0 -j 2 --input lines "$WORK/multi.lines" &&
        [ "$(wc -l <"$WORK/out")" -eq "$(($(wc -l <"$WORK/multi.lines") + 1))" ] &&
        stdout_has "^Presiden \[Joko Widodo\]PER tiba di \[Moskow\]LOC"'
printf 'Wang Yi\n\nJakarta\n' >"$WORK/stdin"
check "--input lines from standard input" \
  eval 'run 0 -j 2 --input lines --format jsonl && [ "$(wc -l <"$WORK/out")" -eq 3 ] &&
        sed -n 2p "$WORK/out" | grep -q "^{\"id\": 2, \"entities\": \[\]}$"'

# Errors: the first bad document in input order decides, after the output
# of every document before it, exactly as with one job.
{ head -n 40 "$WORK/multi.jsonl"; echo '{"id": "bad", "text": "tidak ditutup}'; cat "$WORK/multi.jsonl"; } >"$WORK/bad40.jsonl"
check "a bad JSON line in the middle: -j 2/3 report it like -j 1 (exit 1, same output before it)" \
  eval 'same_as_j1 --input jsonl --format jsonl "$WORK/bad40.jsonl" && grep -q "bad40.jsonl:41: invalid JSON" "$WORK/j1.err" &&
        [ "$(wc -l <"$WORK/j1.out")" -eq "$(head -n 40 "$WORK/multi.jsonl" | grep -c "[^ 	]")" ]'
{ head -n 7 "$WORK/multi.lines"; printf 'Presiden \377 Joko Widodo\n'; cat "$WORK/multi.lines"; } >"$WORK/bad.lines"
check "invalid UTF-8 in a line with --strict-utf8: -j 2/3 report it like -j 1" \
  eval 'same_as_j1 --strict-utf8 --input lines --format jsonl "$WORK/bad.lines" && grep -q "bad.lines:8: " "$WORK/j1.err" &&
        [ "$(wc -l <"$WORK/j1.out")" -eq 7 ]'
check "a bad doc_date and two bad lines: only the first is reported, like -j 1" \
  eval 'same_as_j1 --input jsonl "$WORK/multi.jsonl" "$WORK/baddate.jsonl" "$WORK/bad.jsonl" && [ "$(grep -c . "$WORK/j1.err")" -eq 1 ] &&
        grep -q "baddate.jsonl:1:.*doc_date" "$WORK/j1.err"'
check "a missing file after good ones: -j 2/3 report it like -j 1" \
  eval 'same_as_j1 --input lines "$WORK/multi.lines" "$WORK/no-such-file.txt" "$WORK/multi.lines" && grep -q "no-such-file.txt" "$WORK/j1.err"'
printf 'Wang\tO\n\tO\n' >"$WORK/emptytok.conll"
check "a CoNLL format error after a good file: -j 2/3 report it like -j 1" \
  eval 'same_as_j1 --input conll --format conll "$WORK/sample.conll" "$WORK/emptytok.conll" && grep -q "emptytok.conll:2:" "$WORK/j1.err"'
check "after an error -j 2 exits without waiting for more input (a pipe kept open)" \
  eval 'mkfifo "$WORK/fifo" && { { printf "%s\n" "{\"text\": \"Jakarta\"}" "bad"; exec sleep 30; } >"$WORK/fifo" & } &&
        producer=$!; timeout 10 "$TAG" -j 2 --input jsonl "$WORK/fifo" >"$WORK/out" 2>"$WORK/err"; got=$?;
        kill "$producer" 2>/dev/null; wait "$producer" 2>/dev/null;
        [ "$got" -eq 1 ] && stderr_has "fifo:2: invalid JSON" && stdout_has "^\[Jakarta\]LOC$"'

# ---- Corpora ---------------------------------------------------------------------------

CORPUS=${SHARED:+$SHARED/corpora/nerui-indolem/test.01.conll}
if [ -n "$CORPUS" ] && [ -f "$CORPUS" ]; then
  check "--input conll --format conll reproduces nerui-indolem/test.01.conll tokens and lines" \
    eval 'run 0 --input conll --format conll "$CORPUS" && compare_conll "$CORPUS" "$WORK/out"'
  check "--input conll --format jsonl on the corpus gives one valid document" \
    eval 'run 0 --input conll --format jsonl "$CORPUS" && [ "$(wc -l <"$WORK/out")" -eq 1 ] &&
          "$PY" -c "import json,sys; json.loads(open(sys.argv[1]).read())" "$WORK/out"'
else
  echo "skip - corpus checks: ${SHARED:-<no shared dir given>}/corpora/nerui-indolem/test.01.conll not found"
fi

echo "$((checks - failures))/$checks checks passed"
[ "$failures" -eq 0 ]
