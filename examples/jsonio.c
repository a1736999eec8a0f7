/* jsonio.c — see jsonio.h. */
#include "jsonio.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 ---------------------------------------------------------------- */

size_t json_utf8_decode(const char *s, size_t len, long *cp) {
  const unsigned char *u = (const unsigned char *)s;
  size_t need;
  long min, value;
  *cp = -1;
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  if (u[0] >= 0xC2 && u[0] <= 0xDF) {
    need = 2, min = 0x80, value = u[0] & 0x1F;
  } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
    need = 3, min = 0x800, value = u[0] & 0x0F;
  } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
    need = 4, min = 0x10000, value = u[0] & 0x07;
  } else {
    return 1;
  }
  if (len < need) return 1;
  for (size_t i = 1; i < need; i++) {
    if ((u[i] & 0xC0) != 0x80) return 1;
    value = (value << 6) | (u[i] & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return 1;
  *cp = value;
  return need;
}

/* ---- Writer ----------------------------------------------------------------- */

static int write_escape(FILE *out, const char *esc) {
  return fputs(esc, out) < 0 ? -1 : 0;
}

static int write_u_escape(FILE *out, unsigned code) {
  return fprintf(out, "\\u%04x", code) < 0 ? -1 : 0;
}

/* Writes one "special" character starting at s[i]; returns bytes consumed
 * (0 on write error). Handles escapes, invalid bytes and U+2028/U+2029. */
static size_t write_char(FILE *out, const char *s, size_t len, size_t i) {
  unsigned char c = (unsigned char)s[i];
  long cp;
  size_t n;
  int rc = 0;
  switch (c) {
    case '"': rc = write_escape(out, "\\\""); break;
    case '\\': rc = write_escape(out, "\\\\"); break;
    case '\b': rc = write_escape(out, "\\b"); break;
    case '\f': rc = write_escape(out, "\\f"); break;
    case '\n': rc = write_escape(out, "\\n"); break;
    case '\r': rc = write_escape(out, "\\r"); break;
    case '\t': rc = write_escape(out, "\\t"); break;
    default:
      if (c < 0x20 || c == 0x7F) {
        rc = write_u_escape(out, c);
        break;
      }
      n = json_utf8_decode(s + i, len - i, &cp);
      if (cp < 0) {
        rc = write_u_escape(out, 0xFFFD);
      } else if (cp == 0x2028 || cp == 0x2029) {
        rc = write_u_escape(out, (unsigned)cp); /* valid JSON, unsafe JS */
      } else {
        rc = fwrite(s + i, 1, n, out) == n ? 0 : -1;
      }
      return rc == 0 ? n : 0;
  }
  return rc == 0 ? 1 : 0;
}

static int needs_care(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c >= 0x7F;
}

int json_write_string(FILE *out, const char *s, size_t len) {
  size_t i = 0;
  if (putc('"', out) == EOF) return -1;
  while (i < len) {
    size_t run = i;
    while (run < len && !needs_care((unsigned char)s[run])) run++;
    if (run > i && fwrite(s + i, 1, run - i, out) != run - i) return -1;
    i = run;
    if (i < len) {
      size_t n = write_char(out, s, len, i);
      if (n == 0) return -1;
      i += n;
    }
  }
  return putc('"', out) == EOF ? -1 : 0;
}

/* ---- Structured writer -------------------------------------------------- */

void json_writer_init(json_writer *w, FILE *out, int pretty) {
  memset(w, 0, sizeof *w);
  w->out = out;
  w->pretty = pretty;
}

static void newline_indent(json_writer *w, int depth) {
  putc('\n', w->out);
  for (int i = 0; i < depth; i++) fputs("  ", w->out);
}

/* Separator and key before a value at the current depth. */
static void begin_item(json_writer *w, const char *key) {
  int d = w->depth;
  if (d > 0) {
    if (w->has_items[d]) putc(',', w->out);
    if (w->pretty)
      newline_indent(w, d);
    else if (w->has_items[d])
      putc(' ', w->out);
    w->has_items[d] = 1;
  }
  if (key) { /* keys are the program's own ASCII literals: no escaping */
    putc('"', w->out);
    fputs(key, w->out);
    fputs("\": ", w->out);
  }
}

static void open_container(json_writer *w, const char *key, char bracket) {
  begin_item(w, key);
  putc(bracket, w->out);
  if (w->depth + 1 < JSON_WRITER_MAX_DEPTH) w->depth++;
  w->has_items[w->depth] = 0;
}

static void close_container(json_writer *w, char bracket) {
  int had_items = w->has_items[w->depth];
  if (w->depth > 0) w->depth--;
  if (w->pretty && had_items) newline_indent(w, w->depth);
  putc(bracket, w->out);
}

void json_begin_object(json_writer *w, const char *key) { open_container(w, key, '{'); }
void json_end_object(json_writer *w) { close_container(w, '}'); }
void json_begin_array(json_writer *w, const char *key) { open_container(w, key, '['); }
void json_end_array(json_writer *w) { close_container(w, ']'); }

void json_write_member_string(json_writer *w, const char *key, const char *s, size_t len) {
  begin_item(w, key);
  json_write_string(w->out, s, len);
}

/* Decimal digits of v without printf (it dominates output time otherwise). */
static void write_decimal(FILE *out, int negative, unsigned long long v) {
  char buf[24];
  size_t i = sizeof buf;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  if (negative) buf[--i] = '-';
  fwrite(buf + i, 1, sizeof buf - i, out);
}

void json_write_member_uint(json_writer *w, const char *key, unsigned long long v) {
  begin_item(w, key);
  write_decimal(w->out, 0, v);
}

void json_write_member_int(json_writer *w, const char *key, long long v) {
  begin_item(w, key);
  write_decimal(w->out, v < 0, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
}

void json_write_member_raw(json_writer *w, const char *key, const char *raw, size_t len) {
  begin_item(w, key);
  fwrite(raw, 1, len, w->out);
}

void json_writer_finish(json_writer *w) {
  putc('\n', w->out);
}

/* ---- Reader ----------------------------------------------------------------- */

typedef struct parser {
  const char *s;
  size_t len, pos;
  char *arena;
  size_t arena_used;
  char *err;
  size_t err_size;
} parser;

void json_object_init(json_object *obj) {
  memset(obj, 0, sizeof *obj);
}

void json_object_free(json_object *obj) {
  free(obj->members);
  free(obj->arena);
  json_object_init(obj);
}

static int syntax_error(parser *p, const char *what) {
  if (p->err && p->err_size > 0) {
    if (p->pos < p->len)
      snprintf(p->err, p->err_size, "%s at column %zu", what, p->pos + 1);
    else
      snprintf(p->err, p->err_size, "%s at end of line", what);
  }
  return JSON_ERR_SYNTAX;
}

static void skip_space(parser *p) {
  while (p->pos < p->len) {
    char c = p->s[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    p->pos++;
  }
}

static int peek(const parser *p) {
  return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Reads the 4 hex digits after "\u" at p->pos. */
static int read_hex4(parser *p, long *out) {
  long v = 0;
  if (p->len - p->pos < 4) return syntax_error(p, "truncated \\u escape");
  for (int i = 0; i < 4; i++) {
    int h = hex_value((unsigned char)p->s[p->pos + (size_t)i]);
    if (h < 0) return syntax_error(p, "invalid \\u escape");
    v = v * 16 + h;
  }
  p->pos += 4;
  *out = v;
  return JSON_OK;
}

static void put_utf8(parser *p, long cp) {
  char *d = p->arena + p->arena_used;
  if (cp < 0x80) {
    d[0] = (char)cp;
    p->arena_used += 1;
  } else if (cp < 0x800) {
    d[0] = (char)(0xC0 | (cp >> 6));
    d[1] = (char)(0x80 | (cp & 0x3F));
    p->arena_used += 2;
  } else if (cp < 0x10000) {
    d[0] = (char)(0xE0 | (cp >> 12));
    d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[2] = (char)(0x80 | (cp & 0x3F));
    p->arena_used += 3;
  } else {
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    p->arena_used += 4;
  }
}

/* After "\u": one code unit, or a surrogate pair "\uD83D\uDE00". */
static int read_unicode_escape(parser *p) {
  long hi, lo;
  int rc = read_hex4(p, &hi);
  if (rc != JSON_OK) return rc;
  if (hi >= 0xDC00 && hi <= 0xDFFF)
    return syntax_error(p, "unpaired low surrogate in \\u escape");
  if (hi >= 0xD800 && hi <= 0xDBFF) {
    if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
      return syntax_error(p, "unpaired high surrogate in \\u escape");
    p->pos += 2;
    rc = read_hex4(p, &lo);
    if (rc != JSON_OK) return rc;
    if (lo < 0xDC00 || lo > 0xDFFF)
      return syntax_error(p, "unpaired high surrogate in \\u escape");
    hi = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
  }
  put_utf8(p, hi);
  return JSON_OK;
}

static int read_escape(parser *p) {
  int c = peek(p);
  static const char from[] = "\"\\/bfnrt";
  static const char to[] = "\"\\/\b\f\n\r\t";
  const char *hit;
  if (c < 0) return syntax_error(p, "unterminated string");
  p->pos++;
  if (c == 'u') return read_unicode_escape(p);
  hit = strchr(from, c);
  if (c == 0 || hit == NULL) {
    p->pos--;
    return syntax_error(p, "invalid escape");
  }
  p->arena[p->arena_used++] = to[hit - from];
  return JSON_OK;
}

/* Reads a string at p->pos (which is '"') into the arena. */
static int read_string(parser *p, const char **out, size_t *out_len) {
  size_t start = p->arena_used;
  p->pos++; /* opening quote */
  for (;;) {
    size_t run = p->pos;
    while (run < p->len && p->s[run] != '"' && p->s[run] != '\\' &&
           (unsigned char)p->s[run] >= 0x20)
      run++;
    memcpy(p->arena + p->arena_used, p->s + p->pos, run - p->pos);
    p->arena_used += run - p->pos;
    p->pos = run;
    if (p->pos >= p->len) return syntax_error(p, "unterminated string");
    if (p->s[p->pos] == '"') break;
    if (p->s[p->pos] != '\\')
      return syntax_error(p, "control character in string");
    p->pos++;
    int rc = read_escape(p);
    if (rc != JSON_OK) return rc;
  }
  p->pos++; /* closing quote */
  p->arena[p->arena_used++] = '\0';
  *out = p->arena + start;
  *out_len = p->arena_used - start - 1;
  return JSON_OK;
}

static int is_digit(int c) {
  return c >= '0' && c <= '9';
}

static size_t skip_digits(parser *p) {
  size_t start = p->pos;
  while (is_digit(peek(p))) p->pos++;
  return p->pos - start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? copied to the arena. */
static int read_number(parser *p, const char **out, size_t *out_len) {
  size_t start = p->pos;
  if (peek(p) == '-') p->pos++;
  if (peek(p) == '0') {
    p->pos++;
    if (is_digit(peek(p))) return syntax_error(p, "leading zero in number");
  } else if (skip_digits(p) == 0) {
    return syntax_error(p, "invalid number");
  }
  if (peek(p) == '.') {
    p->pos++;
    if (skip_digits(p) == 0) return syntax_error(p, "invalid number");
  }
  if (peek(p) == 'e' || peek(p) == 'E') {
    p->pos++;
    if (peek(p) == '+' || peek(p) == '-') p->pos++;
    if (skip_digits(p) == 0) return syntax_error(p, "invalid number");
  }
  *out = p->arena + p->arena_used;
  *out_len = p->pos - start;
  memcpy(p->arena + p->arena_used, p->s + start, *out_len);
  p->arena_used += *out_len;
  p->arena[p->arena_used++] = '\0';
  return JSON_OK;
}

static int read_literal(parser *p, const char *word) {
  size_t n = strlen(word);
  if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
    return syntax_error(p, "invalid value");
  p->pos += n;
  return JSON_OK;
}

static int read_value(parser *p, json_member *m) {
  int c = peek(p);
  m->str = NULL;
  m->len = 0;
  switch (c) {
    case '"': m->kind = JSON_STRING; return read_string(p, &m->str, &m->len);
    case 't': m->kind = JSON_TRUE; return read_literal(p, "true");
    case 'f': m->kind = JSON_FALSE; return read_literal(p, "false");
    case 'n': m->kind = JSON_NULL; return read_literal(p, "null");
    case '{':
    case '[': return syntax_error(p, "nested objects and arrays are not supported");
    case -1: return syntax_error(p, "expected a value");
    default:
      if (c == '-' || is_digit(c)) {
        m->kind = JSON_NUMBER;
        return read_number(p, &m->str, &m->len);
      }
      return syntax_error(p, "invalid value");
  }
}

static int compare_keys(const void *a, const void *b) {
  const json_member *x = a, *y = b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->key, y->key, n);
  if (c != 0) return c;
  return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Sorts the members by key (lookup does not depend on order) and rejects a
 * repeated key: O(n log n) even for a line with very many keys. */
static int check_duplicate_keys(parser *p, json_object *obj) {
  if (obj->count < 2) return JSON_OK;
  qsort(obj->members, obj->count, sizeof *obj->members, compare_keys);
  for (size_t i = 1; i < obj->count; i++) {
    if (compare_keys(&obj->members[i - 1], &obj->members[i]) == 0) {
      if (p->err && p->err_size > 0)
        snprintf(p->err, p->err_size, "duplicate key \"%.40s\"", obj->members[i].key);
      return JSON_ERR_SYNTAX;
    }
  }
  return JSON_OK;
}

static int push_member(json_object *obj, json_member **out) {
  if (obj->count == obj->members_cap) {
    size_t cap = obj->members_cap ? obj->members_cap * 2 : 8;
    json_member *m;
    if (cap > SIZE_MAX / sizeof *m) return JSON_ERR_NOMEM;
    m = realloc(obj->members, cap * sizeof *m);
    if (!m) return JSON_ERR_NOMEM;
    obj->members = m;
    obj->members_cap = cap;
  }
  *out = &obj->members[obj->count++];
  return JSON_OK;
}

static int read_member(parser *p, json_object *obj) {
  json_member m;
  json_member *slot;
  int rc;
  if (peek(p) != '"') return syntax_error(p, "expected a string key");
  rc = read_string(p, &m.key, &m.key_len);
  if (rc != JSON_OK) return rc;
  skip_space(p);
  if (peek(p) != ':') return syntax_error(p, "expected ':'");
  p->pos++;
  skip_space(p);
  rc = read_value(p, &m);
  if (rc != JSON_OK) return rc;
  rc = push_member(obj, &slot);
  if (rc != JSON_OK) return rc;
  *slot = m;
  return JSON_OK;
}

static int read_members(parser *p, json_object *obj) {
  skip_space(p);
  if (peek(p) == '}') {
    p->pos++;
    return JSON_OK;
  }
  for (;;) {
    int rc = read_member(p, obj);
    if (rc != JSON_OK) return rc;
    skip_space(p);
    if (peek(p) == '}') {
      p->pos++;
      return JSON_OK;
    }
    if (peek(p) != ',') return syntax_error(p, "expected ',' or '}'");
    p->pos++;
    skip_space(p);
  }
}

/* Decoded strings are never longer than their source, plus one NUL each, so
 * 2*len+2 bytes can never overflow and the arena never moves mid-parse. */
static int reserve_arena(json_object *obj, size_t len) {
  size_t need;
  if (len > (SIZE_MAX - 2) / 2) return JSON_ERR_NOMEM;
  need = 2 * len + 2;
  if (need > obj->arena_cap) {
    char *a = realloc(obj->arena, need);
    if (!a) return JSON_ERR_NOMEM;
    obj->arena = a;
    obj->arena_cap = need;
  }
  return JSON_OK;
}

int json_parse_object(json_object *obj, const char *text, size_t len,
                      char *errbuf, size_t errbuf_size) {
  parser p = {text, len, 0, NULL, 0, errbuf, errbuf_size};
  int rc;
  obj->count = 0;
  if (errbuf && errbuf_size) errbuf[0] = '\0';
  rc = reserve_arena(obj, len);
  if (rc != JSON_OK) return rc;
  p.arena = obj->arena;
  skip_space(&p);
  if (peek(&p) != '{') return syntax_error(&p, "expected '{'");
  p.pos++;
  rc = read_members(&p, obj);
  if (rc != JSON_OK) {
    obj->count = 0;
    return rc;
  }
  skip_space(&p);
  if (p.pos != p.len) rc = syntax_error(&p, "unexpected text after the object");
  if (rc == JSON_OK) rc = check_duplicate_keys(&p, obj);
  if (rc != JSON_OK) obj->count = 0;
  return rc;
}

const json_member *json_object_get(const json_object *obj, const char *key) {
  size_t len = strlen(key);
  for (size_t i = 0; i < obj->count; i++)
    if (obj->members[i].key_len == len && memcmp(obj->members[i].key, key, len) == 0)
      return &obj->members[i];
  return NULL;
}
