/*
 * idner.h — the one public header of idner, an Indonesian named-entity
 * extractor (PER, NAT, ORG, LOC, DATE, TIME) with gazetteers loaded at init.
 *
 * RESOURCE MANAGEMENT
 *   The library allocates; only idner_model_free() and idner_doc_free() free.
 *   Nothing is ever handed to the caller for free(). Every borrowed pointer
 *   says how long it lives ("valid until ...").
 *
 * THREAD SAFETY
 *   An idner_model is immutable after idner_model_load() returns: any number
 *   of threads may use one model at the same time without locks. (Inside,
 *   each date rule is JIT-compiled the first time an analysis needs it,
 *   once, under the model's own lock: the first analyses with a new model
 *   pay that, up to about 5 ms in all; callers see no change.) An idner_doc
 *   holds one call's results and scratch space: use each doc from one thread
 *   at a time (one doc per thread). There is no global state, no init
 *   function, and the library never prints and never reads the environment.
 *
 * OFFSETS
 *   All spans are half-open [start, end). byte_* offsets count UTF-8 bytes
 *   into the analyzed text; char_* offsets count Unicode code points (equal
 *   to Python str indices). In the default (lenient) UTF-8 mode each invalid
 *   byte counts as one code point and is never rewritten, so offsets never
 *   shift; with IDNER_FLAG_STRICT_UTF8 invalid input is an error instead.
 *
 * ERRORS
 *   Every fallible call returns an int32_t status: IDNER_OK (0) or a negative
 *   IDNER_ERR_* code. Codes are pinned and never renumbered. Detail goes to a
 *   caller buffer at load and to idner_doc_error() after a failed analyze.
 *
 * ABI
 *   Structs contain fixed-width integers only, are passed by pointer, and
 *   have reserved fields that are zero. Enumerations are #define constants
 *   and append-only: bindings must tolerate values they do not know.
 */
#ifndef IDNER_H
#define IDNER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Version ------------------------------------------------------------ */

#define IDNER_VERSION_MAJOR 0
#define IDNER_VERSION_MINOR 1
#define IDNER_VERSION_PATCH 0
#define IDNER_VERSION_NUMBER \
  (IDNER_VERSION_MAJOR * 10000 + IDNER_VERSION_MINOR * 100 + IDNER_VERSION_PATCH)
#define IDNER_VERSION_STRING "0.1.0"

/* Version of the gazetteer data format this library reads (the number in
 * each data file's "# idner-gazetteer N" first line). */
#define IDNER_DATA_FORMAT_VERSION 1

/* ---- Export macro ------------------------------------------------------- */

#if defined(_WIN32)
#  if defined(IDNER_BUILDING_DLL)
#    define IDNER_API __declspec(dllexport)
#  elif defined(IDNER_DLL_IMPORT)
#    define IDNER_API __declspec(dllimport)
#  else
#    define IDNER_API
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define IDNER_API __attribute__((visibility("default")))
#else
#  define IDNER_API
#endif

/* ---- Status codes (pinned; never renumbered) ---------------------------- */

#define IDNER_OK                 0
#define IDNER_ERR_NOMEM         -1  /* an allocation failed */
#define IDNER_ERR_INVALID_ARG   -2  /* NULL where not allowed, bad option, unknown flag bit */
#define IDNER_ERR_IO            -3  /* a data file or directory could not be read */
#define IDNER_ERR_DATA_FORMAT   -4  /* a data file is malformed (detail names file:line) */
#define IDNER_ERR_DATA_VERSION  -5  /* a data file has an unsupported format version */
#define IDNER_ERR_INVALID_UTF8  -6  /* invalid UTF-8 with IDNER_FLAG_STRICT_UTF8 */
#define IDNER_ERR_TOO_LARGE     -7  /* input longer than IDNER_MAX_INPUT bytes or tokens */
#define IDNER_ERR_NO_DATA       -8  /* no data: empty directory with IDNER_LOAD_NO_DEFAULT */
#define IDNER_ERR_INTERNAL      -9  /* a bug in idner (e.g. a regex failed to compile) */

