/* test_dates.c — tests of the date grammar (lib/dates.c).
 *
 * The table of cases is tests/dates/cases.tsv: one expression in a sentence
 * per row, with its reference date and the expected span, type, TIMEX3
 * value, mod, end value, time zone and number of hits in the whole text
 * (a "neg" row expects no hit at all). Texts are tokenized with the real
 * tokenizer and sentence splitter. The file's path is argv[1] or, by
 * default, IDNER_DATES_CASES (set by tests/CMakeLists.txt). Every row is
 * checked and every failing row printed; the test fails if any row fails.
 *
 *   test_dates [CASES.tsv]            run the Check suite
 *   test_dates --report [CASES.tsv]   print "class, rows, passed" as TSV
 *
 * The other tests (seed article, appending, edge cases, linear time) are
 * not table rows and stay here. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "tokenizer.h"

#ifndef IDNER_DATES_CASES
#define IDNER_DATES_CASES "tests/dates/cases.tsv"
#endif

#define REF 2023, 9, 19

/* A time bound scaled by IDNER_TEST_TIME_FACTOR (set by the valgrind
 * memcheck runs, where everything is ~50x slower; default 1). */
static double time_bound(double secs) {
  const char *f = getenv("IDNER_TEST_TIME_FACTOR");
  double k = f ? atof(f) : 1.0;
  return k > 1.0 ? secs * k : secs;
}

/* The seed article (examples/seed.txt) with its gold DATEs. */
static const char k_seed[] =
    "Bisnis.com, JAKARTA - Kementerian Luar Negeri Rusia menyatakan negaranya dan China mempunyai sikap yang sangat selaras mengenai Amerika Serikat (AS) dan perang di Ukraina.\n"
    "Pernyataan itu muncul setelah Menteri Luar Negeri China Wang Yi memulai kunjungan selama 4 hari ke Rusia, yang juga menjadi pertemuan terbaru dengan Menteri Luar Negeri Rusia Sergei Lavrov.\n"
    "“Kesamaan posisi kedua belah pihak mengenai tindakan AS di kancah internasional, termasuk sikap anti-Rusia dan anti-China,” kata kementerian itu seperti dilansir dari CNA, Selasa (19/9/2023).\n"
    "Wang Yi juga memberi tahu Lavrov tentang isi pembicaraan yang dia lakukan dengan penasihat keamanan nasional Presiden AS Joe Biden, Jake Sullivan, pada akhir pekan lalu.\n"
    "“Membahas secara rinci keadaan terkini di Ukraina, mencatat kesia-siaan upaya menyelesaikan krisis tanpa mempertimbangkan kepentingan Rusia, dan terlebih lagi, tanpa partisipasi Rusia,” ujarnya.\n"
    "Rusia dan China sering memuji kemitraan tanpa batas, serta kerja sama ekonomi dan militer antara kedua negara tersebut.\n"
    "Baca Juga\n"
    "China telah berusaha untuk memposisikan dirinya sebagai pihak netral dalam konflik Ukraina sambil menawarkan Rusia jalur diplomatik dan keuangan yang penting saat isolasi internasionalnya semakin dalam.\n"
    "Menurut laporan media pemerintah China, Wang Yi mengulangi pernyataan Beijing mengenai konflik Ukraina, yang menyerukan perundingan damai, tetapi ditanggapi dengan skeptis oleh AS dan NATO pada awal tahun ini.\n"
    "Wang Yi mengatakan kepada Lavrov bahwa rencana perundingan damai tersebut mempertimbangkan kekhawatiran keamanan semua pihak dan kondusif untuk menghilangkan akar penyebab konflik.\n"
    "“Persahabatan dengan bertetangga baik, kerja sama strategis komprehensif, dan kerja sama yang saling menguntungkan antara China dan Rusia akan terus berkontribusi pada pembangunan dan revitalisasi masing-masing negara,” tambahnya.\n"
    "Selama kunjungannya, Wang Yi dijadwalkan mengadakan konsultasi keamanan atas undangan Sekretaris Dewan Keamanan Rusia Nikolai Patrushev.\n"
    "Sementara itu, Presiden China Xi Jinping melakukan kunjungan kenegaraan ke Moskow pada Maret lalu dan menyatakan bahwa hubungan kedua negara memasuki era baru.\n"
    "Seorang ajudan Vladimir Putin mengatakan pada Juli lalu, bahwa Presiden Rusia itu berencana mengunjungi China pada Oktober 2023.\n"
    "Pada Forum Ekonomi Timur tahunan di Vladivostok pekan lalu, Putin mengatakan kepada Wakil Perdana Menteri China Zhang Guoqing bahwa hubungan antara Rusia dan China telah mencapai tingkat sejarah yang belum pernah terjadi sebelumnya."
