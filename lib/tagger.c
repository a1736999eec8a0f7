/* tagger.c — the sequence model at run time: its weight index (lookup by
 * feature hash is inline in tagger.h), BIO-constrained Viterbi over the
 * emission scores (seqfeatures.c sums them), and the model file format:
 *
 *   "IDNERSEQ" | u32 format (1) | u32 feature set | u32 feature groups |
 *   u32 labels (7) | u32 rows | f32 scale | u32 profiles | profiles x
 *   (u8 length, name bytes) | u32 classes | classes x (u32 key, u8 left,
 *   u8 right) | i16 trans[(labels+1) x labels] |
 *   rows x (u32 feature hash, i16 weights[labels]) | u32 FNV-1a of all before
 *
 * All integers little-endian; weight = i16 * scale. */
#include "tagger.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(IDNER_NO_SIMD)
#include <emmintrin.h>
#endif

#include "image.h"
#include "seqfeatures.h"

#define MAGIC "IDNERSEQ"
#define FILE_FORMAT 1u

const uint32_t idner__label_type[IDNER__NTYPES] = {IDNER_TYPE_PER, IDNER_TYPE_ORG, IDNER_TYPE_LOC};

uint8_t idner__label_of(uint32_t type, int inside) {
  for (uint32_t k = 0; k < IDNER__NTYPES; k++)
    if (idner__label_type[k] == type) return (uint8_t)(1 + 2 * k + (inside ? 1 : 0));
  return 0;
}

int32_t idner__seqmodel_new(uint32_t nrows, idner__seqmodel **out) {
  idner__seqmodel *m = calloc(1, sizeof *m);
  if (!m) return IDNER_ERR_NOMEM;
  m->nrows = nrows;
  m->keys = calloc(nrows ? nrows : 1, sizeof *m->keys);
  m->w = calloc((size_t)(nrows ? nrows : 1) * IDNER__NLABELS, sizeof *m->w);
  if (!m->keys || !m->w) {
    idner__seqmodel_free(m);
    return IDNER_ERR_NOMEM;
  }
  m->feature_groups = IDNER__FEAT_ALL;
  *out = m;
  return IDNER_OK;
}

void idner__seqmodel_free(idner__seqmodel *m) {
  if (!m) return;
  if (!m->borrowed) {
    free(m->wc_keys);
    free(m->wc_left);
    free(m->wc_right);
    free(m->wc_slots);
    free(m->tkeys);
    free(m->tq);
  }
  free(m->tf);
  free(m->keys);
  free(m->w);
  free(m->slots);
  free(m);
}

/* Builds the tagging table (tagger.h) over n rows: keys[r] with weights
 * q[r] (int16, weight = q * scale) or, without q, w[r] (floats). Key 0
 * marks empty slots (features never hash to 0: such a row is dropped); a
 * key given twice keeps its last row, as a lookup table filled in order
 * would. At most 9 keys a bucket on average: few buckets fill up. */
static int32_t build_table(idner__seqmodel *m, uint32_t n, const uint32_t *keys,
                           const int16_t *q, const float *w, float scale) {
  enum { L = IDNER__NLABELS, LW = IDNER__WT_LANES, B = IDNER__WT_BUCKET };
  size_t nb = 1;
  while (nb * 9 < n) nb *= 2;
  uint32_t *place = malloc((n ? n : 1) * sizeof *place);
  uint32_t *tk = aligned_alloc(64, nb * B * sizeof *tk);
  if (!place || !tk) {
    free(place), free(tk);
    return IDNER_ERR_NOMEM;
  }
  memset(tk, 0, nb * B * sizeof *tk);
  /* word 0 counts the bucket's keys while filling */
  for (uint32_t r = 0; r < n; r++) {
    if (!keys[r]) continue;
    for (size_t b = keys[r] & (nb - 1);; b = (b + 1) & (nb - 1)) {
      uint32_t *k = tk + b * B, p = 1;
      while (p <= k[0] && k[p] != keys[r]) p++;
      if (p > k[0] && p < B) k[0] = p, k[p] = keys[r];
      if (p < B) {
        place[r] = (uint32_t)(b * B + p);
        break;
      }
    }
  }
  uint32_t used = 0;
  for (size_t b = 0; b < nb; b++) {
    uint32_t c = tk[b * B];
    tk[b * B] = used;
    used += c;
  }
  int16_t *tq = q ? calloc((size_t)(used ? used : 1) * LW, sizeof *tq) : NULL;
  float *tf = !q ? calloc((size_t)(used ? used : 1) * LW, sizeof *tf) : NULL;
  if (!tq && !tf) {
    free(place), free(tk);
    return IDNER_ERR_NOMEM;
  }
  for (uint32_t r = 0; r < n; r++) {
    if (!keys[r]) continue;
    size_t row = tk[place[r] / B * B] + place[r] % B - 1;
    if (q) memcpy(tq + row * LW, q + (size_t)r * L, L * sizeof *tq);
    else memcpy(tf + row * LW, w + (size_t)r * L, L * sizeof *tf);
  }
  free(place);
  if (!m->borrowed) free(m->tkeys), free(m->tq);
  free(m->tf);
  m->tkeys = tk, m->tq = tq, m->tf = tf;
  m->tscale = scale;
  m->tnrows = used;
  m->tmask = nb - 1;
  m->tnkeys = nb * B;
  return IDNER_OK;
}

