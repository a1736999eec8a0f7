/* gazetteer.c — the gazetteer store: TSV parsing with file:line errors, and
 * multi-token matching through a hash index on each entry's first token. */
#include "gazetteer.h"

#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "image.h"
#include "tokenizer.h"

#define MAX_LINE 4096
#define HEADER "# idner-gazetteer "

typedef idner__gz_slot slot;

struct idner__gazetteer {
  idner__gz_entry *v;
  size_t n, cap;
  idner__bytes pool;
  uint64_t *first_hash;  /* per entry, filled at add time */
  size_t first_cap;
  slot *slots;
  size_t nslots;          /* power of two */
  idner__tokvec scratch;  /* surface tokenization */
  idner__bytes fold;      /* folding scratch */
  int borrowed;           /* v, pool and slots are the embedded image's: not freed */
};

static const char *const class_names[IDNER__GZ_NCLASSES] = {
    NULL,     "PER",      "NAT",      "ORG",     "LOC",      "GIVEN",
    "SURNAME", "TITLE",   "DEGREE",   "ORG_HEAD", "ORG_TAIL", "LOC_HEAD",
    "COMMON", "STOP",     "NONE"};

int32_t idner__gz_new(idner__gazetteer **out) {
  *out = calloc(1, sizeof **out);
  if (!*out) return IDNER_ERR_NOMEM;
  /* offset 0 of the pool is the empty string */
  return idner__bytes_append(&(*out)->pool, "\0", 1);
}

void idner__gz_free(idner__gazetteer *g) {
  if (!g) return;
  if (!g->borrowed) {
    free(g->v);
    free(g->pool.v);
    free(g->slots);
  }
  free(g->first_hash);
  free(g->scratch.v);
  free(g->fold.v);
  free(g);
}

uint32_t idner__gz_count(const idner__gazetteer *g) { return (uint32_t)g->n; }

const idner__gz_entry *idner__gz_entry_at(const idner__gazetteer *g, uint32_t i) {
  return &g->v[i];
}

const char *idner__gz_string(const idner__gazetteer *g, uint32_t off) {
  return g->pool.v + off;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct line_ctx {
  const char *name;
  size_t lineno;
  char *err;
  size_t errsz;
} line_ctx;

static int32_t fail(const line_ctx *c, int32_t rc, const char *what) {
  idner__fmt(c->err, c->errsz, "%s:%zu: %s", c->name, c->lineno, what);
  return rc;
}

static int parse_class(const char *s, size_t len) {
  for (int c = 1; c < IDNER__GZ_NCLASSES; c++)
    if (strlen(class_names[c]) == len && memcmp(class_names[c], s, len) == 0)
      return c;
  return 0;
}

static int parse_flags(const char *s, size_t len, uint8_t *flags) {
  *flags = 0;
  size_t i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && s[j] != ',') j++;
    if (j - i == 2 && memcmp(s + i, "cs", 2) == 0)
      *flags |= IDNER__GZF_CS;
    else if (j - i == 5 && memcmp(s + i, "ambig", 5) == 0)
      *flags |= IDNER__GZF_AMBIG;
    else
      return 0;
    i = j + 1;
  }
  return 1;
}

static int is_iso2(const char *s, size_t len) {
  return len == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* Appends the entry's tokens (folded and exact) to the pool. */
static int32_t store_tokens(idner__gazetteer *g, const char *surf,
                            idner__gz_entry *e) {
  e->form_off = (uint32_t)g->pool.n;
  for (size_t k = 0; k < g->scratch.n; k++) {
    const idner_token *t = &g->scratch.v[k];
    int32_t rc = idner__fold_append(surf + t->byte_start, t->byte_end - t->byte_start, &g->pool);
    if (!rc) rc = idner__bytes_append(&g->pool, "\0", 1);
    if (rc) return rc;
  }
  e->exact_off = (uint32_t)g->pool.n;
  for (size_t k = 0; k < g->scratch.n; k++) {
    const idner_token *t = &g->scratch.v[k];
    int32_t rc = idner__bytes_append(&g->pool, surf + t->byte_start, t->byte_end - t->byte_start);
    if (!rc) rc = idner__bytes_append(&g->pool, "\0", 1);
    if (rc) return rc;
    if (k < 8 && (t->flags & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS)))
      e->first_upper |= (uint8_t)(1u << k);
  }
  return IDNER_OK;
}

