/* idner-tag — command-line tagger built on the public idner API.
 *
 *   idner-tag [OPTIONS] [FILE...]        (standard input when no FILE or "-")
 *
 * Reads plain text (one document per file), JSON Lines (one document per
 * line), plain lines (one document per line) or CoNLL (one token per line)
 * and writes the entities as inline markup, JSON, JSON Lines or CoNLL BIO
 * labels. Run with --help for details.
 * Exit status: 0 success, 1 bad input or library error, 2 usage error.
 *
 * Structure: a reader turns the input files into jobs (one document each,
 * owning a copy of its input), a tagger analyzes a job and formats its
 * output, and a writer emits the jobs' outputs and error messages in input
 * order. With --jobs 1 (the default) the three run one after the other in
 * the main thread and output goes straight to stdout. With --jobs N > 1 a
 * reader thread fills a ring of 4*N batches of jobs (up to 64 documents or
 * 64 KB of input each), N tagger threads (one idner_doc each, one shared
 * idner_model) format each batch into a memory stream, and the main thread
 * writes the batches in order; memory is bounded by the batches in flight.
 * The first failing document in input order decides the exit status and is
 * reported after the output of every document before it, exactly as with
 * one job.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <signal.h>
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
#define MAX_JOBS 256          /* --jobs upper bound */
#define SLOTS_PER_JOB 4       /* batches in flight per tagger thread */
#define KEEP_BUFFER (16u * 1024) /* larger input buffers of a job are freed after use */

/* ---- Command line ------------------------------------------------------- */

typedef enum input_format { IN_TEXT, IN_JSONL, IN_CONLL, IN_LINES } input_format;
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
  unsigned jobs;     /* --jobs: tagger threads (1 = no threads) */
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
      "  --input text|jsonl|lines|conll  input format (default text)\n"
      "      text   each file is one document, read whole into memory (for big\n"
      "             inputs use lines or jsonl, which are streamed)\n"
      "      jsonl  one {\"id\": ..., \"text\": ..., \"doc_date\": \"YYYY-MM-DD\"} per line;\n"
      "             blank lines are skipped; the id defaults to the line number\n"
      "      lines  each line is one document, blank lines included (so outputs\n"
      "             stay aligned with the input's lines); its id is the line number\n"
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
      "  -j, --jobs N               analyze documents in N threads (default 1; 0 = one\n"
      "                             per online CPU); the output is the same as with\n"
      "                             one job, in input order; input is read ahead in\n"
      "                             at most 4*N batches of up to 64 documents or\n"
      "                             64 KB each\n"
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
  static const char *const names[] = {"text", "jsonl", "conll", "lines", NULL};
  int k;
  if (pick(v, names, &k) != 0)
    return usage_error("invalid --input '%s' (expected text, jsonl, lines or conll)", v);
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

