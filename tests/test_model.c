/* test_model.c — the sequence model: file format round trip and every kind
 * of damaged file, BIO-valid Viterbi, deterministic training that learns,
 * loading a trained model from a data directory, the embedded default's
 * build-time image equal to a parse of the same files, and the tagging
 * table holding exactly the file's rows. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dates.h"
#include "doc.h"
#include "gazetteer.h"
#include "idner.h"
#include "image.h"
#include "model.h"
#include "seqfeatures.h"
#include "tagger.h"
#include "train.h"

static unsigned char *file_bytes(const idner__seqmodel *m, size_t *size) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, size);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(idner__seqmodel_write(m, f), IDNER_OK);
  fclose(f);
  return (unsigned char *)buf;
}

static idner__seqmodel *small_model(void) {
  idner__seqmodel *m;
  ck_assert_int_eq(idner__seqmodel_new(3, &m), IDNER_OK);
  for (uint32_t r = 0; r < 3; r++) {
    m->keys[r] = 1000 + r;
    for (int l = 0; l < IDNER__NLABELS; l++) m->w[r * IDNER__NLABELS + l] = (float)(r + 1) * (l - 3) * 0.5f;
  }
  m->trans[0][1] = 2.0f;
  m->nprofiles = 1;
  strcpy(m->profiles[0], "corpus");
  uint32_t keys[2] = {7, 9};
  uint8_t l[2] = {1, 2}, r[2] = {3, 255};
  ck_assert_int_eq(idner__seqmodel_set_classes(m, 2, keys, l, r), IDNER_OK);
  ck_assert_int_eq(idner__seqmodel_index(m), IDNER_OK);
  return m;
}

START_TEST(test_round_trip) {
  idner__seqmodel *m = small_model(), *back = NULL;
  size_t size;
  unsigned char *bytes = file_bytes(m, &size);
  char err[256] = "";
  ck_assert_int_eq(idner__seqmodel_read(bytes, size, "m.bin", &back, err, sizeof err), IDNER_OK);
  ck_assert_uint_eq(back->nrows, 3);
  ck_assert_str_eq(back->profiles[0], "corpus");
  float row[IDNER__NLABELS];
  ck_assert_int_eq(idner__seqmodel_row(back, 1002, row), 1);
  ck_assert_float_eq_tol(row[6], m->w[2 * IDNER__NLABELS + 6], 1e-3);
  ck_assert_int_eq(idner__seqmodel_row(back, 5, row), 0);
  uint8_t l, r;
  ck_assert_int_eq(idner__seqmodel_class(back, 9, &l, &r), 1);
  ck_assert_uint_eq(r, 255);
  ck_assert_float_eq_tol(back->trans[0][1], 2.0f, 1e-3);
  idner__seqmodel_free(back);
  idner__seqmodel_free(m);
  free(bytes);
}
END_TEST

START_TEST(test_damaged_files) {
  idner__seqmodel *m = small_model(), *back = (idner__seqmodel *)&m;
  size_t size;
  unsigned char *bytes = file_bytes(m, &size);
  char err[256];
  /* every truncation */
  for (size_t n = 0; n < size; n++) {
    ck_assert_int_eq(idner__seqmodel_read(bytes, n, "m.bin", &back, err, sizeof err),
                     IDNER_ERR_DATA_FORMAT);
    ck_assert_ptr_null(back);
    ck_assert_ptr_nonnull(strstr(err, "m.bin: "));
  }
  /* every flipped byte */
  for (size_t i = 0; i < size; i++) {
    bytes[i] ^= 0x5A;
    int32_t rc = idner__seqmodel_read(bytes, size, "m.bin", &back, err, sizeof err);
    ck_assert_msg(rc == IDNER_ERR_DATA_FORMAT, "byte %zu: rc %d", i, rc);
    bytes[i] ^= 0x5A;
  }
  idner__seqmodel_free(m);
  free(bytes);
}
END_TEST

/* A file from another feature-set version (valid checksum) is refused. */
START_TEST(test_version_mismatch) {
  idner__seqmodel *m = small_model(), *back = NULL;
  size_t size;
  unsigned char *bytes = file_bytes(m, &size);
  bytes[12] = (unsigned char)(IDNER__FEATURE_SET_VERSION + 1); /* feature set, after magic + format */
  uint32_t h = 2166136261u;
  for (size_t i = 0; i + 4 < size; i++) h = (h ^ bytes[i]) * 16777619u;
  for (int k = 0; k < 4; k++) bytes[size - 4 + (size_t)k] = (unsigned char)(h >> (8 * k));
  char err[256];
  ck_assert_int_eq(idner__seqmodel_read(bytes, size, "m.bin", &back, err, sizeof err),
                   IDNER_ERR_DATA_VERSION);
  ck_assert_ptr_nonnull(strstr(err, "another idner version"));
  idner__seqmodel_free(m);
  free(bytes);
}
END_TEST

