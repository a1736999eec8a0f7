/* test_calendar.c — the calendar table (lib/calendar.c): the embedded
 * dates-calendar.tsv parses and gives the official Indonesian dates; every Hijri
 * month of 1436-1452 H is there with 29 or 30 days; name lookup folds case,
 * spaces and apostrophes as documented; malformed lines are refused with
 * file:line messages; the gazetteer loader skips dates-*.tsv files. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "idner.h"

static idner__calendar *cal;

static void load(void) {
  char err[256] = "";
  int32_t rc = idner__cal_load_default(&cal, err, sizeof err);
  ck_assert_msg(rc == IDNER_OK, "load: %d %s", rc, err);
}

static void unload(void) {
  idner__cal_free(cal);
  cal = NULL;
}

static int hol(const char *key) {
  int id = idner__cal_holiday_by_key(cal, key);
  ck_assert_msg(id >= 0, "no holiday %s", key);
  return id;
}

#define ASSERT_YMD(y, m, d, ey, em, ed)                                                 \
  ck_assert_msg((y) == (ey) && (m) == (em) && (d) == (ed), "got %04d-%02d-%02d, want %04d-%02d-%02d", \
                (y), (m), (d), (ey), (em), (ed))

/* The date of holiday key in year gy; asserts it exists. */
static void assert_holiday(const char *key, int gy, int em, int ed) {
  int m = 0, d = 0;
  int rc = idner__cal_holiday_date(cal, hol(key), gy, &m, &d);
  ck_assert_msg(rc == IDNER_OK, "%s %d: rc %d", key, gy, rc);
  ck_assert_msg(m == em && d == ed, "%s %d: got %02d-%02d, want %02d-%02d", key, gy, m, d, em, ed);
}

/* ---- known facts ------------------------------------------------------------ */

