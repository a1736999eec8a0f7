/* fuzz_conll.c — libFuzzer target: idner-tag's CoNLL input
 * (examples/conllio.c), read as idner-tag reads it, each document's tokens
 * then analyzed by idner_analyze_tokens().
 *
 * Input: a CoNLL file (at most 64 documents are read). Analysis uses the
 * model without the sequence model (odd input sizes: the default model).
 * Checked: each document's lines and first fields lie in its byte buffer,
 * its tokens are its token lines' first fields, non-empty, the first one
 * starting a sentence and each one after a blank or "-DOCSTART-" line too;
 * a format error has a message and a line number; at the end the reader
 * has consumed every byte; the analysis passes invariants.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conllio.h"
#include "idner.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static idner_model *g_models[2];
static idner_doc *g_doc;

static void setup(void) { fuzz_load_embedded(g_models, &g_doc); }

static void check_doc(const conll_doc *d, size_t ndoc) {
  size_t k = 0;
  int new_sentence = 1;
  if (d->n_lines == 0) fuzz_fail("doc %zu: no lines", ndoc);
  for (size_t i = 0; i < d->n_lines; i++) {
    const conll_line *l = &d->lines[i];
    if (l->field_offset + l->field_len > d->n_bytes)
      fuzz_fail("doc %zu line %zu: field outside the doc's bytes", ndoc, i);
    if (l->kind == CONLL_DOCSTART && i != 0)
      fuzz_fail("doc %zu line %zu: -DOCSTART- inside a document", ndoc, i);
    if (l->kind != CONLL_TOKEN) {
      if (l->kind == CONLL_BLANK && l->field_len) fuzz_fail("doc %zu: blank line with a field", ndoc);
      new_sentence = 1;
      continue;
    }
    if (k >= d->n_tokens) fuzz_fail("doc %zu: more token lines than tokens", ndoc);
    if (d->tokens[k] != d->bytes + l->field_offset || d->lens[k] != l->field_len)
      fuzz_fail("doc %zu token %zu: not its line's first field", ndoc, k);
    if (d->lens[k] == 0 || memchr(d->tokens[k], '\t', d->lens[k]))
      fuzz_fail("doc %zu token %zu: empty or holds a TAB", ndoc, k);
    if (!!d->sentence_starts[k] != new_sentence)
      fuzz_fail("doc %zu token %zu: sentence start %d, expected %d", ndoc, k,
                d->sentence_starts[k], new_sentence);
    new_sentence = 0;
    k++;
  }
  if (k != d->n_tokens) fuzz_fail("doc %zu: %zu token lines, %zu tokens", ndoc, k, d->n_tokens);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  setup();
  FILE *f = fmemopen((void *)data, size, "r");
  if (!f) fuzz_fail("fmemopen failed");
  line_reader lr;
  conll_reader cr;
  conll_doc d;
  size_t ndoc = 0;
  int rc = CONLL_EOF;
  line_reader_init(&lr, f);
  conll_reader_init(&cr, &lr);
  conll_doc_init(&d);
  while (ndoc < 64 && (rc = conll_read_doc(&cr, &d)) == CONLL_OK) {
    check_doc(&d, ndoc++);
    if (d.n_tokens == 0) continue;
    idner_options o;
    idner_options_init(&o);
    o.ref_year = 2023, o.ref_month = 9, o.ref_day = 19;
    int32_t st = idner_analyze_tokens(g_models[size & 1], g_doc, d.tokens, d.lens, d.n_tokens,
                                      d.sentence_starts, &o);
    fuzz_expect e = {st, NULL, 0, d.tokens, d.lens, d.n_tokens, d.sentence_starts, o.types, 0, 1};
    fuzz_check_doc(g_doc, &e);
    if (st != IDNER_OK) fuzz_fail("analyze_tokens failed: %s", idner_doc_error(g_doc));
  }
  if (ndoc < 64) {
    if (rc == CONLL_ERR_FORMAT) {
      if (!cr.error || !cr.error[0] || cr.error_line == 0 || cr.error_line > lr.lineno)
        fuzz_fail("format error without a message or a line number");
    } else if (rc != CONLL_EOF) {
      fuzz_fail("conll_read_doc returned %d on memory", rc);
    } else if (lr.bytes_read != size) {
      fuzz_fail("reader consumed %llu of %zu bytes", (unsigned long long)lr.bytes_read, size);
    }
  }
  conll_doc_free(&d);
  line_reader_free(&lr);
  fclose(f);
  return 0;
}
