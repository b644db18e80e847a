// SqliteStore's EmbeddingStore methods: transactions around store/sqlite/embedding_rows.cc.

#include "store/sqlite/embedding_rows.h"
#include "store/sqlite/row_writer.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {

using sqlite::Connection;
using sqlite::RowWriter;

Result<std::vector<PendingEmbed>> SqliteStore::PendingEmbeddings(const std::string& model,
                                                                 DocId after_doc, int limit) {
  std::vector<PendingEmbed> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectPendingEmbeds(db, model, after_doc, limit));
    return Status::Ok();
  }));
  return out;
}

Status SqliteStore::PutEmbeddings(const std::string& model, int dim,
                                  const std::vector<NewVector>& vectors) {
  if (vectors.empty()) return Status::Ok();
  return WriteTxn([&](RowWriter& w) -> Status {
    return sqlite::InsertEmbeddings(w.db(), model, dim, vectors);
  });
}

Result<VectorPage> SqliteStore::ReadEmbeddings(const std::string& model, int64_t after_seq,
                                               int limit) {
  VectorPage page;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(page, sqlite::SelectEmbeddings(db, model, after_seq, limit));
    return Status::Ok();
  }));
  return page;
}

Result<std::vector<SearchableDoc>> SqliteStore::FilterDocs(const std::vector<DocId>& docs,
                                                           const SearchFilter& filter) {
  std::vector<SearchableDoc> out;
  if (docs.empty()) return out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectSearchable(db, *scopes_, docs, filter));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<EmbeddingCounts>> SqliteStore::EmbeddingStats(const std::string& current_model) {
  std::vector<EmbeddingCounts> out;
  RETURN_IF_ERROR(ReadTxn([&](Connection& db) -> Status {
    ASSIGN_OR_RETURN(out, sqlite::SelectEmbeddingCounts(db, current_model));
    return Status::Ok();
  }));
  return out;
}

Result<int64_t> SqliteStore::DropEmbeddings(const std::string& model) {
  int64_t n = 0;
  RETURN_IF_ERROR(WriteTxn([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(n, sqlite::DeleteEmbeddings(w.db(), model));
    return Status::Ok();
  }));
  return n;
}

}  // namespace memex