;

typedef struct gold {
  unsigned start; /* byte offset */
  const char *span, *value, *mod;
} gold;

static const gold k_seed_gold[] = {
    {538, "Selasa (19/9/2023)", "2023-09-19", ""}, {710, "akhir pekan lalu", "2023-W37-WE", ""},
    {1454, "awal tahun ini", "2023", "START"},    {2110, "Maret lalu", "2023-03", ""},
    {2229, "Juli lalu", "2023-07", ""},          {2298, "Oktober 2023", "2023-10", ""},
    {2360, "pekan lalu", "2023-W37", ""},
};

/* ---- harness ------------------------------------------------------------ */

static idner__dategrammar *grammar;
static const char *cases_path = IDNER_DATES_CASES;

static void setup(void) {
  char err[256] = "";
  int32_t rc = idner__dates_compile(&grammar, err, sizeof err);
  ck_assert_msg(rc == IDNER_OK, "compile: %d %s", rc, err);
}

static void teardown(void) {
  idner__dates_free(grammar);
  grammar = NULL;
}

typedef struct analysis {
  const char *text;
  idner__tokvec toks;
  idner__datehits hits;
} analysis;

static int same_hits(const idner__datehits *x, const idner__datehits *y) {
  if (x->n != y->n) return 0;
  for (size_t i = 0; i < x->n; i++) {
    const idner__date_hit *p = &x->v[i], *q = &y->v[i];
    if (p->tok_start != q->tok_start || p->tok_end != q->tok_end || p->type != q->type ||
        strcmp(p->value, q->value) || strcmp(p->end_value, q->end_value) ||
        strcmp(p->mod, q->mod) || p->tz_offset_minutes != q->tz_offset_minutes ||
        p->has_tz != q->has_tz)
      return 0;
  }
  return 1;
}

/* The scan over folded tokens finds the hits of idner__dates_find: folded
 * while tokenizing with the grammar's date marks (the scan then visits
 * only the marked tokens), and by idner__fold_hash_tokens, with the marks
 * (which must be the tokenizer's) and without them (the scan's own skip
 * test). IDNER_ERR_INTERNAL if any differs. */
static int32_t folded_same(const char *text, size_t len, idner__datescratch *s,
                           const idner__refdate *ref) {
  idner__tokvec toks = {0};
  idner__bytes forms = {0}, forms2 = {0};
  idner__u32vec off = {0};
  idner__u64vec hash = {0};
  idner__u8vec plain = {0};
  idner__datehits want = {0}, got = {0};
  uint32_t *off2 = NULL, nsent = 0;
  uint64_t *hash2 = NULL;
  uint8_t *plain2 = NULL;
  const idner__datemark *marks = idner__dates_marks(grammar);
  idner__foldout fo = {&forms, &off, &hash, &plain, marks};
  int32_t rc = idner__tokenize_split_fold(text, len, 0, &toks, NULL, &nsent, &fo);
  size_t n = toks.n;
  if (!rc) rc = idner__dates_find(grammar, s, text, len, toks.v, n, ref, &want);
  if (!rc && (!(off2 = malloc((n + 1) * sizeof *off2)) ||
              !(hash2 = malloc((n + 1) * sizeof *hash2)) || !(plain2 = malloc(n + 1))))
    rc = IDNER_ERR_NOMEM;
  for (int k = 0; k < 3 && !rc; k++) {
    idner__date_folds f = {forms.v, off.v, hash.v, plain.v, 1};
    if (k) {
      rc = idner__fold_hash_tokens(text, toks.v, n, &forms2, off2, hash2, plain2,
                                   k == 1 ? marks : NULL);
      if (rc) break;
      if (k == 1 && memcmp(plain2, plain.v, n)) rc = IDNER_ERR_INTERNAL;
      f = (idner__date_folds){forms2.v, off2, hash2, plain2, k == 1};
    }
    got.n = 0;
    if (!rc) rc = idner__dates_find_folded(grammar, s, text, len, toks.v, n, &f, ref, &got);
    if (!rc && !same_hits(&want, &got)) rc = IDNER_ERR_INTERNAL;
  }
  free(toks.v), free(forms.v), free(forms2.v), free(off.v), free(hash.v), free(plain.v);
  free(off2), free(hash2), free(plain2), free(want.v), free(got.v);
  return rc;
}

