/* test_api.c — the public API contract: arguments, options, errors, UTF-8
 * policies, offsets and invariants, doc reuse, and the pre-tokenized path. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "idner.h"
#include "tagger.h" /* the doc's emission scores, for the reuse test */

static idner_model *model;
static idner_doc *doc;

static void setup(void) {
  char err[256];
  ck_assert_int_eq(idner_model_load(NULL, 0, &model, err, sizeof err), IDNER_OK);
  ck_assert_int_eq(idner_doc_new(&doc), IDNER_OK);
}

static void teardown(void) {
  idner_doc_free(doc);
  idner_model_free(model);
}

static idner_options ref_2023_09_19(void) {
  idner_options o;
  idner_options_init(&o);
  o.ref_year = 2023;
  o.ref_month = 9;
  o.ref_day = 19;
  return o;
}

/* Checks every structural invariant of a result against its text. */
static void check_invariants(const char *text, size_t len) {
  uint32_t nt = idner_doc_token_count(doc), ne = idner_doc_entity_count(doc);
  const idner_token *t = idner_doc_tokens(doc);
  const idner_entity *e = idner_doc_entities(doc);
  uint32_t slen;
  const char *strings = idner_doc_strings(doc, &slen);
  for (uint32_t i = 0; i < nt; i++) {
    ck_assert_uint_lt(t[i].byte_start, t[i].byte_end);
    ck_assert_uint_le(t[i].byte_end, len);
    ck_assert_uint_lt(t[i].char_start, t[i].char_end);
    ck_assert_uint_le(t[i].char_end - t[i].char_start, t[i].byte_end - t[i].byte_start);
    if (i) {
      ck_assert_uint_le(t[i - 1].byte_end, t[i].byte_start);
      ck_assert_uint_le(t[i - 1].char_end, t[i].char_start);
      ck_assert_uint_le(t[i - 1].sentence, t[i].sentence);
    }
  }
  for (uint32_t k = 0; k < ne; k++) {
    ck_assert_uint_lt(e[k].token_start, e[k].token_end);
    ck_assert_uint_le(e[k].token_end, nt);
    ck_assert_uint_eq(e[k].byte_start, t[e[k].token_start].byte_start);
    ck_assert_uint_eq(e[k].byte_end, t[e[k].token_end - 1].byte_end);
    ck_assert_uint_eq(e[k].char_start, t[e[k].token_start].char_start);
    ck_assert_uint_eq(e[k].char_end, t[e[k].token_end - 1].char_end);
    ck_assert_uint_ge(e[k].type, IDNER_TYPE_PER);
    ck_assert_uint_le(e[k].type, IDNER_TYPE_TIME);
    ck_assert_uint_ne(e[k].evidence, 0);
    ck_assert_uint_le(e[k].value_offset + e[k].value_len, slen);
    ck_assert_uint_le(e[k].mod_offset + e[k].mod_len, slen);
    ck_assert_int_eq(strings[e[k].value_offset + e[k].value_len], '\0');
    if (k) ck_assert_uint_le(e[k - 1].token_end, e[k].token_start);
  }
  (void)text;
}

static const idner_entity *find(const char *text, const char *surface, uint32_t type) {
  const idner_entity *e = idner_doc_entities(doc);
  for (uint32_t k = 0; k < idner_doc_entity_count(doc); k++) {
    size_t l = e[k].byte_end - e[k].byte_start;
    if (e[k].type == type && l == strlen(surface) && !memcmp(text + e[k].byte_start, surface, l))
      return &e[k];
  }
  return NULL;
}

static const char *value_of(const idner_entity *e) {
  return idner_doc_strings(doc, NULL) + e->value_offset;
}

START_TEST(test_versions_and_names) {
  ck_assert_uint_eq(idner_version(), IDNER_VERSION_NUMBER);
  ck_assert_str_eq(idner_version_string(), IDNER_VERSION_STRING);
  ck_assert_uint_eq(idner_data_format_version(), IDNER_DATA_FORMAT_VERSION);
  ck_assert_str_eq(idner_type_name(IDNER_TYPE_NAT), "NAT");
  ck_assert_str_eq(idner_type_name(IDNER_TYPE_NONE), "O");
  ck_assert_str_eq(idner_type_name(999), "UNKNOWN");
  ck_assert_uint_eq(idner_type_from_name("DATE", 4), IDNER_TYPE_DATE);
  ck_assert_uint_eq(idner_type_from_name("DAT", 3), IDNER_TYPE_NONE);
  ck_assert_uint_eq(idner_type_from_name(NULL, 3), IDNER_TYPE_NONE);
  ck_assert_uint_eq(idner_sizeof_token(), sizeof(idner_token));
  ck_assert_uint_eq(idner_sizeof_entity(), sizeof(idner_entity));
  ck_assert_uint_eq(idner_sizeof_options(), sizeof(idner_options));
  for (int32_t s = -12; s <= 1; s++) ck_assert_ptr_nonnull(idner_strerror(s));
  ck_assert_str_eq(idner_strerror(-100), "unknown status");
}
END_TEST

