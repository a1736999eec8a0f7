/* invariants.h — the checks every fuzz target runs on what the library
 * returns (tests/fuzz/): offsets in bounds, increasing and consistent
 * between bytes and code points, entities on token boundaries, values
 * well-formed, errors explained. A violation prints what is wrong and
 * aborts, so libFuzzer and the replay test (replay.c) report it as a crash. */
#ifndef IDNER_FUZZ_INVARIANTS_H
#define IDNER_FUZZ_INVARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "idner.h"

/* Prints "invariant violated: ..." to stderr and aborts. */
void fuzz_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;

/* Loads the embedded default once into models[0] (IDNER_LOAD_NO_MODEL) and
 * models[1] (with the model), and makes *doc once; fuzz_fail on failure.
 * For targets that keep them for the whole process. */
void fuzz_load_embedded(idner_model *models[2], idner_doc **doc);

/* Length (1..4) of the valid UTF-8 sequence at s[0..len), or 0 when the
 * byte at s starts none (overlong, surrogate, > U+10FFFF, truncated, stray
 * continuation byte): the library then counts that one byte as one code
 * point (include/idner.h, OFFSETS). */
size_t fuzz_utf8_seq(const unsigned char *s, size_t len);
/* 1 if s[0..len) is valid UTF-8. */
int fuzz_utf8_valid(const char *s, size_t len);

/* 1 if s[0..len) is a TIMEX3 value of a shape docs/dates.md documents for
 * type (IDNER_TYPE_DATE or IDNER_TYPE_TIME): 2023-09-19, 2023-10, 2023,
 * 199, 20, 2023-W37, 2023-W37-WE, 2023-Q3, 2023-H1, BC0500, PAST_REF,
 * PRESENT_REF, FUTURE_REF; TIME 2023-09-19T10:00 or T10:00. */
int fuzz_timex_value_ok(const char *s, size_t len, uint32_t type);
/* 1 if s[0..len) is a TIMEX3 mod: START, MID, END or APPROX. */
int fuzz_timex_mod_ok(const char *s, size_t len);

/* What the caller knows about the analysis being checked. */
typedef struct fuzz_expect {
  int32_t status;                /* what the analyze call returned */
  const char *text;              /* idner_analyze: the caller's text; NULL after analyze_tokens */
  size_t len;                    /* its length */
  /* idner_analyze_tokens: the caller's tokens (NULL after idner_analyze) */
  const char *const *tokens;
  const size_t *lens;
  size_t n_tokens;
  const uint8_t *sentence_starts;
  uint32_t types;                /* options.types */
  int strict;                    /* IDNER_FLAG_STRICT_UTF8 was set */
  int default_data;              /* the embedded data: NAT values are ISO alpha-2 codes */
} fuzz_expect;

/* Checks everything the doc holds after the call described by e (aborts on
 * a violation). */
void fuzz_check_doc(const idner_doc *doc, const fuzz_expect *e);

#endif
