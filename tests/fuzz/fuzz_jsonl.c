/* fuzz_jsonl.c — libFuzzer target: idner-tag's JSON Lines input
 * (examples/conllio.c's line reader, examples/jsonio.c's object reader,
 * examples/cliutil.c's date parser), read as idner-tag reads it.
 *
 * Input: a JSON Lines file. Each non-blank line (at most 64) is parsed as
 * one flat object; its "text" is analyzed with its "doc_date" as the
 * reference date, with the model without the sequence model (odd input
 * sizes: the default model). Checked: the line reader's lines and byte
 * count; each member's key and value NUL-terminated at their lengths, keys
 * unique and found by json_object_get, numbers in JSON's grammar, strings
 * surviving json_write_string + a re-parse (invalid UTF-8 bytes become
 * U+FFFD, and the written JSON is always valid UTF-8); an error has a
 * message; the analysis passes invariants.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliutil.h"
#include "conllio.h"
#include "idner.h"
#include "invariants.h"
#include "jsonio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static idner_model *g_models[2];
static idner_doc *g_doc;

static void setup(void) { fuzz_load_embedded(g_models, &g_doc); }

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number_ok(const char *s, size_t n) {
  size_t i = 0, d;
  if (i < n && s[i] == '-') i++;
  if (i < n && s[i] == '0') i++;
  else {
    for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) d++;
    if (!d || s[i - d] == '0') return 0;
  }
  if (i < n && s[i] == '.') {
    for (i++, d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) d++;
    if (!d) return 0;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) d++;
    if (!d) return 0;
  }
  return i == n;
}

/* json_write_string(s), parsed back as {"k": ...}: valid UTF-8, and the
 * same bytes when s was valid UTF-8. */
static void check_round_trip(const char *s, size_t n) {
  char *buf = NULL;
  size_t blen = 0;
  FILE *f = open_memstream(&buf, &blen);
  if (!f) fuzz_fail("open_memstream failed");
  fputs("{\"k\": ", f);
  if (json_write_string(f, s, n) != 0) fuzz_fail("json_write_string failed");
  fputc('}', f);
  if (fclose(f) != 0) fuzz_fail("fclose(memstream) failed");
  if (!fuzz_utf8_valid(buf, blen)) fuzz_fail("json_write_string wrote invalid UTF-8");
  json_object obj;
  char err[128];
  json_object_init(&obj);
  int rc = json_parse_object(&obj, buf, blen, err, sizeof err);
  if (rc != JSON_OK) fuzz_fail("written string does not parse back: %s", err);
  const json_member *m = json_object_get(&obj, "k");
  if (!m || m->kind != JSON_STRING) fuzz_fail("written string parsed back without its key");
  if (fuzz_utf8_valid(s, n) && (m->len != n || memcmp(m->str, s, n) != 0))
    fuzz_fail("string of %zu bytes parsed back as %zu different bytes", n, m->len);
  json_object_free(&obj);
  free(buf);
}

static void check_object(const json_object *obj) {
  for (size_t i = 0; i < obj->count; i++) {
    const json_member *m = &obj->members[i];
    if (!m->key || m->key[m->key_len] != '\0') fuzz_fail("member %zu: key not NUL-terminated", i);
    for (size_t j = 0; j < i; j++)
      if (obj->members[j].key_len == m->key_len && !memcmp(obj->members[j].key, m->key, m->key_len))
        fuzz_fail("member %zu: duplicate key accepted", i);
    if (strlen(m->key) == m->key_len && json_object_get(obj, m->key) != m)
      fuzz_fail("member %zu: json_object_get does not find it", i);
    switch (m->kind) {
      case JSON_NULL: case JSON_FALSE: case JSON_TRUE: break;
      case JSON_NUMBER:
        if (!m->str || m->str[m->len] != '\0' || !json_number_ok(m->str, m->len))
          fuzz_fail("member %zu: number \"%s\"", i, m->str ? m->str : "(null)");
        break;
      case JSON_STRING:
        if (!m->str || m->str[m->len] != '\0') fuzz_fail("member %zu: string not NUL-terminated", i);
        check_round_trip(m->str, m->len);
        break;
      default: fuzz_fail("member %zu: kind %d", i, (int)m->kind);
    }
  }
}

/* As idner-tag's read_jsonl_fields and tag_text, with invariants.h. */
static void tag_object(const json_object *obj, const idner_model *model) {
  const json_member *text = json_object_get(obj, "text");
  const json_member *date = json_object_get(obj, "doc_date");
  idner_options o;
  ymd ref = {0, 0, 0};
  if (!text || text->kind != JSON_STRING) return; /* idner-tag: invalid document */
  if (date && date->kind == JSON_STRING && cli_parse_date(date->str, date->len, &ref) == 0) {
    if (ref.year < 1 || ref.year > 9999 || ref.month < 1 || ref.month > 12 || ref.day < 1 ||
        ref.day > 31)
      fuzz_fail("cli_parse_date accepted \"%s\"", date->str);
  }
  idner_options_init(&o);
  o.ref_year = ref.year, o.ref_month = ref.month, o.ref_day = ref.day;
  int32_t rc = idner_analyze(model, g_doc, text->str, text->len, &o);
  fuzz_expect e = {rc, text->str, text->len, NULL, NULL, 0, NULL, o.types, 0, 1};
  fuzz_check_doc(g_doc, &e);
  if (rc != IDNER_OK) fuzz_fail("analyze failed: %s", idner_doc_error(g_doc));
}

static int blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  setup();
  FILE *f = fmemopen((void *)data, size, "r");
  if (!f) fuzz_fail("fmemopen failed");
  line_reader lr;
  json_object obj;
  const char *line;
  size_t len;
  int rc = LINE_EOF, lines = 0;
  line_reader_init(&lr, f);
  json_object_init(&obj);
  while (lines < 64 && (rc = line_reader_next(&lr, &line, &len)) == LINE_OK) {
    lines++;
    if (line[len] != '\0' || memchr(line, '\n', len)) fuzz_fail("line %d: bad line bounds", lines);
    if (lr.bytes_read > size) fuzz_fail("line reader read %llu of %zu bytes",
                                        (unsigned long long)lr.bytes_read, size);
    if (blank(line, len)) continue;
    char err[128];
    memset(err, 0, sizeof err);
    int prc = json_parse_object(&obj, line, len, err, sizeof err);
    if (prc == JSON_OK) {
      check_object(&obj);
      tag_object(&obj, g_models[size & 1]);
    } else if (prc == JSON_ERR_SYNTAX) {
      if (!err[0] || !memchr(err, '\0', sizeof err)) fuzz_fail("line %d: syntax error without a message", lines);
    } else {
      fuzz_fail("line %d: json_parse_object returned %d", lines, prc);
    }
  }
  if (lines < 64) {
    if (rc != LINE_EOF) fuzz_fail("line reader error %d on memory", rc);
    if (lr.bytes_read != size) fuzz_fail("line reader read %llu of %zu bytes at EOF",
                                         (unsigned long long)lr.bytes_read, size);
  }
  json_object_free(&obj);
  line_reader_free(&lr);
  fclose(f);
  return 0;
}
