#include "service/token_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "base/ids.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kDay = 86'400'000;

class TokenServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-tokens-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = SqliteStore::Open((dir_ / "t.db").string(), StorageConfig{}, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<TokenService>(*store_, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  CreatedToken MustCreate(const std::string& name, Role role = Role::kRead,
                          std::vector<std::string> scopes = {"acme/*"}, int64_t expires_ms = 0) {
    Result<CreatedToken> c = service_->Create(name, role, scopes, expires_ms);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : CreatedToken{};
  }

  FakeClock clock_{kNow};
  fs::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<TokenService> service_;
};

TEST(TokenHelpers, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(TokenHelpers, ValidatesNames) {
  EXPECT_TRUE(ValidateTokenName("ci-bot.1").ok());
  for (const char* bad : {"", "CI", "a b", "a/b", "0198c3e2-0000-7000-8000-000000000000"}) {
    EXPECT_EQ(ValidateTokenName(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST_F(TokenServiceTest, CreateReturnsAFreshTokenAndStoresOnlyItsHash) {
  CreatedToken a = MustCreate("ci", Role::kWrite, {"acme/*", "acme/*", "beta/api"}, kNow + kDay);
  EXPECT_EQ(a.token.size(), 46u);
  EXPECT_TRUE(a.token.starts_with("mx_"));
  EXPECT_EQ(a.token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 3),
            std::string::npos);
  EXPECT_TRUE(IsUuid(a.record.id));
  EXPECT_EQ(a.record.hash, Sha256Hex(a.token));
  EXPECT_EQ(a.record.scopes, (std::vector<std::string>{"acme/*", "beta/api"}));  // deduplicated
  EXPECT_EQ(a.record.created_ms, kNow);
  EXPECT_EQ(a.record.expires_ms, kNow + kDay);
  CreatedToken b = MustCreate("other");
  EXPECT_NE(a.token, b.token);
  Result<std::vector<TokenRecord>> all = service_->List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], a.record);

  // The plaintext never reaches the database file (nor its WAL).
  store_.reset();
  for (const char* file : {"t.db", "t.db-wal"}) {
    std::ifstream in(dir_ / file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(a.token.substr(3)), std::string::npos) << file;
    EXPECT_EQ(bytes.find(b.token.substr(3)), std::string::npos) << file;
  }
}

TEST_F(TokenServiceTest, CreateRejectsBadInput) {
  MustCreate("ci");
  struct Case {
    std::string name;
    std::vector<std::string> scopes;
    int64_t expires_ms;
    StatusCode want;
  };
  for (const Case& c : {
           Case{"ci", {"acme/*"}, 0, StatusCode::kAlreadyExists},
           Case{"Bad Name", {"acme/*"}, 0, StatusCode::kInvalidArgument},
           Case{"x", {}, 0, StatusCode::kInvalidArgument},
           Case{"x", {"acme"}, 0, StatusCode::kInvalidArgument},
           Case{"x", {"*/api"}, 0, StatusCode::kInvalidArgument},
           Case{"x", {"acme/*"}, kNow, StatusCode::kInvalidArgument},
           Case{"x", {"acme/*"}, -1, StatusCode::kInvalidArgument},
       }) {
    Result<CreatedToken> r = service_->Create(c.name, Role::kRead, c.scopes, c.expires_ms);
    EXPECT_EQ(r.status().code(), c.want) << c.name << " " << r.status().ToString();
  }
  EXPECT_EQ(service_->List()->size(), 1u);
}

TEST_F(TokenServiceTest, AuthenticateYieldsThePrincipal) {
  CreatedToken a = MustCreate("ci", Role::kWrite, {"acme/*"});
  Result<Principal> p = service_->Authenticate(a.token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "ci");
  EXPECT_EQ(p->token_id, a.record.id);
  EXPECT_EQ(p->role, Role::kWrite);
  EXPECT_EQ(p->scopes, (std::vector<std::string>{"acme/*"}));
  EXPECT_TRUE(p->MayWrite({"acme", "api"}).ok());
  EXPECT_EQ(p->MayRead({"beta", "api"}).code(), StatusCode::kPermissionDenied);
}

TEST_F(TokenServiceTest, AuthenticateRefusesEverythingElseTheSameWay) {
  CreatedToken live = MustCreate("live");
  CreatedToken revoked = MustCreate("revoked");
  CreatedToken expiring = MustCreate("expiring", Role::kRead, {"*"}, kNow + kDay);
  ASSERT_TRUE(service_->Revoke("revoked").ok());
  clock_.Advance(kDay);
  std::string flipped = live.token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {revoked.token, expiring.token, flipped, std::string(), std::string("mx_short"),
        live.token + "x", live.token.substr(3), live.record.hash}) {
    Result<Principal> p = service_->Authenticate(bad);
    EXPECT_EQ(p.status().code(), StatusCode::kPermissionDenied) << bad;
    EXPECT_EQ(p.status().message(), "invalid or revoked token") << bad;
  }
  EXPECT_TRUE(service_->Authenticate(live.token).ok());
}

TEST_F(TokenServiceTest, RevokeByIdOrName) {
  CreatedToken a = MustCreate("a");
  CreatedToken b = MustCreate("b");
  clock_.Advance(5);
  Result<TokenRecord> r = service_->Revoke(a.record.id);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "a");
  EXPECT_EQ(r->revoked_ms, kNow + 5);
  r = service_->Revoke("b");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, b.record.id);
  EXPECT_EQ(service_->Revoke("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Revoke("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->Authenticate(a.token).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(TokenServiceTest, LastUseIsWrittenAtMostOnceAMinute) {
  CreatedToken a = MustCreate("ci");
  auto last_used = [&] { return store_->FindTokenByHash(a.record.hash)->last_used_ms; };
  ASSERT_TRUE(service_->Authenticate(a.token).ok());
  EXPECT_EQ(last_used(), kNow);
  clock_.Advance(59'000);
  ASSERT_TRUE(service_->Authenticate(a.token).ok());
  EXPECT_EQ(last_used(), kNow);  // within the minute: no write
  clock_.Advance(1'000);
  ASSERT_TRUE(service_->Authenticate(a.token).ok());
  EXPECT_EQ(last_used(), kNow + 60'000);
  // A second service (another process) sees the stored time and does not write either.
  TokenService other(*store_, clock_);
  clock_.Advance(30'000);
  ASSERT_TRUE(other.Authenticate(a.token).ok());
  EXPECT_EQ(last_used(), kNow + 60'000);
}

}  // namespace
}  // namespace memex
