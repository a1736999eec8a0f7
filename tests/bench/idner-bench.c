/* idner-bench — throughput of idner on raw text, one thread: the full
 * pipeline with the sequence model and gazetteers + rules only, on the
 * corpora's text (tokens joined by spaces, one sentence a line) cut into
 * documents of about 4 KB; then two hostile 1 MB documents (one
 * idner_analyze() call each) that stress the date grammar: digits and
 * slashes with no space, and date pieces (numbers, slashes, month names,
 * "Senin (", "kuartal", "hingga") strung together. Prints the median of
 * several runs with min and max. Usage: idner-bench [SHARED_DIR] [RUNS] */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idner.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Appends a CoNLL file's tokens as text. */
static int append_conll(const char *path, char **buf, size_t *n, size_t *cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    size_t l = tab ? (size_t)(tab - line) : strcspn(line, "\r\n");
    if (*n + l + 2 > *cap) {
      *cap = (*cap + l + 2) * 2;
      *buf = realloc(*buf, *cap);
      if (!*buf) return 0;
    }
    if (l == 0) {
      (*buf)[(*n)++] = '\n';
    } else {
      memcpy(*buf + *n, line, l);
      *n += l;
      (*buf)[(*n)++] = ' ';
    }
  }
  fclose(f);
  return 1;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void run(const char *label, uint32_t flags, const char *text, size_t len, int runs) {
  char err[512];
  idner_model *m;
  double t0 = now();
  if (idner_model_load(NULL, flags, &m, err, sizeof err) != IDNER_OK) {
    fprintf(stderr, "load: %s\n", err);
    exit(1);
  }
  double load_ms = (now() - t0) * 1e3;
  idner_doc *d;
  idner_doc_new(&d);
  idner_options o;
  idner_options_init(&o);
  o.ref_year = 2023, o.ref_month = 9, o.ref_day = 19;
  double secs[16];
  size_t tokens = 0;
  for (int r = 0; r < runs; r++) {
    tokens = 0;
    double s = now();
    for (size_t p = 0; p < len;) {
      size_t q = p + 4096 < len ? p + 4096 : len;
      while (q < len && text[q] != '\n') q++;
      idner_analyze(m, d, text + p, q - p, &o);
      tokens += idner_doc_token_count(d);
      p = q + 1;
    }
    secs[r] = now() - s;
  }
  qsort(secs, (size_t)runs, sizeof *secs, cmp);
  double med = secs[runs / 2];
  printf("%-22s load %6.1f ms | %6.2f MB/s (min %.2f, max %.2f) | %7.0f k tokens/s\n", label,
         load_ms, (double)len / 1e6 / med, (double)len / 1e6 / secs[runs - 1],
         (double)len / 1e6 / secs[0], (double)tokens / med / 1e3);
  idner_doc_free(d);
  idner_model_free(m);
}

/* A deterministic 1 MB document built from pieces (no newline: one doc). */
static char *hostile(int digits_only, size_t len) {
  static const char *const pieces[] = {
      "19/9/2023", "/",      "12",      "2023",   "Maret ",  "Mei ",     "Januari ", "(19/9/",
      "2/1) ",     "1990-an ", "17 Agustus ", "kuartal ", "III/", "Senin (", "pukul ", "10.00 ",
      "s.d. ",     "hingga ", "Ramadan ", "1445 H ", "0",      "9",        "-",        ".",
      ",",         " ",      "Idul Fitri ", "malam ", "abad ke-", "tahun "};
  char *t = malloc(len + 1);
  if (!t) return NULL;
  uint32_t x = 12345;
  size_t n = 0;
  while (n < len) {
    x = x * 1103515245u + 12345u;
    if (digits_only) {
      unsigned k = (x >> 16) % 11;
      t[n++] = k < 10 ? (char)('0' + k) : '/';
      continue;
    }
    const char *p = pieces[(x >> 16) % (sizeof pieces / sizeof *pieces)];
    for (size_t i = 0; p[i] && n < len; i++) t[n++] = p[i];
  }
  t[n] = '\0';
  return t;
}

int main(int argc, char **argv) {
  const char *shared = argc > 1 ? argv[1] : "../shared";
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  if (runs < 1 || runs > 16) runs = 5;
  static const char *const files[] = {
      "idner-news-2k/train", "idner-news-2k/dev", "idner-news-2k/test", "nergrit-indonlu/train",
      "nergrit-indonlu/dev", "nergrit-indonlu/test", "nerui-indolem/train.01",
      "nerui-indolem/dev.01", "nerui-indolem/test.01", "nerugm-indolem/train.01",
      "nerugm-indolem/dev.01", "nerugm-indolem/test.01", NULL};
  char *text = NULL;
  size_t n = 0, cap = 0;
  for (int i = 0; files[i]; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/corpora/%s.conll", shared, files[i]);
    if (!append_conll(path, &text, &n, &cap)) {
      fprintf(stderr, "idner-bench: cannot read %s\n", path);
      return 1;
    }
  }
  printf("idner %s, %.2f MB of corpus text, %d runs, median (min, max), one thread\n",
         idner_version_string(), (double)n / 1e6, runs);
  run("full (model)", 0, text, n, runs);
  run("gazetteers + rules", IDNER_LOAD_NO_MODEL, text, n, runs);
  free(text);
  for (int k = 0; k < 2; k++) {
    size_t hn = 1000000;
    char *h = hostile(k == 0, hn);
    if (!h) return 1;
    printf("hostile 1 MB document: %s\n",
           k == 0 ? "digits and slashes" : "date pieces (numbers, slashes, month names ...)");
    run("  full (model)", 0, h, hn, runs);
    run("  gazetteers + rules", IDNER_LOAD_NO_MODEL, h, hn, runs);
    free(h);
  }
  return 0;
}
