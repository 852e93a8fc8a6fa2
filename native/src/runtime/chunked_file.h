#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace outpaint {

// A file read front to back into the caller's buffers, its size known before the first byte:
// a multi-gigabyte engine plan loads without a copy of itself in memory, says how far it has
// got, and stops when told (gpu/plan_reader.h hands it to TensorRT).
class ChunkedFile {
 public:
  // Called after every read with the position reached (bytes from the start); returning false
  // stops the reading.
  using OnRead = std::function<bool(int64_t position)>;

  // Throws NativeError MODEL_INVALID naming the file when it cannot be opened.
  ChunkedFile(const std::string& path, OnRead on_read);
  ~ChunkedFile();
  ChunkedFile(const ChunkedFile&) = delete;
  ChunkedFile& operator=(const ChunkedFile&) = delete;

  int64_t size() const { return size_; }
  // Reads up to `bytes` into `out`: the bytes read (fewer only at the end), 0 at the end, -1
  // after a read error or once on_read said stop.
  int64_t Read(void* out, int64_t bytes);
  // whence: SEEK_SET, SEEK_CUR or SEEK_END. False when the offset lies outside the file.
  bool Seek(int64_t offset, int whence);
  bool stopped() const { return stopped_; }
  // What went wrong with a read, or "".
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  int64_t size_ = 0;
  int64_t position_ = 0;
  bool stopped_ = false;
  std::string error_;
  OnRead on_read_;
};

}  // namespace outpaint
