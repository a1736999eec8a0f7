/* sections.c — idner-bench's report sections: each measures in forked
 * children (measure.c), prints an aligned table and writes TSV rows. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"
#include "idner.h"

/* The targets (single core, news text). */
#define T_FULL_MBS 10.0
#define T_RULES_MBS 50.0
#define T_TOKENIZE_MBS 150.0
#define T_INIT_EMBEDDED_MS 5.0
#define T_INIT_DIR_MS 100.0
#define T_ADVERSARIAL_X 3.0
#define T_LINEAR_X 1.5 /* this benchmark's tolerance for "linear" (per-byte time vs ref size) */

static double news_s_per_byte[STAGE_COUNT]; /* 0 = not measured */

static const char *verdict(int met) { return met ? "met" : "NOT MET"; }

static void fmt_size(char *out, size_t n, double bytes) {
  if (bytes >= 1e6) snprintf(out, n, "%.4g MB", bytes / 1e6);
  else if (bytes >= 1e3) snprintf(out, n, "%.4g KB", bytes / 1e3);
  else snprintf(out, n, "%.0f B", bytes);
}

static double mbs(const bench_result *r, double secs) { return (double)r->bytes / 1e6 / secs; }

static void tsv_row(const char *section, const char *name, const char *stage,
                    const bench_result *r, double ratio, const char *target, const char *v) {
  if (!tsv) return;
  fprintf(tsv, "%s\t%s\t%s\t", section, name, stage);
  if (r->ok)
    fprintf(tsv, "%llu\t%llu\t%d\t%ld\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%llu\t%.6g\t%ld\t%.3f\t",
            (unsigned long long)r->bytes, (unsigned long long)r->docs, r->runs, r->reps, r->med,
            r->min, r->max, r->bytes ? mbs(r, r->med) : 0, r->bytes ? mbs(r, r->max) : 0,
            r->bytes ? mbs(r, r->min) : 0, (unsigned long long)r->tokens,
            r->med > 0 ? (double)r->tokens / r->med / 1e3 : 0, r->peak_kb, r->cpu_ratio);
  else
    fputs("-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t", tsv);
  if (ratio > 0) fprintf(tsv, "%.3f\t", ratio);
  else fputs("-\t", tsv);
  fprintf(tsv, "%s\t%s\t%s\n", target ? target : "-", v ? v : "-", r->ok ? "" : r->note);
}

static bench_job job(int what) {
  bench_job j;
  memset(&j, 0, sizeof j);
  j.what = what;
  j.runs = cfg.runs;
  j.min_time = cfg.min_time;
  j.corpus = &corpus;
  j.timeout = cfg.timeout;
  j.mem_limit_mb = cfg.mem_limit_mb;
  j.cpu_time = cfg.cpu_time;
  return j;
}

static bench_result throughput(int stage, int input, size_t size, size_t doc_size) {
  bench_job j = job(JOB_THROUGHPUT);
  j.stage = stage, j.input = input, j.size = size, j.doc_size = doc_size;
  int runs = cfg.runs;
  if (input != IN_CAPS && input != IN_PARENS && size >= 32 * BENCH_MB && cfg.big_runs < runs)
    runs = cfg.big_runs;
  bench_result r;
  bench_run_samples(&j, runs, &r);
  return r;
}

/* One line of a throughput table; also its TSV row. */
static void print_tp(const char *section, const char *shown, const char *name, int stage,
                     const bench_result *r, double ratio, const char *ratio_label,
                     const char *target, int met) {
  if (!r->ok) {
    printf("  %-22s %-18s  FAILED: %s\n", shown, bench_stage_name[stage], r->note);
    failures++;
  } else {
    char x[16] = "    -";
    if (ratio > 0) snprintf(x, sizeof x, "%5.2fx", ratio);
    printf("  %-22s %-18s %9.2f [%8.2f, %8.2f] %9.0f  %-6s %-7s %7.1f MB", shown,
           bench_stage_name[stage], mbs(r, r->med), mbs(r, r->max), mbs(r, r->min),
           (double)r->tokens / r->med / 1e3, x, ratio_label, (double)r->peak_kb / 1e3);
    if (target) printf("  %-11s %s", target, verdict(met));
    if (r->cpu_ratio < 0.9 && !cfg.cpu_time)
      printf("  (cpu/wall %.2f: descheduled)", r->cpu_ratio);
    printf("\n");
  }
  tsv_row(section, name, bench_stage_name[stage], r, ratio, target, target ? verdict(met) : NULL);
}

