/* model.h — the immutable model: gazetteer store + compiled date grammar
 * (model.c loads it from the embedded default and/or a data directory). */
#ifndef IDNER_MODEL_H
#define IDNER_MODEL_H

#include "dates.h"
#include "gazetteer.h"

struct idner_model {
  idner__gazetteer *gz;
  idner__dategrammar *dates;
};

#endif
