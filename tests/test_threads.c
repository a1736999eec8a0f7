/* test_threads.c — 8 threads share one model, each with its own doc, and
 * every result must equal the single-threaded run's, document by document:
 * tokens, sentences and entities with offsets, types, evidence and values.
 *
 * Two models are shared at once: the embedded default with its sequence
 * model and an IDNER_LOAD_NO_MODEL one. The single-threaded reference is
 * computed with separate models, so the threads are the first users of
 * theirs and race (started together at a barrier) to the date rules'
 * first-use JIT compilation. Documents vary the API (idner_analyze on text,
 * idner_analyze_tokens on the same text split at spaces), the reference
 * date, the annotation profile and the entity types, and each thread
 * reuses one doc across both models in its own order, so a result that
 * depends on another thread or on the doc's history shows up as a mismatch.
 *
 * Two parts: examples/seed.txt (the whole article and each line as a
 * document) always; then the token column of every CoNLL corpus under
 * SHARED_DIR/corpora, tokens joined by spaces into sentences, sentences
 * joined by newlines into documents of about 4 KB (a file's end ends a
 * document). Without the corpora the seed part still runs and the test
 * exits 77 (skipped). Run under TSan (-DIDNER_TSAN=ON) to check for races.
 *
 * Usage: test_threads SEED.txt [SHARED_DIR] [--docs N]
 *   --docs N: use N of the corpus documents, spread evenly over the
 *   corpora (for the slow sanitizer and valgrind runs); default all. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idner.h"

#define THREADS 8
#define NMODELS 2
#define DOC_BYTES 4096
#define SKIP 77

static const char *const model_names[NMODELS] = {"default", "NO_MODEL"};
static const uint32_t model_flags[NMODELS] = {0, IDNER_LOAD_NO_MODEL};

/* One document: its text, and the same text as tokens split at spaces
 * (a newline also starts a sentence) for idner_analyze_tokens. */
typedef struct tdoc {
  char *text;
  size_t len;
  const char **tok;
  size_t *tlen;
  uint8_t *sstart;
  size_t ntok;
  char src[96]; /* where it came from, for messages */
} tdoc;

typedef struct buf {
  unsigned char *v;
  size_t n, cap;
} buf;

/* A part of the test: its documents and the reference results, a blob per
 * model and document. */
typedef struct part {
  const char *name;
  tdoc *docs;
  size_t ndocs;
  buf *expected[NMODELS];
  idner_model *models[NMODELS];
  pthread_barrier_t start;
} part;

typedef struct worker_arg {
  part *p;
  size_t id;
  size_t mismatches;
  int error;
  char msg[320];
} worker_arg;

static void die(const char *what) {
  fprintf(stderr, "test_threads: %s\n", what);
  exit(1);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

static void put(buf *b, const void *p, size_t n) {
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + n) cap *= 2;
    unsigned char *v = realloc(b->v, cap);
    if (!v) die("out of memory");
    b->v = v;
    b->cap = cap;
  }
  memcpy(b->v + b->n, p, n);
  b->n += n;
}

static void put_u32(buf *b, uint32_t x) { put(b, &x, sizeof x); }

static int read_all(const char *path, buf *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char chunk[65536];
  size_t got;
  out->n = 0;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) put(out, chunk, got);
  int ok = !ferror(f);
  fclose(f);
  return ok;
}

/* A document from len bytes of text (copied), with its token split. */
static void make_doc(tdoc *d, const char *text, size_t len, const char *src) {
  memset(d, 0, sizeof *d);
  d->text = xmalloc(len);
  memcpy(d->text, text, len);
  d->len = len;
  d->tok = xmalloc((len / 2 + 1) * sizeof *d->tok);
  d->tlen = xmalloc((len / 2 + 1) * sizeof *d->tlen);
  d->sstart = xmalloc(len / 2 + 1);
  int newline = 1;
  for (size_t i = 0; i < len;) {
    if (d->text[i] == ' ' || d->text[i] == '\n' || d->text[i] == '\r') {
      newline |= d->text[i++] == '\n';
      continue;
    }
    size_t s = i;
    while (i < len && d->text[i] != ' ' && d->text[i] != '\n' && d->text[i] != '\r') i++;
    d->tok[d->ntok] = d->text + s;
    d->tlen[d->ntok] = i - s;
    d->sstart[d->ntok++] = (uint8_t)newline;
    newline = 0;
  }
  snprintf(d->src, sizeof d->src, "%s", src);
}

static void free_docs(tdoc *docs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(docs[i].text);
    free(docs[i].tok);
    free(docs[i].tlen);
    free(docs[i].sstart);
  }
  free(docs);
}

/* ---- the seed part -------------------------------------------------------- */

