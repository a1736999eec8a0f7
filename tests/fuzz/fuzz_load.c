/* fuzz_load.c — libFuzzer target: idner_model_load() on a fuzzed data
 * directory (lib/model.c, lib/gazetteer.c, lib/dates.c, lib/calendar.c,
 * lib/tagger.c).
 *
 * Input: byte 0 the load flags (bit 0 set: build on the embedded default,
 * i.e. without IDNER_LOAD_NO_DEFAULT, which is slower; bit 1: also
 * IDNER_LOAD_NO_MODEL; bit 2: a small errbuf of 8 bytes; bit 3: append
 * to model.bin the FNV-1a checksum its reader wants, so that mutations
 * reach the model parser behind that check), then files,
 * each starting with a line "====N" (N: one byte picking the file name
 * from k_names, so the fuzzer never names a path of its own) and holding
 * the bytes up to the next "\n====". The files go to a fresh directory
 * under one per-process temporary directory (removed at exit).
 *
 * Checked: the load either succeeds, and then a short text and the files'
 * own bytes analyze cleanly (invariants.h), or fails with a documented
 * status, a NULL model and a NUL-terminated, non-empty message that fits
 * errbuf. IDNER_ERR_INTERNAL counts as a failure of the library.
 * With IDNER_FUZZ_VERBOSE set in the environment, each load's status and
 * message go to stderr. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idner.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const k_names[] = {
    "a.tsv",         "places.tsv",         "nations.tsv", "persons.tsv",
    "dates-grammar.tsv", "dates-calendar.tsv", "model.bin", "zz.tsv",
    "notes.txt",     ".hidden.tsv",        "titles.tsv",  "organizations.tsv"};
#define N_NAMES (sizeof k_names / sizeof k_names[0])

static char g_dir[64];  /* the per-process directory, "" until made */
static char g_data[96]; /* g_dir/data: the data directory loaded */
static idner_doc *g_doc;

static void clear_data_dir(void) {
  for (size_t i = 0; i < N_NAMES; i++) {
    char path[160];
    snprintf(path, sizeof path, "%s/%s", g_data, k_names[i]);
    unlink(path);
  }
}

static void cleanup(void) {
  if (!g_dir[0]) return;
  clear_data_dir();
  rmdir(g_data);
  rmdir(g_dir);
}

