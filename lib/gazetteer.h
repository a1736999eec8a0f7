/* gazetteer.h — the gazetteer store: parses gazetteer TSV files (format in
 * docs/gazetteers.md) and matches entries against token sequences
 * (gazetteer.c). */
#ifndef IDNER_GAZETTEER_H
#define IDNER_GAZETTEER_H

#include <string.h>

#include "common.h"

/* The tag idner__gz_entry.second_tag keeps of a fold hash. */
#define IDNER__GZ_TAG(h) ((uint16_t)((h) >> 48))

/* Entry classes. PER..LOC equal the IDNER_TYPE_* values on purpose. */
enum {
  IDNER__GZ_PER = 1, IDNER__GZ_NAT = 2, IDNER__GZ_ORG = 3, IDNER__GZ_LOC = 4,
  IDNER__GZ_GIVEN, IDNER__GZ_SURNAME, IDNER__GZ_TITLE, IDNER__GZ_DEGREE,
  IDNER__GZ_ORG_HEAD, IDNER__GZ_ORG_TAIL, IDNER__GZ_LOC_HEAD,
  IDNER__GZ_COMMON, IDNER__GZ_STOP, IDNER__GZ_NONE,
  IDNER__GZ_NCLASSES
};

#define IDNER__GZF_CS 0x1u     /* match case exactly */
#define IDNER__GZF_AMBIG 0x2u  /* also an ordinary word: needs context */

typedef struct idner__gz_entry {
  uint16_t ntok;        /* tokens in the surface form (a line has at most 4096 bytes) */
  /* the second folded token's fold hash's top 16 bits (0 if none): the
   * matcher's cheap reject without reading the pool */
  uint16_t second_tag;
  uint32_t form_off;    /* folded tokens, each NUL-terminated, in pool */
  uint32_t exact_off;   /* original tokens, each NUL-terminated, in pool */
  uint32_t value_off;   /* NUL-terminated value in pool ("" if none) */
  /* next entry with the same first token, or UINT32_MAX; a chain's entries
   * lie one after another (idner__gz_finish), so it is this one's index + 1 */
  uint32_t next;
  uint8_t cls;          /* IDNER__GZ_* */
  uint8_t flags;        /* IDNER__GZF_* */
  uint8_t first_upper;  /* bitmask: token k of the surface starts upper-case (k < 8) */
  uint8_t quick;        /* IDNER__GZQ_*: what the matcher may skip (set by finish) */
} idner__gz_entry;
_Static_assert(sizeof(idner__gz_entry) == 24, "an entry's size");

/* idner__gz_entry.quick bits, derived from the entry by idner__gz_finish. */
#define IDNER__GZQ_SAME_FIRST 0x1u /* not cs, and the first folded token is the chain head's */
#define IDNER__GZQ_ONE 0x2u        /* ... and the only token */
#define IDNER__GZQ_ANYCASE 0x4u    /* its first token matches in any case */
#define IDNER__GZQ_AMBIG_ENTITY 0x8u /* ambiguous entity name (PER..LOC) */

typedef struct idner__gazetteer idner__gazetteer;

int32_t idner__gz_new(idner__gazetteer **out);
void idner__gz_free(idner__gazetteer *g);

/* Parses one gazetteer file held in memory (data[0..size), name for
 * messages) and adds its entries. On error returns IDNER_ERR_DATA_FORMAT /
 * IDNER_ERR_DATA_VERSION / IDNER_ERR_NOMEM with "name:line: what" in err;
 * the store is then unusable and must be freed. */
int32_t idner__gz_add_file(idner__gazetteer *g, const char *name,
                           const char *data, size_t size, char *err,
                           size_t errsz);

/* Builds the lookup index; call once after the last add_file. */
int32_t idner__gz_finish(idner__gazetteer *g);

/* The embedded image (image.h): image_of views a finished store's arrays
 * (for the build-time generator and tests); adopt makes a store that reads
 * an image's arrays in place (no copy; freeing the store leaves them). */
struct idner__gz_image;
void idner__gz_image_of(const idner__gazetteer *g, struct idner__gz_image *out);
int32_t idner__gz_adopt(const struct idner__gz_image *im, idner__gazetteer **out);