/* Largest input accepted by idner_analyze() in bytes, 2^31 - 1 (offsets
 * are uint32_t: a text of 4 GiB or more could not be represented). A
 * longer len is refused with IDNER_ERR_TOO_LARGE before a byte of the text
 * is read or anything is allocated. idner_analyze_tokens() has the same limit on its joined text;
 * n tokens join into at least 2n - 1 bytes, so a count n above
 * (IDNER_MAX_INPUT + 1) / 2 is refused before the arrays are read. In
 * practice memory bounds a document first: a doc needs a few hundred bytes
 * per token (one 100 MB document of news text, 19 million tokens: a peak
 * RSS of about 3.7 GB with IDNER_LOAD_NO_MODEL, 6.5 GB with the sequence
 * model; tests/test_hostile.c). */
#define IDNER_MAX_INPUT 0x7FFFFFFFu

/* Static, never-NULL English description of a status code ("unknown status"
 * for codes this version does not know). */
IDNER_API const char *idner_strerror(int32_t status);

/* Runtime version: IDNER_VERSION_NUMBER and IDNER_VERSION_STRING of the
 * library actually linked, and IDNER_DATA_FORMAT_VERSION it reads. */
IDNER_API uint32_t idner_version(void);
IDNER_API const char *idner_version_string(void);
IDNER_API uint32_t idner_data_format_version(void);

/* ---- Entity types (append-only) ----------------------------------------- */

#define IDNER_TYPE_NONE 0
#define IDNER_TYPE_PER  1  /* person */
#define IDNER_TYPE_NAT  2  /* nation / sovereign state */
#define IDNER_TYPE_ORG  3  /* organization */
#define IDNER_TYPE_LOC  4  /* other named place */
#define IDNER_TYPE_DATE 5  /* calendar date or period, with a TIMEX3 value */
#define IDNER_TYPE_TIME 6  /* clock time standing alone, with a TIMEX3 value */
#define IDNER_TYPE_COUNT 7

/* Bit for a type in idner_options.types, e.g. IDNER_TYPE_BIT(IDNER_TYPE_PER). */
#define IDNER_TYPE_BIT(t) (1u << (t))
#define IDNER_TYPES_ALL 0x7Eu

/* "PER", "NAT", "ORG", "LOC", "DATE", "TIME"; "O" for NONE; "UNKNOWN" for
 * anything else. Static strings. */
IDNER_API const char *idner_type_name(uint32_t type);
/* Inverse of idner_type_name() for the six entity types (ASCII,
 * case-sensitive, len bytes); IDNER_TYPE_NONE when the name is unknown. */
IDNER_API uint32_t idner_type_from_name(const char *name, size_t len);

/* ---- Handles ------------------------------------------------------------ */

/* Gazetteers + compiled date grammar; immutable after load (see THREAD
 * SAFETY for the date rules' JIT on first use); share freely. */
typedef struct idner_model idner_model;
/* One analysis' results and scratch; one thread at a time; reusable. */
typedef struct idner_doc idner_doc;

/* ---- Model -------------------------------------------------------------- */

/* idner_model_load() flags */
#define IDNER_LOAD_NO_DEFAULT 0x1u  /* do not start from the embedded default data */
#define IDNER_LOAD_NO_MODEL   0x2u  /* no learned sequence model: gazetteers and rules only */

/*
 * Loads a model.
 *   data_dir == NULL: the embedded default data (the files under
 *     lib/gazetteers/ compiled into the library; nothing is read from disk).
 *   data_dir != NULL: the embedded default, plus every "*.tsv" file in
 *     data_dir in name order; a file with the same name as a default file
 *     replaces it, others add to it. A "model.bin" in data_dir (written by
 *     idner-train) replaces the default sequence model. With
 *     IDNER_LOAD_NO_DEFAULT only the directory's files are used
 *     (IDNER_ERR_NO_DATA if it has no *.tsv).
 *   IDNER_LOAD_NO_MODEL: no sequence model is loaded; entities come from
 *     the gazetteers and rules alone (faster, less accurate).
 *   errbuf (may be NULL) receives a NUL-terminated detail message on failure
 *     (at most errbuf_size bytes, e.g. "places.tsv:12: unknown type 'LOK'").
 * On success *out is a new model; on failure *out is NULL and nothing leaks:
 * a broken file never yields a half-built model.
 * Errors: INVALID_ARG (out NULL, unknown flag), IO, DATA_FORMAT,
 * DATA_VERSION, NO_DATA, NOMEM, INTERNAL.
 */