START_TEST(test_null_arguments) {
  ck_assert_int_eq(idner_doc_new(NULL), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_analyze(model, NULL, "a", 1, NULL), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_analyze(NULL, doc, "a", 1, NULL), IDNER_ERR_INVALID_ARG);
  ck_assert_str_eq(idner_doc_error(doc), "model is NULL");
  ck_assert_int_eq(idner_analyze(model, doc, NULL, 5, NULL), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_analyze(model, doc, NULL, 0, NULL), IDNER_OK);
  ck_assert_uint_eq(idner_doc_token_count(doc), 0);
  ck_assert_int_eq(idner_analyze_tokens(model, doc, NULL, NULL, 3, NULL, NULL), IDNER_ERR_INVALID_ARG);
  ck_assert_int_eq(idner_analyze_tokens(model, doc, NULL, NULL, 0, NULL, NULL), IDNER_OK);
  idner_model_free(NULL);
  idner_doc_free(NULL);
  ck_assert_uint_eq(idner_doc_entity_count(NULL), 0);
  ck_assert_ptr_nonnull(idner_doc_error(NULL));
  idner_options_init(NULL);
}
END_TEST

START_TEST(test_options_validation) {
  idner_options o = ref_2023_09_19();
  const char *t = "Rusia";
  o.flags = 0x100;
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(idner_doc_error(doc), "flags"));
  o = ref_2023_09_19();
  o.types = 0x80000000u;
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_ERR_INVALID_ARG);
  o = ref_2023_09_19();
  o.struct_size = 12;
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_ERR_INVALID_ARG);
  o = ref_2023_09_19();
  o.reserved[1] = 1;
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_ERR_INVALID_ARG);
  o = ref_2023_09_19();
  o.ref_day = 31; /* 31 September */
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_ERR_INVALID_ARG);
  o.ref_month = 2;
  o.ref_day = 29;
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_ERR_INVALID_ARG);
  o.ref_year = 2024;
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_OK);
  o.ref_year = 0;
  ck_assert_int_eq(idner_analyze(model, doc, t, 5, &o), IDNER_ERR_INVALID_ARG);
  /* after an error the doc has no results and a message */
  ck_assert_uint_eq(idner_doc_entity_count(doc), 0);
  ck_assert_uint_eq(idner_doc_token_count(doc), 0);
  ck_assert_str_ne(idner_doc_error(doc), "");
}
END_TEST

START_TEST(test_too_large) {
  /* The length is checked before the text is read. */
  static const char one[1] = {'x'};
  ck_assert_int_eq(idner_analyze(model, doc, one, (size_t)IDNER_MAX_INPUT + 1, NULL),
                   IDNER_ERR_TOO_LARGE);
  ck_assert_ptr_nonnull(strstr(idner_doc_error(doc), "IDNER_MAX_INPUT"));
}
END_TEST

START_TEST(test_basic_entities_and_values) {
  const char *t = "Menteri Luar Negeri China Wang Yi tiba di Moskow, Rusia, pada Selasa (19/9/2023).";
  idner_options o = ref_2023_09_19();
  ck_assert_int_eq(idner_analyze(model, doc, t, strlen(t), &o), IDNER_OK);
  check_invariants(t, strlen(t));
  const idner_entity *e;
  ck_assert_ptr_nonnull(e = find(t, "China", IDNER_TYPE_NAT));
  ck_assert_str_eq(value_of(e), "CN");
  ck_assert_ptr_nonnull(find(t, "Wang Yi", IDNER_TYPE_PER));
  ck_assert_ptr_nonnull(find(t, "Moskow", IDNER_TYPE_LOC));
  ck_assert_ptr_nonnull(e = find(t, "Selasa (19/9/2023)", IDNER_TYPE_DATE));
  ck_assert_str_eq(value_of(e), "2023-09-19");
  ck_assert_ptr_null(find(t, "Menteri Luar Negeri", IDNER_TYPE_PER));
  ck_assert_str_eq(idner_doc_error(doc), "");
  ck_assert_uint_eq(idner_doc_sentence_count(doc), 1);
  uint32_t len;
  ck_assert_ptr_eq(idner_doc_text(doc, &len), t);
  ck_assert_uint_eq(len, strlen(t));
}
END_TEST

