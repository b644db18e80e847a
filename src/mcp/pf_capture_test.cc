// The pagefault tools over capture (pf_capture.cc): contexts, pf_poke modes handoff and lesson,
// session/handoff/lesson URIs, the events channel of pf_scan, the tool-use join and the
// authorization of each, against a real SqliteStore (which is also the CaptureStore).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "base/clock.h"
#include "base/time_util.h"
#include "mcp/pf_tools.h"
#include "mcp/server.h"
#include "redact/redactor.h"
#include "service/capture_service.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::mcp {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kNow = 1'767'000'000'000;

Principal Who(Role role, std::vector<std::string> scopes) {
  Principal p;
  p.name = "t";
  p.token_id = "tok";
  p.role = role;
  p.scopes = std::move(scopes);
  return p;
}

class PfCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-pfcapture-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    config_.data_dir = dir_.string();
    config_.limits.max_content_bytes = 4000;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    capture_ = std::make_unique<CaptureService>(*service_, *store_, config_, clock_, *redactor_);
    RegisterPagefaultTools(registry_, *service_, Scope{"ws", "p"}, config_, clock_, capture_.get());
  }
  void TearDown() override {
    capture_.reset();
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  ToolOutcome Call(const std::string& tool, const Json& args, const CallContext& ctx) {
    EXPECT_NE(registry_.Find(tool), nullptr) << tool;
    return registry_.Call(tool, args, ctx);
  }
  Json Ok(const std::string& tool, const Json& args, const CallContext& ctx = CallContext{}) {
    ToolOutcome out = Call(tool, args, ctx);
    if (auto* err = std::get_if<ToolError>(&out)) {
      ADD_FAILURE() << tool << " " << args.dump() << " failed: " << err->code << " "
                    << err->message;
      return Json();
    }
    return std::get<Json>(out);
  }
  ToolError Err(const std::string& tool, const Json& args, const CallContext& ctx = CallContext{}) {
    ToolOutcome out = Call(tool, args, ctx);
    if (auto* json = std::get_if<Json>(&out)) {
      ADD_FAILURE() << tool << " " << args.dump() << " succeeded: " << json->dump();
      return ToolError{};
    }
    return std::get<ToolError>(out);
  }
  static CallContext As(Principal p) {
    CallContext ctx;
    ctx.principal = std::move(p);
    return ctx;
  }

  Event Ev(EventKind kind, const std::string& session, Scope scope = {"ws", "p"}) {
    Event e;
    e.kind = kind;
    e.session_id = session;
    e.agent = "claude-code";
    e.scope = std::move(scope);
    e.cwd = "/work/demo";
    e.ingest_key = "k" + std::to_string(++keys_);
    e.ts_ms = clock_.NowMs();
    clock_.Advance(1000);
    return e;
  }
  Event Prompt(const std::string& session, const std::string& text, Scope scope = {"ws", "p"}) {
    Event e = Ev(EventKind::kUserPrompt, session, std::move(scope));
    e.prompt = text;
    return e;
  }
  Event Tool(EventKind kind, const std::string& session, const std::string& id,
             const std::string& command) {
    Event e = Ev(kind, session);
    e.tool_name = "Bash";
    e.tool_use_id = id;
    e.tool_input = R"({"command":")" + command + R"("})";
    return e;
  }
  void Ingest(std::vector<Event> events) {
    std::vector<Event> prepared;
    for (Event& e : events) {
      Result<Event> p = capture_->Prepare(std::move(e));
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      prepared.push_back(std::move(*p));
    }
    Result<IngestSummary> r = capture_->Ingest(prepared);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  fs::path dir_;
  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
  std::unique_ptr<CaptureService> capture_;
  ToolRegistry registry_;
  int keys_ = 0;
};

TEST_F(PfCaptureTest, SchemaAndMapsListCaptureOnlyWhenAvailable) {
  const Json& mode = registry_.Find("pf_poke")->input_schema["properties"]["mode"];
  EXPECT_EQ(mode["enum"], Json({"memory", "direct", "agent", "handoff", "lesson"}));
  EXPECT_TRUE(registry_.Find("pf_poke")->input_schema["properties"].contains("input_regex"));
  const ToolDef* poke = registry_.Find("pf_poke");
  EXPECT_FALSE(poke->annotations.read_only);
  EXPECT_TRUE(poke->annotations.destructive);
  EXPECT_FALSE(poke->annotations.idempotent);

  Json maps = Ok("pf_maps", Json::object());
  std::vector<std::string> names;
  for (const Json& c : maps["contexts"]) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"recent", "handoff", "briefing", "lessons"}));
  ASSERT_GE(maps["sources"].size(), 2u);
  EXPECT_EQ(maps["sources"][1]["name"], "events");
  EXPECT_EQ(maps["sources"][1]["writable"], false);

  // Without capture: none of it, and the capture names are unknown.
  ToolRegistry plain;
  RegisterPagefaultTools(plain, *service_, Scope{"ws", "p"}, config_, clock_);
  EXPECT_EQ(plain.Find("pf_poke")->input_schema["properties"]["mode"]["enum"],
            Json({"memory", "direct", "agent"}));
  Json pmaps = std::get<Json>(plain.Call("pf_maps", Json::object(), CallContext{}));
  EXPECT_EQ(pmaps["contexts"].size(), 1u);
  EXPECT_EQ(pmaps["sources"].size(), 1u);
  auto code = [&](const std::string& tool, const Json& args) {
    ToolOutcome out = plain.Call(tool, args, CallContext{});
    return std::holds_alternative<ToolError>(out) ? std::get<ToolError>(out).code : "ok";
  };
  EXPECT_EQ(code("pf_load", {{"name", "handoff"}}), "context_not_found");
  EXPECT_EQ(code("pf_poke", {{"mode", "handoff"}, {"content", "x"}}), "invalid_request");
  EXPECT_EQ(code("pf_peek", {{"uri", "memex://ws/p/sessions/s1"}}), "invalid_request");
  EXPECT_EQ(code("pf_scan", {{"query", "x"}, {"backends", {"events"}}}), "backend_not_found");
}

