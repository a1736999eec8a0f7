/* calendar.h — the Indonesian calendar table (lib/gazetteers/dates-calendar.tsv,
 * format at the top of that file and in docs/data-sources.md): Hijri month names
 * and the Gregorian start of every Hijri month as used in Indonesia, holiday names
 * and their dates. calendar.c parses it and answers the date grammar's questions.
 *
 * A parsed idner__calendar is immutable: every query takes it const and keeps no
 * state, so one table may be read from many threads at once.
 *
 * Status values: parsing returns IDNER_OK or a negative IDNER_ERR_* code. Queries
 * return IDNER_OK, IDNER__CAL_NONE (a positive value: the valid question has no
 * answer in the table, e.g. a year outside it) or IDNER_ERR_INVALID_ARG (a NULL
 * pointer or a value out of its documented range). Output parameters are written
 * only on IDNER_OK. Years, months and days are plain numbers: Gregorian year 2024,
 * month 1-12, day 1-31; Hijri (AH) year 1445, month 1-12, day 1-30. */
#ifndef IDNER_CALENDAR_H
#define IDNER_CALENDAR_H

#include "common.h"

/* Query status: the table has no answer (outside its range, or no such form). */
#define IDNER__CAL_NONE 1

/* The embedded default table's file name (lib/gazetteers/). */
#define IDNER__CAL_FILE "dates-calendar.tsv"

/* Kinds of names (forms). */
enum {
  IDNER__CAL_HMONTH = 1,  /* an Indonesian Hijri month name; value = month 1-12 */
  IDNER__CAL_JMONTH = 2,  /* a Javanese name of a Hijri month; value = month 1-12.
                           * Some are ordinary words (sela, apit, besar, pasa): the
                           * grammar should want a day number or "bulan" with them */
  IDNER__CAL_HOLIDAY = 3  /* a holiday name; value = holiday id */
};

typedef struct idner__calendar idner__calendar;

/* Proleptic Gregorian arithmetic, days counted from 1970-01-01 (shared
 * with the date grammar). m is 1..12; valid dates have years 1..9999. */
int idner__is_leap(int y);
int idner__days_in_month(int y, int m);
int idner__valid_date(int y, int m, int d);
int64_t idner__days_from_civil(int y, int m, int d);
void idner__civil_from_days(int64_t z, int *y, int *m, int *d);

/* Parses a calendar file held in memory (text[0..len), need not be NUL-terminated;
 * name is used in messages). On success *out is a new table (free it with
 * idner__cal_free). On error *out is NULL and the return is IDNER_ERR_DATA_FORMAT
 * or IDNER_ERR_DATA_VERSION with "name:line: what" in err (may be NULL / 0), or
 * IDNER_ERR_NOMEM, or IDNER_ERR_INVALID_ARG for a NULL text, name or out.
 * Besides the syntax, parsing checks: hijri rows consecutive months with 29 or 30
 * days each; a holiday row before the other rows of its key; every holiday with at
 * least one of fixed, hijriday, date and not both fixed and hijriday; every form
 * normalized (see idner__cal_form_find) and unique in the file. */
int32_t idner__cal_parse(const char *text, size_t len, const char *name,
                         idner__calendar **out, char *err, size_t errsz);

/* Parses the embedded default table (IDNER__CAL_FILE); errors as idner__cal_parse,
 * and IDNER_ERR_NO_DATA when the library was built without it. */
int32_t idner__cal_load_default(idner__calendar **out, char *err, size_t errsz);

/* Frees a table; NULL is allowed. */
void idner__cal_free(idner__calendar *c);

/* The embedded image (image.h). image_of views a parsed table's arrays,
 * allocating the copies whose pointers it zeroes (free them with
 * idner__cal_image_free); adopt makes a table that reads an image's arrays in
 * place (only the forms are copied, to point at its names). pool gives the
 * base and size of the string pool the forms point into. */
struct idner__cal_image;
int32_t idner__cal_image_of(const idner__calendar *c, struct idner__cal_image *out);
void idner__cal_image_free(struct idner__cal_image *im);
int32_t idner__cal_adopt(const struct idner__cal_image *im, idner__calendar **out);
const char *idner__cal_pool(const idner__calendar *c, size_t *size);

/* ---- Hijri months ---------------------------------------------------------- */

/* The Hijri months whose full extent the table knows (every month but the last
 * hijri row, which only closes the month before it): first (*fy, *fm) to last
 * (*ly, *lm). IDNER__CAL_NONE if the table has fewer than two hijri rows. */
int idner__cal_hijri_range(const idner__calendar *c, int *fy, int *fm, int *ly, int *lm);

/* The Gregorian date of day d of Hijri month m of year y. IDNER__CAL_NONE when the
 * month is outside the table or d exceeds its length (29 or 30); m outside 1-12 or
 * d outside 1-30 is IDNER_ERR_INVALID_ARG. */
int idner__cal_hijri_to_greg(const idner__calendar *c, int y, int m, int d, int *gy,
                             int *gm, int *gd);

