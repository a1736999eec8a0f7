/* idner-eval — entity-level evaluation of idner on annotated corpora.
 *
 *   idner-eval [OPTIONS] GOLD.conll
 *   idner-eval [OPTIONS] --text FILE.txt --gold FILE.jsonl
 *
 * CoNLL mode runs the library on the gold tokens (idner_analyze_tokens(),
 * sentence breaks from blank lines, "-DOCSTART-" lines between documents)
 * and scores the prediction like CoNLL's conlleval and tests/conlleval.py:
 * IOB2/IOBES chunks, a predicted chunk is correct when its start, end and
 * type equal a gold chunk, per-type and micro precision/recall/F1 and the
 * type-macro average. The first lines of the text report are exactly
 * conlleval.py's (with --map-nat-to-loc and --ignore for the unscored types).
 *
 * Text mode analyzes raw text (idner_analyze()) and scores exact byte spans
 * + type against JSON Lines gold ({"start", "end", "type", "text", "value",
 * "mod"}), and for matched spans whose gold gives a value, whether the value
 * and the mod are exact.
 *
 * Uses only the public API (idner.h). Run with --help for details.
 * Exit status: 0 success, 1 bad input or error, 2 usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cliutil.h"
#include "conllio.h"
#include "idner.h"
#include "jsonio.h"

#define PROG "idner-eval"
#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2
#define STDIN_NAME "<stdin>"
#define CONTEXT_TOKENS 8 /* tokens shown on each side of an error */

/* ---- Small helpers -------------------------------------------------------- */

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs(PROG ": out of memory\n", stderr);
    exit(EXIT_BAD_INPUT);
  }
  return q;
}

/* Grows *p (of *cap elements of elem bytes) to hold need elements. */
static void reserve(void **p, size_t *cap, size_t need, size_t elem) {
  size_t c = *cap ? *cap : 64;
  if (need <= *cap) return;
  while (c < need) {
    if (c > SIZE_MAX / 2 / elem) {
      fputs(PROG ": out of memory\n", stderr);
      exit(EXIT_BAD_INPUT);
    }
    c *= 2;
  }
  *p = xrealloc(*p, c * elem);
  *cap = c;
}

static char *xstrndup(const char *s, size_t n) {
  char *d = xrealloc(NULL, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Command line --------------------------------------------------------- */

enum { DOC_FILE, DOC_SENTENCE };
enum { MAP_AUTO = -1, MAP_OFF = 0, MAP_ON = 1 };

typedef struct cli_options {
  const char *gold;       /* CoNLL gold, or JSON Lines gold with --text */
  const char *text;       /* --text FILE: raw-text mode */
  const char *types;      /* --types list, NULL = the types present in the gold */
  int map_nat;            /* MAP_* */
  int doc_mode;           /* DOC_*; -1 = not given */
  int have_date;
  ymd date;
  const char *data_dir;
  const char *profile;    /* --profile NAME, or NULL */
  int no_model;           /* --no-model */
  int date_nerugm;        /* --date-convention nerugm */
  int json;
  unsigned long errors;   /* --errors N */
  const char *pred;       /* --pred FILE */
} cli_options;

static void print_usage(FILE *out) {
  fputs(
      "Usage: " PROG " [OPTIONS] GOLD.conll\n"
      "       " PROG " [OPTIONS] --text FILE.txt --gold FILE.jsonl\n"
      "Runs idner on an annotated corpus and prints entity-level scores compatible\n"
      "with conlleval (exact span + type): per type and micro precision/recall/F1\n"
      "with counts, and the type-macro average.\n"
      "\n"
      "CoNLL mode: one \"token TAB label\" line per token (the first field is the\n"
      "token, the last the label; a line without a TAB is split on spaces), a\n"
      "blank line between sentences, \"-DOCSTART-\" lines between documents. Labels\n"
      "are O, B-X, I-X (IOB2; an I-X after O or another type starts a chunk), E-X\n"
      "and S-X. The library gets the gold tokens (idner_analyze_tokens()).\n"
      "Text mode: FILE.txt is analyzed as one document (idner_analyze()); the gold\n"
      "has one {\"start\", \"end\", \"type\"[, \"text\"][, \"value\"][, \"mod\"]} object per\n"
      "line (UTF-8 byte offsets, half-open). For matched spans whose gold has a\n"
      "value, the report also counts exact values and mods.\n"
      "\n"
      "Options:\n"
      "  --types PER,LOC,ORG,...  types to score (PER NAT ORG LOC DATE TIME); others\n"
      "                           are O on both sides. Default: the idner types\n"
      "                           present in the gold (after the NAT mapping);\n"
      "                           gold QUANTITY, EVT, IND, FNB etc. are never scored.\n"
      "                           A predicted TIME counts as DATE when DATE is scored\n"
      "                           and TIME is not.\n"
      "  --map-nat-to-loc         score NAT as LOC on both sides (ENTITIES.md mapping\n"
      "                           for PER/LOC/ORG sets)\n"
      "  --no-map                 score NAT as its own type\n"
      "                           Default: --map-nat-to-loc, unless the gold itself\n"
      "                           has NAT labels (then --no-map).\n"
      "  --doc file|sentence      CoNLL: the whole file (or each \"-DOCSTART-\"\n"
      "                           document) is one idner document (default file), or\n"
      "                           each sentence is its own document (no propagation\n"
      "                           across sentences)\n"
      "  --date YYYY-MM-DD        reference date (default: none)\n"
      "  --data DIR               add/replace gazetteer files (and model.bin) from DIR\n"
      "  --profile NAME           annotation profile of the sequence model (default:\n"
      "                           the ENTITIES.md guidelines; corpus names such as\n"
      "                           nerui, nerugm, idner-news-2k, nergrit)\n"
      "  --no-model               gazetteers and rules only, no sequence model\n"
      "  --date-convention nerugm map predicted DATE/TIME spans to NER-UGM's TIME\n"
      "                           convention: only named or numbered dates (a digit,\n"
      "                           a month or a weekday), without a leading tahun,\n"
      "                           pukul, pkl, jam or tanggal (default: entities)\n"
      "  --json                   print one JSON object instead of the text report\n"
      "  --errors N               print the first N false positives/negatives (in\n"
      "                           input order) with context to standard error\n"
      "  --pred FILE              CoNLL: write \"token TAB gold TAB prediction\" lines,\n"
      "                           aligned with GOLD (the prediction is the library's\n"
      "                           own BIO label, before any mapping); text mode: write\n"
      "                           the predicted entities in the gold's JSON Lines form\n"
      "  --text FILE, --gold FILE raw-text mode (see above); --gold may also name the\n"
      "                           CoNLL gold\n"
      "  --version                print the version and exit\n"
      "  --help                   print this help and exit\n"
      "\n"
      "Exit status: 0 success, 1 bad input (FILE:LINE) or error, 2 usage error.\n",
      out);
}

static int usage_error(const char *fmt, ...) {
  va_list ap;
  fputs(PROG ": ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry '" PROG " --help' for more information.\n", stderr);
  return EXIT_USAGE;
}


/* Checks a --types list; the mask is built later (see setup_types). */
static int check_types(const char *list) {
  const char *p = list;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (idner_type_from_name(p, len) == IDNER_TYPE_NONE)
      return usage_error("unknown entity type '%.*s' in --types (expected PER, NAT, ORG, "
                         "LOC, DATE or TIME)", (int)len, p);
    if (!comma) return 0;
    p = comma + 1;
  }
}

static int set_errors(cli_options *o, const char *v) {
  char *end;
  unsigned long n;
  errno = 0;
  n = strtoul(v, &end, 10);
  if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0)
    return usage_error("invalid --errors '%s' (expected a number)", v);
  o->errors = n;
  return 0;
}

static int set_gold(cli_options *o, const char *v) {
  if (o->gold) return usage_error("more than one gold file ('%s' and '%s')", o->gold, v);
  o->gold = v;
  return 0;
}

/* Handles one option taking a value: -1 if arg is none of them, else 0 or
 * an exit status. */
static int parse_valued_option(cli_options *o, int argc, char **argv, int *i) {
  static const char *const names[] = {"--types", "--doc", "--date", "--data", "--errors",
                                      "--pred", "--text", "--gold", "--profile",
                                      "--date-convention", NULL};
  for (int k = 0; names[k]; k++) {
    const char *v = NULL;
    int m = cli_option_value(names[k], argc, argv, i, &v);
    if (m == 0) continue;
    if (m < 0) return usage_error("option '%s' needs a value", names[k]);
    switch (k) {
      case 0: o->types = v; return check_types(v);
      case 1:
        if (strcmp(v, "file") == 0) o->doc_mode = DOC_FILE;
        else if (strcmp(v, "sentence") == 0) o->doc_mode = DOC_SENTENCE;
        else return usage_error("invalid --doc '%s' (expected file or sentence)", v);
        return 0;
      case 2:
        if (cli_parse_date(v, strlen(v), &o->date) != 0)
          return usage_error("invalid --date '%s' (expected a calendar date YYYY-MM-DD)", v);
        o->have_date = 1;
        return 0;
      case 3: o->data_dir = v; return 0;
      case 4: return set_errors(o, v);
      case 5: o->pred = v; return 0;
      case 6: o->text = v; return 0;
      case 7: return set_gold(o, v);
      case 8: o->profile = v; return 0;
      default:
        if (strcmp(v, "nerugm") == 0) o->date_nerugm = 1;
        else if (strcmp(v, "entities") != 0)
          return usage_error("invalid --date-convention '%s' (expected entities or nerugm)", v);
        return 0;
    }
  }
  return -1;
}

