/* train.c — structured averaged perceptron (Collins 2002) for the sequence
 * model. Sentences are stored as feature hashes + gold labels, features are
 * pruned by count, then each epoch decodes every sentence with Viterbi and
 * moves weights from the predicted to the gold labels. Averaging uses the
 * usual lazy trick: w_avg = w - u / c, where u accumulates c * delta. */
#include "train.h"

#include <stdlib.h>
#include <string.h>

#include "seqfeatures.h"

typedef struct sent {
  size_t tok;  /* first token in t->gold / t->off */
  size_t n;    /* tokens */
  int dev;
} sent;

struct idner__trainer {
  struct { sent *v; size_t n, cap; } sents;
  struct { uint8_t *v; size_t n, cap; } gold;
  struct { uint32_t *v; size_t n, cap; } off;   /* per token: start in feats; +1 sentinel per sentence */
  struct { uint32_t *v; size_t n, cap; } feats; /* hashes, then row ids (UINT32_MAX = pruned) */
  idner__seqmodel *w;                            /* current weights; keys = hashes */
  float *u;                                      /* averaging accumulators */
  float tu[IDNER__NLABELS + 1][IDNER__NLABELS];
  double c;                                      /* update counter */
};

int32_t idner__trainer_new(idner__trainer **out) {
  *out = calloc(1, sizeof **out);
  return *out ? IDNER_OK : IDNER_ERR_NOMEM;
}

void idner__trainer_free(idner__trainer *t) {
  if (!t) return;
  free(t->sents.v);
  free(t->gold.v);
  free(t->off.v);
  free(t->feats.v);
  idner__seqmodel_free(t->w);
  free(t->u);
  free(t);
}

size_t idner__trainer_rows(const idner__trainer *t) { return t->w ? t->w->nrows : 0; }

size_t idner__trainer_sentences(const idner__trainer *t, int dev) {
  size_t k = 0;
  for (size_t i = 0; i < t->sents.n; i++) k += t->sents.v[i].dev == dev;
  return k;
}

int32_t idner__trainer_add(idner__trainer *t, const idner_doc *d, const uint8_t *gold, int dev) {
  size_t n = d->toks.n;
  int32_t rc;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && d->toks.v[j].sentence == d->toks.v[i].sentence) j++;
    if ((rc = IDNER__RESERVE(&t->sents, t->sents.n + 1))) return rc;
    sent *s = &t->sents.v[t->sents.n++];
    s->tok = t->gold.n;
    s->n = j - i;
    s->dev = dev;
    if ((rc = IDNER__RESERVE(&t->gold, t->gold.n + s->n)) ||
        (rc = IDNER__RESERVE(&t->off, t->off.n + s->n + 1)))
      return rc;
    for (size_t k = i; k < j; k++) {
      uint32_t a = d->feat_off.v[k], b = d->feat_off.v[k + 1];
      if ((rc = IDNER__RESERVE(&t->feats, t->feats.n + (b - a)))) return rc;
      t->gold.v[t->gold.n++] = gold[k];
      t->off.v[t->off.n++] = (uint32_t)t->feats.n;
      memcpy(t->feats.v + t->feats.n, d->feats.v + a, (b - a) * sizeof(uint32_t));
      t->feats.n += b - a;
    }
    i = j;
  }
  return IDNER_OK;
}

/* token k's features: off[k] .. off[k+1]; a sentence's last token ends at
 * the next sentence's first offset, or at feats.n */
static uint32_t feat_end(const idner__trainer *t, size_t k) {
  return k + 1 < t->off.n ? t->off.v[k + 1] : (uint32_t)t->feats.n;
}

typedef struct count_slot {
  uint32_t key, count;
} count_slot;