uint32_t idner__gz_count(const idner__gazetteer *g);
const idner__gz_entry *idner__gz_entry_at(const idner__gazetteer *g, uint32_t i);
const char *idner__gz_string(const idner__gazetteer *g, uint32_t off);

/* A doc's tokens with their folded forms, as the matcher needs them. */
typedef struct idner__gz_tokens {
  const char *text;          /* the analyzed text */
  const idner_token *toks;
  size_t n;
  const char *fold;          /* folded token forms, back to back */
  const uint32_t *fold_off;  /* n + 1 offsets into fold */
  const uint64_t *fold_hash; /* n hashes of the folded forms */
} idner__gz_tokens;

/* Head of the chain of entries whose first token folds like token i, or
 * UINT32_MAX. Follow entry->next for the rest of the chain. */
uint32_t idner__gz_first(const idner__gazetteer *g, const idner__gz_tokens *t,
                         size_t i);

/* The arrays a doc's lookups read, taken once per doc: the first-token
 * index, inlined below, and what the chain walk needs. A slot is half a
 * cache line and holds the chain head's first folded token itself when it
 * has at most 15 bytes (most do): a lookup then reads one line of the
 * index, not the entry and the string pool too. */
#define IDNER__GZ_SLOT_FORM 16
typedef struct idner__gz_slot {
  /* the chain's first-token fold hash, its top 48 bits (IDNER__GZ_KEY:
   * entries whose hashes agree there share a chain, the exact first token
   * is compared anyway); the low 16 bits are the filter of
   * IDNER__GZS_WALK */
  _Alignas(32) uint64_t hash;
  /* the head's first folded token, zero-padded, when shorter than 16
   * bytes; else 0xFF in its last byte, which no padded form has */
  unsigned char form[IDNER__GZ_SLOT_FORM];
  uint32_t head;     /* UINT32_MAX = empty */
  /* IDNER__GZS_*: the chain settled at once, or 0 (set by finish); and in
   * a line's first slot, whether lookups go on to the next line */
  uint32_t summary;
} idner__gz_slot;
_Static_assert(sizeof(idner__gz_slot) == 32, "two slots a cache line");

/* A chain whose entries all share the head's first token
 * (IDNER__GZQ_SAME_FIRST) and whose one-word entries (IDNER__GZQ_ONE) are,
 * but for at most one (HEAD_ENTITY below), of classes outside PER..LOC (no
 * entry to remember) is summed up in its slot: once its first token matches, a token matches the classes in ANY,
 * and those in UPPER too if it starts upper-case; its longer entries are
 * summed up in a filter of their second tokens, and the chain is walked
 * only when token i + 1 passes it (IDNER__GZS_WALK; most summed-up chains
 * without longer entries are never walked). */
#define IDNER__GZS_VALID 0x80000000u
/* ... also when one of its one-word entries is an entity name (PER..LOC,
 * the only one): that entry is the chain's head (HEAD_ENTITY; HEAD_AMBIG:
 * it has IDNER__GZQ_AMBIG_ENTITY). Class 0 is no class: its bits are free. */
#define IDNER__GZS_HEAD_ENTITY 0x1u
#define IDNER__GZS_HEAD_AMBIG 0x10000u
#define IDNER__GZ_KEY(h) ((h) & ~(uint64_t)0xFFFF)
#define IDNER__GZS_FILTER(slot_hash) ((unsigned)((slot_hash) & 0xFFFFu))
/* the filter bit of a second token whose fold hash has tag IDNER__GZ_TAG */
#define IDNER__GZS_BIT(tag) (1u << ((tag) >> 12))
#define IDNER__GZS_WALK(slot_hash, h2) \
  ((IDNER__GZS_FILTER(slot_hash) & IDNER__GZS_BIT(IDNER__GZ_TAG(h2))) != 0)
#define IDNER__GZS_ANY(s) ((s) & 0x7FFEu)            /* class bits, as idner__tokev.classes */
#define IDNER__GZS_UPPER(s) (((s) >> 16) & 0x7FFEu)
/* The index is probed a cache line (two slots) at a time: a chain goes in
 * the first line from its hash's line on that has a free slot, and every
 * full line it passes is marked in its first slot's summary. A lookup reads
 * the next line only past a marked one, so one without a chain mostly reads
 * one line too. */