int32_t idner__seqmodel_index(idner__seqmodel *m) {
  size_t ns = 16;
  while (ns < (size_t)m->nrows * 2) ns *= 2;
  uint32_t *slots = calloc(ns, sizeof *slots);
  if (!slots) return IDNER_ERR_NOMEM;
  for (uint32_t r = 0; r < m->nrows; r++) {
    size_t s = m->keys[r] & (ns - 1);
    while (slots[s] && m->keys[slots[s] - 1] != m->keys[r]) s = (s + 1) & (ns - 1);
    slots[s] = r + 1;
  }
  free(m->slots);
  m->slots = slots;
  m->nslots = ns;
  return build_table(m, m->nrows, m->keys, NULL, m->w, 0.0f);
}

int32_t idner__seqmodel_set_classes(idner__seqmodel *m, uint32_t n, const uint32_t *keys,
                                    const uint8_t *left, const uint8_t *right) {
  size_t ns = 16;
  while (ns < (size_t)n * 2) ns *= 2;
  uint32_t *k = malloc((n ? n : 1) * sizeof *k), *slots = calloc(ns, sizeof *slots);
  uint8_t *l = malloc(n ? n : 1), *r = malloc(n ? n : 1);
  if (!k || !slots || !l || !r) {
    free(k), free(slots), free(l), free(r);
    return IDNER_ERR_NOMEM;
  }
  if (n) {
    memcpy(k, keys, n * sizeof *k);
    memcpy(l, left, n);
    memcpy(r, right, n);
  }
  for (uint32_t i = 0; i < n; i++) {
    size_t s = k[i] & (ns - 1);
    while (slots[s] && k[slots[s] - 1] != k[i]) s = (s + 1) & (ns - 1);
    slots[s] = i + 1;
  }
  free(m->wc_keys), free(m->wc_left), free(m->wc_right), free(m->wc_slots);
  m->wc_keys = k, m->wc_left = l, m->wc_right = r, m->wc_slots = slots;
  m->wc_nslots = ns;
  m->nclasses = n;
  return IDNER_OK;
}

int idner__seqmodel_class(const idner__seqmodel *m, uint32_t key, uint8_t *left, uint8_t *right) {
  if (!m->wc_nslots) return 0;
  size_t s = key & (m->wc_nslots - 1);
  while (m->wc_slots[s]) {
    uint32_t i = m->wc_slots[s] - 1;
    if (m->wc_keys[i] == key) {
      *left = m->wc_left[i];
      *right = m->wc_right[i];
      return 1;
    }
    s = (s + 1) & (m->wc_nslots - 1);
  }
  return 0;
}

uint32_t idner__seqmodel_find(const idner__seqmodel *m, uint32_t feat) {
  if (!m->nslots) return UINT32_MAX;
  size_t s = feat & (m->nslots - 1);
  while (m->slots[s]) {
    uint32_t r = m->slots[s] - 1;
    if (m->keys[r] == feat) return r;
    s = (s + 1) & (m->nslots - 1);
  }
  return UINT32_MAX;
}

