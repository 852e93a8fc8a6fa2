#include "fill/infill.h"

#include "fill/color_infill.h"
#include "fill/edge_infill.h"
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

const char* InfillMethodName(InfillMethod method) {
  for (const NamedMethod& entry : kMethods) {
    if (entry.method == method) return entry.name;
  }
  return "UNKNOWN";
}

std::vector<const char*> InfillMethodNames() {
  std::vector<const char*> names;
  for (const NamedMethod& entry : kMethods) names.push_back(entry.name);
  return names;
}

std::unique_ptr<Infill> MakeInfill(InfillMethod method, const Placement& placement, const Image& canvas) {
  switch (method) {
    case InfillMethod::kEdge:
      return std::make_unique<EdgeInfill>(placement);
    case InfillMethod::kTile:
      return std::make_unique<TileInfill>(placement);
    case InfillMethod::kColor:
      return std::make_unique<ColorInfill>(placement, canvas);
  }
  throw NativeError("INVALID_ARGUMENT", "Unhandled infill method");
}

}  // namespace outpaint
