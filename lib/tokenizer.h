/* tokenizer.h — UTF-8 handling and the Indonesian tokenizer and sentence
 * splitter (tokenizer.c, sentences.c). */
#ifndef IDNER_TOKENIZER_H
#define IDNER_TOKENIZER_H

#include "common.h"
#include "fold.h"

/* Decodes the code point at s[i] (i < len). Returns the number of bytes it
 * takes (1..4). An invalid or truncated sequence, an overlong form or a
 * surrogate yields *cp = -1 and length 1, so every invalid byte is one
 * "character" and offsets never shift. */
size_t idner__utf8_decode(const char *s, size_t len, size_t i, int32_t *cp);

/* 1 if s[0..len) is valid UTF-8 (as idner__utf8_decode judges it), else 0. */
int idner__utf8_valid(const char *s, size_t len);

/* Tokenizes text[0..len) and appends tokens to out (out->n is not reset).
 * Fills byte/char offsets, kind (IDNER_TOK_*) and shape flags
 * (IDNER_SHAPE_*, except SENT_START); sentence = 0. With strict != 0 the
 * first invalid UTF-8 byte stops it with IDNER_ERR_INVALID_UTF8 and its
 * offset in *bad_offset (may be NULL). Whitespace (incl. Unicode spaces,
 * NUL and control bytes) separates tokens and is never part of one.
 * Returns IDNER_OK, IDNER_ERR_NOMEM or IDNER_ERR_INVALID_UTF8. */
int32_t idner__tokenize(const char *text, size_t len, int strict,
                        idner__tokvec *out, size_t *bad_offset);

/* Kind and shape of one token string given by a caller (pre-tokenized
 * input), with the same rules as idner__tokenize. */
void idner__classify_token(const char *s, size_t len, uint32_t *kind,
                           uint32_t *shape);

/* Sets .sentence (0-based) and IDNER_SHAPE_SENT_START on toks[0..n) of
 * text, splitting after . ! ? … (and closing quotes/brackets after them)
 * unless the period belongs to an abbreviation or initial, and at every
 * line break. Returns the number of sentences (0 when n == 0). */
uint32_t idner__split_sentences(const char *text, idner_token *toks, size_t n);

/* The same one token at a time (sentences.c), for idner__tokenize_split():
 * the sentence so far and whether a terminal token ended it. */
typedef struct idner__sentences {
  uint32_t sent;
  int pending;
} idner__sentences;

/* Sets t's sentence and SENT_START given the token before it (NULL for the
 * first) and whether a line break lies between them. A token that is not
 * PUNCT, after no line break, with nothing pending, just gets st->sent. */
void idner__sentence_next(idner__sentences *st, const char *text, const idner_token *prev,
                          idner_token *t, int line_break);

/* idner__tokenize() and idner__split_sentences() of the new tokens in one
 * pass: the splitter learns of line breaks as the tokenizer skips them.
 * *nsent = number of sentences. */
int32_t idner__tokenize_split(const char *text, size_t len, int strict, idner__tokvec *out,
                              size_t *bad_offset, uint32_t *nsent);

/* idner__tokenize_split() that also folds the new tokens into *fo as it
 * finds them (idner__folder: the result of idner__fold_hash_tokens, with
 * fo->off->n set to 1 + their number), while their bytes are at hand. */
int32_t idner__tokenize_split_fold(const char *text, size_t len, int strict, idner__tokvec *out,
                                   size_t *bad_offset, uint32_t *nsent,
                                   const idner__foldout *fo);

#endif
