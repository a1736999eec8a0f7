/* invariants.c — the shared invariant checker of the fuzz targets (see
 * invariants.h): everything a caller may rely on in a doc's results, from
 * include/idner.h and docs/dates.md, checked independently of the library's
 * own code (its own UTF-8 decoder, its own TIMEX3 shapes). */
#include "invariants.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  fputs("invariant violated: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  abort();
}

void fuzz_load_embedded(idner_model *models[2], idner_doc **doc) {
  static const uint32_t flags[2] = {IDNER_LOAD_NO_MODEL, 0};
  char err[256];
  for (int i = 0; i < 2; i++)
    if (!models[i] && idner_model_load(NULL, flags[i], &models[i], err, sizeof err) != IDNER_OK)
      fuzz_fail("cannot load the embedded model (flags %u): %s", flags[i], err);
  if (!*doc && idner_doc_new(doc) != IDNER_OK) fuzz_fail("idner_doc_new failed");
}

size_t fuzz_utf8_seq(const unsigned char *s, size_t len) {
  unsigned c = s[0];
  size_t n;
  unsigned long cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0; /* continuation byte, C0, C1, F5..FF */
  if (len < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0; /* overlong */
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;                       /* surrogate */
  if (cp > 0x10FFFF) return 0;
  return n;
}

int fuzz_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < len;) {
    size_t n = fuzz_utf8_seq(p + i, len - i);
    if (!n) return 0;
    i += n;
  }
  return 1;
}

/* ---- TIMEX3 shapes ---- */

static int digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

static int num(const char *s, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
  return v;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* YYYY-MM-DD, a real day. */
static int is_day(const char *s, size_t n) {
  if (n != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
      !digits(s + 8, 2))
    return 0;
  int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
  return m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m);
}

/* Thh:mm, 00:00..23:59 or 24:00 (ISO 8601's end of the day) */
static int is_clock(const char *s, size_t n) {
  if (n != 6 || s[0] != 'T' || !digits(s + 1, 2) || s[3] != ':' || !digits(s + 4, 2)) return 0;
  int hh = num(s + 1, 2), mi = num(s + 4, 2);
  return (hh <= 23 && mi <= 59) || (hh == 24 && mi == 0);
}

int fuzz_timex_value_ok(const char *s, size_t n, uint32_t type) {
  if (type == IDNER_TYPE_TIME)
    return is_clock(s, n) || (n == 16 && is_day(s, 10) && is_clock(s + 10, 6));
  if (type != IDNER_TYPE_DATE) return 0;
  if ((n == 8 && !memcmp(s, "PAST_REF", 8)) || (n == 11 && !memcmp(s, "PRESENT_REF", 11)) ||
      (n == 10 && !memcmp(s, "FUTURE_REF", 10)))
    return 1;
  if (n >= 6 && s[0] == 'B' && s[1] == 'C') return digits(s + 2, n - 2); /* BC0500 */
  if (n >= 2 && n <= 4) return digits(s, n); /* century, decade, year */
  if (n < 7 || !digits(s, 4) || s[4] != '-') return 0;
  const char *t = s + 5;
  size_t k = n - 5;
  if (k == 2 && digits(t, 2)) return num(t, 2) >= 1 && num(t, 2) <= 12; /* 2023-10 */
  if (k == 5) return is_day(s, n);                                       /* 2023-09-19 */
  if (k == 2 && t[0] == 'Q') return t[1] >= '1' && t[1] <= '4';
  if (k == 2 && t[0] == 'H') return t[1] == '1' || t[1] == '2';
  if ((k == 3 || (k == 6 && !memcmp(t + 3, "-WE", 3))) && t[0] == 'W' && digits(t + 1, 2))
    return num(t + 1, 2) >= 1 && num(t + 1, 2) <= 53; /* 2023-W37, 2023-W37-WE */
  return 0;
}

int fuzz_timex_mod_ok(const char *s, size_t n) {
  return (n == 5 && !memcmp(s, "START", 5)) || (n == 3 && !memcmp(s, "MID", 3)) ||
         (n == 3 && !memcmp(s, "END", 3)) || (n == 6 && !memcmp(s, "APPROX", 6));
}

/* ---- Docs ---- */

