// TokenRecord: one bearer token as the store keeps it (SPEC §9, docs/auth.md). The plaintext
// token is never part of it: only its SHA-256 hex. service/token_service.h creates, checks and
// revokes tokens; the store only persists these rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/principal.h"

namespace memex {

struct TokenRecord {
  std::string id;    // UUIDv7 (base/ids.h)
  std::string name;  // unique among all tokens, revoked ones included
  std::string hash;  // lowercase SHA-256 hex of the plaintext token; unique
  Role role = Role::kRead;
  std::vector<std::string> scopes;  // scope patterns (core/principal.h); empty = no scope
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;  // 0 = never used
  int64_t expires_ms = 0;    // 0 = never expires
  int64_t revoked_ms = 0;    // 0 = active

  bool revoked() const { return revoked_ms != 0; }
  // True when the token has an expiry and `now_ms` is at or past it.
  bool ExpiredAt(int64_t now_ms) const { return expires_ms != 0 && now_ms >= expires_ms; }

  friend bool operator==(const TokenRecord&, const TokenRecord&) = default;
};

}  // namespace memex
