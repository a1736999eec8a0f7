/* seqfeatures.c — feature extraction for the sequence model. Every feature is
 * a template id plus a string, hashed to 32 bits; the model maps hashes to
 * weight rows. Features only read the doc, so training and tagging see
 * exactly the same ones. When tagging, the features' rows are summed into
 * emission scores right away, through per-doc caches (the second half). */
#include "seqfeatures.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(IDNER_NO_SIMD)
#include <emmintrin.h>
#endif

#include "fold.h"
#include "tagger.h"

enum {
  F_BIAS = 1, F_W, F_WM1, F_WP1, F_WM2, F_WP2, F_BI_M1, F_BI_P1, F_SHAPE, F_SHAPE_M1,
  F_SHAPE_P1, F_SHAPE_TRI, F_PRE1, F_PRE2, F_PRE3, F_SUF1, F_SUF2, F_SUF3, F_SUF4, F_CAPPOS,
  F_KIND, F_GZ, F_GZ_M1, F_GZ_P1, F_CAND_T, F_CAND_E, F_DATE, F_DOC, F_LEN, F_TITLE_NEAR,
  F_W_SHAPE_M1, F_WC_L, F_WC_R, F_WC_LR, F_WC_LR_M1, F_WC_LR_P1, F_DOC_CAND
};

/* Features are written straight into d->feats, whose room is reserved
 * once per token (MAX_TOKEN_FEATS, twice with a profile). */
#define MAX_TOKEN_FEATS 128

typedef struct fbuf {
  idner_doc *d;
} fbuf;

/* The feature hash of template tmpl and a string whose idner__fnv is h.
 * Features hash strings with FNV-1a, as the trained models have them (a
 * token's form: d->fold_fnv when training, the form cache's when tagging;
 * not the fold hash of the lookups). */
static uint32_t mix_h(uint32_t tmpl, uint64_t h) {
  h ^= (uint64_t)tmpl * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return (uint32_t)h ? (uint32_t)h : 1u;
}

static void put_h(fbuf *b, uint32_t tmpl, uint64_t h) {
  b->d->feats.v[b->d->feats.n++] = mix_h(tmpl, h);
}

#define FNV_OFFSET IDNER__FNV_OFFSET
#define FNV_PRIME IDNER__FNV_PRIME

/* idner__fnv of v's four little-endian bytes, unrolled. */
static uint64_t hash_u32(uint32_t v) {
  uint64_t h = FNV_OFFSET;
  h = (h ^ (v & 0xFFu)) * FNV_PRIME;
  h = (h ^ (v >> 8 & 0xFFu)) * FNV_PRIME;
  h = (h ^ (v >> 16 & 0xFFu)) * FNV_PRIME;
  return (h ^ (v >> 24)) * FNV_PRIME;
}

/* The feature of template tmpl with an integer value. */
static uint32_t feat_u32(uint32_t tmpl, uint32_t v) { return mix_h(tmpl, hash_u32(v)); }

static void put_u32(fbuf *b, uint32_t tmpl, uint32_t v) {
  b->d->feats.v[b->d->feats.n++] = feat_u32(tmpl, v);
}

/* idner__fnv of the bytes hashed to h followed by s[0..len):
 * FNV has no finalization, so a string's hash is the state to go on from. */
static uint64_t hash_more(uint64_t h, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    h = (h ^ p[i]) * FNV_PRIME;
    h = (h ^ p[i + 1]) * FNV_PRIME;
    h = (h ^ p[i + 2]) * FNV_PRIME;
    h = (h ^ p[i + 3]) * FNV_PRIME;
  }
  for (; i < len; i++) h = (h ^ p[i]) * FNV_PRIME;
  return h;
}

/* folded form of token i, or a boundary marker outside the document (the
 * markers' NUL is part of their hashed bytes, as in the trained models) */
static const char *form(const idner_doc *d, long i, size_t *len) {
  if (i < 0) { *len = 4; return "<s>"; }
  if ((size_t)i >= d->toks.n) { *len = 5; return "</s>"; }
  *len = d->fold_off.v[i + 1] - d->fold_off.v[i];
  return d->fold.v + d->fold_off.v[i];
}

/* idner__fnv of form(d, i): precomputed for tokens when training
 * (d->fold_fnv); tagging asks only for the boundary markers'. */
static uint64_t form_hash(const idner_doc *d, long i) {
  if (i < 0) return idner__fnv("<s>", 4);
  if ((size_t)i >= d->toks.n) return idner__fnv("</s>", 5);
  return d->fold_fnv.v[i];
}

/* Word shape with runs collapsed: "Jakarta" -> "Xx", "KPK" -> "X",
 * "19/9/2023" -> "d/d/d", "anti-Rusia" -> "x-Xx". Non-ASCII letters count
 * by case through the token's flags only for the first character. */
static size_t shape(const idner_doc *d, size_t i, char *out, size_t cap) {
  const idner_token *t = &d->toks.v[i];
  const char *s = d->text + t->byte_start;
  size_t len = t->byte_end - t->byte_start, n = 0;
  char last = 0;
  for (size_t k = 0; k < len && n + 1 < cap; k++) {
    unsigned char c = (unsigned char)s[k];
    char cls;
    if (c >= 'A' && c <= 'Z') cls = 'X';
    else if (c >= 'a' && c <= 'z') cls = 'x';
    else if (c >= '0' && c <= '9') cls = 'd';
    else if (c >= 0x80) {
      if ((c & 0xC0) == 0x80) continue;
      cls = 'u';
    } else cls = (char)c;
    if (cls != last) out[n++] = cls;
    last = cls;
  }
  out[n] = '\0';
  return n;
}

/* The shape of a token (or a boundary marker), computed once per token. */
typedef struct shape_s {
  char s[24];
  size_t len;
  uint64_t hash; /* idner__fnv of s */
} shape_s;

static void shape_at(const idner_doc *d, long i, shape_s *out) {
  if (i < 0) strcpy(out->s, "<s>"), out->len = 3;
  else if ((size_t)i >= d->toks.n) strcpy(out->s, "</s>"), out->len = 4;
  else out->len = shape(d, (size_t)i, out->s, sizeof out->s);
  out->hash = hash_more(FNV_OFFSET, out->s, out->len);
}

/* Context class of a token whose form's idner__fnv is h as a 16-bit
 * (left << 8 | right), or 0xFFFF. */
static uint32_t word_class_of(const idner__seqmodel *m, uint64_t h) {
  uint8_t l, r;
  if (!m || !idner__seqmodel_class(m, idner__wc_key(h), &l, &r)) return 0xFFFFu;
  return (uint32_t)l << 8 | r;
}

/* ... of token i (training: d->fold_fnv), 0xFFFE outside the document. */
static uint32_t word_class(const idner_doc *d, const idner__seqmodel *m, long i) {
  if (i < 0 || (size_t)i >= d->toks.n) return 0xFFFEu;
  return word_class_of(m, d->fold_fnv.v[i]);
}

/* What extraction knows about tokens i-1, i, i+1 (a sliding window). */
typedef struct window {
  shape_s sh[3];
  uint32_t wc[3];
} window;

static void window_fill(window *w, int slot, const idner_doc *d, const idner__seqmodel *m,
                        uint32_t groups, long i) {
  shape_at(d, i, &w->sh[slot]);
  w->wc[slot] = (groups & IDNER__FEAT_CLASSES) ? word_class(d, m, i) : 0;
}

static void window_shift(window *w, const idner_doc *d, const idner__seqmodel *m,
                         uint32_t groups, long next) {
  w->sh[0] = w->sh[1], w->sh[1] = w->sh[2];
  w->wc[0] = w->wc[1], w->wc[1] = w->wc[2];
  window_fill(w, 2, d, m, groups, next);
}

/* Features of token i that depend on the token alone (its bytes, flags,
 * kind): the same for every occurrence, so their summed weights can be
 * cached per token form (emission_scores). */