/* A string of the pool: in bounds, NUL-terminated there, no NUL inside. */
static const char *pool_string(const char *pool, uint32_t pool_len, uint32_t off, uint32_t len,
                               size_t ent, const char *what) {
  if (len == 0) return "";
  if (!pool) fuzz_fail("entity %zu: %s set but the string pool is NULL", ent, what);
  if ((uint64_t)off + len >= pool_len)
    fuzz_fail("entity %zu: %s [%u, +%u) outside the pool of %u bytes (with its NUL)", ent, what,
              off, len, pool_len);
  if (pool[off + len] != '\0') fuzz_fail("entity %zu: %s not NUL-terminated", ent, what);
  if (memchr(pool + off, '\0', len)) fuzz_fail("entity %zu: %s has a NUL inside", ent, what);
  return pool + off;
}

static int status_known(int32_t s) { return s <= 0 && s >= IDNER_ERR_INTERNAL; }

/* The virtual text idner_analyze_tokens() documents: tokens joined by one
 * space, sentences by one newline. Returns its length. */
static size_t virtual_len(const fuzz_expect *e) {
  size_t n = 0;
  for (size_t i = 0; i < e->n_tokens; i++) n += e->lens[i] + (i > 0);
  return n;
}

static void check_failure(const idner_doc *doc, const fuzz_expect *e) {
  const char *msg = idner_doc_error(doc);
  if (!msg) fuzz_fail("idner_doc_error() is NULL");
  if (!status_known(e->status)) fuzz_fail("unknown status %d", (int)e->status);
  if (!msg[0]) fuzz_fail("status %d (%s) with an empty idner_doc_error()", (int)e->status,
                         idner_strerror(e->status));
  if (e->status == IDNER_ERR_INTERNAL) fuzz_fail("IDNER_ERR_INTERNAL: %s", msg);
  if (idner_doc_token_count(doc) || idner_doc_entity_count(doc) ||
      idner_doc_sentence_count(doc))
    fuzz_fail("status %d but the doc holds results (%u tokens, %u entities)", (int)e->status,
              idner_doc_token_count(doc), idner_doc_entity_count(doc));
  if (e->status == IDNER_ERR_INVALID_UTF8) {
    int valid = 1;
    if (!e->strict) fuzz_fail("IDNER_ERR_INVALID_UTF8 without the strict flag");
    if (e->text) valid = fuzz_utf8_valid(e->text, e->len);
    for (size_t i = 0; !e->text && i < e->n_tokens; i++)
      valid = valid && fuzz_utf8_valid(e->tokens[i], e->lens[i]);
    if (valid) fuzz_fail("IDNER_ERR_INVALID_UTF8 on valid UTF-8: %s", msg);
  }
}

/* Per byte position of text: the number of code points before it, or -1
 * inside a valid multi-byte sequence (not a code point boundary). */
static long *code_point_index(const char *text, size_t len) {
  long *at = malloc((len + 1) * sizeof *at);
  long cp = 0;
  if (!at) fuzz_fail("out of memory in the checker");
  for (size_t i = 0; i < len;) {
    size_t n = fuzz_utf8_seq((const unsigned char *)text + i, len - i);
    if (!n) n = 1;
    at[i] = cp++;
    for (size_t k = 1; k < n; k++) at[i + k] = -1;
    i += n;
  }
  at[len] = cp;
  return at;
}

