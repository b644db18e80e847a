// Metrics: the exposition text, and a live `memex serve`-style server scraped over HTTP after
// REST, MCP and unknown-route traffic; also GET /api/openapi.json on the same server.
#include "http/metrics.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "http/http_server.h"
#include "http/openapi.h"
#include "http/rest_api.h"
#include "mcp/pf_tools.h"
#include "mcp/server.h"
#include "redact/redactor.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::http {
namespace {

namespace fs = std::filesystem;
using mcp::Json;

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, RendersCountersAndCumulativeHistograms) {
  Metrics m(nullptr);
  m.ObserveRequest("GET /health", 200, 0.0004);
  m.ObserveRequest("GET /health", 200, 0.003);
  m.ObserveRequest("POST /api/{tool}", 404, 7);
  m.ObserveTool("pf_scan", "", 0.02);
  m.ObserveTool("pf_scan", "invalid_request", 0.0001);
  m.ObserveTool("we\"ird", "", 0.0001);
  std::string text = m.Render();
  EXPECT_TRUE(Has(text, "# TYPE memex_http_requests_total counter"));
  EXPECT_TRUE(Has(text, R"(memex_http_requests_total{route="GET /health",status="200"} 2)"));
  EXPECT_TRUE(Has(text, R"(memex_http_requests_total{route="POST /api/{tool}",status="404"} 1)"));
  EXPECT_TRUE(Has(
      text, R"(memex_http_request_duration_seconds_bucket{route="GET /health",le="0.0005"} 1)"));
  EXPECT_TRUE(
      Has(text, R"(memex_http_request_duration_seconds_bucket{route="GET /health",le="0.005"} 2)"));
  EXPECT_TRUE(Has(
      text, R"(memex_http_request_duration_seconds_bucket{route="POST /api/{tool}",le="5"} 0)"));
  EXPECT_TRUE(Has(
      text, R"(memex_http_request_duration_seconds_bucket{route="POST /api/{tool}",le="+Inf"} 1)"));
  EXPECT_TRUE(Has(text, R"(memex_http_request_duration_seconds_count{route="GET /health"} 2)"));
  EXPECT_TRUE(Has(text, R"(memex_tool_calls_total{tool="pf_scan",error=""} 1)"));
  EXPECT_TRUE(Has(text, R"(memex_tool_calls_total{tool="pf_scan",error="invalid_request"} 1)"));
  EXPECT_TRUE(Has(text, R"(memex_tool_call_duration_seconds_count{tool="pf_scan"} 2)"));
  EXPECT_TRUE(Has(text, R"(memex_tool_calls_total{tool="we\"ird",error=""} 1)"));
  EXPECT_EQ(text.find("memex_store_memories"), std::string::npos);  // no service
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, ConcurrentObservationsAreAllCounted) {
  Metrics m(nullptr);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&m] {
        for (int i = 0; i < 1000; ++i) m.ObserveRequest("GET /health", 200, 0.001);
      });
    }
  }
  EXPECT_TRUE(
      Has(m.Render(), R"(memex_http_requests_total{route="GET /health",status="200"} 8000)"));
}

class LiveMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-metrics-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    mcp::RegisterPagefaultTools(tools_, *service_, Scope{"ws", "p"}, config_, clock_);
    metrics_ = std::make_unique<Metrics>(service_.get());
    tools_.AddObserver(metrics_->ToolObserver());
    mcp_ = std::make_unique<mcp::Server>(mcp::ServerInfo{"memex", "0.0.0-test", "memex"},
                                         "instructions", tools_);
    rest_ = std::make_unique<RestApi>(tools_, *service_, Scope{"ws", "p"}, "0.0.0-test");
    ServerConfig sc;
    sc.port = 0;
    sc.threads = 4;
    auto started =
        HttpServer::Start(sc, *mcp_, *rest_,
                          ServeExtras{.metrics = metrics_.get(),
                                      .openapi_json = BuildOpenApi(tools_, "0.0.0-test").dump()});
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    http_ = std::move(started).value();
    cli_ = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
    cli_->set_read_timeout(10, 0);
  }
  void TearDown() override {
    http_.reset();
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  Config config_;
  FakeClock clock_{20000LL * 86400000};
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
  mcp::ToolRegistry tools_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<mcp::Server> mcp_;
  std::unique_ptr<RestApi> rest_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<httplib::Client> cli_;
};

TEST_F(LiveMetricsTest, ScrapeCountsRoutesToolsAndStore) {
  Json poke = {{"mode", "memory"}, {"content", "the build uses ninja"}};
  auto r1 = cli_->Post("/api/pf_poke", poke.dump(), "application/json");
  ASSERT_TRUE(r1);
  ASSERT_EQ(r1->status, 200) << r1->body;
  auto r2 = cli_->Post("/api/pf_scan", R"({"query":"ninja"})", "application/json");
  ASSERT_TRUE(r2);
  auto r3 = cli_->Post("/api/pf_nope", "{}", "application/json");
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->status, 404);
  ASSERT_TRUE(cli_->Get("/health"));

  auto res = cli_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = res->body;
  EXPECT_TRUE(Has(text, R"(memex_http_requests_total{route="POST /api/pf_{tool}",status="200"} 2)"))
      << text;
  EXPECT_TRUE(
      Has(text, R"(memex_http_requests_total{route="POST /api/pf_{tool}",status="404"} 1)"));
  EXPECT_TRUE(Has(text, R"(memex_http_requests_total{route="GET /health",status="200"} 1)"));
  EXPECT_TRUE(Has(text, R"(memex_tool_calls_total{tool="pf_poke",error=""} 1)"));
  EXPECT_TRUE(Has(text, R"(memex_tool_call_duration_seconds_count{tool="pf_scan"} 1)"));
  EXPECT_TRUE(Has(text, "memex_store_up 1"));
  EXPECT_TRUE(Has(text, R"(memex_store_memories{state="live"} 1)"));
  EXPECT_TRUE(Has(text, R"(memex_store_memories{state="superseded"} 0)"));
  EXPECT_TRUE(Has(text, R"(memex_store_memories{state="forgotten"} 0)"));

  // The scrape itself is counted by the next one.
  auto again = cli_->Get("/metrics");
  ASSERT_TRUE(again);
  EXPECT_TRUE(
      Has(again->body, R"(memex_http_requests_total{route="GET /metrics",status="200"} 1)"));
}

TEST_F(LiveMetricsTest, ServesOpenApi) {
  auto res = cli_->Get("/api/openapi.json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  Json doc = Json::parse(res->body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const char* tool :
       {"pf_maps", "pf_load", "pf_scan", "pf_peek", "pf_poke", "pf_ps", "pf_fault"}) {
    const Json& post = doc["paths"]["/api/" + std::string(tool)]["post"];
    EXPECT_EQ(post["operationId"], tool);
    EXPECT_EQ(post["requestBody"]["content"]["application/json"]["schema"],
              tools_.Find(tool)->input_schema);
  }
  EXPECT_TRUE(doc["paths"].contains("/health"));
  EXPECT_TRUE(doc["paths"].contains("/metrics"));
}

}  // namespace
}  // namespace memex::http
