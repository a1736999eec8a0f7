/* fold.h — case folding of token text for case-insensitive gazetteer
 * lookup, and the hashes of folded forms (fold.c). */
#ifndef IDNER_FOLD_H
#define IDNER_FOLD_H

#include <string.h>

#include "common.h"

/* Appends the lower-cased form of s[0..len) to out (not NUL-terminated
 * beyond what idner__bytes_append adds). Typographic apostrophes (U+2019,
 * U+2018, U+02BC) fold to ASCII '\'' so Jum’at == Jum'at; invalid bytes are
 * copied unchanged. Returns IDNER_OK or IDNER_ERR_NOMEM. */
int32_t idner__fold_append(const char *s, size_t len, idner__bytes *out);

/* idner__fold_append, and *hash = idner__hash of the form appended: one
 * pass over ASCII text (the common case) instead of fold, copy, then hash. */
int32_t idner__fold_hash_append(const char *s, size_t len, idner__bytes *out, uint64_t *hash);

/* Folds and hashes each token of text: off[k] is where token k's form
 * starts in out (cleared first), off[n] its end, hash[k] its idner__hash;
 * as idner__fold_hash_append per token, with the ASCII loop inlined (most
 * tokens are a few ASCII bytes, where a call per token costs as much as
 * the work). off and hash hold n + 1 entries. plain[k] has
 * IDNER__FOLD_PLAIN (below) when token k is non-empty ASCII with no byte
 * below '/' (no white space, ',', '(', '-' nor '.'): its form is then its bytes lower-cased as ASCII, which the
 * date grammar's trigger lookup uses. The forms are back to back, with a
 * NUL and at least 16 more readable bytes after the last (a form's first
 * 16 bytes can be read as two words: the gazetteer lookup does). The
 * tokenizer can do the same as it finds the tokens (idner__folder). The
 * date marks are marks' (NULL: none). */
struct idner__datemark;
int32_t idner__fold_hash_tokens(const char *text, const idner_token *toks, size_t n,
                                idner__bytes *out, uint32_t *off, uint64_t *hash,
                                uint8_t *plain, const struct idner__datemark *marks);

/* The bits of a plain[k] byte: IDNER__FOLD_PLAIN as above, and
 * IDNER__FOLD_MARK when token k may start a date. The date scan visits
 * only the marked tokens, so its per-token test is made here, where a
 * token's first byte, hash and plain bit are in registers (a loop of its
 * own over every token cost the scan ~10 cycles a token). The test is the
 * grammar's (dates.c, idner__dates_marks); without it (marks NULL) the
 * mark bits mean nothing. */
#define IDNER__FOLD_PLAIN 1u
#define IDNER__FOLD_MARK 2u
#define IDNER__MARK_BLOOM_WORDS 512u
/* The bloom's word and bit for a fold hash h: its low 15 bits. (Its top
 * 9 bits for the word would save an instruction a token, but that filter
 * lets through a few frequent words here, "menjadi" and "kita": more
 * tokens marked for nothing.) */
#define IDNER__MARK_BLOOM_WORD(h) ((h) >> 6 & (IDNER__MARK_BLOOM_WORDS - 1))
#define IDNER__MARK_BLOOM_BIT(h) ((h) & 63u)
typedef struct idner__datemark {
  /* a bit per value of 15 bits of the triggers' fold hashes
   * (IDNER__MARK_BLOOM_WORD, _BIT): a plain token is marked if its hash's
   * bit is set */
  uint64_t bloom[IDNER__MARK_BLOOM_WORDS];
  /* 640 entries of 0 or 1: [c] a token that is not plain and whose form
   * is the one byte c may start a date; [256 + c] a plain token whose form
   * starts with c starts rules by itself; [512 + c], c < 0x80, the mark of
   * the one-byte token c (its form c lower-cased). (One block with the
   * bloom: one pointer to keep in a register in the tokenizer's loop.) */
  uint8_t stop[640];
} idner__datemark;

/* The mark bit of a plain token whose form starts with c0, of hash h. */
static inline unsigned idner__mark_plain(const idner__datemark *dm, unsigned c0, uint64_t h) {
  return ((unsigned)dm->stop[256 + c0] |
          (unsigned)(dm->bloom[IDNER__MARK_BLOOM_WORD(h)] >> IDNER__MARK_BLOOM_BIT(h) & 1u))
         << 1;
}
/* ... of a token that is not plain, whose form is len bytes from c0. */
static inline unsigned idner__mark_other(const idner__datemark *dm, unsigned c0, size_t len) {
  return ((unsigned)(len != 1) | dm->stop[c0]) << 1;
}

