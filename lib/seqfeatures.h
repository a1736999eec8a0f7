/* seqfeatures.h — per-token features for the sequence model: word, context,
 * shape, affixes, gazetteer and rule evidence, date hits and document-level
 * evidence, as 32-bit hashes (seqfeatures.c). */
#ifndef IDNER_SEQFEATURES_H
#define IDNER_SEQFEATURES_H

#include "doc.h"

/* Bump when templates change: model files record the version they were
 * trained with, and a mismatch is IDNER_ERR_DATA_VERSION. */
#define IDNER__FEATURE_SET_VERSION 2

/* Feature groups that can be switched off (ablation, baselines). */
#define IDNER__FEAT_GAZETTEER 0x1u  /* gazetteer classes and rule candidates */
#define IDNER__FEAT_DOCUMENT 0x2u   /* same form elsewhere in the document */
#define IDNER__FEAT_CLASSES 0x4u    /* word context classes from the training text */
#define IDNER__FEAT_ALL 0x7u

struct idner__seqmodel;

/* Fills d->feats with the features of every token: token i's hashes are
 * d->feats.v[d->feat_off.v[i] .. d->feat_off.v[i + 1]). Needs the evidence
 * and the first-pass candidates (idner__compute_evidence,
 * idner__recognize). With profile != 0 every feature is also emitted
 * conjoined with the profile, so the model learns shared weights plus
 * per-corpus corrections (Daume's "frustratingly easy" domain adaptation).
 * m (may be NULL) supplies the word context classes.
 * tagging = 0 (training): each token's list holds exactly its own features.
 * tagging = 1 (idner__seqmodel_tag): the list starts with the token's form
 * block (d->local.v[i]: its local features, then the features it gives the
 * tokens at +1, +2, -1, -2 as their neighbour), which is left out when the
 * doc's emission cache holds its scores; the features that the token's
 * neighbours give it are in their blocks, except at the document's edges.
 * Same features, same scores, fewer weight lookups.
 * Returns IDNER_OK or IDNER_ERR_NOMEM. */
int32_t idner__extract_features(idner_doc *d, uint32_t groups, uint32_t profile,
                                const struct idner__seqmodel *m, int tagging);

#endif