#define IDNER__GZS_OVERFLOW 0x8000u

typedef struct idner__gz_index {
  const idner__gz_entry *v;
  const char *pool;
  size_t pool_n;
  const idner__gz_slot *slots;
  size_t nslots;  /* power of two, at least 16 */
} idner__gz_index;

/* The index of a finished store (idner__gz_finish or idner__gz_adopt). */
void idner__gz_index_of(const idner__gazetteer *g, idner__gz_index *out);

/* The slot of the chain whose first token's fold hash is h, or NULL (as
 * idner__gz_first). */
static inline const idner__gz_slot *idner__gz_slot_of(const idner__gz_index *x, uint64_t h) {
  for (size_t s = (size_t)h & (x->nslots - 2);; s = (s + 2) & (x->nslots - 1)) {
    const idner__gz_slot *l = &x->slots[s];
    if (((l[0].hash ^ h) >> 16) == 0 && l[0].head != UINT32_MAX) return &l[0];
    if (((l[1].hash ^ h) >> 16) == 0 && l[1].head != UINT32_MAX) return &l[1];
    if (!(l[0].summary & IDNER__GZS_OVERFLOW)) return NULL;
  }
}

/* The cache line where the slot for fold hash h is looked up first (for a
 * prefetch). */
static inline const idner__gz_slot *idner__gz_slot_home(const idner__gz_index *x, uint64_t h) {
  return &x->slots[(size_t)h & (x->nslots - 2)];
}

/* Does the first folded token of slot sl's chain head equal token i's
 * folded form? Asked once per chain: every entry with IDNER__GZQ_SAME_FIRST
 * then has its first token settled (a chain gathers entries by a 64-bit
 * hash of it, so equal strings are the rule and a collision falls back to
 * full checks). A form of up to 15 bytes is compared with the slot's copy
 * as two words: the doc's fold buffer has 16 bytes readable from every
 * form's start (idner__fold_hash_tokens); a longer one with the pool. */
static inline int idner__gz_head_matches(const idner__gz_index *x, const idner__gz_slot *sl,
                                         const idner__gz_tokens *t, size_t i) {
  static const unsigned char ones[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                         0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  size_t len = t->fold_off[i + 1] - t->fold_off[i];
  const char *f = t->fold + t->fold_off[i];
  if (len - 1 < IDNER__GZ_SLOT_FORM - 1) { /* 1 to 15 bytes */
    uint64_t a0, a1, b0, b1, m0, m1;
    memcpy(&a0, sl->form, 8);
    memcpy(&a1, sl->form + 8, 8);
    memcpy(&b0, f, 8);
    memcpy(&b1, f + 8, 8);
    memcpy(&m0, ones + 16 - len, 8);
    memcpy(&m1, ones + 24 - len, 8);
    return ((a0 ^ (b0 & m0)) | (a1 ^ (b1 & m1))) == 0;
  }
  size_t off = x->v[sl->head].form_off;
  if (len == 0 || off + len >= x->pool_n || x->pool[off + len] != '\0') return 0;
  return memcmp(x->pool + off, f, len) == 0;
}

/* idner__gz_matches for an entry with IDNER__GZQ_SAME_FIRST, whose first
 * token is known to match (idner__gz_head_matches): the case of token i
 * and the tokens after it. */
int idner__gz_matches_after_first(const idner__gz_index *x, const idner__gz_entry *e,
                                  const idner__gz_tokens *t, size_t i);

/* 1 if entry e matches the tokens starting at i (case rules applied: a cs
 * entry matches exactly; otherwise the folded forms must be equal and every
 * surface token that starts upper-case must start upper-case in the text,
 * except for TITLE and NONE entries, which match in any case).
 * Tokens of a match never cross a sentence boundary. */
int idner__gz_matches(const idner__gazetteer *g, const idner__gz_entry *e,
                      const idner__gz_tokens *t, size_t i);

#endif
