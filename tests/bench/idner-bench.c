/* idner-bench — speed and memory of idner on raw UTF-8 text, one thread
 * (issue 5). Sections (sections.c): init time (embedded default, a data
 * directory), model memory, throughput per stage on the corpora's text
 * (tokenize only; gazetteers + rules; full pipeline with the model),
 * throughput against input size (documents of ~4 KB, and one document of
 * growing size), adversarial inputs, and the targets with met / NOT
 * MET. Every figure is the median of several runs with min and max, each in
 * a fresh forked child (measure.c). ctest runs it only as a --quick smoke
 * test; tests/bench/report.py regenerates docs/performance.md from it.
 * Options: --help. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "idner.h"

#ifndef IDNER_BENCH_SHARED_DIR
#define IDNER_BENCH_SHARED_DIR "../shared"
#endif
#ifndef IDNER_BENCH_DATA_DIR
#define IDNER_BENCH_DATA_DIR "lib/gazetteers"
#endif
#ifndef IDNER_BENCH_BUILD_TYPE
#define IDNER_BENCH_BUILD_TYPE "unknown build type"
#endif

bench_config cfg;
bench_text corpus;
FILE *tsv;
int failures;

static const char *const section_names[] = {"init",  "memory", "stages",
                                            "sizes", "doc",    "adversarial"};
static const char *const stage_names[STAGE_COUNT] = {"tokenize", "rules", "full"};

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *f) {
  fputs("usage: idner-bench [options] [SHARED_DIR [RUNS]]\n"
        "  --runs N         samples per figure, median [min, max] (default 5; --quick 3)\n"
        "  --big-runs N     samples for inputs of 32 MB and more (default 3)\n"
        "  --shared DIR     folder holding corpora/ (default " IDNER_BENCH_SHARED_DIR ")\n"
        "  --data DIR       data directory for init and memory (default " IDNER_BENCH_DATA_DIR ")\n"
        "  --max-size MB    largest input of the size series (default 256)\n"
        "  --max-doc MB     largest single document (default 16)\n"
        "  --line-size MB   the line without spaces (default 100)\n"
        "  --caps-words N   capitalized words in a row (default 1000000)\n"
        "  --parens N       nesting depth of the parentheses (default 10000)\n"
        "  --adv-size MB    digits and slashes, date pieces, byte values (default 1)\n"
        "  --min-time S     shortest sample; small inputs are repeated (default 0.2)\n"
        "  --cpu-time       time by process CPU time, not wall time (a busy machine)\n"
        "  --timeout S      limit per measurement process (default 1800)\n"
        "  --mem-limit MB   address-space limit per measurement process (default 8000, 0 none)\n"
        "  --only LIST      sections, comma-separated: init,memory,stages,sizes,doc,adversarial\n"
        "  --stages LIST    pipeline stages, comma-separated: tokenize,rules,full (default all)\n"
        "  --tsv FILE       also write every figure as tab-separated rows (for plots)\n"
        "  --quick          smoke run in seconds: 3 runs, inputs of at most 256 KB\n"
        "Sizes are decimal: 1 KB = 1000 bytes, 1 MB = 10^6 bytes (MB/s too).\n",
        f);
}

static size_t mb_arg(const char *s) { return (size_t)(atof(s) * 1e6); }

/* Bit k set for each names[k] in the comma-separated list v; 0 when v names
 * something else. */
static int list_arg(const char *v, const char *const *names, int n) {
  int mask = 0;
  while (*v) {
    size_t l = strcspn(v, ",");
    int k = 0;
    while (k < n && !(strlen(names[k]) == l && !strncmp(v, names[k], l))) k++;
    if (k == n) return 0;
    mask |= 1 << k;
    v += l + (v[l] == ',');
  }
  return mask;
}

static int parse(int argc, char **argv) {
  cfg.runs = 5, cfg.big_runs = 3, cfg.sections = 63, cfg.stages = 7;
  cfg.shared = IDNER_BENCH_SHARED_DIR, cfg.data = IDNER_BENCH_DATA_DIR;
  cfg.max_size = 256 * BENCH_MB, cfg.max_doc = 16 * BENCH_MB, cfg.line_size = 100 * BENCH_MB;
  cfg.caps_words = 1000000, cfg.parens = 10000, cfg.adv_size = BENCH_MB, cfg.mem_limit_mb = 8000;
  cfg.min_time = 0.2, cfg.timeout = 1800;
  for (int i = 1; i < argc; i++) /* --quick first: explicit options override it */
    if (!strcmp(argv[i], "--quick")) {
      cfg.quick = 1, cfg.runs = 3, cfg.max_size = cfg.max_doc = 256 * BENCH_KB;
      cfg.line_size = BENCH_MB, cfg.caps_words = 20000, cfg.adv_size = 64 * BENCH_KB;
      cfg.min_time = 0.02, cfg.timeout = 300;
    }
  int positional = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--quick")) continue;
    if (!strcmp(a, "--cpu-time")) {
      cfg.cpu_time = 1;
      continue;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      exit(0);
    }
    if (a[0] != '-') {
      if (positional == 0) cfg.shared = a;
      else if (positional == 1) cfg.runs = atoi(a);
      else return 0;
      positional++;
      continue;
    }
    if (!v) return 0;
    i++;
    if (!strcmp(a, "--runs")) cfg.runs = atoi(v);
    else if (!strcmp(a, "--big-runs")) cfg.big_runs = atoi(v);
    else if (!strcmp(a, "--shared")) cfg.shared = v;
    else if (!strcmp(a, "--data")) cfg.data = v;
    else if (!strcmp(a, "--max-size")) cfg.max_size = mb_arg(v);
    else if (!strcmp(a, "--max-doc")) cfg.max_doc = mb_arg(v);
    else if (!strcmp(a, "--line-size")) cfg.line_size = mb_arg(v);
    else if (!strcmp(a, "--caps-words")) cfg.caps_words = (size_t)atol(v);
    else if (!strcmp(a, "--parens")) cfg.parens = (size_t)atol(v);
    else if (!strcmp(a, "--adv-size")) cfg.adv_size = mb_arg(v);
    else if (!strcmp(a, "--min-time")) cfg.min_time = atof(v);
    else if (!strcmp(a, "--timeout")) cfg.timeout = (unsigned)atoi(v);
    else if (!strcmp(a, "--mem-limit")) cfg.mem_limit_mb = (size_t)atol(v);
    else if (!strcmp(a, "--tsv")) cfg.tsv_path = v;
    else if (!strcmp(a, "--only")) {
      if (!(cfg.sections = list_arg(v, section_names, 6))) return 0;
    } else if (!strcmp(a, "--stages")) {
      if (!(cfg.stages = list_arg(v, stage_names, STAGE_COUNT))) return 0;
    } else return 0;
  }
  if (cfg.runs < 1 || cfg.runs > BENCH_MAX_RUNS) cfg.runs = 5;
  if (cfg.big_runs < 1) cfg.big_runs = 1;
  return cfg.caps_words > 0 && cfg.parens > 0 && cfg.line_size > 0 && cfg.adv_size > 0;
}

