#include "fill/infill.h"

#include "fill/color_infill.h"
#include "fill/edge_infill.h"
#include "fill/patchmatch_infill.h"
#include "fill/tile_infill.h"
#include "runtime/errors.h"

namespace outpaint {
namespace {

struct NamedMethod {
  const char* name;
  InfillMethod method;
};
constexpr NamedMethod kMethods[] = {
    {"EDGE", InfillMethod::kEdge},
    {"TILE", InfillMethod::kTile},
    {"COLOR", InfillMethod::kColor},
    {"PATCHMATCH", InfillMethod::kPatchMatch},
};

}  // namespace

InfillMethod ParseInfillMethod(const std::string& name) {
  std::string valid;
  for (const NamedMethod& entry : kMethods) {
    if (name == entry.name) return entry.method;
    valid += valid.empty() ? entry.name : std::string(", ") + entry.name;
  }
  throw NativeError("INVALID_ARGUMENT", "Expected one of " + valid + " for infill but received " + name);
}

std::vector<const char*> InfillMethodNames() {
  std::vector<const char*> names;
  for (const NamedMethod& entry : kMethods) names.push_back(entry.name);
  return names;
}

std::unique_ptr<Infill> MakeInfill(InfillMethod method, const FillContext& context, const Image& canvas) {
  const Rect& known = context.known;
  switch (method) {
    case InfillMethod::kEdge:
      return std::make_unique<EdgeInfill>(known, canvas.width, canvas.height);
    case InfillMethod::kTile:
      return std::make_unique<TileInfill>(known, canvas.width, canvas.height);
    case InfillMethod::kColor:
      return std::make_unique<ColorInfill>(known, canvas.width, canvas.height, canvas);
    case InfillMethod::kPatchMatch:
      return std::make_unique<PatchMatchInfill>(context, canvas);
  }
  throw NativeError("INVALID_ARGUMENT", "Unhandled infill method");
}

}  // namespace outpaint
