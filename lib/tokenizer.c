/* tokenizer.c — lenient UTF-8 decoding and the rule-based tokenizer for
 * Indonesian news text: splits text at whitespace, then into words (with
 * internal apostrophes and hyphens), numbers, dates, clock times, URLs and
 * domains, e-mails, hashtags, mentions, abbreviations, punctuation and
 * symbols, with byte and code-point offsets and shape flags.
 *
 * Linear time: every matcher either consumes what it scanned or looks ahead
 * a bounded distance; the two that may scan far and then fail (domains and
 * e-mail local parts) remember how far a failed scan reached, so the same
 * run is never rescanned from a later start. */
#include "tokenizer.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* ---- UTF-8 -------------------------------------------------------------- */

static int is_cont(unsigned char b) { return (b & 0xC0u) == 0x80u; }

size_t idner__utf8_decode(const char *s, size_t len, size_t i, int32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned char b0 = u[i];
  size_t left = len - i;
  *cp = -1;
  if (b0 < 0x80u) {
    *cp = b0;
    return 1;
  }
  if (b0 < 0xC2u || b0 > 0xF4u) return 1; /* stray continuation, overlong lead, > U+10FFFF */
  if (b0 < 0xE0u) {
    if (left < 2 || !is_cont(u[i + 1])) return 1;
    *cp = (int32_t)(((b0 & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu));
    return 2;
  }
  /* The second byte's range excludes overlongs (E0, F0), surrogates (ED)
   * and code points past U+10FFFF (F4). */
  unsigned char lo = 0x80u, hi = 0xBFu;
  if (b0 == 0xE0u) lo = 0xA0u;
  else if (b0 == 0xEDu) hi = 0x9Fu;
  else if (b0 == 0xF0u) lo = 0x90u;
  else if (b0 == 0xF4u) hi = 0x8Fu;
  if (left < 2 || u[i + 1] < lo || u[i + 1] > hi) return 1;
  if (b0 < 0xF0u) {
    if (left < 3 || !is_cont(u[i + 2])) return 1;
    *cp = (int32_t)(((b0 & 0x0Fu) << 12) | ((u[i + 1] & 0x3Fu) << 6) | (u[i + 2] & 0x3Fu));
    return 3;
  }
  if (left < 4 || !is_cont(u[i + 2]) || !is_cont(u[i + 3])) return 1;
  *cp = (int32_t)(((b0 & 0x07u) << 18) | ((u[i + 1] & 0x3Fu) << 12) |
                  ((u[i + 2] & 0x3Fu) << 6) | (u[i + 3] & 0x3Fu));
  return 4;
}

int idner__utf8_valid(const char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    int32_t cp;
    i += idner__utf8_decode(s, len, i, &cp);
    if (cp < 0) return 0;
  }
  return 1;
}

/* ---- Character classes -------------------------------------------------- */

enum {
  C_END,     /* past the end of the input */
  C_SPACE,   /* separates tokens: spaces, controls, NUL, invisible separators */
  C_INVALID, /* one invalid UTF-8 byte */
  C_UPPER,   /* Lu, Lt */
  C_LOWER,   /* Ll */
  C_LETTER,  /* caseless letters: Lm, Lo */
  C_MARK,    /* combining marks and in-word format characters (Mn Mc Me Cf) */
  C_DIGIT,   /* Nd */
  C_PUNCT,   /* P* */
  C_SYMBOL   /* S*, No, Nl, private use, unassigned */
};

typedef struct chr {
  int32_t cp;
  uint32_t n; /* bytes */
  int cls;
} chr;

/* Invisible characters that separate rather than join: zero-width space,
 * word joiner, BOM, Mongolian vowel separator and bidi controls. */
static int is_invisible_space(int32_t cp) {
  return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF || cp == 0x180E || cp == 0x200E ||
         cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* What the tokenizer needs to know of a byte, in one table lookup: its
 * class (ASCII only) in the low bits, and flags. Most bytes of news text
 * are ASCII, and the tokenizer looks at every byte. */
enum {
  B_CLASS = 0x0F,    /* C_* of an ASCII byte */
  B_UPPER = 0x10,    /* A-Z */
  B_LOWER = 0x20,    /* a-z */
  B_DIGIT = 0x40,    /* 0-9 */
  B_GOES_ON = 0x80,  /* after a word, a matcher may take it on: plain_word() */
  B_CURRENCY = 0x100, /* first letter of a currency prefix: r u i s (any case) */
  B_HIGH = 0x200,    /* >= 0x80: decode */
  B_BREAK = 0x400,   /* a line break (LF VT FF CR) */
  B_TERMINAL = 0x800, /* . ! ? may end a sentence */
  B_FIRST = 0x1000,  /* not in the table: the first token of the split */
  B_CURRENCY2 = 0x2000, /* second byte of a currency prefix: p s d $ (any case) */
  B_PUNCT1 = 0x4000   /* punctuation that is a token of its own, never a terminal */
};
#define B_ALNUM (B_UPPER | B_LOWER | B_DIGIT)
_Static_assert(B_CURRENCY << 5 == B_CURRENCY2, "maybe_currency() shifts one onto the other");
#define SP C_SPACE
#define BR (C_SPACE | B_BREAK)
#define PU (C_PUNCT | B_PUNCT1)
#define PH C_PUNCT /* '#': a hashtag's start */
#define PG (C_PUNCT | B_GOES_ON)
#define PT (C_PUNCT | B_TERMINAL)
#define PX (C_PUNCT | B_GOES_ON | B_TERMINAL)
#define SY C_SYMBOL
#define YG (C_SYMBOL | B_GOES_ON)
#define DG (C_DIGIT | B_DIGIT)
#define UP (C_UPPER | B_UPPER)
#define UC (C_UPPER | B_UPPER | B_CURRENCY)
#define U2 (C_UPPER | B_UPPER | B_CURRENCY2)
#define UB (C_UPPER | B_UPPER | B_CURRENCY | B_CURRENCY2)
#define LO (C_LOWER | B_LOWER)
#define LC (C_LOWER | B_LOWER | B_CURRENCY)
#define L2 (C_LOWER | B_LOWER | B_CURRENCY2)
#define LB (C_LOWER | B_LOWER | B_CURRENCY | B_CURRENCY2)
#define Y2 (C_SYMBOL | B_GOES_ON | B_CURRENCY2)
#define HI B_HIGH
static const uint16_t k_byte[256] = {
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, BR, BR, BR, BR, SP, SP, /* 00 */
    SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, SP, /* 10 */
    SP, PT, PU, PH, Y2, PG, PU, PG, PU, PU, PU, YG, PU, PG, PX, PU, /*  !"#$%&'()*+,-./ */
    DG, DG, DG, DG, DG, DG, DG, DG, DG, DG, PG, PU, SY, SY, SY, PT, /* 0-9 :;<=>? */
    PG, UP, UP, UP, U2, UP, UP, UP, UP, UC, UP, UP, UP, UP, UP, UP, /* @A-O */
    U2, UP, UC, UB, UP, UC, UP, UP, UP, UP, UP, PU, PU, PU, SY, PG, /* P-Z [\]^_ */
    SY, LO, LO, LO, L2, LO, LO, LO, LO, LC, LO, LO, LO, LO, LO, LO, /* `a-o */
    L2, LO, LC, LB, LO, LC, LO, LO, LO, LO, LO, PU, SY, PU, SY, SP, /* p-z {|}~ DEL */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* 80 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* 90 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* A0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* B0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* C0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* D0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* E0 */
    HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, HI, /* F0 */
};
#undef SP
#undef BR
#undef PU
#undef PH
#undef PG
#undef PT
#undef PX
#undef SY
#undef YG
#undef DG
#undef UP
#undef UC
#undef U2
#undef UB
#undef LO
#undef LC
#undef L2
#undef LB
#undef Y2
#undef HI

/* Class of an ASCII byte. */
static inline int ascii_class(unsigned char b) { return k_byte[b] & B_CLASS; }

static int cp_class(int32_t cp) {
  if (cp < 0) return C_INVALID;
  if (cp < 0x80) return ascii_class((unsigned char)cp);
  if (is_invisible_space(cp)) return C_SPACE;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT: return C_UPPER;
    case UTF8PROC_CATEGORY_LL: return C_LOWER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return C_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF: return C_MARK;
    case UTF8PROC_CATEGORY_ND: return C_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC: return C_SPACE;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO: return C_PUNCT;
    default: return C_SYMBOL;
  }
}

