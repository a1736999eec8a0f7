/* doc.h — the per-call document: tokens, evidence, candidates and results,
 * all in buffers that grow and are reused across calls (api.c owns the
 * lifecycle; recognize.c and decode.c fill it). */
#ifndef IDNER_DOC_H
#define IDNER_DOC_H

#include "dates.h"
#include "fold.h"
#include "gazetteer.h"
#include "model.h"

/* A candidate span proposed by a recognizer; the decoder picks a flat,
 * non-overlapping subset with the largest total weight. */
typedef struct idner__cand {
  uint32_t start, end;   /* token span, half-open */
  uint32_t type;         /* IDNER_TYPE_*, or IDNER_TYPE_NONE for a blocker */
  uint32_t evidence;     /* IDNER_EV_* */
  double weight;         /* per token; the span scores weight * length */
  /* canonical value: its offset in the model's gazetteer pool
   * (idner__gz_string), IDNER__NO_VALUE for none; the string is read only
   * for the spans emitted (decode.c, cand_value) */
  uint32_t value_off;
  int32_t date_hit;      /* index into doc->dates for DATE/TIME, else -1 */
} idner__cand;
#define IDNER__NO_VALUE 0u /* the pool's empty string */
_Static_assert(sizeof(idner__cand) == 32, "a candidate's size: the decoder moves them");

typedef struct idner__candvec {
  idner__cand *v;
  size_t n, cap;
} idner__candvec;

/* Longest gazetteer match of each class starting at a token. Only the
 * entity classes (PER..LOC) carry a value, so only their entries are kept:
 * a small record is cheap to clear for every token. */
typedef struct idner__tokev {
  uint8_t len[IDNER__GZ_NCLASSES];   /* 0 = no match */
  uint8_t in_date;      /* inside a DATE/TIME hit of the date grammar */
  uint8_t pattern_len;  /* longest ORG/LOC name-pattern span starting here */
  uint8_t name_tok;     /* could be part of a person's name (recognize.c, is_name_token) */
  uint16_t classes;     /* bit c set when len[c] != 0: one test for several classes */
  uint32_t entry[IDNER__GZ_LOC - IDNER__GZ_PER + 1]; /* by class - IDNER__GZ_PER */
} idner__tokev;
_Static_assert(IDNER__GZ_NCLASSES <= 16, "idner__tokev.classes has a bit per class");

typedef struct idner__alias {
  uint64_t hash;   /* recognize.c span_key: its folded forms back to back, and ntok */
  uint64_t first;  /* fold hash of its first token */
  uint32_t start;  /* its first token where learned */
  uint32_t ntok;
  uint32_t type;
  /* a NAT acronym's ISO code (the nation's value_off): its propagated
   * mentions need one too; IDNER__NO_VALUE for every other alias */
  uint32_t value_off;
} idner__alias;

typedef struct idner__formcount {
  uint64_t hash;  /* folded form hash | 1; 0 = empty slot */
  uint32_t capmid, lower;
  uint32_t cand_types;  /* candidate types (B) over all occurrences */
} idner__formcount;

struct idner__tagcache;

struct idner_doc {
  idner__tokvec toks;
  uint32_t nsent;
  const char *text;   /* analyzed text (caller's or joined) */
  size_t text_len;
  idner__bytes joined;  /* virtual text for pre-tokenized input */

  idner__bytes fold;    /* folded token forms */
  /* per token (idner__fold_hash_tokens); fold_off.n is 1 + the tokens
   * folded so far, set when the tokenizer folded them (0: not yet) */
  idner__u32vec fold_off;
  idner__u64vec fold_hash;
  idner__u8vec fold_plain;
  /* per token, idner__fnv of its form: the sequence model's key for it
   * (seqfeatures.c), made only when the model runs */
  idner__u64vec fold_fnv;
  struct { idner__tokev *v; size_t n, cap; } ev;
  /* recognize.c: tokens some gazetteer rule starts at */
  struct { uint32_t *v; size_t n, cap; } rule_toks;
  struct { uint32_t *v; size_t n, cap; } cue_toks;  /* recognize.c: tokens after a context cue */
  struct { uint32_t *v; size_t n, cap; } name_toks; /* recognize.c: tokens with name_tok set */
  struct { uint32_t *v; size_t n, cap; } url_toks;  /* recognize.c: IDNER_TOK_URL tokens */
  struct { uint32_t *v; size_t n, cap; } cap_toks;  /* recognize.c: capitalized tokens */

