/* replay.c — runs a fuzz target's LLVMFuzzerTestOneInput() on every file of
 * the directories (or files) given, without libFuzzer, so that ctest runs
 * each target over its seed corpus and past crash inputs with any compiler
 * (tests/fuzz/CMakeLists.txt). Files whose names start with '.' or are
 * named README* are skipped. Each input ends right before an inaccessible
 * page, so that a read past its end crashes even without ASan (a plain gcc
 * build). A crash or invariant violation aborts; the input being run is
 * printed first. Prints "N passed, 0 failed". */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned long g_runs;

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 4096, len = 0, got;
  uint8_t *buf = malloc(cap);
  while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      uint8_t *p = realloc(buf, cap *= 2);
      if (!p) free(buf);
      buf = p;
    }
  }
  int err = !buf || ferror(f);
  fclose(f);
  if (err) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    return -1;
  }
  fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  /* The input's last byte is the last one before a PROT_NONE page. */
  size_t page = (size_t)sysconf(_SC_PAGESIZE), span = (len + page - 1) / page * page;
  uint8_t *map = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED || mprotect(map + span, page, PROT_NONE) != 0) {
    fprintf(stderr, "replay: cannot map %zu bytes\n", span + page);
    free(buf);
    return -1;
  }
  uint8_t *input = map + span - len;
  memcpy(input, buf, len);
  free(buf);
  mprotect(map, span, PROT_READ); /* and the target must not write to it */
  LLVMFuzzerTestOneInput(input, len);
  munmap(map, span + page);
  g_runs++;
  return 0;
}

static int run_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return run_file(dir); /* a single file */
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || strncmp(de->d_name, "README", 6) == 0) continue;
    if (n == cap) {
      char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
      if (!p) return -1;
      names = p;
    }
    if (!(names[n++] = strdup(de->d_name))) return -1;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && run_file(path) != 0) rc = -1;
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  int rc = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++)
    if (run_dir(argv[i]) != 0) rc = 1;
  printf("%lu passed, %d failed\n", g_runs, rc);
  return rc;
}
