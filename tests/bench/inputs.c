/* inputs.c — idner-bench's inputs: the corpora's text, and deterministic
 * adversarial inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* The news-like corpora, one fold of the cross-validated ones (the other
 * folds hold the same sentences). NERP (lower-cased) and the Wikipedia
 * gold set are left out: they are not news text as written. */
static const char *const corpus_files[] = {
    "idner-news-2k/train",    "idner-news-2k/dev",     "idner-news-2k/test",
    "nergrit-indonlu/train",  "nergrit-indonlu/dev",   "nergrit-indonlu/test",
    "nerui-indolem/train.01", "nerui-indolem/dev.01",  "nerui-indolem/test.01",
    "nerugm-indolem/train.01", "nerugm-indolem/dev.01", "nerugm-indolem/test.01",
    NULL};

static int grow(bench_text *t, size_t *cap, size_t need) {
  if (t->n + need <= *cap) return 1;
  size_t c = (*cap + need) * 2;
  char *p = realloc(t->p, c);
  if (!p) return 0;
  t->p = p;
  *cap = c;
  return 1;
}

/* Appends a CoNLL file's tokens: joined by spaces, one sentence a line. */
static int append_conll(const char *path, bench_text *t, size_t *cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char line[4096];
  int ok = 1, in_sentence = 0;
  while (ok && fgets(line, sizeof line, f)) {
    char *tab = strchr(line, '\t');
    size_t l = tab ? (size_t)(tab - line) : strcspn(line, "\r\n");
    if (!grow(t, cap, l + 2)) {
      ok = 0;
      break;
    }
    if (l == 0) {
      if (in_sentence) t->p[t->n - 1] = '\n'; /* the last token's space */
      in_sentence = 0;
    } else {
      memcpy(t->p + t->n, line, l);
      t->n += l;
      t->p[t->n++] = ' ';
      in_sentence = 1;
    }
  }
  if (ok && in_sentence) t->p[t->n - 1] = '\n';
  fclose(f);
  return ok;
}

