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
 * d->feats.v[d->feat_off.v[i] .. d->feat_off.v[i + 1]), its local features
 * (those that depend on the token alone) first: d->local.v[i].nlocal of
 * them. Needs the evidence and the first-pass candidates
 * (idner__compute_evidence, idner__recognize).
 * With profile != 0 every feature is also emitted conjoined with the
 * profile, so the model learns shared weights plus per-corpus corrections
 * (Daume's "frustratingly easy" domain adaptation). m (may be NULL)
 * supplies the word context classes. With use_cache, a token whose local
 * scores are in the doc's emission cache (d->emcache, filled by
 * idner__seqmodel_tag for model m) gets no local features and
 * d->local.v[i].hit = its slot + 1; training passes 0.
 * Returns IDNER_OK or IDNER_ERR_NOMEM. */
int32_t idner__extract_features(idner_doc *d, uint32_t groups, uint32_t profile,
                                const struct idner__seqmodel *m, int use_cache);

#endif
