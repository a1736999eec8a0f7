/* measure.c — idner-bench's measurements. Every measurement runs in a
 * forked child that reports through a pipe, so that peak RSS (getrusage's
 * ru_maxrss is process-wide), loads and caches of one figure never leak
 * into another. The parent never loads a model. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "idner.h"

#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ASAN 1
#endif
#endif

const char *const bench_stage_name[STAGE_COUNT] = {"tokenize only", "gazetteers + rules",
                                                   "full (model)"};

double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int statm(long *resident, long *shared) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0;
  int ok = f && fscanf(f, "%ld %ld %ld", &size, resident, shared) == 3;
  if (f) fclose(f);
  long page = sysconf(_SC_PAGESIZE) / 1024;
  *resident *= page;
  *shared *= page;
  return ok;
}

long bench_rss_kb(void) {
  long r = 0, s = 0;
  return statm(&r, &s) ? r : -1;
}

long bench_anon_kb(void) {
  long r = 0, s = 0;
  return statm(&r, &s) ? r - s : -1;
}

static long peak_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

void bench_stats(double *v, int n, double *med, double *min, double *max) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  *min = v[0];
  *max = v[n - 1];
  *med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fail(bench_result *r, int32_t status, const char *what, const char *detail) {
  r->ok = 0;
  r->status = status;
  snprintf(r->note, sizeof r->note, "%s: %s%s%s", what, idner_strerror(status),
           detail && *detail ? ": " : "", detail ? detail : "");
}

/* One pass over text: documents of about doc_size bytes ending at a line
 * end, or one document when doc_size is 0. */
static int32_t pass(const idner_model *m, idner_doc *d, const char *text, size_t len,
                    size_t doc_size, const idner_options *o, uint64_t *tokens,
                    uint64_t *docs) {
  uint64_t tk = 0, dc = 0;
  if (doc_size == 0) doc_size = len;
  for (size_t p = 0; p < len;) {
    size_t q = len - p > doc_size ? p + doc_size : len;
    while (q < len && text[q] != '\n') q++;
    int32_t s = idner_analyze(m, d, text + p, q - p, o);
    if (s != IDNER_OK) return s;
    tk += idner_doc_token_count(d);
    dc++;
    p = q + 1;
  }
  *tokens = tk;
  *docs = dc;
  return IDNER_OK;
}

static void job_throughput(const bench_job *j, bench_result *r) {
  size_t len = 0;
  char *text = bench_make_input(j->input, j->corpus, j->size, &len);
  if (!text) {
    snprintf(r->note, sizeof r->note, "cannot allocate the input (%zu)", j->size);
    return;
  }
  char err[512] = "";
  idner_model *m = NULL;
  idner_doc *d = NULL;
  uint32_t flags = j->stage == STAGE_FULL ? 0 : IDNER_LOAD_NO_MODEL;
  int32_t s = idner_model_load(NULL, flags, &m, err, sizeof err);
  if (s != IDNER_OK) {
    fail(r, s, "idner_model_load", err);
    return;
  }
  if ((s = idner_doc_new(&d)) != IDNER_OK) {
    fail(r, s, "idner_doc_new", "");
    return;
  }
  idner_options o;
  idner_options_init(&o);
  o.ref_year = 2023, o.ref_month = 9, o.ref_day = 19;
  if (j->stage == STAGE_TOKENIZE) o.types = 0;
  r->rss_ready_kb = bench_rss_kb();
  r->anon_ready_kb = bench_anon_kb();
  r->bytes = len;

  /* Warm-up (caches, the doc's buffers) on up to 4 MB, which also sizes
   * the repetitions: a sample lasts at least min_time. */
  size_t warm = j->doc_size && len > 4 * BENCH_MB ? 4 * BENCH_MB : len;
  double t0 = bench_now();
  if ((s = pass(m, d, text, warm, j->doc_size, &o, &r->tokens, &r->docs)) != IDNER_OK) {
    fail(r, s, "idner_analyze", idner_doc_error(d));
    return;
  }
  double est = (bench_now() - t0) * (double)len / (double)(warm ? warm : 1);
  r->reps = est >= j->min_time ? 1 : (long)ceil(j->min_time / (est > 1e-9 ? est : 1e-9));

  double samples[BENCH_MAX_RUNS], wall = 0, cpu = 0;
  for (int k = 0; k < j->runs; k++) {
    double w0 = bench_now(), c0 = cpu_now();
    for (long i = 0; i < r->reps; i++) {
      s = pass(m, d, text, len, j->doc_size, &o, &r->tokens, &r->docs);
      if (s != IDNER_OK) {
        fail(r, s, "idner_analyze", idner_doc_error(d));
        return;
      }
    }
    double w = bench_now() - w0, c = cpu_now() - c0;
    wall += w;
    cpu += c;
    samples[k] = (j->cpu_time ? c : w) / (double)r->reps;
  }
  r->runs = j->runs;
  r->cpu_ratio = wall > 0 ? cpu / wall : 1;
  bench_stats(samples, j->runs, &r->med, &r->min, &r->max);
  r->peak_kb = peak_kb();
  r->ok = 1;
  idner_doc_free(d);
  idner_model_free(m);
  free(text);
}

