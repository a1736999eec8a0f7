/* calendar.c — parses the Indonesian calendar table (dates-calendar.tsv: Hijri
 * month names and month starts, holiday names and dates) with file:line errors,
 * and answers lookups for the date grammar: Hijri <-> Gregorian dates, month and
 * holiday names, holiday dates by Gregorian or Hijri year. No global state; the
 * parsed table is immutable. */
#include "calendar.h"

#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "image.h"
#include "tokenizer.h"

#define HEADER "# idner-calendar "
#define MAX_LINE 4096
#define MAX_FORM 255      /* bytes of one form */
#define MAX_KEY 63        /* bytes of a key or a source tag */
#define REPLACE_DAYS 15   /* a date row replaces a table date this close to it */

typedef struct cal_form {
  const char *s;   /* into pool, set when parsing ends */
  uint32_t off;    /* into pool */
  uint32_t len;
  uint32_t line;
  int32_t kind;    /* IDNER__CAL_* */
  int32_t value;   /* month or holiday id */
} cal_form;

typedef struct cal_holiday {
  uint32_t key_off;
  uint32_t line;
  int32_t fixed_m, fixed_d;   /* 0 = none */
  int32_t hijri_m, hijri_d;   /* 0 = none */
  int32_t epoch;              /* 0 = none */
  uint32_t date_first, date_n;
} cal_holiday;

typedef struct cal_date {
  int32_t hol;
  int32_t day;   /* days since 1970-01-01 */
  uint32_t line;
} cal_date;

struct idner__calendar {
  int32_t h_base;      /* y * 12 + (m - 1) of the first hijri row */
  int32_t *h_start;    /* day number of each month's first day */
  size_t h_n, h_cap;
  uint32_t h_lastline;
  struct { cal_form *v; size_t n, cap; } forms;
  struct { cal_holiday *v; size_t n, cap; } hol;
  struct { cal_date *v; size_t n, cap; } dates;
  idner__bytes pool;
  size_t maxlen;
  int borrowed;        /* h_start, hol, dates and pool are the embedded image's */
};

/* ---- civil days ---------------------------------------------------------- */

int idner__is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int idner__days_in_month(int y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && idner__is_leap(y) ? 29 : dim[m - 1];
}