int32_t idner__trainer_finish_features(idner__trainer *t, uint32_t min_count) {
  size_t ns = 1u << 16;
  while (ns < t->feats.n) ns *= 2;
  count_slot *tab = calloc(ns, sizeof *tab);
  if (!tab) return IDNER_ERR_NOMEM;
  /* count over training sentences only */
  for (size_t s = 0; s < t->sents.n; s++) {
    if (t->sents.v[s].dev) continue;
    const sent *x = &t->sents.v[s];
    for (size_t k = x->tok; k < x->tok + x->n; k++)
      for (uint32_t f = t->off.v[k]; f < feat_end(t, k); f++) {
        uint32_t key = t->feats.v[f];
        size_t i = key & (ns - 1);
        while (tab[i].key && tab[i].key != key) i = (i + 1) & (ns - 1);
        tab[i].key = key;
        tab[i].count++;
      }
  }
  uint32_t rows = 0;
  for (size_t i = 0; i < ns; i++) rows += tab[i].count >= min_count;
  int32_t rc = idner__seqmodel_new(rows, &t->w);
  if (!rc && !(t->u = calloc((size_t)(rows ? rows : 1) * IDNER__NLABELS, sizeof *t->u)))
    rc = IDNER_ERR_NOMEM;
  if (rc) { free(tab); return rc; }
  uint32_t r = 0;
  for (size_t i = 0; i < ns; i++)
    if (tab[i].count >= min_count) t->w->keys[r++] = tab[i].key;
  free(tab);
  if ((rc = idner__seqmodel_index(t->w))) return rc;
  /* hashes -> row ids, so epochs need no lookups */
  for (size_t f = 0; f < t->feats.n; f++) t->feats.v[f] = idner__seqmodel_find(t->w, t->feats.v[f]);
  return IDNER_OK;
}

static void scores_of(const idner__trainer *t, const float *w, const sent *x, float *scores) {
  memset(scores, 0, x->n * IDNER__NLABELS * sizeof *scores);
  for (size_t k = 0; k < x->n; k++) {
    float *s = scores + k * IDNER__NLABELS;
    for (uint32_t f = t->off.v[x->tok + k]; f < feat_end(t, x->tok + k); f++) {
      uint32_t row = t->feats.v[f];
      if (row == UINT32_MAX) continue;
      const float *wr = w + (size_t)row * IDNER__NLABELS;
      for (int l = 0; l < IDNER__NLABELS; l++) s[l] += wr[l];
    }
  }
}

static void update(idner__trainer *t, const sent *x, size_t k, uint8_t label, float delta) {
  for (uint32_t f = t->off.v[x->tok + k]; f < feat_end(t, x->tok + k); f++) {
    uint32_t row = t->feats.v[f];
    if (row == UINT32_MAX) continue;
    size_t i = (size_t)row * IDNER__NLABELS + label;
    t->w->w[i] += delta;
    t->u[i] += (float)t->c * delta;
  }
}

static void update_trans(idner__trainer *t, int p, int l, float delta) {
  t->w->trans[p][l] += delta;
  t->tu[p][l] += (float)t->c * delta;
}

typedef struct scratch {
  float *scores;
  uint8_t *back, *pred;
  size_t cap;
} scratch;

static int reserve_scratch(scratch *s, size_t n) {
  if (n <= s->cap) return 1;
  free(s->scores);
  free(s->back);
  free(s->pred);
  s->scores = malloc(n * IDNER__NLABELS * sizeof *s->scores);
  s->back = malloc(n * IDNER__NLABELS);
  s->pred = malloc(n);
  s->cap = n;
  return s->scores && s->back && s->pred;
}

static void free_scratch(scratch *s) {
  free(s->scores);
  free(s->back);
  free(s->pred);
}

static uint64_t next_rand(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

void idner__trainer_epoch(idner__trainer *t, uint64_t seed) {
  size_t n = t->sents.n;
  size_t *order = malloc((n ? n : 1) * sizeof *order);
  scratch s = {0};
  if (!order) return;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!t->sents.v[i].dev) order[m++] = i;
  uint64_t x = seed * 2654435761u + 88172645463325252ull;
  for (size_t i = m; i > 1; i--) {
    size_t j = (size_t)(next_rand(&x) % i);
    size_t tmp = order[i - 1];
    order[i - 1] = order[j];
    order[j] = tmp;
  }
  for (size_t o = 0; o < m; o++) {
    const sent *st = &t->sents.v[order[o]];
    t->c += 1;
    if (!reserve_scratch(&s, st->n)) break;
    scores_of(t, t->w->w, st, s.scores);
    idner__viterbi(&t->w->trans[0][0], s.scores, st->n, s.back, s.pred);
    const uint8_t *g = t->gold.v + st->tok;
    int prevg = 0, prevp = 0;
    for (size_t k = 0; k < st->n; k++) {
      if (g[k] != s.pred[k]) {
        update(t, st, k, g[k], 1.0f);
        update(t, st, k, s.pred[k], -1.0f);
      }
      if (g[k] != s.pred[k] || prevg != prevp) {
        update_trans(t, prevg, g[k], 1.0f);
        update_trans(t, prevp, s.pred[k], -1.0f);
      }
      prevg = g[k] + 1;
      prevp = s.pred[k] + 1;
    }
  }
  free_scratch(&s);
  free(order);
}

