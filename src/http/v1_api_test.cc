// The memoryOSS memory API (/v1) over a real httplib server on 127.0.0.1 and an ephemeral port,
// with a temporary SqliteStore: every route's success shape and error bodies, the
// store -> recall -> update -> recall -> forget lifecycle, and namespace isolation. Every wait is
// bounded.
#include "http/v1_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/time_util.h"
#include "http/httplib_adapter.h"
#include "redact/redactor.h"
#include "service/hygiene_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::http {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kNow = 20000LL * 86400000;

struct Answer {
  int status = 0;
  Json body;
};

class V1ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-v1-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    LimitsConfig limits = config_.limits;
    limits.max_content_bytes = 1000;
    limits.max_batch = 3;
    api_ = std::make_unique<V1Api>(*service_, Scope{"ws", "p"}, limits);
    InstallV1Routes(server_, *api_);
    // Alone, without InstallRoutes' authentication: every caller is the local admin.
    server_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      SetPrincipal(req, Principal::Local());
      return httplib::Server::HandlerResponse::Unhandled;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    listener_ = std::jthread([this] { server_.listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(server_.is_running());
  }

  void TearDown() override {
    server_.stop();
    if (listener_.joinable()) listener_.join();
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  Answer Send(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_connection_timeout(2, 0);
    cli.set_read_timeout(10, 0);
    httplib::Result res = method == "GET"      ? cli.Get(path)
                          : method == "PATCH"  ? cli.Patch(path, body, "application/json")
                          : method == "DELETE" ? cli.Delete(path, body, "application/json")
                                               : cli.Post(path, body, "application/json");
    EXPECT_TRUE(res) << method << " " << path;
    if (!res) return {};
    Json j = Json::parse(res->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << res->body;
    return {res->status, j};
  }
  Answer Send(const std::string& method, const std::string& path, const Json& body) {
    return Send(method, path, body.dump());
  }

  // Stores `content` (plus `extra` fields) and returns its id.
  std::string StoreOk(const std::string& content, Json extra = Json::object()) {
    extra["content"] = content;
    Answer a = Send("POST", "/v1/store", extra);
    EXPECT_EQ(a.status, 200) << a.body.dump();
    return a.body.value("id", "");
  }

  Json Recall(Json request) {
    Answer a = Send("POST", "/v1/recall", request);
    EXPECT_EQ(a.status, 200) << a.body.dump();
    return a.body["memories"];
  }

  void ExpectError(const Answer& a, int status, const std::string& needle) {
    EXPECT_EQ(a.status, status) << a.body.dump();
    ASSERT_TRUE(a.body.is_object() && a.body.contains("error") && a.body["error"].is_string())
        << a.body.dump();
    EXPECT_NE(a.body["error"].get<std::string>().find(needle), std::string::npos)
        << a.body.dump() << " lacks '" << needle << "'";
  }

  fs::path dir_;
  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
  std::unique_ptr<V1Api> api_;
  httplib::Server server_;
  int port_ = 0;
  std::jthread listener_;
};

TEST_F(V1ApiTest, StoreRecallUpdateRecallForgetRecall) {
  Answer stored = Send("POST", "/v1/store",
                       Json{{"content", "Use SQLite in WAL mode for the job queue"},
                            {"tags", {"DB", "sqlite"}},
                            {"agent", "claude"},
                            {"session", "s1"},
                            {"memory_type", "semantic"}});
  ASSERT_EQ(stored.status, 200) << stored.body.dump();
  std::string id = stored.body["id"];
  EXPECT_EQ(stored.body["version"], 1);

  Json hits = Recall({{"query", "sqlite wal"}});
  ASSERT_EQ(hits.size(), 1u);
  const Json& m = hits[0]["memory"];
  EXPECT_EQ(m["id"], id);
  EXPECT_EQ(m["content"], "Use SQLite in WAL mode for the job queue");
  EXPECT_EQ(m["tags"], Json({"db", "sqlite"}));
  EXPECT_EQ(m["agent"], "claude");
  EXPECT_EQ(m["session"], "s1");
  EXPECT_EQ(m["namespace"], "ws/p");
  EXPECT_EQ(m["memory_type"], "semantic");
  EXPECT_EQ(m["status"], "active");
  EXPECT_EQ(m["version"], 1);
  EXPECT_EQ(m["created_at"], FormatRfc3339Ms(kNow));
  EXPECT_EQ(m["updated_at"], FormatRfc3339Ms(kNow));
  EXPECT_EQ(m["content_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(m["archived"], false);
  EXPECT_EQ(m["confidence"], 1.0);
  EXPECT_GT(hits[0]["score"].get<double>(), 0.0);
  EXPECT_NE(std::find(hits[0]["provenance"].begin(), hits[0]["provenance"].end(), "fts"),
            hits[0]["provenance"].end());

  clock_.Advance(60000);
  Answer updated =
      Send("PATCH", "/v1/update",
           Json{{"id", id}, {"content", "Use SQLite in WAL mode with a busy timeout"}});
  ASSERT_EQ(updated.status, 200) << updated.body.dump();
  EXPECT_EQ(updated.body["version"], 2);
  EXPECT_EQ(updated.body["updated_at"], FormatRfc3339Ms(kNow + 60000));
  std::string new_id = updated.body["id"];

  hits = Recall({{"query", "sqlite wal"}});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["memory"]["id"], new_id);
  EXPECT_EQ(hits[0]["memory"]["version"], 2);
  EXPECT_EQ(hits[0]["memory"]["content"], "Use SQLite in WAL mode with a busy timeout");

  Answer forgot = Send("DELETE", "/v1/forget", Json{{"ids", {new_id}}});
  ASSERT_EQ(forgot.status, 200) << forgot.body.dump();
  EXPECT_EQ(forgot.body, Json({{"deleted", 1}}));
  EXPECT_TRUE(Recall({{"query", "sqlite wal"}}).empty());
  // Forgetting again deletes nothing.
  EXPECT_EQ(Send("DELETE", "/v1/forget", Json{{"ids", {new_id}}}).body["deleted"], 0);
  ExpectError(Send("PATCH", "/v1/update", Json{{"id", new_id}, {"content", "x"}}), 404,
              "memory not found");
}

// With embeddings, /v1/recall finds a memory by meaning, and its provenance says "vector".
TEST_F(V1ApiTest, RecallByMeaningHasVectorProvenance) {
  testing::SynonymEmbedder embedder;  // "database keeps client bills" = "postgres stores ..."
  SemanticIndex index(*store_, embedder.model_id(), config_.vector);
  EmbeddingWorker worker(*store_, embedder, index, EmbeddingWorker::Options{});
  service_->SetSemantic({&embedder, &index, &worker});
  std::string id = StoreOk("postgres stores customer invoices");
  ASSERT_TRUE(worker.RunOnce().ok());

  Json hits = Recall({{"query", "database keeps client bills"}});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["memory"]["id"], id);
  EXPECT_EQ(hits[0]["provenance"], Json({"vector"}));  // no word in common
  hits = Recall({{"query", "postgres invoices"}});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["provenance"], Json({"vector", "fts"}));
  service_->SetSemantic({});  // before the index and worker go
}

TEST_F(V1ApiTest, StoreDuplicateReturnsTheExistingId) {
  std::string id = StoreOk("the deploy script lives in ops/deploy.sh");
  Answer again =
      Send("POST", "/v1/store", Json{{"content", "the deploy script lives in ops/deploy.sh"}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body["id"], id);
  EXPECT_EQ(again.body["created"], false);
}

TEST_F(V1ApiTest, StoreErrorsNameTheField) {
  ExpectError(Send("POST", "/v1/store", std::string("")), 400, "content: required");
  ExpectError(Send("POST", "/v1/store", std::string("{not json")), 400, "not valid JSON");
  ExpectError(Send("POST", "/v1/store", std::string("[1]")), 400, "JSON object");
  ExpectError(Send("POST", "/v1/store", Json{{"content", 5}}), 400, "content: must be a string");
  ExpectError(Send("POST", "/v1/store", Json{{"content", "x"}, {"tags", "a"}}), 400, "tags:");
  ExpectError(Send("POST", "/v1/store", Json{{"content", "x"}, {"namespace", "Bad NS!"}}), 400,
              "namespace:");
  ExpectError(Send("POST", "/v1/store", Json{{"content", "x"}, {"memory_type", "bogus"}}), 400,
              "memory_type:");
  ExpectError(Send("POST", "/v1/store", Json{{"content", "x"}, {"zero_knowledge", true}}), 400,
              "zero_knowledge:");
  ExpectError(Send("POST", "/v1/store", Json{{"content", "   "}}), 400, "content is empty");
  ExpectError(Send("POST", "/v1/store", Json{{"content", std::string(1001, 'a')}}), 413,
              "content:");
  EXPECT_EQ(Send("GET", "/v1/memories").body["total"], 0);
}

TEST_F(V1ApiTest, MemoryTypesMapToKinds) {
  StoreOk("episodic one", {{"memory_type", "episodic"}});
  StoreOk("procedural one", {{"memory_type", "procedural"}});
  StoreOk("working one", {{"memory_type", "working"}});
  StoreOk("decision one", {{"memory_type", "decision"}});
  Answer exported = Send("GET", "/v1/export");
  ASSERT_EQ(exported.status, 200);
  ASSERT_TRUE(exported.body.is_array());
  ASSERT_EQ(exported.body.size(), 4u);
  std::map<std::string, std::pair<std::string, std::string>> got;
  for (const Json& m : exported.body) got[m["content"]] = {m["memory_type"], m["kind"]};
  EXPECT_EQ(got["episodic one"], std::make_pair(std::string("episodic"), std::string("episode")));
  EXPECT_EQ(got["procedural one"],
            std::make_pair(std::string("procedural"), std::string("procedure")));
  EXPECT_EQ(got["working one"], std::make_pair(std::string("semantic"), std::string("fact")));
  EXPECT_EQ(got["decision one"], std::make_pair(std::string("semantic"), std::string("decision")));
  // Oldest first.
  EXPECT_EQ(exported.body[0]["content"], "episodic one");
}

TEST_F(V1ApiTest, StoreBatchIsAllOrNothing) {
  Answer ok = Send("POST", "/v1/store/batch",
                   Json{{"memories", {{{"content", "alpha note"}}, {{"content", "beta note"}}}}});
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  ASSERT_EQ(ok.body["stored"].size(), 2u);
  EXPECT_EQ(ok.body["stored"][0]["version"], 1);
  EXPECT_TRUE(ok.body["stored"][1]["id"].is_string());

  ExpectError(Send("POST", "/v1/store/batch",
                   Json{{"memories", {{{"content", "gamma note"}}, {{"tags", {"x"}}}}}}),
              400, "memories[1].content: required");
  ExpectError(Send("POST", "/v1/store/batch", Json{{"memories", Json::array()}}), 400,
              "memories: required");
  Json four = Json::array();
  for (int i = 0; i < 4; ++i) four.push_back({{"content", "n" + std::to_string(i)}});
  ExpectError(Send("POST", "/v1/store/batch", Json{{"memories", four}}), 413, "limit is 3");
  EXPECT_EQ(Send("GET", "/v1/memories").body["total"], 2);
}

TEST_F(V1ApiTest, RecallFilters) {
  StoreOk("redis cache eviction policy", {{"tags", {"cache"}}, {"agent", "a1"}});
  clock_.Advance(3600000);
  StoreOk("redis cache sizing", {{"memory_type", "procedural"}, {"agent", "a2"}, {"session", "s"}});
  EXPECT_EQ(Recall({{"query", "redis cache"}}).size(), 2u);
  EXPECT_EQ(Recall({{"query", "redis cache"}, {"limit", 1}}).size(), 1u);
  Json tagged = Recall({{"query", "redis cache"}, {"tags", {"cache"}}});
  ASSERT_EQ(tagged.size(), 1u);
  EXPECT_EQ(tagged[0]["memory"]["content"], "redis cache eviction policy");
  Json procedural = Recall({{"query", "redis"}, {"memory_type", "procedural"}});
  ASSERT_EQ(procedural.size(), 1u);
  EXPECT_EQ(procedural[0]["memory"]["content"], "redis cache sizing");
  Json by_agent = Recall({{"query", "redis"}, {"agent", "a2"}, {"session", "s"}});
  ASSERT_EQ(by_agent.size(), 1u);
  EXPECT_EQ(by_agent[0]["memory"]["agent"], "a2");
  Json after = Recall({{"query", "redis"}, {"after", FormatRfc3339Ms(kNow)}});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0]["memory"]["content"], "redis cache sizing");
  Json before = Recall({{"query", "redis"}, {"before", FormatRfc3339Ms(kNow + 1)}});
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0]["memory"]["content"], "redis cache eviction policy");
  Answer full = Send("POST", "/v1/recall", Json{{"query", "redis"}});
  EXPECT_TRUE(full.body["next_cursor"].is_null());
}

