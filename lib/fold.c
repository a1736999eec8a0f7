/* fold.c — case folding for gazetteer lookup (see fold.h). Lower-casing,
 * not full Unicode case folding: names are compared as readers see them,
 * and lower-casing keeps byte lengths close to the original. */
#include "fold.h"

#include <stdlib.h>
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

/* A word loaded from memory as a little-endian number: byte j is bits 8j..8j+7. */
static inline uint64_t le64(uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return __builtin_bswap64(v);
#else
  return v;
#endif
}

/* Lower-cases the letters of eight ASCII bytes at once: a byte b < 0x80 is
 * upper-case when b + 0x3F reaches 0x80 (b >= 'A') and b + 0x25 does not
 * (b <= 'Z'); no carry crosses bytes, and 0x80 >> 2 is the 0x20 that
 * lower-cases. */
static inline uint64_t lower8(uint64_t v) {
  uint64_t upper = (v + 0x3F3F3F3F3F3F3F3Full) & ~(v + 0x2525252525252525ull);
  return v | (upper & 0x8080808080808080ull) >> 2;
}

/* P^-j mod 2^64 (P is odd, so invertible): FNV-1a over a zero byte is a
 * multiply by P, so the state after take bytes is the state after eight
 * bytes, zero past take, times P^-(8 - take). */
static const uint64_t k_inv_pow[8] = {
    0x0000000000000001ull, 0xce965057aff6957bull, 0x501d877bc9ac6919ull,
    0x9af153df54080c03ull, 0xb10f8d2ca6bd8471ull, 0xba88eb8deeba674bull,
    0xf30a275cb8c04809ull, 0x375026270df5d953ull,
};

/* FNV-1a state h continued over the eight bytes of v, a word as loaded
 * from memory (memcpy). */
static inline uint64_t fnv_8(uint64_t h, uint64_t v) {
  v = le64(v);
#if defined(__GNUC__) && defined(__x86_64__)
  /* xor into the state's low byte, multiply, next byte: three instructions
   * a byte where the compiler makes five (it extracts each byte whole) */
  uint64_t p = FNV_PRIME;
  for (int j = 0; j < 8; j++, v >>= 8)
    __asm__("xorb %b1, %b0\n\timulq %2, %0" : "+r"(h) : "r"(v), "r"(p));
#else
  for (int j = 0; j < 8; j++, v >>= 8) h = (h ^ (v & 0xFF)) * FNV_PRIME;
#endif
  return h;
}

/* FNV-1a state h continued over the first take bytes of the word v,
 * 1 <= take <= 8, whose bytes past take are zero. FNV-1a is one byte after
 * another; a jump into an unrolled chain by take mispredicts on most short
 * words, so all eight steps are taken and the zero bytes' steps are undone
 * by one multiply (k_inv_pow) instead of picking the state after take
 * steps from a table on the stack. */
static inline uint64_t fnv_upto8(uint64_t h, uint64_t v, size_t take) {
  return fnv_8(h, v) * k_inv_pow[8 - take];
}