/* ---- Viterbi ------------------------------------------------------------ */

/* I-X may only follow B-X or I-X. */
static int allowed(int prev, int cur) {
  if (cur == 0 || (cur & 1)) return 1;
  return prev == cur || prev == cur - 1;
}

/* For each label the best previous label: the first of the highest
 * prev[p] + trans(p, l) over the allowed p (a forbidden step is -inf and
 * never wins). O and B-X may follow any label; I-X only B-X and I-X. */
#if defined(__SSE2__) && !defined(IDNER_NO_SIMD) && IDNER__NTYPES == 3
/* The same steps on SSE lanes: a = (O, B-PER, B-ORG, B-LOC) and
 * in = (I-PER, I-ORG, I-LOC, -inf); every lane does the scalar code's
 * additions and comparisons in the same order (max_ps(s, b) is
 * s > b ? s : b). Back-pointers of a step are stored in lane order:
 * label l's at pos[l]. */
void idner__viterbi(const float *trans, const float *scores,
                    size_t n, uint8_t *back, uint8_t *out) {
  enum { L = IDNER__NLABELS };
  static const uint8_t pos[L] = {0, 1, 4, 2, 5, 3, 6};
  if (n == 0) return;
#define T_(p, l) trans[((p) + 1) * L + (l)]
  __m128 tb[L];
  for (int p = 0; p < L; p++) tb[p] = _mm_setr_ps(T_(p, 0), T_(p, 1), T_(p, 3), T_(p, 5));
  const __m128 ninf = _mm_set1_ps(-INFINITY);
  const __m128 ti_b = _mm_setr_ps(T_(1, 2), T_(3, 4), T_(5, 6), -INFINITY),
               ti_i = _mm_setr_ps(T_(2, 2), T_(4, 4), T_(6, 6), -INFINITY);
#undef T_
  const __m128i arg_b = _mm_setr_epi32(1, 3, 5, 0), arg_i = _mm_setr_epi32(2, 4, 6, 0);
  float prev[L];
  for (int l = 0; l < L; l++)
    prev[l] = allowed(0, l) ? trans[l] + scores[l] : -INFINITY;
  __m128 a = _mm_setr_ps(prev[0], prev[1], prev[3], prev[5]),
         in = _mm_setr_ps(prev[2], prev[4], prev[6], -INFINITY);
  for (size_t i = 1; i < n; i++) {
    __m128 vb = ninf;
    __m128i va = _mm_setzero_si128();
/* a better score from p takes the lane's argmax: steps go by rising p, so
 * p exceeds any argmax so far and a max keeps it (16-bit max: p < 8, the
 * lanes' high halves stay 0; likewise arg_i > arg_b below) */
#define STEP_(x, p)                                                                         \
  do {                                                                                      \
    __m128 s_ = _mm_add_ps((x), tb[p]);                                                     \
    __m128i gt_ = _mm_castps_si128(_mm_cmpgt_ps(s_, vb));                                   \
    vb = _mm_max_ps(s_, vb);                                                                \
    va = _mm_max_epi16(va, _mm_and_si128(gt_, _mm_set1_epi32(p)));                          \
  } while (0)
    STEP_(_mm_shuffle_ps(a, a, 0x00), 0);   /* O */
    STEP_(_mm_shuffle_ps(a, a, 0x55), 1);   /* B-PER */
    STEP_(_mm_shuffle_ps(in, in, 0x00), 2); /* I-PER */
    STEP_(_mm_shuffle_ps(a, a, 0xAA), 3);   /* B-ORG */
    STEP_(_mm_shuffle_ps(in, in, 0x55), 4); /* I-ORG */
    STEP_(_mm_shuffle_ps(a, a, 0xFF), 5);   /* B-LOC */
    STEP_(_mm_shuffle_ps(in, in, 0xAA), 6); /* I-LOC */
#undef STEP_
    /* I-X: from B-X, then from I-X */
    __m128 s1 = _mm_add_ps(_mm_shuffle_ps(a, a, _MM_SHUFFLE(3, 3, 2, 1)), ti_b);
    __m128i gt = _mm_castps_si128(_mm_cmpgt_ps(s1, ninf));
    __m128 ib = _mm_max_ps(s1, ninf);
    __m128i ia = _mm_and_si128(gt, arg_b);
    __m128 s2 = _mm_add_ps(in, ti_i);
    gt = _mm_castps_si128(_mm_cmpgt_ps(s2, ib));
    ib = _mm_max_ps(s2, ib);
    ia = _mm_max_epi16(ia, _mm_and_si128(gt, arg_i));
    /* this token's scores: (s0, s1, s3, s5) and (s2, s4, s6, s6) */
    const float *sc = scores + i * L;
    __m128 lo = _mm_loadu_ps(sc), hi = _mm_loadu_ps(sc + 3);
    __m128 t = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 2, 2));
    a = _mm_add_ps(vb, _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 1, 0)));
    in = _mm_add_ps(ib, _mm_shuffle_ps(t, t, _MM_SHUFFLE(3, 3, 2, 0)));
    __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(va, ia), _mm_setzero_si128());
    uint32_t b4 = (uint32_t)_mm_cvtsi128_si32(bytes), i4 = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(bytes, 4));
    uint8_t *bk = back + i * L;
    memcpy(bk, &b4, 4);
    bk[4] = (uint8_t)i4, bk[5] = (uint8_t)(i4 >> 8), bk[6] = (uint8_t)(i4 >> 16);
  }
  float fa[4], fi[4];
  _mm_storeu_ps(fa, a), _mm_storeu_ps(fi, in);
  const float last[L] = {fa[0], fa[1], fi[0], fa[2], fi[1], fa[3], fi[2]};
  int arg = 0;
  for (int l = 1; l < L; l++)
    if (last[l] > last[arg]) arg = l;
  for (size_t i = n; i-- > 0;) {
    out[i] = (uint8_t)arg;
    if (i) arg = back[i * L + pos[arg]];
  }
}
#else
void idner__viterbi(const float *trans, const float *scores,
                    size_t n, uint8_t *back, uint8_t *out) {
  enum { L = IDNER__NLABELS, NB = 1 + IDNER__NTYPES };
  if (n == 0) return;
  float tb[L][NB]; /* tb[p][k]: transition p -> label 2k - (k > 0), that is O, B-X */
  for (int p = 0; p < L; p++)
    for (int k = 0; k < NB; k++) tb[p][k] = trans[(p + 1) * L + (k ? 2 * k - 1 : 0)];
  float ti[IDNER__NTYPES][2]; /* B-X -> I-X, I-X -> I-X */
  for (int k = 0; k < IDNER__NTYPES; k++)
    ti[k][0] = trans[(2 * k + 2) * L + 2 * k + 2], ti[k][1] = trans[(2 * k + 3) * L + 2 * k + 2];
  float prev[L], cur[L];
  for (int l = 0; l < L; l++)
    prev[l] = allowed(0, l) ? trans[l] + scores[l] : -INFINITY;
  for (size_t i = 1; i < n; i++) {
    float best[NB];
    int32_t arg[NB];
    for (int k = 0; k < NB; k++) best[k] = -INFINITY, arg[k] = 0;
    for (int p = 0; p < L; p++)
      for (int k = 0; k < NB; k++) {
        float s = prev[p] + tb[p][k];
        int better = s > best[k];
        best[k] = better ? s : best[k];
        arg[k] = better ? p : arg[k];
      }
    const float *sc = scores + i * L;
    uint8_t *bk = back + i * L;
    for (int k = 0; k < NB; k++) {
      int l = k ? 2 * k - 1 : 0;
      cur[l] = best[k] + sc[l];
      bk[l] = (uint8_t)arg[k];
    }
    for (int k = 0; k < IDNER__NTYPES; k++) {
      int l = 2 * k + 2;
      float b = -INFINITY, s;
      int a = 0;
      if ((s = prev[l - 1] + ti[k][0]) > b) b = s, a = l - 1;
      if ((s = prev[l] + ti[k][1]) > b) b = s, a = l;
      cur[l] = b + sc[l];
      bk[l] = (uint8_t)a;
    }
    memcpy(prev, cur, sizeof prev);
  }
  int arg = 0;
  for (int l = 1; l < L; l++)
    if (prev[l] > prev[arg]) arg = l;
  for (size_t i = n; i-- > 0;) {
    out[i] = (uint8_t)arg;
    if (i) arg = back[i * L + (size_t)arg];
  }
}
#endif

