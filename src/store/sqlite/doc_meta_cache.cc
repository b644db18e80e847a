#include "store/sqlite/doc_meta_cache.h"

namespace memex::sqlite {

DocMetaCache::~DocMetaCache() {
  for (auto& chunk : chunks_) delete chunk.load(std::memory_order_relaxed);
}

bool DocMetaCache::Find(DocId doc, Meta* out) const {
  if (doc < 0) return false;
  const auto c = static_cast<uint64_t>(doc) >> kChunkBits;
  if (c >= kChunks) return false;
  const Chunk* chunk = chunks_[c].load(std::memory_order_acquire);
  if (chunk == nullptr) return false;
  const Entry& e = (*chunk)[static_cast<size_t>(doc & (kChunkSize - 1))];
  const int64_t updated = e.updated_ms.load(std::memory_order_acquire);
  if (updated == kUnknown) return false;
  out->updated_ms = updated;
  out->doc_len = e.doc_len.load(std::memory_order_relaxed);
  return true;
}

void DocMetaCache::Put(DocId doc, Meta meta) {
  if (doc < 0 || meta.updated_ms == kUnknown) return;
  const auto c = static_cast<uint64_t>(doc) >> kChunkBits;
  if (c >= kChunks) return;
  Chunk* chunk = chunks_[c].load(std::memory_order_acquire);
  if (chunk == nullptr) {
    auto fresh = std::make_unique<Chunk>();
    if (chunks_[c].compare_exchange_strong(chunk, fresh.get(), std::memory_order_acq_rel)) {
      chunk = fresh.release();
    }  // else another thread installed one first: `chunk` now holds it, ours is freed
  }
  Entry& e = (*chunk)[static_cast<size_t>(doc & (kChunkSize - 1))];
  e.doc_len.store(meta.doc_len, std::memory_order_relaxed);
  e.updated_ms.store(meta.updated_ms, std::memory_order_release);
}

}  // namespace memex::sqlite
