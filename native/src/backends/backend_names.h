#pragma once

#include <string>
#include <vector>

namespace outpaint {

enum class BackendKind { kCpuFill, kFluxFillTrt };

// "CPU_FILL" or "FLUX_FILL_TRT"; anything else is refused with the list of valid names.
BackendKind ParseBackendKind(const std::string& name);
std::vector<const char*> BackendNames();

}  // namespace outpaint