TEST_F(PfCaptureTest, PokeHandoffThenLoadAndPeekIt) {
  EXPECT_EQ(Ok("pf_load", {{"name", "handoff"}})["content"], "");  // none yet

  Json w = Ok("pf_poke", {{"mode", "handoff"},
                          {"content", "Refactored the parser; tests pass"},
                          {"open_questions", {"Keep the old API?"}},
                          {"next_steps", {"Wire the CLI", "Update docs"}},
                          {"files_touched", {"src/parser.cc"}}});
  EXPECT_EQ(w["status"], "written");
  EXPECT_EQ(w["mode"], "handoff");
  std::string id = w["id"];
  EXPECT_EQ(w["uri"], "memex://ws/p/handoffs/" + id);

  Json out = Ok("pf_load", {{"name", "handoff"}});
  std::string content = out["content"];
  EXPECT_EQ(content.rfind("# memex://ws/p/handoffs/" + id + "\n\n", 0), 0u) << content;
  for (const char* want :
       {"Refactored the parser", "Keep the old API?", "Wire the CLI", "src/parser.cc"}) {
    EXPECT_NE(content.find(want), std::string::npos) << want << " in " << content;
  }
  Json doc = Json::parse(
      Ok("pf_load", {{"name", "handoff"}, {"format", "json"}})["content"].get<std::string>());
  ASSERT_EQ(doc["sources"].size(), 1u);
  EXPECT_EQ(doc["sources"][0]["metadata"]["manual"], true);
  EXPECT_EQ(Ok("pf_load", {{"name", "handoff"}, {"max_size", 12}})["content"],
            content.substr(0, 12) + "\n\n...[truncated]");
  // Another scope has its own (none).
  EXPECT_EQ(Ok("pf_load", {{"name", "handoff"}, {"scope", "ws/q"}})["content"], "");

  Json peek = Ok("pf_peek", {{"uri", w["uri"]}})["resource"];
  EXPECT_NE(peek["content"].get<std::string>().find("Refactored the parser"), std::string::npos);
  EXPECT_EQ(peek["metadata"]["id"], id);
  EXPECT_EQ(peek["metadata"]["backend"], "memex");
  EXPECT_EQ(Err("pf_peek", {{"uri", "memex://ws/q/handoffs/" + id}}).code, "resource_not_found");
}

