/* decode.c — the decoder: picks the flat, non-overlapping set of candidate
 * spans with the largest total weight (exact dynamic programming over token
 * positions), then writes the public entity records. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* Candidates sorted by start, longer first, then heavier: the DP visits a
 * start's candidates in this order and keeps the first of equal scores, so
 * ties go to the longer span. */
static int cmp_cand(const void *a, const void *b) {
  const idner__cand *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
  return x->type < y->type ? -1 : x->type > y->type;
}

/* Puts v[b..e) in cmp_cand order, stably: an insertion sort, as one start
 * has only a few candidates. */
static void sort_run(idner__cand *v, size_t b, size_t e) {
  for (size_t k = b + 1; k < e; k++) {
    idner__cand x = v[k];
    size_t j = k;
    for (; j > b && cmp_cand(&v[j - 1], &x) > 0; j--) v[j] = v[j - 1];
    v[j] = x;
  }
}

/* cmp_cand of two candidates with the same start. */
static int cmp_same_start(const idner__cand *x, const idner__cand *y) {
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  if (x->weight != y->weight) return x->weight > y->weight ? -1 : 1;
  return x->type < y->type ? -1 : x->type > y->type;
}

/* sort_run of one start's run (the DP's), which is most often in order
 * already (the second decode's old candidates are): a candidate in order
 * is not copied out and back. */
static void sort_start_run(idner__cand *v, size_t b, size_t e) {
  for (size_t k = b + 1; k < e; k++) {
    if (cmp_same_start(&v[k - 1], &v[k]) <= 0) continue;
    idner__cand x = v[k];
    size_t j = k;
    for (; j > b && cmp_same_start(&v[j - 1], &x) > 0; j--) v[j] = v[j - 1];
    v[j] = x;
  }
}

/* v[k] += v[k - 1] for k = 1 .. n - 1: the running total. Four at a time
 * with SSE2 (the array has an entry per token: this is most of the
 * grouping's work). */
static void prefix_sum(uint32_t *v, size_t n) {
  size_t k = 1;
#if defined(__SSE2__) && defined(__GNUC__)
  __m128i carry = _mm_set1_epi32((int)v[0]);
  for (; k + 4 <= n; k += 4) {
    __m128i x = _mm_loadu_si128((const __m128i *)(v + k));
    x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
    x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
    x = _mm_add_epi32(x, carry);
    _mm_storeu_si128((__m128i *)(v + k), x);
    carry = _mm_shuffle_epi32(x, 0xFF);
  }
#endif
  for (; k < n; k++) v[k] += v[k - 1];
}

/* Groups d->cands by start, stably, with a counting sort: the rules add
 * candidates in token order, a few per start, so this and an insertion
 * sort of each start's run (sort_run, done by the DP as it visits the
 * start) give the order of a stable sort by cmp_cand (as glibc's qsort, a
 * merge sort, did) for less than a general sort. The grouped copy goes to
 * d->chosen's buffer (rebuilt after the DP anyway), and the two vectors
 * swap. Leaves start s's run at d->cand_end[s .. s + 1) (n + 2 entries;
 * starts past the last token share slot n). */
static int32_t group_cands(idner_doc *d) {
  size_t n = d->toks.n, nc = d->cands.n;
  int32_t rc;
  if ((rc = IDNER__RESERVE(&d->chosen, nc)) || (rc = IDNER__RESERVE(&d->cand_end, n + 3)))
    return rc;
  uint32_t *at = d->cand_end.v; /* first where start s goes (at[s + 1]), then its run */
  memset(at, 0, (n + 3) * sizeof *at);
  const idner__cand *c = d->cands.v;
  for (size_t k = 0; k < nc; k++) at[(c[k].start < n ? c[k].start : n) + 2]++;
  prefix_sum(at + 1, n + 2);
  idner__cand *out = d->chosen.v;
  for (size_t k = 0; k < nc; k++) out[at[(c[k].start < n ? c[k].start : n) + 1]++] = c[k];
  sort_run(out, at[n], at[n + 1]); /* the DP never visits slot n */
  idner__candvec grouped = d->chosen;
  grouped.n = nc;
  d->chosen = d->cands;
  d->chosen.n = 0;
  d->cands = grouped;
  return IDNER_OK;
}

/* The DP works on candidate runs, not on token positions: the best score
 * from position p on is the one from the first start at or after p, whose
 * run begins at d->cand_end[p] (group_cands), so it is kept once per run,
 * at the run's first index. A position-indexed table had to be filled in
 * between starts, and the fill's trip count (the gap, ~10 tokens on
 * average, at random) mispredicted its exit. */