static void heading(const char *title) { printf("\n== %s ==\n", title); }

static void tp_columns(const char *first, const char *ratio, int target) {
  printf("  %-22s %-18s %9s %-20s %9s  %-14s %10s%s\n", first, "stage", "MB/s", " [min, max]",
         "k tok/s", ratio, "peak RSS", target ? "  target" : "");
}

/* ---- init and memory ---------------------------------------------------- */

static double dir_bytes(const char *dir, int *files) {
  double total = 0;
  *files = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (!(l > 4 && !strcmp(e->d_name + l - 4, ".tsv")) && strcmp(e->d_name, "model.bin")) continue;
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &st) == 0) total += (double)st.st_size, (*files)++;
  }
  closedir(d);
  return total;
}

typedef struct {
  const char *name, *dir;
  uint32_t flags;
  double target_ms; /* 0 = none */
} load_case;

static load_case load_cases[4];

void sections_setup(void) {
  load_cases[0] = (load_case){"embedded default", NULL, 0, T_INIT_EMBEDDED_MS};
  load_cases[1] = (load_case){"embedded, IDNER_LOAD_NO_MODEL", NULL, IDNER_LOAD_NO_MODEL, 0};
  load_cases[2] = (load_case){"data directory", cfg.data, IDNER_LOAD_NO_DEFAULT, T_INIT_DIR_MS};
  load_cases[3] = (load_case){"data directory, IDNER_LOAD_NO_MODEL", cfg.data,
                              IDNER_LOAD_NO_DEFAULT | IDNER_LOAD_NO_MODEL, 0};
}

static double init_med_ms[4];

void section_init(void) {
  int files = 0;
  double bytes = dir_bytes(cfg.data, &files);
  char sz[32];
  fmt_size(sz, sizeof sz, bytes);
  heading("init: idner_model_load(), one load per fresh process");
  printf("  data directory: %s (%s in %d files, loaded with IDNER_LOAD_NO_DEFAULT)\n", cfg.data, sz,
         files);
  printf("  %-40s %9s %-22s %8s  %s\n", "model", "ms", " [min, max]", "entries", "target");
  for (int i = 0; i < 4; i++) {
    const load_case *lc = &load_cases[i];
    bench_job j = job(JOB_INIT);
    j.data_dir = lc->dir, j.load_flags = lc->flags;
    bench_result r;
    bench_run_samples(&j, cfg.runs, &r);
    if (!r.ok) {
      printf("  %-40s FAILED: %s\n", lc->name, r.note);
      failures++;
      tsv_row("init", lc->name, "-", &r, 0, NULL, NULL);
      continue;
    }
    double med = r.med * 1e3, min = r.min * 1e3, max = r.max * 1e3;
    init_med_ms[i] = med;
    char target[32] = "";
    if (lc->target_ms > 0) snprintf(target, sizeof target, "<= %g ms", lc->target_ms);
    printf("  %-40s %9.2f [%8.2f, %8.2f] %8llu  %-10s %s\n", lc->name, med, min, max,
           (unsigned long long)r.tokens, target,
           lc->target_ms > 0 ? verdict(med <= lc->target_ms) : "");
    tsv_row("init", lc->name, "-", &r, 0, *target ? target : NULL,
            lc->target_ms > 0 ? verdict(med <= lc->target_ms) : NULL);
  }
}

