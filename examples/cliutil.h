/* cliutil.h — small helpers shared by the example programs (idner-tag,
 * idner-eval): calendar dates given on the command line or in JSON, and
 * valued command-line options. */
#ifndef IDNER_EXAMPLES_CLIUTIL_H
#define IDNER_EXAMPLES_CLIUTIL_H

#include <stddef.h>
#include <stdint.h>

typedef struct ymd {
  int32_t year;
  uint32_t month, day;
} ymd;

/* Parses exactly "YYYY-MM-DD" (s[0..len)), a real calendar day with year
 * 0001..9999. Returns 0, or -1 leaving *out unchanged. */
int cli_parse_date(const char *s, size_t len, ymd *out);

/* Matches argv[*i] against a valued option "name": "--name=VALUE" or
 * "--name VALUE" (then *i moves past VALUE). Returns 1 with *value set, 0
 * if argv[*i] is another option, -1 if the value is missing. */
int cli_option_value(const char *name, int argc, char **argv, int *i, const char **value);

#endif
