#include "service/memory_service.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kDay = 86400000;
constexpr int64_t kNow = 20000 * kDay;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-service-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    Open(store_, service_, "a.db");
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void Open(std::unique_ptr<SqliteStore>& store, std::unique_ptr<MemoryService>& service,
            const std::string& name) {
    auto s = SqliteStore::Open((dir_ / name).string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
    service = std::make_unique<MemoryService>(*store, config_, clock_, *redactor_);
  }

  RememberRequest Req(std::string content, Scope scope = {"ws", "p"}) {
    RememberRequest r;
    r.memory.scope = std::move(scope);
    r.memory.content = std::move(content);
    return r;
  }

  std::string Put(std::string content, Scope scope = {"ws", "p"}) {
    auto r = service_->Remember(Req(std::move(content), std::move(scope)));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : "";
  }

  RecallResponse Recall(std::string q, SearchFilter f = {}) {
    if (f.scopes.empty() && !f.all_scopes) f.scopes = {{"ws", "p"}};
    RecallRequest req;
    req.query = std::move(q);
    req.filter = std::move(f);
    req.explain = true;
    auto r = service_->Recall(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : RecallResponse{};
  }

  std::string ExportAll(MemoryService& s) {
    std::ostringstream out;
    SearchFilter f;
    f.all_scopes = true;
    EXPECT_TRUE(s.Export(f, out).ok());
    return out.str();
  }

  fs::path dir_;
  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
};

TEST_F(ServiceTest, BadInputIsRejectedAndChangesNothing) {
  config_.limits.max_content_bytes = 100;
  struct Case {
    std::string content;
    std::vector<std::string> tags;
    Scope scope;
    std::string want;
  } cases[] = {
      {"", {}, {"ws", "p"}, "empty"},
      {"  \n\t", {}, {"ws", "p"}, "empty"},
      {std::string(101, 'x'), {}, {"ws", "p"}, "limit is 100"},
      {"bad \xff\xfe bytes", {}, {"ws", "p"}, "UTF-8"},
      {"ok", {"has space"}, {"ws", "p"}, "whitespace"},
      {"ok", {}, {"WS", "p"}, "workspace"},
      {"ok", {}, {"ws", ""}, "project"},
  };
  for (const auto& c : cases) {
    RememberRequest r = Req(c.content, c.scope);
    r.memory.tags = c.tags;
    auto res = service_->Remember(r);
    ASSERT_FALSE(res.ok()) << c.want;
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(res.status().message().find(c.want), std::string::npos) << res.status().message();
  }
  EXPECT_EQ(ExportAll(*service_), "");
}

TEST_F(ServiceTest, RedactsSecretsBeforeStoring) {
  auto r =
      service_->Remember(Req("deploy with AKIAIOSFODNN7EXAMPLE and password=hunter22 to the box"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->redactions, 2);
  auto m = service_->Get(r->id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->content.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
  EXPECT_EQ(m->content.find("hunter22"), std::string::npos);
  EXPECT_NE(m->content.find("[REDACTED:aws_key]"), std::string::npos);
  EXPECT_EQ(ExportAll(*service_).find("hunter22"), std::string::npos);
}

TEST_F(ServiceTest, RememberIsIdempotent) {
  auto a = service_->Remember(Req("the build uses ninja"));
  auto b = service_->Remember(Req("the build uses ninja"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id, b->id);
  EXPECT_TRUE(a->created);
  EXPECT_FALSE(b->created);
  auto other_scope = service_->Remember(Req("the build uses ninja", {"ws", "q"}));
  ASSERT_TRUE(other_scope.ok());
  EXPECT_NE(other_scope->id, a->id);
}

TEST_F(ServiceTest, RecallRanksAndExplains) {
  Put("We decided to use SQLite with WAL mode for the embedded store");
  Put("The CI pipeline runs make test on every push");
  std::string ident = Put("Fixed a crash in src/store/sqlite_store.cc when the WAL grew");
  Put("Lunch is at noon");

  auto r = Recall("which database did we decide to use?");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_NE(r.hits[0].memory.content.find("SQLite"), std::string::npos);
  EXPECT_GT(r.hits[0].channels.text_part, 0);

  auto e = Recall("crash in sqlite_store.cc");
  ASSERT_FALSE(e.hits.empty());
  EXPECT_EQ(e.hits[0].memory.id, ident);
  EXPECT_FALSE(e.hits[0].channels.matched_identifiers.empty());
  const auto& c = e.hits[0].channels;
  EXPECT_NEAR(e.hits[0].score, c.text_part + c.exact_part + c.recency_part, 1e-9);
  EXPECT_TRUE(Recall("lunch").hits.size() == 1);
}

TEST_F(ServiceTest, RecallNeverFailsOnHostileText) {
  Put("quotes \" and stars * and NEAR(x y) and ^caret and col:on");
  for (const char* q : {"\"", "*", "NEAR(", "AND OR NOT", "^", "a:b", "\"unterminated", "(((", "-",
                        "??", "émoji 🎉", "\\", "''", "col:on"}) {
    RecallRequest req;
    req.query = q;
    req.filter.scopes = {{"ws", "p"}};
    auto r = service_->Recall(req);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  }
  RecallRequest empty;
  empty.filter.scopes = {{"ws", "p"}};
  EXPECT_EQ(service_->Recall(empty).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServiceTest, ScopesNeverLeak) {
  Put("the deploy key lives in vault", {"ws", "alpha"});
  Put("nothing relevant here", {"ws", "beta"});
  SearchFilter beta;
  beta.scopes = {{"ws", "beta"}};
  EXPECT_TRUE(Recall("deploy key vault", beta).hits.empty());
  SearchFilter both;
  both.scopes = {{"ws", "alpha"}, {"ws", "beta"}};
  EXPECT_EQ(Recall("deploy key vault", both).hits.size(), 1u);
  SearchFilter all;
  all.all_scopes = true;
  EXPECT_EQ(Recall("deploy key vault", all).hits.size(), 1u);
  SearchFilter none;  // no scope and not all: refused, not "everything"
  RecallRequest req;
  req.query = "deploy";
  req.filter = none;
  EXPECT_EQ(service_->Recall(req).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServiceTest, UpdateSupersedesAndHistoryIsOptIn) {
  std::string v1 = Put("we deploy on fridays");
  clock_.Advance(kDay);
  auto v2 = service_->Update(
      {v1, MemoryPatch{std::string("we deploy on tuesdays"), {}, {}, {}, {}, "", "", ""}});
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->version, 2);
  auto r = Recall("when do we deploy");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].memory.id, v2->id);
  SearchFilter hist;
  hist.scopes = {{"ws", "p"}};
  hist.include_history = true;
  EXPECT_EQ(Recall("when do we deploy", hist).hits.size(), 2u);
  auto h = service_->History(v1);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].status, MemoryStatus::kSuperseded);
  EXPECT_EQ((*h)[1].supersedes, v1);
  UpdateRequest nothing{v2->id, {}};
  EXPECT_EQ(service_->Update(nothing).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServiceTest, ForgetHidesAndHardPurges) {
  std::string id = Put("temporary secret plan");
  auto f = service_->Forget(id, false);
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(Recall("temporary secret plan").hits.empty());
  EXPECT_EQ(service_->Get(id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(service_->Get(id, true).ok());
  ASSERT_TRUE(service_->Forget(id, true).ok());
  EXPECT_EQ(service_->Get(id, true).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_->Forget("not-an-id", false).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ServiceTest, FiltersAndPagination) {
  for (int i = 0; i < 25; ++i) {
    RememberRequest r = Req("pagination item number " + std::to_string(i));
    r.memory.kind = i % 2 ? Kind::kDecision : Kind::kFact;
    r.memory.tags = {i % 3 ? "odd" : "triple"};
    r.memory.created_ms = kNow - (25 - i) * kDay;
    ASSERT_TRUE(service_->Remember(r).ok());
  }
  RecallRequest req;
  req.query = "pagination item";
  req.filter.scopes = {{"ws", "p"}};
  req.limit = 10;
  auto p1 = service_->Recall(req);
  req.offset = 10;
  auto p2 = service_->Recall(req);
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_EQ(p1->hits.size(), 10u);
  EXPECT_EQ(p2->hits.size(), 10u);
  EXPECT_EQ(p1->total_candidates, 25);
  EXPECT_NE(p1->hits[0].memory.id, p2->hits[0].memory.id);

  req.offset = 0;
  req.limit = 50;
  req.filter.kinds = {Kind::kDecision};
  req.filter.tags = {"triple"};
  auto f = service_->Recall(req);
  ASSERT_TRUE(f.ok());
  for (const auto& h : f->hits) {
    EXPECT_EQ(h.memory.kind, Kind::kDecision);
    EXPECT_EQ(h.memory.tags, std::vector<std::string>{"triple"});
  }
  EXPECT_EQ(f->hits.size(), 4u);  // i in {3, 9, 15, 21}

  req.filter.kinds.clear();
  req.filter.tags.clear();
  req.filter.since_ms = kNow - 5 * kDay;
  auto d = service_->Recall(req);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->hits.size(), 5u);
}

TEST_F(ServiceTest, ExportImportRoundTripIsLossless) {
  std::string a = Put("first memory about caching");
  Put("second memory about logging", {"ws", "other"});
  std::string c = Put("third memory to forget");
  ASSERT_TRUE(
      service_
          ->Update({a,
                    MemoryPatch{
                        std::string("first memory about caching, v2"), {}, {}, {}, {}, "", "", ""}})
          .ok());
  ASSERT_TRUE(service_->Forget(c, false).ok());
  std::string dump = ExportAll(*service_);
  EXPECT_EQ(std::count(dump.begin(), dump.end(), '\n'), 4);

  std::unique_ptr<SqliteStore> store2;
  std::unique_ptr<MemoryService> service2;
  Open(store2, service2, "b.db");
  std::istringstream in(dump);
  auto imp = service2->Import(in, {});
  ASSERT_TRUE(imp.ok()) << imp.status().ToString();
  EXPECT_EQ(imp->inserted, 4);
  EXPECT_EQ(ExportAll(*service2), dump);
  std::istringstream again(dump);
  auto imp2 = service2->Import(again, {});
  ASSERT_TRUE(imp2.ok());
  EXPECT_EQ(imp2->inserted, 0);
  EXPECT_EQ(imp2->skipped, 4);
}

TEST_F(ServiceTest, ImportIsAllOrNothingAndNamesTheLine) {
  std::string good = Put("an exported memory");
  std::string dump = ExportAll(*service_);
  std::unique_ptr<SqliteStore> store2;
  std::unique_ptr<MemoryService> service2;
  Open(store2, service2, "c.db");
  std::istringstream in(dump + "\n{\"id\": broken\n");
  auto r = service2->Import(in, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos) << r.status().message();
  EXPECT_EQ(ExportAll(*service2), "");
}

TEST_F(ServiceTest, DoctorReportsHealthyStore) {
  Put("something");
  for (const auto& c : service_->Doctor()) EXPECT_TRUE(c.ok) << c.name << ": " << c.detail;
}

TEST_F(ServiceTest, RecallWeighsAgentConfidenceStatusAndReplies) {
  auto put = [&](std::string content, std::string agent, double confidence, MemoryStatus status,
                 std::string session = "") {
    RememberRequest r = Req(std::move(content));
    r.memory.agent = std::move(agent);
    r.memory.confidence = confidence;
    r.memory.status = status;
    r.memory.session = std::move(session);
    auto res = service_->Remember(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? res->id : "";
  };
  const std::string by_codex =
      put("the cache flushes nightly", "codex", 1.0, MemoryStatus::kActive);
  const std::string by_claude =
      put("the cache flushes nightly at 2am", "claude-code", 1.0, MemoryStatus::kActive);
  RecallResponse r = Recall("when does the cache flush according to codex");
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].memory.id, by_codex);
  EXPECT_EQ(r.hits[0].channels.agent, 1);
  EXPECT_GT(r.hits[0].channels.agent_part, 0);
  EXPECT_EQ(r.hits[1].channels.agent, 0);
  r = Recall("when does the cache flush according to Claude Code");
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].memory.id, by_claude);

  // Same text: the unsure and the unconfirmed memory rank below the sure one.
  const std::string sure = put("tokens rotate weekly", "", 1.0, MemoryStatus::kActive);
  const std::string unsure = put("tokens rotate weekly!", "", 0.2, MemoryStatus::kActive);
  const std::string pending = put("tokens rotate weekly?", "", 1.0, MemoryStatus::kCandidate);
  r = Recall("tokens rotate weekly");
  ASSERT_EQ(r.hits.size(), 3u);
  EXPECT_EQ(r.hits[0].memory.id, sure);
  EXPECT_EQ(r.hits[1].memory.id, pending);
  EXPECT_NEAR(r.hits[1].channels.weight, 0.75, 1e-9);
  EXPECT_EQ(r.hits[2].memory.id, unsure);
  EXPECT_NEAR(r.hits[2].channels.weight, 0.6, 1e-9);

  // The memory written right after a question is its reply, and gains the most; the question
  // itself ends by asking and loses weight_asks, so the reply ranks first.
  clock_.Advance(1000);
  const std::string question =
      put("which port does the billing api listen on?", "", 1.0, MemoryStatus::kActive, "s1");
  clock_.Advance(1000);
  const std::string reply = put("8443, behind the proxy", "", 1.0, MemoryStatus::kActive, "s1");
  r = Recall("billing api port");
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].memory.id, reply);
  EXPECT_EQ(r.hits[0].channels.text, 0) << "found as the reply only";
  ASSERT_EQ(r.hits[1].memory.id, question);
  EXPECT_EQ(r.hits[1].channels.asks, 1);
  EXPECT_NEAR(r.hits[1].channels.asks_part, -config_.recall.weight_asks, 1e-12);
  // The reply's gain comes from the question's score before its asks penalty.
  EXPECT_NEAR(r.hits[0].channels.context_part,
              config_.recall.weight_answer * (r.hits[1].score - r.hits[1].channels.asks_part),
              1e-9);
}

}  // namespace
}  // namespace memex