/* Returns -1 to go on, or the exit status (0 after --help / --version). */
static int parse_args(int argc, char **argv, cli_options *o) {
  int only_files = 0;
  memset(o, 0, sizeof *o);
  o->map_nat = MAP_AUTO;
  o->doc_mode = -1;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int rc;
    if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
      if ((rc = set_gold(o, arg)) != 0) return rc;
    } else if (strcmp(arg, "--") == 0) {
      only_files = 1;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      print_usage(stdout);
      return 0;
    } else if (strcmp(arg, "--version") == 0) {
      printf(PROG " %s (data format %u)\n", idner_version_string(),
             (unsigned)idner_data_format_version());
      return 0;
    } else if (strcmp(arg, "--map-nat-to-loc") == 0) {
      o->map_nat = MAP_ON;
    } else if (strcmp(arg, "--no-map") == 0) {
      o->map_nat = MAP_OFF;
    } else if (strcmp(arg, "--no-model") == 0) {
      o->no_model = 1;
    } else if (strcmp(arg, "--json") == 0) {
      o->json = 1;
    } else if ((rc = parse_valued_option(o, argc, argv, &i)) >= 0) {
      if (rc != 0) return rc;
    } else {
      return usage_error("unknown option '%s'", arg);
    }
  }
  if (!o->gold) return usage_error(o->text ? "--text needs --gold FILE.jsonl" : "no gold file");
  if (o->text && o->doc_mode >= 0) return usage_error("--doc applies to CoNLL input only");
  if (o->doc_mode < 0) o->doc_mode = DOC_FILE;
  if (strcmp(o->gold, "-") == 0 && (o->text || !o->types))
    return usage_error("reading the gold from standard input needs CoNLL input and --types");
  if (o->text && strcmp(o->text, "-") == 0) return usage_error("--text needs a file name");
  return -1;
}

/* ---- Types ----------------------------------------------------------------- */

/* Every type name seen (gold labels and predictions) gets an id. Ids
 * 1..6 are idner's own types, in IDNER_TYPE_* order; 0 is "O". */
typedef struct type_info {
  char *name;
  int present;                    /* seen in the gold (after the NAT mapping) */
  int scored;
  uint64_t gold, found, correct;  /* chunks of a scored type */
  uint64_t ign_gold, ign_found;   /* chunks of a type that is not scored */
  uint64_t val_total, val_ok, mod_ok, both_ok; /* text mode: values of matches */
} type_info;

typedef struct type_table {
  type_info *v;
  size_t n, cap;
} type_table;