TEST_F(PfCaptureTest, PokeLessonThenLoadLessonsAndBriefing) {
  EXPECT_EQ(Ok("pf_load", {{"name", "briefing"}})["content"], "");  // nothing to say yet
  EXPECT_EQ(Ok("pf_load", {{"name", "lessons"}})["content"], "");
  Json w = Ok("pf_poke", {{"mode", "lesson"},
                          {"content", "Never run rm -rf on the data directory"},
                          {"title", "Protect data"},
                          {"severity", "critical"},
                          {"tool", "Bash"},
                          {"input_regex", "rm\\s+-rf"}});
  EXPECT_EQ(w["status"], "written");
  EXPECT_EQ(w["mode"], "lesson");
  EXPECT_EQ(w["uri"], "memex://ws/p/lessons/" + w["id"].get<std::string>());
  EXPECT_FALSE(w.contains("global"));
  Json g = Ok("pf_poke", {{"mode", "lesson"},
                          {"content", "Quote shell variables"},
                          {"global", true},
                          {"file_globs", {"*.sh"}}});
  EXPECT_EQ(g["global"], true);

  std::string lessons = Ok("pf_load", {{"name", "lessons"}})["content"];
  EXPECT_NE(lessons.find("# " + w["uri"].get<std::string>()), std::string::npos) << lessons;
  EXPECT_NE(lessons.find("Never run rm -rf"), std::string::npos);
  EXPECT_NE(lessons.find("- severity: critical"), std::string::npos);
  EXPECT_NE(lessons.find("Quote shell variables"), std::string::npos);
  // Elsewhere only the global one applies.
  std::string other = Ok("pf_load", {{"name", "lessons"}, {"scope", "ws/q"}})["content"];
  EXPECT_EQ(other.find("Never run rm -rf"), std::string::npos) << other;
  EXPECT_NE(other.find("Quote shell variables"), std::string::npos) << other;

  Ok("pf_poke", {{"mode", "memory"}, {"content", "We chose SQLite WAL"}, {"kind", "decision"}});
  std::string briefing = Ok("pf_load", {{"name", "briefing"}})["content"];
  EXPECT_NE(briefing.find("We chose SQLite WAL"), std::string::npos) << briefing;
  EXPECT_NE(briefing.find("Never run rm -rf"), std::string::npos) << briefing;
  // A global lesson reaches every scope's briefing; the decisions stay in theirs.
  std::string elsewhere = Ok("pf_load", {{"name", "briefing"}, {"scope", "zz/top"}})["content"];
  EXPECT_NE(elsewhere.find("Quote shell variables"), std::string::npos) << elsewhere;
  EXPECT_EQ(elsewhere.find("We chose SQLite WAL"), std::string::npos) << elsewhere;

  Json peek = Ok("pf_peek", {{"uri", w["uri"]}, {"to_line", 1}})["resource"];
  EXPECT_EQ(peek["content"], "Protect data");
  EXPECT_EQ(peek["metadata"]["severity"], "critical");
}