static void check_tokens(const idner_doc *doc, const fuzz_expect *e, const char *text,
                         uint32_t len, const long *cp) {
  uint32_t n = idner_doc_token_count(doc), ns = idner_doc_sentence_count(doc);
  const idner_token *t = idner_doc_tokens(doc);
  if (n && !t) fuzz_fail("%u tokens but idner_doc_tokens() is NULL", n);
  if (e->tokens && n != e->n_tokens) fuzz_fail("%zu tokens given, %u returned", e->n_tokens, n);
  if ((n == 0) != (ns == 0)) fuzz_fail("%u tokens in %u sentences", n, ns);
  size_t pos = 0, sent = 0;
  for (uint32_t i = 0; i < n; i++) {
    const idner_token *k = &t[i];
    if (k->byte_start >= k->byte_end || k->byte_end > len)
      fuzz_fail("token %u: bytes [%u, %u) in a text of %u", i, k->byte_start, k->byte_end, len);
    if (i && k->byte_start < t[i - 1].byte_end)
      fuzz_fail("token %u starts at %u before token %u ends at %u", i, k->byte_start, i - 1,
                t[i - 1].byte_end);
    if (cp[k->byte_start] < 0 || cp[k->byte_end] < 0)
      fuzz_fail("token %u: bytes [%u, %u) split a UTF-8 sequence", i, k->byte_start, k->byte_end);
    if (k->char_start != (uint32_t)cp[k->byte_start] || k->char_end != (uint32_t)cp[k->byte_end])
      fuzz_fail("token %u: chars [%u, %u), counted [%ld, %ld)", i, k->char_start, k->char_end,
                cp[k->byte_start], cp[k->byte_end]);
    if (k->kind < IDNER_TOK_WORD || k->kind > IDNER_TOK_MENTION)
      fuzz_fail("token %u: kind %u", i, k->kind);
    if (k->flags & ~0xFFu) fuzz_fail("token %u: flags 0x%x", i, k->flags);
    if (k->reserved) fuzz_fail("token %u: reserved field %u", i, k->reserved);
    if (k->sentence >= ns) fuzz_fail("token %u: sentence %u of %u", i, k->sentence, ns);
    if (i && k->sentence < t[i - 1].sentence)
      fuzz_fail("token %u: sentence %u after %u", i, k->sentence, t[i - 1].sentence);
    if (i && k->sentence > t[i - 1].sentence + 1)
      fuzz_fail("token %u: sentence %u skips after %u", i, k->sentence, t[i - 1].sentence);
    if (!!(k->flags & IDNER_SHAPE_SENT_START) != (i == 0 || k->sentence != t[i - 1].sentence))
      fuzz_fail("token %u: SENT_START flag disagrees with the sentence index", i);
    for (uint32_t b = k->byte_start; b < k->byte_end; b++)
      if (cp[b] >= 0 && !fuzz_utf8_seq((const unsigned char *)text + b, len - b) &&
          !(k->flags & IDNER_SHAPE_INVALID))
        fuzz_fail("token %u: invalid UTF-8 at byte %u without IDNER_SHAPE_INVALID", i, b);
    if (e->tokens) { /* the caller's token i, at its place in the joined text */
      if (i && e->sentence_starts && e->sentence_starts[i]) sent++;
      if (i) pos++;
      if (k->byte_start != pos || k->byte_end - k->byte_start != e->lens[i] ||
          memcmp(text + pos, e->tokens[i], e->lens[i]) != 0)
        fuzz_fail("token %u: bytes [%u, %u), given token at %zu of %zu bytes", i, k->byte_start,
                  k->byte_end, pos, e->lens[i]);
      if (i && text[pos - 1] != (e->sentence_starts && e->sentence_starts[i] ? '\n' : ' '))
        fuzz_fail("token %u: wrong separator before it in the joined text", i);
      if (k->sentence != sent)
        fuzz_fail("token %u: sentence %u, the caller's sentence_starts say %zu", i, k->sentence, sent);
      pos += e->lens[i];
    }
  }
  if (n && t[n - 1].sentence + 1 != ns)
    fuzz_fail("last token in sentence %u of %u", t[n - 1].sentence, ns);
}