START_TEST(test_viterbi_bio) {
  /* emissions prefer I-PER everywhere: the path must still be valid BIO */
  enum { N = 5, L = IDNER__NLABELS };
  float trans[L + 1][L] = {{0}}, scores[N * L] = {0};
  for (int i = 0; i < N; i++) scores[i * L + 2] = 5.0f; /* I-PER */
  uint8_t back[N * L], out[N];
  idner__viterbi(&trans[0][0], scores, N, back, out);
  ck_assert_uint_eq(out[0], 1); /* B-PER */
  for (int i = 1; i < N; i++) ck_assert_uint_eq(out[i], 2);
  for (int i = 0; i < N * L; i++) scores[i] = 0;
  scores[2 * L + 4] = 9.0f; /* I-ORG alone at 2, after O: needs B-ORG at 2 */
  idner__viterbi(&trans[0][0], scores, N, back, out);
  for (int i = 0; i < N; i++)
    if (out[i] && !(out[i] & 1)) ck_assert(out[i - 1] == out[i] || out[i - 1] == out[i] - 1);
}
END_TEST

/* ---- training on a synthetic corpus ---------------------------------------------- */

static const char *const sents[][6] = {
    {"kata", "Pak", "Wiranto", "di", "Bandung", "."},
    {"kata", "Pak", "Sutarman", "di", "Medan", "."},
    {"kata", "Pak", "Harjono", "di", "Padang", "."},
    {"kata", "Pak", "Sumarlin", "di", "Bogor", "."},
};
/* gold: O O B-PER O B-LOC O */
static const uint8_t gold[6] = {0, 0, 1, 0, 5, 0};

static idner__seqmodel *train_once(const idner_model *model, uint64_t seed) {
  idner_doc *d;
  idner__trainer *t;
  ck_assert_int_eq(idner_doc_new(&d), IDNER_OK);
  ck_assert_int_eq(idner__trainer_new(&t), IDNER_OK);
  for (int rep = 0; rep < 3; rep++)
    for (size_t s = 0; s < 4; s++) {
      size_t lens[6];
      for (int k = 0; k < 6; k++) lens[k] = strlen(sents[s][k]);
      ck_assert_int_eq(idner__featurize_tokens(model, d, sents[s], lens, 6, NULL,
                                               IDNER__FEAT_ALL & ~IDNER__FEAT_CLASSES, 0, NULL),
                       IDNER_OK);
      ck_assert_int_eq(idner__trainer_add(t, d, gold, 0), IDNER_OK);
    }
  ck_assert_int_eq(idner__trainer_finish_features(t, 1), IDNER_OK);
  for (int e = 0; e < 4; e++) idner__trainer_epoch(t, seed + (uint64_t)e);
  idner__seqmodel *m;
  ck_assert_int_eq(idner__trainer_model(t, IDNER__FEAT_ALL & ~IDNER__FEAT_CLASSES, &m), IDNER_OK);
  ck_assert_double_eq_tol(idner__trainer_f1(t, m, 0), 1.0, 1e-9);
  idner__trainer_free(t);
  idner_doc_free(d);
  return m;
}