/* The idner_doc's per-token fold vectors (doc.h), by name so that the
 * tokenizer can fill them. */
typedef struct idner__u32vec {
  uint32_t *v;
  size_t n, cap;
} idner__u32vec;
typedef struct idner__u64vec {
  uint64_t *v;
  size_t n, cap;
} idner__u64vec;
typedef struct idner__u8vec {
  uint8_t *v;
  size_t n, cap;
} idner__u8vec;

/* Where the folds of a document's tokens go: the forms, and per token the
 * off, hash and plain of idner__fold_hash_tokens (n + 1 entries each). */
typedef struct idner__foldout {
  idner__bytes *forms;
  idner__u32vec *off;
  idner__u64vec *hash;
  idner__u8vec *plain;
  const idner__datemark *marks; /* the date marks' tables, or NULL */
} idner__foldout;

/* Folding token by token as the tokenizer finds them, while their bytes
 * are in the cache: idner__folder_begin, idner__folder_add for tokens
 * 0, 1, ..., n - 1 in text order, idner__folder_end. The result is that of
 * idner__fold_hash_tokens. */
typedef struct idner__folder {
  idner__foldout out;          /* NULL vectors: off/hash/plain hold cap entries */
  const unsigned char *end;    /* end of the text: bytes before it are readable */
  char *buf;                   /* out.forms->v */
  size_t pos;                  /* end of the last form */
  size_t cap;                  /* entries that off, hash and plain hold */
  uint32_t *off;
  uint64_t *hash;
  uint8_t *plain;
  const idner__datemark *marks; /* out.marks (never NULL: zeros without) */
} idner__folder;

int32_t idner__folder_begin(idner__folder *f, const idner__foldout *out, const char *text,
                            size_t len);
/* Token k (the next) at u[0..len), inside the text of idner__folder_begin.
 * The entries must have room for it and off[k + 1]: k + 1 < f->cap (the
 * tokenizer grows them with its tokens: idner__folder_reserve). */
static inline int32_t idner__folder_add(idner__folder *f, size_t k, const unsigned char *u,
                                        size_t len);
/* Room for entries 0..need - 1 in off, hash and plain. */
int32_t idner__folder_reserve(idner__folder *f, size_t need);
/* The end of the n tokens' folds: off[n], the NUL and the slack. */
int32_t idner__folder_end(idner__folder *f, size_t n);

/* idner__folder_add for what the inline part does not do: room for more
 * tokens, tokens of more than 16 bytes, near the text's end or not ASCII. */
int32_t idner__folder_add_slow(idner__folder *f, size_t k, const unsigned char *u, size_t len);

/* The inline adds are the tokenizer's inner loop: a call per token costs
 * as much as the work, and GCC's size heuristics drop them now and then. */
#if defined(__GNUC__)
#define IDNER__FOLD_INLINE __attribute__((always_inline)) static inline
#else
#define IDNER__FOLD_INLINE static inline
#endif

/* The fold hash (idner__hash), for the lookup tables built from it at
 * load (gazetteer index, date triggers, cue words): word at a time, so a
 * short token costs two multiplies where a byte-at-a-time hash costs one a
 * byte. The state starts from the length; each zero-padded little-endian
 * word of the string is xored in and multiplied; the end mixes the high
 * bits down and back up, as the tables take slots from the low bits and
 * keys and tags from the high ones. */
#define IDNER__HASH_SEED 0x243F6A8885A308D3ull
#define IDNER__HASH_LEN 0x94D049BB133111EBull
#define IDNER__HASH_MUL 0x9E3779B97F4A7C15ull
#define IDNER__HASH_FIN 0xBF58476D1CE4E5B9ull

/* A word loaded from memory as a little-endian number: byte j is bits 8j..8j+7. */
static inline uint64_t idner__le64(uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return __builtin_bswap64(v);
#else
  return v;
#endif
}

/* The fold hash's state before the words of a string of len bytes. */
static inline uint64_t idner__hash_begin(size_t len) {
  return IDNER__HASH_SEED ^ (uint64_t)len * IDNER__HASH_LEN;
}
/* ... continued over the next eight bytes of the string as a
 * little-endian number w (zero past the string's end). */
