/* embedded.h — the default data files compiled into the library by
 * lib/build-tools/embed_data.c (generated embedded_data.c). Read-only. With
 * the embedded image (image.h) they are parsed only for a data directory
 * that builds on the default, and model.bin is not among them. */
#ifndef IDNER_EMBEDDED_H
#define IDNER_EMBEDDED_H

typedef struct idner__embedded_file {
  const char *name;           /* base name, e.g. "nations.tsv" */
  const unsigned char *data;  /* file bytes (NUL after the last byte) */
  long size;                  /* bytes, without the trailing NUL */
} idner__embedded_file;

extern const idner__embedded_file idner__embedded_files[];
extern const unsigned idner__embedded_count;

#endif