static int is_letter(int cls) { return cls == C_UPPER || cls == C_LOWER || cls == C_LETTER; }
static int is_alnum(int cls) { return is_letter(cls) || cls == C_DIGIT; }
static int is_wordchar(int cls) { return is_alnum(cls) || cls == C_MARK; }

/* ---- Scanner ------------------------------------------------------------ */

typedef struct scanner {
  const unsigned char *s;
  size_t len;
  /* Memos that keep the tokenizer linear: a domain (e-mail) scan that
   * started before this offset covered the same label (local-part) run
   * as any later start before it, so it cannot succeed there. */
  size_t no_domain_before;
  size_t no_email_before;
  /* End of the last ASCII alphanumeric run measured: every start inside
   * the run ends at the same place. */
  size_t alnum_run_end;
} scanner;

static inline chr chr_at(const scanner *sc, size_t i) {
  chr c = {-1, 0, C_END};
  if (i >= sc->len) return c;
  if (sc->s[i] < 0x80u) { /* ASCII fast path */
    c.cp = sc->s[i];
    c.n = 1;
    c.cls = ascii_class(sc->s[i]);
    return c;
  }
  c.n = (uint32_t)idner__utf8_decode((const char *)sc->s, sc->len, i, &c.cp);
  c.cls = cp_class(c.cp);
  return c;
}

/* The byte at i, or 0 past the end (0 never matches any ASCII test below). */
static unsigned char byte_at(const scanner *sc, size_t i) { return i < sc->len ? sc->s[i] : 0; }

