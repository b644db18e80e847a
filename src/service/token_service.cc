#include "service/token_service.h"

#include <algorithm>

#include "base/ids.h"
#include "base/log.h"

namespace memex {
namespace {

constexpr size_t kTokenBytes = 32;
// "mx_" + 43 base64url characters (32 bytes, no padding).
constexpr size_t kTokenLength = kTokenPrefix.size() + (kTokenBytes * 4 + 2) / 3;

Status Invalid() { return PermissionDenied("invalid or revoked token"); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return 0;  // RandomHex only returns lowercase hex
}

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t v = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

// 32 bytes from OpenSSL's CSPRNG (via base/ids.h: only base/ may include OpenSSL).
std::string NewPlaintextToken() {
  std::string hex = RandomHex(kTokenBytes);
  std::string bytes(kTokenBytes, '\0');
  for (size_t i = 0; i < kTokenBytes; ++i) {
    bytes[i] = static_cast<char>(HexValue(hex[2 * i]) << 4 | HexValue(hex[2 * i + 1]));
  }
  return std::string(kTokenPrefix) + Base64Url(bytes);
}

bool WellFormed(std::string_view token) {
  if (token.size() != kTokenLength || !token.starts_with(kTokenPrefix)) return false;
  return std::all_of(token.begin() + kTokenPrefix.size(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

}  // namespace

Status ValidateTokenName(std::string_view name) {
  RETURN_IF_ERROR(ValidateScopeName(name, "token name"));
  if (IsUuid(name)) {
    return InvalidArgument("invalid token name '" + std::string(name) +
                           "': it looks like a token id");
  }
  return Status::Ok();
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // lengths are not secret (hashes are 64 hex chars)
  volatile unsigned char diff = 0;  // volatile: keeps the compiler from exiting the loop early
  for (size_t i = 0; i < a.size(); ++i) {
    diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

TokenService::TokenService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<CreatedToken> TokenService::Create(std::string_view name, Role role,
                                          const std::vector<std::string>& scopes,
                                          int64_t expires_ms) {
  RETURN_IF_ERROR(ValidateTokenName(name));
  if (scopes.empty()) {
    return InvalidArgument("a token needs at least one scope pattern (*, ws/* or ws/project)");
  }
  std::vector<std::string> unique;
  for (const std::string& s : scopes) {
    RETURN_IF_ERROR(ValidateScopePattern(s));
    if (std::find(unique.begin(), unique.end(), s) == unique.end()) unique.push_back(s);
  }
  const int64_t now_ms = clock_.NowMs();
  if (expires_ms < 0 || (expires_ms != 0 && expires_ms <= now_ms)) {
    return InvalidArgument("the token's expiry must be in the future");
  }
  CreatedToken created;
  created.token = NewPlaintextToken();
  TokenRecord& t = created.record;
  t.id = NewUuidV7(now_ms);
  t.name = std::string(name);
  t.hash = Sha256Hex(created.token);
  t.role = role;
  t.scopes = std::move(unique);
  t.created_ms = now_ms;
  t.expires_ms = expires_ms;
  RETURN_IF_ERROR(store_.CreateToken(t));
  LogInfo("created token '" + t.name + "' (" + std::string(RoleName(role)) + ", id " + t.id + ")");
  return created;
}

Result<std::vector<TokenRecord>> TokenService::List() { return store_.ListTokens(); }

Result<TokenRecord> TokenService::Revoke(std::string_view id_or_name) {
  if (id_or_name.empty()) return InvalidArgument("name the token to revoke by id or name");
  ASSIGN_OR_RETURN(TokenRecord t, store_.RevokeToken(std::string(id_or_name), clock_.NowMs()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_touch_ms_.erase(t.id);
  }
  LogInfo("revoked token '" + t.name + "' (id " + t.id + ")");
  return t;
}

Result<Principal> TokenService::Authenticate(std::string_view presented_token) {
  // A malformed token is refused before any lookup, with the same answer as an unknown one.
  if (!WellFormed(presented_token)) return Invalid();
  const std::string hash = Sha256Hex(presented_token);
  Result<TokenRecord> found = store_.FindTokenByHash(hash);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) return Invalid();
    return found.status();
  }
  const TokenRecord& t = *found;
  // The lookup already matched on the hash; this constant-time check is what decides, so an
  // engine that matched loosely (collation, prefix) can never let a different token in.
  if (!ConstantTimeEquals(t.hash, hash)) return Invalid();
  const int64_t now_ms = clock_.NowMs();
  if (t.revoked() || t.ExpiredAt(now_ms)) return Invalid();
  MaybeTouch(t, now_ms);
  Principal p;
  p.name = t.name;
  p.token_id = t.id;
  p.role = t.role;
  p.scopes = t.scopes;
  return p;
}

void TokenService::MaybeTouch(const TokenRecord& t, int64_t now_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t& last = last_touch_ms_[t.id];
    last = std::max(last, t.last_used_ms);
    if (now_ms - last < kTouchIntervalMs) return;
    last = now_ms;  // claimed before the write: concurrent requests do not all write
  }
  if (Status st = store_.TouchToken(t.id, now_ms); !st.ok()) {
    // Best effort: a busy database must not fail the request that used the token.
    LogWarn("could not record the use of token '" + t.name + "': " + st.ToString());
  }
}

}  // namespace memex
