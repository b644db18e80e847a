// The thin client: the HTTP-status -> Status table, URL parsing, and a loopback round trip in
// which every MemoryApi call answered by a real server (memory_routes.h over a temporary
// SqliteStore) equals the same call on a local MemoryService. Every wait is bounded.
#include "http/remote_memory_api.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "codec/memory_json.h"
#include "http/httplib_adapter.h"
#include "http/memory_routes.h"
#include "redact/redactor.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::http {
namespace {

namespace fs = std::filesystem;

TEST(StatusFromHttpTest, MapsStatusesAndBodies) {
  const std::string url = "http://127.0.0.1:7700";
  struct Case {
    int http_status;
    std::string body;
    StatusCode want;
    std::string needle;  // in the message
  };
  const std::vector<Case> cases = {
      // A native body restores the exact code and keeps the message as is.
      {404, R"({"error":{"code":"not_found","status":404,"message":"memory x not found"}})",
       StatusCode::kNotFound, "memory x not found"},
      {500, R"({"error":{"code":"data_loss","status":500,"message":"corrupt"}})",
       StatusCode::kDataLoss, "corrupt"},
      {400, R"({"error":{"code":"invalid_argument","status":400,"message":"line 2: bad"}})",
       StatusCode::kInvalidArgument, "line 2: bad"},
      {503, R"({"error":{"code":"unavailable","status":503,"message":"busy"}})",
       StatusCode::kUnavailable, "busy"},
      // Authorization failures, whatever the body says.
      {401, R"({"error":{"code":"unauthorized","status":401,"message":"bad token"}})",
       StatusCode::kPermissionDenied, "not authorized by the memex server at " + url},
      {403, "", StatusCode::kPermissionDenied, "--token"},
      // Other bodies: by HTTP status, naming the URL.
      {400, R"({"error":"content: must be a string"})", StatusCode::kInvalidArgument,
       "content: must be a string"},
      {404, R"({"error":{"code":"resource_not_found","status":404,"message":"no such route"}})",
       StatusCode::kNotFound, "no such route"},
      {409, "", StatusCode::kFailedPrecondition, url},
      {413, "", StatusCode::kResourceExhausted, "HTTP 413"},
      {422, "", StatusCode::kInvalidArgument, url},
      {418, "not json", StatusCode::kInvalidArgument, "HTTP 418"},
      {429, "", StatusCode::kUnavailable, url},
      {502, "<html>", StatusCode::kUnavailable, url},
      {503, "", StatusCode::kUnavailable, url},
      {504, "", StatusCode::kUnavailable, url},
      {500, R"({"error":"internal error"})", StatusCode::kInternal, "internal error"},
      {302, "", StatusCode::kInternal, "HTTP 302"},
  };
  for (const Case& c : cases) {
    Status st = StatusFromHttp(c.http_status, c.body, url);
    EXPECT_EQ(st.code(), c.want) << c.http_status << " " << c.body << ": " << st.ToString();
    EXPECT_NE(st.message().find(c.needle), std::string::npos)
        << c.http_status << ": " << st.message();
  }
}

TEST(ParseServerUrlTest, SplitsOriginAndPrefix) {
  struct Case {
    std::string url;
    bool ok;
    std::string origin;
    std::string prefix;
  };
  const std::vector<Case> cases = {
      {"http://127.0.0.1:7700", true, "http://127.0.0.1:7700", ""},
      {"http://127.0.0.1:7700/", true, "http://127.0.0.1:7700", ""},
      {"http://localhost", true, "http://localhost", ""},
      {"http://example.org/memex/", true, "http://example.org", "/memex"},
      {"http://[::1]:7700", true, "http://[::1]:7700", ""},
      {"127.0.0.1:7700", false, "", ""},
      {"ftp://x", false, "", ""},
      {"http://", false, "", ""},
      {"http://:7700", false, "", ""},
      {"http://h:1/?q=1", false, "", ""},
      {"http://user:pw@h:1", false, "", ""},
  };
  for (const Case& c : cases) {
    Result<ServerUrl> u = ParseServerUrl(c.url);
    EXPECT_EQ(u.ok(), c.ok) << c.url;
    if (!u.ok()) {
      EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(u.status().message().find(c.url), std::string::npos) << u.status().message();
      continue;
    }
    EXPECT_EQ(u->origin, c.origin) << c.url;
    EXPECT_EQ(u->prefix, c.prefix) << c.url;
  }
}

TEST(RemoteMemoryApiTest, UnreachableServerIsUnavailableNamingTheUrl) {
  // Bind a port without listening, note it, close it: nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto api = RemoteMemoryApi::Create(
      RemoteOptions{.url = url, .connect_timeout_ms = 2000, .read_timeout_ms = 2000});
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  SearchFilter all;
  all.all_scopes = true;
  Result<StoreStats> stats = (*api)->Stats(all);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(stats.status().message().find(url), std::string::npos) << stats.status().message();
}

