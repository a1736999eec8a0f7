/* model.c — model loading: the embedded default gazetteers and/or the *.tsv
 * files of a data directory, parsed into one gazetteer store, plus the
 * compiled date grammar and the sequence model. The embedded default alone
 * needs no parsing: its store and sequence model are the build-time image
 * (image.h), used in place. All or nothing: any error frees everything. */
#define _POSIX_C_SOURCE 200809L
#include "model.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "embedded.h"
#include "image.h"
#include "tagger.h"

#define MAX_FILE_BYTES (256u << 20) /* a data file larger than this is refused */

typedef struct name_list {
  char **v;
  size_t n, cap;
} name_list;

static void free_names(name_list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_tsv_suffix(const char *name) {
  size_t n = strlen(name);
  return n > 4 && strcmp(name + n - 4, ".tsv") == 0 && name[0] != '.';
}

/* A gazetteer file: *.tsv, except dates-*.tsv (e.g. dates-calendar.tsv), which
 * belong to the date grammar (lib/calendar.c) and are skipped by both the
 * embedded and the data-directory loaders. */
static int is_gazetteer_file(const char *name) {
  return has_tsv_suffix(name) && strncmp(name, "dates-", 6) != 0;
}

/* Lists dir's *.tsv names, sorted. */
static int32_t list_dir(const char *dir, name_list *out, char *err, size_t errsz) {
  DIR *d = opendir(dir);
  if (!d) {
    int e = errno; /* opendir allocates: out of memory is NOMEM, not IO */
    idner__fmt(err, errsz, "%s: cannot open data directory: %s", dir, strerror(e));
    return e == ENOMEM ? IDNER_ERR_NOMEM : IDNER_ERR_IO;
  }
  struct dirent *de;
  int32_t rc = IDNER_OK;
  while ((de = readdir(d)) != NULL) {
    if (!is_gazetteer_file(de->d_name)) continue;
    if ((rc = IDNER__RESERVE(out, out->n + 1))) break;
    if (!(out->v[out->n] = strdup(de->d_name))) { rc = IDNER_ERR_NOMEM; break; }
    out->n++;
  }
  closedir(d);
  if (!rc && out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_names);
  return rc;
}

static int32_t read_file(const char *path, char **data, size_t *size, char *err,
                         size_t errsz) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno; /* fopen allocates: out of memory is NOMEM, not IO */
    idner__fmt(err, errsz, "%s: cannot open: %s", path, strerror(e));
    return e == ENOMEM ? IDNER_ERR_NOMEM : IDNER_ERR_IO;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    idner__fmt(err, errsz, "%s: not a regular file", path);
    return IDNER_ERR_IO;
  }
  if ((uint64_t)st.st_size > MAX_FILE_BYTES) {
    fclose(f);
    idner__fmt(err, errsz, "%s: larger than %u MB", path, MAX_FILE_BYTES >> 20);
    return IDNER_ERR_DATA_FORMAT;
  }
  size_t cap = (size_t)st.st_size;
  char *buf = malloc(cap ? cap : 1);
  if (!buf) { fclose(f); return IDNER_ERR_NOMEM; }
  size_t got = fread(buf, 1, cap, f);
  int bad = ferror(f);
  fclose(f);
  if (bad || got != cap) {
    free(buf);
    idner__fmt(err, errsz, "%s: read error", path);
    return IDNER_ERR_IO;
  }
  *data = buf;
  *size = got;
  return IDNER_OK;
}

static int in_names(const name_list *l, const char *name) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i], name) == 0) return 1;
  return 0;
}

static int32_t load_embedded(idner__gazetteer *gz, const name_list *replaced,
                             char *err, size_t errsz) {
  for (unsigned i = 0; i < idner__embedded_count; i++) {
    const idner__embedded_file *f = &idner__embedded_files[i];
    if (in_names(replaced, f->name) || !is_gazetteer_file(f->name)) continue;
    int32_t rc = idner__gz_add_file(gz, f->name, (const char *)f->data, (size_t)f->size,
                                    err, errsz);
    if (rc) return rc;
  }
  return IDNER_OK;
}

