/* recognize.c — recognizers: turn gazetteer, date-grammar and context
 * evidence into weighted candidate spans for the decoder. Each rule says
 * what it proposes and how much it is trusted (weights per token, so a
 * longer proper name outweighs the names nested in it). */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fold.h"
#include "tagger.h"

/* Per-token weights. A span scores weight * tokens; the decoder maximizes
 * the sum, so a 4-token ORG pattern (10) beats a nested NAT (3). */
#define W_BLOCK 6.0      /* NONE entries: names that are never tagged */
#define W_DATE 4.0
#define W_GAZ 3.0
#define W_TITLE_PER 2.8
#define W_PATTERN 2.5
#define W_PROPAGATED 2.4
#define W_NAMEPARTS 2.0
#define W_DOMAIN 2.0
#define W_CAPSRUN 1.2
#define W_CONTEXT 1.0
#define W_STRONG 12.0    /* datelines, initials, acronyms in parentheses */
#define W_MODEL 3.5      /* sequence model spans: above every weak rule */
#define W_MODEL_NAT 3.6  /* an exact nation name stays NAT over the model's LOC */
#define W_PATTERN_MODEL 1.5 /* name patterns fill in where the model sees nothing */

#define MAX_NAME 4       /* tokens in a person-name run */
#define MAX_ORG 8        /* tokens after an organization head */
#define MAX_LOC 4        /* tokens after a place head */
#define MAX_ALIAS 6      /* tokens in a propagated surface form */

/* ---- token predicates --------------------------------------------------- */

static size_t ntok(const idner_doc *d) { return d->toks.n; }
static const idner__tokev *ev(const idner_doc *d, size_t i) { return &d->ev.v[i]; }
static int has(const idner_doc *d, size_t i, int cls) { return (d->ev.v[i].classes >> cls) & 1u; }

#define BIT(cls) (1u << (cls))

/* Has token i a match of any class in the mask? */
static int has_any(const idner_doc *d, size_t i, unsigned mask) {
  return (d->ev.v[i].classes & mask) != 0;
}

static int same_sentence(const idner_doc *d, size_t i, size_t j) {
  return d->toks.v[i].sentence == d->toks.v[j].sentence;
}

/* 1 if token i folds to the ASCII word w. */
static int tok_is(const idner_doc *d, size_t i, const char *w) {
  size_t len = d->fold_off.v[i + 1] - d->fold_off.v[i];
  const char *f = d->fold.v + d->fold_off.v[i];
  if (len == 0 || f[0] != w[0]) return len == 0 && w[0] == '\0'; /* cheap reject */
  return strlen(w) == len && memcmp(f, w, len) == 0;
}

/* A word list for tok_in: each word with its length (no strlen per
 * test), ended by an entry with w == NULL. */
typedef struct { const char *w; size_t len; } word_len;
#define W(s) {s, sizeof s - 1}
#define WORDS_END {NULL, 0}

static int tok_in(const idner_doc *d, size_t i, const word_len *words) {
  size_t len = d->fold_off.v[i + 1] - d->fold_off.v[i];
  const char *f = d->fold.v + d->fold_off.v[i];
  if (len == 0) return 0; /* no list has an empty word */
  for (; words->w; words++)
    if (f[0] == words->w[0] && words->len == len && memcmp(f, words->w, len) == 0) return 1;
  return 0;
}

static int is_cap(const idner_token *t) {
  return (t->flags & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS)) != 0;
}

static int is_name_part(const idner_doc *d, size_t i) {
  return has_any(d, i, BIT(IDNER__GZ_GIVEN) | BIT(IDNER__GZ_SURNAME) | BIT(IDNER__GZ_PER));
}

/* An initial such as "M." (one letter and a period). */
static int is_initial(const idner_token *t) {
  return t->kind == IDNER_TOK_WORD && (t->flags & IDNER_SHAPE_HAS_PERIOD) &&
         (t->flags & IDNER_SHAPE_ALLCAPS) && t->char_end - t->char_start == 2;
}

/* Could token i be part of a person's name? Capitalized word, not a known
 * function word, title, place, nation or organization, not inside a date,
 * and not a sentence-initial common word ("Menurut"); or an initial. As
 * name_tokens (idner__recognize) left it in the record. */
static int is_name_token(const idner_doc *d, size_t i) { return d->ev.v[i].name_tok; }

static const word_len particles[] = {W("bin"), W("binti"), W("van"), W("von"), W("de"), W("der"),
                                     W("da"),  W("dos"),   W("al"),  W("el"),  W("la"), WORDS_END};

/* Length of the person-name run starting at i (0 if none): name tokens
 * and particles between two names, in i's sentence. */
static size_t name_run_slow(const idner_doc *d, size_t i) {
  size_t j = i, n = ntok(d);
  while (j < n && j - i < MAX_NAME && same_sentence(d, i, j)) {
    if (is_name_token(d, j)) { j++; continue; }
    /* a particle between two names ("Ali bin Hasan"); the cheaper tests first */
    if (j > i && j + 1 < n && same_sentence(d, j, j + 1) && is_name_token(d, j + 1) &&
        tok_in(d, j, particles)) {
      j += 2;
      continue;
    }
    break;
  }
  /* an initial cannot end a name ("kata M. Yusuf" ok, "Yusuf M." rare) */
  while (j > i && is_initial(&d->toks.v[j - 1]) && j - i > 1) j--;
  return j - i;
}

/* name_run_slow without a loop, whose exit, at a run's random length, is
 * a mispredicted branch: the first MAX_NAME tokens' name_tok and sentence
 * are read at once (record n reads as no match; a sentence past the last
 * token is read as the last's). The slow loop is needed only where a
 * particle may go on with the run, at a token short of MAX_NAME followed
 * by a name token. */
static size_t name_run(const idner_doc *d, size_t i) {
  _Static_assert(MAX_NAME == 4, "name_run counts up to 4 name tokens");
  const idner__tokev *x = d->ev.v;
  const idner_token *t = d->toks.v;
  size_t n = ntok(d), last = n - 1;
  size_t k1 = i + 1 < n ? i + 1 : n, k2 = i + 2 < n ? i + 2 : n, k3 = i + 3 < n ? i + 3 : n;
  uint32_t s = t[i].sentence;
  unsigned c0 = x[i].name_tok;
  unsigned c1 = c0 & x[k1].name_tok & (t[k1 < last ? k1 : last].sentence == s);
  unsigned c2 = c1 & x[k2].name_tok & (t[k2 < last ? k2 : last].sentence == s);
  unsigned c3 = c2 & x[k3].name_tok & (t[k3 < last ? k3 : last].sentence == s);
  size_t len = c0 + c1 + c2 + c3, j = i + len;
  /* after 1 to 3 name tokens, token j may be a particle between names */
  size_t k = j + 1 < n ? j + 1 : n;
  unsigned maybe = (len - 1 < MAX_NAME - 1) & (x[k].name_tok & 1u) &
                   (t[k < last ? k : last].sentence == s);
  if (maybe) return name_run_slow(d, i);
  while (j > i && is_initial(&t[j - 1]) && j - i > 1) j--;
  return j - i;
}

static int is_common_cap(const idner_doc *d, size_t i) {
  const idner_token *t = &d->toks.v[i];
  return t->kind == IDNER_TOK_WORD && (t->flags & IDNER_SHAPE_CAPITALIZED) &&
         has(d, i, IDNER__GZ_COMMON) && !is_name_part(d, i);
}

/* ---- candidates --------------------------------------------------------- */