static void local_features(fbuf *b, const idner_doc *d, size_t i, const window *w,
                           uint32_t groups) {
  size_t l0;
  const char *wd = form(d, (long)i, &l0);
  put_h(b, F_BIAS, FNV_OFFSET); /* the hash of "" */
  put_h(b, F_W, d->fold_fnv.v[i]);
  /* affixes on bytes of the folded form (Indonesian affixes are ASCII); a
   * prefix's hash goes on from the shorter one's */
  static const uint32_t pre[3] = {F_PRE1, F_PRE2, F_PRE3}, suf[4] = {F_SUF1, F_SUF2, F_SUF3, F_SUF4};
  uint64_t h = FNV_OFFSET;
  for (size_t k = 1; k <= 3 && k < l0; k++) put_h(b, pre[k - 1], h = hash_more(h, wd + k - 1, 1));
  for (size_t k = 1; k <= 4 && k < l0; k++) put_h(b, suf[k - 1], hash_more(FNV_OFFSET, wd + l0 - k, k));
  put_u32(b, F_LEN, l0 > 12 ? 12 : (uint32_t)l0);
  put_h(b, F_SHAPE, w->sh[1].hash);
  const idner_token *t = &d->toks.v[i];
  uint32_t cap = (t->flags & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS | IDNER_SHAPE_LOWER)) |
                 ((t->flags & IDNER_SHAPE_SENT_START) ? 0x100u : 0u);
  put_u32(b, F_CAPPOS, cap);
  put_u32(b, F_KIND, t->kind);
  if (groups & IDNER__FEAT_CLASSES) {
    uint32_t c = w->wc[1];
    put_u32(b, F_WC_LR, c);
    if (c < 0xFFFEu) {
      put_u32(b, F_WC_L, c >> 8);
      put_u32(b, F_WC_R, c & 0xFF);
    }
  }
}

/* What a token contributes as the neighbour of another: its form, shape
 * and class seen from the token after it (ROLE_M1) or two after (ROLE_M2),
 * before it (ROLE_P1) or two before (ROLE_P2). j may be outside the
 * document (the boundary markers). */
enum { ROLE_M1, ROLE_M2, ROLE_P1, ROLE_P2, NROLES };

static void role_features(fbuf *b, uint64_t form_h, int role, const shape_s *sh, uint32_t wc,
                          uint32_t groups) {
  switch (role) {
    case ROLE_M1:
      put_h(b, F_WM1, form_h);
      put_h(b, F_SHAPE_M1, sh->hash);
      if (groups & IDNER__FEAT_CLASSES) put_u32(b, F_WC_LR_M1, wc);
      break;
    case ROLE_M2: put_h(b, F_WM2, form_h); break;
    case ROLE_P1:
      put_h(b, F_WP1, form_h);
      put_h(b, F_SHAPE_P1, sh->hash);
      if (groups & IDNER__FEAT_CLASSES) put_u32(b, F_WC_LR_P1, wc);
      break;
    default: put_h(b, F_WP2, form_h); break;
  }
}

/* Hash of "a|b" with a, b cut to cut bytes; ha is the hash of all of a. */
static uint64_t joined_hash(const char *a, size_t la, uint64_t ha, const char *b, size_t lb,
                            size_t cut) {
  uint64_t h = la <= cut ? ha : idner__fnv(a, cut);
  return hash_more(hash_more(h, "|", 1), b, lb < cut ? lb : cut);
}

/* idner__fnv of "a|b" for the folded forms of tokens a and a + 1 (or the
 * boundary markers), each cut to 60 bytes: the bigram of F_BI_P1 at a and
 * of F_BI_M1 at a + 1. ha: idner__fnv of token a's form (if a is one). */
static uint64_t pair_hash(const idner_doc *d, long a, uint64_t ha) {
  if (a >= 0 && (size_t)a + 1 < d->toks.n) {
    /* both tokens inside (the common case, without form()'s tests) */
    const uint32_t *off = d->fold_off.v + a;
    size_t la = off[1] - off[0], lb = off[2] - off[1];
    uint64_t h = la <= 60 ? ha : idner__fnv(d->fold.v + off[0], 60);
    h = (h ^ '|') * FNV_PRIME;
    return hash_more(h, d->fold.v + off[1], lb < 60 ? lb : 60);
  }
  size_t la, lb;
  const char *sa = form(d, a, &la), *sb = form(d, a + 1, &lb);
  return joined_hash(sa, la, a >= 0 && (size_t)a < d->toks.n ? ha : form_hash(d, a), sb, lb, 60);
}

/* Hash of F_W_SHAPE_M1 at i: the form before (cut to 40 bytes), '|' and
 * token i's shape. hm1: idner__fnv of token i - 1's form (if i >= 1). */
static uint64_t word_shape_hash(const idner_doc *d, long i, const shape_s *s0, uint64_t hm1) {
  if (i >= 1) {
    const uint32_t *off = d->fold_off.v + i - 1;
    uint64_t h = off[1] - off[0] <= 40 ? hm1 : idner__fnv(d->fold.v + off[0], 40);
    return hash_more((h ^ '|') * FNV_PRIME, s0->s, s0->len);
  }
  size_t lm1;
  const char *m1 = form(d, i - 1, &lm1);
  uint64_t h = hash_more(lm1 <= 40 ? form_hash(d, i - 1) : idner__fnv(m1, 40), "|", 1);
  return hash_more(h, s0->s, s0->len);
}

/* Hash of F_SHAPE_TRI: the shapes of i - 1, i, i + 1 joined by '|'. */
static uint64_t shape_tri_hash(const shape_s *sm, const shape_s *s0, const shape_s *sp) {
  uint64_t h = hash_more(FNV_OFFSET, sm->s, sm->len);
  h = hash_more(hash_more(h, "|", 1), s0->s, s0->len);
  return hash_more(hash_more(h, "|", 1), sp->s, sp->len);
}

/* Context features of token i that involve more than one token. */
static void context_word_features(fbuf *b, const idner_doc *d, size_t i, const window *w) {
  uint64_t hm1 = i ? d->fold_fnv.v[i - 1] : 0;
  put_h(b, F_BI_M1, pair_hash(d, (long)i - 1, hm1));
  put_h(b, F_BI_P1, pair_hash(d, (long)i, d->fold_fnv.v[i]));
  put_h(b, F_SHAPE_TRI, shape_tri_hash(&w->sh[0], &w->sh[1], &w->sh[2]));
  put_h(b, F_W_SHAPE_M1, word_shape_hash(d, (long)i, &w->sh[1], hm1));
}

/* The values of F_GZ_M1 / F_GZ_P1 (gazetteer starts at i - 1 / i + 1) and
 * F_TITLE_NEAR (a title within the two previous tokens) at token i. */
static uint32_t gz_before(const idner_doc *d, size_t i) {
  return i > 0 ? d->gzmask.v[i - 1] & 0xFFFFu : 0xFFFFFFFFu;
}
static uint32_t gz_after(const idner_doc *d, size_t i) {
  return i + 1 < d->toks.n ? d->gzmask.v[i + 1] & 0xFFFFu : 0xFFFFFFFFu;
}
static uint32_t title_near(const idner_doc *d, size_t i) {
  return (i > 0 && (d->gzmask.v[i - 1] & (1u << IDNER__GZ_TITLE))) ||
         (i > 1 && (d->gzmask.v[i - 2] & (1u << IDNER__GZ_TITLE)));
}

/* Gazetteer classes covering tokens: B (match starts here) / I (inside). */
static void gz_features(fbuf *b, const idner_doc *d, size_t i) {
  uint32_t here = d->gzmask.v[i];
  for (uint32_t c = 0; c < 32; c++)
    if (here >> c & 1u) put_u32(b, F_GZ, c);
  put_u32(b, F_GZ_M1, gz_before(d, i));
  put_u32(b, F_GZ_P1, gz_after(d, i));
  uint32_t cm = d->candmask.v[i];
  for (uint32_t c = 0; c < 16; c++)
    if (cm >> c & 1u) put_u32(b, F_CAND_T, c);
  for (uint32_t c = 16; c < 32; c++)
    if (cm >> c & 1u) put_u32(b, F_CAND_E, c);
  put_u32(b, F_TITLE_NEAR, title_near(d, i));
}