TEST_F(V1ApiTest, RecallErrors) {
  ExpectError(Send("POST", "/v1/recall", Json::object()), 400, "query: required");
  ExpectError(Send("POST", "/v1/recall", Json{{"query", "x"}, {"limit", 0}}), 400, "limit:");
  ExpectError(Send("POST", "/v1/recall", Json{{"query", "x"}, {"limit", "5"}}), 400, "limit:");
  ExpectError(Send("POST", "/v1/recall", Json{{"query", "x"}, {"before", "yesterday"}}), 400,
              "before:");
  ExpectError(Send("POST", "/v1/recall", Json{{"query", "x"}, {"cursor", "abc"}}), 400, "cursor:");
  ExpectError(Send("POST", "/v1/recall", Json{{"query", "x"}, {"namespace", "a/b/c"}}), 400,
              "namespace:");
  ExpectError(Send("POST", "/v1/recall", Json{{"query", "  "}}), 400, "query is empty");
}

TEST_F(V1ApiTest, RecallBatch) {
  StoreOk("kafka partitions");
  StoreOk("postgres vacuum");
  Answer a =
      Send("POST", "/v1/recall/batch",
           Json{{"queries", {{{"query", "kafka"}}, {{"query", "vacuum"}}, {{"query", "zzz"}}}}});
  ASSERT_EQ(a.status, 200) << a.body.dump();
  ASSERT_EQ(a.body["results"].size(), 3u);
  EXPECT_EQ(a.body["results"][0]["memories"][0]["memory"]["content"], "kafka partitions");
  EXPECT_EQ(a.body["results"][1]["memories"][0]["memory"]["content"], "postgres vacuum");
  EXPECT_TRUE(a.body["results"][2]["memories"].empty());
  EXPECT_TRUE(a.body["results"][2]["next_cursor"].is_null());
  ExpectError(
      Send("POST", "/v1/recall/batch", Json{{"queries", {{{"query", "a"}}, {{"limit", 2}}}}}), 400,
      "queries[1].query: required");
  ExpectError(Send("POST", "/v1/recall/batch", Json::object()), 400, "queries: required");
}

