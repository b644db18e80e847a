// Bearer tokens (SPEC §9, docs/auth.md): `memex token create | list | revoke`. The plaintext
// token is printed once by create and never again: list shows neither tokens nor hashes.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/time_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/session.h"
#include "core/principal.h"
#include "service/token_service.h"

namespace memex::cli {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxExpiryDays = 36'500;

Json TimeOrNull(int64_t ms) { return ms == 0 ? Json(nullptr) : Json(FormatRfc3339Ms(ms)); }

std::string_view TokenState(const TokenRecord& t, int64_t now_ms) {
  if (t.revoked()) return "revoked";
  if (t.ExpiredAt(now_ms)) return "expired";
  return "active";
}

// Never includes the hash: nothing a front-end prints helps anyone guess a token.
Json TokenJson(const TokenRecord& t, int64_t now_ms) {
  return Json{{"id", t.id},
              {"name", t.name},
              {"role", RoleName(t.role)},
              {"scopes", t.scopes},
              {"state", TokenState(t, now_ms)},
              {"created_at", FormatRfc3339Ms(t.created_ms)},
              {"last_used_at", TimeOrNull(t.last_used_ms)},
              {"expires_at", TimeOrNull(t.expires_ms)},
              {"revoked_at", TimeOrNull(t.revoked_ms)}};
}

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& s : scopes) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "(none)" : out;
}

class TokenCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"action ACTION", "create | list | revoke", &action_, /*required=*/true},
        {"args ID|NAME", "revoke: the token's id or name", &args_},
        {"--name NAME", "create: the token's name (unique; like a scope name)", &name_},
        {"--role ROLE", "create: read | write | admin (default read)", &role_},
        {"--scope PATTERN",
         "create: *, WS/* or WS/PROJECT; repeatable (default: the current scope)", &scopes_},
        {"--expires DAYS", "create: expire after this many days (default: never)", &expires_days_},
    };
  }

  Status Validate() override {
    const bool create_flags =
        !name_.empty() || !role_.empty() || !scopes_.empty() || expires_days_.has_value();
    if (action_ == "create") {
      if (!args_.empty()) return InvalidArgument("token create takes no arguments; use --name");
      if (name_.empty()) return InvalidArgument("token create needs --name NAME");
      RETURN_IF_ERROR(ValidateTokenName(name_).WithContext("--name"));
      Result<Role> role = ParseRole(role_.empty() ? "read" : role_);
      if (!role.ok()) return role.status().WithContext("--role");
      for (const std::string& s : scopes_) {
        RETURN_IF_ERROR(ValidateScopePattern(s).WithContext("--scope"));
      }
      if (expires_days_ && (*expires_days_ < 1 || *expires_days_ > kMaxExpiryDays)) {
        return InvalidArgument("--expires must be between 1 and " + std::to_string(kMaxExpiryDays) +
                               " days");
      }
      return Status::Ok();
    }
    if (action_ == "list" || action_ == "revoke") {
      if (create_flags) {
        return InvalidArgument("--name, --role, --scope and --expires only apply to token create");
      }
      if (action_ == "list" && !args_.empty()) {
        return InvalidArgument("token list takes no arguments");
      }
      if (action_ == "revoke" && args_.size() != 1) {
        return InvalidArgument("token revoke takes exactly one token id or name");
      }
      return Status::Ok();
    }
    return InvalidArgument("unknown token action '" + action_ +
                           "' (expected create, list or revoke)");
  }

  Status Run(Session& session) override {
    if (action_ == "create") return Create(session);
    if (action_ == "list") return List(session);
    return Revoke(session);
  }

 private:
  Status Create(Session& session) {
    std::vector<std::string> scopes = scopes_;
    if (scopes.empty()) {
      ASSIGN_OR_RETURN(ResolvedScope scope, session.GetScope());
      scopes.push_back(scope.scope.ToString());
    }
    ASSIGN_OR_RETURN(Role role, ParseRole(role_.empty() ? "read" : role_));
    const int64_t expires_ms = expires_days_ ? session.NowMs() + *expires_days_ * kDayMs : 0;
    ASSIGN_OR_RETURN(TokenService * service, session.GetTokens());
    ASSIGN_OR_RETURN(CreatedToken created, service->Create(name_, role, scopes, expires_ms));
    Output& out = session.output();
    if (out.json()) {
      Json doc = TokenJson(created.record, session.NowMs());
      doc["token"] = created.token;
      out.PrintJson(doc);
    } else {
      out.out() << created.token << '\n';
    }
    out.Warning("token '" + created.record.name + "' (" +
                std::string(RoleName(created.record.role)) + " on " +
                JoinScopes(created.record.scopes) +
                ") is shown only this once; store it now, it cannot be retrieved again");
    return Status::Ok();
  }

  Status List(Session& session) {
    ASSIGN_OR_RETURN(TokenService * service, session.GetTokens());
    ASSIGN_OR_RETURN(std::vector<TokenRecord> tokens, service->List());
    const int64_t now_ms = session.NowMs();
    Output& out = session.output();
    if (out.json()) {
      Json list = Json::array();
      for (const TokenRecord& t : tokens) list.push_back(TokenJson(t, now_ms));
      out.PrintJson(Json{{"tokens", std::move(list)}});
      return Status::Ok();
    }
    if (tokens.empty()) {
      out.Note("no tokens; create one with 'memex token create --name NAME --role read'");
      return Status::Ok();
    }
    std::vector<std::vector<std::string>> rows = {
        {"ID", "NAME", "ROLE", "SCOPES", "CREATED", "LAST USED", "EXPIRES", "REVOKED"}};
    for (const TokenRecord& t : tokens) {
      rows.push_back({t.id, t.name, std::string(RoleName(t.role)), JoinScopes(t.scopes),
                      FormatAge(now_ms, t.created_ms), FormatAge(now_ms, t.last_used_ms),
                      t.ExpiredAt(now_ms) ? "expired " + FormatAge(now_ms, t.expires_ms)
                                          : FormatAge(now_ms, t.expires_ms),
                      t.revoked() ? FormatAge(now_ms, t.revoked_ms) : "-"});
    }
    out.out() << FormatTable(rows);
    return Status::Ok();
  }

  Status Revoke(Session& session) {
    ASSIGN_OR_RETURN(TokenService * service, session.GetTokens());
    const int64_t now_ms = session.NowMs();
    ASSIGN_OR_RETURN(TokenRecord t, service->Revoke(args_.front()));
    Output& out = session.output();
    const bool already = t.revoked_ms != now_ms;
    if (out.json()) {
      Json doc = TokenJson(t, now_ms);
      doc["already_revoked"] = already;
      out.PrintJson(doc);
    } else {
      out.out() << "Revoked token '" << t.name << "' (" << t.id << ")\n";
      if (already) out.Note("it was already revoked " + FormatAge(now_ms, t.revoked_ms));
    }
    return Status::Ok();
  }

  std::string action_;
  std::vector<std::string> args_;
  std::string name_;
  std::string role_;
  std::vector<std::string> scopes_;
  std::optional<int64_t> expires_days_;
};

}  // namespace

std::unique_ptr<Command> NewTokenCommand() { return std::make_unique<TokenCommand>(); }

}  // namespace memex::cli