static uint32_t intern_type(type_table *t, const char *name, size_t len) {
  for (size_t i = 0; i < t->n; i++)
    if (strlen(t->v[i].name) == len && memcmp(t->v[i].name, name, len) == 0) return (uint32_t)i;
  if (t->n >= UINT32_MAX) {
    fputs(PROG ": too many entity types\n", stderr);
    exit(EXIT_BAD_INPUT);
  }
  reserve((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v);
  memset(&t->v[t->n], 0, sizeof t->v[t->n]);
  t->v[t->n].name = xstrndup(name, len);
  return (uint32_t)t->n++;
}

static void type_table_init(type_table *t) {
  memset(t, 0, sizeof *t);
  intern_type(t, "", 0);
  for (uint32_t k = 1; k < IDNER_TYPE_COUNT; k++) {
    const char *name = idner_type_name(k);
    intern_type(t, name, strlen(name));
  }
}

static void type_table_free(type_table *t) {
  for (size_t i = 0; i < t->n; i++) free(t->v[i].name);
  free(t->v);
  memset(t, 0, sizeof *t);
}

/* Indices of types ordered by name (byte order, like Python's sorted()). */
static const type_table *sort_table;
static int by_name(const void *a, const void *b) {
  return strcmp(sort_table->v[*(const uint32_t *)a].name, sort_table->v[*(const uint32_t *)b].name);
}
static uint32_t *sorted_type_ids(const type_table *t) {
  uint32_t *ids = xrealloc(NULL, t->n * sizeof *ids);
  for (size_t i = 0; i < t->n; i++) ids[i] = (uint32_t)i;
  sort_table = t;
  qsort(ids, t->n, sizeof *ids, by_name);
  return ids;
}

/* ---- The evaluator ---------------------------------------------------------- */

typedef struct tag {
  char tag;      /* 'O', 'B', 'I', 'E', 'S' */
  uint32_t type; /* 0 for O */
} tag;

static const tag BOUNDARY = {'O', 0};

typedef struct chunk {
  size_t start, end; /* token indices, end exclusive */
  uint32_t type;
  int matched;
} chunk;

typedef struct chunk_list {
  chunk *v;
  size_t n, cap;
} chunk_list;

typedef struct evaluator {
  const cli_options *opts;
  type_table types;
  int map_nat, time_to_date;
  idner_model *model;
  idner_doc *doc;
  idner_options aopts;
  FILE *pred_out;
  const char *gold_name;
  /* totals */
  uint64_t tokens, same_tokens, sentences, documents;
  double seconds;
  unsigned long errors_shown;
} evaluator;

static uint32_t rename_gold(const evaluator *ev, uint32_t type) {
  return ev->map_nat && type == IDNER_TYPE_NAT ? IDNER_TYPE_LOC : type;
}

static uint32_t rename_pred(const evaluator *ev, uint32_t type) {
  type = rename_gold(ev, type);
  return ev->time_to_date && type == IDNER_TYPE_TIME ? IDNER_TYPE_DATE : type;
}

static tag scored_only(const evaluator *ev, tag t) {
  return t.tag == 'O' || !ev->types.v[t.type].scored ? BOUNDARY : t;
}

/* conlleval's endOfChunk / startOfChunk (see tests/conlleval.py). */
static int end_of_chunk(tag prev, tag cur) {
  if (prev.tag == 'E' || prev.tag == 'S') return 1;
  if ((prev.tag == 'B' || prev.tag == 'I') &&
      (cur.tag == 'B' || cur.tag == 'S' || cur.tag == 'O'))
    return 1;
  return prev.tag != 'O' && prev.type != cur.type;
}

static int start_of_chunk(tag prev, tag cur) {
  if (cur.tag == 'B' || cur.tag == 'S') return 1;
  if ((prev.tag == 'E' || prev.tag == 'S' || prev.tag == 'O') &&
      (cur.tag == 'E' || cur.tag == 'I'))
    return 1;
  return cur.tag != 'O' && prev.type != cur.type;
}

static void add_chunk(chunk_list *l, size_t start, size_t end, uint32_t type) {
  reserve((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v);
  l->v[l->n++] = (chunk){start, end, type, 0};
}

/* Chunks of tags[0..n) with a boundary before every sentence start and at
 * the end; with only_scored, tags of unscored types count as O (as
 * conlleval.py --ignore does before chunking). */
static void find_chunks(const evaluator *ev, const tag *tags, const uint8_t *sent_start,
                        size_t n, int only_scored, chunk_list *out) {
  tag prev = BOUNDARY;
  size_t start = 0;
  int in_chunk = 0;
  out->n = 0;
  for (size_t i = 0; i <= n; i++) {
    tag cur;
    if (i == n || (i > 0 && sent_start[i])) {
      if (in_chunk && end_of_chunk(prev, BOUNDARY)) add_chunk(out, start, i, prev.type);
      in_chunk = 0;
      prev = BOUNDARY;
      if (i == n) break;
    }
    cur = only_scored ? scored_only(ev, tags[i]) : tags[i];
    if (in_chunk && end_of_chunk(prev, cur)) {
      add_chunk(out, start, i, prev.type);
      in_chunk = 0;
    }
    if (start_of_chunk(prev, cur)) {
      start = i;
      in_chunk = 1;
    }
    prev = cur;
  }
}

/* Marks equal chunks (start, end, type) in two lists ordered by start (the
 * chunks of one list never overlap). */
static void match_chunks(chunk_list *gold, chunk_list *pred) {
  size_t i = 0, j = 0;
  while (i < gold->n && j < pred->n) {
    chunk *g = &gold->v[i], *p = &pred->v[j];
    if (g->start < p->start) {
      i++;
    } else if (p->start < g->start) {
      j++;
    } else {
      if (g->end == p->end && g->type == p->type) g->matched = p->matched = 1;
      i++;
      j++;
    }
  }
}

/* ---- Error listing ----------------------------------------------------------- */

static void write_quoted_span(FILE *out, const char *const *tokens, const size_t *lens,
                              size_t start, size_t end) {
  putc('"', out);
  for (size_t i = start; i < end; i++) {
    if (i > start) putc(' ', out);
    fwrite(tokens[i], 1, lens[i], out);
  }
  putc('"', out);
}

/* ---- CoNLL input -------------------------------------------------------------- */

typedef struct uline {
  conll_line_kind kind;
  size_t off, len;         /* token (TOKEN) or whole line (DOCSTART) in unit.bytes */
  size_t lab_off, lab_len; /* TOKEN: the gold label in unit.bytes */
  tag gold;                /* TOKEN: the gold tag (type before renaming) */
  unsigned long lineno;
} uline;

/* What the reader passes to the library at once: a "-DOCSTART-" document
 * (--doc file) or a sentence (--doc sentence), with the lines before it. */
typedef struct unit {
  uline *lines;
  size_t n_lines, lines_cap;
  char *bytes;
  size_t n_bytes, bytes_cap;
  size_t n_tokens, tok_cap;
  const char **tokens;
  size_t *lens;
  uint8_t *sent_start;
  size_t *tok_line;        /* index into lines */
  tag *gold, *pred;
  uint32_t *raw_type;      /* the library's type per token (0 = O) */
  uint8_t *raw_begin;
  chunk_list gchunks, pchunks, scratch;
} unit;

typedef struct conll_input {
  line_reader lr;
  const char *name;
  char *pending;            /* a "-DOCSTART-" line that starts the next unit */
  size_t pending_len, pending_cap;
  unsigned long pending_lineno;
  int has_pending;
} conll_input;

typedef struct parsed_line {
  conll_line_kind kind;
  const char *tok, *label;
  size_t tok_len, label_len;
  tag gold;
} parsed_line;

static int is_space_tab(char c) { return c == ' ' || c == '\t'; }
static int is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parses one input line (conllio's blank / "-DOCSTART-" rules, and
 * conlleval.py's fields: the token is the first, the label the last).
 * Returns NULL or a static error message. */
static const char *parse_conll_line(type_table *types, const char *s, size_t len, parsed_line *pl) {
  static const char DOCSTART[] = "-DOCSTART-";
  const char *tab = memchr(s, '\t', len);
  size_t i;
  memset(pl, 0, sizeof *pl);
  for (i = 0; i < len && is_space_tab(s[i]); i++) {
  }
  if (i == len) {
    pl->kind = CONLL_BLANK;
    return NULL;
  }
  if (len >= sizeof DOCSTART - 1 && memcmp(s, DOCSTART, sizeof DOCSTART - 1) == 0) {
    pl->kind = CONLL_DOCSTART;
    return NULL;
  }
  pl->kind = CONLL_TOKEN;
  if (tab) {
    const char *last = tab;
    const char *p;
    while ((p = memchr(last + 1, '\t', len - (size_t)(last + 1 - s))) != NULL) last = p;
    pl->tok = s;
    pl->tok_len = (size_t)(tab - s);
    pl->label = last + 1;
    pl->label_len = len - (size_t)(last + 1 - s);
    for (i = 0; i < pl->tok_len && is_space_tab(s[i]); i++) {
    }
    if (i == pl->tok_len) {
      pl->label = NULL;
      return "empty token (the line starts with a tab)";
    }
  } else {
    size_t a = 0, b, e = len;
    while (a < len && is_ascii_space(s[a])) a++;
    b = a;
    while (b < len && !is_ascii_space(s[b])) b++;
    while (e > b && is_ascii_space(s[e - 1])) e--;
    if (b == e) return "no label (expected token TAB label)";
    pl->tok = s + a;
    pl->tok_len = b - a;
    i = e;
    while (i > b && !is_ascii_space(s[i - 1])) i--;
    pl->label = s + i;
    pl->label_len = e - i;
  }
  if (pl->label_len == 1 && pl->label[0] == 'O') {
    pl->gold = BOUNDARY;
    return NULL;
  }
  if (pl->label_len < 3 || pl->label[1] != '-' || !strchr("BIES", pl->label[0]) ||
      pl->label[0] == '\0')
    return "invalid label (expected O, B-TYPE, I-TYPE, E-TYPE or S-TYPE)";
  pl->gold.tag = pl->label[0];
  pl->gold.type = intern_type(types, pl->label + 2, pl->label_len - 2);
  return NULL;
}

static int input_error(const char *name, unsigned long lineno, const char *msg,
                       const char *label, size_t label_len) {
  fprintf(stderr, PROG ": %s:%lu: %s", name, lineno, msg);
  if (label) fprintf(stderr, ": '%.*s'", (int)(label_len > 200 ? 200 : label_len), label);
  fputc('\n', stderr);
  return EXIT_BAD_INPUT;
}

static int read_error(const char *name, int rc) {
  if (rc == LINE_ERR_NOMEM) fprintf(stderr, PROG ": %s: out of memory\n", name);
  else fprintf(stderr, PROG ": %s: read error: %s\n", name, strerror(errno));
  return EXIT_BAD_INPUT;
}

static FILE *open_input(const char *path) {
  FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!fp) fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
  return fp;
}

static void close_input(FILE *fp) {
  if (fp && fp != stdin) fclose(fp);
}

/* First pass over the gold (for the default types and NAT mapping):
 * validates every line and marks the types present. */
static int scan_conll_gold(evaluator *ev, const char *path) {
  FILE *fp = open_input(path);
  line_reader lr;
  const char *s;
  size_t len;
  int rc, status = 0;
  if (!fp) return EXIT_BAD_INPUT;
  line_reader_init(&lr, fp);
  while ((rc = line_reader_next(&lr, &s, &len)) == LINE_OK) {
    parsed_line pl;
    const char *err = parse_conll_line(&ev->types, s, len, &pl);
    if (err) {
      status = input_error(path, lr.lineno, err, pl.label, pl.label_len);
      break;
    }
    if (pl.kind == CONLL_TOKEN && pl.gold.tag != 'O') ev->types.v[pl.gold.type].present = 1;
  }
  if (status == 0 && rc != LINE_EOF) status = read_error(path, rc);
  line_reader_free(&lr);
  close_input(fp);
  return status;
}

static void unit_add_line(unit *u, const parsed_line *pl, const char *s, size_t len,
                          unsigned long lineno) {
  uline *l;
  size_t need = pl->kind == CONLL_TOKEN ? pl->tok_len + pl->label_len
                : pl->kind == CONLL_DOCSTART ? len : 0;
  reserve((void **)&u->lines, &u->lines_cap, u->n_lines + 1, sizeof *u->lines);
  reserve((void **)&u->bytes, &u->bytes_cap, u->n_bytes + need + 1, 1);
  l = &u->lines[u->n_lines++];
  memset(l, 0, sizeof *l);
  l->kind = pl->kind;
  l->lineno = lineno;
  l->off = u->n_bytes;
  if (pl->kind == CONLL_TOKEN) {
    l->len = pl->tok_len;
    memcpy(u->bytes + u->n_bytes, pl->tok, pl->tok_len);
    u->n_bytes += pl->tok_len;
    l->lab_off = u->n_bytes;
    l->lab_len = pl->label_len;
    memcpy(u->bytes + u->n_bytes, pl->label, pl->label_len);
    u->n_bytes += pl->label_len;
    l->gold = pl->gold;
    u->n_tokens++;
  } else if (pl->kind == CONLL_DOCSTART) {
    l->len = len;
    memcpy(u->bytes + u->n_bytes, s, len);
    u->n_bytes += len;
  }
}

/* Builds the token arrays once the unit's byte buffer no longer moves. */
static void unit_build(const evaluator *ev, unit *u) {
  size_t k = 0;
  int new_sentence = 1;
  size_t cap = u->tok_cap;
  if (u->n_tokens > u->tok_cap) {
    reserve((void **)&u->tokens, &cap, u->n_tokens, sizeof *u->tokens);
    cap = u->tok_cap;
    reserve((void **)&u->lens, &cap, u->n_tokens, sizeof *u->lens);
    cap = u->tok_cap;
    reserve((void **)&u->sent_start, &cap, u->n_tokens, sizeof *u->sent_start);
    cap = u->tok_cap;
    reserve((void **)&u->tok_line, &cap, u->n_tokens, sizeof *u->tok_line);
    cap = u->tok_cap;
    reserve((void **)&u->gold, &cap, u->n_tokens, sizeof *u->gold);
    cap = u->tok_cap;
    reserve((void **)&u->pred, &cap, u->n_tokens, sizeof *u->pred);
    cap = u->tok_cap;
    reserve((void **)&u->raw_type, &cap, u->n_tokens, sizeof *u->raw_type);
    cap = u->tok_cap;
    reserve((void **)&u->raw_begin, &cap, u->n_tokens, sizeof *u->raw_begin);
    u->tok_cap = cap;
  }
  for (size_t i = 0; i < u->n_lines; i++) {
    const uline *l = &u->lines[i];
    if (l->kind != CONLL_TOKEN) {
      new_sentence = 1;
      continue;
    }
    u->tokens[k] = u->bytes + l->off;
    u->lens[k] = l->len;
    u->sent_start[k] = (uint8_t)new_sentence;
    u->tok_line[k] = i;
    u->gold[k] = l->gold;
    if (l->gold.tag != 'O') u->gold[k].type = rename_gold(ev, l->gold.type);
    k++;
    new_sentence = 0;
  }
}

/* Reads the next unit. Returns 1 (a unit with at least one line), 0 at the
 * end, or -(exit status). */
static int read_unit(evaluator *ev, conll_input *in, unit *u) {
  const char *s;
  size_t len;
  int rc;
  u->n_lines = u->n_bytes = u->n_tokens = 0;
  if (in->has_pending) {
    parsed_line pl;
    memset(&pl, 0, sizeof pl);
    pl.kind = CONLL_DOCSTART;
    unit_add_line(u, &pl, in->pending, in->pending_len, in->pending_lineno);
    in->has_pending = 0;
  }
  while ((rc = line_reader_next(&in->lr, &s, &len)) == LINE_OK) {
    parsed_line pl;
    const char *err = parse_conll_line(&ev->types, s, len, &pl);
    if (err) return -input_error(in->name, in->lr.lineno, err, pl.label, pl.label_len);
    if (ev->opts->doc_mode == DOC_FILE && pl.kind == CONLL_DOCSTART && u->n_lines > 0) {
      reserve((void **)&in->pending, &in->pending_cap, len + 1, 1);
      memcpy(in->pending, s, len);
      in->pending_len = len;
      in->pending_lineno = in->lr.lineno;
      in->has_pending = 1;
      break;
    }
    unit_add_line(u, &pl, s, len, in->lr.lineno);
    if (ev->opts->doc_mode == DOC_SENTENCE && pl.kind != CONLL_TOKEN && u->n_tokens > 0) break;
  }
  if (rc != LINE_OK && rc != LINE_EOF) return -read_error(in->name, rc);
  if (u->n_lines == 0) return 0;
  unit_build(ev, u);
  return 1;
}

static void unit_free(unit *u) {
  free(u->lines);
  free(u->bytes);
  free(u->tokens);
  free(u->lens);
  free(u->sent_start);
  free(u->tok_line);
  free(u->gold);
  free(u->pred);
  free(u->raw_type);
  free(u->raw_begin);
  free(u->gchunks.v);
  free(u->pchunks.v);
  free(u->scratch.v);
  memset(u, 0, sizeof *u);
}

static int library_error(const evaluator *ev, const char *where, int32_t status) {
  const char *detail = idner_doc_error(ev->doc);
  fprintf(stderr, PROG ": %s: %s%s%s\n", where, idner_strerror(status), detail[0] ? ": " : "",
          detail);
  return EXIT_BAD_INPUT;
}

/* ---- NER-UGM's date convention --------------------------------------------- */

/* ENTITIES.md spans DATE/TIME more widely than NER-UGM's TIME label, which
 * marks named or numbered dates only ("2014", "Minggu ( 24/8 )", "8 Juli")
 * and rarely includes "tahun" or "pukul". The mapping was chosen on
 * train.01 and dev.01, never on a test split nor on dev.02-05 (they hold
 * test.01 sentences). train.01 DATE F1: 0.60 unmapped, 0.80 mapped. */
static int token_is(const unit *u, size_t i, const char *const *words) {
  for (; *words; words++) {
    size_t n = strlen(*words);
    if (u->lens[i] != n) continue;
    size_t k = 0;
    while (k < n && (char)tolower((unsigned char)u->tokens[i][k]) == (*words)[k]) k++;
    if (k == n) return 1;
  }
  return 0;
}

static int nerugm_named(const unit *u, size_t s, size_t e) {
  static const char *const names[] = {
      "januari", "februari", "pebruari", "maret", "april", "mei", "juni", "juli", "agustus",
      "september", "oktober", "november", "nopember", "desember", "jan", "feb", "mar", "apr",
      "jun", "jul", "agu", "agt", "ags", "sep", "sept", "okt", "nov", "nop", "des", "senin",
      "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad", NULL};
  for (size_t i = s; i < e; i++) {
    for (size_t k = 0; k < u->lens[i]; k++)
      if (u->tokens[i][k] >= '0' && u->tokens[i][k] <= '9') return 1;
    if (token_is(u, i, names)) return 1;
  }
  return 0;
}

/* Adjusts a predicted DATE/TIME span [*s, *e); returns 0 to drop it.
 * NER-UGM leaves out what ENTITIES.md puts in: a leading "tahun"/"pukul",
 * a part of day after a Kompas date ("Rabu ( 17/4/2013 )" malam), a tense
 * marker after a named date ("Kamis" lalu, "8 Juli" lalu) and a leading
 * part-of-period word ("awal" "Februari"). */
static int nerugm_date_span(const unit *u, size_t *s, size_t *e) {
  static const char *const lead[] = {"tahun", "pukul", "pkl", "pkl.", "jam", "tanggal", NULL};
  static const char *const mods[] = {"awal",   "akhir",  "pertengahan", "medio",
                                     "penghujung", "sekitar", "sekira", "kira-kira", NULL};
  static const char *const bulan[] = {"bulan", NULL};
  static const char *const tails[] = {"lalu", "kemarin", "mendatang", "ini", "nanti", "depan",
                                      "yang", "silam", NULL};
  static const char *const paren[] = {")", NULL};
  if (!nerugm_named(u, *s, *e)) return 0;
  while (*e - *s > 1 && token_is(u, *s, lead)) (*s)++;
  if (*e - *s > 1 && token_is(u, *s, mods)) {
    size_t k = *s + 1;
    if (*e - k > 1 && token_is(u, k, bulan)) k++;
    if (nerugm_named(u, k, *e)) *s = k;
  }
  for (size_t k = *e; k > *s + 1; k--)
    if (token_is(u, k - 1, paren)) {
      *e = k;
      break;
    }
  while (*e - *s > 1 && token_is(u, *e - 1, tails) && nerugm_named(u, *s, *e - 1)) (*e)--;
  return 1;
}

/* Labels the unit's tokens with the library's entities, exactly like
 * idner-tag --format conll: the first token of an entity is B-, and a
 * token claimed by an earlier entity keeps its label. */
static void label_prediction(const evaluator *ev, unit *u) {
  const idner_entity *ents = idner_doc_entities(ev->doc);
  uint32_t n_ents = idner_doc_entity_count(ev->doc);
  memset(u->raw_type, 0, u->n_tokens * sizeof *u->raw_type);
  memset(u->raw_begin, 0, u->n_tokens * sizeof *u->raw_begin);
  for (uint32_t e = 0; e < n_ents; e++) {
    int first = 1;
    if (ents[e].type == IDNER_TYPE_NONE || ents[e].token_end > u->n_tokens) continue;
    size_t start = ents[e].token_start, end = ents[e].token_end;
    if (ev->opts->date_nerugm &&
        (ents[e].type == IDNER_TYPE_DATE || ents[e].type == IDNER_TYPE_TIME) &&
        !nerugm_date_span(u, &start, &end))
      continue;
    for (size_t i = start; i < end; i++) {
      if (u->raw_type[i] != IDNER_TYPE_NONE) continue;
      u->raw_type[i] = ents[e].type;
      u->raw_begin[i] = (uint8_t)first;
      first = 0;
    }
  }
}

static uint32_t pred_type_id(evaluator *ev, uint32_t raw) {
  const char *name;
  if (raw < IDNER_TYPE_COUNT) return raw;
  name = idner_type_name(raw); /* a type this program does not know yet */
  return intern_type(&ev->types, name, strlen(name));
}

static void write_pred_label(FILE *out, uint32_t raw, int begin) {
  if (raw == IDNER_TYPE_NONE) {
    putc('O', out);
    return;
  }
  fputs(begin ? "B-" : "I-", out);
  fputs(idner_type_name(raw), out);
}

static void write_pred_lines(const evaluator *ev, const unit *u) {
  size_t k = 0;
  FILE *out = ev->pred_out;
  for (size_t i = 0; i < u->n_lines; i++) {
    const uline *l = &u->lines[i];
    if (l->kind == CONLL_DOCSTART) fwrite(u->bytes + l->off, 1, l->len, out);
    if (l->kind == CONLL_TOKEN) {
      fwrite(u->bytes + l->off, 1, l->len, out);
      putc('\t', out);
      fwrite(u->bytes + l->lab_off, 1, l->lab_len, out);
      putc('\t', out);
      write_pred_label(out, u->raw_type[k], u->raw_begin[k]);
      k++;
    }
    putc('\n', out);
  }
}

/* The chunk of the other side overlapping [start, end), or NULL. */
static const chunk *overlapping(const chunk_list *l, size_t start, size_t end) {
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].start < end && start < l->v[i].end) return &l->v[i];
  return NULL;
}