/* Tokenizes, splits sentences and finds dates; no Check assertion, so the
 * report mode can use it outside a test. */
static int32_t analyze_rc(analysis *a, const char *text, size_t len, int ry, int rm, int rd) {
  memset(a, 0, sizeof *a);
  a->text = text;
  int32_t rc = idner__tokenize(text, len, 0, &a->toks, NULL);
  if (rc != IDNER_OK) return rc;
  idner__split_sentences(text, a->toks.v, a->toks.n);
  idner__datescratch *s = NULL;
  rc = idner__datescratch_new(&s);
  if (rc != IDNER_OK) return rc;
  idner__refdate ref = {ry, rm, rd};
  rc = idner__dates_find(grammar, s, text, len, a->toks.v, a->toks.n, &ref, &a->hits);
  if (!rc) rc = folded_same(text, len, s, &ref);
  idner__datescratch_free(s);
  return rc;
}

static void analyze(analysis *a, const char *text, size_t len, int ry, int rm, int rd) {
  ck_assert_int_eq(analyze_rc(a, text, len, ry, rm, rd), IDNER_OK);
}

static void release(analysis *a) {
  free(a->toks.v);
  free(a->hits.v);
}

static size_t hit_start(const analysis *a, const idner__date_hit *h) {
  return a->toks.v[h->tok_start].byte_start;
}

static size_t hit_len(const analysis *a, const idner__date_hit *h) {
  return a->toks.v[h->tok_end - 1].byte_end - hit_start(a, h);
}

/* All hits as text ([span|type|value|mod|end|tz]), for failure messages. */
static const char *describe(const analysis *a) {
  static char buf[2048];
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < a->hits.n && n < sizeof buf - 200; i++) {
    const idner__date_hit *h = &a->hits.v[i];
    n += (size_t)snprintf(buf + n, sizeof buf - n, "[%.*s|%s|%s|%s|%s|%d] ", (int)hit_len(a, h),
                          a->text + hit_start(a, h), h->type == IDNER_TYPE_TIME ? "TIME" : "DATE",
                          h->value, h->mod, h->end_value, h->has_tz ? h->tz_offset_minutes : 0);
  }
  if (a->hits.n == 0) snprintf(buf, sizeof buf, "(no hit)");
  return buf;
}

static const idner__date_hit *find_span(const analysis *a, const char *span) {
  for (size_t i = 0; i < a->hits.n; i++) {
    const idner__date_hit *h = &a->hits.v[i];
    if (hit_len(a, h) == strlen(span) && memcmp(a->text + hit_start(a, h), span, strlen(span)) == 0)
      return h;
  }
  return NULL;
}

/* ---- the table: tests/dates/cases.tsv ----------------------------------- */

enum { COL_CLASS, COL_REF, COL_TEXT, COL_SPAN, COL_TYPE, COL_VALUE, COL_MOD, COL_END, COL_TZ,
       COL_NHITS, COL_NOTE, NCOL };

typedef struct case_row {
  unsigned line;       /* line number in the file */
  const char *col[NCOL]; /* "-" already mapped to "" (except class) */
  int ry, rm, rd;      /* reference date; ry 0 = none */
  int tz, nhits;
} case_row;

