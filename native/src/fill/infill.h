#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/rect.h"
#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint {

enum class InfillMethod { kEdge, kTile, kColor, kPatchMatch };

// Names as the API spells them. Unknown names raise INVALID_ARGUMENT listing the valid ones.
InfillMethod ParseInfillMethod(const std::string& name);
std::vector<const char*> InfillMethodNames();

// What a fill works from. The canvas holds the original at its placement; every pixel where
// `mask` is above 0 is the fill's to write, from the pixels where it is 0 (which lie in `known`).
struct FillContext {
  const Mask& mask;
  Rect known;
  uint64_t seed;
  ComputePool& compute;
};

class Infill {
 public:
  virtual ~Infill() = default;
  // How many times Run() advances the reporter.
  virtual int StepCount() const = 0;
  virtual void Run(Image& canvas, StepReporter& reporter) = 0;
};

std::unique_ptr<Infill> MakeInfill(InfillMethod method, const FillContext& context, const Image& canvas);

}  // namespace outpaint