/* One load, the first in this process (what a program pays at start). */
static void job_init(const bench_job *j, bench_result *r) {
  char err[512] = "";
  idner_model *m = NULL;
  double t0 = bench_now();
  int32_t s = idner_model_load(j->data_dir, j->load_flags, &m, err, sizeof err);
  double t = bench_now() - t0;
  if (s != IDNER_OK) {
    fail(r, s, "idner_model_load", err);
    return;
  }
  r->med = r->min = r->max = t;
  r->runs = 1;
  r->tokens = idner_model_entry_count(m);
  r->ok = 1;
  idner_model_free(m);
}

/* RSS after load minus before, in a process that has not loaded before. */
static void job_memory(const bench_job *j, bench_result *r) {
  char err[512] = "";
  idner_model *m = NULL;
  int32_t s = idner_model_load(j->data_dir, j->load_flags, &m, err, sizeof err);
  if (s != IDNER_OK) {
    fail(r, s, "idner_model_load", err);
    return;
  }
  r->rss_ready_kb = bench_rss_kb();
  r->anon_ready_kb = bench_anon_kb();
  r->peak_kb = peak_kb();
  r->ok = 1;
  idner_model_free(m);
}

static void child(const bench_job *j, int fd) {
  bench_result r;
  memset(&r, 0, sizeof r);
  if (j->timeout) alarm(j->timeout);
#ifndef BENCH_ASAN
  if (j->mem_limit_mb) {
    struct rlimit rl;
    rl.rlim_cur = rl.rlim_max = (rlim_t)j->mem_limit_mb * BENCH_MB;
    setrlimit(RLIMIT_AS, &rl);
  }
#endif
  r.rss_start_kb = bench_rss_kb();
  r.anon_start_kb = bench_anon_kb();
  if (j->what == JOB_THROUGHPUT) job_throughput(j, &r);
  else if (j->what == JOB_INIT) job_init(j, &r);
  else job_memory(j, &r);
  const char *p = (const char *)&r;
  size_t left = sizeof r;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    p += w;
    left -= (size_t)w;
  }
  _exit(0);
}

void bench_run_samples(const bench_job *job, int runs, bench_result *res) {
  bench_job one = *job;
  one.runs = 1;
  double t[BENCH_MAX_RUNS], cpu = 0;
  long peak = 0;
  for (int k = 0; k < runs; k++) {
    bench_run_job(&one, res);
    if (!res->ok) return;
    t[k] = res->med;
    cpu += res->cpu_ratio;
    if (res->peak_kb > peak) peak = res->peak_kb;
  }
  bench_stats(t, runs, &res->med, &res->min, &res->max);
  res->runs = runs;
  res->cpu_ratio = cpu / runs;
  res->peak_kb = peak;
}

void bench_run_job(const bench_job *job, bench_result *res) {
  memset(res, 0, sizeof *res);
  int fds[2];
  fflush(stdout);
  fflush(stderr);
  if (pipe(fds) != 0) {
    snprintf(res->note, sizeof res->note, "pipe: %s", strerror(errno));
    return;
  }
  double t0 = bench_now();
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(res->note, sizeof res->note, "fork: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    close(fds[0]);
    child(job, fds[1]);
  }
  close(fds[1]);
  char *p = (char *)res;
  size_t got = 0;
  while (got < sizeof *res) {
    ssize_t n = read(fds[0], p + got, sizeof *res - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (got == sizeof *res) return;
  memset(res, 0, sizeof *res);
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
    snprintf(res->note, sizeof res->note, "timed out after %u s", job->timeout);
  else if (WIFSIGNALED(st))
    snprintf(res->note, sizeof res->note, "killed by signal %d (%s) after %.1f s%s",
             WTERMSIG(st), strsignal(WTERMSIG(st)), bench_now() - t0,
             WTERMSIG(st) == SIGKILL ? ", out of memory?" : "");
  else
    snprintf(res->note, sizeof res->note, "child exited with status %d without a result",
             WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}
