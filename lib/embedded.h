/* embedded.h — the default gazetteer files compiled into the library by
 * lib/build-tools/embed_data.c (generated embedded_data.c). Read-only. */
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
