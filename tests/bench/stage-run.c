/* idner-stage-run — analyzes a text file with one pipeline stage, in
 * blocks of about 4 KB that end at a line end, PASSES times over, and
 * prints what it did. It times nothing: run it under
 * `valgrind --tool=callgrind` to count instructions, which on a shared VM
 * compares two builds far more steadily than wall time (see
 * docs/performance.md).
 * Usage: idner-stage-run FILE tokenize|rules|full [PASSES] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idner.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: idner-stage-run FILE tokenize|rules|full [PASSES]\n");
    return 2;
  }
  int tokenize = strcmp(argv[2], "tokenize") == 0, rules = strcmp(argv[2], "rules") == 0;
  if (!tokenize && !rules && strcmp(argv[2], "full") != 0) {
    fprintf(stderr, "idner-stage-run: unknown stage '%s'\n", argv[2]);
    return 2;
  }
  int passes = argc > 3 ? atoi(argv[3]) : 1;
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  size_t cap = 1 << 20, n = 0, got;
  char *text = malloc(cap);
  while (text && (got = fread(text + n, 1, cap - n, f)) > 0)
    if ((n += got) == cap) text = realloc(text, cap *= 2);
  fclose(f);
  if (!text) return 1;
  char err[512];
  idner_model *m;
  if (idner_model_load(NULL, rules || tokenize ? IDNER_LOAD_NO_MODEL : 0, &m, err, sizeof err)) {
    fprintf(stderr, "idner-stage-run: %s\n", err);
    return 1;
  }
  idner_doc *d;
  if (idner_doc_new(&d)) return 1;
  idner_options o;
  idner_options_init(&o);
  o.ref_year = 2023, o.ref_month = 9, o.ref_day = 19;
  if (tokenize) o.types = 0;
  unsigned long long tokens = 0;
  for (int r = 0; r < passes; r++)
    for (size_t p = 0; p < n;) {
      size_t q = p + 4096 < n ? p + 4096 : n;
      while (q < n && text[q] != '\n') q++;
      if (idner_analyze(m, d, text + p, q - p, &o)) {
        fprintf(stderr, "idner-stage-run: %s\n", idner_doc_error(d));
        return 1;
      }
      tokens += idner_doc_token_count(d);
      p = q + 1;
    }
  printf("%s: %zu bytes x %d passes, %llu tokens (stage %s)\n", argv[1], n, passes, tokens,
         argv[2]);
  idner_doc_free(d);
  idner_model_free(m);
  free(text);
  return 0;
}