static void show_conll_error(evaluator *ev, const unit *u, const chunk *c, int is_fn) {
  const chunk_list *other = is_fn ? &u->pchunks : &u->gchunks;
  const chunk *o = overlapping(other, c->start, c->end);
  size_t from = c->start, to = c->end;
  FILE *out = stderr;
  while (from > 0 && c->start - from < CONTEXT_TOKENS && !u->sent_start[from]) from--;
  while (to < u->n_tokens && to - c->end < CONTEXT_TOKENS && !u->sent_start[to]) to++;
  fprintf(out, "%s:%lu: %s %s ", ev->gold_name, u->lines[u->tok_line[c->start]].lineno,
          is_fn ? "FN" : "FP", ev->types.v[c->type].name);
  write_quoted_span(out, u->tokens, u->lens, c->start, c->end);
  if (o) {
    fprintf(out, " (%s: %s ", is_fn ? "predicted" : "gold", ev->types.v[o->type].name);
    write_quoted_span(out, u->tokens, u->lens, o->start, o->end);
    putc(')', out);
  }
  fputs(" |", out);
  for (size_t i = from; i < to; i++) {
    putc(' ', out);
    if (i == c->start) putc('[', out);
    fwrite(u->tokens[i], 1, u->lens[i], out);
    if (i + 1 == c->end) putc(']', out);
  }
  putc('\n', out);
}

