#pragma once

#include "fill/patchmatch/masked_image.h"

namespace outpaint::patchmatch {

// The texture features of Newson, Almansa, Fradet, Gousseau and Pérez ("Video inpainting of
// complex scenes", SIAM Journal on Imaging Sciences, 2014): two channels appended to every
// known pixel, the mean absolute horizontal and vertical luminance differences of the known
// pixels within `radius` of it, times `scale`. Once averaged down the pyramid they tell fine
// texture (wood grain, foliage) from a smooth surface of the same mean colour on coarse levels,
// where both look flat; patch distances then keep the fill from laying smooth material where
// the original is textured, which colour alone cannot see until the finest levels.
// Hole pixels get zeros: the fill sets them like any other channel.
// Expects a level of colour channels alone.
MaskedImage WithTextureFeatures(const MaskedImage& image, int radius, int scale);

}  // namespace outpaint::patchmatch