static int32_t add_entry(idner__gazetteer *g, const line_ctx *c, const char *surf,
                         size_t slen, int cls, const char *val, size_t vlen,
                         uint8_t flags) {
  g->scratch.n = 0;
  int32_t rc = idner__tokenize(surf, slen, 1, &g->scratch, NULL);
  if (rc == IDNER_ERR_NOMEM) return rc;
  if (rc || g->scratch.n == 0) return fail(c, IDNER_ERR_DATA_FORMAT, "surface form has no tokens");
  if (g->scratch.n > UINT16_MAX) return fail(c, IDNER_ERR_DATA_FORMAT, "surface form has too many tokens");
  if (g->pool.n > UINT32_MAX / 2) return fail(c, IDNER_ERR_DATA_FORMAT, "data too large");
  if ((rc = IDNER__RESERVE(g, g->n + 1))) return rc;
  if (g->n + 1 > g->first_cap &&
      (rc = idner__grow((void **)&g->first_hash, &g->first_cap, g->n + 1, sizeof(uint64_t))))
    return rc;
  idner__gz_entry e;
  memset(&e, 0, sizeof e);
  e.ntok = (uint16_t)g->scratch.n;
  e.cls = (uint8_t)cls;
  e.flags = flags;
  e.next = UINT32_MAX;
  if ((rc = store_tokens(g, surf, &e))) return rc;
  e.value_off = 0;
  if (vlen) {
    e.value_off = (uint32_t)g->pool.n;
    if ((rc = idner__bytes_append(&g->pool, val, vlen)) ||
        (rc = idner__bytes_append(&g->pool, "\0", 1)))
      return rc;
  }
  const char *first = g->pool.v + e.form_off;
  size_t first_len = strlen(first);
  g->first_hash[g->n] = idner__hash(first, first_len);
  if (e.ntok > 1) {
    const char *second = first + first_len + 1;
    e.second_tag = IDNER__GZ_TAG(idner__hash(second, strlen(second)));
  }
  g->v[g->n++] = e;
  return IDNER_OK;
}

/* Splits a line at TABs into at most 5 fields; returns the field count. */
static int split_tabs(const char *s, size_t len, const char **f, size_t *flen) {
  int n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || s[i] == '\t') {
      if (n == 5) return 6;
      f[n] = s + start;
      flen[n] = i - start;
      n++;
      start = i + 1;
    }
  }
  return n;
}

static int32_t parse_line(idner__gazetteer *g, const line_ctx *c, const char *s,
                          size_t len) {
  if (len == 0 || s[0] == '#') return IDNER_OK;
  if (len > MAX_LINE) return fail(c, IDNER_ERR_DATA_FORMAT, "line longer than 4096 bytes");
  if (!idner__utf8_valid(s, len)) return fail(c, IDNER_ERR_DATA_FORMAT, "invalid UTF-8");
  const char *f[5];
  size_t fl[5];
  int nf = split_tabs(s, len, f, fl);
  if (nf < 2) return fail(c, IDNER_ERR_DATA_FORMAT, "missing class column (expected surface<TAB>class)");
  if (nf > 4) return fail(c, IDNER_ERR_DATA_FORMAT, "too many columns (at most 4)");
  if (fl[0] == 0) return fail(c, IDNER_ERR_DATA_FORMAT, "empty surface form");
  int cls = parse_class(f[1], fl[1]);
  if (!cls) {
    char msg[160];
    idner__fmt(msg, sizeof msg, "unknown class '%.*s'", (int)(fl[1] > 40 ? 40 : fl[1]), f[1]);
    return fail(c, IDNER_ERR_DATA_FORMAT, msg);
  }
  const char *val = nf > 2 ? f[2] : "";
  size_t vlen = nf > 2 ? fl[2] : 0;
  if (cls == IDNER__GZ_NAT && !is_iso2(val, vlen))
    return fail(c, IDNER_ERR_DATA_FORMAT, "NAT entry needs an ISO 3166-1 alpha-2 code as value");
  uint8_t flags = 0;
  if (nf > 3 && !parse_flags(f[3], fl[3], &flags))
    return fail(c, IDNER_ERR_DATA_FORMAT, "unknown flag (expected cs, ambig)");
  return add_entry(g, c, f[0], fl[0], cls, val, vlen, flags);
}

