// The native memory routes as plain handlers (no sockets): bodies in, replies out, and the error
// envelope that lets the thin client restore the service's exact status code.
#include "http/memory_routes.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/clock.h"
#include "http/memory_wire.h"
#include "redact/redactor.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::http {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kNow = 20000LL * 86400000;

Request Body(std::string body, std::map<std::string, std::string> params = {}) {
  return Request{.body = std::move(body),
                 .header = [](std::string_view) { return std::string(); },
                 .param =
                     [params](std::string_view name) {
                       auto it = params.find(std::string(name));
                       return it == params.end() ? std::string() : it->second;
                     }};
}

class MemoryRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-routes-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    routes_ = std::make_unique<MemoryRoutes>(*service_);
  }
  void TearDown() override {
    routes_.reset();
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::string Remember(const std::string& content) {
    RememberRequest req;
    req.memory.scope = Scope{"ws", "p"};
    req.memory.content = content;
    Reply r = routes_->Remember(Body(EncodeRememberRequest(req)));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body).value("id", "");
  }

  static void ExpectError(const Reply& r, int status, const std::string& code,
                          const std::string& needle) {
    EXPECT_EQ(r.status, status) << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error") && j["error"].is_object()) << r.body;
    EXPECT_EQ(j["error"].value("code", ""), code) << r.body;
    EXPECT_NE(j["error"].value("message", "").find(needle), std::string::npos) << r.body;
  }

  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MemoryService> service_;
  std::unique_ptr<MemoryRoutes> routes_;
};

TEST_F(MemoryRoutesTest, SuccessShapes) {
  std::string id = Remember("the build uses cmake presets");
  ASSERT_FALSE(id.empty());

  Reply got = routes_->Get(id, Body(""));
  ASSERT_EQ(got.status, 200) << got.body;
  Result<Memory> m = DecodeMemoryBody(got.body);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->content, "the build uses cmake presets");
  EXPECT_EQ(m->scope.ToString(), "ws/p");

  Reply upd = routes_->Update(id, Body(R"x({"content":"the build uses cmake presets (debug)"})x"));
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(Json::parse(upd.body)["version"], 2);
  Reply hist = routes_->History(id, Body(""));
  ASSERT_EQ(hist.status, 200);
  EXPECT_EQ(Json::parse(hist.body)["versions"].size(), 2u);

  Reply rec = routes_->Recall(Body(R"({"query":"cmake","filter":{"scopes":["ws/p"]},"limit":5})"));
  ASSERT_EQ(rec.status, 200) << rec.body;
  EXPECT_EQ(Json::parse(rec.body)["hits"].size(), 1u);
  // Another scope sees nothing: the scope travels in the body.
  Reply other = routes_->Recall(Body(R"({"query":"cmake","filter":{"scopes":["ws/q"]}})"));
  ASSERT_EQ(other.status, 200);
  EXPECT_TRUE(Json::parse(other.body)["hits"].empty());

  Reply stats = routes_->Stats(Body(R"({"all_scopes":true})"));
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(Json::parse(stats.body)["live"], 1);

  Reply exp = routes_->Export(Body(R"({"all_scopes":true})"));
  ASSERT_EQ(exp.status, 200);
  EXPECT_EQ(exp.content_type, "application/x-ndjson");
  Reply dry = routes_->Import(Body(exp.body, {{"dry_run", "true"}}));
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(Json::parse(dry.body)["lines"], 2);
  EXPECT_EQ(Json::parse(dry.body)["dry_run"], true);

  Reply gone = routes_->Forget(id, Body("", {{"hard", "true"}}));
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(Json::parse(gone.body)["hard"], true);
}

