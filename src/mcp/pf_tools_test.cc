#include "mcp/pf_tools.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "base/clock.h"
#include "base/text.h"
#include "base/time_util.h"
#include "redact/redactor.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::mcp {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kDay = 86400000;
constexpr int64_t kNow = 20000 * kDay;  // 2024-10-04
constexpr char kMissingId[] = "01234567-89ab-7def-8123-456789abcdef";

class PfToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-pftools-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    config_.limits.max_content_bytes = 2000;
    redactor_ = std::move(Redactor::Create(config_.redaction).value());
    auto s = SqliteStore::Open((dir_ / "m.db").string(), config_.storage, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    service_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    RegisterPagefaultTools(registry_, *service_, Scope{"ws", "p"}, config_, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  ToolOutcome Call(const std::string& tool, const Json& args) {
    EXPECT_NE(registry_.Find(tool), nullptr) << tool;
    return registry_.Call(tool, args, CallContext{});
  }
  Json Ok(const std::string& tool, const Json& args) {
    ToolOutcome out = Call(tool, args);
    if (auto* err = std::get_if<ToolError>(&out)) {
      ADD_FAILURE() << tool << " " << args.dump() << " failed: " << err->code << " "
                    << err->message;
      return Json();
    }
    return std::get<Json>(out);
  }
  ToolError Err(const std::string& tool, const Json& args) {
    ToolOutcome out = Call(tool, args);
    if (auto* json = std::get_if<Json>(&out)) {
      ADD_FAILURE() << tool << " " << args.dump() << " succeeded: " << json->dump();
      return ToolError{};
    }
    return std::get<ToolError>(out);
  }
  // Stores a memory through pf_poke and returns its result.
  Json Poke(const std::string& content, Json extra = Json::object()) {
    extra["content"] = content;
    extra["mode"] = "memory";
    return Ok("pf_poke", extra);
  }
  std::vector<std::string> ScanUris(Json args) {
    std::vector<std::string> uris;
    Json out = Ok("pf_scan", args);
    for (const Json& r : out["results"]) uris.push_back(r["uri"].get<std::string>());
    return uris;
  }

  fs::path dir_;
  Config config_;
  FakeClock clock_{kNow};
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
  ToolRegistry registry_;
};

TEST_F(PfToolsTest, RegistersPagefaultNamesTitlesAndAnnotations) {
  struct Want {
    std::string name, title;
    bool read_only, destructive, idempotent;
  };
  const Want wants[] = {
      {"pf_maps", "List Memory Regions", true, false, true},
      {"pf_load", "Load Memory Region", true, false, true},
      {"pf_scan", "Search Memory", true, false, true},
      {"pf_peek", "Read Resource", true, false, true},
      {"pf_fault", "Deep Memory Query", true, false, false},
      {"pf_ps", "Agent Status", true, false, true},
      {"pf_poke", "Write to Memory", false, true, false},
  };
  ASSERT_EQ(registry_.List().size(), std::size(wants));
  for (const Want& w : wants) {
    const ToolDef* def = registry_.Find(w.name);
    ASSERT_NE(def, nullptr) << w.name;
    EXPECT_EQ(def->title, w.title);
    EXPECT_EQ(def->annotations.read_only, w.read_only) << w.name;
    EXPECT_EQ(def->annotations.destructive, w.destructive) << w.name;
    EXPECT_EQ(def->annotations.idempotent, w.idempotent) << w.name;
    EXPECT_FALSE(def->description.empty());
    EXPECT_EQ(def->input_schema["type"], "object");
    EXPECT_TRUE(def->input_schema["properties"].is_object());
  }
  EXPECT_EQ(registry_.Find("pf_scan")->input_schema["required"], Json({"query"}));
  EXPECT_EQ(registry_.Find("pf_peek")->input_schema["required"], Json({"uri"}));
  EXPECT_EQ(registry_.Find("pf_load")->input_schema["required"], Json({"name"}));
}

TEST_F(PfToolsTest, MapsListsRecentScopesAndSources) {
  Poke("alpha one");
  Poke("alpha two");
  Poke("beta", {{"scope", "ws/q"}});
  Json out = Ok("pf_maps", Json::object());
  ASSERT_EQ(out["contexts"].size(), 1u);
  EXPECT_EQ(out["contexts"][0]["name"], "recent");
  EXPECT_TRUE(out["contexts"][0]["description"].is_string());
  EXPECT_EQ(out["scopes"], Json::parse(R"([{"scope":"ws/p","memories":2},
                                           {"scope":"ws/q","memories":1}])"));
  EXPECT_EQ(out["sources"][0]["uri_scheme"], "memex");
  EXPECT_EQ(Ok("pf_maps", nullptr)["scopes"].size(), 2u);
}

TEST_F(PfToolsTest, LoadRecentMarkdown) {
  Json a = Poke("first note", {{"tags", {"x"}}});
  clock_.Advance(1000);
  Json b = Poke("second note");
  clock_.Advance(1000);
  Poke("elsewhere", {{"scope", "ws/q"}});
  Json out = Ok("pf_load", {{"name", "recent"}});
  EXPECT_EQ(out["name"], "recent");
  EXPECT_EQ(out["format"], "markdown");
  EXPECT_FALSE(out.contains("skipped_sources"));
  std::string want = "# " + b["uri"].get<std::string>() + "\n\nsecond note\n\n---\n\n# " +
                     a["uri"].get<std::string>() + "\n\nfirst note";
  EXPECT_EQ(out["content"], want);

  out = Ok("pf_load", {{"name", "recent"}, {"format", "markdown-with-metadata"}});
  EXPECT_NE(out["content"].get<std::string>().find(a["uri"].get<std::string>() +
                                                   "\n\n> content-type: text/markdown\n> tags: "
                                                   "x\n\nfirst note"),
            std::string::npos)
      << out["content"];

  out = Ok("pf_load", {{"name", "recent"}, {"max_size", 10}});
  EXPECT_EQ(out["content"], want.substr(0, 10) + "\n\n...[truncated]");

  out = Ok("pf_load", {{"name", "recent"}, {"scope", "ws/q"}});
  EXPECT_NE(out["content"].get<std::string>().find("elsewhere"), std::string::npos);
}

TEST_F(PfToolsTest, LoadRecentJsonDropsTailSourcesOverBudget) {
  Json a = Poke("first note");
  clock_.Advance(1000);
  Json b = Poke("second note");
  Json out = Ok("pf_load", {{"name", "recent"}, {"format", "json"}});
  EXPECT_EQ(out["format"], "json");
  Json doc = Json::parse(out["content"].get<std::string>());
  EXPECT_EQ(doc["name"], "recent");
  ASSERT_EQ(doc["sources"].size(), 2u);
  EXPECT_EQ(doc["sources"][0]["uri"], b["uri"]);
  EXPECT_EQ(doc["sources"][0]["content_type"], "text/markdown");
  EXPECT_EQ(doc["sources"][0]["content"], "second note");
  EXPECT_EQ(doc["sources"][0]["metadata"]["backend"], "memex");

  size_t full = out["content"].get<std::string>().size();
  out = Ok("pf_load", {{"name", "recent"}, {"format", "json"}, {"max_size", full - 1}});
  doc = Json::parse(out["content"].get<std::string>());
  EXPECT_EQ(doc["sources"].size(), 1u);
  ASSERT_EQ(out["skipped_sources"].size(), 1u);
  EXPECT_EQ(out["skipped_sources"][0]["uri"], a["uri"]);
  EXPECT_EQ(out["skipped_sources"][0]["reason"], "max_size budget exceeded");
}

TEST_F(PfToolsTest, ScanResultShape) {
  Json w = Poke("The deploy uses blue green switching", {{"kind", "decision"}, {"tags", {"ops"}}});
  Json out = Ok("pf_scan", {{"query", "deploy"}});
  ASSERT_EQ(out["results"].size(), 1u);
  const Json& r = out["results"][0];
  EXPECT_EQ(r["uri"], w["uri"]);
  EXPECT_EQ(r["snippet"], "The deploy uses blue green switching");
  EXPECT_TRUE(r["score"].is_number());
  EXPECT_EQ(r["backend"], "memex");
  EXPECT_EQ(r["metadata"]["backend"], "memex");
  EXPECT_TRUE(r["metadata"]["line"].is_null());
  EXPECT_EQ(r["metadata"]["tags"], Json({"ops"}));
  EXPECT_EQ(r["metadata"]["kind"], "decision");
  EXPECT_EQ(r["metadata"]["created_at"], FormatRfc3339Ms(kNow));
  EXPECT_FALSE(r["metadata"].contains("explain"));

  out = Ok("pf_scan", {{"query", "deploy"}, {"explain", true}, {"backends", {"memex"}}});
  EXPECT_TRUE(out["results"][0]["metadata"]["explain"]["text"].is_number());
}

TEST_F(PfToolsTest, ScanSnippetIsBoundedUtf8SafeAndShowsTheMatch) {
  std::string text = "start";
  for (int i = 0; i < 200; ++i) text += " é";
  text += " needle here";
  for (int i = 0; i < 200; ++i) text += " ü";
  Poke(text);
  Json out = Ok("pf_scan", {{"query", "needle"}});
  std::string snippet = out["results"][0]["snippet"];
  EXPECT_LE(snippet.size(), 310u);
  EXPECT_TRUE(IsValidUtf8(snippet));
  EXPECT_NE(snippet.find("needle here"), std::string::npos) << snippet;
  EXPECT_EQ(snippet.rfind("…", 0), 0u) << snippet;

  Poke("short\n\nmulti   line\tnote");
  EXPECT_EQ(Ok("pf_scan", {{"query", "short"}})["results"][0]["snippet"], "short multi line note");
}

TEST_F(PfToolsTest, ScanLimitKindsTagsAndDates) {
  for (int i = 0; i < 5; ++i) {
    Poke("widget note " + std::to_string(i),
         {{"kind", i % 2 ? "gotcha" : "fact"}, {"tags", i < 2 ? Json({"old"}) : Json::array()}});
    clock_.Advance(kDay);
  }
  EXPECT_EQ(ScanUris({{"query", "widget"}}).size(), 5u);
  EXPECT_EQ(ScanUris({{"query", "widget"}, {"limit", 2}}).size(), 2u);
  EXPECT_EQ(ScanUris({{"query", "widget"}, {"limit", 100000}}).size(), 5u);
  EXPECT_EQ(ScanUris({{"query", "widget"}, {"kinds", {"gotcha"}}}).size(), 2u);
  EXPECT_EQ(ScanUris({{"query", "widget"}, {"tags", {"old"}}}).size(), 2u);
  // Created at kNow + i days: 2024-10-04 .. 2024-10-08.
  EXPECT_EQ(ScanUris({{"query", "widget"}, {"date_range", {{"from", "2024-10-05"}}}}).size(), 4u);
  EXPECT_EQ(ScanUris({{"query", "widget"},
                      {"date_range", {{"from", "2024-10-05"}, {"to", "2024-10-06"}}}})
                .size(),
            2u);
  EXPECT_EQ(
      ScanUris({{"query", "widget"}, {"date_range", {{"to", "2024-10-04T12:00:00Z"}}}}).size(), 1u);
}

TEST_F(PfToolsTest, ScanNeverCrossesScopesUnlessAsked) {
  Poke("shared word here");
  Poke("shared word there", {{"scope", "ws/q"}});
  Poke("shared word yonder", {{"scope", "other/r"}});
  EXPECT_EQ(ScanUris({{"query", "shared"}}).size(), 1u);
  auto q = ScanUris({{"query", "shared"}, {"scope", "ws/q"}});
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].rfind("memex://ws/q/", 0), 0u);
  EXPECT_EQ(ScanUris({{"query", "shared"}, {"scopes", {"ws/p", "ws/q"}}}).size(), 2u);
  EXPECT_EQ(ScanUris({{"query", "shared"}, {"scopes", {"*"}}}).size(), 3u);
}