int32_t idner__seqmodel_tag(const idner__seqmodel *m, idner_doc *d) {
  enum { L = IDNER__NLABELS };
  size_t n = d->toks.n;
  int32_t rc;
  if ((rc = IDNER__RESERVE(&d->back, n * L + 1)) || (rc = IDNER__RESERVE(&d->labels, n + 1)))
    return rc;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && d->toks.v[j].sentence == d->toks.v[i].sentence) j++;
    idner__viterbi(&m->trans[0][0], d->scores.v + i * L, j - i, d->back.v + i * L,
                   d->labels.v + i);
    i = j;
  }
  return IDNER_OK;
}

/* ---- file format -------------------------------------------------------- */

typedef struct reader {
  const unsigned char *p, *end;
} reader;

static int rd_u32(reader *r, uint32_t *v) {
  if (r->end - r->p < 4) return 0;
  *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
  r->p += 4;
  return 1;
}

static int rd_i16(reader *r, float scale, float *v) {
  if (r->end - r->p < 2) return 0;
  uint16_t u = (uint16_t)(r->p[0] | r->p[1] << 8);
  *v = (float)(int16_t)u * scale;
  r->p += 2;
  return 1;
}

static uint32_t fnv32(const unsigned char *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static int32_t bad(char *err, size_t errsz, const char *name, int32_t rc, const char *what) {
  idner__fmt(err, errsz, "%s: %s", name, what);
  return rc;
}

static int32_t read_classes(idner__seqmodel *m, const unsigned char *p, uint32_t n) {
  uint32_t *keys = malloc((n ? n : 1) * sizeof *keys);
  uint8_t *l = malloc(n ? n : 1), *r = malloc(n ? n : 1);
  int32_t rc = IDNER_ERR_NOMEM;
  if (keys && l && r) {
    for (uint32_t i = 0; i < n; i++, p += 6) {
      keys[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
      l[i] = p[4];
      r[i] = p[5];
    }
    rc = idner__seqmodel_set_classes(m, n, keys, l, r);
  }
  free(keys), free(l), free(r);
  return rc;
}

int32_t idner__seqmodel_read(const unsigned char *data, size_t size, const char *name,
                             idner__seqmodel **out, char *err, size_t errsz) {
  *out = NULL;
  if (size < 8 + 4 * 6 + 4 || memcmp(data, MAGIC, 8) != 0)
    return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "not an idner model file (bad magic)");
  uint32_t sum = fnv32(data, size - 4);
  reader r = {data + size - 4, data + size};
  uint32_t want = 0;
  rd_u32(&r, &want);
  if (sum != want) return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "checksum mismatch (file damaged)");
  r.p = data + 8;
  r.end = data + size - 4;
  uint32_t fmt = 0, fset = 0, groups = 0, nl = 0, rows = 0, scale_bits = 0;
  rd_u32(&r, &fmt);
  rd_u32(&r, &fset);
  rd_u32(&r, &groups);
  rd_u32(&r, &nl);
  rd_u32(&r, &rows);
  rd_u32(&r, &scale_bits);
  if (fmt != FILE_FORMAT || fset != IDNER__FEATURE_SET_VERSION)
    return bad(err, errsz, name, IDNER_ERR_DATA_VERSION,
               "model file from another idner version (retrain it with idner-train)");
  if (nl != IDNER__NLABELS) return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "unexpected label count");
  float scale;
  memcpy(&scale, &scale_bits, 4);
  if (!(scale > 0 && scale < 1e6f)) return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "bad weight scale");
  uint32_t np = 0;
  char names[IDNER__MAX_PROFILES][32] = {{0}}; /* zero tails: the image holds these bytes */
  if (!rd_u32(&r, &np) || np > IDNER__MAX_PROFILES)
    return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "bad profile count");
  for (uint32_t k = 0; k < np; k++) {
    if (r.p >= r.end || *r.p == 0 || *r.p > 31 || r.end - r.p < 1 + *r.p)
      return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "bad profile name");
    size_t l = *r.p++;
    memcpy(names[k], r.p, l);
    names[k][l] = '\0';
    r.p += l;
  }
  uint32_t ncls = 0;
  if (!rd_u32(&r, &ncls) || (size_t)(r.end - r.p) / 6 < ncls)
    return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "bad word class count");
  const unsigned char *cls = r.p;
  r.p += (size_t)ncls * 6;
  size_t need = (size_t)(IDNER__NLABELS + 1) * IDNER__NLABELS * 2 + (size_t)rows * (4 + 2 * IDNER__NLABELS);
  if ((size_t)(r.end - r.p) != need) return bad(err, errsz, name, IDNER_ERR_DATA_FORMAT, "size does not match its header");
  idner__seqmodel *m;
  int32_t rc = idner__seqmodel_new(0, &m);
  if (rc) return rc;
  m->nrows = rows;
  m->feature_groups = groups & IDNER__FEAT_ALL;
  m->checksum = want ? want : 1u;
  m->nprofiles = np;
  memcpy(m->profiles, names, sizeof names);
  if ((rc = read_classes(m, cls, ncls))) {
    idner__seqmodel_free(m);
    return rc;
  }
  for (int p = 0; p <= IDNER__NLABELS; p++)
    for (int l = 0; l < IDNER__NLABELS; l++) rd_i16(&r, scale, &m->trans[p][l]);
  /* Rows go straight into the tagging table (the size check above
   * guarantees the bytes); a read model keeps no training-side copies. */
  free(m->keys), free(m->w);
  m->keys = NULL, m->w = NULL;
  uint32_t *keys = malloc((rows ? rows : 1) * sizeof *keys);
  int16_t *q = malloc((size_t)(rows ? rows : 1) * IDNER__NLABELS * sizeof *q);
  if (!keys || !q) rc = IDNER_ERR_NOMEM;
  const unsigned char *p = r.p;
  for (uint32_t k = 0; !rc && k < rows; k++, p += 4 + 2 * IDNER__NLABELS) {
    keys[k] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    for (int l = 0; l < IDNER__NLABELS; l++)
      q[(size_t)k * IDNER__NLABELS + l] = (int16_t)(uint16_t)(p[4 + 2 * l] | p[5 + 2 * l] << 8);
  }
  if (!rc) rc = build_table(m, rows, keys, q, NULL, scale);
  free(keys), free(q);
  if (rc) {
    idner__seqmodel_free(m);
    return rc;
  }
  *out = m;
  return IDNER_OK;
}

