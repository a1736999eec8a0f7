/* tagger.h — the learned sequence model: a linear-chain model over BIO
 * labels (weights trained by a structured averaged perceptron, see train.c),
 * its binary file format, and exact Viterbi decoding (tagger.c). */
#ifndef IDNER_TAGGER_H
#define IDNER_TAGGER_H

#include <stdio.h>

#include "doc.h"
#if defined(__SSE2__) && !defined(IDNER_NO_SIMD)
#include <emmintrin.h>
#endif

/* Labels: 0 = O; 1 + 2k = B-X, 2 + 2k = I-X for X = idner__label_type[k]. */
#define IDNER__NTYPES 3
#define IDNER__NLABELS (1 + 2 * IDNER__NTYPES)
#define IDNER__MAX_PROFILES 16
extern const uint32_t idner__label_type[IDNER__NTYPES]; /* PER, ORG, LOC */

/* The tagging table (see tagger.c): buckets of one cache line, word 0 the
 * number of the bucket's first row, words 1..15 keys (0 = empty, filled
 * from the front); a key lives in its home bucket (key & tmask) or, when
 * that is full, in the next that is not. A key's row number is word 0 plus
 * its place: the rows are packed in bucket order. */
#define IDNER__WT_BUCKET 16 /* words per bucket */
#define IDNER__WT_LANES 8   /* a row: the labels and a zero lane */

typedef struct idner__seqmodel {
  uint32_t feature_groups;                          /* IDNER__FEAT_* used in training */
  uint32_t checksum;  /* of the model file it was read from; 0 = built in memory */
  uint32_t nprofiles;                               /* annotation profiles 1..nprofiles */
  char profiles[IDNER__MAX_PROFILES][32];           /* their names (index = id - 1) */
  float trans[IDNER__NLABELS + 1][IDNER__NLABELS];  /* row 0: sentence start */
  uint32_t nrows;
  uint32_t *keys;   /* feature hash of each row */
  float *w;         /* nrows x IDNER__NLABELS */
  uint32_t *slots;  /* open addressing: row + 1, 0 = empty */
  size_t nslots;    /* power of two */
  /* The same rows for tagging (the table above): keys, groups and rows;
   * a read model's rows are its file's int16 values (weight = q * scale,
   * the same float the file format defines), a model built in memory keeps
   * float rows. */
  uint32_t *tkeys;  /* tnkeys, 64-byte aligned */
  int16_t *tq;      /* tnrows x IDNER__WT_LANES, or NULL */
  float *tf;        /* tnrows x IDNER__WT_LANES, or NULL */
  float tscale;
  uint32_t tnrows;
  size_t tmask;     /* home bucket = key & tmask */
  size_t tnkeys;    /* (tmask + 1) x IDNER__WT_BUCKET */
  /* Word context classes induced from the training text: for a word (key =
   * idner__wc_key of its folded form's idner__fnv) its most frequent left and right
   * neighbours among the most frequent words (ids; 0 = another word, 255 =
   * sentence boundary). Words seen in the same contexts share classes. */
  uint32_t nclasses;
  uint32_t *wc_keys;
  uint8_t *wc_left, *wc_right;
  uint32_t *wc_slots;
  size_t wc_nslots;
  int borrowed;     /* tkeys, tq and wc_* are the embedded image's: not freed */
} idner__seqmodel;

/* 32-bit word-class key of a folded form's idner__fnv. */
static inline uint32_t idner__wc_key(uint64_t fnv) {
  uint32_t k = (uint32_t)(fnv ^ (fnv >> 32));
  return k ? k : 1u;
}

/* Copies n word classes into m and indexes them. */
int32_t idner__seqmodel_set_classes(idner__seqmodel *m, uint32_t n, const uint32_t *keys,
                                    const uint8_t *left, const uint8_t *right);
/* Looks up a word's class; 0 if unknown. */
int idner__seqmodel_class(const idner__seqmodel *m, uint32_t key, uint8_t *left, uint8_t *right);

/* Label of type t (IDNER_TYPE_*) at a span start (B) or inside (I); 0 if
 * the model has no such type. */
uint8_t idner__label_of(uint32_t type, int inside);

/* Allocates a model with room for nrows weight rows (keys/w zeroed). */
int32_t idner__seqmodel_new(uint32_t nrows, idner__seqmodel **out);
void idner__seqmodel_free(idner__seqmodel *m);
/* (Re)builds the hash indexes over keys[0..nrows) and w. */
int32_t idner__seqmodel_index(idner__seqmodel *m);
#if defined(__GNUC__)
#define IDNER__PREFETCH(p) __builtin_prefetch(p)
#else
#define IDNER__PREFETCH(p) ((void)(p))
#endif

