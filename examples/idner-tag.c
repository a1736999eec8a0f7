/* idner-tag — command-line tagger built on the public idner API.
 *
 *   idner-tag [OPTIONS] [FILE...]        (standard input when no FILE or "-")
 *
 * Reads plain text (one document per file), JSON Lines (one document per
 * line) or CoNLL (one token per line) and writes the entities as inline
 * markup, JSON, JSON Lines or CoNLL BIO labels. Run with --help for details.
 * Exit status: 0 success, 1 bad input or library error, 2 usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cliutil.h"
#include "conllio.h"
#include "idner.h"
#include "jsonio.h"

#define PROG "idner-tag"
#define EXIT_BAD_INPUT 1
#define EXIT_USAGE 2
#define STDIN_NAME "<stdin>"

/* ---- Command line ------------------------------------------------------- */

typedef enum input_format { IN_TEXT, IN_JSONL, IN_CONLL } input_format;
typedef enum output_format { OUT_TEXT, OUT_JSON, OUT_JSONL, OUT_CONLL } output_format;

typedef struct cli_options {
  input_format input;
  output_format format;
  int have_date;     /* --date given: it overrides doc_date */
  ymd date;
  const char *data_dir;
  const char *profile;  /* --profile NAME, or NULL */
  int no_model;         /* --no-model: gazetteers and rules only */
  uint32_t types;
  uint32_t flags;    /* IDNER_FLAG_* */
  const char **files;
  size_t n_files;
} cli_options;

