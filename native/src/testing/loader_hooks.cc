#include "testing/loader_hooks.h"

#include <string>
#include <vector>

#include "flux/engine_contract.h"
#include "runtime/chunked_file.h"
#include "testing/js_values.h"

namespace outpaint::testing {
namespace {

flux::FluxEngine EngineArg(const Napi::Value& value) {
  static const char* const kNames[] = {"clip", "t5", "fillTransformer", "vaeEncoder", "vaeDecoder", "devTransformer"};
  const std::string name = value.IsString() ? value.As<Napi::String>().Utf8Value() : "";
  for (int i = 0; i < flux::kFluxEngineCount; ++i) {
    if (name == kNames[i]) return static_cast<flux::FluxEngine>(i);
  }
  binding::ThrowInvalidArgument(value.Env(), "Expected an engine name, received " + name);
}

flux::TensorType TypeArg(const Napi::Value& value) {
  const std::string name = value.As<Napi::String>().Utf8Value();
  for (int i = 0; i <= static_cast<int>(flux::TensorType::kOther); ++i) {
    if (name == flux::TensorTypeName(static_cast<flux::TensorType>(i))) return static_cast<flux::TensorType>(i);
  }
  return flux::TensorType::kOther;
}

Napi::Value CheckEngineHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const flux::FluxEngine engine = EngineArg(info[0]);
  std::vector<flux::EngineTensor> tensors;
  const Napi::Array list = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    const Napi::Object t = list.Get(i).As<Napi::Object>();
    flux::EngineTensor tensor;
    tensor.name = t.Get("name").As<Napi::String>().Utf8Value();
    tensor.input = t.Get("input").ToBoolean();
    tensor.type = TypeArg(t.Get("type"));
    const Napi::Array dims = t.Get("dims").As<Napi::Array>();
    for (uint32_t d = 0; d < dims.Length(); ++d) tensor.dims.push_back(dims.Get(d).As<Napi::Number>().Int64Value());
    tensors.push_back(tensor);
  }
  const std::vector<std::string> extras = Guarded(env, [&] { return flux::CheckEngine(tensors, engine, info[2].As<Napi::String>().Utf8Value()); });
  Napi::Array out = Napi::Array::New(env, extras.size());
  for (uint32_t i = 0; i < extras.size(); ++i) out.Set(i, extras[i]);
  return out;
}

Napi::Value ReadChunkedHook(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const int64_t chunk = info[1].As<Napi::Number>().Int64Value();
  const int64_t stop_at = info[2].As<Napi::Number>().Int64Value();
  std::vector<double> positions;
  return Guarded(env, [&] {
    ChunkedFile file(path, [&](int64_t position) {
      positions.push_back(static_cast<double>(position));
      return stop_at == 0 || position < stop_at;
    });
    std::vector<uint8_t> data;
    std::vector<uint8_t> buffer(static_cast<size_t>(chunk));
    for (int64_t got = file.Read(buffer.data(), chunk); got > 0; got = file.Read(buffer.data(), chunk)) {
      data.insert(data.end(), buffer.begin(), buffer.begin() + got);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("size", static_cast<double>(file.size()));
    Napi::Array list = Napi::Array::New(env, positions.size());
    for (uint32_t i = 0; i < positions.size(); ++i) list.Set(i, positions[i]);
    out.Set("positions", list);
    out.Set("data", Napi::Buffer<uint8_t>::Copy(env, data.data(), data.size()));
    out.Set("stopped", file.stopped());
    return out;
  });
}

}  // namespace

Napi::Object LoaderHooks(Napi::Env env) { return Functions(env, {{"checkEngine", CheckEngineHook}, {"readChunked", ReadChunkedHook}}); }

}  // namespace outpaint::testing
