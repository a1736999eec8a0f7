/* test_gazetteer.c — the gazetteer loader: every kind of malformed line
 * gives a clear file:line error and no model; good data loads, adds to and
 * replaces the embedded default; multi-token matching honours case rules. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gazetteer.h"
#include "idner.h"

typedef struct bad_case {
  const char *data;
  int32_t rc;
  const char *msg;  /* substring expected in the error */
} bad_case;

static const bad_case bad_cases[] = {
    {"", IDNER_ERR_DATA_FORMAT, "t.tsv:1: empty file"},
    {"Rusia\tNAT\tRU\n", IDNER_ERR_DATA_FORMAT, "t.tsv:1: first line"},
    {"# idner-gazetteer 2\nRusia\tNAT\tRU\n", IDNER_ERR_DATA_VERSION, "t.tsv:1: unsupported"},
    {"# idner-gazetteer 1\nRusia\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: missing class"},
    {"# idner-gazetteer 1\n\n# c\nRusia\tLOK\n", IDNER_ERR_DATA_FORMAT, "t.tsv:4: unknown class 'LOK'"},
    {"# idner-gazetteer 1\nRusia\tNAT\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: NAT entry needs"},
    {"# idner-gazetteer 1\nRusia\tNAT\tru\n", IDNER_ERR_DATA_FORMAT, "ISO 3166"},
    {"# idner-gazetteer 1\nRusia\tNAT\tRUS\n", IDNER_ERR_DATA_FORMAT, "ISO 3166"},
    {"# idner-gazetteer 1\nX\tORG\t\tloud\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: unknown flag"},
    {"# idner-gazetteer 1\nX\tORG\tv\tcs\textra\n", IDNER_ERR_DATA_FORMAT, "too many columns"},
    {"# idner-gazetteer 1\n\tORG\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: empty surface"},
    {"# idner-gazetteer 1\n   \tORG\n", IDNER_ERR_DATA_FORMAT, "no tokens"},
    {"# idner-gazetteer 1\nab\xff\tORG\n", IDNER_ERR_DATA_FORMAT, "t.tsv:2: invalid UTF-8"},
    {"# idner-gazetteer 1\nab\xc0\xaf\tORG\n", IDNER_ERR_DATA_FORMAT, "invalid UTF-8"},
    {"# idner-gazetteer 1\nok\tORG\nalso\torg\n", IDNER_ERR_DATA_FORMAT, "t.tsv:3: unknown class 'org'"},
    {"# idner-gazetteer\nok\tORG\n", IDNER_ERR_DATA_FORMAT, "t.tsv:1: first line"},
    {"# idner-gazetteer 1 \nok\tORG\n", IDNER_ERR_DATA_VERSION, "unsupported"},
};

START_TEST(test_malformed_lines) {
  const bad_case *c = &bad_cases[_i];
  idner__gazetteer *g;
  ck_assert_int_eq(idner__gz_new(&g), IDNER_OK);
  char err[256] = "";
  int32_t rc = idner__gz_add_file(g, "t.tsv", c->data, strlen(c->data), err, sizeof err);
  ck_assert_msg(rc == c->rc, "case %d: rc %d, want %d (%s)", _i, rc, c->rc, err);
  ck_assert_msg(strstr(err, c->msg) != NULL, "case %d: message '%s' lacks '%s'", _i, err, c->msg);
  idner__gz_free(g);
}
END_TEST

START_TEST(test_long_line) {
  size_t n = 5000;
  char *buf = malloc(n + 64);
  strcpy(buf, "# idner-gazetteer 1\n");
  size_t h = strlen(buf);
  memset(buf + h, 'a', n);
  strcpy(buf + h + n, "\tORG\n");
  idner__gazetteer *g;
  ck_assert_int_eq(idner__gz_new(&g), IDNER_OK);
  char err[256] = "";
  ck_assert_int_eq(idner__gz_add_file(g, "t.tsv", buf, strlen(buf), err, sizeof err),
                   IDNER_ERR_DATA_FORMAT);
  ck_assert_ptr_nonnull(strstr(err, "t.tsv:2: line longer than 4096"));
  idner__gz_free(g);
  free(buf);
}
END_TEST