int32_t idner__trainer_model(const idner__trainer *t, uint32_t feature_groups,
                             idner__seqmodel **out) {
  idner__seqmodel *m;
  int32_t rc = idner__seqmodel_new(t->w->nrows, &m);
  if (rc) return rc;
  double c = t->c > 0 ? t->c : 1;
  /* drop rows whose averaged weights are all ~0 to keep the file small */
  uint32_t r = 0;
  for (uint32_t k = 0; k < t->w->nrows; k++) {
    float row[IDNER__NLABELS];
    int any = 0;
    for (int l = 0; l < IDNER__NLABELS; l++) {
      size_t i = (size_t)k * IDNER__NLABELS + l;
      row[l] = (float)(t->w->w[i] - t->u[i] / c);
      any |= row[l] > 1e-3f || row[l] < -1e-3f;
    }
    if (!any) continue;
    m->keys[r] = t->w->keys[k];
    memcpy(m->w + (size_t)r * IDNER__NLABELS, row, sizeof row);
    r++;
  }
  m->nrows = r;
  for (int p = 0; p <= IDNER__NLABELS; p++)
    for (int l = 0; l < IDNER__NLABELS; l++)
      m->trans[p][l] = (float)(t->w->trans[p][l] - t->tu[p][l] / c);
  m->feature_groups = feature_groups;
  if ((rc = idner__seqmodel_index(m))) {
    idner__seqmodel_free(m);
    return rc;
  }
  *out = m;
  return IDNER_OK;
}

/* Spans of a BIO label sequence, compared exactly. */
static void count_spans(const uint8_t *g, const uint8_t *p, size_t n, size_t *tp, size_t *ng,
                        size_t *np) {
  for (size_t i = 0; i < n; i++) {
    int gb = g[i] && (g[i] & 1), pb = p[i] && (p[i] & 1);
    *ng += (size_t)gb;
    *np += (size_t)pb;
    if (!gb || !pb || g[i] != p[i]) continue;
    size_t j = i + 1;
    while (j < n && g[j] == g[i] + 1 && p[j] == p[i] + 1) j++;
    int gend = j == n || g[j] != g[i] + 1, pend = j == n || p[j] != p[i] + 1;
    *tp += (size_t)(gend && pend);
  }
}



/* Entity F1 of m on the stored sentences selected by dev (-1: all). m's
 * rows are found by feature hash: by_row maps stored row ids back to
 * hashes (the trainer's own sentences), else the stored values are hashes. */
static double f1_of(const idner__trainer *t, const idner__seqmodel *m, int dev, int by_row) {
  scratch s = {0};
  size_t tp = 0, ng = 0, np = 0;
  for (size_t i = 0; i < t->sents.n; i++) {
    const sent *x = &t->sents.v[i];
    if ((dev >= 0 && x->dev != dev) || !reserve_scratch(&s, x->n)) continue;
    memset(s.scores, 0, x->n * IDNER__NLABELS * sizeof *s.scores);
    for (size_t k = 0; k < x->n; k++)
      for (uint32_t f = t->off.v[x->tok + k]; f < feat_end(t, x->tok + k); f++) {
        uint32_t v = t->feats.v[f];
        if (by_row && v == UINT32_MAX) continue;
        float wr[IDNER__NLABELS];
        if (!idner__seqmodel_row(m, by_row ? t->w->keys[v] : v, wr)) continue;
        for (int l = 0; l < IDNER__NLABELS; l++) s.scores[k * IDNER__NLABELS + l] += wr[l];
      }
    idner__viterbi(&m->trans[0][0], s.scores, x->n, s.back, s.pred);
    count_spans(t->gold.v + x->tok, s.pred, x->n, &tp, &ng, &np);
  }
  free_scratch(&s);
  return ng + np ? 2.0 * (double)tp / (double)(ng + np) : 0.0;
}

double idner__trainer_f1(const idner__trainer *t, const idner__seqmodel *m, int dev) {
  return f1_of(t, m, dev, 1);
}

double idner__trainer_f1_with(const idner__trainer *t, const idner__seqmodel *m) {
  return f1_of(t, m, -1, 0);
}