static int32_t add(idner_doc *d, size_t s, size_t e, uint32_t type, uint32_t evid,
                   double w, uint32_t value_off, int32_t hit) {
  int32_t rc = IDNER__RESERVE(&d->cands, d->cands.n + 1);
  if (rc) return rc;
  idner__cand *c = &d->cands.v[d->cands.n++];
  c->start = (uint32_t)s;
  c->end = (uint32_t)e;
  c->type = type;
  c->evidence = evid;
  c->weight = w;
  c->value_off = value_off;
  c->date_hit = hit;
  return IDNER_OK;
}

/* The value of token i's longest match of entity class cls, as a pool
 * offset (doc.h, idner__cand.value_off): the entry is read, the string
 * only if the span is emitted. */
static uint32_t entry_value(const idner_model *m, const idner_doc *d, size_t i, int cls) {
  return idner__gz_entry_at(m->gz, ev(d, i)->entry[cls - IDNER__GZ_PER])->value_off;
}

/* ---- evidence ----------------------------------------------------------- */

int32_t idner__fold_doc(idner_doc *d, const idner__datemark *marks) {
  size_t n = ntok(d);
  int32_t rc;
  if (d->fold_off.n == n + 1) return IDNER_OK; /* the tokenizer folded them */
  if ((rc = IDNER__RESERVE(&d->fold_off, n + 1)) || (rc = IDNER__RESERVE(&d->fold_hash, n + 1)) ||
      (rc = IDNER__RESERVE(&d->fold_plain, n + 1)))
    return rc;
  return idner__fold_hash_tokens(d->text, d->toks.v, n, &d->fold, d->fold_off.v, d->fold_hash.v,
                                 d->fold_plain.v, marks);
}

static idner__gz_tokens gz_view(const idner_doc *d) {
  idner__gz_tokens t = {d->text, d->toks.v, d->toks.n, d->fold.v, d->fold_off.v, d->fold_hash.v};
  return t;
}

static int entity_class(int cls) { return cls >= IDNER__GZ_PER && cls <= IDNER__GZ_LOC; }

/* A cheap reject before idner__gz_matches_after_first: the entry's second
 * token (after its first, which equals token i's form) must have token
 * i + 1's fold hash, of which the entry keeps 16 bits (the pool is read at
 * random, the entries of a chain lie together). */
static int second_may_match(const idner__gz_entry *e, const idner__gz_tokens *t, size_t i) {
  return i + 1 < t->n && e->second_tag == IDNER__GZ_TAG(t->fold_hash[i + 1]);
}

/* x->len[c] = 1 for each class bit c in cls (classes 0 to 14), without a
 * branch: seven bits at a time go to seven bytes by one multiplication (bit
 * j lands on bit j + 7k for every k, only j = k on a byte's lowest bit; no
 * two (j, k) share a bit, so nothing carries). */
static void set_len_one(idner__tokev *x, unsigned cls) {
  _Static_assert(sizeof x->len >= 15, "a length per class");
  const uint64_t spread = 0x0000040810204081u, low = 0x0001010101010101u;
  uint64_t a = ((cls & 0x7Fu) * spread) & low, b = ((cls >> 7 & 0x7Fu) * spread) & low;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(x->len, &a, 8);     /* bytes 0..6, and 0 for byte 7 */
  memcpy(x->len + 7, &b, 8); /* bytes 7..13, and 0 for byte 14 */
#else
  for (int k = 0; k < 7; k++) {
    x->len[k] = (uint8_t)(a >> 8 * k);
    x->len[7 + k] = (uint8_t)(b >> 8 * k);
  }
#endif
  x->len[14] = (uint8_t)(cls >> 14 & 1u);
}

/* Clears token i's record and fills in its gazetteer matches. An entry is
 * only matched when the outcome could change the record: not when it is
 * shorter than the match already kept for its class, nor when an ambiguous
 * entity name at a sentence start would be skipped anyway. The chain's
 * first token is compared once (idner__gz_head_matches); an entry that
 * shares it (IDNER__GZQ_SAME_FIRST) then needs only its case and later
 * tokens checked, a one-word one its case alone. A summed-up chain
 * (IDNER__GZS_VALID) gives its one-word classes from the slot and is
 * walked only when its filter lets token i + 1 through (walking its
 * one-word entries again changes nothing: they set the same lengths). */
static void record_matches(const idner__gz_index *gx, const idner__gazetteer *gz, idner__tokev *x,
                           const idner__gz_tokens *t, size_t i, const idner__gz_slot *sl) {
  memset(x, 0, sizeof *x);
  if (!sl) return;
  uint32_t head = sl->head, flags = t->toks[i].flags;
  /* ~0u if token i starts upper-case, else 0 */
  unsigned upper = 0u - ((flags & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS)) != 0);
  int first_ok = idner__gz_head_matches(gx, sl, t, i);
  if (sl->summary & IDNER__GZS_VALID) {
    if (!first_ok) return;
    /* without branches: how many classes, and which, varies at random */
    unsigned cls = IDNER__GZS_ANY(sl->summary) | (IDNER__GZS_UPPER(sl->summary) & upper);
    if (sl->summary & IDNER__GZS_HEAD_ENTITY) { /* the head entry: the one entity name */
      const unsigned entity_bits = BIT(IDNER__GZ_PER) | BIT(IDNER__GZ_NAT) | BIT(IDNER__GZ_ORG) |
                                   BIT(IDNER__GZ_LOC);
      if ((sl->summary & IDNER__GZS_HEAD_AMBIG) && (flags & IDNER_SHAPE_SENT_START))
        cls &= ~entity_bits;
      if (cls & entity_bits) x->entry[__builtin_ctz(cls & entity_bits) - IDNER__GZ_PER] = head;
      /* its candidate reads the entry's value (entry_value): unlike a
       * walked entry, this one is not in cache yet */
      __builtin_prefetch(&gx->v[head]);
    }
    x->classes = (uint16_t)cls;
    set_len_one(x, cls);
    if (i + 1 >= t->n || !IDNER__GZS_WALK(sl->hash, t->fold_hash[i + 1])) return;
  }
  /* entries skipped outright: ambiguous entity names at a sentence start */
  unsigned skip = (flags & IDNER_SHAPE_SENT_START) ? IDNER__GZQ_AMBIG_ENTITY : 0u;
  /* a one-word entry matches when its case does: q & case_ok != 0 */
  unsigned case_ok = upper | IDNER__GZQ_ANYCASE;
  /* a chain's entries lie one after another (idner__gz_entry.next) */
  uint32_t k = head - 1; /* unsigned: wraps */
  do {
    const idner__gz_entry *e = &gx->v[++k];
    unsigned q = e->quick;
    if ((q & skip) || e->ntok < x->len[e->cls]) continue;
    int ok;
    if (q & IDNER__GZQ_ONE)
      ok = first_ok && (q & case_ok);
    else if (q & IDNER__GZQ_SAME_FIRST)
      ok = first_ok && second_may_match(e, t, i) &&
           idner__gz_matches_after_first(gx, e, t, i);
    else
      ok = e->ntok <= 255 && idner__gz_matches(gz, e, t, i);
    if (!ok) continue;
    x->len[e->cls] = (uint8_t)e->ntok;
    x->classes |= (uint16_t)BIT(e->cls);
    if (entity_class(e->cls)) x->entry[e->cls - IDNER__GZ_PER] = k;
  } while (gx->v[k].next != UINT32_MAX);
}

