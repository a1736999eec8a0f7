/* cstring.h — build-time helper shared by idner_embed and idner_mkimage:
 * writes bytes as a C string literal, the fastest initializer for a C
 * compiler to read (a "%d," per byte took gcc seconds per megabyte). Bytes
 * are written as they are where printable, else as the shortest octal
 * escape that the next character cannot extend; "?" is escaped (trigraphs
 * in strict C) and the literal is cut into lines (adjacent literals join). */
#ifndef IDNER_BUILD_CSTRING_H
#define IDNER_BUILD_CSTRING_H

#include <stdio.h>
#include <string.h>

static int cstr_plain(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?';
}

static void cstr_write(FILE *out, const unsigned char *p, size_t n) {
  char line[4200]; /* written a line at a time: a putc per byte is slow */
  size_t col = 0;
  line[col++] = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (cstr_plain(c)) {
      line[col++] = (char)c;
    } else {
      /* an escape of fewer than 3 digits must not be followed by a digit 0-7 */
      int next_digit = i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7';
      int digits = next_digit || c >= 64 ? 3 : c >= 8 ? 2 : 1;
      line[col++] = '\\';
      for (int d = digits - 1; d >= 0; d--) line[col++] = (char)('0' + ((c >> (3 * d)) & 7));
    }
    if (col >= 4000 && i + 1 < n) {
      memcpy(line + col, "\"\n\"", 3);
      fwrite(line, 1, col + 3, out);
      col = 0;
    }
  }
  line[col++] = '"';
  fwrite(line, 1, col, out);
}

#endif
