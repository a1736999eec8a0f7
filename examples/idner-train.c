/* idner-train — trains idner's sequence model (a structured averaged
 * perceptron over BIO labels) on CoNLL corpora and writes model.bin.
 * Deterministic for a given seed. See docs/training.md.
 *
 * Links the static library and its internal headers (lib/): training is a
 * tool, not part of the public API. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc.h"
#include "fold.h"
#include "idner.h"
#include "seqfeatures.h"
#include "train.h"

/* ---- CoNLL files ----------------------------------------------------------- */

typedef struct corpus {
  char *buf;          /* whole file, modified in place */
  const char **tok;   /* token i */
  size_t *len;
  uint8_t *label;     /* gold label (IDNER__NLABELS space) */
  uint8_t *start;     /* 1 where a sentence starts */
  size_t n, cap;
} corpus;

static void corpus_free(corpus *c) {
  free(c->buf);
  free(c->tok);
  free(c->len);
  free(c->label);
  free(c->start);
  memset(c, 0, sizeof *c);
}

static int push(corpus *c, const char *t, size_t l, uint8_t lab, uint8_t st) {
  if (c->n == c->cap) {
    size_t nc = c->cap ? c->cap * 2 : 1024;
    const char **a = realloc(c->tok, nc * sizeof *a);
    if (a) c->tok = a;
    size_t *b = realloc(c->len, nc * sizeof *b);
    if (b) c->len = b;
    uint8_t *d = realloc(c->label, nc);
    if (d) c->label = d;
    uint8_t *e = realloc(c->start, nc);
    if (e) c->start = e;
    if (!a || !b || !d || !e) return 0;
    c->cap = nc;
  }
  c->tok[c->n] = t;
  c->len[c->n] = l;
  c->label[c->n] = lab;
  c->start[c->n] = st;
  c->n++;
  return 1;
}

/* Gold label of "B-PER" etc.: PER, ORG, LOC (and NAT, PERSON, LOCATION,
 * ORGANIZATION) are learned; every other type is O. */
static uint8_t map_label(const char *s, size_t n, int *prev_type) {
  if (n < 3 || (s[0] != 'B' && s[0] != 'I') || s[1] != '-') { *prev_type = 0; return 0; }
  const char *t = s + 2;
  size_t tl = n - 2;
  uint32_t type = IDNER_TYPE_NONE;
#define IS(x) (tl == sizeof(x) - 1 && memcmp(t, x, tl) == 0)
  if (IS("PER") || IS("PERSON")) type = IDNER_TYPE_PER;
  else if (IS("ORG") || IS("ORGANIZATION")) type = IDNER_TYPE_ORG;
  else if (IS("LOC") || IS("LOCATION") || IS("NAT")) type = IDNER_TYPE_LOC;
#undef IS
  int inside = s[0] == 'I' && *prev_type == (int)type;
  *prev_type = (int)type;
  return type ? idner__label_of(type, inside) : 0;
}

static int read_corpus(const char *path, corpus *c) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "idner-train: cannot open %s\n", path); return 0; }
  size_t cap = 1 << 20, n = 0, got;
  char *buf = malloc(cap + 1);
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) { char *nb = realloc(buf, (cap *= 2) + 1); if (!nb) { free(buf); buf = NULL; } else buf = nb; }
  }
  fclose(f);
  if (!buf) return 0;
  buf[n] = '\0';
  c->buf = buf;
  int new_sent = 1, prev_type = 0;
  unsigned long lineno = 0;
  for (char *line = buf; line < buf + n;) {
    char *nl = memchr(line, '\n', (size_t)(buf + n - line));
    char *end = nl ? nl : buf + n;
    lineno++;
    if (end > line && end[-1] == '\r') end--;
    *end = '\0';
    if (line == end || strncmp(line, "-DOCSTART-", 10) == 0) {
      new_sent = 1;
      prev_type = 0;
    } else {
      char *tab = strchr(line, '\t'), *last = strrchr(line, '\t');
      if (!tab) { fprintf(stderr, "idner-train: %s:%lu: no TAB\n", path, lineno); return 0; }
      uint8_t lab = map_label(last + 1, (size_t)(end - last - 1), &prev_type);
      if (tab == line) { fprintf(stderr, "idner-train: %s:%lu: empty token\n", path, lineno); return 0; }
      if (!push(c, line, (size_t)(tab - line), lab, (uint8_t)new_sent)) return 0;
      new_sent = 0;
    }
    line = (nl ? nl : buf + n) + 1;
  }
  return 1;
}