int32_t idner__compute_evidence(const idner_model *m, idner_doc *d) {
  size_t n = ntok(d);
  int32_t rc = IDNER__RESERVE(&d->ev, n + 1); /* d->fold ... filled by idner__fold_doc */
  if (rc) return rc;
  memset(&d->ev.v[n], 0, sizeof d->ev.v[n]); /* the record past the end reads as no match */
  idner__gz_tokens t = gz_view(d);
  idner__gz_index gx;
  idner__gz_index_of(m->gz, &gx);
  /* The index is MBs, read at random: ask for token i + AHEAD's slot
   * while token i is matched (a slot asked for 8 tokens ahead had often
   * not arrived yet; 12, 24 and 32 measured no better, no prefetch at all
   * nearly doubles this step). Measured no faster: 16-bit fingerprints in
   * cache-line buckets (128 KB) over slots packed back to back (1.2 MB):
   * the bucket read and ~70 more instructions a token cost more than the
   * lines saved; a one-bit Bloom filter of the chains (32 or 128 KB) in
   * front of the index: its word is one more random read; the index in
   * huge pages; picking a line's slot without a branch (186k -> 144k
   * mispredicts a corpus pass, 3.5 M more instructions). */
  enum { AHEAD = 16 };
  for (size_t i = 0; i < n; i++) {
    if (i + AHEAD < n) __builtin_prefetch(idner__gz_slot_home(&gx, t.fold_hash[i + AHEAD]));
    record_matches(&gx, m->gz, &d->ev.v[i], &t, i, idner__gz_slot_of(&gx, t.fold_hash[i]));
  }
  for (size_t h = 0; h < d->dates.n; h++)
    for (uint32_t i = d->dates.v[h].tok_start; i < d->dates.v[h].tok_end; i++) d->ev.v[i].in_date = 1;
  return IDNER_OK;
}

/* ---- rules -------------------------------------------------------------- */

/* The classes the gazetteer-led rules start at (rule_gazetteer,
 * rule_name_patterns, rule_org_tail, rule_title_person): they visit only
 * d->rule_toks, the tokens with one of them, in order. */
#define RULE_CLASSES                                                                       \
  (BIT(IDNER__GZ_PER) | BIT(IDNER__GZ_NAT) | BIT(IDNER__GZ_ORG) | BIT(IDNER__GZ_LOC) |     \
   BIT(IDNER__GZ_NONE) | BIT(IDNER__GZ_ORG_HEAD) | BIT(IDNER__GZ_LOC_HEAD) |              \
   BIT(IDNER__GZ_ORG_TAIL) | BIT(IDNER__GZ_TITLE))

/* Context words (rule_context): initials after "berinisial" are a person;
 * an unknown capitalized name after "di"/"ke"/"dari" is most often a place. */
enum { CUE_NONE, CUE_LANGUAGE, CUE_INITIALS, CUE_PLACE };
#define CUE(w, kind) {w, sizeof w - 1, kind}
static const struct { const char *w; size_t len; int kind; } k_cues[] = {
    CUE("bahasa", CUE_LANGUAGE), CUE("berbahasa", CUE_LANGUAGE), CUE("berinisial", CUE_INITIALS),
    CUE("inisial", CUE_INITIALS), CUE("di", CUE_PLACE), CUE("ke", CUE_PLACE),
    CUE("dari", CUE_PLACE)};
#undef CUE

static int cue_of(const idner_doc *d, size_t i);

#define NCUES (sizeof k_cues / sizeof *k_cues)

/* The cue words' fold hashes in a perfect hash table: bucket (h * mul) >>
 * 60 of a word's hash h holds h and the word's index + 1, and mul is
 * chosen (from a fixed sequence) so that no two words share a bucket. A
 * token is then a cue candidate when its bucket holds its own hash: one
 * multiplication and one comparison. */
typedef struct {
  uint64_t mul;
  uint64_t hash[16];
  uint8_t word[16]; /* k_cues index + 1; 0: empty */
  int slow;         /* no mul found (equal hashes): compare all */
} cue_set;

/* 0x9E3779B97F4A7C15 + 7 * 0x9E3779B97F4A7C16 (mod 2^64). */
static const uint64_t k_cue_mul = 0xF1BBCDCBFA53E0AFull;

static size_t cue_bucket(const cue_set *c, uint64_t h) { return (size_t)((h * c->mul) >> 60); }

static void cue_set_init(cue_set *c) {
  uint64_t h[NCUES];
  for (size_t k = 0; k < NCUES; k++) h[k] = idner__hash(k_cues[k].w, k_cues[k].len);
  /* k_cue_mul is the sequence's first multiplier that works for these
   * words (found by the search below): starting there spares the failed
   * tries and their clearing, once per document */
  c->mul = k_cue_mul;
  c->slow = 1;
  for (int tries = 0; tries < 4096 && c->slow; tries++, c->mul += 0x9E3779B97F4A7C16ull) {
    memset(c->hash, 0, sizeof c->hash);
    memset(c->word, 0, sizeof c->word);
    size_t k = 0;
    for (; k < NCUES && !c->word[cue_bucket(c, h[k])]; k++) {
      c->word[cue_bucket(c, h[k])] = (uint8_t)(k + 1);
      c->hash[cue_bucket(c, h[k])] = h[k];
    }
    if (k == NCUES) {
      c->slow = 0;
      break; /* keep this mul */
    }
  }
}

/* Is token i (fold hash h) a cue word? Its bucket's hash, then its bytes. */
static int is_cue(const idner_doc *d, const cue_set *c, size_t i, uint64_t h) {
  size_t len = d->fold_off.v[i + 1] - d->fold_off.v[i];
  const char *f = d->fold.v + d->fold_off.v[i];
  if (c->slow) {
    for (size_t k = 0; k < NCUES; k++)
      if (k_cues[k].len == len && memcmp(f, k_cues[k].w, len) == 0) return 1;
    return 0;
  }
  size_t b = cue_bucket(c, h);
  if (c->hash[b] != h || !c->word[b]) return 0;
  size_t k = c->word[b] - 1u;
  return k_cues[k].len == len && memcmp(f, k_cues[k].w, len) == 0;
}

/* Gazetteer classes that keep a capitalized word out of a person's name. */
#define NOT_NAME_CLASSES                                                                   \
  (BIT(IDNER__GZ_NAT) | BIT(IDNER__GZ_LOC) | BIT(IDNER__GZ_ORG) | BIT(IDNER__GZ_STOP) |    \
   BIT(IDNER__GZ_TITLE) | BIT(IDNER__GZ_DEGREE) | BIT(IDNER__GZ_NONE))
#define NAME_PART_CLASSES (BIT(IDNER__GZ_GIVEN) | BIT(IDNER__GZ_SURNAME) | BIT(IDNER__GZ_PER))

/* name_tokens' first pass, over every token: d->cue_toks, d->url_toks,
 * d->rule_toks and d->cap_toks (name_tok is 0: compute_evidence clears
 * each record, just before the rules). slow: cues->slow
 * (a constant in each inlined copy, so the test leaves the loop). */
static inline void scan_tokens(idner_doc *d, const cue_set *cues, int slow) {
  size_t n = ntok(d), nr = 0, ncap = 0;
  uint32_t *rule = d->rule_toks.v, *cap = d->cap_toks.v;
  const idner_token *t = d->toks.v;
  idner__tokev *x = d->ev.v;
  const uint64_t *hash = d->fold_hash.v;
  uint32_t *cue = d->cue_toks.v;
  size_t ncue = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t f = t[i].flags;
    /* a cue word (rare: a branch) whose next token is in its sentence */
    if ((slow || cues->hash[cue_bucket(cues, hash[i])] == hash[i]) &&
        is_cue(d, cues, i, hash[i]) && i + 1 < n && t[i + 1].sentence == t[i].sentence)
      cue[ncue++] = (uint32_t)i + 1;
    if (t[i].kind == IDNER_TOK_URL) d->url_toks.v[d->url_toks.n++] = (uint32_t)i;
    rule[nr] = cap[ncap] = (uint32_t)i;
    nr += (x[i].classes & RULE_CLASSES) != 0;
    ncap += (f & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS)) != 0;
  }
  d->cue_toks.n = ncue;
  d->rule_toks.n = nr;
  d->cap_toks.n = ncap;
}