/* Lists the unit's unmatched chunks in input order until --errors is used up. */
static void show_conll_errors(evaluator *ev, const unit *u) {
  size_t i = 0, j = 0;
  const chunk_list *g = &u->gchunks, *p = &u->pchunks;
  while (ev->errors_shown < ev->opts->errors && (i < g->n || j < p->n)) {
    if (i < g->n && g->v[i].matched) {
      i++;
    } else if (j < p->n && p->v[j].matched) {
      j++;
    } else if (j >= p->n || (i < g->n && g->v[i].start <= p->v[j].start)) {
      show_conll_error(ev, u, &g->v[i++], 1);
      ev->errors_shown++;
    } else {
      show_conll_error(ev, u, &p->v[j++], 0);
      ev->errors_shown++;
    }
  }
}

static void count_ignored(evaluator *ev, unit *u, const tag *tags, int gold_side) {
  find_chunks(ev, tags, u->sent_start, u->n_tokens, 0, &u->scratch);
  for (size_t i = 0; i < u->scratch.n; i++) {
    type_info *t = &ev->types.v[u->scratch.v[i].type];
    if (t->scored) continue;
    if (gold_side) t->ign_gold++;
    else t->ign_found++;
  }
}

static int evaluate_unit(evaluator *ev, unit *u) {
  size_t n = u->n_tokens;
  if (n > 0) {
    double t0 = now_seconds();
    int32_t status = idner_analyze_tokens(ev->model, ev->doc, u->tokens, u->lens, n,
                                          u->sent_start, &ev->aopts);
    ev->seconds += now_seconds() - t0;
    if (status != IDNER_OK) {
      char where[512];
      snprintf(where, sizeof where, "%s:%lu", ev->gold_name, u->lines[u->tok_line[0]].lineno);
      return library_error(ev, where, status);
    }
    ev->documents++;
    label_prediction(ev, u);
  }
  for (size_t i = 0; i < n; i++) {
    tag g, p;
    if (u->raw_type[i] == IDNER_TYPE_NONE) {
      u->pred[i] = BOUNDARY;
    } else {
      u->pred[i].tag = u->raw_begin[i] ? 'B' : 'I';
      u->pred[i].type = rename_pred(ev, pred_type_id(ev, u->raw_type[i]));
    }
    g = scored_only(ev, u->gold[i]);
    p = scored_only(ev, u->pred[i]);
    ev->tokens++;
    ev->same_tokens += g.tag == p.tag && g.type == p.type;
    ev->sentences += u->sent_start[i];
  }
  find_chunks(ev, u->gold, u->sent_start, n, 1, &u->gchunks);
  find_chunks(ev, u->pred, u->sent_start, n, 1, &u->pchunks);
  match_chunks(&u->gchunks, &u->pchunks);
  for (size_t i = 0; i < u->gchunks.n; i++) {
    ev->types.v[u->gchunks.v[i].type].gold++;
    ev->types.v[u->gchunks.v[i].type].correct += (uint64_t)u->gchunks.v[i].matched;
  }
  for (size_t i = 0; i < u->pchunks.n; i++) ev->types.v[u->pchunks.v[i].type].found++;
  count_ignored(ev, u, u->gold, 1);
  count_ignored(ev, u, u->pred, 0);
  if (ev->opts->errors > ev->errors_shown) show_conll_errors(ev, u);
  if (ev->pred_out) write_pred_lines(ev, u);
  return 0;
}

static int run_conll(evaluator *ev) {
  conll_input in;
  unit u;
  FILE *fp = open_input(ev->opts->gold);
  int rc, status = 0;
  if (!fp) return EXIT_BAD_INPUT;
  memset(&in, 0, sizeof in);
  memset(&u, 0, sizeof u);
  line_reader_init(&in.lr, fp);
  in.name = ev->gold_name;
  while ((rc = read_unit(ev, &in, &u)) > 0) {
    status = evaluate_unit(ev, &u);
    if (status != 0) break;
  }
  if (rc < 0) status = -rc;
  unit_free(&u);
  free(in.pending);
  line_reader_free(&in.lr);
  close_input(fp);
  return status;
}

/* ---- Text + JSON Lines input ---------------------------------------------------- */

typedef struct span {
  uint32_t start, end;
  uint32_t type;     /* after renaming */
  uint32_t raw_type; /* as annotated / predicted */
  char *value, *mod; /* owned; NULL when absent */
  unsigned long lineno;
  int matched;
  const struct span *partner; /* matched or overlapping span of the other side */
} span;

typedef struct span_list {
  span *v;
  size_t n, cap;
} span_list;

static void span_list_free(span_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].value);
    free(l->v[i].mod);
  }
  free(l->v);
  memset(l, 0, sizeof *l);
}

static span *add_span(span_list *l) {
  reserve((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v);
  memset(&l->v[l->n], 0, sizeof l->v[l->n]);
  return &l->v[l->n++];
}

static int parse_offset(const json_member *m, uint32_t *out) {
  uint64_t v = 0;
  if (!m || m->kind != JSON_NUMBER || m->len == 0 || m->len > 10) return -1;
  for (size_t i = 0; i < m->len; i++) {
    if (m->str[i] < '0' || m->str[i] > '9') return -1;
    v = v * 10 + (uint64_t)(m->str[i] - '0');
  }
  if (v > UINT32_MAX) return -1;
  *out = (uint32_t)v;
  return 0;
}

static char *optional_string(const json_member *m) {
  return m && m->kind == JSON_STRING ? xstrndup(m->str, m->len) : NULL;
}

static int read_gold_span(evaluator *ev, json_object *obj, const char *text, size_t text_len,
                          span_list *gold, const char *where) {
  const json_member *mt = json_object_get(obj, "type");
  const json_member *mx = json_object_get(obj, "text");
  const json_member *mv = json_object_get(obj, "value");
  const json_member *mm = json_object_get(obj, "mod");
  uint32_t start, end;
  span *s;
  if (parse_offset(json_object_get(obj, "start"), &start) != 0 ||
      parse_offset(json_object_get(obj, "end"), &end) != 0) {
    fprintf(stderr, PROG ": %s: \"start\" and \"end\" must be byte offsets\n", where);
    return EXIT_BAD_INPUT;
  }
  if (start >= end || end > text_len) {
    fprintf(stderr, PROG ": %s: span %u..%u is empty or outside the text (%zu bytes)\n", where,
            (unsigned)start, (unsigned)end, text_len);
    return EXIT_BAD_INPUT;
  }
  if (!mt || mt->kind != JSON_STRING || mt->len == 0) {
    fprintf(stderr, PROG ": %s: \"type\" must be a non-empty string\n", where);
    return EXIT_BAD_INPUT;
  }
  if (mx && (mx->kind != JSON_STRING || mx->len != end - start ||
             memcmp(mx->str, text + start, mx->len) != 0)) {
    fprintf(stderr, PROG ": %s: \"text\" is not the text's bytes %u..%u (\"%.*s\")\n", where,
            (unsigned)start, (unsigned)end, (int)(end - start > 200 ? 200 : end - start),
            text + start);
    return EXIT_BAD_INPUT;
  }
  if ((mv && mv->kind != JSON_STRING) || (mm && mm->kind != JSON_STRING)) {
    fprintf(stderr, PROG ": %s: \"value\" and \"mod\" must be strings\n", where);
    return EXIT_BAD_INPUT;
  }
  s = add_span(gold);
  s->start = start;
  s->end = end;
  s->raw_type = intern_type(&ev->types, mt->str, mt->len);
  s->value = optional_string(mv);
  s->mod = optional_string(mm);
  return 0;
}

static int read_jsonl_gold(evaluator *ev, const char *text, size_t text_len, span_list *gold) {
  FILE *fp = open_input(ev->opts->gold);
  line_reader lr;
  json_object obj;
  const char *s;
  size_t len;
  int rc, status = 0;
  if (!fp) return EXIT_BAD_INPUT;
  line_reader_init(&lr, fp);
  json_object_init(&obj);
  while (status == 0 && (rc = line_reader_next(&lr, &s, &len)) == LINE_OK) {
    char where[512], err[128];
    size_t i;
    int prc;
    for (i = 0; i < len && is_space_tab(s[i]); i++) {
    }
    if (i == len) continue;
    snprintf(where, sizeof where, "%s:%lu", ev->gold_name, lr.lineno);
    prc = json_parse_object(&obj, s, len, err, sizeof err);
    if (prc != JSON_OK) {
      fprintf(stderr, PROG ": %s: %s\n", where, prc == JSON_ERR_NOMEM ? "out of memory" : err);
      status = EXIT_BAD_INPUT;
      break;
    }
    status = read_gold_span(ev, &obj, text, text_len, gold, where);
    if (status == 0) gold->v[gold->n - 1].lineno = lr.lineno;
  }
  if (status == 0 && rc != LINE_EOF) status = read_error(ev->gold_name, rc);
  json_object_free(&obj);
  line_reader_free(&lr);
  close_input(fp);
  return status;
}

static int span_cmp(const void *a, const void *b) {
  const span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  if (x->type != y->type) return x->type < y->type ? -1 : 1;
  return 0;
}

/* Keeps the spans of scored types (renamed); counts the others. */
static void filter_spans(evaluator *ev, span_list *l, int gold_side) {
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++) {
    span s = l->v[i];
    s.type = gold_side ? rename_gold(ev, s.raw_type) : rename_pred(ev, s.raw_type);
    if (!ev->types.v[s.type].scored) {
      if (gold_side) ev->types.v[s.type].ign_gold++;
      else ev->types.v[s.type].ign_found++;
      free(s.value);
      free(s.mod);
      continue;
    }
    l->v[k++] = s;
  }
  l->n = k;
  qsort(l->v, l->n, sizeof *l->v, span_cmp);
}

