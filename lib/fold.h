/* fold.h — case folding of token text for case-insensitive gazetteer
 * lookup (fold.c). */
#ifndef IDNER_FOLD_H
#define IDNER_FOLD_H

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
 * the work). off and hash hold n + 1 entries. plain[k] is 1 when token k
 * is non-empty ASCII with no byte below '/' (no white space, ',', '(',
 * '-' nor '.'): its form is then its bytes lower-cased as ASCII, which the
 * date grammar's trigger lookup uses. The forms are back to back, with a
 * NUL and at least 16 more readable bytes after the last (a form's first
 * 16 bytes can be read as two words: the gazetteer lookup does). */
int32_t idner__fold_hash_tokens(const char *text, const idner_token *toks, size_t n,
                                idner__bytes *out, uint32_t *off, uint64_t *hash,
                                uint8_t *plain);


/* 64-bit FNV-1a hash of a byte string (used on folded forms). */
uint64_t idner__hash(const char *s, size_t len);

#endif