/* One pass before the rules: each token's name_tok, and the token lists
 * the rules visit instead of every token, in order: d->rule_toks,
 * d->cue_toks (the tokens rule_context starts at: after a cue word in the
 * same sentence), d->name_toks, d->url_toks and d->cap_toks (for the second
 * pass). The frequent tests are computed without branches (is_name_token
 * as one expression, a list grown by its test's 0 or 1): which way they go
 * depends on the text, and mispredicted branches cost more than the
 * arithmetic. */
static int32_t name_tokens(idner_doc *d) {
  size_t n = ntok(d);
  int32_t rc;
  if ((rc = IDNER__RESERVE(&d->rule_toks, n + 1)) || (rc = IDNER__RESERVE(&d->cue_toks, n + 1)) ||
      (rc = IDNER__RESERVE(&d->name_toks, n + 1)) || (rc = IDNER__RESERVE(&d->url_toks, n + 1)) ||
      (rc = IDNER__RESERVE(&d->cap_toks, n + 1)))
    return rc;
  cue_set cues;
  cue_set_init(&cues);
  d->url_toks.n = 0;
  if (cues.slow) scan_tokens(d, &cues, 1);
  else scan_tokens(d, &cues, 0);
  uint32_t *name = d->name_toks.v, *cap = d->cap_toks.v;
  size_t nn = 0, ncap = d->cap_toks.n;
  const idner_token *t = d->toks.v;
  idner__tokev *x = d->ev.v;
  /* Could it be part of a person's name (is_name_token)? A word that is
   * capitalized, without a period, not all capitals past one letter, not
   * in a date, with no class that rules a name out, and not a common word
   * opening its sentence; or an initial. Either has a capital letter: only
   * the tokens of d->cap_toks are asked. */
  for (size_t r = 0; r < ncap; r++) {
    size_t i = cap[r];
    uint32_t f = t[i].flags;
    unsigned cls = x[i].classes;
    unsigned word = t[i].kind == IDNER_TOK_WORD, chars = t[i].char_end - t[i].char_start;
    unsigned shape = f & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS | IDNER_SHAPE_HAS_PERIOD);
    unsigned cased = (shape == IDNER_SHAPE_CAPITALIZED) |
                     ((shape == (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS)) & (chars <= 1));
    unsigned initial = ((shape & (IDNER_SHAPE_ALLCAPS | IDNER_SHAPE_HAS_PERIOD)) ==
                        (IDNER_SHAPE_ALLCAPS | IDNER_SHAPE_HAS_PERIOD)) & (chars == 2);
    unsigned common_start = ((f & IDNER_SHAPE_SENT_START) != 0) &
                            (cls >> IDNER__GZ_COMMON & 1u) & ((cls & NAME_PART_CLASSES) == 0);
    unsigned nt = word & ((cased & (x[i].in_date == 0) & ((cls & NOT_NAME_CLASSES) == 0) &
                           !common_start) | initial);
    x[i].name_tok = (uint8_t)nt;
    name[nn] = (uint32_t)i;
    nn += nt;
  }
  d->name_toks.n = nn;
  return IDNER_OK;
}

static int32_t rule_gazetteer(const idner_model *m, idner_doc *d) {
  /* PER, NAT, ORG, LOC in that order: the set bits of classes, lowest
   * first (a loop over the few set, not a test of each) */
  const unsigned entities = BIT(IDNER__GZ_PER) | BIT(IDNER__GZ_NAT) | BIT(IDNER__GZ_ORG) |
                            BIT(IDNER__GZ_LOC);
  _Static_assert(IDNER__GZ_PER < IDNER__GZ_NAT && IDNER__GZ_NAT < IDNER__GZ_ORG &&
                     IDNER__GZ_ORG < IDNER__GZ_LOC, "rule_gazetteer adds in class order");
  for (size_t r = 0; r < d->rule_toks.n; r++) {
    size_t i = d->rule_toks.v[r];
    unsigned cls = d->ev.v[i].classes;
    for (unsigned set = cls & entities; set; set &= set - 1) {
      int c = idner__lowest_bit(set);
      int32_t rc = add(d, i, i + ev(d, i)->len[c], (uint32_t)c, IDNER_EV_GAZETTEER, W_GAZ,
                       entry_value(m, d, i, c), -1);
      if (rc) return rc;
    }
    if (cls & BIT(IDNER__GZ_NONE)) {
      int32_t rc = add(d, i, i + ev(d, i)->len[IDNER__GZ_NONE], IDNER_TYPE_NONE,
                       IDNER_EV_GAZETTEER, W_BLOCK, IDNER__NO_VALUE, -1);
      if (rc) return rc;
    }
  }
  return IDNER_OK;
}

static int32_t rule_dates(idner_doc *d) {
  for (size_t h = 0; h < d->dates.n; h++) {
    const idner__date_hit *x = &d->dates.v[h];
    int32_t rc = add(d, x->tok_start, x->tok_end, x->type, IDNER_EV_DATE_RULE, W_DATE,
                     IDNER__NO_VALUE, (int32_t)h);
    if (rc) return rc;
  }
  return IDNER_OK;
}

static const word_len connectors[] = {W("dan"), W("&"), W("untuk"), W("bagi"), W("urusan"),
                                      WORDS_END};

/* Extent of an organization name after its head at [i, j): capitalized
 * words, acronyms and connectors, ending after a nation or place (a person
 * often follows: "Dewan Keamanan Rusia Nikolai Patrushev") or a tail. */
static size_t org_extent(const idner_doc *d, size_t i, size_t j) {
  size_t n = ntok(d), end = j;
  while (end < n && end - j < MAX_ORG && same_sentence(d, i, end)) {
    const idner_token *t = &d->toks.v[end];
    if (ev(d, end)->in_date || has(d, end, IDNER__GZ_PER)) break;
    if (has(d, end, IDNER__GZ_ORG_TAIL)) { end += ev(d, end)->len[IDNER__GZ_ORG_TAIL]; break; }
    if (has(d, end, IDNER__GZ_NAT) || has(d, end, IDNER__GZ_LOC)) {
      size_t l = ev(d, end)->len[IDNER__GZ_NAT] > ev(d, end)->len[IDNER__GZ_LOC]
                     ? ev(d, end)->len[IDNER__GZ_NAT] : ev(d, end)->len[IDNER__GZ_LOC];
      end += l;
      break;
    }
    if (is_cap(t) && (t->kind == IDNER_TOK_WORD || t->kind == IDNER_TOK_NUMBER ||
                      t->kind == IDNER_TOK_URL)) { end++; continue; }
    /* a tail in parentheses: "PT Pertamina (Persero)" */
    if (end > j && end + 2 < n && tok_is(d, end, "(") && has(d, end + 1, IDNER__GZ_ORG_TAIL) &&
        tok_is(d, end + 2, ")") && same_sentence(d, end, end + 2)) { end += 3; break; }
    if (end > j && end + 1 < n && is_cap(&d->toks.v[end + 1]) && same_sentence(d, end, end + 1) &&
        tok_in(d, end, connectors)) { end++; continue; }
    break;
  }
  return end;
}

/* Extent of a place name after its head: capitalized words only. */
static size_t loc_extent(const idner_doc *d, size_t i, size_t j) {
  size_t n = ntok(d), end = j;
  while (end < n && end - j < MAX_LOC && same_sentence(d, i, end)) {
    const idner_token *t = &d->toks.v[end];
    if (ev(d, end)->in_date || !is_cap(t)) break;
    if (t->kind != IDNER_TOK_WORD && t->kind != IDNER_TOK_NUMBER) break;
    end++;
  }
  return end;
}