static int32_t load_dir_files(idner__gazetteer *gz, const char *dir, const name_list *names,
                              char *err, size_t errsz) {
  for (size_t i = 0; i < names->n; i++) {
    size_t plen = strlen(dir) + strlen(names->v[i]) + 2;
    char *path = malloc(plen);
    if (!path) return IDNER_ERR_NOMEM;
    snprintf(path, plen, "%s/%s", dir, names->v[i]);
    char *data = NULL;
    size_t size = 0;
    int32_t rc = read_file(path, &data, &size, err, errsz);
    if (!rc) rc = idner__gz_add_file(gz, path, data, size, err, errsz);
    free(data);
    free(path);
    if (rc) return rc;
  }
  return IDNER_OK;
}

static int32_t load_gazetteers(idner__gazetteer *gz, const char *dir, uint32_t flags,
                               char *err, size_t errsz) {
  name_list names = {0};
  int32_t rc = IDNER_OK;
  if (dir) rc = list_dir(dir, &names, err, errsz);
  if (!rc && dir && (flags & IDNER_LOAD_NO_DEFAULT) && names.n == 0) {
    idner__fmt(err, errsz, "%s: no *.tsv data files", dir);
    rc = IDNER_ERR_NO_DATA;
  }
  if (!rc && !(flags & IDNER_LOAD_NO_DEFAULT)) rc = load_embedded(gz, &names, err, errsz);
  if (!rc && dir) rc = load_dir_files(gz, dir, &names, err, errsz);
  free_names(&names);
  if (!rc) rc = idner__gz_finish(gz);
  return rc;
}

#define MODEL_FILE "model.bin"

/* The sequence model: data_dir/model.bin if present, else the embedded one
 * (none with IDNER_LOAD_NO_DEFAULT): the image's tables, or in a build
 * without an image the embedded model.bin parsed. */
static int32_t load_seqmodel(idner_model *m, const char *dir, uint32_t flags, char *err,
                             size_t errsz) {
  if (dir) {
    size_t plen = strlen(dir) + sizeof MODEL_FILE + 1;
    char *path = malloc(plen);
    if (!path) return IDNER_ERR_NOMEM;
    snprintf(path, plen, "%s/%s", dir, MODEL_FILE);
    struct stat st;
    int32_t rc = IDNER_OK;
    if (stat(path, &st) == 0) {
      char *data = NULL;
      size_t size = 0;
      rc = read_file(path, &data, &size, err, errsz);
      if (!rc) rc = idner__seqmodel_read((const unsigned char *)data, size, path, &m->seq, err, errsz);
      free(data);
      free(path);
      return rc;
    }
    free(path);
  }
  if (flags & IDNER_LOAD_NO_DEFAULT) return IDNER_OK;
  if (idner__the_image.present) return idner__seqmodel_adopt(&idner__the_image.seq, &m->seq);
  for (unsigned i = 0; i < idner__embedded_count; i++) {
    const idner__embedded_file *f = &idner__embedded_files[i];
    if (strcmp(f->name, MODEL_FILE) == 0)
      return idner__seqmodel_read(f->data, (size_t)f->size, f->name, &m->seq, err, errsz);
  }
  return IDNER_OK;
}

/* The date grammar and calendar: dates-grammar.tsv and dates-calendar.tsv
 * from the data directory where present, else the embedded ones (also with
 * IDNER_LOAD_NO_DEFAULT: they are part of the library, not default data). */
static int32_t load_dates(idner_model *m, const char *dir, char *err, size_t errsz) {
  static const char *const names[2] = {"dates-grammar.tsv", "dates-calendar.tsv"};
  char *data[2] = {NULL, NULL}, *path[2] = {NULL, NULL};
  size_t size[2] = {0, 0};
  int32_t rc = IDNER_OK;
  for (int k = 0; k < 2 && dir && !rc; k++) {
    size_t plen = strlen(dir) + strlen(names[k]) + 2;
    if (!(path[k] = malloc(plen))) {
      rc = IDNER_ERR_NOMEM;
      break;
    }
    snprintf(path[k], plen, "%s/%s", dir, names[k]);
    struct stat st;
    if (stat(path[k], &st) == 0) rc = read_file(path[k], &data[k], &size[k], err, errsz);
  }
  if (!rc)
    rc = idner__dates_compile_from(data[0], size[0], path[0], data[1], size[1], path[1],
                                   &m->dates, err, errsz);
  for (int k = 0; k < 2; k++) free(data[k]), free(path[k]);
  return rc;
}

