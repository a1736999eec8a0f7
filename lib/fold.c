/* fold.c — case folding for gazetteer lookup (see fold.h). Lower-casing,
 * not full Unicode case folding: names are compared as readers see them,
 * and lower-casing keeps byte lengths close to the original. */
#include "fold.h"

#include <string.h>
#include <utf8proc.h>

#include "tokenizer.h"

static int is_apostrophe(int32_t cp) {
  return cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

int32_t idner__fold_append(const char *s, size_t len, idner__bytes *out) {
  /* Folding never grows a code point by more than a byte or two; reserve
   * for the ASCII fast path (one byte in, one out) and the NUL. */
  int32_t rc0 = IDNER__RESERVE(out, out->n + len + 1);
  if (rc0) return rc0;
  size_t i = 0;
  while (i < len && (unsigned char)s[i] < 0x80u) {
    unsigned char c = (unsigned char)s[i++];
    out->v[out->n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  out->v[out->n] = '\0';
  while (i < len) {
    int32_t cp;
    size_t n = idner__utf8_decode(s, len, i, &cp);
    int32_t rc;
    if (cp < 0) {
      rc = idner__bytes_append(out, s + i, n);
    } else {
      int32_t lc = is_apostrophe(cp) ? '\'' : utf8proc_tolower(cp);
      utf8proc_uint8_t enc[4];
      utf8proc_ssize_t m = utf8proc_encode_char(lc, enc);
      rc = idner__bytes_append(out, (const char *)enc, (size_t)m);
    }
    if (rc) return rc;
    i += n;
  }
  return IDNER_OK;
}

#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull

int32_t idner__fold_hash_append(const char *s, size_t len, idner__bytes *out, uint64_t *hash) {
  if (out->n + len + 1 > out->cap) {
    int32_t rc = IDNER__RESERVE(out, out->n + len + 1);
    if (rc) return rc;
  }
  const unsigned char *u = (const unsigned char *)s;
  char *o = out->v + out->n;
  uint64_t h = FNV_OFFSET;
  size_t i = 0;
  /* Eight ASCII bytes at a time: each byte b < 0x80 is upper-case when
   * b + 0x3F reaches 0x80 (b >= 'A') and b + 0x25 does not (b <= 'Z'); no
   * carry crosses bytes, and 0x80 >> 2 is the 0x20 that lower-cases. */
  for (; i + 8 <= len; i += 8) {
    uint64_t v;
    memcpy(&v, u + i, 8);
    if (v & 0x8080808080808080ull) break;
    uint64_t upper = (v + 0x3F3F3F3F3F3F3F3Full) & ~(v + 0x2525252525252525ull);
    v |= (upper & 0x8080808080808080ull) >> 2;
    memcpy(o + i, &v, 8);
    for (size_t k = i; k < i + 8; k++) h = (h ^ (unsigned char)o[k]) * FNV_PRIME;
  }
  for (; i < len && u[i] < 0x80u; i++) {
    unsigned char c = (unsigned char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
    o[i] = (char)c;
    h = (h ^ c) * FNV_PRIME;
  }
  size_t start = out->n;
  out->n += i;
  out->v[out->n] = '\0';
  if (i < len) { /* the rest through the general path, then hash the whole form */
    int32_t rc = idner__fold_append(s + i, len - i, out);
    if (rc) return rc;
    h = idner__hash(out->v + start, out->n - start);
  }
  *hash = h;
  return IDNER_OK;
}

uint64_t idner__hash(const char *s, size_t len) {
  uint64_t h = FNV_OFFSET;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= FNV_PRIME;
  }
  return h;
}