static int32_t rule_name_patterns(idner_doc *d) {
  for (size_t r = 0; r < d->rule_toks.n; r++) {
    size_t i = d->rule_toks.v[r];
    size_t ho = ev(d, i)->len[IDNER__GZ_ORG_HEAD], hl = ev(d, i)->len[IDNER__GZ_LOC_HEAD];
    int32_t rc = IDNER_OK;
    if (ho) {
      size_t end = org_extent(d, i, i + ho);
      /* extending a known organization ("Kementerian Luar Negeri" +
       * "Rusia") must outweigh the known name plus the nested nation */
      size_t known = ev(d, i)->len[IDNER__GZ_ORG];
      double w = known && end > i + known ? W_GAZ + 0.2 : W_PATTERN;
      if (end > i + ho) {
        rc = add(d, i, end, IDNER_TYPE_ORG, IDNER_EV_PATTERN, w, IDNER__NO_VALUE, -1);
        if (end - i > d->ev.v[i].pattern_len) d->ev.v[i].pattern_len = (uint8_t)(end - i > 255 ? 255 : end - i);
      }
    }
    if (!rc && hl) {
      size_t end = loc_extent(d, i, i + hl);
      if (end > i + hl) {
        rc = add(d, i, end, IDNER_TYPE_LOC, IDNER_EV_PATTERN, W_PATTERN, IDNER__NO_VALUE, -1);
        if (end - i > d->ev.v[i].pattern_len) d->ev.v[i].pattern_len = (uint8_t)(end - i > 255 ? 255 : end - i);
      }
    }
    if (rc) return rc;
  }
  return IDNER_OK;
}

/* "PT Bank Central Asia Tbk": a capitalized run that ends in a tail. */
static int32_t rule_org_tail(idner_doc *d) {
  for (size_t r = 0; r < d->rule_toks.n; r++) {
    size_t i = d->rule_toks.v[r];
    if (i == 0 || !has(d, i, IDNER__GZ_ORG_TAIL)) continue;
    size_t s = i;
    while (s > 0 && i - s < MAX_ORG && same_sentence(d, s - 1, i) && is_cap(&d->toks.v[s - 1]) &&
           d->toks.v[s - 1].kind == IDNER_TOK_WORD && !ev(d, s - 1)->in_date)
      s--;
    if (s < i) {
      int32_t rc = add(d, s, i + ev(d, i)->len[IDNER__GZ_ORG_TAIL], IDNER_TYPE_ORG,
                       IDNER_EV_PATTERN, W_PATTERN, IDNER__NO_VALUE, -1);
      if (rc) return rc;
    }
  }
  return IDNER_OK;
}

/* Longest nation/place/organization evidence starting at j. */
static size_t entity_len_at(const idner_doc *d, size_t j) {
  size_t l = ev(d, j)->pattern_len;
  for (int c = IDNER__GZ_NAT; c <= IDNER__GZ_LOC; c++)
    if (ev(d, j)->len[c] > l) l = ev(d, j)->len[c];
  return l;
}

/* Title or role, then optional nation/place/organization/role words, then
 * a name: "Menteri Luar Negeri China Wang Yi", "Presiden AS Joe Biden". */
static int32_t rule_title_person(idner_doc *d) {
  size_t n = ntok(d);
  for (size_t r = 0; r < d->rule_toks.n; r++) {
    size_t i = d->rule_toks.v[r];
    size_t tl = ev(d, i)->len[IDNER__GZ_TITLE];
    if (!tl) continue;
    size_t j = i + tl;
    for (int steps = 0; j < n && steps < 8 && same_sentence(d, i, j); steps++) {
      size_t l;
      if ((l = ev(d, j)->len[IDNER__GZ_TITLE]) != 0 && !is_name_part(d, j)) j += l;
      else if ((l = entity_len_at(d, j)) != 0) j += l;
      else if (is_common_cap(d, j)) j++;
      else break;
    }
    if (j >= n || !same_sentence(d, i, j)) continue;
    size_t k = name_run(d, j);
    if (k) {
      int32_t rc = add(d, j, j + k, IDNER_TYPE_PER, IDNER_EV_TITLE, W_TITLE_PER, IDNER__NO_VALUE, -1);
      if (rc) return rc;
    }
  }
  return IDNER_OK;
}

/* Runs of capitalized words with a known given or family name. Runs
 * without one are weaker guesses; a lone given name needs to be
 * mid-sentence and not an ordinary word. */
static int32_t rule_name_parts(idner_doc *d) {
  /* runs start at name tokens (name_run is then at least 1), past the last run */
  size_t i = 0;
  for (size_t r = 0; r < d->name_toks.n; r++) {
    if (d->name_toks.v[r] < i) continue;
    i = d->name_toks.v[r];
    size_t k = name_run(d, i);
    int known = 0, common = 0;
    for (size_t j = i; j < i + k; j++) { /* counted without branches */
      unsigned cls = d->ev.v[j].classes;
      known += (cls & (BIT(IDNER__GZ_GIVEN) | BIT(IDNER__GZ_SURNAME))) != 0;
      common += ((cls & BIT(IDNER__GZ_COMMON)) != 0) & ((cls & NAME_PART_CLASSES) == 0);
    }
    int sent_start = (d->toks.v[i].flags & IDNER_SHAPE_SENT_START) != 0;
    int32_t rc = IDNER_OK;
    if (known && k >= 2)
      rc = add(d, i, i + k, IDNER_TYPE_PER, IDNER_EV_NAME_PARTS, W_NAMEPARTS, IDNER__NO_VALUE, -1);
    else if (known && k == 1 && !sent_start && !has(d, i, IDNER__GZ_COMMON))
      rc = add(d, i, i + 1, IDNER_TYPE_PER, IDNER_EV_NAME_PARTS, W_NAMEPARTS * 0.75, IDNER__NO_VALUE, -1);
    else if (!known && k >= 2 && !common && !sent_start)
      rc = add(d, i, i + k, IDNER_TYPE_PER, IDNER_EV_NAME_PARTS, W_CAPSRUN, IDNER__NO_VALUE, -1);
    if (rc) return rc;
    i += k;
  }
  return IDNER_OK;
}

static int is_dash(const idner_doc *d, size_t i) {
  static const word_len dashes[] = {W("-"), W("\xe2\x80\x93"), W("\xe2\x80\x94"), W("--"),
                                    WORDS_END};
  return d->toks.v[i].kind == IDNER_TOK_PUNCT && tok_in(d, i, dashes);
}

static int is_outlet(const idner_doc *d, size_t i) {
  return d->toks.v[i].kind == IDNER_TOK_URL || has(d, i, IDNER__GZ_ORG);
}

static size_t caps_run(const idner_doc *d, size_t i) {
  size_t j = i;
  while (j < ntok(d) && j - i < 4 && d->toks.v[j].kind == IDNER_TOK_WORD &&
         (d->toks.v[j].flags & IDNER_SHAPE_ALLCAPS))
    j++;
  return j - i;
}

/* News datelines at the start of a document: "Bisnis.com, JAKARTA -",
 * "JAKARTA, KOMPAS.com -", "JAKARTA -". */