/* Every NAT carries its ISO code, also a mention propagated from an
 * acronym learned later in the document ("AC" below is no gazetteer entry:
 * its code comes from "Amerika Serikat (AC)"). Found by fuzz_jsonl. */
START_TEST(test_propagated_nat_acronym_has_code) {
  const char *t = "Kabar dari Amerika Serikat[(AC) hari ini. Amerika Serikat (AC) dan China berunding.";
  idner_options o = ref_2023_09_19();
  ck_assert_int_eq(idner_analyze(model, doc, t, strlen(t), &o), IDNER_OK);
  check_invariants(t, strlen(t));
  const idner_entity *e = idner_doc_entities(doc);
  uint32_t nat_ac = 0;
  for (uint32_t i = 0; i < idner_doc_entity_count(doc); i++) {
    if (e[i].type != IDNER_TYPE_NAT) continue;
    ck_assert_uint_eq(e[i].value_len, 2);
    if (e[i].byte_end - e[i].byte_start == 2 && !memcmp(t + e[i].byte_start, "AC", 2)) {
      ck_assert_str_eq(value_of(&e[i]), "US");
      nat_ac++;
    }
  }
  ck_assert_uint_eq(nat_ac, 2);
}
END_TEST

START_TEST(test_types_filter_and_no_reference) {
  const char *t = "Presiden Rusia Vladimir Putin berbicara kemarin.";
  idner_options o;
  idner_options_init(&o);
  o.types = IDNER_TYPE_BIT(IDNER_TYPE_PER) | IDNER_TYPE_BIT(IDNER_TYPE_DATE);
  ck_assert_int_eq(idner_analyze(model, doc, t, strlen(t), &o), IDNER_OK);
  ck_assert_ptr_null(find(t, "Rusia", IDNER_TYPE_NAT));
  ck_assert_ptr_nonnull(find(t, "Vladimir Putin", IDNER_TYPE_PER));
  const idner_entity *e = find(t, "kemarin", IDNER_TYPE_DATE);
  ck_assert_ptr_nonnull(e);
  ck_assert_uint_eq(e->value_len, 0); /* no reference date: no value */
  o = ref_2023_09_19();
  ck_assert_int_eq(idner_analyze(model, doc, t, strlen(t), &o), IDNER_OK);
  ck_assert_ptr_nonnull(e = find(t, "kemarin", IDNER_TYPE_DATE));
  ck_assert_str_eq(value_of(e), "2023-09-18");
  /* types 0: tokenize only, the same tokens and no entities */
  uint32_t n_tokens = idner_doc_token_count(doc);
  o.types = 0;
  ck_assert_int_eq(idner_analyze(model, doc, t, strlen(t), &o), IDNER_OK);
  ck_assert_uint_eq(idner_doc_token_count(doc), n_tokens);
  ck_assert_uint_eq(idner_doc_entity_count(doc), 0);
}
END_TEST

START_TEST(test_multibyte_offsets) {
  const char *t = "“Café” kata Presiden Joko Widodo di Jakarta — Rusia 😀 China.";
  ck_assert_int_eq(idner_analyze(model, doc, t, strlen(t), NULL), IDNER_OK);
  check_invariants(t, strlen(t));
  const idner_entity *e = find(t, "Jakarta", IDNER_TYPE_LOC);
  ck_assert_ptr_nonnull(e);
  /* “ is 3 bytes, é 2: code points lag bytes by 2 + 1 + 2 before Jakarta */
  ck_assert_uint_eq(e->byte_start - e->char_start, 2 + 1 + 2);
  e = find(t, "China", IDNER_TYPE_NAT);
  ck_assert_ptr_nonnull(e);
  ck_assert_uint_eq(e->byte_start - e->char_start, 2 + 1 + 2 + 2 + 3);
}
END_TEST

