/* tok-diff — differential check of the tokenizer and sentence splitter of
 * two builds: loads two libidner.so files side by side (dlopen) and
 * compares, byte for byte, the token records, sentence counts, status and
 * error text that idner_analyze (options.types = 0, tolerant and strict
 * UTF-8) and idner_analyze_tokens give on many inputs: the given text
 * files (whole and in 4 KB documents), the benchmark's adversarial inputs,
 * random bytes, and random mixes of ASCII words, punctuation, Latin-1,
 * CJK, emoji, special code points and invalid UTF-8 sequences.
 * For speed work on lib/tokenizer.c and lib/sentences.c, which must not
 * change any token. Not run by ctest (it needs a second build).
 *
 *   idner-tok-diff OLD.so NEW.so MEGABYTES [SEED] [TEXT_FILE...]
 *
 * Prints a summary; exits 1 at the first difference (with the input
 * written to tok-diff-fail.bin in the working directory).
 *
 *   idner-tok-diff --recognize OLD.so NEW.so ...
 *
 * analyzes with recognition (default types, no model) instead, where the
 * tokenizer also folds the tokens (idner__tokenize_split_fold), and also
 * compares the entity counts. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "idner.h"

typedef struct lib {
  void *h;
  int32_t (*model_load)(const char *, uint32_t, idner_model **, char *, size_t);
  void (*model_free)(idner_model *);
  int32_t (*doc_new)(idner_doc **);
  void (*doc_free)(idner_doc *);
  void (*options_init)(idner_options *);
  int32_t (*analyze)(const idner_model *, idner_doc *, const char *, size_t,
                     const idner_options *);
  int32_t (*analyze_tokens)(const idner_model *, idner_doc *, const char *const *,
                            const size_t *, size_t, const uint8_t *, const idner_options *);
  uint32_t (*token_count)(const idner_doc *);
  const idner_token *(*tokens)(const idner_doc *);
  uint32_t (*sentence_count)(const idner_doc *);
  const char *(*doc_error)(const idner_doc *);
  uint32_t (*entity_count)(const idner_doc *);
  idner_model *m;
  idner_doc *d;
} lib;

static void *sym(void *h, const char *path, const char *name) {
  void *p = dlsym(h, name);
  if (!p) {
    fprintf(stderr, "tok-diff: %s: no symbol %s\n", path, name);
    exit(2);
  }
  return p;
}

#define SYM(l, field, name) *(void **)(&(l)->field) = sym((l)->h, path, name)

static void lib_open(lib *l, const char *path) {
  l->h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!l->h) {
    fprintf(stderr, "tok-diff: %s\n", dlerror());
    exit(2);
  }
  SYM(l, model_load, "idner_model_load");
  SYM(l, model_free, "idner_model_free");
  SYM(l, doc_new, "idner_doc_new");
  SYM(l, doc_free, "idner_doc_free");
  SYM(l, options_init, "idner_options_init");
  SYM(l, analyze, "idner_analyze");
  SYM(l, analyze_tokens, "idner_analyze_tokens");
  SYM(l, token_count, "idner_doc_token_count");
  SYM(l, tokens, "idner_doc_tokens");
  SYM(l, sentence_count, "idner_doc_sentence_count");
  SYM(l, doc_error, "idner_doc_error");
  SYM(l, entity_count, "idner_doc_entity_count");
  char err[256];
  if (l->model_load(NULL, IDNER_LOAD_NO_MODEL, &l->m, err, sizeof err) || l->doc_new(&l->d)) {
    fprintf(stderr, "tok-diff: %s: %s\n", path, err);
    exit(2);
  }
}

static lib g_old, g_new;
static unsigned long long g_bytes, g_docs, g_tokens;
static int g_recognize; /* --recognize: default types, not tokens only */

static void fail(const char *what, const char *s, size_t n, int strict) {
  FILE *f = fopen("tok-diff-fail.bin", "wb");
  if (f) {
    fwrite(s, 1, n, f);
    fclose(f);
  }
  fprintf(stderr, "tok-diff: DIFFERENT (%s, %zu bytes, %s); input in tok-diff-fail.bin\n", what,
          n, strict ? "strict" : "tolerant");
  exit(1);
}

static int same_results(void) {
  uint32_t n = g_old.token_count(g_old.d);
  if (n != g_new.token_count(g_new.d)) return 0;
  if (g_old.sentence_count(g_old.d) != g_new.sentence_count(g_new.d)) return 0;
  if (strcmp(g_old.doc_error(g_old.d), g_new.doc_error(g_new.d)) != 0) return 0;
  if (g_old.entity_count(g_old.d) != g_new.entity_count(g_new.d)) return 0;
  g_tokens += n;
  return n == 0 || memcmp(g_old.tokens(g_old.d), g_new.tokens(g_new.d),
                          n * sizeof(idner_token)) == 0;
}