static size_t seed_docs(const buf *seed, tdoc **out) {
  size_t lines = 1;
  for (size_t i = 0; i < seed->n; i++) lines += seed->v[i] == '\n';
  tdoc *docs = xmalloc((lines + 1) * sizeof *docs);
  size_t n = 0;
  make_doc(&docs[n++], (const char *)seed->v, seed->n, "seed.txt");
  const char *text = (const char *)seed->v, *end = text + seed->n;
  for (size_t line = 1; text < end; line++) {
    const char *nl = memchr(text, '\n', (size_t)(end - text));
    size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);
    if (len) {
      char src[96];
      snprintf(src, sizeof src, "seed.txt line %zu", line);
      make_doc(&docs[n++], text, len, src);
    }
    text += len + 1;
  }
  *out = docs;
  return n;
}

/* ---- the corpus part ------------------------------------------------------ */

typedef struct docset {
  tdoc *v;
  size_t n, cap;
} docset;

static void add_doc(docset *s, const buf *text, const char *file, size_t part_no) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 256;
    tdoc *v = realloc(s->v, s->cap * sizeof *v);
    if (!v) die("out of memory");
    s->v = v;
  }
  char src[96];
  snprintf(src, sizeof src, "%.80s #%zu", file, part_no);
  make_doc(&s->v[s->n++], (const char *)text->v, text->n, src);
}

/* A CoNLL file's token column (up to the first tab or space) joined into
 * sentences (blank lines end them), cut into documents of ~DOC_BYTES. */
static void conll_docs(const char *path, const char *name, docset *s) {
  buf raw = {0}, doc = {0}, sent = {0};
  if (!read_all(path, &raw)) {
    free(raw.v);
    fprintf(stderr, "test_threads: cannot read %s\n", path);
    exit(1);
  }
  size_t part_no = 0;
  const char *line = (const char *)raw.v, *end = line + raw.n;
  while (line <= end) {
    const char *nl = line < end ? memchr(line, '\n', (size_t)(end - line)) : NULL;
    size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
    if (len && line[len - 1] == '\r') len--;
    size_t tl = 0;
    while (tl < len && line[tl] != '\t' && line[tl] != ' ') tl++;
    if (tl && !(tl >= 10 && memcmp(line, "-DOCSTART-", 10) == 0)) {
      if (sent.n) put(&sent, " ", 1);
      put(&sent, line, tl);
    } else if (!tl && sent.n) { /* a sentence ends */
      if (doc.n) put(&doc, "\n", 1);
      put(&doc, sent.v, sent.n);
      sent.n = 0;
      if (doc.n >= DOC_BYTES) add_doc(s, &doc, name, part_no++), doc.n = 0;
    }
    if (!nl) {
      if (sent.n) {
        if (doc.n) put(&doc, "\n", 1);
        put(&doc, sent.v, sent.n);
      }
      break;
    }
    line = nl + 1;
  }
  if (doc.n) add_doc(s, &doc, name, part_no);
  free(raw.v);
  free(doc.v);
  free(sent.v);
}

static int conll_name(const struct dirent *e) {
  size_t n = strlen(e->d_name);
  if (n < 7 || strcmp(e->d_name + n - 6, ".conll") != 0) return 0;
  /* test.02.conll .. test.09.conll: other folds of the data fold .01 already
   * holds (train + dev + test of one fold is the whole corpus) */
  if (n >= 9 && e->d_name[n - 9] == '.' && e->d_name[n - 8] == '0' && e->d_name[n - 7] != '1')
    return 0;
  return 1;
}

static int subdir_name(const struct dirent *e) { return e->d_name[0] != '.'; }

/* Every corpus' documents, or 0 when there is no corpus. */
static size_t corpus_docs(const char *shared, tdoc **out) {
  docset s = {0};
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/corpora", shared);
  struct dirent **corpora;
  int nc = scandir(dir, &corpora, subdir_name, alphasort);
  for (int c = 0; c < nc; c++) {
    char sub[4096 + 256];
    snprintf(sub, sizeof sub, "%s/%s", dir, corpora[c]->d_name);
    struct dirent **files;
    int nf = scandir(sub, &files, conll_name, alphasort);
    for (int f = 0; f < nf; f++) {
      char path[4096 + 512], name[512];
      snprintf(path, sizeof path, "%s/%s", sub, files[f]->d_name);
      snprintf(name, sizeof name, "%s/%s", corpora[c]->d_name, files[f]->d_name);
      conll_docs(path, name, &s);
      free(files[f]);
    }
    if (nf >= 0) free(files);
    free(corpora[c]);
  }
  if (nc >= 0) free(corpora);
  *out = s.v;
  return s.n;
}