static void read_first(const char *path, const char *key, char *out, size_t n) {
  FILE *f = fopen(path, "r");
  char line[512];
  snprintf(out, n, "?");
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, key, strlen(key))) continue;
    const char *p = strchr(line, ':');
    p = p ? p + 1 : line;
    while (*p == ' ' || *p == '\t') p++;
    snprintf(out, n, "%.*s", (int)strcspn(p, "\n"), p);
    break;
  }
  if (f) fclose(f);
}

static void load_average(char *out, size_t n) {
  FILE *f = fopen("/proc/loadavg", "r");
  double a = 0, b = 0, c = 0;
  if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3) snprintf(out, n, "%.2f %.2f %.2f", a, b, c);
  else snprintf(out, n, "?");
  if (f) fclose(f);
}

int main(int argc, char **argv) {
  if (!parse(argc, argv)) {
    usage(stderr);
    return 2;
  }
  char err[4200];
  if ((cfg.sections & (SEC_STAGES | SEC_SIZES | SEC_DOC)) &&
      !bench_load_corpus(cfg.shared, &corpus, err, sizeof err)) {
    fprintf(stderr, "idner-bench: %s (give the folder holding corpora/ with --shared)\n", err);
    return 1;
  }
  if (cfg.tsv_path && !(tsv = fopen(cfg.tsv_path, "w"))) {
    perror(cfg.tsv_path);
    return 1;
  }
  sections_setup();

  char cpu[256], mem[64], load[64], date[64];
  read_first("/proc/cpuinfo", "model name", cpu, sizeof cpu);
  read_first("/proc/meminfo", "MemTotal", mem, sizeof mem);
  load_average(load, sizeof load);
  time_t now = time(NULL);
  strftime(date, sizeof date, "%Y-%m-%d %H:%M", localtime(&now));
  printf("idner-bench: idner %s (%s, %s), one thread%s\n", idner_version_string(),
         IDNER_BENCH_BUILD_TYPE, "cc " __VERSION__,
         cfg.quick ? ", --quick (figures not comparable)" : "");
  printf("machine: %s, %ld CPUs online, %s RAM; %s; load average %s at start\n", cpu,
         sysconf(_SC_NPROCESSORS_ONLN), mem, date, load);
  if (corpus.n) {
    size_t lines = 0;
    for (size_t i = 0; i < corpus.n; i++) lines += corpus.p[i] == '\n';
    printf("corpus text: %.2f MB, %zu sentences (the corpora's tokens joined by spaces, one\n"
           "  sentence a line, from %s/corpora)\n", (double)corpus.n / 1e6, lines, cfg.shared);
  }
  printf("figures: median [min, max] of %d runs (%d for inputs of 32 MB and more), each run in\n"
         "  a fresh process after a warm-up pass; %s; MB = 10^6 bytes; small inputs\n"
         "  repeated to samples >= %g s\n",
         cfg.runs, cfg.runs < cfg.big_runs ? cfg.runs : cfg.big_runs,
         cfg.cpu_time ? "process CPU time (--cpu-time)" : "wall-clock time", cfg.min_time);
  if (tsv)
    fprintf(tsv, "# section\tname\tstage\tbytes\tdocs\truns\treps\tmedian_s\tmin_s\tmax_s\t"
                 "mbs_median\tmbs_min\tmbs_max\ttokens\tktok_s\tpeak_rss_kb\tcpu_ratio\t"
                 "ratio\ttarget\tverdict\tnote\n");
  double t0 = bench_now();
  if (cfg.sections & SEC_INIT) section_init();
  if (cfg.sections & SEC_MEMORY) section_memory();
  if (cfg.sections & SEC_STAGES) section_stages();
  if (cfg.sections & SEC_SIZES) section_sizes();
  if (cfg.sections & SEC_DOC) section_doc();
  if (cfg.sections & SEC_ADV) section_adversarial();
  section_targets();
  load_average(load, sizeof load);
  printf("\ndone in %.0f s; load average %s at the end; %d measurement%s failed\n",
         bench_now() - t0, load, failures, failures == 1 ? "" : "s");
  if (tsv) fclose(tsv);
  free(corpus.p);
  return failures ? 3 : 0;
}