void section_memory(void) {
  heading("model memory: RSS after load minus before (/proc/self/statm), fresh process");
  printf("  %-40s %10s %12s %14s\n", "model", "RSS", "anonymous", "peak in load");
  for (int i = 0; i < 4; i++) {
    bench_job j = job(JOB_MEMORY);
    j.data_dir = load_cases[i].dir, j.load_flags = load_cases[i].flags;
    bench_result r;
    bench_run_job(&j, &r);
    if (!r.ok) {
      printf("  %-40s FAILED: %s\n", load_cases[i].name, r.note);
      failures++;
      continue;
    }
    double rss = (double)(r.rss_ready_kb - r.rss_start_kb) / 1e3;
    double anon = (double)(r.anon_ready_kb - r.anon_start_kb) / 1e3;
    double peak = (double)(r.peak_kb - r.rss_start_kb) / 1e3;
    printf("  %-40s %+7.1f MB %+9.1f MB %+11.1f MB\n", load_cases[i].name, rss, anon, peak);
    if (tsv)
      fprintf(tsv, "memory\t%s\t-\trss_kb=%ld\tanon_kb=%ld\tpeak_kb=%ld\n", load_cases[i].name,
              r.rss_ready_kb - r.rss_start_kb, r.anon_ready_kb - r.anon_start_kb,
              r.peak_kb - r.rss_start_kb);
  }
  printf("  (anonymous = heap and other private memory; the rest of RSS is the embedded data\n"
         "  and library pages, shared with other processes using the library)\n");
}

/* ---- throughput ---------------------------------------------------------- */

static const double stage_target[STAGE_COUNT] = {T_TOKENIZE_MBS, T_RULES_MBS, T_FULL_MBS};
static double stage_mbs[STAGE_COUNT];

void section_stages(void) {
  char sz[32];
  fmt_size(sz, sizeof sz, (double)corpus.n);
  char title[128];
  snprintf(title, sizeof title, "throughput per stage: corpus text (%s), documents of ~4 KB", sz);
  heading(title);
  tp_columns("input", "vs full", 1);
  bench_result rs[STAGE_COUNT];
  memset(rs, 0, sizeof rs);
  for (int s = 0; s < STAGE_COUNT; s++)
    if (cfg.stages & 1 << s) rs[s] = throughput(s, IN_CORPUS, corpus.n, BENCH_DOC);
  for (int s = 0; s < STAGE_COUNT; s++) {
    if (!(cfg.stages & 1 << s)) continue;
    const bench_result *r = &rs[s];
    char target[32];
    snprintf(target, sizeof target, ">= %g MB/s", stage_target[s]);
    double ratio = r->ok && rs[STAGE_FULL].ok ? rs[STAGE_FULL].med / r->med : 0;
    print_tp("stages", "corpus text", "corpus text", s, r, ratio, "", target,
             r->ok && mbs(r, r->med) >= stage_target[s]);
    if (r->ok) news_s_per_byte[s] = r->med / (double)r->bytes, stage_mbs[s] = mbs(r, r->med);
  }
  if (rs[0].ok)
    printf("  (vs full: the full pipeline's time over the stage's; %.0f tokens per document)\n",
           (double)rs[0].tokens / (double)rs[0].docs);
  if (news_s_per_byte[0] > 0 && news_s_per_byte[1] > 0 && news_s_per_byte[2] > 0)
    printf("  time per MB by stage (medians): tokenize %.1f ms, + gazetteers and rules %.1f ms,\n"
           "  + model %.1f ms = %.1f ms\n", news_s_per_byte[0] * 1e9,
           (news_s_per_byte[1] - news_s_per_byte[0]) * 1e9,
           (news_s_per_byte[2] - news_s_per_byte[1]) * 1e9, news_s_per_byte[2] * 1e9);
}

/* The worst ratio of each series: [0] the input sizes in 4 KB documents
 * (the series), [1] one document of growing size (an extra check:
 * it also shows what one long document's arrays cost once they leave the
 * caches). */