START_TEST(test_hijri_facts) {
  int y, m, d, len;
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1444, 10, 1, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 2023, 4, 22); /* 1 Syawal 1444 H (Kemenag) */
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1445, 9, 1, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 2024, 3, 12); /* 1 Ramadan 1445 H */
  ck_assert_int_eq(idner__cal_hijri_month_end(cal, 1445, 9, &y, &m, &d, &len), IDNER_OK);
  ASSERT_YMD(y, m, d, 2024, 4, 9);
  ck_assert_int_eq(len, 29);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1444, 9, 1, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 2023, 3, 23);
  ck_assert_int_eq(idner__cal_hijri_month_end(cal, 1444, 9, &y, &m, &d, NULL), IDNER_OK);
  ASSERT_YMD(y, m, d, 2023, 4, 21);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1445, 1, 1, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 2023, 7, 19); /* 1 Muharam 1445 = 1 Sura 1957 AJ */
  /* 1 Muharam 1443 fell on 2021-08-10; the holiday was moved to 08-11 */
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1443, 1, 1, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 2021, 8, 10);
  /* a day past the month's end, and bad arguments */
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1445, 9, 30, &y, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1445, 9, 31, &y, &m, &d), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1445, 13, 1, &y, &m, &d), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1445, 0, 1, &y, &m, &d), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner__cal_hijri_to_greg(NULL, 1445, 9, 1, &y, &m, &d), IDNER_ERR_INVALID_ARG);
  /* outside the table */
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1435, 12, 1, &y, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 1453, 1, 1, &y, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, -5, 1, 1, &y, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hijri_to_greg(cal, 100000, 1, 1, &y, &m, &d), IDNER__CAL_NONE);
  /* Gregorian -> Hijri */
  ck_assert_int_eq(idner__cal_greg_to_hijri(cal, 2024, 3, 12, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 1445, 9, 1);
  ck_assert_int_eq(idner__cal_greg_to_hijri(cal, 2024, 4, 9, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 1445, 9, 29);
  ck_assert_int_eq(idner__cal_greg_to_hijri(cal, 2023, 9, 19, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 1445, 3, 3);
  ck_assert_int_eq(idner__cal_greg_to_hijri(cal, 2014, 1, 1, &y, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_greg_to_hijri(cal, 2023, 2, 29, &y, &m, &d), IDNER_ERR_INVALID_ARG);
  /* "Ramadan tahun ini" said in 2023 */
  int hy = 0;
  ck_assert_int_eq(idner__cal_hijri_year_for(cal, 9, 2023, &hy), IDNER_OK);
  ck_assert_int_eq(hy, 1444);
  ck_assert_int_eq(idner__cal_hijri_year_for(cal, 9, 2030, &hy), IDNER_OK);
  ck_assert_int_eq(hy, 1451);
  ck_assert_int_eq(idner__cal_hijri_year_for(cal, 9, 2040, &hy), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hijri_year_for(cal, 13, 2023, &hy), IDNER_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_every_month_present) {
  int fy, fm, ly, lm;
  ck_assert_int_eq(idner__cal_hijri_range(cal, &fy, &fm, &ly, &lm), IDNER_OK);
  ck_assert_int_eq(fy, 1436);
  ck_assert_int_eq(fm, 1);
  ck_assert_int_eq(ly, 1452);
  ck_assert_int_eq(lm, 12);
  int py = 0, pm = 0, pd = 0;
  for (int y = 1436; y <= 1452; y++) {
    for (int m = 1; m <= 12; m++) {
      int gy, gm, gd, ey, em, ed, len = 0;
      ck_assert_msg(idner__cal_hijri_to_greg(cal, y, m, 1, &gy, &gm, &gd) == IDNER_OK, "%d-%d", y, m);
      ck_assert_msg(idner__cal_hijri_month_end(cal, y, m, &ey, &em, &ed, &len) == IDNER_OK, "%d-%d", y, m);
      ck_assert_msg(len == 29 || len == 30, "%d-%02d has %d days", y, m, len);
      int ly2, lm2, ld2;
      ck_assert_int_eq(idner__cal_hijri_to_greg(cal, y, m, len, &ly2, &lm2, &ld2), IDNER_OK);
      ASSERT_YMD(ly2, lm2, ld2, ey, em, ed);
      if (py) { /* this month starts the day after the previous one ended */
        int hy, hm, hd;
        ck_assert_int_eq(idner__cal_greg_to_hijri(cal, py, pm, pd, &hy, &hm, &hd), IDNER_OK);
        ck_assert_int_eq(hy * 12 + hm, y * 12 + m - 1);
        ck_assert_int_eq(idner__cal_greg_to_hijri(cal, gy, gm, gd, &hy, &hm, &hd), IDNER_OK);
        ASSERT_YMD(hy, hm, hd, y, m, 1);
      }
      py = ey, pm = em, pd = ed;
    }
  }
  /* Gregorian 2015-2030 is covered day by day */
  int hy, hm, hd;
  ck_assert_int_eq(idner__cal_greg_to_hijri(cal, 2015, 1, 1, &hy, &hm, &hd), IDNER_OK);
  ck_assert_int_eq(idner__cal_greg_to_hijri(cal, 2030, 12, 31, &hy, &hm, &hd), IDNER_OK);
}
END_TEST

START_TEST(test_holiday_facts) {
  assert_holiday("idul-adha", 2023, 6, 29);
  assert_holiday("imlek", 2024, 2, 10);
  assert_holiday("paskah", 2024, 3, 31);
  assert_holiday("jumat-agung", 2024, 3, 29);
  assert_holiday("kenaikan-isa-almasih", 2024, 5, 9);
  assert_holiday("idul-fitri", 2024, 4, 10);
  assert_holiday("tahun-baru-islam", 2023, 7, 19);
  assert_holiday("maulid-nabi", 2023, 9, 28);
  assert_holiday("nyepi", 2024, 3, 11);
  assert_holiday("hari-kemerdekaan", 2023, 8, 17);
  assert_holiday("tahun-baru", 2024, 1, 1);
  assert_holiday("hari-buruh", 2023, 5, 1);
  /* decreed dates that differ from the Hijri table */
  assert_holiday("tahun-baru-islam", 2021, 8, 11);
  assert_holiday("maulid-nabi", 2021, 10, 20);
  assert_holiday("isra-mikraj", 2016, 5, 6);
  /* after the decrees: Umm al-Qura; Imlek from the Chinese calendar */
  assert_holiday("idul-fitri", 2030, 2, 4);
  assert_holiday("imlek", 2030, 2, 3);
  for (int y = 1900; y <= 2100; y++) assert_holiday("natal", y, 12, 25);
  assert_holiday("natal", 1, 12, 25);
  assert_holiday("natal", 9999, 12, 25);

  int m, d;
  /* Isra Mikraj falls twice in 2027 */
  ck_assert_int_eq(idner__cal_holiday_date_nth(cal, hol("isra-mikraj"), 2027, 0, &m, &d), IDNER_OK);
  ASSERT_YMD(2027, m, d, 2027, 1, 5);
  ck_assert_int_eq(idner__cal_holiday_date_nth(cal, hol("isra-mikraj"), 2027, 1, &m, &d), IDNER_OK);
  ASSERT_YMD(2027, m, d, 2027, 12, 25);
  ck_assert_int_eq(idner__cal_holiday_date_nth(cal, hol("isra-mikraj"), 2027, 2, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date_nth(cal, hol("idul-fitri"), 2024, 1, &m, &d), IDNER__CAL_NONE);
  /* outside the table */
  ck_assert_int_eq(idner__cal_holiday_date(cal, hol("idul-fitri"), 2014, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date(cal, hol("idul-fitri"), 2031, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date(cal, hol("nyepi"), 2027, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date(cal, hol("waisak"), 2027, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date(cal, hol("paskah"), 2031, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date(cal, -1, 2024, &m, &d), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner__cal_holiday_date(cal, idner__cal_holiday_count(cal), 2024, &m, &d),
                   IDNER_ERR_INVALID_ARG);

  /* by Hijri year */
  int gy, gm, gd;
  ck_assert_int_eq(idner__cal_holiday_date_hijri(cal, hol("idul-fitri"), 1445, &gy, &gm, &gd), IDNER_OK);
  ASSERT_YMD(gy, gm, gd, 2024, 4, 10);
  ck_assert_int_eq(idner__cal_holiday_date_hijri(cal, hol("tahun-baru-islam"), 1443, &gy, &gm, &gd), IDNER_OK);
  ASSERT_YMD(gy, gm, gd, 2021, 8, 11);
  ck_assert_int_eq(idner__cal_holiday_date_hijri(cal, hol("imlek"), 1445, &gy, &gm, &gd), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date_hijri(cal, hol("idul-fitri"), 1460, &gy, &gm, &gd), IDNER__CAL_NONE);
  int hm, hd;
  ck_assert_int_eq(idner__cal_holiday_hijri(cal, hol("idul-adha"), &hm, &hd), IDNER_OK);
  ck_assert_int_eq(hm, 12);
  ck_assert_int_eq(hd, 10);
  ck_assert_int_eq(idner__cal_holiday_hijri(cal, hol("natal"), &hm, &hd), IDNER__CAL_NONE);

  int ey;
  ck_assert_int_eq(idner__cal_holiday_epoch(cal, hol("hari-kemerdekaan"), &ey), IDNER_OK);
  ck_assert_int_eq(ey + 78, 2023); /* HUT RI ke-78 */
  ck_assert_int_eq(idner__cal_holiday_epoch(cal, hol("natal"), &ey), IDNER__CAL_NONE);
  ck_assert_str_eq(idner__cal_holiday_key(cal, hol("natal")), "natal");
  ck_assert_ptr_null(idner__cal_holiday_key(cal, -1));
  ck_assert_int_eq(idner__cal_holiday_by_key(cal, "no-such-day"), -1);
}
END_TEST

/* The official lists of lib/gazetteers/sources/calendar/indonesia-official.tsv,
 * end to end through the Hijri table and the date rows. */
static const struct {
  const char *key;
  const char *dates[12];
} official[] = {
    {"idul-fitri", {"2015-07-17", "2016-07-06", "2017-06-25", "2018-06-15", "2019-06-05", "2020-05-24",
                    "2021-05-13", "2022-05-02", "2023-04-22", "2024-04-10", "2025-03-31", "2026-03-20"}},
    {"idul-adha", {"2015-09-24", "2016-09-12", "2017-09-01", "2018-08-22", "2019-08-11", "2020-07-31",
                   "2021-07-20", "2022-07-10", "2023-06-29", "2024-06-17", "2025-06-06", "2026-05-27"}},
    {"tahun-baru-islam", {"2015-10-14", "2016-10-02", "2017-09-21", "2018-09-11", "2019-09-01", "2020-08-20",
                          "2021-08-11", "2022-07-30", "2023-07-19", "2024-07-07", "2025-06-27", "2026-06-16"}},
    {"maulid-nabi", {"2015-12-24", "2016-12-12", "2017-12-01", "2018-11-20", "2019-11-09", "2020-10-29",
                     "2021-10-20", "2022-10-08", "2023-09-28", "2024-09-16", "2025-09-05", "2026-08-25"}},
    {"isra-mikraj", {"2015-05-16", "2016-05-06", "2017-04-24", "2018-04-14", "2019-04-03", "2020-03-22",
                     "2021-03-11", "2022-02-28", "2023-02-18", "2024-02-08", "2025-01-27", "2026-01-16"}},
    {"awal-ramadan", {"2015-06-18", "2016-06-06", "2017-05-27", "2018-05-17", "2019-05-06", "2020-04-24",
                      "2021-04-13", "2022-04-03", "2023-03-23", "2024-03-12", "2025-03-01", "2026-02-19"}},
    {"nyepi", {"2015-03-21", "2016-03-09", "2017-03-28", "2018-03-17", "2019-03-07", "2020-03-25",
               "2021-03-14", "2022-03-03", "2023-03-22", "2024-03-11", "2025-03-29", "2026-03-19"}},
    {"waisak", {"2015-06-02", "2016-05-22", "2017-05-11", "2018-05-29", "2019-05-19", "2020-05-07",
                "2021-05-26", "2022-05-16", "2023-06-04", "2024-05-23", "2025-05-12", "2026-05-31"}},
    {"imlek", {"2015-02-19", "2016-02-08", "2017-01-28", "2018-02-16", "2019-02-05", "2020-01-25",
               "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29", "2026-02-17"}},
};

/* 1 if the holiday falls on y-m-d (as its first or second date of the year). */
static int holiday_on(const char *key, int y, int m, int d) {
  for (int k = 0; k < 2; k++) {
    int hm, hd;
    if (idner__cal_holiday_date_nth(cal, hol(key), y, k, &hm, &hd) == IDNER_OK && hm == m && hd == d)
      return 1;
  }
  return 0;
}

START_TEST(test_official_dates) {
  for (size_t i = 0; i < sizeof official / sizeof *official; i++) {
    for (int k = 0; k < 12; k++) {
      int y, m, d;
      ck_assert(sscanf(official[i].dates[k], "%d-%d-%d", &y, &m, &d) == 3);
      ck_assert_msg(holiday_on(official[i].key, y, m, d), "%s %s", official[i].key, official[i].dates[k]);
    }
  }
  /* Maulid Nabi fell twice in 2015: 12 Rabiulawal 1436 and 1437 H */
  int mm, dd;
  ck_assert_int_eq(idner__cal_holiday_date_nth(cal, hol("maulid-nabi"), 2015, 0, &mm, &dd), IDNER_OK);
  ASSERT_YMD(2015, mm, dd, 2015, 1, 3);
  ck_assert_int_eq(idner__cal_holiday_date_nth(cal, hol("maulid-nabi"), 2015, 1, &mm, &dd), IDNER_OK);
  ASSERT_YMD(2015, mm, dd, 2015, 12, 24);
  /* Easter-based dates: Good Friday = Easter - 2, Ascension = Easter + 39 */
  static const char *const easter[] = {"2015-04-05", "2019-04-21", "2025-04-20", "2027-03-28", "2030-04-21"};
  for (size_t i = 0; i < sizeof easter / sizeof *easter; i++) {
    int y, m, d;
    ck_assert(sscanf(easter[i], "%d-%d-%d", &y, &m, &d) == 3);
    assert_holiday("paskah", y, m, d);
  }
  assert_holiday("jumat-agung", 2019, 4, 19);
  assert_holiday("kenaikan-isa-almasih", 2019, 5, 30);
}
END_TEST

/* ---- names ------------------------------------------------------------------ */

START_TEST(test_name_lookup) {
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "ramadan", 7), 9);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "Ramadhan", 8), 9);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "RAMADAN", 7), 9);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, " \tDzulhijjah\n", 13), 12);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "Rabiul  Awal", 12), 3);
  const char *curly = "Rabi\xE2\x80\x99ul\xC2\xA0" "Awal"; /* U+2019, U+00A0 */
  ck_assert_int_eq(idner__cal_hmonth_find(cal, curly, strlen(curly)), 3);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "Syawal 1444", 6), 10); /* n bounds the input */
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "Natal", 5), 0);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "", 0), 0);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "   ", 3), 0);

  int kind = 0, value = 0;
  ck_assert_int_eq(idner__cal_form_find(cal, "Suro", 4, &kind, &value), IDNER_OK);
  ck_assert_int_eq(kind, IDNER__CAL_JMONTH);
  ck_assert_int_eq(value, 1);
  ck_assert_int_eq(idner__cal_hmonth_find(cal, "besar", 5), 12);
  ck_assert_int_eq(idner__cal_form_find(cal, "Muharam", 7, &kind, &value), IDNER_OK);
  ck_assert_int_eq(kind, IDNER__CAL_HMONTH);
  ck_assert_int_eq(idner__cal_form_find(cal, "Idul Fitri", 10, &kind, &value), IDNER_OK);
  ck_assert_int_eq(kind, IDNER__CAL_HOLIDAY);
  ck_assert_int_eq(value, hol("idul-fitri"));
  ck_assert_int_eq(idner__cal_form_find(cal, "zzz", 3, NULL, NULL), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_form_find(cal, NULL, 3, NULL, NULL), IDNER_ERR_INVALID_ARG);

  ck_assert_int_eq(idner__cal_holiday_find(cal, "Lebaran", 7), hol("idul-fitri"));
  ck_assert_int_eq(idner__cal_holiday_find(cal, "idul-fitri", 10), -1); /* hyphen is not folded */
  ck_assert_int_eq(idner__cal_holiday_find(cal, "Tahun Baru", 10), hol("tahun-baru"));
  ck_assert_int_eq(idner__cal_holiday_find(cal, "tahun baru Islam", 16), hol("tahun-baru-islam"));
  ck_assert_int_eq(idner__cal_holiday_find(cal, "Tahun Baru Imlek", 16), hol("imlek"));
  ck_assert_int_eq(idner__cal_holiday_find(cal, "HUT RI", 6), hol("hari-kemerdekaan"));
  const char *isra = "Isra\xE2\x80\x99 Mi\xE2\x80\x99raj";
  ck_assert_int_eq(idner__cal_holiday_find(cal, isra, strlen(isra)), hol("isra-mikraj"));
  ck_assert_int_eq(idner__cal_holiday_find(cal, "Isra` Mi`raj", 12), hol("isra-mikraj"));
  ck_assert_int_eq(idner__cal_holiday_find(cal, "Ramadan", 7), -1);
  /* longer than any form */
  char big[600];
  memset(big, 'a', sizeof big);
  ck_assert_int_eq(idner__cal_holiday_find(cal, big, sizeof big), -1);
}
END_TEST