TEST_F(V1ApiTest, UpdateErrorsAndFields) {
  std::string id = StoreOk("nginx proxy buffering", {{"tags", {"web"}}});
  ExpectError(Send("PATCH", "/v1/update", Json{{"content", "x"}}), 400, "id: required");
  ExpectError(Send("PATCH", "/v1/update", Json{{"id", "nope"}, {"content", "x"}}), 400, "id:");
  ExpectError(Send("PATCH", "/v1/update",
                   Json{{"id", "01900000-0000-7000-8000-000000000000"}, {"content", "x"}}),
              404, "memory not found");
  ExpectError(
      Send("PATCH", "/v1/update", Json{{"id", id}, {"namespace", "other"}, {"content", "x"}}), 404,
      "memory not found");
  ExpectError(Send("PATCH", "/v1/update", Json{{"id", id}}), 400, "nothing to update");
  ExpectError(Send("PATCH", "/v1/update", Json{{"id", id}, {"memory_type", "nope"}}), 400,
              "memory_type:");
  ExpectError(Send("PATCH", "/v1/update", Json{{"id", id}, {"content", std::string(1001, 'b')}}),
              413, "content:");
  Answer a = Send("PATCH", "/v1/update",
                  Json{{"id", id}, {"tags", {"web", "proxy"}}, {"memory_type", "procedural"}});
  ASSERT_EQ(a.status, 200) << a.body.dump();
  Json page = Send("GET", "/v1/memories").body;
  ASSERT_EQ(page["total"], 1);
  EXPECT_EQ(page["memories"][0]["tags"], Json({"proxy", "web"}));
  EXPECT_EQ(page["memories"][0]["memory_type"], "procedural");
  EXPECT_EQ(page["memories"][0]["content"], "nginx proxy buffering");
  // The first version's id still names the memory: the update applies to its newest version.
  Answer again = Send("PATCH", "/v1/update", Json{{"id", id}, {"content", "nginx buffering off"}});
  ASSERT_EQ(again.status, 200) << again.body.dump();
  EXPECT_EQ(again.body["version"], 3);
}

