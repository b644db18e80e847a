// DocMetaCache: a per-process memo of the search metadata that never changes for a document.
//
// A search document's `updated_ms` and `doc_len` (search_docs) are written once, when its row is
// inserted: a new version is a new document, and document ids are never reused (AUTOINCREMENT).
// So a value remembered here is never stale, whoever wrote the database and whenever; a purged
// document simply stops appearing in full-text results. Ranking needs both values for every
// candidate (up to candidate_cap per query), and reading them from the cache instead of seeking
// into search_docs for each one removed the largest cost of an unfiltered text search.
//
// Thread-safety: Find and Put may run concurrently from any threads (lock-free: atomics over
// chunks allocated on first use). Memory: 16 bytes per cached document, in 64 KiB chunks.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "core/search.h"

namespace memex::sqlite {

class DocMetaCache {
 public:
  struct Meta {
    int64_t updated_ms = 0;
    int32_t doc_len = 0;
  };

  DocMetaCache() = default;
  DocMetaCache(const DocMetaCache&) = delete;
  DocMetaCache& operator=(const DocMetaCache&) = delete;
  ~DocMetaCache();

  // True, with `*out` filled, when `doc` was Put before.
  bool Find(DocId doc, Meta* out) const;
  // Remembers `doc`'s metadata; documents beyond the capacity (~134M) are not cached.
  void Put(DocId doc, Meta meta);

 private:
  static constexpr int kChunkBits = 12;
  static constexpr int64_t kChunkSize = int64_t{1} << kChunkBits;
  static constexpr size_t kChunks = size_t{1} << 15;
  static constexpr int64_t kUnknown = INT64_MIN;  // updated_ms of an entry never Put

  struct Entry {
    std::atomic<int64_t> updated_ms{kUnknown};  // published last (release), read first (acquire)
    std::atomic<int32_t> doc_len{0};
  };
  using Chunk = std::array<Entry, kChunkSize>;

  std::array<std::atomic<Chunk*>, kChunks> chunks_{};
};

}  // namespace memex::sqlite