static int32_t check_header(const line_ctx *c, const char *s, size_t len) {
  size_t hl = strlen(HEADER);
  if (len < hl || memcmp(s, HEADER, hl) != 0)
    return fail(c, IDNER_ERR_DATA_FORMAT, "first line must be '# idner-gazetteer 1'");
  if (len != hl + 1 || s[hl] != '0' + IDNER_DATA_FORMAT_VERSION)
    return fail(c, IDNER_ERR_DATA_VERSION, "unsupported data format version (this library reads 1)");
  return IDNER_OK;
}

int32_t idner__gz_add_file(idner__gazetteer *g, const char *name, const char *data,
                           size_t size, char *err, size_t errsz) {
  line_ctx c = {name, 0, err, errsz};
  size_t pos = 0;
  if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3; /* BOM */
  if (size >= 2 && (memcmp(data, "\xFF\xFE", 2) == 0 || memcmp(data, "\xFE\xFF", 2) == 0)) {
    c.lineno = 1;
    return fail(&c, IDNER_ERR_DATA_FORMAT, "UTF-16 byte-order mark (data files must be UTF-8)");
  }
  if (size == pos) {
    c.lineno = 1;
    return fail(&c, IDNER_ERR_DATA_FORMAT, "empty file (first line must be '# idner-gazetteer 1')");
  }
  while (pos < size) {
    const char *nl = memchr(data + pos, '\n', size - pos);
    size_t end = nl ? (size_t)(nl - data) : size;
    size_t len = end - pos;
    if (len && data[pos + len - 1] == '\r') len--;
    c.lineno++;
    /* a text file holds no NUL (the tokenizer would read "Jo\0ko" as two
     * words, a header check would call it a version mismatch) */
    if (memchr(data + pos, '\0', len)) return fail(&c, IDNER_ERR_DATA_FORMAT, "NUL byte in the line");
    int32_t rc = c.lineno == 1 ? check_header(&c, data + pos, len)
                               : parse_line(g, &c, data + pos, len);
    if (rc) return rc;
    pos = end + 1;
  }
  return IDNER_OK;
}

/* ---- index and matching ------------------------------------------------- */

/* Fills a fresh index of ns slots (a power of two) with the chains and
 * counts them in *chains. */
static int32_t build_slots(idner__gazetteer *g, size_t ns, size_t *chains) {
  free(g->slots);
  g->nslots = 0;
  /* zeroed: the store's bytes are the same from run to run (the embedded
   * image is these bytes); aligned: a slot never straddles a cache line */
  g->slots = aligned_alloc(64, ns * sizeof *g->slots);
  if (!g->slots) return IDNER_ERR_NOMEM;
  memset(g->slots, 0, ns * sizeof *g->slots);
  g->nslots = ns;
  for (size_t i = 0; i < ns; i++) g->slots[i].head = UINT32_MAX;
  *chains = 0;
  /* Insert in reverse so each chain lists entries in load order: later
   * files come later, and recognizers let the last word win. */
  for (size_t k = g->n; k-- > 0;) {
    /* probed from the full hash's line, matched by its key: the lookup
     * goes the same way and stops at the same slot */
    uint64_t h = IDNER__GZ_KEY(g->first_hash[k]);
    size_t i;
    for (size_t s = (size_t)g->first_hash[k] & (ns - 2);; s = (s + 2) & (ns - 1)) {
      slot *l = &g->slots[s];
      if (l[0].head == UINT32_MAX || l[0].hash == h) { i = s; break; }
      if (l[1].head == UINT32_MAX || l[1].hash == h) { i = s + 1; break; }
      l[0].summary |= IDNER__GZS_OVERFLOW;
    }
    *chains += g->slots[i].head == UINT32_MAX;
    g->v[k].next = g->slots[i].head;
    g->slots[i].hash = h;
    g->slots[i].head = (uint32_t)k;
  }
  return IDNER_OK;
}