START_TEST(test_training_deterministic_and_learns) {
  idner_model *model;
  char err[256];
  ck_assert_int_eq(idner_model_load(NULL, IDNER_LOAD_NO_MODEL, &model, err, sizeof err), IDNER_OK);
  ck_assert_uint_eq(idner_model_has_tagger(model), 0);
  idner__seqmodel *a = train_once(model, 7), *b = train_once(model, 7);
  size_t sa, sb;
  unsigned char *fa = file_bytes(a, &sa), *fb = file_bytes(b, &sb);
  ck_assert_uint_eq(sa, sb);
  ck_assert_int_eq(memcmp(fa, fb, sa), 0);
  /* write it into a data directory and tag new text with it */
  char dir[] = "/tmp/idner-model-XXXXXX", path[64];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/model.bin", dir);
  FILE *f = fopen(path, "wb");
  fwrite(fa, 1, sa, f);
  fclose(f);
  idner_model *m2;
  ck_assert_int_eq(idner_model_load(dir, 0, &m2, err, sizeof err), IDNER_OK);
  ck_assert_uint_eq(idner_model_has_tagger(m2), 1);
  idner_doc *d;
  idner_doc_new(&d);
  const char *text = "kata Pak Wiranto di Bandung .";
  ck_assert_int_eq(idner_analyze(m2, d, text, strlen(text), NULL), IDNER_OK);
  int per = 0;
  for (uint32_t k = 0; k < idner_doc_entity_count(d); k++) {
    const idner_entity *e = &idner_doc_entities(d)[k];
    if (e->type == IDNER_TYPE_PER && (e->evidence & IDNER_EV_MODEL)) per++;
  }
  ck_assert_int_eq(per, 1);
  /* a damaged model.bin fails the whole load, naming the file */
  f = fopen(path, "wb");
  fwrite(fa, 1, sa / 2, f);
  fclose(f);
  idner_model *m3 = (idner_model *)&m3;
  ck_assert_int_eq(idner_model_load(dir, 0, &m3, err, sizeof err), IDNER_ERR_DATA_FORMAT);
  ck_assert_ptr_null(m3);
  ck_assert_ptr_nonnull(strstr(err, "model.bin"));
  unlink(path);
  rmdir(dir);
  idner_doc_free(d);
  idner_model_free(m2);
  free(fa), free(fb);
  idner__seqmodel_free(a), idner__seqmodel_free(b);
  idner_model_free(model);
}
END_TEST

START_TEST(test_profiles_api) {
  idner_model *m;
  char err[256];
  ck_assert_int_eq(idner_model_load(NULL, 0, &m, err, sizeof err), IDNER_OK);
  uint32_t id = 99;
  ck_assert_int_eq(idner_model_find_profile(m, "default", 7, &id), IDNER_OK);
  ck_assert_uint_eq(id, 0);
  ck_assert_str_eq(idner_model_profile_name(m, 0), "default");
  ck_assert_ptr_null(idner_model_profile_name(m, idner_model_profile_count(m) + 1));
  ck_assert_int_eq(idner_model_find_profile(m, "nope", 4, &id), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_model_find_profile(NULL, "nerui", 5, &id), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_model_find_profile(m, NULL, 5, &id), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_model_find_profile(m, "nerui", 5, NULL), IDNER_ERR_INVALID_ARG);
  ck_assert_uint_eq(idner_model_profile_count(NULL), 0);
  ck_assert_uint_eq(idner_model_has_tagger(NULL), 0);
  ck_assert_uint_eq(idner_model_has_tagger(m), 1);
  ck_assert_uint_ge(idner_model_profile_count(m), 4);
  for (uint32_t k = 1; k <= idner_model_profile_count(m); k++) {
    const char *name = idner_model_profile_name(m, k);
    ck_assert_int_eq(idner_model_find_profile(m, name, strlen(name), &id), IDNER_OK);
    ck_assert_uint_eq(id, k);
  }
  idner_doc *d;
  idner_doc_new(&d);
  idner_options o;
  idner_options_init(&o);
  o.profile = idner_model_profile_count(m) + 1;
  ck_assert_int_eq(idner_analyze(m, d, "Rusia", 5, &o), IDNER_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(idner_doc_error(d), "profile"));
  idner_doc_free(d);
  idner_model_free(m);
}
END_TEST

static void blob_eq(const idner__blob *a, const idner__blob *b, const char *what) {
  ck_assert_msg(a->size == b->size, "%s: %zu bytes in the image, %zu parsed", what, a->size,
                b->size);
  ck_assert_msg(a->size == 0 || memcmp(a->p, b->p, a->size) == 0, "%s differs", what);
}

/* The image compiled into the library (lib/build-tools/mkimage.c) holds the
 * same structures as a parse of lib/gazetteers: it cannot drift from the
 * sources. The default is used in place (no copy). */
