/* common.c — growable arrays and error-detail formatting (see common.h). */
#include "common.h"

#include <stdlib.h>
#include <string.h>

int32_t idner__grow(void **buf, size_t *cap, size_t need, size_t elem) {
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) return IDNER_ERR_NOMEM;
    ncap *= 2;
  }
  if (ncap > SIZE_MAX / elem) return IDNER_ERR_NOMEM;
  void *p = realloc(*buf, ncap * elem);
  if (!p) return IDNER_ERR_NOMEM;
  *buf = p;
  *cap = ncap;
  return IDNER_OK;
}

int32_t idner__bytes_append(idner__bytes *b, const char *s, size_t len) {
  if (len == 0) return IDNER_OK;
  if (len > SIZE_MAX - b->n - 1) return IDNER_ERR_NOMEM;
  int32_t rc = IDNER__RESERVE(b, b->n + len + 1);
  if (rc) return rc;
  memcpy(b->v + b->n, s, len);
  b->n += len;
  b->v[b->n] = '\0';
  return IDNER_OK;
}

void idner__fmt(char *buf, size_t size, const char *fmt, ...) {
  if (!buf || size == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, size, fmt, ap);
  va_end(ap);
}
