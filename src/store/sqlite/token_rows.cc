#include "store/sqlite/token_rows.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace memex::sqlite {
namespace {

constexpr std::string_view kTokenColumns =
    "SELECT id, name, hash, role, scopes, created_ms, last_used_ms, expires_ms, revoked_ms "
    "FROM auth_tokens ";

Result<TokenRecord> ReadToken(const Statement& stmt) {
  TokenRecord t;
  t.id = std::string(stmt.ColumnText(0));
  t.name = std::string(stmt.ColumnText(1));
  t.hash = std::string(stmt.ColumnText(2));
  Result<Role> role = ParseRole(stmt.ColumnText(3));
  if (!role.ok()) return DataLoss("auth token " + t.id + ": " + role.status().message());
  t.role = *role;
  Result<std::vector<std::string>> scopes = DecodeTokenScopes(stmt.ColumnText(4));
  if (!scopes.ok()) return scopes.status().WithContext("auth token " + t.id);
  t.scopes = std::move(scopes).value();
  t.created_ms = stmt.ColumnInt(5);
  t.last_used_ms = stmt.ColumnInt(6);
  t.expires_ms = stmt.ColumnInt(7);
  t.revoked_ms = stmt.ColumnInt(8);
  return t;
}

// The token whose `column` equals `value`, if any.
Result<std::optional<TokenRecord>> SelectOne(Connection& db, std::string_view where,
                                             std::string_view value) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(std::string(kTokenColumns) + std::string(where)));
  stmt->BindText(1, value);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<TokenRecord>();
  ASSIGN_OR_RETURN(TokenRecord t, ReadToken(*stmt));
  return std::optional<TokenRecord>(std::move(t));
}

Result<bool> Exists(Connection& db, std::string_view sql, std::string_view value) {
  ASSIGN_OR_RETURN(StatementRef stmt, db.Prepare(sql));
  stmt->BindText(1, value);
  return stmt->Step();
}

}  // namespace

std::string EncodeTokenScopes(const std::vector<std::string>& scopes) {
  return nlohmann::json(scopes).dump();
}

Result<std::vector<std::string>> DecodeTokenScopes(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return DataLoss("scopes column is not a JSON array");
  std::vector<std::string> out;
  for (const nlohmann::json& item : doc) {
    if (!item.is_string()) return DataLoss("scopes column holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Status InsertToken(Connection& db, const TokenRecord& t) {
  if (t.id.empty() || t.name.empty() || t.hash.empty()) {
    return InvalidArgument("a token needs an id, a name and a hash");
  }
  // Checked first so that the caller gets kAlreadyExists naming the clash, not a constraint
  // error; the UNIQUE indexes still guard against a race with another process.
  ASSIGN_OR_RETURN(bool name_taken,
                   Exists(db, "SELECT 1 FROM auth_tokens WHERE name = ?1", t.name));
  if (name_taken) return AlreadyExists("a token named '" + t.name + "' already exists");
  ASSIGN_OR_RETURN(bool id_taken, Exists(db, "SELECT 1 FROM auth_tokens WHERE id = ?1", t.id));
  if (id_taken) return AlreadyExists("a token with id " + t.id + " already exists");
  ASSIGN_OR_RETURN(bool hash_taken,
                   Exists(db, "SELECT 1 FROM auth_tokens WHERE hash = ?1", t.hash));
  if (hash_taken) return AlreadyExists("a token with the same hash already exists");
  ASSIGN_OR_RETURN(StatementRef ins,
                   db.Prepare("INSERT INTO auth_tokens(id, name, hash, role, scopes, created_ms, "
                              "last_used_ms, expires_ms, revoked_ms) "
                              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  const std::string scopes = EncodeTokenScopes(t.scopes);
  ins->BindText(1, t.id);
  ins->BindText(2, t.name);
  ins->BindText(3, t.hash);
  ins->BindText(4, RoleName(t.role));
  ins->BindText(5, scopes);
  ins->BindInt(6, t.created_ms);
  ins->BindInt(7, t.last_used_ms);
  ins->BindInt(8, t.expires_ms);
  ins->BindInt(9, t.revoked_ms);
  return ins->Run();
}

Result<std::vector<TokenRecord>> SelectTokens(Connection& db) {
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare(std::string(kTokenColumns) + "ORDER BY created_ms, id"));
  std::vector<TokenRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    ASSIGN_OR_RETURN(TokenRecord t, ReadToken(*stmt));
    out.push_back(std::move(t));
  }
  return out;
}

Result<TokenRecord> SelectTokenByHash(Connection& db, std::string_view hash) {
  ASSIGN_OR_RETURN(std::optional<TokenRecord> t, SelectOne(db, "WHERE hash = ?1", hash));
  if (!t) return NotFound("no token with this hash");
  return std::move(*t);
}

Result<TokenRecord> RevokeTokenRow(Connection& db, std::string_view id_or_name, int64_t now_ms) {
  // Token names never look like ids (the service refuses such names), so one lookup serves both.
  ASSIGN_OR_RETURN(
      std::optional<TokenRecord> t,
      SelectOne(db, "WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC LIMIT 1", id_or_name));
  if (!t) return NotFound("no token with id or name '" + std::string(id_or_name) + "'");
  if (t->revoked()) return std::move(*t);
  ASSIGN_OR_RETURN(StatementRef upd,
                   db.Prepare("UPDATE auth_tokens SET revoked_ms = ?2 WHERE id = ?1"));
  upd->BindText(1, t->id);
  upd->BindInt(2, now_ms);
  RETURN_IF_ERROR(upd->Run());
  t->revoked_ms = now_ms;
  return std::move(*t);
}

Status TouchTokenRow(Connection& db, std::string_view id, int64_t now_ms) {
  ASSIGN_OR_RETURN(StatementRef upd,
                   db.Prepare("UPDATE auth_tokens SET last_used_ms = max(last_used_ms, ?2) "
                              "WHERE id = ?1"));
  upd->BindText(1, id);
  upd->BindInt(2, now_ms);
  RETURN_IF_ERROR(upd->Run());
  if (db.changes() == 0) return NotFound("no token with id '" + std::string(id) + "'");
  return Status::Ok();
}

}  // namespace memex::sqlite