int idner__valid_date(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= idner__days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t idner__days_from_civil(int y, int m, int d) {
  int64_t yy = (int64_t)y - (m <= 2);
  int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int64_t yoe = yy - era * 400;
  int64_t doy = (153 * (int64_t)(m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void idner__civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ---- name normalization --------------------------------------------------- */

/* Normalizes s[0..n) into buf (see idner__cal_form_find). Returns the length,
 * or SIZE_MAX if it does not fit in cap bytes. */
static size_t normalize(const char *s, size_t n, char *buf, size_t cap) {
  size_t o = 0;
  int space = 0;
  for (size_t i = 0; i < n;) {
    unsigned char b = (unsigned char)s[i];
    char out = 0;
    size_t adv = 1;
    int ws = 0;
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f') {
      ws = 1;
    } else if (b == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
      ws = 1, adv = 2;                                   /* U+00A0 */
    } else if (b == '`') {
      out = '\'';
    } else if (b == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xB4) {
      out = '\'', adv = 2;                               /* U+00B4 */
    } else if (b == 0xCA && i + 1 < n && (unsigned char)s[i + 1] == 0xBC) {
      out = '\'', adv = 2;                               /* U+02BC */
    } else if (b == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
               ((unsigned char)s[i + 2] == 0x98 || (unsigned char)s[i + 2] == 0x99)) {
      out = '\'', adv = 3;                               /* U+2018, U+2019 */
    } else {
      out = (char)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
    }
    i += adv;
    if (ws) {
      space = o > 0;
      continue;
    }
    if (o + space + 1 > cap) return SIZE_MAX;
    if (space) buf[o++] = ' ';
    space = 0;
    buf[o++] = out;
  }
  return o;
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct ctx {
  idner__calendar *c;
  const char *name;
  size_t lineno;
  char *err;
  size_t errsz;
} ctx;

static int32_t fail(const ctx *x, const char *fmt, const char *arg, size_t alen) {
  char msg[320];
  if (arg) {
    char a[80];
    size_t n = alen < sizeof a - 1 ? alen : sizeof a - 1;
    memcpy(a, arg, n);
    a[n] = '\0';
    idner__fmt(msg, sizeof msg, fmt, a);
  } else {
    idner__fmt(msg, sizeof msg, "%s", fmt);
  }
  idner__fmt(x->err, x->errsz, "%s:%zu: %s", x->name, x->lineno, msg);
  return IDNER_ERR_DATA_FORMAT;
}
#define FAIL(x, msg) fail((x), (msg), NULL, 0)

/* Exactly `digits` decimal digits (or 1..digits when digits < 0). */
static int parse_num(const char *s, size_t len, int digits, int *out) {
  size_t want = (size_t)(digits < 0 ? -digits : digits);
  if (len == 0 || len > want || (digits > 0 && len != want)) return 0;
  int v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

/* YYYY-MM-DD, a valid Gregorian date. */
static int parse_iso(const char *s, size_t len, int32_t *day) {
  int y, m, d;
  if (len != 10 || s[4] != '-' || s[7] != '-' || !parse_num(s, 4, 4, &y) ||
      !parse_num(s + 5, 2, 2, &m) || !parse_num(s + 8, 2, 2, &d) || !idner__valid_date(y, m, d))
    return 0;
  *day = (int32_t)idner__days_from_civil(y, m, d);
  return 1;
}

/* MM-DD with month 1-12 and day 1-maxday. */
static int parse_md(const char *s, size_t len, int *m, int *d) {
  return len == 5 && s[2] == '-' && parse_num(s, 2, 2, m) && parse_num(s + 3, 2, 2, d) &&
         *m >= 1 && *m <= 12 && *d >= 1;
}

/* [a-z0-9]+(-[a-z0-9]+)*, at most MAX_KEY bytes. */
static int valid_key(const char *s, size_t len) {
  if (len == 0 || len > MAX_KEY || s[0] == '-' || s[len - 1] == '-') return 0;
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    if (ch == '-' ? s[i + 1] == '-' : !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
      return 0;
  }
  return 1;
}

static int find_key(const idner__calendar *c, const char *s, size_t len) {
  for (size_t i = 0; i < c->hol.n; i++) {
    const char *k = c->pool.v + c->hol.v[i].key_off;
    if (strlen(k) == len && memcmp(k, s, len) == 0) return (int)i;
  }
  return -1;
}

static int32_t pool_add(idner__calendar *c, const char *s, size_t len, uint32_t *off) {
  if (c->pool.n > UINT32_MAX / 2) return IDNER_ERR_NOMEM;
  *off = (uint32_t)c->pool.n;
  int32_t rc = idner__bytes_append(&c->pool, s, len);
  if (!rc) rc = idner__bytes_append(&c->pool, "\0", 1);
  return rc;
}

/* FORM|FORM|... of a hmonth, jmonth or holiday row. */
static int32_t add_forms(const ctx *x, const char *s, size_t len, int kind, int value) {
  idner__calendar *c = x->c;
  size_t i = 0;
  while (i <= len) {
    size_t j = i;
    while (j < len && s[j] != '|') j++;
    size_t fl = j - i;
    if (fl == 0) return FAIL(x, "empty form (forms are separated by a single '|')");
    if (fl > MAX_FORM) return FAIL(x, "form longer than 255 bytes");
    char buf[MAX_FORM + 1];
    for (size_t k = 0; k < fl; k++)
      if ((unsigned char)s[i + k] < 0x20 || s[i + k] == 0x7F)
        return FAIL(x, "control character in a form");
    size_t nl = normalize(s + i, fl, buf, sizeof buf);
    if (nl != fl || memcmp(buf, s + i, fl) != 0)
      return fail(x, "form '%s' is not normalized (lower case, single spaces, ASCII apostrophe)",
                  s + i, fl);
    int32_t rc = IDNER__RESERVE(&c->forms, c->forms.n + 1);
    if (rc) return rc;
    cal_form f;
    memset(&f, 0, sizeof f);
    if ((rc = pool_add(c, s + i, fl, &f.off))) return rc;
    f.len = (uint32_t)fl;
    f.line = (uint32_t)x->lineno;
    f.kind = kind;
    f.value = value;
    c->forms.v[c->forms.n++] = f;
    if (fl > c->maxlen) c->maxlen = fl;
    i = j + 1;
  }
  return IDNER_OK;
}

static int32_t parse_hijri(const ctx *x, const char **f, const size_t *fl) {
  idner__calendar *c = x->c;
  int y, m;
  int32_t day;
  if (fl[1] != 7 || f[1][4] != '-' || !parse_num(f[1], 4, 4, &y) ||
      !parse_num(f[1] + 5, 2, 2, &m) || y < 1 || m < 1 || m > 12)
    return fail(x, "bad Hijri month '%s' (expected YYYY-MM)", f[1], fl[1]);
  if (!parse_iso(f[2], fl[2], &day))
    return fail(x, "bad date '%s' (expected YYYY-MM-DD)", f[2], fl[2]);
  if (!valid_key(f[3], fl[3])) return fail(x, "bad source tag '%s'", f[3], fl[3]);
  int32_t idx = y * 12 + (m - 1);
  if (c->h_n == 0) {
    c->h_base = idx;
  } else {
    if (idx != c->h_base + (int32_t)c->h_n)
      return FAIL(x, "hijri rows must list consecutive months (this is not the month after the previous row)");
    int32_t len = day - c->h_start[c->h_n - 1];
    if (len != 29 && len != 30)
      return FAIL(x, "the previous Hijri month would not have 29 or 30 days");
  }
  if (c->h_n + 1 > c->h_cap) {
    int32_t rc = idner__grow((void **)&c->h_start, &c->h_cap, c->h_n + 1, sizeof *c->h_start);
    if (rc) return rc;
  }
  c->h_start[c->h_n++] = day;
  c->h_lastline = (uint32_t)x->lineno;
  return IDNER_OK;
}

static int32_t parse_line(const ctx *x, const char *s, size_t len) {
  idner__calendar *c = x->c;
  if (len == 0 || s[0] == '#') return IDNER_OK;
  if (len > MAX_LINE) return FAIL(x, "line longer than 4096 bytes");
  if (!idner__utf8_valid(s, len)) return FAIL(x, "invalid UTF-8");
  const char *f[5];
  size_t fl[5];
  int nf = 0;
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == '\t') {
      if (nf == 5) return FAIL(x, "too many fields");
      f[nf] = s + start;
      fl[nf++] = i - start;
      start = i + 1;
    }
  }
  for (int k = 0; k < nf; k++)
    if (fl[k] == 0) return FAIL(x, "empty field");
#define KIND(lit) (fl[0] == sizeof(lit) - 1 && memcmp(f[0], lit, sizeof(lit) - 1) == 0)
  int want = KIND("hijri") || KIND("date") ? 4 : 3;
  if (!(KIND("hmonth") || KIND("jmonth") || KIND("holiday") || KIND("fixed") ||
        KIND("hijriday") || KIND("epoch") || KIND("hijri") || KIND("date")))
    return fail(x, "unknown record kind '%s'", f[0], fl[0]);
  if (nf != want)
    return FAIL(x, want == 4 ? "expected 4 TAB-separated fields" : "expected 3 TAB-separated fields");

  if (KIND("hijri")) return parse_hijri(x, f, fl);
  if (KIND("hmonth") || KIND("jmonth")) {
    int m;
    if (!parse_num(f[1], fl[1], -2, &m) || m < 1 || m > 12 || f[1][0] == '0')
      return fail(x, "bad month number '%s' (expected 1-12)", f[1], fl[1]);
    return add_forms(x, f[2], fl[2], KIND("hmonth") ? IDNER__CAL_HMONTH : IDNER__CAL_JMONTH, m);
  }
  if (!valid_key(f[1], fl[1]))
    return fail(x, "bad holiday key '%s' (expected [a-z0-9-]+)", f[1], fl[1]);
  int id = find_key(c, f[1], fl[1]);
  if (KIND("holiday")) {
    if (id >= 0) return fail(x, "holiday '%s' defined twice", f[1], fl[1]);
    if (c->hol.n >= INT32_MAX / 2) return FAIL(x, "too many holidays");
    int32_t rc = IDNER__RESERVE(&c->hol, c->hol.n + 1);
    if (rc) return rc;
    cal_holiday h;
    memset(&h, 0, sizeof h);
    if ((rc = pool_add(c, f[1], fl[1], &h.key_off))) return rc;
    h.line = (uint32_t)x->lineno;
    c->hol.v[c->hol.n++] = h;
    return add_forms(x, f[2], fl[2], IDNER__CAL_HOLIDAY, (int)c->hol.n - 1);
  }
  if (id < 0) return fail(x, "unknown holiday '%s' (its holiday row must come first)", f[1], fl[1]);
  cal_holiday *h = &c->hol.v[id];
  if (KIND("fixed") || KIND("hijriday")) {
    int m, d, fixed = KIND("fixed");
    if (!parse_md(f[2], fl[2], &m, &d) || d > (fixed ? idner__days_in_month(2000, m) : 30))
      return fail(x, fixed ? "bad day '%s' (expected MM-DD)" : "bad Hijri day '%s' (expected MM-DD, day 1-30)",
                  f[2], fl[2]);
    if (h->fixed_m || h->hijri_m)
      return fail(x, "holiday '%s' already has a fixed or hijriday row", f[1], fl[1]);
    if (fixed) h->fixed_m = m, h->fixed_d = d;
    else h->hijri_m = m, h->hijri_d = d;
    return IDNER_OK;
  }
  if (KIND("epoch")) {
    int y;
    if (!parse_num(f[2], fl[2], 4, &y) || y < 1)
      return fail(x, "bad epoch year '%s' (expected YYYY)", f[2], fl[2]);
    if (h->epoch) return fail(x, "holiday '%s' already has an epoch row", f[1], fl[1]);
    h->epoch = y;
    return IDNER_OK;
  }
  /* date */
  int32_t day;
  if (!parse_iso(f[2], fl[2], &day))
    return fail(x, "bad date '%s' (expected YYYY-MM-DD)", f[2], fl[2]);
  if (!valid_key(f[3], fl[3])) return fail(x, "bad source tag '%s'", f[3], fl[3]);
  int32_t rc = IDNER__RESERVE(&c->dates, c->dates.n + 1);
  if (rc) return rc;
  cal_date dt = {id, day, (uint32_t)x->lineno};
  c->dates.v[c->dates.n++] = dt;
  return IDNER_OK;
#undef KIND
}

static int cmp_forms(const void *a, const void *b) {
  const cal_form *x = a, *y = b;
  if (x->len != y->len) return x->len > y->len ? -1 : 1;
  int r = memcmp(x->s, y->s, x->len);
  if (r) return r;
  return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_dates(const void *a, const void *b) {
  const cal_date *x = a, *y = b;
  if (x->hol != y->hol) return x->hol < y->hol ? -1 : 1;
  if (x->day != y->day) return x->day < y->day ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

/* Checks that need the whole file; sorts forms and dates. */
static int32_t finish(ctx *x) {
  idner__calendar *c = x->c;
  for (size_t i = 0; i < c->forms.n; i++) c->forms.v[i].s = c->pool.v + c->forms.v[i].off;
  if (c->forms.n > 1) qsort(c->forms.v, c->forms.n, sizeof *c->forms.v, cmp_forms);
  for (size_t i = 1; i < c->forms.n; i++) {
    const cal_form *p = &c->forms.v[i - 1], *q = &c->forms.v[i];
    if (p->len == q->len && memcmp(p->s, q->s, p->len) == 0) {
      char what[80];
      idner__fmt(what, sizeof what, "%u", (unsigned)p->line);
      x->lineno = q->line;
      char msg[400];
      idner__fmt(msg, sizeof msg, "form '%.*s' repeated (first at line %s)",
                 (int)(q->len > 80 ? 80 : q->len), q->s, what);
      return FAIL(x, msg);
    }
  }
  if (c->dates.n > 1) qsort(c->dates.v, c->dates.n, sizeof *c->dates.v, cmp_dates);
  for (size_t i = 0; i < c->dates.n; i++) {
    const cal_date *d = &c->dates.v[i];
    if (i > 0 && d[-1].hol == d->hol && d[-1].day == d->day) {
      x->lineno = d->line;
      return FAIL(x, "date row repeated");
    }
    cal_holiday *h = &c->hol.v[d->hol];
    if (h->date_n == 0) h->date_first = (uint32_t)i;
    h->date_n++;
  }
  for (size_t i = 0; i < c->hol.n; i++) {
    const cal_holiday *h = &c->hol.v[i];
    if (!h->fixed_m && !h->hijri_m && !h->date_n) {
      x->lineno = h->line;
      const char *k = c->pool.v + h->key_off;
      return fail(x, "holiday '%s' has no fixed, hijriday or date row", k, strlen(k));
    }
  }
  return IDNER_OK;
}

int32_t idner__cal_parse(const char *text, size_t len, const char *name,
                         idner__calendar **out, char *err, size_t errsz) {
  if (err && errsz) err[0] = '\0';
  if (!out) return IDNER_ERR_INVALID_ARG;
  *out = NULL;
  if (!text || !name) return IDNER_ERR_INVALID_ARG;
  idner__calendar *c = calloc(1, sizeof *c);
  if (!c) return IDNER_ERR_NOMEM;
  ctx x = {c, name, 0, err, errsz};
  int32_t rc = IDNER_OK;
  size_t pos = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3; /* BOM */
  if (len == pos) {
    x.lineno = 1;
    rc = FAIL(&x, "empty file (first line must be '# idner-calendar 1')");
  }
  while (!rc && pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t ll = end - pos;
    if (ll && text[pos + ll - 1] == '\r') ll--;
    x.lineno++;
    if (x.lineno == 1) {
      size_t hl = strlen(HEADER);
      if (ll < hl || memcmp(text + pos, HEADER, hl) != 0)
        rc = FAIL(&x, "first line must be '# idner-calendar 1'");
      else if (ll != hl + 1 || text[pos + hl] != '1') {
        FAIL(&x, "unsupported calendar format version (this library reads 1)");
        rc = IDNER_ERR_DATA_VERSION;
      }
    } else {
      rc = parse_line(&x, text + pos, ll);
    }
    pos = end + 1;
  }
  if (!rc) rc = finish(&x);
  if (rc) {
    idner__cal_free(c);
    return rc;
  }
  *out = c;
  return IDNER_OK;
}

int32_t idner__cal_load_default(idner__calendar **out, char *err, size_t errsz) {
  if (!out) return IDNER_ERR_INVALID_ARG;
  *out = NULL;
  for (unsigned i = 0; i < idner__embedded_count; i++) {
    const idner__embedded_file *f = &idner__embedded_files[i];
    if (strcmp(f->name, IDNER__CAL_FILE) == 0)
      return idner__cal_parse((const char *)f->data, (size_t)f->size, f->name, out, err, errsz);
  }
  idner__fmt(err, errsz, "%s: not embedded in this build", IDNER__CAL_FILE);
  return IDNER_ERR_NO_DATA;
}

void idner__cal_free(idner__calendar *c) {
  if (!c) return;
  if (!c->borrowed) {
    free(c->h_start);
    free(c->hol.v);
    free(c->dates.v);
    free(c->pool.v);
  }
  free(c->forms.v);
  free(c);
}

/* ---- the embedded image ------------------------------------------------------ */

int32_t idner__cal_image_of(const idner__calendar *c, idner__cal_image *out) {
  memset(out, 0, sizeof *out);
  idner__calendar *head = calloc(1, sizeof *head);
  cal_form *forms = calloc(c->forms.n ? c->forms.n : 1, sizeof *forms);
  if (!head || !forms) {
    free(head), free(forms);
    return IDNER_ERR_NOMEM;
  }
  /* field by field: padding and pointers stay zero, so the bytes are the same
   * from run to run */
  head->h_base = c->h_base;
  head->h_n = c->h_n;
  head->h_lastline = c->h_lastline;
  head->forms.n = c->forms.n;
  head->hol.n = c->hol.n;
  head->dates.n = c->dates.n;
  head->pool.n = c->pool.n;
  head->maxlen = c->maxlen;
  for (size_t i = 0; i < c->forms.n; i++) {
    const cal_form *f = &c->forms.v[i];
    forms[i].off = f->off, forms[i].len = f->len, forms[i].line = f->line;
    forms[i].kind = f->kind, forms[i].value = f->value;
  }
  out->head = (idner__blob){head, sizeof *head};
  out->h_start = (idner__blob){c->h_start, c->h_n * sizeof *c->h_start};
  out->forms = (idner__blob){forms, c->forms.n * sizeof *forms};
  out->hol = (idner__blob){c->hol.v, c->hol.n * sizeof *c->hol.v};
  out->dates = (idner__blob){c->dates.v, c->dates.n * sizeof *c->dates.v};
  out->pool = (idner__blob){c->pool.v, c->pool.n};
  return IDNER_OK;
}

void idner__cal_image_free(idner__cal_image *im) {
  free((void *)im->head.p);
  free((void *)im->forms.p);
  im->head = im->forms = (idner__blob){NULL, 0};
}

int32_t idner__cal_adopt(const idner__cal_image *im, idner__calendar **out) {
  *out = NULL;
  if (im->head.size != sizeof(idner__calendar)) return IDNER_ERR_INTERNAL;
  idner__calendar *c = malloc(sizeof *c);
  if (!c) return IDNER_ERR_NOMEM;
  memcpy(c, im->head.p, sizeof *c);
  if (im->h_start.size != c->h_n * sizeof *c->h_start ||
      im->forms.size != c->forms.n * sizeof *c->forms.v ||
      im->hol.size != c->hol.n * sizeof *c->hol.v ||
      im->dates.size != c->dates.n * sizeof *c->dates.v || im->pool.size != c->pool.n) {
    free(c);
    return IDNER_ERR_INTERNAL;
  }
  c->forms.v = malloc(im->forms.size ? im->forms.size : 1);
  if (!c->forms.v) {
    free(c);
    return IDNER_ERR_NOMEM;
  }
  if (im->forms.size) memcpy(c->forms.v, im->forms.p, im->forms.size);
  /* Read-only from here on: queries never write the table. */
  c->h_start = (int32_t *)im->h_start.p;
  c->hol.v = (cal_holiday *)im->hol.p;
  c->dates.v = (cal_date *)im->dates.p;
  c->pool.v = (char *)im->pool.p;
  c->borrowed = 1;
  for (size_t i = 0; i < c->forms.n; i++) c->forms.v[i].s = c->pool.v + c->forms.v[i].off;
  *out = c;
  return IDNER_OK;
}

const char *idner__cal_pool(const idner__calendar *c, size_t *size) {
  *size = c->pool.n;
  return c->pool.v;
}

/* ---- Hijri queries ---------------------------------------------------------- */

/* Index of Hijri month (y, m) among the hijri rows, or -1. */
static long hidx(const idner__calendar *c, int y, int m) {
  if (y < 1 || y > 9999 || c->h_n == 0) return -1;
  long i = (long)y * 12 + (m - 1) - c->h_base;
  return i >= 0 && (size_t)i < c->h_n ? i : -1;
}

/* Length of the month at index i, 0 for the last row (unknown). */
static int hlen(const idner__calendar *c, size_t i) {
  return i + 1 < c->h_n ? (int)(c->h_start[i + 1] - c->h_start[i]) : 0;
}

int idner__cal_hijri_range(const idner__calendar *c, int *fy, int *fm, int *ly, int *lm) {
  if (!c || !fy || !fm || !ly || !lm) return IDNER_ERR_INVALID_ARG;
  if (c->h_n < 2) return IDNER__CAL_NONE;
  int32_t last = c->h_base + (int32_t)c->h_n - 2;
  *fy = (int)(c->h_base / 12), *fm = (int)(c->h_base % 12) + 1;
  *ly = (int)(last / 12), *lm = (int)(last % 12) + 1;
  return IDNER_OK;
}

int idner__cal_hijri_to_greg(const idner__calendar *c, int y, int m, int d, int *gy,
                             int *gm, int *gd) {
  if (!c || !gy || !gm || !gd || m < 1 || m > 12 || d < 1 || d > 30)
    return IDNER_ERR_INVALID_ARG;
  long i = hidx(c, y, m);
  if (i < 0 || d > hlen(c, (size_t)i)) return IDNER__CAL_NONE;
  idner__civil_from_days(c->h_start[i] + d - 1, gy, gm, gd);
  return IDNER_OK;
}

int idner__cal_hijri_month_end(const idner__calendar *c, int y, int m, int *gy, int *gm,
                               int *gd, int *len) {
  if (!c || !gy || !gm || !gd || m < 1 || m > 12) return IDNER_ERR_INVALID_ARG;
  long i = hidx(c, y, m);
  if (i < 0 || hlen(c, (size_t)i) == 0) return IDNER__CAL_NONE;
  idner__civil_from_days(c->h_start[i + 1] - 1, gy, gm, gd);
  if (len) *len = hlen(c, (size_t)i);
  return IDNER_OK;
}

int idner__cal_greg_to_hijri(const idner__calendar *c, int gy, int gm, int gd, int *y,
                             int *m, int *d) {
  if (!c || !y || !m || !d || !idner__valid_date(gy, gm, gd)) return IDNER_ERR_INVALID_ARG;
  int32_t day = (int32_t)idner__days_from_civil(gy, gm, gd);
  if (c->h_n < 2 || day < c->h_start[0] || day >= c->h_start[c->h_n - 1]) return IDNER__CAL_NONE;
  size_t lo = 0, hi = c->h_n - 1; /* start[lo] <= day < start[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->h_start[mid] <= day) lo = mid;
    else hi = mid;
  }
  int32_t idx = c->h_base + (int32_t)lo;
  *y = (int)(idx / 12), *m = (int)(idx % 12) + 1, *d = (int)(day - c->h_start[lo]) + 1;
  return IDNER_OK;
}

int idner__cal_hijri_year_for(const idner__calendar *c, int m, int gy, int *hy) {
  if (!c || !hy || m < 1 || m > 12) return IDNER_ERR_INVALID_ARG;
  if (gy < 1 || gy > 9999) return IDNER__CAL_NONE;
  int32_t jan1 = (int32_t)idner__days_from_civil(gy, 1, 1), dec31 = (int32_t)idner__days_from_civil(gy, 12, 31);
  for (size_t i = 0; i < c->h_n; i++) {
    int32_t idx = c->h_base + (int32_t)i;
    if (idx % 12 == m - 1 && c->h_start[i] >= jan1 && c->h_start[i] <= dec31) {
      *hy = (int)(idx / 12);
      return IDNER_OK;
    }
  }
  return IDNER__CAL_NONE;
}

/* ---- names ------------------------------------------------------------------ */

static const cal_form *find_form(const idner__calendar *c, const char *s, size_t n) {
  if (!c || !s || c->forms.n == 0) return NULL;
  char buf[MAX_FORM + 1];
  size_t len = normalize(s, n, buf, c->maxlen < sizeof buf ? c->maxlen : sizeof buf);
  if (len == SIZE_MAX || len == 0) return NULL;
  /* forms are sorted by length (descending), then bytes */
  size_t lo = 0, hi = c->forms.n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const cal_form *f = &c->forms.v[mid];
    int r = f->len != len ? (f->len > len ? -1 : 1) : memcmp(f->s, buf, len);
    if (r == 0) return f;
    if (r < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

int idner__cal_form_find(const idner__calendar *c, const char *s, size_t n, int *kind,
                         int *value) {
  if (!c || !s) return IDNER_ERR_INVALID_ARG;
  const cal_form *f = find_form(c, s, n);
  if (!f) return IDNER__CAL_NONE;
  if (kind) *kind = f->kind;
  if (value) *value = f->value;
  return IDNER_OK;
}

int idner__cal_hmonth_find(const idner__calendar *c, const char *s, size_t n) {
  const cal_form *f = find_form(c, s, n);
  return f && f->kind != IDNER__CAL_HOLIDAY ? f->value : 0;
}

int idner__cal_holiday_find(const idner__calendar *c, const char *s, size_t n) {
  const cal_form *f = find_form(c, s, n);
  return f && f->kind == IDNER__CAL_HOLIDAY ? f->value : -1;
}

size_t idner__cal_form_count(const idner__calendar *c) { return c ? c->forms.n : 0; }

size_t idner__cal_form_maxlen(const idner__calendar *c) { return c ? c->maxlen : 0; }

int idner__cal_form_at(const idner__calendar *c, size_t i, const char **form, size_t *len,
                       int *kind, int *value) {
  if (!c || i >= c->forms.n) return IDNER_ERR_INVALID_ARG;
  const cal_form *f = &c->forms.v[i];
  if (form) *form = f->s;
  if (len) *len = f->len;
  if (kind) *kind = f->kind;
  if (value) *value = f->value;
  return IDNER_OK;
}

/* ---- holidays ----------------------------------------------------------------- */

int idner__cal_holiday_count(const idner__calendar *c) { return c ? (int)c->hol.n : 0; }

const char *idner__cal_holiday_key(const idner__calendar *c, int id) {
  if (!c || id < 0 || (size_t)id >= c->hol.n) return NULL;
  return c->pool.v + c->hol.v[id].key_off;
}

int idner__cal_holiday_by_key(const idner__calendar *c, const char *key) {
  if (!c || !key) return -1;
  return find_key(c, key, strlen(key));
}

static const cal_holiday *holiday(const idner__calendar *c, int id) {
  return c && id >= 0 && (size_t)id < c->hol.n ? &c->hol.v[id] : NULL;
}

/* The date row of h nearest to day within REPLACE_DAYS, or NULL. */
static const cal_date *replacing(const idner__calendar *c, const cal_holiday *h, int32_t day) {
  const cal_date *best = NULL;
  for (uint32_t k = 0; k < h->date_n; k++) {
    const cal_date *d = &c->dates.v[h->date_first + k];
    int32_t dist = d->day > day ? d->day - day : day - d->day;
    if (dist <= REPLACE_DAYS &&
        (!best || dist < (best->day > day ? best->day - day : day - best->day)))
      best = d;
  }
  return best;
}

int idner__cal_holiday_date_nth(const idner__calendar *c, int id, int gy, int k, int *gm,
                                int *gd) {
  const cal_holiday *h = holiday(c, id);
  if (!h || !gm || !gd || k < 0) return IDNER_ERR_INVALID_ARG;
  if (gy < 1 || gy > 9999) return IDNER__CAL_NONE;
  int32_t jan1 = (int32_t)idner__days_from_civil(gy, 1, 1), dec31 = (int32_t)idner__days_from_civil(gy, 12, 31);
  int32_t base[4];
  int nb = 0;
  int covered = 1;
  if (h->fixed_m && h->fixed_d <= idner__days_in_month(gy, h->fixed_m))
    base[nb++] = (int32_t)idner__days_from_civil(gy, h->fixed_m, h->fixed_d);
  if (h->hijri_m) {
    covered = c->h_n >= 2 && c->h_start[0] <= jan1 && c->h_start[c->h_n - 1] > dec31;
    for (size_t i = 0; covered && i + 1 < c->h_n && nb < 4; i++) {
      int32_t t = c->h_start[i] + h->hijri_d - 1;
      if ((c->h_base + (int32_t)i) % 12 == h->hijri_m - 1 && h->hijri_d <= hlen(c, i) &&
          t >= jan1 && t <= dec31)
        base[nb++] = t;
    }
  }
  /* drop the table dates that a date row replaces */
  int n = 0;
  for (int b = 0; b < nb; b++)
    if (!replacing(c, h, base[b])) base[n++] = base[b];
  nb = n;
  /* merge with this year's date rows (both sorted) */
  const cal_date *dv = c->dates.v + h->date_first;
  uint32_t di = 0, dn = h->date_n;
  while (di < dn && dv[di].day < jan1) di++;
  uint32_t de = di;
  while (de < dn && dv[de].day <= dec31) de++;
  if (!covered && di == de) return IDNER__CAL_NONE;
  int b = 0, seen = 0;
  while (b < nb || di < de) {
    int32_t day;
    if (di >= de || (b < nb && base[b] < dv[di].day)) day = base[b++];
    else day = dv[di++].day;
    if (seen++ == k) {
      int y;
      idner__civil_from_days(day, &y, gm, gd);
      return IDNER_OK;
    }
  }
  return IDNER__CAL_NONE;
}

int idner__cal_holiday_date(const idner__calendar *c, int id, int gy, int *gm, int *gd) {
  return idner__cal_holiday_date_nth(c, id, gy, 0, gm, gd);
}

int idner__cal_holiday_hijri(const idner__calendar *c, int id, int *hm, int *hd) {
  const cal_holiday *h = holiday(c, id);
  if (!h || !hm || !hd) return IDNER_ERR_INVALID_ARG;
  if (!h->hijri_m) return IDNER__CAL_NONE;
  *hm = h->hijri_m, *hd = h->hijri_d;
  return IDNER_OK;
}

int idner__cal_holiday_date_hijri(const idner__calendar *c, int id, int hy, int *gy,
                                  int *gm, int *gd) {
  const cal_holiday *h = holiday(c, id);
  if (!h || !gy || !gm || !gd) return IDNER_ERR_INVALID_ARG;
  if (!h->hijri_m) return IDNER__CAL_NONE;
  long i = hidx(c, hy, h->hijri_m);
  if (i < 0 || h->hijri_d > hlen(c, (size_t)i)) return IDNER__CAL_NONE;
  int32_t day = c->h_start[i] + h->hijri_d - 1;
  const cal_date *r = replacing(c, h, day);
  idner__civil_from_days(r ? r->day : day, gy, gm, gd);
  return IDNER_OK;
}

int idner__cal_holiday_epoch(const idner__calendar *c, int id, int *year) {
  const cal_holiday *h = holiday(c, id);
  if (!h || !year) return IDNER_ERR_INVALID_ARG;
  if (!h->epoch) return IDNER__CAL_NONE;
  *year = h->epoch;
  return IDNER_OK;
}