static void print_usage(FILE *out) {
  fputs(
      "Usage: " PROG " [OPTIONS] [FILE...]\n"
      "Tags Indonesian named entities (PER, NAT, ORG, LOC, DATE, TIME).\n"
      "Reads standard input when no FILE is given or FILE is \"-\".\n"
      "\n"
      "Options:\n"
      "  --input text|jsonl|conll   input format (default text)\n"
      "      text   each file is one document\n"
      "      jsonl  one {\"id\": ..., \"text\": ..., \"doc_date\": \"YYYY-MM-DD\"} per line\n"
      "      conll  one token per line (first TAB field), blank line between\n"
      "             sentences; \"-DOCSTART-\" lines start a new document\n"
      "  --format text|json|jsonl|conll  output format (default text)\n"
      "      text   the text with inline markup: [Wang Yi]PER\n"
      "      json   one pretty-printed JSON object per document\n"
      "      jsonl  one JSON object per line: {\"id\": ..., \"entities\": [...]}\n"
      "             (start/end are UTF-8 byte offsets, char_start/char_end\n"
      "             code point offsets)\n"
      "      conll  token TAB BIO label; for CoNLL input exactly the input's lines\n"
      "  --date YYYY-MM-DD          reference date for relative dates (default: the\n"
      "                             document's doc_date, else today's local date)\n"
      "  --data DIR                 add/replace gazetteer files from DIR\n"
      "  --types PER,NAT,...        only emit these types (PER NAT ORG LOC DATE TIME)\n"
      "  --strict-utf8              reject invalid UTF-8 instead of tolerating it\n"
      "  --profile NAME             annotation profile of the sequence model (default:\n"
      "                             the ENTITIES.md guidelines; corpus names such as\n"
      "                             nerui, nerugm, idner-news-2k, nergrit)\n"
      "  --no-model                 gazetteers and rules only, no sequence model\n"
      "  --version                  print the version and exit\n"
      "  --help                     print this help and exit\n"
      "\n"
      "Exit status: 0 success, 1 bad input or error, 2 usage error.\n",
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


static int parse_types(const char *list, uint32_t *mask) {
  const char *p = list;
  *mask = 0;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    uint32_t type = idner_type_from_name(p, len);
    if (type == IDNER_TYPE_NONE)
      return usage_error("unknown entity type '%.*s' in --types (expected PER, NAT, ORG, "
                         "LOC, DATE or TIME)", (int)len, p);
    *mask |= IDNER_TYPE_BIT(type);
    if (!comma) return 0;
    p = comma + 1;
  }
}

static int pick(const char *value, const char *const *names, int *out) {
  for (int k = 0; names[k]; k++) {
    if (strcmp(value, names[k]) == 0) {
      *out = k;
      return 0;
    }
  }
  return -1;
}

static int set_input(cli_options *o, const char *v) {
  static const char *const names[] = {"text", "jsonl", "conll", NULL};
  int k;
  if (pick(v, names, &k) != 0)
    return usage_error("invalid --input '%s' (expected text, jsonl or conll)", v);
  o->input = (input_format)k;
  return 0;
}

static int set_format(cli_options *o, const char *v) {
  static const char *const names[] = {"text", "json", "jsonl", "conll", NULL};
  int k;
  if (pick(v, names, &k) != 0)
    return usage_error("invalid --format '%s' (expected text, json, jsonl or conll)", v);
  o->format = (output_format)k;
  return 0;
}

static int set_date(cli_options *o, const char *v) {
  if (cli_parse_date(v, strlen(v), &o->date) != 0)
    return usage_error("invalid --date '%s' (expected a calendar date YYYY-MM-DD)", v);
  o->have_date = 1;
  return 0;
}

static void print_version(void) {
  printf(PROG " %s (data format %u)\n", idner_version_string(),
         (unsigned)idner_data_format_version());
}

/* Handles one option taking a value. Returns -1 if arg is none of them,
 * else 0 or an exit status. */
static int parse_valued_option(cli_options *o, int argc, char **argv, int *i) {
  static const char *const names[] = {"--input", "--format", "--date", "--data", "--types",
                                      "--profile", NULL};
  for (int k = 0; names[k]; k++) {
    const char *v = NULL;
    int m = cli_option_value(names[k], argc, argv, i, &v);
    if (m == 0) continue;
    if (m < 0) return usage_error("option '%s' needs a value", names[k]);
    switch (k) {
      case 0: return set_input(o, v);
      case 1: return set_format(o, v);
      case 2: return set_date(o, v);
      case 3: o->data_dir = v; return 0;
      case 5: o->profile = v; return 0;
      default: return parse_types(v, &o->types);
    }
  }
  return -1;
}

/* Returns -1 to go on, or the exit status (0 after --help / --version). */
static int parse_args(int argc, char **argv, cli_options *o) {
  int only_files = 0;
  memset(o, 0, sizeof *o);
  o->types = IDNER_TYPES_ALL;
  o->files = calloc((size_t)argc + 1, sizeof *o->files);
  if (!o->files) {
    fputs(PROG ": out of memory\n", stderr);
    return EXIT_BAD_INPUT;
  }
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int rc;
    if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
      o->files[o->n_files++] = arg;
    } else if (strcmp(arg, "--") == 0) {
      only_files = 1;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      print_usage(stdout);
      return 0;
    } else if (strcmp(arg, "--version") == 0) {
      print_version();
      return 0;
    } else if (strcmp(arg, "--strict-utf8") == 0) {
      o->flags |= IDNER_FLAG_STRICT_UTF8;
    } else if (strcmp(arg, "--no-model") == 0) {
      o->no_model = 1;
    } else if ((rc = parse_valued_option(o, argc, argv, &i)) >= 0) {
      if (rc != 0) return rc;
    } else {
      return usage_error("unknown option '%s'", arg);
    }
  }
  return -1;
}

/* ---- Progress on a terminal ----------------------------------------------- */

typedef struct progress {
  int enabled;
  double start, last;
  int width;          /* characters of the line now shown; 0 = none */
} progress;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Only when stderr is a terminal and stdout is not (a \r line would mix
 * with tagged output on the same terminal). */
static void progress_init(progress *p) {
  memset(p, 0, sizeof *p);
  p->enabled = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
  p->start = p->last = now_seconds();
}

