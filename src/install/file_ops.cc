#include "install/file_ops.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace memex::install {
namespace {

namespace fs = std::filesystem;

std::string Errno(int err) { return std::strerror(err); }

// Closes an fd on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status WriteAll(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailedPrecondition("cannot write " + path + ": " + Errno(errno));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return FailedPrecondition("cannot sync " + path + ": " + Errno(errno));
  return Status::Ok();
}

// The file a write really lands in: a symlink's target, so that dotfile managers' links stay.
std::string RealTarget(const std::string& path) {
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
  fs::path target = fs::canonical(path, ec);
  return ec ? path : target.string();
}

void SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

Result<std::string> WriteBackup(const std::string& path, const std::string& content, mode_t mode,
                                int64_t now_ms) {
  const std::string base = path + ".bak-" + BackupStamp(now_ms);
  for (int n = 1; n < 1000; ++n) {
    std::string name = n == 1 ? base : base + "-" + std::to_string(n);
    Fd fd(::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777));
    if (fd.get() < 0 && errno == EEXIST) continue;
    if (fd.get() < 0) {
      return FailedPrecondition("cannot write the backup " + name + ": " + Errno(errno));
    }
    (void)::fchmod(fd.get(), mode & 07777);
    RETURN_IF_ERROR(WriteAll(fd.get(), content, name));
    return name;
  }
  return FailedPrecondition("cannot find a free backup name for " + path);
}

Status ReplaceFile(const std::string& path, const std::string& content,
                   std::optional<mode_t> mode) {
  const fs::path target(path);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    return FailedPrecondition("cannot create the directory " + target.parent_path().string() +
                              ": " + ec.message());
  }
  const std::string tmp = (target.parent_path() / ("." + target.filename().string() +
                                                   ".memex-tmp-" + std::to_string(::getpid())))
                              .string();
  {
    // A new file gets 0666 less the umask, like any file an editor creates.
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (fd.get() < 0) return FailedPrecondition("cannot write " + tmp + ": " + Errno(errno));
    if (mode && ::fchmod(fd.get(), *mode & 07777) != 0) {
      Status st = FailedPrecondition("cannot set the mode of " + tmp + ": " + Errno(errno));
      ::unlink(tmp.c_str());
      return st;
    }
    if (Status st = WriteAll(fd.get(), content, tmp); !st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    if (::close(fd.Release()) != 0) {
      ::unlink(tmp.c_str());
      return FailedPrecondition("cannot write " + tmp + ": " + Errno(errno));
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = FailedPrecondition("cannot replace " + path + ": " + Errno(errno));
    ::unlink(tmp.c_str());
    return st;
  }
  SyncDir(target.parent_path());
  return Status::Ok();
}

bool Changes(const FileChange& f) {
  return f.status == FileStatus::kCreated || f.status == FileStatus::kUpdated ||
         f.status == FileStatus::kRemoved;
}

}  // namespace

Result<std::optional<std::string>> ReadConfigFile(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    if (st.type() == fs::file_type::not_found || ec == std::errc::no_such_file_or_directory) {
      return std::optional<std::string>();
    }
    return FailedPrecondition("cannot read " + path + ": " + ec.message());
  }
  if (st.type() == fs::file_type::directory) {
    return FailedPrecondition("cannot read " + path + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return FailedPrecondition("cannot read " + path + ": " + Errno(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return FailedPrecondition("cannot read " + path);
  return std::optional<std::string>(buf.str());
}

std::string BackupStamp(int64_t epoch_ms) {
  std::time_t secs = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Result<std::vector<std::string>> ApplyPlan(const Plan& plan, int64_t now_ms) {
  // Nothing is written unless every file is still what the plan was made from.
  for (const FileChange& f : plan.files) {
    if (!Changes(f)) continue;
    ASSIGN_OR_RETURN(std::optional<std::string> now, ReadConfigFile(f.path));
    if (now != f.before) {
      return Unavailable(f.path +
                         " changed while memex was reading it (is the client running "
                         "and rewriting it?); run the command again");
    }
  }
  std::vector<std::string> backups(plan.files.size());
  for (size_t i = 0; i < plan.files.size(); ++i) {
    const FileChange& f = plan.files[i];
    if (!Changes(f)) continue;
    const std::string target = RealTarget(f.path);
    std::optional<mode_t> mode;
    // A file uninstall deletes held nothing but memex's entries: no backup to clutter a project.
    if (f.before && f.after) {
      struct stat st {};
      if (::stat(target.c_str(), &st) == 0) mode = st.st_mode;
      ASSIGN_OR_RETURN(backups[i], WriteBackup(f.path, *f.before, mode.value_or(0600), now_ms));
    }
    if (f.after) {
      RETURN_IF_ERROR(ReplaceFile(target, *f.after, mode));
    } else if (::unlink(target.c_str()) != 0 && errno != ENOENT) {
      return FailedPrecondition("cannot remove " + f.path + ": " + Errno(errno));
    }
  }
  return backups;
}

Result<std::string> SelfMemexPath() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Internal("cannot find this executable (/proc/self/exe): " + ec.message());
  fs::path front = exe.parent_path() / "memex";
  if (fs::is_regular_file(front, ec)) return front.string();
  return exe.string();
}

}  // namespace memex::install
