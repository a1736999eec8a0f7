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

int32_t idner__fold_hash_append(const char *s, size_t len, idner__bytes *out, uint64_t *hash) {
  if (out->n + len + 1 > out->cap) {
    int32_t rc = IDNER__RESERVE(out, out->n + len + 1);
    if (rc) return rc;
  }
  const unsigned char *u = (const unsigned char *)s;
  char *o = out->v + out->n;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) { /* eight ASCII bytes at a time */
    uint64_t v;
    memcpy(&v, u + i, 8);
    if (v & 0x8080808080808080ull) break;
    v = idner__lower8(v);
    memcpy(o + i, &v, 8);
  }
  for (; i < len && u[i] < 0x80u; i++)
    o[i] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
  size_t start = out->n;
  out->n += i;
  out->v[out->n] = '\0';
  if (i < len) { /* the rest through the general path */
    int32_t rc = idner__fold_append(s + i, len - i, out);
    if (rc) return rc;
  }
  *hash = idner__hash(out->v + start, out->n - start);
  return IDNER_OK;
}

/* The date marks' tables when there are none (the bits then mean nothing). */
static const idner__datemark no_marks;

static void set_marks(idner__folder *f, const idner__datemark *marks) {
  f->marks = marks ? marks : &no_marks;
}

int32_t idner__folder_begin(idner__folder *f, const idner__foldout *out, const char *text,
                            size_t len) {
  f->out = *out;
  f->end = (const unsigned char *)text + len;
  f->pos = 0;
  out->forms->n = 0;
  /* ASCII folds byte for byte: the text's bytes, a NUL and the 16 bytes
   * readable past the last form's start (8 of them for a word store past
   * a form); a longer non-ASCII form grows the buffer as it goes */
  int32_t rc = IDNER__RESERVE(out->forms, len + 17);
  if (rc) return rc;
  f->buf = out->forms->v;
  f->cap = out->off->cap;
  if (out->hash->cap < f->cap) f->cap = out->hash->cap;
  if (out->plain->cap < f->cap) f->cap = out->plain->cap;
  f->off = out->off->v, f->hash = out->hash->v, f->plain = out->plain->v;
  set_marks(f, out->marks);
  return IDNER_OK;
}

int32_t idner__folder_reserve(idner__folder *f, size_t need) {
  const idner__foldout *o = &f->out;
  int32_t rc;
  if (need <= f->cap) return IDNER_OK;
  if (!o->off) return IDNER_ERR_INVALID_ARG; /* fixed arrays (never short: see the callers) */
  if ((rc = IDNER__RESERVE(o->off, need)) || (rc = IDNER__RESERVE(o->hash, need)) ||
      (rc = IDNER__RESERVE(o->plain, need)))
    return rc;
  f->cap = o->off->cap;
  if (o->hash->cap < f->cap) f->cap = o->hash->cap;
  if (o->plain->cap < f->cap) f->cap = o->plain->cap;
  f->off = o->off->v, f->hash = o->hash->v, f->plain = o->plain->v;
  return IDNER_OK;
}