TEST_F(PfToolsTest, PeekReadsAMemoryWithLineRanges) {
  Json w = Poke("line one\nline two\nline three", {{"tags", {"t"}}});
  Json out = Ok("pf_peek", {{"uri", w["uri"]}});
  const Json& res = out["resource"];
  EXPECT_EQ(res["uri"], w["uri"]);
  EXPECT_EQ(res["content"], "line one\nline two\nline three");
  EXPECT_EQ(res["content_type"], "text/markdown");
  EXPECT_EQ(res["metadata"]["backend"], "memex");
  EXPECT_EQ(res["metadata"]["size"], 28);
  EXPECT_EQ(res["metadata"]["mtime"], FormatRfc3339Ms(kNow));
  EXPECT_EQ(res["metadata"]["tags"], Json({"t"}));
  EXPECT_EQ(res["metadata"]["version"], 1);

  EXPECT_EQ(Ok("pf_peek", {{"uri", w["uri"]}, {"from_line", 2}})["resource"]["content"],
            "line two\nline three");
  EXPECT_EQ(Ok("pf_peek", {{"uri", w["uri"]}, {"to_line", 1}})["resource"]["content"], "line one");
  EXPECT_EQ(
      Ok("pf_peek", {{"uri", w["uri"]}, {"from_line", 2}, {"to_line", 2}})["resource"]["content"],
      "line two");
}

