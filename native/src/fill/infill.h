#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/placement.h"
#include "runtime/progress.h"

namespace outpaint {

enum class InfillMethod { kEdge, kTile, kColor };

// Names as the API spells them. Unknown names raise INVALID_ARGUMENT listing the valid ones.
InfillMethod ParseInfillMethod(const std::string& name);
const char* InfillMethodName(InfillMethod method);
std::vector<const char*> InfillMethodNames();

// Fills every canvas pixel outside the placement, reading the original from the canvas.
class Infill {
 public:
  virtual ~Infill() = default;
  // How many times Run() advances the reporter.
  virtual int StepCount() const = 0;
  virtual void Run(Image& canvas, StepReporter& reporter) = 0;
};

std::unique_ptr<Infill> MakeInfill(InfillMethod method, const Placement& placement, const Image& canvas);

}  // namespace outpaint