/* --jobs N: a decimal number 0..MAX_JOBS; 0 = the online CPUs. */
static int set_jobs(cli_options *o, const char *v) {
  unsigned long n = 0;
  size_t i = 0;
  for (; v[i] >= '0' && v[i] <= '9' && n <= MAX_JOBS; i++) n = n * 10 + (unsigned long)(v[i] - '0');
  if (i == 0 || v[i] != '\0' || n > MAX_JOBS)
    return usage_error("invalid --jobs '%s' (expected a number of threads from 1 to %d, "
                       "or 0 for one per CPU)", v, MAX_JOBS);
  if (n == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus < 1 ? 1 : cpus > MAX_JOBS ? MAX_JOBS : (unsigned long)cpus;
  }
  o->jobs = (unsigned)n;
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
                                      "--profile", "--jobs", "-j", NULL};
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
      case 6: case 7: return set_jobs(o, v);
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
  o->jobs = 1;
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
    } else if (strncmp(arg, "-j", 2) == 0) { /* -jN */
      if ((rc = set_jobs(o, arg + 2)) != 0) return rc;
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

/* ---- Jobs: one document each ---------------------------------------------- */

typedef enum job_kind {
  JOB_FAIL,   /* the reader failed (file, read or CoNLL format error): msg only */
  JOB_TEXT,   /* text: a whole file */
  JOB_JSONL,  /* jsonl: one line, parsed by the tagger */
  JOB_LINE,   /* lines: one line is the document */
  JOB_CONLL   /* conll: one document */
} job_kind;

typedef struct job {
  job_kind kind;
  const char *name;        /* file name for messages ("<stdin>" for "-") */
  unsigned long number;    /* line number (jsonl, lines) or document ordinal (conll) */
  char *text;              /* the file (text) or the line (jsonl, lines), owned */
  size_t len, cap;
  conll_doc conll;         /* conll input, owned */
  uint64_t bytes;          /* input bytes read up to this document, for progress */
  /* results */
  int status;              /* 0 or the exit status of its error */
  char *msg;               /* the error message lines for stderr, or NULL */
  char *out;               /* threads: the formatted output (open_memstream) */
  size_t out_len;
} job;

static void job_init(job *j) {
  memset(j, 0, sizeof *j);
  conll_doc_init(&j->conll);
}

/* Drops a written job's results; keeps small input buffers for reuse. */
static void job_recycle(job *j) {
  free(j->msg);
  free(j->out);
  j->msg = j->out = NULL;
  j->out_len = 0;
  j->status = 0;
  if (j->cap > KEEP_BUFFER) {
    free(j->text);
    j->text = NULL;
    j->len = j->cap = 0;
  }
  if (j->conll.bytes_cap > KEEP_BUFFER || j->conll.lines_cap > KEEP_BUFFER / sizeof(conll_line))
    conll_doc_free(&j->conll);
}

static void job_free(job *j) {
  job_recycle(j);
  free(j->text);
  conll_doc_free(&j->conll);
}

/* Appends "idner-tag: WHERE: MESSAGE\n" to *msg. On allocation failure the
 * message is lost; the writer then says "out of memory". */
static void append_message(char **msg, const char *where, const char *fmt, va_list ap) {
  va_list ap2;
  size_t old = *msg ? strlen(*msg) : 0, head;
  int n;
  char *p;
  va_copy(ap2, ap);
  n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  head = strlen(PROG ": ") + strlen(where) + 2;
  p = realloc(*msg, old + head + (size_t)n + 2);
  if (!p) return;
  *msg = p;
  snprintf(p + old, head + 1, PROG ": %s: ", where);
  vsnprintf(p + old + head, (size_t)n + 1, fmt, ap);
  memcpy(p + old + head + (size_t)n, "\n", 2);
}

/* ---- The tagger: analyzes and formats one job at a time -------------------- */

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

/* One per thread: everything here but the model is private to its thread. */
typedef struct tagger {
  const cli_options *opts;
  const idner_model *model; /* shared, immutable */
  idner_doc *doc;
  uint32_t profile_id;    /* --profile, resolved against the model */
  ymd today;
  FILE *out;              /* stdout (one job) or the job's memory stream */
  job *job;               /* the job being tagged: error messages go to it */
  /* scratch for BIO labels, reused across documents */
  uint32_t *span_start, *span_end;
  token_label *labels;
  size_t scratch_cap;
  json_object obj;
} tagger;

static void tagger_free(tagger *t) {
  json_object_free(&t->obj);
  free(t->span_start);
  free(t->span_end);
  free(t->labels);
  idner_doc_free(t->doc);
  t->doc = NULL;
}

/* Records an error message for the job being tagged; the writer prints it
 * after the outputs of the documents before it. */
static void report(tagger *t, const char *where, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  append_message(&t->job->msg, where, fmt, ap);
  va_end(ap);
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
                                      "CONTEXT", "MODEL"};  /* bit b = 1u << b (IDNER_EV_*) */
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

static const ymd *default_ref(const tagger *t) {
  return t->opts->have_date ? &t->opts->date : &t->today;
}

/* ---- JSON Lines documents ------------------------------------------------------------ */

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
    *ref = *default_ref(t);
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

/* ---- CoNLL documents --------------------------------------------------------------------- */

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
  const ymd *ref = default_ref(t);
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

/* Tags one job, writing to t->out. Returns 0 or an exit status (the
 * message is then in j->msg). */
static int tag_job(tagger *t, job *j) {
  char where[512];
  doc_id id;
  t->job = j;
  switch (j->kind) {
    case JOB_TEXT:
      id = (doc_id){ID_STRING, j->name, strlen(j->name), 0};
      return tag_text(t, j->text, j->len, default_ref(t), &id, j->name);
    case JOB_JSONL: return tag_jsonl_line(t, j->name, j->number, j->text, j->len);
    case JOB_LINE:
      id = (doc_id){ID_ORDINAL, NULL, 0, j->number};
      snprintf(where, sizeof where, "%s:%lu", j->name, j->number);
      return tag_text(t, j->text, j->len, default_ref(t), &id, where);
    case JOB_CONLL: return tag_conll_doc(t, &j->conll, j->name, j->number);
    default: return j->status; /* JOB_FAIL: the reader's error */
  }
}

/* ---- The reader: input files -> jobs, in order ------------------------------------------ */

typedef struct reader {
  const cli_options *opts;
  const char *const *files;
  size_t n_files, next_file;
  FILE *fp;               /* the open file, or NULL */
  const char *name;       /* its name for messages */
  int is_stdin;
  line_reader lr;
  conll_reader cr;
  uint64_t bytes_done;    /* input bytes of finished files */
  unsigned long ordinal;  /* CoNLL documents of the open file */
  int finished;           /* no more jobs (end of input or an error) */
} reader;

static void reader_init(reader *r, const cli_options *opts, const char *const *files,
                        size_t n_files) {
  memset(r, 0, sizeof *r);
  r->opts = opts;
  r->files = files;
  r->n_files = n_files;
}

static void reader_close(reader *r) {
  if (!r->fp) return;
  r->bytes_done += r->lr.bytes_read;
  if (!r->is_stdin) fclose(r->fp);
  r->fp = NULL;
  line_reader_free(&r->lr);
}

/* Makes j a JOB_FAIL with the message; no job follows it. Returns 1. */
static int reader_fail(reader *r, job *j, const char *where, const char *fmt, ...) {
  va_list ap;
  j->kind = JOB_FAIL;
  j->name = r->name;
  j->status = EXIT_BAD_INPUT;
  va_start(ap, fmt);
  append_message(&j->msg, where, fmt, ap);
  va_end(ap);
  r->finished = 1;
  reader_close(r);
  return 1;
}

static int reader_read_error(reader *r, job *j, int rc) {
  if (rc == LINE_ERR_NOMEM || rc == CONLL_ERR_NOMEM)
    return reader_fail(r, j, r->name, "out of memory");
  return reader_fail(r, j, r->name, "read error: %s", strerror(errno));
}

/* Opens the next file. Returns 1 with a JOB_FAIL if it cannot be opened. */
static int reader_open(reader *r, job *j) {
  const char *path = r->files[r->next_file++];
  r->is_stdin = strcmp(path, "-") == 0;
  r->name = r->is_stdin ? STDIN_NAME : path;
  r->fp = r->is_stdin ? stdin : fopen(path, "rb");
  if (!r->fp) {
    r->name = path;
    return reader_fail(r, j, path, "%s", strerror(errno));
  }
  line_reader_init(&r->lr, r->fp);
  conll_reader_init(&r->cr, &r->lr);
  r->ordinal = 0;
  return 0;
}

/* The whole file is one document; an empty file none. */
static int reader_text(reader *r, job *j) {
  char *text = NULL;
  size_t len = 0;
  int rc = read_whole_stream(r->fp, &text, &len);
  if (rc != LINE_OK) return reader_read_error(r, j, rc);
  reader_close(r);
  if (len == 0) {
    free(text);
    return 0;
  }
  free(j->text);
  j->text = text;
  j->len = len;
  j->cap = len + 1;
  j->kind = JOB_TEXT;
  r->bytes_done += len;
  j->bytes = r->bytes_done;
  return 1;
}

static int is_blank_line(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

/* One line is one job (jsonl: blank lines are skipped). */
static int reader_line(reader *r, job *j) {
  const char *line;
  size_t len;
  int rc;
  while ((rc = line_reader_next(&r->lr, &line, &len)) == LINE_OK) {
    if (r->opts->input == IN_JSONL && is_blank_line(line, len)) continue;
    if (len + 1 > j->cap) {
      size_t cap = len + 1 < 256 ? 256 : len + 1;
      char *p = realloc(j->text, cap);
      if (!p) return reader_read_error(r, j, LINE_ERR_NOMEM);
      j->text = p;
      j->cap = cap;
    }
    memcpy(j->text, line, len);
    j->text[len] = '\0';
    j->len = len;
    j->kind = r->opts->input == IN_JSONL ? JOB_JSONL : JOB_LINE;
    j->number = r->lr.lineno;
    j->bytes = r->bytes_done + r->lr.bytes_read;
    return 1;
  }
  if (rc != LINE_EOF) return reader_read_error(r, j, rc);
  reader_close(r);
  return 0;
}

static int reader_conll(reader *r, job *j) {
  int rc = conll_read_doc(&r->cr, &j->conll);
  if (rc == CONLL_OK) {
    j->kind = JOB_CONLL;
    j->number = ++r->ordinal;
    j->bytes = r->bytes_done + r->lr.bytes_read;
    return 1;
  }
  if (rc == CONLL_ERR_FORMAT) {
    char where[512];
    snprintf(where, sizeof where, "%s:%lu", r->name, r->cr.error_line);
    return reader_fail(r, j, where, "invalid CoNLL: %s", r->cr.error);
  }
  if (rc != CONLL_EOF) return reader_read_error(r, j, rc);
  reader_close(r);
  return 0;
}

/* Fills j with the next document (or a JOB_FAIL). Returns 0 at the end. */
static int reader_next(reader *r, job *j) {
  while (!r->finished) {
    int got;
    if (!r->fp) {
      if (r->next_file == r->n_files) break;
      if (reader_open(r, j)) return 1;
    }
    j->name = r->name;
    switch (r->opts->input) {
      case IN_TEXT: got = reader_text(r, j); break;
      case IN_CONLL: got = reader_conll(r, j); break;
      default: got = reader_line(r, j); break;
    }
    if (got) return 1;
  }
  r->finished = 1;
  return 0;
}

/* ---- The writer: outputs and messages in input order ---------------------------------- */

typedef struct writer {
  progress prog;
  unsigned long docs_done;
} writer;

/* Writes a tagged job's output (if buffered), then its error message.
 * Returns the job's status. */
static int write_job(writer *w, const job *j) {
  if (j->out_len) fwrite(j->out, 1, j->out_len, stdout);
  if (j->kind != JOB_FAIL) {
    w->docs_done++;
    progress_update(&w->prog, w->docs_done, j->bytes);
  }
  if (j->status != 0) {
    progress_clear(&w->prog);
    fflush(stdout); /* keep the output in order with the message */
    fputs(j->msg ? j->msg : PROG ": out of memory\n", stderr);
  }
  return j->status;
}

/* ---- One job at a time ------------------------------------------------------------------ */

static int run_serial(tagger *t, reader *r, writer *w) {
  job j;
  int rc = 0;
  job_init(&j);
  t->out = stdout;
  while (rc == 0 && reader_next(r, &j)) {
    if (j.kind != JOB_FAIL) j.status = tag_job(t, &j);
    rc = write_job(w, &j);
    job_recycle(&j);
  }
  job_free(&j);
  return rc;
}

/* ---- Threads: a reader, N taggers, the main thread writes ------------------------------------- */

/* Documents travel in batches, so that threads meet once per batch rather
 * than once per document (per-document hand-offs cost more than tagging a
 * short line). A batch closes at BATCH_DOCS documents or BATCH_BYTES input
 * bytes, at the end of the input, or when an idle tagger claims it, so a
 * slow producer (a pipe, a terminal) is tagged as its lines arrive. */
#define BATCH_DOCS 64
#define BATCH_BYTES (64u * 1024)

typedef struct batch {
  job jobs[BATCH_DOCS];   /* jobs[0..n) are the batch's documents, in order */
  size_t n;
  size_t in_bytes;        /* input bytes of those documents */
  size_t n_tagged;        /* jobs tagged: all, or up to the first failing one */
  int done;               /* tagged, ready to write */
  char *out;              /* the outputs of jobs[0..n_tagged), concatenated */
  size_t out_len;
} batch;

static void batch_recycle(batch *b) {
  for (size_t i = 0; i < b->n; i++) job_recycle(&b->jobs[i]);
  free(b->out);
  b->out = NULL;
  b->out_len = 0;
  b->n = b->in_bytes = b->n_tagged = 0;
  b->done = 0;
}

/* The ring holds batches numbered n_written <= k < n_open (closed, being
 * tagged or tagged), and batch n_open, which the reader is filling, when
 * n_open - n_written < n_slots. */
typedef struct pipeline {
  pthread_mutex_t mu;
  pthread_cond_t slot_free;   /* the reader waits for a written slot */
  pthread_cond_t job_ready;   /* taggers wait for a batch */
  pthread_cond_t job_done;    /* the writer waits for the next batch in order */
  batch *slots;               /* batch k lives in slots[k % n_slots] */
  size_t n_slots;
  unsigned long long n_open;    /* the batch being filled; earlier ones are closed */
  unsigned long long n_taken;   /* batches claimed by taggers */
  unsigned long long n_written; /* batches written */
  unsigned idle;              /* taggers waiting for work */
  int reader_done;            /* the reader has closed its last batch */
  int stop;                   /* a document failed: everyone stops */
  reader *rd;
} pipeline;

typedef struct tagger_thread {
  pipeline *p;
  tagger t;
  pthread_t id;
  int started;
} tagger_thread;

static int open_slot_free(const pipeline *p) { return p->n_open - p->n_written < p->n_slots; }

static void *reader_main(void *arg) {
  pipeline *p = arg;
  job next; /* read outside the lock, then swapped into the open batch */
  job_init(&next);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    batch *b;
    job tmp;
    int more;
    pthread_mutex_unlock(&p->mu);
    more = reader_next(p->rd, &next);
    pthread_mutex_lock(&p->mu);
    while (more && !p->stop && !open_slot_free(p)) pthread_cond_wait(&p->slot_free, &p->mu);
    if (!more || p->stop) break;
    b = &p->slots[p->n_open % p->n_slots];
    tmp = b->jobs[b->n]; /* a recycled job: its buffers are reused */
    b->jobs[b->n++] = next;
    next = tmp;
    b->in_bytes += b->jobs[b->n - 1].kind == JOB_CONLL ? b->jobs[b->n - 1].conll.n_bytes
                                                       : b->jobs[b->n - 1].len;
    if (b->n == BATCH_DOCS || b->in_bytes >= BATCH_BYTES || b->jobs[b->n - 1].kind == JOB_FAIL) {
      p->n_open++; /* closed */
      pthread_cond_signal(&p->job_ready);
    } else if (p->idle > 0) {
      pthread_cond_signal(&p->job_ready); /* an idle tagger takes what there is */
    }
  }
  if (!p->stop && open_slot_free(p) && p->slots[p->n_open % p->n_slots].n > 0) p->n_open++;
  p->reader_done = 1;
  pthread_cond_broadcast(&p->job_ready);
  pthread_cond_signal(&p->job_done);
  pthread_mutex_unlock(&p->mu);
  job_free(&next);
  return NULL;
}

/* Tags a batch's jobs in order into one memory stream, up to the first
 * failing one (the writer stops there). */
static void tag_batch(tagger *t, batch *b) {
  char where[512];
  job *last;
  t->out = open_memstream(&b->out, &b->out_len);
  if (!t->out) {
    b->out = NULL;
    b->out_len = 0;
  }
  for (size_t i = 0; i < b->n; i++) {
    job *j = &b->jobs[i];
    b->n_tagged = i + 1;
    if (!t->out) { /* no memory for the output */
      t->job = j;
      j->status = out_of_memory(t, j->name);
    } else if (j->kind != JOB_FAIL) {
      j->status = tag_job(t, j);
    }
    if (j->status != 0) break;
  }
  last = &b->jobs[b->n_tagged - 1];
  if (t->out && fclose(t->out) != 0 && last->status == 0) {
    if (last->kind == JOB_TEXT)
      snprintf(where, sizeof where, "%s", last->name);
    else
      snprintf(where, sizeof where, "%s:%lu", last->name,
               last->kind == JOB_CONLL ? last->conll.first_line : last->number);
    t->job = last;
    last->status = out_of_memory(t, where);
  }
  t->out = NULL;
}

static void *tagger_main(void *arg) {
  tagger_thread *tt = arg;
  pipeline *p = tt->p;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    unsigned long long k;
    p->idle++;
    while (!p->stop && p->n_taken == p->n_open && !p->reader_done &&
           !(open_slot_free(p) && p->slots[p->n_open % p->n_slots].n > 0))
      pthread_cond_wait(&p->job_ready, &p->mu);
    p->idle--;
    if (p->stop || (p->n_taken == p->n_open && p->reader_done)) break;
    if (p->n_taken == p->n_open) p->n_open++; /* claim the reader's open batch */
    k = p->n_taken++;
    pthread_mutex_unlock(&p->mu);
    tag_batch(&tt->t, &p->slots[k % p->n_slots]);
    pthread_mutex_lock(&p->mu);
    p->slots[k % p->n_slots].done = 1;
    if (k == p->n_written) pthread_cond_signal(&p->job_done);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Writes a tagged batch; returns the status of its last tagged job. */
static int write_batch(writer *w, const batch *b) {
  const job *last = &b->jobs[b->n_tagged - 1];
  if (b->out_len) fwrite(b->out, 1, b->out_len, stdout);
  for (size_t i = 0; i < b->n_tagged; i++) w->docs_done += b->jobs[i].kind != JOB_FAIL;
  progress_update(&w->prog, w->docs_done, last->bytes);
  if (last->status != 0) {
    progress_clear(&w->prog);
    fflush(stdout); /* keep the output in order with the message */
    fputs(last->msg ? last->msg : PROG ": out of memory\n", stderr);
  }
  return last->status;
}

/* The main thread: writes batches in order until the end or the first error. */
static int write_in_order(pipeline *p, writer *w) {
  int rc = 0;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    batch *b = &p->slots[p->n_written % p->n_slots];
    while (!(p->n_written < p->n_open && b->done) &&
           !(p->reader_done && p->n_written == p->n_open))
      pthread_cond_wait(&p->job_done, &p->mu);
    if (p->n_written == p->n_open) break; /* the reader is done */
    pthread_mutex_unlock(&p->mu);
    rc = write_batch(w, b);
    batch_recycle(b);
    pthread_mutex_lock(&p->mu);
    p->n_written++;
    pthread_cond_signal(&p->slot_free);
    if (rc != 0) {
      p->stop = 1;
      pthread_cond_broadcast(&p->job_ready);
      pthread_cond_broadcast(&p->slot_free);
      break;
    }
  }
  pthread_mutex_unlock(&p->mu);
  return rc;
}

static void wake_reader(int sig) { (void)sig; }

/* After an error the reader may be blocked reading a pipe or a terminal
 * that stays open, where one job would already have exited: interrupt its
 * read with a signal (no SA_RESTART: the read fails with EINTR) until it
 * sees the stop, instead of waiting for more input. */
static void interrupt_reader(pipeline *p, pthread_t reader_id) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = wake_reader;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, &old) != 0) return;
  pthread_mutex_lock(&p->mu);
  while (!p->reader_done) {
    struct timespec ts;
    pthread_kill(reader_id, SIGUSR1);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000 * 1000;
    if (ts.tv_nsec >= 1000 * 1000 * 1000) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000 * 1000 * 1000;
    }
    pthread_cond_timedwait(&p->job_done, &p->mu, &ts); /* the reader signals it at its end */
  }
  pthread_mutex_unlock(&p->mu);
  sigaction(SIGUSR1, &old, NULL);
}