static void progress_update(progress *p, unsigned long docs, uint64_t bytes) {
  double now, mb, elapsed;
  int n;
  if (!p->enabled) return;
  now = now_seconds();
  elapsed = now - p->start;
  mb = (double)bytes / 1e6;
  if ((elapsed < 1.0 && mb <= 1.0) || now - p->last < 0.25) return;
  p->last = now;
  n = fprintf(stderr, "\r" PROG ": %lu documents, %.1f MB, %.1f MB/s", docs, mb,
              elapsed > 0 ? mb / elapsed : 0.0);
  if (n > 0 && n - 1 < p->width) fprintf(stderr, "%*s", p->width - (n - 1), "");
  if (n > 0 && n - 1 > p->width) p->width = n - 1;
  fflush(stderr);
}

static void progress_clear(progress *p) {
  if (p->width > 0) fprintf(stderr, "\r%*s\r", p->width, "");
  p->width = 0;
}

/* ---- The tagger state --------------------------------------------------- */

/* A document's id as written in JSON output. */
typedef struct doc_id {
  enum { ID_STRING, ID_RAW_NUMBER, ID_ORDINAL } kind;
  const char *s;
  size_t len;
  unsigned long n;
} doc_id;

typedef struct token_label {
  uint32_t type; /* IDNER_TYPE_NONE = "O" */
  uint8_t begin;
} token_label;

typedef struct tagger {
  const cli_options *opts;
  idner_model *model;
  idner_doc *doc;
  uint32_t profile_id;    /* --profile, resolved against the model */
  ymd today;
  FILE *out;
  progress prog;
  unsigned long docs_done;
  uint64_t bytes_done;    /* input bytes of finished files */
  /* scratch for BIO labels, reused across documents */
  uint32_t *span_start, *span_end;
  token_label *labels;
  size_t scratch_cap;
  json_object obj;
} tagger;