/* Lays each chain's entries out one after another in chain order, chains
 * in the order of their first entries (so entries without a shared first
 * token keep the load order): a walk reads consecutive memory, not one
 * entry here and the next there. */
static int32_t group_chains(idner__gazetteer *g) {
  size_t n = g->n;
  if (!n) return IDNER_OK;
  idner__gz_entry *v = malloc(n * sizeof *v);
  uint64_t *fh = malloc(n * sizeof *fh);
  uint32_t *head_slot = malloc(n * sizeof *head_slot);
  if (!v || !fh || !head_slot) {
    free(v);
    free(fh);
    free(head_slot);
    return IDNER_ERR_NOMEM;
  }
  for (size_t k = 0; k < n; k++) head_slot[k] = UINT32_MAX;
  for (size_t i = 0; i < g->nslots; i++)
    if (g->slots[i].head != UINT32_MAX) head_slot[g->slots[i].head] = (uint32_t)i;
  size_t pos = 0;
  for (size_t h = 0; h < n; h++) {
    if (head_slot[h] == UINT32_MAX) continue;
    g->slots[head_slot[h]].head = (uint32_t)pos;
    for (uint32_t k = (uint32_t)h; k != UINT32_MAX; k = g->v[k].next) {
      v[pos] = g->v[k];
      fh[pos] = g->first_hash[k];
      v[pos].next = g->v[k].next == UINT32_MAX ? UINT32_MAX : (uint32_t)(pos + 1);
      pos++;
    }
  }
  memcpy(g->v, v, n * sizeof *v);
  memcpy(g->first_hash, fh, n * sizeof *fh);
  free(v);
  free(fh);
  free(head_slot);
  return IDNER_OK;
}