static int a_digit(unsigned char b) { return b >= '0' && b <= '9'; }
static int a_alpha(unsigned char b) { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'); }
static int a_alnum(unsigned char b) { return a_digit(b) || a_alpha(b); }
static int a_lower(unsigned char b) { return b >= 'a' && b <= 'z'; }
static int a_upper(unsigned char b) { return b >= 'A' && b <= 'Z'; }
static unsigned char a_tolower(unsigned char b) { return a_upper(b) ? (unsigned char)(b + 32) : b; }

static size_t digits_end(const scanner *sc, size_t i) {
  while (a_digit(byte_at(sc, i))) i++;
  return i;
}

/* Number of ASCII digits at i, counting at most max + 1 (bounded look-ahead). */
static size_t count_digits(const scanner *sc, size_t i, size_t max) {
  size_t n = 0;
  while (n <= max && a_digit(byte_at(sc, i + n))) n++;
  return n;
}

static unsigned digits_value(const scanner *sc, size_t i, size_t n) {
  unsigned v = 0;
  for (size_t k = 0; k < n; k++) v = v * 10u + (unsigned)(sc->s[i + k] - '0');
  return v;
}

/* True when the token-start at i follows an ASCII letter or digit, so '#'
 * or '@' there is not a hashtag or mention. */
static int after_alnum(const scanner *sc, size_t i) { return i > 0 && a_alnum(sc->s[i - 1]); }

/* ---- Numbers, dates, times ---------------------------------------------- */

/* A date or time ends here unless more of a number follows ("19.09.2023.5",
 * "10.305", "12.30%"); a following '-' is a range and does not count. */
static int number_continues(const scanner *sc, size_t i) {
  unsigned char b = byte_at(sc, i);
  if (a_digit(b) || b == '%') return 1;
  return (b == '.' || b == ',' || b == ':' || b == '/') && a_digit(byte_at(sc, i + 1));
}

static int valid_day_month(unsigned d, unsigned m) { return d >= 1 && d <= 31 && m >= 1 && m <= 12; }

/* Full dates also accept the US order m/d/yyyy ("9/23/2015") found in
 * syndicated copy; the date grammar decides what it means. */
static int valid_either_order(unsigned a, unsigned b) {
  return valid_day_month(a, b) || valid_day_month(b, a);
}

/* yyyy-mm-dd or yyyy/mm/dd. */
static size_t match_iso_date(const scanner *sc, size_t p) {
  unsigned char sep = byte_at(sc, p + 4);
  if (sep != '-' && sep != '/') return 0;
  size_t m = count_digits(sc, p + 5, 2);
  if (m < 1 || m > 2 || byte_at(sc, p + 5 + m) != sep) return 0;
  size_t q = p + 6 + m, d = count_digits(sc, q, 2);
  if (d < 1 || d > 2) return 0;
  if (!valid_day_month(digits_value(sc, q, d), digits_value(sc, p + 5, m))) return 0;
  return number_continues(sc, q + d) ? 0 : q + d;
}

/* "2/3" in "1/2/3" is the tail of a longer number, not a date. */
static int after_slash_number(const scanner *sc, size_t p) {
  return p >= 2 && sc->s[p - 1] == '/' && a_digit(sc->s[p - 2]);
}

/* d-m-yyyy, d/m/yyyy, d/m/yy, d.m.yyyy, d/m (day and month of 1-2 digits),
 * and the ISO forms. Returns the end or 0. */
static size_t match_date(const scanner *sc, size_t p) {
  size_t a = count_digits(sc, p, 4);
  if (a == 4) return match_iso_date(sc, p);
  if (a > 2) return 0;
  unsigned char sep = byte_at(sc, p + a);
  if (sep != '-' && sep != '/' && sep != '.') return 0;
  size_t q = p + a + 1, b = count_digits(sc, q, 2);
  if (b < 1 || b > 2) return 0;
  unsigned x = digits_value(sc, p, a), y = digits_value(sc, q, b);
  size_t r = q + b;
  if (byte_at(sc, r) == sep) {
    size_t c = count_digits(sc, r + 1, 4);
    if ((c == 4 || (c == 2 && sep == '/')) && valid_either_order(x, y) &&
        !number_continues(sc, r + 1 + c))
      return r + 1 + c;
    return 0;
  }
  if (sep == '/' && valid_day_month(x, y) && !number_continues(sc, r) && !after_slash_number(sc, p))
    return r;
  return 0;
}

/* H.MM, HH.MM, H:MM, HH:MM (hour <= 24, minute <= 59), HH:MM:SS. */
static size_t match_time(const scanner *sc, size_t p) {
  size_t a = count_digits(sc, p, 2);
  if (a < 1 || a > 2) return 0;
  unsigned char sep = byte_at(sc, p + a);
  if (sep != '.' && sep != ':') return 0;
  size_t q = p + a + 1;
  if (count_digits(sc, q, 2) != 2) return 0;
  if (digits_value(sc, p, a) > 24 || digits_value(sc, q, 2) > 59) return 0;
  size_t e = q + 2;
  if (sep == ':' && byte_at(sc, e) == ':' && count_digits(sc, e + 1, 2) == 2 &&
      digits_value(sc, e + 1, 2) <= 59)
    e += 3;
  return number_continues(sc, e) ? 0 : e;
}

/* Digits with '.' or ',' groups ("1.000.000", "3,5", "192.168.1.1"); a
 * trailing separator is not included. *grouped says a separator was used. */
static size_t scan_number(const scanner *sc, size_t p, int *grouped) {
  size_t q = digits_end(sc, p);
  *grouped = 0;
  while ((byte_at(sc, q) == '.' || byte_at(sc, q) == ',') && a_digit(byte_at(sc, q + 1))) {
    q = digits_end(sc, q + 1);
    *grouped = 1;
  }
  return q;
}

/* "Rp10.000,-": the ",-" that closes an amount, when nothing word-like follows. */
static size_t amount_dash(const scanner *sc, size_t e) {
  if (byte_at(sc, e) == ',' && byte_at(sc, e + 1) == '-' && !is_wordchar(chr_at(sc, e + 2).cls))
    return e + 2;
  return e;
}

/* Length of the currency prefix glued to an amount at p ("Rp10.000",
 * "Rp.5", "USD5", "US$5", "IDR5", "S$5", "$5", "€5", "£5", "¥5"), or 0;
 * ASCII letters match in any case ("rp", "usd"). */
static inline size_t currency_prefix(const scanner *sc, size_t p) {
  unsigned char b1 = byte_at(sc, p + 1), b2 = byte_at(sc, p + 2);
  switch (a_tolower(sc->s[p])) {
    case 'r': return a_tolower(b1) != 'p' ? 0 : b2 == '.' ? 3 : 2;
    case 'u': return a_tolower(b1) == 's' && (b2 == '$' || a_tolower(b2) == 'd') ? 3 : 0;
    case 'i': return a_tolower(b1) == 'd' && a_tolower(b2) == 'r' ? 3 : 0;
    case 's': return b1 == '$' ? 2 : 0;
    case '$': return 1;
    case 0xE2: return b1 == 0x82 && b2 == 0xAC ? 3 : 0;   /* € */
    case 0xC2: return b1 == 0xA3 || b1 == 0xA5 ? 2 : 0; /* £ ¥ */
    default: return 0;
  }
}

/* A currency prefix and the amount glued to it. Returns the end or 0. */
static size_t match_currency(const scanner *sc, size_t p) {
  size_t n = currency_prefix(sc, p);
  if (!n || !a_digit(byte_at(sc, p + n))) return 0;
  int grouped;
  return amount_dash(sc, scan_number(sc, p + n, &grouped));
}

/* "US$" or "S$" standing alone ("US$ 5") is one symbol, not "US" + "$". */
static size_t match_dollar_word(const scanner *sc, size_t p) {
  size_t n = currency_prefix(sc, p);
  return n >= 2 && sc->s[p + n - 1] == '$' ? p + n : 0;
}

/* ---- URLs, domains, e-mails, hashtags, mentions --------------------------- */

/* Characters allowed inside a URL after the scheme or host. */
static int url_char(const scanner *sc, size_t i, uint32_t *n) {
  unsigned char b = byte_at(sc, i);
  *n = 1;
  if (b >= 0x80u) {
    chr c = chr_at(sc, i);
    *n = c.n;
    return is_wordchar(c.cls);
  }
  return b > 0x20u && b < 0x7Fu && !strchr("\"<>\\^`{|}", b);
}

/* Extends a URL over its path/query from i and trims trailing punctuation
 * that belongs to the sentence ("...co.id/a)," -> "...co.id/a"). */
static size_t url_tail(const scanner *sc, size_t i) {
  size_t start = i;
  long parens = 0, brackets = 0;
  uint32_t n;
  while (url_char(sc, i, &n)) {
    unsigned char b = sc->s[i];
    parens += b == '(' ? 1 : b == ')' ? -1 : 0;
    brackets += b == '[' ? 1 : b == ']' ? -1 : 0;
    i += n;
  }
  while (i > start) {
    unsigned char b = sc->s[i - 1];
    if (b && strchr(".,;:!?'*", b)) i--;
    else if (b == ')' && parens < 0) i--, parens++;
    else if (b == ']' && brackets < 0) i--, brackets++;
    else break;
  }
  return i;
}

/* scheme://rest, e.g. https://example.co.id/a/b?c=d. */
static size_t match_scheme_url(const scanner *sc, size_t p) {
  size_t q = p;
  while (q - p < 16 && (a_alnum(byte_at(sc, q)) || byte_at(sc, q) == '+' ||
                        byte_at(sc, q) == '.' || byte_at(sc, q) == '-'))
    q++;
  if (byte_at(sc, q) != ':' || byte_at(sc, q + 1) != '/' || byte_at(sc, q + 2) != '/') return 0;
  size_t e = url_tail(sc, q + 3);
  return e > q + 3 ? e : 0;
}

/* One host label: [A-Za-z0-9]+ (-[A-Za-z0-9]+)*. Returns its end (i if none). */
static size_t scan_label(const scanner *sc, size_t i) {
  for (;;) {
    while (a_alnum(byte_at(sc, i))) i++;
    if (byte_at(sc, i) != '-' || !a_alnum(byte_at(sc, i + 1))) return i;
    i++;
  }
}

/* Known final labels, NUL-padded to 4 bytes (second-level forms such as
 * go.id, co.id end in "id" anyway). */
static const char k_tlds[][4] = {"au", "biz", "cn", "co", "com", "edu", "gov", "id",  "info", "io",
                                 "jp", "my",  "net", "news", "org", "ru", "sg", "tv", "uk"};

/* Final label of a domain we recognize. All lower or all upper case: "Id"
 * after a period is more likely a missing space than a domain. */
static int is_tld(const scanner *sc, size_t b, size_t e) {
  char buf[4] = {0, 0, 0, 0};
  size_t n = e - b, upper = 0;
  if (n < 2 || n > 4) return 0;
  for (size_t k = 0; k < n; k++) {
    unsigned char c = sc->s[b + k];
    if (!a_alpha(c)) return 0;
    upper += a_upper(c);
    buf[k] = (char)a_tolower(c);
  }
  if (upper != 0 && upper != n) return 0;
  for (size_t k = 0; k < sizeof k_tlds / sizeof *k_tlds; k++)
    if (memcmp(k_tlds[k], buf, 4) == 0) return 1;
  return 0;
}

/* A label is a possible end only if no non-ASCII letter glues onto it. */
static int label_ends_clean(const scanner *sc, size_t e) {
  return byte_at(sc, e) < 0x80u || !is_wordchar(chr_at(sc, e).cls);
}

/* Scans the run of dot-separated labels from p. *last_tld: end of the last
 * label (index >= 1) that is a known TLD; *last_alpha: same for any label of
 * >= 2 letters. Returns the end of the run. */
static size_t scan_host(const scanner *sc, size_t p, size_t *last_tld, size_t *last_alpha) {
  size_t q = p, idx = 0;
  *last_tld = *last_alpha = 0;
  for (;;) {
    size_t e = scan_label(sc, q);
    if (e == q) return q;
    if (idx++ >= 1 && label_ends_clean(sc, e)) {
      if (is_tld(sc, q, e)) *last_tld = e;
      size_t k = q;
      while (k < e && a_alpha(sc->s[k])) k++;
      if (k == e && e - q >= 2) *last_alpha = e;
    }
    if (byte_at(sc, e) != '.' || !a_alnum(byte_at(sc, e + 1))) return e;
    q = e + 1;
  }
}

/* Bisnis.com, www.kompas.com, antaranews.com/berita/1 (a path after the
 * domain is kept, but not a photo credit: "KOMPAS.com/Garry Lotulung").
 * Returns the end or 0. */
static size_t match_domain(scanner *sc, size_t p) {
  if (p < sc->no_domain_before) return 0;
  size_t tld, alpha;
  size_t run = scan_host(sc, p, &tld, &alpha);
  sc->no_domain_before = run;
  if (!tld) return 0;
  unsigned char b = byte_at(sc, tld), next = byte_at(sc, tld + 1);
  if ((b == '/' && !a_upper(next)) || (b == ':' && a_digit(next))) return url_tail(sc, tld);
  return tld;
}

static int email_local_char(unsigned char b) { return a_alnum(b) || (b && strchr("._%+-", b)); }

/* local@host where host ends in a known TLD or, failing that, in a label of
 * two or more letters. */
static size_t match_email(scanner *sc, size_t p) {
  if (p < sc->no_email_before) return 0;
  size_t q = p;
  while (email_local_char(byte_at(sc, q))) q++;
  sc->no_email_before = q;
  if (byte_at(sc, q) != '@' || !a_alnum(byte_at(sc, q + 1))) return 0;
  size_t tld, alpha;
  scan_host(sc, q + 1, &tld, &alpha);
  return tld ? tld : alpha;
}

/* #PemiluDamai: word characters or '_' with at least one letter. */
static size_t match_hashtag(const scanner *sc, size_t p) {
  if (after_alnum(sc, p)) return 0;
  size_t q = p + 1;
  int letters = 0;
  for (;;) {
    chr c = chr_at(sc, q);
    if (!is_wordchar(c.cls) && c.cp != '_') break;
    letters |= is_letter(c.cls);
    q += c.n;
  }
  return letters ? q : 0;
}

/* @jokowi, @user_name, @nama.akun (no trailing period). */
static size_t match_mention(const scanner *sc, size_t p) {
  if (after_alnum(sc, p)) return 0;
  size_t q = p + 1;
  for (;;) {
    unsigned char b = byte_at(sc, q);
    if (a_alnum(b) || b == '_') q++;
    else if (b == '.' && q > p + 1 && (a_alnum(byte_at(sc, q + 1)) || byte_at(sc, q + 1) == '_'))
      q++;
    else
      break;
  }
  return q > p + 1 ? q : 0;
}

/* ---- Abbreviations ------------------------------------------------------ */

/* Known abbreviations and degrees, sorted by strcmp (byte order). Case
 * variants are derived in abbrev_known(). */
static const char *const k_abbrevs[] = {
    /* month abbreviations: "5 Agt. 2023" is one date, not two sentences */
    "A.Md.",   "AKBP.",   "Ags.",    "Agst.",   "Agt.",    "Agu.",    "Ak.",     "Apr.",
    "B.A.",    "Bhd.",    "Bp.",     "Bpk.",    "Brigjen.", "CV.",     "Co.",     "Corp.",
    "Des.",    "Dr.",     "Dra.",    "Drs.",    "Feb.",    "Gg.",     "H.",      "Hj.",
    "Inc.",    "Ipda.",   "Iptu.",   "Ir.",     "Irjen.",  "Jan.",    "Jend.",   "Jl.",
    "Jln.",    "Jr.",     "Jul.",    "Jun.",    "Kab.",    "Kapt.",   "Kec.",    "Kel.",
    "Ket.",    "Kol.",    "Kombes.", "Komp.",   "Kompol.", "Kp.",     "Lc.",     "Letjen.",
    "Ltd.",    "M.A.",    "M.Ag.",   "M.B.A.",  "M.Eng.",  "M.H.",    "M.Hum.",  "M.Kes.",
    "M.M.",    "M.Pd.",   "M.Sc.",   "M.Si.",   "M.T.",    "Mayjen.", "Mr.",     "Mrs.",
    "Ms.",     "Nn.",     "No.",     "Nop.",    "Nov.",    "Ny.",     "Okt.",    "PT.",
    "Peb.",    "Ph.D.",   "Prof.",   "Prov.",   "Purn.",   "Rp.",     "S.Ag.",   "S.E.",
    "S.H.",    "S.IP.",   "S.Ked.",  "S.Kep.",  "S.Kom.",  "S.Pd.",   "S.Pd.I.", "S.Psi.",
    "S.S.",    "S.Si.",   "S.Sos.",  "S.T.",    "Sdr.",    "Sdri.",   "Sep.",    "Sept.",
    "Sr.",     "St.",     "Tbk.",    "Tn.",     "Yth.",    "a.n.",    "al.",     "dkk.",
    "dll.",    "dr.",     "dsb.",    "dst.",    "hlm.",    "no.",     "pkl.",    "s.d.",
    "tgl.",    "u.p.",    "vs.",     "yth.",
};

/* Limits of the table above (most segments: "M.B.A."; longest: "Brigjen.");
 * raise them with the table. They bound the look-ahead per token. */
#define ABBR_MAX_SEGS 3
#define ABBR_MAX_SEG_LETTERS 7
#define ABBR_MAX_LEN 8

static int abbrev_cmp(const void *key, const void *elem) {
  return strcmp((const char *)key, *(const char *const *)elem);
}

static int abbrev_in_table(const char *z) {
  return bsearch(z, k_abbrevs, sizeof k_abbrevs / sizeof *k_abbrevs, sizeof *k_abbrevs,
                 abbrev_cmp) != NULL;
}

/* Is s[0..n) ("Dr.", "S.Kom.") a known abbreviation? Exact spelling, the
 * Capitalized form of a lower-case entry ("Dll."), or the ALL-CAPS form of
 * any entry ("PROF.", "S.KOM.") match; other case variants do not ("kol."
 * is cabbage, not Kolonel). */
static int abbrev_known(const unsigned char *s, size_t n) {
  char z[ABBR_MAX_LEN + 1];
  size_t upper = 0, lower = 0;
  if (n > ABBR_MAX_LEN) return 0;
  memcpy(z, s, n);
  z[n] = '\0';
  if (abbrev_in_table(z)) return 1;
  for (size_t k = 0; k < n; k++) upper += a_upper(s[k]), lower += a_lower(s[k]);
  if (upper == 1 && a_upper(s[0])) {
    z[0] = (char)a_tolower(s[0]);
    return abbrev_in_table(z);
  }
  if (lower != 0 || upper < 2) return 0;
  for (size_t k = 0; k < n; k++) z[k] = (char)a_tolower(s[k]);
  if (abbrev_in_table(z)) return 1;
  z[0] = (char)s[0]; /* Prof. */
  if (abbrev_in_table(z)) return 1;
  for (size_t k = 1; k < n; k++) /* S.Kom., Ph.D. */
    if (s[k - 1] == '.') z[k] = (char)s[k];
  return abbrev_in_table(z);
}

/* Ends of up to ABBR_MAX_SEGS segments "letters." from p (bounded scan). */
static size_t abbrev_segments(const scanner *sc, size_t p, size_t *ends) {
  size_t nseg = 0, q = p;
  while (nseg < ABBR_MAX_SEGS) {
    size_t r = q;
    while (r - q <= ABBR_MAX_SEG_LETTERS && a_alpha(byte_at(sc, r))) r++;
    if (r == q || r - q > ABBR_MAX_SEG_LETTERS || byte_at(sc, r) != '.') break;
    ends[nseg++] = q = r + 1;
  }
  return nseg;
}

/* "S.H.", "A.S.", "U.S.A.": two or more single letters each followed by a
 * period. Returns the end or 0. */
static size_t match_initials_run(const scanner *sc, size_t p) {
  size_t q = p, count = 0;
  for (;;) {
    chr c = chr_at(sc, q);
    if (!is_letter(c.cls) || byte_at(sc, q + c.n) != '.') break;
    q += c.n + 1;
    count++;
  }
  return count >= 2 ? q : 0;
}

/* "M. Yusuf", "M.Yusuf": a single letter and a period before a capitalized
 * word (the spaces between are not part of the token). */
static size_t match_initial(const scanner *sc, size_t p) {
  chr c = chr_at(sc, p);
  size_t dot = p + c.n;
  if (byte_at(sc, dot) != '.') return 0;
  size_t q = dot + 1;
  chr d;
  while ((d = chr_at(sc, q)).cls == C_SPACE) q += d.n;
  return d.cls == C_UPPER ? dot + 1 : 0;
}

/* "1445 H." ends a sentence with a Hijri year ("H" = Hijriah), it is not
 * the title "H." (Haji) before a name: a single letter after a number. */
static int after_number(const scanner *sc, size_t p) {
  size_t q = p;
  while (q > 0 && (sc->s[q - 1] == ' ' || sc->s[q - 1] == '\t')) q--;
  return q < p && q > 0 && sc->s[q - 1] >= '0' && sc->s[q - 1] <= '9';
}

static size_t match_abbrev(const scanner *sc, size_t p) {
  size_t ends[ABBR_MAX_SEGS], e;
  size_t nseg = abbrev_segments(sc, p, ends);
  if (nseg == 1 && ends[0] == p + 2 && after_number(sc, p)) return 0;
  for (size_t k = nseg; k >= 2; k--)
    if (abbrev_known(sc->s + p, ends[k - 1] - p)) return ends[k - 1];
  if ((e = match_initials_run(sc, p))) return e;
  if (nseg >= 1 && abbrev_known(sc->s + p, ends[0] - p)) return ends[0];
  return match_initial(sc, p);
}

/* ---- Words -------------------------------------------------------------- */

static int is_apostrophe(int32_t cp) { return cp == '\'' || cp == 0x2019; }
static int is_hyphen(int32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }

/* Does the connector at q join the word so far with what follows?
 * seg_digits: the segment before it is all digits ("2014-2019" splits);
 * lower_prefix: the word so far is >= 2 lower-case letters, so a hyphen
 * before a capital splits ("anti-Rusia", but "e-KTP" stays). */
static size_t connector_len(const scanner *sc, size_t q, int seg_digits, int lower_prefix) {
  chr c = chr_at(sc, q);
  chr next = chr_at(sc, q + c.n);
  if (is_apostrophe(c.cp)) return is_letter(next.cls) ? c.n : 0;
  if (!is_hyphen(c.cp) || !is_alnum(next.cls)) return 0;
  if (next.cls == C_DIGIT && seg_digits) return 0;
  if (next.cls == C_UPPER && lower_prefix) return 0;
  return c.n;
}

/* Letters, digits and marks, joined by internal apostrophes and hyphens. */
static size_t scan_word(const scanner *sc, size_t p) {
  size_t q = p, nlower = 0, joint;
  int all_lower = 1;
  for (;;) {
    int seg_digits = 1;
    chr c;
    for (;;) {
      unsigned char b = byte_at(sc, q);
      if (b < 0x80u) { /* ASCII fast path */
        int cls = ascii_class(b);
        if (cls == C_LOWER) nlower++, seg_digits = 0;
        else if (cls == C_UPPER) all_lower = 0, seg_digits = 0;
        else if (cls == C_DIGIT) all_lower = 0;
        else break;
        q++;
        continue;
      }
      if (!is_wordchar((c = chr_at(sc, q)).cls)) break;
      if (c.cls == C_LOWER) nlower++;
      else if (c.cls != C_MARK) all_lower = 0;
      if (c.cls != C_DIGIT && c.cls != C_MARK) seg_digits = 0;
      q += c.n;
    }
    joint = connector_len(sc, q, seg_digits, all_lower && nlower >= 2);
    if (!joint) return q;
    q += joint;
  }
}

/* "ke-20", "Ke-3": an ordinal is a number. */
static int is_ordinal(const scanner *sc, size_t p, size_t e) {
  return e - p >= 4 && a_tolower(sc->s[p]) == 'k' && a_tolower(sc->s[p + 1]) == 'e' &&
         sc->s[p + 2] == '-' && a_digit(sc->s[p + 3]);
}

/* ---- Token dispatch ----------------------------------------------------- */

/* The ASCII bytes after an alphanumeric run that some matcher may take on
 * (URLs, e-mails, domains, abbreviations, connectors, "US$") are flagged
 * B_GOES_ON in k_byte: . - + : _ % @ ' $. The end of the input, which
 * byte_at() reads as NUL, is not one: every matcher needs more there. */

/* End of the ASCII alphanumeric run from p. Remembered: token starts only
 * move forward, and a start inside the last run ends where it ends. */
static inline size_t alnum_run(scanner *sc, size_t p) {
  size_t r = p < sc->alnum_run_end ? sc->alnum_run_end : p;
  while (a_alnum(byte_at(sc, r))) r++;
  return sc->alnum_run_end = r;
}

/* A superset of currency_prefix(sc, p) != 0 for a letter at p, with no
 * branch that words would mispredict: a first byte r u i s and a second
 * p s d $ (any case). */
static inline int maybe_currency(const scanner *sc, size_t p) {
  /* one and of the two flags (B_CURRENCY << 5 == B_CURRENCY2): the test of
   * the first alone would branch on every word starting with r u i s */
  return ((unsigned)k_byte[sc->s[p]] << 5) & k_byte[byte_at(sc, p + 1)] & B_CURRENCY2;
}

/* plain_word() given next, the k_byte flags of the byte after the run. */
static inline int plain_word_before(const scanner *sc, size_t p, unsigned next) {
  return !(next & (B_HIGH | B_GOES_ON)) && !(maybe_currency(sc, p) && currency_prefix(sc, p));
}

/* Is the run [p, r) from an ASCII letter a whole plain word ("Jakarta",
 * "5G") before a space or punctuation that cannot continue it? Then none
 * of the matchers of match_letter_start() can take more or less (each
 * needs one of the B_GOES_ON bytes, a non-ASCII letter or mark, or a
 * currency prefix, and only r, u, i, s begin one with a letter). */
static inline int plain_word(const scanner *sc, size_t p, size_t r) {
  return plain_word_before(sc, p, k_byte[byte_at(sc, r)]);
}

/* Shape flags of an ASCII alphanumeric word by which of B_UPPER, B_LOWER,
 * B_DIGIT (>> 4) its bytes have: ALLCAPS, LOWER, HAS_DIGIT. */
static const uint8_t k_run_shape[8] = {
    0,
    IDNER_SHAPE_ALLCAPS,
    IDNER_SHAPE_LOWER,
    0,
    IDNER_SHAPE_HAS_DIGIT,
    IDNER_SHAPE_ALLCAPS | IDNER_SHAPE_HAS_DIGIT,
    IDNER_SHAPE_LOWER | IDNER_SHAPE_HAS_DIGIT,
    IDNER_SHAPE_HAS_DIGIT,
};

/* Shape of a plain word from the k_byte flags of its bytes or'ed together
 * and its first byte (a letter), as token_shape() would give it. */
static inline uint32_t plain_shape(unsigned seen, unsigned char first) {
  uint32_t shape = k_run_shape[(seen & B_ALNUM) >> 4];
  return k_byte[first] & B_UPPER ? shape | IDNER_SHAPE_CAPITALIZED : shape;
}

/* The start of a word's run, 16 bytes at a time with SSE2 where there is
 * one: fewer instructions per byte than the table, and above all no
 * branch per byte, whose mispredicted exit at every word end costs more
 * than the table lookups (measured: the tokenize stage 27% faster in wall
 * time for 5% more instructions). Other targets scan byte by byte. */
#if defined(__SSE2__) && defined(__GNUC__)
/* Bytes of x in [lo, hi] (ASCII) as a 16-bit mask: b - lo, as unsigned,
 * at most hi - lo; moved by 0x80 for the signed compare of SSE2 (one add
 * and one compare where two compares need a negation and an and). Bytes
 * >= 0x80 are more than hi - lo past lo and never match. */
static inline unsigned bytes_in(__m128i x, char lo, char hi) {
  __m128i y = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - (unsigned char)lo)));
  __m128i m = _mm_cmpgt_epi8(_mm_set1_epi8((char)(0x80 + (hi - lo) + 1)), y);
  return (unsigned)_mm_movemask_epi8(m);
}