static int32_t rule_dateline(const idner_model *m, idner_doc *d) {
  size_t n = ntok(d);
  if (n < 3) return IDNER_OK;
  size_t ol = is_outlet(d, 0) ? (has(d, 0, IDNER__GZ_ORG) ? ev(d, 0)->len[IDNER__GZ_ORG] : 1) : 0;
  int32_t rc = IDNER_OK;
  if (ol && ol + 1 < n && tok_is(d, ol, ",")) {
    size_t c = caps_run(d, ol + 1);
    if (c && ol + 1 + c < n && is_dash(d, ol + 1 + c)) {
      rc = add(d, 0, ol, IDNER_TYPE_ORG, IDNER_EV_DATELINE, W_STRONG,
               has(d, 0, IDNER__GZ_ORG) ? entry_value(m, d, 0, IDNER__GZ_ORG) : IDNER__NO_VALUE, -1);
      if (!rc) rc = add(d, ol + 1, ol + 1 + c, IDNER_TYPE_LOC, IDNER_EV_DATELINE, W_STRONG, IDNER__NO_VALUE, -1);
    }
    return rc;
  }
  size_t c = caps_run(d, 0);
  if (!c || c >= n) return IDNER_OK;
  if (is_dash(d, c)) return add(d, 0, c, IDNER_TYPE_LOC, IDNER_EV_DATELINE, W_STRONG, IDNER__NO_VALUE, -1);
  if (tok_is(d, c, ",") && c + 2 < n && is_outlet(d, c + 1)) {
    size_t o = c + 1, l = has(d, o, IDNER__GZ_ORG) ? ev(d, o)->len[IDNER__GZ_ORG] : 1;
    if (o + l < n && is_dash(d, o + l)) {
      rc = add(d, 0, c, IDNER_TYPE_LOC, IDNER_EV_DATELINE, W_STRONG, IDNER__NO_VALUE, -1);
      if (!rc) rc = add(d, o, o + l, IDNER_TYPE_ORG, IDNER_EV_DATELINE, W_STRONG, IDNER__NO_VALUE, -1);
    }
  }
  return rc;
}

/* Bare domains name their outlet: "Kompas.com", "detik.com". */
static int32_t rule_domains(idner_doc *d) {
  for (size_t r = 0; r < d->url_toks.n; r++) {
    size_t i = d->url_toks.v[r];
    const idner_token *t = &d->toks.v[i];
    const char *s = d->text + t->byte_start;
    size_t len = t->byte_end - t->byte_start;
    if (memchr(s, '/', len) || (len > 4 && (s[0] == 'w' || s[0] == 'W') && s[1] == s[0] && s[2] == s[0]))
      continue;
    int32_t rc = add(d, i, i + 1, IDNER_TYPE_ORG, IDNER_EV_PATTERN, W_DOMAIN, IDNER__NO_VALUE, -1);
    if (rc) return rc;
  }
  return IDNER_OK;
}

/* The context rule: its cue words (k_cues) are above. */
/* Which context cue token i is (rule_context asks at the tokens after
 * one). */
static int cue_of(const idner_doc *d, size_t i) {
  size_t len = d->fold_off.v[i + 1] - d->fold_off.v[i];
  const char *f = d->fold.v + d->fold_off.v[i];
  for (size_t k = 0; k < sizeof k_cues / sizeof *k_cues; k++)
    if (k_cues[k].len == len && memcmp(f, k_cues[k].w, len) == 0) return k_cues[k].kind;
  return CUE_NONE;
}

static int32_t rule_context(idner_doc *d) {
  for (size_t r = 0; r < d->cue_toks.n; r++) {
    size_t i = d->cue_toks.v[r];
    const idner_token *t = &d->toks.v[i];
    int32_t rc = IDNER_OK;
    int cue = cue_of(d, i - 1);
    if (cue == CUE_LANGUAGE && has(d, i, IDNER__GZ_NAT)) {
      /* "bahasa Indonesia", "berbahasa Inggris": a language, not a nation */
      rc = add(d, i - 1, i + ev(d, i)->len[IDNER__GZ_NAT], IDNER_TYPE_NONE, IDNER_EV_CONTEXT,
               W_BLOCK, IDNER__NO_VALUE, -1);
    } else if (cue == CUE_INITIALS && t->kind == IDNER_TOK_WORD &&
        (t->flags & IDNER_SHAPE_ALLCAPS) && t->char_end - t->char_start <= 4) {
      rc = add(d, i, i + 1, IDNER_TYPE_PER, IDNER_EV_CONTEXT, W_STRONG, IDNER__NO_VALUE, -1);
    } else if (cue == CUE_PLACE && is_name_token(d, i) && !is_name_part(d, i) &&
               !has(d, i, IDNER__GZ_COMMON)) {
      size_t k = name_run(d, i);
      rc = add(d, i, i + (k ? k : 1), IDNER_TYPE_LOC, IDNER_EV_CONTEXT, W_CONTEXT, IDNER__NO_VALUE, -1);
    }
    if (rc) return rc;
  }
  return IDNER_OK;
}

int32_t idner__recognize(const idner_model *m, idner_doc *d) {
  int32_t rc;
  d->cands.n = 0;
  if ((rc = name_tokens(d)) || (rc = rule_dates(d)) || (rc = rule_gazetteer(m, d)) ||
      (rc = rule_name_patterns(d)) ||
      (rc = rule_org_tail(d)) || (rc = rule_title_person(d)) || (rc = rule_name_parts(d)) ||
      (rc = rule_dateline(m, d)) || (rc = rule_domains(d)) || (rc = rule_context(d)))
    return rc;
  return IDNER_OK;
}

/* ---- second pass: acronyms and document-level propagation -------------- */

/* An alias's key is its folded forms back to back, and its token count.
 * The index finds keys by the fold hash of those bytes (span_key); their
 * order, which decides the alias that wins among mixed types
 * (index_aliases), is that of their FNV-1a (span_fnv), as it always was.
 * The two hashes see the same bytes, so they group the same aliases. */
#define KEY_MIX 0x9E3779B97F4A7C15ull /* the token count mixed in: splits apart */

/* The index key of the span of tokens [s, e): the forms lie back to back
 * (and are readable a word at a time: fold.h). */
static uint64_t span_key(const idner_doc *d, size_t s, size_t e) {
  const uint32_t *off = d->fold_off.v;
  return idner__hash_form(d->fold.v + off[s], off[e] - off[s]) ^ (uint64_t)(e - s) * KEY_MIX;
}

/* Its order key: idner__fnv of the forms, mixed the same way. */
static uint64_t span_fnv(const idner_doc *d, size_t s, size_t e) {
  const uint32_t *off = d->fold_off.v;
  uint64_t h = IDNER__FNV_OFFSET;
  for (size_t k = s; k < e; k++) h = idner__fnv_form(h, d->fold.v + off[k], off[k + 1] - off[k]);
  return h ^ (uint64_t)(e - s) * KEY_MIX;
}

/* Adds an alias; learn_aliases reserved the room. */
static int32_t add_alias(idner_doc *d, size_t s, size_t e, uint32_t type, uint32_t value_off) {
  if (e - s > MAX_ALIAS) return IDNER_OK;
  idner__alias *a = &d->aliases.v[d->aliases.n++];
  a->hash = span_key(d, s, e);
  a->first = d->fold_hash.v[s];
  a->start = (uint32_t)s;
  a->ntok = (uint32_t)(e - s);
  a->type = type;
  a->value_off = value_off;
  return IDNER_OK;
}

static int is_paren(const idner_doc *d, size_t i, const char *p) {
  return d->toks.v[i].kind == IDNER_TOK_PUNCT && tok_is(d, i, p);
}

static int is_acronym(const idner_token *t) {
  return (t->kind == IDNER_TOK_WORD || t->kind == IDNER_TOK_NUMBER) &&
         (t->flags & IDNER_SHAPE_ALLCAPS) && t->char_end - t->char_start <= 12;
}

/* "Komisi Pemberantasan Korupsi (KPK)": the acronym is its own span of the
 * same type. Returns the aliases it learned through add_alias. */
