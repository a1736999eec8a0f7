/* seqfeatures.c — feature extraction for the sequence model. Every feature is
 * a template id plus a string, hashed to 32 bits; the model maps hashes to
 * weight rows. Features only read the doc, so training and tagging see
 * exactly the same ones. */
#include "seqfeatures.h"

#include <string.h>

#include "fold.h"
#include "tagger.h"

enum {
  F_BIAS = 1, F_W, F_WM1, F_WP1, F_WM2, F_WP2, F_BI_M1, F_BI_P1, F_SHAPE, F_SHAPE_M1,
  F_SHAPE_P1, F_SHAPE_TRI, F_PRE1, F_PRE2, F_PRE3, F_SUF1, F_SUF2, F_SUF3, F_SUF4, F_CAPPOS,
  F_KIND, F_GZ, F_GZ_M1, F_GZ_P1, F_CAND_T, F_CAND_E, F_DATE, F_DOC, F_LEN, F_TITLE_NEAR,
  F_W_SHAPE_M1, F_WC_L, F_WC_R, F_WC_LR, F_WC_LR_M1, F_WC_LR_P1, F_DOC_CAND
};

typedef struct fbuf {
  idner_doc *d;
  int32_t rc;
} fbuf;

static uint32_t mix(uint32_t tmpl, const char *s, size_t len) {
  uint64_t h = idner__hash(s, len) ^ ((uint64_t)tmpl * 0x9E3779B97F4A7C15ull);
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return (uint32_t)h ? (uint32_t)h : 1u;
}

static void put(fbuf *b, uint32_t tmpl, const char *s, size_t len) {
  if (b->rc) return;
  idner_doc *d = b->d;
  if ((b->rc = IDNER__RESERVE(&d->feats, d->feats.n + 1))) return;
  d->feats.v[d->feats.n++] = mix(tmpl, s, len);
}

static void put_u32(fbuf *b, uint32_t tmpl, uint32_t v) {
  char s[4] = {(char)(v & 0xFF), (char)(v >> 8 & 0xFF), (char)(v >> 16 & 0xFF), (char)(v >> 24)};
  put(b, tmpl, s, 4);
}

/* folded form of token i, or a boundary marker outside the document */
static const char *form(const idner_doc *d, long i, size_t *len) {
  if (i < 0) { *len = 4; return "<s>"; }
  if ((size_t)i >= d->toks.n) { *len = 5; return "</s>"; }
  *len = d->fold_off.v[i + 1] - d->fold_off.v[i];
  return d->fold.v + d->fold_off.v[i];
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

static void word_features(fbuf *b, const idner_doc *d, size_t i) {
  size_t l0, lm1, lp1, lm2, lp2;
  const char *w = form(d, (long)i, &l0), *m1 = form(d, (long)i - 1, &lm1),
             *p1 = form(d, (long)i + 1, &lp1), *m2 = form(d, (long)i - 2, &lm2),
             *p2 = form(d, (long)i + 2, &lp2);
  put(b, F_W, w, l0);
  put(b, F_WM1, m1, lm1);
  put(b, F_WP1, p1, lp1);
  put(b, F_WM2, m2, lm2);
  put(b, F_WP2, p2, lp2);
  char bi[128];
  size_t a = lm1 < 60 ? lm1 : 60, c = l0 < 60 ? l0 : 60;
  memcpy(bi, m1, a);
  bi[a] = '|';
  memcpy(bi + a + 1, w, c);
  put(b, F_BI_M1, bi, a + 1 + c);
  a = l0 < 60 ? l0 : 60;
  c = lp1 < 60 ? lp1 : 60;
  memcpy(bi, w, a);
  bi[a] = '|';
  memcpy(bi + a + 1, p1, c);
  put(b, F_BI_P1, bi, a + 1 + c);
  /* affixes on bytes of the folded form (Indonesian affixes are ASCII) */
  static const uint32_t pre[3] = {F_PRE1, F_PRE2, F_PRE3}, suf[4] = {F_SUF1, F_SUF2, F_SUF3, F_SUF4};
  for (size_t k = 1; k <= 3 && k < l0; k++) put(b, pre[k - 1], w, k);
  for (size_t k = 1; k <= 4 && k < l0; k++) put(b, suf[k - 1], w + l0 - k, k);
  put_u32(b, F_LEN, l0 > 12 ? 12 : (uint32_t)l0);
}

static void shape_features(fbuf *b, const idner_doc *d, size_t i) {
  char s0[24], sm[24], sp[24], tri[80];
  shape(d, i, s0, sizeof s0);
  if (i > 0) shape(d, i - 1, sm, sizeof sm); else strcpy(sm, "<s>");
  if (i + 1 < d->toks.n) shape(d, i + 1, sp, sizeof sp); else strcpy(sp, "</s>");
  size_t l0 = strlen(s0), lm = strlen(sm), lp = strlen(sp), n = 0;
  put(b, F_SHAPE, s0, l0);
  put(b, F_SHAPE_M1, sm, lm);
  put(b, F_SHAPE_P1, sp, lp);
  /* joined by hand: snprintf showed in profiles (all parts are < 24 bytes) */
  memcpy(tri + n, sm, lm), n += lm, tri[n++] = '|';
  memcpy(tri + n, s0, l0), n += l0, tri[n++] = '|';
  memcpy(tri + n, sp, lp), n += lp;
  put(b, F_SHAPE_TRI, tri, n);
  size_t l;
  const char *wm1 = form(d, (long)i - 1, &l);
  l = l < 40 ? l : 40;
  memcpy(tri, wm1, l);
  tri[l] = '|';
  memcpy(tri + l + 1, s0, l0);
  put(b, F_W_SHAPE_M1, tri, l + 1 + l0);
  const idner_token *t = &d->toks.v[i];
  uint32_t cap = (t->flags & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS | IDNER_SHAPE_LOWER)) |
                 ((t->flags & IDNER_SHAPE_SENT_START) ? 0x100u : 0u);
  put_u32(b, F_CAPPOS, cap);
  put_u32(b, F_KIND, t->kind);
}

