// EmbeddingStore: the persistence contract for memory vectors (SPEC §6, docs/retrieval.md
// "Embeddings"). SqliteStore implements it beside Store. The store is the source of truth for
// vectors; the in-memory vector index (vector/) is rebuilt or caught up from it.
//
// A vector belongs to one memory version (its DocId), one chunk of that version's text and one
// model (the vector space, named by Embedder::model_id()). The embedding queue is not a table:
// it is every current, not forgotten version with no vector for the model (PendingEmbeddings),
// so it survives restarts and a change of model re-embeds everything by construction.
//
// store/embedding_store_contract_test.h is the suite every implementation must pass.
// Thread-safety and durability: as Store (store/store.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/scope.h"
#include "core/search.h"

namespace memex {

// A memory version waiting for its vector.
struct PendingEmbed {
  DocId doc = 0;
  Scope scope;
  std::string content;
};

// One vector to store: `dim` floats of chunk `chunk` (0 = the first or only one) of `doc`.
struct NewVector {
  DocId doc = 0;
  int chunk = 0;
  std::vector<float> vec;
};

// One stored vector, as read back. `seq` increases with every write of the model's vectors (a
// replaced vector gets a new seq), so readers can catch up with "seq > last seen".
struct StoredVector {
  int64_t seq = 0;
  DocId doc = 0;
  int chunk = 0;
  Scope scope;
  std::vector<float> vec;
};

struct VectorPage {
  std::vector<StoredVector> vectors;  // ascending seq
  int64_t last_seq = 0;               // seq of the last row returned, or the after_seq given
  // Rises each time the model's vectors are dropped (DropEmbeddings): a reader that saw another
  // epoch must discard what it read and start again from seq 0.
  int64_t epoch = 0;
};

// A memory version a search may return, with what ranking needs of it.
struct SearchableDoc {
  DocId doc = 0;
  int64_t updated_ms = 0;  // when this version was written (recency channel)
};

struct EmbeddingCounts {
  std::string model;
  int dim = 0;
  int64_t vectors = 0;   // rows of this model
  int64_t embedded = 0;  // current, not forgotten versions with a vector of this model
  int64_t pending = 0;   // current, not forgotten versions without one
};

// Visits one vector; returning non-OK stops the scan with that status.
using VectorVisitor = std::function<Status(const StoredVector&)>;

class EmbeddingStore {
 public:
  virtual ~EmbeddingStore() = default;

  // Current (not superseded), not forgotten versions with doc > after_doc and no vector of
  // `model`, ascending doc, at most `limit`. A version superseded or forgotten before its turn
  // is never returned (it is not searched by default).
  virtual Result<std::vector<PendingEmbed>> PendingEmbeddings(const std::string& model,
                                                              DocId after_doc, int limit) = 0;

  // Stores the vectors in one transaction; a (doc, chunk, model) that has a vector is replaced.
  // Every vector must have `dim` floats; a model's dimension is fixed by its first vector (and
  // may change only while it has no vectors, e.g. after DropEmbeddings).
  // Vectors of a doc that no longer exists (purged meanwhile) are skipped silently.
  // Errors: kInvalidArgument (empty model, dim < 1, a vector of another length, a negative
  // chunk), kFailedPrecondition (the model is stored with another dimension).
  virtual Status PutEmbeddings(const std::string& model, int dim,
                               const std::vector<NewVector>& vectors) = 0;

  // The model's vectors with seq > after_seq, ascending, at most `limit` (0 = all). Vectors of
  // superseded, forgotten or purged versions may be included: readers check search results
  // against the store (FilterDocs), so the index needs no delete notifications.
  virtual Result<VectorPage> ReadEmbeddings(const std::string& model, int64_t after_seq,
                                            int limit) = 0;

  // The subset of `docs` a search with `filter` may return (scopes, history, kinds, tags,
  // dates; never a forgotten or purged version), in the order given.
  virtual Result<std::vector<SearchableDoc>> FilterDocs(const std::vector<DocId>& docs,
                                                        const SearchFilter& filter) = 0;

  // Counts per stored model, plus `current_model` even when it has no vectors yet.
  virtual Result<std::vector<EmbeddingCounts>> EmbeddingStats(const std::string& current_model) = 0;

  // Deletes every vector of `model` (a re-embed from scratch, or dropping an old model after a
  // change) and raises its epoch. Returns the number of vectors deleted.
  virtual Result<int64_t> DropEmbeddings(const std::string& model) = 0;
};

}  // namespace memex
