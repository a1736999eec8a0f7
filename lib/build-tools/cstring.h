/* cstring.h — build-time helper shared by idner_embed and idner_mkimage:
 * writes bytes as a C string literal, the fastest initializer for a C
 * compiler to read (a "%d," per byte took gcc seconds per megabyte). Bytes
 * are written as they are where printable, else as the shortest octal
 * escape that the next character cannot extend; "?" is escaped (trigraphs
 * in strict C) and the literal is cut into lines (adjacent literals join). */
#ifndef IDNER_BUILD_CSTRING_H
#define IDNER_BUILD_CSTRING_H

#include <stdio.h>

static int cstr_plain(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?';
}

static void cstr_write(FILE *out, const unsigned char *p, size_t n) {
  size_t col = 0;
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (cstr_plain(c)) {
      fputc(c, out), col++;
    } else {
      /* an escape of fewer than 3 digits must not be followed by a digit 0-7 */
      int next_digit = i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7';
      col += (size_t)(next_digit ? fprintf(out, "\\%03o", c) : fprintf(out, "\\%o", c));
    }
    if (col >= 4000 && i + 1 < n) {
      fputs("\"\n\"", out);
      col = 0;
    }
  }
  fputc('"', out);
}

#endif
