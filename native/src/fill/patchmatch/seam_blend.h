#pragma once

#include <cstdint>
#include <vector>

#include "fill/patchmatch/masked_image.h"
#include "fill/patchmatch/voting.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint::patchmatch {

// Removes the colour steps where the fill meets the known pixels and where copied regions meet
// inside it (interior_seams.h), keeping the fill's texture.
// On each known pixel next to the hole, the fill implies a value of its own (the pixel beside
// the source of its hole neighbour); the difference between the real pixel and that is spread
// over the hole as a membrane
// (a harmonic function: Pérez, Gangnet and Blake, "Poisson image editing", SIGGRAPH 2003) and
// added to it. The membrane starts from a pull-push interpolation (Gortler et al., "The
// Lumigraph", SIGGRAPH 1996), which is close everywhere, and successive over-relaxation sweeps
// make it exact next to the seam, where it matters.
// `sources` is what the best-only vote that made the fill returned.
void BlendSeams(const Voter& voter, const std::vector<int32_t>& sources, const std::vector<uint16_t>& hole_depth, MaskedImage& image,
                ComputePool& pool, const ProgressSink& sink);

}  // namespace outpaint::patchmatch