static int thread_error(int err) {
  fprintf(stderr, PROG ": cannot start a thread: %s\n", strerror(err));
  return EXIT_BAD_INPUT;
}

/* t is the main thread's tagger (model loaded): each thread gets a copy
 * with its own doc and scratch. */
static int run_threads(const tagger *t, reader *r, writer *w) {
  unsigned n = t->opts->jobs;
  pipeline p;
  tagger_thread *threads = calloc(n, sizeof *threads);
  pthread_t reader_id;
  int rc = 0, err, reader_started = 0;
  memset(&p, 0, sizeof p);
  p.n_slots = (size_t)n * SLOTS_PER_JOB;
  p.slots = calloc(p.n_slots, sizeof *p.slots);
  p.rd = r;
  if (!threads || !p.slots) {
    free(threads);
    free(p.slots);
    fputs(PROG ": out of memory\n", stderr);
    return EXIT_BAD_INPUT;
  }
  for (size_t i = 0; i < p.n_slots; i++)
    for (size_t k = 0; k < BATCH_DOCS; k++) job_init(&p.slots[i].jobs[k]);
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.slot_free, NULL);
  pthread_cond_init(&p.job_ready, NULL);
  pthread_cond_init(&p.job_done, NULL);
  for (unsigned i = 0; i < n && rc == 0; i++) {
    int32_t status;
    threads[i].p = &p;
    threads[i].t = *t;
    threads[i].t.doc = NULL;
    threads[i].t.span_start = threads[i].t.span_end = NULL;
    threads[i].t.labels = NULL;
    threads[i].t.scratch_cap = 0;
    json_object_init(&threads[i].t.obj);
    status = idner_doc_new(&threads[i].t.doc);
    if (status != IDNER_OK) {
      fprintf(stderr, PROG ": %s\n", idner_strerror(status));
      rc = EXIT_BAD_INPUT;
    } else if ((err = pthread_create(&threads[i].id, NULL, tagger_main, &threads[i])) != 0) {
      rc = thread_error(err);
    } else {
      threads[i].started = 1;
    }
  }
  if (rc == 0) {
    if ((err = pthread_create(&reader_id, NULL, reader_main, &p)) != 0)
      rc = thread_error(err);
    else
      reader_started = 1;
  }
  if (rc == 0) {
    rc = write_in_order(&p, w);
    if (rc != 0) interrupt_reader(&p, reader_id);
  } else { /* stop the started taggers */
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.job_ready);
    pthread_mutex_unlock(&p.mu);
  }
  if (reader_started) pthread_join(reader_id, NULL);
  for (unsigned i = 0; i < n; i++) {
    if (threads[i].started) pthread_join(threads[i].id, NULL);
    tagger_free(&threads[i].t);
  }
  for (size_t i = 0; i < p.n_slots; i++) {
    batch_recycle(&p.slots[i]);
    for (size_t k = 0; k < BATCH_DOCS; k++) job_free(&p.slots[i].jobs[k]);
  }
  pthread_cond_destroy(&p.job_done);
  pthread_cond_destroy(&p.job_ready);
  pthread_cond_destroy(&p.slot_free);
  pthread_mutex_destroy(&p.mu);
  free(p.slots);
  free(threads);
  return rc;
}