/* The last day of Hijri month m of year y (the next month's start minus one), and
 * the month's length in days (29 or 30; len may be NULL). */
int idner__cal_hijri_month_end(const idner__calendar *c, int y, int m, int *gy, int *gm,
                               int *gd, int *len);

/* The Hijri date of a Gregorian date (IDNER__CAL_NONE outside the table; an
 * invalid Gregorian date is IDNER_ERR_INVALID_ARG). */
int idner__cal_greg_to_hijri(const idner__calendar *c, int gy, int gm, int gd, int *y,
                             int *m, int *d);

/* The Hijri year whose month m starts in Gregorian year gy; if two do (month m
 * can start twice in one Gregorian year), the first. IDNER__CAL_NONE if none in
 * the table ("Ramadan tahun ini" said in 2023 -> 1444). */
int idner__cal_hijri_year_for(const idner__calendar *c, int m, int gy, int *hy);

/* ---- Names ----------------------------------------------------------------- */

/* Looks up a name: s[0..n) is compared after folding ASCII letters to lower case,
 * turning each run of ASCII white space or U+00A0 into one space, trimming white
 * space at both ends, and mapping U+2018, U+2019, U+02BC, U+0060 and U+00B4 to
 * the ASCII apostrophe. No other folding: "idul-fitri" is not "idul fitri".
 * IDNER_OK with *kind (IDNER__CAL_*) and *value (month or holiday id) set, or
 * IDNER__CAL_NONE. kind and value may be NULL. */
int idner__cal_form_find(const idner__calendar *c, const char *s, size_t n, int *kind,
                         int *value);

/* The Hijri month (1-12) of an Indonesian or Javanese month name, 0 if s is not
 * one (lookup as idner__cal_form_find). */
int idner__cal_hmonth_find(const idner__calendar *c, const char *s, size_t n);

/* The holiday id of a holiday name, -1 if s is not one. */
int idner__cal_holiday_find(const idner__calendar *c, const char *s, size_t n);

/* All names, for building PCRE2 alternations: i in [0, count). They are
 * enumerated longest first (byte length, then byte order), so an alternation in
 * this order prefers "tahun baru islam" to "tahun baru". *form is NUL-terminated,
 * normalized (lower case, single spaces, ASCII apostrophes) and lives as long as
 * the table; it may contain regex metacharacters ("'", "-"), so escape it. Any
 * output pointer may be NULL. IDNER_ERR_INVALID_ARG if i is out of range. */
size_t idner__cal_form_count(const idner__calendar *c);
int idner__cal_form_at(const idner__calendar *c, size_t i, const char **form, size_t *len,
                       int *kind, int *value);
/* The byte length of the longest name (0 without names). */
size_t idner__cal_form_maxlen(const idner__calendar *c);

/* ---- Holidays ---------------------------------------------------------------- */

/* Holiday ids are 0 .. count-1, in file order. */
int idner__cal_holiday_count(const idner__calendar *c);
/* The key of a holiday ("idul-fitri"), NULL if id is out of range. */
const char *idner__cal_holiday_key(const idner__calendar *c, int id);
/* The id of a key, -1 if none. */
int idner__cal_holiday_by_key(const idner__calendar *c, const char *key);

/* The date of holiday id in Gregorian year gy (*gm, *gd): the first one if it
 * falls twice in the year (a Hijri holiday in early January can come back in late
 * December). A fixed holiday has a date in every year (Natal -> 12-25). A hijriday
 * holiday is answered only for the years that the hijri rows cover from 1 January
 * to 31 December (else IDNER__CAL_NONE). A date row of the same holiday replaces
 * the fixed or Hijri date that lies within 15 days of it (a decreed date that
 * differs from the table); a holiday with only date rows (Imlek, Nyepi, Waisak,
 * Easter) is answered for the years that have one. */
int idner__cal_holiday_date(const idner__calendar *c, int id, int gy, int *gm, int *gd);

/* The same for the k-th (0-based) date of the holiday in year gy;
 * IDNER__CAL_NONE when it has no k-th date in that year. */
int idner__cal_holiday_date_nth(const idner__calendar *c, int id, int gy, int k, int *gm,
                                int *gd);

/* The Hijri month-day of a hijriday holiday (Idul Fitri -> 10, 1); IDNER__CAL_NONE
 * for a holiday that is not on a Hijri day. */
int idner__cal_holiday_hijri(const idner__calendar *c, int id, int *hm, int *hd);

/* The Gregorian date of a hijriday holiday in Hijri year hy ("Idul Fitri 1445 H"),
 * with date rows applied as in idner__cal_holiday_date. IDNER__CAL_NONE for a
 * holiday not on a Hijri day or a year outside the table. */
int idner__cal_holiday_date_hijri(const idner__calendar *c, int id, int hy, int *gy,
                                  int *gm, int *gd);

/* The epoch year of an anniversary holiday: "HUT RI ke-78" is the holiday of year
 * epoch + 78 (1945 + 78 = 2023). IDNER__CAL_NONE if the holiday has none. */
int idner__cal_holiday_epoch(const idner__calendar *c, int id, int *year);

#endif
