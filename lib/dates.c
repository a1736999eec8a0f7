/* dates.c — the date grammar: finds Indonesian DATE/TIME expressions
 * ("Selasa (19/9/2023)", "Maret lalu", "akhir pekan lalu", "pukul 10.00
 * WIB", "Idul Fitri 1445 H") in tokenized text and normalizes them to
 * TIMEX3 values.
 *
 * The grammar itself is data: lexicon, context words, pattern templates,
 * rule priorities and trigger words are read from dates-grammar.tsv, and
 * holidays and Hijri months from dates-calendar.tsv (lib/calendar.c), both
 * embedded in the library and replaceable from the data directory. This
 * file holds what cannot be data: one handler per rule (context checks and
 * the captures turned into a value) and the calendar arithmetic.
 *
 * Two phases, as in HeidelTime:
 *   1. Recognition. Anchored PCRE2 patterns, expanded from the templates,
 *      are tried at each token that can start an expression (a digit or a
 *      trigger word). A pattern may only end on a token end (a callout
 *      checks it), the longest candidate wins, and the rule's handler checks
 *      the context (capitalization, a preceding preposition, "Nomor 11 Tahun
 *      2020") and turns the captures into an underspecified value (a `spec`:
 *      "month 3, past", "week -1", "2 days after the story's last date").
 *   2. Resolution. Each spec is resolved against the reference date; clock
 *      times, narrative-relative expressions ("sehari kemudian") and, without
 *      a reference date, day/month without a year are anchored to the last
 *      date mentioned earlier in the text.
 *
 * The grammar (compiled patterns, tables, trigger words) is immutable after
 * idner__dates_compile(), except that each rule is JIT-compiled on its first
 * use (rule_code(), under a lock); all per-call state lives on the stack or in the
 * scratch (PCRE2 match data and match context). Matching is linear in the
 * text: anchored patterns, possessive whitespace, match and depth limits. */
#define _POSIX_C_SOURCE 200809L
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>

#include "dates.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "calendar.h"
#include "embedded.h"
#include "fold.h"
#include "image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * The grammar's vocabulary. The lexicon, the context word lists, the
 * pattern templates and the trigger words live in data
 * (lib/gazetteers/dates-grammar.tsv, embedded like the gazetteers);
 * this file names the tables the handlers read, the flag and value
 * symbols the file may use, and one handler per rule.
 * ====================================================================== */

typedef struct lex {
  const char *form; /* lower case; a space matches any horizontal whitespace */
  int val;
  unsigned flags;
} lex;

typedef struct lex_table {
  lex *v;
  size_t n, cap;
  /* derived at load (index_table): the forms' indices by first byte,
   * 'a'..'z' then the rest, for table_may_start; NULL = not indexed */
  uint32_t *by_first;
  uint32_t first_start[28];
  /* derived at load (index_table): for the forms of letter c's bucket, a
   * bit per letter their second byte can match (all for a second byte that
   * is no letter: a space, the end, a byte outside ASCII) */
  uint32_t pair[26];
} lex_table;

typedef struct word_list {
  const char **v;
  size_t n, cap;
  /* derived at load (index_words), as lex_table.by_first */
  uint32_t *by_first;
  uint32_t first_start[28];
  /* derived at load (index_words): a bit per value of the top byte of the
   * words' idner__hash, tested before a plain token's lookup */
  uint64_t bloom[4];
} word_list;

/* lex.flags bits shared by several tables */
enum {
  LX_ABBR = 1u << 0,     /* month abbreviation: needs a number or marker next to it */
  LX_NAMELIKE = 1u << 1, /* also a given name ("Mei"): never alone after a preposition */
  LX_DIGIT = 1u << 2,    /* number word 1..9 (can take "belas"/"puluh") */
  LX_CONTEXT = 1u << 3,  /* ambiguous: needs supporting context ("dulu", "Minggu") */
  /* names from the calendar table (lib/gazetteers/dates-calendar.tsv) */
  LX_HMONTH = 1u << 20,  /* Hijri month, Indonesian name: val = month */
  LX_JMONTH = 1u << 21,  /* Hijri month, Javanese name: val = month */
  LX_HOLIDAY = 1u << 22  /* holiday: val = holiday id */
};

typedef enum unit { U_DAY, U_WEEK, U_MONTH, U_YEAR, U_DECADE } unit;

/* lex.flags for units: which rules accept the unit */
enum {
  UN_COUNTED = 1u << 4,  /* "3 hari lalu" */
  UN_RELATIVE = 1u << 5, /* "pekan lalu" */
  UN_WEEK = 1u << 6      /* "Rabu pekan lalu" */
};

/* Relative markers after a head: val = direction (-1 past, 0 this, +1
 * future); flags = the heads that take it. */
enum {
  MK_UNIT = 1u << 4,     /* pekan/bulan/tahun ... */
  MK_MONTH = 1u << 5,    /* Maret ... */
  MK_COUNTED = 1u << 6,  /* 3 hari ... */
  MK_WEEKDAY = 1u << 7,  /* Jumat ... */
  MK_WEEKOF = 1u << 8,   /* Rabu pekan ... */
  MK_CENTURY = 1u << 9,  /* abad ... */
  MK_POD = 1u << 10,     /* pagi ... (same day) */
  MK_TENSE = 1u << 11    /* after an absolute date: tense only, value unchanged */
};

typedef enum modkind { MOD_NONE, MOD_START, MOD_MID, MOD_END, MOD_APPROX } modkind;
/* (fixed-size rows: a hit's mod is copied whole, without a strlen) */
static const char k_mod_names[][16] = {"", "START", "MID", "END", "APPROX"};

/* Parts of day; val says how a clock hour next to it is read. */
typedef enum podkind { POD_MORNING, POD_MIDDAY, POD_AFTERNOON, POD_NIGHT } podkind;

typedef enum vague { V_PAST, V_PRESENT, V_FUTURE } vague;
static const char k_vague_values[][32] = {"PAST_REF", "PRESENT_REF", "FUTURE_REF"};

/* Structural words of the patterns, by role. */
enum {
  KW_YEAR = 1u << 4,    /* "tahun 2023", "Maret tahun lalu" */
  KW_MONTH = 1u << 5,   /* "bulan Juli": makes any month name a month */
  KW_CLOCK = 1u << 6,   /* "pukul 10.00" */
  KW_CENTURY = 1u << 7, /* "abad ke-21" */
  KW_EVE = 1u << 8,     /* "malam Minggu": the evening before */
  KW_SOME = 1u << 9,    /* "beberapa hari lalu": a vague count */
  KW_TEENS = 1u << 10,  /* "tiga belas" = 10 + 3 */
  KW_TENS = 1u << 11,   /* "dua puluh" = 2 * 10 */
  KW_HOUR = 1u << 12    /* "jam" is also the unit "hour" */
};

/* Symbols the grammar file may write for values and flags. */
typedef struct symbol {
  const char *name;
  int value;
} symbol;

#define SYM(x) {#x, (int)(x)}
static const symbol k_symbols[] = {
    SYM(LX_ABBR),    SYM(LX_NAMELIKE), SYM(LX_DIGIT),   SYM(LX_CONTEXT),  SYM(UN_COUNTED),
    SYM(UN_RELATIVE), SYM(UN_WEEK),    SYM(MK_UNIT),    SYM(MK_MONTH),    SYM(MK_COUNTED),
    SYM(MK_WEEKDAY), SYM(MK_WEEKOF),   SYM(MK_CENTURY), SYM(MK_POD),      SYM(MK_TENSE),
    SYM(KW_YEAR),    SYM(KW_MONTH),    SYM(KW_CLOCK),   SYM(KW_CENTURY),  SYM(KW_EVE),
    SYM(KW_SOME),    SYM(KW_TEENS),    SYM(KW_TENS),    SYM(KW_HOUR),     SYM(U_DAY),
    SYM(U_WEEK),     SYM(U_MONTH),     SYM(U_YEAR),     SYM(U_DECADE),    SYM(MOD_START),
    SYM(MOD_MID),    SYM(MOD_END),     SYM(POD_MORNING), SYM(POD_MIDDAY), SYM(POD_AFTERNOON),
    SYM(POD_NIGHT),  SYM(V_PAST),      SYM(V_PRESENT),  SYM(V_FUTURE),
};

/* The lexicon tables the handlers read, by their names in the file. */
typedef enum table_id {
  T_MONTHS, T_WEEKDAYS, T_PASARAN, T_NUMBER_WORDS, T_UNITS, T_SE_UNITS, T_MARKERS, T_MODIFIERS,
  T_PERIODS, T_ORDINALS, T_PARTS_OF_DAY, T_TIME_ZONES, T_DEICTIC_DAYS, T_VAGUE_WORDS,
  T_NARRATIVE, T_NARRATIVE_DAYS, T_KEYWORDS, T_HUT, T_COUNT
} table_id;

/* The form lists kept per trigger word (word_lists): one per table, then
 * the Hijri month names (hm_tab) and the holiday names (hol_forms). */
enum { WL_HM = T_COUNT, WL_HOL, WL_COUNT };

static const char *const k_table_names[T_COUNT] = {
    "months",       "weekdays",    "pasaran",      "number_words", "units",
    "se_units",     "markers",     "modifiers",    "periods",      "ordinals",
    "parts_of_day", "time_zones",  "deictic_days", "vague_words",  "narrative",
    "narrative_days", "keywords",  "hut",
};

/* The context word lists the handlers test. */
typedef enum list_id {
  W_DAY_NOUNS, W_SUNDAY_PREPS, W_REGULATION_WORDS, W_DECADE_CUES, W_FIRST_SENSE, W_DATE_PREPS,
  W_COUNT_NOUNS, W_AMOUNT_WORDS, W_CLAUSE_MARKS, W_DATE_PREPS_AFTER, W_COORDINATORS,
  W_SET_WORDS, W_FUTURE_CUES, W_PAST_ANCHORS, W_PRAYER_WORDS, W_SENTENCE_ENDS, W_APPROX,
  W_FUTURE_PREPS, W_COUNT
} list_id;

static const char *const k_list_names[W_COUNT] = {
    "day_nouns",    "sunday_preps", "regulation_words", "decade_cues",  "first_sense",
    "date_preps",   "count_nouns",  "amount_words",     "clause_marks", "date_preps_after",
    "coordinators", "set_words",    "future_cues",      "past_anchors", "prayer_words",
    "sentence_ends", "approx", "future_preps",
};

/* ======================================================================
 * Pattern templates (from the file). {NAME} expands to a fragment: a
 * lexicon alternation (longest form first) or another template. Every
 * rule ends in (?C1), the callout that accepts the match only on a token
 * end. Whitespace runs are possessive (\h++): what follows them never
 * starts with a space, and it keeps a long run from being re-scanned on
 * backtracking.
 * ====================================================================== */

typedef struct fragment {
  const char *name;
  const lex_table *t;    /* alternation of the forms with (flags & need) == need */
  unsigned need, refuse; /* ... and (flags & refuse) == 0 */
  int bare;              /* no (?:...) around it (top level of a lookbehind) */
  const char *tmpl;      /* or this template */
  int calendar;          /* or names of the calendar table (need = their LX_ bit) */
} fragment;

/* Rules: each has a handler below; their templates and their priority
 * (file order: earlier wins a tie on length) come from the file. */
typedef enum rule_id {
  R_KOMPAS, R_NUMERIC, R_DAY_MONTH, R_MONTH, R_MODIFIED, R_YEAR, R_DECADE, R_CENTURY,
  R_COUNTED, R_RELATIVE, R_WEEKDAY, R_DEICTIC, R_VAGUE, R_CLOCK, R_CLOCK_TZ, R_PERIOD,
  R_DAY_RANGE, R_MONTH_RANGE, R_PAREN, R_BC, R_NARRATIVE, R_NARRDAY, R_HOLIDAY, R_HIJRI,
  R_MODPERIOD, R_COUNT
} rule_id;

static const char *const k_rule_names[R_COUNT] = {
    "kompas",   "numeric",  "day_month", "month",       "modified", "year",      "decade",
    "century",  "counted",  "relative",  "weekday",     "deictic",  "vague",     "clock",
    "clock_tz", "period",   "day_range", "month_range", "paren",    "bc",        "narrative",
    "narrday",  "holiday",  "hijri",     "modperiod",
};

/* Named capture groups the handlers read. */
typedef enum group {
  G_WD, G_D, G_D2, G_MO, G_SEP, G_M, G_Y, G_Y2, G_YMK, G_MK, G_U, G_UMK, G_UY, G_N, G_SE, G_MOD,
  G_EVE, G_WK, G_WKMK, G_DEC, G_DEC2, G_C, G_ROM, G_CMK, G_TH, G_TAIL, G_DX, G_VX, G_HH,
  G_MI, G_HH2, G_MI2, G_POD, G_TZ, G_CW, G_PW, G_PN, G_ORD, G_PT, G_PN2, G_PW2, G_NK, G_ND,
  G_HOL, G_HN, G_HUT, G_HN2, G_HY, G_HM, G_JM, G_PAS, G_CROM, G_DECW, G_WD2, G_COUNT
} group;

static const char *const k_group_names[G_COUNT] = {
    "wd", "d", "d2", "mo", "sep", "m", "y", "y2", "ymk", "mk", "u", "umk", "uy", "n", "se", "mod",
    "eve", "wk", "wkmk", "dec", "dec2", "c", "rom", "cmk", "th", "tail", "dx", "vx", "hh",
    "mi", "hh2", "mi2", "pod", "tz", "cw", "pw", "pn", "ord", "pt", "pn2", "pw2", "nk", "nd",
    "hol", "hn", "hut", "hn2", "hy", "hm", "jm", "pas", "crom", "decw", "wd2",
};

/* Match data size: enough pairs for every rule (checked at compile). */
#define OVECTOR_PAIRS 32

/* Match data size: enough pairs for every rule (checked at compile). */
#define OVECTOR_PAIRS 32
/* Backtracking bound per match attempt: patterns are short and anchored,
 * so this only stops pathological input, never a real expression. */
#define MATCH_LIMIT 200000u
#define DEPTH_LIMIT 2000u
#define MAX_TRIGGER_LEN 32
/* The plain words' trigger filter: a bit per value of 15 bits of the fold
 * hash (4 KB; fold.h, as the tokenizer tests it for the date marks). */
#define TRIG_BLOOM_WORDS IDNER__MARK_BLOOM_WORDS
#define TRIG_BLOOM_WORD(h) IDNER__MARK_BLOOM_WORD(h)
#define TRIG_BLOOM_BIT(h) IDNER__MARK_BLOOM_BIT(h)

#define MAX_DIGIT_NAMES 16
enum { FB_MONTH, FB_UNIT, FB_HMONTH, FB_WDTAIL, FB_COUNT };

typedef struct trigger {
  const char *s;  /* first word of a lexicon form (not NUL-terminated) */
  size_t len;
  uint32_t rules; /* bit per rule_id that can start with it */
} trigger;

#define RULE_BIT(r) (1u << (r))

/* A trigger in the lookup table of the scan (derived at load): its hash,
 * rules and first bytes in one 32-byte slot, so a lookup reads one line. */
typedef struct trig_slot {
  uint64_t h;     /* idner__hash of the trigger */
  uint32_t rules;
  uint32_t idx;   /* trigger index + 1; 0 = empty */
  uint8_t len;    /* its length, 255 if longer (then never looked up) */
  char key[15];   /* its bytes when len <= 15 (else triggers[idx - 1].s) */
} trig_slot;

/* Special trigger sources of the file ("@digit" ...). */
enum { TS_DIGIT, TS_PAREN, TS_QUARTER, TS_CAL_HOLIDAY, TS_CAL_MONTH, TS_COUNT };

/* A coarse but sure filter on trigger words, built with the grammar: a bit for
 * each one-byte trigger, for the first two bytes of each trigger of two
 * bytes or more, and for the first three of each of three or more (bytes
 * folded to 5 bits in the last two). */
typedef struct trigger_filter {
  uint32_t singles[8]; /* one-byte triggers (all bits if there is an empty one) */
  uint32_t pairs[32];
  uint32_t triples[4096 / 32];
} trigger_filter;

struct idner__dategrammar {
  char *text;                      /* the grammar file, split in place (owns every string) */
  size_t text_size;                /* its bytes, with the final NUL */
  int text_borrowed;               /* text is the embedded image's: not freed */
  const char *fname;               /* its name, for messages (static or the caller's) */
  lex_table tab[T_COUNT];
  word_list words[W_COUNT];
  struct fragvec { fragment *v; size_t n, cap; } frags;
  const char *rule_tmpl[R_COUNT];
  rule_id order[R_COUNT];          /* rules in priority order */
  size_t nrules;
  uint32_t special[TS_COUNT];      /* rules started by "@digit" etc. */
  struct tsrcvec { struct tsrc { int table; unsigned flag; uint32_t rules; } *v; size_t n, cap; }
      tsrc;                        /* table triggers */
  idner__calendar *cal;            /* holidays and Hijri months */
  lex_table cal_tab;               /* the calendar's names as lexicon entries */
  lex_table hm_tab;                /* its Hijri month names (LX_HMONTH, LX_JMONTH) alone */
  struct hol_form {                /* holiday names by first byte: 'a'..'z', then the rest */
    const char *form;
    unsigned char second;          /* first byte of its second word, 0 if one word */
  } *hol_forms;
  uint32_t hol_start[28];          /* letter c's names: hol_forms[hol_start[c]..hol_start[c+1]) */
  pcre2_code *code[R_COUNT];
  int16_t group[R_COUNT][G_COUNT]; /* capture number, or -1 */
  /* JIT compilation is deferred to a rule's first use (it is most of the
   * cost of building the grammar): the only state that changes after
   * loading. A rule's code is matched only once its bit is set here, so a
   * thread never reads a code another thread is JIT-compiling. */
  _Atomic uint32_t jit_done;       /* bit per rule_id */
  _Atomic uint32_t jit_ok;         /* bit per rule_id: its JIT compilation succeeded */
  pthread_mutex_t jit_lock;
  int jit_lock_ok;                 /* jit_lock initialized */
  trigger *triggers;               /* sorted, unique */
  size_t ntriggers;
  uint32_t *trig_slots;            /* hash index: trigger index + 1, 0 = empty */
  size_t trig_nslots;              /* power of two */
  trig_slot *tslots;               /* derived at load: trig_nslots slots, as trig_slots */
  /* derived at load (trigger_tables), in no image: the filter on a word's
   * first bytes, and a bit per value of 15 bits of the triggers'
   * hashes (mark.bloom), tested before a plain word's lookup */
  trigger_filter tfilter;
  /* mark.stop, the tight loop's test by a token's first folded byte c: stop[256 + c]
   * for a plain token, 1 where c starts rules by itself (a digit, q for
   * Q1-Q4); stop[c] for another token whose form is one byte, 1 where the
   * token may not be that one byte or trigger_rules may not answer 0;
   * stop[512 + c], c < 0x80, the whole test for the one-byte token c
   * (idner__datemark) */
  idner__datemark mark;
  uint32_t *approx_words;          /* words in each approximation form (W_APPROX) */
  /* derived at load (word_lists): for trigger k and list s (a table, WL_HM,
   * WL_HOL), the forms in form_iter's order that may match where the
   * trigger is a whole word of ASCII letters: wl_idx[wl_start[k * WL_COUNT
   * + s] .. wl_start[k * WL_COUNT + s + 1]) (indices into the table, or
   * into hol_forms) */
  uint16_t *wl_start; /* (no lists if they would not fit 16 bits) */
  uint32_t *wl_idx;
  /* what a listed form needs after the word (a bit of word_pass): 28 it
   * is the word, 27 nothing known, 26 white space, 0..25 white space then
   * that letter */
  uint8_t *wl_tag;
  uint8_t *wl_ok;    /* per trigger: 1 if all ASCII lower-case letters (it has lists) */
  int8_t rank[R_COUNT];            /* k where order[k] == r, -1 if r is not in order */
  uint32_t rank_bits[4][256];      /* derived: rule bits, a byte at a time -> rank bits */
  /* derived at load (digit_tables, from the calendar lexicon): calendar
   * names that start with a digit ("17-an", "1 muharam"), and the bytes
   * that can start a month, a counted unit, a Hijri month */
  const lex *digit_names[MAX_DIGIT_NAMES];
  int ndigit_names;                /* MAX_DIGIT_NAMES + 1: too many, no filter */
  uint32_t digit_name_last[5][10];  /* the same by leading digits and last digit */
  uint32_t digit_name_flags[5][10]; /* by leading digits (1..4) and first digit: the LX_
                                     * flags of digit_names */
  uint8_t first[FB_COUNT][32];
};

struct idner__datescratch {
  pcre2_match_data *md;
  pcre2_match_context *mctx;
};

/* ======================================================================
 * Small text helpers
 * ====================================================================== */

static int ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* Bytes of the horizontal whitespace character at s[0..n), or 0. Matches
 * what \h matches in the patterns. */
static size_t hspace_len(const unsigned char *s, size_t n) {
  if (n == 0) return 0;
  if (s[0] == ' ' || s[0] == '\t') return 1;
  if (s[0] < 0xC2) return 0; /* every other one starts with 0xC2 .. 0xE3 */
  if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) return 2;
  if (n >= 3 && s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) return 3;
  if (n >= 3 && s[0] == 0xE1 && s[1] == 0xA0 && s[2] == 0x8E) return 3;
  if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xAF))
    return 3;
  if (n >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) return 3;
  if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;
  return 0;
}

/* Does text s[0..n) equal the lexicon form, ignoring ASCII case, with any
 * run of horizontal whitespace matching one space of the form? */
static int form_equals(const char *form, const char *s, size_t n) {
  const unsigned char *t = (const unsigned char *)s;
  size_t i = 0;
  for (const char *f = form; *f; f++) {
    if (*f == ' ') {
      size_t w = hspace_len(t + i, n - i);
      if (!w) return 0;
      while (w) {
        i += w;
        w = hspace_len(t + i, n - i);
      }
      continue;
    }
    if (i >= n || ascii_lower(t[i]) != *f) return 0;
    i++;
  }
  return i == n;
}

/* Could form_equals(form, s, n) hold, by the first byte? (A form that
 * starts with an ASCII letter or sign other than a space must find it,
 * caselessly, at s[0]; lists are scanned with this before the call.) */
static int first_may_equal(const char *form, const char *s, size_t n) {
  unsigned f = (unsigned char)form[0];
  return f == ' ' || f == '\0' || (n && f == (unsigned)ascii_lower((unsigned char)s[0]));
}

static const lex *lex_find(const lex_table *t, const char *s, size_t n) {
  if (t->by_first) {
    /* only the forms of s[0]'s bucket can equal s (form_equals compares
     * lower-cased ASCII byte for byte); a bucket keeps the table's order,
     * so the first found is the table's first */
    unsigned c = n ? (unsigned)ascii_lower((unsigned char)s[0]) : 0u;
    int b = c >= 'a' && c <= 'z' ? (int)(c - 'a') : 26;
    for (uint32_t k = t->first_start[b]; k < t->first_start[b + 1]; k++) {
      const lex *e = &t->v[t->by_first[k]];
      if (first_may_equal(e->form, s, n) && form_equals(e->form, s, n)) return e;
    }
    return NULL;
  }
  for (size_t i = 0; i < t->n; i++)
    if (first_may_equal(t->v[i].form, s, n) && form_equals(t->v[i].form, s, n)) return &t->v[i];
  return NULL;
}

static int word_in(const word_list *w, const char *s, size_t n) {
  unsigned c = n ? (unsigned)ascii_lower((unsigned char)s[0]) : 0x80u;
  if (w->by_first && c < 0x80) { /* the words that start with s[0] (as lex_find) */
    int b = c >= 'a' && c <= 'z' ? (int)(c - 'a') : 26;
    for (uint32_t k = w->first_start[b]; k < w->first_start[b + 1]; k++) {
      const char *f = w->v[w->by_first[k]];
      if (first_may_equal(f, s, n) && form_equals(f, s, n)) return 1;
    }
    return 0;
  }
  for (size_t i = 0; i < w->n; i++)
    if (first_may_equal(w->v[i], s, n) && form_equals(w->v[i], s, n)) return 1;
  return 0;
}