/* ---- test-sentence exclusion ------------------------------------------------- */

typedef struct hashset {
  uint64_t *v;
  size_t cap, n;
} hashset;

/* A sentence's identity for exclusion: its bytes without any whitespace,
 * ASCII-lower-cased, so the same sentence tokenized differently by another
 * corpus ("( 24/8 )" vs "(24/8)") still matches. */
static uint64_t sentence_hash(const corpus *c, size_t i, size_t j) {
  uint64_t h = 1469598103934665603ull;
  for (size_t k = i; k < j; k++) {
    for (size_t b = 0; b < c->len[k]; b++) {
      unsigned char ch = (unsigned char)c->tok[k][b];
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') continue;
      if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch - 'A' + 'a');
      h = (h ^ ch) * 1099511628211ull;
    }
  }
  return h | 1;
}

static int set_add(hashset *s, uint64_t h) {
  if ((s->n + 1) * 2 > s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 4096;
    uint64_t *nv = calloc(nc, sizeof *nv);
    if (!nv) return 0;
    for (size_t i = 0; i < s->cap; i++)
      if (s->v[i]) {
        size_t k = s->v[i] & (nc - 1);
        while (nv[k]) k = (k + 1) & (nc - 1);
        nv[k] = s->v[i];
      }
    free(s->v);
    s->v = nv;
    s->cap = nc;
  }
  size_t k = h & (s->cap - 1);
  while (s->v[k] && s->v[k] != h) k = (k + 1) & (s->cap - 1);
  if (!s->v[k]) { s->v[k] = h; s->n++; }
  return 1;
}

static int set_has(const hashset *s, uint64_t h) {
  if (!s->cap) return 0;
  size_t k = h & (s->cap - 1);
  while (s->v[k]) {
    if (s->v[k] == h) return 1;
    k = (k + 1) & (s->cap - 1);
  }
  return 0;
}

static size_t sentence_end(const corpus *c, size_t i) {
  size_t j = i + 1;
  while (j < c->n && !c->start[j]) j++;
  return j;
}

/* Drops (in place) every sentence whose text occurs in the exclusion set. */
static size_t drop_excluded(corpus *c, const hashset *ex) {
  size_t w = 0, dropped = 0;
  for (size_t i = 0; i < c->n;) {
    size_t j = sentence_end(c, i);
    if (set_has(ex, sentence_hash(c, i, j))) {
      dropped++;
    } else {
      for (size_t k = i; k < j; k++, w++) {
        c->tok[w] = c->tok[k];
        c->len[w] = c->len[k];
        c->label[w] = c->label[k];
        c->start[w] = c->start[k];
      }
    }
    i = j;
  }
  c->n = w;
  return dropped;
}

/* ---- main ---------------------------------------------------------------------- */

#define MAX_FILES 64

typedef struct args {
  const char *train[MAX_FILES], *dev[MAX_FILES], *exclude[MAX_FILES];
  const char *test[MAX_FILES];  /* reported only: never used to choose anything */
  const char *unlabeled[MAX_FILES]; /* extra text for word classes (labels ignored) */
  int nunlabeled;
  uint32_t test_profile[MAX_FILES];
  int ntest;
  uint32_t train_profile[MAX_FILES], dev_profile[MAX_FILES]; /* 0 = none */
  char profiles[IDNER__MAX_PROFILES][32];
  uint32_t nprofiles, current_profile;
  int ntrain, ndev, nexclude;
  const char *out, *data;
  int epochs;
  unsigned long seed;
  unsigned min_count;
  uint32_t groups;
  int doc_per_sentence;
  int profile_only;  /* --profile-only: profiled data is not also trained without it */
} args;

