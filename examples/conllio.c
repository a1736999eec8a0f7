/* conllio.c — see conllio.h. */
#define _POSIX_C_SOURCE 200809L /* getline */
#include "conllio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* ---- Lines ---- */

void line_reader_init(line_reader *r, FILE *fp) {
  memset(r, 0, sizeof *r);
  r->fp = fp;
}

void line_reader_free(line_reader *r) {
  free(r->buf);
  r->buf = NULL;
  r->cap = 0;
}

static int read_failure(FILE *fp) {
  if (ferror(fp)) return LINE_ERR_READ;
  return errno == ENOMEM ? LINE_ERR_NOMEM : LINE_ERR_READ;
}

int line_reader_next(line_reader *r, const char **line, size_t *len) {
  ssize_t n;
  size_t skip = 0;
  errno = 0;
  n = getline(&r->buf, &r->cap, r->fp);
  if (n < 0) return feof(r->fp) && !ferror(r->fp) ? LINE_EOF : read_failure(r->fp);
  r->lineno++;
  r->bytes_read += (uint64_t)n;
  if (n > 0 && r->buf[n - 1] == '\n') n--;
  if (n > 0 && r->buf[n - 1] == '\r') n--;
  r->buf[n] = '\0';
  if (r->lineno == 1 && n >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) skip = 3;
  *line = r->buf + skip;
  *len = (size_t)n - skip;
  return LINE_OK;
}

static int grow(char **buf, size_t *cap, size_t need) {
  size_t new_cap = *cap ? *cap : 65536;
  char *p;
  while (new_cap < need) {
    if (new_cap > SIZE_MAX / 2) return LINE_ERR_NOMEM;
    new_cap *= 2;
  }
  p = realloc(*buf, new_cap);
  if (!p) return LINE_ERR_NOMEM;
  *buf = p;
  *cap = new_cap;
  return LINE_OK;
}

int read_whole_stream(FILE *fp, char **out, size_t *out_len) {
  char *buf = NULL;
  size_t cap = 0, len = 0;
  for (;;) {
    if (cap - len < 4096 + 1 && grow(&buf, &cap, len + 4096 + 1) != LINE_OK) {
      free(buf);
      return LINE_ERR_NOMEM;
    }
    size_t got = fread(buf + len, 1, cap - len - 1, fp);
    len += got;
    if (got == 0) break;
  }
  if (ferror(fp)) {
    free(buf);
    return LINE_ERR_READ;
  }
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return LINE_OK;
}

/* ---- CoNLL documents ---- */

static const char DOCSTART[] = "-DOCSTART-";

void conll_reader_init(conll_reader *r, line_reader *lines) {
  memset(r, 0, sizeof *r);
  r->lines = lines;
}

void conll_doc_init(conll_doc *d) {
  memset(d, 0, sizeof *d);
}

void conll_doc_free(conll_doc *d) {
  free(d->lines);
  free(d->bytes);
  free(d->tokens);
  free(d->lens);
  free(d->sentence_starts);
  conll_doc_init(d);
}

/* Grows *p (of *cap elements of elem bytes) to hold need elements. */
static int reserve(void **p, size_t *cap, size_t need, size_t elem) {
  size_t new_cap = *cap ? *cap : 64;
  void *q;
  if (need <= *cap) return 0;
  while (new_cap < need) {
    if (new_cap > SIZE_MAX / 2) return -1;
    new_cap *= 2;
  }
  if (new_cap > SIZE_MAX / elem) return -1;
  q = realloc(*p, new_cap * elem);
  if (!q) return -1;
  *p = q;
  *cap = new_cap;
  return 0;
}