/* Keeps `keep` of the n documents, evenly spread. */
static size_t thin_docs(tdoc *docs, size_t n, size_t keep) {
  if (!keep || keep >= n) return n;
  tdoc *kept = xmalloc(keep * sizeof *kept);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (k < keep && i == k * n / keep) kept[k++] = docs[i];
    else free(docs[i].text), free(docs[i].tok), free(docs[i].tlen), free(docs[i].sstart);
  }
  memcpy(docs, kept, keep * sizeof *kept);
  free(kept);
  return keep;
}

/* ---- analysis and results ------------------------------------------------- */

/* Document i's analysis, varied by i: odd ones go through
 * idner_analyze_tokens; the reference date, profile and types vary. */
static int32_t run(const idner_model *m, idner_doc *d, const tdoc *td, size_t i) {
  idner_options o;
  idner_options_init(&o);
  if (i % 5 != 4) {
    o.ref_year = 2020 + (int32_t)(i % 6);
    o.ref_month = 1 + (uint32_t)(i % 12);
    o.ref_day = 1 + (uint32_t)(i % 28);
  }
  o.profile = (uint32_t)(i / 2 % (idner_model_profile_count(m) + 1));
  if (i % 11 == 7) o.types = IDNER_TYPE_BIT(IDNER_TYPE_DATE) | IDNER_TYPE_BIT(IDNER_TYPE_TIME);
  if (i % 13 == 11) o.types = 0; /* tokenize only */
  if (i % 2)
    return idner_analyze_tokens(m, d, td->tok, td->tlen, td->ntok, td->sstart, &o);
  return idner_analyze(m, d, td->text, td->len, &o);
}

static void put_str(buf *b, const char *pool, uint32_t plen, uint32_t off, uint32_t len) {
  if (off > plen || len > plen - off) die("an entity's string lies outside the string pool");
  put_u32(b, len);
  put(b, pool + off, len);
}

/* The doc's results as one comparable blob: counts, tokens, and entities
 * with their value strings in place of pool offsets. */
static void serialize(const idner_doc *d, buf *b) {
  b->n = 0;
  uint32_t nt = idner_doc_token_count(d), ne = idner_doc_entity_count(d), plen;
  put_u32(b, nt);
  put_u32(b, ne);
  put_u32(b, idner_doc_sentence_count(d));
  if (nt) put(b, idner_doc_tokens(d), nt * sizeof(idner_token));
  const char *pool = idner_doc_strings(d, &plen);
  const idner_entity *es = idner_doc_entities(d);
  for (uint32_t k = 0; k < ne; k++) {
    idner_entity e = es[k];
    put_str(b, pool, plen, e.value_offset, e.value_len);
    put_str(b, pool, plen, e.mod_offset, e.mod_len);
    put_str(b, pool, plen, e.end_value_offset, e.end_value_len);
    e.value_offset = e.mod_offset = e.end_value_offset = 0;
    put(b, &e, sizeof e);
  }
}

static uint32_t blob_u32(const buf *b, size_t k) {
  uint32_t x;
  memcpy(&x, b->v + 4 * k, 4);
  return x;
}

/* The single-threaded reference: separate models, one doc, in order. */
static void reference(part *p, size_t *ntok, size_t *nent) {
  char err[256];
  idner_doc *d;
  if (idner_doc_new(&d) != IDNER_OK) die("idner_doc_new failed");
  for (int m = 0; m < NMODELS; m++) {
    idner_model *model;
    if (idner_model_load(NULL, model_flags[m], &model, err, sizeof err) != IDNER_OK) die(err);
    p->expected[m] = xmalloc(p->ndocs * sizeof(buf));
    for (size_t i = 0; i < p->ndocs; i++) {
      buf *b = &p->expected[m][i];
      memset(b, 0, sizeof *b);
      if (run(model, d, &p->docs[i], i) != IDNER_OK) {
        fprintf(stderr, "test_threads: %s (%s model): %s\n", p->docs[i].src, model_names[m],
                idner_doc_error(d));
        exit(1);
      }
      serialize(d, b);
      *ntok += blob_u32(b, 0);
      *nent += blob_u32(b, 1);
    }
    idner_model_free(model);
  }
  idner_doc_free(d);
}

/* Thread id: every document from its own starting point on, alternating
 * the two shared models (each document and model is checked by 4 threads). */