TEST_F(V1ApiTest, ForgetErrors) {
  std::string id = StoreOk("ansible inventory path");
  ExpectError(Send("DELETE", "/v1/forget", Json::object()), 400, "ids: required");
  ExpectError(Send("DELETE", "/v1/forget", Json{{"ids", {"bad"}}}), 400, "not a memory id");
  ExpectError(Send("DELETE", "/v1/forget", Json{{"tags", {"x"}}}), 400, "not supported yet");
  ExpectError(Send("DELETE", "/v1/forget", Json{{"ids", {id}}, {"before", "2020-01-01"}}), 400,
              "before: forget by filter is not supported yet");
  EXPECT_EQ(
      Send("DELETE", "/v1/forget", Json{{"ids", {id}}, {"namespace", "elsewhere"}}).body["deleted"],
      0);
  EXPECT_EQ(Send("GET", "/v1/memories").body["total"], 1);
}

TEST_F(V1ApiTest, NamespacesAreIsolated) {
  StoreOk("shared words in one place", {{"namespace", "team/alpha"}});
  StoreOk("shared words in one place", {{"namespace", "beta"}});
  StoreOk("shared words in one place");
  for (const auto& [ns, want] : std::vector<std::pair<std::string, std::string>>{
           {"team/alpha", "team/alpha"}, {"beta", "default/beta"}, {"", "ws/p"}}) {
    Json hits = Recall({{"query", "shared words"}, {"namespace", ns}});
    ASSERT_EQ(hits.size(), 1u) << ns;
    EXPECT_EQ(hits[0]["memory"]["namespace"], want);
    Json exported = Send("GET", "/v1/export?namespace=" + ns).body;
    ASSERT_EQ(exported.size(), 1u) << ns;
    EXPECT_EQ(exported[0]["namespace"], want);
  }
  EXPECT_TRUE(Recall({{"query", "shared words"}, {"namespace", "team/empty"}}).empty());
  Json alpha = Recall({{"query", "shared words"}, {"namespace", "team/alpha"}});
  std::string alpha_id = alpha[0]["memory"]["id"];
  // Another namespace cannot forget or update it.
  EXPECT_EQ(Send("DELETE", "/v1/forget", Json{{"ids", {alpha_id}}}).body["deleted"], 0);
  EXPECT_EQ(Send("DELETE", "/v1/forget", Json{{"ids", {alpha_id}}, {"namespace", "team/alpha"}})
                .body["deleted"],
            1);
  ExpectError(Send("GET", "/v1/export?namespace=BAD!"), 400, "namespace:");
}

