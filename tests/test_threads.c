/* test_threads.c — 8 threads share one model, each with its own doc, over
 * the seed article and (when ../shared is present) corpus text; every
 * result must equal the single-threaded one (computed with another model,
 * so the threads' model is used first by them all at once). Run under TSan
 * to check for races. Usage: test_threads SEED.txt [SHARED_DIR] */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idner.h"

#define THREADS 8
#define ROUNDS 4

typedef struct text {
  char *data;
  size_t len;
} text;

static idner_model *model;
static text texts[2];
static size_t ntexts;
static idner_entity *expected[2];
static uint32_t expected_n[2];

static int read_all(const char *path, text *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  out->data = buf;
  out->len = n;
  return buf != NULL;
}

/* CoNLL -> plain text: tokens joined by spaces, one sentence a line. */
static int conll_text(const char *path, text *out) {
  text raw;
  if (!read_all(path, &raw)) return 0;
  char *dst = malloc(raw.len + 1);
  size_t n = 0;
  for (char *line = raw.data, *end = raw.data + raw.len; line < end;) {
    char *nl = memchr(line, '\n', (size_t)(end - line));
    size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
    char *tab = memchr(line, '\t', len);
    size_t tl = tab ? (size_t)(tab - line) : len;
    if (tl == 0) {
      dst[n++] = '\n';
    } else {
      memcpy(dst + n, line, tl);
      n += tl;
      dst[n++] = ' ';
    }
    line += len + 1;
  }
  free(raw.data);
  out->data = dst;
  out->len = n;
  return 1;
}

static int analyze(idner_doc *d, size_t which) {
  idner_options o;
  idner_options_init(&o);
  o.ref_year = 2023;
  o.ref_month = 9;
  o.ref_day = 19;
  return idner_analyze(model, d, texts[which].data, texts[which].len, &o);
}

static void *worker(void *arg) {
  size_t id = (size_t)arg;
  idner_doc *d;
  if (idner_doc_new(&d) != IDNER_OK) return (void *)1;
  for (int r = 0; r < ROUNDS; r++) {
    size_t which = (id + (size_t)r) % ntexts;
    if (analyze(d, which) != IDNER_OK) return (void *)1;
    if (idner_doc_entity_count(d) != expected_n[which] ||
        memcmp(idner_doc_entities(d), expected[which],
               expected_n[which] * sizeof(idner_entity)) != 0) {
      idner_doc_free(d);
      return (void *)1;
    }
  }
  idner_doc_free(d);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2 || !read_all(argv[1], &texts[0])) {
    fprintf(stderr, "usage: test_threads SEED.txt [SHARED_DIR]\n");
    return 1;
  }
  ntexts = 1;
  if (argc > 2) {
    char path[4096];
    snprintf(path, sizeof path, "%s/corpora/idner-news-2k/test.conll", argv[2]);
    if (conll_text(path, &texts[1])) ntexts = 2;
    else printf("note: %s absent; threads test runs on the seed article only\n", path);
  }
  char err[256];
  if (idner_model_load(NULL, 0, &model, err, sizeof err) != IDNER_OK) {
    fprintf(stderr, "load: %s\n", err);
    return 1;
  }
  idner_doc *d;
  if (idner_doc_new(&d) != IDNER_OK) return 1;
  for (size_t i = 0; i < ntexts; i++) {
    if (analyze(d, i) != IDNER_OK) return 1;
    expected_n[i] = idner_doc_entity_count(d);
    expected[i] = malloc((expected_n[i] + 1) * sizeof(idner_entity));
    memcpy(expected[i], idner_doc_entities(d), expected_n[i] * sizeof(idner_entity));
  }
  idner_doc_free(d);
  if (expected_n[0] == 0) {
    fprintf(stderr, "no entities in the seed article: nothing to compare\n");
    return 1;
  }
  /* The threads share a fresh model: the date rules are JIT-compiled on
   * their first use, so the threads race to that too. */
  idner_model_free(model);
  if (idner_model_load(NULL, 0, &model, err, sizeof err) != IDNER_OK) {
    fprintf(stderr, "load: %s\n", err);
    return 1;
  }
  pthread_t th[THREADS];
  for (size_t i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, worker, (void *)i);
  int failed = 0;
  for (size_t i = 0; i < THREADS; i++) {
    void *res;
    pthread_join(th[i], &res);
    failed += res != NULL;
  }
  printf("%d threads x %d rounds over %zu texts (%u and %u entities): %d failed\n", THREADS,
         ROUNDS, ntexts, expected_n[0], ntexts > 1 ? expected_n[1] : 0, failed);
  for (size_t i = 0; i < ntexts; i++) {
    free(expected[i]);
    free(texts[i].data);
  }
  idner_model_free(model);
  return failed ? 1 : 0;
}
