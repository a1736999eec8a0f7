/* fuzz_analyze_tokens.c — libFuzzer target: idner_analyze_tokens().
 *
 * Input: byte 0 picks the types (as fuzz_analyze.c), byte 1 the options:
 * bit 0 strict UTF-8, bit 1 the model without the sequence model, bit 2
 * no sentence_starts (NULL), bit 3 the separators (0: TAB between tokens
 * and LF between sentences, so they read as CoNLL-like text; 1: bytes 0x01
 * and 0x02, so tokens may hold TABs and newlines), bits 4..7 a reference
 * date (0: none). The rest is split into tokens; two separators in a row
 * make an empty token, which must be refused with INVALID_ARG (or
 * INVALID_UTF8 in strict mode when a token is invalid UTF-8). The doc is
 * checked (invariants.h): the tokens are the caller's, one for one, at
 * their place in the joined text. */
#include <stdlib.h>
#include <string.h>

#include "idner.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static idner_model *g_models[2];
static idner_doc *g_doc;

static void setup(void) {
  static const uint32_t flags[2] = {0, IDNER_LOAD_NO_MODEL};
  char err[256];
  for (int i = 0; i < 2; i++)
    if (!g_models[i] && idner_model_load(NULL, flags[i], &g_models[i], err, sizeof err) != IDNER_OK)
      fuzz_fail("cannot load the embedded model (flags %u): %s", flags[i], err);
  if (!g_doc && idner_doc_new(&g_doc) != IDNER_OK) fuzz_fail("idner_doc_new failed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  idner_options o;
  if (size < 2) return 0;
  setup();
  idner_options_init(&o);
  o.types = data[0] & 0x80 ? IDNER_TYPES_ALL : (uint32_t)data[0] & IDNER_TYPES_ALL;
  o.flags = data[1] & 1 ? IDNER_FLAG_STRICT_UTF8 : 0;
  if (data[1] >> 4) o.ref_year = 2016 + (data[1] >> 4), o.ref_month = data[1] >> 4 & 7 ? 9 : 2,
                    o.ref_day = 19;
  const idner_model *model = g_models[data[1] >> 1 & 1];
  char tsep = data[1] & 8 ? '\x01' : '\t', ssep = data[1] & 8 ? '\x02' : '\n';
  const char *text = (const char *)data + 2;
  size_t len = size - 2, n = 0, cap = 1;
  for (size_t i = 0; i < len; i++) cap += text[i] == tsep || text[i] == ssep;
  const char **tokens = malloc(cap * sizeof *tokens);
  size_t *lens = malloc(cap * sizeof *lens);
  uint8_t *starts = malloc(cap);
  if (!tokens || !lens || !starts) fuzz_fail("out of memory in the target");
  int empty = 0;
  uint8_t new_sentence = 1;
  for (size_t i = 0, begin = 0; len && i <= len; i++) {
    if (i < len && text[i] != tsep && text[i] != ssep) continue;
    tokens[n] = text + begin;
    lens[n] = i - begin;
    starts[n] = new_sentence;
    empty |= lens[n] == 0;
    n++;
    new_sentence = i < len && text[i] == ssep;
    begin = i + 1;
  }
  const uint8_t *ss = data[1] & 4 ? NULL : starts;
  int32_t rc = idner_analyze_tokens(model, g_doc, tokens, lens, n, ss, &o);
  fuzz_expect e = {rc, NULL, 0, tokens, lens, n, ss, o.types, (int)(o.flags & 1), 1};
  fuzz_check_doc(g_doc, &e);
  /* (strict mode may report invalid UTF-8 first: either error is right) */
  if (empty && rc != IDNER_ERR_INVALID_ARG && rc != IDNER_ERR_INVALID_UTF8)
    fuzz_fail("an empty token not refused (status %d)", (int)rc);
  if (!empty && rc == IDNER_ERR_INVALID_ARG)
    fuzz_fail("INVALID_ARG on valid tokens: %s", idner_doc_error(g_doc));
  free(tokens);
  free(lens);
  free(starts);
  return 0;
}