TEST_F(PfToolsTest, PeekRefusesAUriWhoseScopeIsNotTheMemorys) {
  Json w = Poke("secret plan");
  std::string id = w["id"];
  ToolError e = Err("pf_peek", {{"uri", "memex://ws/q/memories/" + id}});
  EXPECT_EQ(e.code, "resource_not_found");
  EXPECT_EQ(e.status, 404);
}

TEST_F(PfToolsTest, PokeReplaceScanPeekForgetLifecycle) {
  Json v1 = Poke("The build uses make", {{"kind", "convention"}, {"tags", {"build"}}});
  EXPECT_EQ(v1["status"], "written");
  EXPECT_EQ(v1["mode"], "memory");
  EXPECT_EQ(v1["version"], 1);
  EXPECT_EQ(v1["created"], true);
  EXPECT_EQ(v1["redactions"], 0);
  EXPECT_EQ(v1["uri"], "memex://ws/p/memories/" + v1["id"].get<std::string>());
  EXPECT_EQ(ScanUris({{"query", "build"}}), std::vector<std::string>{v1["uri"]});

  // Idempotent: the same content again is the same memory.
  EXPECT_EQ(Poke("The build uses make")["created"], false);

  clock_.Advance(1000);
  Json v2 = Poke("The build uses cmake and ninja", {{"replaces", v1["id"]}});
  EXPECT_EQ(v2["version"], 2);
  EXPECT_EQ(v2["replaces"], v1["id"]);
  EXPECT_EQ(v2["uri"].get<std::string>().rfind("memex://ws/p/memories/", 0), 0u);
  EXPECT_EQ(ScanUris({{"query", "build"}}), std::vector<std::string>{v2["uri"]});

  Json old = Ok("pf_peek", {{"uri", v1["uri"]}})["resource"];
  EXPECT_EQ(old["content"], "The build uses make");
  EXPECT_EQ(old["metadata"]["status"], "superseded");
  EXPECT_EQ(old["metadata"]["superseded_by"], v2["id"]);
  Json cur = Ok("pf_peek", {{"uri", v2["uri"]}})["resource"];
  EXPECT_EQ(cur["content"], "The build uses cmake and ninja");
  EXPECT_EQ(cur["metadata"]["kind"], "convention");  // carried over
  EXPECT_EQ(cur["metadata"]["supersedes"], v1["id"]);

  // Replacing by URI works too.
  Json v3 = Poke("The build uses cmake, ninja and ccache", {{"replaces", v2["uri"]}});
  EXPECT_EQ(v3["version"], 3);

  Json gone = Ok("pf_poke", {{"mode", "memory"}, {"forget", v3["uri"]}});
  EXPECT_EQ(gone["status"], "forgotten");
  EXPECT_EQ(gone["rows"], 3);
  EXPECT_TRUE(ScanUris({{"query", "build"}}).empty());
  EXPECT_EQ(Err("pf_peek", {{"uri", v3["uri"]}}).code, "resource_not_found");
  EXPECT_EQ(Err("pf_poke", {{"mode", "memory"}, {"forget", v3["id"]}}).code, "resource_not_found");
}

