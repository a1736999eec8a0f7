/* test_tokenizer.c — Check unit tests for the tokenizer (tokenizer.c) and
 * the sentence splitter (sentences.c): table-driven boundary and kind
 * cases, sentence grouping, UTF-8 decoding, byte/char offsets, invalid
 * input in lenient and strict mode, classification of user tokens, offset
 * invariants on random input, linear time on pathological input, and the
 * folds made while tokenizing (idner__tokenize_split_fold) against
 * folding each token on its own. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fold.h"
#include "tokenizer.h"

/* A time bound scaled by IDNER_TEST_TIME_FACTOR (set by the valgrind
 * memcheck runs, where everything is ~50x slower; default 1). */
static double time_bound(double secs) {
  const char *f = getenv("IDNER_TEST_TIME_FACTOR");
  double k = f ? atof(f) : 1.0;
  return k > 1.0 ? secs * k : secs;
}

/* ---- Helpers ------------------------------------------------------------ */

/* Tokenizes text (lenient) into a fresh vector; fails the test on error. */
static idner__tokvec tokenize(const char *text, size_t len) {
  idner__tokvec v = {0};
  int32_t rc = idner__tokenize(text, len, 0, &v, NULL);
  ck_assert_int_eq(rc, IDNER_OK);
  return v;
}

/* Appends s to the growing NUL-terminated buffer *buf (allocated even
 * when nothing was appended yet, so buf->v is a valid string). */
static void append(idner__bytes *buf, const char *s, size_t n) {
  if (!buf->v) {
    ck_assert_int_eq(idner__bytes_append(buf, "", 1), IDNER_OK);
    buf->n = 0;
  }
  ck_assert_int_eq(idner__bytes_append(buf, s, n), IDNER_OK);
}

/* Token texts joined by sep. The returned buffer is owned by the caller. */
static char *join_tokens(const char *text, const idner__tokvec *v, const char *sep) {
  idner__bytes out = {0};
  append(&out, "", 0);
  for (size_t i = 0; i < v->n; i++) {
    if (i) append(&out, sep, strlen(sep));
    append(&out, text + v->v[i].byte_start, v->v[i].byte_end - v->v[i].byte_start);
  }
  return out.v;
}

/* One letter per kind: W N P S D T U E H M. */
static char kind_letter(uint32_t kind) {
  static const char letters[] = "?WNPSDTUEHM";
  return kind < sizeof letters - 1 ? letters[kind] : '?';
}

/* ---- Table 1: token boundaries and kinds -------------------------------- */

typedef struct tok_case {
  const char *in;
  const char *want;  /* tokens joined by " | " */
  const char *kinds; /* one kind letter per token, or NULL = not checked */
} tok_case;