/* Index of the lowest set bit of x != 0. */
static uint32_t ctz32(uint32_t x) {
#if defined(__GNUC__)
  return (uint32_t)__builtin_ctz(x);
#else
  uint32_t c = 0;
  while (!(x & 1u)) x >>= 1, c++;
  return c;
#endif
}

/* Per-token masks: gazetteer class bits (low 16: B, high 16: I) and first
 * pass candidate bits (low 16: type B/I, high 16: evidence at B). */
static int32_t build_masks(idner_doc *d) {
  size_t n = d->toks.n;
  int32_t rc;
  if ((rc = IDNER__RESERVE(&d->gzmask, n + 1)) || (rc = IDNER__RESERVE(&d->candmask, n + 1)))
    return rc;
  memset(d->gzmask.v, 0, (n + 1) * sizeof *d->gzmask.v);
  memset(d->candmask.v, 0, (n + 1) * sizeof *d->candmask.v);
  for (size_t i = 0; i < n; i++) {
    /* the classes with a match (doc.h: bit c set when len[c] != 0; most
     * tokens match nothing), class 0 being none */
    uint32_t classes = d->ev.v[i].classes & ((1u << IDNER__GZ_NCLASSES) - 2u);
    for (; classes; classes &= classes - 1) {
      uint32_t c = ctz32(classes);
      size_t len = d->ev.v[i].len[c];
      if (!len) continue;
      d->gzmask.v[i] |= 1u << c;
      for (size_t k = i + 1; k < i + len && k < n; k++) d->gzmask.v[k] |= 1u << (16 + c);
    }
  }
  for (size_t k = 0; k < d->cands.n; k++) {
    const idner__cand *c = &d->cands.v[k];
    if (c->type > 6 || c->end > n) continue;
    d->candmask.v[c->start] |= 1u << c->type;
    for (uint32_t e = 0; e < 9; e++)
      if (c->evidence >> e & 1u) d->candmask.v[c->start] |= 1u << (16 + e);
    for (size_t t = c->start + 1; t < c->end; t++) d->candmask.v[t] |= 1u << (8 + c->type);
  }
  return IDNER_OK;
}

/* Document-level evidence: does this form occur elsewhere capitalized
 * mid-sentence (a name), or in lower case (an ordinary word)? */
static int32_t count_forms(idner_doc *d) {
  size_t n = d->toks.n, ns = 16;
  while (ns < 2 * n) ns *= 2;
  int32_t rc;
  if ((rc = IDNER__RESERVE(&d->formslot, n + 1))) return rc;
  if (ns > d->formtab_slots) {
    if ((rc = IDNER__RESERVE(&d->formtab, ns))) return rc;
    memset(d->formtab.v, 0, ns * sizeof *d->formtab.v);
    d->formtab_slots = ns;
  } else {
    /* the table outlives calls: empty only the slots the last doc used */
    for (size_t k = 0; k < d->formslot.n; k++)
      memset(&d->formtab.v[d->formslot.v[k]], 0, sizeof *d->formtab.v);
    ns = d->formtab_slots;
  }
  d->formslot.n = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t h = d->fold_hash.v[i] | 1u; /* equal forms (short of a 64-bit collision) */
    size_t s = (size_t)h & (ns - 1);
    while (d->formtab.v[s].hash && d->formtab.v[s].hash != h) s = (s + 1) & (ns - 1);
    d->formslot.v[i] = (uint32_t)s;
    d->formtab.v[s].hash = h;
    const idner_token *t = &d->toks.v[i];
    d->formtab.v[s].cand_types |= d->candmask.v[i] & 0xFEu;
    if (t->flags & IDNER_SHAPE_LOWER) d->formtab.v[s].lower++;
    else if ((t->flags & IDNER_SHAPE_CAPITALIZED) && !(t->flags & IDNER_SHAPE_SENT_START))
      d->formtab.v[s].capmid++;
  }
  d->formslot.n = n;
  return IDNER_OK;
}

/* Token i's document evidence: the value of F_DOC (the form elsewhere
 * capitalized mid-sentence: 1, in lower case: 2; i starts a sentence: 4)
 * and the candidate types the rules proposed for the form anywhere in the
 * document (bits 1..7, one F_DOC_CAND each). */
static uint32_t doc_evidence(const idner_doc *d, size_t i, uint32_t *cand_types) {
  size_t s = d->formslot.v[i];
  const idner_token *t = &d->toks.v[i];
  uint32_t self_cap = (t->flags & IDNER_SHAPE_CAPITALIZED) && !(t->flags & IDNER_SHAPE_SENT_START);
  uint32_t self_low = (t->flags & IDNER_SHAPE_LOWER) != 0;
  uint32_t capmid = d->formtab.v[s].capmid - self_cap, lower = d->formtab.v[s].lower - self_low;
  *cand_types = d->formtab.v[s].cand_types;
  return (capmid ? 1u : 0u) | (lower ? 2u : 0u) | ((t->flags & IDNER_SHAPE_SENT_START) ? 4u : 0u);
}

static void doc_features(fbuf *b, const idner_doc *d, size_t i) {
  uint32_t ct;
  put_u32(b, F_DOC, doc_evidence(d, i, &ct));
  for (uint32_t c = 1; c < 8; c++)
    if (ct >> c & 1u) put_u32(b, F_DOC_CAND, c);
}

/* A feature conjoined with the profile. */
static uint32_t conj_hash(uint32_t f, uint32_t profile) {
  f ^= profile * 0x9E3779B1u;
  f ^= f >> 15;
  f *= 0x2C1B3C6Du;
  f ^= f >> 12;
  return f ? f : 1u;
}

/* Appends each of token i's features conjoined with the profile. */
static int32_t conjoin_profile(idner_doc *d, uint32_t start, uint32_t profile) {
  uint32_t end = (uint32_t)d->feats.n;
  int32_t rc = IDNER__RESERVE(&d->feats, d->feats.n + (end - start));
  if (rc) return rc;
  for (uint32_t k = start; k < end; k++) d->feats.v[d->feats.n++] = conj_hash(d->feats.v[k], profile);
  return IDNER_OK;
}

/* Emits f's features and, with a profile, their conjoined copies right
 * after; returns how many. */
#define EMIT_GROUP(count, emit)                                              \
  do {                                                                       \
    uint32_t g0_ = (uint32_t)d->feats.n;                                     \
    emit;                                                                    \
    if (profile && (rc = conjoin_profile(d, g0_, profile))) return rc;       \
    (count) = (uint32_t)d->feats.n - g0_;                                    \
  } while (0)

static int32_t emission_scores(idner_doc *d, uint32_t groups, uint32_t profile,
                               const idner__seqmodel *m);