static int32_t acronyms(idner_doc *d, const idner__cand *c) {
  size_t e = c->end, n = ntok(d);
  if (c->type == IDNER_TYPE_NONE || c->type >= IDNER_TYPE_DATE || e + 2 >= n)
    return IDNER_OK;
  if (!is_paren(d, e, "(") || !is_paren(d, e + 2, ")") || !is_acronym(&d->toks.v[e + 1]))
    return IDNER_OK;
  uint32_t v = c->type == IDNER_TYPE_NAT ? c->value_off : IDNER__NO_VALUE;
  int32_t rc = add(d, e + 1, e + 2, c->type, IDNER_EV_ACRONYM, W_STRONG, v, -1);
  return rc ? rc : add_alias(d, e + 1, e + 2, c->type, v);
}

static int32_t learn_aliases(idner_doc *d) {
  size_t nchosen = d->chosen.n;
  /* at most 4 a chosen span: an acronym's, its own, its last and first
   * tokens' */
  int32_t rc0 = IDNER__RESERVE(&d->aliases, 4 * nchosen + 1);
  if (rc0) return rc0;
  for (size_t k = 0; k < nchosen; k++) {
    idner__cand c = d->chosen.v[k];
    if (c.type < IDNER_TYPE_PER || c.type > IDNER_TYPE_LOC) continue;
    int32_t rc = acronyms(d, &c);
    if (!rc && c.type != IDNER_TYPE_NAT) rc = add_alias(d, c.start, c.end, c.type, IDNER__NO_VALUE);
    if (!rc && c.type == IDNER_TYPE_PER && c.end - c.start >= 2) {
      /* "Sergei Lavrov" ... "Lavrov": the family name (and the given name)
       * alone refer to the same person later on. */
      size_t first = c.start, last = c.end - 1;
      if (is_name_token(d, last) && !has(d, last, IDNER__GZ_COMMON))
        rc = add_alias(d, last, last + 1, c.type, IDNER__NO_VALUE);
      if (!rc && is_name_token(d, first) && !has(d, first, IDNER__GZ_COMMON) &&
          !is_initial(&d->toks.v[first]))
        rc = add_alias(d, first, first + 1, c.type, IDNER__NO_VALUE);
    }
    if (rc) return rc;
  }
  return IDNER_OK;
}

/* Does key x come before key y in the order the aliases were once sorted
 * by (hash, then tokens)? Without branches. (x->hash, y->hash: their
 * span_fnv, set for this by index_aliases.) */
static size_t key_less(const idner__alias *x, const idner__alias *y) {
  return (size_t)((x->hash < y->hash) | ((x->hash == y->hash) & (x->ntok < y->ntok)));
}

/* Every later occurrence of a learned surface form becomes a candidate of
 * the same type. Each distinct (hash, length) key is indexed by one of its
 * aliases; where aliases of one key differ in type, it is the one that
 * glibc's bsearch (stdlib-bsearch.h) finds in the aliases sorted stably by
 * key (key_less), as it always was. That needs no sort: the key's aliases
 * would fill [lo, lo + count) of the sorted array, in the order they were
 * learned, where lo counts the aliases of smaller keys, so the search's
 * probes are replayed on positions alone. (Where the types agree, any
 * alias will do; where none differ, the order is not needed.) Spans are
 * then looked up in that hash index (span_key). */
#define MIXED_TYPES 0x80000000u /* in a key's type: its aliases differ in type */

/* d->alias_firsts: by first token, its fold hash with the low bits
 * replaced by the token count of its longest alias (0: an empty slot).
 * Hashes that differ only there share an entry, the longer count: a bound
 * on the spans tried, each looked up in full. */
#define FIRST_LEN ((uint64_t)7)
_Static_assert(MAX_ALIAS <= FIRST_LEN, "an alias's token count fits FIRST_LEN");

/* The slot of first-token hash h in firsts (ns slots): its entry, or the
 * empty one where it would go. One branch a probe: it repeats only past
 * another entry. */
static size_t first_slot(const uint64_t *firsts, size_t ns, uint64_t h) {
  size_t f = (size_t)h & (ns - 1);
  for (;;) {
    uint64_t e = firsts[f], x = (e ^ h) & ~FIRST_LEN;
    if ((x < e ? x : e) == 0) return f; /* e empty or h's: one test of their minimum */
    f = (f + 1) & (ns - 1);
  }
}

static int cmp_key(const void *a, const void *b) {
  return (int)key_less(b, a) - (int)key_less(a, b);
}

/* The alias glibc's bsearch finds for a key whose count aliases fill
 * [lo, lo + count) of the na sorted by key, stably: its probes replayed on
 * positions (the key is above [0, lo), below the rest), then the pick
 * among the key's aliases, head first, linked by next. */
static uint32_t bsearch_pick(size_t na, size_t lo, size_t count, uint32_t head,
                             const uint32_t *next) {
  size_t l = 0, u = na, idx = lo, hi = lo + count;
  while (l < u) {
    idx = (l + u) / 2;
    if (idx < lo) l = idx + 1;
    else if (idx >= hi) u = idx;
    else break;
  }
  for (size_t m = lo; m < idx; m++) head = next[head];
  return head;
}

static int32_t index_aliases(idner_doc *d, size_t *maxlen) {
  size_t na = d->aliases.n, ns = 16;
  /* a sparse table (load under 1/4): a probe then rarely meets another
   * key, whose test would be a mispredicted branch */
  while (ns < 4 * na) ns *= 2;
  /* alias_slots: the key index (ns), then per alias the next of its key,
   * and per key its first, last and count of aliases and its slot (na
   * each). The distinct keys are at d->aliases.v[na ..). */
  int32_t rc = IDNER__RESERVE(&d->alias_slots, ns + 5 * na);
  if (!rc) rc = IDNER__RESERVE(&d->alias_firsts, ns);
  if (!rc) rc = IDNER__RESERVE(&d->aliases, 2 * na);
  if (rc) return rc;
  uint32_t *slots = d->alias_slots.v;
  uint64_t *firsts = d->alias_firsts.v;
  memset(slots, 0, ns * sizeof *slots);
  memset(firsts, 0, ns * sizeof *firsts);
  d->alias_nslots = ns;
  *maxlen = 0;
  uint32_t *next = slots + ns;
  uint32_t *khead = next + na, *ktail = khead + na, *kcount = ktail + na, *kslot = kcount + na;
  idner__alias *al = d->aliases.v, *keys = al + na;
  size_t nk = 0, nmixed = 0;
  for (size_t k = 0; k < na; k++) {
    const idner__alias *a = &al[k];
    if (a->ntok > *maxlen) *maxlen = a->ntok;
    size_t f = first_slot(firsts, ns, a->first);
    uint64_t longest = firsts[f] & FIRST_LEN;
    firsts[f] = (a->first & ~FIRST_LEN) | (a->ntok > longest ? a->ntok : longest);
    /* its key: slots hold the key's number + 1 until the end */
    size_t s = (size_t)a->hash & (ns - 1);
    for (; slots[s]; s = (s + 1) & (ns - 1)) {
      const idner__alias *x = &keys[slots[s] - 1];
      if (x->hash == a->hash && x->ntok == a->ntok) break;
    }
    next[k] = UINT32_MAX;
    if (!slots[s]) {
      keys[nk] = *a;
      khead[nk] = ktail[nk] = (uint32_t)k;
      kcount[nk] = 1;
      kslot[nk] = (uint32_t)s;
      slots[s] = (uint32_t)++nk;
    } else {
      uint32_t g = slots[s] - 1;
      next[ktail[g]] = (uint32_t)k;
      ktail[g] = (uint32_t)k;
      kcount[g]++;
      /* a key whose aliases all have one type can keep its first: the
       * type is all propagate reads of it */
      nmixed += !(keys[g].type & MIXED_TYPES) && a->type != keys[g].type;
      keys[g].type |= a->type == keys[g].type ? 0 : MIXED_TYPES;
    }
  }
  /* keys of mixed types need the order: every key's span_fnv (from here
   * on keys[].hash, which the index no longer reads) */
  if (nmixed)
    for (size_t g = 0; g < nk; g++) keys[g].hash = span_fnv(d, keys[g].start, keys[g].start + keys[g].ntok);
  /* lo of a key of mixed types: a count over the keys, or for many such
   * keys (a long document) a sort of the keys by key_less */
  if (nmixed > 16) {
    for (size_t g = 0; g < nk; g++) keys[g].first = g; /* its number, kept through the sort */
    qsort(keys, nk, sizeof *keys, cmp_key);
    size_t lo = 0;
    for (size_t r = 0; r < nk; r++) {
      size_t g = (size_t)keys[r].first;
      uint32_t k = keys[r].type & MIXED_TYPES ? bsearch_pick(na, lo, kcount[g], khead[g], next)
                                              : khead[g];
      slots[kslot[g]] = k + 1;
      lo += kcount[g];
    }
    return IDNER_OK;
  }
  for (size_t g = 0; g < nk; g++) {
    size_t lo = 0;
    if (keys[g].type & MIXED_TYPES)
      for (size_t h = 0; h < nk; h++) lo += kcount[h] * key_less(&keys[h], &keys[g]);
    uint32_t k = keys[g].type & MIXED_TYPES ? bsearch_pick(na, lo, kcount[g], khead[g], next)
                                            : khead[g]; /* any will do: the first */
    slots[kslot[g]] = k + 1;
  }
  return IDNER_OK;
}

