#include "cli/output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace memex::cli {
namespace {

TEST(OutputTest, HumanErrorGoesToStderrWithHint) {
  std::ostringstream out, err;
  Output o(out, err, /*json=*/false);
  o.Error("not_found", "no memory 'x'", "try list");
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "memex: error: no memory 'x'\nmemex: hint: try list\n");
}

TEST(OutputTest, JsonErrorIsOneDocumentOnStdout) {
  std::ostringstream out, err;
  Output o(out, err, /*json=*/true);
  o.Error("invalid_argument", "content is empty");
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(out.str(), R"({"error":{"code":"invalid_argument","message":"content is empty"}})"
                       "\n");
}

TEST(OutputTest, InvalidUtf8IsReplacedNotThrown) {
  std::ostringstream out, err;
  Output o(out, err, true);
  o.PrintJson(Json{{"path", std::string("a\xff")}});
  EXPECT_EQ(out.str(), "{\"path\":\"a\xEF\xBF\xBD\"}\n");
}

TEST(OutputJsonTest, MemoryHitAndPlan) {
  RankedHit hit;
  hit.memory.id = "0198c3e2-0000-7000-8000-000000000001";
  hit.memory.scope = {"default", "proj"};
  hit.memory.content = "hello";
  hit.memory.created_ms = hit.memory.updated_ms = 1'800'000'000'000;
  hit.score = 0.5;
  hit.channels.matched_terms = {"hello"};
  Json j = HitJson(hit, 1, /*explain=*/true);
  EXPECT_EQ(j["rank"], 1);
  EXPECT_EQ(j["memory"]["id"], hit.memory.id);
  EXPECT_EQ(j["memory"]["content"], "hello");
  EXPECT_EQ(j["explain"]["matched_terms"][0], "hello");
  EXPECT_FALSE(HitJson(hit, 1, /*explain=*/false).contains("explain"));

  QueryPlan plan;
  plan.terms = {"hello"};
  plan.term_stats = {{4, false}};
  plan.identifiers = {"a.cc"};
  plan.ident_df = {-1};
  Json p = PlanJson(plan);
  EXPECT_EQ(p["terms"][0]["df"], 4);
  EXPECT_EQ(p["identifiers"][0]["ignored"], true);
}

TEST(OutputJsonTest, Stats) {
  StoreStats s;
  s.live = 2;
  s.by_kind = {{Kind::kFact, 2}};
  s.scopes = {{{"default", "a"}, 2, 0, 0}};
  Json j = StatsJson(s);
  EXPECT_EQ(j["live"], 2);
  EXPECT_EQ(j["by_kind"]["fact"], 2);
  EXPECT_EQ(j["scopes"][0]["scope"], "default/a");
  EXPECT_TRUE(j["oldest_at"].is_null());
}

}  // namespace
}  // namespace memex::cli