static void usage(FILE *f) {
  fprintf(f,
          "Usage: idner-train --train FILE [--train FILE...] [--dev FILE...] [--exclude FILE...]\n"
          "                   [--epochs N] [--seed N] [--min-count N] [--no-gazetteer-features]\n"
          "                   [--no-document-features] [--doc file|sentence] [--data DIR]\n"
          "                   [--no-word-classes] [--unlabeled FILE...]\n"
          "                   [--profile NAME|none] [--test FILE...] -o MODEL.bin\n"
          "Trains the sequence model on CoNLL files (token TAB ... TAB label, BIO). PER, ORG and\n"
          "LOC (NAT counts as LOC) are learned; other labels are O. Sentences that occur in an\n"
          "--exclude file (ignoring case and whitespace) are removed from training and dev data.\n"
          "With --dev, "
          "the epoch with the best dev F1 is kept (early stopping); without it, the last one.\n"
          "--profile NAME applies to the --train/--dev files after it: their features are also\n"
          "learned conjoined with the profile, so the model keeps shared weights (the default\n"
          "profile) plus per-corpus corrections that idner_options.profile selects.\n"
          "--test FILE reports the final model's F1 on FILE with the model alone (no rules, no\n"
          "gazetteer overrides): for baselines. It never influences training.\n"
          "Word context classes are induced from the training, dev and --unlabeled text.\n");
}

static int parse_args(int argc, char **argv, args *a) {
  memset(a, 0, sizeof *a);
  a->epochs = 12;
  a->seed = 1;
  a->min_count = 2;
  a->groups = IDNER__FEAT_ALL;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(list, n)                                    \
  do {                                                   \
    if (!v || (n) >= MAX_FILES) return 0;                \
    list[(n)++] = v;                                     \
    i++;                                                 \
  } while (0)
    if (!strcmp(o, "--train")) {
      a->train_profile[a->ntrain < MAX_FILES ? a->ntrain : 0] = a->current_profile;
      TAKE(a->train, a->ntrain);
    } else if (!strcmp(o, "--dev")) {
      a->dev_profile[a->ndev < MAX_FILES ? a->ndev : 0] = a->current_profile;
      TAKE(a->dev, a->ndev);
    } else if (!strcmp(o, "--unlabeled")) {
      TAKE(a->unlabeled, a->nunlabeled);
    } else if (!strcmp(o, "--test")) {
      a->test_profile[a->ntest < MAX_FILES ? a->ntest : 0] = a->current_profile;
      TAKE(a->test, a->ntest);
    } else if (!strcmp(o, "--profile") && v) {
      i++;
      if (!strcmp(v, "none")) { a->current_profile = 0; continue; }
      uint32_t k = 0;
      while (k < a->nprofiles && strcmp(a->profiles[k], v)) k++;
      if (k == a->nprofiles) {
        if (k == IDNER__MAX_PROFILES || strlen(v) == 0 || strlen(v) > 31 || !strcmp(v, "default")) return 0;
        strcpy(a->profiles[a->nprofiles++], v);
      }
      a->current_profile = k + 1;
    }
    else if (!strcmp(o, "--exclude")) TAKE(a->exclude, a->nexclude);
    else if (!strcmp(o, "-o") && v) a->out = argv[++i];
    else if (!strcmp(o, "--data") && v) a->data = argv[++i];
    else if (!strcmp(o, "--epochs") && v) a->epochs = atoi(argv[++i]);
    else if (!strcmp(o, "--seed") && v) a->seed = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(o, "--min-count") && v) a->min_count = (unsigned)atoi(argv[++i]);
    else if (!strcmp(o, "--no-gazetteer-features")) a->groups &= ~IDNER__FEAT_GAZETTEER;
    else if (!strcmp(o, "--no-document-features")) a->groups &= ~IDNER__FEAT_DOCUMENT;
    else if (!strcmp(o, "--no-word-classes")) a->groups &= ~IDNER__FEAT_CLASSES;
    else if (!strcmp(o, "--profile-only")) a->profile_only = 1;
    else if (!strcmp(o, "--doc") && v) a->doc_per_sentence = !strcmp(argv[++i], "sentence");
    else if (!strcmp(o, "--help")) { usage(stdout); exit(0); }
    else return 0;