TEST_F(PfCaptureTest, PeekSessionRendersEventsWithLineRanges) {
  Event start = Ev(EventKind::kSessionStart, "sess-1");
  start.detail = "startup";
  Event post = Tool(EventKind::kPostToolUse, "sess-1", "toolu_9", "make test");
  post.tool_output = "1 test failed";
  post.tool_error = true;
  Ingest({start, Prompt("sess-1", "fix the\nflaky test"),
          Tool(EventKind::kPreToolUse, "sess-1", "toolu_9", "make test"), post});

  Json res = Ok("pf_peek", {{"uri", "memex://ws/p/sessions/sess-1"}})["resource"];
  EXPECT_EQ(res["uri"], "memex://ws/p/sessions/sess-1");
  EXPECT_EQ(res["content_type"], "text/markdown");
  std::string content = res["content"];
  EXPECT_EQ(content.rfind("# Session sess-1\n", 0), 0u) << content;
  EXPECT_NE(content.find("- agent: claude-code"), std::string::npos) << content;
  EXPECT_NE(content.find(FormatRfc3339Ms(kNow) + " session-start (startup)"), std::string::npos)
      << content;
  EXPECT_NE(content.find("user-prompt-submit: fix the flaky test"), std::string::npos) << content;
  EXPECT_NE(content.find(R"(post-tool-use Bash {"command":"make test"} → 1 test failed [failed])"),
            std::string::npos)
      << content;
  EXPECT_EQ(res["metadata"]["id"], "sess-1");
  EXPECT_EQ(res["metadata"]["event_count"], 4);
  EXPECT_EQ(res["metadata"]["backend"], "memex");
  EXPECT_EQ(res["metadata"]["size"], content.size());

  Json one =
      Ok("pf_peek",
         {{"uri", "memex://ws/p/sessions/sess-1"}, {"from_line", 1}, {"to_line", 1}})["resource"];
  EXPECT_EQ(one["content"], "# Session sess-1");

  // A session id that is not a URI-safe word round-trips through %XX.
  Ingest({Prompt("odd id/with space", "hello there")});
  Json odd = Ok("pf_scan", {{"query", "hello"}, {"backends", {"events"}}});
  ASSERT_EQ(odd["results"].size(), 1u);
  std::string odd_uri = odd["results"][0]["uri"];
  EXPECT_EQ(odd_uri, "memex://ws/p/sessions/odd%20id%2Fwith%20space");
  EXPECT_EQ(Ok("pf_peek", {{"uri", odd_uri}})["resource"]["metadata"]["id"], "odd id/with space");
}

TEST_F(PfCaptureTest, SessionsOutsideTheCallersScopesAreNotFound) {
  Ingest({Prompt("sess-q", "secret work", Scope{"ws", "q"})});
  EXPECT_EQ(Ok("pf_peek", {{"uri", "memex://ws/q/sessions/sess-q"}})["resource"]["metadata"]["id"],
            "sess-q");
  // The wrong scope in the URI, or a caller limited to ws/p: not found, like a missing id.
  EXPECT_EQ(Err("pf_peek", {{"uri", "memex://ws/p/sessions/sess-q"}}).code, "resource_not_found");
  CallContext p_only = As(Who(Role::kAdmin, {"ws/p"}));
  ToolError e = Err("pf_peek", {{"uri", "memex://ws/q/sessions/sess-q"}}, p_only);
  EXPECT_EQ(e.code, "resource_not_found");
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(Err("pf_peek", {{"uri", "memex://ws/p/sessions/nope"}}).code, "resource_not_found");
  // Nor do its events reach pf_scan, even over every scope.
  Json all = Ok("pf_scan", {{"query", "secret"}, {"scopes", {"*"}}}, p_only);
  EXPECT_TRUE(all["results"].empty()) << all;
  EXPECT_EQ(Ok("pf_scan", {{"query", "secret"}, {"scopes", {"*"}}})["results"].size(), 1u);
  EXPECT_EQ(
      Err("pf_scan", {{"query", "secret"}, {"scope", "ws/q"}, {"backends", {"events"}}}, p_only)
          .code,
      "access_violation");
  // Loading another scope's contexts is refused as reading its memories is.
  EXPECT_EQ(Err("pf_load", {{"name", "handoff"}, {"scope", "ws/q"}}, p_only).code,
            "access_violation");
}