// A near-duplicate is linked on store (docs/hygiene.md); GET .../links shows it from both ends.
TEST_F(MemoryRoutesTest, LinksOfAMemory) {
  std::string a = Remember("Deploy the api with make release on fridays");
  std::string b = Remember("Always deploy the API with `make release` on Fridays.");
  Reply r = routes_->Links(a, Body(""));
  ASSERT_EQ(r.status, 200) << r.body;
  Result<std::vector<MemoryLink>> links = DecodeLinks(r.body);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  ASSERT_EQ(links->size(), 1u);
  EXPECT_EQ(links->at(0).from_id, b);
  EXPECT_EQ(links->at(0).to_id, a);
  EXPECT_EQ(links->at(0).kind, LinkKind::kNearDuplicate);
  EXPECT_GT(links->at(0).score, 0.8);
  EXPECT_EQ(links->at(0).created_ms, kNow);
  EXPECT_EQ(Json::parse(routes_->Links(b, Body("")).body)["links"].size(), 1u);
  std::string lone = Remember("the build uses cmake presets");
  EXPECT_EQ(Json::parse(routes_->Links(lone, Body("")).body)["links"].size(), 0u);
  ExpectError(routes_->Links("not-an-id", Body("")), 400, "invalid_argument", "invalid id");
  ExpectError(routes_->Links("0198c3e2-0000-7000-8000-000000000000", Body("")), 404, "not_found",
              "");
}

TEST_F(MemoryRoutesTest, ErrorsCarryTheStatusCode) {
  ExpectError(routes_->Remember(Body("not json")), 400, "invalid_argument", "not valid JSON");
  ExpectError(routes_->Remember(Body(R"({"memory":{"content":"x"}})")), 400, "invalid_argument",
              "memory.scope");
  ExpectError(routes_->Remember(Body(R"({"memory":{"scope":"ws/p","content":""}})")), 400,
              "invalid_argument", "");
  ExpectError(routes_->Recall(Body(R"({"query":"x"})")), 400, "invalid_argument", "filter");
  ExpectError(routes_->Recall(Body(R"({"query":"x","filter":{"kinds":["nope"]}})")), 400,
              "invalid_argument", "kinds");
  ExpectError(routes_->Get("not-an-id", Body("")), 400, "invalid_argument", "invalid id");
  ExpectError(routes_->Get("0198c3e2-0000-7000-8000-000000000000", Body("")), 404, "not_found", "");
  ExpectError(routes_->Update("0198c3e2-0000-7000-8000-000000000000", Body(R"({"tags":"x"})")), 400,
              "invalid_argument", "tags");
  ExpectError(routes_->Import(Body("{\"id\":1}\n")), 400, "invalid_argument", "line 1");
}

TEST(MemoryWireTest, CodeNamesRoundTrip) {
  for (StatusCode c :
       {StatusCode::kInvalidArgument, StatusCode::kNotFound, StatusCode::kAlreadyExists,
        StatusCode::kFailedPrecondition, StatusCode::kPermissionDenied,
        StatusCode::kResourceExhausted, StatusCode::kUnavailable, StatusCode::kDataLoss,
        StatusCode::kInternal, StatusCode::kUnimplemented}) {
    EXPECT_EQ(ParseWireCode(WireCodeName(c)), c);
    EXPECT_GE(HttpStatusFor(c), 400);
  }
  EXPECT_EQ(ParseWireCode("resource_not_found"), std::nullopt);
}

TEST(MemoryWireTest, PatchDistinguishesAbsentFromNull) {
  Result<MemoryPatch> keep = DecodeMemoryPatch("{}");
  ASSERT_TRUE(keep.ok());
  EXPECT_FALSE(keep->expires_ms.has_value());
  Result<MemoryPatch> never = DecodeMemoryPatch(R"({"expires_at":null})");
  ASSERT_TRUE(never.ok());
  ASSERT_TRUE(never->expires_ms.has_value());
  EXPECT_EQ(*never->expires_ms, 0);
  MemoryPatch p;
  p.expires_ms = 0;
  p.tags = std::vector<std::string>{};
  Result<MemoryPatch> back = DecodeMemoryPatch(EncodeMemoryPatch(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->expires_ms, std::optional<int64_t>(0));
  ASSERT_TRUE(back->tags.has_value());
  EXPECT_TRUE(back->tags->empty());
}

}  // namespace
}  // namespace memex::http