/* End of the ASCII alphanumeric run from r as far as whole 16-byte blocks
 * of the input reach (the caller scans on byte by byte), or'ing B_UPPER,
 * B_LOWER, B_DIGIT of its bytes into *seen. */
static inline size_t alnum_run_blocks(const unsigned char *s, size_t r, size_t len,
                                      unsigned *seen) {
  for (; len - r >= 16; r += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + r));
    unsigned up = bytes_in(x, 'A', 'Z'), lo = bytes_in(x, 'a', 'z'), dg = bytes_in(x, '0', '9');
    unsigned stop = ~(up | lo | dg) & 0xFFFFu;
    unsigned before = stop ? (stop & (0u - stop)) - 1 : 0xFFFFu; /* the bytes before it */
    *seen |= (up & before ? B_UPPER : 0u) | (lo & before ? B_LOWER : 0u) |
             (dg & before ? B_DIGIT : 0u);
    if (stop) return r + (size_t)__builtin_ctz(stop);
  }
  return r;
}
#else
static inline size_t alnum_run_blocks(const unsigned char *s, size_t r, size_t len,
                                      unsigned *seen) {
  (void)s, (void)len, (void)seen;
  return r;
}
#endif

/* The token at the ASCII letter p when it is a plain word: returns its end
 * and sets *shape, in one pass over its bytes; 0 when it is not. The same
 * as match_letter_start() and token_shape() for such a word. */