typedef struct case_table {
  char *buf;
  case_row *v;
  size_t n;
} case_table;

static void table_free(case_table *t) {
  free(t->buf);
  free(t->v);
  memset(t, 0, sizeof *t);
}

/* Reads the TSV; lines starting with '#' and empty lines are skipped. A
 * malformed line is an error (message to stderr, returns -1). */
static int table_load(case_table *t, const char *path) {
  memset(t, 0, sizeof *t);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open\n", path);
    return -1;
  }
  size_t cap = 1 << 16, len = 0, got;
  t->buf = malloc(cap);
  while (t->buf && (got = fread(t->buf + len, 1, cap - 1 - len, f)) > 0) {
    len += got;
    if (len == cap - 1) {
      char *nb = realloc(t->buf, cap *= 2);
      if (!nb) free(t->buf);
      t->buf = nb;
    }
  }
  fclose(f);
  if (!t->buf) goto fail;
  t->buf[len] = '\0';
  size_t rows_cap = 0;
  unsigned line = 0;
  for (char *p = t->buf, *next; p < t->buf + len; p = next) {
    line++;
    char *eol = strchr(p, '\n');
    next = eol ? eol + 1 : t->buf + len;
    if (eol) *eol = '\0';
    if (eol && eol > p && eol[-1] == '\r') eol[-1] = '\0';
    if (*p == '\0' || *p == '#') continue;
    case_row r;
    memset(&r, 0, sizeof r);
    r.line = line;
    size_t k = 0;
    for (char *c = p; c && k < NCOL; k++) {
      r.col[k] = c;
      c = strchr(c, '\t');
      if (c) *c++ = '\0';
      if (c && k == NCOL - 1) k = NCOL + 1; /* too many columns */
    }
    if (k == NCOL - 1) r.col[COL_NOTE] = "", k = NCOL; /* no note, no trailing tab */
    if (k != NCOL) {
      fprintf(stderr, "%s:%u: wrong number of columns, want %d\n", path, line, NCOL);
      goto fail;
    }
    for (int c = COL_REF; c < NCOL; c++)
      if (strcmp(r.col[c], "-") == 0) r.col[c] = "";
    if (r.col[COL_REF][0] &&
        sscanf(r.col[COL_REF], "%d-%d-%d", &r.ry, &r.rm, &r.rd) != 3) {
      fprintf(stderr, "%s:%u: bad reference date \"%s\"\n", path, line, r.col[COL_REF]);
      goto fail;
    }
    r.tz = atoi(r.col[COL_TZ]);
    r.nhits = atoi(r.col[COL_NHITS]);
    if (t->n == rows_cap) {
      rows_cap = rows_cap ? 2 * rows_cap : 512;
      case_row *nv = realloc(t->v, rows_cap * sizeof *nv);
      if (!nv) goto fail;
      t->v = nv;
    }
    t->v[t->n++] = r;
  }
  return 0;
fail:
  table_free(t);
  return -1;
}

/* Checks one row; returns 1 if it passes. When it fails and out is not
 * NULL, prints why. */
