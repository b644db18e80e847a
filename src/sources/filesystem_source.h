// FilesystemSource: a directory tree as a Source (seeds-catalogue "Config … filesystem").
// Every path is checked twice: lexically (no absolute paths, no "..") and after realpath (the
// resolved file must lie under the resolved root), so symlinks cannot escape the root. Writes
// take an exclusive flock(2) and use O_APPEND, so concurrent appends never interleave.
//
// Thread-safety: immutable after Open; safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "config/config.h"
#include "sources/source.h"

namespace memex {

// Search bounds; a search stops early (returning what it found) when one is reached.
struct FilesystemLimits {
  int max_files = 5000;              // files examined per search
  int64_t max_bytes = 64 << 20;      // bytes read per search
  int64_t max_file_bytes = 4 << 20;  // larger files are skipped by search, refused by Read
  int64_t time_budget_ms = 2000;     // wall time per search
};

// Doublestar glob: "*" and "?" stay within one path segment, "**" spans segments, and "**/"
// also matches no segment at all ("**/*.md" matches "a.md").
bool GlobMatch(std::string_view pattern, std::string_view text);

class FilesystemSource final : public Source {
 public:
  // Validates `config` (type "filesystem", a name, a scheme, an existing root directory,
  // write_mode) and resolves the root. `clock` stamps entries and must outlive the source.
  // Errors: kInvalidArgument naming the source and field.
  static Result<std::unique_ptr<FilesystemSource>> Open(const SourceConfig& config,
                                                        const Clock& clock,
                                                        FilesystemLimits limits = {});

  const std::string& name() const override { return config_.name; }
  const std::string& type() const override { return config_.type; }
  const std::string& uri_scheme() const override { return config_.uri_scheme; }
  bool writable() const override { return config_.writable; }

  Result<std::vector<SourceHit>> Search(std::string_view query, int limit) const override;
  Result<SourceDocument> Read(std::string_view uri, int64_t from_line,
                              int64_t to_line) const override;
  Result<SourceWrite> Append(std::string_view uri, std::string_view content,
                             std::string_view caller, bool raw) const override;

  // The entry pf_poke appends: "\n---\n## [HH:MM] via memex (<caller>)\n\n<content>\n" (UTC;
  // " (<caller>)" omitted when empty; no doubled trailing newline).
  static std::string FormatEntry(int64_t now_ms, std::string_view caller, std::string_view content);

 private:
  FilesystemSource(SourceConfig config, std::string root, const Clock& clock,
                   FilesystemLimits limits);

  // The relative path `uri` names, after lexical checks. Errors: kInvalidArgument.
  Result<std::string> RelativePath(std::string_view uri) const;
  bool Selected(std::string_view rel) const;  // include/exclude
  std::vector<std::string> TagsFor(std::string_view rel) const;
  std::string UriFor(std::string_view rel) const;

  SourceConfig config_;
  std::string root_;  // realpath of config_.root, no trailing slash
  const Clock& clock_;
  FilesystemLimits limits_;
};

}  // namespace memex
