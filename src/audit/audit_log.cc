#include "audit/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "base/time_util.h"

namespace memex::audit {
namespace {

namespace fs = std::filesystem;

bool IsSecretKey(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr std::array<std::string_view, 6> kSecretWords = {"token",   "password", "secret",
                                                            "api_key", "apikey",   "authorization"};
  return std::ranges::any_of(kSecretWords, [&lower](std::string_view word) {
    return lower.find(word) != std::string::npos;
  });
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string Truncate(const std::string& s, size_t max) {
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...[truncated " + std::to_string(s.size() - cut) + " bytes]";
}

int OpenAppend(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

std::string ErrnoText() { return std::strerror(errno); }

}  // namespace

Json MaskArgs(const Json& args, const Scrubber& scrub) {
  if (args.is_object()) {
    Json out = Json::object();
    for (const auto& [key, value] : args.items()) {
      out[key] = IsSecretKey(key) ? Json("[REDACTED]") : MaskArgs(value, scrub);
    }
    return out;
  }
  if (args.is_array()) {
    Json out = Json::array();
    for (const Json& v : args) out.push_back(MaskArgs(v, scrub));
    return out;
  }
  if (!args.is_string()) return args;
  // Scrub before cutting: a cut could leave half a secret that no rule matches any more.
  std::string text =
      scrub ? scrub(args.get_ref<const std::string&>()) : args.get_ref<const std::string&>();
  if (text.size() > kMaxArgStringBytes) return Truncate(text, kMaxArgStringBytes);
  return text;
}

std::string FormatEntry(const AuditEntry& entry, const Scrubber& scrub) {
  // An ordered object keeps the documented field order, which makes the file easy to read.
  nlohmann::ordered_json line;
  line["time"] = FormatRfc3339Ms(entry.time_ms);
  line["principal"] = entry.principal;
  line["interface"] = entry.interface;
  if (!entry.tool.empty()) {
    line["tool"] = entry.tool;
  } else {
    line["route"] = entry.route;
  }
  line["args"] = nlohmann::ordered_json::parse(
      MaskArgs(entry.args.is_null() ? Json::object() : entry.args, scrub)
          .dump(-1, ' ', false, Json::error_handler_t::replace));
  line["duration_ms"] = std::round(entry.duration_ms * 1000) / 1000;
  line["result_bytes"] = entry.result_bytes;
  if (entry.error) {
    line["error"] = {{"code", entry.error->code}, {"message", entry.error->message}};
  } else {
    line["error"] = nullptr;
  }
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(AuditOptions options) {
  if (options.path.empty()) return InvalidArgument("audit: the log path is empty");
  if (options.max_bytes < 0 || options.max_files < 0) {
    return InvalidArgument("audit: max_bytes and max_files must be >= 0");
  }
  std::error_code ec;
  fs::path parent = fs::path(options.path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return Unavailable("audit: cannot create " + parent.string() + ": " + ec.message());
  int fd = OpenAppend(options.path);
  if (fd < 0) return Unavailable("audit: cannot open " + options.path + ": " + ErrnoText());
  struct stat st {};
  int64_t size = ::fstat(fd, &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(options), fd, size));
}

AuditLog::AuditLog(AuditOptions options, int fd, int64_t size_bytes)
    : options_(std::move(options)), fd_(fd), size_bytes_(size_bytes) {}

AuditLog::~AuditLog() {
  if (fd_ >= 0) ::close(fd_);
}

void AuditLog::Record(const AuditEntry& entry) {
  std::string line = FormatEntry(entry, options_.scrub);
  line.push_back('\n');
  std::lock_guard lock(mu_);
  auto n = static_cast<int64_t>(line.size());
  if (options_.max_bytes > 0 && size_bytes_ > 0 && size_bytes_ + n > options_.max_bytes) {
    RotateLocked();
  }
  if (fd_ < 0) {
    fd_ = OpenAppend(options_.path);
    if (fd_ < 0) {
      LogWarn("audit: cannot open " + options_.path + ": " + ErrnoText() + "; entry lost");
      return;
    }
  }
  // One write per line: with O_APPEND a line lands whole at the end even if another process
  // appends too. A short write (disk full) is reported, not retried.
  ssize_t written = ::write(fd_, line.data(), line.size());
  if (written < 0) {
    LogWarn("audit: write to " + options_.path + " failed: " + ErrnoText());
    return;
  }
  if (written != static_cast<ssize_t>(line.size())) {
    LogWarn("audit: short write to " + options_.path);
  }
  size_bytes_ += written;
}

void AuditLog::RotateLocked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const std::string& base = options_.path;
  if (options_.max_files == 0) {
    fd_ = ::open(base.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  } else {
    std::error_code ec;
    fs::remove(base + "." + std::to_string(options_.max_files), ec);
    for (int i = options_.max_files - 1; i >= 1; --i) {
      std::string from = base + "." + std::to_string(i);
      if (fs::exists(from, ec)) fs::rename(from, base + "." + std::to_string(i + 1), ec);
    }
    fs::rename(base, base + ".1", ec);
    if (ec) LogWarn("audit: cannot rotate " + base + ": " + ec.message());
    fd_ = OpenAppend(base);
  }
  if (fd_ < 0) LogWarn("audit: cannot reopen " + base + " after rotation: " + ErrnoText());
  struct stat st {};
  size_bytes_ = fd_ >= 0 && ::fstat(fd_, &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

Result<std::unique_ptr<AuditLog>> OpenAuditLog(const AuditConfig& config,
                                               const std::string& data_dir, Scrubber scrub) {
  if (!config.enabled) return std::unique_ptr<AuditLog>();
  fs::path path =
      config.path.empty() ? fs::path(data_dir) / "audit" / "audit.jsonl" : fs::path(config.path);
  if (path.is_relative()) path = fs::path(data_dir) / path;
  return AuditLog::Open(AuditOptions{.path = path.lexically_normal().string(),
                                     .max_bytes = config.max_bytes,
                                     .max_files = config.max_files,
                                     .scrub = std::move(scrub)});
}

}  // namespace memex::audit
