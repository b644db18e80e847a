#include "store/sqlite/embedding_rows.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>

#include "store/sqlite/filter_sql.h"

namespace memex::sqlite {
namespace {

// Vectors are stored as raw float32 in the machine's byte order, which is little-endian on
// every platform memex builds for; a big-endian build would need a conversion here.
static_assert(std::endian::native == std::endian::little, "vector BLOBs are little-endian");

// Current, not forgotten versions: what the default search sees (memories.status 2 = superseded).
constexpr std::string_view kCurrent = "m.status <> 2 AND m.deleted_ms = 0";

struct ModelRow {
  int64_t id = 0;
  int dim = 0;
  int64_t epoch = 0;
};

Result<std::optional<ModelRow>> FindModel(Connection& db, const std::string& model) {
  ASSIGN_OR_RETURN(StatementRef q,
                   db.Prepare("SELECT model_id, dim, epoch FROM embedding_models WHERE name = ?1"));
  q->BindText(1, model);
  ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) return std::optional<ModelRow>();
  return std::optional<ModelRow>(
      ModelRow{q->ColumnInt(0), static_cast<int>(q->ColumnInt(1)), q->ColumnInt(2)});
}

using ScopeNames = std::map<int64_t, Scope>;

Result<ScopeNames> ReadScopeNames(Connection& db) {
  ASSIGN_OR_RETURN(StatementRef q, db.Prepare("SELECT scope_id, workspace, project FROM scopes"));
  ScopeNames out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out[q->ColumnInt(0)] = Scope{std::string(q->ColumnText(1)), std::string(q->ColumnText(2))};
  }
  return out;
}

}  // namespace

Result<std::vector<PendingEmbed>> SelectPendingEmbeds(Connection& db, const std::string& model,
                                                      DocId after_doc, int limit) {
  ASSIGN_OR_RETURN(std::optional<ModelRow> found, FindModel(db, model));
  std::optional<int64_t> model_id;
  if (found) model_id = found->id;
  ASSIGN_OR_RETURN(ScopeNames scopes, ReadScopeNames(db));
  // An unknown model has no vectors: every current version is pending.
  std::string sql = "SELECT m.doc, m.scope_id, m.content FROM memories m WHERE m.doc > ?1 AND " +
                    std::string(kCurrent) +
                    (model_id ? " AND NOT EXISTS(SELECT 1 FROM embeddings e WHERE e.doc = m.doc "
                                "AND e.model_id = ?3)"
                              : "") +
                    " ORDER BY m.doc LIMIT ?2";
  ASSIGN_OR_RETURN(StatementRef q, db.Prepare(sql));
  q->BindInt(1, after_doc);
  q->BindInt(2, limit <= 0 ? -1 : limit);
  if (model_id) q->BindInt(3, *model_id);
  std::vector<PendingEmbed> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    PendingEmbed p;
    p.doc = q->ColumnInt(0);
    if (auto it = scopes.find(q->ColumnInt(1)); it != scopes.end()) p.scope = it->second;
    p.content = std::string(q->ColumnText(2));
    out.push_back(std::move(p));
  }
  return out;
}

