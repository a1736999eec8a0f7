/* train.h — training the sequence model: a structured averaged perceptron
 * over stored, featurized sentences (train.c). Used by examples/idner-train;
 * not part of the public API. */
#ifndef IDNER_TRAIN_H
#define IDNER_TRAIN_H

#include "tagger.h"

typedef struct idner__trainer idner__trainer;

int32_t idner__trainer_new(idner__trainer **out);
void idner__trainer_free(idner__trainer *t);

/* Stores the doc's sentences (features from idner__extract_features) with
 * gold labels gold[0..ntok) for training (dev != 0: for evaluation only). */
int32_t idner__trainer_add(idner__trainer *t, const idner_doc *d, const uint8_t *gold, int dev);

/* Keeps features seen at least min_count times in training sentences and
 * maps stored features to weight rows. Call once, after the last add. */
int32_t idner__trainer_finish_features(idner__trainer *t, uint32_t min_count);

/* One pass over the training sentences in an order shuffled by seed. */
void idner__trainer_epoch(idner__trainer *t, uint64_t seed);

/* Averaged weights as a model (caller frees). */
int32_t idner__trainer_model(const idner__trainer *t, uint32_t feature_groups,
                             idner__seqmodel **out);

/* Entity-level micro F1 of model m on the stored dev (dev != 0) or training
 * sentences, with the model alone (no rules). */
double idner__trainer_f1(const idner__trainer *t, const idner__seqmodel *m, int dev);

/* F1 of m on every stored sentence of a trainer that was only fed (dev)
 * data, looking features up by hash. */
double idner__trainer_f1_with(const idner__trainer *t, const idner__seqmodel *m);

size_t idner__trainer_sentences(const idner__trainer *t, int dev);
size_t idner__trainer_rows(const idner__trainer *t);

#endif