int32_t idner__gz_finish(idner__gazetteer *g) {
  size_t ns = 16;
  while (ns < g->n * 2) ns *= 2;
  size_t chains;
  int32_t rc = build_slots(g, ns, &chains);
  if (rc) return rc;
  /* Most first tokens start one chain: size the index by chains, at most
   * half full (two thirds full cost more in lines read past a full one
   * and in mispredicted probes than it saved in lines; a quarter full, 8
   * MB, saved 14% of the mispredicts but only ~0.5% of the rules stage's
   * time, for 4 MB more). */
  size_t fit = 16;
  while (fit < chains * 2) fit *= 2;
  if (fit < ns && (rc = build_slots(g, ns = fit, &chains))) return rc;
  if ((rc = group_chains(g))) return rc;
  /* What the matcher may skip (IDNER__GZQ_*): it compares the first token
   * once per chain, against the head's first folded token. */
  for (size_t i = 0; i < ns; i++) {
    uint32_t head = g->slots[i].head;
    if (head == UINT32_MAX) continue;
    const char *hf = g->pool.v + g->v[head].form_off;
    size_t hl = strlen(hf);
    if (hl < IDNER__GZ_SLOT_FORM) memcpy(g->slots[i].form, hf, hl);
    else g->slots[i].form[IDNER__GZ_SLOT_FORM - 1] = 0xFF;
    uint32_t any = 0, upper = 0, filter = 0, summable = 1, nent = 0, ent = 0, last = head;
    for (uint32_t k = head; k != UINT32_MAX; last = k, k = g->v[k].next) {
      idner__gz_entry *e = &g->v[k];
      int entity = e->cls >= IDNER__GZ_PER && e->cls <= IDNER__GZ_LOC;
      e->quick = 0;
      if (!(e->flags & IDNER__GZF_CS) && strcmp(g->pool.v + e->form_off, hf) == 0)
        e->quick |= IDNER__GZQ_SAME_FIRST | (e->ntok == 1 ? IDNER__GZQ_ONE : 0u);
      if (!(e->first_upper & 1u) || e->cls == IDNER__GZ_TITLE || e->cls == IDNER__GZ_NONE)
        e->quick |= IDNER__GZQ_ANYCASE;
      if ((e->flags & IDNER__GZF_AMBIG) && entity) e->quick |= IDNER__GZQ_AMBIG_ENTITY;
      if (!(e->quick & IDNER__GZQ_SAME_FIRST) || e->cls >= 15) summable = 0;
      else if (!(e->quick & IDNER__GZQ_ONE)) /* a longer entry: walked when it may match */
        filter |= IDNER__GZS_BIT(e->second_tag);
      else {
        if (entity) nent++, ent = k;
        if (e->quick & IDNER__GZQ_ANYCASE) any |= 1u << e->cls;
        else upper |= 1u << e->cls;
      }
    }
    if (nent > 1) summable = 0;
    uint32_t at_head = 0;
    if (summable && nent == 1) {
      /* the chain's one one-word entity name goes to its head, where the
       * record finds it without reading the entries: no other entry of its
       * class has one token, so matches of its class keep the same winner */
      at_head = IDNER__GZS_HEAD_ENTITY |
                (g->v[ent].quick & IDNER__GZQ_AMBIG_ENTITY ? IDNER__GZS_HEAD_AMBIG : 0u);
      idner__gz_entry e = g->v[ent];
      uint64_t fh = g->first_hash[ent];
      memmove(&g->v[head + 1], &g->v[head], (ent - head) * sizeof *g->v);
      memmove(&g->first_hash[head + 1], &g->first_hash[head], (ent - head) * sizeof *g->first_hash);
      g->v[head] = e;
      g->first_hash[head] = fh;
      for (uint32_t k = head; k <= last; k++) g->v[k].next = k < last ? k + 1 : UINT32_MAX;
    }
    if (summable) g->slots[i].hash |= filter;
    g->slots[i].summary = (g->slots[i].summary & IDNER__GZS_OVERFLOW) |
                          (summable ? IDNER__GZS_VALID | any | upper << 16 | at_head : 0);
  }
  free(g->scratch.v);
  free(g->fold.v);
  memset(&g->scratch, 0, sizeof g->scratch);
  memset(&g->fold, 0, sizeof g->fold);
  return IDNER_OK;
}

/* ---- the embedded image (image.h) ---------------------------------------- */

void idner__gz_image_of(const idner__gazetteer *g, idner__gz_image *out) {
  out->entries = (idner__blob){g->v, g->n * sizeof *g->v};
  out->pool = (idner__blob){g->pool.v, g->pool.n};
  out->slots = (idner__blob){g->slots, g->nslots * sizeof *g->slots};
}

int32_t idner__gz_adopt(const idner__gz_image *im, idner__gazetteer **out) {
  *out = NULL;
  size_t ns = im->slots.size / sizeof(slot);
  if (im->entries.size % sizeof(idner__gz_entry) || im->slots.size % sizeof(slot) || ns < 16 ||
      (ns & (ns - 1)) || !im->pool.size || (uintptr_t)im->slots.p % _Alignof(slot))
    return IDNER_ERR_INTERNAL;
  idner__gazetteer *g = calloc(1, sizeof *g);
  if (!g) return IDNER_ERR_NOMEM;
  /* Read-only from here on: the lookups never write the store. */
  g->v = (idner__gz_entry *)im->entries.p;
  g->n = im->entries.size / sizeof(idner__gz_entry);
  g->pool.v = (char *)im->pool.p;
  g->pool.n = im->pool.size;
  g->slots = (slot *)im->slots.p;
  g->nslots = ns;
  g->borrowed = 1;
  *out = g;
  return IDNER_OK;
}

uint32_t idner__gz_first(const idner__gazetteer *g, const idner__gz_tokens *t, size_t i) {
  if (!g->nslots) return UINT32_MAX; /* not finished */
  idner__gz_index x;
  idner__gz_index_of(g, &x);
  const slot *sl = idner__gz_slot_of(&x, t->fold_hash[i]);
  return sl ? sl->head : UINT32_MAX;
}

