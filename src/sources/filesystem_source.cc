#include "sources/filesystem_source.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <utility>

#include "base/text.h"

namespace memex {
namespace {

namespace fs = std::filesystem;

constexpr size_t kSnippetBytes = 300;

// Owns a file descriptor; closing it also releases any flock held through it.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string ErrnoText(int err) { return std::strerror(err); }

// realpath(3) into a string; nullopt when the path does not resolve.
std::optional<std::string> RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

bool Within(std::string_view root, std::string_view path) {
  if (path == root) return true;
  if (root == "/") return true;
  return path.size() > root.size() && path.substr(0, root.size()) == root &&
         path[root.size()] == '/';
}

bool GlobMatchAt(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      std::string_view rest = p.substr(2);
      if (!rest.empty() && rest[0] == '/' && GlobMatchAt(rest.substr(1), s)) return true;
      for (size_t i = 0; i <= s.size(); ++i) {
        if (GlobMatchAt(rest, s.substr(i))) return true;
      }
      return false;
    }
    if (p[0] == '*') {
      for (size_t i = 0; i <= s.size(); ++i) {
        if (GlobMatchAt(p.substr(1), s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (p[0] == '?') {
      if (s[0] == '/') return false;
    } else if (p[0] != s[0]) {
      return false;
    }
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

std::string SliceText(std::string_view text, int64_t from_line, int64_t to_line) {
  if (from_line <= 1 && to_line <= 0) return std::string(text);
  int64_t line = 1;
  size_t pos = 0;
  size_t begin = std::string_view::npos;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    if (pos == text.size() && nl == std::string_view::npos) break;
    if (line >= std::max<int64_t>(from_line, 1) && begin == std::string_view::npos) begin = pos;
    if (to_line > 0 && line == to_line) {
      return begin == std::string_view::npos ? "" : std::string(text.substr(begin, end - begin));
    }
    ++line;
    pos = end;
    if (nl == std::string_view::npos) break;
  }
  return begin == std::string_view::npos ? "" : std::string(text.substr(begin));
}

Result<std::string> ReadAll(int fd, int64_t max_bytes) {
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable("read: " + ErrnoText(errno));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (static_cast<int64_t>(out.size()) > max_bytes) {
      return ResourceExhausted("file is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  return out;
}

int64_t MtimeMs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  return GlobMatchAt(pattern, text);
}

FilesystemSource::FilesystemSource(SourceConfig config, std::string root, const Clock& clock,
                                   FilesystemLimits limits)
    : config_(std::move(config)), root_(std::move(root)), clock_(clock), limits_(limits) {}

Result<std::unique_ptr<FilesystemSource>> FilesystemSource::Open(const SourceConfig& config,
                                                                 const Clock& clock,
                                                                 FilesystemLimits limits) {
  std::string where = "sources '" + config.name + "'";
  if (config.name.empty()) return InvalidArgument("sources: name is required");
  if (config.type != "filesystem") {
    return InvalidArgument(where + ": type '" + config.type + "' is not supported (filesystem)");
  }
  if (config.uri_scheme.empty()) return InvalidArgument(where + ": uri_scheme is required");
  for (char c : config.uri_scheme) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.')) {
      return InvalidArgument(where + ": uri_scheme '" + config.uri_scheme + "' is not a scheme");
    }
  }
  if (config.write_mode != "append" && config.write_mode != "any") {
    return InvalidArgument(where + ": write_mode must be 'append' or 'any'");
  }
  if (config.max_entry_size < 0) return InvalidArgument(where + ": max_entry_size < 0");
  if (config.root.empty()) return InvalidArgument(where + ": root is required");
  std::optional<std::string> root = RealPath(config.root);
  struct stat st {};
  if (!root || ::stat(root->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return InvalidArgument(where + ": root '" + config.root + "' is not a directory");
  }
  SourceConfig copy = config;
  if (copy.max_entry_size == 0) copy.max_entry_size = 2000;  // pagefault rewrites 0 the same way
  return std::unique_ptr<FilesystemSource>(
      new FilesystemSource(std::move(copy), std::move(*root), clock, limits));
}

std::string FilesystemSource::UriFor(std::string_view rel) const {
  return config_.uri_scheme + "://" + std::string(rel);
}

bool FilesystemSource::Selected(std::string_view rel) const {
  for (const std::string& g : config_.exclude) {
    if (GlobMatch(g, rel)) return false;
  }
  if (config_.include.empty()) return true;
  return std::any_of(config_.include.begin(), config_.include.end(),
                     [&](const std::string& g) { return GlobMatch(g, rel); });
}

std::vector<std::string> FilesystemSource::TagsFor(std::string_view rel) const {
  std::vector<std::string> tags;
  for (const AutoTagConfig& at : config_.auto_tags) {
    if (!GlobMatch(at.glob, rel)) continue;
    for (const std::string& t : at.tags) {
      if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
    }
  }
  return tags;
}

Result<std::string> FilesystemSource::RelativePath(std::string_view uri) const {
  std::string prefix = config_.uri_scheme + "://";
  if (uri.substr(0, prefix.size()) != prefix) {
    return InvalidArgument("URI '" + TruncateUtf8(uri, 200) + "' does not start with " + prefix);
  }
  std::string_view rel = uri.substr(prefix.size());
  if (rel.empty()) return InvalidArgument("URI '" + TruncateUtf8(uri, 200) + "' names no file");
  if (rel[0] == '/')
    return InvalidArgument("absolute paths are not allowed: " + TruncateUtf8(uri, 200));
  if (rel.find('\0') != std::string_view::npos) return InvalidArgument("NUL in path");
  for (const std::string& seg : Split(rel, '/', /*skip_empty=*/false)) {
    if (seg == "..")
      return InvalidArgument("'..' is not allowed in paths: " + TruncateUtf8(uri, 200));
    if (seg.empty() || seg == ".") {
      return InvalidArgument("empty or '.' path segment in " + TruncateUtf8(uri, 200));
    }
  }
  return std::string(rel);
}

Result<std::vector<SourceHit>> FilesystemSource::Search(std::string_view query, int limit) const {
  std::string needle = AsciiLower(Trim(query));
  if (needle.empty()) return InvalidArgument("empty query");
  std::vector<std::string> terms;
  for (const std::string& t : Split(needle, ' ')) {
    if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<SourceHit> hits;
  std::error_code ec;
  fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Unavailable("source '" + config_.name + "': " + ec.message());
  int files = 0;
  int64_t bytes = 0;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (files >= limits_.max_files || bytes >= limits_.max_bytes) break;
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() >
        limits_.time_budget_ms) {
      break;
    }
    // Symlinks are never followed by search: the directory iterator does not descend into
    // them and symlinked files are skipped, so a search cannot read outside the root.
    std::error_code sec;
    fs::file_status status = it->symlink_status(sec);
    if (sec || !fs::is_regular_file(status)) continue;
    std::string rel = fs::path(it->path()).lexically_relative(root_).generic_string();
    if (!Selected(rel)) continue;
    Fd fd(::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) continue;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || st.st_size > limits_.max_file_bytes) continue;
    ++files;
    Result<std::string> text = ReadAll(fd.get(), limits_.max_file_bytes);
    if (!text.ok()) continue;
    bytes += static_cast<int64_t>(text->size());
    std::string lower = AsciiLower(*text);
    // pagefault's match is a case-insensitive substring; memex also accepts a file holding at
    // least half of the query's terms, so natural-language queries find notes too.
    size_t phrase = lower.find(needle);
    size_t found = 0;
    size_t first = phrase;
    for (const std::string& t : terms) {
      size_t at = lower.find(t);
      if (at == std::string::npos) continue;
      ++found;
      if (phrase == std::string::npos) first = std::min(first, at);
    }
    double coverage = static_cast<double>(found) / static_cast<double>(terms.size());
    if (phrase == std::string::npos && coverage < 0.5) continue;
    // Score: term coverage, with the literal phrase worth the most (docs/tools.md, pf_scan).
    double score = 0.5 * coverage + (phrase != std::string::npos ? 0.5 : 0.0);
    size_t line_start = lower.rfind('\n', first == 0 ? 0 : first - 1);
    line_start = (first == 0 || line_start == std::string::npos) ? 0 : line_start + 1;
    size_t line_end = text->find('\n', first);
    if (line_end == std::string::npos) line_end = text->size();
    SourceHit hit;
    hit.uri = UriFor(rel);
    hit.line = 1 + static_cast<int>(std::count(
                       text->begin(), text->begin() + static_cast<long>(line_start), '\n'));
    hit.snippet = TruncateUtf8(
        Trim(std::string_view(*text).substr(line_start, line_end - line_start)), kSnippetBytes);
    hit.score = score;
    hit.size_bytes = st.st_size;
    hit.mtime_ms = MtimeMs(st);
    hit.tags = TagsFor(rel);
    hits.push_back(std::move(hit));
  }
  std::stable_sort(hits.begin(), hits.end(), [](const SourceHit& a, const SourceHit& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.mtime_ms != b.mtime_ms) return a.mtime_ms > b.mtime_ms;
    return a.uri < b.uri;
  });
  if (limit > 0 && hits.size() > static_cast<size_t>(limit))
    hits.resize(static_cast<size_t>(limit));
  return hits;
}

Result<SourceDocument> FilesystemSource::Read(std::string_view uri, int64_t from_line,
                                              int64_t to_line) const {
  ASSIGN_OR_RETURN(std::string rel, RelativePath(uri));
  std::string shown = TruncateUtf8(uri, 200);
  if (!Selected(rel)) return NotFound("resource not found: " + shown);
  std::optional<std::string> real = RealPath(root_ + "/" + rel);
  // The resolved path is filtered too, so a symlink inside the root cannot expose an excluded
  // file.
  if (!real || !Within(root_, *real) || *real == root_ ||
      !Selected(std::string_view(*real).substr(root_.size() + (root_ == "/" ? 0 : 1)))) {
    return NotFound("resource not found: " + shown);
  }
  Fd fd(::open(real->c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return NotFound("resource not found: " + shown);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return NotFound("resource not found: " + shown);
  }
  if (st.st_size > limits_.max_file_bytes) {
    return ResourceExhausted(shown + " is larger than " + std::to_string(limits_.max_file_bytes) +
                             " bytes");
  }
  ASSIGN_OR_RETURN(std::string text, ReadAll(fd.get(), limits_.max_file_bytes));
  SourceDocument doc;
  doc.uri = UriFor(rel);
  doc.size_bytes = static_cast<int64_t>(text.size());
  doc.mtime_ms = MtimeMs(st);
  doc.content = SliceText(text, from_line, to_line);
  doc.tags = TagsFor(rel);
  return doc;
}

std::string FilesystemSource::FormatEntry(int64_t now_ms, std::string_view caller,
                                          std::string_view content) {
  std::time_t secs = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char hhmm[8];
  std::snprintf(hhmm, sizeof hhmm, "%02d:%02d", tm.tm_hour, tm.tm_min);
  std::string out = "\n---\n## [" + std::string(hhmm) + "] via memex";
  if (!caller.empty()) out += " (" + std::string(caller) + ")";
  out += "\n\n";
  out += content;
  if (content.empty() || content.back() != '\n') out += "\n";
  return out;
}

Result<SourceWrite> FilesystemSource::Append(std::string_view uri, std::string_view content,
                                             std::string_view caller, bool raw) const {
  std::string shown = TruncateUtf8(uri, 200);
  if (!config_.writable) return PermissionDenied("source '" + config_.name + "' is not writable");
  ASSIGN_OR_RETURN(std::string rel, RelativePath(uri));
  std::string full = UriFor(rel);
  bool allowed = std::any_of(config_.write_paths.begin(), config_.write_paths.end(),
                             [&](const std::string& g) { return GlobMatch(g, full); });
  if (!allowed) return PermissionDenied(shown + " is not in write_paths of '" + config_.name + "'");
  if (!Selected(rel)) return PermissionDenied(shown + " is excluded from '" + config_.name + "'");
  if (raw && config_.write_mode != "any") {
    return InvalidArgument("format 'raw' needs write_mode 'any'; '" + config_.name +
                           "' is append-only");
  }
  // Measured on the caller's content before wrapping (pagefault).
  if (content.size() > static_cast<size_t>(config_.max_entry_size)) {
    return ResourceExhausted("content is " + std::to_string(content.size()) +
                             " bytes; the limit is " + std::to_string(config_.max_entry_size) +
                             " (max_entry_size)");
  }
  // The parent must exist and resolve inside the root; the file itself is opened with
  // O_NOFOLLOW so a symlink planted at the leaf cannot redirect the write.
  fs::path target = fs::path(root_) / rel;
  std::optional<std::string> parent = RealPath(target.parent_path().string());
  if (!parent || !Within(root_, *parent)) {
    return PermissionDenied(shown + " resolves outside the root of '" + config_.name + "'");
  }
  std::string path = *parent + "/" + target.filename().string();
  if (!Selected(std::string_view(path).substr(root_.size() + (root_ == "/" ? 0 : 1)))) {
    return PermissionDenied(shown + " is excluded from '" + config_.name + "'");
  }
  Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (fd.get() < 0) {
    if (errno == ELOOP) return PermissionDenied(shown + " is a symlink; refusing to write");
    return Unavailable("open " + shown + ": " + ErrnoText(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return PermissionDenied(shown + " is not a regular file");
  }
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return Unavailable("flock " + shown + ": " + ErrnoText(errno));
  }
  std::string data = raw ? std::string(content) : FormatEntry(clock_.NowMs(), caller, content);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable("write " + shown + ": " + ErrnoText(errno));
    }
    off += static_cast<size_t>(n);
  }
  return SourceWrite{full, static_cast<int64_t>(data.size())};
}

}  // namespace memex