TEST_F(PfCaptureTest, WritesNeedTheRole) {
  CallContext reader = As(Who(Role::kRead, {"*"}));
  ToolError e = Err("pf_poke", {{"mode", "handoff"}, {"content", "done"}}, reader);
  EXPECT_EQ(e.code, "access_violation");
  EXPECT_EQ(e.status, 403);
  e = Err("pf_poke", {{"mode", "lesson"}, {"content", "be careful"}, {"tool", "Bash"}}, reader);
  EXPECT_EQ(e.code, "access_violation");
  CallContext writer = As(Who(Role::kWrite, {"ws/p"}));
  EXPECT_EQ(Err("pf_poke", {{"mode", "handoff"}, {"content", "x"}, {"scope", "ws/q"}}, writer).code,
            "access_violation");
  Ok("pf_poke", {{"mode", "lesson"}, {"content", "be careful"}, {"tool", "Bash"}}, writer);
  // A global lesson speaks in every scope: administrators only.
  EXPECT_EQ(Err("pf_poke",
                {{"mode", "lesson"}, {"content", "x"}, {"tool", "Bash"}, {"global", true}}, writer)
                .code,
            "access_violation");
  Json lessons = Ok("pf_load", {{"name", "lessons"}, {"format", "json"}});
  EXPECT_EQ(Json::parse(lessons["content"].get<std::string>())["sources"].size(), 1u);
}

TEST_F(PfCaptureTest, ScanFallsBackToSessionEvents) {
  Json mem = Ok("pf_poke", {{"mode", "memory"}, {"content", "frobnicate the cache nightly"}});
  Ingest({Prompt("sess-1", "please frobnicate the widget"),
          Prompt("sess-2", "frobnicate again, harder")});

  Json out = Ok("pf_scan", {{"query", "frobnicate"}});
  ASSERT_EQ(out["results"].size(), 3u) << out;
  EXPECT_EQ(out["results"][0]["uri"], mem["uri"]);
  double memory_score = out["results"][0]["score"];
  for (size_t i = 1; i < 3; ++i) {
    const Json& r = out["results"][i];
    EXPECT_EQ(r["backend"], "events");
    EXPECT_EQ(r["metadata"]["backend"], "events");
    EXPECT_EQ(r["metadata"]["kind"], "user-prompt-submit");
    EXPECT_TRUE(r["metadata"]["seq"].is_number_integer());
    EXPECT_TRUE(r["metadata"]["created_at"].is_string());
    EXPECT_GT(r["score"].get<double>(), 0.0);
    EXPECT_LT(r["score"].get<double>(), memory_score);
    std::string sid = r["metadata"]["session_id"];
    EXPECT_EQ(r["uri"], "memex://ws/p/sessions/" + sid);
    EXPECT_NE(r["snippet"].get<std::string>().find("frobnicate"), std::string::npos);
  }
  // Bounded by limit; the store's hits come first.
  Json one = Ok("pf_scan", {{"query", "frobnicate"}, {"limit", 1}});
  ASSERT_EQ(one["results"].size(), 1u);
  EXPECT_EQ(one["results"][0]["backend"], "memex");
  EXPECT_EQ(Ok("pf_scan", {{"query", "frobnicate"}, {"limit", 2}})["results"].size(), 2u);
  // "memex" alone keeps the fallback; "events" alone asks for events only.
  EXPECT_EQ(Ok("pf_scan", {{"query", "frobnicate"}, {"backends", {"memex"}}})["results"].size(),
            3u);
  Json ev = Ok("pf_scan", {{"query", "widget"}, {"backends", {"events"}}});
  ASSERT_EQ(ev["results"].size(), 1u);
  EXPECT_EQ(ev["results"][0]["uri"], "memex://ws/p/sessions/sess-1");
  // Events carry no kind or tags; date_range bounds their time.
  EXPECT_EQ(Ok("pf_scan", {{"query", "frobnicate"}, {"kinds", {"fact"}}})["results"].size(), 1u);
  EXPECT_EQ(Ok("pf_scan", {{"query", "frobnicate"},
                           {"backends", {"events"}},
                           {"date_range", {{"from", FormatRfc3339Ms(kNow + 1000)}}}})["results"]
                .size(),
            1u);
  // Another scope's events stay there.
  EXPECT_TRUE(Ok("pf_scan", {{"query", "widget"}, {"scope", "ws/q"}})["results"].empty());
}