void idner__gz_index_of(const idner__gazetteer *g, idner__gz_index *out) {
  out->v = g->v;
  out->pool = g->pool.v;
  out->pool_n = g->pool.n;
  out->slots = g->slots;
  out->nslots = g->nslots;
}

static int token_is_upper(const idner_token *t) {
  return (t->flags & (IDNER_SHAPE_CAPITALIZED | IDNER_SHAPE_ALLCAPS)) != 0;
}

/* 1 if the pool string at off equals tok[0..len). Pool strings are tokens
 * of surface forms, which never hold a NUL (the tokenizer treats NUL as a
 * space), so the string has length len exactly when its byte len, inside
 * the pool, is its terminator: one memcmp instead of strlen + memcmp. */
static int pool_token_is(const idner__gazetteer *g, size_t off, const char *tok, size_t len) {
  return len != 0 && off + len < g->pool.n && g->pool.v[off + len] == '\0' &&
         memcmp(g->pool.v + off, tok, len) == 0;
}

int idner__gz_matches_after_first(const idner__gz_index *x, const idner__gz_entry *e,
                                  const idner__gz_tokens *t, size_t i) {
  unsigned upper = e->cls == IDNER__GZ_TITLE || e->cls == IDNER__GZ_NONE ? 0u : e->first_upper;
  if ((upper & 1u) && !token_is_upper(&t->toks[i])) return 0;
  if (e->ntok == 1) return 1;
  if (e->ntok > 255) return 0; /* longer than an evidence record keeps */
  if (i + e->ntok > t->n) return 0;
  uint32_t sent = t->toks[i].sentence;
  size_t off = e->form_off + (t->fold_off[i + 1] - t->fold_off[i]) + 1;
  for (size_t k = 1; k < e->ntok; k++) {
    const idner_token *tk = &t->toks[i + k];
    if (tk->sentence != sent) return 0;
    const char *tok = t->fold + t->fold_off[i + k];
    size_t len = t->fold_off[i + k + 1] - t->fold_off[i + k];
    if (!(len != 0 && off + len < x->pool_n && x->pool[off + len] == '\0' &&
          memcmp(x->pool + off, tok, len) == 0))
      return 0;
    if (k < 8 && (upper >> k & 1u) && !token_is_upper(tk)) return 0;
    off += len + 1;
  }
  return 1;
}

int idner__gz_matches(const idner__gazetteer *g, const idner__gz_entry *e,
                      const idner__gz_tokens *t, size_t i) {
  if (e->ntok == 1 && !(e->flags & IDNER__GZF_CS)) { /* most entries: one folded word */
    size_t len = t->fold_off[i + 1] - t->fold_off[i];
    if (!pool_token_is(g, e->form_off, t->fold + t->fold_off[i], len)) return 0;
    return !(e->first_upper & 1u) || e->cls == IDNER__GZ_TITLE || e->cls == IDNER__GZ_NONE ||
           token_is_upper(&t->toks[i]);
  }
  if (i + e->ntok > t->n) return 0;
  uint32_t sent = t->toks[i].sentence;
  int cs = (e->flags & IDNER__GZF_CS) != 0;
  /* tokens that must start upper-case in the text (TITLE and NONE entries
   * match in any case, cs entries compare the case anyway) */
  unsigned upper =
      cs || e->cls == IDNER__GZ_TITLE || e->cls == IDNER__GZ_NONE ? 0u : e->first_upper;
  /* A cs entry compares its original tokens, any other its folded ones:
   * walk only the string list that is compared. */
  size_t off = cs ? e->exact_off : e->form_off;
  for (size_t k = 0; k < e->ntok; k++) {
    const idner_token *tk = &t->toks[i + k];
    if (tk->sentence != sent) return 0;
    const char *tok = cs ? t->text + tk->byte_start : t->fold + t->fold_off[i + k];
    size_t len = cs ? tk->byte_end - tk->byte_start : t->fold_off[i + k + 1] - t->fold_off[i + k];
    if (!pool_token_is(g, off, tok, len)) return 0;
    if (k < 8 && (upper >> k & 1u) && !token_is_upper(tk)) return 0;
    off += len + 1;
  }
  return 1;
}