static void setup(void) {
  if (g_dir[0]) return;
  const char *tmp = getenv("TMPDIR");
  snprintf(g_dir, sizeof g_dir, "%s/idner-fuzz-load-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
  if (!mkdtemp(g_dir)) fuzz_fail("mkdtemp %s failed", g_dir);
  snprintf(g_data, sizeof g_data, "%s/data", g_dir);
  if (mkdir(g_data, 0700) != 0) fuzz_fail("mkdir %s failed", g_data);
  atexit(cleanup);
  if (idner_doc_new(&g_doc) != IDNER_OK) fuzz_fail("idner_doc_new failed");
}

static const char k_text[] =
    "Presiden Joko Widodo bertemu Menteri Luar Negeri Retno Marsudi di Jakarta pada "
    "Selasa (19/9/2023) pukul 10.00 WIB. Delegasi Amerika Serikat dan PT Pertamina "
    "(Persero) tiba sehari kemudian.\n";

static int g_fix_checksum; /* input byte 0, bit 3 */

/* lib/tagger.c's model.bin checksum: FNV-1a over all but the last 4 bytes. */
static uint32_t fnv32(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

static void write_file(const char *name, const uint8_t *p, size_t n) {
  char path[160];
  snprintf(path, sizeof path, "%s/%s", g_data, name);
  FILE *f = fopen(path, "wb");
  if (!f) fuzz_fail("cannot create %s", path);
  if (n && fwrite(p, 1, n, f) != n) fuzz_fail("cannot write %s", path);
  if (g_fix_checksum && !strcmp(name, "model.bin")) {
    uint32_t h = fnv32(p, n);
    uint8_t le[4] = {(uint8_t)h, (uint8_t)(h >> 8), (uint8_t)(h >> 16), (uint8_t)(h >> 24)};
    if (fwrite(le, 1, 4, f) != 4) fuzz_fail("cannot write %s", path);
  }
  if (fclose(f) != 0) fuzz_fail("cannot close %s", path);
}

/* Writes the input's files; returns the bytes of the *.tsv ones, joined, to
 * analyze with the model (malloc'd, *len set). */
static char *write_files(const uint8_t *data, size_t size, size_t *len) {
  char *all = malloc(size + 1);
  size_t n = 0, i = 0;
  if (!all) fuzz_fail("out of memory in the target");
  while (i + 5 <= size) {
    if (memcmp(data + i, "====", 4) != 0) { /* skip to the next header */
      const uint8_t *m = memchr(data + i + 1, '=', size - i - 1);
      if (!m) break;
      i = (size_t)(m - data);
      continue;
    }
    const char *name = k_names[data[i + 4] % N_NAMES];
    size_t begin = i + 5, end = begin;
    if (begin < size && data[begin] == '\n') begin++, end++;
    while (end < size && !(data[end] == '\n' && end + 5 <= size && !memcmp(data + end + 1, "====", 4)))
      end++;
    write_file(name, data + begin, end - begin);
    if (strstr(name, ".tsv") && n + (end - begin) <= size) {
      memcpy(all + n, data + begin, end - begin);
      n += end - begin;
    }
    i = end + (end < size);
  }
  *len = n;
  return all;
}

static void analyze_and_check(const idner_model *m, const char *text, size_t len) {
  idner_options o;
  idner_options_init(&o);
  o.ref_year = 2023, o.ref_month = 9, o.ref_day = 19;
  int32_t rc = idner_analyze(m, g_doc, text, len, &o);
  fuzz_expect e = {rc, text, len, NULL, NULL, 0, NULL, o.types, 0, 0};
  fuzz_check_doc(g_doc, &e);
  if (rc != IDNER_OK) fuzz_fail("analyze failed on a loaded model: %s", idner_doc_error(g_doc));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  setup();
  clear_data_dir();
  g_fix_checksum = data[0] & 8;
  size_t tsv_len;
  char *tsv = write_files(data + 1, size - 1, &tsv_len);
  uint32_t flags = (data[0] & 1 ? 0 : IDNER_LOAD_NO_DEFAULT) | (data[0] & 2 ? IDNER_LOAD_NO_MODEL : 0);
  char err[256];
  size_t errsz = data[0] & 4 ? 8 : sizeof err;
  memset(err, 'X', sizeof err);
  idner_model *m = (idner_model *)&err; /* must become NULL on failure */
  int32_t rc = idner_model_load(g_data, flags, &m, err, errsz);
  if (getenv("IDNER_FUZZ_VERBOSE")) /* what the library answered, for docs and debugging */
    fprintf(stderr, "load: %s%s%s\n", idner_strerror(rc), rc ? ": " : "",
            rc ? (memchr(err, '\0', errsz) ? err : "(unterminated)") : "");
  if (rc == IDNER_OK) {
    if (!m) fuzz_fail("IDNER_OK with a NULL model");
    analyze_and_check(m, k_text, sizeof k_text - 1);
    analyze_and_check(m, tsv, tsv_len);
    idner_model_free(m);
  } else {
    if (m) fuzz_fail("status %d with a non-NULL model", (int)rc);
    if (!memchr(err, '\0', errsz)) fuzz_fail("status %d: errbuf not NUL-terminated", (int)rc);
    for (size_t i = errsz; i < sizeof err; i++)
      if (err[i] != 'X') fuzz_fail("errbuf written past its %zu bytes", errsz);
    if (!err[0]) fuzz_fail("status %d (%s) with an empty message", (int)rc, idner_strerror(rc));
    if (rc != IDNER_ERR_IO && rc != IDNER_ERR_DATA_FORMAT && rc != IDNER_ERR_DATA_VERSION &&
        rc != IDNER_ERR_NO_DATA && rc != IDNER_ERR_NOMEM)
      fuzz_fail("status %d (%s): %s", (int)rc, idner_strerror(rc), err);
  }
  free(tsv);
  return 0;
}
