/* api_layout.c — prints the layout of idner.h's public structs, one line per
 * field ("STRUCT FIELD OFFSET SIZE") and one per struct ("STRUCT sizeof N"),
 * for tests/check_api_doc.py to compare with the tables in docs/API.md and
 * with the struct bodies in the header. Exits 1 when the linked library's
 * idner_sizeof_* disagree with this compilation's sizeof (a header/library
 * mismatch a binding would also hit). */
#include <stddef.h>
#include <stdio.h>

#include "idner.h"

#define FIELD(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(s, f), sizeof(((s *)0)->f))
#define SIZE(s) printf("%s sizeof %zu\n", #s, sizeof(s))

int main(void) {
  FIELD(idner_options, struct_size);
  FIELD(idner_options, types);
  FIELD(idner_options, flags);
  FIELD(idner_options, ref_year);
  FIELD(idner_options, ref_month);
  FIELD(idner_options, ref_day);
  FIELD(idner_options, profile);
  FIELD(idner_options, reserved);
  SIZE(idner_options);

  FIELD(idner_token, byte_start);
  FIELD(idner_token, byte_end);
  FIELD(idner_token, char_start);
  FIELD(idner_token, char_end);
  FIELD(idner_token, kind);
  FIELD(idner_token, flags);
  FIELD(idner_token, sentence);
  FIELD(idner_token, reserved);
  SIZE(idner_token);

  FIELD(idner_entity, type);
  FIELD(idner_entity, byte_start);
  FIELD(idner_entity, byte_end);
  FIELD(idner_entity, char_start);
  FIELD(idner_entity, char_end);
  FIELD(idner_entity, token_start);
  FIELD(idner_entity, token_end);
  FIELD(idner_entity, evidence);
  FIELD(idner_entity, value_offset);
  FIELD(idner_entity, value_len);
  FIELD(idner_entity, mod_offset);
  FIELD(idner_entity, mod_len);
  FIELD(idner_entity, end_value_offset);
  FIELD(idner_entity, end_value_len);
  FIELD(idner_entity, tz_offset_minutes);
  FIELD(idner_entity, has_tz);
  FIELD(idner_entity, reserved);
  SIZE(idner_entity);

  int bad = 0;
  if (idner_sizeof_options() != sizeof(idner_options)) bad = 1;
  if (idner_sizeof_token() != sizeof(idner_token)) bad = 1;
  if (idner_sizeof_entity() != sizeof(idner_entity)) bad = 1;
  if (bad) fprintf(stderr, "api_layout: idner_sizeof_* of the linked library differ from sizeof\n");
  return bad;
}
