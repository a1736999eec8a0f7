/* seqfeatures.c — feature extraction for the sequence model. Every feature is
 * a template id plus a string, hashed to 32 bits; the model maps hashes to
 * weight rows. Features only read the doc, so training and tagging see
 * exactly the same ones. */
#include "seqfeatures.h"

#include <stdlib.h>
#include <string.h>

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

/* The feature hash of template tmpl and a string whose idner__hash is h. */
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

static void put(fbuf *b, uint32_t tmpl, const char *s, size_t len) {
  put_h(b, tmpl, idner__hash(s, len));
}

static void put_u32(fbuf *b, uint32_t tmpl, uint32_t v) {
  char s[4] = {(char)(v & 0xFF), (char)(v >> 8 & 0xFF), (char)(v >> 16 & 0xFF), (char)(v >> 24)};
  put(b, tmpl, s, 4);
}

/* folded form of token i, or a boundary marker outside the document (the
 * markers' NUL is part of their hashed bytes, as in the trained models) */
static const char *form(const idner_doc *d, long i, size_t *len) {
  if (i < 0) { *len = 4; return "<s>"; }
  if ((size_t)i >= d->toks.n) { *len = 5; return "</s>"; }
  *len = d->fold_off.v[i + 1] - d->fold_off.v[i];
  return d->fold.v + d->fold_off.v[i];
}

/* idner__hash of form(d, i): precomputed for tokens. */
static uint64_t form_hash(const idner_doc *d, long i) {
  if (i < 0) return idner__hash("<s>", 4);
  if ((size_t)i >= d->toks.n) return idner__hash("</s>", 5);
  return d->fold_hash.v[i];
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
} shape_s;

static void shape_at(const idner_doc *d, long i, shape_s *out) {
  if (i < 0) strcpy(out->s, "<s>"), out->len = 3;
  else if ((size_t)i >= d->toks.n) strcpy(out->s, "</s>"), out->len = 4;
  else out->len = shape(d, (size_t)i, out->s, sizeof out->s);
}

