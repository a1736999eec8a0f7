/* conllio.h — line-oriented input for the idner-tag example.
 *
 * 1. A line reader that streams lines of any length (LF or CRLF, with or
 *    without a final newline), used for JSON Lines and CoNLL, and a
 *    whole-stream reader for plain text.
 * 2. CoNLL documents: one token per line (the first TAB-separated field;
 *    other fields are ignored), a blank line between sentences, and
 *    "-DOCSTART-" lines starting a new document. Documents are read one at
 *    a time; every input line is remembered so that output can reproduce
 *    the input's lines exactly. */
#ifndef IDNER_EXAMPLES_CONLLIO_H
#define IDNER_EXAMPLES_CONLLIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Lines ---- */

typedef struct line_reader {
  FILE *fp;
  char *buf;            /* the current line, NUL-terminated */
  size_t cap;
  unsigned long lineno; /* 1-based number of the current line */
  uint64_t bytes_read;  /* raw bytes consumed so far */
} line_reader;

#define LINE_OK 1
#define LINE_EOF 0
#define LINE_ERR_READ (-1)   /* errno says why */
#define LINE_ERR_NOMEM (-2)

void line_reader_init(line_reader *r, FILE *fp);
void line_reader_free(line_reader *r);

/* Reads the next line. On LINE_OK, *line / *len hold it without its "\n"
 * or "\r\n" (and, on line 1, without a UTF-8 byte order mark); they stay
 * valid until the next call. Embedded NUL bytes are kept. */
int line_reader_next(line_reader *r, const char **line, size_t *len);

/* Reads all of fp into a new malloc'd buffer (*buf, *len; NUL-terminated;
 * the caller frees it). Returns LINE_OK, LINE_ERR_READ or LINE_ERR_NOMEM. */
int read_whole_stream(FILE *fp, char **buf, size_t *len);

/* ---- CoNLL documents ---- */

typedef enum conll_line_kind {
  CONLL_TOKEN,    /* a token line */
  CONLL_BLANK,    /* empty or only spaces/tabs: ends a sentence */
  CONLL_DOCSTART  /* "-DOCSTART-...": starts a document */
} conll_line_kind;

typedef struct conll_line {
  conll_line_kind kind;
  /* In conll_doc.bytes: the first field of a token line, the whole line of
   * a "-DOCSTART-" line (so it can be echoed), nothing for a blank line. */
  size_t field_offset, field_len;
} conll_line;

typedef struct conll_doc {
  unsigned long first_line; /* input line number of the first line */
  conll_line *lines;
  size_t n_lines, lines_cap;
  char *bytes;              /* first fields, concatenated */
  size_t n_bytes, bytes_cap;
  /* The tokens (CONLL_TOKEN lines), ready for idner_analyze_tokens();
   * filled when the document is complete. */
  const char **tokens;
  size_t *lens;
  uint8_t *sentence_starts;
  size_t n_tokens, tokens_cap;
} conll_doc;

typedef struct conll_reader {
  line_reader *lines;
  const char *pending;     /* a "-DOCSTART-" line already read: starts the next doc */
  size_t pending_len;
  unsigned long error_line;
  const char *error;       /* static message for CONLL_ERR_FORMAT */
} conll_reader;

#define CONLL_OK 1
#define CONLL_EOF 0
#define CONLL_ERR_READ (-1)
#define CONLL_ERR_NOMEM (-2)
#define CONLL_ERR_FORMAT (-3) /* error, error_line set */

void conll_reader_init(conll_reader *r, line_reader *lines);
void conll_doc_init(conll_doc *d);
void conll_doc_free(conll_doc *d);

/* Reads the next document (at least one line) into d, replacing its
 * contents. Returns CONLL_OK, CONLL_EOF or a CONLL_ERR_* code. */
int conll_read_doc(conll_reader *r, conll_doc *d);

#endif
