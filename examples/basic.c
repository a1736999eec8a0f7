/* basic.c — the smallest complete idner program: load the embedded default
 * model, analyze one sentence against a reference date, print entities. */
#include <stdio.h>
#include <string.h>

#include "idner.h"

int main(void) {
  const char *text = "Presiden Joko Widodo bertemu Menteri Luar Negeri China Wang Yi "
                     "di Jakarta pada Selasa (19/9/2023).";
  char err[256] = "";
  idner_model *model = NULL;
  idner_doc *doc = NULL;
  idner_options opts;
  int32_t status = idner_model_load(NULL, 0, &model, err, sizeof err);
  if (status == IDNER_OK) status = idner_doc_new(&doc);
  if (status != IDNER_OK) {
    fprintf(stderr, "idner: %s %s\n", idner_strerror(status), err);
    idner_model_free(model);
    return 1;
  }
  idner_options_init(&opts);
  opts.ref_year = 2023, opts.ref_month = 9, opts.ref_day = 19;
  status = idner_analyze(model, doc, text, strlen(text), &opts);
  if (status != IDNER_OK) {
    fprintf(stderr, "idner: %s: %s\n", idner_strerror(status), idner_doc_error(doc));
  } else {
    const idner_entity *e = idner_doc_entities(doc);
    const char *pool = idner_doc_strings(doc, NULL);
    for (uint32_t i = 0; i < idner_doc_entity_count(doc); i++)
      printf("%-4s %.*s%s%s\n", idner_type_name(e[i].type),
             (int)(e[i].byte_end - e[i].byte_start), text + e[i].byte_start,
             e[i].value_len ? "  = " : "", e[i].value_len ? pool + e[i].value_offset : "");
  }
  idner_doc_free(doc);
  idner_model_free(model);
  return status == IDNER_OK ? 0 : 1;
}