START_TEST(test_image_matches_sources) {
  const idner__image *im = &idner__the_image;
  if (!im->present) return; /* built with IDNER_IMAGE=OFF */
  char err[256];
  idner_model *def = NULL, *dir = NULL;
  ck_assert_int_eq(idner_model_load(NULL, 0, &def, err, sizeof err), IDNER_OK);
  ck_assert_msg(idner_model_load(IDNER_SOURCE_GAZETTEERS, IDNER_LOAD_NO_DEFAULT, &dir, err,
                                 sizeof err) == IDNER_OK, "%s", err);
  idner__gz_image g_def, g_dir;
  idner__gz_image_of(def->gz, &g_def);
  idner__gz_image_of(dir->gz, &g_dir);
  ck_assert_ptr_eq(g_def.entries.p, im->gz.entries.p);
  blob_eq(&im->gz.entries, &g_dir.entries, "gazetteer entries");
  blob_eq(&im->gz.pool, &g_dir.pool, "gazetteer string pool");
  blob_eq(&im->gz.slots, &g_dir.slots, "gazetteer index");
  idner__seq_image s_def, s_dir;
  idner__seqmodel h_def, h_dir;
  idner__seqmodel_image_of(def->seq, &h_def, &s_def);
  idner__seqmodel_image_of(dir->seq, &h_dir, &s_dir);
  ck_assert_ptr_eq(s_def.tkeys.p, im->seq.tkeys.p);
  ck_assert_ptr_eq(s_def.tq.p, im->seq.tq.p);
  blob_eq(&im->seq.head, &s_dir.head, "model header (checksum, profiles, transitions)");
  blob_eq(&s_def.head, &s_dir.head, "adopted model header");
  blob_eq(&im->seq.tkeys, &s_dir.tkeys, "model weight table keys");
  blob_eq(&im->seq.tq, &s_dir.tq, "model weight table rows");
  blob_eq(&im->seq.wc_keys, &s_dir.wc_keys, "word class keys");
  blob_eq(&im->seq.wc_left, &s_dir.wc_left, "word class left");
  blob_eq(&im->seq.wc_right, &s_dir.wc_right, "word class right");
  blob_eq(&im->seq.wc_slots, &s_dir.wc_slots, "word class index");
  /* The date rules: the code compiled from the files encodes to the image's
   * bytes; the image's code decoded encodes to as many (PCRE2 marks a
   * decoded code as owning its tables: one flag bit per code differs). */
  idner__dates_image d_def, d_dir;
  ck_assert_int_eq(idner__dates_image_of(def->dates, &d_def), IDNER_OK);
  ck_assert_int_eq(idner__dates_image_of(dir->dates, &d_dir), IDNER_OK);
  ck_assert_uint_eq(im->dates.codes.size, d_def.codes.size);
  blob_eq(&im->dates.codes, &d_dir.codes, "date rules (compiled)");
  blob_eq(&im->dates.groups, &d_dir.groups, "date rule groups");
  blob_eq(&im->dates.text, &d_dir.text, "date grammar text");
  blob_eq(&im->dates.tables, &d_dir.tables, "date grammar tables");
  blob_eq(&d_def.tables, &d_dir.tables, "adopted date grammar tables");
  blob_eq(&im->dates.cal.head, &d_dir.cal.head, "calendar header");
  blob_eq(&im->dates.cal.h_start, &d_dir.cal.h_start, "calendar Hijri months");
  blob_eq(&im->dates.cal.forms, &d_dir.cal.forms, "calendar names");
  blob_eq(&d_def.cal.forms, &d_dir.cal.forms, "adopted calendar names");
  blob_eq(&im->dates.cal.hol, &d_dir.cal.hol, "calendar holidays");
  blob_eq(&im->dates.cal.dates, &d_dir.cal.dates, "calendar dates");
  blob_eq(&im->dates.cal.pool, &d_dir.cal.pool, "calendar strings");
  idner__dates_image_free(&d_def);
  idner__dates_image_free(&d_dir);
  idner_model_free(def);
  idner_model_free(dir);
}
END_TEST


static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Every row of a model file is in the tagging table with exactly the
 * file's weights ((float)q * scale), no other key is: checked on the
 * embedded default's image and on a parse of the same file. */
