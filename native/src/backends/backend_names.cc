#include "backends/backend_names.h"

#include "runtime/errors.h"

namespace outpaint {

std::vector<const char*> BackendNames() { return {"CPU_FILL", "FLUX_FILL_TRT"}; }

BackendKind ParseBackendKind(const std::string& name) {
  if (name == "CPU_FILL") return BackendKind::kCpuFill;
  if (name == "FLUX_FILL_TRT") return BackendKind::kFluxFillTrt;
  std::string valid;
  for (const char* known : BackendNames()) valid += (valid.empty() ? "" : ", ") + std::string(known);
  throw NativeError("INVALID_ARGUMENT", "Expected one of " + valid + " for backend but received \"" + name + "\"");
}

}  // namespace outpaint