TEST_F(V1ApiTest, StoreReportsNearDuplicatesAndKeepsThem) {
  std::string first = StoreOk("deploy the api with make release on fridays");
  Answer a = Send("POST", "/v1/store",
                  Json{{"content", "Always deploy the API with make release on Fridays."}});
  ASSERT_EQ(a.status, 200) << a.body.dump();  // memoryOSS would answer 400
  EXPECT_EQ(a.body["created"], true);
  ASSERT_EQ(a.body["near_duplicates"].size(), 1u) << a.body.dump();
  EXPECT_EQ(a.body["near_duplicates"][0]["id"], first);
  EXPECT_EQ(a.body["near_duplicates"][0]["reason"], "contained");
  EXPECT_TRUE(
      Send("POST", "/v1/store", Json{{"content", "unrelated"}}).body["near_duplicates"].empty());
}

TEST_F(V1ApiTest, ConsolidateMergesByDefaultLikeMemoryOss) {
  std::string older = StoreOk("alpha beta gamma delta epsilon zeta", {{"namespace", "team/a"}});
  clock_.Advance(1000);
  std::string newer =
      StoreOk("Alpha, beta, gamma, delta, epsilon, zeta!", {{"namespace", "team/a"}});
  StoreOk("alpha beta gamma delta epsilon zeta");  // another namespace: never merged
  StoreOk("kitten photos from the party", {{"namespace", "team/a"}});

  Answer dry = Send("POST", "/v1/consolidate", Json{{"namespace", "team/a"}, {"dry_run", true}});
  ASSERT_EQ(dry.status, 200) << dry.body.dump();
  EXPECT_EQ(dry.body["dry_run"], true);
  EXPECT_EQ(dry.body["total_merged"], 1);
  ASSERT_EQ(dry.body["groups"].size(), 1u);
  EXPECT_EQ(dry.body["groups"][0]["kept"], newer);
  EXPECT_EQ(dry.body["groups"][0]["merged"], Json::array({older}));
  EXPECT_DOUBLE_EQ(dry.body["groups"][0]["avg_similarity"].get<double>(), 1.0);
  EXPECT_EQ(Send("GET", "/v1/memories?namespace=team/a").body["total"], 3);

  Answer merged = Send("POST", "/v1/consolidate", Json{{"namespace", "team/a"}});
  ASSERT_EQ(merged.status, 200) << merged.body.dump();
  EXPECT_EQ(merged.body["dry_run"], false);
  EXPECT_EQ(merged.body["total_merged"], 1);
  EXPECT_EQ(Send("GET", "/v1/memories?namespace=team/a").body["total"], 2);
  EXPECT_EQ(Send("GET", "/v1/memories").body["total"], 1);  // ws/p untouched
  Answer again = Send("POST", "/v1/consolidate", Json{{"namespace", "team/a"}});
  EXPECT_EQ(again.body["groups"], Json::array());
}