Status InsertEmbeddings(Connection& db, const std::string& model, int dim,
                        const std::vector<NewVector>& vectors) {
  if (model.empty()) return InvalidArgument("embedding model id is empty");
  if (dim < 1) return InvalidArgument("embedding dimension must be at least 1");
  for (const NewVector& v : vectors) {
    if (v.vec.size() != static_cast<size_t>(dim)) {
      return InvalidArgument("vector of doc " + std::to_string(v.doc) + " has " +
                             std::to_string(v.vec.size()) + " floats, expected " +
                             std::to_string(dim));
    }
    if (v.chunk < 0) return InvalidArgument("chunk index must not be negative");
    for (float x : v.vec) {
      if (!std::isfinite(x)) {
        return InvalidArgument("vector of doc " + std::to_string(v.doc) + " is not finite");
      }
    }
  }
  ASSIGN_OR_RETURN(std::optional<ModelRow> found, FindModel(db, model));
  std::optional<int64_t> model_id;
  if (found) model_id = found->id;
  if (found && found->dim != dim) {
    ASSIGN_OR_RETURN(StatementRef any,
                     db.Prepare("SELECT 1 FROM embeddings WHERE model_id = ?1 LIMIT 1"));
    any->BindInt(1, found->id);
    ASSIGN_OR_RETURN(bool has_vectors, any->Step());
    if (has_vectors) {
      return FailedPrecondition("embedding model '" + model + "' is stored with " +
                                std::to_string(found->dim) + " dimensions, not " +
                                std::to_string(dim) +
                                " (run `memex reindex --force` to embed everything again)");
    }
    ASSIGN_OR_RETURN(StatementRef upd,
                     db.Prepare("UPDATE embedding_models SET dim = ?2 WHERE model_id = ?1"));
    upd->BindInt(1, found->id);
    upd->BindInt(2, dim);
    RETURN_IF_ERROR(upd->Run());
  }
  if (!model_id) {
    ASSIGN_OR_RETURN(StatementRef ins,
                     db.Prepare("INSERT INTO embedding_models(name, dim) VALUES(?1, ?2)"));
    ins->BindText(1, model);
    ins->BindInt(2, dim);
    RETURN_IF_ERROR(ins->Run());
    model_id = sqlite3_last_insert_rowid(db.raw());
  }
  ASSIGN_OR_RETURN(StatementRef scope_of,
                   db.Prepare("SELECT scope_id FROM memories WHERE doc = ?1"));
  ASSIGN_OR_RETURN(StatementRef del, db.Prepare("DELETE FROM embeddings WHERE doc = ?1 AND "
                                                "model_id = ?2 AND chunk = ?3"));
  ASSIGN_OR_RETURN(StatementRef ins,
                   db.Prepare("INSERT INTO embeddings(model_id, doc, chunk, scope_id, vec) "
                              "VALUES(?1, ?2, ?3, ?4, ?5)"));
  for (const NewVector& v : vectors) {
    scope_of->BindInt(1, v.doc);
    ASSIGN_OR_RETURN(bool exists, scope_of->Step());
    const int64_t scope_id = exists ? scope_of->ColumnInt(0) : 0;
    scope_of->Reset();
    if (!exists) continue;  // purged since it was read: nothing to attach the vector to
    del->BindInt(1, v.doc);
    del->BindInt(2, *model_id);
    del->BindInt(3, v.chunk);
    RETURN_IF_ERROR(del->Run());
    del->Reset();
    std::string_view bytes(reinterpret_cast<const char*>(v.vec.data()),
                           v.vec.size() * sizeof(float));
    ins->BindInt(1, *model_id);
    ins->BindInt(2, v.doc);
    ins->BindInt(3, v.chunk);
    ins->BindInt(4, scope_id);
    ins->BindBlob(5, bytes);
    RETURN_IF_ERROR(ins->Run());
    ins->Reset();
  }
  return Status::Ok();
}

Result<VectorPage> SelectEmbeddings(Connection& db, const std::string& model, int64_t after_seq,
                                    int limit) {
  VectorPage page;
  page.last_seq = after_seq;
  ASSIGN_OR_RETURN(std::optional<ModelRow> found, FindModel(db, model));
  if (!found) return page;
  const int64_t* model_id = &found->id;
  const int dim = found->dim;
  page.epoch = found->epoch;
  ASSIGN_OR_RETURN(ScopeNames scopes, ReadScopeNames(db));
  ASSIGN_OR_RETURN(StatementRef q,
                   db.Prepare("SELECT seq, doc, chunk, scope_id, vec FROM embeddings WHERE "
                              "model_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"));
  q->BindInt(1, *model_id);
  q->BindInt(2, after_seq);
  q->BindInt(3, limit <= 0 ? -1 : limit);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    std::string_view blob = q->ColumnBlob(4);
    if (blob.size() != static_cast<size_t>(dim) * sizeof(float)) {
      return DataLoss("embedding row " + std::to_string(q->ColumnInt(0)) + " of model '" + model +
                      "' has " + std::to_string(blob.size()) + " bytes, expected " +
                      std::to_string(dim * sizeof(float)) + " (run `memex doctor`)");
    }
    StoredVector v;
    v.seq = q->ColumnInt(0);
    v.doc = q->ColumnInt(1);
    v.chunk = static_cast<int>(q->ColumnInt(2));
    if (auto it = scopes.find(q->ColumnInt(3)); it != scopes.end()) v.scope = it->second;
    v.vec.resize(static_cast<size_t>(dim));
    std::memcpy(v.vec.data(), blob.data(), blob.size());
    page.last_seq = v.seq;
    page.vectors.push_back(std::move(v));
  }
  return page;
}