TEST_F(PfCaptureTest, ScanLeavesOutItsOwnCallAndMemoryReads) {
  Event own = Ev(EventKind::kPreToolUse, "sess-3");
  own.tool_name = "mcp__memex__pf_scan";
  own.tool_use_id = "toolu_self";
  own.tool_input = R"({"query":"zanzibar"})";
  Event earlier = own;
  earlier.tool_use_id = "toolu_before";
  earlier.ingest_key = "k-before";
  Event bash = Tool(EventKind::kPostToolUse, "sess-3", "toolu_bash", "grep zanzibar notes.txt");
  Ingest({own, earlier, bash});
  CallContext ctx;
  ctx.tool_use_id = "toolu_self";
  Json out = Ok("pf_scan", {{"query", "zanzibar"}}, ctx);
  ASSERT_EQ(out["results"].size(), 1u) << out;
  EXPECT_EQ(out["results"][0]["metadata"]["tool_name"], "Bash");
}

TEST_F(PfCaptureTest, ToolUseIdLinksAWriteWhoseHookEventIsStillQueued) {
  Ingest({Prompt("sess-9", "remember the port")});
  // The PreToolUse was prepared (POST /hook) but the queue has not stored it yet.
  ASSERT_TRUE(capture_->Prepare(Tool(EventKind::kPreToolUse, "sess-9", "toolu_q", "n/a")).ok());
  CallContext ctx;
  ctx.tool_use_id = "toolu_q";
  Json w = Ok("pf_poke", {{"mode", "memory"}, {"content", "Queued link"}}, ctx);
  EXPECT_EQ(w["session"], "sess-9");
}

TEST_F(PfCaptureTest, ToolUseIdLinksWritesToTheirSession) {
  Ingest({Prompt("sess-7", "remember the port"),
          Tool(EventKind::kPreToolUse, "sess-7", "toolu_42", "n/a")});
  CallContext ctx;
  ctx.tool_use_id = "toolu_42";
  Json w = Ok("pf_poke", {{"mode", "memory"}, {"content", "The dev server runs on 8123"}}, ctx);
  EXPECT_EQ(w["session"], "sess-7");
  auto m = service_->Get(w["id"]);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->session, "sess-7");
  EXPECT_EQ(m->agent, "claude-code");
  EXPECT_EQ(Ok("pf_peek", {{"uri", w["uri"]}})["resource"]["metadata"]["session"], "sess-7");

  Json h = Ok("pf_poke", {{"mode", "handoff"}, {"content", "Port documented"}}, ctx);
  auto handoff = capture_->GetHandoff(h["id"]);
  ASSERT_TRUE(handoff.ok());
  EXPECT_EQ(handoff->from_session, "sess-7");
  EXPECT_EQ(handoff->from_agent, "claude-code");

  // Unknown ids, and sessions the caller may not read, give no link; the write still succeeds.
  ctx.tool_use_id = "toolu_unknown";
  Json u = Ok("pf_poke", {{"mode", "memory"}, {"content", "Unlinked note"}}, ctx);
  EXPECT_FALSE(u.contains("session"));
  EXPECT_TRUE(service_->Get(u["id"])->session.empty());
  CallContext other = As(Who(Role::kWrite, {"ws/q"}));
  other.tool_use_id = "toolu_42";
  Json o = Ok("pf_poke", {{"mode", "memory"}, {"content", "Other note"}, {"scope", "ws/q"}}, other);
  EXPECT_FALSE(o.contains("session"));
}