START_TEST(test_form_enumeration) {
  size_t n = idner__cal_form_count(cal);
  ck_assert_uint_gt(n, 100);
  size_t maxlen = 0, prev_len = SIZE_MAX;
  int months[13] = {0};
  for (size_t i = 0; i < n; i++) {
    const char *form;
    size_t len;
    int kind, value;
    ck_assert_int_eq(idner__cal_form_at(cal, i, &form, &len, &kind, &value), IDNER_OK);
    ck_assert_uint_eq(strlen(form), len);
    ck_assert_msg(len <= prev_len, "form %zu '%s' longer than the one before", i, form);
    prev_len = len;
    if (len > maxlen) maxlen = len;
    for (size_t k = 0; k < len; k++)
      ck_assert_msg(!(form[k] >= 'A' && form[k] <= 'Z') && form[k] != '\t', "form '%s'", form);
    int k2, v2;
    ck_assert_int_eq(idner__cal_form_find(cal, form, len, &k2, &v2), IDNER_OK);
    ck_assert_int_eq(k2, kind);
    ck_assert_int_eq(v2, value);
    if (kind == IDNER__CAL_HMONTH) {
      ck_assert(value >= 1 && value <= 12);
      months[value]++;
    } else if (kind == IDNER__CAL_HOLIDAY) {
      ck_assert(value >= 0 && value < idner__cal_holiday_count(cal));
    } else {
      ck_assert_int_eq(kind, IDNER__CAL_JMONTH);
    }
  }
  for (int m = 1; m <= 12; m++) ck_assert_msg(months[m] > 0, "no name for month %d", m);
  ck_assert_uint_eq(maxlen, idner__cal_form_maxlen(cal));
  ck_assert_int_eq(idner__cal_form_at(cal, n, NULL, NULL, NULL, NULL), IDNER_ERR_INVALID_ARG);
  /* "tahun baru islam" comes before "tahun baru" */
  size_t at_islam = n, at_baru = n;
  for (size_t i = 0; i < n; i++) {
    const char *form;
    idner__cal_form_at(cal, i, &form, NULL, NULL, NULL);
    if (strcmp(form, "tahun baru islam") == 0) at_islam = i;
    if (strcmp(form, "tahun baru") == 0) at_baru = i;
  }
  ck_assert_uint_lt(at_islam, at_baru);
  ck_assert_uint_lt(at_baru, n);
  ck_assert_int_eq(idner__cal_holiday_count(cal), 28);
}
END_TEST