TEST_F(PfToolsTest, PokeRedactsSecrets) {
  Json w = Poke("the staging password=hunter2hunter2 is set");
  EXPECT_GE(w["redactions"].get<int>(), 1);
  std::string content = Ok("pf_peek", {{"uri", w["uri"]}})["resource"]["content"];
  EXPECT_EQ(content.find("hunter2hunter2"), std::string::npos) << content;
}

TEST_F(PfToolsTest, PsListsNoAgents) {
  EXPECT_EQ(Ok("pf_ps", Json::object()), Json::parse(R"({"agents":[]})"));
}

struct ErrorCase {
  std::string tool;
  std::string args;  // JSON
  std::string code;
  int status;
};

class PfToolsErrorTest : public PfToolsTest, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(PfToolsErrorTest, AnswersPagefaultError) {
  const ErrorCase& c = GetParam();
  std::string args = c.args;
  // "$ID" stands for an existing memory, "$URI" for its URI.
  Json w = Poke("an existing memory about widgets");
  for (auto [key, value] : {std::pair<std::string, std::string>{"$ID", w["id"]},
                            std::pair<std::string, std::string>{"$URI", w["uri"]}}) {
    for (size_t pos; (pos = args.find(key)) != std::string::npos;) {
      args.replace(pos, key.size(), value);
    }
  }
  ToolError e = Err(c.tool, Json::parse(args));
  EXPECT_EQ(e.code, c.code) << c.tool << " " << args << ": " << e.message;
  EXPECT_EQ(e.status, c.status) << c.tool << " " << args;
  EXPECT_FALSE(e.message.empty());
}

