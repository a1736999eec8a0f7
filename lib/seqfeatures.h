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

/* Training (tagging = 0): fills d->feats with the features of every
 * token: token i's hashes are d->feats.v[d->feat_off.v[i] ..
 * d->feat_off.v[i + 1]). Needs the evidence and the first-pass candidates
 * (idner__compute_evidence, idner__recognize). With profile != 0 every
 * feature is also emitted conjoined with the profile, so the model learns
 * shared weights plus per-corpus corrections (Daume's "frustratingly easy"
 * domain adaptation). m (may be NULL) supplies the word context classes.
 * Tagging (tagging = 1, m required): the same features' weight rows summed
 * into d->scores (n x labels) for idner__seqmodel_tag, through the doc's
 * caches (seqfeatures.c): every score is the float a plain lookup of the
 * token's features in a fixed order gives, only most lookups are cached.
 * Returns IDNER_OK or IDNER_ERR_NOMEM. */
int32_t idner__extract_features(idner_doc *d, uint32_t groups, uint32_t profile,
                                const struct idner__seqmodel *m, int tagging);

#endif
