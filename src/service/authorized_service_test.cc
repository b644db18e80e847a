#include "service/authorized_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

namespace fs = std::filesystem;

const Scope kAX{"a", "x"};
const Scope kAY{"a", "y"};
const Scope kBZ{"b", "z"};

Principal Token(std::string name, Role role, std::vector<std::string> scopes) {
  Principal p;
  p.name = std::move(name);
  p.token_id = "id-" + p.name;
  p.role = role;
  p.scopes = std::move(scopes);
  return p;
}

class AuthorizedServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-authz-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    ax_ = Put("alpha note in ax", kAX);
    ay_ = Put("alpha note in ay", kAY);
    bz_ = Put("alpha note in bz", kBZ);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::string Put(std::string content, Scope scope) {
    RememberRequest r;
    r.memory.scope = std::move(scope);
    r.memory.content = std::move(content);
    auto res = service_->Remember(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? res->id : "";
  }
  static RememberRequest Req(Scope scope) {
    RememberRequest r;
    r.memory.scope = std::move(scope);
    r.memory.content = "new memory";
    return r;
  }
  static RecallRequest Query(SearchFilter f) {
    RecallRequest r;
    r.query = "alpha";
    r.filter = std::move(f);
    return r;
  }
  static SearchFilter In(Scope s) {
    SearchFilter f;
    f.scopes = {std::move(s)};
    return f;
  }
  static SearchFilter Every() {
    SearchFilter f;
    f.all_scopes = true;
    return f;
  }
  int64_t Live() { return service_->Stats(Every())->live; }

  fs::path dir_;
  Config config_;
  SystemClock clock_;
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
  std::string ax_, ay_, bz_;
};

TEST_F(AuthorizedServiceTest, ReadRoleReadsItsScopesAndWritesNothing) {
  AuthorizedService svc(*service_, Token("ro", Role::kRead, {"a/*"}));
  EXPECT_TRUE(svc.Recall(Query(In(kAX))).ok());
  EXPECT_TRUE(svc.Get(ay_).ok());
  EXPECT_EQ(svc.Remember(Req(kAX)).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc.Forget(ax_, false).status().code(), StatusCode::kPermissionDenied);
  UpdateRequest up;
  up.id = ax_;
  up.patch.content = "changed";
  Status st = svc.Update(up).status();
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("token 'ro' (read) may not write to a/x"), std::string::npos)
      << st.message();
  EXPECT_EQ(Live(), 3);  // nothing changed
  EXPECT_EQ(service_->Get(ax_)->version, 1);
}

TEST_F(AuthorizedServiceTest, ScopesOutsideThePatternsAreInvisible) {
  AuthorizedService svc(*service_, Token("ro", Role::kRead, {"a/*"}));
  EXPECT_EQ(svc.Recall(Query(In(kBZ))).status().code(), StatusCode::kPermissionDenied);
  // By id, another scope's memory looks exactly like a missing one.
  EXPECT_EQ(svc.Get(bz_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc.History(bz_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(svc.Links(bz_).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(svc.Links(ax_).ok());
  // "Every scope" is narrowed to the scopes the token covers.
  auto all = svc.Recall(Query(Every()));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->hits.size(), 2u);
  for (const auto& h : all->hits) EXPECT_EQ(h.memory.scope.workspace, "a");
  auto stats = svc.Stats(Every());
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->live, 2);
}

TEST_F(AuthorizedServiceTest, WriteRoleWritesOnlyItsScope) {
  AuthorizedService svc(*service_, Token("w", Role::kWrite, {"a/x"}));
  EXPECT_TRUE(svc.Remember(Req(kAX)).ok());
  EXPECT_EQ(svc.Remember(Req(kAY)).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc.RememberBatch({Req(kAX), Req(kBZ)}).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc.Forget(bz_, false).status().code(), StatusCode::kNotFound);  // not even readable
  EXPECT_TRUE(svc.Forget(ax_, false).ok());
  EXPECT_EQ(svc.Import(*std::make_unique<std::istringstream>(""), {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc.Doctor().status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Live(), 3);  // one added, one forgotten; the batch stored nothing
}

TEST_F(AuthorizedServiceTest, AdminDoesEverything) {
  AuthorizedService svc(*service_, Principal::Local());
  EXPECT_TRUE(svc.Remember(Req(kBZ)).ok());
  EXPECT_EQ(svc.Recall(Query(Every()))->hits.size(), 3u);
  std::istringstream empty("");
  EXPECT_TRUE(svc.Import(empty, {}).ok());
  EXPECT_TRUE(svc.Doctor().ok());
}

TEST_F(AuthorizedServiceTest, NoScopesMeansNothing) {
  AuthorizedService svc(*service_, Token("none", Role::kAdmin, {}));
  EXPECT_EQ(svc.Remember(Req(kAX)).status().code(), StatusCode::kPermissionDenied);
  auto all = svc.Recall(Query(Every()));
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->hits.empty());
}

}  // namespace
}  // namespace memex
