// TokenService: bearer tokens (SPEC §9, docs/auth.md) — create, list, revoke, and turn a
// presented token into a Principal. A token is "mx_" + base64url (no padding) of 32 random
// bytes; only its SHA-256 hex is stored, the plaintext is returned once by Create and is never
// logged or stored.
//
// Thread-safety: safe for concurrent use (the store serialises writes; the last-used cache is
// behind a mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "core/principal.h"
#include "store/store.h"
#include "store/token_record.h"

namespace memex {

// What Create returns: the stored record and the plaintext token, to be shown to the user once.
struct CreatedToken {
  TokenRecord record;
  std::string token;  // "mx_..."; never store or log it
};

// The prefix of every token; lets secret scanners and the redactor recognise them.
inline constexpr std::string_view kTokenPrefix = "mx_";

// Token names follow the scope-name rule (^[a-z0-9][a-z0-9._-]{0,63}$) and must not look like a
// token id (a UUID), so that `revoke <id|name>` is never ambiguous.
// Errors: kInvalidArgument naming the value.
Status ValidateTokenName(std::string_view name);

// Byte-wise equality whose running time depends only on the lengths, never on where the inputs
// differ (for comparing secrets and their hashes).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

class TokenService {
 public:
  // Borrows `store` and `clock`, which must outlive the service.
  TokenService(Store& store, const Clock& clock);

  // Creates a token. `scopes`: at least one pattern (core/principal.h ValidateScopePattern);
  // duplicates are dropped. `expires_ms`: absolute epoch ms, 0 = never; must be in the future.
  // Errors: kInvalidArgument (bad name, bad scope pattern, no scope, expiry in the
  // past); kAlreadyExists (a token with this name exists, revoked ones included); store errors.
  Result<CreatedToken> Create(std::string_view name, Role role,
                              const std::vector<std::string>& scopes, int64_t expires_ms);

  // Every token, revoked and expired ones included, oldest first. Hashes are in the records;
  // front-ends must not show them.
  Result<std::vector<TokenRecord>> List();

  // Revokes the token with this id or name and returns it (revoking twice is OK and keeps the
  // first time). Errors: kNotFound.
  Result<TokenRecord> Revoke(std::string_view id_or_name);

  // The principal a presented token stands for: its name, id, role and scope patterns.
  // Records the token's last use, at most once a minute per token (best effort).
  // Errors: kPermissionDenied "invalid or revoked token" for an unknown, malformed, revoked or
  // expired token (deliberately the same for all); kUnavailable and other store errors as is.
  Result<Principal> Authenticate(std::string_view presented_token);

  // How often Authenticate writes a token's last_used_ms.
  static constexpr int64_t kTouchIntervalMs = 60'000;

 private:
  // Writes last_used_ms unless it was written less than kTouchIntervalMs ago.
  void MaybeTouch(const TokenRecord& t, int64_t now_ms);

  Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, int64_t> last_touch_ms_;  // by token id; guarded by mu_
};

}  // namespace memex