static int check_row(const case_row *r, const char *path, FILE *out) {
  analysis a;
  const char *text = r->col[COL_TEXT];
  int32_t rc = analyze_rc(&a, text, strlen(text), r->ry, r->rm, r->rd);
  char why[256] = "";
  if (rc != IDNER_OK) {
    snprintf(why, sizeof why, "error %d", rc);
  } else if (strcmp(r->col[COL_CLASS], "neg") == 0) {
    if (a.hits.n != 0) snprintf(why, sizeof why, "no hit expected");
  } else {
    const idner__date_hit *h = find_span(&a, r->col[COL_SPAN]);
    uint32_t type = strcmp(r->col[COL_TYPE], "TIME") == 0 ? IDNER_TYPE_TIME : IDNER_TYPE_DATE;
    if (!h)
      snprintf(why, sizeof why, "no hit \"%s\"", r->col[COL_SPAN]);
    else if (h->type != type)
      snprintf(why, sizeof why, "type");
    else if (strcmp(h->value, r->col[COL_VALUE]) != 0)
      snprintf(why, sizeof why, "value");
    else if (strcmp(h->mod, r->col[COL_MOD]) != 0)
      snprintf(why, sizeof why, "mod");
    else if (strcmp(h->end_value, r->col[COL_END]) != 0)
      snprintf(why, sizeof why, "end_value");
    else if (h->has_tz != (r->tz != 0) || (h->has_tz && h->tz_offset_minutes != r->tz))
      snprintf(why, sizeof why, "tz");
    else if (a.hits.n != (size_t)r->nhits)
      snprintf(why, sizeof why, "%zu hits, want %d", a.hits.n, r->nhits);
  }
  if (why[0] && out)
    fprintf(out,
            "%s:%u: class %s: %s\n  text: %s\n  want: [%s|%s|%s|%s|%s|%d] nhits %d\n  got:  %s\n",
            path, r->line, r->col[COL_CLASS], why, text, r->col[COL_SPAN], r->col[COL_TYPE],
            r->col[COL_VALUE], r->col[COL_MOD], r->col[COL_END], r->tz, r->nhits,
            rc == IDNER_OK ? describe(&a) : "");
  release(&a);
  return why[0] == '\0';
}

/* Rows and passing rows of one class; classes sort as 1..39, then the
 * others ("neg", "span") by name. */
typedef struct class_count {
  const char *name;
  size_t rows, passed;
} class_count;

static int class_cmp(const void *pa, const void *pb) {
  const char *a = ((const class_count *)pa)->name, *b = ((const class_count *)pb)->name;
  int na = atoi(a), nb = atoi(b);
  if (na && nb) return (na > nb) - (na < nb);
  if (na || nb) return na ? -1 : 1;
  return strcmp(a, b);
}

/* Runs every row, printing each failing one to out (if not NULL); fills
 * counts (at most maxcounts classes) and returns the number of failures. */
