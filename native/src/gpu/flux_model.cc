#include "gpu/flux_model.h"

#include <sys/stat.h>

#include <cstdio>

#include "gpu/engine_io.h"
#include "gpu/nvinfer_library.h"
#include "gpu/plan_reader.h"
#include "runtime/chunked_file.h"
#include "runtime/errors.h"

namespace outpaint::gpu {
namespace {

// An engine built with --weightStreaming keeps what does not fit on the device in host memory
// and streams it in per run: it gets TensorRT's own budget for this device (docs/gpu.md).
void BudgetWeightStreaming(nvinfer1::ICudaEngine& engine, FluxEngine id) {
  const int64_t streamable = engine.getStreamableWeightsSize();
  if (streamable <= 0) return;
  const int64_t budget = engine.getWeightStreamingAutomaticBudget();
  engine.setWeightStreamingBudgetV2(budget);
  std::fprintf(stderr, "[flux] the %s streams its weights: %.1f of %.1f GiB on the device\n", flux::EngineTitle(id),
               budget / 1073741824.0, streamable / 1073741824.0);
}

}  // namespace

int64_t FileSize(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size) : 0;
}

bool FileExists(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

std::string DevModelDir(const std::string& fill_dir) {
  std::string dir = fill_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const size_t slash = dir.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "" : dir.substr(0, slash);
  return parent + "/flux1-dev";
}

std::string EngineFile(const std::string& fill_dir, FluxEngine engine) {
  const std::string dir = engine == FluxEngine::kDevTransformer ? DevModelDir(fill_dir) : fill_dir;
  return dir + "/" + flux::EngineRole(engine) + ".plan";
}

FluxModel::FluxModel(const std::string& fill_dir, const OnBytes& on_bytes) : fill_dir_(fill_dir) {
  runtime_.reset(NvInferLibrary::Get().CreateRuntime(logger_));
  if (!runtime_) throw NativeError("BACKEND_UNAVAILABLE", "TensorRT could not create a runtime: " + logger_.TakeLastError());
  for (FluxEngine engine : kFillEngines) Load(engine, on_bytes);
}

FluxModel::~FluxModel() {
  for (auto& engine : engines_) engine.reset();  // engines before the runtime that made them
  runtime_.reset();
}

int64_t FluxModel::BytesToLoad(FluxEngine engine) const { return Loaded(engine) ? 0 : FileSize(File(engine)); }

void FluxModel::Load(FluxEngine engine, const OnBytes& on_bytes) {
  if (Loaded(engine)) return;
  std::unique_ptr<nvinfer1::ICudaEngine> loaded = Deserialize(engine, on_bytes);
  extras_[static_cast<int>(engine)] = flux::CheckEngine(DescribeEngine(*loaded), engine, File(engine));
  for (const std::string& name : ExtraOutputs(engine)) {
    std::fprintf(stderr, "[flux] the %s engine has an output the pipeline does not read, %s: bound to scratch memory\n",
                 flux::EngineTitle(engine), name.c_str());
  }
  BudgetWeightStreaming(*loaded, engine);
  engines_[static_cast<int>(engine)] = std::move(loaded);
}

std::unique_ptr<nvinfer1::ICudaEngine> FluxModel::Deserialize(FluxEngine engine, const OnBytes& on_bytes) {
  const std::string file = File(engine);
  int64_t reported = 0;
  ChunkedFile plan(file, [&](int64_t position) {
    if (on_bytes) on_bytes(position - reported);
    reported = position;
    return true;
  });
  PlanReader reader(plan);
  std::unique_ptr<nvinfer1::ICudaEngine> loaded(runtime_->deserializeCudaEngine(reader));
  reader.Rethrow();
  if (!loaded) {
    const std::string error = logger_.TakeLastError();
    const bool memory = error.find("out of memory") != std::string::npos || error.find("could not be allocated") != std::string::npos;
    throw NativeError(memory ? "OUT_OF_MEMORY" : "MODEL_INVALID",
                      "TensorRT " + NvInferLibrary::Get().version() + " could not load " + file + ": " + error +
                          " (engines only load on the TensorRT version and GPU type they were built with)");
  }
  return loaded;
}

nvinfer1::ICudaEngine& FluxModel::Engine(FluxEngine engine) const {
  if (!Loaded(engine)) throw NativeError("INTERNAL", std::string("The ") + flux::EngineTitle(engine) + " engine is not loaded");
  return *engines_[static_cast<int>(engine)];
}

std::string FluxModel::RefitWeightsFile(FluxEngine transformer) const {
  const std::string plan = File(transformer);
  return plan.substr(0, plan.rfind('/')) + "/transformer.refit.safetensors";
}

}  // namespace outpaint::gpu
