/* common.h — small internal helpers shared by every module: growable arrays,
 * the error-detail formatter and a bit scan. Nothing here is exported. */
#ifndef IDNER_COMMON_H
#define IDNER_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>
#include "idner.h"

/* Grows *buf so it can hold at least `need` elements of `elem` bytes.
 * Capacity doubles, so appends are amortized O(1); never shrinks, which is
 * what lets a reused doc stop allocating. Returns IDNER_OK or IDNER_ERR_NOMEM
 * (and then leaves *buf and *cap unchanged). */
int32_t idner__grow(void **buf, size_t *cap, size_t need, size_t elem);

#define IDNER__RESERVE(vec, need)                                        \
  ((need) <= (vec)->cap ? IDNER_OK                                       \
                        : idner__grow((void **)&(vec)->v, &(vec)->cap,   \
                                      (need), sizeof(*(vec)->v)))

/* A vector of tokens; the tokenizer appends to it. */
typedef struct idner__tokvec {
  idner_token *v;
  size_t n, cap;
} idner__tokvec;

/* A growable byte buffer (string pools, joined text). */
typedef struct idner__bytes {
  char *v;
  size_t n, cap;
} idner__bytes;

/* Appends len bytes; returns IDNER_OK or IDNER_ERR_NOMEM. */
int32_t idner__bytes_append(idner__bytes *b, const char *s, size_t len);

/* Index of the lowest set bit of v (v != 0): walks rule and class bit sets
 * in order. */
static inline int idner__lowest_bit(uint32_t v) {
#if defined(__GNUC__)
  return __builtin_ctz(v);
#else
  int k = 0;
  while (!(v & 1u)) v >>= 1, k++;
  return k;
#endif
}

/* snprintf into a caller buffer that may be NULL / zero-sized. */
void idner__fmt(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