int32_t idner__extract_features(idner_doc *d, uint32_t groups, uint32_t profile,
                                const idner__seqmodel *m, int tagging) {
  size_t n = d->toks.n;
  int32_t rc;
  d->feats.n = 0;
  if ((rc = build_masks(d))) return rc;
  if ((groups & IDNER__FEAT_DOCUMENT) && (rc = count_forms(d))) return rc;
  /* tagging takes the forms' FNV-1a from its form cache, made on a miss */
  if (tagging) return emission_scores(d, groups, profile, m);
  if ((rc = IDNER__RESERVE(&d->fold_fnv, n + 1))) return rc;
  idner__fnv_forms(d->fold.v, d->fold_off.v, n, d->fold_fnv.v);
  d->fold_fnv.n = n;
  if ((rc = IDNER__RESERVE(&d->feat_off, n + 1))) return rc;
  fbuf b = {d};
  window w;
  if (n) {
    window_fill(&w, 1, d, m, groups, -1);
    window_fill(&w, 2, d, m, groups, 0);
  }
  shape_s edge_m, edge_p; /* the boundary markers' (M2 and P2 use no shape) */
  shape_at(d, -1, &edge_m);
  shape_at(d, (long)n, &edge_p);
  for (size_t i = 0; i < n; i++) {
    window_shift(&w, d, m, groups, (long)i + 1);
    if ((rc = IDNER__RESERVE(&d->feats, d->feats.n + 2 * MAX_TOKEN_FEATS))) return rc;
    uint32_t start = (uint32_t)d->feats.n;
    d->feat_off.v[i] = start;
    local_features(&b, d, i, &w, groups);
    role_features(&b, form_hash(d, (long)i - 1), ROLE_M1, &w.sh[0], w.wc[0], groups);
    role_features(&b, form_hash(d, (long)i - 2), ROLE_M2, &edge_m, 0, groups);
    role_features(&b, form_hash(d, (long)i + 1), ROLE_P1, &w.sh[2], w.wc[2], groups);
    role_features(&b, form_hash(d, (long)i + 2), ROLE_P2, &edge_p, 0, groups);
    if (profile && (rc = conjoin_profile(d, start, profile))) return rc;
    uint32_t ctx = (uint32_t)d->feats.n;
    context_word_features(&b, d, i, &w);
    put_u32(&b, F_DATE, d->ev.v[i].in_date);
    if (groups & IDNER__FEAT_GAZETTEER) gz_features(&b, d, i);
    if (groups & IDNER__FEAT_DOCUMENT) doc_features(&b, d, i);
    if (profile && (rc = conjoin_profile(d, ctx, profile))) return rc;
  }
  d->feat_off.v[n] = (uint32_t)d->feats.n;
  return IDNER_OK;
}

/* ---- tagging: emission scores through the doc's caches -------------------
 *
 * Token i's score is, in this order (float sums: the order is part of the
 * result): its form block's local part, the parts its neighbours i - 1,
 * i - 2, i + 1, i + 2 give it, the features of the document's edges, then
 * its context features, then (with a profile) their conjoined copies. The
 * caches hold weight rows, never reordered sums, so every score is the same
 * float as a plain lookup of every feature in that order would give:
 *   - form blocks (four-way, 8192 sets, LRU): per token form, its local
 *     features summed and what it gives each neighbour summed, its shape
 *     and its folded form's FNV-1a (no pass over every token for it);
 *   - fixed rows: features of small integers (F_DATE, F_GZ, F_CAND_*,
 *     F_TITLE_NEAR, F_DOC, F_DOC_CAND), looked up once per model and profile;
 *   - local row numbers: the small-integer local features of a form block
 *     (F_BIAS, F_LEN, F_CAPPOS, F_KIND, F_WC_L, F_WC_R), found on first use,
 *     so a form's miss hashes and probes only the others;
 *   - a row cache for F_SHAPE_TRI (keyed by the three shapes) and for
 *     F_GZ_M1 / F_GZ_P1 (keyed by their two values together);
 *   - pair sets (three-way, 65536 sets of one line, LRU): per pair of
 *     neighbouring forms, the row numbers of their word bigram and
 *     F_W_SHAPE_M1;
 * and on a pair's miss those three features are looked up in the weight
 * table, prefetched a few tokens ahead. A row the model lacks
 * is cached as zeros: adding +0 leaves a score unchanged (scores are never
 * -0: they start from +0). */

#define L_ IDNER__NLABELS
#define LW 8           /* cached rows: the labels and a zero lane, so adds vectorize */
_Static_assert(LW == L_ + 1, "a row is the labels and one lane more");
#define FORM_PARTS 5   /* local, as the token before, two before, after, two after */
#define FORM_SETS 8192u /* emission cache (four-way, LRU): token forms */
#define FORM_WAYS 4     /* (the probe and LRU_INIT are written for four) */
#define TRI_SLOTS 4096u  /* row caches (direct-mapped) */
#define GZ_SLOTS 1024u
#define PAIR_SETS 65536u /* pair cache (three-way, LRU, a set a line): neighbouring forms */
#define PAIR_WAYS 3

/* An emission-cache slot: a token form's block and its shape (its key is
 * in the set's key line). */
typedef struct formslot {
  shape_s shape;
  uint64_t fnv; /* idner__fnv of the token's folded form: its pairs' key on their miss */
  float w[FORM_PARTS][LW];
} formslot;

/* A row-cache slot: a feature's row and its conjoined copy's. */
typedef struct rowslot {
  uint64_t key; /* 0 = empty */
  float w[2][LW];
} rowslot;

/* A gazetteer-context slot: the rows of F_GZ_M1 and of F_GZ_P1 (w[0],
 * w[1]) for a pair of their values, with their conjoined copies. */
typedef struct gzslot {
  uint64_t key; /* 0 = empty */
  uint32_t profile;
  float w[2][2][LW];
} gzslot;

/* A pair-cache set, one cache line: for tokens a, a + 1 (keyed by their
 * form keys) the row numbers of F_BI_P1 at a, F_BI_M1 at a + 1 and
 * F_W_SHAPE_M1 at a + 1 (these depend on the two forms only); the
 * conjoined copies' row numbers are apart (pconj: touched only with a
 * profile, whose pair keys differ from those without, as form keys do). */
typedef struct pairset {
  uint64_t key[PAIR_WAYS]; /* 0 = empty */
  uint32_t row[PAIR_WAYS][3];
  uint32_t order; /* XOR 4: the way used last | the one before << 2 (the third is LRU) */
} pairset;
_Static_assert(sizeof(pairset) == 64, "a pair set is one cache line");

/* Fixed rows: index of each small-integer template's value 0. */
enum { FX_DATE = 0, FX_GZ = 2, FX_CAND = 34, FX_TITLE = 66, FX_DOC = 68, FX_DOC_CAND = 76, NFIXED = 84 };

/* Local row numbers: per small-integer local feature (F_BIAS, F_LEN 0..12,
 * F_CAPPOS by its 16 values, F_KIND 0..15, F_WC_L and F_WC_R 0..255) its
 * row number and its conjoined copy's, found on first use (LR_UNSET
 * before), so a form block's miss neither hashes nor probes them. */
enum { LR_BIAS = 0, LR_LEN = 1, LR_CAP = 14, LR_KIND = 30, LR_WC_L = 46, LR_WC_R = 302, NLROWS = 558 };
#define LR_UNSET (UINT32_MAX - 1)

struct idner__tagcache {
  uint64_t model;   /* which model (checksum, groups) the rows are from; 0 = none */
  uint32_t profile; /* of the fixed rows' conjoined copies */
  float fixed[NFIXED][2][LW];
  uint32_t lrow[NLROWS][2]; /* local row numbers, plain and conjoined (same profile) */
  rowslot tri[TRI_SLOTS];                     /* F_SHAPE_TRI by the three shapes */
  gzslot gz[GZ_SLOTS];      /* F_GZ_M1, F_GZ_P1 by their two values */
  uint64_t form_keys[FORM_SETS][FORM_WAYS]; /* form_key per way; 0 = empty */
  formslot forms[FORM_SETS][FORM_WAYS];
  uint8_t lru[FORM_SETS]; /* the ways, 2 bits each, used last in the low bits */
  /* pair sets by the pair's key (pairs: the first 64-byte aligned one) */
  unsigned char pair_mem[PAIR_SETS * sizeof(pairset) + 64];
  pairset *pairs;
  uint32_t pconj[PAIR_SETS][PAIR_WAYS][3]; /* conjoined copies' row numbers */
  int pconj_used; /* pconj written since the last model change */
};

#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define ALWAYS_INLINE inline
#endif