/* ---- parsing ------------------------------------------------------------------ */

#define H "# idner-calendar 1\n"
#define HX "holiday\tx\tx\n"

typedef struct bad_case {
  const char *data;
  int32_t rc;
  const char *msg; /* substring expected in the error */
} bad_case;

static const bad_case bad_cases[] = {
    {"", IDNER_ERR_DATA_FORMAT, "t.tsv:1: empty file"},
    {"hmonth\t1\tx\n", IDNER_ERR_DATA_FORMAT, "t.tsv:1: first line"},
    {"# idner-calendar 2\nhmonth\t1\tx\n", IDNER_ERR_DATA_VERSION, "t.tsv:1: unsupported"},
    {"# idner-calendar 1 \n", IDNER_ERR_DATA_VERSION, "t.tsv:1: unsupported"},
    {"# idner-gazetteer 1\n", IDNER_ERR_DATA_FORMAT, "t.tsv:1: first line"},
    {H "bogus\t1\tx\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: unknown record kind 'bogus'"},
    {H "\n# c\nHmonth\t1\tx\n", IDNER_ERR_DATA_FORMAT, "t.tsv:4: unknown record kind 'Hmonth'"},
    {H "hmonth\t13\tx\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: bad month number '13'"},
    {H "hmonth\t01\tx\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: bad month number '01'"},
    {H "jmonth\t0\tx\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: bad month number '0'"},
    {H "hmonth\t1\tMuharam\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: form 'Muharam' is not normalized"},
    {H "hmonth\t1\trabiul  awal\n", IDNER_ERR_DATA_FORMAT, "not normalized"},
    {H "hmonth\t1\t muharam\n", IDNER_ERR_DATA_FORMAT, "not normalized"},
    {H "hmonth\t3\trabi\xE2\x80\x99ul awal\n", IDNER_ERR_DATA_FORMAT, "not normalized"},
    {H "hmonth\t1\tmuharam||sura\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: empty form"},
    {H "hmonth\t1\tmuharam|\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: empty form"},
    {H "hmonth\t1\tx\textra\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: expected 3"},
    {H "hmonth\t1\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: expected 3"},
    {H "hmonth\t1\tx\ty\tz\tv\tw\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: too many fields"},
    {H "hmonth\t1\t\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: empty field"},
    {H "hmonth\t1\tx\nhmonth\t2\ty|x\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: form 'x' repeated (first at line 2)"},
    {H HX "hmonth\t2\tx\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: form 'x' repeated"},
    {H "hmonth\t1\ta\xff\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: invalid UTF-8"},
    {H "fixed\tnatal\t12-25\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: unknown holiday 'natal'"},
    {H "holiday\tNatal\tnatal\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: bad holiday key 'Natal'"},
    {H "holiday\tidul--fitri\tx\n", IDNER_ERR_DATA_FORMAT, "bad holiday key"},
    {H "holiday\t-x\tx\n", IDNER_ERR_DATA_FORMAT, "bad holiday key"},
    {H HX "holiday\tx\ty\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: holiday 'x' defined twice"},
    {H HX "fixed\tx\t12-32\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad day '12-32'"},
    {H HX "fixed\tx\t02-30\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad day"},
    {H HX "fixed\tx\t13-01\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad day"},
    {H HX "fixed\tx\t1-1\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad day"},
    {H HX "hijriday\tx\t10-31\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad Hijri day"},
    {H HX "fixed\tx\t01-01\nhijriday\tx\t01-01\n", IDNER_ERR_DATA_FORMAT, "t.tsv:4: holiday 'x' already has"},
    {H HX "epoch\tx\t45\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad epoch year"},
    {H HX "fixed\tx\t01-01\nepoch\tx\t1945\nepoch\tx\t1946\n", IDNER_ERR_DATA_FORMAT, "t.tsv:5: holiday 'x' already has an epoch"},
    {H "\n" HX, IDNER_ERR_DATA_FORMAT, "t.tsv:3: holiday 'x' has no fixed, hijriday or date row"},
    {H HX "date\tx\t2023-02-29\tskb2023\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad date '2023-02-29'"},
    {H HX "date\tx\t2023-2-28\tskb2023\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad date"},
    {H HX "date\tx\t2023-02-28\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: expected 4"},
    {H HX "date\tx\t2023-02-28\tSKB\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: bad source tag 'SKB'"},
    {H HX "date\tx\t2023-02-28\ts\n# c\ndate\tx\t2023-02-28\tt\n", IDNER_ERR_DATA_FORMAT, "t.tsv:5: date row repeated"},
    {H "date\ty\t2023-02-28\ts\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: unknown holiday 'y'"},
    {H "hijri\t1445-09\t2024-03-12\tkemenag\nhijri\t1445-10\t2024-04-12\tkemenag\n", IDNER_ERR_DATA_FORMAT,
     "t.tsv:3: the previous Hijri month would not have 29 or 30 days"},
    {H "hijri\t1445-09\t2024-03-12\tk\nhijri\t1445-10\t2024-04-09\tk\n", IDNER_ERR_DATA_FORMAT,
     "t.tsv:3: the previous Hijri month"},
    {H "hijri\t1445-09\t2024-03-12\tk\nhijri\t1445-11\t2024-04-10\tk\n", IDNER_ERR_DATA_FORMAT,
     "t.tsv:3: hijri rows must list consecutive months"},
    {H "hijri\t1445-10\t2024-04-10\tk\nhijri\t1445-09\t2024-03-12\tk\n", IDNER_ERR_DATA_FORMAT,
     "consecutive months"},
    {H "hijri\t1445-13\t2024-03-12\tk\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: bad Hijri month '1445-13'"},
    {H "hijri\t1445-9\t2024-03-12\tk\n", IDNER_ERR_DATA_FORMAT, "bad Hijri month"},
    {H "hijri\t1445-09\t2024-13-12\tk\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: bad date '2024-13-12'"},
    {H "hijri\t1445-09\t2024-03-12\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: expected 4"},
    {H "hijri\t1445-09\t2024-03-12\tk k\n", IDNER_ERR_DATA_FORMAT, "bad source tag"},
};