/* ---- the embedded image ------------------------------------------------- */

void idner__seqmodel_image_of(const idner__seqmodel *m, idner__seqmodel *head,
                              idner__seq_image *out) {
  memcpy(head, m, sizeof *head);
  head->keys = NULL, head->w = NULL, head->slots = NULL;
  head->tkeys = NULL, head->tq = NULL, head->tf = NULL;
  head->wc_keys = NULL, head->wc_slots = NULL, head->wc_left = NULL, head->wc_right = NULL;
  head->borrowed = 0;
  out->head = (idner__blob){head, sizeof *head};
  out->tkeys = (idner__blob){m->tkeys, m->tnkeys * sizeof *m->tkeys};
  out->tq = (idner__blob){m->tq, m->tq ? (size_t)m->tnrows * IDNER__WT_LANES * sizeof *m->tq : 0};
  out->wc_keys = (idner__blob){m->wc_keys, (size_t)m->nclasses * sizeof *m->wc_keys};
  out->wc_left = (idner__blob){m->wc_left, m->nclasses};
  out->wc_right = (idner__blob){m->wc_right, m->nclasses};
  out->wc_slots = (idner__blob){m->wc_slots, m->wc_nslots * sizeof *m->wc_slots};
}

int32_t idner__seqmodel_adopt(const idner__seq_image *im, idner__seqmodel **out) {
  *out = NULL;
  if (im->head.size != sizeof(idner__seqmodel)) return IDNER_ERR_INTERNAL;
  idner__seqmodel *m = malloc(sizeof *m);
  if (!m) return IDNER_ERR_NOMEM;
  memcpy(m, im->head.p, sizeof *m);
  if (im->tkeys.size != m->tnkeys * sizeof *m->tkeys ||
      im->tq.size != (size_t)m->tnrows * IDNER__WT_LANES * sizeof *m->tq || !m->tnrows ||
      im->wc_keys.size != (size_t)m->nclasses * sizeof *m->wc_keys ||
      im->wc_left.size != m->nclasses || im->wc_right.size != m->nclasses ||
      im->wc_slots.size != m->wc_nslots * sizeof *m->wc_slots || !m->tnkeys) {
    free(m);
    return IDNER_ERR_INTERNAL;
  }
  /* Read-only from here on: tagging never writes the tables. */
  m->tkeys = (uint32_t *)im->tkeys.p;
  m->tq = (int16_t *)im->tq.p;
  m->tf = NULL;
  m->wc_keys = (uint32_t *)im->wc_keys.p;
  m->wc_left = (uint8_t *)im->wc_left.p;
  m->wc_right = (uint8_t *)im->wc_right.p;
  m->wc_slots = (uint32_t *)im->wc_slots.p;
  m->borrowed = 1;
  *out = m;
  return IDNER_OK;
}

