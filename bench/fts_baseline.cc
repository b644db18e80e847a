#include "fts_baseline.h"

#include <sqlite3.h>

#include <algorithm>

namespace memex::bench {
namespace {

using StmtPtr = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

std::string TableName(int conv) { return "conv" + std::to_string(conv); }

Status SqlError(sqlite3* db, const std::string& what) {
  return Internal(what + ": " + sqlite3_errmsg(db));
}

Result<StmtPtr> Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqlError(db, "prepare " + sql);
  }
  return StmtPtr(raw, &sqlite3_finalize);
}

Status Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Internal(sql + ": " + msg);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FtsBaseline>> FtsBaseline::Create() {
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Internal("sqlite3_open(:memory:): " + msg);
  }
  auto baseline = std::make_unique<FtsBaseline>(Key{}, db);
  RETURN_IF_ERROR(Exec(db, "CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='unicode61')"));
  RETURN_IF_ERROR(Exec(db, "DROP TABLE probe"));
  return baseline;
}

FtsBaseline::FtsBaseline(Key, sqlite3* db) : db_(db) {}

FtsBaseline::~FtsBaseline() { sqlite3_close(db_); }

Status FtsBaseline::AddConversation(int conv, const std::vector<std::string>& docs) {
  const std::string table = TableName(conv);
  RETURN_IF_ERROR(
      Exec(db_, "CREATE VIRTUAL TABLE " + table + " USING fts5(content, tokenize='unicode61')"));
  RETURN_IF_ERROR(Exec(db_, "BEGIN"));
  ASSIGN_OR_RETURN(StmtPtr insert,
                   Prepare(db_, "INSERT INTO " + table + "(rowid, content) VALUES (?, ?)"));
  for (size_t i = 0; i < docs.size(); ++i) {
    sqlite3_bind_int64(insert.get(), 1, static_cast<sqlite3_int64>(i));
    sqlite3_bind_text(insert.get(), 2, docs[i].data(), static_cast<int>(docs[i].size()),
                      SQLITE_STATIC);
    if (sqlite3_step(insert.get()) != SQLITE_DONE) return SqlError(db_, "insert into " + table);
    sqlite3_reset(insert.get());
  }
  return Exec(db_, "COMMIT");
}

std::string FtsBaseline::MatchExpression(std::string_view question) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && std::find(words.begin(), words.end(), cur) == words.end()) {
      words.push_back(cur);
    }
    cur.clear();
  };
  for (char ch : question) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
      cur += ch;
    } else if (c >= 'A' && c <= 'Z') {
      cur += static_cast<char>(c - 'A' + 'a');
    } else {
      flush();
    }
  }
  flush();
  std::string expr;
  for (const auto& w : words) {
    if (!expr.empty()) expr += " OR ";
    expr += '"' + w + '"';  // words hold no '"', so quoting needs no escaping
  }
  return expr;
}

Result<std::vector<int64_t>> FtsBaseline::Search(int conv, std::string_view question, int limit) {
  std::vector<int64_t> rows;
  std::string expr = MatchExpression(question);
  if (expr.empty()) return rows;
  const std::string table = TableName(conv);
  ASSIGN_OR_RETURN(StmtPtr stmt, Prepare(db_, "SELECT rowid FROM " + table + " WHERE " + table +
                                                  " MATCH ? ORDER BY rank LIMIT ?"));
  sqlite3_bind_text(stmt.get(), 1, expr.data(), static_cast<int>(expr.size()), SQLITE_STATIC);
  sqlite3_bind_int(stmt.get(), 2, limit);
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    rows.push_back(sqlite3_column_int64(stmt.get(), 0));
  }
  if (rc != SQLITE_DONE) return SqlError(db_, "search " + table);
  return rows;
}

}  // namespace memex::bench
