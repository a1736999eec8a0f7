/* image.h — the embedded default model as finished structures, built at
 * compile time by lib/build-tools/mkimage.c (generated image_data.c): the
 * gazetteer store, the sequence model's tables and the date grammar's
 * serialized PCRE2 patterns. Loading the embedded default points the model
 * at these read-only arrays instead of parsing the files (model.c); a build
 * without an image (image_none.c) parses the embedded files as before.
 *
 * Every blob is the raw in-memory bytes of one array on the build host; the
 * generated file refuses to compile for a target of another byte order or
 * struct layout, and the arrays are aligned for the structs they hold. */
#ifndef IDNER_IMAGE_H
#define IDNER_IMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct idner__blob {
  const void *p;  /* never NULL when size > 0 */
  size_t size;    /* bytes */
} idner__blob;

/* Gazetteer store (gazetteer.c): entries, string pool, first-token index. */
typedef struct idner__gz_image {
  idner__blob entries, pool, slots;
} idner__gz_image;

/* Sequence model (tagger.c): the struct itself with its pointers zeroed
 * (scalars, profiles, transitions), the tagging table (key buckets and
 * int16 rows, tagger.h) and the word classes. */
typedef struct idner__seq_image {
  idner__blob head, tkeys, tq, wc_keys, wc_left, wc_right, wc_slots;
} idner__seq_image;

/* Calendar table (calendar.c): the struct with its pointers zeroed, and its
 * arrays (the forms with their string pointers zeroed). */
typedef struct idner__cal_image {
  idner__blob head, h_start, forms, hol, dates, pool;
} idner__cal_image;

/* Date grammar (dates.c): its rules' PCRE2 code (pcre2_serialize_encode, in
 * rule order), their capture group numbers, the grammar file split into
 * strings, the tables that point into it (as offsets, see dates.c) and the
 * calendar. */
typedef struct idner__dates_image {
  idner__blob codes, groups, text, tables;
  idner__cal_image cal;
} idner__dates_image;

typedef struct idner__image {
  uint32_t present;  /* 0: no image in this build */
  idner__gz_image gz;
  idner__seq_image seq;
  idner__dates_image dates;
} idner__image;

extern const idner__image idner__the_image;

#endif
