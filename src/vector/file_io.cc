#include "vector/file_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace memex {
namespace {

Status Errno(std::string_view what, const std::string& path) {
  const int err = errno;
  std::string msg = std::string(what) + " " + path + ": " + std::strerror(err);
  if (err == ENOENT) return NotFound(std::move(msg));
  if (err == ENOSPC || err == EDQUOT) return ResourceExhausted(std::move(msg));
  if (err == EACCES || err == EROFS) return FailedPrecondition(std::move(msg));
  return Internal(std::move(msg));
}

Status WriteAll(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// Reads exactly n bytes; false (with errno 0) at a premature end of file.
bool ReadAll(int fd, void* out, size_t n) {
  char* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = 0;
      return false;
    }
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

constexpr size_t kChunk = size_t{1} << 20;

}  // namespace

void Checksum::Update(const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  total_ += n;
  while (tail_len_ > 0 && n > 0) {
    tail_[tail_len_++] = *p++;
    --n;
    if (tail_len_ == 8) {
      uint64_t w;
      std::memcpy(&w, tail_, 8);
      Mix(w);
      tail_len_ = 0;
    }
  }
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    Mix(w);
  }
  for (; n > 0; --n) tail_[tail_len_++] = *p++;
}

uint64_t Checksum::Finish() const {
  Checksum c = *this;
  uint64_t w = 0;
  std::memcpy(&w, c.tail_, c.tail_len_);
  c.Mix(w);
  c.Mix(total_);  // so that trailing zero bytes still count
  return c.h_;
}

Result<AtomicFileWriter> AtomicFileWriter::Open(const std::string& path) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", tmp);
  return AtomicFileWriter(path, fd);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::exchange(other.path_, {})),
      fd_(std::exchange(other.fd_, -1)),
      committed_(other.committed_),
      sum_(other.sum_) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !path_.empty()) ::unlink((path_ + ".tmp").c_str());
}

Status AtomicFileWriter::Write(const void* data, size_t n) {
  sum_.Update(data, n);
  return WriteAll(fd_, data, n, path_ + ".tmp");
}

Status AtomicFileWriter::WriteAt(uint64_t offset, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path_ + ".tmp");
    }
    p += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return Status::Ok();
}

Status AtomicFileWriter::CopyFrom(const std::string& source) {
  const int in = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("open", source);
  std::vector<char> buf(kChunk);
  Status st;
  for (;;) {
    const ssize_t r = ::read(in, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      st = Errno("read", source);
      break;
    }
    if (r == 0) break;
    st = Write(buf.data(), static_cast<size_t>(r));
    if (!st.ok()) break;
  }
  ::close(in);
  return st;
}

Status AtomicFileWriter::Commit() {
  const std::string tmp = path_ + ".tmp";
  if (::fsync(fd_) != 0) return Errno("fsync", tmp);
  if (::close(std::exchange(fd_, -1)) != 0) return Errno("close", tmp);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return Errno("rename", tmp);
  committed_ = true;
  // The rename is durable only once the directory is synced.
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

Result<FileReader> FileReader::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("stat", path);
    ::close(fd);
    return s;
  }
  return FileReader(fd, static_cast<uint64_t>(st.st_size));
}

FileReader::FileReader(FileReader&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_), offset_(other.offset_) {}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileReader::Read(void* out, size_t n) {
  if (n > remaining() || !ReadAll(fd_, out, n)) {
    return errno != 0 && n <= remaining() ? Internal(std::string("read: ") + std::strerror(errno))
                                          : DataLoss("vector index file is truncated");
  }
  offset_ += n;
  return Status::Ok();
}

Status FileReader::CopyTo(const std::string& dest, uint64_t n, Checksum* sum) {
  const int out = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return Errno("create", dest);
  std::vector<char> buf(kChunk);
  Status st;
  while (n > 0 && st.ok()) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(n, buf.size()));
    st = Read(buf.data(), len);
    if (!st.ok()) break;
    sum->Update(buf.data(), len);
    st = WriteAll(out, buf.data(), len, dest);
    n -= len;
  }
  ::close(out);
  return st;
}

Result<std::optional<FileLock>> FileLock::TryLock(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("open", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return std::optional<FileLock>();
    errno = err;
    return Errno("lock", path);
  }
  return std::optional<FileLock>(FileLock(fd));
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace memex