TEST_F(PfCaptureTest, ServerPassesTheToolUseIdFromMeta) {
  ToolRegistry tools;
  std::string seen;
  tools.Add(ToolDef{.name = "probe", .description = "records the tool use id"},
            [&seen](const Json&, const CallContext& ctx) -> ToolOutcome {
              seen = ctx.tool_use_id;
              return Json::object();
            });
  Server server(ServerInfo{"memex", "0", "memex"}, "", tools);
  Session session;
  server.Handle({{"jsonrpc", "2.0"},
                 {"id", 1},
                 {"method", "initialize"},
                 {"params", {{"protocolVersion", "2025-06-18"}}}},
                session);
  auto call = [&](Json meta) {
    seen = "unset";
    Json params{{"name", "probe"}, {"arguments", Json::object()}};
    if (!meta.is_null()) params["_meta"] = std::move(meta);
    std::optional<Json> r = server.Handle(
        {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/call"}, {"params", params}}, session);
    EXPECT_TRUE(r && r->contains("result")) << (r ? r->dump() : "no reply");
    return seen;
  };
  EXPECT_EQ(call({{"claudecode/toolUseId", "toolu_01"}}), "toolu_01");
  EXPECT_EQ(call({{"callId", "call_abc"}}), "call_abc");
  EXPECT_EQ(call(nullptr), "");
  EXPECT_EQ(call({{"callId", 7}}), "");  // ignored, never an error
  EXPECT_EQ(call({{"callId", std::string(300, 'x')}}), "");
}

struct CaptureErrorCase {
  std::string tool;
  std::string args;  // JSON
  std::string code;
  std::string mentions;  // the message must name this (e.g. the field)
};

class PfCaptureErrorTest : public PfCaptureTest,
                           public ::testing::WithParamInterface<CaptureErrorCase> {};

TEST_P(PfCaptureErrorTest, AnswersPagefaultError) {
  const CaptureErrorCase& c = GetParam();
  ToolError e = Err(c.tool, Json::parse(c.args));
  EXPECT_EQ(e.code, c.code) << c.args << ": " << e.message;
  EXPECT_NE(e.message.find(c.mentions), std::string::npos) << e.message;
}

INSTANTIATE_TEST_SUITE_P(
    All, PfCaptureErrorTest,
    ::testing::Values(
        CaptureErrorCase{"pf_load", R"({"name":"handoffs"})", "context_not_found", "handoffs"},
        CaptureErrorCase{"pf_load", R"({"name":"briefing","scope":"*"})", "invalid_request", "*"},
        CaptureErrorCase{"pf_peek", R"({"uri":"memex://ws/p/sessions/bad id"})", "invalid_request",
                         "session id"},
        CaptureErrorCase{"pf_peek", R"({"uri":"memex://ws/p/sessions/"})", "invalid_request",
                         "session id"},
        CaptureErrorCase{"pf_peek", R"({"uri":"memex://ws/p/sessions/a%2"})", "invalid_request",
                         "session id"},
        CaptureErrorCase{"pf_peek", R"({"uri":"memex://ws/p/handoffs/nope"})", "invalid_request",
                         "handoff id"},
        CaptureErrorCase{"pf_peek",
                         R"({"uri":"memex://ws/p/lessons/01234567-89ab-7def-8123-456789abcdef"})",
                         "resource_not_found", "lesson"},
        CaptureErrorCase{"pf_peek", R"({"uri":"memex://ws/p/pages/x"})", "invalid_request",
                         "unknown collection"},
        CaptureErrorCase{"pf_poke", R"({"mode":"handoff"})", "invalid_request", "content"},
        CaptureErrorCase{"pf_poke", R"({"mode":"handoff","content":"x","next_steps":[1]})",
                         "invalid_request", "next_steps"},
        CaptureErrorCase{"pf_poke",
                         R"({"mode":"handoff","content":")" + std::string(3001, 'x') + R"("})",
                         "content_too_large", "3000"},
        CaptureErrorCase{"pf_poke", R"({"mode":"handoff","content":"x","scope":"*"})",
                         "invalid_request", "*"},
        CaptureErrorCase{"pf_poke", R"({"mode":"lesson","content":"x","input_regex":"(unclosed"})",
                         "invalid_request", "input_regex"},
        CaptureErrorCase{"pf_poke", R"({"mode":"lesson","content":"x","tool":"Bash",
                                        "severity":"dire"})",
                         "invalid_request", "severity"},
        CaptureErrorCase{"pf_poke", R"({"mode":"lesson","content":"x","tool":"Bash",
                                        "phase":"lunch"})",
                         "invalid_request", "phase"},
        CaptureErrorCase{"pf_poke", R"({"mode":"lesson","content":"x"})", "invalid_request",
                         "trigger"},
        CaptureErrorCase{"pf_poke", R"({"mode":"lesson","content":"x","tool":"Bash",
                                        "global":"yes"})",
                         "invalid_request", "global"},
        CaptureErrorCase{"pf_poke", R"({"mode":"teleport","content":"x"})", "invalid_request",
                         "handoff or lesson"}));

}  // namespace
}  // namespace memex::mcp