static void match_spans(evaluator *ev, span_list *gold, span_list *pred) {
  size_t i = 0, j = 0;
  while (i < gold->n && j < pred->n) {
    int c = span_cmp(&gold->v[i], &pred->v[j]);
    if (c < 0) {
      i++;
    } else if (c > 0) {
      j++;
    } else {
      span *g = &gold->v[i++], *p = &pred->v[j++];
      type_info *t = &ev->types.v[g->type];
      g->matched = p->matched = 1;
      g->partner = p;
      p->partner = g;
      if (g->value) {
        int vok = p->value && strcmp(g->value, p->value) == 0;
        int mok = strcmp(g->mod ? g->mod : "", p->mod ? p->mod : "") == 0;
        t->val_total++;
        t->val_ok += (uint64_t)vok;
        t->mod_ok += (uint64_t)mok;
        t->both_ok += (uint64_t)(vok && mok);
      }
    }
  }
  for (i = 0; i < gold->n; i++) {
    ev->types.v[gold->v[i].type].gold++;
    ev->types.v[gold->v[i].type].correct += (uint64_t)gold->v[i].matched;
  }
  for (j = 0; j < pred->n; j++) ev->types.v[pred->v[j].type].found++;
  /* overlapping spans of the other side, for the error listing */
  for (i = 0; i < gold->n; i++) {
    span *g = &gold->v[i];
    for (j = 0; !g->matched && j < pred->n; j++) {
      span *p = &pred->v[j];
      if (p->matched || p->end <= g->start || g->end <= p->start) continue;
      if (!g->partner) g->partner = p;
      if (!p->partner) p->partner = g;
    }
  }
}

static void line_col(const char *text, uint32_t off, unsigned long *line, unsigned long *col) {
  *line = 1;
  *col = 1;
  for (uint32_t i = 0; i < off; i++) {
    if (text[i] == '\n') {
      ++*line;
      *col = 1;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      ++*col;
    }
  }
}

static void write_text_span(FILE *out, const char *text, const span *s) {
  putc('"', out);
  fwrite(text + s->start, 1, s->end - s->start, out);
  putc('"', out);
}

static void show_text_error(evaluator *ev, const char *text, size_t text_len, const span *s,
                            const char *what) {
  FILE *out = stderr;
  unsigned long line, col;
  uint32_t from = s->start, to = s->end;
  int words = 0;
  line_col(text, s->start, &line, &col);
  fprintf(out, "%s:%lu:%lu: %s %s ", ev->opts->text, line, col, what, ev->types.v[s->type].name);
  write_text_span(out, text, s);
  if (strcmp(what, "VALUE") == 0) {
    const span *p = s->partner;
    fprintf(out, " (gold value %s mod %s, predicted value %s mod %s)", s->value,
            s->mod ? s->mod : "-", p->value ? p->value : "-", p->mod ? p->mod : "-");
  } else if (s->partner) {
    fprintf(out, " (%s: %s ", what[1] == 'N' ? "predicted" : "gold",
            ev->types.v[s->partner->type].name);
    write_text_span(out, text, s->partner);
    putc(')', out);
  }
  while (from > 0 && text[from - 1] != '\n' && (text[from - 1] != ' ' || ++words <= CONTEXT_TOKENS))
    from--;
  words = 0;
  while (to < text_len && text[to] != '\n' && (text[to] != ' ' || ++words <= CONTEXT_TOKENS))
    to++;
  fputs(" | ", out);
  fwrite(text + from, 1, s->start - from, out);
  putc('[', out);
  fwrite(text + s->start, 1, s->end - s->start, out);
  putc(']', out);
  fwrite(text + s->end, 1, to - s->end, out);
  putc('\n', out);
}

static void show_text_errors(evaluator *ev, const char *text, size_t text_len,
                             const span_list *gold, const span_list *pred) {
  size_t i = 0, j = 0;
  while (ev->errors_shown < ev->opts->errors && (i < gold->n || j < pred->n)) {
    const span *g = i < gold->n ? &gold->v[i] : NULL;
    const span *p = j < pred->n ? &pred->v[j] : NULL;
    if (g && (!p || g->start <= p->start)) {
      i++;
      if (!g->matched) {
        show_text_error(ev, text, text_len, g, "FN");
      } else if (g->value && (!g->partner->value || strcmp(g->value, g->partner->value) != 0 ||
                              strcmp(g->mod ? g->mod : "",
                                     g->partner->mod ? g->partner->mod : "") != 0)) {
        show_text_error(ev, text, text_len, g, "VALUE");
      } else {
        continue;
      }
    } else {
      j++;
      if (p->matched) continue;
      show_text_error(ev, text, text_len, p, "FP");
    }
    ev->errors_shown++;
  }
}

static void collect_prediction(evaluator *ev, span_list *pred) {
  const idner_entity *ents = idner_doc_entities(ev->doc);
  uint32_t n = idner_doc_entity_count(ev->doc), pool_len = 0;
  const char *pool = idner_doc_strings(ev->doc, &pool_len);
  for (uint32_t i = 0; i < n; i++) {
    const idner_entity *e = &ents[i];
    span *s;
    if (e->type == IDNER_TYPE_NONE) continue;
    s = add_span(pred);
    s->start = e->byte_start;
    s->end = e->byte_end;
    s->raw_type = pred_type_id(ev, e->type);
    if (e->value_len && pool && e->value_offset <= pool_len &&
        e->value_len <= pool_len - e->value_offset)
      s->value = xstrndup(pool + e->value_offset, e->value_len);
    if (e->mod_len && pool && e->mod_offset <= pool_len && e->mod_len <= pool_len - e->mod_offset)
      s->mod = xstrndup(pool + e->mod_offset, e->mod_len);
  }
}

/* --pred in text mode: the prediction in the gold's JSON Lines form. */
static void write_pred_spans(const evaluator *ev, const char *text, const span_list *pred) {
  for (size_t i = 0; i < pred->n; i++) {
    const span *s = &pred->v[i];
    const char *type = ev->types.v[s->raw_type].name;
    json_writer w;
    json_writer_init(&w, ev->pred_out, 0);
    json_begin_object(&w, NULL);
    json_write_member_uint(&w, "start", s->start);
    json_write_member_uint(&w, "end", s->end);
    json_write_member_string(&w, "type", type, strlen(type));
    json_write_member_string(&w, "text", text + s->start, s->end - s->start);
    if (s->value) json_write_member_string(&w, "value", s->value, strlen(s->value));
    if (s->mod) json_write_member_string(&w, "mod", s->mod, strlen(s->mod));
    json_end_object(&w);
    json_writer_finish(&w);
  }
}