/* ---- Main ------------------------------------------------------------------------------ */

static int load_model(tagger *t, idner_model **model) {
  char err[512] = "";
  int32_t status = idner_model_load(t->opts->data_dir, t->opts->no_model ? IDNER_LOAD_NO_MODEL : 0,
                                     model, err, sizeof err);
  if (status != IDNER_OK) {
    fprintf(stderr, PROG ": cannot load the model%s%s: %s%s%s\n",
            t->opts->data_dir ? " from " : "", t->opts->data_dir ? t->opts->data_dir : "",
            idner_strerror(status), err[0] ? ": " : "", err);
    return EXIT_BAD_INPUT;
  }
  t->model = *model;
  if (t->opts->profile &&
      idner_model_find_profile(t->model, t->opts->profile, strlen(t->opts->profile),
                               &t->profile_id) != IDNER_OK) {
    fprintf(stderr, PROG ": the model has no profile '%s'\n", t->opts->profile);
    return EXIT_USAGE;
  }
  if (t->opts->jobs > 1) return 0; /* each thread makes its own doc */
  status = idner_doc_new(&t->doc);
  if (status != IDNER_OK) {
    fprintf(stderr, PROG ": %s\n", idner_strerror(status));
    return EXIT_BAD_INPUT;
  }
  return 0;
}