/* Context class of token i as a 16-bit (left << 8 | right), or 0xFFFF. */
static uint32_t word_class(const idner_doc *d, const idner__seqmodel *m, long i) {
  if (i < 0 || (size_t)i >= d->toks.n) return 0xFFFEu;
  uint8_t l, r;
  if (!m || !idner__seqmodel_class(m, idner__wc_key(d->fold_hash.v[i]), &l, &r)) return 0xFFFFu;
  return (uint32_t)l << 8 | r;
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
 * cached per token form (tagger.c). */
static void local_features(fbuf *b, const idner_doc *d, size_t i, const window *w,
                           uint32_t groups) {
  size_t l0;
  const char *wd = form(d, (long)i, &l0);
  put(b, F_BIAS, "", 0);
  put_h(b, F_W, d->fold_hash.v[i]);
  /* affixes on bytes of the folded form (Indonesian affixes are ASCII) */
  static const uint32_t pre[3] = {F_PRE1, F_PRE2, F_PRE3}, suf[4] = {F_SUF1, F_SUF2, F_SUF3, F_SUF4};
  for (size_t k = 1; k <= 3 && k < l0; k++) put(b, pre[k - 1], wd, k);
  for (size_t k = 1; k <= 4 && k < l0; k++) put(b, suf[k - 1], wd + l0 - k, k);
  put_u32(b, F_LEN, l0 > 12 ? 12 : (uint32_t)l0);
  put(b, F_SHAPE, w->sh[1].s, w->sh[1].len);
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

static void role_features(fbuf *b, const idner_doc *d, long j, int role, const shape_s *sh,
                          uint32_t wc, uint32_t groups) {
  switch (role) {
    case ROLE_M1:
      put_h(b, F_WM1, form_hash(d, j));
      put(b, F_SHAPE_M1, sh->s, sh->len);
      if (groups & IDNER__FEAT_CLASSES) put_u32(b, F_WC_LR_M1, wc);
      break;
    case ROLE_M2: put_h(b, F_WM2, form_hash(d, j)); break;
    case ROLE_P1:
      put_h(b, F_WP1, form_hash(d, j));
      put(b, F_SHAPE_P1, sh->s, sh->len);
      if (groups & IDNER__FEAT_CLASSES) put_u32(b, F_WC_LR_P1, wc);
      break;
    default: put_h(b, F_WP2, form_hash(d, j)); break;
  }
}

/* idner__hash (FNV-1a) of the bytes hashed to h followed by s[0..len):
 * FNV has no finalization, so a string's hash is the state to go on from. */
static uint64_t hash_more(uint64_t h, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

/* Hash of "a|b" with a, b cut to cut bytes; ha is the hash of all of a. */
static uint64_t joined_hash(const char *a, size_t la, uint64_t ha, const char *b, size_t lb,
                            size_t cut) {
  uint64_t h = la <= cut ? ha : idner__hash(a, cut);
  return hash_more(hash_more(h, "|", 1), b, lb < cut ? lb : cut);
}

/* Context features of token i that involve more than one token. */
static void context_word_features(fbuf *b, const idner_doc *d, size_t i, const window *w) {
  size_t l0, lm1, lp1;
  const char *wd = form(d, (long)i, &l0), *m1 = form(d, (long)i - 1, &lm1),
             *p1 = form(d, (long)i + 1, &lp1);
  uint64_t hm1 = form_hash(d, (long)i - 1);
  put_h(b, F_BI_M1, joined_hash(m1, lm1, hm1, wd, l0, 60));
  put_h(b, F_BI_P1, joined_hash(wd, l0, d->fold_hash.v[i], p1, lp1, 60));
  const shape_s *sm = &w->sh[0], *s0 = &w->sh[1], *sp = &w->sh[2];
  char tri[80];
  size_t n = 0;
  memcpy(tri + n, sm->s, sm->len), n += sm->len, tri[n++] = '|';
  memcpy(tri + n, s0->s, s0->len), n += s0->len, tri[n++] = '|';
  memcpy(tri + n, sp->s, sp->len), n += sp->len;
  put(b, F_SHAPE_TRI, tri, n);
  uint64_t h = hash_more(lm1 <= 40 ? hm1 : idner__hash(m1, 40), "|", 1);
  put_h(b, F_W_SHAPE_M1, hash_more(h, s0->s, s0->len));
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


/* Key of token i's local features: its bytes, shape flags, kind and the
 * profile (64-bit; a collision would only borrow another form's local
 * scores). Never 0, which marks an empty cache slot. */
static uint64_t local_key(const idner_doc *d, size_t i, uint32_t profile) {
  const idner_token *t = &d->toks.v[i];
  uint64_t h = idner__hash(d->text + t->byte_start, t->byte_end - t->byte_start);
  h ^= ((uint64_t)t->flags << 40 | (uint64_t)t->kind << 24 | profile) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 31;
  return h ? h : 1u;
}

/* Empties the doc's emission cache when it was filled with another model
 * (the cache outlives calls; models are told apart by their file checksum
 * and feature groups). Returns 0 if the model cannot be cached. */
static int32_t cache_prepare(idner_doc *d, const idner__seqmodel *m, int *usable) {
  *usable = 0;
  if (!m || !m->checksum) return IDNER_OK; /* a model being trained */
  uint64_t id = (uint64_t)m->checksum << 32 | m->feature_groups | 1u << 31;
  if (!d->emcache) {
    d->emcache = calloc(IDNER__EMCACHE_SLOTS, sizeof *d->emcache);
    if (!d->emcache) return IDNER_ERR_NOMEM;
    d->emcache_model = id;
  } else if (d->emcache_model != id || d->emcache_pending) {
    /* another model's scores, or slots claimed by an extraction whose
     * tagging never ran (an error in between) */
    memset(d->emcache, 0, IDNER__EMCACHE_SLOTS * sizeof *d->emcache);
    d->emcache_model = id;
  }
  *usable = 1;
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

int32_t idner__extract_features(idner_doc *d, uint32_t groups, uint32_t profile,
                                const idner__seqmodel *m, int tagging) {
  size_t n = d->toks.n;
  int32_t rc;
  int cached = 0;
  d->feats.n = 0;
  if ((rc = IDNER__RESERVE(&d->feat_off, n + 1)) || (rc = IDNER__RESERVE(&d->local, n + 1)) ||
      (rc = build_masks(d)))
    return rc;
  if ((groups & IDNER__FEAT_DOCUMENT) && (rc = count_forms(d))) return rc;
  if (tagging && (rc = cache_prepare(d, m, &cached))) return rc;
  fbuf b = {d};
  /* Tagging needs a token's class only when its form block is extracted
   * (a cache miss): the window leaves classes out then. */
  uint32_t wgroups = tagging ? groups & ~IDNER__FEAT_CLASSES : groups;
  window w;
  if (n) {
    window_fill(&w, 1, d, m, wgroups, -1);
    window_fill(&w, 2, d, m, wgroups, 0);
  }
  shape_s edge_m = {"<s>", 3}, edge_p = {"</s>", 4};
  for (size_t i = 0; i < n; i++) {
    window_shift(&w, d, m, wgroups, (long)i + 1);
    if ((rc = IDNER__RESERVE(&d->feats, d->feats.n + 2 * MAX_TOKEN_FEATS))) return rc;
    uint32_t start = (uint32_t)d->feats.n;
    d->feat_off.v[i] = start;
    idner__localref *lr = &d->local.v[i];
    memset(lr, 0, sizeof *lr);
    if (tagging) {
      lr->key = local_key(d, i, profile);
      /* The token's form block: its local features and what it adds to
       * its neighbours' scores, unless the cache has them. */
      size_t slot = (size_t)(lr->key & (IDNER__EMCACHE_SLOTS - 1));
      if (cached && d->emcache[slot].key == lr->key) {
        lr->hit = (uint32_t)slot + 1;
      } else {
        /* Claim the slot: tagging fills it from this token's rows before
         * any later token of the same form reads it (tokens go in order). */
        if (cached) d->emcache[slot].key = lr->key, d->emcache_pending = 1;
        if (groups & IDNER__FEAT_CLASSES) w.wc[1] = word_class(d, m, (long)i);
        EMIT_GROUP(lr->count[0], local_features(&b, d, i, &w, groups));
        for (int r = 0; r < NROLES; r++)
          EMIT_GROUP(lr->count[1 + r], role_features(&b, d, (long)i, r, &w.sh[1], w.wc[1], groups));
      }
      /* Neighbours outside the document contribute here. */
      uint32_t ctx = (uint32_t)d->feats.n;
      if (i < 1) role_features(&b, d, -1, ROLE_M1, &edge_m, 0xFFFEu, groups);
      if (i < 2) role_features(&b, d, (long)i - 2, ROLE_M2, &edge_m, 0xFFFEu, groups);
      if (i + 1 >= n) role_features(&b, d, (long)n, ROLE_P1, &edge_p, 0xFFFEu, groups);
      if (i + 2 >= n) role_features(&b, d, (long)n, ROLE_P2, &edge_p, 0xFFFEu, groups);
      if (profile && (rc = conjoin_profile(d, ctx, profile))) return rc;
    } else {
      /* Training: every feature of the token itself. */
      local_features(&b, d, i, &w, groups);
      role_features(&b, d, (long)i - 1, ROLE_M1, &w.sh[0], w.wc[0], groups);
      role_features(&b, d, (long)i - 2, ROLE_M2, &edge_m, 0, groups);
      role_features(&b, d, (long)i + 1, ROLE_P1, &w.sh[2], w.wc[2], groups);
      role_features(&b, d, (long)i + 2, ROLE_P2, &edge_p, 0, groups);
      if (profile && (rc = conjoin_profile(d, start, profile))) return rc;
    }
    uint32_t ctx = (uint32_t)d->feats.n;
    context_word_features(&b, d, i, &w);
    put_u32(&b, F_DATE, d->ev.v[i].in_date);
    if (groups & IDNER__FEAT_GAZETTEER) gz_features(&b, d, i);
    if (groups & IDNER__FEAT_DOCUMENT) doc_features(&b, d, i);
    if (profile && (rc = conjoin_profile(d, ctx, profile))) return rc;
  }
  d->feat_off.v[n] = (uint32_t)d->feats.n;
  d->local_cached = cached;
  return IDNER_OK;
}