IDNER_API int32_t idner_model_load(const char *data_dir, uint32_t flags,
                                   idner_model **out, char *errbuf,
                                   size_t errbuf_size);
/* Frees a model (NULL is a no-op). No doc may be in an analyze call on it. */
IDNER_API void idner_model_free(idner_model *model);
/* Number of gazetteer entries loaded (all classes), for diagnostics. */
IDNER_API uint32_t idner_model_entry_count(const idner_model *model);
/* 1 if the model has a learned sequence model, else 0. */
IDNER_API uint32_t idner_model_has_tagger(const idner_model *model);

/* Annotation profiles. The sequence model is trained on corpora that follow
 * different annotation guides (one corpus leaves most country names
 * untagged, another tags them as places). Besides the shared default
 * (profile 0, which follows ENTITIES.md), the model keeps a small set of
 * per-corpus weights; selecting a corpus' profile reproduces that corpus'
 * conventions, e.g. for evaluation on it. Profile names are the training
 * corpus names ("nerui", "nerugm", "idner-news-2k", "nergrit").
 * idner_model_find_profile: *id receives the profile's number for
 * idner_options.profile; IDNER_ERR_INVALID_ARG if the model has no profile
 * of that name (len bytes, not NUL-terminated). */
IDNER_API int32_t idner_model_find_profile(const idner_model *model, const char *name,
                                           size_t len, uint32_t *id);
/* Number of profiles besides the default (ids 1..count). */
IDNER_API uint32_t idner_model_profile_count(const idner_model *model);
/* Name of profile id (static for the model's lifetime); "default" for 0;
 * NULL when id is out of range. */
IDNER_API const char *idner_model_profile_name(const idner_model *model, uint32_t id);

/* ---- Documents ---------------------------------------------------------- */

/* Creates an empty doc. Errors: INVALID_ARG (out NULL), NOMEM. A doc's
 * buffers grow with the largest document it has analyzed (a few hundred
 * bytes per token) and are reused; with a sequence model it also keeps a
 * 1.2 MB cache of token-form scores, which makes reusing one doc per thread
 * faster than creating one per document. */
IDNER_API int32_t idner_doc_new(idner_doc **out);
/* Frees a doc and everything it lent out (NULL is a no-op). */
IDNER_API void idner_doc_free(idner_doc *doc);
/* NUL-terminated detail of the last failed call on this doc; "" after a
 * success. Valid until the next call on this doc. Never NULL for a non-NULL
 * doc. */
IDNER_API const char *idner_doc_error(const idner_doc *doc);

/* ---- Options ------------------------------------------------------------ */

/* idner_options.flags */
#define IDNER_FLAG_STRICT_UTF8 0x1u  /* invalid UTF-8 -> IDNER_ERR_INVALID_UTF8 */

typedef struct idner_options {
  uint32_t struct_size;  /* sizeof(idner_options); set by idner_options_init */
  uint32_t types;        /* IDNER_TYPE_BIT mask of types to emit; IDNER_TYPES_ALL.
                          * 0 = tokenize only: tokens and sentences, no
                          * entities, no recognition work at all */
  uint32_t flags;        /* IDNER_FLAG_* */
  int32_t ref_year;      /* reference date for DATE/TIME values; 0 = none */
  uint32_t ref_month;    /* 1..12 (0 with ref_year 0) */
  uint32_t ref_day;      /* 1..31 (0 with ref_year 0) */
  uint32_t profile;      /* annotation profile of the sequence model; 0 = the
                          * default (ENTITIES.md guidelines); see
                          * idner_model_find_profile() */
  uint32_t reserved[3];  /* must be zero */
} idner_options;