START_TEST(test_invalid_utf8_policies) {
  const char t[] = "Warga Rusia \xff\xfe dan \xc0\xaf China \xed\xa0\x80 tiba\xe2\x82";
  size_t len = sizeof t - 1;
  ck_assert_int_eq(idner_analyze(model, doc, t, len, NULL), IDNER_OK);
  check_invariants(t, len);
  const idner_entity *e = find(t, "China", IDNER_TYPE_NAT);
  ck_assert_ptr_nonnull(e);
  /* each invalid byte is one code point: offsets never shift */
  ck_assert_uint_eq(e->char_start, e->byte_start);
  ck_assert_ptr_nonnull(find(t, "Rusia", IDNER_TYPE_NAT));
  idner_options o;
  idner_options_init(&o);
  o.flags = IDNER_FLAG_STRICT_UTF8;
  ck_assert_int_eq(idner_analyze(model, doc, t, len, &o), IDNER_ERR_INVALID_UTF8);
  ck_assert_ptr_nonnull(strstr(idner_doc_error(doc), "byte 12"));
  ck_assert_uint_eq(idner_doc_entity_count(doc), 0);
  /* NUL bytes inside text are separators, not terminators */
  const char z[] = "Rusia\0China";
  ck_assert_int_eq(idner_analyze(model, doc, z, sizeof z - 1, NULL), IDNER_OK);
  ck_assert_uint_eq(idner_doc_entity_count(doc), 2);
}
END_TEST

START_TEST(test_doc_reuse) {
  const char *a = "Warga Rusia dan China.";
  const char *b = "Tidak ada apa-apa di sini.";
  for (int round = 0; round < 50; round++) {
    ck_assert_int_eq(idner_analyze(model, doc, a, strlen(a), NULL), IDNER_OK);
    ck_assert_uint_eq(idner_doc_entity_count(doc), 2);
    ck_assert_int_eq(idner_analyze(model, doc, b, strlen(b), NULL), IDNER_OK);
    ck_assert_uint_eq(idner_doc_entity_count(doc), 0);
  }
}
END_TEST

/* A doc keeps an emission cache across calls (scores of token forms):
 * whatever it saw before, with whatever profile, its results must equal a
 * fresh doc's, entity for entity. */
static int same_entities(const idner_doc *x, const idner_doc *y) {
  uint32_t n = idner_doc_entity_count(x);
  if (n != idner_doc_entity_count(y)) return 0;
  const idner_entity *a = idner_doc_entities(x), *b = idner_doc_entities(y);
  for (uint32_t i = 0; i < n; i++)
    if (a[i].byte_start != b[i].byte_start || a[i].byte_end != b[i].byte_end ||
        a[i].type != b[i].type)
      return 0;
  return 1;
}

START_TEST(test_reused_doc_equals_fresh_doc) {
  /* The doc keeps caches across calls (token forms' scores, rows of
   * context features, the per-document form table): a reused doc must
   * answer as a fresh one whatever came before it, with another profile
   * or after a longer document. */
  static char long_text[4096];
  static const char *texts[] = {
      "Presiden Joko Widodo bertemu Menteri Luar Negeri Retno Marsudi di Jakarta, Senin (18/9).",
      "Warga Jakarta dan Bandung. Jakarta Jakarta Jakarta, kata Budi Santoso dari Bank Mandiri.",
      "Universitas Gadjah Mada (UGM) di Yogyakarta menerima mahasiswa dari Rusia dan China.",
      "PT Pertamina (Persero) dan Kementerian BUMN sepakat pada 17 Agustus 2023 lalu.",
      long_text};
  enum { NTEXTS = sizeof texts / sizeof *texts };
  long_text[0] = '\0';
  for (int r = 0; r < 8; r++)
    for (int k = 0; k < NTEXTS - 1; k++) {
      strcat(long_text, texts[(k + r) % (NTEXTS - 1)]);
      strcat(long_text, r % 2 ? "\n" : " ");
    }
  const char *names[] = {NULL, "nerui", "nergrit", NULL, "nerugm", NULL};
  for (int round = 0; round < 6; round++) {
    idner_options o = ref_2023_09_19();
    if (names[round])
      ck_assert_int_eq(
          idner_model_find_profile(model, names[round], strlen(names[round]), &o.profile),
          IDNER_OK);
    for (size_t k = 0; k < NTEXTS; k++) {
      idner_doc *fresh;
      ck_assert_int_eq(idner_doc_new(&fresh), IDNER_OK);
      const char *t = texts[(k + (size_t)round) % NTEXTS];
      ck_assert_int_eq(idner_analyze(model, doc, t, strlen(t), &o), IDNER_OK);
      ck_assert_int_eq(idner_analyze(model, fresh, t, strlen(t), &o), IDNER_OK);
      ck_assert_msg(same_entities(doc, fresh), "round %d text %zu differs", round, k);
      /* and the sequence model's scores to the bit, not only its answers */
      ck_assert_uint_eq(doc->toks.n, fresh->toks.n);
      ck_assert_msg(memcmp(doc->scores.v, fresh->scores.v,
                           doc->toks.n * IDNER__NLABELS * sizeof *doc->scores.v) == 0,
                    "round %d text %zu: emission scores differ", round, k);
      idner_doc_free(fresh);
    }
  }
}
END_TEST

