/* api.c — public API glue: status strings, versions, options, the doc
 * lifecycle, and the analysis pipeline (tokens -> sentences -> dates ->
 * gazetteer evidence -> recognizers -> decoder -> propagation -> decoder ->
 * entities). */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "seqfeatures.h"
#include "tagger.h"
#include "tokenizer.h"

/* ---- status, version, types --------------------------------------------- */

const char *idner_strerror(int32_t status) {
  switch (status) {
    case IDNER_OK: return "success";
    case IDNER_ERR_NOMEM: return "out of memory";
    case IDNER_ERR_INVALID_ARG: return "invalid argument";
    case IDNER_ERR_IO: return "cannot read data file or directory";
    case IDNER_ERR_DATA_FORMAT: return "malformed data file";
    case IDNER_ERR_DATA_VERSION: return "unsupported data format version";
    case IDNER_ERR_INVALID_UTF8: return "invalid UTF-8 in input";
    case IDNER_ERR_TOO_LARGE: return "input too large";
    case IDNER_ERR_NO_DATA: return "no data to load";
    case IDNER_ERR_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

uint32_t idner_version(void) { return IDNER_VERSION_NUMBER; }
const char *idner_version_string(void) { return IDNER_VERSION_STRING; }
uint32_t idner_data_format_version(void) { return IDNER_DATA_FORMAT_VERSION; }

static const char *const type_names[IDNER_TYPE_COUNT] = {"O", "PER", "NAT", "ORG",
                                                         "LOC", "DATE", "TIME"};

const char *idner_type_name(uint32_t type) {
  return type < IDNER_TYPE_COUNT ? type_names[type] : "UNKNOWN";
}

uint32_t idner_type_from_name(const char *name, size_t len) {
  if (!name) return IDNER_TYPE_NONE;
  for (uint32_t t = 1; t < IDNER_TYPE_COUNT; t++)
    if (strlen(type_names[t]) == len && memcmp(type_names[t], name, len) == 0) return t;
  return IDNER_TYPE_NONE;
}

uint32_t idner_sizeof_token(void) { return (uint32_t)sizeof(idner_token); }
uint32_t idner_sizeof_entity(void) { return (uint32_t)sizeof(idner_entity); }
uint32_t idner_sizeof_options(void) { return (uint32_t)sizeof(idner_options); }

_Static_assert(sizeof(idner_token) == 32, "idner_token ABI");
_Static_assert(sizeof(idner_entity) == 80, "idner_entity ABI");
_Static_assert(sizeof(idner_options) == 40, "idner_options ABI");

/* ---- options ------------------------------------------------------------ */

void idner_options_init(idner_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = (uint32_t)sizeof *opts;
  opts->types = IDNER_TYPES_ALL;
}

static int days_in_month(int32_t y, uint32_t m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 ? 28 + leap : dm[m - 1];
}

static int32_t check_options(idner_doc *d, const idner_options *o) {
  const char *why = NULL;
  if (o->struct_size != sizeof *o) why = "options.struct_size is not sizeof(idner_options) (call idner_options_init)";
  else if (o->types & ~(uint32_t)IDNER_TYPES_ALL) why = "options.types has unknown type bits";
  else if (o->flags & ~(uint32_t)IDNER_FLAG_STRICT_UTF8) why = "options.flags has unknown bits";
  else if (o->reserved[0] | o->reserved[1] | o->reserved[2]) why = "options.reserved must be zero";
  else if (o->ref_year == 0 && (o->ref_month || o->ref_day)) why = "reference month/day given without a year";
  else if (o->ref_year != 0 && (o->ref_year < 1 || o->ref_year > 9999 || o->ref_month < 1 ||
                                o->ref_month > 12 || o->ref_day < 1 ||
                                (int)o->ref_day > days_in_month(o->ref_year, o->ref_month)))
    why = "invalid reference date";
  if (!why) return IDNER_OK;
  idner__fmt(d->err, sizeof d->err, "%s", why);
  return IDNER_ERR_INVALID_ARG;
}

/* ---- doc lifecycle ------------------------------------------------------ */

int32_t idner_doc_new(idner_doc **out) {
  if (!out) return IDNER_ERR_INVALID_ARG;
  *out = calloc(1, sizeof **out);
  return *out ? IDNER_OK : IDNER_ERR_NOMEM;
}

void idner_doc_free(idner_doc *d) {
  if (!d) return;
  free(d->toks.v);
  free(d->joined.v);
  free(d->fold.v);
  free(d->fold_off.v);
  free(d->fold_hash.v);
  free(d->fold_fnv.v);
  free(d->fold_plain.v);
  free(d->emcache);
  free(d->ev.v);
  free(d->rule_toks.v);
  free(d->cue_toks.v);
  free(d->name_toks.v);
  free(d->url_toks.v);
  free(d->cap_toks.v);
  free(d->dates.v);
  idner__datescratch_free(d->date_scratch);
  free(d->cands.v);
  free(d->chosen.v);
  free(d->dp.v);
  free(d->dp_pick.v);
  free(d->cand_end.v);
  free(d->aliases.v);
  free(d->alias_slots.v);
  free(d->alias_firsts.v);
  free(d->feats.v);
  free(d->feat_off.v);
  free(d->gzmask.v);
  free(d->candmask.v);
  free(d->formtab.v);
  free(d->formslot.v);
  free(d->scores.v);
  free(d->back.v);
  free(d->labels.v);
  free(d->ents.v);
  free(d->strings.v);
  free(d);
}

const char *idner_doc_error(const idner_doc *d) { return d ? d->err : "doc is NULL"; }

static void reset(idner_doc *d) {
  d->toks.n = 0;
  d->fold_off.n = 0; /* not folded */
  d->nsent = 0;
  d->text = "";
  d->text_len = 0;
  d->dates.n = 0;
  d->cands.n = 0;
  d->chosen.n = 0;
  d->ents.n = 0;
  d->strings.n = 0;
  d->err[0] = '\0';
}

/* ---- pipeline ----------------------------------------------------------- */

/* Tokens -> folded forms -> dates -> gazetteer evidence -> rule candidates. */
static int32_t run_evidence(const idner_model *m, idner_doc *d, const idner__refdate *ref) {
  int32_t rc;
  if (!d->date_scratch && (rc = idner__datescratch_new(&d->date_scratch))) return rc;
  /* the tokens that may start a date are marked as they are folded: by
   * idner_analyze's tokenizer, or here (the same marks: m's grammar) */
  if ((rc = idner__fold_doc(d, idner__dates_marks(m->dates)))) return rc;
  idner__date_folds folds = {d->fold.v, d->fold_off.v, d->fold_hash.v, d->fold_plain.v, 1};
  if ((rc = idner__dates_find_folded(m->dates, d->date_scratch, d->text, d->text_len, d->toks.v,
                                     d->toks.n, &folds, ref, &d->dates)) ||
      (rc = idner__compute_evidence(m, d)) || (rc = idner__recognize(m, d)))
    return rc;
  return IDNER_OK;
}

/* ... -> sequence model -> decoder -> propagation -> decoder -> entities. */
static int32_t run_pipeline(const idner_model *m, idner_doc *d, const idner_options *o) {
  if (!o->types) return IDNER_OK; /* tokens and sentences only */
  idner__refdate ref = {o->ref_year, (int32_t)o->ref_month, (int32_t)o->ref_day};
  int32_t rc = run_evidence(m, d, &ref);
  if (!rc && m->seq &&
      ((rc = idner__extract_features(d, m->seq->feature_groups, o->profile, m->seq, 1)) ||
       (rc = idner__seqmodel_tag(m->seq, d)) || (rc = idner__apply_model(d, o->profile))))
    return rc;
  if (rc || (rc = idner__decode(d))) return rc;
  /* Acronyms and document-level propagation assume a coherent document;
   * a corpus profile reproduces a corpus of unrelated sentences, whose
   * model already weighs document evidence (measured on dev: better off). */
  if (!o->profile &&
      ((rc = idner__recognize_second_pass(m, d)) || (rc = idner__decode(d))))
    return rc;
  return idner__emit_entities(m, d, o->types);
}

static int32_t finish(idner_doc *d, int32_t rc) {
  if (rc == IDNER_OK) return rc;
  if (!d->err[0]) idner__fmt(d->err, sizeof d->err, "%s", idner_strerror(rc));
  char keep[sizeof d->err];
  memcpy(keep, d->err, sizeof keep);
  reset(d);
  memcpy(d->err, keep, sizeof keep);
  return rc;
}

static int32_t begin(const idner_model *m, idner_doc *d, const idner_options **o,
                     idner_options *defaults) {
  if (!d) return IDNER_ERR_INVALID_ARG;
  reset(d);
  if (!m) {
    idner__fmt(d->err, sizeof d->err, "model is NULL");
    return IDNER_ERR_INVALID_ARG;
  }
  if (!*o) {
    idner_options_init(defaults);
    *o = defaults;
  }
  int32_t rc = check_options(d, *o);
  if (!rc && (*o)->profile > idner_model_profile_count(m)) {
    idner__fmt(d->err, sizeof d->err, "options.profile %u: the model has %u profiles",
               (unsigned)(*o)->profile, (unsigned)idner_model_profile_count(m));
    rc = IDNER_ERR_INVALID_ARG;
  }
  return rc;
}

int32_t idner_analyze(const idner_model *m, idner_doc *d, const char *text, size_t len,
                      const idner_options *o) {
  idner_options defaults;
  int32_t rc = begin(m, d, &o, &defaults);
  if (rc) return d ? finish(d, rc) : rc;
  if (!text && len) {
    idner__fmt(d->err, sizeof d->err, "text is NULL but len is %zu", len);
    return finish(d, IDNER_ERR_INVALID_ARG);
  }
  if (len > IDNER_MAX_INPUT) {
    idner__fmt(d->err, sizeof d->err, "input of %zu bytes exceeds IDNER_MAX_INPUT", len);
    return finish(d, IDNER_ERR_TOO_LARGE);
  }
  d->text = text ? text : "";
  d->text_len = len;
  size_t bad = 0;
  int strict = (o->flags & IDNER_FLAG_STRICT_UTF8) != 0;
  /* the recognizers need the folds: made while the tokenizer has the bytes */
  idner__foldout fo = {&d->fold, &d->fold_off, &d->fold_hash, &d->fold_plain,
                       o->types ? idner__dates_marks(m->dates) : NULL};
  rc = o->types ? idner__tokenize_split_fold(d->text, len, strict, &d->toks, &bad, &d->nsent, &fo)
                : idner__tokenize_split(d->text, len, strict, &d->toks, &bad, &d->nsent);
  if (rc == IDNER_ERR_INVALID_UTF8)
    idner__fmt(d->err, sizeof d->err, "invalid UTF-8 at byte %zu", bad);
  if (!rc) rc = run_pipeline(m, d, o);
  return finish(d, rc);
}

/* Builds the virtual text (tokens joined by ' ', sentences by '\n') and the
 * token records for pre-tokenized input. */
static int32_t build_tokens(idner_doc *d, const char *const *tokens, const size_t *lens,
                            size_t n, const uint8_t *starts, int strict) {
  int32_t rc;
  d->joined.n = 0;
  if ((rc = IDNER__RESERVE(&d->toks, n ? n : 1))) return rc;
  uint64_t chars = 0;
  uint32_t sent = 0;
  for (size_t i = 0; i < n; i++) {
    if (!tokens[i] || lens[i] == 0) {
      idner__fmt(d->err, sizeof d->err, "token %zu is NULL or empty", i);
      return IDNER_ERR_INVALID_ARG;
    }
    int new_sent = i > 0 && starts && starts[i];
    if (i > 0) {
      sent += (uint32_t)new_sent;
      if ((rc = idner__bytes_append(&d->joined, new_sent ? "\n" : " ", 1))) return rc;
      chars++;
    }
    if (lens[i] > IDNER_MAX_INPUT || d->joined.n + lens[i] > IDNER_MAX_INPUT) {
      idner__fmt(d->err, sizeof d->err, "joined tokens exceed IDNER_MAX_INPUT bytes");
      return IDNER_ERR_TOO_LARGE;
    }
    idner_token *t = &d->toks.v[i];
    memset(t, 0, sizeof *t);
    t->byte_start = (uint32_t)d->joined.n;
    t->char_start = (uint32_t)chars;
    for (size_t k = 0; k < lens[i];) {
      int32_t cp;
      k += idner__utf8_decode(tokens[i], lens[i], k, &cp);
      if (cp < 0 && strict) {
        idner__fmt(d->err, sizeof d->err, "invalid UTF-8 in token %zu", i);
        return IDNER_ERR_INVALID_UTF8;
      }
      chars++;
    }
    if ((rc = idner__bytes_append(&d->joined, tokens[i], lens[i]))) return rc;
    t->byte_end = (uint32_t)d->joined.n;
    t->char_end = (uint32_t)chars;
    idner__classify_token(tokens[i], lens[i], &t->kind, &t->flags);
    t->sentence = sent;
    if (i == 0 || new_sent) t->flags |= IDNER_SHAPE_SENT_START;
  }
  d->toks.n = n;
  d->nsent = n ? sent + 1 : 0;
  return IDNER_OK;
}

int32_t idner_analyze_tokens(const idner_model *m, idner_doc *d, const char *const *tokens,
                             const size_t *lens, size_t n, const uint8_t *sentence_starts,
                             const idner_options *o) {
  idner_options defaults;
  int32_t rc = begin(m, d, &o, &defaults);
  if (rc) return d ? finish(d, rc) : rc;
  if (n && (!tokens || !lens)) {
    idner__fmt(d->err, sizeof d->err, "tokens or lens is NULL with n = %zu", n);
    return finish(d, IDNER_ERR_INVALID_ARG);
  }
  /* n tokens join into at least 2n - 1 bytes: refuse a count that cannot
   * fit before reserving n records or reading the arrays */
  if (n > ((size_t)IDNER_MAX_INPUT + 1) / 2) {
    idner__fmt(d->err, sizeof d->err, "%zu tokens exceed IDNER_MAX_INPUT joined bytes", n);
    return finish(d, IDNER_ERR_TOO_LARGE);
  }
  rc = build_tokens(d, tokens, lens, n, sentence_starts, (o->flags & IDNER_FLAG_STRICT_UTF8) != 0);
  if (!rc) {
    d->text = d->joined.v ? d->joined.v : "";
    d->text_len = d->joined.n;
    rc = run_pipeline(m, d, o);
  }
  return finish(d, rc);
}

int32_t idner__featurize_tokens(const idner_model *m, idner_doc *d, const char *const *tokens,
                                const size_t *lens, size_t n, const uint8_t *sentence_starts,
                                uint32_t feature_groups, uint32_t profile,
                                const struct idner__seqmodel *classes) {
  reset(d);
  int32_t rc = build_tokens(d, tokens, lens, n, sentence_starts, 0);
  if (rc) return rc;
  d->text = d->joined.v ? d->joined.v : "";
  d->text_len = d->joined.n;
  idner__refdate ref = {0, 0, 0};
  if ((rc = run_evidence(m, d, &ref))) return rc;
  return idner__extract_features(d, feature_groups, profile, classes, 0);
}

/* ---- results ------------------------------------------------------------ */

uint32_t idner_doc_token_count(const idner_doc *d) { return d ? (uint32_t)d->toks.n : 0; }
const idner_token *idner_doc_tokens(const idner_doc *d) { return d ? d->toks.v : NULL; }
uint32_t idner_doc_sentence_count(const idner_doc *d) { return d ? d->nsent : 0; }
uint32_t idner_doc_entity_count(const idner_doc *d) { return d ? (uint32_t)d->ents.n : 0; }
const idner_entity *idner_doc_entities(const idner_doc *d) { return d ? d->ents.v : NULL; }

const char *idner_doc_strings(const idner_doc *d, uint32_t *len) {
  if (len) *len = d ? (uint32_t)d->strings.n : 0;
  return d && d->strings.v ? d->strings.v : "";
}

const char *idner_doc_text(const idner_doc *d, uint32_t *len) {
  if (len) *len = d ? (uint32_t)d->text_len : 0;
  return d && d->text ? d->text : "";
}