static int finish_output(writer *w) {
  progress_clear(&w->prog);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
    return EXIT_BAD_INPUT;
  }
  return 0;
}

static int run(const cli_options *opts) {
  static const char *const stdin_only[] = {"-"};
  const char *const *files = opts->n_files ? opts->files : stdin_only;
  size_t n_files = opts->n_files ? opts->n_files : 1;
  idner_model *model = NULL;
  tagger t;
  reader r;
  writer w;
  int rc;
  memset(&t, 0, sizeof t);
  memset(&w, 0, sizeof w);
  t.opts = opts;
  local_today(&t.today);
  json_object_init(&t.obj);
  reader_init(&r, opts, files, n_files);
  rc = load_model(&t, &model);
  progress_init(&w.prog);
  if (rc == 0) rc = opts->jobs > 1 ? run_threads(&t, &r, &w) : run_serial(&t, &r, &w);
  if (finish_output(&w) != 0 && rc == 0) rc = EXIT_BAD_INPUT;
  reader_close(&r);
  tagger_free(&t);
  idner_model_free(model);
  return rc;
}

int main(int argc, char **argv) {
  cli_options opts;
  int rc = parse_args(argc, argv, &opts);
  if (rc < 0) rc = run(&opts);
  free((void *)opts.files);
  return rc;
}