static size_t run_table(const case_table *t, const char *path, FILE *out, class_count *counts,
                        size_t *ncounts, size_t maxcounts) {
  size_t failed = 0;
  *ncounts = 0;
  for (size_t i = 0; i < t->n; i++) {
    const case_row *r = &t->v[i];
    int ok = check_row(r, path, out);
    failed += !ok;
    size_t k = 0;
    while (k < *ncounts && strcmp(counts[k].name, r->col[COL_CLASS]) != 0) k++;
    if (k == *ncounts && k < maxcounts) counts[(*ncounts)++] = (class_count){r->col[COL_CLASS], 0, 0};
    if (k < *ncounts) counts[k].rows++, counts[k].passed += (size_t)ok;
  }
  qsort(counts, *ncounts, sizeof *counts, class_cmp);
  return failed;
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(test_cases) {
  case_table t;
  ck_assert_msg(table_load(&t, cases_path) == 0, "cannot read %s", cases_path);
  ck_assert_msg(t.n > 0, "%s: no rows", cases_path);
  class_count counts[64];
  size_t ncounts;
  size_t failed = run_table(&t, cases_path, stdout, counts, &ncounts, 64);
  if (failed) {
    printf("failing rows per class (class:failed/rows):");
    for (size_t k = 0; k < ncounts; k++)
      if (counts[k].passed < counts[k].rows)
        printf(" %s:%zu/%zu", counts[k].name, counts[k].rows - counts[k].passed, counts[k].rows);
    printf("\n");
  }
  fflush(stdout);
  size_t n = t.n;
  table_free(&t);
  ck_assert_msg(failed == 0, "%zu of %zu rows of %s failed", failed, n, cases_path);
}
END_TEST

START_TEST(test_seed) {
  analysis a;
  analyze(&a, k_seed, strlen(k_seed), REF);
  size_t ngold = sizeof k_seed_gold / sizeof k_seed_gold[0];
  ck_assert_msg(a.hits.n == ngold, "seed: %zu hits: %s", a.hits.n, describe(&a));
  for (size_t i = 0; i < ngold; i++) {
    const idner__date_hit *h = &a.hits.v[i];
    const gold *g = &k_seed_gold[i];
    ck_assert_uint_eq(hit_start(&a, h), g->start);
    ck_assert_uint_eq(hit_len(&a, h), strlen(g->span));
    ck_assert_int_eq(memcmp(k_seed + g->start, g->span, strlen(g->span)), 0);
    ck_assert_str_eq(h->value, g->value);
    ck_assert_str_eq(h->mod, g->mod);
    ck_assert_uint_eq(h->type, IDNER_TYPE_DATE);
  }
  release(&a);
}
END_TEST

/* Hits are appended: out->n is not reset between calls. */
START_TEST(test_appends) {
  const char *text = "Ia tiba kemarin dan pulang besok.";
  idner__tokvec toks = {0};
  idner__datehits hits = {0};
  idner__datescratch *s = NULL;
  idner__refdate ref = {REF};
  ck_assert_int_eq(idner__tokenize(text, strlen(text), 0, &toks, NULL), IDNER_OK);
  ck_assert_int_eq(idner__datescratch_new(&s), IDNER_OK);
  for (int k = 0; k < 2; k++)
    ck_assert_int_eq(idner__dates_find(grammar, s, text, strlen(text), toks.v, toks.n, &ref, &hits),
                     IDNER_OK);
  ck_assert_uint_eq(hits.n, 4);
  ck_assert_str_eq(hits.v[1].value, "2023-09-20");
  ck_assert_str_eq(hits.v[3].value, "2023-09-20");
  idner__datescratch_free(s);
  free(toks.v);
  free(hits.v);
}
END_TEST

/* Empty input, NULL / invalid reference dates and invalid UTF-8. */
START_TEST(test_edges) {
  analysis a;
  analyze(&a, "", 0, REF);
  ck_assert_uint_eq(a.hits.n, 0);
  release(&a);
  analyze(&a, "Ia tiba kemarin.", 16, 2023, 2, 30); /* invalid reference = none */
  ck_assert_uint_eq(a.hits.n, 1);
  ck_assert_str_eq(a.hits.v[0].value, "");
  release(&a);
  const char bad[] = "Pada \xff\xfe 19 September 2023 \xc3 kemarin \xe2\x80";
  analyze(&a, bad, sizeof bad - 1, REF);
  ck_assert_msg(a.hits.n == 2, "invalid UTF-8: %s", describe(&a));
  ck_assert_str_eq(a.hits.v[0].value, "2023-09-19");
  ck_assert_str_eq(a.hits.v[1].value, "2023-09-18");
  release(&a);

  idner__tokvec toks = {0};
  idner__datehits hits = {0};
  idner__datescratch *s = NULL;
  const char *text = "Ia tiba kemarin.";
  ck_assert_int_eq(idner__tokenize(text, strlen(text), 0, &toks, NULL), IDNER_OK);
  ck_assert_int_eq(idner__datescratch_new(&s), IDNER_OK);
  ck_assert_int_eq(idner__dates_find(grammar, s, text, strlen(text), toks.v, toks.n, NULL, &hits),
                   IDNER_OK);
  ck_assert_uint_eq(hits.n, 1);
  ck_assert_str_eq(hits.v[0].value, "");
  idner__datescratch_free(s);
  free(toks.v);
  free(hits.v);
}
END_TEST

/* A caller's pre-tokenized token may hold spaces ("Senin (18/9)"). */
START_TEST(test_multiword_token) {
  const char *text = "Ia tiba Senin (18/9) .";
  idner_token toks[4];
  const uint32_t bounds[4][2] = {{0, 2}, {3, 7}, {8, 20}, {21, 22}};
  memset(toks, 0, sizeof toks);
  for (int k = 0; k < 4; k++) toks[k].byte_start = bounds[k][0], toks[k].byte_end = bounds[k][1];
  idner__datehits hits = {0};
  idner__datescratch *s = NULL;
  idner__refdate ref = {REF};
  ck_assert_int_eq(idner__datescratch_new(&s), IDNER_OK);
  ck_assert_int_eq(idner__dates_find(grammar, s, text, strlen(text), toks, 4, &ref, &hits),
                   IDNER_OK);
  ck_assert_uint_eq(hits.n, 1);
  ck_assert_uint_eq(hits.v[0].tok_start, 2);
  ck_assert_uint_eq(hits.v[0].tok_end, 3);
  ck_assert_str_eq(hits.v[0].value, "2023-09-18");
  idner__datescratch_free(s);
  free(hits.v);
}
END_TEST

/* Many triggers in a long text: time must stay linear (a generous bound).
 * Each repetition holds five expressions: "tahun 2023", "pekan lalu",
 * "Senin", "pukul 10" and "dulu" (its "(18/9" is unclosed, its "Maret" has
 * no preposition, "3 hari" is a duration). */
START_TEST(test_linear) {
  static const char unit[] = "tahun 2023 pekan lalu 3 hari Senin (18/9 Maret pukul 10. dulu ";
  size_t reps = 20000, ulen = sizeof unit - 1, len = reps * ulen;
  char *text = malloc(len + 1);
  ck_assert_ptr_nonnull(text);
  for (size_t i = 0; i < reps; i++) memcpy(text + i * ulen, unit, ulen);
  text[len] = '\0';
  clock_t t0 = clock();
  analysis a;
  analyze(&a, text, len, REF);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  ck_assert_uint_eq(a.hits.n, 5 * reps);
  ck_assert_msg(secs < time_bound(30.0), "%.1f s for %zu bytes", secs, len);
  release(&a);
  /* a long whitespace run after every trigger word */
  size_t run = len / 8;
  memcpy(text, "tahun", 5);
  memset(text + 5, ' ', run);
  memcpy(text + 5 + run, "2023 bulan", 10);
  memset(text + 15 + run, ' ', len - 15 - run);
  t0 = clock();
  analyze(&a, text, len, REF);
  secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  ck_assert_uint_eq(a.hits.n, 1);
  ck_assert_str_eq(a.hits.v[0].value, "2023");
  ck_assert_msg(secs < time_bound(30.0), "%.1f s for a whitespace run", secs);
  release(&a);
  free(text);
}
END_TEST

/* The grammar can be compiled and freed repeatedly (no global state). */
START_TEST(test_compile_twice) {
  idner__dategrammar *g2 = NULL;
  ck_assert_int_eq(idner__dates_compile(&g2, NULL, 0), IDNER_OK);
  ck_assert_ptr_nonnull(g2);
  idner__dates_free(g2);
  idner__dates_free(NULL);
  idner__datescratch_free(NULL);
}
END_TEST

/* The grammar is data: a broken grammar file is refused with its line, and
 * an edited one changes what is tagged. */
static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n + 4096 > cap) {
      char *nb = realloc(buf, cap = 2 * cap + 4096);
      if (!nb) break;
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  *len = n;
  return buf;
}