/* Compares both builds on s[0..n) in both UTF-8 modes, and on the same
 * text cut at ASCII spaces into pre-tokenized input. */
static void check(const char *s, size_t n) {
  for (int strict = 0; strict < 2; strict++) {
    idner_options o;
    g_old.options_init(&o);
    if (!g_recognize) o.types = 0;
    o.flags = strict ? IDNER_FLAG_STRICT_UTF8 : 0;
    int32_t a = g_old.analyze(g_old.m, g_old.d, s, n, &o);
    int32_t b = g_new.analyze(g_new.m, g_new.d, s, n, &o);
    if (a != b || !same_results()) fail("idner_analyze", s, n, strict);
    enum { MAXTOK = 4096 };
    const char *toks[MAXTOK];
    size_t lens[MAXTOK], k = 0;
    uint8_t starts[MAXTOK];
    for (size_t i = 0; i < n && k < MAXTOK;) {
      while (i < n && s[i] == ' ') i++;
      size_t j = i;
      while (j < n && s[j] != ' ') j++;
      if (j > i) toks[k] = s + i, lens[k] = j - i, starts[k] = (uint8_t)((i * 7 + j) % 5 == 0), k++;
      i = j;
    }
    a = g_old.analyze_tokens(g_old.m, g_old.d, toks, lens, k, starts, &o);
    b = g_new.analyze_tokens(g_new.m, g_new.d, toks, lens, k, starts, &o);
    if (a != b || !same_results()) fail("idner_analyze_tokens", s, n, strict);
  }
  g_bytes += n;
  g_docs++;
}

/* Whole text, then in documents of about 4 KB ending at a line end. */
static void check_text(const char *s, size_t n) {
  check(s, n);
  for (size_t p = 0; p < n;) {
    size_t q = p + BENCH_DOC < n ? p + BENCH_DOC : n;
    while (q < n && s[q] != '\n') q++;
    check(s + p, q - p);
    p = q + 1;
  }
}

static uint64_t g_rng;
static uint32_t rnd(uint32_t n) {
  g_rng ^= g_rng << 13, g_rng ^= g_rng >> 7, g_rng ^= g_rng << 17;
  return (uint32_t)((g_rng >> 11) % n);
}

/* Pieces of text the tokenizer treats specially, and UTF-8 of all kinds. */
static const char *const k_pieces[] = {
    " ", " ", " ", " ", "  ", "\n", "\r\n", "\t", "\v", "\f", "\0", "\x01", "\x7f",
    "Jakarta", "budi", "KPK", "e-KTP", "anti-Rusia", "ke-20", "Ke-3", "1990-an", "2014-2019",
    "Rp10.000,-", "Rp.5", "rp", "USD5", "US$", "US$5", "S$", "IDR", "$", "5G", "10km", "'s",
    "Jum'at", "Dr.", "dr.", "S.H.", "M.B.A.", "Ph.D.", "PROF.", "Dll.", "kol.", "H.", "1445 H.",
    "U.S.A.", "M. Yusuf", "M.Yusuf", "A.", "Jl.", "No.", "s.d.", "a.n.", "S.Kom.",
    "19/9/2023", "9/23/2015", "2023-09-19", "2023/9/19", "19.09.2023", "19-9-2023", "12/30",
    "1/2/3", "10.30", "10:30", "23:59:59", "24.00", "25.00", "10.305", "12.30%", "50%", "3,5",
    "1.000.000", "192.168.1.1", "0", "7", "12", "2023", "https://", "http://a.co.id/x?y=z",
    "ftp://", "://", "www.", "kompas.com", "KOMPAS.com/Garry", "Bisnis.com", ".co.id", ".id",
    ".Id", ".com", "go.id/", ":8080", "a@b.com", "nama.akun@", "user_name", "@jokowi", "@",
    "#PemiluDamai", "#", "#123", "_", "-", "--", "---", "+", "%", ".", "..", "...", ",", ";",
    ":", "!", "?", "?!", "!!", "\"", "'", "(", ")", "[", "]", "{", "}", "<", ">", "/", "\\",
    "|", "^", "`", "~", "*", "&", "=",
    /* Latin-1 and Latin extended, letters and marks */
    "\xc3\xa9", "\xc3\x89", "\xc3\xb1", "\xc3\x9f", "\xc3\x80", "\xc2\xaa", "\xc2\xb2",
    "\xc2\xa0", "\xc2\xab", "\xc2\xbb", "\xc2\xa3", "\xc2\xa5", "\xc2\xa9", "\xc2\x85",
    "\xc2\xb7", "\xc2\xbf", "\xc4\xb0", "\xc7\x85", "\xca\xb0", "e\xcc\x81", "\xcc\x81",
    "\xc5\x93", "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "\xd9\xa3", "\xe0\xa5\xa9",
    /* general punctuation and spaces */
    "\xe2\x80\x99", "\xe2\x80\x98", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x90",
    "\xe2\x80\x91", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\xa6", "\xe2\x80\x8b",
    "\xe2\x80\x8c", "\xe2\x80\x8d", "\xe2\x81\xa0", "\xef\xbb\xbf", "\xe1\xa0\x8e",
    "\xe2\x80\x8e", "\xe2\x80\xaa", "\xe2\x81\xa6", "\xe2\x80\xa8", "\xe2\x80\xa9",
    "\xe2\x80\x83", "\xe3\x80\x80", "\xe2\x82\xac", "\xe2\x82\xac" "5", "\xc2\xa3" "5",
    "\xc2\xa5" "5", "\xe2\x80\xba", "\xe2\x84\xa2", "\xe2\x85\xa0",
    /* CJK, full-width, emoji */
    "\xe4\xb8\xad\xe6\x96\x87", "\xe3\x80\x82", "\xe3\x80\x8d", "\xe3\x80\x8f", "\xef\xbc\x81",
    "\xef\xbc\x8e", "\xef\xbc\x9f", "\xef\xbc\x89", "\xef\xbc\xa1", "\xef\xbc\x91",
    "\xe3\x81\x82", "\xed\x95\x9c", "\xf0\x9f\x98\x80", "\xf0\x9f\x87\xae\xf0\x9f\x87\xa9",
    "\xf0\x9d\x90\x80", "\xf0\xa0\x80\x80", "\xee\x80\x80", "\xef\xbf\xbd", "\xf3\xa0\x80\x81",
    /* invalid UTF-8 */
    "\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xc3", "\xe0\x80\x80", "\xe0\xa0",
    "\xe2\x82", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x9f\x98",
    "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf8", "\xfe", "\xff", "\xe2\x80",
};

