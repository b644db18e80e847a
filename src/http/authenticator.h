// Authenticator: who is calling the server (SPEC §9, docs/auth.md). Every route except /health
// asks it first; the Principal it returns travels with the request down to the service layer
// (service/authorized_service.h), which checks role and scope for every interface alike.
//
// Modes (config [auth] mode):
//   none            every caller is Principal::Local() (admin over every scope). HttpServer
//                   refuses to bind a non-loopback address in this mode.
//   bearer          `Authorization: Bearer <token>`, a token from `memex token create`, checked
//                   by service/token_service.h (SHA-256 at rest, constant-time comparison).
//   trusted_header  a reverse proxy at one of auth.trusted_proxies names the user in
//                   auth.trusted_header; the user gets auth.trusted_role over auth.trusted_scopes.
// Failures answer 401 `unauthenticated` with `WWW-Authenticate: Bearer realm="memex"`, never
// saying whether a token exists. Authenticated principals are rate limited per principal
// (server.rate_limit_per_sec, token bucket): over the limit answers 429 `rate_limited` with
// `Retry-After`.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "core/principal.h"
#include "http/http_types.h"
#include "service/token_service.h"

namespace memex::http {

class Authenticator {
 public:
  // `tokens` is borrowed and required when auth.mode is "bearer" (may be null otherwise).
  // Errors: kInvalidArgument for a bad trusted_role or a bearer mode without a token service.
  static Result<std::unique_ptr<Authenticator>> Create(const AuthConfig& auth,
                                                       const ServerConfig& server,
                                                       TokenService* tokens, const Clock& clock);

  // The caller of `request`, which arrived from peer address `remote_addr`, or the error reply
  // to send instead (401, 429, or 503 when the token store is unavailable).
  std::variant<Principal, Reply> Authenticate(const Request& request,
                                              std::string_view remote_addr) const;

  // True in mode "none" (no credentials are asked for).
  bool open() const { return mode_ == Mode::kNone; }

 private:
  enum class Mode { kNone, kBearer, kTrustedHeader };
  struct Bucket {
    double tokens = 0;
    int64_t refilled_ms = 0;
  };
  Authenticator(Mode mode, const AuthConfig& auth, const ServerConfig& server, Role trusted_role,
                TokenService* tokens, const Clock& clock);
  // False when `key` has used up its rate.
  bool Admit(const std::string& key) const;

  const Mode mode_;
  const AuthConfig auth_;
  const int rate_per_sec_;
  const int burst_;
  const Role trusted_role_;
  TokenService* const tokens_;
  const Clock& clock_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace memex::http
