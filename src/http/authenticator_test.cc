#include "http/authenticator.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "store/sqlite/sqlite_store.h"

namespace memex::http {
namespace {

namespace fs = std::filesystem;

class FakeClock final : public Clock {
 public:
  int64_t NowMs() const override { return now; }
  int64_t now = 1'800'000'000'000;
};

Request WithHeaders(std::map<std::string, std::string> headers) {
  Request r;
  r.header = [headers](std::string_view name) {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string() : it->second;
  };
  r.param = [](std::string_view) { return std::string(); };
  return r;
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-authn-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = SqliteStore::Open((dir_ / "m.db").string(), StorageConfig{}, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    tokens_ = std::make_unique<TokenService>(*store_, clock_);
    auto created = tokens_->Create("ci", Role::kRead, {"acme/*"}, 0);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    token_ = created->token;
  }
  void TearDown() override {
    tokens_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  std::unique_ptr<Authenticator> Make(AuthConfig auth, ServerConfig server = {}) {
    auto a = Authenticator::Create(auth, server, tokens_.get(), clock_);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(a).value() : nullptr;
  }
  static int StatusOf(const std::variant<Principal, Reply>& v) {
    return std::holds_alternative<Reply>(v) ? std::get<Reply>(v).status : 200;
  }

  fs::path dir_;
  FakeClock clock_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<TokenService> tokens_;
  std::string token_;
};

TEST_F(AuthenticatorTest, ModeNoneIsTheLocalAdmin) {
  auto a = Make({});
  auto v = a->Authenticate(WithHeaders({}), "127.0.0.1");
  ASSERT_EQ(StatusOf(v), 200);
  EXPECT_EQ(std::get<Principal>(v).role, Role::kAdmin);
  EXPECT_TRUE(a->open());
}

TEST_F(AuthenticatorTest, BearerAcceptsOnlyAValidToken) {
  AuthConfig auth;
  auth.mode = "bearer";
  auto a = Make(auth);
  auto ok = a->Authenticate(WithHeaders({{"Authorization", "Bearer " + token_}}), "10.0.0.9");
  ASSERT_EQ(StatusOf(ok), 200);
  const Principal& p = std::get<Principal>(ok);
  EXPECT_EQ(p.name, "ci");
  EXPECT_EQ(p.role, Role::kRead);
  EXPECT_EQ(p.scopes, std::vector<std::string>{"acme/*"});
  EXPECT_EQ(StatusOf(a->Authenticate(WithHeaders({{"Authorization", "bearer  " + token_}}), "")),
            200);  // the scheme is case-insensitive

  auto missing = a->Authenticate(WithHeaders({}), "127.0.0.1");
  ASSERT_EQ(StatusOf(missing), 401);
  const Reply& r = std::get<Reply>(missing);
  EXPECT_NE(r.body.find("\"unauthenticated\""), std::string::npos);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(StatusOf(a->Authenticate(WithHeaders({{"Authorization", "Basic abc"}}), "")), 401);
  std::string wrong = token_;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(StatusOf(a->Authenticate(WithHeaders({{"Authorization", "Bearer " + wrong}}), "")),
            401);
  ASSERT_TRUE(tokens_->Revoke("ci").ok());
  EXPECT_EQ(StatusOf(a->Authenticate(WithHeaders({{"Authorization", "Bearer " + token_}}), "")),
            401);
}

TEST_F(AuthenticatorTest, TrustedHeaderOnlyFromTrustedProxies) {
  AuthConfig auth;
  auth.mode = "trusted_header";
  auth.trusted_proxies = {"10.0.0.1"};
  auth.trusted_role = "read";
  auth.trusted_scopes = {"team/*"};
  auto a = Make(auth);
  auto ok = a->Authenticate(WithHeaders({{"X-Forwarded-User", "alice"}}), "10.0.0.1");
  ASSERT_EQ(StatusOf(ok), 200);
  EXPECT_EQ(std::get<Principal>(ok).name, "alice");
  EXPECT_EQ(std::get<Principal>(ok).role, Role::kRead);
  EXPECT_EQ(StatusOf(a->Authenticate(WithHeaders({{"X-Forwarded-User", "alice"}}), "10.0.0.2")),
            401);
  EXPECT_EQ(StatusOf(a->Authenticate(WithHeaders({}), "10.0.0.1")), 401);
  EXPECT_EQ(StatusOf(a->Authenticate(WithHeaders({{"X-Forwarded-User", "a\nb"}}), "10.0.0.1")),
            401);
}

TEST_F(AuthenticatorTest, RateLimitsEachPrincipalWithABucket) {
  AuthConfig auth;
  auth.mode = "bearer";
  ServerConfig server;
  server.rate_limit_per_sec = 10;
  server.rate_limit_burst = 3;
  auto a = Make(auth, server);
  Request req = WithHeaders({{"Authorization", "Bearer " + token_}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(StatusOf(a->Authenticate(req, "")), 200) << i;
  auto over = a->Authenticate(req, "");
  ASSERT_EQ(StatusOf(over), 429);
  EXPECT_NE(std::get<Reply>(over).body.find("rate_limited"), std::string::npos);
  clock_.now += 100;  // one request's worth refilled at 10/s
  EXPECT_EQ(StatusOf(a->Authenticate(req, "")), 200);
  EXPECT_EQ(StatusOf(a->Authenticate(req, "")), 429);
}

TEST_F(AuthenticatorTest, RejectsBadConfigurations) {
  AuthConfig auth;
  auth.mode = "bearer";
  EXPECT_FALSE(Authenticator::Create(auth, {}, nullptr, clock_).ok());
  auth.mode = "trusted_header";
  auth.trusted_scopes = {"not a pattern"};
  EXPECT_FALSE(Authenticator::Create(auth, {}, nullptr, clock_).ok());
}

}  // namespace
}  // namespace memex::http