TEST_F(V1ApiTest, ConsolidateErrors) {
  ExpectError(Send("POST", "/v1/consolidate", Json{{"threshold", 1.5}}), 400, "threshold:");
  ExpectError(Send("POST", "/v1/consolidate", Json{{"threshold", 0}}), 400, "threshold:");
  ExpectError(Send("POST", "/v1/consolidate", Json{{"threshold", "high"}}), 400, "threshold:");
  ExpectError(Send("POST", "/v1/consolidate", Json{{"max_clusters", 0}}), 400, "max_clusters:");
  ExpectError(Send("POST", "/v1/consolidate", Json{{"max_clusters", 2.5}}), 400, "max_clusters:");
  ExpectError(Send("POST", "/v1/consolidate", Json{{"dry_run", "no"}}), 400, "dry_run:");
  ExpectError(Send("POST", "/v1/consolidate", Json{{"namespace", "BAD!"}}), 400, "namespace:");
  ExpectError(Send("POST", "/v1/consolidate", std::string("{not json")), 400, "not valid JSON");
  Answer empty = Send("POST", "/v1/consolidate", std::string(""));
  EXPECT_EQ(empty.status, 200) << empty.body.dump();
  EXPECT_EQ(empty.body["total_merged"], 0);
}

TEST_F(V1ApiTest, MemoriesPages) {
  for (int i = 0; i < 3; ++i) {
    StoreOk("note number " + std::to_string(i));
    clock_.Advance(1000);
  }
  Answer first = Send("GET", "/v1/memories?limit=2");
  ASSERT_EQ(first.status, 200) << first.body.dump();
  EXPECT_EQ(first.body["total"], 3);
  ASSERT_EQ(first.body["memories"].size(), 2u);
  EXPECT_EQ(first.body["memories"][0]["content"], "note number 2");  // newest first
  Answer rest = Send("GET", "/v1/memories?limit=2&offset=2");
  ASSERT_EQ(rest.body["memories"].size(), 1u);
  EXPECT_EQ(rest.body["memories"][0]["content"], "note number 0");
  ExpectError(Send("GET", "/v1/memories?limit=abc"), 400, "limit:");
  ExpectError(Send("GET", "/v1/memories?limit=0"), 400, "limit:");
  ExpectError(Send("GET", "/v1/memories?offset=-1"), 400, "offset:");
  EXPECT_EQ(Send("GET", "/v1/memories?namespace=other").body["total"], 0);
}

}  // namespace
}  // namespace memex::http