START_TEST(test_good_file_crlf_bom_comments) {
  const char *data =
      "\xEF\xBB\xBF# idner-gazetteer 1\r\n# comment\r\n\r\nAmerika Serikat\tNAT\tUS\r\n"
      "AS\tNAT\tUS\tcs\r\nKPK\tORG\tKomisi Pemberantasan Korupsi\tcs,ambig\r\n";
  idner__gazetteer *g;
  ck_assert_int_eq(idner__gz_new(&g), IDNER_OK);
  char err[256] = "";
  ck_assert_int_eq(idner__gz_add_file(g, "t.tsv", data, strlen(data), err, sizeof err), IDNER_OK);
  ck_assert_int_eq(idner__gz_finish(g), IDNER_OK);
  ck_assert_uint_eq(idner__gz_count(g), 3);
  const idner__gz_entry *e = idner__gz_entry_at(g, 0);
  ck_assert_uint_eq(e->ntok, 2);
  ck_assert_uint_eq(e->cls, IDNER__GZ_NAT);
  ck_assert_str_eq(idner__gz_string(g, e->value_off), "US");
  e = idner__gz_entry_at(g, 2);
  ck_assert_uint_eq(e->flags, IDNER__GZF_CS | IDNER__GZF_AMBIG);
  ck_assert_str_eq(idner__gz_string(g, e->value_off), "Komisi Pemberantasan Korupsi");
  idner__gz_free(g);
}
END_TEST

/* ---- through the public loader, on directories ---------------------------- */

static char tmpdir[64];

static void write_file(const char *name, const char *content) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  fputs(content, f);
  fclose(f);
}

static void make_dir(void) {
  strcpy(tmpdir, "/tmp/idner-gz-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_dir(void) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  ck_assert_int_eq(system(cmd), 0);
}

static uint32_t count_type(const idner_model *m, const char *text, uint32_t type) {
  idner_doc *d;
  ck_assert_int_eq(idner_doc_new(&d), IDNER_OK);
  ck_assert_int_eq(idner_analyze(m, d, text, strlen(text), NULL), IDNER_OK);
  uint32_t n = 0;
  for (uint32_t i = 0; i < idner_doc_entity_count(d); i++)
    n += idner_doc_entities(d)[i].type == type;
  idner_doc_free(d);
  return n;
}

START_TEST(test_dir_adds_entries) {
  make_dir();
  write_file("extra.tsv", "# idner-gazetteer 1\nZorblatt Kxq\tORG\n");
  write_file("ignored.txt", "not a gazetteer");
  idner_model *base = NULL, *m = NULL;
  char err[256];
  ck_assert_int_eq(idner_model_load(NULL, 0, &base, err, sizeof err), IDNER_OK);
  ck_assert_int_eq(idner_model_load(tmpdir, 0, &m, err, sizeof err), IDNER_OK);
  ck_assert_uint_eq(idner_model_entry_count(m), idner_model_entry_count(base) + 1);
  ck_assert_uint_eq(count_type(m, "Kantor Zorblatt Kxq ditutup.", IDNER_TYPE_ORG), 1);
  idner_model_free(base);
  idner_model_free(m);
  remove_dir();
}
END_TEST

START_TEST(test_dir_no_default) {
  make_dir();
  write_file("a.tsv", "# idner-gazetteer 1\nRusia\tNAT\tRU\n");
  idner_model *m = NULL;
  char err[256];
  ck_assert_int_eq(idner_model_load(tmpdir, IDNER_LOAD_NO_DEFAULT, &m, err, sizeof err), IDNER_OK);
  ck_assert_uint_eq(idner_model_entry_count(m), 1);
  ck_assert_uint_eq(count_type(m, "Warga Rusia datang.", IDNER_TYPE_NAT), 1);
  idner_model_free(m);
  remove_dir();
}
END_TEST

START_TEST(test_broken_file_gives_no_model) {
  make_dir();
  write_file("a.tsv", "# idner-gazetteer 1\nRusia\tNAT\tRU\n");
  write_file("b.tsv", "# idner-gazetteer 1\nok\tORG\nbad line\n");
  idner_model *m = (idner_model *)&m; /* must be reset to NULL */
  char err[256];
  ck_assert_int_eq(idner_model_load(tmpdir, 0, &m, err, sizeof err), IDNER_ERR_DATA_FORMAT);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(err, "b.tsv:3: missing class") != NULL, "%s", err);
  remove_dir();
}
END_TEST