static inline size_t plain_word_at(scanner *sc, size_t p, uint32_t *shape) {
  const unsigned char *s = sc->s;
  unsigned seen = 0, next = k_byte[0]; /* the end of the input reads as NUL */
  size_t r = p;
  if (p < sc->alnum_run_end) {
    r = sc->alnum_run_end; /* inside a run measured before */
    next = k_byte[byte_at(sc, r)];
  } else {
    r = alnum_run_blocks(s, p, sc->len, &seen);
    for (unsigned f; r < sc->len; seen |= f, r++)
      if (!((f = k_byte[s[r]]) & B_ALNUM)) {
        next = f;
        break;
      }
    sc->alnum_run_end = r;
  }
  if (!plain_word_before(sc, p, next)) return 0;
  if (!seen) /* the run measured before: flag its bytes now that they are taken */
    for (size_t i = p; i < r; i++) seen |= k_byte[s[i]];
  *shape = plain_shape(seen, s[p]);
  return r;
}

/* The token at the ASCII digit p when it is a plain number ("2013")
 * before a space or punctuation that cannot continue it: its end, else 0.
 * Then match_digit_start() tries the other matchers in vain (each needs
 * a letter, a B_GOES_ON byte, '/', ',' or a non-ASCII character after the
 * digits) and takes the digits as a NUMBER; its shape is HAS_DIGIT. */
