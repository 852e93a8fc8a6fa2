#include "fill/patchmatch_infill.h"

#include <algorithm>
#include <optional>

#include "fill/patchmatch/gradient_fusion.h"
#include "fill/patchmatch/nearest_neighbour_field.h"
#include "fill/patchmatch/source_rarity.h"
#include "fill/patchmatch/texture_features.h"
#include "fill/patchmatch/voting.h"

namespace outpaint {
namespace {

using patchmatch::MaskedImage;
using patchmatch::NearestNeighbourField;
using patchmatch::SearchParams;

// Settings chosen with the fill benchmark (bench/fill): 7x7 patches; seam patches matched 16
// times more on their known pixels; votes weighted from the median match; a final vote that
// takes each pixel's best proposal, which keeps texture that averaging would smear; texture
// features (mean luminance differences within 2 px) from level 2 on, where colour alone no
// longer tells fine texture from flat areas (four-side texture energy over seeds 1-4: 0.67 ->
// 0.85), weighted 56. With the coarsest level set by the band (below), 32 left the far fill
// smoother than the photo (48: zoom-out texture energy 0.79 -> 0.83, four sides 0.84 -> 0.87).
// Six seeds, 48 -> 56: texture energy zoom-out 0.827 -> 0.849, four sides 0.869 -> 0.883;
// border contrast error right quarter 0.092 -> 0.085, four sides 0.074 -> 0.060, zoom-out
// 0.099 -> 0.103; seam error right quarter 0.139 -> 0.115, zoom-out 0.128 -> 0.142. 60 and
// 64 raised texture energy further but put the right quarter's border contrast error at 0.107
// and 0.097, and 57/58 at 0.089/0.098.
constexpr int kPatchRadius = 3;
constexpr int kKnownWeight = 16;
constexpr patchmatch::VoteParams kVote{0.5, 1.3, false};
// A level is worth adding only while it still has room for patches and enough known ones, and
// while its band stays at least 12 px deep. On a level where the band is hardly deeper than a
// patch, every patch of the fill overlaps the original's border, and the fill there continues
// whatever the border cuts through: the EM settles on the object itself, moved outward by its
// own size (a second head above the head, a rocket above the rocket, a horizon above the
// horizon), and the finer levels only add its detail. Bench, seeds 1-3, against the coarsest
// level set by its side alone: four-side straight edges beyond the real photo's 0.94 -> 0.28
// per 1000, zoom-out 1.02 -> 0.48; at 10 px the zoom-out's came back (1.02, seed 1).
constexpr int kMinLevelSide = 8 * kPatchRadius + 4;
constexpr int kMinBandDepth = 12;
constexpr size_t kMinSources = 64;
// The coarsest level's band is 12 px deep or more (above), and there 6 iterations left the layout
// half settled (four-side straight edges beyond real 0.39 -> 0.31, seed 1).
constexpr int kCoarsestIterations = 12;
constexpr int kMiddleIterations = 3;
constexpr int kFinestIterations = 2;
constexpr int kPassesPerIteration = 2;
constexpr int kFeatureRadius = 2;
constexpr int kFeatureScale = 56;
constexpr size_t kFirstFeatureLevel = 2;
// The source prior against copies of the photo's most distinctive parts (source_rarity.h):
// measured on the level where the kept part's longer side is at most 128 px (an eye or a badge
// is a few patches there; fur, sky and wall are many), and weighted 10 per sample from 8 px into
// the hole, fully at 64 px. Zoom-out case, the 9 bench photos, seeds 1-3: the largest copied
// distinctive region 128 px (flower, astronaut) -> 32 px at most; weight 4: 96 px on coffee;
// texture energy 0.996 -> 0.885 (seed 1), as the far fill takes more of the photo's background.
constexpr int kRaritySide = 128;
constexpr int kRarityStride = 2;
constexpr patchmatch::RarityCost::Settings kRarityCost{10.0f, 8.0f, 64.0f};
// The shift prior (nearest_neighbour_field.h) on the coarsest level, where the layout is set and
// the finer levels inherit it (there it would cost one more patch distance per candidate).
// Zoom-out, seeds 1-6: fills with a face the real photo lacks there (bench/fill/faces.py) 4 of
// 18 -> 0, the astronaut's face no longer copied above her head in any; seam error 0.140 ->
// 0.125, border contrast error 0.082 -> 0.102; four sides and right quarter alike within the
// seeds' spread. Weight 1: the same faces, border contrast error 0.115.
constexpr float kShiftWeight = 0.5f;

// On the two finest levels the random search starts from a window of an eighth of the image's
// longer side instead of the whole image: the field there comes from the coarser levels, which
// searched the whole image at a quarter of the cost per level, and the widest windows rarely
// improve on it (four-side flower fill 0.61 -> 0.57 s; bench seeds 1-3 and 4-6, every case's
// texture energy, seam and border contrast errors and straight edges alike within the seeds'
// spread, which is 0.08 to 0.11 for the right quarter's border contrast error).
constexpr int kFineLevels = 2;
constexpr int kFineWindowShare = 8;

SearchParams ParamsAt(const FillContext& context, const MaskedImage& image, int level) {
  SearchParams params{kPatchRadius, context.seed, level, kKnownWeight};
  if (level < kFineLevels) params.widest_window = std::max(image.width, image.height) / kFineWindowShare;
  return params;
}

}  // namespace

PatchMatchInfill::PatchMatchInfill(const FillContext& context, const Image& canvas) : context_(context) {
  pyramid_.push_back(patchmatch::FromCanvas(canvas, context.mask));
  // Features come from the finest level's differences, averaged down with the colours.
  MaskedImage featured = patchmatch::WithTextureFeatures(pyramid_[0], kFeatureRadius, kFeatureScale);
  for (;;) {
    if ((featured.width + 1) / 2 < kMinLevelSide || (featured.height + 1) / 2 < kMinLevelSide) break;
    MaskedImage coarser = patchmatch::Downsample(featured);
    if (patchmatch::DeepestHole(coarser) < kMinBandDepth) break;
    featured = std::move(coarser);
    MaskedImage next = pyramid_.size() < kFirstFeatureLevel ? patchmatch::WithChannels(featured, featured.colour_channels) : featured;
    if (NearestNeighbourField(next, ParamsAt(context, next, static_cast<int>(pyramid_.size()))).source_count() < kMinSources) break;
    pyramid_.push_back(std::move(next));
  }
  if (NearestNeighbourField(pyramid_[0], ParamsAt(context, pyramid_[0], 0)).source_count() == 0) {
    pyramid_.resize(1);  // too little known area for patches: smooth fill only
    step_count_ = 1;
    return;
  }
  for (int level = 0; level < static_cast<int>(pyramid_.size()); ++level) step_count_ += IterationsAt(level);
}

size_t PatchMatchInfill::RarityLevel() const {
  const int side = std::max(context_.known.width, context_.known.height);
  size_t level = 0;
  while (level + 1 < pyramid_.size() && (side >> level) > kRaritySide) ++level;
  return level;
}

int PatchMatchInfill::IterationsAt(int level) const {
  const int coarsest = static_cast<int>(pyramid_.size()) - 1;
  if (level == coarsest) return kCoarsestIterations;
  return level == 0 ? kFinestIterations : kMiddleIterations;
}

void PatchMatchInfill::Run(Image& canvas, StepReporter& reporter) {
  const ProgressSink& sink = reporter.sink();
  ComputePool& pool = context_.compute;
  const int coarsest = static_cast<int>(pyramid_.size()) - 1;
  patchmatch::OnionPeelFill(pyramid_[static_cast<size_t>(coarsest)]);

  if (step_count_ == 1) {
    reporter.Advance();
  } else {
    std::optional<NearestNeighbourField> coarser;
    const size_t rarity_level = RarityLevel();
    const patchmatch::Rarity rarity = patchmatch::MeasureRarity(pyramid_[rarity_level], static_cast<int>(rarity_level), kPatchRadius, kRarityStride, pool, sink);
    for (int level = coarsest; level >= 0; --level) {
      MaskedImage& image = pyramid_[static_cast<size_t>(level)];
      const std::vector<uint16_t> depth = patchmatch::HoleDepth(image);
      const patchmatch::RarityCost rarity_cost(rarity, image, level, depth, kPatchRadius, kRarityCost);
      SearchParams params = ParamsAt(context_, image, level);
      params.rarity = &rarity_cost;
      if (level == coarsest) params.shift_weight = kShiftWeight;
      NearestNeighbourField field(image, params);
      patchmatch::VoteParams vote = kVote;
      if (level == coarsest) {
        field.InitRandom();
        field.RefreshDistances(image, pool, sink);
      } else {
        patchmatch::UpsampleHoles(pyramid_[static_cast<size_t>(level + 1)], image);
        pyramid_[static_cast<size_t>(level + 1)] = MaskedImage{};  // no longer needed
        field.InitFromCoarser(*coarser);
        field.RefreshDistances(image, pool, sink);
        // Rebuild the hole from the inherited matches so it takes this level's detail at once.
        patchmatch::Vote(field, depth, vote, image, pool, sink);
        field.RefreshDistances(image, pool, sink);
      }
      std::vector<int32_t> sources;  // from the last vote, when it is best-only
      for (int iteration = 0; iteration < IterationsAt(level); ++iteration) {
        for (int pass = 0; pass < kPassesPerIteration; ++pass) {
          field.Search(image, iteration * kPassesPerIteration + pass, pool, sink);
        }
        vote.best_only = level == 0 && iteration + 1 == IterationsAt(level);
        sources = patchmatch::Vote(field, depth, vote, image, pool, sink);
        if (iteration + 1 < IterationsAt(level)) field.RefreshDistances(image, pool, sink);
        reporter.Advance();
      }
      if (level == 0) patchmatch::FuseGradients(patchmatch::Voter(field, depth, vote, image, pool), sources, image, pool, sink);
      coarser.emplace(std::move(field));
    }
  }

  const MaskedImage& result = pyramid_[0];
  const size_t c = static_cast<size_t>(canvas.channels);
  for (size_t index = 0; index < result.hole.size(); ++index) {
    if (!result.hole[index]) continue;
    std::copy(result.Pixel(index), result.Pixel(index) + c, canvas.pixels.data() + index * c);
  }
}

}  // namespace outpaint
