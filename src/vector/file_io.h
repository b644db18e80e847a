// File plumbing for the index's save file: a streaming checksum, a writer that publishes a file
// atomically (temporary file, fsync, rename, fsync of the directory) and an exact-size reader.
//
// Thread-safety: none; one object per Save or Load.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"

namespace memex {

// A 64-bit checksum of a byte stream, independent of how the stream is split into Update calls.
// Each 8-byte word goes through a bijective mix, so any change to a single word changes the
// result; it detects corruption, it is not a cryptographic hash. About 8 bytes per cycle.
class Checksum {
 public:
  void Update(const void* data, size_t n);
  uint64_t Finish() const;  // does not change the state

 private:
  void Mix(uint64_t word) {
    h_ = ((h_ ^ word) * 0x9E3779B97F4A7C15ull);
    h_ = (h_ << 29) | (h_ >> 35);
  }
  uint64_t h_ = 0x6d656d6578766563ull;
  uint64_t total_ = 0;
  unsigned char tail_[8] = {};
  size_t tail_len_ = 0;
};

// Writes `path` through `path + ".tmp"`; the file appears under `path` only on Commit.
// Destroying an uncommitted writer removes the temporary file.
class AtomicFileWriter {
 public:
  static Result<AtomicFileWriter> Open(const std::string& path);
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  ~AtomicFileWriter();

  // Appends bytes; everything appended feeds checksum().
  Status Write(const void* data, size_t n);
  // Appends the whole of the file at `source`.
  Status CopyFrom(const std::string& source);
  // Overwrites bytes already written (e.g. a header field), without touching checksum().
  Status WriteAt(uint64_t offset, const void* data, size_t n);
  const Checksum& checksum() const { return sum_; }
  // fsync, rename over `path`, fsync the directory.
  Status Commit();

 private:
  AtomicFileWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
  Checksum sum_;
};

// Reads a file front to back; a read past the end is kDataLoss (a truncated file).
class FileReader {
 public:
  static Result<FileReader> Open(const std::string& path);  // kNotFound when absent
  FileReader(FileReader&& other) noexcept;
  FileReader& operator=(FileReader&&) = delete;
  ~FileReader();

  uint64_t size() const { return size_; }
  uint64_t remaining() const { return size_ - offset_; }
  Status Read(void* out, size_t n);
  // Copies the next `n` bytes to a new file at `dest`, feeding them to `sum`.
  Status CopyTo(const std::string& dest, uint64_t n, Checksum* sum);

 private:
  FileReader(int fd, uint64_t size) : fd_(fd), size_(size) {}
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t offset_ = 0;
};

// An exclusive advisory lock (flock) on the file at `path`, created if absent; held until the
// object is destroyed. For one writer at a time across processes.
class FileLock {
 public:
  // nullopt when another holder has it. Errors: kUnavailable (cannot open or lock).
  static Result<std::optional<FileLock>> TryLock(const std::string& path);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace memex