static inline size_t plain_number_at(const scanner *sc, size_t p) {
  size_t r = p + 1;
  while (r < sc->len && a_digit(sc->s[r])) r++;
  unsigned char b = byte_at(sc, r);
  if ((k_byte[b] & (B_ALNUM | B_GOES_ON | B_HIGH)) || b == '/' || b == ',') return 0;
  return r;
}

static size_t match_letter_start(scanner *sc, size_t p, uint32_t *kind) {
  size_t e;
  if (sc->s[p] < 0x80u) {
    size_t r = alnum_run(sc, p);
    if (plain_word(sc, p, r)) return *kind = IDNER_TOK_WORD, r;
    /* A URL, e-mail or domain needs one of these right after the first
     * alphanumeric run, and after a period an alphanumeric or one of
     * . _ % + - @ : (not so "Ukraina." at a sentence end); most words fail
     * here without three scans. */
    unsigned char b = byte_at(sc, r), c = byte_at(sc, r + 1);
    if ((b == '.' || b == '-' || b == '+' || b == ':' || b == '_' || b == '%' || b == '@') &&
        (b != '.' || a_alnum(c) || (c && strchr("._%+-@:", c)))) {
      if ((e = match_scheme_url(sc, p))) return *kind = IDNER_TOK_URL, e;
      if ((e = match_email(sc, p))) return *kind = IDNER_TOK_EMAIL, e;
      if ((e = match_domain(sc, p))) return *kind = IDNER_TOK_URL, e;
    }
    if ((e = match_currency(sc, p))) return *kind = IDNER_TOK_NUMBER, e;
    if ((e = match_dollar_word(sc, p))) return *kind = IDNER_TOK_SYMBOL, e;
  }
  if ((e = match_abbrev(sc, p))) return *kind = IDNER_TOK_WORD, e;
  e = scan_word(sc, p);
  *kind = is_ordinal(sc, p, e) ? IDNER_TOK_NUMBER : IDNER_TOK_WORD;
  return e;
}

static size_t match_digit_start(scanner *sc, size_t p, uint32_t *kind) {
  size_t e;
  *kind = IDNER_TOK_NUMBER;
  if (sc->s[p] < 0x80u) {
    /* An e-mail or domain needs one of these after the first alphanumeric
     * run ("1.2", "10-an", "5@x"); dates, times and amounts ("29/10",
     * "3,5") fail here without two scans. */
    size_t r = p + 1;
    while (a_alnum(byte_at(sc, r))) r++;
    unsigned char b = byte_at(sc, r);
    if (b == '.' || b == '-' || b == '_' || b == '%' || b == '+' || b == '@') {
      if ((e = match_email(sc, p))) return *kind = IDNER_TOK_EMAIL, e;
      if ((e = match_domain(sc, p))) return *kind = IDNER_TOK_URL, e;
    }
    if ((e = match_date(sc, p))) return *kind = IDNER_TOK_DATE, e;
    if ((e = match_time(sc, p))) return *kind = IDNER_TOK_TIME, e;
    int grouped;
    e = scan_number(sc, p, &grouped);
    if (byte_at(sc, e) == '%') return e + 1;
    size_t dash = amount_dash(sc, e);
    if (grouped || dash != e) return dash;
  }
  /* A plain digit run may go on as a word: "5G", "10km", "1990-an". */
  return scan_word(sc, p);
}

/* A run of characters from set (ASCII bytes, plus U+2026 when ellipsis). */
static size_t punct_run(const scanner *sc, size_t p, const char *set, int ellipsis) {
  size_t q = p;
  for (;;) {
    unsigned char b = byte_at(sc, q);
    if (b && strchr(set, b)) q++;
    else if (ellipsis && b == 0xE2u && byte_at(sc, q + 1) == 0x80u && byte_at(sc, q + 2) == 0xA6u)
      q += 3;
    else
      return q;
  }
}

static size_t match_punct(const scanner *sc, size_t p, chr c, uint32_t *kind) {
  size_t e;
  *kind = IDNER_TOK_PUNCT;
  if (c.cp == '.' || c.cp == 0x2026) return punct_run(sc, p, ".", 1); /* ... … */
  if (c.cp == '-') return punct_run(sc, p, "-", 0);                   /* -- */
  if (c.cp == '!' || c.cp == '?') return punct_run(sc, p, "!?", 0);   /* ?! */
  if (c.cp == '#' && (e = match_hashtag(sc, p))) return *kind = IDNER_TOK_HASHTAG, e;
  if (c.cp == '@' && (e = match_mention(sc, p))) return *kind = IDNER_TOK_MENTION, e;
  return p + c.n;
}

/* The token at the ASCII punctuation byte p when match_punct() makes it
 * of ASCII bytes only: its end, else 0 ('#', '@', and a period run that
 * "…" may continue). Its shape is 0: periods and hyphens count only in
 * other tokens. */
static inline size_t ascii_punct_end(const scanner *sc, size_t p) {
  size_t e = p + 1;
  switch (sc->s[p]) {
    case '#':
    case '@': return 0;
    case '.':
      while (byte_at(sc, e) == '.') e++;
      return byte_at(sc, e) == 0xE2u ? 0 : e;
    case '-':
      while (byte_at(sc, e) == '-') e++;
      return e;
    case '!':
    case '?':
      while (byte_at(sc, e) == '!' || byte_at(sc, e) == '?') e++;
      return e;
    default: return e;
  }
}

/* A symbol (or a stray combining mark) with the marks that follow it. */
static size_t match_symbol(const scanner *sc, size_t p, chr c, uint32_t *kind) {
  size_t e;
  if ((e = match_currency(sc, p))) return *kind = IDNER_TOK_NUMBER, e;
  *kind = IDNER_TOK_SYMBOL;
  e = p + c.n;
  while ((c = chr_at(sc, e)).cls == C_MARK) e += c.n;
  return e;
}

/* The token starting at the non-space p: returns its end, sets *kind. */
static size_t match_token(scanner *sc, size_t p, uint32_t *kind) {
  chr c = chr_at(sc, p);
  switch (c.cls) {
    case C_INVALID: *kind = IDNER_TOK_SYMBOL; return p + 1;
    case C_UPPER:
    case C_LOWER:
    case C_LETTER: return match_letter_start(sc, p, kind);
    case C_DIGIT: return match_digit_start(sc, p, kind);
    case C_PUNCT: return match_punct(sc, p, c, kind);
    default: return match_symbol(sc, p, c, kind);
  }
}

/* ---- Shape and output --------------------------------------------------- */

/* Shape flags of s[b..e) and its length in code points. Periods and
 * hyphens are flagged only inside non-punctuation tokens ("Dr.", "e-KTP"). */
static uint32_t token_shape(const char *s, size_t b, size_t e, uint32_t kind, uint32_t *nchars) {
  uint32_t shape = 0, n = 0;
  size_t upper = 0, lower = 0;
  int seen_letter = 0;
  const unsigned char *u = (const unsigned char *)s;
  size_t i = b;
  for (; i < e && u[i] < 0x80u; i++, n++) { /* ASCII prefix: no decoding */
    int cls = ascii_class(u[i]);
    if (cls == C_LOWER) seen_letter = 1, lower++;
    else if (cls == C_UPPER) {
      if (!seen_letter) shape |= IDNER_SHAPE_CAPITALIZED;
      seen_letter = 1, upper++;
    } else if (cls == C_DIGIT) shape |= IDNER_SHAPE_HAS_DIGIT;
    else if (kind != IDNER_TOK_PUNCT && u[i] == '.') shape |= IDNER_SHAPE_HAS_PERIOD;
    else if (kind != IDNER_TOK_PUNCT && u[i] == '-') shape |= IDNER_SHAPE_HAS_HYPHEN;
  }
  for (; i < e; n++) {
    int32_t cp;
    i += idner__utf8_decode(s, e, i, &cp);
    int cls = cp_class(cp);
    if (cls == C_INVALID) shape |= IDNER_SHAPE_INVALID;
    else if (cls == C_DIGIT) shape |= IDNER_SHAPE_HAS_DIGIT;
    else if (kind != IDNER_TOK_PUNCT && cp == '.') shape |= IDNER_SHAPE_HAS_PERIOD;
    else if (kind != IDNER_TOK_PUNCT && is_hyphen(cp)) shape |= IDNER_SHAPE_HAS_HYPHEN;
    if (!is_letter(cls)) continue;
    if (!seen_letter && cls == C_UPPER) shape |= IDNER_SHAPE_CAPITALIZED;
    seen_letter = 1;
    upper += cls == C_UPPER;
    lower += cls == C_LOWER;
  }
  if (upper && !lower) shape |= IDNER_SHAPE_ALLCAPS;
  if (lower && !upper) shape |= IDNER_SHAPE_LOWER;
  *nchars = n;
  return shape;
}