// A server whose only route records the Authorization header and answers 401.
TEST(RemoteMemoryApiTest, SendsTheBearerTokenAndMapsRefusal) {
  httplib::Server server;
  std::mutex mu;
  std::string seen;
  server.Post("/api/memories/stats", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    seen = req.get_header_value("Authorization");
    res.status = 401;
    res.set_content(R"({"error":{"code":"unauthorized","status":401,"message":"bad token"}})",
                    "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::jthread listener([&] { server.listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto api = RemoteMemoryApi::Create(
      RemoteOptions{.url = "http://127.0.0.1:" + std::to_string(port), .token = "s3cret"});
  ASSERT_TRUE(api.ok());
  Result<StoreStats> stats = (*api)->Stats(SearchFilter{});
  server.stop();
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(stats.status().message().find("not authorized"), std::string::npos);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen, "Bearer s3cret");
}

constexpr int64_t kNow = 20000LL * 86400000;

// Two identical stores behind the same clock: one served over HTTP, one used directly.
class RoundTripTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-remote-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    for (int i = 0; i < 2; ++i) {
      auto s = SqliteStore::Open((dir_ / ("m" + std::to_string(i) + ".db")).string(),
                                 config_.storage, clock_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      stores_[i] = std::move(s).value();
      services_[i] = std::make_unique<MemoryService>(*stores_[i], config_, clock_, *redactor_);
    }
    routes_ = std::make_unique<MemoryRoutes>(*services_[0]);
    InstallMemoryRoutes(server_, *routes_);
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
    auto api = RemoteMemoryApi::Create(
        RemoteOptions{.url = "http://127.0.0.1:" + std::to_string(port_) + "/"});
    ASSERT_TRUE(api.ok()) << api.status().ToString();
    remote_ = std::move(api).value();
  }

  void TearDown() override {
    server_.stop();
    if (listener_.joinable()) listener_.join();
    remote_.reset();
    routes_.reset();
    for (auto& s : services_) s.reset();
    for (auto& s : stores_) s.reset();
    fs::remove_all(dir_);
  }

  MemoryApi& remote() { return *remote_; }
  MemoryApi& local() { return *services_[1]; }

  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  fs::path dir_;
  std::unique_ptr<Store> stores_[2];
  std::unique_ptr<MemoryService> services_[2];
  std::unique_ptr<MemoryRoutes> routes_;
  httplib::Server server_;
  int port_ = 0;
  std::jthread listener_;
  std::unique_ptr<RemoteMemoryApi> remote_;
};

// Ids differ between the stores (UUIDv7); everything else must match.
void ExpectSameMemory(Memory a, Memory b) {
  a.id = b.id = "";
  a.supersedes = b.supersedes = "";
  a.superseded_by = b.superseded_by = "";
  EXPECT_EQ(EncodeMemory(a), EncodeMemory(b));
}