static inline uint64_t idner__hash_word(uint64_t h, uint64_t w) {
  return (h ^ w) * IDNER__HASH_MUL;
}
/* ... and the hash from the state after the last word. */
static inline uint64_t idner__hash_end(uint64_t h) {
  h ^= h >> 32;
  h *= IDNER__HASH_FIN;
  return h ^ h >> 29;
}
/* idner__hash of a string of len bytes, 1 <= len <= 8, in the word v as
 * loaded from memory (memcpy), zero past len. */
static inline uint64_t idner__hash8(uint64_t v, size_t len) {
  return idner__hash_end(idner__hash_word(idner__hash_begin(len), idner__le64(v)));
}
/* ... of 9 to 16 bytes in the words v0, v1 (v1 zero past len). */
static inline uint64_t idner__hash16(uint64_t v0, uint64_t v1, size_t len) {
  uint64_t h = idner__hash_word(idner__hash_begin(len), idner__le64(v0));
  return idner__hash_end(idner__hash_word(h, idner__le64(v1)));
}
/* ... of the one byte c. */
static inline uint64_t idner__hash1(unsigned c) {
  return idner__hash_end(idner__hash_word(idner__hash_begin(1), c));
}

/* 64-bit FNV-1a: the sequence model's feature keys and the alias keys are
 * FNV-1a of folded forms (idner__fnv), as the trained models have them. */
#define IDNER__FNV_OFFSET 1469598103934665603ull
#define IDNER__FNV_PRIME 1099511628211ull

/* Lower-cases the letters of eight ASCII bytes at once: a byte b < 0x80 is
 * upper-case when b + 0x3F reaches 0x80 (b >= 'A') and b + 0x25 does not
 * (b <= 'Z'); no carry crosses bytes, and 0x80 >> 2 is the 0x20 that
 * lower-cases. */
static inline uint64_t idner__lower8(uint64_t v) {
  uint64_t upper = (v + 0x3F3F3F3F3F3F3F3Full) & ~(v + 0x2525252525252525ull);
  return v | (upper & 0x8080808080808080ull) >> 2;
}

/* The high bits of the bytes of the ASCII word v (masked by m) that are
 * below '/': b + 0x51 stays below 0x80. 0 when the token is plain. */
static inline uint64_t idner__below_slash8(uint64_t v, uint64_t m) {
  return ~(v + 0x5151515151515151ull) & m & 0x8080808080808080ull;
}

/* idner__fold_ones + 8 - m, read as a word: its first m bytes (in memory
 * order) set. */
static const unsigned char idner__fold_ones[16] = {0xFF, 0xFF, 0xFF, 0xFF,
                                                   0xFF, 0xFF, 0xFF, 0xFF};

/* P^-j mod 2^64 (P is odd, so invertible): FNV-1a over a zero byte is a
 * multiply by P, so the state after take bytes is the state after eight
 * bytes, zero past take, times P^-(8 - take). */
static const uint64_t idner__fnv_inv_pow[8] = {
    0x0000000000000001ull, 0xce965057aff6957bull, 0x501d877bc9ac6919ull,
    0x9af153df54080c03ull, 0xb10f8d2ca6bd8471ull, 0xba88eb8deeba674bull,
    0xf30a275cb8c04809ull, 0x375026270df5d953ull,
};

/* FNV-1a state h continued over the eight bytes of v, a word as loaded
 * from memory (memcpy). */
static inline uint64_t idner__fnv_8(uint64_t h, uint64_t v) {
  v = idner__le64(v);
#if defined(__GNUC__) && defined(__x86_64__)
  /* xor into the state's low byte, multiply, shift the next byte down:
   * three instructions a byte where the compiler makes four or five (it
   * extracts each byte whole) */
  uint64_t p = IDNER__FNV_PRIME;
#define IDNER__FNV_STEP "xorb %b1, %b0\n\timulq %2, %0\n\t"
#define IDNER__FNV_NEXT "shrq $8, %1\n\t"
  __asm__(IDNER__FNV_STEP IDNER__FNV_NEXT IDNER__FNV_STEP IDNER__FNV_NEXT
          IDNER__FNV_STEP IDNER__FNV_NEXT IDNER__FNV_STEP IDNER__FNV_NEXT
          IDNER__FNV_STEP IDNER__FNV_NEXT IDNER__FNV_STEP IDNER__FNV_NEXT
          IDNER__FNV_STEP IDNER__FNV_NEXT IDNER__FNV_STEP
          : "+r"(h), "+r"(v)
          : "r"(p)
          : "cc");
#undef IDNER__FNV_STEP
#undef IDNER__FNV_NEXT
#else
  for (int j = 0; j < 8; j++, v >>= 8) h = (h ^ (v & 0xFF)) * IDNER__FNV_PRIME;
#endif
  return h;
}