/* Loads 1..8 bytes (little-endian) without reading past p + len. */
static uint64_t load_tail(const unsigned char *p, size_t len) {
  uint32_t a, b;
  if (len >= 4) {
    memcpy(&a, p, 4);
    memcpy(&b, p + len - 4, 4);
    return (uint64_t)a << 32 | b;
  }
  return (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
}

/* A 64-bit mix for cache keys and slots. */
static uint64_t mix64(uint64_t a, uint64_t b) {
  a ^= b * 0x9E3779B97F4A7C15ull;
  a ^= a >> 29;
  a *= 0xBF58476D1CE4E5B9ull;
  a ^= a >> 32;
  return a;
}

/* Key of token i's form block: its bytes, shape flags, kind and the profile
 * (64-bit, word at a time; a collision would only borrow another form's
 * scores). Never 0. */
static ALWAYS_INLINE uint64_t form_key(const idner_doc *d, size_t i, uint32_t profile) {
  const idner_token *t = &d->toks.v[i];
  const unsigned char *p = (const unsigned char *)d->text + t->byte_start;
  size_t len = t->byte_end - t->byte_start;
  uint64_t h = (uint64_t)len << 40 ^ (uint64_t)t->flags << 16 ^ (uint64_t)t->kind << 8 ^ profile;
  for (; len > 8; p += 8, len -= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = mix64(h, w);
  }
  h = mix64(h, len ? load_tail(p, len) : 0x2545F4914F6CDD1Dull);
  return h ? h : 1u;
}

/* Feature f's row (zeros if the model lacks it) into w[0], its conjoined
 * copy's into w[1] (zeros without a profile). */
static void fill_rows(float w[2][LW], const idner__seqmodel *m, uint32_t f, uint32_t profile) {
  memset(w, 0, 2 * sizeof *w);
  idner__seqmodel_row(m, f, w[0]);
  if (profile) idner__seqmodel_row(m, conj_hash(f, profile), w[1]);
}

/* A set's LRU order: ways 0, 1, 2, 3 from the one used last. */
#define LRU_INIT 0xE4

/* order with way w (at some position) moved to the front */
static uint8_t lru_touch(uint8_t order, unsigned w) {
  unsigned pos = 0;
  while ((order >> 2 * pos & 3u) != w) pos++;
  unsigned below = order & ((1u << 2 * pos) - 1), above = order >> (2 * pos + 2) << (2 * pos + 2);
  return (uint8_t)(above | below << 2 | w);
}

/* Readies the doc's cache for model m, groups and profile: emptied when it
 * holds another model's rows (the cache outlives calls; models are told
 * apart by their file checksum; one without, built in memory, is never
 * trusted across calls), fixed rows for the profile. A slot is marked
 * empty while it is filled, so an error mid-call leaves nothing stale. */
static int32_t tagcache_prepare(idner_doc *d, const idner__seqmodel *m, uint32_t groups,
                                uint32_t profile, struct idner__tagcache **out) {
  uint64_t id = m->checksum ? (uint64_t)m->checksum << 32 | groups | 1u << 31 : 0;
  struct idner__tagcache *tc = d->emcache;
  if (!tc) {
    tc = d->emcache = calloc(1, sizeof *tc);
    if (!tc) return IDNER_ERR_NOMEM;
    tc->pairs = (pairset *)(tc->pair_mem + (64 - (uintptr_t)tc->pair_mem % 64) % 64);
    memset(tc->lru, LRU_INIT, sizeof tc->lru);
    tc->model = id;
    tc->profile = UINT32_MAX;
  } else if (tc->model != id || !id) {
    memset(tc->tri, 0, sizeof tc->tri);
    memset(tc->gz, 0, sizeof tc->gz);
    memset(tc->form_keys, 0, sizeof tc->form_keys);
    memset(tc->lru, LRU_INIT, sizeof tc->lru);
    memset(tc->pair_mem, 0, sizeof tc->pair_mem);
    /* (a pair key that collides with one of another profile reads its
     * pconj: only ever the current model's row numbers) */
    if (tc->pconj_used) memset(tc->pconj, 0, sizeof tc->pconj), tc->pconj_used = 0;
    tc->model = id;
    tc->profile = UINT32_MAX;
  }
  if (profile) tc->pconj_used = 1;
  if (tc->profile != profile) {
    for (uint32_t k = 0; k < NLROWS; k++) tc->lrow[k][0] = tc->lrow[k][1] = LR_UNSET;
    for (uint32_t v = 0; v < 2; v++) {
      fill_rows(tc->fixed[FX_DATE + v], m, feat_u32(F_DATE, v), profile);
      fill_rows(tc->fixed[FX_TITLE + v], m, feat_u32(F_TITLE_NEAR, v), profile);
    }
    for (uint32_t c = 0; c < 32; c++) {
      fill_rows(tc->fixed[FX_GZ + c], m, feat_u32(F_GZ, c), profile);
      fill_rows(tc->fixed[FX_CAND + c], m, feat_u32(c < 16 ? F_CAND_T : F_CAND_E, c), profile);
    }
    for (uint32_t v = 0; v < 8; v++) {
      fill_rows(tc->fixed[FX_DOC + v], m, feat_u32(F_DOC, v), profile);
      fill_rows(tc->fixed[FX_DOC_CAND + v], m, feat_u32(F_DOC_CAND, v), profile);
    }
    tc->profile = profile;
  }
  *out = tc;
  return IDNER_OK;
}

/* The rows of F_GZ_M1 = before and F_GZ_P1 = after (and their conjoined
 * copies) through the row cache: one probe for both. */
static const gzslot *cached_gz(struct idner__tagcache *tc, const idner__seqmodel *m,
                               uint32_t before, uint32_t after, uint32_t profile) {
  /* the values are 16-bit or 0xFFFFFFFF (outside the document): 17 bits each */
  uint64_t key = 1ull << 63 | (uint64_t)(before > 0xFFFFu ? 0x10000u : before) << 17 |
                 (after > 0xFFFFu ? 0x10000u : after);
  gzslot *g = &tc->gz[(key * 0x9E3779B97F4A7C15ull) >> 40 & (GZ_SLOTS - 1)];
  if (g->key != key || g->profile != profile) {
    g->key = 0;
    fill_rows(g->w[0], m, feat_u32(F_GZ_M1, before), profile);
    fill_rows(g->w[1], m, feat_u32(F_GZ_P1, after), profile);
    g->key = key, g->profile = profile;
  }
  return g;
}

/* A score being summed, LW lanes: acc_cached adds a cached row (LW wide,
 * zero last lane), acc_q an int16 row of the model. Lane by lane
 * these are the same float additions as a plain loop: SSE only does seven
 * of them at once. */
#if defined(__SSE2__) && !defined(IDNER_NO_SIMD)
typedef struct acc8 {
  __m128 lo, hi;
} acc8;
static void acc_set(acc8 *a, const float *r) { a->lo = _mm_loadu_ps(r), a->hi = _mm_loadu_ps(r + 4); }
static void acc_zero(acc8 *a) { a->lo = a->hi = _mm_setzero_ps(); }
static void acc_cached(acc8 *a, const float *r) {
  a->lo = _mm_add_ps(a->lo, _mm_loadu_ps(r));
  a->hi = _mm_add_ps(a->hi, _mm_loadu_ps(r + 4));
}
/* an int16 row (the zero lane too) times scale: per lane the float
 * (float)q * scale that the file format defines, then one addition */
static void acc_q(acc8 *a, const int16_t *q, float scale) {
  __m128i v = _mm_loadu_si128((const __m128i *)q);
  __m128 sc = _mm_set1_ps(scale);
  __m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 16), hi = _mm_srai_epi32(_mm_unpackhi_epi16(v, v), 16);
  a->lo = _mm_add_ps(a->lo, _mm_mul_ps(_mm_cvtepi32_ps(lo), sc));
  a->hi = _mm_add_ps(a->hi, _mm_mul_ps(_mm_cvtepi32_ps(hi), sc));
}
static void acc_get(const acc8 *a, float *out) { _mm_storeu_ps(out, a->lo), _mm_storeu_ps(out + 4, a->hi); }
#else
typedef struct acc8 {
  float v[LW];
} acc8;
static void acc_set(acc8 *a, const float *r) { memcpy(a->v, r, sizeof a->v); }
static void acc_zero(acc8 *a) { memset(a->v, 0, sizeof a->v); }
static void acc_cached(acc8 *a, const float *r) {
  for (int l = 0; l < LW; l++) a->v[l] += r[l];
}
static void acc_q(acc8 *a, const int16_t *q, float scale) {
  for (int l = 0; l < LW; l++) a->v[l] += (float)q[l] * scale;
}
static void acc_get(const acc8 *a, float *out) { memcpy(out, a->v, sizeof a->v); }
#endif
/* (The library is compiled as ISO C, -std=c11: no contraction of q * scale
 * + a into a fused multiply-add, whose single rounding would differ.) */

