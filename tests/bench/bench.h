/* bench.h — shared declarations of idner-bench (tests/bench/): inputs
 * (inputs.c), measurements in forked children (measure.c) and the report
 * (idner-bench.c). */
#ifndef IDNER_BENCH_H
#define IDNER_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Decimal units throughout: 1 KB = 1000 bytes, 1 MB = 10^6 bytes (MB/s too). */
#define BENCH_KB ((size_t)1000)
#define BENCH_MB ((size_t)1000 * 1000)
#define BENCH_MAX_RUNS 64
#define BENCH_DOC (4 * BENCH_KB) /* documents of about 4 KB, ending at a line end */

/* Pipeline stages, each a superset of the one before. */
enum { STAGE_TOKENIZE, STAGE_RULES, STAGE_FULL, STAGE_COUNT };
extern const char *const bench_stage_name[STAGE_COUNT];

/* Inputs. For IN_CAPS the size is a word count, for IN_PARENS a depth,
 * otherwise bytes. */
enum {
  IN_CORPUS,  /* corpus text repeated (one sentence a line) */
  IN_LINE,    /* one line of letters, no space: "IndonesiaIndonesia..." */
  IN_CAPS,    /* capitalized words in a row, one line: "Budi Jakarta Sari ..." */
  IN_PARENS,  /* nested parentheses "((((x))))" */
  IN_DIGITS,  /* digits and slashes, no space: "4/81/9/2..." */
  IN_DATES,   /* date pieces strung together: "19/9/2023Maret (19/9/kuartal ..." */
  IN_BYTES,   /* bytes 0..255 repeated (invalid UTF-8, NUL, control bytes) */
  IN_COUNT
};

typedef struct {
  char *p;
  size_t n;
} bench_text;

/* inputs.c */
/* Appends the CoNLL corpora's tokens as text; 0 and err on failure. */
int bench_load_corpus(const char *shared, bench_text *out, char *err, size_t errsize);
/* A new malloc'd input of the given kind (see IN_*); NULL when out of memory. */
char *bench_make_input(int kind, const bench_text *src, size_t size, size_t *len);
/* Short description of an input kind for the report. */
const char *bench_input_desc(int kind);

/* measure.c */
double bench_now(void);
long bench_rss_kb(void);  /* resident set from /proc/self/statm */
long bench_anon_kb(void); /* resident minus file-backed (statm resident - shared) */

/* One measurement, done in a forked child. */
enum { JOB_THROUGHPUT, JOB_INIT, JOB_MEMORY };

typedef struct {
  int what;             /* JOB_* */
  int stage;            /* STAGE_*, JOB_THROUGHPUT */
  int input;            /* IN_*, JOB_THROUGHPUT */
  size_t size;          /* input size (see IN_*) */
  size_t doc_size;      /* split into documents of about this many bytes; 0 = one document */
  int runs;             /* samples */
  double min_time;      /* each sample repeats the pass until it lasts this long (s) */
  const char *data_dir; /* JOB_INIT, JOB_MEMORY: NULL = embedded default */
  uint32_t load_flags;  /* JOB_INIT, JOB_MEMORY */
  const bench_text *corpus;
  unsigned timeout;     /* seconds before the child is stopped; 0 = none */
  size_t mem_limit_mb;  /* RLIMIT_AS of the child; 0 = none */
  int cpu_time;         /* time samples by process CPU time instead of wall time */
} bench_job;

typedef struct {
  int ok;           /* 1: measured */
  int32_t status;   /* idner status of a failed call */
  char note[240];   /* why it failed */
  int runs;
  long reps;        /* passes per sample */
  double med, min, max; /* seconds per pass (JOB_INIT: per load) */
  double cpu_ratio; /* CPU time / wall time over all samples (1.0 = never descheduled) */
  uint64_t bytes;   /* bytes per pass */
  uint64_t tokens;  /* tokens per pass */
  uint64_t docs;    /* idner_analyze() calls per pass */
  long rss_start_kb, rss_ready_kb, peak_kb;  /* child start, input + model ready, ru_maxrss */
  long anon_start_kb, anon_ready_kb;
} bench_result;

/* Runs job in a forked child and fills *res (res->ok = 0 and res->note
 * when the child failed, was killed or timed out). */
void bench_run_job(const bench_job *job, bench_result *res);
/* Runs job in `runs` children, one sample each (a fresh process per run,
 * so that per-process effects such as memory placement show in min and
 * max): med/min/max over the runs, peak_kb the largest, cpu_ratio the mean.
 * Stops at the first failure. */
void bench_run_samples(const bench_job *job, int runs, bench_result *res);
/* Median, min and max of n samples (sorts them). */
void bench_stats(double *v, int n, double *med, double *min, double *max);

/* idner-bench.c: the options and the shared state of the run. */
enum { SEC_INIT = 1, SEC_MEMORY = 2, SEC_STAGES = 4, SEC_SIZES = 8, SEC_DOC = 16, SEC_ADV = 32 };

typedef struct {
  int runs, big_runs, quick, sections, stages, cpu_time; /* stages: bit per STAGE_* */
  const char *shared, *data, *tsv_path;
  size_t max_size, max_doc, line_size, caps_words, parens, adv_size, mem_limit_mb;
  double min_time;
  unsigned timeout;
} bench_config;

extern bench_config cfg;
extern bench_text corpus; /* the corpora's text (n = 0 when not needed) */
extern FILE *tsv;         /* --tsv, or NULL */
extern int failures;      /* measurements that failed */

/* sections.c */
void sections_setup(void);
void section_init(void);
void section_memory(void);
void section_stages(void);
void section_sizes(void);
void section_doc(void);
void section_adversarial(void);
void section_targets(void);

#endif