static void setup_types(evaluator *ev);

static int run_text(evaluator *ev) {
  FILE *fp = open_input(ev->opts->text);
  char *text = NULL;
  size_t text_len = 0;
  span_list gold, pred;
  int rc, status;
  double t0;
  int32_t st;
  if (!fp) return EXIT_BAD_INPUT;
  rc = read_whole_stream(fp, &text, &text_len);
  close_input(fp);
  if (rc != LINE_OK) return read_error(ev->opts->text, rc);
  memset(&gold, 0, sizeof gold);
  memset(&pred, 0, sizeof pred);
  status = read_jsonl_gold(ev, text, text_len, &gold);
  if (status == 0) {
    for (size_t i = 0; i < gold.n; i++) ev->types.v[gold.v[i].raw_type].present = 1;
    setup_types(ev);
    t0 = now_seconds();
    st = idner_analyze(ev->model, ev->doc, text, text_len, &ev->aopts);
    ev->seconds = now_seconds() - t0;
    if (st != IDNER_OK) status = library_error(ev, ev->opts->text, st);
  }
  if (status == 0) {
    ev->documents = 1;
    ev->tokens = idner_doc_token_count(ev->doc);
    ev->sentences = idner_doc_sentence_count(ev->doc);
    collect_prediction(ev, &pred);
    if (ev->pred_out) write_pred_spans(ev, text, &pred);
    filter_spans(ev, &gold, 1);
    filter_spans(ev, &pred, 0);
    match_spans(ev, &gold, &pred);
    if (ev->opts->errors) show_text_errors(ev, text, text_len, &gold, &pred);
  }
  span_list_free(&gold);
  span_list_free(&pred);
  free(text);
  return status;
}

/* ---- Scores and reports ---------------------------------------------------------- */

typedef struct prf {
  double p, r, f;
} prf;

static prf score(uint64_t correct, uint64_t found, uint64_t gold) {
  prf s;
  s.p = found ? (double)correct / (double)found : 0.0;
  s.r = gold ? (double)correct / (double)gold : 0.0;
  s.f = s.p + s.r > 0 ? 2 * s.p * s.r / (s.p + s.r) : 0.0;
  return s;
}

typedef struct summary {
  uint64_t gold, found, correct;
  prf micro, macro;
  unsigned macro_types; /* scored types with a gold or predicted chunk */
} summary;

static void summarize(const evaluator *ev, summary *s) {
  memset(s, 0, sizeof *s);
  for (size_t i = 0; i < ev->types.n; i++) {
    const type_info *t = &ev->types.v[i];
    prf one;
    if (!t->scored) continue;
    s->gold += t->gold;
    s->found += t->found;
    s->correct += t->correct;
    if (t->gold + t->found == 0) continue;
    one = score(t->correct, t->found, t->gold);
    s->macro.p += one.p;
    s->macro.r += one.r;
    s->macro.f += one.f;
    s->macro_types++;
  }
  if (s->macro_types) {
    s->macro.p /= s->macro_types;
    s->macro.r /= s->macro_types;
    s->macro.f /= s->macro_types;
  }
  s->micro = score(s->correct, s->found, s->gold);
}

static double tokens_per_second(const evaluator *ev) {
  return ev->seconds > 0 ? (double)ev->tokens / ev->seconds : 0.0;
}

static int is_conll(const evaluator *ev) { return ev->opts->text == NULL; }

/* The text report; its first lines are tests/conlleval.py's. */
static void print_text_report(const evaluator *ev, const summary *s) {
  uint32_t *ids = sorted_type_ids(&ev->types);
  int any;
  printf("processed %llu tokens with %llu phrases; found: %llu phrases; correct: %llu.\n",
         (unsigned long long)ev->tokens, (unsigned long long)s->gold,
         (unsigned long long)s->found, (unsigned long long)s->correct);
  if (ev->tokens && is_conll(ev)) {
    double acc = (double)ev->same_tokens / (double)ev->tokens;
    printf("accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n", 100 * acc,
           100 * s->micro.p, 100 * s->micro.r, 100 * s->micro.f);
  } else if (ev->tokens) {
    printf("precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n", 100 * s->micro.p,
           100 * s->micro.r, 100 * s->micro.f);
  }
  for (size_t k = 0; k < ev->types.n; k++) {
    const type_info *t = &ev->types.v[ids[k]];
    prf one;
    if (!t->scored || t->gold + t->found == 0) continue;
    one = score(t->correct, t->found, t->gold);
    printf("%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %llu\n", t->name, 100 * one.p,
           100 * one.r, 100 * one.f, (unsigned long long)t->found);
  }
  printf("\n%17s  %6s %6s %7s\n", "type", "gold", "found", "correct");
  for (size_t k = 0; k < ev->types.n; k++) {
    const type_info *t = &ev->types.v[ids[k]];
    if (!t->scored || t->gold + t->found == 0) continue;
    printf("%17s  %6llu %6llu %7llu\n", t->name, (unsigned long long)t->gold,
           (unsigned long long)t->found, (unsigned long long)t->correct);
  }
  printf("%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  (%u types)\n", "type-macro",
         100 * s->macro.p, 100 * s->macro.r, 100 * s->macro.f, s->macro_types);
  /* idner-eval's own lines */
  printf("\nscored types:");
  for (size_t k = 0; k < ev->types.n; k++)
    if (ev->types.v[ids[k]].scored) printf(" %s", ev->types.v[ids[k]].name);
  printf("; NAT %s; predicted TIME %s\n", ev->map_nat ? "scored as LOC" : "kept as NAT",
         ev->time_to_date ? "scored as DATE" : "kept as TIME");
  for (int side = 0; side < 2; side++) {
    any = 0;
    printf("%s chunks not scored:", side ? "predicted" : "gold");
    for (size_t k = 0; k < ev->types.n; k++) {
      const type_info *t = &ev->types.v[ids[k]];
      uint64_t c = side ? t->ign_found : t->ign_gold;
      if (c) printf("%s %s %llu", any++ ? "," : "", t->name, (unsigned long long)c);
    }
    printf("%s\n", any ? "" : " none");
  }
  for (size_t k = 0; k < ev->types.n; k++) {
    const type_info *t = &ev->types.v[ids[k]];
    if (!t->val_total) continue;
    printf("values of matched %s with a gold value: value %llu/%llu, mod %llu/%llu, "
           "value+mod %llu/%llu\n", t->name, (unsigned long long)t->val_ok,
           (unsigned long long)t->val_total, (unsigned long long)t->mod_ok,
           (unsigned long long)t->val_total, (unsigned long long)t->both_ok,
           (unsigned long long)t->val_total);
  }
  printf("model: %s%s%s, profile %s\n", ev->opts->data_dir ? "data from " : "embedded data",
         ev->opts->data_dir ? ev->opts->data_dir : "",
         idner_model_has_tagger(ev->model) ? " with a sequence model" : ", rules only",
         idner_model_profile_name(ev->model, ev->aopts.profile));
  printf("%llu tokens, %llu sentences, %llu documents analyzed in %.3f s (%.0f tokens/s)\n",
         (unsigned long long)ev->tokens, (unsigned long long)ev->sentences,
         (unsigned long long)ev->documents, ev->seconds, tokens_per_second(ev));
  free(ids);
}