static void report(tagger *t, const char *where, const char *fmt, ...) {
  va_list ap;
  progress_clear(&t->prog);
  fflush(t->out); /* keep the output in order with the message */
  fprintf(stderr, PROG ": %s: ", where);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

static int report_library_error(tagger *t, const char *where, int32_t status) {
  const char *detail = idner_doc_error(t->doc);
  report(t, where, "%s%s%s", idner_strerror(status), detail[0] ? ": " : "", detail);
  return EXIT_BAD_INPUT;
}

static void local_today(ymd *out) {
  time_t now = time(NULL);
  struct tm tm;
  if (localtime_r(&now, &tm) == NULL) {
    memset(out, 0, sizeof *out); /* no reference date */
    return;
  }
  out->year = tm.tm_year + 1900;
  out->month = (uint32_t)tm.tm_mon + 1;
  out->day = (uint32_t)tm.tm_mday;
}

static int reserve_scratch(tagger *t, size_t n) {
  size_t cap = t->scratch_cap ? t->scratch_cap : 256;
  uint32_t *a, *b;
  token_label *l;
  if (n <= t->scratch_cap) return 0;
  while (cap < n) {
    if (cap > SIZE_MAX / 2 / sizeof *l) return -1;
    cap *= 2;
  }
  a = realloc(t->span_start, cap * sizeof *a);
  if (a) t->span_start = a;
  b = realloc(t->span_end, cap * sizeof *b);
  if (b) t->span_end = b;
  l = realloc(t->labels, cap * sizeof *l);
  if (l) t->labels = l;
  if (!a || !b || !l) return -1;
  t->scratch_cap = cap;
  return 0;
}

/* ---- Labels: entities -> BIO per token ----------------------------------------- */

/* First i in [0, n) with end[i] > offset (ends are increasing). */
static size_t first_token_ending_after(const uint32_t *end, size_t n, uint32_t offset) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (end[mid] > offset)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* Labels tokens (byte spans start/end in the analyzed text, in order) by
 * the entities that overlap them; the first labelled token of an entity
 * gets B-. A token claimed by an earlier entity keeps its label. */
static void label_tokens(const uint32_t *start, const uint32_t *end, size_t n,
                         const idner_entity *ents, uint32_t n_ents, token_label *labels) {
  memset(labels, 0, n * sizeof *labels);
  for (uint32_t e = 0; e < n_ents; e++) {
    int first = 1;
    size_t i = first_token_ending_after(end, n, ents[e].byte_start);
    if (ents[e].type == IDNER_TYPE_NONE) continue;
    for (; i < n && start[i] < ents[e].byte_end; i++) {
      if (labels[i].type != IDNER_TYPE_NONE) continue;
      labels[i].type = ents[e].type;
      labels[i].begin = (uint8_t)first;
      first = 0;
    }
  }
}

static void write_label(FILE *out, const token_label *l) {
  if (l->type == IDNER_TYPE_NONE) {
    fputs("O", out);
    return;
  }
  fputs(l->begin ? "B-" : "I-", out);
  fputs(idner_type_name(l->type), out);
}

/* ---- Output -------------------------------------------------------------- */

/* A string from the doc's pool, or NULL when absent / out of range. */
static const char *pool_string(const char *pool, uint32_t pool_len, uint32_t off, uint32_t len) {
  if (len == 0 || !pool || off > pool_len || len > pool_len - off) return NULL;
  return pool + off;
}

static int entity_in_text(const idner_entity *e, uint32_t text_len) {
  return e->byte_start <= e->byte_end && e->byte_end <= text_len;
}

static void write_evidence(json_writer *w, uint32_t evidence) {
  static const char *const names[] = {"GAZETTEER", "PATTERN", "TITLE", "NAME_PARTS",
                                      "DATE_RULE", "PROPAGATED", "ACRONYM", "DATELINE",
                                      "CONTEXT"};
  json_begin_array(w, "evidence");
  for (unsigned b = 0; b < sizeof names / sizeof names[0]; b++)
    if (evidence & (1u << b)) json_write_member_string(w, NULL, names[b], strlen(names[b]));
  json_end_array(w);
}

static void write_entity(json_writer *w, const char *text, const idner_entity *e,
                         const char *pool, uint32_t pool_len) {
  const char *value = pool_string(pool, pool_len, e->value_offset, e->value_len);
  const char *mod = pool_string(pool, pool_len, e->mod_offset, e->mod_len);
  const char *end_value = pool_string(pool, pool_len, e->end_value_offset, e->end_value_len);
  const char *type = idner_type_name(e->type);
  json_begin_object(w, NULL);
  json_write_member_uint(w, "start", e->byte_start);
  json_write_member_uint(w, "end", e->byte_end);
  json_write_member_uint(w, "char_start", e->char_start);
  json_write_member_uint(w, "char_end", e->char_end);
  json_write_member_string(w, "type", type, strlen(type));
  json_write_member_string(w, "text", text + e->byte_start, e->byte_end - e->byte_start);
  if (value) json_write_member_string(w, "value", value, e->value_len);
  if (mod) json_write_member_string(w, "mod", mod, e->mod_len);
  if (end_value) json_write_member_string(w, "end_value", end_value, e->end_value_len);
  if (e->has_tz) json_write_member_int(w, "tz_offset_minutes", e->tz_offset_minutes);
  if (w->pretty) write_evidence(w, e->evidence);
  json_end_object(w);
}

static void write_id(json_writer *w, const doc_id *id) {
  char num[32];
  switch (id->kind) {
    case ID_STRING: json_write_member_string(w, "id", id->s, id->len); break;
    case ID_RAW_NUMBER: json_write_member_raw(w, "id", id->s, id->len); break;
    default:
      snprintf(num, sizeof num, "%lu", id->n);
      json_write_member_raw(w, "id", num, strlen(num));
  }
}

static void write_json_doc(tagger *t, const doc_id *id, const ymd *ref, int pretty) {
  uint32_t text_len = 0, pool_len = 0;
  const char *text = idner_doc_text(t->doc, &text_len);
  const char *pool = idner_doc_strings(t->doc, &pool_len);
  const idner_entity *ents = idner_doc_entities(t->doc);
  uint32_t n = idner_doc_entity_count(t->doc);
  json_writer w;
  json_writer_init(&w, t->out, pretty);
  json_begin_object(&w, NULL);
  write_id(&w, id);
  if (pretty) {
    char date[48];
    if (ref->year > 0) {
      snprintf(date, sizeof date, "%04d-%02u-%02u", (int)ref->year, (unsigned)ref->month,
               (unsigned)ref->day);
      json_write_member_string(&w, "ref_date", date, strlen(date));
    }
    json_write_member_string(&w, "text", text, text_len);
    json_write_member_uint(&w, "tokens", idner_doc_token_count(t->doc));
    json_write_member_uint(&w, "sentences", idner_doc_sentence_count(t->doc));
  }
  json_begin_array(&w, "entities");
  for (uint32_t i = 0; i < n; i++)
    if (entity_in_text(&ents[i], text_len)) write_entity(&w, text, &ents[i], pool, pool_len);
  json_end_array(&w);
  json_end_object(&w);
  json_writer_finish(&w);
}

/* The analyzed text with [span]TYPE markup, ending with a newline. */
static void write_text_markup(tagger *t) {
  uint32_t len = 0, pos = 0;
  const char *text = idner_doc_text(t->doc, &len);
  const idner_entity *ents = idner_doc_entities(t->doc);
  uint32_t n = idner_doc_entity_count(t->doc);
  for (uint32_t i = 0; i < n; i++) {
    const idner_entity *e = &ents[i];
    if (!entity_in_text(e, len) || e->byte_start < pos) continue; /* defensive */
    fwrite(text + pos, 1, e->byte_start - pos, t->out);
    putc('[', t->out);
    fwrite(text + e->byte_start, 1, e->byte_end - e->byte_start, t->out);
    putc(']', t->out);
    fputs(idner_type_name(e->type), t->out);
    pos = e->byte_end;
  }
  fwrite(text + pos, 1, len - pos, t->out);
  if (len == 0 || text[len - 1] != '\n') putc('\n', t->out);
}

/* CoNLL from the library's own tokens and sentences (text/jsonl input):
 * a blank line after each sentence. */
static int write_conll_library_tokens(tagger *t) {
  uint32_t len = 0;
  const char *text = idner_doc_text(t->doc, &len);
  const idner_token *toks = idner_doc_tokens(t->doc);
  size_t n = idner_doc_token_count(t->doc);
  if (n == 0) return 0;
  if (reserve_scratch(t, n) != 0) return -1;
  for (size_t i = 0; i < n; i++) {
    t->span_start[i] = toks[i].byte_start;
    t->span_end[i] = toks[i].byte_end;
  }
  label_tokens(t->span_start, t->span_end, n, idner_doc_entities(t->doc),
               idner_doc_entity_count(t->doc), t->labels);
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && toks[i].sentence != toks[i - 1].sentence) putc('\n', t->out);
    if (toks[i].byte_end <= len)
      fwrite(text + toks[i].byte_start, 1, toks[i].byte_end - toks[i].byte_start, t->out);
    putc('\t', t->out);
    write_label(t->out, &t->labels[i]);
    putc('\n', t->out);
  }
  putc('\n', t->out);
  return 0;
}

