/* model.h — the immutable model: gazetteer store, compiled date grammar and
 * the learned sequence model (model.c loads it from the embedded default
 * and/or a data directory). */
#ifndef IDNER_MODEL_H
#define IDNER_MODEL_H

#include "dates.h"
#include "gazetteer.h"

struct idner__seqmodel; /* tagger.h */

struct idner_model {
  idner__gazetteer *gz;
  idner__dategrammar *dates;
  struct idner__seqmodel *seq;  /* NULL: gazetteers and rules only */
};

#endif