/* Adds the model's tagging row r (LW wide, zero last lane). */
static void acc_trow(acc8 *a, const idner__seqmodel *m, uint32_t r) {
  if (m->tq) acc_q(a, m->tq + (size_t)r * LW, m->tscale);
  else acc_cached(a, m->tf + (size_t)r * LW);
}

#define NO_ROW UINT32_MAX

/* The row number of a feature (NO_ROW if absent), its row's load started
 * (inline: a call costs a third of it). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline uint32_t find_row(const idner__seqmodel *m, uint32_t f) {
  long r = idner__seqmodel_lookup(m, f);
  if (r < 0) return NO_ROW;
  if (m->tq) IDNER__PREFETCH(m->tq + (size_t)r * LW);
  else IDNER__PREFETCH(m->tf + (size_t)r * LW);
  return (uint32_t)r;
}

/* Features [0, n) to their row numbers, in place (the caller prefetched
 * their keys: the tables are larger than the caches, the misses must
 * overlap; so do the rows' loads, started here). */
static void find_rows(const idner__seqmodel *m, uint32_t *feats, size_t n) {
  for (size_t k = 0; k < n; k++) feats[k] = find_row(m, feats[k]);
}

/* Adds rows [a, b) of find_rows to acc in order. */
static void add_rows(const idner__seqmodel *m, const uint32_t *rows, uint32_t a, uint32_t b,
                     acc8 *acc) {
  for (uint32_t k = a; k < b; k++)
    if (rows[k] != NO_ROW) acc_trow(acc, m, rows[k]);
}

/* Local row lr[idx] of feature f (its hash only computed on first use). */
#define LOCAL_ROW_(lr, tc, m, idx, f, profile)                                     \
  do {                                                                            \
    (lr) = (tc)->lrow[idx];                                                       \
    if ((lr)[0] == LR_UNSET) {                                                    \
      uint32_t f_ = (f);                                                          \
      long r_ = idner__seqmodel_lookup((m), f_);                                  \
      (lr)[0] = r_ < 0 ? NO_ROW : (uint32_t)r_;                                   \
      r_ = (profile) ? idner__seqmodel_lookup((m), conj_hash(f_, (profile))) : -1; \
      (lr)[1] = r_ < 0 ? NO_ROW : (uint32_t)r_;                                   \
    }                                                                             \
  } while (0)

/* Token j's local features as local_features emits them (same order), into
 * v: the row number already (local rows), or a feature hash, whose index
 * goes to look[*nlook] (their rows to be found). Returns how many. */
static uint32_t local_block(struct idner__tagcache *tc, const idner__seqmodel *m,
                            const idner_doc *d, size_t j, uint64_t fnv, const window *w,
                            uint32_t groups, uint32_t profile, uint32_t *v, uint8_t *look,
                            uint32_t *nlook) {
  uint32_t n = 0, nl = 0, kconj[16];
  uint32_t kn = 0; /* bit k: v[k] is a row */
#define PUT_ROW_(idx, f)                                    \
  do {                                                      \
    uint32_t *lr_;                                          \
    LOCAL_ROW_(lr_, tc, m, (idx), (f), profile);            \
    v[n] = lr_[0], kconj[n] = lr_[1], kn |= 1u << n, n++;   \
  } while (0)
  size_t l0 = d->fold_off.v[j + 1] - d->fold_off.v[j];
  const char *wd = d->fold.v + d->fold_off.v[j];
  PUT_ROW_(LR_BIAS, mix_h(F_BIAS, FNV_OFFSET)); /* the hash of "" */
  look[nl++] = (uint8_t)n, v[n++] = mix_h(F_W, fnv);
  static const uint32_t pre[3] = {F_PRE1, F_PRE2, F_PRE3}, suf[4] = {F_SUF1, F_SUF2, F_SUF3, F_SUF4};
  uint64_t h = FNV_OFFSET;
  for (size_t k = 1; k <= 3 && k < l0; k++) look[nl++] = (uint8_t)n, v[n++] = mix_h(pre[k - 1], h = (h ^ (unsigned char)wd[k - 1]) * FNV_PRIME);
  for (size_t k = 1; k <= 4 && k < l0; k++) look[nl++] = (uint8_t)n, v[n++] = mix_h(suf[k - 1], hash_more(FNV_OFFSET, wd + l0 - k, k));
  uint32_t len = l0 > 12 ? 12u : (uint32_t)l0;
  PUT_ROW_(LR_LEN + len, feat_u32(F_LEN, len));
  look[nl++] = (uint8_t)n, v[n++] = mix_h(F_SHAPE, w->sh[1].hash);
  const idner_token *t = &d->toks.v[j];
  uint32_t cap = (t->flags & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS | IDNER_SHAPE_LOWER)) |
                 ((t->flags & IDNER_SHAPE_SENT_START) ? 0x100u : 0u);
  PUT_ROW_(LR_CAP + ((cap & 7u) | (cap >> 8) << 3), feat_u32(F_CAPPOS, cap));
  if (t->kind < 16) PUT_ROW_(LR_KIND + t->kind, feat_u32(F_KIND, t->kind));
  else look[nl++] = (uint8_t)n, v[n++] = feat_u32(F_KIND, t->kind);
  if (groups & IDNER__FEAT_CLASSES) {
    uint32_t c = w->wc[1];
    look[nl++] = (uint8_t)n, v[n++] = feat_u32(F_WC_LR, c);
    if (c < 0xFFFEu) {
      PUT_ROW_(LR_WC_L + (c >> 8), feat_u32(F_WC_L, c >> 8));
      PUT_ROW_(LR_WC_R + (c & 0xFF), feat_u32(F_WC_R, c & 0xFF));
    }
  }
#undef PUT_ROW_
  if (profile) /* the conjoined copies, after */
    for (uint32_t k = 0, e = n; k < e; k++) {
      if (kn >> k & 1u) v[n] = kconj[k];
      else look[nl++] = (uint8_t)n, v[n] = conj_hash(v[k], profile);
      n++;
    }
  *nlook = nl;
  return n;
}

