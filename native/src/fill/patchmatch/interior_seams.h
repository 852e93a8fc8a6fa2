#pragma once

#include <cstdint>
#include <vector>

#include "fill/patchmatch/masked_image.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint::patchmatch {

// Where two regions copied from different places meet inside the fill, the colour usually
// steps: most visibly about 2r pixels in from the seam, where patches anchored on the original
// give way to the deeper ones. On every edge between hole pixels whose sources are not
// neighbours, the step the sources imply replaces the step the copy made; the correction c that
// does so minimises
//   sum over edges (c(q) - c(p) - e(p, q))^2 + λ sum over pixels c(p)^2,  c = 0 on known pixels,
// a screened Poisson equation (gradient-domain fusion as in Darabi et al., "Image melding",
// SIGGRAPH 2012; the screening term after Bhat et al., "GradientShop", TOG 2010), so it fades
// within a few pixels of each meeting line and never shifts the fill's colours far from them.
//
// `sources[i]` is where hole pixel i was copied from (-1 for known pixels). Returns the
// correction per pixel and channel (zero on known pixels), to be added to the fill.
std::vector<float> InteriorSeamCorrection(const std::vector<int32_t>& sources, const MaskedImage& image, ComputePool& pool,
                                          const ProgressSink& sink);

}  // namespace outpaint::patchmatch
