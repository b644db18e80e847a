#include "capture/archive.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/ids.h"

namespace memex::capture {
namespace {

namespace fs = std::filesystem;

Result<std::string> Gzip(std::string_view in) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer, so `zcat` reads the archives.
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Internal("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&z, in.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Internal("zlib: deflate failed");
  return out;
}

Result<std::string> Gunzip(std::string_view in, const std::string& path) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Internal("zlib: inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return DataLoss("archive " + path + " is not valid gzip");
  return out;
}

Status WriteFileDurably(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return FailedPrecondition("cannot create " + path.parent_path().string() + ": " + ec.message());
  }
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return FailedPrecondition("cannot write " + tmp.string() + ": " + strerror(errno));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Internal("cannot write " + tmp.string() + ": " + strerror(err));
    }
    off += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Internal("cannot store " + path.string() + ": " + strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

std::string ArchivePath(const std::string& dir, const std::string& sha256) {
  return (fs::path(dir) / sha256.substr(0, 2) / (sha256 + ".jsonl.gz")).string();
}

Result<std::string> WriteArchive(const std::string& dir, std::string_view jsonl) {
  std::string sha = Sha256Hex(jsonl);
  fs::path path = ArchivePath(dir, sha);
  std::error_code ec;
  if (fs::exists(path, ec)) return sha;  // the same content is stored once
  ASSIGN_OR_RETURN(std::string gz, Gzip(jsonl));
  RETURN_IF_ERROR(WriteFileDurably(path, gz));
  return sha;
}

Result<std::string> ReadArchive(const std::string& dir, const std::string& sha256) {
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return InvalidArgument("archive id must be 64 lowercase hex digits");
  }
  std::string path = ArchivePath(dir, sha256);
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("no archive " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  ASSIGN_OR_RETURN(std::string content, Gunzip(buf.str(), path));
  if (Sha256Hex(content) != sha256) {
    return DataLoss("archive " + path + " does not match its hash (damaged)");
  }
  return content;
}

}  // namespace memex::capture
