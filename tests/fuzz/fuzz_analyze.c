/* fuzz_analyze.c — libFuzzer target: idner_analyze() on raw bytes.
 *
 * Input: byte 0 picks the types (bits 1..6; bit 7 set = all types), byte 1
 * the flags (bit 0 strict UTF-8) and the profile (bits 4..7, mod the
 * model's count + 2, so an out-of-range one is tried too), bytes 2..4 the
 * reference date (none, a real day, or a wrong one), the rest is the text.
 * Each input is analyzed with the embedded default model and with a model
 * loaded with IDNER_LOAD_NO_MODEL (each loaded once per process); both
 * results are checked (invariants.h) and must have the same tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idner.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static idner_model *g_models[2];
static idner_doc *g_docs[2];

static void setup(void) {
  static const uint32_t flags[2] = {0, IDNER_LOAD_NO_MODEL};
  char err[256];
  for (int i = 0; i < 2; i++) {
    if (g_models[i]) continue;
    if (idner_model_load(NULL, flags[i], &g_models[i], err, sizeof err) != IDNER_OK ||
        idner_doc_new(&g_docs[i]) != IDNER_OK)
      fuzz_fail("cannot load the embedded model (flags %u): %s", flags[i], err);
  }
}

static int day_ok(int32_t y, uint32_t m, uint32_t d) {
  static const uint32_t dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y == 0) return m == 0 && d == 0;
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return 0;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= dim[m - 1] + (m == 2 && leap);
}

/* The reference date from three bytes: none, a real day, or out of range. */
static void ref_date(const uint8_t *b, idner_options *o, int *valid) {
  static const int32_t years[] = {2023, 2024, 1, 9999, 1945, 2000, 1900, 2100};
  *valid = 1;
  switch (b[0] >> 6) {
    case 0: return; /* none */
    case 3: /* anything, often wrong: the call must say INVALID_ARG */
      o->ref_year = (int32_t)(b[0] & 0x3F) * 200 - 400;
      o->ref_month = b[1] % 16;
      o->ref_day = b[2] % 34;
      break;
    default:
      o->ref_year = years[b[0] & 7] + (b[0] >> 3 & 7) - 3;
      if (o->ref_year < 1) o->ref_year = 1;
      if (o->ref_year > 9999) o->ref_year = 9999;
      o->ref_month = 1 + b[1] % 12;
      o->ref_day = 1 + b[2] % 28 + (b[2] >> 7) * (b[2] % 3); /* 29..30 now and then */
  }
  *valid = day_ok(o->ref_year, o->ref_month, o->ref_day) ? 1 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  idner_options o;
  int ref_valid;
  if (size < 5) return 0;
  setup();
  idner_options_init(&o);
  o.types = data[0] & 0x80 ? IDNER_TYPES_ALL : (uint32_t)data[0] & IDNER_TYPES_ALL;
  o.flags = data[1] & 1 ? IDNER_FLAG_STRICT_UTF8 : 0;
  ref_date(data + 2, &o, &ref_valid);
  const char *text = (const char *)data + 5;
  size_t len = size - 5;
  for (int m = 0; m < 2; m++) {
    uint32_t np = idner_model_profile_count(g_models[m]);
    o.profile = (uint32_t)(data[1] >> 4) % (np + 2);
    int32_t rc = idner_analyze(g_models[m], g_docs[m], text, len, &o);
    fuzz_expect e = {rc, text, len, NULL, NULL, 0, NULL, o.types, (int)(o.flags & 1), 1};
    fuzz_check_doc(g_docs[m], &e);
    int bad_arg = o.profile > np || ref_valid < 0;
    if (rc == IDNER_ERR_INVALID_ARG && !bad_arg)
      fuzz_fail("INVALID_ARG on valid options: %s", idner_doc_error(g_docs[m]));
    if (rc != IDNER_ERR_INVALID_ARG && bad_arg)
      fuzz_fail("bad options accepted: profile %u of %u, reference date %d-%u-%u (status %d)",
                o.profile, np, (int)o.ref_year, o.ref_month, o.ref_day, (int)rc);
  }
  /* The sequence model changes entities, never tokens. */
  uint32_t n0 = idner_doc_token_count(g_docs[0]), n1 = idner_doc_token_count(g_docs[1]);
  if (n0 && n1 &&
      (n0 != n1 || memcmp(idner_doc_tokens(g_docs[0]), idner_doc_tokens(g_docs[1]),
                          n0 * sizeof(idner_token)) != 0))
    fuzz_fail("tokens differ with and without the sequence model (%u vs %u)", n0, n1);
  return 0;
}