START_TEST(test_table_holds_every_row) {
  FILE *f = fopen(IDNER_SOURCE_GAZETTEERS "/model.bin", "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  size_t size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *bytes = malloc(size);
  ck_assert_uint_eq(fread(bytes, 1, size, f), size);
  fclose(f);
  char err[256] = "";
  idner__seqmodel *parsed = NULL;
  idner_model *def = NULL;
  ck_assert_int_eq(idner__seqmodel_read(bytes, size, "model.bin", &parsed, err, sizeof err), IDNER_OK);
  ck_assert_int_eq(idner_model_load(NULL, 0, &def, err, sizeof err), IDNER_OK);
  /* the header, as tagger.c describes it */
  uint32_t rows, scale_bits, np, ncls;
  memcpy(&rows, bytes + 8 + 16, 4);
  memcpy(&scale_bits, bytes + 8 + 20, 4);
  float scale;
  memcpy(&scale, &scale_bits, 4);
  const unsigned char *p = bytes + 8 + 24;
  memcpy(&np, p, 4), p += 4;
  for (uint32_t k = 0; k < np; k++) p += 1 + *p;
  memcpy(&ncls, p, 4), p += 4 + (size_t)ncls * 6;
  p += (size_t)(IDNER__NLABELS + 1) * IDNER__NLABELS * 2;
  ck_assert_uint_eq((size_t)(bytes + size - 4 - p), (size_t)rows * (4 + 2 * IDNER__NLABELS));
  uint32_t *keys = malloc(rows * sizeof *keys);
  const idner__seqmodel *ms[2] = {parsed, def->seq};
  for (int which = 0; which < 2; which++) {
    const idner__seqmodel *m = ms[which];
    ck_assert_uint_eq(m->tnrows, rows);
    const unsigned char *q = p;
    for (uint32_t r = 0; r < rows; r++, q += 4 + 2 * IDNER__NLABELS) {
      memcpy(&keys[r], q, 4);
      float want[IDNER__NLABELS], got[IDNER__NLABELS];
      for (int l = 0; l < IDNER__NLABELS; l++) {
        int16_t v;
        memcpy(&v, q + 4 + 2 * l, 2);
        want[l] = (float)v * scale;
      }
      ck_assert_msg(idner__seqmodel_row(m, keys[r], got), "row %u (key %08x) missing", r, keys[r]);
      ck_assert_msg(memcmp(want, got, sizeof want) == 0, "row %u (key %08x) differs", r, keys[r]);
    }
    qsort(keys, rows, sizeof *keys, cmp_u32);
    for (uint32_t r = 1; r < rows; r++) ck_assert_uint_ne(keys[r - 1], keys[r]);
    uint32_t x = 12345, absent = 0;
    for (int k = 0; k < 100000; k++) {
      x = x * 1664525u + 1013904223u;
      if (!x || bsearch(&x, keys, rows, sizeof *keys, cmp_u32)) continue;
      float got[IDNER__NLABELS];
      ck_assert_msg(!idner__seqmodel_row(m, x, got), "key %08x not in the file found", x);
      absent++;
    }
    ck_assert_uint_gt(absent, 90000);
  }
  free(keys);
  free(bytes);
  idner__seqmodel_free(parsed);
  idner_model_free(def);
}
END_TEST

/* A model built in memory: every row found with its float weights, keys
 * crowding one home bucket spill into the next ones, a key given twice
 * keeps its last row, key 0 is no row. */
START_TEST(test_table_in_memory) {
  enum { N = 3000 };
  idner__seqmodel *m;
  ck_assert_int_eq(idner__seqmodel_new(N, &m), IDNER_OK);
  for (uint32_t r = 0; r < N; r++) {
    /* a third share home bucket 0 (multiples of a large power of two) */
    m->keys[r] = r % 3 == 0 ? (r + 1) << 20 : r * 2654435761u + 7u;
    for (int l = 0; l < IDNER__NLABELS; l++) m->w[r * IDNER__NLABELS + l] = (float)r + 0.125f * (float)l;
  }
  m->keys[N - 1] = m->keys[5]; /* given twice: the last row counts */
  m->keys[N - 2] = 0;
  ck_assert_int_eq(idner__seqmodel_index(m), IDNER_OK);
  ck_assert_uint_eq(m->tnrows, N - 2);
  for (uint32_t r = 0; r < N - 2; r++) {
    float got[IDNER__NLABELS];
    uint32_t from = r == 5 ? N - 1 : r;
    ck_assert_msg(idner__seqmodel_row(m, m->keys[r], got), "row %u missing", r);
    ck_assert(memcmp(got, m->w + (size_t)from * IDNER__NLABELS, sizeof got) == 0);
  }
  float got[IDNER__NLABELS];
  ck_assert_int_eq(idner__seqmodel_row(m, (uint32_t)(N + 7) << 20, got), 0);
  ck_assert_int_eq(idner__seqmodel_row(m, 3u, got), 0);
  idner__seqmodel_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("model");
  TCase *tc = tcase_create("seqmodel");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_damaged_files);
  tcase_add_test(tc, test_version_mismatch);
  tcase_add_test(tc, test_viterbi_bio);
  tcase_add_test(tc, test_training_deterministic_and_learns);
  tcase_add_test(tc, test_profiles_api);
  tcase_add_test(tc, test_image_matches_sources);
  tcase_add_test(tc, test_table_holds_every_row);
  tcase_add_test(tc, test_table_in_memory);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