/* Fills *opts with defaults: all types, lenient UTF-8, no reference date.
 * Without a reference date, expressions that need one ("kemarin", "Maret
 * lalu") are still tagged but get an empty value. */
IDNER_API void idner_options_init(idner_options *opts);

/* ---- Analysis ----------------------------------------------------------- */

/*
 * Tokenizes text[0..len) (UTF-8, need not be NUL-terminated, never modified
 * or retained) and extracts entities into doc, replacing its previous
 * results. opts may be NULL for defaults. text may be NULL only if len == 0.
 * Errors: INVALID_ARG (NULL model/doc, bad options), TOO_LARGE
 * (len > IDNER_MAX_INPUT), INVALID_UTF8 (strict mode), NOMEM. On error the
 * doc holds no results and idner_doc_error() says why.
 */
IDNER_API int32_t idner_analyze(const idner_model *model, idner_doc *doc,
                                const char *text, size_t len,
                                const idner_options *opts);

/*
 * Same on pre-tokenized input: n tokens, token i being tokens[i] of lens[i]
 * bytes (not NUL-terminated; non-empty; any bytes). sentence_starts (may be
 * NULL = one sentence) has n bytes, non-zero where a token begins a new
 * sentence. The doc's tokens are then the caller's tokens one for one (token
 * i of idner_doc_tokens() is tokens[i]). Offsets in the results refer to
 * the virtual text made by joining the tokens with one space and the
 * sentences with one newline; idner_doc_text() returns it. Entities always
 * start and end on the given token boundaries.
 * Errors: as idner_analyze(), and INVALID_ARG for a NULL array with n > 0
 * or an empty token; TOO_LARGE past IDNER_MAX_INPUT virtual bytes.
 */
IDNER_API int32_t idner_analyze_tokens(const idner_model *model, idner_doc *doc,
                                       const char *const *tokens,
                                       const size_t *lens, size_t n,
                                       const uint8_t *sentence_starts,
                                       const idner_options *opts);

/* ---- Results (borrowed: valid until the next analyze on, or the free of,
 * this doc) ---------------------------------------------------------------- */

/* idner_token.kind */
#define IDNER_TOK_WORD    1  /* letters (with internal ' or -), abbreviations */
#define IDNER_TOK_NUMBER  2  /* 1.000.000, 3,5, 50%, Rp10.000, ke-20 */
#define IDNER_TOK_PUNCT   3  /* punctuation, quotes, dashes, brackets */
#define IDNER_TOK_SYMBOL  4  /* other symbols, and each invalid UTF-8 byte */
#define IDNER_TOK_DATE    5  /* 19/9/2023, 19-09-2023 */
#define IDNER_TOK_TIME    6  /* 09.30, 14:00 */
#define IDNER_TOK_URL     7  /* https://..., www...., Bisnis.com */
#define IDNER_TOK_EMAIL   8
#define IDNER_TOK_HASHTAG 9
#define IDNER_TOK_MENTION 10

/* idner_token.flags (shape) */
#define IDNER_SHAPE_CAPITALIZED 0x01u  /* first letter upper case */
#define IDNER_SHAPE_ALLCAPS     0x02u  /* all letters upper case (at least one) */
#define IDNER_SHAPE_LOWER       0x04u  /* all letters lower case (at least one) */
#define IDNER_SHAPE_HAS_DIGIT   0x08u
#define IDNER_SHAPE_HAS_PERIOD  0x10u  /* abbreviation / initial: "Dr.", "M." */
#define IDNER_SHAPE_HAS_HYPHEN  0x20u
#define IDNER_SHAPE_INVALID     0x40u  /* contains invalid UTF-8 */
#define IDNER_SHAPE_SENT_START  0x80u  /* first token of its sentence */