static void *worker(void *arg) {
  worker_arg *w = arg;
  part *p = w->p;
  idner_doc *d;
  buf got = {0};
  int ok = idner_doc_new(&d) == IDNER_OK;
  pthread_barrier_wait(&p->start);
  if (!ok) {
    w->error = 1;
    snprintf(w->msg, sizeof w->msg, "thread %zu: idner_doc_new failed", w->id);
    return NULL;
  }
  for (size_t k = 0; k < p->ndocs; k++) {
    size_t i = (w->id * p->ndocs / THREADS + k) % p->ndocs;
    int m = (int)((i + w->id) % NMODELS);
    const buf *want = &p->expected[m][i];
    if (run(p->models[m], d, &p->docs[i], i) != IDNER_OK) {
      w->error = 1;
      snprintf(w->msg, sizeof w->msg, "thread %zu: %s (%s model): %s", w->id, p->docs[i].src,
               model_names[m], idner_doc_error(d));
      break;
    }
    serialize(d, &got);
    if (got.n != want->n || memcmp(got.v, want->v, got.n) != 0) {
      if (!w->mismatches++)
        snprintf(w->msg, sizeof w->msg,
                 "thread %zu: %s (document %zu, %s model, %s): %u tokens and %u entities, "
                 "the single-threaded run %u and %u, or the same counts with other content",
                 w->id, p->docs[i].src, i, model_names[m], i % 2 ? "tokens" : "text",
                 blob_u32(&got, 0), blob_u32(&got, 1), blob_u32(want, 0), blob_u32(want, 1));
    }
  }
  free(got.v);
  idner_doc_free(d);
  return NULL;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs one part; 0 when every thread's every result matched. */
static int run_part(part *p) {
  size_t bytes = 0, ntok = 0, nent = 0;
  for (size_t i = 0; i < p->ndocs; i++) bytes += p->docs[i].len;
  double t0 = now();
  reference(p, &ntok, &nent);
  double t1 = now();
  /* fresh models: the threads are their first users (first-use JIT) */
  char err[256];
  for (int m = 0; m < NMODELS; m++)
    if (idner_model_load(NULL, model_flags[m], &p->models[m], err, sizeof err) != IDNER_OK)
      die(err);
  if (pthread_barrier_init(&p->start, NULL, THREADS) != 0) die("pthread_barrier_init failed");
  pthread_t th[THREADS];
  worker_arg args[THREADS];
  for (size_t t = 0; t < THREADS; t++) {
    memset(&args[t], 0, sizeof args[t]);
    args[t].p = p;
    args[t].id = t;
    if (pthread_create(&th[t], NULL, worker, &args[t]) != 0) die("pthread_create failed");
  }
  size_t mismatches = 0, errors = 0;
  for (size_t t = 0; t < THREADS; t++) {
    pthread_join(th[t], NULL);
    mismatches += args[t].mismatches;
    errors += (size_t)args[t].error;
    if (args[t].msg[0]) fprintf(stderr, "FAIL %s: %s\n", p->name, args[t].msg);
  }
  double t2 = now();
  pthread_barrier_destroy(&p->start);
  for (int m = 0; m < NMODELS; m++) {
    idner_model_free(p->models[m]);
    for (size_t i = 0; i < p->ndocs; i++) free(p->expected[m][i].v);
    free(p->expected[m]);
  }
  printf("%s: %zu documents (%zu bytes; %zu tokens, %zu entities over both models), "
         "%d threads x %zu analyses on two shared models: %zu mismatches, %zu errors "
         "(reference %.2f s, threads %.2f s)\n",
         p->name, p->ndocs, bytes, ntok, nent, THREADS, p->ndocs, mismatches, errors, t1 - t0,
         t2 - t1);
  if (!nent) {
    fprintf(stderr, "FAIL %s: no entities at all: nothing was compared\n", p->name);
    return 1;
  }
  return mismatches || errors;
}

int main(int argc, char **argv) {
  const char *seed_path = NULL, *shared = NULL;
  size_t max_docs = 0;
  for (int a = 1; a < argc; a++) {
    if (strcmp(argv[a], "--docs") == 0 && a + 1 < argc) max_docs = strtoul(argv[++a], NULL, 10);
    else if (!seed_path) seed_path = argv[a];
    else if (!shared) shared = argv[a];
    else seed_path = NULL, a = argc;
  }
  buf seed = {0};
  if (!seed_path || !read_all(seed_path, &seed) || !seed.n) {
    fprintf(stderr, "usage: test_threads SEED.txt [SHARED_DIR] [--docs N]\n");
    return 1;
  }
  part p = {.name = "seed"};
  p.ndocs = seed_docs(&seed, &p.docs);
  free(seed.v);
  int failed = run_part(&p);
  free_docs(p.docs, p.ndocs);
  if (failed) return 1;

  part c = {.name = "corpora"};
  c.ndocs = shared ? corpus_docs(shared, &c.docs) : 0;
  if (!c.ndocs) {
    free(c.docs);
    printf("SKIP: no CoNLL corpora under %s/corpora: the corpus part did not run "
           "(the seed part passed)\n", shared ? shared : "(no SHARED_DIR given)");
    return SKIP;
  }
  c.ndocs = thin_docs(c.docs, c.ndocs, max_docs);
  failed = run_part(&c);
  free_docs(c.docs, c.ndocs);
  return failed ? 1 : 0;
}