static const tok_case k_tok_cases[] = {
    /* whitespace */
    {"", "", ""},
    {"   \t\n ", "", ""},
    {"Jakarta", "Jakarta", "W"},
    {"Presiden Joko Widodo", "Presiden | Joko | Widodo", "WWW"},
    {"a\tb\nc\r\nd\ve\ff", "a | b | c | d | e | f", NULL},
    {"a\xC2\xA0" "b", "a | b", NULL},             /* NBSP */
    {"a\xE2\x80\x83" "b", "a | b", NULL},         /* em space */
    {"a\xE2\x80\x8B" "b", "a | b", NULL},         /* zero-width space */
    {"a\xE3\x80\x80" "b", "a | b", NULL},         /* ideographic space */
    {"a\xEF\xBB\xBF" "b", "a | b", NULL},         /* BOM */
    {"a\x01" "b\x7F" "c\x1B" "d", "a | b | c | d", NULL},
    {"a\xC2\x85" "b\xC2\x9F" "c", "a | b | c", NULL}, /* C1 controls */
    {"a\xE2\x80\xA8" "b\xE2\x80\xA9" "c", "a | b | c", NULL},
    {"  Halo  dunia  ", "Halo | dunia", "WW"},
    /* apostrophes and hyphens inside words */
    {"Jum'at", "Jum'at", "W"},
    {"Jum\xE2\x80\x99" "at", "Jum\xE2\x80\x99" "at", "W"},
    {"hari Jum\xE2\x80\x99" "at.", "hari | Jum\xE2\x80\x99" "at | .", "WWP"},
    {"Qur'an", "Qur'an", "W"},
    {"rock'n'roll", "rock'n'roll", "W"},
    {"anak-anak", "anak-anak", "W"},
    {"kupu-kupu", "kupu-kupu", "W"},
    {"sebaik-baiknya", "sebaik-baiknya", "W"},
    {"ke-20", "ke-20", "N"},
    {"Ke-3", "Ke-3", "N"},
    {"Soekarno-Hatta", "Soekarno-Hatta", "W"},
    {"U-20", "U-20", "W"},
    {"COVID-19", "COVID-19", "W"},
    {"e-KTP", "e-KTP", "W"},
    {"e-Tilang", "e-Tilang", "W"},
    {"anti-Rusia", "anti | - | Rusia", "WPW"},
    {"pro-Israel", "pro | - | Israel", "WPW"},
    {"se-Indonesia", "se | - | Indonesia", "WPW"},
    {"se-Jawa Barat", "se | - | Jawa | Barat", "WPWW"},
    {"Pro-Israel", "Pro-Israel", "W"},
    {"non-ASN", "non | - | ASN", "WPW"},
    {"anak\xE2\x80\x90" "anak", "anak\xE2\x80\x90" "anak", "W"}, /* U+2010 hyphen */
    {"Jakarta\xE2\x80\x93" "Bandung", "Jakarta | \xE2\x80\x93 | Bandung", "WPW"},
    {"'Jakarta'", "' | Jakarta | '", "PWP"},
    {"\xE2\x80\x98" "Jakarta\xE2\x80\x99", "\xE2\x80\x98 | Jakarta | \xE2\x80\x99", "PWP"},
    {"\xE2\x80\x98" "Jum\xE2\x80\x99" "at\xE2\x80\x99",
     "\xE2\x80\x98 | Jum\xE2\x80\x99" "at | \xE2\x80\x99", "PWP"},
    {"Jakarta-", "Jakarta | -", "WP"},
    {"-Jakarta", "- | Jakarta", "PW"},
    {"anak--anak", "anak | -- | anak", "WPW"},
    {"1990-an", "1990-an", "N"},
    {"tahun 2000-an", "tahun | 2000-an", "WN"},
    {"Jakarta's", "Jakarta's", "W"},
    /* digit ranges and dates */
    {"2014-2019", "2014 | - | 2019", "NPN"},
    {"12-14", "12 | - | 14", "NPN"},
    {"19-09-2023", "19-09-2023", "D"},
    {"19/9/2023", "19/9/2023", "D"},
    {"19/9", "19/9", "D"},
    {"2/1", "2/1", "D"},
    {"19.09.2023", "19.09.2023", "D"},
    {"2023-09-19", "2023-09-19", "D"},
    {"19/09/23", "19/09/23", "D"},
    {"9/23/2015", "9/23/2015", "D"},
    {"(19/9/2023)", "( | 19/9/2023 | )", "PDP"},
    {"Selasa (29/10/2013).", "Selasa | ( | 29/10/2013 | ) | .", "WPDPP"},
    {"19/9/2023.", "19/9/2023 | .", "DP"},
    {"32/1/2023", "32 | / | 1 | / | 2023", "NPNPN"},
    {"13/13/2023", "13 | / | 13 | / | 2023", "NPNPN"},
    {"1/13", "1 | / | 13", "NPN"},
    {"11/2020", "11 | / | 2020", "NPN"},
    {"19-9-23", "19 | - | 9 | - | 23", "NPNPN"},
    {"1/2/3", "1 | / | 2 | / | 3", "NPNPN"},
    {"19/9/2023-20/9/2023", "19/9/2023 | - | 20/9/2023", "DPD"},
    /* numbers */
    {"1.000.000", "1.000.000", "N"},
    {"3,5", "3,5", "N"},
    {"4.4", "4.4", "N"},
    {"50%", "50%", "N"},
    {"3,5%", "3,5%", "N"},
    {"50 %", "50 | %", "NP"},
    {"Rp10.000", "Rp10.000", "N"},
    {"Rp10.000,50", "Rp10.000,50", "N"},
    {"Rp10.000,-", "Rp10.000,-", "N"},
    {"Rp", "Rp", "W"},
    {"Rp 10.000", "Rp | 10.000", "WN"},
    {"Rp.10.000", "Rp.10.000", "N"},
    {"Rp5juta", "Rp5 | juta", "NW"},
    {"US$5", "US$5", "N"},
    {"US$5,2 miliar", "US$5,2 | miliar", "NW"},
    {"US$ 5", "US$ | 5", "SN"},
    {"USD600.000", "USD600.000", "N"},
    {"$100", "$100", "N"},
    {"\xE2\x82\xAC" "5", "\xE2\x82\xAC" "5", "N"},
    {"2,5 persen", "2,5 | persen", "NW"},
    {"2,5juta", "2,5 | juta", "NW"},
    {"2023.", "2023 | .", "NP"},
    {"1.000.", "1.000 | .", "NP"},
    {"3,5,", "3,5 | ,", "NP"},
    {"10km", "10km", "N"},
    {"5G", "5G", "N"},
    {"192.168.1.1", "192.168.1.1", "N"},
    {"-5", "- | 5", "PN"},
    {"+62", "+ | 62", "SN"},
    {"1.000-2.000", "1.000 | - | 2.000", "NPN"},
    /* clock times */
    {"09.30", "09.30", "T"},
    {"10.00", "10.00", "T"},
    {"14:00", "14:00", "T"},
    {"9:05", "9:05", "T"},
    {"23.59", "23.59", "T"},
    {"14:00:30", "14:00:30", "T"},
    {"1.000", "1.000", "N"},
    {"25.00", "25.00", "N"},
    {"10.60", "10.60", "N"},
    {"2:1", "2 | : | 1", "NPN"},
    {"pukul 09.30 WIB.", "pukul | 09.30 | WIB | .", "WTWP"},
    {"09.30-10.00", "09.30 | - | 10.00", "TPT"},
    {"10.30WIB", "10.30 | WIB", "TW"},
    /* abbreviations, degrees, initials */
    {"Dr. Budi", "Dr. | Budi", "WW"},
    {"dr. Budi", "dr. | Budi", "WW"},
    {"H. Ahmad", "H. | Ahmad", "WW"},
    {"Hj. Siti", "Hj. | Siti", "WW"},
    {"Ir. Joko", "Ir. | Joko", "WW"},
    {"Prof. Dr. Ir. Budi", "Prof. | Dr. | Ir. | Budi", "WWWW"},
    {"Budi, S.H.", "Budi | , | S.H.", "WPW"},
    {"Rina, M.Si.", "Rina | , | M.Si.", "WPW"},
    {"Rina, M.Sc.", "Rina | , | M.Sc.", "WPW"},
    {"Andi, S.E.", "Andi | , | S.E.", "WPW"},
    {"Sari, S.Pd.", "Sari | , | S.Pd.", "WPW"},
    {"Joko, S.Kom.", "Joko | , | S.Kom.", "WPW"},
    {"Dewi, M.M.", "Dewi | , | M.M.", "WPW"},
    {"Ph.D. dari", "Ph.D. | dari", "WW"},
    {"Drs. Ahmad", "Drs. | Ahmad", "WW"},
    {"Dra. Siti", "Dra. | Siti", "WW"},
    {"dkk.", "dkk.", "W"},
    {"buku, pena, dll.", "buku | , | pena | , | dll.", "WPWPW"},
    {"dsb.", "dsb.", "W"},
    {"dst.", "dst.", "W"},
    {"No. 5", "No. | 5", "WN"},
    {"no. 5", "no. | 5", "WN"},
    {"No.1", "No. | 1", "WN"},
    {"PT Astra Tbk.", "PT | Astra | Tbk.", "WWW"},
    {"Tbk.,", "Tbk. | ,", "WP"},
    {"Jl. Sudirman", "Jl. | Sudirman", "WW"},
    {"Kec. Menteng", "Kec. | Menteng", "WW"},
    {"Kab. Bogor", "Kab. | Bogor", "WW"},
    {"Kel. Gambir", "Kel. | Gambir", "WW"},
    {"tgl. 5", "tgl. | 5", "WN"},
    {"pkl. 10.00", "pkl. | 10.00", "WT"},
    {"a.n. Budi", "a.n. | Budi", "WW"},
    {"s.d. 2024", "s.d. | 2024", "WN"},
    {"u.p. Direktur", "u.p. | Direktur", "WW"},
    {"St. Louis", "St. | Louis", "WW"},
    {"Bpk. Budi", "Bpk. | Budi", "WW"},
    {"Ny. Siti", "Ny. | Siti", "WW"},
    {"Sdr. Budi", "Sdr. | Budi", "WW"},
    {"Kol. Budi", "Kol. | Budi", "WW"},
    {"Jend. Sudirman", "Jend. | Sudirman", "WW"},
    {"Brigjen. Budi", "Brigjen. | Budi", "WW"},
    {"Letjen. Budi", "Letjen. | Budi", "WW"},
    {"Mayjen. Budi", "Mayjen. | Budi", "WW"},
    {"Kompol. Budi", "Kompol. | Budi", "WW"},
    {"AKBP. Budi", "AKBP. | Budi", "WW"},
    {"Ket. foto", "Ket. | foto", "WW"},
    {"Rp. 10.000", "Rp. | 10.000", "WN"},
    {"hlm. 5", "hlm. | 5", "WN"},
    {"yth. Bapak", "yth. | Bapak", "WW"},
    {"Yth. Bapak", "Yth. | Bapak", "WW"},
    {"DR. Budi", "DR. | Budi", "WW"},
    {"PROF. Budi", "PROF. | Budi", "WW"},
    {"S.KOM.", "S.KOM.", "W"},
    {"Dll.", "Dll.", "W"},
    {"makan kol. Lalu", "makan | kol | . | Lalu", "WWPW"},
    {"Dr.Budi", "Dr. | Budi", "WW"},
    {"M. Yusuf", "M. | Yusuf", "WW"},
    {"M.Yusuf", "M. | Yusuf", "WW"},
    {"H.M. Prasetyo", "H.M. | Prasetyo", "WW"},
    {"A.S.", "A.S.", "W"},
    {"U.S.A. dan", "U.S.A. | dan", "WW"},
    {"S.H., M.H.", "S.H. | , | M.H.", "WPW"},
    {"Ukraina.", "Ukraina | .", "WP"},
    {"golongan A.", "golongan | A | .", "WWP"},
    {"vitamin a. lalu", "vitamin | a | . | lalu", "WWPW"},
    {"Jakarta.Sementara", "Jakarta | . | Sementara", "WPW"},
    /* URLs, domains, e-mails, hashtags, mentions */
    {"Bisnis.com", "Bisnis.com", "U"},
    {"Kompas.com", "Kompas.com", "U"},
    {"detik.com", "detik.com", "U"},
    {"tempo.co", "tempo.co", "U"},
    {"antaranews.com", "antaranews.com", "U"},
    {"www.kompas.com", "www.kompas.com", "U"},
    {"ui.ac.id", "ui.ac.id", "U"},
    {"jakarta.go.id", "jakarta.go.id", "U"},
    {"tribun-news.com", "tribun-news.com", "U"},
    {"KOMPAS.COM", "KOMPAS.COM", "U"},
    {"https://example.co.id/a/b?c=d", "https://example.co.id/a/b?c=d", "U"},
    {"http://x.id", "http://x.id", "U"},
    {"Bisnis.com,", "Bisnis.com | ,", "UP"},
    {"(Bisnis.com)", "( | Bisnis.com | )", "PUP"},
    {"kompas.com.", "kompas.com | .", "UP"},
    {"\xE2\x80\x9C" "detik.com\xE2\x80\x9D", "\xE2\x80\x9C | detik.com | \xE2\x80\x9D", "PUP"},
    {"kompas.com/read/2023/09/19/abc", "kompas.com/read/2023/09/19/abc", "U"},
    {"KOMPAS.com/Garry Lotulung", "KOMPAS.com | / | Garry | Lotulung", "UPWW"},
    {"kompas.com:8080/a", "kompas.com:8080/a", "U"},
    {"(https://x.id/a_(b))", "( | https://x.id/a_(b) | )", "PUP"},
    {"https://x.id/a.", "https://x.id/a | .", "UP"},
    {"kompas.com.Jakarta", "kompas.com | . | Jakarta", "UPW"},
    {"Jakarta.Id", "Jakarta | . | Id", "WPW"},
    {"www.example.xyz", "www | . | example | . | xyz", "WPWPW"},
    {"http://", "http | : | / | /", "WPPP"},
    {"redaksi@kompas.com", "redaksi@kompas.com", "E"},
    {"redaksi@kompas.com.", "redaksi@kompas.com | .", "EP"},
    {"nama.saya@ui.ac.id", "nama.saya@ui.ac.id", "E"},
    {"x@mail.de", "x@mail.de", "E"},
    {"user@host", "user | @ | host", "WPW"},
    {"#PemiluDamai", "#PemiluDamai", "H"},
    {"#Pemilu2024,", "#Pemilu2024 | ,", "HP"},
    {"#1", "# | 1", "PN"},
    {"C#", "C | #", "WP"},
    {"@jokowi", "@jokowi", "M"},
    {"@jokowi.", "@jokowi | .", "MP"},
    {"@ ", "@", "P"},
    /* punctuation */
    {"...", "...", "P"},
    {"\xE2\x80\xA6", "\xE2\x80\xA6", "P"},
    {"Halo...", "Halo | ...", "WP"},
    {"Halo\xE2\x80\xA6" "dan", "Halo | \xE2\x80\xA6 | dan", "WPW"},
    {"--", "--", "P"},
    {"?!", "?!", "P"},
    {"!!", "!!", "P"},
    {"Apa?!", "Apa | ?!", "WP"},
    {"(AS)", "( | AS | )", "PWP"},
    {"\xE2\x80\x9C" "Kesamaan", "\xE2\x80\x9C | Kesamaan", "PW"},
    {"\xC2\xAB" "Halo\xC2\xBB", "\xC2\xAB | Halo | \xC2\xBB", "PWP"},
    {"\xE2\x80\x9E" "Halo\xE2\x80\x9F", "\xE2\x80\x9E | Halo | \xE2\x80\x9F", "PWP"},
    {"\xE2\x80\xB9" "x\xE2\x80\xBA", "\xE2\x80\xB9 | x | \xE2\x80\xBA", "PWP"},
    {"\xE2\x80\x92\xE2\x80\x95\xE2\x80\x94\xE2\x80\x91",
     "\xE2\x80\x92 | \xE2\x80\x95 | \xE2\x80\x94 | \xE2\x80\x91", "PPPP"},
    {"a;b:c", "a | ; | b | : | c", "WPWPW"},
    {"[x]{y}", "[ | x | ] | { | y | }", "PWPPWP"},
    {"dan/atau", "dan | / | atau", "WPW"},
    {"\"Halo\"", "\" | Halo | \"", "PWP"},
    {"a,b", "a | , | b", "WPW"},
    {"\xE2\x80\xA6.", "\xE2\x80\xA6.", "P"},
    /* symbols, marks, scripts */
    {"\xC2\xA9" "2023", "\xC2\xA9 | 2023", "SN"},
    {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", "S"},
    {"a\xF0\x9F\x98\x80" "b", "a | \xF0\x9F\x98\x80 | b", "WSW"},
    {"\xF0\x9F\x98\x80\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80 | \xF0\x9F\x98\x80", "SS"},
    {"\xE2\x9D\xA4\xEF\xB8\x8F", "\xE2\x9D\xA4\xEF\xB8\x8F", "S"}, /* heart + VS16 */
    {"a+b=c", "a | + | b | = | c", "WSWSW"},
    {"\xE2\x88\x91" "x", "\xE2\x88\x91 | x", "SW"},
    {"e\xCC\x81t\xC3\xA9", "e\xCC\x81t\xC3\xA9", "W"}, /* combining acute */
    {"\xCC\x81", "\xCC\x81", "S"},                         /* lone mark */
    {"\xE5\x8C\x97\xE4\xBA\xAC", "\xE5\x8C\x97\xE4\xBA\xAC", "W"},
    {"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", "W"},
    {"\xD9\xA1\xD9\xA2", "\xD9\xA1\xD9\xA2", "N"}, /* Arabic-Indic digits */
    /* invalid UTF-8: one SYMBOL per byte */
    {"a\xFF" "b", "a | \xFF | b", "WSW"},
    {"\xC0\xAF", "\xC0 | \xAF", "SS"},
    {"\xE0\x80\xAF", "\xE0 | \x80 | \xAF", "SSS"},
    {"\xED\xA0\x80", "\xED | \xA0 | \x80", "SSS"},
    {"\xF4\x90\x80\x80", "\xF4 | \x90 | \x80 | \x80", "SSSS"},
    {"x\xE2\x82", "x | \xE2 | \x82", "WSS"},
    {"\x80" "abc", "\x80 | abc", "SW"},
    {"ab\xC3", "ab | \xC3", "WS"},
    /* sentences from news */
    {"Menurut Bisnis.com, harga naik 2,5 persen.",
     "Menurut | Bisnis.com | , | harga | naik | 2,5 | persen | .", "WUPWWNWP"},
    {"Rapat dimulai pukul 09.30 WIB di Jl. Medan Merdeka No. 5.",
     "Rapat | dimulai | pukul | 09.30 | WIB | di | Jl. | Medan | Merdeka | No. | 5 | .",
     "WWWTWWWWWWNP"},
    {"Timnas U-20 kalah 1-2.", "Timnas | U-20 | kalah | 1 | - | 2 | .", "WWWNPNP"},
    {"Kata M. Yusuf, S.H., M.H., kepada wartawan.",
     "Kata | M. | Yusuf | , | S.H. | , | M.H. | , | kepada | wartawan | .", "WWWPWPWPWWP"},
    {"\xE2\x80\x9CKesamaan visi,\xE2\x80\x9D ujarnya.",
     "\xE2\x80\x9C | Kesamaan | visi | , | \xE2\x80\x9D | ujarnya | .", "PWWPPWP"},
    {"Sikap anti-Rusia dan pro-Israel di Kyiv (19/9/2023).",
     "Sikap | anti | - | Rusia | dan | pro | - | Israel | di | Kyiv | ( | 19/9/2023 | ) | .",
     "WWPWWWPWWWPDPP"},
    {"Hubungi redaksi@kompas.com atau @kompascom #BeritaHariIni",
     "Hubungi | redaksi@kompas.com | atau | @kompascom | #BeritaHariIni", "WEWMH"},
    {"Laba Rp10.000,50 per saham, naik 3,5% pada 2023.",
     "Laba | Rp10.000,50 | per | saham | , | naik | 3,5% | pada | 2023 | .", "WNWWPWNWNP"},
};

#define N_TOK_CASES (sizeof k_tok_cases / sizeof *k_tok_cases)

START_TEST(test_token_table) {
  const tok_case *c = &k_tok_cases[_i];
  idner__tokvec v = tokenize(c->in, strlen(c->in));
  char *got = join_tokens(c->in, &v, " | ");
  ck_assert_msg(strcmp(got, c->want) == 0, "case %d \"%s\": got \"%s\", want \"%s\"", _i, c->in,
                got, c->want);
  if (c->kinds) {
    char kinds[256] = {0};
    for (size_t i = 0; i < v.n && i < sizeof kinds - 1; i++) kinds[i] = kind_letter(v.v[i].kind);
    ck_assert_msg(strcmp(kinds, c->kinds) == 0, "case %d \"%s\": kinds %s, want %s", _i, c->in,
                  kinds, c->kinds);
  }
  for (size_t i = 0; i < v.n; i++) {
    ck_assert_uint_eq(v.v[i].sentence, 0);
    ck_assert(!(v.v[i].flags & IDNER_SHAPE_SENT_START));
  }
  free(got);
  free(v.v);
}
END_TEST

/* ---- Table 2: sentences ------------------------------------------------- */

typedef struct sent_case {
  const char *in;
  const char *want; /* tokens joined by " ", sentences by " || " */
} sent_case;

static const sent_case k_sent_cases[] = {
    {"", ""},
    {"Halo", "Halo"},
    {"Halo.", "Halo ."},
    {".", "."},
    {". Halo", ". || Halo"},
    {"Dia pergi. Saya datang.", "Dia pergi . || Saya datang ."},
    {"Apa? Ya!", "Apa ? || Ya !"},
    {"Apa?! Tidak.", "Apa ?! || Tidak ."},
    {"Halo!!! Apa", "Halo !!! || Apa"},
    {"Tunggu... Lalu pergi.", "Tunggu ... || Lalu pergi ."},
    {"Tunggu\xE2\x80\xA6 Lalu", "Tunggu \xE2\x80\xA6 || Lalu"},
    {"Ya . . . tidak", "Ya . . . || tidak"},
    {"Dr. Budi datang.", "Dr. Budi datang ."},
    {"M. Yusuf datang. Dia", "M. Yusuf datang . || Dia"},
    {"Kata A. Yani.", "Kata A. Yani ."},
    {"A.S. dan Rusia", "A.S. dan Rusia"},
    {"buku, pena, dll. Lalu", "buku , pena , dll. Lalu"},
    {"Jl. Sudirman No. 5 Jakarta", "Jl. Sudirman No. 5 Jakarta"},
    {"\xE2\x80\x9CSaya setuju.\xE2\x80\x9D Lalu dia pergi.",
     "\xE2\x80\x9C Saya setuju . \xE2\x80\x9D || Lalu dia pergi ."},
    {"(Foto: Antara.) Berikutnya", "( Foto : Antara . ) || Berikutnya"},
    {"Selesai!) Lalu", "Selesai ! ) || Lalu"},
    {"Apa?\xE2\x80\x9D tanyanya", "Apa ? \xE2\x80\x9D || tanyanya"},
    {"Halo. \"Apa kabar?\" tanya dia.", "Halo . || \" Apa kabar ? \" || tanya dia ."},
    {"Dia berkata: \"Tidak.\"\n\"Ya.\"", "Dia berkata : \" Tidak . \" || \" Ya . \""},
    {"baris satu\nbaris dua", "baris satu || baris dua"},
    {"a\r\nb", "a || b"},
    {"a\rb", "a || b"},
    {"a\xE2\x80\xA8" "b", "a || b"},
    {"a\xE2\x80\xA9" "b", "a || b"},
    {"a\xC2\x85" "b", "a || b"},
    {"a\n\n\nb", "a || b"},
    {"Halo.\nDunia.", "Halo . || Dunia ."},
    {"Kunjungi Bisnis.com. Lalu", "Kunjungi Bisnis.com . || Lalu"},
    {"Pada 2023. Kemudian", "Pada 2023 . || Kemudian"},
    {"Harga Rp10.000. Murah", "Harga Rp10.000 . || Murah"},
    {"Pukul 10.00. Lalu", "Pukul 10.00 . || Lalu"},
    {"Satu.Dua", "Satu . || Dua"},
    {"\xE5\x8C\x97\xE4\xBA\xAC\xE3\x80\x82\xE4\xB8\x8A\xE6\xB5\xB7",
     "\xE5\x8C\x97\xE4\xBA\xAC \xE3\x80\x82 || \xE4\xB8\x8A\xE6\xB5\xB7"},
    {"Satu, dua; tiga: empat", "Satu , dua ; tiga : empat"},
};

#define N_SENT_CASES (sizeof k_sent_cases / sizeof *k_sent_cases)

START_TEST(test_sentence_table) {
  const sent_case *c = &k_sent_cases[_i];
  idner__tokvec v = tokenize(c->in, strlen(c->in));
  uint32_t ns = idner__split_sentences(c->in, v.v, v.n);
  idner__bytes got = {0};
  append(&got, "", 0);
  for (size_t i = 0; i < v.n; i++) {
    const idner_token *t = &v.v[i];
    int starts = i == 0 || t->sentence != v.v[i - 1].sentence;
    if (i) append(&got, starts ? " || " : " ", starts ? 4 : 1);
    append(&got, c->in + t->byte_start, t->byte_end - t->byte_start);
    ck_assert_msg(!!(t->flags & IDNER_SHAPE_SENT_START) == starts, "case %d token %zu flag", _i, i);
    if (i) ck_assert_uint_le(t->sentence - v.v[i - 1].sentence, 1);
  }
  ck_assert_msg(strcmp(got.v, c->want) == 0, "case %d \"%s\": got \"%s\", want \"%s\"", _i,
                c->in, got.v, c->want);
  ck_assert_uint_eq(ns, v.n ? v.v[v.n - 1].sentence + 1 : 0);
  if (v.n) ck_assert_uint_eq(v.v[0].sentence, 0);
  free(got.v);
  free(v.v);
}
END_TEST

START_TEST(test_sentences_keep_other_flags) {
  const char *s = "Halo KPK. Dunia";
  idner__tokvec v = tokenize(s, strlen(s));
  v.v[1].flags |= IDNER_SHAPE_SENT_START; /* stale flag from an earlier run */
  uint32_t before = v.v[1].flags & ~IDNER_SHAPE_SENT_START;
  ck_assert_uint_eq(idner__split_sentences(s, v.v, v.n), 2);
  ck_assert_uint_eq(v.v[1].flags, before);
  ck_assert(v.v[3].flags & IDNER_SHAPE_SENT_START);
  ck_assert_uint_eq(idner__split_sentences(s, v.v, 0), 0);
  free(v.v);
}
END_TEST

/* ---- UTF-8 decoding ----------------------------------------------------- */

typedef struct dec_case {
  const char *bytes;
  size_t len;
  int32_t cp;
  size_t n;
} dec_case;

static const dec_case k_dec_cases[] = {
    {"A", 1, 'A', 1},
    {"\0", 1, 0, 1},
    {"\x7F", 1, 0x7F, 1},
    {"\xC2\x80", 2, 0x80, 2},
    {"\xC3\xA9", 2, 0xE9, 2},
    {"\xDF\xBF", 2, 0x7FF, 2},
    {"\xE0\xA0\x80", 3, 0x800, 3},
    {"\xE2\x80\x99", 3, 0x2019, 3},
    {"\xED\x9F\xBF", 3, 0xD7FF, 3},
    {"\xEE\x80\x80", 3, 0xE000, 3},
    {"\xEF\xBF\xBF", 3, 0xFFFF, 3},
    {"\xF0\x90\x80\x80", 4, 0x10000, 4},
    {"\xF0\x9F\x98\x80", 4, 0x1F600, 4},
    {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4},
    {"\x80", 1, -1, 1},             /* stray continuation */
    {"\xBF", 1, -1, 1},
    {"\xC0\x80", 2, -1, 1},         /* overlong NUL */
    {"\xC1\xBF", 2, -1, 1},         /* overlong */
    {"\xE0\x80\x80", 3, -1, 1},     /* overlong */
    {"\xE0\x9F\xBF", 3, -1, 1},     /* overlong */
    {"\xF0\x80\x80\x80", 4, -1, 1}, /* overlong */
    {"\xF0\x8F\xBF\xBF", 4, -1, 1}, /* overlong */
    {"\xED\xA0\x80", 3, -1, 1},     /* surrogate D800 */
    {"\xED\xBF\xBF", 3, -1, 1},     /* surrogate DFFF */
    {"\xF4\x90\x80\x80", 4, -1, 1}, /* > U+10FFFF */
    {"\xF5\x80\x80\x80", 4, -1, 1},
    {"\xFE", 1, -1, 1},
    {"\xFF", 1, -1, 1},
    {"\xC3", 1, -1, 1},             /* truncated at end */
    {"\xE2\x80", 2, -1, 1},
    {"\xF0\x9F\x98", 3, -1, 1},
    {"\xC3" "A", 2, -1, 1},         /* bad continuation */
    {"\xE2\x28\xA1", 3, -1, 1},
    {"\xF0\x9F\x28\x80", 4, -1, 1},
    {"\xF0\x9F\x98\x28", 4, -1, 1},
};

START_TEST(test_decode_table) {
  const dec_case *c = &k_dec_cases[_i];
  int32_t cp = 12345;
  size_t n = idner__utf8_decode(c->bytes, c->len, 0, &cp);
  ck_assert_msg(n == c->n && cp == c->cp, "case %d: got cp %d len %zu, want %d len %zu", _i, cp,
                n, c->cp, c->n);
}
END_TEST

START_TEST(test_decode_respects_len) {
  int32_t cp;
  /* A valid sequence cut by len is invalid: the decoder never reads past it. */
  ck_assert_uint_eq(idner__utf8_decode("\xE2\x80\x99", 2, 0, &cp), 1);
  ck_assert_int_eq(cp, -1);
  ck_assert_uint_eq(idner__utf8_decode("x\xC3\xA9", 3, 1, &cp), 2);
  ck_assert_int_eq(cp, 0xE9);
}
END_TEST

/* ---- Offsets ------------------------------------------------------------ */

static void expect_token(const idner_token *t, uint32_t bs, uint32_t be, uint32_t cs, uint32_t ce,
                         uint32_t kind) {
  ck_assert_uint_eq(t->byte_start, bs);
  ck_assert_uint_eq(t->byte_end, be);
  ck_assert_uint_eq(t->char_start, cs);
  ck_assert_uint_eq(t->char_end, ce);
  ck_assert_uint_eq(t->kind, kind);
}

START_TEST(test_offsets_multibyte) {
  /* "Jum’at é 😀 x": ’ is 3 bytes, é 2, 😀 4. */
  const char *s = "Jum\xE2\x80\x99" "at \xC3\xA9 \xF0\x9F\x98\x80 x";
  idner__tokvec v = tokenize(s, strlen(s));
  ck_assert_uint_eq(v.n, 4);
  expect_token(&v.v[0], 0, 8, 0, 6, IDNER_TOK_WORD);
  expect_token(&v.v[1], 9, 11, 7, 8, IDNER_TOK_WORD);
  expect_token(&v.v[2], 12, 16, 9, 10, IDNER_TOK_SYMBOL);
  expect_token(&v.v[3], 17, 18, 11, 12, IDNER_TOK_WORD);
  free(v.v);
}
END_TEST

START_TEST(test_offsets_multibyte_spaces) {
  /* NBSP (2 bytes) and ideographic space (3 bytes) count as one char each. */
  const char *s = "\xC2\xA0" "Kyiv\xE3\x80\x80" "2023";
  idner__tokvec v = tokenize(s, strlen(s));
  ck_assert_uint_eq(v.n, 2);
  expect_token(&v.v[0], 2, 6, 1, 5, IDNER_TOK_WORD);
  expect_token(&v.v[1], 9, 13, 6, 10, IDNER_TOK_NUMBER);
  free(v.v);
}
END_TEST

START_TEST(test_invalid_lenient) {
  /* Each invalid byte is one SYMBOL token of one char; offsets never shift. */
  const char *s = "a\xFF" "b \xC3 \xE2\x80 \xED\xA0\x80" "c";
  idner__tokvec v = tokenize(s, strlen(s));
  ck_assert_uint_eq(v.n, 10);
  expect_token(&v.v[0], 0, 1, 0, 1, IDNER_TOK_WORD);
  expect_token(&v.v[1], 1, 2, 1, 2, IDNER_TOK_SYMBOL);
  expect_token(&v.v[2], 2, 3, 2, 3, IDNER_TOK_WORD);
  expect_token(&v.v[3], 4, 5, 4, 5, IDNER_TOK_SYMBOL);
  expect_token(&v.v[4], 6, 7, 6, 7, IDNER_TOK_SYMBOL);
  expect_token(&v.v[5], 7, 8, 7, 8, IDNER_TOK_SYMBOL);
  expect_token(&v.v[6], 9, 10, 9, 10, IDNER_TOK_SYMBOL);
  expect_token(&v.v[7], 10, 11, 10, 11, IDNER_TOK_SYMBOL);
  expect_token(&v.v[8], 11, 12, 11, 12, IDNER_TOK_SYMBOL);
  expect_token(&v.v[9], 12, 13, 12, 13, IDNER_TOK_WORD);
  for (size_t i = 0; i < v.n; i++) {
    int bad = v.v[i].kind == IDNER_TOK_SYMBOL;
    ck_assert_int_eq(!!(v.v[i].flags & IDNER_SHAPE_INVALID), bad);
    if (bad) ck_assert_uint_eq(v.v[i].flags, IDNER_SHAPE_INVALID);
  }
  free(v.v);
}
END_TEST

START_TEST(test_invalid_strict) {
  static const struct {
    const char *s;
    size_t bad;
  } cases[] = {
      {"ab \xFF", 3},          {"\x80", 0},          {"Jum\xE2\x80\x99" "at \xC0\xAF", 9},
      {"x \xED\xA0\x80", 2},   {"x\xE2\x82", 1},     {"\xF4\x90\x80\x80", 0},
      {"Halo. \xF5", 6},       {"a\xC3" "b", 1},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    idner__tokvec v = tokenize("sebelum", 7); /* tokens already in the vector stay */
    size_t bad = 999;
    int32_t rc = idner__tokenize(cases[k].s, strlen(cases[k].s), 1, &v, &bad);
    ck_assert_int_eq(rc, IDNER_ERR_INVALID_UTF8);
    ck_assert_uint_eq(bad, cases[k].bad);
    ck_assert_uint_eq(v.n, 1);
    ck_assert_int_eq(idner__tokenize(cases[k].s, strlen(cases[k].s), 1, &v, NULL),
                     IDNER_ERR_INVALID_UTF8);
    free(v.v);
  }
  /* Valid text passes in strict mode with the same tokens as lenient. */
  const char *ok = "Jum\xE2\x80\x99" "at 19/9/2023 \xF0\x9F\x98\x80";
  idner__tokvec a = {0}, b = tokenize(ok, strlen(ok));
  ck_assert_int_eq(idner__tokenize(ok, strlen(ok), 1, &a, NULL), IDNER_OK);
  ck_assert_uint_eq(a.n, b.n);
  ck_assert(memcmp(a.v, b.v, a.n * sizeof *a.v) == 0);
  free(a.v);
  free(b.v);
}
END_TEST

START_TEST(test_nul_bytes_separate) {
  const char s[] = "a\0b\0\0c\0";
  idner__tokvec v = tokenize(s, sizeof s - 1);
  ck_assert_uint_eq(v.n, 3);
  expect_token(&v.v[0], 0, 1, 0, 1, IDNER_TOK_WORD);
  expect_token(&v.v[1], 2, 3, 2, 3, IDNER_TOK_WORD);
  expect_token(&v.v[2], 5, 6, 5, 6, IDNER_TOK_WORD);
  free(v.v);
}
END_TEST

START_TEST(test_empty_and_args) {
  idner__tokvec v = {0};
  ck_assert_int_eq(idner__tokenize(NULL, 0, 0, &v, NULL), IDNER_OK);
  ck_assert_int_eq(idner__tokenize("", 0, 1, &v, NULL), IDNER_OK);
  ck_assert_int_eq(idner__tokenize("abc", 0, 0, &v, NULL), IDNER_OK);
  ck_assert_uint_eq(v.n, 0);
  ck_assert_uint_eq(idner__split_sentences("", v.v, 0), 0);
  ck_assert_int_eq(idner__tokenize(NULL, 3, 0, &v, NULL), IDNER_ERR_INVALID_ARG);
  free(v.v);
}
END_TEST

START_TEST(test_appends_without_reset) {
  idner__tokvec v = tokenize("satu dua", 8);
  ck_assert_int_eq(idner__tokenize("tiga", 4, 0, &v, NULL), IDNER_OK);
  ck_assert_uint_eq(v.n, 3);
  expect_token(&v.v[2], 0, 4, 0, 4, IDNER_TOK_WORD); /* offsets are into the new text */
  free(v.v);
}
END_TEST

/* ---- Shapes ------------------------------------------------------------- */

typedef struct shape_case {
  const char *in;
  size_t tok;
  uint32_t set, clear;
} shape_case;

#define S_CAP IDNER_SHAPE_CAPITALIZED
#define S_ALL IDNER_SHAPE_ALLCAPS
#define S_LOW IDNER_SHAPE_LOWER
#define S_DIG IDNER_SHAPE_HAS_DIGIT
#define S_PER IDNER_SHAPE_HAS_PERIOD
#define S_HYP IDNER_SHAPE_HAS_HYPHEN
#define S_INV IDNER_SHAPE_INVALID
#define S_ANY 0xFFu

static const shape_case k_shape_cases[] = {
    {"Jakarta", 0, S_CAP, S_ALL | S_LOW | S_DIG | S_PER | S_HYP | S_INV},
    {"KPK", 0, S_CAP | S_ALL, S_LOW},
    {"makan", 0, S_LOW, S_CAP | S_ALL},
    {"e-KTP", 0, S_HYP, S_CAP | S_ALL | S_LOW},
    {"COVID-19", 0, S_CAP | S_ALL | S_DIG | S_HYP, S_LOW | S_PER},
    {"anak-anak", 0, S_LOW | S_HYP, S_CAP},
    {"Dr.", 0, S_CAP | S_PER, S_ALL | S_LOW},
    {"M. Yusuf", 0, S_CAP | S_ALL | S_PER, S_LOW},
    {"dll.", 0, S_LOW | S_PER, S_CAP},
    {"1.000", 0, S_DIG | S_PER, S_CAP | S_ALL | S_LOW},
    {"2019", 0, S_DIG, S_ANY & ~S_DIG},
    {".", 0, 0, S_ANY},
    {"-", 0, 0, S_ANY},
    {"...", 0, 0, S_ANY},
    {"\xE5\x8C\x97\xE4\xBA\xAC", 0, 0, S_ANY},
    {"\xC3\x89lys\xC3\xA9" "e", 0, S_CAP, S_ALL | S_LOW},
    {"\xC3\xA9t\xC3\xA9", 0, S_LOW, S_CAP},
    {"\xFF", 0, S_INV, S_ANY & ~S_INV},
    {"Bisnis.com", 0, S_CAP | S_PER, S_ALL},
    {"Rp10.000", 0, S_CAP | S_DIG | S_PER, S_LOW},
    {"\"iPhone\"", 1, 0, S_CAP | S_ALL | S_LOW},
    {"ke-20", 0, S_LOW | S_DIG | S_HYP, S_CAP},
    {"#PemiluDamai", 0, S_CAP, S_ALL | S_LOW},
    {"\xC7\x85" "ungla", 0, S_CAP, S_LOW}, /* titlecase digraph */
};

START_TEST(test_shape_table) {
  const shape_case *c = &k_shape_cases[_i];
  idner__tokvec v = tokenize(c->in, strlen(c->in));
  ck_assert_uint_gt(v.n, c->tok);
  uint32_t f = v.v[c->tok].flags;
  ck_assert_msg((f & c->set) == c->set, "case %d \"%s\": flags 0x%x lack 0x%x", _i, c->in, f,
                c->set);
  ck_assert_msg((f & c->clear) == 0, "case %d \"%s\": flags 0x%x have 0x%x", _i, c->in, f,
                f & c->clear);
  ck_assert(!(f & IDNER_SHAPE_SENT_START));
  free(v.v);
}
END_TEST

/* ---- Classifying user tokens -------------------------------------------- */

typedef struct class_case {
  const char *in;
  uint32_t kind, set, clear;
} class_case;

static const class_case k_class_cases[] = {
    {"Bisnis.com", IDNER_TOK_URL, S_CAP | S_PER, 0},
    {"25/8/2014", IDNER_TOK_DATE, S_DIG, 0},
    {"19-09-2023", IDNER_TOK_DATE, S_DIG, 0},
    {"09.30", IDNER_TOK_TIME, S_DIG, 0},
    {"Rp", IDNER_TOK_WORD, S_CAP, S_PER},
    {"Rp10.000", IDNER_TOK_NUMBER, S_DIG, 0},
    {"(", IDNER_TOK_PUNCT, 0, S_ANY},
    {"...", IDNER_TOK_PUNCT, 0, S_ANY},
    {"-", IDNER_TOK_PUNCT, 0, S_ANY},
    {"\xE2\x80\x9D", IDNER_TOK_PUNCT, 0, S_ANY},
    {"Jakarta", IDNER_TOK_WORD, S_CAP, S_ALL},
    {"Ukraina.", IDNER_TOK_WORD, S_CAP | S_PER, 0},
    {"M.", IDNER_TOK_WORD, S_CAP | S_ALL | S_PER, 0},
    {"dll.", IDNER_TOK_WORD, S_LOW | S_PER, 0},
    {"S.H.", IDNER_TOK_WORD, S_PER, 0},
    {"2014-2019", IDNER_TOK_NUMBER, S_DIG | S_HYP, 0},
    {"anti-Rusia", IDNER_TOK_WORD, S_HYP, S_CAP | S_ALL | S_LOW},
    {"ke-20", IDNER_TOK_NUMBER, S_HYP | S_DIG, 0},
    {"1.000.000", IDNER_TOK_NUMBER, S_DIG | S_PER, 0},
    {"50%", IDNER_TOK_NUMBER, S_DIG, 0},
    {"@jokowi", IDNER_TOK_MENTION, S_LOW, 0},
    {"#PemiluDamai", IDNER_TOK_HASHTAG, S_CAP, 0},
    {"redaksi@kompas.com", IDNER_TOK_EMAIL, S_LOW | S_PER, 0},
    {"https://x.id/a", IDNER_TOK_URL, S_LOW, 0},
    {"(29/10/2013)", IDNER_TOK_NUMBER, S_DIG, 0},
    {"New York", IDNER_TOK_WORD, S_CAP, 0},
    {"+62", IDNER_TOK_NUMBER, S_DIG, 0},
    {"\xF0\x9F\x98\x80", IDNER_TOK_SYMBOL, 0, S_ANY},
    {"\xC2\xA9", IDNER_TOK_SYMBOL, 0, S_ANY},
    {"\xFF", IDNER_TOK_SYMBOL, S_INV, 0},
    {"Jakarta\xFF", IDNER_TOK_WORD, S_INV | S_CAP, 0},
    {"", IDNER_TOK_SYMBOL, 0, S_ANY},
};

START_TEST(test_classify_table) {
  const class_case *c = &k_class_cases[_i];
  uint32_t kind = 0, shape = 0;
  idner__classify_token(c->in, strlen(c->in), &kind, &shape);
  ck_assert_msg(kind == c->kind, "case %d \"%s\": kind %u, want %u", _i, c->in, kind, c->kind);
  ck_assert_msg((shape & c->set) == c->set && (shape & c->clear) == 0,
                "case %d \"%s\": shape 0x%x (set 0x%x, clear 0x%x)", _i, c->in, shape, c->set,
                c->clear);
}
END_TEST

/* Every token the tokenizer produces gets the same kind and shape when it is
 * classified alone, except where context decides (initials, abbreviations
 * and domains are whole tokens either way). */
START_TEST(test_classify_agrees_with_tokenizer) {
  for (size_t k = 0; k < N_TOK_CASES; k++) {
    const char *s = k_tok_cases[k].in;
    idner__tokvec v = tokenize(s, strlen(s));
    for (size_t i = 0; i < v.n; i++) {
      const idner_token *t = &v.v[i];
      uint32_t kind, shape;
      idner__classify_token(s + t->byte_start, t->byte_end - t->byte_start, &kind, &shape);
      ck_assert_msg(kind == t->kind && shape == t->flags, "\"%s\" token %zu: %u/0x%x vs %u/0x%x",
                    s, i, kind, shape, t->kind, t->flags);
    }
    free(v.v);
  }
}
END_TEST

/* ---- Invariants ---------------------------------------------------------- */

/* Checks what must hold for any input: tokens non-empty, in order, within
 * bounds, made of no whitespace, separated only by whitespace, with char
 * offsets equal to the code points before them; sentences well-formed. */
static void check_invariants(const char *s, size_t len, const idner__tokvec *v) {
  size_t pos = 0;
  uint32_t chars = 0;
  idner__tokvec ws = {0};
  for (size_t i = 0; i < v->n; i++) {
    const idner_token *t = &v->v[i];
    ck_assert_uint_lt(t->byte_start, t->byte_end);
    ck_assert_uint_le(t->byte_end, len);
    ck_assert_uint_ge(t->byte_start, pos);
    ck_assert(t->kind >= IDNER_TOK_WORD && t->kind <= IDNER_TOK_MENTION);
    /* The gap holds whitespace only: tokenizing it yields nothing. */
    ws.n = 0;
    ck_assert_int_eq(idner__tokenize(s + pos, t->byte_start - pos, 0, &ws, NULL), IDNER_OK);
    ck_assert_uint_eq(ws.n, 0);
    for (size_t k = pos; k < t->byte_start;) {
      int32_t cp;
      k += idner__utf8_decode(s, len, k, &cp);
      chars++;
    }
    ck_assert_uint_eq(t->char_start, chars);
    for (size_t k = t->byte_start; k < t->byte_end;) {
      int32_t cp;
      k += idner__utf8_decode(s, t->byte_end, k, &cp);
      chars++;
    }
    ck_assert_uint_eq(t->char_end, chars);
    /* Re-tokenizing a token alone never yields whitespace inside it. */
    ws.n = 0;
    ck_assert_int_eq(idner__tokenize(s + t->byte_start, t->byte_end - t->byte_start, 0, &ws, NULL),
                     IDNER_OK);
    ck_assert_uint_eq(ws.v[0].byte_start, 0);
    ck_assert_uint_eq(ws.v[ws.n - 1].byte_end, t->byte_end - t->byte_start);
    pos = t->byte_end;
  }
  ws.n = 0;
  ck_assert_int_eq(idner__tokenize(s + pos, len - pos, 0, &ws, NULL), IDNER_OK);
  ck_assert_uint_eq(ws.n, 0);
  free(ws.v);
}

static void check_sentences(const char *s, idner__tokvec *v) {
  uint32_t ns = idner__split_sentences(s, v->v, v->n);
  ck_assert_uint_eq(ns, v->n ? v->v[v->n - 1].sentence + 1 : 0);
  for (size_t i = 0; i < v->n; i++) {
    uint32_t prev = i ? v->v[i - 1].sentence : 0;
    ck_assert_uint_le(v->v[i].sentence - prev, 1);
    ck_assert_int_eq(!!(v->v[i].flags & IDNER_SHAPE_SENT_START),
                     i == 0 || v->v[i].sentence != prev);
  }
}

START_TEST(test_invariants_news_text) {
  const char *s =
      "JAKARTA, KOMPAS.com \xE2\x80\x94 Presiden Joko Widodo (Jokowi) bertemu Dr. H. M. Yusuf, "
      "S.H., M.Si. di Jl. Medan Merdeka No. 5, Selasa (19/9/2023) pukul 09.30 WIB.\n"
      "\xE2\x80\x9CKita bahas e-KTP se-Indonesia,\xE2\x80\x9D katanya. Anggaran Rp10.000,50 "
      "naik 3,5% (2014-2019)... Info: https://example.co.id/a?b=c, redaksi@kompas.com, "
      "#PemiluDamai @jokowi \xF0\x9F\x98\x80 \xC2\xA9 Jum\xE2\x80\x99" "at\xFF\xC3 ke-20 "
      "anti-Rusia \xE2\x80\xA6 ?! -- \xE2\x80\xA8 US$5 19.09.2023 14:00.";
  idner__tokvec v = tokenize(s, strlen(s));
  ck_assert_uint_gt(v.n, 60);
  check_invariants(s, strlen(s), &v);
  check_sentences(s, &v);
  free(v.v);
}
END_TEST

/* Random bytes drawn from an alphabet rich in separators, digits, letters,
 * punctuation and UTF-8 fragments (fixed seed: reproducible). */
static const char *const k_pieces[] = {
    "a",  "Z",  "1",  "9",  ".",  ",",  "-",  "/",  ":",  "'",  "@", "#", "%", "$",
    " ",  "\n", "\t", "\0", "(",  ")",  "?",  "!",  "w",  "com", "id", "Rp", "http://",
    "\xE2\x80\x99", "\xE2\x80\xA6", "\xC3\xA9", "\xF0\x9F\x98\x80", "\xCC\x81", "\xC2\xA0",
    "\x80", "\xC3", "\xE2\x82", "\xED\xA0\x80", "\xFF", "\xE2\x80\xA8", "M. ", "S.H.",
};

static uint32_t rng_next(uint32_t *state) {
  *state = *state * 1103515245u + 12345u;
  return *state >> 8;
}

START_TEST(test_invariants_random) {
  uint32_t seed = 20230919u;
  size_t npieces = sizeof k_pieces / sizeof *k_pieces;
  for (int round = 0; round < 300; round++) {
    char buf[512];
    size_t len = 0, want = 1 + rng_next(&seed) % 120;
    while (len < want) {
      const char *p = k_pieces[rng_next(&seed) % npieces];
      size_t n = p[0] ? strlen(p) : 1;
      if (len + n > sizeof buf) break;
      memcpy(buf + len, p, n);
      len += n;
    }
    idner__tokvec v = tokenize(buf, len);
    check_invariants(buf, len, &v);
    check_sentences(buf, &v);
    /* Strict mode either agrees with lenient or reports the first invalid byte. */
    idner__tokvec st = {0};
    size_t bad = 0;
    int32_t rc = idner__tokenize(buf, len, 1, &st, &bad);
    size_t first_bad = len;
    for (size_t k = 0; k < len;) {
      int32_t cp;
      size_t n = idner__utf8_decode(buf, len, k, &cp);
      if (cp < 0) {
        first_bad = k;
        break;
      }
      k += n;
    }
    if (first_bad == len) {
      ck_assert_int_eq(rc, IDNER_OK);
      ck_assert_uint_eq(st.n, v.n);
    } else {
      ck_assert_int_eq(rc, IDNER_ERR_INVALID_UTF8);
      ck_assert_uint_eq(bad, first_bad);
      ck_assert_uint_eq(st.n, 0);
    }
    free(st.v);
    free(v.v);
  }
}
END_TEST

/* ---- Folding while tokenizing -------------------------------------------- */

/* idner__tokenize_split_fold on text[0..len) gives the tokens and sentences
 * of idner__tokenize_split, and per token the form, hash and plain flag of
 * idner__fold_hash_append on its own, back to back with a NUL and 16 zero
 * bytes after the last. The vectors start empty (every growth path) or
 * from earlier, larger use (prev). */
static void check_fold(const char *text, size_t len, idner__foldout *fo) {
  idner__tokvec a = {0}, b = {0};
  uint32_t na = 0, nb = 0;
  ck_assert_int_eq(idner__tokenize_split(text, len, 0, &a, NULL, &na), IDNER_OK);
  ck_assert_int_eq(idner__tokenize_split_fold(text, len, 0, &b, NULL, &nb, fo), IDNER_OK);
  ck_assert_uint_eq(na, nb);
  ck_assert_uint_eq(a.n, b.n);
  ck_assert_int_eq(a.n ? memcmp(a.v, b.v, a.n * sizeof *a.v) : 0, 0);
  ck_assert_uint_eq(fo->off->n, a.n + 1);
  idner__bytes want = {0};
  for (size_t k = 0; k < a.n; k++) {
    const char *u = text + a.v[k].byte_start;
    size_t n = a.v[k].byte_end - a.v[k].byte_start, at = want.n;
    uint64_t h;
    ck_assert_int_eq(idner__fold_hash_append(u, n, &want, &h), IDNER_OK);
    int plain = n > 0;
    for (size_t i = 0; i < n; i++) plain &= (unsigned char)u[i] < 0x80u && u[i] >= '/';
    ck_assert_uint_eq(fo->off->v[k], at);
    ck_assert_uint_eq(fo->off->v[k + 1] - fo->off->v[k], want.n - at);
    ck_assert_msg(fo->hash->v[k] == h, "token %zu: hash", k);
    ck_assert_uint_eq(fo->plain->v[k] & IDNER__FOLD_PLAIN, plain);
  }
  ck_assert_uint_eq(fo->off->v[a.n], want.n);
  /* the forms' FNV-1a, word at a time, as a byte at a time */
  uint64_t *fnv = malloc((a.n + 1) * sizeof *fnv);
  ck_assert_ptr_nonnull(fnv);
  idner__fnv_forms(fo->forms->v, fo->off->v, a.n, fnv);
  for (size_t k = 0; k < a.n; k++)
    ck_assert_msg(fnv[k] == idner__fnv(want.v + fo->off->v[k], fo->off->v[k + 1] - fo->off->v[k]),
                  "token %zu: FNV-1a", k);
  free(fnv);
  ck_assert_uint_eq(fo->forms->n, want.n);
  ck_assert_int_eq(want.n ? memcmp(fo->forms->v, want.v, want.n) : 0, 0);
  ck_assert_uint_ge(fo->forms->cap, want.n + 17);
  for (size_t i = 0; i < 17; i++) ck_assert_int_eq(fo->forms->v[want.n + i], 0);
  free(want.v);
  free(a.v);
  free(b.v);
}

typedef struct foldvecs {
  idner__bytes forms;
  idner__u32vec off;
  idner__u64vec hash;
  idner__u8vec plain;
  idner__foldout out;
} foldvecs;

static void foldvecs_init(foldvecs *f) {
  memset(f, 0, sizeof *f);
  f->out.forms = &f->forms, f->out.off = &f->off, f->out.hash = &f->hash;
  f->out.plain = &f->plain;
}

static void foldvecs_free(foldvecs *f) {
  free(f->forms.v), free(f->off.v), free(f->hash.v), free(f->plain.v);
}

/* Letters whose lower case is longer (U+023A -> U+2C65) or shorter
 * (U+1E9E -> U+00DF), upper-case Latin-1, and long words. */
static const char *const k_fold_pieces[] = {
    "A", "Jakarta", "PEMERINTAHAN", "KeMeNtErIaN", "Pertanggungjawabannya", "\xC8\xBA",
    "\xE1\xBA\x9E", "\xC3\x89", "\xC3\xA9", "\xCE\xA3", "0123456789", "Z.", "/",
};

START_TEST(test_fold_while_tokenizing) {
  /* FNV-1a with the library's offset (the trained models' keys) */
  ck_assert(idner__fnv("", 0) == IDNER__FNV_OFFSET);
  ck_assert(idner__fnv("a", 1) == 0x44bd8ad473cd9906ull);
  ck_assert(idner__fnv_more(idner__fnv("fo", 2), "obar", 4) == idner__fnv("foobar", 6));
  foldvecs prev;
  foldvecs_init(&prev);
  const char *news =
      "JAKARTA, KOMPAS.com \xE2\x80\x94 Presiden Joko Widodo (Jokowi) bertemu Dr. H. M. Yusuf, "
      "S.H., M.Si. di Jl. Medan Merdeka No. 5, Selasa (19/9/2023) pukul 09.30 WIB.\n"
      "\xE2\x80\x9CKita bahas e-KTP se-Indonesia,\xE2\x80\x9D katanya. Jum\xE2\x80\x99" "at "
      "\xC8\xBA\xC8\xBA\xC8\xBA\xC8\xBA\xC8\xBA\xC8\xBA\xC8\xBA\xC8\xBA\xC8\xBA KEMENTERIAN "
      "Pertanggungjawabannya \xFF\xC3 Ke-20 \xE1\xBA\x9E\xC3\x89Z";
  check_fold(news, strlen(news), &prev.out);
  check_fold("", 0, &prev.out);
  uint32_t seed = 20231126u;
  size_t npieces = sizeof k_pieces / sizeof *k_pieces;
  size_t nfold = sizeof k_fold_pieces / sizeof *k_fold_pieces;
  for (int round = 0; round < 400; round++) {
    char buf[2048];
    size_t len = 0, want = 1 + rng_next(&seed) % 1500;
    while (len < want) {
      uint32_t r = rng_next(&seed);
      const char *p = r & 1 ? k_fold_pieces[(r >> 1) % nfold] : k_pieces[(r >> 1) % npieces];
      size_t n = p[0] ? strlen(p) : 1;
      if (len + n > sizeof buf) break;
      memcpy(buf + len, p, n);
      len += n;
    }
    foldvecs fresh;
    foldvecs_init(&fresh);
    check_fold(buf, len, &fresh.out);
    foldvecs_free(&fresh);
    check_fold(buf, len, &prev.out);
    /* the text ending right after the token: no word reads past it
     * (valgrind and ASan would say) */
    char *exact = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(exact);
    memcpy(exact, buf, len);
    check_fold(exact, len, &prev.out);
    free(exact);
  }
  foldvecs_free(&prev);
}
END_TEST

/* ---- Linear time ---------------------------------------------------------- */

/* Inputs that would make a backtracking tokenizer quadratic: one long line
 * without spaces built from a repeated unit. Each must finish in well under
 * the time a quadratic scan of this size would take. */
static const char *const k_patterns[] = {
    "a",    "1",     "a.",   "ab.",   "a.a@",  "1/",    "1.",   "1-",   "a-",   "a'",
    "Aa-",  "1,",    "a@",   "#1",    "@",     ".",     "-",    "ab-",  "x.id.", "1/1/",
    "Rp1",  "M.",    "S.H.", "09.30.", "\xFF", "\xE2\x80\xA6", "\xC3\xA9", "!?", "a1.",
    "www.a", "a.b-", "ke-1", ")",
};

START_TEST(test_linear_time) {
  const size_t target = 1u << 20; /* 1 MiB per pattern */
  char *buf = malloc(target + 64);
  ck_assert_ptr_nonnull(buf);
  idner__tokvec v = {0};
  for (size_t k = 0; k < sizeof k_patterns / sizeof *k_patterns; k++) {
    size_t unit = strlen(k_patterns[k]), len = 0;
    while (len + unit <= target) memcpy(buf + len, k_patterns[k], unit), len += unit;
    clock_t t0 = clock();
    v.n = 0;
    ck_assert_int_eq(idner__tokenize(buf, len, 0, &v, NULL), IDNER_OK);
    idner__split_sentences(buf, v.v, v.n);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(secs < time_bound(20.0), "pattern \"%s\" took %.1f s", k_patterns[k], secs);
    ck_assert_uint_gt(v.n, 0);
    ck_assert_uint_eq(v.v[v.n - 1].byte_end <= len, 1);
  }
  /* A long URL followed by many closing brackets, and a spaced run of initials. */
  size_t len = 0;
  memcpy(buf, "http://x.id/", 12);
  for (len = 12; len < target / 2; len++) buf[len] = 'a';
  for (; len < target; len++) buf[len] = ')';
  v.n = 0;
  ck_assert_int_eq(idner__tokenize(buf, len, 0, &v, NULL), IDNER_OK);
  ck_assert_uint_eq(v.v[0].kind, IDNER_TOK_URL);
  ck_assert_uint_eq(v.v[0].byte_end, target / 2);
  free(v.v);
  free(buf);
}
END_TEST

/* ---- Main ---------------------------------------------------------------- */

static Suite *tokenizer_suite(void) {
  Suite *s = suite_create("tokenizer");
  TCase *tc = tcase_create("tables");
  tcase_add_loop_test(tc, test_token_table, 0, (int)N_TOK_CASES);
  tcase_add_loop_test(tc, test_sentence_table, 0, (int)N_SENT_CASES);
  tcase_add_loop_test(tc, test_decode_table, 0, (int)(sizeof k_dec_cases / sizeof *k_dec_cases));
  tcase_add_loop_test(tc, test_shape_table, 0,
                      (int)(sizeof k_shape_cases / sizeof *k_shape_cases));
  tcase_add_loop_test(tc, test_classify_table, 0,
                      (int)(sizeof k_class_cases / sizeof *k_class_cases));
  suite_add_tcase(s, tc);

  tc = tcase_create("units");
  tcase_add_test(tc, test_sentences_keep_other_flags);
  tcase_add_test(tc, test_decode_respects_len);
  tcase_add_test(tc, test_offsets_multibyte);
  tcase_add_test(tc, test_offsets_multibyte_spaces);
  tcase_add_test(tc, test_invalid_lenient);
  tcase_add_test(tc, test_invalid_strict);
  tcase_add_test(tc, test_nul_bytes_separate);
  tcase_add_test(tc, test_empty_and_args);
  tcase_add_test(tc, test_appends_without_reset);
  tcase_add_test(tc, test_classify_agrees_with_tokenizer);
  tcase_add_test(tc, test_invariants_news_text);
  tcase_add_test(tc, test_invariants_random);
  tcase_add_test(tc, test_fold_while_tokenizing);
  suite_add_tcase(s, tc);

  tc = tcase_create("performance");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_linear_time);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(tokenizer_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  printf("tokenizer: %zu token cases, %zu sentence cases\n", N_TOK_CASES, N_SENT_CASES);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