/* FNV-1a state h continued over the first take bytes of the word v,
 * 1 <= take <= 8, whose bytes past take are zero. FNV-1a is one byte after
 * another; a jump into an unrolled chain by take mispredicts on most short
 * words, so all eight steps are taken and the zero bytes' steps are undone
 * by one multiply (idner__fnv_inv_pow) instead of picking the state after
 * take steps from a table on the stack. */
static inline uint64_t idner__fnv_upto8(uint64_t h, uint64_t v, size_t take) {
  return idner__fnv_8(h, v) * idner__fnv_inv_pow[8 - take];
}

/* FNV-1a state h continued over the len bytes at f, of which the first
 * 16, and every 8 up to f + len, are readable (a form of
 * idner__fold_hash_tokens): a word at a time, the last masked to len. */
static inline uint64_t idner__fnv_form(uint64_t h, const char *f, size_t len) {
  uint64_t v, m;
  if (len == 0) return h;
  for (; len > 8; len -= 8, f += 8) {
    memcpy(&v, f, 8);
    h = idner__fnv_8(h, v);
  }
  memcpy(&v, f, 8);
  memcpy(&m, idner__fold_ones + 8 - len, 8);
  return idner__fnv_upto8(h, v & m, len);
}

/* idner__hash of the len bytes at f, readable as idner__fnv_form's: a
 * word at a time, the last masked to len. */
static inline uint64_t idner__hash_form(const char *f, size_t len) {
  uint64_t h = idner__hash_begin(len), v, m;
  if (len == 0) return idner__hash_end(h);
  for (; len > 8; len -= 8, f += 8) {
    memcpy(&v, f, 8);
    h = idner__hash_word(h, idner__le64(v));
  }
  memcpy(&v, f, 8);
  memcpy(&m, idner__fold_ones + 8 - len, 8);
  return idner__hash_end(idner__hash_word(h, idner__le64(v & m)));
}

/* Most tokens: ASCII of 1 to 16 bytes, read as one or two words (the text
 * goes on for 16 more bytes) and lowered and hashed as words. The forms
 * buffer holds f->pos + (f->end - u) + 17 bytes here: the tokens lie in
 * order in the text, and ASCII folds byte for byte; only the general path
 * of idner__folder_add_slow can use more than a token's bytes, and it
 * reserves for the rest again. */
IDNER__FOLD_INLINE int32_t idner__folder_add(idner__folder *f, size_t k, const unsigned char *u,
                                        size_t len) {
  if (len - 1 < 16 && f->end - u >= 16) {
    size_t pos = f->pos;
    char *o = f->buf + pos;
    uint64_t v0, v1, m;
    memcpy(&v0, u, 8);
    memcpy(&v1, u + 8, 8);
    if (len <= 8) { /* most: one word */
      memcpy(&m, idner__fold_ones + 8 - len, 8);
      v0 &= m;
      if (!(v0 & 0x8080808080808080ull)) {
        uint64_t low = idner__below_slash8(v0, m);
        v0 = idner__lower8(v0);
        memcpy(o, &v0, 8);
        f->off[k] = (uint32_t)pos;
        f->pos = pos + len;
        /* no memo of the hashes of frequent words: its misses and its
         * cache lines cost more than the two multiplies */
        uint64_t h = idner__hash8(v0, len);
        unsigned c0 = (unsigned)(v0 & 0xFF);
        f->plain[k] = (uint8_t)(low == 0 ? 1u | idner__mark_plain(f->marks, c0, h)
                                         : idner__mark_other(f->marks, c0, len));
        f->hash[k] = h;
        return IDNER_OK;
      }
    } else {
      memcpy(&m, idner__fold_ones + 16 - len, 8);
      v1 &= m;
      if (!((v0 | v1) & 0x8080808080808080ull)) {
        uint64_t low = idner__below_slash8(v0, ~0ull) | idner__below_slash8(v1, m);
        v0 = idner__lower8(v0);
        v1 = idner__lower8(v1);
        memcpy(o, &v0, 8);
        memcpy(o + 8, &v1, 8);
        f->off[k] = (uint32_t)pos;
        f->pos = pos + len;
        uint64_t h = idner__hash16(v0, v1, len);
        unsigned c0 = (unsigned)(v0 & 0xFF);
        f->plain[k] = (uint8_t)(low == 0 ? 1u | idner__mark_plain(f->marks, c0, h)
                                         : idner__mark_other(f->marks, c0, len));
        f->hash[k] = h;
        return IDNER_OK;
      }
    }
  }
  return idner__folder_add_slow(f, k, u, len);
}

