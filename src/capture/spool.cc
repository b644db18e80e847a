#include "capture/spool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <tuple>
#include <utility>

namespace memex::capture {
namespace {

constexpr char kSpoolFile[] = "hooks.jsonl";
constexpr char kDrainLock[] = "drain.lock";
constexpr char kDroppedFile[] = "dropped";
constexpr std::string_view kDrainingPrefix = "draining-";
constexpr std::string_view kDrainingSuffix = ".jsonl";

std::string Errno(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// An owned file descriptor; closing it also releases its flock.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

int OpenRetry(const std::string& path, int flags, mode_t mode = 0600) {
  int fd;
  do {
    fd = open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

int FlockRetry(int fd, int op) {
  int rc;
  do {
    rc = flock(fd, op);
  } while (rc < 0 && errno == EINTR);
  return rc;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void FsyncDir(const std::string& dir) {
  int fd = OpenRetry(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

// mkdir -p with mode 0700 for every directory it creates.
Status MakeDirs(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return FailedPrecondition("spool: " + dir + " is not a directory");
  }
  size_t slash = dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) RETURN_IF_ERROR(MakeDirs(dir.substr(0, slash)));
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return FailedPrecondition("spool: " + Errno("cannot create", dir));
  }
  return Status::Ok();
}

// Adds `n` to the decimal counter in `path` under its own flock.
void AddToCounter(const std::string& path, int64_t n) {
  Fd fd(OpenRetry(path, O_RDWR | O_CREAT));
  if (!fd.valid() || FlockRetry(fd.get(), LOCK_EX) != 0) return;
  char buf[32] = {};
  ssize_t got = pread(fd.get(), buf, sizeof(buf) - 1, 0);
  int64_t value = 0;
  if (got > 0) std::from_chars(buf, buf + got, value);
  std::string text = std::to_string(value + n) + "\n";
  if (pwrite(fd.get(), text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())) {
    (void)ftruncate(fd.get(), static_cast<off_t>(text.size()));
    (void)fdatasync(fd.get());
  }
}

// (ms, pid) of "draining-<ms>-<pid>.jsonl"; names that do not parse sort last.
std::tuple<int64_t, int64_t, std::string> DrainingOrder(const std::string& name) {
  std::string_view core(name);
  core.remove_prefix(kDrainingPrefix.size());
  core.remove_suffix(kDrainingSuffix.size());
  int64_t ms = INT64_MAX;
  int64_t pid = INT64_MAX;
  size_t dash = core.find('-');
  if (dash != std::string_view::npos) {
    int64_t a = 0;
    int64_t b = 0;
    auto r1 = std::from_chars(core.data(), core.data() + dash, a);
    auto r2 = std::from_chars(core.data() + dash + 1, core.data() + core.size(), b);
    if (r1.ec == std::errc() && r2.ec == std::errc()) {
      ms = a;
      pid = b;
    }
  }
  return {ms, pid, name};
}

bool IsDrainingName(std::string_view name) {
  return name.size() > kDrainingPrefix.size() + kDrainingSuffix.size() &&
         name.starts_with(kDrainingPrefix) && name.ends_with(kDrainingSuffix);
}

Result<std::string> ReadAll(int fd, const std::string& path) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Unavailable("spool: " + Errno("cannot stat", path));
  std::string data;
  data.resize(static_cast<size_t>(st.st_size));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = pread(fd, data.data() + off, data.size() - off, static_cast<off_t>(off));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable("spool: " + Errno("cannot read", path));
    }
    if (n == 0) break;
    off += static_cast<size_t>(n);
  }
  data.resize(off);
  return data;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<Spool> Spool::Open(std::string dir, int64_t max_bytes) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return FailedPrecondition("spool: no directory given");
  RETURN_IF_ERROR(MakeDirs(dir));
  return Spool(std::move(dir), max_bytes);
}

Status Spool::Append(std::string_view line) {
  if (line.empty()) return InvalidArgument("spool: empty line");
  if (line.find('\n') != std::string_view::npos) {
    return InvalidArgument("spool: a line may not contain a newline");
  }
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf += '\n';
  const std::string path = dir_ + "/" + kSpoolFile;
  // A drainer may rename the file between our open and our lock; then we hold a lock on the
  // renamed file and must start over on the new one. Drainers running back to back could make
  // that happen again and again, so after a few tries we also hold drain.lock shared: no
  // drainer can rename while we do (one that starts meanwhile finds the lock held and returns;
  // the event waits for the next drain). It is taken while holding no spool lock, so it cannot
  // deadlock with a drainer waiting for our append.
  Fd drain_guard;
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (attempt == 4) {
      const std::string lock_path = dir_ + "/" + kDrainLock;
      drain_guard = Fd(OpenRetry(lock_path, O_RDWR | O_CREAT));
      if (!drain_guard.valid() || FlockRetry(drain_guard.get(), LOCK_SH) != 0) {
        return Unavailable("spool: " + Errno("cannot lock", lock_path));
      }
    }
    bool created = false;
    Fd fd(OpenRetry(path, O_WRONLY | O_APPEND));
    if (!fd.valid() && errno == ENOENT) {
      fd = Fd(OpenRetry(path, O_WRONLY | O_APPEND | O_CREAT));
      created = true;
    }
    if (!fd.valid()) return Unavailable("spool: " + Errno("cannot open", path));
    if (FlockRetry(fd.get(), LOCK_EX) != 0) return Unavailable("spool: " + Errno("flock", path));
    struct stat mine;
    struct stat named;
    if (fstat(fd.get(), &mine) != 0) return Unavailable("spool: " + Errno("cannot stat", path));
    if (stat(path.c_str(), &named) != 0 || named.st_ino != mine.st_ino ||
        named.st_dev != mine.st_dev) {
      continue;  // renamed (or removed) by a drainer: reopen
    }
    if (mine.st_size + static_cast<int64_t>(buf.size()) > max_bytes_) {
      AddToCounter(dir_ + "/" + kDroppedFile, 1);
      return ResourceExhausted("spool: " + path + " is full (" + std::to_string(max_bytes_) +
                               " bytes); the event was dropped");
    }
    if (!WriteAll(fd.get(), buf.data(), buf.size())) {
      std::string err = Errno("cannot write", path);
      (void)ftruncate(fd.get(), mine.st_size);  // no partial line stays behind
      return Unavailable("spool: " + err);
    }
    if (fdatasync(fd.get()) != 0) return Unavailable("spool: " + Errno("fdatasync", path));
    if (created) FsyncDir(dir_);
    return Status::Ok();
  }
  return Unavailable("spool: " + path + " keeps being renamed; giving up");
}

bool Spool::HasPending() const {
  struct stat st;
  if (stat((dir_ + "/" + kSpoolFile).c_str(), &st) == 0 && st.st_size > 0) return true;
  DIR* d = opendir(dir_.c_str());
  if (d == nullptr) return false;
  bool found = false;
  while (dirent* e = readdir(d)) {
    if (IsDrainingName(e->d_name)) {
      found = true;
      break;
    }
  }
  closedir(d);
  return found;
}

int64_t Spool::Dropped() const {
  Fd fd(OpenRetry(dir_ + "/" + kDroppedFile, O_RDONLY));
  if (!fd.valid()) return 0;
  char buf[32] = {};
  ssize_t got = read(fd.get(), buf, sizeof(buf) - 1);
  int64_t value = 0;
  if (got > 0) std::from_chars(buf, buf + got, value);
  return value;
}

Result<Spool::DrainStats> Spool::Drain(const SendFn& send, size_t max_lines, size_t max_bytes) {
  DrainStats stats;
  max_lines = std::max<size_t>(max_lines, 1);
  const std::string lock_path = dir_ + "/" + kDrainLock;
  Fd lock(OpenRetry(lock_path, O_RDWR | O_CREAT));
  if (!lock.valid()) return Unavailable("spool: " + Errno("cannot open", lock_path));
  if (FlockRetry(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      stats.busy = true;
      return stats;
    }
    return Unavailable("spool: " + Errno("flock", lock_path));
  }

  // Leftovers of a drainer that stopped (failure or crash) go first: they are older.
  std::vector<std::tuple<int64_t, int64_t, std::string>> leftovers;
  if (DIR* d = opendir(dir_.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string_view name = e->d_name;
      if (IsDrainingName(name)) {
        leftovers.push_back(DrainingOrder(std::string(name)));
      } else if (name.starts_with(kDrainingPrefix) && name.ends_with(".tmp")) {
        // A rewrite that never got renamed: the file it was for still holds every line.
        (void)unlink((dir_ + "/" + std::string(name)).c_str());
      }
    }
    closedir(d);
  }
  std::sort(leftovers.begin(), leftovers.end());
  for (const auto& entry : leftovers) {
    RETURN_IF_ERROR(DrainFile(dir_ + "/" + std::get<2>(entry), send, max_lines, max_bytes, stats));
  }

  const std::string spool_path = dir_ + "/" + kSpoolFile;
  struct stat st;
  if (stat(spool_path.c_str(), &st) != 0 || st.st_size == 0) return stats;
  std::string target;
  for (int64_t ms = NowMs();; ++ms) {
    target = dir_ + "/" + std::string(kDrainingPrefix) + std::to_string(ms) + "-" +
             std::to_string(getpid()) + std::string(kDrainingSuffix);
    if (access(target.c_str(), F_OK) != 0) break;
  }
  if (rename(spool_path.c_str(), target.c_str()) != 0) {
    if (errno == ENOENT) return stats;
    return Unavailable("spool: " + Errno("cannot rename", spool_path));
  }
  RETURN_IF_ERROR(DrainFile(target, send, max_lines, max_bytes, stats));
  return stats;
}

Status Spool::DrainFile(const std::string& path, const SendFn& send, size_t max_lines,
                        size_t max_bytes, DrainStats& stats) {
  Fd fd(OpenRetry(path, O_RDWR));
  if (!fd.valid()) {
    if (errno == ENOENT) return Status::Ok();
    return Unavailable("spool: " + Errno("cannot open", path));
  }
  // An appender that opened the file before the rename holds this lock while it writes.
  if (FlockRetry(fd.get(), LOCK_EX) != 0) return Unavailable("spool: " + Errno("flock", path));
  ASSIGN_OR_RETURN(std::string data, ReadAll(fd.get(), path));

  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) {  // a torn write (crash): not a whole event
      ++stats.dropped;
      AddToCounter(dir_ + "/" + kDroppedFile, 1);
      break;
    }
    if (end > pos) lines.emplace_back(data.data() + pos, end - pos);
    pos = end + 1;
  }

  size_t next = 0;
  while (next < lines.size()) {
    std::vector<std::string> batch;
    size_t bytes = 0;
    size_t i = next;
    for (; i < lines.size() && batch.size() < max_lines; ++i) {
      if (!batch.empty() && bytes + lines[i].size() > max_bytes) break;
      bytes += lines[i].size();
      batch.emplace_back(lines[i]);
    }
    Status st = send(batch);
    if (st.ok()) {
      stats.sent += static_cast<int64_t>(batch.size());
    } else if (st.code() == StatusCode::kInvalidArgument) {
      stats.dropped += static_cast<int64_t>(batch.size());
      AddToCounter(dir_ + "/" + kDroppedFile, static_cast<int64_t>(batch.size()));
    } else {
      if (next > 0) {  // keep only what was not acknowledged
        std::string rest;
        for (size_t k = next; k < lines.size(); ++k) {
          rest.append(lines[k]);
          rest += '\n';
        }
        const std::string tmp = path + ".tmp";
        Fd out(OpenRetry(tmp, O_WRONLY | O_CREAT | O_TRUNC));
        if (out.valid() && WriteAll(out.get(), rest.data(), rest.size()) &&
            fdatasync(out.get()) == 0) {
          if (rename(tmp.c_str(), path.c_str()) != 0) (void)unlink(tmp.c_str());
        } else {
          (void)unlink(tmp.c_str());
        }
      }
      return st;
    }
    next = i;
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Unavailable("spool: " + Errno("cannot remove", path));
  }
  ++stats.files;
  return Status::Ok();
}

}  // namespace memex::capture