/* Gazetteer classes covering tokens: B (match starts here) / I (inside). */
static void gz_features(fbuf *b, const idner_doc *d, size_t i) {
  uint32_t here = d->gzmask.v[i];
  for (uint32_t c = 0; c < 32; c++)
    if (here >> c & 1u) put_u32(b, F_GZ, c);
  put_u32(b, F_GZ_M1, i > 0 ? d->gzmask.v[i - 1] & 0xFFFFu : 0xFFFFFFFFu);
  put_u32(b, F_GZ_P1, i + 1 < d->toks.n ? d->gzmask.v[i + 1] & 0xFFFFu : 0xFFFFFFFFu);
  uint32_t cm = d->candmask.v[i];
  for (uint32_t c = 0; c < 16; c++)
    if (cm >> c & 1u) put_u32(b, F_CAND_T, c);
  for (uint32_t c = 16; c < 32; c++)
    if (cm >> c & 1u) put_u32(b, F_CAND_E, c);
  /* a title within the two previous tokens */
  int near = (i > 0 && (d->gzmask.v[i - 1] & (1u << IDNER__GZ_TITLE))) ||
             (i > 1 && (d->gzmask.v[i - 2] & (1u << IDNER__GZ_TITLE)));
  put_u32(b, F_TITLE_NEAR, (uint32_t)near);
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
    for (uint32_t c = 1; c < IDNER__GZ_NCLASSES; c++) {
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
  if ((rc = IDNER__RESERVE(&d->formtab, ns))) return rc;
  memset(d->formtab.v, 0, ns * sizeof *d->formtab.v);
  d->formtab_slots = ns;
  for (size_t i = 0; i < n; i++) {
    uint64_t h = d->fold_hash.v[i] | 1u;
    size_t s = (size_t)h & (ns - 1);
    while (d->formtab.v[s].hash && d->formtab.v[s].hash != h) s = (s + 1) & (ns - 1);
    d->formtab.v[s].hash = h;
    const idner_token *t = &d->toks.v[i];
    d->formtab.v[s].cand_types |= d->candmask.v[i] & 0xFEu;
    if (t->flags & IDNER_SHAPE_LOWER) d->formtab.v[s].lower++;
    else if ((t->flags & IDNER_SHAPE_CAPITALIZED) && !(t->flags & IDNER_SHAPE_SENT_START))
      d->formtab.v[s].capmid++;
  }
  return IDNER_OK;
}

static void doc_features(fbuf *b, const idner_doc *d, size_t i) {
  uint64_t h = d->fold_hash.v[i] | 1u;
  size_t ns = d->formtab_slots, s = (size_t)h & (ns - 1);
  while (d->formtab.v[s].hash != h) s = (s + 1) & (ns - 1);
  const idner_token *t = &d->toks.v[i];
  uint32_t self_cap = (t->flags & IDNER_SHAPE_CAPITALIZED) && !(t->flags & IDNER_SHAPE_SENT_START);
  uint32_t self_low = (t->flags & IDNER_SHAPE_LOWER) != 0;
  uint32_t capmid = d->formtab.v[s].capmid - self_cap, lower = d->formtab.v[s].lower - self_low;
  put_u32(b, F_DOC, (capmid ? 1u : 0u) | (lower ? 2u : 0u) |
                    ((t->flags & IDNER_SHAPE_SENT_START) ? 4u : 0u));
  /* what the rules proposed for this form anywhere in the document */
  uint32_t ct = d->formtab.v[s].cand_types;
  for (uint32_t c = 1; c < 8; c++)
    if (ct >> c & 1u) put_u32(b, F_DOC_CAND, c);
}

/* Appends each of token i's features conjoined with the profile. */
static int32_t conjoin_profile(idner_doc *d, uint32_t start, uint32_t profile) {
  uint32_t end = (uint32_t)d->feats.n;
  int32_t rc = IDNER__RESERVE(&d->feats, d->feats.n + (end - start));
  if (rc) return rc;
  for (uint32_t k = start; k < end; k++) {
    uint32_t f = d->feats.v[k] ^ (profile * 0x9E3779B1u);
    f ^= f >> 15;
    f *= 0x2C1B3C6Du;
    f ^= f >> 12;
    d->feats.v[d->feats.n++] = f ? f : 1u;
  }
  return IDNER_OK;
}

/* Context class of token i as a 16-bit (left << 8 | right), or 0xFFFF. */
static uint32_t word_class(const idner_doc *d, const idner__seqmodel *m, long i) {
  if (i < 0 || (size_t)i >= d->toks.n) return 0xFFFEu;
  uint8_t l, r;
  if (!m || !idner__seqmodel_class(m, idner__wc_key(d->fold_hash.v[i]), &l, &r)) return 0xFFFFu;
  return (uint32_t)l << 8 | r;
}

static void class_features(fbuf *b, const idner_doc *d, const idner__seqmodel *m, size_t i) {
  uint32_t c = word_class(d, m, (long)i);
  put_u32(b, F_WC_LR, c);
  if (c < 0xFFFEu) {
    put_u32(b, F_WC_L, c >> 8);
    put_u32(b, F_WC_R, c & 0xFF);
  }
  put_u32(b, F_WC_LR_M1, word_class(d, m, (long)i - 1));
  put_u32(b, F_WC_LR_P1, word_class(d, m, (long)i + 1));
}

int32_t idner__extract_features(idner_doc *d, uint32_t groups, uint32_t profile,
                                const idner__seqmodel *classes) {
  size_t n = d->toks.n;
  int32_t rc;
  d->feats.n = 0;
  if ((rc = IDNER__RESERVE(&d->feat_off, n + 1)) || (rc = build_masks(d))) return rc;
  if ((groups & IDNER__FEAT_DOCUMENT) && (rc = count_forms(d))) return rc;
  fbuf b = {d, IDNER_OK};
  for (size_t i = 0; i < n && !b.rc; i++) {
    d->feat_off.v[i] = (uint32_t)d->feats.n;
    put(&b, F_BIAS, "", 0);
    word_features(&b, d, i);
    shape_features(&b, d, i);
    put_u32(&b, F_DATE, d->ev.v[i].in_date);
    if (groups & IDNER__FEAT_GAZETTEER) gz_features(&b, d, i);
    if (groups & IDNER__FEAT_DOCUMENT) doc_features(&b, d, i);
    if (groups & IDNER__FEAT_CLASSES) class_features(&b, d, classes, i);
    if (profile && !b.rc) b.rc = conjoin_profile(d, d->feat_off.v[i], profile);
  }
  d->feat_off.v[n] = (uint32_t)d->feats.n;
  return b.rc;
}
