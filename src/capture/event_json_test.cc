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
namespace {

TEST(EventJsonTest, RecordsRoundTrip) {
  Session s;
  s.id = "s1";
  s.scope = {"acme", "api"};
  s.agent = "codex";
  s.started_ms = 1;
  s.last_event_ms = 2;
  s.ended_ms = 3;
  s.end_reason = "exit";
  s.prompt_count = 4;
  s.tool_count = 5;
  s.summary_id = "m";
  s.handoff_offered = "h";
  Result<Session> s2 = SessionFromJson(nlohmann::json::parse(SessionToJson(s).dump()));
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  EXPECT_EQ(*s2, s);

  Handoff h;
  h.id = "h";
  h.scope = {"acme", "api"};
  h.manual = true;
  h.summary = "sum";
  h.next_steps = {"a", "b"};
  h.state = HandoffState::kAccepted;
  h.accepted_by_session = "s2";
  Result<Handoff> h2 = HandoffFromJson(nlohmann::json::parse(HandoffToJson(h).dump()));
  ASSERT_TRUE(h2.ok()) << h2.status().ToString();
  EXPECT_EQ(*h2, h);

  Lesson l;
  l.id = "l";
  l.global = true;
  l.rule = "r";
  l.title = "t";
  l.severity = Severity::kCritical;
  l.tool = "Bash";
  l.file_globs = {"*.sql"};
  l.active = false;
  l.trigger_count = 3;
  Result<Lesson> l2 = LessonRecordFromJson(nlohmann::json::parse(LessonToJson(l).dump()));
  ASSERT_TRUE(l2.ok()) << l2.status().ToString();
  EXPECT_EQ(*l2, l);
  EXPECT_FALSE(SessionFromJson(nlohmann::json::parse(R"({"id":1})")).ok());
}

}  // namespace
}  // namespace memex::capture