int32_t idner__folder_add_slow(idner__folder *f, size_t k, const unsigned char *u, size_t len) {
  int32_t rc;
  if ((rc = idner__folder_reserve(f, k + 2))) return rc; /* and off[k + 1] */
  const unsigned char *end = f->end;
  size_t pos = f->pos, i = 0;
  char *o = f->buf + pos;
  uint64_t low = 0;
  f->off[k] = (uint32_t)pos;
  /* Eight bytes at a time while they lie inside the text (as in
   * idner__fold_hash_append); bytes past the token are masked off, then
   * stored as zeros past the form, not kept. */
  while (i < len && end - (u + i) >= 8) {
    uint64_t v, m;
    memcpy(&v, u + i, 8);
    size_t take = len - i < 8 ? len - i : 8;
    memcpy(&m, idner__fold_ones + 8 - take, 8);
    v &= m;
    if (v & 0x8080808080808080ull) break; /* non-ASCII: the byte loop, then the general path */
    low |= idner__below_slash8(v, m);
    v = idner__lower8(v);
    memcpy(o + i, &v, 8);
    i += take;
  }
  for (; i < len; i++) {
    unsigned c = u[i];
    if (c >= 0x80u) break;
    low |= c < 0x2Fu;
    c |= (unsigned)(c - 'A' < 26u) << 5; /* A-Z -> a-z */
    o[i] = (char)c;
  }
  if (i < len) { /* the rest through the general path */
    idner__bytes *out = f->out.forms;
    out->n = pos + i;
    if ((rc = idner__fold_append((const char *)u + i, len - i, out))) return rc;
    f->hash[k] = idner__hash(out->v + pos, out->n - pos);
    if ((rc = IDNER__RESERVE(out, out->n + (size_t)(end - (u + len)) + 17))) return rc;
    f->buf = out->v, f->pos = out->n;
    f->plain[k] = (uint8_t)idner__mark_other(f->marks, (unsigned char)f->buf[pos], f->pos - pos);
  } else {
    uint64_t h = idner__hash(o, len);
    unsigned c0 = len ? (unsigned char)o[0] : 0;
    f->hash[k] = h;
    f->pos = pos + len;
    f->plain[k] = (uint8_t)(((low == 0) & (len != 0))
                                ? 1u | idner__mark_plain(f->marks, c0, h)
                                : idner__mark_other(f->marks, c0, len));
  }
  return IDNER_OK;
}

int32_t idner__folder_end(idner__folder *f, size_t n) {
  int32_t rc;
  if ((rc = idner__folder_reserve(f, n + 1))) return rc;
  f->off[n] = (uint32_t)f->pos;
  idner__bytes *out = f->out.forms;
  out->n = f->pos;
  /* 16 bytes readable past every form's start (fold.h): a longer non-ASCII
   * fold of the last token may have used up the slack */
  if (out->n + 17 > out->cap && (rc = IDNER__RESERVE(out, out->n + 17))) return rc;
  memset(out->v + out->n, 0, 17);
  if (f->out.off) f->out.off->n = f->out.hash->n = f->out.plain->n = n + 1;
  return IDNER_OK;
}

int32_t idner__fold_hash_tokens(const char *text, const idner_token *toks, size_t n,
                                idner__bytes *out, uint32_t *off, uint64_t *hash,
                                uint8_t *plain, const idner__datemark *marks) {
  /* a folder over the caller's arrays (n + 1 entries: never grown) and
   * the tokens' span of the text */
  size_t first = n ? toks[0].byte_start : 0, last = n ? toks[n - 1].byte_end : 0;
  idner__folder f;
  f.out.forms = out, f.out.off = NULL, f.out.hash = NULL, f.out.plain = NULL, f.out.marks = marks;
  f.end = (const unsigned char *)text + last;
  f.pos = 0;
  out->n = 0;
  int32_t rc = IDNER__RESERVE(out, last - first + 17);
  if (rc) return rc;
  f.buf = out->v;
  f.cap = n + 1;
  f.off = off, f.hash = hash, f.plain = plain;
  set_marks(&f, marks);
  for (size_t k = 0; k < n; k++) {
    const unsigned char *u = (const unsigned char *)text + toks[k].byte_start;
    if ((rc = idner__folder_add(&f, k, u, toks[k].byte_end - toks[k].byte_start))) return rc;
  }
  return idner__folder_end(&f, n);
}

uint64_t idner__hash(const char *s, size_t len) {
  uint64_t h = idner__hash_begin(len), w;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    memcpy(&w, s + i, 8);
    h = idner__hash_word(h, idner__le64(w));
  }
  if (i < len) { /* the last word, zero-padded */
    w = 0;
    for (size_t j = len; j-- > i;) w = w << 8 | (unsigned char)s[j];
    h = idner__hash_word(h, w);
  }
  return idner__hash_end(h);
}

uint64_t idner__fnv_more(uint64_t h, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * IDNER__FNV_PRIME;
  return h;
}

uint64_t idner__fnv(const char *s, size_t len) {
  return idner__fnv_more(IDNER__FNV_OFFSET, s, len);
}

void idner__fnv_forms(const char *forms, const uint32_t *off, size_t n, uint64_t *out) {
  for (size_t k = 0; k < n; k++)
    out[k] = idner__fnv_form(IDNER__FNV_OFFSET, forms + off[k], off[k + 1] - off[k]);
}