START_TEST(test_grammar_file) {
  static const struct {
    const char *text, *want;
  } bad[] = {
      {"# not a grammar\n", "not a date grammar"},
      {"# idner-dates-grammar 1\nlex\tmonths\tjanuari\t1\tBOGUS\n", "x.tsv:2: bad flags"},
      {"# idner-dates-grammar 1\nlex\tnosuch\tjanuari\t1\t0\n", "x.tsv:2: unknown table"},
      {"# idner-dates-grammar 1\nword\tdate_preps\n", "x.tsv:2: word needs"},
      {"# idner-dates-grammar 1\nrule\tnosuch\tx\n", "x.tsv:2: unknown rule"},
      {"# idner-dates-grammar 1\ntrigger\tmonths\tnosuch\n", "x.tsv:2: trigger needs"},
      {"# idner-dates-grammar 1\nfoo\tbar\n", "x.tsv:2: unknown record"},
      {"# idner-dates-grammar 1\n", "rule kompas is missing"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    idner__dategrammar *g2 = NULL;
    char err[256] = "";
    int32_t rc = idner__dates_compile_from(bad[k].text, strlen(bad[k].text), "x.tsv", NULL, 0,
                                           NULL, &g2, err, sizeof err);
    ck_assert_msg(rc == IDNER_ERR_DATA_FORMAT && !g2, "case %zu: rc %d", k, (int)rc);
    ck_assert_msg(strstr(err, bad[k].want) != NULL, "case %zu: %s", k, err);
  }
  /* the real file with "maret" made April: "5 Maret 2023" follows the data */
  size_t len = 0;
  char *text = read_all(IDNER_DATES_GRAMMAR, &len);
  ck_assert_ptr_nonnull(text);
  char *p = strstr(text, "lex\tmonths\tmaret\t3\t");
  ck_assert_ptr_nonnull(p);
  p[strlen("lex\tmonths\tmaret\t")] = '4';
  idner__dategrammar *g2 = NULL;
  char err[256] = "";
  ck_assert_msg(idner__dates_compile_from(text, len, "edited", NULL, 0, NULL, &g2, err,
                                          sizeof err) == IDNER_OK, "%s", err);
  free(text);
  const char *s = "Gempa 5 Maret 2023.";
  idner_token toks[8];
  size_t ntok = 0;
  /* tokens by hand: "Gempa" "5" "Maret" "2023" "." */
  static const uint32_t spans[][2] = {{0, 5}, {6, 7}, {8, 13}, {14, 18}, {18, 19}};
  for (; ntok < 5; ntok++) {
    memset(&toks[ntok], 0, sizeof toks[ntok]);
    toks[ntok].byte_start = spans[ntok][0];
    toks[ntok].byte_end = spans[ntok][1];
    toks[ntok].kind = ntok == 1 || ntok == 3 ? IDNER_TOK_NUMBER : ntok == 4 ? IDNER_TOK_PUNCT
                                                                            : IDNER_TOK_WORD;
  }
  idner__datescratch *sc = NULL;
  ck_assert_int_eq(idner__datescratch_new(&sc), IDNER_OK);
  idner__datehits hits = {NULL, 0, 0};
  idner__refdate ref = {2023, 9, 19};
  ck_assert_int_eq(idner__dates_find(g2, sc, s, strlen(s), toks, ntok, &ref, &hits), IDNER_OK);
  ck_assert_uint_eq(hits.n, 1);
  ck_assert_str_eq(hits.v[0].value, "2023-04-05");
  free(hits.v);
  idner__datescratch_free(sc);
  idner__dates_free(g2);
}
END_TEST

static Suite *dates_suite(void) {
  Suite *s = suite_create("dates");
  TCase *tc = tcase_create("core");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_cases);
  tcase_add_test(tc, test_seed);
  tcase_add_test(tc, test_appends);
  tcase_add_test(tc, test_edges);
  tcase_add_test(tc, test_multiword_token);
  tcase_add_test(tc, test_linear);
  tcase_add_test(tc, test_compile_twice);
  tcase_add_test(tc, test_grammar_file);
  suite_add_tcase(s, tc);
  return s;
}

/* --report: "class, rows, passed" per class as TSV, then a total line. */
static int report(const char *path) {
  char err[256] = "";
  if (idner__dates_compile(&grammar, err, sizeof err) != IDNER_OK) {
    fprintf(stderr, "compile: %s\n", err);
    return EXIT_FAILURE;
  }
  case_table t;
  if (table_load(&t, path) != 0) {
    idner__dates_free(grammar);
    return EXIT_FAILURE;
  }
  class_count counts[64];
  size_t ncounts, total_passed = 0;
  run_table(&t, path, NULL, counts, &ncounts, 64);
  printf("#class\trows\tpassed\n");
  for (size_t k = 0; k < ncounts; k++) {
    printf("%s\t%zu\t%zu\n", counts[k].name, counts[k].rows, counts[k].passed);
    total_passed += counts[k].passed;
  }
  printf("total\t%zu\t%zu\n", t.n, total_passed);
  table_free(&t);
  idner__dates_free(grammar);
  grammar = NULL;
  return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--report") == 0)
    return report(argc > 2 ? argv[2] : cases_path);
  if (argc > 1) cases_path = argv[1];
  SRunner *sr = srunner_create(dates_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
