// The vector tables (migration v4: embedding_models, embeddings): the SQL behind SqliteStore's
// EmbeddingStore methods. Each function runs on a connection the caller has already put inside
// a transaction (the write transaction for mutations); contracts as the matching methods of
// store/embedding_store.h.
//
// Thread-safety: as the Connection passed in (one thread at a time); the ScopeCache is safe for
// concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/embedding_store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/scopes.h"

namespace memex::sqlite {

Result<std::vector<PendingEmbed>> SelectPendingEmbeds(Connection& db, const std::string& model,
                                                      DocId after_doc, int limit);
Status InsertEmbeddings(Connection& db, const std::string& model, int dim,
                        const std::vector<NewVector>& vectors);
Result<VectorPage> SelectEmbeddings(Connection& db, const std::string& model, int64_t after_seq,
                                    int limit);
Result<std::vector<SearchableDoc>> SelectSearchable(Connection& db, ScopeCache& scopes,
                                                    const std::vector<DocId>& docs,
                                                    const SearchFilter& filter);
Result<std::vector<EmbeddingCounts>> SelectEmbeddingCounts(Connection& db,
                                                           const std::string& current_model);
Result<int64_t> DeleteEmbeddings(Connection& db, const std::string& model);

}  // namespace memex::sqlite
