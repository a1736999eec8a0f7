/* dates.h — the date grammar: finds DATE/TIME expressions in text and
 * normalizes them to TIMEX3 values (dates.c). */
#ifndef IDNER_DATES_H
#define IDNER_DATES_H

#include "common.h"
#include "fold.h"

/* Compiled grammar (PCRE2 patterns, JIT where available). Immutable after
 * idner__dates_compile() but for each rule's JIT compilation, done on the
 * rule's first use under a lock; shared by threads through the model. */
typedef struct idner__dategrammar idner__dategrammar;

/* Per-doc scratch (PCRE2 match data etc.); one thread at a time. */
typedef struct idner__datescratch idner__datescratch;

typedef struct idner__date_hit {
  uint32_t tok_start, tok_end;  /* token span, half-open */
  uint32_t type;                /* IDNER_TYPE_DATE or IDNER_TYPE_TIME */
  char value[32];               /* TIMEX3 value, "" when it needs a reference date we lack */
  char end_value[32];           /* range end, "" if none */
  char mod[16];                 /* "START", "MID", "END", "APPROX" or "" */
  int32_t tz_offset_minutes;    /* WIB +420, WITA +480, WIT +540 */
  uint32_t has_tz;
} idner__date_hit;

typedef struct idner__datehits {
  idner__date_hit *v;
  size_t n, cap;
} idner__datehits;

/* Reference date; year 0 = none. */
typedef struct idner__refdate {
  int32_t year;
  int32_t month, day;
} idner__refdate;

/* Compiles the embedded grammar (dates-grammar.tsv) and calendar
 * (dates-calendar.tsv). IDNER_OK, IDNER_ERR_NOMEM, or IDNER_ERR_DATA_FORMAT
 * naming the file and line. */
int32_t idner__dates_compile(idner__dategrammar **out, char *err, size_t errsz);

/* The same from the caller's file contents; a NULL grammar or calendar
 * means the embedded one. The names are for messages while compiling. The
 * bytes are copied. */
int32_t idner__dates_compile_from(const char *grammar, size_t glen, const char *gname,
                                  const char *calendar, size_t clen, const char *cname,
                                  idner__dategrammar **out, char *err, size_t errsz);
void idner__dates_free(idner__dategrammar *g);

/* The embedded image (image.h) of a compiled grammar: the rules' PCRE2 code
 * serialized, their group numbers, the tables and the calendar (for the
 * build-time generator and tests; idner__dates_compile uses an image for the
 * embedded files). Free with idner__dates_image_free. IDNER_OK,
 * IDNER_ERR_NOMEM or IDNER_ERR_INTERNAL. */
struct idner__dates_image;
int32_t idner__dates_image_of(const idner__dategrammar *g, struct idner__dates_image *out);
void idner__dates_image_free(struct idner__dates_image *im);

int32_t idner__datescratch_new(idner__datescratch **out);
void idner__datescratch_free(idner__datescratch *s);

/* Finds non-overlapping DATE/TIME expressions in text whose spans start and
 * end on boundaries of toks[0..ntok) (tokens of that text, in order) and
 * appends them, in text order, to out (out->n is not reset). Values are
 * resolved against ref, or against the last full date mentioned earlier in
 * the text where that is the convention. Runs in time linear in len.
 * Returns IDNER_OK or IDNER_ERR_NOMEM. */
int32_t idner__dates_find(const idner__dategrammar *g, idner__datescratch *s,
                          const char *text, size_t len, const idner_token *toks,
                          size_t ntok, const idner__refdate *ref,
                          idner__datehits *out);

/* The tokens' folded forms (fold.h, idner__fold_hash_tokens), when the
 * caller has them: a plain token's form is the key a trigger word is
 * looked up by, and its hash is known, so the scan reads them instead of
 * lower-casing and hashing each word itself. */
typedef struct idner__date_folds {
  const char *fold;       /* forms, back to back */
  const uint32_t *off;    /* ntok + 1 offsets into fold */
  const uint64_t *hash;   /* idner__hash of each form */
  const uint8_t *plain;   /* IDNER__FOLD_PLAIN: ASCII, no byte below '/'; IDNER__FOLD_MARK */
  int marked;             /* the folds' mark bits are this grammar's (idner__dates_marks):
                             the scan visits only the marked tokens */
} idner__date_folds;

/* The tables of the grammar's test of whether a token may start a date,
 * for the folds' mark bits (fold.h): a token unmarked by them starts
 * nothing. They live as long as g. */
const idner__datemark *idner__dates_marks(const idner__dategrammar *g);

/* idner__dates_find with the tokens' folded forms (same hits). */
int32_t idner__dates_find_folded(const idner__dategrammar *g, idner__datescratch *s,
                                 const char *text, size_t len, const idner_token *toks,
                                 size_t ntok, const idner__date_folds *folds,
                                 const idner__refdate *ref, idner__datehits *out);

#endif