/* Value of an all-digit string of at most 9 digits, or -1. */
static int parse_uint(const char *s, size_t n) {
  if (n == 0 || n > 9) return -1;
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!is_digit((unsigned char)s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Value of a Roman numeral (I, V, X only), or -1. */
static int parse_roman(const char *s, size_t n) {
  int total = 0, prev = 0;
  for (size_t i = n; i-- > 0;) {
    int c = ascii_lower((unsigned char)s[i]);
    int v = c == 'i' ? 1 : c == 'v' ? 5 : c == 'x' ? 10 : 0;
    if (!v) return -1;
    total += v < prev ? -v : v;
    if (v > prev) prev = v;
  }
  return total > 0 ? total : -1;
}

/* Next whitespace-separated word of s[*i..n): sets *w, *wn; 0 at the end. */
static int next_word(const char *s, size_t n, size_t *i, const char **w, size_t *wn) {
  const unsigned char *t = (const unsigned char *)s;
  size_t h;
  while (*i < n && (h = hspace_len(t + *i, n - *i))) *i += h;
  if (*i >= n) return 0;
  size_t start = *i;
  while (*i < n && !hspace_len(t + *i, n - *i)) (*i)++;
  *w = s + start;
  *wn = *i - start;
  return 1;
}

/* Value of a spelled-out number ("dua puluh satu", "tiga belas"), or -1. */
static int parse_number_words(const idner__dategrammar *g, const char *s, size_t n) {
  size_t i = 0, wn;
  const char *w;
  if (!next_word(s, n, &i, &w, &wn)) return -1;
  const lex *first = lex_find(&g->tab[T_NUMBER_WORDS], w, wn);
  if (!first) return -1;
  if (!next_word(s, n, &i, &w, &wn)) return first->val;
  int v;
  const lex *scale = lex_find(&g->tab[T_KEYWORDS], w, wn);
  if (!scale || !(first->flags & LX_DIGIT)) return -1;
  if (scale->flags & KW_TEENS) v = scale->val + first->val;
  else if (scale->flags & KW_TENS) v = scale->val * first->val;
  else return -1;
  if (next_word(s, n, &i, &w, &wn)) {
    const lex *last = lex_find(&g->tab[T_NUMBER_WORDS], w, wn);
    if (!last || !(last->flags & LX_DIGIT)) return -1;
    v += last->val;
  }
  return v;
}

/* ======================================================================
 * Calendar arithmetic (proleptic Gregorian; days counted from 1970-01-01)
 * ====================================================================== */

typedef struct ymd {
  int y, m, d;
} ymd;

static ymd civil_from_days(long z) {
  ymd r;
  idner__civil_from_days(z, &r.y, &r.m, &r.d);
  return r;
}

/* ISO weekday, Monday = 1 ... Sunday = 7 (1970-01-01 was a Thursday). */
static int iso_weekday(long z) { return (int)(((z % 7) + 7 + 3) % 7) + 1; }

/* ISO 8601 week-numbering year and week of day z: the week belongs to the
 * year that holds its Thursday. */
static void iso_week(long z, int *wyear, int *week) {
  long thursday = z - (iso_weekday(z) - 1) + 3;
  ymd t = civil_from_days(thursday);
  *wyear = t.y;
  *week = (int)((thursday - idner__days_from_civil(t.y, 1, 1)) / 7) + 1;
}

/* ======================================================================
 * Phase one output: an underspecified value
 * ====================================================================== */

typedef enum spec_kind {
  SK_ABS,       /* fully given: y[-m[-d]], decade, century */
  SK_REL,       /* n units from the reference date ("pekan lalu": week -1) */
  SK_MONTH,     /* month without a year, placed by dir ("Maret lalu") */
  SK_DAY_MONTH, /* day and month without a year ("Senin (18/9)") */
  SK_WEEKDAY,   /* weekday placed by dir ("Jumat lalu") */
  SK_VAGUE,     /* PAST_REF / PRESENT_REF / FUTURE_REF */
  SK_CLOCK,     /* clock time, anchored to the last date mentioned */
  SK_NARR,      /* n units from the last full date mentioned ("sehari kemudian") */
  SK_NONE       /* a date with no value we can give ("Idul Fitri 2040", past the table) */
} spec_kind;

typedef enum gran {
  GR_DAY, GR_WEEK, GR_WEEKEND, GR_MONTH, GR_YEAR, GR_DECADE, GR_CENTURY, GR_QUARTER, GR_HALF
} gran;

typedef enum dir {
  DIR_NONE,    /* no cue: reference year (weekday decides among nearby years) */
  DIR_RECENT,  /* most recent, including the reference day/month */
  DIR_PAST,    /* strictly before the reference */
  DIR_FUTURE,  /* strictly after the reference */
  DIR_SOON,    /* next, including the reference day/month */
  DIR_THIS,    /* in the reference year / ISO week */
  DIR_YEAROFF, /* month in reference year + n */
  DIR_WEEKOFF  /* weekday in reference ISO week + n */
} dir;

typedef struct spec {
  spec_kind kind;
  gran gran;
  dir dir;
  int y, m, d;     /* SK_ABS / SK_MONTH / SK_DAY_MONTH fields */
  int n;           /* SK_REL shift; DIR_YEAROFF / DIR_WEEKOFF offset */
  int wd;          /* weekday 1..7, 0 = none */
  int eve;         /* "malam Minggu": the evening before */
  int pas;         /* SK_WEEKDAY: Javanese market day + 1 ("Jumat Kliwon"), 0 = none */
  int bc;          /* SK_ABS year (and end year) before the common era ("500 SM") */
  int end_y, end_m, end_d; /* range end (SK_ABS/SK_DAY_MONTH), end_y 0 = none */
  int hh, mi, hh2, mi2;    /* SK_CLOCK; hh2 < 0 = no range */
  vague vague;
  modkind mod;
  int has_tz;
  int tz;
  uint32_t type; /* IDNER_TYPE_DATE or IDNER_TYPE_TIME */
} spec;

static void spec_init(spec *s, spec_kind kind, gran g) {
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->gran = g;
  s->hh2 = -1;
  s->type = IDNER_TYPE_DATE;
}

/* ======================================================================
 * Phase two: resolution
 * ====================================================================== */

typedef struct anchor {
  int valid;
  ymd date;
} anchor;

/* Values are written digit by digit, not by snprintf: a hit formats one or
 * two, and snprintf cost more than the rest of resolving them. */

/* put_num for any value and width. */
static char *put_num_any(char *p, long v, int width) {
  char tmp[24];
  int n = 0;
  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
  if (v < 0) *p++ = '-', width--;
  do tmp[n++] = (char)('0' + u % 10), u /= 10; while (u);
  while (n < width) tmp[n++] = '0';
  while (n) *p++ = tmp[--n];
  return p;
}

/* Writes v in decimal, zero-padded to width characters with the sign (as
 * printf's %0*d); returns the end. Small enough to be inlined: the width
 * is a constant at every call, and months, days and years take a few
 * instructions. */
static inline char *put_num(char *p, long v, int width) {
  if (width == 2 && (unsigned long)v < 100) { /* months, days, weeks */
    unsigned u = (unsigned)v;
    p[0] = (char)('0' + u / 10), p[1] = (char)('0' + u % 10);
    return p + 2;
  }
  if (width == 4 && (unsigned long)v < 10000) { /* years */
    unsigned u = (unsigned)v;
    p[0] = (char)('0' + u / 1000), p[1] = (char)('0' + u / 100 % 10);
    p[2] = (char)('0' + u / 10 % 10), p[3] = (char)('0' + u % 10);
    return p + 4;
  }
  return put_num_any(p, v, width);
}

static char *put_str(char *p, const char *s) {
  while (*s) *p++ = *s++;
  return p;
}

/* Copies buf[0..end) to out (size bytes, NUL-terminated, cut as snprintf). */
static void put_done(char *out, size_t size, const char *buf, const char *end) {
  size_t n = (size_t)(end - buf);
  if (n >= size) n = size - 1;
  memcpy(out, buf, n);
  out[n] = '\0';
}

/* Formats a value of granularity g for date t; "" when out of range. */
static void format_value(char *out, size_t size, gran g, ymd t) {
  out[0] = '\0';
  if (t.y < 0 || t.y > 9999) return;
  long z = (g == GR_WEEK || g == GR_WEEKEND) ? idner__days_from_civil(t.y, t.m, t.d) : 0;
  int wy, wn;
  char buf[96], *p = buf;
  switch (g) {
    case GR_DAY: /* %04d-%02d-%02d */
      p = put_num(p, t.y, 4), *p++ = '-', p = put_num(p, t.m, 2), *p++ = '-';
      p = put_num(p, t.d, 2);
      break;
    case GR_MONTH: p = put_num(p, t.y, 4), *p++ = '-', p = put_num(p, t.m, 2); break;
    case GR_YEAR: p = put_num(p, t.y, 4); break;
    case GR_DECADE: p = put_num(p, t.y / 10, 3); break;
    case GR_CENTURY: p = put_num(p, t.y / 100, 2); break;
    case GR_QUARTER:
      p = put_str(put_num(p, t.y, 4), "-Q"), p = put_num(p, (t.m - 1) / 3 + 1, 1);
      break;
    case GR_HALF:
      p = put_str(put_num(p, t.y, 4), "-H"), p = put_num(p, (t.m - 1) / 6 + 1, 1);
      break;
    case GR_WEEK:
    case GR_WEEKEND: /* %04d-W%02d%s */
      iso_week(z, &wy, &wn);
      p = put_str(put_num(p, wy, 4), "-W"), p = put_num(p, wn, 2);
      if (g == GR_WEEKEND) p = put_str(p, "-WE");
      break;
  }
  put_done(out, size, buf, p);
}

static ymd add_months(ymd t, int n) {
  long k = (long)t.y * 12 + (t.m - 1) + n;
  long y = k >= 0 ? k / 12 : -((11 - k) / 12); /* floor division */
  ymd r = {(int)y, (int)(k - y * 12) + 1, 1};
  return r;
}

/* SK_REL: the reference date moved by n units of the spec's granularity. */
static ymd resolve_rel(const spec *s, ymd ref) {
  long z = idner__days_from_civil(ref.y, ref.m, ref.d);
  ymd r = ref;
  switch (s->gran) {
    case GR_DAY: r = civil_from_days(z + s->n); break;
    case GR_WEEK:
    case GR_WEEKEND: r = civil_from_days(z + 7L * s->n); break;
    case GR_MONTH: r = add_months(ref, s->n); break;
    case GR_YEAR: r.y = ref.y + s->n; break;
    case GR_DECADE: r.y = ref.y + 10 * s->n; break;
    case GR_CENTURY: r.y = ref.y + 100 * s->n; break;
    case GR_QUARTER: r = add_months((ymd){ref.y, (ref.m - 1) / 3 * 3 + 1, 1}, 3 * s->n); break;
    case GR_HALF: r = add_months((ymd){ref.y, (ref.m - 1) / 6 * 6 + 1, 1}, 6 * s->n); break;
  }
  return r;
}

/* Year of a month without a year, relative to the reference month. */
static int month_year(const spec *s, ymd ref) {
  switch (s->dir) {
    case DIR_RECENT: return s->m <= ref.m ? ref.y : ref.y - 1;
    case DIR_PAST: return s->m < ref.m ? ref.y : ref.y - 1;
    case DIR_FUTURE: return s->m > ref.m ? ref.y : ref.y + 1;
    case DIR_SOON: return s->m >= ref.m ? ref.y : ref.y + 1;
    case DIR_YEAROFF: return ref.y + s->n;
    default: return ref.y;
  }
}

/* Javanese market day of day z: 0 Legi .. 4 Kliwon (17 August 1945 was
 * Jumat Legi). */
static int pasaran(long z) {
  long k = (z - idner__days_from_civil(1945, 8, 17)) % 5;
  return (int)(k < 0 ? k + 5 : k);
}

/* Day of a weekday relative to the reference day. */
static long weekday_day(const spec *s, ymd ref) {
  long z = idner__days_from_civil(ref.y, ref.m, ref.d);
  if (s->pas) { /* "Jumat Kliwon": every 35 days; the last one, or the next */
    int ahead = s->dir == DIR_FUTURE || s->dir == DIR_SOON;
    long step = ahead ? 1 : -1, k = (s->dir == DIR_PAST || s->dir == DIR_FUTURE) ? z + step : z;
    for (int i = 0; i < 36; i++, k += step)
      if (iso_weekday(k) == s->wd && pasaran(k) == s->pas - 1) return k;
  }
  int rw = iso_weekday(z);
  int back = (rw - s->wd + 7) % 7, ahead = (s->wd - rw + 7) % 7;
  switch (s->dir) {
    case DIR_PAST: return z - (back ? back : 7);
    case DIR_FUTURE: return z + (ahead ? ahead : 7);
    case DIR_SOON: return z + ahead;
    case DIR_THIS: return z + (s->wd - rw);
    case DIR_WEEKOFF: return z + (s->wd - rw) + 7L * s->n;
    default: return z - back;
  }
}

/* Year for a day and month without a year: the base year, or with a
 * weekday the first of base, base-1, base+1 where the weekday agrees. */
static int day_month_year(const spec *s, int base, const ymd *ref) {
  if (s->dir == DIR_RECENT && ref) {
    int later = s->m > ref->m || (s->m == ref->m && s->d > ref->d);
    return later ? ref->y - 1 : ref->y;
  }
  if (s->dir == DIR_SOON && ref) {
    int earlier = s->m < ref->m || (s->m == ref->m && s->d < ref->d);
    return earlier ? ref->y + 1 : ref->y;
  }
  if (!s->wd) return base;
  static const int k_tries[3] = {0, -1, 1};
  for (int i = 0; i < 3; i++) {
    int y = base + k_tries[i];
    if (idner__valid_date(y, s->m, s->d) && iso_weekday(idner__days_from_civil(y, s->m, s->d)) == s->wd)
      return y;
  }
  return base;
}

typedef struct resolved {
  char value[32], end_value[32];
  int is_day; /* value is a full day: it becomes the anchor */
  int dated;  /* day holds the start of a calendar value (any granularity) */
  ymd day;
} resolved;

static void resolve_day_month(const spec *s, const ymd *ref, const anchor *a, resolved *r) {
  if (!ref && !a->valid) return;
  int y = day_month_year(s, ref ? ref->y : a->date.y, ref);
  if (!idner__valid_date(y, s->m, s->d)) return;
  ymd t = {y, s->m, s->d};
  format_value(r->value, sizeof r->value, GR_DAY, t);
  r->is_day = 1;
  r->dated = 1;
  r->day = t;
  if (s->end_d && idner__valid_date(y, s->m, s->end_d)) {
    ymd e = {y, s->m, s->end_d};
    format_value(r->end_value, sizeof r->end_value, GR_DAY, e);
  }
}

static void format_clock(char *out, size_t size, const anchor *day, int hh, int mi) {
  char buf[96], *p = buf;
  if (day->valid && day->date.y >= 0 && day->date.y <= 9999) { /* %04d-%02d-%02d */
    p = put_num(p, day->date.y, 4), *p++ = '-', p = put_num(p, day->date.m, 2), *p++ = '-';
    p = put_num(p, day->date.d, 2);
  }
  *p++ = 'T', p = put_num(p, hh, 2), *p++ = ':', p = put_num(p, mi, 2); /* T%02d:%02d */
  put_done(out, size, buf, p);
}

/* Resolves s against ref (NULL = none) and the last full date a. */
static void resolve(const spec *s, const ymd *ref, const anchor *a, const anchor *any,
                    resolved *r) {
  memset(r, 0, sizeof *r);
  ymd t = {0, 0, 0};
  switch (s->kind) {
    case SK_ABS:
      if (s->bc) { /* HeidelTime's BC convention: "BC0500" */
        char buf[32];
        put_done(r->value, sizeof r->value, buf, put_num(put_str(buf, "BC"), s->y, 4));
        if (s->end_y)
          put_done(r->end_value, sizeof r->end_value, buf,
                   put_num(put_str(buf, "BC"), s->end_y, 4));
        return;
      }
      t.y = s->y, t.m = s->m, t.d = s->d;
      format_value(r->value, sizeof r->value, s->gran, t);
      if (s->end_y) {
        ymd e = {s->end_y, s->end_m, s->end_d};
        format_value(r->end_value, sizeof r->end_value, s->gran, e);
      }
      r->is_day = s->gran == GR_DAY;
      r->dated = 1;
      r->day = t;
      return;
    case SK_VAGUE:
      memcpy(r->value, k_vague_values[s->vague], sizeof r->value);
      return;
    case SK_DAY_MONTH: resolve_day_month(s, ref, a, r); return;
    case SK_NONE: return;
    case SK_CLOCK: {
      anchor day = *a;
      if (!day.valid && ref) day.valid = 1, day.date = *ref;
      format_clock(r->value, sizeof r->value, &day, s->hh, s->mi);
      if (s->hh2 >= 0) format_clock(r->end_value, sizeof r->end_value, &day, s->hh2, s->mi2);
      return;
    }
    default: break;
  }
  if (s->kind == SK_NARR) { /* the story's last date, else the reference date */
    /* "sehari kemudian" counts from the last full day; "setahun kemudian"
     * from the last date of any granularity ("pada 2019 ... setahun kemudian") */
    const anchor *base = (s->gran == GR_DAY || s->gran == GR_WEEK) && a->valid ? a : any;
    if (!base->valid) base = a;
    if (!base->valid && !ref) return;
    t = resolve_rel(s, base->valid ? base->date : *ref);
    r->dated = 1;
    format_value(r->value, sizeof r->value, s->gran, t);
    r->is_day = s->gran == GR_DAY;
    r->day = t;
    return;
  }
  if (!ref) return; /* everything below needs the reference date */
  if (s->kind == SK_REL) {
    t = resolve_rel(s, *ref);
  } else if (s->kind == SK_MONTH) {
    t.y = month_year(s, *ref), t.m = s->m, t.d = 1;
  } else { /* SK_WEEKDAY */
    t = civil_from_days(weekday_day(s, *ref) - s->eve);
  }
  format_value(r->value, sizeof r->value, s->gran, t);
  r->is_day = s->gran == GR_DAY;
  r->dated = 1;
  r->day = t;
}

/* ======================================================================
 * Phase one: matching
 * ====================================================================== */

typedef struct scan {
  const idner__dategrammar *g;
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  const char *text;
  size_t len;
  const idner_token *toks;
  size_t ntok;
  int has_ref;
  ymd ref;
  anchor last_day;  /* last full date mentioned: anchors clock times */
  anchor last_date; /* last calendar date of any granularity (its first day) */
  size_t last_end;  /* token end of the last hit, SIZE_MAX = none */
  gran last_gran;   /* its granularity */
  int last_weekday; /* it was a weekday */
  size_t cb_start;  /* callout: first token of the current attempt */
  const idner__date_folds *folds; /* the tokens' folded forms, or NULL */
  /* the word a letter-led attempt starts at, when its trigger's form lists
   * (wl: its row of wl_start) apply there (word_lists_at); NULL if not */
  const unsigned char *wq;
  const uint16_t *wl;
  uint32_t wpass; /* word_pass at wq */
  size_t wlen;    /* the word's length */
} scan;

typedef struct match {
  const scan *sc;
  rule_id rule;
  const PCRE2_SIZE *ov;
  size_t tok_start, tok_end; /* token span, half-open */
} match;

typedef enum verdict { VD_REJECT, VD_ACCEPT, VD_VETO /* not a date: skip the span */ } verdict;

/* Callout at the end of every rule: succeed only on a token end, so the
 * engine backtracks to a shorter alternative otherwise. */
static int on_callout(pcre2_callout_block *cb, void *data) {
  const scan *sc = data;
  size_t pos = cb->current_position, j = sc->cb_start;
  while (j < sc->ntok && sc->toks[j].byte_end < pos) j++;
  return (j < sc->ntok && sc->toks[j].byte_end == pos) ? 0 : 1;
}

static void tok_text(const scan *sc, size_t i, const char **s, size_t *n) {
  *s = sc->text + sc->toks[i].byte_start;
  *n = sc->toks[i].byte_end - sc->toks[i].byte_start;
}

static int tok_in(const scan *sc, size_t i, list_id w) {
  if (i >= sc->ntok) return 0;
  /* a plain token equals a word only if its fold's hash does (a word
   * outside ASCII, with a space or a capital never equals it): most
   * answers are no */
  if (sc->folds && (sc->folds->plain[i] & IDNER__FOLD_PLAIN)) {
    uint64_t h = sc->folds->hash[i];
    if (!(sc->g->words[w].bloom[h >> 62] >> (h >> 56 & 63u) & 1u)) return 0;
  }
  const char *s;
  size_t n;
  tok_text(sc, i, &s, &n);
  return word_in(&sc->g->words[w], s, n);
}

#define TOK_IN(sc, i, w) tok_in(sc, i, w)

/* Token i is a keyword with one of the role bits. */
static int tok_has_role(const scan *sc, size_t i, unsigned role) {
  const char *s;
  size_t n;
  tok_text(sc, i, &s, &n);
  const lex *kw = lex_find(&sc->g->tab[T_KEYWORDS], s, n);
  return kw && (kw->flags & role);
}

static int tok_capitalized(const scan *sc, size_t i) {
  unsigned char c = (unsigned char)sc->text[sc->toks[i].byte_start];
  return c >= 'A' && c <= 'Z';
}

static int tok_all_digits(const scan *sc, size_t i) {
  const char *s;
  size_t n;
  tok_text(sc, i, &s, &n);
  return parse_uint(s, n) >= 0;
}

static int tok_is_punct(const scan *sc, size_t i) {
  return sc->toks[i].kind == IDNER_TOK_PUNCT;
}

/* First token of a sentence: flagged by the splitter, first in the text,
 * after a line break, or after sentence-final punctuation or a quote. */
static int sentence_initial(const scan *sc, size_t i) {
  if (i == 0 || (sc->toks[i].flags & IDNER_SHAPE_SENT_START)) return 1;
  for (size_t b = sc->toks[i - 1].byte_end; b < sc->toks[i].byte_start; b++)
    if (sc->text[b] == '\n' || sc->text[b] == '\r') return 1;
  return TOK_IN(sc, i - 1, W_SENTENCE_ENDS);
}

/* A future cue ("akan") earlier in the same sentence, within 12 tokens. */
static int future_context(const scan *sc, size_t i) {
  for (size_t k = i, steps = 0; k > 0 && steps < 12 && !sentence_initial(sc, k); steps++) {
    k--;
    if (TOK_IN(sc, k, W_FUTURE_CUES)) return 1;
  }
  return 0;
}

/* Token i-1 joins token i to the previous hit of granularity g, which ends
 * at i-1 ("2019 dan 2020", "Maret hingga Mei"). */
static int coordinated(const scan *sc, size_t i, gran g) {
  return i >= 1 && sc->last_end == i - 1 && sc->last_gran == g &&
         TOK_IN(sc, i - 1, W_COORDINATORS);
}

/* A set word before token i, or before "hari"/"malam" before it
 * ("setiap Senin", "setiap hari Minggu"). */
static int after_set_word(const scan *sc, size_t i) {
  if (i > 0 && TOK_IN(sc, i - 1, W_SET_WORDS)) return 1;
  return i > 1 && (TOK_IN(sc, i - 1, W_DAY_NOUNS) || tok_has_role(sc, i - 1, KW_EVE)) &&
         TOK_IN(sc, i - 2, W_SET_WORDS);
}

static int cap(const match *m, group g, const char **s, size_t *n) {
  int k = m->sc->g->group[m->rule][g];
  if (k < 0 || m->ov[2 * k] == PCRE2_UNSET) return 0;
  *s = m->sc->text + m->ov[2 * k];
  *n = m->ov[2 * k + 1] - m->ov[2 * k];
  return 1;
}

/* Captured group g is set and non-empty. */
static int has(const match *m, group g) {
  const char *s;
  size_t n;
  return cap(m, g, &s, &n) && n > 0;
}

static int cap_uint(const match *m, group g) {
  const char *s;
  size_t n;
  return cap(m, g, &s, &n) ? parse_uint(s, n) : -1;
}

static const lex *cap_lex(const match *m, group g, table_id t) {
  const char *s;
  size_t n;
  return cap(m, g, &s, &n) ? lex_find(&m->sc->g->tab[t], s, n) : NULL;
}

#define CAP_LEX(m, g, table) cap_lex(m, g, table)

static const lex *cap_marker(const match *m, group g) { return CAP_LEX(m, g, T_MARKERS); }

static gran unit_gran(int u) {
  switch (u) {
    case U_DAY: return GR_DAY;
    case U_WEEK: return GR_WEEK;
    case U_MONTH: return GR_MONTH;
    case U_DECADE: return GR_DECADE;
    default: return GR_YEAR;
  }
}

/* Marker direction (-1/0/+1) to a dir for months and weekdays. */
static dir marker_dir(int v) { return v < 0 ? DIR_PAST : v > 0 ? DIR_FUTURE : DIR_THIS; }

static void set_abs(spec *s, gran g, int y, int mo, int d) {
  spec_init(s, SK_ABS, g);
  s->y = y, s->m = mo, s->d = d;
}

/* ======================================================================
 * Rule handlers: context checks + captures -> spec
 * ====================================================================== */

/* A year group: four digits, or two ("8/12/09": 2009; 50-99: 1950-1999). */
static int cap_year(const match *m, group g) {
  const char *t;
  size_t n;
  if (!cap(m, g, &t, &n)) return -1;
  int y = parse_uint(t, n);
  if (n == 2 && y >= 0) y += y < 50 ? 2000 : 1900;
  return y;
}

/* A day, month and optional year read from a match (year 0 = none). */
static verdict day_month_spec(const match *m, spec *s, int d, int mo, int y, int wd) {
  if (y) {
    if (!idner__valid_date(y, mo, d)) return VD_REJECT;
    set_abs(s, GR_DAY, y, mo, d);
    return VD_ACCEPT;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > idner__days_in_month(2000, mo)) return VD_REJECT;
  spec_init(s, SK_DAY_MONTH, GR_DAY);
  s->m = mo, s->d = d, s->wd = wd;
  s->dir = DIR_NONE;
  const char *t;
  size_t n;
  if (cap(m, G_TAIL, &t, &n)) { /* "5 Mei lalu": the last one; "17 Oktober mendatang": the next */
    size_t sp = 0;
    while (sp < n && (t[sp] == ' ' || t[sp] == '\t')) sp++;
    const lex *mk = lex_find(&m->sc->g->tab[T_MARKERS], t + sp, n - sp);
    if (sp < n) s->dir = mk && mk->val > 0 ? DIR_SOON : DIR_RECENT;
  }
  return VD_ACCEPT;
}

/* Selasa (19/9/2023), Senin (2/1) malam */
static verdict h_kompas(const match *m, spec *s) {
  const lex *wd = CAP_LEX(m, G_WD, T_WEEKDAYS);
  int y = cap_year(m, G_Y), d = cap_uint(m, G_D), d2 = cap_uint(m, G_D2), mo = cap_uint(m, G_MO);
  if (!wd || (has(m, G_WD2) != (d2 >= 0))) return VD_REJECT; /* "Sabtu-Minggu (16-17/9)" */
  verdict v = day_month_spec(m, s, d, mo, y > 0 ? y : 0, wd->val);
  if (v != VD_ACCEPT || d2 < 0) return v;
  if (d2 <= d || d2 > idner__days_in_month(y > 0 ? y : 2000, mo)) return VD_REJECT;
  if (s->kind == SK_ABS) s->end_y = y, s->end_m = mo;
  s->end_d = d2;
  return VD_ACCEPT;
}

/* 19/9/2023, 19-09-2023, 19.09.2023; without a year only after a weekday
 * and with a slash ("Kamis, 21/9"): "21/9" alone may be a fraction or a
 * score, "10.12" a clock time. */
static verdict h_numeric(const match *m, spec *s) {
  const lex *wd = CAP_LEX(m, G_WD, T_WEEKDAYS);
  const char *sep;
  size_t n;
  int y = cap_uint(m, G_Y);
  if (y < 0 && (!wd || !cap(m, G_SEP, &sep, &n) || sep[0] != '/')) return VD_REJECT;
  return day_month_spec(m, s, cap_uint(m, G_D), cap_uint(m, G_MO), y > 0 ? y : 0,
                        wd ? wd->val : 0);
}

/* 19 September 2023, 12-14 Juni 2024, Jum'at, 1 Desember 2023 */
static verdict h_day_month(const match *m, spec *s) {
  const lex *mo = CAP_LEX(m, G_M, T_MONTHS);
  const lex *wd = CAP_LEX(m, G_WD, T_WEEKDAYS);
  int y = cap_uint(m, G_Y), d = cap_uint(m, G_D), d2 = cap_uint(m, G_D2);
  if (!mo) return VD_REJECT;
  verdict v = day_month_spec(m, s, d, mo->val, y > 0 ? y : 0, wd ? wd->val : 0);
  if (v != VD_ACCEPT || d2 < 0) return v;
  int limit = y > 0 ? idner__days_in_month(y, mo->val) : idner__days_in_month(2000, mo->val);
  if (d2 <= d || d2 > limit) return VD_REJECT;
  if (s->kind == SK_ABS) s->end_y = y, s->end_m = mo->val;
  s->end_d = d2;
  return VD_ACCEPT;
}

/* A month without a year or marker: only a full, capitalized month name
 * after a date preposition, or any month after "bulan". */
static verdict bare_month(const match *m, const lex *mo, spec *s) {
  const scan *sc = m->sc;
  size_t i = m->tok_start;
  int after_bulan = i > 0 && tok_has_role(sc, i - 1, KW_MONTH);
  if (!after_bulan) {
    if (mo->flags & (LX_ABBR | LX_NAMELIKE) || !tok_capitalized(sc, i)) return VD_REJECT;
    if (!(i > 0 && TOK_IN(sc, i - 1, W_DATE_PREPS)) && !coordinated(sc, i, GR_MONTH))
      return VD_REJECT;
  }
  spec_init(s, SK_MONTH, GR_MONTH);
  s->m = mo->val;
  s->dir = future_context(sc, i) ? DIR_SOON : DIR_RECENT;
  return VD_ACCEPT;
}

/* Oktober 2023, Maret tahun lalu, Maret lalu, (pada) Juli */
static verdict h_month(const match *m, spec *s) {
  const lex *mo = CAP_LEX(m, G_M, T_MONTHS);
  const lex *mk;
  int y = cap_uint(m, G_Y);
  if (!mo) return VD_REJECT;
  if (y > 0) {
    set_abs(s, GR_MONTH, y, mo->val, 1);
    return VD_ACCEPT;
  }
  if ((mk = cap_marker(m, G_YMK)) || (mk = cap_marker(m, G_MK))) {
    spec_init(s, SK_MONTH, GR_MONTH);
    s->m = mo->val;
    s->dir = has(m, G_YMK) ? DIR_YEAROFF : marker_dir(mk->val);
    s->n = mk->val;
    return VD_ACCEPT;
  }
  return bare_month(m, mo, s);
}

/* The unit part of a modified expression: "awal tahun ini", "akhir pekan
 * lalu" (a weekend, not the end of a week), "awal tahun 2023". */
static verdict modified_unit(const match *m, spec *s, modkind mod) {
  const lex *u = CAP_LEX(m, G_U, T_UNITS);
  const lex *mk = cap_marker(m, G_UMK);
  int y = cap_uint(m, G_UY);
  if (!u) return VD_REJECT;
  if (u->val == U_WEEK) {
    if (!mk) return VD_REJECT; /* "pada akhir pekan": generic weekends */
    spec_init(s, SK_REL, mod == MOD_END ? GR_WEEKEND : GR_WEEK);
    s->n = mk->val;
    s->mod = mod == MOD_END ? MOD_NONE : mod;
    return VD_ACCEPT;
  }
  if (y > 0) {
    if (u->val != U_YEAR) return VD_REJECT;
    set_abs(s, GR_YEAR, y, 1, 1);
  } else {
    spec_init(s, SK_REL, unit_gran(u->val));
    s->n = mk ? mk->val : 0; /* "akhir tahun": this year */
  }
  s->mod = mod;
  return VD_ACCEPT;
}

/* The month part of a modified expression: "pertengahan Juli" (reference
 * year), "awal Maret lalu", "akhir Oktober 2023". */
static verdict modified_month(const match *m, spec *s, modkind mod) {
  const lex *mo = CAP_LEX(m, G_M, T_MONTHS);
  const lex *mk;
  int y = cap_uint(m, G_Y);
  if (!mo) return VD_REJECT;
  if (y > 0) {
    set_abs(s, GR_MONTH, y, mo->val, 1);
  } else {
    if (mo->flags & LX_ABBR && !has(m, G_YMK) && !has(m, G_MK)) return VD_REJECT;
    spec_init(s, SK_MONTH, GR_MONTH);
    s->m = mo->val;
    s->dir = DIR_THIS;
    if ((mk = cap_marker(m, G_YMK))) s->dir = DIR_YEAROFF, s->n = mk->val;
    else if ((mk = cap_marker(m, G_MK))) s->dir = marker_dir(mk->val);
  }
  s->mod = mod;
  return VD_ACCEPT;
}

/* awal/pertengahan/akhir + period */
static verdict h_modified(const match *m, spec *s) {
  const lex *mod = CAP_LEX(m, G_MOD, T_MODIFIERS);
  if (!mod) return VD_REJECT;
  if (after_set_word(m->sc, m->tok_start)) return VD_VETO; /* "setiap akhir tahun" */
  if (has(m, G_M)) return modified_month(m, s, (modkind)mod->val);
  if (has(m, G_U)) return modified_unit(m, s, (modkind)mod->val);
  if (has(m, G_DEC)) {
    set_abs(s, GR_DECADE, cap_uint(m, G_DEC), 1, 1);
  } else {
    int y = cap_uint(m, G_Y2);
    if (y < 1000 || y > 2999) return VD_REJECT;
    set_abs(s, GR_YEAR, y, 1, 1);
  }
  s->mod = (modkind)mod->val;
  return VD_ACCEPT;
}

static int plausible_year(int y) { return y >= 1900 && y <= 2099; }

/* A bare year with no preposition before it ("produksi 2006", "lahir
 * 1907"): a date unless it is part of a name ("Pemilu 2014", "Piala Dunia
 * 2026": a capitalized word or acronym before it, ENTITIES.md leaves such
 * years out), an amount ("2000 orang", "sebanyak 2000") or a longer number. */
static int bare_year_ok(const match *m) {
  const scan *sc = m->sc;
  size_t i = m->tok_start, e = m->tok_end;
  if (e < sc->ntok) {
    if (TOK_IN(sc, e, W_COUNT_NOUNS)) return 0;
    const char *t;
    size_t n;
    tok_text(sc, e, &t, &n);
    /* "2000,5", "2014.", "2014-an" are taken care of by the tokenizer; a
     * digit right after (no space) means a longer number */
    if (sc->toks[e].byte_start == sc->toks[e - 1].byte_end && n && is_digit((unsigned char)t[0]))
      return 0;
  }
  if (i == 0 || sentence_initial(sc, i)) return 1;
  if (TOK_IN(sc, i - 1, W_AMOUNT_WORDS) || tok_all_digits(sc, i - 1)) return 0;
  if (tok_capitalized(sc, i - 1)) return 0;
  const char *t;
  size_t n;
  tok_text(sc, i - 1, &t, &n);
  /* after punctuation ("(", ",", "/") only in a sentence ("; 2019") */
  if (tok_is_punct(sc, i - 1)) return n == 1 && (t[0] == ',' || t[0] == '(' || t[0] == ';');
  return 1;
}

/* tahun 2023, pada 2019, 1988 lalu, 2014-2019 */
static verdict h_year(const match *m, spec *s) {
  const scan *sc = m->sc;
  size_t i = m->tok_start;
  int y = cap_uint(m, G_Y), y2 = cap_uint(m, G_Y2), with_tahun = has(m, G_TH);
  /* "UU Nomor 11 Tahun 2020": a regulation number, not a date */
  if (with_tahun && i > 0 && (tok_all_digits(sc, i - 1) || TOK_IN(sc, i - 1, W_REGULATION_WORDS)))
    return VD_VETO;
  if (y2 >= 0) {
    if (!plausible_year(y) || !plausible_year(y2) || y2 <= y) return VD_REJECT;
  } else if (!with_tahun) {
    if (!plausible_year(y)) return VD_REJECT;
    int after_prep = i > 0 && TOK_IN(sc, i - 1, W_DATE_PREPS);
    int tense_tail = has(m, G_TAIL) && !(i > 0 && tok_capitalized(sc, i - 1));
    if (!after_prep && !tense_tail && !coordinated(sc, i, GR_YEAR) && !bare_year_ok(m))
      return VD_REJECT;
  } else if (y < 1000 || y > 2999) {
    return VD_REJECT;
  }
  set_abs(s, GR_YEAR, y, 1, 1);
  if (y2 >= 0) s->end_y = y2, s->end_m = 1, s->end_d = 1;
  return VD_ACCEPT;
}

/* 1990-an, tahun 90-an (two digits need "tahun" or "era") */
static verdict h_decade(const match *m, spec *s) {
  const lex *w = CAP_LEX(m, G_DECW, T_NUMBER_WORDS);
  if (w) { /* "tahun delapan puluhan": the 1980s */
    set_abs(s, GR_DECADE, 1900 + 10 * w->val, 1, 1);
    return VD_ACCEPT;
  }
  int with_tahun = has(m, G_TH), y = cap_uint(m, G_DEC);
  if (y >= 0) {
    if (y < (with_tahun ? 1000 : 1900) || y > (with_tahun ? 2990 : 2090)) return VD_REJECT;
  } else {
    size_t i = m->tok_start;
    if (!with_tahun && !(i > 0 && TOK_IN(m->sc, i - 1, W_DECADE_CUES))) return VD_REJECT;
    y = 1900 + cap_uint(m, G_DEC2);
  }
  set_abs(s, GR_DECADE, y, 1, 1);
  return VD_ACCEPT;
}

/* abad ke-21 -> "20", abad XXI, abad ini */
static verdict h_century(const match *m, spec *s) {
  const char *t;
  size_t n;
  const lex *mk = cap_marker(m, G_CMK);
  int c = cap_uint(m, G_C);
  if (c < 0 && cap(m, G_CROM, &t, &n)) c = parse_roman(t, n);
  if (c < 0 && mk) {
    spec_init(s, SK_REL, GR_CENTURY);
    s->n = mk->val;
    return VD_ACCEPT;
  }
  if (c < 1 || c > 30) return VD_REJECT;
  set_abs(s, GR_CENTURY, (c - 1) * 100, 1, 1);
  return VD_ACCEPT;
}

/* 3 hari lalu, dua pekan lalu, sepekan lalu, beberapa hari lalu */
static verdict h_counted(const match *m, spec *s) {
  const lex *mk = cap_marker(m, G_MK);
  const lex *u = has(m, G_SE) ? CAP_LEX(m, G_SE, T_SE_UNITS) : CAP_LEX(m, G_U, T_UNITS);
  const char *t;
  size_t n;
  int count = 1;
  if (!mk || !u || mk->val == 0) return VD_REJECT;
  if (cap(m, G_N, &t, &n)) {
    const lex *kw = lex_find(&m->sc->g->tab[T_KEYWORDS], t, n);
    if (kw && (kw->flags & KW_SOME)) {
      spec_init(s, SK_VAGUE, GR_DAY);
      s->vague = mk->val < 0 ? V_PAST : V_FUTURE;
      return VD_ACCEPT;
    }
    count = is_digit((unsigned char)t[0]) ? parse_uint(t, n) : parse_number_words(m->sc->g, t, n);
    if (count <= 0) return VD_REJECT;
  }
  spec_init(s, SK_REL, unit_gran(u->val));
  s->n = mk->val * count;
  return VD_ACCEPT;
}

/* pekan lalu, bulan ini, tahun depan; capital "Minggu" mid-sentence is
 * Sunday, not the week. */
static verdict h_relative(const match *m, spec *s) {
  const scan *sc = m->sc;
  size_t i = m->tok_start;
  const lex *u = CAP_LEX(m, G_U, T_UNITS);
  const lex *mk = cap_marker(m, G_MK);
  if (!u || !mk) return VD_REJECT;
  if (after_set_word(sc, i)) return VD_VETO;
  if ((u->flags & LX_CONTEXT) && tok_capitalized(sc, i) && !sentence_initial(sc, i) &&
      !(sc->toks[i].flags & IDNER_SHAPE_ALLCAPS))
    return VD_REJECT;
  spec_init(s, SK_REL, unit_gran(u->val));
  s->n = mk->val;
  return VD_ACCEPT;
}

/* "Minggu" is Sunday (not "week") only with support: "hari Minggu",
 * "malam Minggu", "pada Minggu", "Minggu pagi", or a capitalized
 * "Minggu lalu" inside a sentence. */
static int sunday_supported(const match *m) {
  const scan *sc = m->sc;
  size_t i = m->tok_start + (has(m, G_EVE) ? 1 : 0);
  if (i > 0 && TOK_IN(sc, i - 1, W_DAY_NOUNS)) return 1;
  if (!tok_capitalized(sc, i)) return 0;
  if (sc->last_weekday && coordinated(sc, i, GR_DAY)) return 1; /* "Sabtu dan Minggu" */
  if (has(m, G_EVE) || has(m, G_TAIL) || (i > 0 && TOK_IN(sc, i - 1, W_SUNDAY_PREPS))) return 1;
  /* the news dateline: "..., kata dia, Minggu." ("Minggu" alone between a
   * comma and the end of the clause) */
  size_t e = m->tok_end;
  if (i > 0 && e == i + 1 && e < sc->ntok && !sentence_initial(sc, i)) {
    const char *a, *b;
    size_t an, bn;
    tok_text(sc, i - 1, &a, &an);
    tok_text(sc, e, &b, &bn);
    if (an == 1 && a[0] == ',' && bn == 1 && (b[0] == '.' || b[0] == ',')) return 1;
  }
  return (has(m, G_MK) || has(m, G_WK)) && !sentence_initial(sc, i);
}

/* Senin, Jumat lalu, Rabu pekan lalu, malam Minggu, Selasa petang */
static verdict h_weekday(const match *m, spec *s) {
  const scan *sc = m->sc;
  size_t i = m->tok_start + (has(m, G_EVE) ? 1 : 0);
  const lex *wd = CAP_LEX(m, G_WD, T_WEEKDAYS);
  const lex *mk;
  if (!wd) return VD_REJECT;
  if (after_set_word(sc, m->tok_start)) return VD_VETO; /* "setiap Senin" */
  if (wd->val == 5 && i > 0 && TOK_IN(sc, i - 1, W_PRAYER_WORDS)) return VD_REJECT;
  if ((wd->flags & LX_CONTEXT) && !sunday_supported(m)) return VD_REJECT;
  spec_init(s, SK_WEEKDAY, GR_DAY);
  s->wd = wd->val;
  s->eve = has(m, G_EVE);
  if ((mk = cap_marker(m, G_WKMK))) s->dir = DIR_WEEKOFF, s->n = mk->val;
  else if ((mk = cap_marker(m, G_MK))) s->dir = marker_dir(mk->val);
  else s->dir = future_context(sc, m->tok_start) ? DIR_SOON : DIR_RECENT;
  const lex *pas = CAP_LEX(m, G_PAS, T_PASARAN);
  if (pas) {
    /* "malam Jumat Kliwon" alone is a kind of night, not a date */
    if (!has(m, G_MK) && !has(m, G_WKMK)) return VD_VETO;
    s->pas = pas->val + 1;
    if (s->dir == DIR_WEEKOFF) return VD_REJECT;
  }
  return VD_ACCEPT;
}

/* hari ini, kemarin, besok pagi, semalam */
static verdict h_deictic(const match *m, spec *s) {
  const lex *dx = CAP_LEX(m, G_DX, T_DEICTIC_DAYS);
  if (!dx) return VD_REJECT;
  spec_init(s, SK_REL, GR_DAY);
  s->n = dx->val;
  return VD_ACCEPT;
}

/* "dulu"/"dahulu" is "formerly" after "sejak", "seperti" ... or at the
 * start of a sentence, but "first" in "terlebih dahulu" or after a verb at
 * the end of a clause ("tunggu dulu."). */
static int formerly_context(const match *m) {
  const scan *sc = m->sc;
  size_t i = m->tok_start;
  if (i > 0 && TOK_IN(sc, i - 1, W_FIRST_SENSE)) return 0;
  if (sentence_initial(sc, i) || tok_is_punct(sc, i - 1)) return 1;
  if (TOK_IN(sc, i - 1, W_PAST_ANCHORS)) return 1;
  return m->tok_end < sc->ntok && !tok_is_punct(sc, m->tok_end);
}

/* saat ini, kini, sekarang, baru-baru ini, dulu, masa depan */
static verdict h_vague(const match *m, spec *s) {
  const lex *vx = CAP_LEX(m, G_VX, T_VAGUE_WORDS);
  if (!vx) return VD_REJECT;
  if ((vx->flags & LX_CONTEXT) && !formerly_context(m)) return VD_REJECT;
  spec_init(s, SK_VAGUE, GR_DAY);
  s->vague = (vague)vx->val;
  return VD_ACCEPT;
}

/* Reads a clock hour next to a part of day: "jam 7 malam" = 19:00,
 * "jam 12 malam" = 00:00, "jam 1 siang" = 13:00. */
static int hour_with_pod(int hh, const lex *pod) {
  if (!pod) return hh;
  switch ((podkind)pod->val) {
    case POD_MIDDAY: return hh >= 1 && hh <= 5 ? hh + 12 : hh;
    case POD_AFTERNOON: return hh >= 1 && hh < 12 ? hh + 12 : hh;
    case POD_NIGHT: return hh == 12 ? 0 : (hh >= 6 && hh < 12 ? hh + 12 : hh);
    default: return hh;
  }
}

/* pukul 10.00 WIB, pkl. 14:00 WITA, jam 7 malam, 10.00 WIB */
static verdict h_clock(const match *m, spec *s) {
  const lex *pod = CAP_LEX(m, G_POD, T_PARTS_OF_DAY);
  const lex *tz = CAP_LEX(m, G_TZ, T_TIME_ZONES);
  int hh = cap_uint(m, G_HH), mi = has(m, G_MI) ? cap_uint(m, G_MI) : 0;
  int hh2 = cap_uint(m, G_HH2), mi2 = cap_uint(m, G_MI2);
  /* "jam" is also the unit "hour": "24 jam 7 hari" needs more than a number */
  const lex *cw = CAP_LEX(m, G_CW, T_KEYWORDS);
  if (cw && (cw->flags & KW_HOUR) && !has(m, G_MI) && !pod && !tz) return VD_REJECT;
  /* 24 only as 24.00, the end of the day (ISO 8601): "24.30" is no time */
  if (hh < 0 || hh > 24 || mi > 59 || (hh == 24 && mi > 0) ||
      (hh2 >= 0 && (hh2 > 24 || mi2 > 59 || (hh2 == 24 && mi2 > 0))))
    return VD_REJECT;
  spec_init(s, SK_CLOCK, GR_DAY);
  s->type = IDNER_TYPE_TIME;
  s->hh = hour_with_pod(hh, pod), s->mi = mi;
  if (hh2 >= 0) s->hh2 = hour_with_pod(hh2, pod), s->mi2 = mi2;
  if (tz) s->has_tz = 1, s->tz = tz->val;
  return VD_ACCEPT;
}

/* kuartal III/2023, semester pertama 2024, Q3 2023, kuartal lalu */
static verdict h_period(const match *m, spec *s) {
  const lex *pw = CAP_LEX(m, G_PW, T_PERIODS), *mk;
  const char *t;
  size_t n;
  if (!pw && !has(m, G_PN2)) { /* "kuartal lalu", "semester depan" */
    pw = CAP_LEX(m, G_PW2, T_PERIODS);
    if (!pw || !(mk = cap_marker(m, G_MK))) return VD_REJECT;
    spec_init(s, SK_REL, pw->val == 3 ? GR_QUARTER : GR_HALF);
    s->n = mk->val;
    return VD_ACCEPT;
  }
  int months = pw ? pw->val : 3, count = 12 / months;
  int k = cap_uint(m, G_PN);
  if (k < 0) k = cap_uint(m, G_PN2);
  if (k < 0 && cap(m, G_ROM, &t, &n)) k = parse_roman(t, n);
  const lex *ord = CAP_LEX(m, G_ORD, T_ORDINALS);
  if (k < 0 && ord) k = ord->val;
  if (k < 0 && has(m, G_PT)) k = count;
  if (k < 1 || k > count) return VD_REJECT;
  int y = cap_uint(m, G_Y);
  if (y < 0) y = cap_uint(m, G_Y2);
  gran g = months == 3 ? GR_QUARTER : GR_HALF;
  int first = (k - 1) * months + 1;
  if (y >= 0) {
    if (y < 1000 || y > 2999) return VD_REJECT;
    set_abs(s, g, y, first, 1);
    return VD_ACCEPT;
  }
  spec_init(s, SK_MONTH, g);
  s->m = first;
  if ((mk = cap_marker(m, G_YMK))) {
    s->dir = DIR_YEAROFF;
    s->n = mk->val;
    return VD_ACCEPT;
  }
  /* no year: "semester II", "kuartal ketiga" are this year's; a bare
   * "semester 1" is as often a school term, and "paruh pertama" a game's */
  if (pw && (pw->val == 6) && (has(m, G_PN) || (cap(m, G_PW, &t, &n) && n == 5))) return VD_REJECT;
  s->dir = DIR_THIS;
  return VD_ACCEPT;
}

/* 30 November hingga 3 Desember 2014 */
static verdict h_day_range(const match *m, spec *s) {
  const lex *m1 = CAP_LEX(m, G_M, T_MONTHS), *m2 = CAP_LEX(m, G_MO, T_MONTHS);
  int d1 = cap_uint(m, G_D), d2 = cap_uint(m, G_D2), y1 = cap_uint(m, G_Y), y2 = cap_uint(m, G_Y2);
  if (!m1 || !m2 || (y1 < 0 && y2 < 0)) return VD_REJECT;
  if (y2 < 0) y2 = y1;
  if (y1 < 0) y1 = m1->val > m2->val ? y2 - 1 : y2;
  if (!idner__valid_date(y1, m1->val, d1) || !idner__valid_date(y2, m2->val, d2)) return VD_REJECT;
  if (idner__days_from_civil(y2, m2->val, d2) <= idner__days_from_civil(y1, m1->val, d1)) return VD_REJECT;
  set_abs(s, GR_DAY, y1, m1->val, d1);
  s->end_y = y2, s->end_m = m2->val, s->end_d = d2;
  return VD_ACCEPT;
}

/* September - Desember 2013 */
static verdict h_month_range(const match *m, spec *s) {
  const lex *m1 = CAP_LEX(m, G_M, T_MONTHS), *m2 = CAP_LEX(m, G_MO, T_MONTHS);
  int y = cap_uint(m, G_Y), y1 = cap_uint(m, G_Y2);
  if (!m1 || !m2 || (m1->flags & LX_ABBR) || y < 1000 || y > 2999) return VD_REJECT;
  if (y1 < 0) y1 = m1->val < m2->val ? y : y - 1;
  if (y1 * 12 + m1->val >= y * 12 + m2->val || y1 < y - 50) return VD_REJECT;
  set_abs(s, GR_MONTH, y1, m1->val, 1);
  s->end_y = y, s->end_m = m2->val, s->end_d = 1;
  return VD_ACCEPT;
}

/* "(22/3)" after a place or a weekday and a comma: Kompas' dateline date.
 * Only before the end of a clause, so that "(1/2)" inside a sentence stays
 * a fraction. */
static verdict h_paren(const match *m, spec *s) {
  const scan *sc = m->sc;
  size_t i = m->tok_start, e = m->tok_end;
  if (i > 0 && (tok_all_digits(sc, i - 1) || !(tok_capitalized(sc, i - 1) || TOK_IN(sc, i - 1, W_CLAUSE_MARKS))))
    return VD_REJECT;
  if (e < sc->ntok && !TOK_IN(sc, e, W_CLAUSE_MARKS) && !TOK_IN(sc, e, W_SENTENCE_ENDS)) {
    const char *t;
    size_t n;
    tok_text(sc, e, &t, &n);
    if (!lex_find(&sc->g->tab[T_PARTS_OF_DAY], t, n) && !TOK_IN(sc, e, W_DATE_PREPS_AFTER))
      return VD_REJECT;
  }
  int y = cap_year(m, G_Y);
  return day_month_spec(m, s, cap_uint(m, G_D), cap_uint(m, G_MO), y > 0 ? y : 0, 0);
}

/* 500 SM, tahun 580 - 480 sebelum Masehi */
static verdict h_bc(const match *m, spec *s) {
  int y = cap_uint(m, G_Y), y2 = cap_uint(m, G_Y2);
  if (y < 1 || (y2 >= 0 && (y2 < 1 || y2 >= y))) return VD_REJECT;
  set_abs(s, GR_YEAR, y, 1, 1);
  s->bc = 1;
  if (y2 > 0) s->end_y = y2;
  return VD_ACCEPT;
}

/* dua hari kemudian, sebulan kemudian, tiga hari sebelumnya */
static verdict h_narrative(const match *m, spec *s) {
  const lex *nk = CAP_LEX(m, G_NK, T_NARRATIVE);
  const lex *u = has(m, G_SE) ? CAP_LEX(m, G_SE, T_SE_UNITS) : CAP_LEX(m, G_U, T_UNITS);
  const char *t;
  size_t n;
  int count = 1;
  if (!nk || !u) return VD_REJECT;
  if (cap(m, G_N, &t, &n)) {
    count = is_digit((unsigned char)t[0]) ? parse_uint(t, n) : parse_number_words(m->sc->g, t, n);
    if (count <= 0) return VD_REJECT;
  }
  spec_init(s, SK_NARR, unit_gran(u->val));
  s->n = nk->val * count;
  return VD_ACCEPT;
}

/* keesokan harinya */
static verdict h_narrday(const match *m, spec *s) {
  const lex *nd = CAP_LEX(m, G_ND, T_NARRATIVE_DAYS);
  if (!nd) return VD_REJECT;
  spec_init(s, SK_NARR, GR_DAY);
  s->n = nd->val;
  return VD_ACCEPT;
}

/* A Gregorian day as the spec, the evening before it with "malam". */
static verdict day_spec(const match *m, spec *s, int y, int mo, int d) {
  if (!idner__valid_date(y, mo, d)) return VD_REJECT;
  ymd t = civil_from_days(idner__days_from_civil(y, mo, d) - (has(m, G_EVE) ? 1 : 0));
  set_abs(s, GR_DAY, t.y, t.m, t.d);
  return VD_ACCEPT;
}

static long ref_day(const scan *sc) { return idner__days_from_civil(sc->ref.y, sc->ref.m, sc->ref.d); }

/* Idul Fitri 2024, Lebaran tahun ini, Natal lalu, HUT RI ke-78, malam Natal,
 * Idul Fitri 1445 H. Without a year: the reference year's; with "lalu" the
 * last one before the reference day, with "mendatang" the next one. */
static verdict h_holiday(const match *m, spec *s) {
  const scan *sc = m->sc;
  const idner__calendar *cal = sc->g->cal;
  const char *t;
  size_t n;
  const lex *mk;
  int id = -1, gy, gm, gd;
  if (has(m, G_HUT)) id = idner__cal_holiday_by_key(cal, "hari-kemerdekaan");
  else if (cap(m, G_HOL, &t, &n)) id = idner__cal_holiday_find(cal, t, n);
  if (id < 0) return VD_REJECT;
  int hn = has(m, G_HN) ? cap_uint(m, G_HN) : cap_uint(m, G_HN2);
  int y = cap_uint(m, G_Y), hy = cap_uint(m, G_HY);
  if (hy >= 0) {
    if (idner__cal_holiday_date_hijri(cal, id, hy, &gy, &gm, &gd) != IDNER_OK) return VD_REJECT;
    return day_spec(m, s, gy, gm, gd);
  }
  if (hn >= 0) {
    if (idner__cal_holiday_epoch(cal, id, &gy) != IDNER_OK) return VD_REJECT;
    gy += hn;
  } else if (y >= 0) {
    if (y < 1000 || y > 2999) return VD_REJECT;
    gy = y;
  } else if (!sc->has_ref) {
    spec_init(s, SK_NONE, GR_DAY);
    return VD_ACCEPT;
  } else if ((mk = cap_marker(m, G_YMK))) {
    gy = sc->ref.y + mk->val;
  } else {
    gy = sc->ref.y;
    mk = cap_marker(m, G_MK);
    int way = mk ? mk->val : 0;
    /* "menjelang Lebaran", "akan ... saat Natal": the next one */
    size_t i = m->tok_start;
    if (!mk && (future_context(sc, i) || (i > 0 && TOK_IN(sc, i - 1, W_FUTURE_PREPS)))) way = 2;
    if (way && idner__cal_holiday_date(cal, id, gy, &gm, &gd) == IDNER_OK) {
      long z = idner__days_from_civil(gy, gm, gd);
      if (way < 0 && z >= ref_day(sc)) gy--;
      if (way == 1 && z <= ref_day(sc)) gy++;
      if (way == 2 && z < ref_day(sc)) gy++;
    }
  }
  if (idner__cal_holiday_date(cal, id, gy, &gm, &gd) != IDNER_OK) {
    spec_init(s, SK_NONE, GR_DAY); /* a year the table does not cover */
    return VD_ACCEPT;
  }
  return day_spec(m, s, gy, gm, gd);
}

/* Ramadan 1445 H, 1 Syawal 1444 H, Ramadan tahun ini, malam 1 Suro. A Hijri
 * month takes the smallest Gregorian unit that contains it (ENTITIES.md). */
static verdict h_hijri(const match *m, spec *s) {
  const scan *sc = m->sc;
  const idner__calendar *cal = sc->g->cal;
  const char *t;
  size_t n;
  const lex *mk;
  size_t i = m->tok_start + (has(m, G_EVE) ? 1 : 0);
  int month = 0, d = cap_uint(m, G_D), hy = cap_uint(m, G_HY), y = cap_uint(m, G_Y);
  int after_bulan = i > 0 && tok_has_role(sc, i - 1, KW_MONTH);
  if (cap(m, G_HM, &t, &n)) {
    month = idner__cal_hmonth_find(cal, t, n);
  } else if (cap(m, G_JM, &t, &n)) { /* "sela", "besar", "pasa" are words too */
    if (d < 0 && !after_bulan) return VD_REJECT;
    month = idner__cal_hmonth_find(cal, t, n);
  }
  if (month <= 0 || d == 0 || d > 30) return VD_REJECT;
  if (hy < 0 && y >= 0) {
    if (y >= 1300 && y <= 1600) hy = y;
    else if (idner__cal_hijri_year_for(cal, month, y, &hy) != IDNER_OK) return VD_REJECT;
  }
  if (hy < 0) {
    int bare = !has(m, G_YMK) && !has(m, G_MK);
    /* a bare "Ramadan" needs a day, "bulan" or a date preposition */
    if (bare && d < 0 && !after_bulan && !(i > 0 && TOK_IN(sc, i - 1, W_DATE_PREPS)))
      return VD_REJECT;
    if (!sc->has_ref) {
      spec_init(s, SK_NONE, GR_DAY);
      return VD_ACCEPT;
    }
    int ry = sc->ref.y;
    if ((mk = cap_marker(m, G_YMK))) ry += mk->val;
    if (idner__cal_hijri_year_for(cal, month, ry, &hy) != IDNER_OK) return VD_REJECT;
    if ((mk = cap_marker(m, G_MK)) && mk->val) {
      int gy, gm, gd;
      if (idner__cal_hijri_to_greg(cal, hy, month, d > 0 ? d : 1, &gy, &gm, &gd) != IDNER_OK)
        return VD_REJECT;
      long z = idner__days_from_civil(gy, gm, gd);
      if (mk->val < 0 && z > ref_day(sc)) hy--;
      if (mk->val > 0 && z <= ref_day(sc)) hy++;
    }
  }
  int gy, gm, gd, ey, em, ed, len;
  if (d > 0) {
    if (idner__cal_hijri_to_greg(cal, hy, month, d, &gy, &gm, &gd) != IDNER_OK) return VD_REJECT;
    return day_spec(m, s, gy, gm, gd);
  }
  if (idner__cal_hijri_to_greg(cal, hy, month, 1, &gy, &gm, &gd) != IDNER_OK ||
      idner__cal_hijri_month_end(cal, hy, month, &ey, &em, &ed, &len) != IDNER_OK) {
    spec_init(s, SK_NONE, GR_DAY);
    return VD_ACCEPT;
  }
  set_abs(s, (gy == ey && gm == em) ? GR_MONTH : GR_YEAR, gy, gm, 1);
  return VD_ACCEPT;
}

/* awal/pertengahan/akhir + quarter, half or century */
static verdict h_modperiod(const match *m, spec *s) {
  const lex *mod = CAP_LEX(m, G_MOD, T_MODIFIERS);
  if (!mod) return VD_REJECT;
  int century = has(m, G_C) || has(m, G_CROM) || has(m, G_CMK);
  verdict v = century ? h_century(m, s) : h_period(m, s);
  if (v == VD_ACCEPT) s->mod = (modkind)mod->val;
  return v;
}

typedef verdict (*handler)(const match *m, spec *s);

static const handler k_handlers[R_COUNT] = {
    [R_KOMPAS] = h_kompas,     [R_NUMERIC] = h_numeric,   [R_DAY_MONTH] = h_day_month,
    [R_MONTH] = h_month,       [R_MODIFIED] = h_modified, [R_YEAR] = h_year,
    [R_DECADE] = h_decade,     [R_CENTURY] = h_century,   [R_COUNTED] = h_counted,
    [R_RELATIVE] = h_relative, [R_WEEKDAY] = h_weekday,   [R_DEICTIC] = h_deictic,
    [R_VAGUE] = h_vague,       [R_CLOCK] = h_clock,       [R_CLOCK_TZ] = h_clock,
    [R_PERIOD] = h_period,     [R_DAY_RANGE] = h_day_range, [R_MONTH_RANGE] = h_month_range,
    [R_PAREN] = h_paren,       [R_BC] = h_bc,             [R_NARRATIVE] = h_narrative,
    [R_NARRDAY] = h_narrday,   [R_HOLIDAY] = h_holiday,   [R_HIJRI] = h_hijri,
    [R_MODPERIOD] = h_modperiod,
};

/* ======================================================================
 * The scan: trigger tokens -> longest accepted candidate -> hit
 * ====================================================================== */

static int trigger_cmp(const void *a, const void *b) {
  const trigger *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->s, y->s, n);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The slot of the trigger s[0..n), whose idner__hash is h, or NULL. */
static const trig_slot *find_slot(const idner__dategrammar *g, const char *s, size_t n,
                                  uint64_t h) {
  if (!g->tslots) return NULL;
  size_t mask = g->trig_nslots - 1;
  for (size_t k = (size_t)h & mask;; k = (k + 1) & mask) {
    const trig_slot *t = &g->tslots[k];
    if (!t->idx) return NULL;
    if (t->h == h && t->len == n &&
        memcmp(n <= sizeof t->key ? t->key : g->triggers[t->idx - 1].s, s, n) == 0)
      return t;
  }
}

static unsigned triple_bit(unsigned a, unsigned b, unsigned c) {
  return (((a & 31u) << 7) ^ ((b & 31u) << 2) ^ (c & 31u)) & 4095u;
}

static void trigger_filter_init(const idner__dategrammar *g, trigger_filter *f) {
  memset(f, 0, sizeof *f);
  for (size_t k = 0; k < g->ntriggers; k++) {
    const unsigned char *w = (const unsigned char *)g->triggers[k].s;
    if (g->triggers[k].len == 0) memset(f->singles, 0xFF, sizeof f->singles);
    if (g->triggers[k].len == 1) f->singles[w[0] >> 5] |= 1u << (w[0] & 31u);
    if (g->triggers[k].len >= 2) f->pairs[w[0] & 31u] |= 1u << (w[1] & 31u);
    if (g->triggers[k].len >= 3) {
      unsigned b = triple_bit(w[0], w[1], w[2]);
      f->triples[b >> 5] |= 1u << (b & 31u);
    }
  }
}

/* The grammar's derived trigger tables (see idner__dategrammar). */
static int32_t index_table(lex_table *t);
static int32_t index_words(word_list *w);

static int32_t trigger_tables(idner__dategrammar *g) {
  for (int k = 0; k < W_COUNT; k++) {
    int32_t rc = index_words(&g->words[k]);
    if (rc) return rc;
  }
  memset(g->rank, -1, sizeof g->rank);
  for (size_t k = 0; k < g->nrules; k++) g->rank[g->order[k]] = (int8_t)k;
  memset(g->rank_bits, 0, sizeof g->rank_bits);
  for (int b = 0; b < 4; b++)
    for (unsigned v = 0; v < 256; v++)
      for (int k = 0; k < 8; k++) {
        int r = b * 8 + k;
        if ((v >> k & 1u) && r < R_COUNT && g->rank[r] >= 0) g->rank_bits[b][v] |= 1u << g->rank[r];
      }
  for (int t = 0; t < T_COUNT; t++) {
    int32_t rc = index_table(&g->tab[t]);
    if (rc) return rc;
  }
  const word_list *w = &g->words[W_APPROX];
  free(g->approx_words);
  if (!(g->approx_words = calloc(w->n ? w->n : 1, sizeof *g->approx_words))) return IDNER_ERR_NOMEM;
  for (size_t k = 0; k < w->n; k++) {
    size_t words = 1;
    for (const char *p = w->v[k]; *p; p++) words += *p == ' ';
    g->approx_words[k] = (uint32_t)words;
  }
  trigger_filter_init(g, &g->tfilter);
  /* A form of one byte c is the fold of the one-byte token c, unless c is
   * ASCII from '/' up (that token is plain: a code point lower-cased to
   * ASCII, K or İ) or '\'' (also a typographic apostrophe): those tokens
   * stop, and trigger_rules answers them. For c = token: trigger_rules'
   * tests for n == 1. */
  for (unsigned c = 0; c < 256; c++) {
    unsigned l = (unsigned)ascii_lower((int)c);
    g->mark.stop[c] = (uint8_t)(is_digit((int)c) || c == '(' || c == '\'' ||
                           (c >= '/' && c < 0x80) ||
                           ((g->tfilter.singles[l >> 5] >> (l & 31u)) & 1u));
    g->mark.stop[256 + c] = (uint8_t)(is_digit((int)c) || c == 'q');
  }
  memset(g->mark.bloom, 0, sizeof g->mark.bloom);
  for (size_t k = 0; k < g->ntriggers; k++) {
    uint64_t h = idner__hash(g->triggers[k].s, g->triggers[k].len);
    g->mark.bloom[TRIG_BLOOM_WORD(h)] |= 1ull << TRIG_BLOOM_BIT(h);
  }
  /* the one-byte ASCII token c: its form is c lower-cased, plain from '/' */
  for (unsigned c = 0; c < 0x80; c++) {
    unsigned l = (unsigned)ascii_lower((int)c);
    uint64_t h = idner__hash1(l);
    unsigned bit = (unsigned)(g->mark.bloom[TRIG_BLOOM_WORD(h)] >> TRIG_BLOOM_BIT(h) & 1u);
    g->mark.stop[512 + c] = (uint8_t)(l >= 0x2Fu ? g->mark.stop[256 + l] | bit : g->mark.stop[l]);
  }
  free(g->tslots);
  g->tslots = NULL;
  if (!g->trig_nslots || g->ntriggers >= UINT32_MAX) return IDNER_OK; /* (find_slot: none) */
  if (!(g->tslots = calloc(g->trig_nslots, sizeof *g->tslots))) return IDNER_ERR_NOMEM;
  for (size_t k = 0; k < g->ntriggers; k++) { /* in trig_slots' order: same probes */
    const trigger *t = &g->triggers[k];
    uint64_t h = idner__hash(t->s, t->len);
    size_t i = (size_t)h & (g->trig_nslots - 1);
    while (g->tslots[i].idx) i = (i + 1) & (g->trig_nslots - 1);
    trig_slot *sl = &g->tslots[i];
    sl->h = h, sl->rules = t->rules, sl->idx = (uint32_t)k + 1;
    sl->len = (uint8_t)(t->len < 255 ? t->len : 255);
    if (t->len <= sizeof sl->key) memcpy(sl->key, t->s, t->len);
  }
  return IDNER_OK;
}

/* Is s[i] a byte that continues a word and is kept in the key (not a stop,
 * white space, nor a '.' or '-' that may end or split the key)? */
static int key_byte(unsigned char c) {
  return c < 0xC2 && c != ',' && c != '(' && c != '.' && c != '-' && c != ' ' && c != '\t';
}

/* 0 if no trigger can be looked up from the word at s[0..n) (n >= 1). */
static int trigger_may(const trigger_filter *f, const unsigned char *s, size_t n) {
  if (n == 1) { /* a one-byte token ("," "."): the key is that byte, or empty */
    unsigned c = (unsigned)ascii_lower(s[0]);
    return (f->singles[c >> 5] >> (c & 31u)) & 1u;
  }
  if (!key_byte(s[1])) return 1;
  unsigned a = (unsigned)ascii_lower(s[0]), b = (unsigned)ascii_lower(s[1]);
  if (n >= 3 && key_byte(s[2])) {
    unsigned t = triple_bit(a, b, (unsigned)ascii_lower(s[2]));
    return (f->triples[t >> 5] >> (t & 31u)) & 1u;
  }
  return (f->pairs[a & 31u] >> (b & 31u)) & 1u;
}

/* Cheap filter: the rules that can start at this token (0 = none). Digits
 * start the numeric rules; a word starts the rules of its lower-case form
 * (minus a trailing '.') in the trigger table. A caller's pre-tokenized
 * token may hold several words ("Senin (18/9)"): its first word counts.
 * One pass over the word lower-cases it and notes its first hyphen. */
static uint32_t trigger_rules(const idner__dategrammar *g, const trigger_filter *f,
                              const char *text, const idner_token *t) {
  const unsigned char *s = (const unsigned char *)text + t->byte_start;
  size_t n = t->byte_end - t->byte_start, w, hy = SIZE_MAX;
  char buf[MAX_TRIGGER_LEN];
  if (n == 0) return 0;
  if (is_digit(s[0])) return g->special[TS_DIGIT];
  if (s[0] == '(') return g->special[TS_PAREN];
  if ((s[0] == 'Q' || s[0] == 'q') && n >= 2 && s[1] >= '1' && s[1] <= '4')
    return g->special[TS_QUARTER];
  /* Every key looked up (the word, less a final '.', or its part before a
   * hyphen) starts with the word's leading key bytes. */
  if (!trigger_may(f, s, n)) return 0;
  for (w = 0; w < n; w++) {
    unsigned char c = s[w];
    if (c == ',' || c == '(') break;
    /* horizontal white space starts with one of these bytes (hspace_len) */
    if ((c == ' ' || c == '\t' || c >= 0xC2) && hspace_len(s + w, n - w)) break;
    if (w == MAX_TRIGGER_LEN + 1) return 0; /* too long even without a final '.' */
    c = (unsigned char)ascii_lower(c);
    if (w < MAX_TRIGGER_LEN) buf[w] = (char)c;
    if (c == '-' && hy == SIZE_MAX) hy = w;
  }
  if (w > 1 && s[w - 1] == '.') w--;
  if (w > sizeof buf) return 0;
  const trig_slot *hit = find_slot(g, buf, w, idner__hash(buf, w));
  /* "Juni-Agustus": the word before the hyphen */
  if (!hit && hy != SIZE_MAX && hy != 0 && hy < w) hit = find_slot(g, buf, hy, idner__hash(buf, hy));
  return hit ? hit->rules : 0;
}

/* ---- digit-led attempts --------------------------------------------------
 * "@digit" starts eleven rules at every number, and most numbers of news
 * text ("10 persen", "Rp 5 miliar", "3,5") start none of them: each PCRE2
 * attempt costs a call and a walk through the pattern's leading
 * alternations. These tests are necessary conditions, read off the rules'
 * templates in dates-grammar.tsv, on the digit run at the token start and
 * the bytes after it: a rule is tried only where it could match. (A
 * weekday, year word or eve word may precede the digits in some templates;
 * those are letters, so they never match at a digit.) Calendar names that
 * start with digits come from the calendar table, whatever it holds. */

/* Bit per byte that can start a match of the form (see may_start_with):
 * its first byte, its upper case, U+212A for k and U+017F for s; every
 * byte for a form that starts outside ASCII (or is empty). Tested on the
 * lower-cased text byte. */
static void first_byte_add(uint8_t set[32], const char *form) {
  unsigned char c = (unsigned char)form[0];
  if (c >= 0x80 || c == ' ' || c == '\0') {
    memset(set, 0xFF, 32);
    return;
  }
  set[c >> 3] |= (uint8_t)(1u << (c & 7));
  if (c == 'k') set[0xE2 >> 3] |= (uint8_t)(1u << (0xE2 & 7));
  if (c == 's') set[0xC5 >> 3] |= (uint8_t)(1u << (0xC5 & 7));
}

static int first_byte_may(const uint8_t set[32], const unsigned char *q, size_t n) {
  unsigned c = n ? (unsigned)ascii_lower(q[0]) : 0u;
  return n && (set[c >> 3] >> (c & 7) & 1u);
}

/* At load, with the calendar lexicon: the calendar names that start with
 * a digit, and the bytes that can start a month, a counted unit, a Hijri
 * month name, or what follows a weekday name in its rule. */
static void digit_tables(idner__dategrammar *g) {
  const lex_table *t = &g->cal_tab, *tab = g->tab;
  g->ndigit_names = 0;
  memset(g->first, 0, sizeof g->first);
  memset(g->digit_name_flags, 0, sizeof g->digit_name_flags);
  memset(g->digit_name_last, 0, sizeof g->digit_name_last);
  for (size_t k = 0; k < tab[T_MONTHS].n; k++)
    first_byte_add(g->first[FB_MONTH], tab[T_MONTHS].v[k].form);
  for (size_t k = 0; k < tab[T_UNITS].n; k++)
    if (tab[T_UNITS].v[k].flags & UN_COUNTED)
      first_byte_add(g->first[FB_UNIT], tab[T_UNITS].v[k].form);
  /* what can follow a weekday name in its rule: a market day, a unit, a
   * marker, a part of day, a keyword (the clock word) */
  static const table_id wd_tail[] = {T_PASARAN, T_UNITS, T_MARKERS, T_PARTS_OF_DAY, T_KEYWORDS};
  for (size_t j = 0; j < sizeof wd_tail / sizeof wd_tail[0]; j++)
    for (size_t k = 0; k < tab[wd_tail[j]].n; k++)
      first_byte_add(g->first[FB_WDTAIL], tab[wd_tail[j]].v[k].form);
  for (size_t k = 0; k < t->n; k++) {
    if (t->v[k].flags & (LX_HMONTH | LX_JMONTH))
      first_byte_add(g->first[FB_HMONTH], t->v[k].form);
    if (!is_digit((unsigned char)t->v[k].form[0]) || g->ndigit_names > MAX_DIGIT_NAMES) continue;
    if (g->ndigit_names == MAX_DIGIT_NAMES) g->ndigit_names++; /* too many: no filter */
    else g->digit_names[g->ndigit_names++] = &t->v[k];
    size_t run = 0;
    while (run < 5 && is_digit((unsigned char)t->v[k].form[run])) run++;
    if (run < 5) g->digit_name_flags[run][t->v[k].form[0] - '0'] |= t->v[k].flags;
    if (run < 5) g->digit_name_last[run][t->v[k].form[run - 1] - '0'] |= t->v[k].flags;
  }
}

/* Where a digit-led attempt starts: the digit run (capped at 5), the bytes
 * after it, and the bytes after the white space that follows them. */
typedef struct digit_start {
  const unsigned char *s, *p, *q;
  size_t run, pl, ql;
  int space, dash;
  int month; /* a month name may start at q: -1 not yet known */
  int wd;    /* the digits follow a weekday name ({WDPRE}) */
  int bare;  /* the digits start the attempt (no word before them) */
} digit_start;

static void digit_start_at(const scan *sc, size_t pos, digit_start *x) {
  x->s = (const unsigned char *)sc->text + pos;
  size_t left = sc->len - pos;
  x->run = 0;
  while (x->run < left && x->run < 5 && is_digit(x->s[x->run])) x->run++;
  x->p = x->s + x->run, x->pl = left - x->run;
  x->space = hspace_len(x->p, x->pl) != 0;
  x->dash = (x->pl >= 1 && x->p[0] == '-') ||
            (x->pl >= 3 && x->p[0] == 0xE2 && x->p[1] == 0x80 && x->p[2] == 0x93);
  x->q = x->p, x->ql = x->pl;
  x->month = -1;
  x->wd = x->bare = 0;
  for (size_t w = hspace_len(x->q, x->ql); w; w = hspace_len(x->q, x->ql)) x->q += w, x->ql -= w;
}

static int may_start_with(const char *form, const unsigned char *t, size_t n);

/* Can a character outside ASCII of a lexicon form not match at t[0..n),
 * caselessly? Sure when the text has ended or holds an ASCII byte that is
 * no letter with a caseless partner outside ASCII (k: U+212A, s: U+017F;
 * i too, to be safe). */
static int non_ascii_cannot_match(const unsigned char *t, size_t n) {
  if (n == 0) return 1;
  unsigned c = (unsigned)ascii_lower(t[0]);
  return c < 0x80 && c != 'k' && c != 's' && c != 'i';
}

/* Could a calendar name of kind `flags` start at x->s? Its digits must be
 * the run (the whole run: run < 5), and the rest must be able to start at
 * x->p (a space of a form matches horizontal white space). */
static int digit_name_starts(const scan *sc, unsigned flags, const digit_start *x) {
  if (sc->g->ndigit_names > MAX_DIGIT_NAMES || x->run >= 5) return 1;
  for (int k = 0; k < sc->g->ndigit_names; k++) {
    const lex *e = sc->g->digit_names[k];
    if (!(e->flags & flags) || e->form[0] != (char)x->s[0] ||
        strncmp(e->form, (const char *)x->s, x->run) != 0)
      continue;
    const char *rest = e->form + x->run;
    if (is_digit((unsigned char)rest[0])) continue;
    if (rest[0] == ' ' ? x->space && may_start_with(rest + 1, x->q, x->ql)
                       : may_start_with(rest, x->p, x->pl))
      return 1;
  }
  return 0;
}

/* digit_name_starts, its tables first, in line: a name's leading digits
 * must be the run, so its first and last digits must be the run's */
static inline int digit_name_may(const scan *sc, unsigned flags, const digit_start *x) {
  if (sc->g->ndigit_names <= MAX_DIGIT_NAMES && x->run < 5 &&
      (!(sc->g->digit_name_flags[x->run][x->s[0] - '0'] & flags) ||
       (x->run && !(sc->g->digit_name_last[x->run][x->s[x->run - 1] - '0'] & flags))))
    return 0;
  return digit_name_starts(sc, flags, x);
}

/* Could the lexicon form (lower case, a space for any run of horizontal
 * white space) match at the start of t[0..n), caselessly as PCRE2 with UCP
 * does? Beyond ASCII case, k also matches U+212A and s U+017F; a form
 * byte outside ASCII is not checked (assumed to match). */
static int may_start_with(const char *form, const unsigned char *t, size_t n) {
  size_t i = 0;
  for (const char *f = form; *f; f++) {
    unsigned char c = (unsigned char)*f;
    if ((unsigned)(c - 'a') < 26u && i < n && (t[i] | 0x20) == c) { /* the common case */
      i++;
      continue;
    }
    if (c >= 0x80) return !non_ascii_cannot_match(t + i, n - i);
    if (c == ' ') {
      size_t w = hspace_len(t + i, n - i);
      if (!w) return 0;
      while (w) i += w, w = hspace_len(t + i, n - i);
      continue;
    }
    if (c == 'k' && n - i >= 3 && t[i] == 0xE2 && t[i + 1] == 0x84 && t[i + 2] == 0xAA) {
      i += 3;
      continue;
    }
    if (c == 's' && n - i >= 2 && t[i] == 0xC5 && t[i + 1] == 0xBF) {
      i += 2;
      continue;
    }
    if (i >= n || ascii_lower(t[i]) != c) return 0;
    i++;
  }
  return 1;
}

/* Could a form of table t with all the flags `need` start at q? */
static int table_may_start(const lex_table *t, unsigned need, const unsigned char *q, size_t n) {
  if (n == 0) return 0; /* (may_start_with's answer for every form but an empty one) */
  unsigned c = (unsigned)ascii_lower(q[0]);
  if (t->by_first && c < 0x80) { /* the forms whose first byte can match q[0] */
    int b = c >= 'a' && c <= 'z' ? (int)(c - 'a') : 26;
    /* q[0] is ASCII, so a form's ASCII first byte (not a space) takes it
     * alone, and its ASCII second byte (not a space) must then be q[1]'s
     * lower case when that is ASCII too */
    unsigned c1 = n >= 2 && q[1] < 0x80 ? (unsigned)ascii_lower(q[1]) : 0u;
    /* no form of the bucket has a second byte that can match q[1] */
    if (b != 26 && c1 - 'a' < 26u && !(t->pair[b] >> (c1 - 'a') & 1u)) b = 26;
    for (int pass = 0; pass < 2; pass++, b = 26) {
      for (uint32_t k = t->first_start[b]; k < t->first_start[b + 1]; k++) {
        const lex *e = &t->v[t->by_first[k]];
        unsigned f0 = (unsigned char)e->form[0], f1 = f0 ? (unsigned char)e->form[1] : 0u;
        if (c1 && f1 != c1 && f1 && f1 != ' ' && f1 < 0x80 && f0 != ' ' && f0 < 0x80) continue;
        if ((e->flags & need) == need && may_start_with(e->form, q, n)) return 1;
      }
      if (b == 26) break;
    }
    return 0;
  }
  for (size_t k = 0; k < t->n; k++) {
    unsigned f = (unsigned char)t->v[k].form[0];
    /* a form whose first byte cannot match q[0] (as may_start_with tells)
     * is passed over without the call */
    if (f != c && f != '\0' && f != ' ' && f < 0x80 && c < 0x80) continue;
    if ((t->v[k].flags & need) == need && may_start_with(t->v[k].form, q, n)) return 1;
  }
  return 0;
}

enum { NEXT_MK_UNIT, NEXT_HOLIDAY, NEXT_MK_COUNTED, NEXT_NARR, NEXT_PERIOD, NEXT_MODIFIED };

static int form_then(scan *sc, const lex_table *t, unsigned need, int next,
                     const unsigned char *q, size_t n);
#define COUNT_RULES (RULE_BIT(R_COUNTED) | RULE_BIT(R_NARRATIVE))
static uint32_t count_then(scan *sc, const lex_table *t, unsigned need, uint32_t want,
                           const unsigned char *q, size_t n);
static size_t form_prefix(const char *form, const unsigned char *t, size_t n);

/* Bytes of horizontal white space at the start of t[0..n). */
static size_t hspace_run(const unsigned char *t, size_t n) {
  size_t i = 0, w;
  while ((w = hspace_len(t + i, n - i)) != 0) i += w;
  return i;
}

/* Could {CONN} (\h*+[-\x{2013}]\h*+ or, between white space, "hingga",
 * "sampai", "s.d.", "s/d", "sd") start right at t? A byte outside ASCII
 * after the white space may be the en dash or a caseless 's': yes. */
static int conn_at(const unsigned char *t, size_t n) {
  size_t i = n && (t[0] == ' ' || t[0] >= 0x80) ? hspace_run(t, n) : 0;
  if (i >= n) return 0;
  unsigned c = (unsigned)ascii_lower(t[i]);
  if (c == '-' || c >= 0x80) return 1;
  if (i == 0 || (c != 'h' && c != 's')) return 0; /* the words need white space before */
  const unsigned char *q = t + i;
  size_t m = n - i;
  return may_start_with("hingga", q, m) || may_start_with("sampai", q, m) ||
         may_start_with("s.", q, m) || may_start_with("s/d", q, m) || may_start_with("sd", q, m);
}

/* What follows a {CONN} in the rules that join two numbers: 1 to `maxd`
 * digits, white space, then a month name (CT_MONTH) or bc's marker (CT_BC). */
enum { CT_MONTH, CT_BC };

static int digits_then(const idner__dategrammar *g, const unsigned char *t, size_t n,
                       size_t maxd, int what) {
  size_t d = 0;
  while (d < n && d <= maxd && is_digit(t[d])) d++;
  if (d == 0 || d > maxd) return 0;
  size_t i = d + hspace_run(t + d, n - d);
  if (i == d || i >= n) return 0;
  const unsigned char *q = t + i;
  size_t m = n - i;
  if (what == CT_MONTH)
    return first_byte_may(g->first[FB_MONTH], q, m) && table_may_start(&g->tab[T_MONTHS], 0, q, m);
  return q[0] >= 0x80 || may_start_with("sm", q, m) || may_start_with("sebelum", q, m);
}

/* Could {CONN}, then what digits_then asks, start right at t? The
 * connective's words are compared byte by byte; a byte outside ASCII where
 * one could be (other than an en dash) is taken as yes. */
static int conn_then(const idner__dategrammar *g, const unsigned char *t, size_t n, size_t maxd,
                     int what) {
  size_t i = n && (t[0] == ' ' || t[0] >= 0x80) ? hspace_run(t, n) : 0, j;
  if (i >= n) return 0;
  if (t[i] == '-' || (n - i >= 3 && t[i] == 0xE2 && t[i + 1] == 0x80 && t[i + 2] == 0x93)) {
    j = i + (t[i] == '-' ? 1 : 3);
    j += hspace_run(t + j, n - j);
    return digits_then(g, t + j, n - j, maxd, what);
  }
  if (t[i] >= 0x80) return 1;
  if (i == 0 || ((t[i] | 0x20) != 'h' && (t[i] | 0x20) != 's'))
    return 0; /* the words need white space before, and start so */
  /* the words: where each can end (before its closing white space) */
  size_t ends[4], ne = 0;
  const unsigned char *q = t + i;
  size_t m = n - i;
  for (size_t k = 0; k < m && k < 8; k++)
    if (q[k] >= 0x80) return 1; /* a caseless 's' outside ASCII, or such */
  if (may_start_with("hingga", q, m)) ends[ne++] = i + 6;
  if (may_start_with("sampai", q, m)) {
    ends[ne++] = i + 6;
    size_t w = hspace_run(t + i + 6, n - i - 6);
    if (w) {
      const unsigned char *r = t + i + 6 + w;
      size_t rl = n - i - 6 - w;
      for (size_t k = 0; k < rl && k < 6; k++)
        if (r[k] >= 0x80) return 1;
      if (may_start_with("dengan", r, rl)) ends[ne++] = i + 6 + w + 6;
    }
  }
  if (may_start_with("s.", q, m)) {
    j = i + 2 + hspace_run(t + i + 2, n - i - 2);
    if (j < n && t[j] >= 0x80) return 1;
    if (j < n && (t[j] | 0x20) == 'd') {
      ends[ne++] = j + 1;
      if (j + 1 < n && t[j + 1] == '.') ends[ne++] = j + 2;
    }
  }
  if (may_start_with("s/d", q, m)) ends[ne++] = i + 3;
  if (may_start_with("sd", q, m)) ends[ne++] = i + 2;
  for (size_t k = 0; k < ne; k++) {
    size_t e = ends[k], w = hspace_run(t + e, n - e);
    if (w && digits_then(g, t + e + w, n - e - w, maxd, what)) return 1;
  }
  return 0;
}

/* Could \h++ [0-9]{4} {CONN} start at t? */
static int year_then_conn(const unsigned char *t, size_t n) {
  size_t i = hspace_run(t, n);
  if (i == 0 || n - i < 4) return 0;
  for (size_t k = i; k < i + 4; k++)
    if (!is_digit(t[k])) return 0;
  return conn_at(t + i + 4, n - i - 4);
}

/* The forms of a table whose first byte may match a text byte c (lower
 * case), by its first-byte index (lex_table.by_first): those of c's letter,
 * then those that start outside 'a'..'z'; every form if the table is not
 * indexed or c is outside ASCII. */
typedef struct form_iter {
  const lex *v;
  const uint32_t *by; /* NULL: k indexes v itself */
  uint32_t k, end, rest, rest_end;
  const uint8_t *tag; /* a word's list (form_iter_at): wl_tag; NULL if not */
  uint32_t pass;      /* the word's word_pass */
  size_t wlen;        /* the word's length */
  int exact;          /* the form form_next gave is the word itself (tag 28) */
} form_iter;

static void form_iter_init(form_iter *it, const lex_table *t, unsigned c) {
  it->v = t->v, it->by = NULL, it->tag = NULL, it->exact = 0, it->wlen = 0, it->pass = 0;
  it->rest = it->rest_end = 0;
  if (t->by_first && c < 0x80) {
    it->by = t->by_first;
    int b = c >= 'a' && c <= 'z' ? (int)(c - 'a') : 26;
    it->k = t->first_start[b], it->end = t->first_start[b + 1];
    if (b != 26) it->rest = t->first_start[26], it->rest_end = t->first_start[27];
  } else {
    it->k = 0, it->end = (uint32_t)t->n;
  }
}

/* form_iter_init for the forms that may match at q[0..n) (n >= 1): the
 * bucket of q[0]'s letter is passed over when no form of it can take
 * q[1] (see lex_table.pair). */
static void form_iter_init_q(form_iter *it, const lex_table *t, const unsigned char *q, size_t n) {
  unsigned c = (unsigned)ascii_lower(q[0]);
  form_iter_init(it, t, c);
  if (it->by && c - 'a' < 26u && n >= 2) {
    unsigned c1 = (unsigned)ascii_lower(q[1]);
    if (c1 - 'a' < 26u && !(t->pair[c - 'a'] >> (c1 - 'a') & 1u)) it->k = it->end;
  }
}

static const lex *form_next(form_iter *it) {
  for (;;) {
    if (it->k == it->end) {
      if (it->rest == it->rest_end) return NULL;
      it->k = it->rest, it->end = it->rest_end, it->rest = it->rest_end;
    }
    uint32_t k = it->k++;
    if (it->tag) {
      if (!(it->pass >> it->tag[k] & 1u)) continue; /* its next word cannot follow */
      it->exact = it->tag[k] == 28;
    }
    return &it->v[it->by ? it->by[k] : k];
  }
}

/* form_iter_init for the forms of table t that may match at q: at the
 * current word (sc->wq) only those of its trigger's list. */
static inline void form_iter_at(form_iter *it, const scan *sc, const lex_table *t,
                                const unsigned char *q) {
  if (q == sc->wq) {
    int slot = t == &sc->g->hm_tab ? WL_HM : (int)(t - sc->g->tab);
    it->v = t->v, it->by = sc->g->wl_idx, it->tag = sc->g->wl_tag, it->pass = sc->wpass;
    it->wlen = sc->wlen, it->exact = 0;
    it->k = sc->wl[slot], it->end = sc->wl[slot + 1];
    it->rest = it->rest_end = 0;
    return;
  }
  form_iter_init_q(it, t, q, sc->len - (size_t)((const char *)q - sc->text));
}

/* form_prefix of the form form_next just gave: the word's length for the
 * word itself (its letters are the text's, in either case). */
static size_t iter_prefix(const form_iter *it, const lex *e, const unsigned char *q, size_t n) {
  return it->exact ? it->wlen : form_prefix(e->form, q, n);
}

/* table_may_start, by the word's list at the current word. */
static int table_may_start_at(const scan *sc, const lex_table *t, unsigned need,
                              const unsigned char *q, size_t n) {
  if (q != sc->wq) return table_may_start(t, need, q, n);
  form_iter it;
  form_iter_at(&it, sc, t, q);
  for (const lex *e; (e = form_next(&it)) != NULL;)
    if ((e->flags & need) == need && (it.exact || may_start_with(e->form, q, n))) return 1;
  return 0;
}

/* Could a month name, then {ABBRDOT}, an optional white space and year,
 * then {CONN} start at q (what day_range and month_range need after their
 * first month)? Generous on the optional parts: a '.' after any name. */
static int month_then_conn(const scan *sc, const unsigned char *q, size_t n) {
  if (n == 0) return 0;
  form_iter it;
  form_iter_at(&it, sc, &sc->g->tab[T_MONTHS], q);
  for (const lex *e; (e = form_next(&it)) != NULL;) {
    size_t len = iter_prefix(&it, e, q, n);
    if (len == SIZE_MAX) return 1;
    if (!len) continue;
    const unsigned char *r = q + len;
    size_t left = n - len, i = hspace_run(r, left);
    if (conn_at(r, left) || year_then_conn(r, left)) return 1;
    if (i < left && r[i] == '.' &&
        (conn_at(r + i + 1, left - i - 1) || year_then_conn(r + i + 1, left - i - 1)))
      return 1;
  }
  return 0;
}

/* Could clock_tz's rest (\h*+ [0-9]{2}, then {CONN}... or \h++ {TZ}) start
 * at t, right after the hour's '.' or ':'? */
static int clock_tz_rest(const idner__dategrammar *g, const unsigned char *t, size_t n) {
  size_t i = hspace_run(t, n);
  if (n - i < 2 || !is_digit(t[i]) || !is_digit(t[i + 1])) return 0;
  t += i + 2, n -= i + 2;
  if (conn_at(t, n)) return 1;
  i = hspace_run(t, n);
  return i > 0 && table_may_start(&g->tab[T_TIME_ZONES], 0, t + i, n - i);
}

/* Does t[0..n) start with sep mo{1,2} sep y{4} (the same sep twice)? */
static int numeric_year(const unsigned char *t, size_t n) {
  for (size_t k = 1; k <= 2; k++) {
    if (n < k + 6 || !is_digit(t[k]) || t[k + 1] != t[0]) continue;
    if (k == 2 && !is_digit(t[1])) continue;
    if (is_digit(t[k + 2]) && is_digit(t[k + 3]) && is_digit(t[k + 4]) && is_digit(t[k + 5]))
      return 1;
  }
  return 0;
}

/* Could a month name start at x->q? (Asked by two rules: kept.) */
static int month_may_start(const scan *sc, digit_start *x) {
  if (x->month < 0)
    x->month = first_byte_may(sc->g->first[FB_MONTH], x->q, x->ql) &&
               table_may_start(&sc->g->tab[T_MONTHS], 0, x->q, x->ql);
  return x->month;
}

/* The rules digit_rules tests; a digit starts no other rule but paren's
 * shape (which starts at a '(') and those with nothing to test. */
#define DIGIT_TESTED                                                                         \
  (RULE_BIT(R_NUMERIC) | RULE_BIT(R_DAY_MONTH) | RULE_BIT(R_DAY_RANGE) | RULE_BIT(R_YEAR) |    \
   RULE_BIT(R_DECADE) | RULE_BIT(R_COUNTED) | RULE_BIT(R_NARRATIVE) | RULE_BIT(R_CLOCK_TZ) | \
   RULE_BIT(R_BC) | RULE_BIT(R_HIJRI) | RULE_BIT(R_HOLIDAY))

/* Of the rules `want` (a subset of DIGIT_TESTED), those that can match at
 * x, where a run of digits starts: one pass, cheap shape tests first. */
static uint32_t digit_rules(scan *sc, uint32_t want, digit_start *x) {
  const idner__dategrammar *g = sc->g;
  const lex_table *tab = g->tab;
  size_t run = x->run;
  uint32_t m = 0;
  /* could a {CONN} follow the digits (conn_then's first tests)? */
  unsigned q0 = x->ql ? (unsigned)(x->q[0] | 0x20) : 0u;
  /* (x->ql first: spaces may end the text, and q[0] is then past its end) */
  int conn = x->dash ||
             (x->space && x->ql && (x->q[0] == '-' || q0 >= 0x80 || q0 == 'h' || q0 == 's'));
  if (run <= 2) {
    /* numeric: d{1,2} [-/.] mo{1,2} (\k<sep> y{4})?; without a weekday
     * before it, h_numeric takes only a match with the year */
    if ((want & RULE_BIT(R_NUMERIC)) && x->pl >= 2 &&
        (x->p[0] == '-' || x->p[0] == '/' || x->p[0] == '.') && is_digit(x->p[1]) &&
        (x->wd || numeric_year(x->p, x->pl)))
      m |= RULE_BIT(R_NUMERIC);
    /* day_month: d{1,2} ({CONN} d2)? \h++ month */
    if ((want & RULE_BIT(R_DAY_MONTH)) &&
        ((x->space && month_may_start(sc, x)) || (conn && conn_then(g, x->p, x->pl, 2, CT_MONTH))))
      m |= RULE_BIT(R_DAY_MONTH);
    /* day_range: d{1,2} \h++ month {ABBRDOT} (\h++ y)? {CONN} ... */
    if ((want & RULE_BIT(R_DAY_RANGE)) && x->space && month_may_start(sc, x) &&
        month_then_conn(sc, x->q, x->ql))
      m |= RULE_BIT(R_DAY_RANGE);
    /* clock_tz: hh{1,2} \h*+ [.:] \h*+ mi{2} ({CONN} ...)? \h++ {TZ} */
    if ((want & RULE_BIT(R_CLOCK_TZ)) && x->ql >= 1 && (x->q[0] == '.' || x->q[0] == ':') &&
        clock_tz_rest(g, x->q + 1, x->ql - 1))
      m |= RULE_BIT(R_CLOCK_TZ);
    /* hijri: (d{1,2} \h++)? Hijri month name (or a name that starts with digits, below) */
    if ((want & RULE_BIT(R_HIJRI)) && x->space &&
        first_byte_may(g->first[FB_HMONTH], x->q, x->ql) &&
        table_may_start(&g->hm_tab, 0, x->q, x->ql))
      m |= RULE_BIT(R_HIJRI);
  }
  /* year: [0-9]{4}; with no year word before them, h_year takes only
   * 1900..2099 */
  if (run >= 4 && (!x->bare || (x->s[0] == '1' && x->s[1] == '9') ||
                   (x->s[0] == '2' && x->s[1] == '0')))
    m |= want & RULE_BIT(R_YEAR);
  /* decade: ([0-9]{3}0 | [0-9]0) -?an */
  if ((want & RULE_BIT(R_DECADE)) && (run == 2 || run == 4) && x->s[run - 1] == '0' &&
      x->pl >= 1 && (x->p[0] == '-' || x->p[0] == 'a' || x->p[0] == 'A'))
    m |= RULE_BIT(R_DECADE);
  /* counted, narrative: n{1,3} \h++ unit \h++ (marker | narrative word) */
  if ((want & (RULE_BIT(R_COUNTED) | RULE_BIT(R_NARRATIVE))) && run <= 3 && x->space &&
      first_byte_may(g->first[FB_UNIT], x->q, x->ql)) {
    m |= count_then(sc, &tab[T_UNITS], UN_COUNTED, want & COUNT_RULES, x->q, x->ql);
  }
  /* bc: y{1,4} ({CONN} y2)? \h++ (sm | sebelum masehi) */
  if ((want & RULE_BIT(R_BC)) && run <= 4 &&
      ((x->space && x->ql &&
        (x->q[0] >= 0x80 || ((x->q[0] | 0x20) == 's' && (may_start_with("sm", x->q, x->ql) ||
                                                         may_start_with("sebelum", x->q, x->ql))))) ||
       (conn && conn_then(g, x->p, x->pl, 4, CT_BC))))
    m |= RULE_BIT(R_BC);
  /* calendar names that start with digits */
  if ((want & RULE_BIT(R_HIJRI)) && !(m & RULE_BIT(R_HIJRI)) &&
      digit_name_may(sc, LX_HMONTH | LX_JMONTH, x))
    m |= RULE_BIT(R_HIJRI);
  if ((want & RULE_BIT(R_HOLIDAY)) && digit_name_may(sc, LX_HOLIDAY, x))
    m |= RULE_BIT(R_HOLIDAY);
  return m;
}

/* Can rule r match at x, where a run of digits starts? */
static int digit_rule_possible(scan *sc, rule_id r, digit_start *x) {
  return !(RULE_BIT(r) & DIGIT_TESTED) || digit_rules(sc, RULE_BIT(r), x) != 0;
}

/* ---- word-led attempts ----------------------------------------------------
 * The same for rules tried at a word that starts with an ASCII letter, for
 * the rules whose failed attempts cost most in news text ("tahun" starts
 * five rules; the holiday rule is a long alternation of names). Read off
 * their templates in dates-grammar.tsv:
 *   year, bc    {YEARW} \h++ [0-9] ...         (the optional year word, then digits)
 *   decade      {YEARW} \h++ ([0-9] | ['\x{2019}] | {DIGITW})
 *   relative    {UNIT_REL} \h++ {MK_UNIT}
 *   holiday     ({EVEW} \h++)? ({HOLIDAY} | hut)
 *   paren       \( \h*+ [0-9]{1,2} \h*+ /     (not word-led: at a '(')
 * A rule is tried only where its start could match; the lexicon forms are
 * compared as may_start_with does. */

/* Bytes a match of the form takes at the start of t[0..n) (a space of the
 * form takes a run of horizontal white space), 0 if it cannot match there,
 * SIZE_MAX if that cannot be told (a byte outside ASCII). */
static size_t form_prefix(const char *form, const unsigned char *t, size_t n) {
  size_t i = 0;
  for (const char *f = form; *f; f++) {
    unsigned char c = (unsigned char)*f;
    if ((unsigned)(c - 'a') < 26u && i < n && (t[i] | 0x20) == c) { /* the common case */
      i++;
      continue;
    }
    if (c >= 0x80 && non_ascii_cannot_match(t + i, n - i)) return 0;
    if (c >= 0x80 || (i < n && t[i] >= 0x80)) return SIZE_MAX;
    if (c == ' ') {
      size_t w = hspace_len(t + i, n - i);
      if (!w) return 0;
      while (w) i += w, w = hspace_len(t + i, n - i);
      continue;
    }
    if (i >= n || ascii_lower(t[i]) != c) return 0;
    i++;
  }
  return i ? i : SIZE_MAX;
}

/* Where the white space after t[0..len) ends, or NULL if none follows. */
static const unsigned char *after_space(const unsigned char *t, size_t len, size_t n,
                                        size_t *left) {
  size_t w = hspace_len(t + len, n - len);
  if (!w) return NULL;
  while (w) len += w, w = hspace_len(t + len, n - len);
  *left = n - len;
  return t + len;
}

static int holiday_may_start(const scan *sc, const unsigned char *q, size_t n);

/* Could what follows a form and its white space (at q) start as `next`
 * says? */
static int next_may(scan *sc, int next, const unsigned char *q, size_t n) {
  const idner__dategrammar *g = sc->g;
  if (n == 0) return 0;
  switch (next) {
    case NEXT_MK_UNIT: return table_may_start(&g->tab[T_MARKERS], MK_UNIT, q, n);
    case NEXT_MK_COUNTED: return table_may_start(&g->tab[T_MARKERS], MK_COUNTED, q, n);
    case NEXT_NARR: return table_may_start(&g->tab[T_NARRATIVE], 0, q, n);
    case NEXT_MODIFIED: /* modified's: ({MONTHW} \h++)? {MONTH}, {UNIT_REL} or digits */
      return is_digit(q[0]) || table_may_start(&g->tab[T_MONTHS], 0, q, n) ||
             table_may_start(&g->tab[T_KEYWORDS], KW_MONTH, q, n) ||
             table_may_start(&g->tab[T_UNITS], UN_RELATIVE, q, n);
    case NEXT_PERIOD: /* {PERIODX} ({PERIOD} or q[1-4]) or {CENTURYX} */
      return (q[0] | 0x20) == 'q' || table_may_start(&g->tab[T_PERIODS], 0, q, n) ||
             table_may_start(&g->tab[T_KEYWORDS], KW_CENTURY, q, n);
    default: return holiday_may_start(sc, q, n);
  }
}

/* Could a form of table t with the flags `need`, white space, and then
 * `next` start at q? */
static int form_then(scan *sc, const lex_table *t, unsigned need, int next,
                     const unsigned char *q, size_t n) {
  form_iter it;
  form_iter_at(&it, sc, t, q);
  for (const lex *e; (e = form_next(&it)) != NULL;) {
    if ((e->flags & need) != need) continue;
    size_t len = iter_prefix(&it, e, q, n), left;
    if (len == SIZE_MAX) return 1;
    const unsigned char *r = len ? after_space(q, len, n, &left) : NULL;
    if (r && next_may(sc, next, r, left)) return 1;
  }
  return 0;
}

/* form_then for counted's (NEXT_MK_COUNTED) and narrative's (NEXT_NARR)
 * next words at once: of the rules in `want`, those whose walk says yes. */
static uint32_t count_then(scan *sc, const lex_table *t, unsigned need, uint32_t want,
                           const unsigned char *q, size_t n) {
  uint32_t m = 0;
  if (!want) return 0;
  form_iter it;
  form_iter_at(&it, sc, t, q);
  for (const lex *e; (e = form_next(&it)) != NULL;) {
    if ((e->flags & need) != need) continue;
    size_t len = iter_prefix(&it, e, q, n), left;
    if (len == SIZE_MAX) return want;
    const unsigned char *r = len ? after_space(q, len, n, &left) : NULL;
    if (!r) continue;
    if ((want & ~m & RULE_BIT(R_COUNTED)) && next_may(sc, NEXT_MK_COUNTED, r, left))
      m |= RULE_BIT(R_COUNTED);
    if ((want & ~m & RULE_BIT(R_NARRATIVE)) && next_may(sc, NEXT_NARR, r, left))
      m |= RULE_BIT(R_NARRATIVE);
    if (m == want) break;
  }
  return m;
}

/* Of counted and narrative, those that can start at the word at q: a number
 * word (either rule) or a vague count (counted), white space, a counted
 * unit, white space, and a counted marker (counted) or a narrative word
 * (narrative); or a "se-" unit then the same. A "belas"/"puluh" after the
 * number word, a compound number, is taken as yes. One walk for both. */
static uint32_t count_rules(scan *sc, const unsigned char *q, size_t n) {
  const idner__dategrammar *g = sc->g;
  const lex_table *units = &g->tab[T_UNITS];
  uint32_t m = 0;
  for (int pass = 0; pass < 2; pass++) {
    const lex_table *t = &g->tab[pass ? T_KEYWORDS : T_NUMBER_WORDS];
    unsigned need = pass ? KW_SOME : 0;
    uint32_t can = (pass ? RULE_BIT(R_COUNTED) : COUNT_RULES) & ~m;
    form_iter it;
    form_iter_at(&it, sc, t, q);
    for (const lex *e; can && (e = form_next(&it)) != NULL;) {
      if ((e->flags & need) != need) continue;
      size_t len = iter_prefix(&it, e, q, n), left;
      if (len == SIZE_MAX) return COUNT_RULES;
      const unsigned char *r = len ? after_space(q, len, n, &left) : NULL;
      if (!r || !left) continue;
      if (table_may_start(&g->tab[T_KEYWORDS], KW_TEENS, r, left) ||
          table_may_start(&g->tab[T_KEYWORDS], KW_TENS, r, left)) {
        m |= can, can = 0;
        break;
      }
      form_iter ut;
      form_iter_init_q(&ut, units, r, left);
      for (const lex *u; can && (u = form_next(&ut)) != NULL;) {
        if (!(u->flags & UN_COUNTED)) continue;
        size_t ul = form_prefix(u->form, r, left), l2;
        if (ul == SIZE_MAX) return COUNT_RULES;
        const unsigned char *r2 = ul ? after_space(r, ul, left, &l2) : NULL;
        if (!r2 || !l2) continue;
        if ((can & RULE_BIT(R_COUNTED)) &&
            table_may_start(&g->tab[T_MARKERS], MK_COUNTED, r2, l2))
          m |= RULE_BIT(R_COUNTED), can &= ~RULE_BIT(R_COUNTED);
        if ((can & RULE_BIT(R_NARRATIVE)) && table_may_start(&g->tab[T_NARRATIVE], 0, r2, l2))
          m |= RULE_BIT(R_NARRATIVE), can &= ~RULE_BIT(R_NARRATIVE);
      }
    }
  }
  m |= count_then(sc, &g->tab[T_SE_UNITS], 0, COUNT_RULES & ~m, q, n);
  return m;
}

/* Could a holiday name or "hut" start at q? A name is compared only if
 * its first byte is q's and, if it has a second word, that word's first
 * byte is the one after q's first white space (the name's first word is
 * ASCII letters, which a match takes up to that white space); a byte
 * outside ASCII there, or a name that starts outside 'a'..'z', is always
 * compared. */
static int holiday_may_start(const scan *sc, const unsigned char *q, size_t n) {
  const idner__dategrammar *g = sc->g;
  if (n == 0) return 0;
  if (q[0] >= 0x80 || may_start_with("hut", q, n)) return 1;
  if (q == sc->wq) { /* the word's list (its tags tell the second word's first byte) */
    for (uint32_t k = sc->wl[WL_HOL]; k < sc->wl[WL_HOL + 1]; k++) {
      if (!(sc->wpass >> g->wl_tag[k] & 1u)) continue;
      if (g->wl_tag[k] == 28 || may_start_with(g->hol_forms[g->wl_idx[k]].form, q, n)) return 1;
    }
    return 0;
  }
  unsigned c = (unsigned)ascii_lower(q[0]), second = 0x80;
  size_t i = 0, w;
  /* (only ' ', '\t' and bytes from 0xC2 on can start white space) */
  while (i < n && q[i] != ' ' && q[i] != '\t' && (q[i] < 0xC2 || !hspace_len(q + i, n - i))) i++;
  if (i < n) {
    while ((w = hspace_len(q + i, n - i)) != 0) i += w;
    second = i < n ? (unsigned)ascii_lower(q[i]) : 0u;
  }
  int b = c >= 'a' && c <= 'z' ? (int)(c - 'a') : 26;
  for (uint32_t k = g->hol_start[b]; k < g->hol_start[b + 1]; k++) {
    const struct hol_form *h = &g->hol_forms[k];
    if (h->second && h->second < 0x80 && second < 0x80 && h->second != second) continue;
    if (may_start_with(h->form, q, n)) return 1;
  }
  for (uint32_t k = g->hol_start[26]; k < g->hol_start[27]; k++) /* other first bytes */
    if (may_start_with(g->hol_forms[k].form, q, n)) return 1;
  return 0;
}

/* Could a weekday name start at q, followed by what `kompas` wants ('-',
 * ',' or '(' after optional white space, or white space and a market day)
 * or, kompas == 0, by what {WDPRE} wants before the digits (',' or white
 * space, then a digit)? 0 no, 1 yes, 2 yes and the digits can only be at
 * *digit (kompas == 0; *digit NULL on the call). */
static int weekday_then(const scan *sc, int kompas, const unsigned char *q, size_t n,
                        const unsigned char **digit) {
  const idner__dategrammar *g = sc->g;
  form_iter it;
  form_iter_at(&it, sc, &g->tab[T_WEEKDAYS], q);
  for (const lex *e; (e = form_next(&it)) != NULL;) {
    size_t len = iter_prefix(&it, e, q, n), i, w, sp = 0;
    if (len == SIZE_MAX) return 1;
    if (!len) continue;
    for (i = len; (w = hspace_len(q + i, n - i)) != 0; i += w) sp = 1;
    if (i >= n) continue;
    if (kompas) { /* (\h*+ - \h*+ WD)? (\h++ PASARAN)? \h*+ ,? \h*+ \( */
      if (q[i] == '-' || q[i] == '(' || q[i] >= 0x80 ||
          (sp && table_may_start(&g->tab[T_PASARAN], 0, q + i, n - i)))
        return 1;
      if (q[i] == ',') {
        size_t j = i + 1 + hspace_run(q + i + 1, n - i - 1);
        if (j < n && (q[j] == '(' || q[j] >= 0x80)) return 1;
      }
      continue;
    }
    if (q[i] == ',') {
      for (i++; (w = hspace_len(q + i, n - i)) != 0; i += w) {}
      sp = 1;
    }
    if (sp && i < n && is_digit(q[i])) {
      if (*digit && *digit != q + i) return 1; /* two ways: not told */
      *digit = q + i;
    }
  }
  return *digit ? 2 : 0;
}

/* Could the weekday rule's match at q end past byte `past` (text offset
 * of q: at)? With no eve word before it, it is a weekday name, then
 * optional parts that each start with white space, or a comma and white
 * space, and a word; where none can follow a name, the match ends with it. */
static int weekday_may_pass(const scan *sc, const unsigned char *q, size_t n, size_t at,
                            size_t past) {
  const idner__dategrammar *g = sc->g;
  if (table_may_start_at(sc, &g->tab[T_KEYWORDS], KW_EVE, q, n)) return 1;
  form_iter it;
  form_iter_at(&it, sc, &g->tab[T_WEEKDAYS], q);
  for (const lex *e; (e = form_next(&it)) != NULL;) {
    size_t len = iter_prefix(&it, e, q, n);
    if (len == SIZE_MAX) return 1;
    if (!len) continue;
    if (at + len > past) return 1;
    size_t i = len + (len < n && q[len] == ',');
    size_t w = hspace_run(q + i, n - i);
    if (w && first_byte_may(g->first[FB_WDTAIL], q + i + w, n - i - w))
      return 1; /* a word of the optional parts may follow */
  }
  return 0;
}

/* What word_rule_possible has found out at one word (several rules ask
 * the same): -1 = not asked yet. */
typedef struct word_start {
  int yearw;               /* a year word and white space start the text: 1, with year_x */
  digit_start year_x;      /* ... the digits after them (yearw == 1 and a digit there) */
  int year_digit;          /* ... and a digit follows */
  int wdpre;               /* weekday_then(kompas 0) at the word, with wd_x if 2 */
  digit_start wd_x;        /* ... the digits after {WDPRE} */
  size_t tok;              /* the word's token */
  int count;               /* count_rules at the word */
} word_start;

/* Fills w->yearw (and year_x): 1 if a year word, white space and a digit
 * may start at q, 2 if a year word and white space do but not a digit, 3
 * if that cannot be told (more than one way, a byte outside ASCII). */
static void year_word_at(scan *sc, word_start *w, const unsigned char *q, size_t n) {
  const lex_table *t = &sc->g->tab[T_KEYWORDS];
  const unsigned char *after = NULL;
  size_t left = 0;
  w->yearw = 0;
  /* (at the current word, only its list: the answer does not depend on
   * the order, and the forms left out would take nothing) */
  const uint32_t *idx = q == sc->wq ? sc->g->wl_idx + sc->wl[T_KEYWORDS] : NULL;
  size_t count = idx ? (size_t)sc->wl[T_KEYWORDS + 1] - sc->wl[T_KEYWORDS] : t->n;
  for (size_t j = 0; j < count; j++) {
    if (idx && !(sc->wpass >> sc->g->wl_tag[idx - sc->g->wl_idx + j] & 1u)) continue;
    size_t k = idx ? idx[j] : j;
    if (!(t->v[k].flags & KW_YEAR)) continue;
    size_t len = form_prefix(t->v[k].form, q, n), l;
    if (len == SIZE_MAX) { w->yearw = 3; return; }
    const unsigned char *r = len ? after_space(q, len, n, &l) : NULL;
    if (!r) continue;
    if (after) { w->yearw = 3; return; }
    after = r, left = l;
  }
  if (!after) return;
  w->yearw = left && is_digit(after[0]) ? 1 : 2;
  w->year_digit = w->yearw == 1;
  if (w->yearw == 1) digit_start_at(sc, (size_t)((const char *)after - sc->text), &w->year_x);
  else w->year_x.s = after, w->year_x.run = 0, w->year_x.ql = left; /* for the decade rule */
}

/* Can rule r match at text position pos, where a word starting with an
 * ASCII letter starts? */
static int word_rule_possible(scan *sc, rule_id r, size_t pos, word_start *w) {
  const idner__dategrammar *g = sc->g;
  const unsigned char *q = (const unsigned char *)sc->text + pos;
  size_t n = sc->len - pos;
  switch (r) {
    case R_YEAR:
    case R_BC:
    case R_DECADE: /* {YEARW} \h++, then the rule's digits (or a decade's quote or number word) */
      if (w->yearw < 0) year_word_at(sc, w, q, n);
      if (w->yearw == 0) return 0;
      if (w->yearw == 3) return 1;
      if (w->yearw == 1) return digit_rule_possible(sc, r, &w->year_x);
      return r == R_DECADE && w->year_x.ql &&
             (w->year_x.s[0] == '\'' || w->year_x.s[0] >= 0x80 ||
              table_may_start(&g->tab[T_NUMBER_WORDS], LX_DIGIT, w->year_x.s, w->year_x.ql));
    case R_RELATIVE: return form_then(sc, &g->tab[T_UNITS], UN_RELATIVE, NEXT_MK_UNIT, q, n);
    case R_HOLIDAY:
      return holiday_may_start(sc, q, n) ||
             form_then(sc, &g->tab[T_KEYWORDS], KW_EVE, NEXT_HOLIDAY, q, n);
    case R_COUNTED: /* (NUMW | SOME) \h++ UNIT_COUNTED | SE, then \h++ MK_COUNTED */
    case R_NARRATIVE: /* NUMW \h++ UNIT_COUNTED | SE, then \h++ NARR */
      if (w->count < 0) w->count = (int)count_rules(sc, q, n);
      return ((uint32_t)w->count & RULE_BIT(r)) != 0;
    case R_VAGUE: return table_may_start_at(sc, &g->tab[T_VAGUE_WORDS], 0, q, n);
    case R_KOMPAS: {
      const unsigned char *unused = NULL;
      return weekday_then(sc, 1, q, n, &unused);
    }
    case R_NUMERIC:
    case R_DAY_MONTH:
    case R_DAY_RANGE: /* {WDPRE} then the rule's digits */
      if (w->wdpre < 0) {
        const unsigned char *d = NULL;
        w->wdpre = weekday_then(sc, 0, q, n, &d);
        if (w->wdpre == 2) {
          digit_start_at(sc, (size_t)((const char *)d - sc->text), &w->wd_x);
          w->wd_x.wd = 1;
        }
      }
      return w->wdpre == 2 ? digit_rule_possible(sc, r, &w->wd_x) : w->wdpre;
    case R_MONTH_RANGE: return month_then_conn(sc, q, n); /* {MONTH} ... {CONN} */
    case R_DEICTIC: return table_may_start_at(sc, &g->tab[T_DEICTIC_DAYS], 0, q, n);
    case R_HIJRI: /* ({EVEW} \h++)? (d \h++)? ({HMONTH} | {JMONTH}) */
      if (table_may_start_at(sc, &g->tab[T_KEYWORDS], KW_EVE, q, n) ||
          table_may_start_at(sc, &g->hm_tab, LX_HMONTH, q, n))
        return 1;
      /* a Javanese name alone, with no day: h_hijri takes it only after
       * "bulan" (a keyword with KW_MONTH) */
      return w->tok > 0 && tok_has_role(sc, w->tok - 1, KW_MONTH);
    case R_NARRDAY: return table_may_start_at(sc, &g->tab[T_NARRATIVE_DAYS], 0, q, n);
    case R_MODIFIED: /* {MOD} \h++ (month, unit or digits: NEXT_MODIFIED) */
      return form_then(sc, &g->tab[T_MODIFIERS], 0, NEXT_MODIFIED, q, n);
    case R_MODPERIOD: /* {MOD} \h++ ({PERIODX} | {CENTURYX}) */
      return form_then(sc, &g->tab[T_MODIFIERS], 0, NEXT_PERIOD, q, n);
    default: return 1;
  }
}

/* Can the paren rule match at pos, a '('? */
static int paren_possible(const scan *sc, size_t pos) {
  const unsigned char *q = (const unsigned char *)sc->text + pos + 1;
  size_t n = sc->len - pos - 1, i = 0, w, d = 0;
  while ((w = hspace_len(q + i, n - i)) != 0) i += w;
  while (i < n && d < 3 && is_digit(q[i])) i++, d++;
  if (d == 0 || d > 2) return 0;
  while ((w = hspace_len(q + i, n - i)) != 0) i += w;
  return i < n && q[i] == '/';
}

typedef struct candidate {
  verdict vd;
  size_t byte_end, tok_end;
  spec spec;
} candidate;

/* Index one past the token ending at byte pos (the callout guarantees one). */
static size_t end_token(const scan *sc, size_t i, size_t pos) {
  while (i < sc->ntok && sc->toks[i].byte_end < pos) i++;
  return i + 1;
}

/* Rule r's code, JIT-compiled on its first use by any thread (the
 * interpreter stays the fallback if JIT is unavailable). */
static const pcre2_code *rule_code(const idner__dategrammar *cg, rule_id r) {
  idner__dategrammar *g = (idner__dategrammar *)cg; /* allocated mutable; see jit_done */
  if (!(atomic_load_explicit(&g->jit_done, memory_order_acquire) & RULE_BIT(r))) {
    pthread_mutex_lock(&g->jit_lock);
    if (!(atomic_load_explicit(&g->jit_done, memory_order_relaxed) & RULE_BIT(r))) {
      if (pcre2_jit_compile(g->code[r], PCRE2_JIT_COMPLETE) == 0)
        atomic_fetch_or_explicit(&g->jit_ok, RULE_BIT(r), memory_order_relaxed);
      atomic_fetch_or_explicit(&g->jit_done, RULE_BIT(r), memory_order_release);
    }
    pthread_mutex_unlock(&g->jit_lock);
  }
  return g->code[r];
}

/* Runs the given rules anchored at token i; keeps the longest match its
 * handler accepts or vetoes (an earlier rule wins a tie). */
static int32_t best_candidate(scan *sc, size_t i, uint32_t rules, candidate *best) {
  best->vd = VD_REJECT; /* the rest is read only once vd is set */
  sc->cb_start = i;
  digit_start x;
  size_t pos = sc->toks[i].byte_start;
  unsigned char c0 = (unsigned char)sc->text[pos];
  int digit = is_digit(c0), letter = (c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z';
  if (digit) digit_start_at(sc, pos, &x), x.bare = 1;
  word_start ws;
  ws.yearw = ws.wdpre = ws.count = -1;
  ws.tok = i;
  /* the rules asked for, by priority: a bit per rank (order[] index) */
  if (digit) rules = (rules & ~DIGIT_TESTED) | digit_rules(sc, rules & DIGIT_TESTED, &x);
  const uint32_t(*rb)[256] = sc->g->rank_bits;
  uint32_t by_rank = rb[0][rules & 255u] | rb[1][rules >> 8 & 255u] | rb[2][rules >> 16 & 255u] |
                     rb[3][rules >> 24];
  for (; by_rank; by_rank &= by_rank - 1) {
    rule_id r = sc->g->order[idner__lowest_bit(by_rank)];
    if (letter && !word_rule_possible(sc, r, pos, &ws)) continue;
    if (r == R_PAREN && c0 == '(' && !paren_possible(sc, pos)) continue;
    /* a candidate is kept: the rule must end past it ("Selasa (19/9)") */
    if (r == R_WEEKDAY && best->vd != VD_REJECT && letter &&
        !weekday_may_pass(sc, (const unsigned char *)sc->text + pos, sc->len - pos, pos,
                          best->byte_end))
      continue;
    /* JIT-compiled patterns go straight to the JIT (what pcre2_match would
     * do after its own checks); the interpreter is the fallback */
    const pcre2_code *code = rule_code(sc->g, r);
    /* jit_ok is written before jit_done's release, which rule_code acquired */
    int jit = (atomic_load_explicit(&sc->g->jit_ok, memory_order_relaxed) & RULE_BIT(r)) != 0;
    int rc = (jit ? pcre2_jit_match : pcre2_match)(code, (PCRE2_SPTR)sc->text, sc->len,
                                                   sc->toks[i].byte_start, 0, sc->md, sc->mctx);
    if (rc == PCRE2_ERROR_NOMEMORY) return IDNER_ERR_NOMEM;
    if (rc <= 0) continue; /* no match, or a match/depth limit hit: no date */
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
    if (best->vd != VD_REJECT && ov[1] <= best->byte_end) continue;
    match m = {sc, (rule_id)r, ov, i, end_token(sc, i, ov[1])};
    spec sp;
    spec_init(&sp, SK_ABS, GR_DAY); /* a vetoing handler leaves it as is */
    verdict v = k_handlers[r](&m, &sp);
    if (v == VD_REJECT) continue;
    best->vd = v;
    best->byte_end = ov[1];
    best->tok_end = m.tok_end;
    best->spec = sp;
  }
  return IDNER_OK;
}


/* Resolves the candidate at token i and appends it to out. */
/* Tokens of an approximation word right before token i ("sekitar",
 * "kurang lebih"), 0 if none or if they belong to the previous hit. */
static size_t approx_before(const scan *sc, size_t i) {
  const word_list *w = &sc->g->words[W_APPROX];
  for (size_t k = 0; k < w->n; k++) {
    size_t words = sc->g->approx_words[k];
    if (words > i || (sc->last_end != SIZE_MAX && sc->last_end > i - words)) continue;
    size_t b = sc->toks[i - words].byte_start, e = sc->toks[i - 1].byte_end;
    if (first_may_equal(w->v[k], sc->text + b, e - b) && form_equals(w->v[k], sc->text + b, e - b))
      return words;
  }
  return 0;
}

static int32_t emit(scan *sc, size_t i, const candidate *c, idner__datehits *out) {
  resolved r;
  resolve(&c->spec, sc->has_ref ? &sc->ref : NULL, &sc->last_day, &sc->last_date, &r);
  int32_t rc = IDNER__RESERVE(out, out->n + 1);
  if (rc) return rc;
  idner__date_hit *h = &out->v[out->n++];
  memset(h, 0, sizeof *h);
  size_t approx = c->spec.mod == MOD_NONE && c->spec.kind != SK_VAGUE ? approx_before(sc, i) : 0;
  h->tok_start = (uint32_t)(i - approx);
  h->tok_end = (uint32_t)c->tok_end;
  h->type = c->spec.type;
  /* whole buffers: r's are zeroed, then hold one NUL-terminated string */
  _Static_assert(sizeof h->value == sizeof r.value && sizeof h->end_value == sizeof r.end_value &&
                     sizeof h->mod == sizeof k_mod_names[0], "hit and resolved value sizes");
  memcpy(h->value, r.value, sizeof h->value);
  memcpy(h->end_value, r.end_value, sizeof h->end_value);
  memcpy(h->mod, k_mod_names[approx ? MOD_APPROX : c->spec.mod], sizeof h->mod);
  h->tz_offset_minutes = c->spec.has_tz ? c->spec.tz : 0;
  h->has_tz = (uint32_t)c->spec.has_tz;
  if (r.is_day && r.value[0]) sc->last_day.valid = 1, sc->last_day.date = r.day;
  if (r.dated && r.value[0]) sc->last_date.valid = 1, sc->last_date.date = r.day;
  sc->last_end = c->tok_end;
  sc->last_gran = c->spec.gran;
  sc->last_weekday = c->spec.kind == SK_WEEKDAY;
  return IDNER_OK;
}

static int valid_ref(const idner__refdate *ref) {
  return ref && ref->year != 0 && idner__valid_date(ref->year, ref->month, ref->day);
}

/* trigger_rules for a plain token (idner__date_folds): its form is its
 * lookup key and its hash is known, so neither the filter nor a pass over
 * the word is needed. */
static uint32_t plain_trigger_rules(const idner__dategrammar *g, const idner__date_folds *f,
                                    const char *text, const idner_token *t, size_t i,
                                    const trig_slot **hitp) {
  const unsigned char *s = (const unsigned char *)text + t->byte_start;
  size_t n = t->byte_end - t->byte_start;
  /* the special starts, as trigger_rules (a plain token holds no '(') */
  if (is_digit(s[0])) return g->special[TS_DIGIT];
  if ((s[0] == 'Q' || s[0] == 'q') && n >= 2 && s[1] >= '1' && s[1] <= '4')
    return g->special[TS_QUARTER];
  /* no '.', '-', ',' nor white space: the key is the whole word */
  uint64_t h = f->hash[i];
  if (n > MAX_TRIGGER_LEN || !(g->mark.bloom[TRIG_BLOOM_WORD(h)] >> TRIG_BLOOM_BIT(h) & 1u))
    return 0;
  const trig_slot *hit = find_slot(g, f->fold + f->off[i], n, h);
  *hitp = hit;
  return hit ? hit->rules : 0;
}

/* What can follow the word q[0..len) (n bytes left), as bits of wl_tag:
 * 27 and 28 always, 26 if white space follows, then with a letter after it that
 * letter's bit (every letter's for a byte outside ASCII, which may be a
 * caseless k or s). */
static uint32_t word_pass(const unsigned char *q, size_t len, size_t n) {
  uint32_t pass = 3u << 27;
  size_t i = len, w;
  while ((w = hspace_len(q + i, n - i)) != 0) i += w;
  if (i == len) return pass;
  pass |= 1u << 26;
  if (i >= n) return pass;
  unsigned c = q[i];
  if (c >= 0x80) return pass | 0x3FFFFFFu;
  c |= 0x20u;
  if (c >= 'a' && c <= 'z') pass |= 1u << (c - 'a');
  return pass;
}

/* The row of wl_start for the word at token i whose trigger is hit, if its
 * lists apply there: the token is the trigger in ASCII letters of either
 * case, followed by the end of the text or an ASCII byte that is no letter
 * (what form_may_at_word assumed); NULL if not. */
static const uint16_t *word_lists_at(const scan *sc, const trig_slot *hit, size_t i) {
  const idner_token *t = &sc->toks[i];
  const unsigned char *q = (const unsigned char *)sc->text + t->byte_start;
  size_t n = t->byte_end - t->byte_start;
  size_t k = hit->idx - 1, j = 0;
  const char *key = n <= sizeof hit->key ? hit->key : sc->g->triggers[k].s;
  if (!sc->g->wl_start || hit->len != n || !sc->g->wl_ok[k]) return NULL;
  /* (the trigger's bytes are letters: a byte or'ed with 0x20 equals one
   * only if it is that letter in either case) */
  for (; j + 8 <= n; j += 8) {
    uint64_t a, b;
    memcpy(&a, q + j, 8);
    memcpy(&b, key + j, 8);
    if ((a | 0x2020202020202020ull) != b) return NULL;
  }
  for (; j < n; j++)
    if ((q[j] | 0x20u) != (unsigned char)key[j]) return NULL;
  if (t->byte_end < sc->len) {
    unsigned c = q[n] | 0x20u;
    if (q[n] >= 0x80 || (c >= 'a' && c <= 'z')) return NULL;
  }
  return sc->g->wl_start + k * WL_COUNT;
}

int32_t idner__dates_find(const idner__dategrammar *g, idner__datescratch *s,
                          const char *text, size_t len, const idner_token *toks,
                          size_t ntok, const idner__refdate *ref,
                          idner__datehits *out) {
  return idner__dates_find_folded(g, s, text, len, toks, ntok, NULL, ref, out);
}

/* The first token from i on whose fold byte (p[0..n)) has the date mark,
 * or n: 32 at a time where SSE2 is. */
static inline size_t next_marked(const uint8_t *p, size_t i, size_t n) {
#if defined(__SSE2__) && defined(__GNUC__)
  for (; i + 32 <= n; i += 32) {
    /* the mark bit (1) of each byte to its top bit; 32 tokens a turn, as
     * about 1 in 14 is marked: the test below mispredicts less often than
     * with 16 (callgrind: 9k fewer a corpus pass, 64 no better) */
    __m128i x = _mm_slli_epi16(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), 6);
    __m128i y = _mm_slli_epi16(_mm_loadu_si128((const __m128i *)(const void *)(p + i + 16)), 6);
    uint32_t m = (uint32_t)_mm_movemask_epi8(x) | (uint32_t)_mm_movemask_epi8(y) << 16;
    if (m) return i + (size_t)__builtin_ctz(m);
  }
#endif
  while (i < n && !(p[i] & IDNER__FOLD_MARK)) i++;
  return i;
}

int32_t idner__dates_find_folded(const idner__dategrammar *g, idner__datescratch *s,
                                 const char *text, size_t len, const idner_token *toks,
                                 size_t ntok, const idner__date_folds *folds,
                                 const idner__refdate *ref, idner__datehits *out) {
  scan sc;
  memset(&sc, 0, sizeof sc);
  sc.g = g, sc.md = s->md, sc.mctx = s->mctx;
  sc.text = text, sc.len = len, sc.toks = toks, sc.ntok = ntok;
  sc.folds = folds;
  sc.last_end = SIZE_MAX;
  if (valid_ref(ref)) {
    sc.has_ref = 1;
    sc.ref.y = ref->year, sc.ref.m = ref->month, sc.ref.d = ref->day;
  }
  pcre2_set_callout(s->mctx, on_callout, &sc);
  int32_t rc = IDNER_OK;
  for (size_t i = 0; i < ntok && rc == IDNER_OK;) {
    candidate c;
    uint32_t rules;
    if (folds && folds->marked) {
      /* the tokens that may start a date are marked (fold.h) */
      if ((i = next_marked(folds->plain, i, ntok)) == ntok) break;
    } else if (folds) {
      /* most words: plain, not a digit, not q (Q1-Q4), and no trigger's
       * hash top (plain_trigger_rules would answer 0); read from the fold,
       * in a tight loop, with the one-byte tokens that start nothing */
      const uint8_t *plain = folds->plain;
      const uint32_t *off = folds->off;
      const uint64_t *hash = folds->hash;
      const char *fold = folds->fold;
      /* Without toks[]: a token that is not plain stops unless its form
       * is one byte (then so is the token: folding maps each code point or
       * invalid byte to at least one byte) that starts nothing (g->mark.stop). */
      const uint8_t *stop = g->mark.stop;
      const uint64_t *bloom = g->mark.bloom;
      for (; i < ntok; i++) {
        uint32_t o = off[i];
        unsigned c0 = (unsigned char)fold[o];
        if (plain[i] & IDNER__FOLD_PLAIN) {
          uint64_t h = hash[i];
          if (stop[256 + c0] | (bloom[TRIG_BLOOM_WORD(h)] >> TRIG_BLOOM_BIT(h) & 1u)) break;
        } else if (off[i + 1] - o != 1 || stop[c0]) {
          break;
        }
      }
      if (i == ntok) break;
    }
    const trig_slot *hit = NULL;
    if (folds && (folds->plain[i] & IDNER__FOLD_PLAIN)) {
      rules = plain_trigger_rules(g, folds, text, &toks[i], i, &hit);
    } else {
      rules = trigger_rules(g, &g->tfilter, text, &toks[i]);
    }
    if (!rules) {
      i++;
      continue;
    }
    /* a '(' that starts no "(19/9": what best_candidate would find, sooner */
    if (rules == RULE_BIT(R_PAREN) && text[toks[i].byte_start] == '(' &&
        !paren_possible(&sc, toks[i].byte_start)) {
      i++;
      continue;
    }
    sc.wl = hit ? word_lists_at(&sc, hit, i) : NULL;
    sc.wq = sc.wl ? (const unsigned char *)text + toks[i].byte_start : NULL;
    if (sc.wl) {
      sc.wlen = toks[i].byte_end - toks[i].byte_start;
      sc.wpass = word_pass(sc.wq, sc.wlen, len - toks[i].byte_start);
    }
    if ((rc = best_candidate(&sc, i, rules, &c))) break;
    if (c.vd == VD_REJECT) {
      i++;
      continue;
    }
    if (c.vd == VD_ACCEPT) rc = emit(&sc, i, &c, out);
    i = c.tok_end;
  }
  pcre2_set_callout(s->mctx, NULL, NULL); /* sc is about to go out of scope */
  return rc;
}

/* ======================================================================
 * Compilation: the grammar file -> tables, fragments, rules -> PCRE2
 * ====================================================================== */

#define GRAMMAR_FILE "dates-grammar.tsv"
#define GRAMMAR_MAGIC "# idner-dates-grammar 1"

const idner__datemark *idner__dates_marks(const idner__dategrammar *g) { return &g->mark; }

static int32_t append_str(idner__bytes *b, const char *s) {
  return idner__bytes_append(b, s, strlen(s));
}

/* A lexicon form as a pattern: a space matches a run of spaces. */
static int32_t append_form(idner__bytes *b, const char *form) {
  int32_t rc = IDNER_OK;
  for (const char *f = form; *f && !rc; f++) {
    if (*f == ' ') {
      rc = append_str(b, "\\h++");
      continue;
    }
    if (strchr("\\.^$|?*+()[]{}", *f)) rc = append_str(b, "\\");
    if (!rc) rc = idner__bytes_append(b, f, 1);
  }
  return rc;
}

static int lex_selected(const fragment *fr, const lex *e) {
  return (e->flags & fr->need) == fr->need && !(e->flags & fr->refuse);
}

/* Can alternatives that start with different such bytes never match at
 * the same place? Lower-case letters (their caseless sets are apart, K
 * and the long s included), digits, the space (\h++) and ASCII signs. */
static int tree_byte(unsigned c) { return c >= ' ' && c < 0x7F && !(c >= 'A' && c <= 'Z'); }

/* Appends the forms rest[0..n) (in the order they are to be tried: longest
 * first, so an empty one last) as alternatives, those that start alike
 * sharing their common start: a(?:bc|b)|xyz. The same matches, found in
 * the same order: alternatives with different first bytes (tree_byte)
 * never match at the same place, and those of a group are kept in order.
 * A byte outside ASCII, or an empty form that is not last, leaves the
 * forms as they are. tmp holds n pointers. */
static int32_t append_tree(idner__bytes *b, const char **rest, size_t n, const char **tmp) {
  int32_t rc = IDNER_OK;
  int tree = 1;
  for (size_t k = 0; k < n; k++) {
    unsigned c = (unsigned char)rest[k][0];
    if (c ? !tree_byte(c) : k + 1 != n) tree = 0;
  }
  if (!tree) {
    for (size_t k = 0; k < n && !rc; k++) {
      if (k) rc = append_str(b, "|");
      if (!rc) rc = append_form(b, rest[k]);
    }
    return rc;
  }
  /* group by first byte, the groups in order of first appearance */
  size_t m = 0;
  for (size_t k = 0; k < n; k++) {
    int seen = 0;
    for (size_t j = 0; j < k && !seen; j++) seen = rest[j][0] == rest[k][0];
    for (size_t j = k; j < n && !seen; j++)
      if (rest[j][0] == rest[k][0]) tmp[m++] = rest[j];
  }
  memcpy(rest, tmp, n * sizeof *rest);
  for (size_t s = 0, e; s < n && !rc; s = e) {
    for (e = s + 1; e < n && rest[e][0] == rest[s][0];) e++;
    if (s) rc = append_str(b, "|");
    if (rc) break;
    if (e - s == 1) { /* alone (or the empty form) */
      rc = append_form(b, rest[s]);
      continue;
    }
    /* the group's common start, then the rests */
    size_t len = 1;
    for (int same = 1; same && rest[s][len] && tree_byte((unsigned char)rest[s][len]);) {
      for (size_t k = s + 1; k < e && same; k++) same = rest[k][len] == rest[s][len];
      len += (size_t)same;
    }
    for (size_t i = 0; i < len && !rc; i++) {
      char one[2] = {rest[s][i], '\0'};
      rc = append_form(b, one);
    }
    for (size_t k = s; k < e; k++) rest[k] += len;
    if (!rc) rc = append_str(b, "(?:");
    if (!rc) rc = append_tree(b, rest + s, e - s, tmp);
    if (!rc) rc = append_str(b, ")");
  }
  return rc;
}

/* (?:form|form|...), longest form first so a prefix never wins early,
 * written as a prefix tree (append_tree): the JIT code of a long
 * alternation was fetched whole by each failed attempt (the holiday
 * names' took 54 KB, mostly cold in the cache at each document). Not in a
 * lookbehind (bare): its branches must keep one length each. */
static int32_t append_alternation(idner__bytes *b, const fragment *fr, const lex_table *t) {
  size_t maxlen = 0, count = 0;
  for (size_t i = 0; i < t->n; i++)
    if (lex_selected(fr, &t->v[i]) && strlen(t->v[i].form) > maxlen) maxlen = strlen(t->v[i].form);
  const char **rest = NULL; /* the forms, longest first (then in table order); then tmp */
  if (!fr->bare && t->n && !(rest = malloc(2 * t->n * sizeof *rest))) return IDNER_ERR_NOMEM;
  int32_t rc = fr->bare ? IDNER_OK : append_str(b, "(?:");
  for (size_t len = maxlen; len > 0 && !rc; len--)
    for (size_t i = 0; i < t->n && !rc; i++) {
      if (!lex_selected(fr, &t->v[i]) || strlen(t->v[i].form) != len) continue;
      if (rest) {
        rest[count++] = t->v[i].form;
        continue;
      }
      if (count++) rc = append_str(b, "|");
      if (!rc) rc = append_form(b, t->v[i].form);
    }
  if (!rc && rest && count) rc = append_tree(b, rest, count, rest + t->n);
  free(rest);
  if (!rc && !count) rc = append_str(b, "(?!)"); /* no forms: never matches */
  return rc || fr->bare ? rc : append_str(b, ")");
}

static const fragment *find_fragment(const idner__dategrammar *g, const char *name, size_t n) {
  for (size_t i = 0; i < g->frags.n; i++)
    if (strlen(g->frags.v[i].name) == n && memcmp(g->frags.v[i].name, name, n) == 0)
      return &g->frags.v[i];
  return NULL;
}

/* Appends template t with its {NAME} placeholders expanded. Regex
 * quantifiers ({4}, {1,2}) start with a digit and are copied as is. */
static int32_t expand(const idner__dategrammar *g, idner__bytes *b, const char *t, int depth,
                      char *err, size_t errsz) {
  int32_t rc = IDNER_OK;
  while (*t && !rc) {
    if (t[0] == '{' && t[1] >= 'A' && t[1] <= 'Z') {
      const char *close = strchr(t, '}');
      const fragment *fr = close ? find_fragment(g, t + 1, (size_t)(close - t - 1)) : NULL;
      if (!fr || depth > 4) {
        idner__fmt(err, errsz, "%s: unknown fragment or nesting too deep at \"%.24s\"",
                   g->fname, t);
        return IDNER_ERR_DATA_FORMAT;
      }
      if (fr->tmpl) rc = expand(g, b, fr->tmpl, depth + 1, err, errsz);
      else rc = append_alternation(b, fr, fr->calendar ? &g->cal_tab : fr->t);
      t = close + 1;
    } else {
      rc = idner__bytes_append(b, t, 1);
      t++;
    }
  }
  return rc;
}

static int32_t compile_rule(idner__dategrammar *g, rule_id r, idner__bytes *pat, char *err,
                            size_t errsz) {
  pat->n = 0;
  int32_t rc = expand(g, pat, g->rule_tmpl[r], 0, err, errsz);
  if (!rc) rc = append_str(pat, "(?C1)");
  if (rc) return rc;
  int errcode;
  PCRE2_SIZE erroff;
  /* NO_AUTO_POSSESS: automatic possessification would stop the engine from
   * giving back characters when the token-end callout fails ("a+(?C1)").
   * NO_START_OPTIMIZE: the patterns are anchored, and the "required
   * character" scan would look thousands of bytes ahead from every digit
   * token of a long number-heavy text (a 1 MB run of digits took 10 times
   * longer than prose). */
  const uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_UCP | PCRE2_CASELESS |
                        PCRE2_ANCHORED | PCRE2_NO_AUTO_POSSESS | PCRE2_NO_START_OPTIMIZE;
  g->code[r] = pcre2_compile((PCRE2_SPTR)pat->v, pat->n, opts, &errcode, &erroff, NULL);
  if (!g->code[r]) {
    if (errcode == PCRE2_ERROR_HEAP_FAILED) return IDNER_ERR_NOMEM;
    PCRE2_UCHAR msg[120];
    pcre2_get_error_message(errcode, msg, sizeof msg);
    idner__fmt(err, errsz, "%s: rule %s: %s at offset %zu", g->fname, k_rule_names[r],
               (char *)msg, (size_t)erroff);
    return IDNER_ERR_DATA_FORMAT;
  }
  uint32_t ncap = 0;
  pcre2_pattern_info(g->code[r], PCRE2_INFO_CAPTURECOUNT, &ncap);
  if (ncap + 1 > OVECTOR_PAIRS) {
    idner__fmt(err, errsz, "%s: rule %s: too many groups", g->fname, k_rule_names[r]);
    return IDNER_ERR_DATA_FORMAT;
  }
  for (int k = 0; k < G_COUNT; k++) {
    int num = pcre2_substring_number_from_name(g->code[r], (PCRE2_SPTR)k_group_names[k]);
    g->group[r][k] = (int16_t)(num > 0 ? num : -1);
  }
  return IDNER_OK; /* JIT on first use: rule_code() */
}

/* ---- the grammar file ---------------------------------------------------- */

static int name_index(const char *const *names, int count, const char *s) {
  for (int i = 0; i < count; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

/* An integer or a symbol ("U_DAY"); flags: "0" or "NAME|NAME". */
static int parse_symbols(const char *s, int is_flags, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s && !*end) {
    *out = (int)v;
    return 1;
  }
  int acc = 0;
  while (*s) {
    size_t n = strcspn(s, "|");
    int found = 0;
    for (size_t i = 0; i < sizeof k_symbols / sizeof *k_symbols; i++)
      if (strlen(k_symbols[i].name) == n && memcmp(k_symbols[i].name, s, n) == 0) {
        acc |= k_symbols[i].value;
        found = 1;
        break;
      }
    if (!found || (!is_flags && s[n])) return 0;
    s += n + (s[n] == '|');
  }
  *out = acc;
  return 1;
}

/* Rules named "a|b|c" as bits. */
static int parse_rules(const char *s, uint32_t *out) {
  uint32_t bits = 0;
  char name[32];
  while (*s) {
    size_t n = strcspn(s, "|");
    if (n == 0 || n >= sizeof name) return 0;
    memcpy(name, s, n);
    name[n] = '\0';
    int r = name_index(k_rule_names, R_COUNT, name);
    if (r < 0) return 0;
    bits |= RULE_BIT(r);
    s += n + (s[n] == '|');
  }
  *out = bits;
  return bits != 0;
}

static int32_t grammar_line(idner__dategrammar *g, char **f, int nf, char *err, size_t errsz,
                            size_t line) {
  const char *kind = f[0];
#define BAD(...)                                                            \
  do {                                                                      \
    char m_[160];                                                           \
    snprintf(m_, sizeof m_, __VA_ARGS__);                                   \
    idner__fmt(err, errsz, "%s:%zu: %s", g->fname, line, m_);           \
    return IDNER_ERR_DATA_FORMAT;                                           \
  } while (0)
  if (strcmp(kind, "lex") == 0) {
    int t, val, flags;
    if (nf != 5) BAD("lex needs TABLE FORM VALUE FLAGS");
    if ((t = name_index(k_table_names, T_COUNT, f[1])) < 0) BAD("unknown table '%s'", f[1]);
    if (!f[2][0]) BAD("empty form");
    if (!parse_symbols(f[3], 0, &val)) BAD("bad value '%s'", f[3]);
    if (!parse_symbols(f[4], 1, &flags)) BAD("bad flags '%s'", f[4]);
    lex_table *tb = &g->tab[t];
    if (IDNER__RESERVE(tb, tb->n + 1)) return IDNER_ERR_NOMEM;
    tb->v[tb->n++] = (lex){f[2], val, (unsigned)flags};
  } else if (strcmp(kind, "word") == 0) {
    int w;
    if (nf != 3 || !f[2][0]) BAD("word needs LIST FORM");
    if ((w = name_index(k_list_names, W_COUNT, f[1])) < 0) BAD("unknown list '%s'", f[1]);
    word_list *wl = &g->words[w];
    if (IDNER__RESERVE(wl, wl->n + 1)) return IDNER_ERR_NOMEM;
    wl->v[wl->n++] = f[2];
  } else if (!strcmp(kind, "alt") || !strcmp(kind, "bare") || !strcmp(kind, "tmpl") ||
             !strcmp(kind, "calendar")) {
    fragment fr = {f[1], NULL, 0, 0, kind[0] == 'b', NULL, 0};
    if (nf < 3 || !f[1][0]) BAD("%s needs a NAME", kind);
    if (find_fragment(g, f[1], strlen(f[1]))) BAD("fragment %s defined twice", f[1]);
    if (kind[0] == 't') {
      if (nf != 3 || !f[2][0]) BAD("tmpl needs NAME TEMPLATE");
      fr.tmpl = f[2];
    } else if (kind[0] == 'c') {
      fr.calendar = 1;
      fr.need = !strcmp(f[2], "HOLIDAY")  ? LX_HOLIDAY
                : !strcmp(f[2], "HMONTH") ? LX_HMONTH
                : !strcmp(f[2], "JMONTH") ? LX_JMONTH
                                          : 0;
      if (nf != 3 || !fr.need) BAD("calendar needs NAME HOLIDAY|HMONTH|JMONTH");
    } else {
      int t, need, refuse;
      if (nf != 5) BAD("%s needs NAME TABLE NEED REFUSE", kind);
      if ((t = name_index(k_table_names, T_COUNT, f[2])) < 0) BAD("unknown table '%s'", f[2]);
      if (!parse_symbols(f[3], 1, &need) || !parse_symbols(f[4], 1, &refuse)) BAD("bad flags");
      fr.t = &g->tab[t], fr.need = (unsigned)need, fr.refuse = (unsigned)refuse;
    }
    if (IDNER__RESERVE(&g->frags, g->frags.n + 1)) return IDNER_ERR_NOMEM;
    g->frags.v[g->frags.n++] = fr;
  } else if (strcmp(kind, "rule") == 0) {
    int r;
    if (nf != 3 || !f[2][0]) BAD("rule needs NAME TEMPLATE");
    if ((r = name_index(k_rule_names, R_COUNT, f[1])) < 0) BAD("unknown rule '%s'", f[1]);
    if (g->rule_tmpl[r]) BAD("rule %s defined twice", f[1]);
    g->rule_tmpl[r] = f[2];
    g->order[g->nrules++] = (rule_id)r;
  } else if (strcmp(kind, "trigger") == 0) {
    static const char *const specials[TS_COUNT] = {"@digit", "@paren", "@quarter",
                                                   "@calendar-holiday", "@calendar-month"};
    uint32_t rules;
    if (nf != 3 || !parse_rules(f[2], &rules)) BAD("trigger needs SOURCE RULE|RULE...");
    int sp = name_index(specials, TS_COUNT, f[1]);
    if (sp >= 0) {
      g->special[sp] |= rules;
    } else {
      char *slash = strchr(f[1], '/');
      int flag = 0, t;
      if (slash) *slash = '\0';
      if ((t = name_index(k_table_names, T_COUNT, f[1])) < 0) BAD("unknown source '%s'", f[1]);
      if (slash && (!parse_symbols(slash + 1, 1, &flag) || !flag)) BAD("bad flag '%s'", slash + 1);
      if (IDNER__RESERVE(&g->tsrc, g->tsrc.n + 1)) return IDNER_ERR_NOMEM;
      g->tsrc.v[g->tsrc.n++] = (struct tsrc){t, (unsigned)flag, rules};
    }
  } else {
    BAD("unknown record '%s'", kind);
  }
#undef BAD
  return IDNER_OK;
}

/* Reads the grammar file (split in place in g->text). */
static int32_t parse_grammar(idner__dategrammar *g, const char *data, size_t len, char *err,
                             size_t errsz) {
  if (!(g->text = malloc(len + 1))) return IDNER_ERR_NOMEM;
  memcpy(g->text, data, len);
  g->text[len] = '\0';
  g->text_size = len + 1;
  if (len < strlen(GRAMMAR_MAGIC) || memcmp(g->text, GRAMMAR_MAGIC, strlen(GRAMMAR_MAGIC)) != 0) {
    idner__fmt(err, errsz, "%s: not a date grammar (first line must be \"%s\")", g->fname,
               GRAMMAR_MAGIC);
    return IDNER_ERR_DATA_FORMAT;
  }
  /* the lines are split as C strings: a NUL would end the file silently */
  const char *nul = memchr(data, '\0', len);
  if (nul) {
    size_t at = 1;
    for (const char *q = data; q < nul; q++) at += *q == '\n';
    idner__fmt(err, errsz, "%s:%zu: NUL byte in the line", g->fname, at);
    return IDNER_ERR_DATA_FORMAT;
  }
  size_t line = 0;
  for (char *p = g->text, *next; p && *p; p = next) {
    line++;
    next = strchr(p, '\n');
    if (next) *next++ = '\0';
    size_t n = strlen(p);
    if (n && p[n - 1] == '\r') p[--n] = '\0';
    if (!n || p[0] == '#') continue;
    char *f[6];
    int nf = 0;
    for (char *q = p; q && nf < 6;) {
      f[nf++] = q;
      q = strchr(q, '\t');
      if (q) *q++ = '\0';
      if (nf == 6 && q) {
        idner__fmt(err, errsz, "%s:%zu: too many fields", g->fname, line);
        return IDNER_ERR_DATA_FORMAT;
      }
    }
    int32_t rc = grammar_line(g, f, nf, err, errsz, line);
    if (rc) return rc;
  }
  for (int r = 0; r < R_COUNT; r++)
    if (!g->rule_tmpl[r]) {
      idner__fmt(err, errsz, "%s: rule %s is missing", g->fname, k_rule_names[r]);
      return IDNER_ERR_DATA_FORMAT;
    }
  return IDNER_OK;
}

static void add_trigger(trigger *v, size_t *n, const lex *e, uint32_t rules) {
  const char *sp = strchr(e->form, ' ');
  v[*n].s = e->form;
  v[*n].len = sp ? (size_t)(sp - e->form) : strlen(e->form);
  v[(*n)++].rules = rules;
}

/* The trigger table: first words of the forms of the file's trigger
 * sources and of the calendar's names, sorted, duplicates merged. */
static int32_t build_triggers(idner__dategrammar *g) {
  size_t cap = g->cal_tab.n, n = 0;
  for (size_t k = 0; k < g->tsrc.n; k++) cap += g->tab[g->tsrc.v[k].table].n;
  g->triggers = malloc((cap ? cap : 1) * sizeof *g->triggers);
  if (!g->triggers) return IDNER_ERR_NOMEM;
  for (size_t k = 0; k < g->tsrc.n; k++) {
    const lex_table *t = &g->tab[g->tsrc.v[k].table];
    for (size_t i = 0; i < t->n; i++)
      if ((t->v[i].flags & g->tsrc.v[k].flag) == g->tsrc.v[k].flag)
        add_trigger(g->triggers, &n, &t->v[i], g->tsrc.v[k].rules);
  }
  for (size_t i = 0; i < g->cal_tab.n; i++) {
    const lex *e = &g->cal_tab.v[i];
    uint32_t r = g->special[(e->flags & LX_HOLIDAY) ? TS_CAL_HOLIDAY : TS_CAL_MONTH];
    if (r) add_trigger(g->triggers, &n, e, r);
  }
  qsort(g->triggers, n, sizeof *g->triggers, trigger_cmp);
  size_t u = 0; /* merge duplicates ("tahun": unit and keyword) */
  for (size_t k = 0; k < n; k++) {
    if (u > 0 && trigger_cmp(&g->triggers[u - 1], &g->triggers[k]) == 0)
      g->triggers[u - 1].rules |= g->triggers[k].rules;
    else
      g->triggers[u++] = g->triggers[k];
  }
  g->ntriggers = u;
  size_t ns = 16;
  while (ns < 2 * u) ns *= 2;
  g->trig_slots = calloc(ns, sizeof *g->trig_slots);
  if (!g->trig_slots) return IDNER_ERR_NOMEM;
  g->trig_nslots = ns;
  for (size_t k = 0; k < u; k++) {
    size_t i = (size_t)idner__hash(g->triggers[k].s, g->triggers[k].len) & (ns - 1);
    while (g->trig_slots[i]) i = (i + 1) & (ns - 1);
    g->trig_slots[i] = (uint32_t)k + 1;
  }
  return IDNER_OK;
}

/* Bucket of a holiday name by its first byte: a lower-case ASCII letter's,
 * or 26 for any other (a digit, a byte outside ASCII, a space). */
static int hol_bucket(char c) { return c >= 'a' && c <= 'z' ? c - 'a' : 26; }

/* Lists the n forms (form(v, i)) by the bucket of their first byte: a
 * counting sort into *by_first, with bucket c's entries at
 * first_start[c] .. first_start[c + 1]. */
static int32_t index_by_first(const void *v, size_t n, const char *(*form)(const void *, size_t),
                              uint32_t **by_first, uint32_t first_start[28]) {
  free(*by_first);
  *by_first = calloc(n ? n : 1, sizeof **by_first);
  if (!*by_first) return IDNER_ERR_NOMEM;
  memset(first_start, 0, 28 * sizeof *first_start);
  for (size_t i = 0; i < n; i++)
    first_start[hol_bucket((char)ascii_lower((unsigned char)form(v, i)[0])) + 1]++;
  for (int c = 1; c < 28; c++) first_start[c] += first_start[c - 1];
  uint32_t at[27];
  memcpy(at, first_start, sizeof at);
  for (size_t i = 0; i < n; i++)
    (*by_first)[at[hol_bucket((char)ascii_lower((unsigned char)form(v, i)[0]))]++] = (uint32_t)i;
  return IDNER_OK;
}

static const char *lex_form_at(const void *v, size_t i) { return ((const lex *)v)[i].form; }
static const char *word_at(const void *v, size_t i) { return ((const char *const *)v)[i]; }

/* Builds t->by_first (see lex_table). */
static int32_t index_table(lex_table *t) {
  memset(t->pair, 0, sizeof t->pair);
  for (size_t i = 0; i < t->n; i++) {
    unsigned f0 = (unsigned)ascii_lower((unsigned char)t->v[i].form[0]), f1;
    if (f0 < 'a' || f0 > 'z') continue;
    f1 = (unsigned)ascii_lower((unsigned char)t->v[i].form[1]);
    t->pair[f0 - 'a'] |= f1 >= 'a' && f1 <= 'z' ? 1u << (f1 - 'a') : 0x3FFFFFFu;
  }
  return index_by_first(t->v, t->n, lex_form_at, &t->by_first, t->first_start);
}

/* Builds w->by_first (see word_list). */
static int32_t index_words(word_list *w) {
  memset(w->bloom, 0, sizeof w->bloom);
  for (size_t k = 0; k < w->n; k++) {
    uint64_t h = idner__hash(w->v[k], strlen(w->v[k]));
    w->bloom[h >> 62] |= 1ull << (h >> 56 & 63u);
  }
  return index_by_first(w->v, w->n, word_at, &w->by_first, w->first_start);
}

/* The calendar table's names (holidays, Hijri months) as lexicon entries;
 * the forms live as long as the table. */
static int32_t calendar_lexicon(idner__dategrammar *g) {
  size_t n = idner__cal_form_count(g->cal);
  g->cal_tab.v = calloc(n ? n : 1, sizeof *g->cal_tab.v);
  if (!g->cal_tab.v) return IDNER_ERR_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const char *form;
    int kind, value;
    if (idner__cal_form_at(g->cal, i, &form, NULL, &kind, &value) != IDNER_OK) continue;
    unsigned flag = kind == IDNER__CAL_HMONTH   ? LX_HMONTH
                    : kind == IDNER__CAL_JMONTH ? LX_JMONTH
                                                : LX_HOLIDAY;
    g->cal_tab.v[g->cal_tab.n++] = (lex){form, value, flag};
  }
  /* the Hijri month names apart, for digit_rule_possible */
  g->hm_tab.v = calloc(g->cal_tab.n ? g->cal_tab.n : 1, sizeof *g->hm_tab.v);
  if (!g->hm_tab.v) return IDNER_ERR_NOMEM;
  for (size_t i = 0; i < g->cal_tab.n; i++)
    if (g->cal_tab.v[i].flags & (LX_HMONTH | LX_JMONTH))
      g->hm_tab.v[g->hm_tab.n++] = g->cal_tab.v[i];
  int32_t rc = index_table(&g->hm_tab);
  if (rc) return rc;
  digit_tables(g);
  /* holiday names bucketed by first byte, for word_rule_possible */
  g->hol_forms = calloc(g->cal_tab.n ? g->cal_tab.n : 1, sizeof *g->hol_forms);
  if (!g->hol_forms) return IDNER_ERR_NOMEM;
  memset(g->hol_start, 0, sizeof g->hol_start);
  for (size_t i = 0; i < g->cal_tab.n; i++)
    if (g->cal_tab.v[i].flags & LX_HOLIDAY) g->hol_start[hol_bucket(g->cal_tab.v[i].form[0]) + 1]++;
  for (int c = 1; c < 28; c++) g->hol_start[c] += g->hol_start[c - 1];
  uint32_t at[27];
  memcpy(at, g->hol_start, sizeof at);
  for (size_t i = 0; i < g->cal_tab.n; i++) {
    const char *f = g->cal_tab.v[i].form, *sp = strchr(f, ' ');
    if (!(g->cal_tab.v[i].flags & LX_HOLIDAY)) continue;
    struct hol_form *h = &g->hol_forms[at[hol_bucket(f[0])]++];
    h->form = f;
    h->second = sp ? (unsigned char)ascii_lower((unsigned char)sp[1]) : 0;
  }
  return IDNER_OK;
}

/* 0 if the form cannot match (may_start_with and form_prefix answer 0) at
 * a text that starts with the ASCII letters w[0..len) (lower case; the
 * text's in either case), then ends or has an ASCII byte that is no letter.
 * A form's byte outside ASCII may match a k, s or i; a space or another
 * byte at the word's end depends on the byte there. */
static int form_may_at_word(const char *form, const char *w, size_t len) {
  size_t i = 0;
  for (const unsigned char *f = (const unsigned char *)form; *f; f++, i++) {
    unsigned c = *f;
    if (i == len) return !(c >= 'a' && c <= 'z');
    if (c >= 'a' && c <= 'z') {
      if (c != (unsigned char)w[i]) return 0;
      continue;
    }
    if (c >= 0x80) return w[i] == 'k' || w[i] == 's' || w[i] == 'i';
    return 0; /* a space or another ASCII byte against a letter */
  }
  return 1; /* the form ends within the word or with it */
}

/* List s of trigger word w (see wl_start): its forms that may match, in
 * the order the filters walk them (form_iter; for the holiday names, their
 * first byte's bucket, then bucket 26). Writes to out unless NULL; returns
 * the count. */
/* wl_tag of a form listed for the word w[0..len): 28 if it is the word;
 * what must follow the word, when the form starts with it: white space
 * (26) and a letter (its bit); else 27. */
static uint8_t word_tag(const char *form, const char *w, size_t len) {
  if (strncmp(form, w, len) == 0 && form[len] == '\0') return 28;
  if (strncmp(form, w, len) != 0 || form[len] != ' ') return 27;
  char c = form[len + 1];
  return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a') : 26;
}

static uint32_t word_list_fill(const idner__dategrammar *g, int s, const char *w, size_t len,
                               uint32_t *out) {
  uint32_t m = 0;
  if (s == WL_HOL) {
    int b = w[0] - 'a';
    for (int pass = 0; pass < 2; pass++, b = 26)
      for (uint32_t k = g->hol_start[b]; k < g->hol_start[b + 1]; k++)
        if (form_may_at_word(g->hol_forms[k].form, w, len)) {
          if (out) out[m] = k, g->wl_tag[out - g->wl_idx + m] = word_tag(g->hol_forms[k].form, w, len);
          m++;
        }
    return m;
  }
  const lex_table *t = s == WL_HM ? &g->hm_tab : &g->tab[s];
  form_iter it;
  form_iter_init(&it, t, (unsigned char)w[0]);
  for (const lex *e; (e = form_next(&it)) != NULL;) {
    uint32_t idx = (uint32_t)(e - t->v);
    if (form_may_at_word(e->form, w, len)) {
      if (out) out[m] = idx, g->wl_tag[out - g->wl_idx + m] = word_tag(e->form, w, len);
      m++;
    }
  }
  return m;
}

/* Builds wl_start and wl_idx (needs the triggers, the indexed tables and
 * the holiday names). A trigger that is not all ASCII lower-case letters
 * gets empty lists (word_lists_at never applies them). */
static int32_t word_lists(idner__dategrammar *g) {
  free(g->wl_start), free(g->wl_idx), free(g->wl_tag), free(g->wl_ok);
  g->wl_start = NULL, g->wl_idx = NULL, g->wl_tag = NULL;
  size_t rows = g->ntriggers * WL_COUNT;
  if (!(g->wl_ok = calloc(g->ntriggers ? g->ntriggers : 1, 1))) return IDNER_ERR_NOMEM;
  uint32_t *start = calloc(rows + 1, sizeof *start);
  if (!start) return IDNER_ERR_NOMEM;
  uint32_t total = 0;
  for (int pass = 0; pass < 2; pass++) {
    total = 0;
    for (size_t k = 0; k < g->ntriggers; k++) {
      const trigger *tr = &g->triggers[k];
      int letters = tr->len > 0;
      for (size_t j = 0; j < tr->len; j++) letters &= tr->s[j] >= 'a' && tr->s[j] <= 'z';
      g->wl_ok[k] = (uint8_t)letters;
      for (int s = 0; s < WL_COUNT; s++) {
        start[k * WL_COUNT + (size_t)s] = total;
        if (letters) total += word_list_fill(g, s, tr->s, tr->len, pass ? g->wl_idx + total : NULL);
      }
    }
    start[rows] = total;
    if (!pass) {
      g->wl_idx = malloc((total ? total : 1) * sizeof *g->wl_idx);
      g->wl_tag = malloc(total ? total : 1);
      if (!g->wl_idx || !g->wl_tag) {
        free(start);
        return IDNER_ERR_NOMEM; /* (the others are freed with the grammar) */
      }
    }
  }
  /* the rows as 16 bits (a few hundred entries: two cache lines a word) */
  if (total <= UINT16_MAX && (g->wl_start = malloc((rows + 1) * sizeof *g->wl_start)) != NULL)
    for (size_t r = 0; r <= rows; r++) g->wl_start[r] = (uint16_t)start[r];
  free(start);
  return total <= UINT16_MAX && !g->wl_start ? IDNER_ERR_NOMEM : IDNER_OK;
}

static const idner__embedded_file *embedded(const char *name) {
  for (unsigned i = 0; i < idner__embedded_count; i++)
    if (strcmp(idner__embedded_files[i].name, name) == 0) return &idner__embedded_files[i];
  return NULL;
}

/* ---- the embedded image (image.h) ------------------------------------------
 * The grammar built at compile time from the embedded files: the rules'
 * serialized code and group numbers, the calendar, the split grammar text
 * and, as uint32 words, the tables that point into it (a string as its
 * offset in the text, or in the calendar's pool with bit 31 set):
 *   nrules, order[R_COUNT], special[TS_COUNT], table sizes[T_COUNT], list
 *   sizes[W_COUNT], triggers, trigger slots, then each table's entries
 *   (form, val, flags), each list's words (string), the triggers (string,
 *   len, rules) and the trigger slots.
 * Loading it only turns offsets back into pointers. */

#define IMG_CAL 0x80000000u
#define IMG_HEAD (1 + R_COUNT + TS_COUNT + T_COUNT + W_COUNT + 2)

typedef struct u32vec {
  uint32_t *v;
  size_t n, cap;
} u32vec;

static int32_t put(u32vec *w, uint32_t x) {
  int32_t rc = IDNER__RESERVE(w, w->n + 1);
  if (!rc) w->v[w->n++] = x;
  return rc;
}

/* A string of the grammar as an image offset. */
static uint32_t str_off(const idner__dategrammar *g, const char *p) {
  size_t cn;
  uintptr_t a = (uintptr_t)p, t = (uintptr_t)g->text, c = (uintptr_t)idner__cal_pool(g->cal, &cn);
  if (a >= t && a < t + g->text_size) return (uint32_t)(a - t);
  return IMG_CAL | (uint32_t)(a - c); /* calendar names: the trigger table only */
}

static const char *str_at(const idner__dategrammar *g, uint32_t off) {
  size_t cn;
  const char *cp = idner__cal_pool(g->cal, &cn);
  if (off & IMG_CAL) return (off & ~IMG_CAL) < cn ? cp + (off & ~IMG_CAL) : NULL;
  return off < g->text_size ? g->text + off : NULL;
}

static int32_t tables_image(const idner__dategrammar *g, u32vec *w) {
  int32_t rc = put(w, (uint32_t)g->nrules);
  for (int r = 0; r < R_COUNT && !rc; r++) rc = put(w, (uint32_t)g->order[r]);
  for (int k = 0; k < TS_COUNT && !rc; k++) rc = put(w, g->special[k]);
  for (int t = 0; t < T_COUNT && !rc; t++) rc = put(w, (uint32_t)g->tab[t].n);
  for (int k = 0; k < W_COUNT && !rc; k++) rc = put(w, (uint32_t)g->words[k].n);
  if (!rc) rc = put(w, (uint32_t)g->ntriggers);
  if (!rc) rc = put(w, (uint32_t)g->trig_nslots);
  for (int t = 0; t < T_COUNT; t++)
    for (size_t i = 0; i < g->tab[t].n && !rc; i++) {
      const lex *e = &g->tab[t].v[i];
      if (!(rc = put(w, str_off(g, e->form))) && !(rc = put(w, (uint32_t)e->val)))
        rc = put(w, e->flags);
    }
  for (int k = 0; k < W_COUNT; k++)
    for (size_t i = 0; i < g->words[k].n && !rc; i++) rc = put(w, str_off(g, g->words[k].v[i]));
  for (size_t i = 0; i < g->ntriggers && !rc; i++) {
    const trigger *t = &g->triggers[i];
    if (!(rc = put(w, str_off(g, t->s))) && !(rc = put(w, (uint32_t)t->len))) rc = put(w, t->rules);
  }
  for (size_t i = 0; i < g->trig_nslots && !rc; i++) rc = put(w, g->trig_slots[i]);
  return rc;
}

/* Fills g's tables from the image's words (g->text and g->cal set). */
static int32_t tables_from_image(idner__dategrammar *g, const uint32_t *w, size_t nw) {
  if (nw < IMG_HEAD) return IDNER_ERR_INTERNAL;
  const uint32_t *p = w, *end = w + nw;
  g->nrules = *p++;
  if (g->nrules > R_COUNT) return IDNER_ERR_INTERNAL;
  for (int r = 0; r < R_COUNT; r++, p++) {
    if (*p >= R_COUNT) return IDNER_ERR_INTERNAL;
    g->order[r] = (rule_id)*p;
  }
  for (int k = 0; k < TS_COUNT; k++) g->special[k] = *p++;
  const uint32_t *tab_n = p, *words_n = p + T_COUNT;
  p += T_COUNT + W_COUNT;
  size_t ntrig = *p++, nslots = *p++;
  size_t need = 2 * ntrig + nslots; /* overflow-free: each term is below 2^33 */
  for (int t = 0; t < T_COUNT; t++) need += 3 * (size_t)tab_n[t];
  for (int k = 0; k < W_COUNT; k++) need += words_n[k];
  need += ntrig;
  if ((size_t)(end - p) != need || (nslots & (nslots - 1))) return IDNER_ERR_INTERNAL;
  for (int t = 0; t < T_COUNT; t++) {
    lex_table *tb = &g->tab[t];
    if (IDNER__RESERVE(tb, tab_n[t])) return IDNER_ERR_NOMEM;
    for (; tb->n < tab_n[t]; p += 3) {
      if (!(tb->v[tb->n].form = str_at(g, p[0]))) return IDNER_ERR_INTERNAL;
      tb->v[tb->n].val = (int)p[1];
      tb->v[tb->n++].flags = p[2];
    }
  }
  for (int k = 0; k < W_COUNT; k++) {
    word_list *wl = &g->words[k];
    if (IDNER__RESERVE(wl, words_n[k])) return IDNER_ERR_NOMEM;
    for (; wl->n < words_n[k]; p++)
      if (!(wl->v[wl->n++] = str_at(g, *p))) return IDNER_ERR_INTERNAL;
  }
  g->triggers = malloc((ntrig ? ntrig : 1) * sizeof *g->triggers);
  g->trig_slots = malloc((nslots ? nslots : 1) * sizeof *g->trig_slots);
  if (!g->triggers || !g->trig_slots) return IDNER_ERR_NOMEM;
  for (size_t i = 0; i < ntrig; i++, p += 3) {
    if (!(g->triggers[i].s = str_at(g, p[0]))) return IDNER_ERR_INTERNAL;
    g->triggers[i].len = p[1];
    g->triggers[i].rules = p[2];
  }
  g->ntriggers = ntrig;
  for (size_t i = 0; i < nslots; i++, p++) {
    if (p[0] > ntrig) return IDNER_ERR_INTERNAL;
    g->trig_slots[i] = p[0];
  }
  g->trig_nslots = nslots;
  return trigger_tables(g);
}

/* The rules' code from the image: 1 on success, 0 if this PCRE2 refuses it
 * (another version). */
static int rules_from_image(idner__dategrammar *g, const idner__dates_image *im) {
  if (im->groups.size != sizeof g->group) return 0;
  int32_t n = pcre2_serialize_get_number_of_codes(im->codes.p);
  if (n != R_COUNT || pcre2_serialize_decode(g->code, R_COUNT, im->codes.p, NULL) != R_COUNT) {
    for (int r = 0; r < R_COUNT; r++) pcre2_code_free(g->code[r]), g->code[r] = NULL;
    return 0;
  }
  memcpy(g->group, im->groups.p, sizeof g->group);
  return 1;
}

/* The whole grammar from the image: IDNER_OK, or 1 when the caller must
 * compile the embedded files instead (PCRE2 refused the code), or an error. */
static int32_t grammar_from_image(idner__dategrammar *g, const idner__dates_image *im) {
  if (!im->text.size || ((const char *)im->text.p)[im->text.size - 1] ||
      im->tables.size % sizeof(uint32_t))
    return IDNER_ERR_INTERNAL;
  if (!rules_from_image(g, im)) return 1;
  g->text = (char *)im->text.p; /* read-only: the tables point into it */
  g->text_size = im->text.size;
  g->text_borrowed = 1;
  int32_t rc = idner__cal_adopt(&im->cal, &g->cal);
  if (!rc) rc = tables_from_image(g, im->tables.p, im->tables.size / sizeof(uint32_t));
  /* the matcher's digit filter reads the calendar names (digit_tables) */
  if (!rc) rc = calendar_lexicon(g);
  if (!rc) rc = word_lists(g);
  return rc;
}

int32_t idner__dates_image_of(const idner__dategrammar *g, idner__dates_image *out) {
  memset(out, 0, sizeof *out);
  uint8_t *bytes = NULL;
  PCRE2_SIZE size = 0;
  int32_t n = pcre2_serialize_encode((const pcre2_code **)g->code, R_COUNT, &bytes, &size, NULL);
  if (n != R_COUNT) return n == PCRE2_ERROR_NOMEMORY ? IDNER_ERR_NOMEM : IDNER_ERR_INTERNAL;
  out->codes = (idner__blob){bytes, size};
  out->groups = (idner__blob){g->group, sizeof g->group};
  out->text = (idner__blob){g->text, g->text_size};
  u32vec w = {NULL, 0, 0};
  int32_t rc = tables_image(g, &w);
  out->tables = (idner__blob){w.v, w.n * sizeof *w.v};
  if (!rc) rc = idner__cal_image_of(g->cal, &out->cal);
  if (rc) idner__dates_image_free(out);
  return rc;
}

void idner__dates_image_free(idner__dates_image *im) {
  pcre2_serialize_free((uint8_t *)im->codes.p);
  free((void *)im->tables.p);
  idner__cal_image_free(&im->cal);
  im->codes = im->tables = (idner__blob){NULL, 0};
}

int32_t idner__dates_compile(idner__dategrammar **out, char *err, size_t errsz) {
  return idner__dates_compile_from(NULL, 0, NULL, NULL, 0, NULL, out, err, errsz);
}

static idner__dategrammar *new_grammar(const char *fname) {
  idner__dategrammar *g = calloc(1, sizeof *g);
  if (!g) return NULL;
  atomic_init(&g->jit_done, 0u);
  atomic_init(&g->jit_ok, 0u);
  if (pthread_mutex_init(&g->jit_lock, NULL) != 0) {
    free(g);
    return NULL;
  }
  g->jit_lock_ok = 1;
  g->fname = fname;
  return g;
}

int32_t idner__dates_compile_from(const char *grammar, size_t glen, const char *gname,
                                  const char *calendar, size_t clen, const char *cname,
                                  idner__dategrammar **out, char *err, size_t errsz) {
  *out = NULL;
  idner__dategrammar *g;
  int32_t rc;
  if (!grammar && !calendar && idner__the_image.present) {
    /* The embedded files: their image, unless this PCRE2 refuses its code
     * (then they are compiled below). */
    if (!(g = new_grammar(GRAMMAR_FILE))) return IDNER_ERR_NOMEM;
    rc = grammar_from_image(g, &idner__the_image.dates);
    if (rc == IDNER_OK) {
      *out = g;
      return IDNER_OK;
    }
    idner__dates_free(g);
    if (rc == IDNER_ERR_NOMEM) idner__fmt(err, errsz, "date grammar: out of memory");
    if (rc == IDNER_ERR_INTERNAL) idner__fmt(err, errsz, "the embedded date grammar is damaged");
    if (rc != 1) return rc;
  }
  if (!grammar) {
    const idner__embedded_file *f = embedded(GRAMMAR_FILE);
    if (!f) {
      idner__fmt(err, errsz, "%s is not embedded in the library", GRAMMAR_FILE);
      return IDNER_ERR_INTERNAL;
    }
    grammar = (const char *)f->data, glen = (size_t)f->size, gname = GRAMMAR_FILE;
  }
  if (!(g = new_grammar(gname ? gname : GRAMMAR_FILE))) return IDNER_ERR_NOMEM;
  idner__bytes pat = {NULL, 0, 0};
  rc = parse_grammar(g, grammar, glen, err, errsz);
  if (!rc)
    rc = calendar ? idner__cal_parse(calendar, clen, cname ? cname : "dates-calendar.tsv", &g->cal,
                                     err, errsz)
                  : idner__cal_load_default(&g->cal, err, errsz);
  if (!rc) rc = calendar_lexicon(g);
  for (int r = 0; r < R_COUNT && !rc; r++) rc = compile_rule(g, (rule_id)r, &pat, err, errsz);
  free(pat.v);
  if (!rc) rc = build_triggers(g);
  if (!rc) rc = trigger_tables(g);
  if (!rc) rc = word_lists(g);
  if (rc) {
    if (rc == IDNER_ERR_NOMEM) idner__fmt(err, errsz, "date grammar: out of memory");
    idner__dates_free(g);
    return rc;
  }
  *out = g;
  return IDNER_OK;
}

void idner__dates_free(idner__dategrammar *g) {
  if (!g) return;
  for (int r = 0; r < R_COUNT; r++) pcre2_code_free(g->code[r]);
  free(g->triggers);
  free(g->trig_slots);
  free(g->tslots);
  free(g->cal_tab.v);
  free(g->hol_forms);
  free(g->approx_words);
  free(g->wl_start);
  free(g->wl_idx);
  free(g->wl_tag);
  free(g->wl_ok);
  free(g->hm_tab.v);
  idner__cal_free(g->cal);
  for (int t = 0; t < T_COUNT; t++) free(g->tab[t].v), free(g->tab[t].by_first);
  free(g->hm_tab.by_first);
  for (int w = 0; w < W_COUNT; w++) free(g->words[w].v), free(g->words[w].by_first);
  free(g->frags.v);
  free(g->tsrc.v);
  if (!g->text_borrowed) free(g->text);
  if (g->jit_lock_ok) pthread_mutex_destroy(&g->jit_lock);
  free(g);
}

int32_t idner__datescratch_new(idner__datescratch **out) {
  *out = NULL;
  idner__datescratch *s = calloc(1, sizeof *s);
  if (!s) return IDNER_ERR_NOMEM;
  s->md = pcre2_match_data_create(OVECTOR_PAIRS, NULL);
  s->mctx = pcre2_match_context_create(NULL);
  if (!s->md || !s->mctx) {
    idner__datescratch_free(s);
    return IDNER_ERR_NOMEM;
  }
  pcre2_set_match_limit(s->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit(s->mctx, DEPTH_LIMIT);
  *out = s;
  return IDNER_OK;
}

void idner__datescratch_free(idner__datescratch *s) {
  if (!s) return;
  pcre2_match_data_free(s->md);
  pcre2_match_context_free(s->mctx);
  free(s);
}