static void check_entities(const idner_doc *doc, const fuzz_expect *e) {
  uint32_t n = idner_doc_entity_count(doc), nt = idner_doc_token_count(doc), pool_len = 0;
  const idner_entity *v = idner_doc_entities(doc);
  const idner_token *t = idner_doc_tokens(doc);
  const char *pool = idner_doc_strings(doc, &pool_len);
  if (n && !v) fuzz_fail("%u entities but idner_doc_entities() is NULL", n);
  if (n && !(e->types & IDNER_TYPES_ALL)) fuzz_fail("%u entities with types 0", n);
  for (uint32_t i = 0; i < n; i++) {
    const idner_entity *x = &v[i];
    if (x->type < IDNER_TYPE_PER || x->type > IDNER_TYPE_TIME)
      fuzz_fail("entity %u: type %u", i, x->type);
    if (!(e->types & IDNER_TYPE_BIT(x->type)))
      fuzz_fail("entity %u: type %s not asked for (types 0x%x)", i, idner_type_name(x->type),
                e->types);
    if (x->token_start >= x->token_end || x->token_end > nt)
      fuzz_fail("entity %u: tokens [%u, %u) of %u", i, x->token_start, x->token_end, nt);
    if (i && x->token_start < v[i - 1].token_end)
      fuzz_fail("entity %u: tokens [%u, %u) overlap or precede entity %u's [%u, %u)", i,
                x->token_start, x->token_end, i - 1, v[i - 1].token_start, v[i - 1].token_end);
    const idner_token *a = &t[x->token_start], *b = &t[x->token_end - 1];
    if (x->byte_start != a->byte_start || x->byte_end != b->byte_end ||
        x->char_start != a->char_start || x->char_end != b->char_end)
      fuzz_fail("entity %u: bytes [%u, %u) chars [%u, %u) not on its tokens' boundaries", i,
                x->byte_start, x->byte_end, x->char_start, x->char_end);
    if (x->evidence == 0 || (x->evidence & ~0x3FFu))
      fuzz_fail("entity %u: evidence 0x%x", i, x->evidence);
    for (int r = 0; r < 4; r++)
      if (x->reserved[r]) fuzz_fail("entity %u: reserved[%d] = %u", i, r, x->reserved[r]);
    const char *val = pool_string(pool, pool_len, x->value_offset, x->value_len, i, "value");
    const char *mod = pool_string(pool, pool_len, x->mod_offset, x->mod_len, i, "mod");
    const char *end = pool_string(pool, pool_len, x->end_value_offset, x->end_value_len, i,
                                  "end_value");
    if (x->has_tz > 1 || (!x->has_tz && x->tz_offset_minutes))
      fuzz_fail("entity %u: has_tz %u, tz %d", i, x->has_tz, (int)x->tz_offset_minutes);
    if (x->type == IDNER_TYPE_DATE || x->type == IDNER_TYPE_TIME) {
      if (x->value_len && !fuzz_timex_value_ok(val, x->value_len, x->type))
        fuzz_fail("entity %u: %s value \"%s\" is no documented TIMEX3 shape", i,
                  idner_type_name(x->type), val);
      if (x->end_value_len && !fuzz_timex_value_ok(end, x->end_value_len, x->type))
        fuzz_fail("entity %u: %s end_value \"%s\" is no documented TIMEX3 shape", i,
                  idner_type_name(x->type), end);
      if (x->mod_len && !fuzz_timex_mod_ok(mod, x->mod_len))
        fuzz_fail("entity %u: mod \"%s\"", i, mod);
    } else {
      if (x->mod_len || x->end_value_len || x->has_tz)
        fuzz_fail("entity %u: %s with a mod, end value or zone", i, idner_type_name(x->type));
      if (x->type == IDNER_TYPE_NAT && e->default_data &&
          !(x->value_len == 2 && val[0] >= 'A' && val[0] <= 'Z' && val[1] >= 'A' && val[1] <= 'Z'))
        fuzz_fail("entity %u: NAT value \"%s\" is no ISO alpha-2 code", i, val);
    }
  }
}

void fuzz_check_doc(const idner_doc *doc, const fuzz_expect *e) {
  if (e->status != IDNER_OK) {
    check_failure(doc, e);
    return;
  }
  const char *msg = idner_doc_error(doc);
  if (!msg || msg[0]) fuzz_fail("IDNER_OK with idner_doc_error() \"%s\"", msg ? msg : "(null)");
  uint32_t len = 0;
  const char *text = idner_doc_text(doc, &len);
  if (e->text) {
    if (len != e->len || (len && text != e->text))
      fuzz_fail("idner_doc_text(): %u bytes at %p, analyzed %zu at %p", len, (const void *)text,
                e->len, (const void *)e->text);
  } else if (len != virtual_len(e)) {
    fuzz_fail("idner_doc_text(): %u bytes, the joined tokens make %zu", len, virtual_len(e));
  }
  if (len && !text) fuzz_fail("idner_doc_text() NULL with length %u", len);
  if (e->strict && !fuzz_utf8_valid(text, len))
    fuzz_fail("IDNER_OK in strict mode on invalid UTF-8");
  long *cp = code_point_index(text ? text : "", len);
  check_tokens(doc, e, text, len, cp);
  free(cp);
  check_entities(doc, e);
}