static double worst_linear[2];
static char worst_linear_what[2][96];

/* Per-byte time against the reference size (256 KB, or the one before the
 * largest), per stage: linear cost keeps it near 1. */
static void size_series(const char *section, const size_t *sizes, int nsizes, size_t doc_size) {
  tp_columns("size", "vs ref size", 0);
  for (int s = 0; s < STAGE_COUNT; s++) {
    if (!(cfg.stages & 1 << s)) continue;
    bench_result rs[16];
    int ref = 0;
    for (int i = 0; i < nsizes; i++) {
      rs[i] = throughput(s, IN_CORPUS, sizes[i], doc_size);
      if (sizes[i] <= 256 * BENCH_KB && i < nsizes - 1) ref = i;
    }
    double ref_spb = rs[ref].ok ? rs[ref].med / (double)rs[ref].bytes : 0;
    for (int i = 0; i < nsizes; i++) {
      char name[48];
      fmt_size(name, sizeof name, (double)sizes[i]);
      double ratio = rs[i].ok && ref_spb > 0 ? rs[i].med / (double)rs[i].bytes / ref_spb : 0;
      print_tp(section, name, name, s, &rs[i], ratio, i == ref ? "(ref)" : "", NULL, 0);
      int w = doc_size == 0;
      if (i > ref && ratio > worst_linear[w]) {
        worst_linear[w] = ratio;
        snprintf(worst_linear_what[w], sizeof worst_linear_what[w], "%s, %s, %s", section, name,
                 bench_stage_name[s]);
      }
    }
  }
}

void section_sizes(void) {
  static const size_t all[] = {1, 16, 256, 4000, 64000, 256000}; /* KB */
  size_t sizes[6];
  int n = 0;
  for (int i = 0; i < 6; i++)
    if (all[i] * BENCH_KB <= cfg.max_size) sizes[n++] = all[i] * BENCH_KB;
  heading("throughput vs input size: corpus text repeated, documents of ~4 KB");
  size_series("sizes", sizes, n, BENCH_DOC);
  printf("  (vs ref size: per-byte time over that of the (ref) size; linear cost stays near 1)\n");
}

void section_doc(void) {
  static const size_t all[] = {1, 16, 256, 1000, 4000, 16000}; /* KB */
  size_t sizes[6];
  int n = 0;
  for (int i = 0; i < 6; i++)
    if (all[i] * BENCH_KB <= cfg.max_doc) sizes[n++] = all[i] * BENCH_KB;
  heading("one document of growing size: corpus text, one idner_analyze() call");
  size_series("doc", sizes, n, 0);
}

static double worst_adv = 0;
static char worst_adv_what[96];

static void adv_name(char *out, size_t n, int kind, size_t size) {
  if (kind == IN_CAPS) snprintf(out, n, "%zu words", size);
  else if (kind == IN_PARENS) snprintf(out, n, "%zu deep", size);
  else fmt_size(out, n, (double)size);
}