START_TEST(test_dir_errors) {
  idner_model *m = NULL;
  char err[256];
  ck_assert_int_eq(idner_model_load("/nonexistent/idner", 0, &m, err, sizeof err), IDNER_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err, "/nonexistent/idner"));
  make_dir();
  ck_assert_int_eq(idner_model_load(tmpdir, IDNER_LOAD_NO_DEFAULT, &m, err, sizeof err),
                   IDNER_ERR_NO_DATA);
  ck_assert_int_eq(idner_model_load(NULL, IDNER_LOAD_NO_DEFAULT, &m, err, sizeof err),
                   IDNER_ERR_NO_DATA);
  ck_assert_int_eq(idner_model_load(NULL, 0x80, &m, err, sizeof err), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_model_load(NULL, 0, NULL, err, sizeof err), IDNER_ERR_INVALID_ARG);
  /* errbuf may be NULL or tiny */
  ck_assert_int_eq(idner_model_load("/nonexistent", 0, &m, NULL, 0), IDNER_ERR_IO);
  char tiny[4];
  ck_assert_int_eq(idner_model_load("/nonexistent", 0, &m, tiny, sizeof tiny), IDNER_ERR_IO);
  ck_assert_uint_lt(strlen(tiny), sizeof tiny);
  /* an unreadable entry: a directory named like a data file */
  char sub[128];
  snprintf(sub, sizeof sub, "%s/dir.tsv", tmpdir);
  ck_assert_int_eq(mkdir(sub, 0700), 0);
  ck_assert_int_eq(idner_model_load(tmpdir, 0, &m, err, sizeof err), IDNER_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err, "dir.tsv"));
  remove_dir();
}
END_TEST

START_TEST(test_replace_default_file) {
  make_dir();
  /* Same name as a default file: the default one is not loaded. */
  write_file("nations.tsv", "# idner-gazetteer 1\nZorbania\tNAT\tZZ\n");
  idner_model *m = NULL;
  char err[256];
  ck_assert_int_eq(idner_model_load(tmpdir, 0, &m, err, sizeof err), IDNER_OK);
  ck_assert_uint_eq(count_type(m, "Warga Zorbania datang.", IDNER_TYPE_NAT), 1);
  ck_assert_uint_eq(count_type(m, "Warga Rusia datang.", IDNER_TYPE_NAT), 0);
  idner_model_free(m);
  remove_dir();
}
END_TEST

START_TEST(test_case_rules) {
  make_dir();
  write_file("a.tsv", "# idner-gazetteer 1\nAS\tNAT\tUS\tcs\nRusia\tNAT\tRU\n");
  idner_model *m = NULL;
  char err[256];
  ck_assert_int_eq(idner_model_load(tmpdir, IDNER_LOAD_NO_DEFAULT, &m, err, sizeof err), IDNER_OK);
  ck_assert_uint_eq(count_type(m, "dolar AS naik", IDNER_TYPE_NAT), 1);
  ck_assert_uint_eq(count_type(m, "seperti as roda", IDNER_TYPE_NAT), 0);
  ck_assert_uint_eq(count_type(m, "RUSIA dan Rusia, bukan rusia", IDNER_TYPE_NAT), 2);
  idner_model_free(m);
  remove_dir();
}
END_TEST

int main(void) {
  Suite *s = suite_create("gazetteer");
  TCase *tc = tcase_create("loader");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_malformed_lines, 0, (int)(sizeof bad_cases / sizeof *bad_cases));
  tcase_add_test(tc, test_long_line);
  tcase_add_test(tc, test_good_file_crlf_bom_comments);
  tcase_add_test(tc, test_dir_adds_entries);
  tcase_add_test(tc, test_dir_no_default);
  tcase_add_test(tc, test_broken_file_gives_no_model);
  tcase_add_test(tc, test_dir_errors);
  tcase_add_test(tc, test_replace_default_file);
  tcase_add_test(tc, test_case_rules);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