#undef TAKE
  }
  return a->ntrain > 0 && a->out && a->epochs > 0;
}

/* Featurizes a corpus (as one document, or one per sentence) into t. */
static const idner__seqmodel *g_classes; /* word classes for featurizing */

static int add_corpus(const idner_model *m, idner_doc *d, idner__trainer *t, const corpus *c,
                      uint32_t groups, uint32_t profile, int per_sentence, int dev) {
  for (size_t i = 0; i < c->n;) {
    size_t j = per_sentence ? sentence_end(c, i) : c->n;
    int32_t rc = idner__featurize_tokens(m, d, c->tok + i, c->len + i, j - i, c->start + i,
                                         groups, profile, g_classes);
    if (!rc) rc = idner__trainer_add(t, d, c->label + i, dev);
    if (rc) { fprintf(stderr, "idner-train: %s\n", idner_strerror(rc)); return 0; }
    i = j;
  }
  return 1;
}

/* ---- word context classes ------------------------------------------------------ */

#define NCTX 254 /* context words: ids 1..254; 0 = other word, 255 = boundary */

typedef struct wslot {
  uint32_t key, freq, id;
} wslot;

typedef struct vocab {
  wslot *v;
  size_t cap, n;
} vocab;

static wslot *vocab_get(vocab *v, uint32_t key) {
  if ((v->n + 1) * 2 > v->cap) {
    size_t nc = v->cap ? v->cap * 2 : 1 << 16;
    wslot *nv = calloc(nc, sizeof *nv);
    if (!nv) return NULL;
    for (size_t i = 0; i < v->cap; i++)
      if (v->v[i].key) {
        size_t k = v->v[i].key & (nc - 1);
        while (nv[k].key) k = (k + 1) & (nc - 1);
        nv[k] = v->v[i];
      }
    free(v->v);
    v->v = nv;
    v->cap = nc;
  }
  size_t k = key & (v->cap - 1);
  while (v->v[k].key && v->v[k].key != key) k = (k + 1) & (v->cap - 1);
  if (!v->v[k].key) { v->v[k].key = key; v->n++; }
  return &v->v[k];
}

static uint32_t token_key(const char *s, size_t len, idner__bytes *scratch) {
  scratch->n = 0;
  if (idner__fold_append(s, len, scratch)) return 1;
  return idner__wc_key(idner__fnv(scratch->v ? scratch->v : "", scratch->n));
}

static int cmp_freq(const void *a, const void *b) {
  const wslot *x = *(wslot *const *)a, *y = *(wslot *const *)b;
  if (x->freq != y->freq) return x->freq > y->freq ? -1 : 1;
  return x->key < y->key ? -1 : x->key > y->key;
}

/* Induces word context classes from the corpora's text: the most frequent
 * words are the contexts; every word seen at least min_freq times gets its
 * most frequent left and right context. Deterministic (ties: lower id). */