void section_adversarial(void) {
  struct {
    int kind;
    size_t size, min;
  } in[] = {{IN_LINE, cfg.line_size, 1000 * BENCH_KB}, {IN_CAPS, cfg.caps_words, 10000},
            {IN_PARENS, cfg.parens, 1000},             {IN_DIGITS, cfg.adv_size, 64 * BENCH_KB},
            {IN_DATES, cfg.adv_size, 64 * BENCH_KB},   {IN_BYTES, cfg.adv_size, 64 * BENCH_KB}};
  heading("adversarial inputs: one document each, per-byte time against corpus text");
  tp_columns("input", "vs news", 1);
  for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
    const char *desc = bench_input_desc(in[i].kind);
    char name[64], full[96];
    adv_name(name, sizeof name, in[i].kind, in[i].size);
    printf("  %s, %s:\n", desc, name);
    for (int s = 0; s < STAGE_COUNT; s++) {
      if (!(cfg.stages & 1 << s)) continue;
      size_t size = in[i].size;
      bench_result r = throughput(s, in[i].kind, size, 0);
      while (!r.ok && size / 4 >= in[i].min) { /* say so, then try a quarter of it */
        adv_name(name, sizeof name, in[i].kind, size);
        printf("  %-22s %-18s  FAILED at %s: %s; retrying with a quarter\n", "",
               bench_stage_name[s], name, r.note);
        snprintf(full, sizeof full, "%s (%s)", desc, name);
        tsv_row("adversarial-failed", full, bench_stage_name[s], &r, 0, NULL, NULL);
        size /= 4;
        r = throughput(s, in[i].kind, size, 0);
      }
      adv_name(name, sizeof name, in[i].kind, size);
      snprintf(full, sizeof full, "%s (%s)", desc, name);
      double ratio =
          r.ok && news_s_per_byte[s] > 0 ? r.med / (double)r.bytes / news_s_per_byte[s] : 0;
      char target[32];
      snprintf(target, sizeof target, "<= %gx", T_ADVERSARIAL_X);
      print_tp("adversarial", size == in[i].size ? "" : name, full, s, &r, ratio, "",
               ratio > 0 ? target : NULL, ratio <= T_ADVERSARIAL_X);
      if (s == STAGE_FULL && ratio > worst_adv) {
        worst_adv = ratio;
        snprintf(worst_adv_what, sizeof worst_adv_what, "%s", full);
      }
    }
  }
  printf("  (vs news: per-byte time over that of the same stage on corpus text, 4 KB documents)\n");
}

void section_targets(void) {
  heading("targets (issue 5: single core, news text)");
  printf("  %-44s %-12s %-24s %s\n", "figure", "target", "measured", "");
  char m[64];
  for (int s = STAGE_COUNT - 1; s >= 0; s--) {
    if (!stage_mbs[s]) continue;
    char what[64], target[32];
    snprintf(what, sizeof what, "%s, corpus text", bench_stage_name[s]);
    snprintf(target, sizeof target, ">= %g MB/s", stage_target[s]);
    snprintf(m, sizeof m, "%.2f MB/s", stage_mbs[s]);
    printf("  %-44s %-12s %-24s %s\n", what, target, m, verdict(stage_mbs[s] >= stage_target[s]));
  }
  for (int i = 0; i < 4; i++) {
    if (!load_cases[i].target_ms || !init_med_ms[i]) continue;
    char what[64], target[32];
    snprintf(what, sizeof what, "init, %s", load_cases[i].name);
    snprintf(target, sizeof target, "<= %g ms", load_cases[i].target_ms);
    snprintf(m, sizeof m, "%.2f ms", init_med_ms[i]);
    printf("  %-44s %-12s %-24s %s\n", what, target, m,
           verdict(init_med_ms[i] <= load_cases[i].target_ms));
  }
  if (worst_adv > 0) {
    snprintf(m, sizeof m, "%.2fx", worst_adv);
    printf("  %-44s %-12s %-24s %s\n", "slowest adversarial input per byte (full)", "<= 3x news", m,
           verdict(worst_adv <= T_ADVERSARIAL_X));
    printf("    (%s)\n", worst_adv_what);
  }
  static const char *const linear_name[2] = {"linear cost, input size (4 KB documents)",
                                              "linear cost, one document (extra check)"};
  for (int w = 0; w < 2; w++) {
    if (worst_linear[w] <= 0) continue;
    snprintf(m, sizeof m, "%.2fx", worst_linear[w]);
    printf("  %-44s %-12s %-24s %s\n", linear_name[w], "<= 1.5x", m,
           verdict(worst_linear[w] <= T_LINEAR_X));
    printf("    (worst per-byte time vs the ref size: %s; 1.5x is this benchmark's tolerance)\n",
           worst_linear_what[w]);
  }
}