int32_t idner__decode(idner_doc *d) {
  size_t n = d->toks.n;
  int32_t rc;
  if ((rc = group_cands(d))) return rc;
  const uint32_t *run = d->cand_end.v;
  size_t m = run[n]; /* candidates with a start below n: the DP's */
  if ((rc = IDNER__RESERVE(&d->dp, m + 1)) || (rc = IDNER__RESERVE(&d->dp_pick, m + 1)))
    return rc;
  /* best[b]: the best score from run b's start on; pick[b] >= 0: the
   * candidate chosen there, else ~ the first run after it that has one
   * (m if none), so the walk below skips those between (m < 2^31: ~m
   * fits) */
  double *best = d->dp.v;
  int32_t *pick = d->dp_pick.v;
  double bnext = 0;
  int32_t pnext = ~(int32_t)m;
  best[m] = 0;
  pick[m] = pnext;
  /* the runs of starts below n, last first */
  for (size_t e = m; e > 0;) {
    size_t i = d->cands.v[e - 1].start, b = run[i];
    double bi = bnext;
    int32_t pi = -1;
    if (e - b > 1) sort_start_run(d->cands.v, b, e);
    for (size_t k = b; k < e; k++) {
      const idner__cand *x = &d->cands.v[k];
      if (x->end > n || x->end <= x->start) continue;
      double s = x->weight * (double)(x->end - x->start) + best[run[x->end]];
      if (s > bi + 1e-9) {
        bi = s;
        pi = (int32_t)k;
      }
    }
    best[b] = bnext = bi;
    pick[b] = pi >= 0 ? pi : pnext;
    pnext = pi >= 0 ? ~(int32_t)b : pnext;
    e = b;
  }
  /* every start's run is in order now: d->cands is sorted by cmp_cand */
  /* at most one chosen per start with candidates: room for all is enough */
  d->chosen.n = 0;
  if ((rc = IDNER__RESERVE(&d->chosen, d->cands.n))) return rc;
  idner__cand *out = d->chosen.v;
  size_t nout = 0;
  for (size_t p = 0;;) {
    int32_t k = pick[run[p]];
    if (k < 0) k = pick[~k]; /* the next run with a choice (pick[m] < 0: none) */
    if (k < 0) break;
    out[nout++] = d->cands.v[k];
    p = d->cands.v[k].end;
  }
  d->chosen.n = nout;
  return IDNER_OK;
}

/* A candidate's canonical value, NULL if none or "". */
static const char *cand_value(const char *pool, const idner__cand *c) {
  const char *v = pool + c->value_off;
  return v[0] ? v : NULL;
}

/* Evidence of every candidate with the same span and type, and the first
 * value any of them has (c's own first). Candidates are sorted by start,
 * and the last decode left each start's run in d->cand_end, so this is
 * local. */
static const char *merge_same_span(const idner_doc *d, const char *pool,
                                   idner__cand *c) {
  const uint32_t *run = d->cand_end.v;
  const char *value = cand_value(pool, c);
  for (size_t k = run[c->start]; k < run[c->start + 1]; k++) {
    const idner__cand *x = &d->cands.v[k];
    if (x->end != c->end || x->type != c->type) continue;
    c->evidence |= x->evidence;
    const char *xv = cand_value(pool, x); /* NULL for none: no branch on it */
    value = value ? value : xv;
  }
  return value;
}

static int32_t put_string(idner_doc *d, const char *s, uint32_t *off, uint32_t *len) {
  size_t l = s ? strlen(s) : 0;
  *off = 0;
  *len = 0;
  if (!l) return IDNER_OK;
  *off = (uint32_t)d->strings.n;
  *len = (uint32_t)l;
  return idner__bytes_append(&d->strings, s, l + 1); /* with its NUL */
}

static int32_t emit_one(idner_doc *d, const char *pool, idner__cand *c) {
  const char *value = merge_same_span(d, pool, c);
  int32_t rc; /* idner__emit_entities reserved the room */
  idner_entity *e = &d->ents.v[d->ents.n];
  memset(e, 0, sizeof *e);
  const idner_token *a = &d->toks.v[c->start], *b = &d->toks.v[c->end - 1];
  e->type = c->type;
  e->byte_start = a->byte_start;
  e->byte_end = b->byte_end;
  e->char_start = a->char_start;
  e->char_end = b->char_end;
  e->token_start = c->start;
  e->token_end = c->end;
  e->evidence = c->evidence;
  if (c->date_hit >= 0) {
    const idner__date_hit *h = &d->dates.v[c->date_hit];
    if ((rc = put_string(d, h->value, &e->value_offset, &e->value_len)) ||
        (rc = put_string(d, h->mod, &e->mod_offset, &e->mod_len)) ||
        (rc = put_string(d, h->end_value, &e->end_value_offset, &e->end_value_len)))
      return rc;
    e->tz_offset_minutes = h->tz_offset_minutes;
    e->has_tz = h->has_tz;
  } else if ((rc = put_string(d, value, &e->value_offset, &e->value_len))) {
    return rc;
  }
  d->ents.n++;
  return IDNER_OK;
}

int32_t idner__emit_entities(const idner_model *m, idner_doc *d, uint32_t types) {
  d->ents.n = 0;
  d->strings.n = 0;
  /* offset 0 is always an empty string */
  int32_t rc = idner__bytes_append(&d->strings, "\0", 1);
  if (!rc) rc = IDNER__RESERVE(&d->ents, d->chosen.n); /* one entity at most per chosen */
  /* The value strings are read at random in the gazetteer's pool: all
   * are asked for before the first is needed, so that the misses overlap
   * (offset 0, no value, is the pool's first byte). */
  const char *pool = idner__gz_string(m->gz, 0);
  for (size_t k = 0; k < d->chosen.n; k++) __builtin_prefetch(pool + d->chosen.v[k].value_off);
  for (size_t k = 0; !rc && k < d->chosen.n; k++) {
    idner__cand *c = &d->chosen.v[k];
    if (c->type == IDNER_TYPE_NONE || c->type >= 32 || !(types & IDNER_TYPE_BIT(c->type)))
      continue;
    rc = emit_one(d, pool, c);
  }
  return rc;
}
