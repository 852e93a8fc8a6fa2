#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace outpaint::flux {

// A safetensors file (Hugging Face's format: an 8-byte little-endian header length, a JSON
// header naming each tensor's dtype, shape and byte range, then the raw data), memory-mapped,
// so a 20 GB file of base weights costs only the pages a refit touches. Only what LoRAs and
// refit weights use is supported: F32, F16 and BF16 tensors.
struct SafeTensor {
  std::string dtype;  // "F32", "F16", "BF16"
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;
  size_t bytes = 0;

  size_t Count() const;
  // The values as fp32.
  std::vector<float> ToFloats() const;
};

class SafeTensorsFile {
 public:
  // Throws NativeError MODEL_INVALID naming the file and what is wrong with it.
  explicit SafeTensorsFile(const std::string& path);
  static SafeTensorsFile FromBytes(std::vector<uint8_t> bytes, const std::string& name);
  ~SafeTensorsFile();
  SafeTensorsFile(SafeTensorsFile&& other) noexcept;
  SafeTensorsFile(const SafeTensorsFile&) = delete;
  SafeTensorsFile& operator=(const SafeTensorsFile&) = delete;
  SafeTensorsFile& operator=(SafeTensorsFile&&) = delete;

  const std::map<std::string, SafeTensor>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const SafeTensor* Find(const std::string& name) const;

 private:
  SafeTensorsFile() = default;
  void Parse(const std::string& name);

  std::vector<uint8_t> owned_;  // FromBytes
  void* mapped_ = nullptr;       // the constructor from a path
  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  std::map<std::string, SafeTensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

// Half-precision to single-precision conversions used by the formats above.
float HalfToFloat(uint16_t half);
float BFloat16ToFloat(uint16_t value);

}  // namespace outpaint::flux