/* idner__folder_add for a token of ASCII letters and digits (the
 * tokenizer's plain words and numbers): plain, so no test of the bytes. */
IDNER__FOLD_INLINE int32_t idner__folder_add_alnum(idner__folder *f, size_t k, const unsigned char *u,
                                              size_t len) {
  if (len - 1 < 8 && f->end - u >= 8) { /* most */
    size_t pos = f->pos;
    uint64_t v, m;
    memcpy(&v, u, 8);
    memcpy(&m, idner__fold_ones + 8 - len, 8);
    v = idner__lower8(v & m);
    memcpy(f->buf + pos, &v, 8);
    f->off[k] = (uint32_t)pos;
    f->pos = pos + len;
    uint64_t h = idner__hash8(v, len);
    f->plain[k] = (uint8_t)(1u | idner__mark_plain(f->marks, (unsigned)(v & 0xFF), h));
    f->hash[k] = h;
    return IDNER_OK;
  }
  if (len - 9 < 8 && f->end - u >= 16) { /* 9 to 16 bytes: two words */
    size_t pos = f->pos;
    uint64_t v0, v1, m;
    memcpy(&v0, u, 8);
    memcpy(&v1, u + 8, 8);
    memcpy(&m, idner__fold_ones + 16 - len, 8);
    v0 = idner__lower8(v0);
    v1 = idner__lower8(v1 & m);
    memcpy(f->buf + pos, &v0, 8);
    memcpy(f->buf + pos + 8, &v1, 8);
    f->off[k] = (uint32_t)pos;
    f->pos = pos + len;
    uint64_t h = idner__hash16(v0, v1, len);
    f->plain[k] = (uint8_t)(1u | idner__mark_plain(f->marks, (unsigned)(v0 & 0xFF), h));
    f->hash[k] = h;
    return IDNER_OK;
  }
  return idner__folder_add(f, k, u, len);
}

/* idner__folder_add for a one-byte token: most punctuation (a branch of
 * the tokenizer's own, so no length test mispredicts here). */
IDNER__FOLD_INLINE int32_t idner__folder_add1(idner__folder *f, size_t k, const unsigned char *u) {
  unsigned c = u[0];
  if (c >= 0x80u) return idner__folder_add_slow(f, k, u, 1);
  unsigned mark = (unsigned)f->marks->stop[512 + c] << 1;
  c |= (unsigned)(c - 'A' < 26u) << 5; /* A-Z -> a-z */
  size_t pos = f->pos;
  f->buf[pos] = (char)c;
  f->off[k] = (uint32_t)pos;
  f->pos = pos + 1;
  f->plain[k] = (uint8_t)((c >= 0x2Fu) | mark);
  f->hash[k] = idner__hash1(c);
  return IDNER_OK;
}

/* The fold hash of a byte string (used on folded forms): see
 * IDNER__HASH_SEED. */
uint64_t idner__hash(const char *s, size_t len);

/* 64-bit FNV-1a of a byte string; idner__fnv_more goes on from the state h
 * (FNV-1a has no finalization: a string's hash is the state after it). */
uint64_t idner__fnv(const char *s, size_t len);
uint64_t idner__fnv_more(uint64_t h, const char *s, size_t len);

/* out[k] = idner__fnv of form k of n back-to-back forms (off, n + 1
 * offsets) with 16 readable bytes after each form's start, as the folds of
 * idner__fold_hash_tokens have: the sequence model's keys when training
 * (tagging makes them on its form cache's misses). */
void idner__fnv_forms(const char *forms, const uint32_t *off, size_t n, uint64_t *out);

#endif
