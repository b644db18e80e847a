// The token part of the Store contract (store/store.h, "Bearer tokens"). A separate suite from
// store_contract_test.h because the token methods have kUnimplemented defaults: an
// implementation instantiates this suite once it keeps tokens, e.g.
//
//   #include "store/store_token_contract_test.h"
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTokenContractTest,
//                            ::testing::Values(TokenStoreFactory{"sqlite", MakeStore}),
//                            store_token_contract::FactoryName);
//
// Include it in exactly one test source per implementation.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "store/store.h"

namespace memex::store_token_contract {

// Makes an empty store that reads time from `clock` (which outlives it).
struct TokenStoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>(const Clock& clock)> make;
};

inline std::string FactoryName(const ::testing::TestParamInfo<TokenStoreFactory>& info) {
  return info.param.name;
}
inline void PrintTo(const TokenStoreFactory& factory, std::ostream* os) { *os << factory.name; }

inline constexpr int64_t kT0 = 1'700'000'000'000;

class StoreTokenContractTest : public ::testing::TestWithParam<TokenStoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make(clock_);
    ASSERT_NE(store_, nullptr);
  }

  TokenRecord Token(const std::string& name, Role role = Role::kRead,
                    std::vector<std::string> scopes = {"ws/*"}) {
    TokenRecord t;
    t.id = NewUuidV7(clock_.NowMs());
    t.name = name;
    t.hash = Sha256Hex("mx_plaintext_" + name);
    t.role = role;
    t.scopes = std::move(scopes);
    t.created_ms = clock_.NowMs();
    clock_.Advance(1000);
    return t;
  }

  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTokenContractTest, CreateListAndFindRoundTripEveryField) {
  TokenRecord a = Token("ci", Role::kWrite, {"acme/*", "beta/api"});
  a.expires_ms = kT0 + 86'400'000;
  TokenRecord b = Token("admin-bot", Role::kAdmin, {"*"});
  TokenRecord c = Token("nothing", Role::kRead, {});
  for (const TokenRecord* t : {&a, &b, &c}) {
    Status st = store_->CreateToken(*t);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  Result<std::vector<TokenRecord>> all = store_->ListTokens();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, (std::vector<TokenRecord>{a, b, c}));  // oldest first
  Result<TokenRecord> found = store_->FindTokenByHash(b.hash);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, b);
  EXPECT_EQ(store_->FindTokenByHash(Sha256Hex("other")).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTokenContractTest, CreateRefusesClashesAndEmptyFields) {
  TokenRecord a = Token("ci");
  ASSERT_TRUE(store_->CreateToken(a).ok());
  TokenRecord same_name = Token("ci");
  Status st = store_->CreateToken(same_name);
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(st.message().find("'ci'"), std::string::npos) << st.message();
  TokenRecord same_hash = Token("other");
  same_hash.hash = a.hash;
  EXPECT_EQ(store_->CreateToken(same_hash).code(), StatusCode::kAlreadyExists);
  TokenRecord same_id = Token("third");
  same_id.id = a.id;
  EXPECT_EQ(store_->CreateToken(same_id).code(), StatusCode::kAlreadyExists);
  TokenRecord no_hash = Token("fourth");
  no_hash.hash.clear();
  EXPECT_EQ(store_->CreateToken(no_hash).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListTokens()->size(), 1u);
}

TEST_P(StoreTokenContractTest, RevokeByIdOrNameKeepsTheFirstTime) {
  TokenRecord a = Token("ci");
  TokenRecord b = Token("deploy");
  ASSERT_TRUE(store_->CreateToken(a).ok());
  ASSERT_TRUE(store_->CreateToken(b).ok());
  Result<TokenRecord> r = store_->RevokeToken("ci", kT0 + 5000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, a.id);
  EXPECT_EQ(r->revoked_ms, kT0 + 5000);
  r = store_->RevokeToken(b.id, kT0 + 6000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->name, "deploy");
  r = store_->RevokeToken(a.id, kT0 + 9000);  // again: unchanged
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->revoked_ms, kT0 + 5000);
  EXPECT_EQ(store_->FindTokenByHash(a.hash)->revoked_ms, kT0 + 5000);  // still found
  EXPECT_EQ(store_->RevokeToken("nope", kT0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListTokens()->size(), 2u);  // revoked tokens are kept
}

TEST_P(StoreTokenContractTest, TouchOnlyRaisesLastUsed) {
  TokenRecord a = Token("ci");
  ASSERT_TRUE(store_->CreateToken(a).ok());
  EXPECT_EQ(store_->FindTokenByHash(a.hash)->last_used_ms, 0);
  ASSERT_TRUE(store_->TouchToken(a.id, kT0 + 60'000).ok());
  EXPECT_EQ(store_->FindTokenByHash(a.hash)->last_used_ms, kT0 + 60'000);
  ASSERT_TRUE(store_->TouchToken(a.id, kT0 + 1).ok());
  EXPECT_EQ(store_->FindTokenByHash(a.hash)->last_used_ms, kT0 + 60'000);
  EXPECT_EQ(store_->TouchToken(NewUuidV7(kT0), kT0).code(), StatusCode::kNotFound);
}

}  // namespace memex::store_token_contract