int32_t idner__fold_hash_append(const char *s, size_t len, idner__bytes *out, uint64_t *hash) {
  if (out->n + len + 1 > out->cap) {
    int32_t rc = IDNER__RESERVE(out, out->n + len + 1);
    if (rc) return rc;
  }
  const unsigned char *u = (const unsigned char *)s;
  char *o = out->v + out->n;
  uint64_t h = FNV_OFFSET;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) { /* eight ASCII bytes at a time */
    uint64_t v;
    memcpy(&v, u + i, 8);
    if (v & 0x8080808080808080ull) break;
    v = lower8(v);
    memcpy(o + i, &v, 8);
    h = fnv_8(h, v);
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

/* k_ones + 8 - m, read as a word: its first m bytes (in memory order) set */
static const unsigned char k_ones[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

int32_t idner__fold_hash_tokens(const char *text, const idner_token *toks, size_t n,
                                idner__bytes *out, uint32_t *off, uint64_t *hash,
                                uint8_t *plain) {
  /* ASCII folds byte for byte: one reservation covers the tokens' bytes, a
   * NUL and the 16 bytes readable past the last form's start (8 of them
   * for a word store past a form); a longer
   * non-ASCII form grows the buffer as it goes. The forms are back to back
   * (one NUL after the last): pos and buf stay in registers. */
  const unsigned char *end = (const unsigned char *)text + (n ? toks[n - 1].byte_end : 0);
  size_t need = (n ? toks[n - 1].byte_end - toks[0].byte_start : 0) + 17;
  out->n = 0;
  int32_t rc = IDNER__RESERVE(out, need);
  if (rc) return rc;
  char *buf = out->v;
  size_t pos = 0;
  for (size_t k = 0; k < n; k++) {
    const unsigned char *u = (const unsigned char *)text + toks[k].byte_start;
    size_t len = toks[k].byte_end - toks[k].byte_start, i = 0;
    /* cap - pos >= end - u + 17 here: the tokens lie in order in the text,
     * and ASCII folds byte for byte; only the general path below can use
     * more than a token's bytes, and it reserves for the rest again */
    off[k] = (uint32_t)pos;
    char *o = buf + pos;
    uint64_t h = FNV_OFFSET, low = 0;
    if (len - 1 < 8 && end - u >= 8) { /* most tokens: 1 to 8 bytes, one word */
      uint64_t v, m;
      memcpy(&v, u, 8);
      memcpy(&m, k_ones + 8 - len, 8);
      v &= m;
      if (!(v & 0x8080808080808080ull)) {
        low = ~(v + 0x5151515151515151ull) & m & 0x8080808080808080ull;
        v = lower8(v);
        memcpy(o, &v, 8);
        /* no memo of the hashes of frequent words: its misses and its
         * cache lines cost more than the eight steps */
        h = fnv_upto8(h, v, len);
        pos += len;
        plain[k] = (uint8_t)(low == 0);
        hash[k] = h;
        continue;
      }
    }
    if (len - 9 < 8 && end - u >= 16) { /* 9 to 16 bytes: two words */
      uint64_t v0, v1, m;
      memcpy(&v0, u, 8);
      memcpy(&v1, u + 8, 8);
      memcpy(&m, k_ones + 16 - len, 8);
      v1 &= m;
      if (!((v0 | v1) & 0x8080808080808080ull)) {
        low = (~(v0 + 0x5151515151515151ull) | (~(v1 + 0x5151515151515151ull) & m)) &
              0x8080808080808080ull;
        v0 = lower8(v0);
        v1 = lower8(v1);
        memcpy(o, &v0, 8);
        memcpy(o + 8, &v1, 8);
        h = fnv_upto8(fnv_8(h, v0), v1, len - 8);
        pos += len;
        plain[k] = (uint8_t)(low == 0);
        hash[k] = h;
        continue;
      }
    }
    /* Eight bytes at a time while they lie inside the text (as in
     * idner__fold_hash_append); bytes past the token are masked off, then
     * stored as zeros past the form, neither kept nor hashed. A byte b
     * below 0x80 is below '/' when b + 0x51 stays below 0x80. */
    while (i < len && end - (u + i) >= 8) {
      uint64_t v, m;
      memcpy(&v, u + i, 8);
      size_t take = len - i < 8 ? len - i : 8;
      memcpy(&m, k_ones + 8 - take, 8);
      v &= m;
      if (v & 0x8080808080808080ull) break; /* non-ASCII: the byte loop, then the general path */
      low |= ~(v + 0x5151515151515151ull) & m & 0x8080808080808080ull;
      v = lower8(v);
      memcpy(o + i, &v, 8);
      h = fnv_upto8(h, v, take);
      i += take;
    }
    for (; i < len; i++) {
      unsigned c = u[i];
      if (c >= 0x80u) break;
      low |= c < 0x2Fu;
      c |= (unsigned)(c - 'A' < 26u) << 5; /* A-Z -> a-z */
      o[i] = (char)c;
      h = (h ^ c) * FNV_PRIME;
    }
    if (i < len) { /* the rest through the general path, then hash the whole form */
      out->n = pos + i;
      if ((rc = idner__fold_append((const char *)u + i, len - i, out))) return rc;
      h = idner__hash(out->v + pos, out->n - pos);
      if ((rc = IDNER__RESERVE(out, out->n + (size_t)(end - (u + len)) + 17))) return rc;
      buf = out->v, pos = out->n;
      plain[k] = 0;
    } else {
      pos += len;
      plain[k] = (uint8_t)((low == 0) & (len != 0));
    }
    hash[k] = h;
  }
  off[n] = (uint32_t)pos;
  out->n = pos;
  /* 16 bytes readable past every form's start (fold.h): a longer non-ASCII
   * fold of the last token may have used up the slack */
  if (pos + 17 > out->cap && (rc = IDNER__RESERVE(out, pos + 17))) return rc;
  memset(out->v + pos, 0, 17);
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