  idner__datehits dates;
  idner__datescratch *date_scratch;

  idner__candvec cands;
  idner__candvec chosen;
  struct { double *v; size_t n, cap; } dp;
  struct { int32_t *v; size_t n, cap; } dp_pick;
  struct { uint32_t *v; size_t n, cap; } cand_end; /* decode.c: end of each start's candidates */
  struct { idner__alias *v; size_t n, cap; } aliases;
  struct { uint32_t *v; size_t n, cap; } alias_slots; /* hash index: alias + 1, then
                                                        * index_aliases' scratch */
  struct { uint64_t *v; size_t n, cap; } alias_firsts; /* recognize.c: by first token */
  size_t alias_nslots;

  /* sequence model scratch (seqfeatures.c, tagger.c) */
  struct { uint32_t *v; size_t n, cap; } feats;
  struct { uint32_t *v; size_t n, cap; } feat_off;
  struct { uint32_t *v; size_t n, cap; } gzmask;
  struct { uint32_t *v; size_t n, cap; } candmask;
  struct { struct idner__formcount *v; size_t n, cap; } formtab;
  size_t formtab_slots;
  struct { uint32_t *v; size_t n, cap; } formslot; /* token -> formtab slot; n: filled */
  struct { float *v; size_t n, cap; } scores;   /* n x labels emission scores */
  struct { uint8_t *v; size_t n, cap; } back;   /* Viterbi back-pointers */
  struct { uint8_t *v; size_t n, cap; } labels; /* decoded label per token */
  struct idner__tagcache *emcache;   /* tagging's caches (seqfeatures.c), lazily allocated */

  struct { idner_entity *v; size_t n, cap; } ents;
  idner__bytes strings;
  char err[512];
};

/* recognize.c: idner__fold_doc folds and hashes the tokens (d->fold ...),
 * with the date marks of marks (fold.h; NULL: none), before the date
 * grammar, which looks up its trigger words by them; a no-op when the
 * tokenizer already did (idner_analyze: fold_off.n, with the same marks). */
int32_t idner__fold_doc(idner_doc *d, const idner__datemark *marks);
int32_t idner__compute_evidence(const idner_model *m, idner_doc *d);
int32_t idner__recognize(const idner_model *m, idner_doc *d);
int32_t idner__recognize_second_pass(const idner_model *m, idner_doc *d);

/* Model mode: the sequence model's spans (d->labels) become candidates and
 * the weak rule candidates stay only as evidence (weight 0). In the default
 * profile exact nation names stay NAT whatever the model says; in a corpus
 * profile only where the model tags the same span. */
int32_t idner__apply_model(idner_doc *d, uint32_t profile);

/* api.c: the pipeline on pre-tokenized input up to the sequence model's
 * features (d->feats), for training. */
int32_t idner__featurize_tokens(const idner_model *m, idner_doc *d, const char *const *tokens,
                                const size_t *lens, size_t n, const uint8_t *sentence_starts,
                                uint32_t feature_groups, uint32_t profile,
                                const struct idner__seqmodel *classes);

/* decode.c */
int32_t idner__decode(idner_doc *d);
/* After idner__decode: reads the candidate runs it left (d->cand_end). */
int32_t idner__emit_entities(const idner_model *m, idner_doc *d, uint32_t types);

/* Accessors used by the recognizers. */
static inline const idner_token *idner__tok(const idner_doc *d, size_t i) {
  return &d->toks.v[i];
}

#endif