/* Token j's form block and shape, summed from the weight rows, into slot. */
static int32_t form_block(idner_doc *d, size_t j, uint32_t groups, uint32_t profile,
                          const idner__seqmodel *m, struct idner__tagcache *tc, formslot *slot) {
  int32_t rc;
  window w;
  size_t l0 = d->fold_off.v[j + 1] - d->fold_off.v[j];
  uint64_t fnv = idner__fnv_form(IDNER__FNV_OFFSET, d->fold.v + d->fold_off.v[j], l0);
  shape_at(d, (long)j, &w.sh[1]);
  w.wc[1] = (groups & IDNER__FEAT_CLASSES) ? word_class_of(m, fnv) : 0;
  d->feats.n = 0;
  if ((rc = IDNER__RESERVE(&d->feats, 2 * MAX_TOKEN_FEATS))) return rc;
  fbuf b = {d};
  uint32_t count[FORM_PARTS], nl;
  uint8_t look[32]; /* (at most 16 local features, twice with a profile) */
  count[0] = local_block(tc, m, d, j, fnv, &w, groups, profile, d->feats.v, look, &nl);
  d->feats.n = count[0];
  for (int r = 0; r < NROLES; r++)
    EMIT_GROUP(count[1 + r], role_features(&b, fnv, r, &w.sh[1], w.wc[1], groups));
  uint32_t *v = d->feats.v, nf = (uint32_t)d->feats.n;
  /* the local hashes, then the roles' (all hashes) */
  for (uint32_t k = 0; k < nl; k++) idner__seqmodel_prefetch(m, v[look[k]]);
  for (uint32_t k = count[0]; k < nf; k++) idner__seqmodel_prefetch(m, v[k]);
  for (uint32_t k = 0; k < nl; k++) v[look[k]] = find_row(m, v[look[k]]);
  find_rows(m, v + count[0], nf - count[0]);
  for (uint32_t p = 0, a = 0; p < FORM_PARTS; a += count[p], p++) {
    acc8 acc;
    acc_zero(&acc);
    add_rows(m, v, a, a + count[p], &acc);
    acc_get(&acc, slot->w[p]);
  }
  slot->shape = w.sh[1];
  slot->fnv = fnv;
  return IDNER_OK;
}

/* What the document's edges give token i (its neighbours outside). */
static int32_t edge_features(idner_doc *d, size_t i, uint32_t groups, uint32_t profile,
                             const idner__seqmodel *m, acc8 *acc) {
  size_t n = d->toks.n;
  shape_s edge_m, edge_p;
  shape_at(d, -1, &edge_m);
  shape_at(d, (long)n, &edge_p);
  int32_t rc;
  d->feats.n = 0;
  if ((rc = IDNER__RESERVE(&d->feats, 2 * MAX_TOKEN_FEATS))) return rc;
  fbuf b = {d};
  uint64_t hm = form_hash(d, -1), hp = form_hash(d, (long)n); /* the markers' */
  if (i < 1) role_features(&b, hm, ROLE_M1, &edge_m, 0xFFFEu, groups);
  if (i < 2) role_features(&b, hm, ROLE_M2, &edge_m, 0xFFFEu, groups);
  if (i + 1 >= n) role_features(&b, hp, ROLE_P1, &edge_p, 0xFFFEu, groups);
  if (i + 2 >= n) role_features(&b, hp, ROLE_P2, &edge_p, 0xFFFEu, groups);
  if (profile && (rc = conjoin_profile(d, 0, profile))) return rc;
  for (size_t k = 0; k < d->feats.n; k++) idner__seqmodel_prefetch(m, d->feats.v[k]);
  find_rows(m, d->feats.v, d->feats.n);
  add_rows(m, d->feats.v, 0, (uint32_t)d->feats.n, acc);
  return IDNER_OK;
}

/* A token's lexical context features: F_BI_M1, F_BI_P1, F_W_SHAPE_M1,
 * plain and conjoined; hashes until their rows are found. */
enum { LEX_BI_M1, LEX_BI_P1, LEX_W_SHAPE_M1, NLEX };

/* Feature f (and its conjoined copy) into lx[.][c], keys prefetched. */
static ALWAYS_INLINE void lex_hash(uint32_t lx[2][NLEX], int c, uint32_t f, uint32_t profile,
                     const idner__seqmodel *m) {
  lx[0][c] = f;
  idner__seqmodel_prefetch(m, f);
  if (profile) {
    lx[1][c] = conj_hash(f, profile);
    idner__seqmodel_prefetch(m, lx[1][c]);
  }
}

/* The hashes in lx[.][c] to their row numbers. */
static ALWAYS_INLINE void lex_find(uint32_t lx[2][NLEX], int c, int nconj, const idner__seqmodel *m) {
  for (int k = 0; k < nconj; k++) lx[k][c] = find_row(m, lx[k][c]);
}

/* Starts loading row r (if any). */
static ALWAYS_INLINE void prefetch_row(const idner__seqmodel *m, uint32_t r) {
  if (r == NO_ROW) return;
  if (m->tq) IDNER__PREFETCH(m->tq + (size_t)r * LW);
  else IDNER__PREFETCH(m->tf + (size_t)r * LW);
}

/* The pair cache's key for tokens of form keys a, b (never 0). */
static uint64_t pair_key(uint64_t a, uint64_t b) { return mix64(a ^ 0x5851F42D4C957F2Dull, b) | 1u; }
static size_t pair_set(uint64_t pk) { return pk >> 20 & (PAIR_SETS - 1); }

/* Tagging: d->scores (n x labels) for every token, in one pass. Stage j
 * gets token j's form block (from the cache or the rows) and the word
 * pair (j - 1, j)'s rows from the pair cache, or their hashes, whose rows
 * are found two stages on (their keys prefetched); token j - LEAD, whose
 * neighbours' blocks and rows are all in the ring by then, is scored. */