/* Appends a token. Code point offsets are byte offsets less *shrink, the
 * bytes past the first of each multi-byte character before (0 for ASCII
 * text, so ASCII spaces and words need no counting). */
static inline int32_t push_shaped(idner__tokvec *out, size_t b, size_t e, uint32_t kind,
                                  uint32_t shape, size_t nchars, size_t *shrink,
                                  uint32_t sentence, idner__folder *f, size_t n0) {
  if (out->n + 1 > out->cap) { /* the folds' entries grow with the tokens */
    int32_t rc = IDNER__RESERVE(out, out->n + 1);
    if (!rc && f) rc = idner__folder_reserve(f, out->cap - n0 + 1);
    if (rc) return rc;
  }
  idner_token *t = &out->v[out->n++];
  t->byte_start = (uint32_t)b;
  t->byte_end = (uint32_t)e;
  t->char_start = (uint32_t)(b - *shrink);
  *shrink += e - b - nchars;
  t->char_end = (uint32_t)(e - *shrink);
  t->kind = kind;
  t->flags = shape;
  t->sentence = sentence;
  t->reserved = 0;
  return IDNER_OK;
}

#if defined(__SSE2__) && defined(__GNUC__)
/* Most of news text: plain ASCII words of fewer than 16 bytes and
 * punctuation of one byte that is no terminal (B_PUNCT1: "," "(" '"'),
 * one space apart. From such a token at *p (outside any run measured
 * before), with no terminal or line break pending, appends them to out
 * with their folds (when f is not NULL) in a loop of its own whose state
 * lives in registers: one 16-byte load finds a word's end and its shape,
 * with no pass over its bytes. Stops at anything else (a longer word, one
 * a matcher may take on, a currency prefix, a full vector, the last 16
 * bytes of the text) and leaves it to the general loop. The tokens are
 * those of the general loop: plain_word_at() or ascii_punct_end(),
 * push_shaped() with one character a byte, idner__folder_add_alnum() or
 * idner__folder_add1(), and no sentence step.
 * Returns the tokens added; *p is where the general loop goes on. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t plain_words(scanner *sc, size_t *p, idner__tokvec *out, size_t shrink,
                                 uint32_t sentence, idner__folder *f, size_t n0) {
  const unsigned char *s = sc->s;
  size_t len = sc->len, q = *p, n = out->n, cap = out->cap, pos = f ? f->pos : 0;
  idner_token *v = out->v;
  char *buf = f ? f->buf : NULL;
  uint32_t *off = f ? f->off : NULL;
  uint64_t *hash = f ? f->hash : NULL;
  uint8_t *plain = f ? f->plain : NULL;
  const idner__datemark *marks = f ? f->marks : NULL; /* the date marks (fold.h) */
  size_t n_in = n;
  while (len - q >= 16 && n < cap) {
    unsigned k0 = k_byte[s[q]];
    if (k0 & B_PUNCT1) { /* "," "(" ")" '"': ascii_punct_end(), one byte, folder_add1() */
      idner_token *t = &v[n];
      t->byte_start = (uint32_t)q;
      t->byte_end = (uint32_t)q + 1;
      t->char_start = (uint32_t)(q - shrink);
      t->char_end = (uint32_t)(q + 1 - shrink);
      t->kind = IDNER_TOK_PUNCT;
      t->flags = 0;
      t->sentence = sentence;
      t->reserved = 0;
      if (f) {
        size_t k = n - n0;
        unsigned c = s[q]; /* no letter: folds to itself */
        buf[pos] = (char)c;
        off[k] = (uint32_t)pos;
        plain[k] = (uint8_t)((c >= 0x2Fu) | (unsigned)marks->stop[512 + c] << 1);
        hash[k] = idner__hash1(c);
        pos++;
      }
      n++;
      q += 1 + (s[q + 1] == ' ');
      continue;
    }
    if (!(k0 & (B_UPPER | B_LOWER))) break;
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + q));
    unsigned up = bytes_in(x, 'A', 'Z'), lo = bytes_in(x, 'a', 'z'), dg = bytes_in(x, '0', '9');
    unsigned stop = ~(up | lo | dg) & 0xFFFFu;
    if (!stop) break; /* a run of 16 bytes or more */
    size_t e = q + (size_t)__builtin_ctz(stop), wlen = e - q;
    if (k_byte[s[e]] & (B_HIGH | B_GOES_ON)) break;
    if ((k0 << 5) & k_byte[s[q + 1]] & B_CURRENCY2) break; /* maybe_currency() */
    unsigned before = (stop - 1u) & ~stop; /* the word's bytes */
    uint32_t shape = k_run_shape[((up & before) != 0) | ((lo & before) != 0) << 1 |
                                 ((dg & before) != 0) << 2];
    if (up & 1u) shape |= IDNER_SHAPE_CAPITALIZED;
    idner_token *t = &v[n];
    t->byte_start = (uint32_t)q;
    t->byte_end = (uint32_t)e;
    t->char_start = (uint32_t)(q - shrink);
    t->char_end = (uint32_t)(e - shrink);
    t->kind = IDNER_TOK_WORD;
    t->flags = shape;
    t->sentence = sentence;
    t->reserved = 0;
    if (f) { /* idner__folder_add_alnum: the text goes on for 16 bytes */
      size_t k = n - n0;
      uint64_t v0, v1, m, h;
      memcpy(&v0, s + q, 8);
      if (wlen <= 8) {
        memcpy(&m, idner__fold_ones + 8 - wlen, 8);
        v0 = idner__lower8(v0 & m);
        memcpy(buf + pos, &v0, 8);
        h = idner__hash8(v0, wlen);
      } else {
        memcpy(&v1, s + q + 8, 8);
        memcpy(&m, idner__fold_ones + 16 - wlen, 8);
        v0 = idner__lower8(v0);
        v1 = idner__lower8(v1 & m);
        memcpy(buf + pos, &v0, 8);
        memcpy(buf + pos + 8, &v1, 8);
        h = idner__hash16(v0, v1, wlen);
      }
      off[k] = (uint32_t)pos;
      plain[k] = (uint8_t)(1u | idner__mark_plain(marks, (unsigned)(v0 & 0xFF), h));
      hash[k] = h;
      pos += wlen;
    }
    n++;
    sc->alnum_run_end = e;
    q = e + (s[e] == ' '); /* the usual gap */
  }
  out->n = n;
  if (f) f->pos = pos;
  *p = q;
  return n - n_in;
}
#endif

/* Is the non-ASCII space cp a line break (NEL, U+2028, U+2029)? */
static int is_line_break(int32_t cp) { return cp == 0x85 || cp == 0x2028 || cp == 0x2029; }