/* Writes the analyzed document (text/jsonl input, or CoNLL input in a
 * non-CoNLL format). Returns 0 or -1 (out of memory). */
static int write_document(tagger *t, const doc_id *id, const ymd *ref) {
  switch (t->opts->format) {
    case OUT_TEXT: write_text_markup(t); return 0;
    case OUT_JSON: write_json_doc(t, id, ref, 1); return 0;
    case OUT_JSONL: write_json_doc(t, id, ref, 0); return 0;
    default: return write_conll_library_tokens(t);
  }
}

/* ---- Analysis ------------------------------------------------------------------ */

static void make_options(const tagger *t, const ymd *ref, idner_options *o) {
  idner_options_init(o);
  o->types = t->opts->types;
  o->flags = t->opts->flags;
  o->ref_year = ref->year;
  o->ref_month = ref->month;
  o->ref_day = ref->day;
  o->profile = t->profile_id;
}

static void document_done(tagger *t, uint64_t bytes_in_file) {
  t->docs_done++;
  progress_update(&t->prog, t->docs_done, t->bytes_done + bytes_in_file);
}

static int out_of_memory(tagger *t, const char *where) {
  report(t, where, "out of memory");
  return EXIT_BAD_INPUT;
}

/* Analyzes one text document and writes it. */
static int tag_text(tagger *t, const char *text, size_t len, const ymd *ref,
                    const doc_id *id, const char *where) {
  idner_options o;
  int32_t status;
  make_options(t, ref, &o);
  status = idner_analyze(t->model, t->doc, text, len, &o);
  if (status != IDNER_OK) return report_library_error(t, where, status);
  if (write_document(t, id, ref) != 0) return out_of_memory(t, where);
  return 0;
}