START_TEST(test_pretokenized) {
  const char *toks[] = {"Presiden", "AS", "Joe", "Biden", "tiba", ".", "Rusia", "menolak", "."};
  size_t lens[9];
  for (int i = 0; i < 9; i++) lens[i] = strlen(toks[i]);
  uint8_t starts[9] = {1, 0, 0, 0, 0, 0, 1, 0, 0};
  ck_assert_int_eq(idner_analyze_tokens(model, doc, toks, lens, 9, starts, NULL), IDNER_OK);
  uint32_t len;
  const char *text = idner_doc_text(doc, &len);
  ck_assert_str_eq(text, "Presiden AS Joe Biden tiba .\nRusia menolak .");
  check_invariants(text, len);
  ck_assert_uint_eq(idner_doc_token_count(doc), 9);
  ck_assert_uint_eq(idner_doc_sentence_count(doc), 2);
  ck_assert_uint_eq(idner_doc_tokens(doc)[6].sentence, 1);
  ck_assert_ptr_nonnull(find(text, "AS", IDNER_TYPE_NAT));
  const idner_entity *e = find(text, "Joe Biden", IDNER_TYPE_PER);
  ck_assert_ptr_nonnull(e);
  ck_assert_uint_eq(e->token_start, 2);
  ck_assert_uint_eq(e->token_end, 4);
  ck_assert_ptr_nonnull(find(text, "Rusia", IDNER_TYPE_NAT));
  /* errors */
  const char *bad[] = {"a", ""};
  size_t badl[] = {1, 0};
  ck_assert_int_eq(idner_analyze_tokens(model, doc, bad, badl, 2, NULL, NULL), IDNER_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(idner_doc_error(doc), "token 1"));
  const char *inv[] = {"ab\xff"};
  size_t invl[] = {3};
  idner_options o;
  idner_options_init(&o);
  o.flags = IDNER_FLAG_STRICT_UTF8;
  ck_assert_int_eq(idner_analyze_tokens(model, doc, inv, invl, 1, NULL, &o), IDNER_ERR_INVALID_UTF8);
  ck_assert_int_eq(idner_analyze_tokens(model, doc, inv, invl, 1, NULL, NULL), IDNER_OK);
}
END_TEST

START_TEST(test_empty_and_whitespace) {
  ck_assert_int_eq(idner_analyze(model, doc, "", 0, NULL), IDNER_OK);
  ck_assert_uint_eq(idner_doc_token_count(doc), 0);
  ck_assert_uint_eq(idner_doc_sentence_count(doc), 0);
  ck_assert_int_eq(idner_analyze(model, doc, " \n\t  ", 5, NULL), IDNER_OK);
  ck_assert_uint_eq(idner_doc_token_count(doc), 0);
  ck_assert_uint_eq(idner_doc_entity_count(doc), 0);
}
END_TEST

START_TEST(test_every_byte_value) {
  char buf[256 * 3];
  for (int i = 0; i < 256 * 3; i++) buf[i] = (char)(i * 7 + i / 256);
  ck_assert_int_eq(idner_analyze(model, doc, buf, sizeof buf, NULL), IDNER_OK);
  check_invariants(buf, sizeof buf);
}
END_TEST

int main(void) {
  Suite *s = suite_create("api");
  TCase *tc = tcase_create("contract");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_versions_and_names);
  tcase_add_test(tc, test_null_arguments);
  tcase_add_test(tc, test_options_validation);
  tcase_add_test(tc, test_too_large);
  tcase_add_test(tc, test_basic_entities_and_values);
  tcase_add_test(tc, test_propagated_nat_acronym_has_code);
  tcase_add_test(tc, test_types_filter_and_no_reference);
  tcase_add_test(tc, test_multibyte_offsets);
  tcase_add_test(tc, test_invalid_utf8_policies);
  tcase_add_test(tc, test_doc_reuse);
  tcase_add_test(tc, test_reused_doc_equals_fresh_doc);
  tcase_add_test(tc, test_pretokenized);
  tcase_add_test(tc, test_empty_and_whitespace);
  tcase_add_test(tc, test_every_byte_value);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