/* idner__tokenize() and the sentence split of the new tokens (*st), and
 * their folds when f is not NULL. Inlined into two callers, one that folds
 * and one that does not, so the tokenizer alone pays nothing for it. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int32_t tokenize(const char *text, size_t len, int strict, idner__tokvec *out,
                               size_t *bad_offset, idner__sentences *st, idner__folder *f) {
  if (!out || (!text && len)) return IDNER_ERR_INVALID_ARG;
  if (len > IDNER_MAX_INPUT) return IDNER_ERR_TOO_LARGE; /* offsets are 32-bit */
  scanner sc = {(const unsigned char *)text, len, 0, 0, 0};
  size_t n0 = out->n, p = 0, shrink = 0;
  unsigned gap = 0; /* k_byte flags of the ASCII spaces since the last token */
  /* For the sentence split, what the next token follows: nothing (B_FIRST
   * | B_BREAK), a pending terminal (B_TERMINAL) or neither (0). */
  unsigned after = B_FIRST | B_BREAK;
  while (p < len) {
    unsigned k = k_byte[sc.s[p]];
    size_t e, nchars;
    uint32_t kind, shape;
    unsigned step; /* B_TERMINAL: the token may end a sentence */
    int how = 0; /* how to fold it: 1 idner__folder_add1, 2 idner__folder_add_alnum */
    if ((k & B_CLASS) == C_SPACE) { /* ASCII space and controls: most gaps */
      gap |= k;
      p++;
      continue;
    }
#if defined(__SSE2__) && defined(__GNUC__)
    if ((k & (B_UPPER | B_LOWER | B_PUNCT1)) && !((gap | after) & (B_TERMINAL | B_BREAK)) &&
        p >= sc.alnum_run_end && plain_words(&sc, &p, out, shrink, st->sent, f, n0)) {
      gap = 0;
      continue;
    }
#endif
    if ((k & (B_UPPER | B_LOWER)) && (e = plain_word_at(&sc, p, &shape))) {
      /* most tokens: a plain ASCII word, pushed and folded on a path of
       * its own (one byte a character: no shrink; never a terminal) */
      int32_t rc = push_shaped(out, p, e, IDNER_TOK_WORD, shape, e - p, &shrink, st->sent, f, n0);
      if (!rc && f) rc = idner__folder_add_alnum(f, out->n - 1 - n0, sc.s + p, e - p);
      if (rc) {
        out->n = n0;
        return rc;
      }
      step = 0;
      goto split;
    }
    if ((k & B_CLASS) == C_PUNCT && (e = ascii_punct_end(&sc, p))) {
      kind = IDNER_TOK_PUNCT, shape = 0, nchars = e - p, step = k & B_TERMINAL;
      how = e - p == 1;
    } else if ((k & B_DIGIT) && (e = plain_number_at(&sc, p))) {
      kind = IDNER_TOK_NUMBER, shape = IDNER_SHAPE_HAS_DIGIT, nchars = e - p, step = 0, how = 2;
    } else {
      chr c = chr_at(&sc, p);
      if (c.cls == C_SPACE) {
        if (is_line_break(c.cp)) gap |= B_BREAK;
        p += c.n;
        shrink += c.n - 1;
        continue;
      }
      if (c.cls == C_INVALID && strict) {
        out->n = n0;
        if (bad_offset) *bad_offset = p;
        return IDNER_ERR_INVALID_UTF8;
      }
      uint32_t n;
      e = match_token(&sc, p, &kind);
      shape = token_shape(text, p, e, kind, &n);
      nchars = n;
      step = kind == IDNER_TOK_PUNCT ? B_TERMINAL : 0;
    }
    int32_t rc = push_shaped(out, p, e, kind, shape, nchars, &shrink, st->sent, f, n0);
    if (!rc && f) { /* its bytes are in L1: fold them now (idner__folder) */
      size_t fk = out->n - 1 - n0;
      rc = how == 2   ? idner__folder_add_alnum(f, fk, sc.s + p, e - p)
           : how == 1 ? idner__folder_add1(f, fk, sc.s + p)
                      : idner__folder_add(f, fk, sc.s + p, e - p);
    }
    if (rc) {
      out->n = n0;
      return rc;
    }
  split:
    /* Most tokens only take the sentence number: the rest are the first,
     * those after a line break or a terminal, and terminal candidates. */
    if ((step | gap | after) & (B_TERMINAL | B_BREAK)) {
      idner_token *t = &out->v[out->n - 1];
      if ((after & B_FIRST) && !step) /* sentence 0, and no terminal pending */
        t->flags |= IDNER_SHAPE_SENT_START;
      else
        idner__sentence_next(st, text, after & B_FIRST ? NULL : t - 1, t, (gap & B_BREAK) != 0);
      after = st->pending ? B_TERMINAL : 0;
    }
    gap = 0;
    p = e;
    if (p < len && sc.s[p] == ' ') p++; /* the usual gap, without a turn of the loop */
  }
  return IDNER_OK;
}

/* The two instances of tokenize(). */
static int32_t tokenize_plain(const char *text, size_t len, int strict, idner__tokvec *out,
                              size_t *bad_offset, idner__sentences *st) {
  return tokenize(text, len, strict, out, bad_offset, st, NULL);
}

static int32_t tokenize_fold(const char *text, size_t len, int strict, idner__tokvec *out,
                             size_t *bad_offset, idner__sentences *st, idner__folder *f) {
  return tokenize(text, len, strict, out, bad_offset, st, f);
}

int32_t idner__tokenize(const char *text, size_t len, int strict, idner__tokvec *out,
                        size_t *bad_offset) {
  idner__sentences st = {0, 0};
  size_t n0 = out ? out->n : 0;
  int32_t rc = tokenize_plain(text, len, strict, out, bad_offset, &st);
  if (rc == IDNER_OK) /* tokens only: no sentences */
    for (size_t i = n0; i < out->n; i++) {
      out->v[i].sentence = 0;
      out->v[i].flags &= ~IDNER_SHAPE_SENT_START;
    }
  return rc;
}

int32_t idner__tokenize_split(const char *text, size_t len, int strict, idner__tokvec *out,
                              size_t *bad_offset, uint32_t *nsent) {
  idner__sentences st = {0, 0};
  size_t n0 = out ? out->n : 0;
  int32_t rc = tokenize_plain(text, len, strict, out, bad_offset, &st);
  *nsent = rc == IDNER_OK && out->n > n0 ? st.sent + 1 : 0;
  return rc;
}

int32_t idner__tokenize_split_fold(const char *text, size_t len, int strict, idner__tokvec *out,
                                   size_t *bad_offset, uint32_t *nsent,
                                   const idner__foldout *fo) {
  idner__sentences st = {0, 0};
  idner__folder f;
  size_t n0 = out ? out->n : 0;
  int32_t rc = !out || (!text && len) || len > IDNER_MAX_INPUT
                   ? IDNER_OK /* tokenize() says what is wrong */
                   : idner__folder_begin(&f, fo, text, len);
  /* entries for as many tokens as out holds (push_shaped grows both) */
  if (rc == IDNER_OK) rc = idner__folder_reserve(&f, out->cap - n0 + 1);
  if (rc == IDNER_OK) rc = tokenize_fold(text, len, strict, out, bad_offset, &st, &f);
  if (rc == IDNER_OK) rc = idner__folder_end(&f, out->n - n0);
  *nsent = rc == IDNER_OK && out->n > n0 ? st.sent + 1 : 0;
  return rc;
}

/* Kind of a token the tokenizer would not produce whole ("Ukraina.",
 * "2014-2019", "anti-Rusia"): by its content. */
static uint32_t fallback_kind(const char *s, size_t len) {
  int letter = 0, digit = 0, other = 0;
  for (size_t i = 0; i < len;) {
    int32_t cp;
    i += idner__utf8_decode(s, len, i, &cp);
    int cls = cp_class(cp);
    letter |= is_letter(cls);
    digit |= cls == C_DIGIT;
    other |= cls != C_PUNCT && cls != C_SPACE;
  }
  if (letter) return IDNER_TOK_WORD;
  if (digit) return IDNER_TOK_NUMBER;
  return other ? IDNER_TOK_SYMBOL : IDNER_TOK_PUNCT;
}

void idner__classify_token(const char *s, size_t len, uint32_t *kind, uint32_t *shape) {
  uint32_t k = IDNER_TOK_SYMBOL, nchars, sh = 0;
  if (s && len) {
    scanner sc = {(const unsigned char *)s, len, 0, 0, 0};
    int cls = chr_at(&sc, 0).cls;
    if (cls == C_SPACE || match_token(&sc, 0, &k) != len) k = fallback_kind(s, len);
    sh = token_shape(s, 0, len, k, &nchars);
  }
  if (kind) *kind = k;
  if (shape) *shape = sh;
}