START_TEST(test_malformed_lines) {
  const bad_case *bc = &bad_cases[_i];
  static int dummy;
  idner__calendar *c = (idner__calendar *)&dummy; /* must be reset to NULL */
  char err[256] = "";
  int32_t rc = idner__cal_parse(bc->data, strlen(bc->data), "t.tsv", &c, err, sizeof err);
  ck_assert_msg(rc == bc->rc, "case %d: rc %d, want %d (%s) for:\n%s", _i, rc, bc->rc, err, bc->data);
  ck_assert_msg(strstr(err, bc->msg) != NULL, "case %d: message '%s' lacks '%s'", _i, err, bc->msg);
  ck_assert_ptr_null(c);
  /* no error buffer */
  rc = idner__cal_parse(bc->data, strlen(bc->data), "t.tsv", &c, NULL, 0);
  ck_assert_int_eq(rc, bc->rc);
}
END_TEST

START_TEST(test_long_line) {
  size_t n = 5000;
  char *buf = malloc(n + 64);
  ck_assert_ptr_nonnull(buf);
  strcpy(buf, H "hmonth\t1\t");
  size_t h = strlen(buf);
  memset(buf + h, 'a', n);
  strcpy(buf + h + n, "\n");
  idner__calendar *c;
  char err[256] = "";
  ck_assert_int_eq(idner__cal_parse(buf, strlen(buf), "t.tsv", &c, err, sizeof err), IDNER_ERR_DATA_FORMAT);
  ck_assert_ptr_nonnull(strstr(err, "t.tsv:2: line longer than 4096"));
  /* a form over 255 bytes */
  strcpy(buf, H "hmonth\t1\t");
  memset(buf + h, 'a', 300);
  strcpy(buf + h + 300, "\n");
  ck_assert_int_eq(idner__cal_parse(buf, strlen(buf), "t.tsv", &c, err, sizeof err), IDNER_ERR_DATA_FORMAT);
  ck_assert_ptr_nonnull(strstr(err, "t.tsv:2: form longer than 255"));
  free(buf);
  ck_assert_int_eq(idner__cal_parse(NULL, 0, "t.tsv", &c, err, sizeof err), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner__cal_parse("", 0, "t.tsv", NULL, err, sizeof err), IDNER_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_small_file) {
  /* BOM, CRLF, comments, no newline at the end; a table of three months */
  const char *data =
      "\xEF\xBB\xBF# idner-calendar 1\r\n# c\r\n\r\n"
      "hmonth\t9\tramadan|ramadhan\r\n"
      "holiday\tfitri\tidul fitri|lebaran\r\nhijriday\tfitri\t10-01\r\n"
      "holiday\tnew\ttahun baru\r\nfixed\tnew\t01-01\r\ndate\tnew\t2024-01-02\tx\r\n"
      "hijri\t1445-08\t2024-02-11\tummalqura\r\n"
      "hijri\t1445-09\t2024-03-12\tkemenag\r\n"
      "hijri\t1445-10\t2024-04-10\tkemenag\r\n"
      "hijri\t1445-11\t2024-05-09\tummalqura";
  idner__calendar *c = NULL;
  char err[256] = "";
  ck_assert_msg(idner__cal_parse(data, strlen(data), "t.tsv", &c, err, sizeof err) == IDNER_OK, "%s", err);
  int fy, fm, ly, lm, y, m, d;
  ck_assert_int_eq(idner__cal_hijri_range(c, &fy, &fm, &ly, &lm), IDNER_OK);
  ck_assert_int_eq(fy * 100 + fm, 144508);
  ck_assert_int_eq(ly * 100 + lm, 144510);
  ck_assert_int_eq(idner__cal_hijri_to_greg(c, 1445, 10, 1, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 2024, 4, 10);
  ck_assert_int_eq(idner__cal_hijri_to_greg(c, 1445, 11, 1, &y, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hmonth_find(c, "Ramadhan", 8), 9);
  ck_assert_uint_eq(idner__cal_form_count(c), 5);
  int fitri = idner__cal_holiday_by_key(c, "fitri");
  ck_assert_int_eq(fitri, 0);
  /* the table covers no whole Gregorian year */
  ck_assert_int_eq(idner__cal_holiday_date(c, fitri, 2024, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date_hijri(c, fitri, 1445, &y, &m, &d), IDNER_OK);
  ASSERT_YMD(y, m, d, 2024, 4, 10);
  /* a date row replaces the fixed date near it, in that year only */
  int nw = idner__cal_holiday_find(c, "Tahun Baru", 10);
  ck_assert_int_eq(nw, 1);
  ck_assert_int_eq(idner__cal_holiday_date(c, nw, 2024, &m, &d), IDNER_OK);
  ASSERT_YMD(2024, m, d, 2024, 1, 2);
  ck_assert_int_eq(idner__cal_holiday_date_nth(c, nw, 2024, 1, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_holiday_date(c, nw, 2025, &m, &d), IDNER_OK);
  ASSERT_YMD(2025, m, d, 2025, 1, 1);
  idner__cal_free(c);
  idner__cal_free(NULL);

  /* an empty table (header only) is valid and answers nothing */
  ck_assert_int_eq(idner__cal_parse(H, strlen(H), "t.tsv", &c, err, sizeof err), IDNER_OK);
  ck_assert_int_eq(idner__cal_hijri_range(c, &fy, &fm, &ly, &lm), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hmonth_find(c, "ramadan", 7), 0);
  ck_assert_int_eq(idner__cal_greg_to_hijri(c, 2024, 1, 1, &y, &m, &d), IDNER__CAL_NONE);
  ck_assert_int_eq(idner__cal_hijri_year_for(c, 9, 2024, &y), IDNER__CAL_NONE);
  ck_assert_uint_eq(idner__cal_form_count(c), 0);
  ck_assert_int_eq(idner__cal_holiday_count(c), 0);
  idner__cal_free(c);
}
END_TEST

/* ---- the gazetteer loader skips dates-*.tsv ------------------------------------- */

START_TEST(test_gazetteer_loader_skips_dates_files) {
  char dir[] = "/tmp/idner-cal-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[256], path2[256];
  snprintf(path, sizeof path, "%s/dates-calendar.tsv", dir);
  snprintf(path2, sizeof path2, "%s/a.tsv", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("# idner-calendar 1\nnot a gazetteer line\n", f);
  fclose(f);
  f = fopen(path2, "w");
  ck_assert_ptr_nonnull(f);
  fputs("# idner-gazetteer 1\nZorbania\tNAT\tZZ\n", f);
  fclose(f);
  idner_model *m = NULL;
  char err[256] = "";
  /* a data directory's dates-calendar.tsv replaces the embedded one: it is
   * read by the date grammar (this one is broken), never as a gazetteer */
  ck_assert_int_eq(idner_model_load(dir, IDNER_LOAD_NO_MODEL, &m, err, sizeof err),
                   IDNER_ERR_DATA_FORMAT);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err, "dates-calendar.tsv:2:") != NULL, "%s", err);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("# idner-calendar 1\n", f); /* valid and empty: no holidays */
  fclose(f);
  ck_assert_msg(idner_model_load(dir, IDNER_LOAD_NO_MODEL, &m, err, sizeof err) == IDNER_OK, "%s", err);
  idner_model_free(m);
  ck_assert_msg(idner_model_load(dir, IDNER_LOAD_NO_DEFAULT | IDNER_LOAD_NO_MODEL, &m, err, sizeof err) == IDNER_OK,
                "%s", err);
  ck_assert_uint_eq(idner_model_entry_count(m), 1);
  idner_model_free(m);
  unlink(path);
  unlink(path2);
  rmdir(dir);
}
END_TEST

int main(void) {
  Suite *s = suite_create("calendar");
  TCase *tc = tcase_create("table");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, load, unload);
  tcase_add_test(tc, test_hijri_facts);
  tcase_add_test(tc, test_every_month_present);
  tcase_add_test(tc, test_holiday_facts);
  tcase_add_test(tc, test_official_dates);
  tcase_add_test(tc, test_name_lookup);
  tcase_add_test(tc, test_form_enumeration);
  suite_add_tcase(s, tc);
  TCase *tp = tcase_create("parse");
  tcase_set_timeout(tp, 60);
  tcase_add_loop_test(tp, test_malformed_lines, 0, (int)(sizeof bad_cases / sizeof *bad_cases));
  tcase_add_test(tp, test_long_line);
  tcase_add_test(tp, test_small_file);
  tcase_add_test(tp, test_gazetteer_loader_skips_dates_files);
  suite_add_tcase(s, tp);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
