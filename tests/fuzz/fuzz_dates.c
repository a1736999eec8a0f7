/* fuzz_dates.c — libFuzzer target: the date grammar alone (lib/dates.h,
 * internal API), compiled once from the embedded dates-grammar.tsv.
 *
 * Input: bytes 0..3 the reference date (bytes 0-1: year 0..9999, 0 = none,
 * or with bit 15 set a year near today's; byte 2 the month, byte 3 the
 * day, always a real day as the API checks before the grammar runs), the
 * rest the text. The text is tokenized by idner_analyze() with types 0
 * (tokens only); idner__dates_find() then runs over those tokens. Checked:
 * hits in order, non-overlapping, within the tokens, DATE or TIME, values
 * and mods NUL-terminated in their arrays and of documented TIMEX3 shapes
 * (invariants.h), and a second run over the same text gives the same hits. */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "idner.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static idner__dategrammar *g_grammar;
static idner__datescratch *g_scratch;
static idner_model *g_model;
static idner_doc *g_doc;

static void setup(void) {
  char err[256];
  if (g_grammar) return;
  if (idner__dates_compile(&g_grammar, err, sizeof err) != IDNER_OK)
    fuzz_fail("cannot compile the embedded date grammar: %s", err);
  if (idner__datescratch_new(&g_scratch) != IDNER_OK) fuzz_fail("datescratch_new failed");
  if (idner_model_load(NULL, IDNER_LOAD_NO_MODEL, &g_model, err, sizeof err) != IDNER_OK ||
      idner_doc_new(&g_doc) != IDNER_OK)
    fuzz_fail("cannot load the embedded model: %s", err);
}

static int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

static void check_field(const char *s, size_t cap, size_t i, const char *what) {
  if (!memchr(s, '\0', cap)) fuzz_fail("hit %zu: %s not NUL-terminated in its array", i, what);
}

static void check_hits(const idner__datehits *h, size_t from, size_t ntok) {
  for (size_t i = from; i < h->n; i++) {
    const idner__date_hit *x = &h->v[i];
    if (x->tok_start >= x->tok_end || x->tok_end > ntok)
      fuzz_fail("hit %zu: tokens [%u, %u) of %zu", i, x->tok_start, x->tok_end, ntok);
    if (i > from && x->tok_start < h->v[i - 1].tok_end)
      fuzz_fail("hit %zu: tokens [%u, %u) overlap or precede [%u, %u)", i, x->tok_start,
                x->tok_end, h->v[i - 1].tok_start, h->v[i - 1].tok_end);
    if (x->type != IDNER_TYPE_DATE && x->type != IDNER_TYPE_TIME)
      fuzz_fail("hit %zu: type %u", i, x->type);
    check_field(x->value, sizeof x->value, i, "value");
    check_field(x->end_value, sizeof x->end_value, i, "end_value");
    check_field(x->mod, sizeof x->mod, i, "mod");
    if (x->value[0] && !fuzz_timex_value_ok(x->value, strlen(x->value), x->type))
      fuzz_fail("hit %zu: value \"%s\" is no documented TIMEX3 shape", i, x->value);
    if (x->end_value[0] && !fuzz_timex_value_ok(x->end_value, strlen(x->end_value), x->type))
      fuzz_fail("hit %zu: end_value \"%s\" is no documented TIMEX3 shape", i, x->end_value);
    if (x->mod[0] && !fuzz_timex_mod_ok(x->mod, strlen(x->mod)))
      fuzz_fail("hit %zu: mod \"%s\"", i, x->mod);
    if (x->has_tz > 1 || (!x->has_tz && x->tz_offset_minutes))
      fuzz_fail("hit %zu: has_tz %u, tz %d", i, x->has_tz, (int)x->tz_offset_minutes);
  }
}

static int same_hit(const idner__date_hit *a, const idner__date_hit *b) {
  return a->tok_start == b->tok_start && a->tok_end == b->tok_end && a->type == b->type &&
         !strcmp(a->value, b->value) && !strcmp(a->end_value, b->end_value) &&
         !strcmp(a->mod, b->mod) && a->tz_offset_minutes == b->tz_offset_minutes &&
         a->has_tz == b->has_tz;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  idner_options o;
  idner__refdate ref = {0, 0, 0};
  if (size < 4) return 0;
  setup();
  unsigned y16 = (unsigned)data[0] << 8 | data[1];
  ref.year = y16 & 0x8000 ? 1990 + (int32_t)(y16 % 60) : (int32_t)(y16 % 10000);
  if (ref.year) {
    ref.month = 1 + data[2] % 12;
    ref.day = 1 + data[3] % days_in(ref.year, ref.month);
  }
  const char *text = (const char *)data + 4;
  size_t len = size - 4;
  idner_options_init(&o);
  o.types = 0;
  int32_t rc = idner_analyze(g_model, g_doc, text, len, &o);
  fuzz_expect e = {rc, text, len, NULL, NULL, 0, NULL, 0, 0, 1};
  fuzz_check_doc(g_doc, &e);
  if (rc != IDNER_OK) fuzz_fail("tokenizing failed: %s", idner_doc_error(g_doc));
  const idner_token *toks = idner_doc_tokens(g_doc);
  size_t ntok = idner_doc_token_count(g_doc);

  idner__datehits hits = {NULL, 0, 0};
  if (idner__dates_find(g_grammar, g_scratch, text, len, toks, ntok, &ref, &hits) != IDNER_OK)
    fuzz_fail("idner__dates_find failed");
  check_hits(&hits, 0, ntok);
  size_t first = hits.n;
  /* Again, appending: the same hits (the scratch carries nothing over). */
  if (idner__dates_find(g_grammar, g_scratch, text, len, toks, ntok, &ref, &hits) != IDNER_OK)
    fuzz_fail("idner__dates_find failed the second time");
  if (hits.n != 2 * first) fuzz_fail("%zu hits, then %zu", first, hits.n - first);
  for (size_t i = 0; i < first; i++)
    if (!same_hit(&hits.v[i], &hits.v[first + i]))
      fuzz_fail("hit %zu differs on the second run", i);
  free(hits.v);
  return 0;
}