static int is_blank(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

static conll_line_kind classify(const char *s, size_t len) {
  if (is_blank(s, len)) return CONLL_BLANK;
  if (len >= sizeof DOCSTART - 1 && memcmp(s, DOCSTART, sizeof DOCSTART - 1) == 0)
    return CONLL_DOCSTART;
  return CONLL_TOKEN;
}

static size_t first_field_len(const char *s, size_t len) {
  const char *tab = memchr(s, '\t', len);
  return tab ? (size_t)(tab - s) : len;
}

static int append_line(conll_doc *d, conll_line_kind kind, const char *s, size_t len) {
  size_t field = kind == CONLL_TOKEN ? first_field_len(s, len)
                 : kind == CONLL_DOCSTART ? len : 0;
  conll_line *line;
  if (reserve((void **)&d->lines, &d->lines_cap, d->n_lines + 1, sizeof *d->lines) != 0 ||
      reserve((void **)&d->bytes, &d->bytes_cap, d->n_bytes + field + 1, 1) != 0)
    return CONLL_ERR_NOMEM;
  line = &d->lines[d->n_lines++];
  line->kind = kind;
  line->field_offset = d->n_bytes;
  line->field_len = field;
  memcpy(d->bytes + d->n_bytes, s, field);
  d->n_bytes += field;
  return CONLL_OK;
}

static int reserve_tokens(conll_doc *d, size_t n) {
  size_t cap = d->tokens_cap;
  if (reserve((void **)&d->tokens, &cap, n, sizeof *d->tokens) != 0) return -1;
  cap = d->tokens_cap;
  if (reserve((void **)&d->lens, &cap, n, sizeof *d->lens) != 0) return -1;
  cap = d->tokens_cap;
  if (reserve((void **)&d->sentence_starts, &cap, n, 1) != 0) return -1;
  d->tokens_cap = cap;
  return 0;
}

/* Builds tokens/lens/sentence_starts from the remembered lines (the byte
 * buffer no longer moves once the document is complete). */
static int build_tokens(conll_doc *d) {
  size_t n = 0;
  int new_sentence = 1;
  for (size_t i = 0; i < d->n_lines; i++)
    n += d->lines[i].kind == CONLL_TOKEN;
  if (n > d->tokens_cap && reserve_tokens(d, n) != 0) return CONLL_ERR_NOMEM;
  d->n_tokens = 0;
  for (size_t i = 0; i < d->n_lines; i++) {
    const conll_line *line = &d->lines[i];
    if (line->kind != CONLL_TOKEN) {
      new_sentence = 1;
      continue;
    }
    d->tokens[d->n_tokens] = d->bytes + line->field_offset;
    d->lens[d->n_tokens] = line->field_len;
    d->sentence_starts[d->n_tokens] = (uint8_t)new_sentence;
    d->n_tokens++;
    new_sentence = 0;
  }
  return CONLL_OK;
}

static int format_error(conll_reader *r, const char *what) {
  r->error = what;
  r->error_line = r->lines->lineno;
  return CONLL_ERR_FORMAT;
}

static int lines_error(int rc) {
  return rc == LINE_ERR_NOMEM ? CONLL_ERR_NOMEM : CONLL_ERR_READ;
}

/* Adds the reader's current line to d. */
static int take_line(conll_reader *r, conll_doc *d, const char *s, size_t len,
                     conll_line_kind kind) {
  if (d->n_lines == 0) d->first_line = r->lines->lineno;
  if (kind == CONLL_TOKEN && is_blank(s, first_field_len(s, len)))
    return format_error(r, "empty token (the line starts with a tab)");
  return append_line(d, kind, s, len);
}

int conll_read_doc(conll_reader *r, conll_doc *d) {
  const char *s;
  size_t len;
  int rc;
  d->n_lines = d->n_bytes = d->n_tokens = 0;
  if (r->pending) {
    rc = take_line(r, d, r->pending, r->pending_len, CONLL_DOCSTART);
    r->pending = NULL;
    if (rc != CONLL_OK) return rc;
  }
  while ((rc = line_reader_next(r->lines, &s, &len)) == LINE_OK) {
    conll_line_kind kind = classify(s, len);
    if (kind == CONLL_DOCSTART && d->n_lines > 0) {
      r->pending = s; /* still valid: the next read happens after it is used */
      r->pending_len = len;
      break;
    }
    rc = take_line(r, d, s, len, kind);
    if (rc != CONLL_OK) return rc;
  }
  if (rc < 0) return lines_error(rc);
  if (d->n_lines == 0) return CONLL_EOF;
  return build_tokens(d);
}
