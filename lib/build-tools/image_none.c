/* image_none.c — the empty embedded image (image.h): linked into
 * idner_mkimage, which builds the real one by parsing the embedded files,
 * and into builds configured with IDNER_IMAGE=OFF. */
#include "image.h"

const idner__image idner__the_image = {0};
