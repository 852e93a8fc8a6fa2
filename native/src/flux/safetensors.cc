#include "flux/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "runtime/errors.h"

namespace outpaint::flux {
namespace {

// A reader for the header's JSON: objects, arrays, strings, integers. Enough for safetensors
// headers, which hold nothing else; anything unexpected is an error.
class HeaderReader {
 public:
  HeaderReader(const std::string& text, const std::string& file) : text_(text), file_(file) {}

  void Expect(char c) {
    Skip();
    if (pos_ >= text_.size() || text_[pos_] != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool Peek(char c) {
    Skip();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  std::string String() {
    Expect('"');
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        const char escaped = text_[pos_++];
        if (escaped == 'u') {  // names are ASCII in practice; keep the escape's low byte
          if (pos_ + 4 > text_.size()) Fail("bad escape");
          c = static_cast<char>(std::stoi(text_.substr(pos_, 4), nullptr, 16) & 0x7f);
          pos_ += 4;
        } else {
          c = escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
        }
      }
      out.push_back(c);
    }
    Expect('"');
    return out;
  }
  int64_t Integer() {
    Skip();
    size_t end = pos_;
    while (end < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[end])) || text_[end] == '-')) ++end;
    if (end == pos_) Fail("expected an integer");
    const int64_t value = std::stoll(text_.substr(pos_, end - pos_));
    pos_ = end;
    return value;
  }
  std::vector<int64_t> Integers() {
    std::vector<int64_t> out;
    Expect('[');
    while (!Peek(']')) {
      out.push_back(Integer());
      if (!Peek(']')) Expect(',');
    }
    Expect(']');
    return out;
  }
  [[noreturn]] void Fail(const std::string& what) const {
    throw NativeError("MODEL_INVALID", "The safetensors header of " + file_ + " is malformed at byte " + std::to_string(pos_) +
                                           ": " + what);
  }

 private:
  void Skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  const std::string& text_;
  const std::string& file_;
  size_t pos_ = 0;
};

size_t DtypeSize(const std::string& dtype) { return dtype == "F32" ? 4 : (dtype == "F16" || dtype == "BF16") ? 2 : 0; }

}  // namespace

size_t SafeTensor::Count() const {
  size_t count = 1;
  for (int64_t d : shape) count *= static_cast<size_t>(d);
  return count;
}

std::vector<float> SafeTensor::ToFloats() const {
  const size_t count = Count();
  std::vector<float> out(count);
  for (size_t i = 0; i < count; ++i) {
    if (dtype == "F32") {
      std::memcpy(&out[i], data + i * 4, 4);
    } else {
      uint16_t half;
      std::memcpy(&half, data + i * 2, 2);
      out[i] = dtype == "F16" ? HalfToFloat(half) : BFloat16ToFloat(half);
    }
  }
  return out;
}

SafeTensorsFile::SafeTensorsFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw NativeError("MODEL_INVALID", "Cannot read " + path + ": " + std::strerror(errno));
  struct stat info {};
  if (fstat(fd, &info) != 0 || info.st_size <= 0) {
    close(fd);
    throw NativeError("MODEL_INVALID", path + " is empty or cannot be read");
  }
  size_ = static_cast<size_t>(info.st_size);
  mapped_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (mapped_ == MAP_FAILED) {
    mapped_ = nullptr;
    throw NativeError("MODEL_INVALID", "Cannot map " + path + ": " + std::strerror(errno));
  }
  bytes_ = static_cast<const uint8_t*>(mapped_);
  try {
    Parse(path);
  } catch (...) {
    munmap(mapped_, size_);
    mapped_ = nullptr;
    throw;
  }
}

SafeTensorsFile SafeTensorsFile::FromBytes(std::vector<uint8_t> bytes, const std::string& name) {
  SafeTensorsFile file;
  file.owned_ = std::move(bytes);
  file.bytes_ = file.owned_.data();
  file.size_ = file.owned_.size();
  file.Parse(name);
  return file;
}

SafeTensorsFile::SafeTensorsFile(SafeTensorsFile&& other) noexcept
    : owned_(std::move(other.owned_)),
      mapped_(other.mapped_),
      bytes_(other.bytes_),
      size_(other.size_),
      tensors_(std::move(other.tensors_)),
      metadata_(std::move(other.metadata_)) {
  other.mapped_ = nullptr;  // a moved vector keeps its buffer, so tensors' pointers stay valid
}

SafeTensorsFile::~SafeTensorsFile() {
  if (mapped_ != nullptr) munmap(mapped_, size_);
}

void SafeTensorsFile::Parse(const std::string& name) {
  if (size_ < 8) throw NativeError("MODEL_INVALID", name + " is too short to be a safetensors file");
  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | bytes_[i];
  if (header_size > size_ - 8) throw NativeError("MODEL_INVALID", name + " declares a header longer than the file");
  const std::string header(reinterpret_cast<const char*>(bytes_ + 8), header_size);
  const uint8_t* data = bytes_ + 8 + header_size;
  const size_t data_size = size_ - 8 - header_size;

  HeaderReader reader(header, name);
  reader.Expect('{');
  while (!reader.Peek('}')) {
    const std::string key = reader.String();
    reader.Expect(':');
    reader.Expect('{');
    if (key == "__metadata__") {
      while (!reader.Peek('}')) {
        const std::string field = reader.String();
        reader.Expect(':');
        metadata_[field] = reader.String();
        if (!reader.Peek('}')) reader.Expect(',');
      }
    } else {
      SafeTensor tensor;
      std::vector<int64_t> offsets;
      while (!reader.Peek('}')) {
        const std::string field = reader.String();
        reader.Expect(':');
        if (field == "dtype") tensor.dtype = reader.String();
        else if (field == "shape") tensor.shape = reader.Integers();
        else if (field == "data_offsets") offsets = reader.Integers();
        else reader.Fail("unknown field " + field);
        if (!reader.Peek('}')) reader.Expect(',');
      }
      const size_t element = DtypeSize(tensor.dtype);
      if (element == 0) {
        throw NativeError("MODEL_INVALID", name + ": tensor " + key + " has dtype " + tensor.dtype + "; expected one of F32, F16, BF16");
      }
      if (offsets.size() != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || static_cast<size_t>(offsets[1]) > data_size ||
          static_cast<size_t>(offsets[1] - offsets[0]) != tensor.Count() * element) {
        throw NativeError("MODEL_INVALID", name + ": tensor " + key + " has data offsets that do not match its shape and dtype");
      }
      tensor.data = data + offsets[0];
      tensor.bytes = static_cast<size_t>(offsets[1] - offsets[0]);
      tensors_[key] = tensor;
    }
    reader.Expect('}');
    if (!reader.Peek('}')) reader.Expect(',');
  }
  reader.Expect('}');
}

const SafeTensor* SafeTensorsFile::Find(const std::string& name) const {
  const auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

float HalfToFloat(uint16_t half) {
  const uint32_t sign = (half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalize
      exponent = 127 - 15 + 1;
      while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        --exponent;
      }
      bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

float BFloat16ToFloat(uint16_t value) {
  const uint32_t bits = static_cast<uint32_t>(value) << 16;
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

}  // namespace outpaint::flux
