#include "capture/event_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace memex::capture {
namespace {

TEST(EventJsonTest, RoundTripsEveryField) {
  Event e;
  e.seq = 7;
  e.ingest_key = "k1";
  e.session_id = "s";
  e.kind = EventKind::kPostToolUse;
  e.agent = "codex";
  e.scope = {"acme", "api"};
  e.cwd = "/w/api";
  e.git_branch = "main";
  e.ts_ms = 123;
  e.tool_name = "Bash";
  e.tool_use_id = "t";
  e.tool_input = R"({"command":"ls"})";
  e.tool_output = "a\nb";
  e.tool_error = true;
  e.duration_ms = 5;
  e.files = {"a.cc"};
  e.raw = "{}";
  Result<Event> back = EventFromJson(nlohmann::json::parse(EventToJson(e).dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
}

TEST(EventJsonTest, WrongTypesAreNamed) {
  Result<Event> bad = EventFromJson(nlohmann::json::parse(R"({"kind":"stop","ts_ms":"x"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ts_ms"), std::string::npos);
  EXPECT_FALSE(EventFromJson(nlohmann::json::parse(R"({"kind":"warp"})")).ok());
  EXPECT_FALSE(EventFromJson(nlohmann::json::parse("[]")).ok());
}

}  // namespace
}  // namespace memex::capture