static size_t piece_len(size_t k) {
  /* "\0" is one NUL byte; every other piece is a C string. */
  return k_pieces[k][0] ? strlen(k_pieces[k]) : 1;
}

/* Random text of n bytes: pieces, random words from src, random bytes. */
static void make_mix(char *t, size_t n, const char *src, size_t src_n, int mode) {
  size_t np = sizeof k_pieces / sizeof *k_pieces, i = 0;
  while (i < n) {
    uint32_t r = rnd(100);
    if (mode == 0 && src_n > 64 && r < 40) { /* a stretch of real text */
      size_t a = rnd((uint32_t)(src_n - 32)), l = 1 + rnd(30);
      for (size_t k = 0; k < l && i < n; k++) t[i++] = src[a + k];
    } else if (mode == 2 || r < 3) { /* a random byte */
      t[i++] = (char)rnd(256);
    } else {
      size_t k = rnd((uint32_t)np), l = piece_len(k);
      for (size_t j = 0; j < l && i < n; j++) t[i++] = k_pieces[k][j];
    }
  }
}

static char *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, got;
  char *t = malloc(cap);
  *n = 0;
  while (t && (got = fread(t + *n, 1, cap - *n, f)) > 0)
    if ((*n += got) == cap) t = realloc(t, cap *= 2);
  fclose(f);
  return t;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--recognize") == 0) g_recognize = 1, argc--, argv++;
  if (argc < 4) {
    fprintf(stderr,
            "usage: idner-tok-diff [--recognize] OLD.so NEW.so MEGABYTES [SEED] [TEXT_FILE...]\n");
    return 2;
  }
  lib_open(&g_old, argv[1]);
  lib_open(&g_new, argv[2]);
  double mb = atof(argv[3]);
  g_rng = argc > 4 ? strtoull(argv[4], NULL, 10) * 2654435761u + 1 : 88172645463325252ull;
  bench_text src = {NULL, 0};
  for (int a = 5; a < argc; a++) {
    size_t n;
    char *t = read_file(argv[a], &n);
    if (!t) {
      perror(argv[a]);
      return 2;
    }
    check_text(t, n);
    if (!src.p) src.p = t, src.n = n;
    else free(t);
  }
  printf("texts:       %llu bytes, %llu documents, same\n", g_bytes, g_docs);
  for (int kind = 0; kind < IN_COUNT; kind++) {
    static const size_t sizes[] = {1, 2, 3, 7, 100, 4096, 100000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
      size_t n, size = kind == IN_PARENS ? sizes[k] / 2 + 1 : sizes[k];
      char *t = bench_make_input(kind, &src, size, &n);
      if (!t) continue;
      check_text(t, n);
      free(t);
    }
  }
  printf("adversarial: %llu bytes, %llu documents, same\n", g_bytes, g_docs);
  size_t cap = 20000;
  char *t = malloc(cap);
  while (t && g_bytes < mb * 1e6) {
    size_t n = 1 + rnd(rnd(4) == 0 ? (uint32_t)cap : 300);
    make_mix(t, n, src.p, src.n, (int)rnd(3));
    check(t, n);
  }
  printf("total:       %llu bytes, %llu documents, %llu token records, all same\n", g_bytes,
         g_docs, g_tokens);
  free(t);
  free(src.p);
  return 0;
}
