#pragma once

#include <cstdint>
#include <vector>

#include "fill/patchmatch/masked_image.h"
#include "fill/patchmatch/voting.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint::patchmatch {

// Rebuilds the fill from its gradients rather than its colours (gradient-domain fusion, as in
// Darabi, Shechtman, Barnes, Goldman and Sen, "Image melding", SIGGRAPH 2012; Pérez, Gangnet and
// Blake, "Poisson image editing", SIGGRAPH 2003): a best-only vote pastes regions copied from
// different places, and where two meet, or where one meets the original, their brightness
// steps. A correction c, added to every hole pixel, minimises
//   sum over edges (c(q) - c(p) - e(p, q))^2 + λ sum over pixels c(p)^2,
// where e is zero inside a region copied as one piece (its own gradients are kept), and where
// two regions meet it replaces the step the copy made with the step their sources imply there.
// At the original's border c matches the difference between each border pixel and the value the
// fill implies for it (the pixel beside the source of its hole neighbour), so the step from the
// original into the fill is the source's own. With λ small the brightness of every region is
// integrated from the border through the steps its sources imply, instead of pasted: no
// rectangles of a different brightness in skies and water.
//
// `sources[i]` is where hole pixel i was copied from in the best-only vote that made the fill
// (-1 for known pixels); `voter` gives the matches' proposal for border pixels that no source
// accounts for.
void FuseGradients(const Voter& voter, const std::vector<int32_t>& sources, MaskedImage& image, ComputePool& pool,
                   const ProgressSink& sink);

}  // namespace outpaint::patchmatch