typedef struct idner_token {
  uint32_t byte_start, byte_end;  /* UTF-8 bytes, half-open */
  uint32_t char_start, char_end;  /* code points, half-open */
  uint32_t kind;                  /* IDNER_TOK_* */
  uint32_t flags;                 /* IDNER_SHAPE_* */
  uint32_t sentence;              /* 0-based sentence index */
  uint32_t reserved;
} idner_token;

/* idner_entity.evidence: what produced the entity */
#define IDNER_EV_GAZETTEER   0x001u  /* an exact gazetteer entry */
#define IDNER_EV_PATTERN     0x002u  /* an organization/place name pattern */
#define IDNER_EV_TITLE       0x004u  /* a title or role word before a name */
#define IDNER_EV_NAME_PARTS  0x008u  /* given / family name lists */
#define IDNER_EV_DATE_RULE   0x010u  /* the date grammar */
#define IDNER_EV_PROPAGATED  0x020u  /* same form tagged earlier in the doc */
#define IDNER_EV_ACRONYM     0x040u  /* acronym in parentheses after a name */
#define IDNER_EV_DATELINE    0x080u  /* news dateline "Outlet, CITY -" */
#define IDNER_EV_CONTEXT     0x100u  /* a context word ("di", "berinisial") */
#define IDNER_EV_MODEL       0x200u  /* the learned sequence model */

typedef struct idner_entity {
  uint32_t type;                  /* IDNER_TYPE_* */
  uint32_t byte_start, byte_end;  /* UTF-8 bytes, half-open */
  uint32_t char_start, char_end;  /* code points, half-open */
  uint32_t token_start, token_end;/* token indices, half-open */
  uint32_t evidence;              /* IDNER_EV_* bits */
  /* Normalized value, as offset/length into idner_doc_strings() (each string
   * is also NUL-terminated there); length 0 = none. PER/ORG/LOC: canonical
   * name when a gazetteer gives one; NAT: ISO 3166-1 alpha-2 code;
   * DATE/TIME: TIMEX3 value ("2023-09-19", "2023-W37-WE", "PAST_REF"). */
  uint32_t value_offset, value_len;
  /* TIMEX3 mod ("START", "MID", "END", "APPROX"), DATE/TIME only. */
  uint32_t mod_offset, mod_len;
  /* TIMEX3 value of the range end ("12-14 Juni 2024"), DATE/TIME only. */
  uint32_t end_value_offset, end_value_len;
  int32_t tz_offset_minutes;      /* TIME: +420 for WIB; 0 when none */
  uint32_t has_tz;                /* 1 when tz_offset_minutes is set */
  uint32_t reserved[4];
} idner_entity;

IDNER_API uint32_t idner_doc_token_count(const idner_doc *doc);
IDNER_API const idner_token *idner_doc_tokens(const idner_doc *doc);
IDNER_API uint32_t idner_doc_sentence_count(const idner_doc *doc);
IDNER_API uint32_t idner_doc_entity_count(const idner_doc *doc);
IDNER_API const idner_entity *idner_doc_entities(const idner_doc *doc);
/* The string pool the entities' value/mod/end_value offsets point into;
 * *len (may be NULL) receives its size in bytes. The pool holds many
 * NUL-terminated strings back to back (bindings: read it as bytes, e.g.
 * ctypes c_void_p + string_at, not as one C string). */
IDNER_API const char *idner_doc_strings(const idner_doc *doc, uint32_t *len);
/* The analyzed text: the caller's buffer after idner_analyze() (valid while
 * the caller keeps it), the joined virtual text after idner_analyze_tokens()
 * (owned by the doc). *len (may be NULL) receives its length; the text may
 * contain NUL bytes, so use the length, not strlen(). */
IDNER_API const char *idner_doc_text(const idner_doc *doc, uint32_t *len);

/* Struct sizes, so bindings can check their mirrors at load time. */
IDNER_API uint32_t idner_sizeof_token(void);    /* 32 */
IDNER_API uint32_t idner_sizeof_entity(void);   /* 80 */
IDNER_API uint32_t idner_sizeof_options(void);  /* 40 */

#ifdef __cplusplus
}
#endif
#endif /* IDNER_H */