Result<std::vector<SearchableDoc>> SelectSearchable(Connection& db, ScopeCache& scopes,
                                                    const std::vector<DocId>& docs,
                                                    const SearchFilter& filter) {
  std::vector<SearchableDoc> out;
  if (docs.empty()) return out;
  ASSIGN_OR_RETURN(ScopeSet set, ResolveScopes(db, scopes, filter));
  if (set.none()) return out;
  // Bounded IN lists: a search asks about a few hundred candidates at a time.
  constexpr size_t kPerQuery = 500;
  std::map<DocId, int64_t> ok;  // doc -> updated_ms
  for (size_t begin = 0; begin < docs.size(); begin += kPerQuery) {
    size_t end = std::min(docs.size(), begin + kPerQuery);
    SqlBuilder b;
    // NOT INDEXED: rowid lookups of the listed docs; the planner would otherwise walk a scope's
    // whole memories_scope_updated range for "scope_id IN (...)" (measured: 17 ms at 100k).
    b.Sql(
        "SELECT m.doc, m.updated_ms FROM memories m NOT INDEXED WHERE m.deleted_ms = 0 AND "
        "m.doc IN (");
    for (size_t i = begin; i < end; ++i) {
      if (i != begin) b.Sql(", ");
      b.Int(docs[i]);
    }
    b.Sql(")");
    AppendScopeFilter(set, b);
    AppendHistoryFilter(filter.include_history, filter.include_archived, b);
    AppendAttributeFilter(filter, b);
    ASSIGN_OR_RETURN(StatementRef q, db.Prepare(b.sql()));
    b.Bind(*q);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      ok[q->ColumnInt(0)] = q->ColumnInt(1);
    }
  }
  for (DocId d : docs) {
    if (auto it = ok.find(d); it != ok.end()) out.push_back({d, it->second});
  }
  return out;
}

Result<std::vector<EmbeddingCounts>> SelectEmbeddingCounts(Connection& db,
                                                           const std::string& current_model) {
  std::vector<EmbeddingCounts> out;
  ASSIGN_OR_RETURN(
      StatementRef models,
      db.Prepare("SELECT model_id, name, dim FROM embedding_models ORDER BY model_id"));
  std::vector<std::pair<int64_t, EmbeddingCounts>> rows;
  bool has_current = false;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, models->Step());
    if (!row) break;
    EmbeddingCounts c;
    c.model = std::string(models->ColumnText(1));
    c.dim = static_cast<int>(models->ColumnInt(2));
    has_current = has_current || c.model == current_model;
    rows.emplace_back(models->ColumnInt(0), std::move(c));
  }
  ASSIGN_OR_RETURN(int64_t current,
                   db.QueryInt("SELECT count(*) FROM memories m WHERE " + std::string(kCurrent)));
  for (auto& [id, c] : rows) {
    ASSIGN_OR_RETURN(StatementRef n,
                     db.Prepare("SELECT count(*), count(DISTINCT doc) FROM embeddings "
                                "WHERE model_id = ?1"));
    n->BindInt(1, id);
    ASSIGN_OR_RETURN(bool row, n->Step());
    (void)row;
    c.vectors = n->ColumnInt(0);
    ASSIGN_OR_RETURN(StatementRef e,
                     db.Prepare("SELECT count(*) FROM memories m WHERE " + std::string(kCurrent) +
                                " AND EXISTS(SELECT 1 FROM embeddings x WHERE x.doc = m.doc AND "
                                "x.model_id = ?1)"));
    e->BindInt(1, id);
    ASSIGN_OR_RETURN(bool erow, e->Step());
    (void)erow;
    c.embedded = e->ColumnInt(0);
    c.pending = current - c.embedded;
    out.push_back(std::move(c));
  }
  if (!has_current && !current_model.empty()) {
    EmbeddingCounts c;
    c.model = current_model;
    c.pending = current;
    out.push_back(std::move(c));
  }
  return out;
}

Result<int64_t> DeleteEmbeddings(Connection& db, const std::string& model) {
  ASSIGN_OR_RETURN(std::optional<ModelRow> found, FindModel(db, model));
  if (!found) return int64_t{0};
  ASSIGN_OR_RETURN(StatementRef del, db.Prepare("DELETE FROM embeddings WHERE model_id = ?1"));
  del->BindInt(1, found->id);
  RETURN_IF_ERROR(del->Run());
  int64_t n = db.changes();
  ASSIGN_OR_RETURN(StatementRef bump,
                   db.Prepare("UPDATE embedding_models SET epoch = epoch + 1 WHERE model_id = ?1"));
  bump->BindInt(1, found->id);
  RETURN_IF_ERROR(bump->Run());
  return n;
}

}  // namespace memex::sqlite