TEST_F(RoundTripTest, NearDuplicatesReachTheRemoteClient) {
  MemoryApi* apis[2] = {&remote(), &local()};
  std::vector<NearDuplicate> near[2];
  for (int i = 0; i < 2; ++i) {
    RememberRequest req;
    req.memory.scope = {"ws", "near"};
    req.memory.content = "deploy the api with make release on fridays";
    Result<RememberResult> first = apis[i]->Remember(req);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_TRUE(first->near_duplicates.empty());
    req.memory.content = "Always deploy the API with make release on Fridays.";
    Result<RememberResult> second = apis[i]->Remember(req);
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    ASSERT_EQ(second->near_duplicates.size(), 1u) << i;
    EXPECT_EQ(second->near_duplicates[0].id, first->id);
    near[i] = second->near_duplicates;
  }
  EXPECT_EQ(near[0][0].reason, near[1][0].reason);
  EXPECT_DOUBLE_EQ(near[0][0].similarity, near[1][0].similarity);
}

TEST_F(RoundTripTest, EveryOperationMatchesTheLocalService) {
  const Scope scope{"ws", "p"};
  std::string ids[2];
  int redactions[2] = {0, 0};
  MemoryApi* apis[2] = {&remote(), &local()};
  for (int i = 0; i < 2; ++i) {
    RememberRequest req;
    req.memory.scope = scope;
    req.memory.kind = Kind::kDecision;
    req.memory.content = "Use SQLite in WAL mode for src/store/sqlite_store.cc";
    req.memory.tags = {"db", "sqlite"};
    req.memory.agent = "claude-code";
    req.memory.confidence = 0.75;
    req.memory.expires_ms = kNow + 86400000;
    Result<RememberResult> r = apis[i]->Remember(req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(r->created);
    ids[i] = r->id;
    req.memory.content = "token AKIAIOSFODNN7EXAMPLE in a note";
    req.memory.expires_ms = 0;
    Result<RememberResult> secret = apis[i]->Remember(req);
    ASSERT_TRUE(secret.ok());
    redactions[i] = secret->redactions;
  }
  EXPECT_EQ(redactions[0], redactions[1]);

  Result<Memory> got[2] = {remote().Get(ids[0]), local().Get(ids[1])};
  ASSERT_TRUE(got[0].ok()) << got[0].status().ToString();
  ASSERT_TRUE(got[1].ok());
  ExpectSameMemory(*got[0], *got[1]);

  RecallRequest rq;
  rq.query = "sqlite WAL sqlite_store.cc";
  rq.filter.scopes = {scope};
  rq.limit = 5;
  rq.explain = true;
  Result<RecallResponse> rr[2] = {remote().Recall(rq), local().Recall(rq)};
  ASSERT_TRUE(rr[0].ok()) << rr[0].status().ToString();
  ASSERT_TRUE(rr[1].ok());
  ASSERT_EQ(rr[0]->hits.size(), rr[1]->hits.size());
  ASSERT_FALSE(rr[0]->hits.empty());
  EXPECT_EQ(rr[0]->total_candidates, rr[1]->total_candidates);
  EXPECT_DOUBLE_EQ(rr[0]->hits[0].score, rr[1]->hits[0].score);
  EXPECT_DOUBLE_EQ(rr[0]->hits[0].channels.text_part, rr[1]->hits[0].channels.text_part);
  EXPECT_EQ(rr[0]->hits[0].channels.matched_identifiers,
            rr[1]->hits[0].channels.matched_identifiers);
  EXPECT_EQ(rr[0]->plan.terms, rr[1]->plan.terms);
  EXPECT_EQ(rr[0]->plan.identifiers, rr[1]->plan.identifiers);
  EXPECT_EQ(rr[0]->plan.ident_df, rr[1]->plan.ident_df);
  ASSERT_EQ(rr[0]->plan.term_stats.size(), rr[1]->plan.term_stats.size());
  EXPECT_EQ(rr[0]->plan.term_stats[0].df, rr[1]->plan.term_stats[0].df);
  ExpectSameMemory(rr[0]->hits[0].memory, rr[1]->hits[0].memory);

  for (int i = 0; i < 2; ++i) {
    UpdateRequest up{ids[i], {}};
    up.patch.content = "Use SQLite in WAL mode, always";
    up.patch.tags = std::vector<std::string>{"db"};
    up.patch.expires_ms = 0;  // never
    Result<RememberResult> r = apis[i]->Update(up);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->version, 2);
  }
  Result<std::vector<Memory>> hist[2] = {remote().History(ids[0]), local().History(ids[1])};
  ASSERT_TRUE(hist[0].ok()) << hist[0].status().ToString();
  ASSERT_EQ(hist[0]->size(), 2u);
  ASSERT_EQ(hist[1]->size(), 2u);
  for (size_t v = 0; v < 2; ++v) ExpectSameMemory((*hist[0])[v], (*hist[1])[v]);
  EXPECT_EQ((*hist[0])[1].expires_ms, 0);

  ListRequest lr;
  lr.query.filter.scopes = {scope};
  lr.query.limit = 10;
  Result<ListResponse> lists[2] = {remote().List(lr), local().List(lr)};
  ASSERT_TRUE(lists[0].ok()) << lists[0].status().ToString();
  EXPECT_EQ(lists[0]->total, lists[1]->total);
  ASSERT_EQ(lists[0]->memories.size(), lists[1]->memories.size());

  SearchFilter all;
  all.all_scopes = true;
  Result<StoreStats> stats[2] = {remote().Stats(all), local().Stats(all)};
  ASSERT_TRUE(stats[0].ok()) << stats[0].status().ToString();
  EXPECT_EQ(stats[0]->live, stats[1]->live);
  EXPECT_EQ(stats[0]->superseded, stats[1]->superseded);
  EXPECT_EQ(stats[0]->by_kind, stats[1]->by_kind);
  EXPECT_EQ(stats[0]->scopes.size(), stats[1]->scopes.size());
  EXPECT_EQ(stats[0]->newest_ms, stats[1]->newest_ms);

  std::ostringstream exported;
  Result<ExportSummary> ex = remote().Export(all, exported);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_EQ(ex->rows, 3);  // two versions + one other memory

  // Importing the remote export locally (dry run) and remotely (all present already).
  std::istringstream in1(exported.str());
  Result<ImportSummary> dry = local().Import(in1, ImportOptions{.dry_run = true});
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->lines, 3);
  std::istringstream in2(exported.str());
  Result<ImportSummary> again = remote().Import(in2, ImportOptions{});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->skipped, 3);
  std::istringstream bad("{\"id\":1}\n");
  Result<ImportSummary> broken = remote().Import(bad, ImportOptions{});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  std::istringstream bad_local("{\"id\":1}\n");
  EXPECT_EQ(broken.status().message(),
            local().Import(bad_local, ImportOptions{}).status().message());

  Result<ForgetResult> gone[2] = {remote().Forget(ids[0], false), local().Forget(ids[1], false)};
  ASSERT_TRUE(gone[0].ok()) << gone[0].status().ToString();
  EXPECT_EQ(gone[0]->rows, gone[1]->rows);
  EXPECT_FALSE(gone[0]->hard);

  // Errors keep their code and message.
  Result<Memory> missing[2] = {remote().Get(ids[0]), local().Get(ids[1])};
  ASSERT_FALSE(missing[0].ok());
  EXPECT_EQ(missing[0].status().code(), missing[1].status().code());
  Result<Memory> forgotten = remote().Get(ids[0], /*include_forgotten=*/true);
  ASSERT_TRUE(forgotten.ok()) << forgotten.status().ToString();
  EXPECT_TRUE(forgotten->forgotten());
  RememberRequest empty;
  empty.memory.scope = scope;
  Result<RememberResult> e[2] = {remote().Remember(empty), local().Remember(empty)};
  ASSERT_FALSE(e[0].ok());
  EXPECT_EQ(e[0].status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(e[0].status().message(), e[1].status().message());
  Result<ForgetResult> hard = remote().Forget(ids[0], true);
  ASSERT_TRUE(hard.ok()) << hard.status().ToString();
  EXPECT_TRUE(hard->hard);
  EXPECT_EQ(remote().Get(ids[0], true).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace memex::http
