/* jsonio.h — a small, strict JSON reader for flat objects (one per line, as
 * in JSON Lines) and a JSON string writer, for the idner-tag example.
 *
 * Reader: accepts exactly one object whose values are strings, numbers,
 * true, false or null (nested arrays and objects are rejected), with
 * optional surrounding whitespace. Strings are decoded (all escapes,
 * including \uXXXX and surrogate pairs; a lone surrogate is an error).
 * Raw bytes >= 0x80 in strings are passed through unchanged: whether they
 * must be valid UTF-8 is the caller's decision (idner's lenient/strict mode).
 * Raw control characters in strings, duplicate keys and trailing garbage
 * are errors. Every allocation is checked.
 *
 * Writer: json_write_string() writes a quoted, escaped JSON string that is
 * always valid UTF-8: each invalid UTF-8 byte becomes \ufffd (one replacement
 * per byte, the same "one invalid byte = one character" rule idner uses).
 */
#ifndef IDNER_EXAMPLES_JSONIO_H
#define IDNER_EXAMPLES_JSONIO_H

#include <stddef.h>
#include <stdio.h>

typedef enum json_kind {
  JSON_NULL,
  JSON_FALSE,
  JSON_TRUE,
  JSON_NUMBER,  /* str/len hold the number's text exactly as written */
  JSON_STRING   /* str/len hold the decoded bytes (NUL-terminated too) */
} json_kind;

typedef struct json_member {
  const char *key;  /* decoded, NUL-terminated */
  size_t key_len;
  json_kind kind;
  const char *str;  /* JSON_STRING / JSON_NUMBER; NUL-terminated */
  size_t len;
} json_member;

/* A parsed object. Reuse one for many lines: its memory only grows.
 * Pointers in members are valid until the next parse or json_object_free. */
typedef struct json_object {
  json_member *members;
  size_t count, members_cap;
  char *arena;       /* decoded strings */
  size_t arena_cap;
} json_object;

#define JSON_OK 0
#define JSON_ERR_SYNTAX (-1)  /* message in errbuf */
#define JSON_ERR_NOMEM (-2)

/* Initializes an empty object (no allocation). */
void json_object_init(json_object *obj);
/* Frees what the object holds; it may be reused after json_object_init. */
void json_object_free(json_object *obj);

/* Parses text[0..len) as one flat object into obj (replacing its previous
 * contents). On JSON_ERR_SYNTAX, errbuf (may be NULL) receives a message
 * such as "expected ':' at column 7". */
int json_parse_object(json_object *obj, const char *text, size_t len,
                      char *errbuf, size_t errbuf_size);

/* The member named key (NUL-terminated), or NULL. */
const json_member *json_object_get(const json_object *obj, const char *key);

/* Writes s[0..len) as a quoted JSON string. Returns 0, or -1 on a write
 * error (check ferror(out) as usual). */
int json_write_string(FILE *out, const char *s, size_t len);

/* A streaming writer for nested objects/arrays, compact ({"a": 1, "b": 2},
 * the same separators as Python's json.dumps) or pretty (2-space indent).
 * Write errors are sticky in the FILE: check ferror() at the end. */
#define JSON_WRITER_MAX_DEPTH 16
typedef struct json_writer {
  FILE *out;
  int pretty;
  int depth;
  int has_items[JSON_WRITER_MAX_DEPTH];
} json_writer;

void json_writer_init(json_writer *w, FILE *out, int pretty);
/* key is NULL inside arrays and for the top-level value; otherwise a
 * plain ASCII name (written as is, without escaping). */
void json_begin_object(json_writer *w, const char *key);
void json_end_object(json_writer *w);
void json_begin_array(json_writer *w, const char *key);
void json_end_array(json_writer *w);
void json_write_member_string(json_writer *w, const char *key, const char *s, size_t len);
void json_write_member_uint(json_writer *w, const char *key, unsigned long long v);
void json_write_member_int(json_writer *w, const char *key, long long v);
/* raw must already be valid JSON (e.g. a number's text). */
void json_write_member_raw(json_writer *w, const char *key, const char *raw, size_t len);
/* Ends the top-level value with a newline. */
void json_writer_finish(json_writer *w);

/* Decodes one UTF-8 sequence at s[0..len) (len >= 1). Returns its length
 * (1..4) and the code point in *cp, or returns 1 with *cp = -1 for an
 * invalid, overlong, surrogate or truncated sequence. */
size_t json_utf8_decode(const char *s, size_t len, long *cp);

#endif
