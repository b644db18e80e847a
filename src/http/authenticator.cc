#include "http/authenticator.h"

#include <algorithm>

#include "base/text.h"

namespace memex::http {
namespace {

constexpr size_t kMaxUserBytes = 256;
constexpr size_t kMaxBuckets = 100000;  // principals tracked at once; beyond, all start afresh

Reply Unauthenticated(std::string_view message) {
  Reply r = ErrorReply(401, "unauthenticated", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"memex\"");
  return r;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The token of an "Authorization: Bearer <token>" value; "" when the value is not one.
std::string_view BearerToken(std::string_view value) {
  value = Trim(value);
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || !IEquals(value.substr(0, kScheme.size()), kScheme) ||
      (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
    return {};
  }
  return Trim(value.substr(kScheme.size() + 1));
}

bool PrintableUser(std::string_view user) {
  if (user.empty() || user.size() > kMaxUserBytes) return false;
  return std::all_of(user.begin(), user.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; });
}

}  // namespace

Result<std::unique_ptr<Authenticator>> Authenticator::Create(const AuthConfig& auth,
                                                             const ServerConfig& server,
                                                             TokenService* tokens,
                                                             const Clock& clock) {
  Mode mode;
  if (auth.mode == "none") {
    mode = Mode::kNone;
  } else if (auth.mode == "bearer") {
    mode = Mode::kBearer;
    if (tokens == nullptr) return InvalidArgument("auth.mode bearer needs the token store");
  } else if (auth.mode == "trusted_header") {
    mode = Mode::kTrustedHeader;
    if (auth.trusted_header.empty()) return InvalidArgument("auth.trusted_header is empty");
  } else {
    return InvalidArgument("auth.mode '" + auth.mode +
                           "' is not one of none, bearer, trusted_header");
  }
  ASSIGN_OR_RETURN(Role role, ParseRole(auth.trusted_role));
  for (const std::string& p : auth.trusted_scopes) RETURN_IF_ERROR(ValidateScopePattern(p));
  return std::unique_ptr<Authenticator>(new Authenticator(mode, auth, server, role, tokens, clock));
}

Authenticator::Authenticator(Mode mode, const AuthConfig& auth, const ServerConfig& server,
                             Role trusted_role, TokenService* tokens, const Clock& clock)
    : mode_(mode),
      auth_(auth),
      rate_per_sec_(server.rate_limit_per_sec),
      burst_(std::max(1, server.rate_limit_burst)),
      trusted_role_(trusted_role),
      tokens_(tokens),
      clock_(clock) {}

std::variant<Principal, Reply> Authenticator::Authenticate(const Request& request,
                                                           std::string_view remote_addr) const {
  Principal who;
  std::string bucket;
  switch (mode_) {
    case Mode::kNone:
      return Principal::Local();
    case Mode::kBearer: {
      const std::string header = request.header("Authorization");
      if (header.empty()) return Unauthenticated("missing Authorization: Bearer <token>");
      const std::string_view token = BearerToken(header);
      if (token.empty()) return Unauthenticated("Authorization must be 'Bearer <token>'");
      Result<Principal> p = tokens_->Authenticate(token);
      if (!p.ok()) {
        if (p.status().code() == StatusCode::kPermissionDenied) {
          return Unauthenticated("invalid or revoked token");
        }
        return ErrorReply(503, "backend_unavailable",
                          "cannot check the token now: " + p.status().message());
      }
      who = std::move(p).value();
      bucket = "token:" + who.token_id;
      break;
    }
    case Mode::kTrustedHeader: {
      const auto& proxies = auth_.trusted_proxies;
      if (std::find(proxies.begin(), proxies.end(), remote_addr) == proxies.end()) {
        return Unauthenticated("requests must come through a trusted proxy");
      }
      const std::string user = std::string(Trim(request.header(auth_.trusted_header)));
      if (!PrintableUser(user)) {
        return Unauthenticated("the proxy sent no valid " + auth_.trusted_header + " header");
      }
      who.name = user;
      who.role = trusted_role_;
      who.scopes = auth_.trusted_scopes;
      bucket = "user:" + user;
      break;
    }
  }
  if (!Admit(bucket)) {
    Reply r = ErrorReply(
        429, "rate_limited",
        who.Describe() + " is over " + std::to_string(rate_per_sec_) + " requests per second");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  return who;
}

bool Authenticator::Admit(const std::string& key) const {
  if (rate_per_sec_ <= 0) return true;
  const int64_t now = clock_.NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= kMaxBuckets && !buckets_.contains(key)) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = static_cast<double>(std::max<int64_t>(0, now - b.refilled_ms));
    b.tokens = std::min(static_cast<double>(burst_),
                        b.tokens + elapsed * static_cast<double>(rate_per_sec_) / 1000.0);
    b.refilled_ms = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace memex::http