typedef struct writer {
  FILE *f;
  uint32_t h;
  int ok;
} writer;

static void wr(writer *w, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) w->h = (w->h ^ b[i]) * 16777619u;
  if (fwrite(p, 1, n, w->f) != n) w->ok = 0;
}

static void wr_u32(writer *w, uint32_t v) {
  unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                        (unsigned char)(v >> 24)};
  wr(w, b, 4);
}

static void wr_q(writer *w, float v, float scale) {
  long q = lroundf(v / scale);
  if (q > 32767) q = 32767;
  if (q < -32767) q = -32767;
  uint16_t u = (uint16_t)(int16_t)q;
  unsigned char b[2] = {(unsigned char)u, (unsigned char)(u >> 8)};
  wr(w, b, 2);
}

int32_t idner__seqmodel_write(const idner__seqmodel *m, FILE *f) {
  if (!m->keys || !m->w) return IDNER_ERR_INVALID_ARG; /* read from a file: tagging only */
  float mx = 1e-6f;
  for (int p = 0; p <= IDNER__NLABELS; p++)
    for (int l = 0; l < IDNER__NLABELS; l++) mx = fmaxf(mx, fabsf(m->trans[p][l]));
  for (size_t k = 0; k < (size_t)m->nrows * IDNER__NLABELS; k++) mx = fmaxf(mx, fabsf(m->w[k]));
  float scale = mx / 32767.0f;
  uint32_t scale_bits;
  memcpy(&scale_bits, &scale, 4);
  writer w = {f, 2166136261u, 1};
  wr(&w, MAGIC, 8);
  wr_u32(&w, FILE_FORMAT);
  wr_u32(&w, IDNER__FEATURE_SET_VERSION);
  wr_u32(&w, m->feature_groups);
  wr_u32(&w, IDNER__NLABELS);
  wr_u32(&w, m->nrows);
  wr_u32(&w, scale_bits);
  wr_u32(&w, m->nprofiles);
  for (uint32_t k = 0; k < m->nprofiles; k++) {
    unsigned char l = (unsigned char)strlen(m->profiles[k]);
    wr(&w, &l, 1);
    wr(&w, m->profiles[k], l);
  }
  wr_u32(&w, m->nclasses);
  for (uint32_t k = 0; k < m->nclasses; k++) {
    wr_u32(&w, m->wc_keys[k]);
    wr(&w, &m->wc_left[k], 1);
    wr(&w, &m->wc_right[k], 1);
  }
  for (int p = 0; p <= IDNER__NLABELS; p++)
    for (int l = 0; l < IDNER__NLABELS; l++) wr_q(&w, m->trans[p][l], scale);
  for (uint32_t k = 0; k < m->nrows; k++) {
    wr_u32(&w, m->keys[k]);
    for (int l = 0; l < IDNER__NLABELS; l++) wr_q(&w, m->w[(size_t)k * IDNER__NLABELS + l], scale);
  }
  uint32_t h = w.h;
  wr_u32(&w, h);
  return w.ok ? IDNER_OK : IDNER_ERR_IO;
}