/* Shortest "%.Ng" that reads back as the same double. */
static void write_double(json_writer *w, const char *key, double v) {
  char buf[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  json_write_member_raw(w, key, buf, strlen(buf));
}

static void write_counts(json_writer *w, const char *key, uint64_t gold, uint64_t found,
                         uint64_t correct) {
  prf s = score(correct, found, gold);
  json_begin_object(w, key);
  json_write_member_uint(w, "gold", gold);
  json_write_member_uint(w, "found", found);
  json_write_member_uint(w, "correct", correct);
  json_write_member_uint(w, "tp", correct);
  json_write_member_uint(w, "fp", found - correct);
  json_write_member_uint(w, "fn", gold - correct);
  write_double(w, "precision", s.p);
  write_double(w, "recall", s.r);
  write_double(w, "f1", s.f);
  json_end_object(w);
}

static void write_string_or_null(json_writer *w, const char *key, const char *s) {
  if (s) json_write_member_string(w, key, s, strlen(s));
  else json_write_member_raw(w, key, "null", 4);
}

static void write_ignored(json_writer *w, const evaluator *ev, const uint32_t *ids, int pred) {
  json_begin_array(w, pred ? "ignored_pred" : "ignored_gold");
  for (size_t k = 0; k < ev->types.n; k++) {
    const type_info *t = &ev->types.v[ids[k]];
    uint64_t c = pred ? t->ign_found : t->ign_gold;
    if (!c) continue;
    json_begin_object(w, NULL);
    json_write_member_string(w, "type", t->name, strlen(t->name));
    json_write_member_uint(w, "chunks", c);
    json_end_object(w);
  }
  json_end_array(w);
}

static void print_json_report(const evaluator *ev, const summary *s) {
  uint32_t *ids = sorted_type_ids(&ev->types);
  json_writer w;
  char date[32];
  json_writer_init(&w, stdout, 0);
  json_begin_object(&w, NULL);
  json_write_member_string(&w, "idner_version", idner_version_string(),
                           strlen(idner_version_string()));
  json_write_member_string(&w, "mode", is_conll(ev) ? "conll" : "text", is_conll(ev) ? 5 : 4);
  write_string_or_null(&w, "gold", ev->opts->gold);
  if (!is_conll(ev)) write_string_or_null(&w, "text", ev->opts->text);
  if (is_conll(ev))
    json_write_member_string(&w, "doc_mode", ev->opts->doc_mode == DOC_FILE ? "file" : "sentence",
                             ev->opts->doc_mode == DOC_FILE ? 4 : 8);
  if (ev->opts->have_date) {
    snprintf(date, sizeof date, "%04d-%02u-%02u", (int)ev->opts->date.year,
             (unsigned)ev->opts->date.month, (unsigned)ev->opts->date.day);
    json_write_member_string(&w, "ref_date", date, strlen(date));
  } else {
    json_write_member_raw(&w, "ref_date", "null", 4);
  }
  write_string_or_null(&w, "data", ev->opts->data_dir);
  json_write_member_raw(&w, "sequence_model", idner_model_has_tagger(ev->model) ? "true" : "false",
                        idner_model_has_tagger(ev->model) ? 4 : 5);
  write_string_or_null(&w, "profile", idner_model_profile_name(ev->model, ev->aopts.profile));
  json_write_member_raw(&w, "map_nat_to_loc", ev->map_nat ? "true" : "false", ev->map_nat ? 4 : 5);
  json_write_member_raw(&w, "time_to_date", ev->time_to_date ? "true" : "false",
                        ev->time_to_date ? 4 : 5);
  json_begin_array(&w, "types");
  for (size_t k = 0; k < ev->types.n; k++) {
    const type_info *t = &ev->types.v[ids[k]];
    if (t->scored) json_write_member_string(&w, NULL, t->name, strlen(t->name));
  }
  json_end_array(&w);
  json_begin_object(&w, "per_type");
  for (size_t k = 0; k < ev->types.n; k++) {
    const type_info *t = &ev->types.v[ids[k]];
    if (t->scored) write_counts(&w, t->name, t->gold, t->found, t->correct);
  }
  json_end_object(&w);
  write_counts(&w, "micro", s->gold, s->found, s->correct);
  json_begin_object(&w, "macro");
  write_double(&w, "precision", s->macro.p);
  write_double(&w, "recall", s->macro.r);
  write_double(&w, "f1", s->macro.f);
  json_write_member_uint(&w, "types", s->macro_types);
  json_end_object(&w);
  if (is_conll(ev))
    write_double(&w, "accuracy", ev->tokens ? (double)ev->same_tokens / (double)ev->tokens : 0.0);
  if (!is_conll(ev)) {
    json_begin_object(&w, "values");
    for (size_t k = 0; k < ev->types.n; k++) {
      const type_info *t = &ev->types.v[ids[k]];
      if (!t->scored || !t->val_total) continue;
      json_begin_object(&w, t->name);
      json_write_member_uint(&w, "matched_with_gold_value", t->val_total);
      json_write_member_uint(&w, "value", t->val_ok);
      json_write_member_uint(&w, "mod", t->mod_ok);
      json_write_member_uint(&w, "value_and_mod", t->both_ok);
      json_end_object(&w);
    }
    json_end_object(&w);
  }
  write_ignored(&w, ev, ids, 0);
  write_ignored(&w, ev, ids, 1);
  json_write_member_uint(&w, "tokens", ev->tokens);
  json_write_member_uint(&w, "sentences", ev->sentences);
  json_write_member_uint(&w, "documents", ev->documents);
  write_double(&w, "seconds", ev->seconds);
  write_double(&w, "tokens_per_second", tokens_per_second(ev));
  json_end_object(&w);
  json_writer_finish(&w);
  free(ids);
}

/* ---- Main ---------------------------------------------------------------------- */

/* Decides the NAT mapping and the scored types once the gold's types are
 * known (type_info.present). */
static void setup_types(evaluator *ev) {
  const cli_options *o = ev->opts;
  type_info *v = ev->types.v;
  ev->map_nat = o->map_nat == MAP_AUTO ? !v[IDNER_TYPE_NAT].present : o->map_nat;
  if (ev->map_nat && v[IDNER_TYPE_NAT].present) v[IDNER_TYPE_LOC].present = 1;
  if (o->types) {
    const char *p = o->types;
    for (;;) {
      const char *comma = strchr(p, ',');
      size_t len = comma ? (size_t)(comma - p) : strlen(p);
      uint32_t t = idner_type_from_name(p, len);
      v[ev->map_nat && t == IDNER_TYPE_NAT ? IDNER_TYPE_LOC : t].scored = 1;
      if (!comma) break;
      p = comma + 1;
    }
  } else {
    for (uint32_t k = 1; k < IDNER_TYPE_COUNT; k++) v[k].scored = v[k].present;
  }
  if (ev->map_nat) v[IDNER_TYPE_NAT].scored = 0; /* its chunks are LOC chunks */
  ev->time_to_date = v[IDNER_TYPE_DATE].scored && !v[IDNER_TYPE_TIME].scored;
}

static int load_model(evaluator *ev) {
  char err[512] = "";
  int32_t status = idner_model_load(ev->opts->data_dir, ev->opts->no_model ? IDNER_LOAD_NO_MODEL : 0,
                                    &ev->model, err, sizeof err);
  if (status != IDNER_OK) {
    fprintf(stderr, PROG ": cannot load the model%s%s: %s%s%s\n",
            ev->opts->data_dir ? " from " : "", ev->opts->data_dir ? ev->opts->data_dir : "",
            idner_strerror(status), err[0] ? ": " : "", err);
    return EXIT_BAD_INPUT;
  }
  if (ev->opts->profile &&
      idner_model_find_profile(ev->model, ev->opts->profile, strlen(ev->opts->profile),
                               &ev->aopts.profile) != IDNER_OK) {
    uint32_t n = idner_model_profile_count(ev->model);
    fprintf(stderr, PROG ": the model has no profile '%s' (it has:", ev->opts->profile);
    for (uint32_t k = 0; k <= n; k++) fprintf(stderr, " %s", idner_model_profile_name(ev->model, k));
    fputs(")\n", stderr);
    return EXIT_BAD_INPUT;
  }
  status = idner_doc_new(&ev->doc);
  if (status != IDNER_OK) {
    fprintf(stderr, PROG ": %s\n", idner_strerror(status));
    return EXIT_BAD_INPUT;
  }
  return 0;
}

static int run(const cli_options *opts) {
  evaluator ev;
  int rc;
  memset(&ev, 0, sizeof ev);
  ev.opts = opts;
  ev.gold_name = strcmp(opts->gold, "-") == 0 ? STDIN_NAME : opts->gold;
  type_table_init(&ev.types);
  idner_options_init(&ev.aopts);
  if (opts->have_date) {
    ev.aopts.ref_year = opts->date.year;
    ev.aopts.ref_month = opts->date.month;
    ev.aopts.ref_day = opts->date.day;
  }
  rc = load_model(&ev);
  if (rc == 0 && opts->pred) {
    ev.pred_out = fopen(opts->pred, "wb");
    if (!ev.pred_out) {
      fprintf(stderr, PROG ": %s: %s\n", opts->pred, strerror(errno));
      rc = EXIT_BAD_INPUT;
    }
  }
  if (rc == 0 && opts->text) {
    rc = run_text(&ev);
  } else if (rc == 0) {
    if (strcmp(opts->gold, "-") != 0) rc = scan_conll_gold(&ev, opts->gold);
    if (rc == 0) {
      setup_types(&ev);
      rc = run_conll(&ev);
    }
  }
  if (ev.pred_out && fclose(ev.pred_out) != 0 && rc == 0) {
    fprintf(stderr, PROG ": %s: write error: %s\n", opts->pred, strerror(errno));
    rc = EXIT_BAD_INPUT;
  }
  if (rc == 0) {
    summary s;
    summarize(&ev, &s);
    if (opts->json) print_json_report(&ev, &s);
    else print_text_report(&ev, &s);
    if (fflush(stdout) != 0 || ferror(stdout)) {
      fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
      rc = EXIT_BAD_INPUT;
    }
  }
  type_table_free(&ev.types);
  idner_doc_free(ev.doc);
  idner_model_free(ev.model);
  return rc;
}

int main(int argc, char **argv) {
  cli_options opts;
  int rc = parse_args(argc, argv, &opts);
  return rc < 0 ? run(&opts) : rc;
}
