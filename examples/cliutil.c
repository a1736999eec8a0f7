/* cliutil.c — calendar-date parsing for the example programs (cliutil.h). */
#include "cliutil.h"

#include <string.h>

static int is_leap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static uint32_t days_in_month(int32_t y, uint32_t m) {
  static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int parse_digits(const char *s, size_t n, uint32_t *out) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (uint32_t)(s[i] - '0');
  }
  *out = v;
  return 0;
}

int cli_parse_date(const char *s, size_t len, ymd *out) {
  uint32_t y, m, d;
  if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
  if (parse_digits(s, 4, &y) || parse_digits(s + 5, 2, &m) || parse_digits(s + 8, 2, &d))
    return -1;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month((int32_t)y, m)) return -1;
  out->year = (int32_t)y;
  out->month = m;
  out->day = d;
  return 0;
}

int cli_option_value(const char *name, int argc, char **argv, int *i, const char **value) {
  const char *arg = argv[*i];
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0) return 0;
  if (arg[n] == '=') {
    *value = arg + n + 1;
    return 1;
  }
  if (arg[n] != '\0') return 0;
  if (*i + 1 >= argc) return -1;
  *value = argv[++*i];
  return 1;
}
