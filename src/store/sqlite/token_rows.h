// The auth_tokens table (migration v2): the SQL behind SqliteStore's token methods. Each
// function runs on a connection the caller has already put inside a transaction (write for the
// mutations, read or write for the queries); contracts as the matching methods of store/store.h.
//
// Thread-safety: as the Connection passed in (one thread at a time).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/sqlite/connection.h"
#include "store/token_record.h"

namespace memex::sqlite {

// Store::CreateToken. Errors: kAlreadyExists naming the clash (name, id or hash);
// kInvalidArgument for an empty id, name or hash.
Status InsertToken(Connection& db, const TokenRecord& t);
// Store::ListTokens: oldest first.
Result<std::vector<TokenRecord>> SelectTokens(Connection& db);
// Store::FindTokenByHash. Errors: kNotFound.
Result<TokenRecord> SelectTokenByHash(Connection& db, std::string_view hash);
// Store::RevokeToken. Errors: kNotFound.
Result<TokenRecord> RevokeTokenRow(Connection& db, std::string_view id_or_name, int64_t now_ms);
// Store::TouchToken. Errors: kNotFound.
Status TouchTokenRow(Connection& db, std::string_view id, int64_t now_ms);

// The scopes column: a JSON array of strings. Errors: kDataLoss for anything else.
std::string EncodeTokenScopes(const std::vector<std::string>& scopes);
Result<std::vector<std::string>> DecodeTokenScopes(std::string_view json);

}  // namespace memex::sqlite