static idner__seqmodel *induce_classes(corpus *const *cs, size_t nc, uint32_t min_freq) {
  vocab v = {0};
  idner__bytes scratch = {0};
  uint32_t **keys = calloc(nc, sizeof *keys);
  for (size_t c = 0; c < nc; c++) {
    keys[c] = malloc((cs[c]->n + 1) * sizeof **keys);
    for (size_t i = 0; i < cs[c]->n; i++) {
      keys[c][i] = token_key(cs[c]->tok[i], cs[c]->len[i], &scratch);
      wslot *w = vocab_get(&v, keys[c][i]);
      if (!w) return NULL;
      w->freq++;
    }
  }
  wslot **order = malloc(v.n * sizeof *order);
  size_t m = 0, words = 0;
  for (size_t i = 0; i < v.cap; i++)
    if (v.v[i].key) order[m++] = &v.v[i];
  qsort(order, m, sizeof *order, cmp_freq);
  for (size_t i = 0; i < m; i++) {
    order[i]->id = i < NCTX ? (uint32_t)(i + 1) : 0;
    if (order[i]->freq >= min_freq) order[i]->id |= (uint32_t)(++words) << 8;
  }
  /* counts[word][ctx] for left and right */
  uint32_t *left = calloc(words * 256 + 1, sizeof *left), *right = calloc(words * 256 + 1, sizeof *right);
  for (size_t c = 0; c < nc; c++) {
    const corpus *k = cs[c];
    for (size_t i = 0; i < k->n; i++) {
      uint32_t wid = vocab_get(&v, keys[c][i])->id >> 8;
      if (!wid) continue;
      int first = k->start[i], last = i + 1 == k->n || k->start[i + 1];
      uint32_t l = first ? 255 : vocab_get(&v, keys[c][i - 1])->id & 0xFF;
      uint32_t r = last ? 255 : vocab_get(&v, keys[c][i + 1])->id & 0xFF;
      left[(size_t)(wid - 1) * 256 + l]++;
      right[(size_t)(wid - 1) * 256 + r]++;
    }
  }
  uint32_t *ck = malloc((words + 1) * sizeof *ck);
  uint8_t *cl = malloc(words + 1), *cr = malloc(words + 1);
  for (size_t i = 0; i < m; i++) {
    uint32_t wid = order[i]->id >> 8;
    if (!wid) continue;
    const uint32_t *L = left + (size_t)(wid - 1) * 256, *R = right + (size_t)(wid - 1) * 256;
    uint32_t bl = 0, br = 0;
    for (uint32_t x = 1; x < 256; x++) {
      if (L[x] > L[bl]) bl = x;
      if (R[x] > R[br]) br = x;
    }
    ck[wid - 1] = order[i]->key;
    cl[wid - 1] = (uint8_t)bl;
    cr[wid - 1] = (uint8_t)br;
  }
  idner__seqmodel *out = NULL;
  if (idner__seqmodel_new(0, &out) || idner__seqmodel_set_classes(out, (uint32_t)words, ck, cl, cr))
    out = NULL;
  for (size_t c = 0; c < nc; c++) free(keys[c]);
  free(keys), free(order), free(left), free(right), free(ck), free(cl), free(cr);
  free(v.v), free(scratch.v);
  return out;
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  args a;
  if (!parse_args(argc, argv, &a)) { usage(stderr); return 2; }
  double t0 = seconds();
  char err[512];
  idner_model *model = NULL;
  idner_doc *doc = NULL;
  idner__trainer *tr = NULL;
  if (idner_model_load(a.data, IDNER_LOAD_NO_MODEL, &model, err, sizeof err) != IDNER_OK) {
    fprintf(stderr, "idner-train: %s\n", err);
    return 1;
  }
  if (idner_doc_new(&doc) || idner__trainer_new(&tr)) return 1;
  hashset ex = {0};
  for (int k = 0; k < a.nexclude; k++) {
    corpus c = {0};
    if (!read_corpus(a.exclude[k], &c)) return 1;
    for (size_t i = 0; i < c.n;) {
      size_t j = sentence_end(&c, i);
      if (!set_add(&ex, sentence_hash(&c, i, j))) return 1;
      i = j;
    }
    corpus_free(&c);
  }
  /* All text first: word classes come from it before anything is featurized. */
  corpus *all[3 * MAX_FILES];
  size_t nall = 0;
  for (int pass = 0; pass < 3; pass++) {
    int n = pass == 0 ? a.ntrain : pass == 1 ? a.ndev : a.nunlabeled;
    const char *const *files = pass == 0 ? a.train : pass == 1 ? a.dev : a.unlabeled;
    for (int k = 0; k < n; k++) {
      corpus *c = calloc(1, sizeof *c);
      if (!c || !read_corpus(files[k], c)) return 1;
      size_t dropped = drop_excluded(c, &ex);
      if (pass == 2)
        fprintf(stderr, "text  %s: %zu tokens (%zu test sentences excluded)\n", files[k], c->n, dropped);
      else
        fprintf(stderr, "%s %s [%s]: %zu tokens (%zu sentences excluded as test sentences)\n",
                pass ? "dev  " : "train", files[k],
                (pass ? a.dev_profile[k] : a.train_profile[k])
                    ? a.profiles[(pass ? a.dev_profile[k] : a.train_profile[k]) - 1] : "default",
                c->n, dropped);
      all[nall++] = c;
    }
  }
  idner__seqmodel *classes = NULL;
  if (a.groups & IDNER__FEAT_CLASSES) {
    classes = induce_classes(all, nall, 3);
    if (!classes) { fprintf(stderr, "idner-train: out of memory\n"); return 1; }
    g_classes = classes;
    fprintf(stderr, "word classes: %u words, %.1fs\n", classes->nclasses, seconds() - t0);
  }
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? a.ndev : a.ntrain;
    for (int k = 0; k < n; k++) {
      corpus c = *all[pass ? a.ntrain + k : k];
      uint32_t prof = pass ? a.dev_profile[k] : a.train_profile[k];
      if (!add_corpus(model, doc, tr, &c, a.groups, prof, a.doc_per_sentence, pass)) return 1;
      /* Profiled training data is also seen without its profile, so the
       * shared weights alone (the default profile) make a complete model. */
      if (prof && !pass && !a.profile_only &&
          !add_corpus(model, doc, tr, &c, a.groups, 0, a.doc_per_sentence, 0))
        return 1;
    }
  }
  for (size_t k = 0; k < nall; k++) {
    corpus_free(all[k]);
    free(all[k]);
  }
  if (idner__trainer_finish_features(tr, a.min_count) != IDNER_OK) return 1;
  fprintf(stderr, "%zu training sentences, %zu dev sentences, %zu features (min count %u), %.1fs\n",
          idner__trainer_sentences(tr, 0), idner__trainer_sentences(tr, 1),
          idner__trainer_rows(tr), a.min_count, seconds() - t0);
  idner__seqmodel *best = NULL;
  double best_f1 = -1;
  int best_epoch = 0;
  for (int e = 1; e <= a.epochs; e++) {
    idner__trainer_epoch(tr, (uint64_t)a.seed * 1000003u + (uint64_t)e);
    idner__seqmodel *m = NULL;
    if (idner__trainer_model(tr, a.groups, &m) != IDNER_OK) return 1;
    m->nprofiles = a.nprofiles;
    memcpy(m->profiles, a.profiles, sizeof a.profiles);
    if (classes && idner__seqmodel_set_classes(m, classes->nclasses, classes->wc_keys,
                                               classes->wc_left, classes->wc_right))
      return 1;
    double f1 = a.ndev ? idner__trainer_f1(tr, m, 1) : 0;
    fprintf(stderr, "epoch %2d: dev F1 %.4f (model alone), %.1fs\n", e, f1, seconds() - t0);
    if (!a.ndev || f1 > best_f1) {
      idner__seqmodel_free(best);
      best = m;
      best_f1 = f1;
      best_epoch = e;
    } else {
      idner__seqmodel_free(m);
    }
  }
  FILE *f = fopen(a.out, "wb");
  if (!f || idner__seqmodel_write(best, f) != IDNER_OK || fclose(f) != 0) {
    fprintf(stderr, "idner-train: cannot write %s\n", a.out);
    return 1;
  }
  fprintf(stderr, "wrote %s: epoch %d, %u weight rows, dev F1 %.4f, %.1fs\n", a.out, best_epoch,
          best->nrows, best_f1, seconds() - t0);
  for (int k = 0; k < a.ntest; k++) {
    idner__trainer *tt = NULL;
    corpus c = {0};
    if (idner__trainer_new(&tt) || !read_corpus(a.test[k], &c) ||
        !add_corpus(model, doc, tt, &c, a.groups, a.test_profile[k], a.doc_per_sentence, 1))
      return 1;
    printf("test %s: F1 %.4f (model alone, PER/ORG/LOC, NAT as LOC)\n", a.test[k],
           idner__trainer_f1_with(tt, best));
    corpus_free(&c);
    idner__trainer_free(tt);
  }
  idner__seqmodel_free(best);
  idner__seqmodel_free(classes);
  idner__trainer_free(tr);
  free(ex.v);
  idner_doc_free(doc);
  idner_model_free(model);
  return 0;
}