const std::string kMissing = kMissingId;
const std::string kBig(2001, 'x');

INSTANTIATE_TEST_SUITE_P(
    All, PfToolsErrorTest,
    ::testing::Values(
        ErrorCase{"pf_maps", R"([])", "invalid_request", 400},
        ErrorCase{"pf_load", R"({})", "invalid_request", 400},
        ErrorCase{"pf_load", R"({"name":7})", "invalid_request", 400},
        ErrorCase{"pf_load", R"({"name":"nope"})", "context_not_found", 404},
        ErrorCase{"pf_load", R"({"name":"recent","format":"html"})", "invalid_request", 400},
        ErrorCase{"pf_load", R"({"name":"recent","max_size":0})", "invalid_request", 400},
        ErrorCase{"pf_load", R"({"name":"recent","scope":"Bad!"})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"   "})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"x","limit":"ten"})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"x","limit":-1})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"x","backends":["fs"]})", "backend_not_found", 404},
        ErrorCase{"pf_scan", R"({"query":"x","date_range":{"from":"soon"}})", "invalid_request",
                  400},
        ErrorCase{"pf_scan", R"({"query":"x","date_range":{"from":3}})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"x","date_range":"2024"})", "invalid_request", 400},
        ErrorCase{"pf_scan",
                  R"({"query":"x","date_range":{"from":"2024-02-01","to":"2024-01-01"}})",
                  "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"x","kinds":["rumour"]})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"x","scopes":["a/b/c"]})", "invalid_request", 400},
        ErrorCase{"pf_scan", R"({"query":"x","explain":"yes"})", "invalid_request", 400},
        ErrorCase{"pf_peek", R"({})", "invalid_request", 400},
        ErrorCase{"pf_peek", R"({"uri":"no-scheme"})", "invalid_request", 400},
        ErrorCase{"pf_peek", R"({"uri":"memex://ws/p/memories/zzz"})", "invalid_request", 400},
        ErrorCase{"pf_peek", R"({"uri":"memory://notes/x.md"})", "backend_not_found", 404},
        ErrorCase{"pf_peek", R"({"uri":"memex://ws/p/memories/)" + kMissing + R"("})",
                  "resource_not_found", 404},
        ErrorCase{"pf_peek", R"({"uri":"$URI","from_line":-1})", "invalid_request", 400},
        ErrorCase{"pf_peek", R"({"uri":"$URI","from_line":3,"to_line":2})", "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"content":"x"})", "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"mode":"memory"})", "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"teleport"})", "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"content":")" + kBig + R"(","mode":"memory"})",
                  "content_too_large", 413},
        ErrorCase{"pf_poke", R"({"content":")" + kBig + R"(","mode":"direct","uri":"m://x"})",
                  "content_too_large", 413},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"memory","kind":"rumour"})",
                  "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"memory","tags":[1]})", "invalid_request",
                  400},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"memory","scope":"*"})", "invalid_request",
                  400},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"memory","replaces":")" + kMissing + R"("})",
                  "resource_not_found", 404},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"memory","replaces":"nope"})",
                  "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"mode":"memory","forget":")" + kMissing + R"("})",
                  "resource_not_found", 404},
        ErrorCase{"pf_poke", R"({"mode":"memory","forget":"memory://x/y"})", "backend_not_found",
                  404},
        ErrorCase{"pf_poke", R"({"mode":"memory","forget":"$ID","replaces":"$ID"})",
                  "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"direct"})", "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"direct","uri":"memory://notes/a.md"})",
                  "backend_not_found", 404},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"direct","uri":"$URI","format":"xml"})",
                  "invalid_request", 400},
        ErrorCase{"pf_poke", R"({"content":"x","mode":"agent"})", "agent_not_found", 404},
        ErrorCase{"pf_fault", R"({"query":"what did we decide"})", "agent_not_found", 404},
        ErrorCase{"pf_fault", R"({"query":""})", "invalid_request", 400},
        ErrorCase{"pf_ps", R"({"task_id":"pf_tk_1"})", "resource_not_found", 404},
        ErrorCase{"pf_ps", R"({"task_id":1})", "invalid_request", 400}));

}  // namespace
}  // namespace memex::mcp