int32_t idner_model_load(const char *data_dir, uint32_t flags, idner_model **out,
                         char *errbuf, size_t errbuf_size) {
  if (errbuf && errbuf_size) errbuf[0] = '\0';
  if (!out) {
    idner__fmt(errbuf, errbuf_size, "out must not be NULL");
    return IDNER_ERR_INVALID_ARG;
  }
  *out = NULL;
  const uint32_t known = IDNER_LOAD_NO_DEFAULT | IDNER_LOAD_NO_MODEL;
  if (flags & ~known) {
    idner__fmt(errbuf, errbuf_size, "unknown flag bits 0x%x", (unsigned)(flags & ~known));
    return IDNER_ERR_INVALID_ARG;
  }
  if (!data_dir && (flags & IDNER_LOAD_NO_DEFAULT)) {
    idner__fmt(errbuf, errbuf_size, "IDNER_LOAD_NO_DEFAULT needs a data directory");
    return IDNER_ERR_NO_DATA;
  }
  idner_model *m = calloc(1, sizeof *m);
  if (!m) {
    idner__fmt(errbuf, errbuf_size, "out of memory while loading");
    return IDNER_ERR_NOMEM;
  }
  /* The default alone is the image's store; with a data directory every
   * file is parsed (the directory's files replace defaults of the same name
   * and come after them in the store). */
  int32_t rc = !data_dir && idner__the_image.present ? idner__gz_adopt(&idner__the_image.gz, &m->gz)
                                                     : idner__gz_new(&m->gz);
  if (!rc && (data_dir || !idner__the_image.present))
    rc = load_gazetteers(m->gz, data_dir, flags, errbuf, errbuf_size);
  if (!rc) rc = load_dates(m, data_dir, errbuf, errbuf_size);
  if (!rc && !(flags & IDNER_LOAD_NO_MODEL)) rc = load_seqmodel(m, data_dir, flags, errbuf, errbuf_size);
  if (rc) {
    if (rc == IDNER_ERR_NOMEM && errbuf && errbuf_size && !errbuf[0])
      idner__fmt(errbuf, errbuf_size, "out of memory while loading");
    idner_model_free(m);
    return rc;
  }
  *out = m;
  return IDNER_OK;
}

void idner_model_free(idner_model *model) {
  if (!model) return;
  idner__gz_free(model->gz);
  idner__dates_free(model->dates);
  idner__seqmodel_free(model->seq);
  free(model);
}

uint32_t idner_model_has_tagger(const idner_model *model) {
  return model && model->seq ? 1u : 0u;
}

uint32_t idner_model_entry_count(const idner_model *model) {
  return model ? idner__gz_count(model->gz) : 0;
}

int32_t idner_model_find_profile(const idner_model *model, const char *name, size_t len,
                                 uint32_t *id) {
  if (!model || !name || !id) return IDNER_ERR_INVALID_ARG;
  if (len == 7 && memcmp(name, "default", 7) == 0) {
    *id = 0;
    return IDNER_OK;
  }
  for (uint32_t k = 0; model->seq && k < model->seq->nprofiles; k++) {
    if (strlen(model->seq->profiles[k]) == len && memcmp(model->seq->profiles[k], name, len) == 0) {
      *id = k + 1;
      return IDNER_OK;
    }
  }
  return IDNER_ERR_INVALID_ARG;
}

uint32_t idner_model_profile_count(const idner_model *model) {
  return model && model->seq ? model->seq->nprofiles : 0;
}

const char *idner_model_profile_name(const idner_model *model, uint32_t id) {
  if (id == 0) return "default";
  if (id > idner_model_profile_count(model)) return NULL;
  return model->seq->profiles[id - 1];
}