/* Tokens in the longest alias that starts with a token whose fold hash is
 * h (0: none does). */
static size_t alias_first(const idner_doc *d, uint64_t h) {
  const uint64_t *firsts = d->alias_firsts.v;
  return (size_t)(firsts[first_slot(firsts, d->alias_nslots, h)] & FIRST_LEN);
}

static const idner__alias *find_alias(const idner_doc *d, uint64_t hash, uint32_t ntok) {
  size_t ns = d->alias_nslots;
  for (size_t s = (size_t)hash & (ns - 1); d->alias_slots.v[s]; s = (s + 1) & (ns - 1)) {
    const idner__alias *a = &d->aliases.v[d->alias_slots.v[s] - 1];
    if (a->hash == hash && a->ntok == ntok) return a;
  }
  return NULL;
}

/* Has the first decode's candidates one of span [s, e) and this type with
 * at least weight w, and a value if value_off is one? Then a candidate of
 * the second pass with that span, type and weight is not added, and its
 * evidence goes to that one: the decoder would never pick it (that one comes first among
 * the span's in its order, cmp_cand, and scores at least as much; equal
 * keys keep their order, and old candidates are first), and emit_one
 * merges the evidence of all candidates of a span and type, so the
 * entities stay the same, and the second decode has fewer candidates (a
 * learned span's own mention most often comes back with a lower weight).
 * d->cand_end is the first decode's, d->cands[0 ..) grouped by it. */
static int first_has(idner_doc *d, size_t s, size_t e, uint32_t type, double w, uint32_t evid,
                     uint32_t value_off) {
  const uint32_t *run = d->cand_end.v;
  for (size_t k = run[s]; k < run[s + 1]; k++) {
    idner__cand *y = &d->cands.v[k];
    if (y->end == e && y->type == type && y->weight >= w &&
        (value_off == IDNER__NO_VALUE || y->value_off != IDNER__NO_VALUE)) {
      y->evidence |= evid;
      return 1;
    }
  }
  return 0;
}

static int32_t propagate(idner_doc *d) {
  size_t n = ntok(d), maxlen;
  int32_t rc = index_aliases(d, &maxlen);
  if (rc) return rc;
  /* aliases are capitalized (learned from entity spans): only the
   * capitalized tokens (d->cap_toks, from name_tokens) can start one, and
   * a span can only be an alias if its first token starts one (short of a
   * 64-bit hash collision, which the span hashes risk anyway). Whether a
   * token does is random: the tokens that do are kept first, without a
   * branch (in place: the list's last use), then visited. */
  uint32_t *cap = d->cap_toks.v;
  size_t nstart = 0;
  for (size_t r = 0; r < d->cap_toks.n; r++) {
    uint32_t i = cap[r];
    cap[nstart] = i;
    nstart += alias_first(d, d->fold_hash.v[i]) != 0;
  }
  d->cap_toks.n = 0;
  for (size_t r = 0; r < nstart; r++) {
    size_t i = cap[r], upto = alias_first(d, d->fold_hash.v[i]);
    /* spans longer than every alias that starts with this token are none */
    if (upto > maxlen) upto = maxlen;
    for (size_t len = 1; len <= upto && i + len <= n; len++) {
      if (!same_sentence(d, i, i + len - 1)) break;
      const idner__alias *al = find_alias(d, span_key(d, i, i + len), (uint32_t)len);
      if (!al) continue;
      if (first_has(d, i, i + len, al->type, W_PROPAGATED, IDNER_EV_PROPAGATED, al->value_off))
        continue;
      if ((rc = add(d, i, i + len, al->type, IDNER_EV_PROPAGATED, W_PROPAGATED, al->value_off, -1)))
        return rc;
    }
  }
  return IDNER_OK;
}

int32_t idner__recognize_second_pass(const idner_model *m, idner_doc *d) {
  (void)m;
  d->aliases.n = 0;
  int32_t rc = learn_aliases(d);
  if (!rc && d->aliases.n) rc = propagate(d);
  return rc;
}

/* ---- model mode --------------------------------------------------------- */

static int32_t add_model_spans(idner_doc *d);

/* Rules the model does not overrule: dates, datelines, initials, blockers. */
static int keeps_weight(const idner__cand *c) {
  return c->type == IDNER_TYPE_NONE || c->type >= IDNER_TYPE_DATE || c->weight >= W_STRONG;
}

/* Is there a model candidate with exactly this span (any entity type)? */
static int model_has_span(const idner_doc *d, size_t from, uint32_t s, uint32_t e) {
  for (size_t k = from; k < d->cands.n; k++)
    if (d->cands.v[k].start == s && d->cands.v[k].end == e) return 1;
  return 0;
}

int32_t idner__apply_model(idner_doc *d, uint32_t profile) {
  size_t n0 = d->cands.n;
  for (size_t k = 0; k < n0; k++) {
    idner__cand *c = &d->cands.v[k];
    if (c->type == IDNER_TYPE_NAT && (c->evidence & IDNER_EV_GAZETTEER)) c->weight = W_MODEL_NAT;
    else if (!profile && c->evidence == IDNER_EV_PATTERN && c->end - c->start > 1)
      c->weight = W_PATTERN_MODEL; /* "Dewan Keamanan Rusia" where the model says O */
    else if (!keeps_weight(c)) c->weight = 0; /* kept for values and evidence only */
  }
  int32_t rc = add_model_spans(d);
  if (rc || !profile) return rc;
  for (size_t k = 0; k < n0; k++) {
    idner__cand *c = &d->cands.v[k];
    if (c->type == IDNER_TYPE_NAT && c->weight == W_MODEL_NAT && !model_has_span(d, n0, c->start, c->end))
      c->weight = 0;
  }
  return IDNER_OK;
}

static int32_t add_model_spans(idner_doc *d) {
  size_t n = d->toks.n;
  for (size_t i = 0; i < n;) {
    uint8_t l = d->labels.v[i];
    if (l == 0 || !(l & 1)) { i++; continue; }
    size_t j = i + 1;
    while (j < n && d->labels.v[j] == l + 1) j++;
    int32_t rc = add(d, i, j, idner__label_type[(l - 1) / 2], IDNER_EV_MODEL, W_MODEL, IDNER__NO_VALUE, -1);
    if (rc) return rc;
    i = j;
  }
  return IDNER_OK;
}
