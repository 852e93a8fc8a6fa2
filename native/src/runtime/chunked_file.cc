#include "runtime/chunked_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/errors.h"

namespace outpaint {

ChunkedFile::ChunkedFile(const std::string& path, OnRead on_read) : on_read_(std::move(on_read)) {
  fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (fd_ < 0 || fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
    const std::string why = fd_ < 0 ? std::strerror(errno) : "not a regular file";
    if (fd_ >= 0) close(fd_);
    throw NativeError("MODEL_INVALID", path + " cannot be read: " + why);
  }
  size_ = static_cast<int64_t>(info.st_size);
  posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

ChunkedFile::~ChunkedFile() {
  if (fd_ >= 0) close(fd_);
}

int64_t ChunkedFile::Read(void* out, int64_t bytes) {
  if (stopped_ || !error_.empty()) return -1;
  int64_t done = 0;
  while (done < bytes) {
    const ssize_t got = pread(fd_, static_cast<char*>(out) + done, static_cast<size_t>(bytes - done), position_ + done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error_ = std::strerror(errno);
      return -1;
    }
    if (got == 0) break;
    done += got;
  }
  position_ += done;
  if (on_read_ && !on_read_(position_)) {
    stopped_ = true;
    return -1;
  }
  return done;
}

bool ChunkedFile::Seek(int64_t offset, int whence) {
  const int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? position_ : size_;
  if (base + offset < 0 || base + offset > size_) return false;
  position_ = base + offset;
  return true;
}

}  // namespace outpaint