static int32_t emission_scores(idner_doc *d, uint32_t groups, uint32_t profile,
                               const idner__seqmodel *m) {
  enum { LEAD = 4, RING = 8 };
  size_t n = d->toks.n;
  int32_t rc;
  struct idner__tagcache *tc;
  if ((rc = IDNER__RESERVE(&d->scores, n * L_ + 1)) ||
      (rc = tagcache_prepare(d, m, groups, profile, &tc)))
    return rc;
  shape_s edge_m, edge_p;
  shape_at(d, -1, &edge_m);
  shape_at(d, (long)n, &edge_p);
  /* Tokens j - LEAD - 2 .. j: their form slots, or a copy kept when a
   * later token's miss takes over a slot still needed. */
  const formslot *blk[RING];
  formslot kept[RING];
  uint32_t lex[RING][2][NLEX]; /* hashes, then rows */
  size_t pend[RING];            /* stage j's pair set + 1 to fill when its rows are found, or 0 */
  uint64_t pend_key[RING];
  int nconj = profile ? 2 : 1;
  /* form keys and pair keys two tokens ahead, their slots prefetched */
  uint64_t keys[2] = {n ? form_key(d, 0, profile) : 0, n > 1 ? form_key(d, 1, profile) : 0};
  uint64_t pkeys[2] = {0, n > 1 ? pair_key(keys[0], keys[1]) : 0};
  for (size_t j = 0; j < n + LEAD; j++) {
    if (j < n) {
      size_t r = j % RING;
      uint64_t key = keys[j & 1], pk = pkeys[j & 1];
      if (j + 2 < n) {
        uint64_t k2 = keys[j & 1] = form_key(d, j + 2, profile);
        IDNER__PREFETCH(tc->form_keys[k2 & (FORM_SETS - 1)]);
        pkeys[j & 1] = pair_key(keys[(j + 1) & 1], k2);
        IDNER__PREFETCH(&tc->pairs[pair_set(pkeys[j & 1])]);
      }
      size_t set = key & (FORM_SETS - 1);
      uint64_t *fk = tc->form_keys[set];
      unsigned way = fk[0] == key ? 0 : fk[1] == key ? 1 : fk[2] == key ? 2 : fk[3] == key ? 3 : FORM_WAYS;
      if (way == FORM_WAYS) {
        way = tc->lru[set] >> 6; /* the way used least recently */
        formslot *fs = &tc->forms[set][way];
        for (size_t q = j > LEAD + 2 ? j - LEAD - 2 : 0; q < j; q++)
          if (blk[q % RING] == fs) kept[q % RING] = *fs, blk[q % RING] = &kept[q % RING];
        fk[way] = 0;
        if ((rc = form_block(d, j, groups, profile, m, tc, fs))) return rc;
        fk[way] = key;
      }
      if ((tc->lru[set] & 3u) != way) tc->lru[set] = lru_touch(tc->lru[set], way);
      const formslot *fs = &tc->forms[set][way];
      /* its lines (208 bytes: four points 64 apart and the last byte) */
      IDNER__PREFETCH(fs), IDNER__PREFETCH((const char *)fs + 64);
      IDNER__PREFETCH((const char *)fs + 128), IDNER__PREFETCH((const char *)fs + sizeof *fs - 1);
      blk[r] = fs;
      pend[r] = 0;
      if (j == 0) { /* the pair with the document's start */
        lex_hash(lex[r], LEX_BI_M1, mix_h(F_BI_M1, pair_hash(d, -1, 0)), profile, m);
        lex_hash(lex[r], LEX_W_SHAPE_M1, mix_h(F_W_SHAPE_M1, word_shape_hash(d, 0, &fs->shape, 0)),
                 profile, m);
      } else {
        size_t rp = (j - 1) % RING;
        size_t pset = pair_set(pk);
        pairset *ps = &tc->pairs[pset];
        unsigned pw = ps->key[0] == pk ? 0 : ps->key[1] == pk ? 1 : ps->key[2] == pk ? 2 : PAIR_WAYS;
        if (pw < PAIR_WAYS) {
          uint32_t order = ps->order ^ 4u;
          if ((order & 3u) != pw) ps->order = (pw | (order & 3u) << 2) ^ 4u;
          for (int k = 0; k < nconj; k++) {
            const uint32_t *row = k ? tc->pconj[pset][pw] : ps->row[pw];
            lex[rp][k][LEX_BI_P1] = row[0];
            lex[r][k][LEX_BI_M1] = row[1];
            lex[r][k][LEX_W_SHAPE_M1] = row[2];
            for (int c = 0; c < 3; c++) prefetch_row(m, row[c]);
          }
        } else {
          uint64_t hm1 = blk[rp]->fnv, pair = pair_hash(d, (long)j - 1, hm1);
          lex_hash(lex[rp], LEX_BI_P1, mix_h(F_BI_P1, pair), profile, m);
          lex_hash(lex[r], LEX_BI_M1, mix_h(F_BI_M1, pair), profile, m);
          lex_hash(lex[r], LEX_W_SHAPE_M1,
                   mix_h(F_W_SHAPE_M1, word_shape_hash(d, (long)j, &fs->shape, hm1)), profile, m);
          pend[r] = pset + 1, pend_key[r] = pk;
        }
      }
      if (j + 1 == n) /* the pair with the document's end */
        lex_hash(lex[r], LEX_BI_P1, mix_h(F_BI_P1, pair_hash(d, (long)j, fs->fnv)), profile, m);
    }
    /* two stages on, the keys are in: the rows of the hashes of stage j - 2 */
    if (j >= 2 && j - 2 < n) {
      size_t s = j - 2, rs = s % RING, rp = (s + RING - 1) % RING;
      if (s == 0) {
        lex_find(lex[rs], LEX_BI_M1, nconj, m);
        lex_find(lex[rs], LEX_W_SHAPE_M1, nconj, m);
      } else if (pend[rs]) {
        lex_find(lex[rp], LEX_BI_P1, nconj, m);
        lex_find(lex[rs], LEX_BI_M1, nconj, m);
        lex_find(lex[rs], LEX_W_SHAPE_M1, nconj, m);
        size_t set = pend[rs] - 1; /* the way used least recently goes */
        pairset *ps = &tc->pairs[set];
        uint32_t order = ps->order ^ 4u;
        unsigned w = 3u - (order & 3u) - (order >> 2 & 3u);
        ps->key[w] = pend_key[rs];
        for (int k = 0; k < nconj; k++) {
          uint32_t *row = k ? tc->pconj[set][w] : ps->row[w];
          row[0] = lex[rp][k][LEX_BI_P1];
          row[1] = lex[rs][k][LEX_BI_M1];
          row[2] = lex[rs][k][LEX_W_SHAPE_M1];
        }
        ps->order = (w | (order & 3u) << 2) ^ 4u;
      }
      if (s + 1 == n) lex_find(lex[rs], LEX_BI_P1, nconj, m);
    }
    if (j < LEAD) continue;
    size_t i = j - LEAD, r = i % RING;
    acc8 acc;
    acc_set(&acc, blk[r]->w[0]);
    if (i >= 1) acc_cached(&acc, blk[(i - 1) % RING]->w[1]);
    if (i >= 2) acc_cached(&acc, blk[(i - 2) % RING]->w[2]);
    if (i + 1 < n) acc_cached(&acc, blk[(i + 1) % RING]->w[3]);
    if (i + 2 < n) acc_cached(&acc, blk[(i + 2) % RING]->w[4]);
    if ((i < 2 || i + 2 >= n) && (rc = edge_features(d, i, groups, profile, m, &acc))) return rc;
    /* the context's rows */
    const shape_s *sm = i ? &blk[(i - 1) % RING]->shape : &edge_m, *s0 = &blk[r]->shape,
                  *sp = i + 1 < n ? &blk[(i + 1) % RING]->shape : &edge_p;
    uint64_t tri_key =
        mix64(sm->hash * 0xD6E8FEB86659FD93ull ^ s0->hash * 0xA0761D6478BD642Full ^ sp->hash, profile) | 1u;
    rowslot *tri = &tc->tri[tri_key & (TRI_SLOTS - 1)];
    if (tri->key != tri_key) {
      tri->key = tri_key;
      fill_rows(tri->w, m, mix_h(F_SHAPE_TRI, shape_tri_hash(sm, s0, sp)), profile);
    }
    uint32_t in_date = d->ev.v[i].in_date, here = 0, cm = 0, near = 0, dv = 0, ct = 0;
    float other_date[2][LW]; /* (in_date is 0 or 1) */
    float(*date)[LW] = other_date;
    if (in_date < 2) date = tc->fixed[FX_DATE + in_date];
    else fill_rows(other_date, m, feat_u32(F_DATE, in_date), profile);
    const gzslot *gz = NULL;
    if (groups & IDNER__FEAT_GAZETTEER) {
      here = d->gzmask.v[i], cm = d->candmask.v[i], near = title_near(d, i);
      gz = cached_gz(tc, m, gz_before(d, i), gz_after(d, i), profile);
    }
    if (groups & IDNER__FEAT_DOCUMENT) dv = doc_evidence(d, i, &ct);
    for (int k = 0; k < nconj; k++) {
      if (lex[r][k][0] != NO_ROW) acc_trow(&acc, m, lex[r][k][0]);
      if (lex[r][k][1] != NO_ROW) acc_trow(&acc, m, lex[r][k][1]);
      acc_cached(&acc, tri->w[k]);
      if (lex[r][k][2] != NO_ROW) acc_trow(&acc, m, lex[r][k][2]);
      acc_cached(&acc, date[k]);
      if (groups & IDNER__FEAT_GAZETTEER) {
        for (uint32_t b = here; b; b &= b - 1) acc_cached(&acc, tc->fixed[FX_GZ + ctz32(b)][k]);
        acc_cached(&acc, gz->w[0][k]);
        acc_cached(&acc, gz->w[1][k]);
        for (uint32_t b = cm; b; b &= b - 1) acc_cached(&acc, tc->fixed[FX_CAND + ctz32(b)][k]);
        acc_cached(&acc, tc->fixed[FX_TITLE + near][k]);
      }
      if (groups & IDNER__FEAT_DOCUMENT) {
        acc_cached(&acc, tc->fixed[FX_DOC + dv][k]);
        for (uint32_t b = ct & 0xFEu; b; b &= b - 1)
          acc_cached(&acc, tc->fixed[FX_DOC_CAND + ctz32(b)][k]);
      }
    }
    /* LW floats: the last lands on token i + 1's first score, written
     * next (scores has room for n x labels + 1) */
    acc_get(&acc, d->scores.v + i * L_);
  }
  return IDNER_OK;
}