static int report_read_error(tagger *t, const char *name, int rc) {
  if (rc == LINE_ERR_NOMEM || rc == CONLL_ERR_NOMEM) return out_of_memory(t, name);
  report(t, name, "read error: %s", strerror(errno));
  return EXIT_BAD_INPUT;
}

/* ---- Input: text ------------------------------------------------------------------ */

static int process_text(tagger *t, FILE *fp, const char *name) {
  char *text = NULL;
  size_t len = 0;
  int status = 0, rc = read_whole_stream(fp, &text, &len);
  doc_id id = {ID_STRING, name, strlen(name), 0};
  const ymd *ref = t->opts->have_date ? &t->opts->date : &t->today;
  if (rc != LINE_OK) return report_read_error(t, name, rc);
  if (len > 0) {
    status = tag_text(t, text, len, ref, &id, name);
    document_done(t, len);
  }
  t->bytes_done += len;
  free(text);
  return status;
}

/* ---- Input: JSON Lines -------------------------------------------------------------- */

static int is_blank_line(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

/* Fills id, text and the reference date from the parsed object. */
static int read_jsonl_fields(tagger *t, const char *where, unsigned long lineno,
                             doc_id *id, const json_member **text, ymd *ref) {
  const json_member *mid = json_object_get(&t->obj, "id");
  const json_member *mdate = json_object_get(&t->obj, "doc_date");
  *text = json_object_get(&t->obj, "text");
  if (!*text || (*text)->kind != JSON_STRING) {
    report(t, where, "invalid document: \"text\" must be a string");
    return EXIT_BAD_INPUT;
  }
  if (!mid || mid->kind == JSON_NULL) {
    *id = (doc_id){ID_ORDINAL, NULL, 0, lineno};
  } else if (mid->kind == JSON_STRING || mid->kind == JSON_NUMBER) {
    *id = (doc_id){mid->kind == JSON_STRING ? ID_STRING : ID_RAW_NUMBER, mid->str, mid->len, 0};
  } else {
    report(t, where, "invalid document: \"id\" must be a string or a number");
    return EXIT_BAD_INPUT;
  }
  if (t->opts->have_date || !mdate || mdate->kind == JSON_NULL) {
    *ref = t->opts->have_date ? t->opts->date : t->today;
  } else if (mdate->kind != JSON_STRING || cli_parse_date(mdate->str, mdate->len, ref) != 0) {
    report(t, where, "invalid document: \"doc_date\" must be a date \"YYYY-MM-DD\"");
    return EXIT_BAD_INPUT;
  }
  return 0;
}

static int tag_jsonl_line(tagger *t, const char *name, unsigned long lineno,
                          const char *line, size_t len) {
  char where[512], err[128];
  const json_member *text;
  doc_id id;
  ymd ref;
  int rc;
  snprintf(where, sizeof where, "%s:%lu", name, lineno);
  rc = json_parse_object(&t->obj, line, len, err, sizeof err);
  if (rc == JSON_ERR_NOMEM) return out_of_memory(t, where);
  if (rc != JSON_OK) {
    report(t, where, "invalid JSON: %s", err);
    return EXIT_BAD_INPUT;
  }
  rc = read_jsonl_fields(t, where, lineno, &id, &text, &ref);
  if (rc != 0) return rc;
  return tag_text(t, text->str, text->len, &ref, &id, where);
}

static int process_jsonl(tagger *t, FILE *fp, const char *name) {
  line_reader lr;
  const char *line;
  size_t len;
  int rc, status = 0;
  line_reader_init(&lr, fp);
  while (status == 0 && (rc = line_reader_next(&lr, &line, &len)) == LINE_OK) {
    if (is_blank_line(line, len)) continue;
    status = tag_jsonl_line(t, name, lr.lineno, line, len);
    document_done(t, lr.bytes_read);
  }
  if (status == 0 && rc != LINE_EOF) status = report_read_error(t, name, rc);
  t->bytes_done += lr.bytes_read;
  line_reader_free(&lr);
  return status;
}

/* ---- Input: CoNLL --------------------------------------------------------------------- */

/* Byte spans of the given tokens in the virtual text idner_analyze_tokens()
 * builds (tokens joined by one space, sentences by one newline). */
static int conll_token_spans(tagger *t, const conll_doc *d) {
  uint32_t text_len = 0, pos = 0;
  idner_doc_text(t->doc, &text_len);
  if (reserve_scratch(t, d->n_tokens) != 0) return -1;
  for (size_t i = 0; i < d->n_tokens; i++) {
    t->span_start[i] = pos;
    t->span_end[i] = pos + (uint32_t)d->lens[i];
    pos = t->span_end[i] + 1;
  }
  return pos - 1 == text_len ? 0 : -2;
}

/* Writes the document's lines as they were, each token with its label. */
static void write_conll_lines(tagger *t, const conll_doc *d) {
  size_t k = 0;
  for (size_t i = 0; i < d->n_lines; i++) {
    const conll_line *line = &d->lines[i];
    if (line->kind != CONLL_BLANK) fwrite(d->bytes + line->field_offset, 1, line->field_len, t->out);
    if (line->kind == CONLL_TOKEN) {
      putc('\t', t->out);
      write_label(t->out, &t->labels[k++]);
    }
    putc('\n', t->out);
  }
}

static int write_conll_doc(tagger *t, const conll_doc *d, const char *where) {
  int rc = d->n_tokens ? conll_token_spans(t, d) : 0;
  if (rc == -1) return out_of_memory(t, where);
  if (rc == -2) {
    report(t, where, "internal error: unexpected layout of the joined token text");
    return EXIT_BAD_INPUT;
  }
  if (d->n_tokens)
    label_tokens(t->span_start, t->span_end, d->n_tokens, idner_doc_entities(t->doc),
                 idner_doc_entity_count(t->doc), t->labels);
  write_conll_lines(t, d);
  return 0;
}

static int tag_conll_doc(tagger *t, const conll_doc *d, const char *name, unsigned long ordinal) {
  char where[512];
  idner_options o;
  const ymd *ref = t->opts->have_date ? &t->opts->date : &t->today;
  doc_id id = {ID_ORDINAL, NULL, 0, ordinal};
  int32_t status;
  snprintf(where, sizeof where, "%s:%lu", name, d->first_line);
  if (d->n_tokens == 0 && t->opts->format != OUT_CONLL) return 0;
  if (d->n_tokens > 0) {
    make_options(t, ref, &o);
    status = idner_analyze_tokens(t->model, t->doc, d->tokens, d->lens, d->n_tokens,
                                  d->sentence_starts, &o);
    if (status != IDNER_OK) return report_library_error(t, where, status);
  }
  if (t->opts->format == OUT_CONLL) return write_conll_doc(t, d, where);
  if (write_document(t, &id, ref) != 0) return out_of_memory(t, where);
  return 0;
}

static int process_conll(tagger *t, FILE *fp, const char *name) {
  line_reader lr;
  conll_reader cr;
  conll_doc d;
  unsigned long ordinal = 0;
  int rc, status = 0;
  line_reader_init(&lr, fp);
  conll_reader_init(&cr, &lr);
  conll_doc_init(&d);
  while (status == 0 && (rc = conll_read_doc(&cr, &d)) == CONLL_OK) {
    status = tag_conll_doc(t, &d, name, ++ordinal);
    document_done(t, lr.bytes_read);
  }
  if (status == 0 && rc == CONLL_ERR_FORMAT) {
    char where[512];
    snprintf(where, sizeof where, "%s:%lu", name, cr.error_line);
    report(t, where, "invalid CoNLL: %s", cr.error);
    status = EXIT_BAD_INPUT;
  } else if (status == 0 && rc != CONLL_EOF) {
    status = report_read_error(t, name, rc);
  }
  t->bytes_done += lr.bytes_read;
  conll_doc_free(&d);
  line_reader_free(&lr);
  return status;
}

/* ---- Main ------------------------------------------------------------------------------ */

static int process_file(tagger *t, const char *path) {
  int is_stdin = strcmp(path, "-") == 0;
  const char *name = is_stdin ? STDIN_NAME : path;
  FILE *fp = is_stdin ? stdin : fopen(path, "rb");
  int rc;
  if (!fp) {
    report(t, path, "%s", strerror(errno));
    return EXIT_BAD_INPUT;
  }
  switch (t->opts->input) {
    case IN_TEXT: rc = process_text(t, fp, name); break;
    case IN_JSONL: rc = process_jsonl(t, fp, name); break;
    default: rc = process_conll(t, fp, name); break;
  }
  if (!is_stdin) fclose(fp);
  return rc;
}

static int load_model(tagger *t) {
  char err[512] = "";
  int32_t status = idner_model_load(t->opts->data_dir, t->opts->no_model ? IDNER_LOAD_NO_MODEL : 0,
                                     &t->model, err, sizeof err);
  if (status != IDNER_OK) {
    fprintf(stderr, PROG ": cannot load the model%s%s: %s%s%s\n",
            t->opts->data_dir ? " from " : "", t->opts->data_dir ? t->opts->data_dir : "",
            idner_strerror(status), err[0] ? ": " : "", err);
    return EXIT_BAD_INPUT;
  }
  if (t->opts->profile &&
      idner_model_find_profile(t->model, t->opts->profile, strlen(t->opts->profile),
                               &t->profile_id) != IDNER_OK) {
    fprintf(stderr, PROG ": the model has no profile '%s'\n", t->opts->profile);
    return EXIT_USAGE;
  }
  status = idner_doc_new(&t->doc);
  if (status != IDNER_OK) {
    fprintf(stderr, PROG ": %s\n", idner_strerror(status));
    return EXIT_BAD_INPUT;
  }
  return 0;
}

static int finish_output(tagger *t) {
  progress_clear(&t->prog);
  if (fflush(t->out) != 0 || ferror(t->out)) {
    fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
    return EXIT_BAD_INPUT;
  }
  return 0;
}

static int run(const cli_options *opts) {
  static const char *const stdin_only[] = {"-"};
  const char *const *files = opts->n_files ? opts->files : stdin_only;
  size_t n_files = opts->n_files ? opts->n_files : 1;
  tagger t;
  int rc;
  memset(&t, 0, sizeof t);
  t.opts = opts;
  t.out = stdout;
  local_today(&t.today);
  json_object_init(&t.obj);
  rc = load_model(&t);
  progress_init(&t.prog);
  for (size_t i = 0; rc == 0 && i < n_files; i++) rc = process_file(&t, files[i]);
  if (finish_output(&t) != 0 && rc == 0) rc = EXIT_BAD_INPUT;
  json_object_free(&t.obj);
  free(t.span_start);
  free(t.span_end);
  free(t.labels);
  idner_doc_free(t.doc);
  idner_model_free(t.model);
  return rc;
}

int main(int argc, char **argv) {
  cli_options opts;
  int rc = parse_args(argc, argv, &opts);
  if (rc < 0) rc = run(&opts);
  free((void *)opts.files);
  return rc;
}