/* Number of the tagging row of a feature hash (never 0), or -1: one
 * bucket compared at once, the next only when this one is full. */
static inline long idner__seqmodel_lookup(const idner__seqmodel *m, uint32_t feat) {
  size_t b = feat & m->tmask;
  for (;;) {
    const uint32_t *k = m->tkeys + b * IDNER__WT_BUCKET;
#if defined(__SSE2__) && defined(__GNUC__) && !defined(IDNER_NO_SIMD)
    const __m128i f = _mm_set1_epi32((int)feat);
    const __m128i *v = (const __m128i *)k;
    __m128i e01 = _mm_packs_epi32(_mm_cmpeq_epi32(_mm_load_si128(v), f),
                                  _mm_cmpeq_epi32(_mm_load_si128(v + 1), f));
    __m128i e23 = _mm_packs_epi32(_mm_cmpeq_epi32(_mm_load_si128(v + 2), f),
                                  _mm_cmpeq_epi32(_mm_load_si128(v + 3), f));
    unsigned eq = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(e01, e23)) & ~1u;
    if (eq) return (long)k[0] + __builtin_ctz(eq) - 1;
    if (!k[IDNER__WT_BUCKET - 1]) return -1;
#else
    for (int p = 1; p < IDNER__WT_BUCKET; p++) {
      if (k[p] == feat) return (long)k[0] + p - 1;
      if (!k[p]) return -1;
    }
#endif
    b = (b + 1) & m->tmask;
  }
}

/* Starts loading feat's home bucket. */
static inline void idner__seqmodel_prefetch(const idner__seqmodel *m, uint32_t feat) {
  IDNER__PREFETCH(&m->tkeys[(feat & m->tmask) * IDNER__WT_BUCKET]);
}

/* Row r's weights as floats (labels wide). */
static inline void idner__seqmodel_row_of(const idner__seqmodel *m, long r, float *out) {
  for (int l = 0; l < IDNER__NLABELS; l++)
    out[l] = m->tq ? (float)m->tq[r * IDNER__WT_LANES + l] * m->tscale
                   : m->tf[r * IDNER__WT_LANES + l];
}

/* The weights of a feature hash into out (labels wide); 0 if the model
 * lacks it. */
static inline int idner__seqmodel_row(const idner__seqmodel *m, uint32_t feat, float *out) {
  long r = idner__seqmodel_lookup(m, feat);
  if (r < 0) return 0;
  idner__seqmodel_row_of(m, r, out);
  return 1;
}
/* Row number of a feature hash, or UINT32_MAX (training). */
uint32_t idner__seqmodel_find(const idner__seqmodel *m, uint32_t feat);

/* Parses a model file held in memory. Errors: DATA_FORMAT (truncated,
 * bad magic or checksum, inconsistent sizes), DATA_VERSION (file format or
 * feature set from another version), NOMEM; err gets "name: what". */
int32_t idner__seqmodel_read(const unsigned char *data, size_t size, const char *name,
                             idner__seqmodel **out, char *err, size_t errsz);
/* The embedded image (image.h). image_of views a read model's tables (for
 * the build-time generator and tests), with *head a copy of m whose pointers
 * are zeroed; adopt makes a model that reads an image's tables in place. */
struct idner__seq_image;
void idner__seqmodel_image_of(const idner__seqmodel *m, idner__seqmodel *head,
                              struct idner__seq_image *out);
int32_t idner__seqmodel_adopt(const struct idner__seq_image *im, idner__seqmodel **out);

/* Writes the model file (little-endian, int16-quantized weights). Returns
 * IDNER_OK or IDNER_ERR_IO. */
int32_t idner__seqmodel_write(const idner__seqmodel *m, FILE *f);

/* Viterbi over n tokens with per-token emission scores (n x NLABELS) and
 * trans; only valid BIO sequences. Writes labels to out; back is n x
 * NLABELS scratch. trans is (NLABELS + 1) x NLABELS, row 0 the start. */
void idner__viterbi(const float *trans, const float *scores,
                    size_t n, uint8_t *back, uint8_t *out);

/* Viterbi per sentence over d->scores (the emission scores that
 * idner__extract_features computes when tagging) into d->labels. */
int32_t idner__seqmodel_tag(const idner__seqmodel *m, idner_doc *d);

#endif