static size_t gcd(size_t a, size_t b) {
  while (b) {
    size_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Reorders the text's blocks (about 4 KB each, ending at a line end, the
 * documents the benchmark analyzes) by a fixed stride permutation, so that
 * every prefix (the small inputs of the size series) samples all corpora
 * instead of the first one only. Sentences stay in order within a block. */
static int interleave(bench_text *t) {
  size_t nb = 0, cap = 64, *start = malloc(cap * sizeof *start);
  if (!start) return 0;
  for (size_t p = 0; p < t->n;) {
    size_t q = t->n - p > BENCH_DOC ? p + BENCH_DOC : t->n;
    while (q < t->n && t->p[q] != '\n') q++;
    if (nb + 2 > cap) {
      size_t *s = realloc(start, (cap *= 2) * sizeof *start);
      if (!s) return free(start), 0;
      start = s;
    }
    start[nb++] = p;
    p = q + 1 < t->n ? q + 1 : t->n;
  }
  start[nb] = t->n;
  size_t stride = (size_t)((double)nb * 0.381966) | 1; /* golden section */
  while (nb > 1 && gcd(stride, nb) != 1) stride++;
  char *out = malloc(t->n + 1);
  if (!out) return free(start), 0;
  size_t n = 0;
  for (size_t i = 0; i < nb; i++) {
    size_t b = i * stride % nb, l = start[b + 1] - start[b];
    memcpy(out + n, t->p + start[b], l);
    n += l;
    if (out[n - 1] != '\n') out[n - 1] = '\n'; /* the last block's final space or byte */
  }
  free(start);
  free(t->p);
  t->p = out;
  t->n = n;
  return 1;
}

int bench_load_corpus(const char *shared, bench_text *out, char *err, size_t errsize) {
  size_t cap = 0;
  out->p = NULL;
  out->n = 0;
  for (int i = 0; corpus_files[i]; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/corpora/%s.conll", shared, corpus_files[i]);
    if (!append_conll(path, out, &cap)) {
      snprintf(err, errsize, "cannot read %s", path);
      free(out->p);
      out->p = NULL;
      return 0;
    }
  }
  if (!interleave(out)) {
    snprintf(err, errsize, "out of memory");
    return 0;
  }
  return 1;
}

const char *bench_input_desc(int kind) {
  switch (kind) {
    case IN_CORPUS: return "corpus text";
    case IN_LINE: return "one line, no space";
    case IN_CAPS: return "capitalized words";
    case IN_PARENS: return "nested parentheses";
    case IN_DIGITS: return "digits and slashes";
    case IN_DATES: return "date pieces";
    case IN_BYTES: return "every byte value";
    default: return "?";
  }
}

static uint32_t next(uint32_t *x) {
  *x = *x * 1103515245u + 12345u;
  return *x >> 16;
}

static char *from_pieces(const char *const *pieces, size_t npieces, size_t len) {
  char *t = malloc(len + 1);
  if (!t) return NULL;
  uint32_t x = 12345;
  size_t n = 0;
  while (n < len) {
    const char *p = pieces[next(&x) % npieces];
    for (size_t i = 0; p[i] && n < len; i++) t[n++] = p[i];
  }
  t[n] = '\0';
  return t;
}

/* Strings that start or continue dates (the date grammar's triggers). */
static const char *const date_pieces[] = {
    "19/9/2023", "/",        "12",          "2023",     "Maret ",   "Mei ",     "Januari ",
    "(19/9/",    "2/1) ",    "1990-an ",    "17 Agustus ", "kuartal ", "III/",   "Senin (",
    "pukul ",    "10.00 ",   "s.d. ",       "hingga ",  "Ramadan ", "1445 H ",  "0",
    "9",         "-",        ".",           ",",        " ",        "Idul Fitri ", "malam ",
    "abad ke-",  "tahun "};

/* Capitalized words: given and family names, places, nations, titles,
 * organization and place heads, months, days, plain words. */
static const char *const caps_words[] = {
    "Budi",     "Jakarta",  "Sari",      "Joko",     "Widodo",    "Siti",      "Agus",
    "Dewi",     "Bandung",  "Surabaya",  "Medan",    "Indonesia", "Malaysia",  "Amerika",
    "Serikat",  "Rusia",    "China",     "Presiden", "Menteri",   "Gubernur",  "Bank",
    "Universitas", "Kementerian", "Partai", "PT",     "Dinas",     "Kabupaten", "Kota",
    "Jalan",    "Gunung",   "Sungai",    "Maret",    "Januari",   "Senin",     "Minggu",
    "Prabowo",  "Subianto", "Megawati",  "Ahmad",    "Yudhoyono", "Bali",      "Papua",
    "Luar",     "Negeri",   "Dalam",     "Pertahanan", "Sekolah", "Tinggi",    "Rumah",
    "Sakit",    "Umum",     "Daerah",    "Selatan",  "Utara",     "Barat",     "Timur",
    "Kompas",   "Tempo",    "Pertamina", "Telkom",   "Garuda",    "Nusantara", "Raya",
    "Baru"};

char *bench_make_input(int kind, const bench_text *src, size_t size, size_t *len) {
  char *t = NULL;
  size_t n = 0;
  switch (kind) {
    case IN_CORPUS:
      if (!src || src->n == 0) return NULL;
      t = malloc(size + 1);
      if (!t) return NULL;
      while (n < size) {
        size_t k = src->n < size - n ? src->n : size - n;
        memcpy(t + n, src->p, k);
        n += k;
      }
      break;
    case IN_LINE: {
      static const char word[] = "Indonesia";
      t = malloc(size + 1);
      if (!t) return NULL;
      for (n = 0; n < size; n++) t[n] = word[n % (sizeof word - 1)];
      break;
    }
    case IN_CAPS: {
      size_t nw = sizeof caps_words / sizeof *caps_words, cap = size * 12 + 1;
      t = malloc(cap);
      if (!t) return NULL;
      uint32_t x = 4242;
      for (size_t w = 0; w < size; w++) {
        const char *s = caps_words[next(&x) % nw];
        size_t l = strlen(s);
        if (n + l + 2 > cap) break;
        if (w) t[n++] = ' ';
        memcpy(t + n, s, l);
        n += l;
      }
      break;
    }
    case IN_PARENS:
      t = malloc(2 * size + 2);
      if (!t) return NULL;
      memset(t, '(', size);
      t[size] = 'x';
      memset(t + size + 1, ')', size);
      n = 2 * size + 1;
      break;
    case IN_DIGITS: {
      t = malloc(size + 1);
      if (!t) return NULL;
      uint32_t x = 12345;
      for (n = 0; n < size; n++) {
        unsigned k = next(&x) % 11;
        t[n] = k < 10 ? (char)('0' + k) : '/';
      }
      break;
    }
    case IN_DATES:
      t = from_pieces(date_pieces, sizeof date_pieces / sizeof *date_pieces, size);
      n = size;
      break;
    case IN_BYTES:
      t = malloc(size + 1);
      if (!t) return NULL;
      for (n = 0; n < size; n++) t[n] = (char)(unsigned char)(n & 0xFF);
      break;
    default:
      return NULL;
  }
  if (!t) return NULL;
  t[n] = '\0';
  *len = n;
  return t;
}
