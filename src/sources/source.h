// Source: an external tree of documents that pf_scan searches, pf_peek reads and pf_poke (mode
// "direct") appends to, addressed as <uri_scheme>://<relative path> (seeds-catalogue "memory://
// URI scheme"). memex's own store is not a Source; the mcp layer merges the two.
//
// Thread-safety: implementations are safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace memex {

struct SourceHit {
  std::string uri;
  std::string snippet;  // the first matching line, bounded
  int line = 0;         // 1-indexed line of the snippet
  double score = 0;     // in [0, 1]; comparable with the store's fused scores (docs/tools.md)
  int64_t size_bytes = 0;
  int64_t mtime_ms = 0;
  std::vector<std::string> tags;  // from auto_tags
};

struct SourceDocument {
  std::string uri;
  std::string content;  // the requested line range
  int64_t size_bytes = 0;
  int64_t mtime_ms = 0;
  std::vector<std::string> tags;
};

struct SourceWrite {
  std::string uri;
  int64_t bytes_written = 0;
};

class Source {
 public:
  virtual ~Source() = default;

  virtual const std::string& name() const = 0;
  virtual const std::string& type() const = 0;
  virtual const std::string& uri_scheme() const = 0;
  virtual bool writable() const = 0;

  // Documents matching `query`, best first, at most `limit`. Bounded in files, bytes and time:
  // a search that hits a bound returns what it found so far. Errors: kInvalidArgument (empty
  // query), kUnavailable (the source cannot be read).
  virtual Result<std::vector<SourceHit>> Search(std::string_view query, int limit) const = 0;

  // Lines from_line..to_line (1-indexed, inclusive; 0 = unbounded) of the document `uri` names.
  // Errors: kInvalidArgument (malformed URI or path), kNotFound (no such document, outside the
  // source, or filtered out), kResourceExhausted (too large to read).
  virtual Result<SourceDocument> Read(std::string_view uri, int64_t from_line,
                                      int64_t to_line) const = 0;

  // Appends `content` to the document `uri` names, creating it when absent. `raw` appends the
  // content verbatim, otherwise it is wrapped as a dated entry naming `caller`.
  // Errors: kPermissionDenied (not writable, not in write_paths, raw on an append-only source,
  // a path escaping the root), kResourceExhausted (content over max_entry_size),
  // kInvalidArgument (malformed URI), kUnavailable (I/O failure).
  virtual Result<SourceWrite> Append(std::string_view uri, std::string_view content,
                                     std::string_view caller, bool raw) const = 0;
};

}  // namespace memex
