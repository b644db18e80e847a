// pf_scan, pf_peek, pf_poke and pf_maps over a filesystem source next to the memex store.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "mcp/pf_tools.h"
#include "redact/redactor.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::mcp {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Masks entry stamps so expectations do not depend on the time of day.
std::string MaskTimes(std::string text) {
  return std::regex_replace(text, std::regex(R"(## \[\d\d:\d\d\])"), "## [HH:MM]");
}

void WriteFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

class PfSourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-pfsrc-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    root_ = dir_ / "notes";
    WriteFile(root_ / "daily/2026-04-10.md", "# Thursday\nDeployed the zebrafish pipeline.\n");
    WriteFile(root_ / "decisions/db.md", "We picked zebrafish storage over yak storage.\n");
    WriteFile(root_ / "private/secret.md", "zebrafish secret\n");
    WriteFile(dir_ / "outside.md", "zebrafish outside\n");
    fs::create_symlink(dir_ / "outside.md", root_ / "daily/link.md");
    SourceConfig sc;
    sc.name = "notes";
    sc.root = root_.string();
    sc.uri_scheme = "memory";
    sc.include = {"**/*.md"};
    sc.exclude = {"private/**"};
    sc.auto_tags = {{"decisions/**", {"decision"}}};
    sc.writable = true;
    sc.write_paths = {"memory://daily/*.md"};
    config_.sources.push_back(sc);
    SourceConfig ro = sc;
    ro.name = "docs";
    ro.uri_scheme = "docs";
    ro.writable = false;
    config_.sources.push_back(ro);
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

  fs::path dir_, root_;
  Config config_;
  FakeClock clock_{1775820600000};
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<MemoryService> service_;
  ToolRegistry registry_;
};

TEST_F(PfSourcesTest, MapsListsSources) {
  Json out = Ok("pf_maps", Json::object());
  ASSERT_EQ(out["sources"].size(), 3u);
  EXPECT_EQ(out["sources"][0]["name"], "memex");
  EXPECT_EQ(out["sources"][1]["name"], "notes");
  EXPECT_EQ(out["sources"][1]["type"], "filesystem");
  EXPECT_EQ(out["sources"][1]["uri_scheme"], "memory");
  EXPECT_EQ(out["sources"][1]["writable"], true);
  EXPECT_EQ(out["sources"][2]["writable"], false);
}

TEST_F(PfSourcesTest, ScanMergesStoreAndFilesByScore) {
  Ok("pf_poke", {{"mode", "memory"}, {"content", "zebrafish tanks need cleaning weekly"}});
  Json out = Ok("pf_scan", {{"query", "zebrafish"}, {"limit", 10}});
  std::set<std::string> backends, uris;
  double last = 2;
  for (const Json& r : out["results"]) {
    backends.insert(r["backend"].get<std::string>());
    uris.insert(r["uri"].get<std::string>());
    EXPECT_LE(r["score"].get<double>(), last);
    last = r["score"].get<double>();
  }
  EXPECT_EQ(backends, (std::set<std::string>{"memex", "notes", "docs"}));
  EXPECT_TRUE(uris.count("memory://daily/2026-04-10.md"));
  EXPECT_TRUE(uris.count("memory://decisions/db.md"));
  EXPECT_FALSE(uris.count("memory://private/secret.md"));
  EXPECT_FALSE(uris.count("memory://daily/link.md"));  // a symlink out of the root
  EXPECT_EQ(out["results"].size(), 5u);

  Json only = Ok("pf_scan", {{"query", "zebrafish"}, {"backends", {"notes"}}});
  ASSERT_EQ(only["results"].size(), 2u);
  for (const Json& r : only["results"]) {
    EXPECT_EQ(r["backend"], "notes");
    EXPECT_EQ(r["metadata"]["line"], r["uri"] == "memory://decisions/db.md" ? 1 : 2);
  }
  Json tagged =
      Ok("pf_scan", {{"query", "zebrafish"}, {"backends", {"notes"}}, {"tags", {"decision"}}});
  ASSERT_EQ(tagged["results"].size(), 1u);
  EXPECT_EQ(tagged["results"][0]["uri"], "memory://decisions/db.md");
  Json store = Ok("pf_scan", {{"query", "zebrafish"}, {"backends", {"memex"}}});
  ASSERT_EQ(store["results"].size(), 1u);
  EXPECT_EQ(store["results"][0]["backend"], "memex");
  EXPECT_EQ(Ok("pf_scan", {{"query", "zebrafish"}, {"limit", 2}})["results"].size(), 2u);
  EXPECT_EQ(Err("pf_scan", {{"query", "x"}, {"backends", {"nope"}}}).code, "backend_not_found");
}

TEST_F(PfSourcesTest, PeekRoutesByScheme) {
  Json out = Ok("pf_peek", {{"uri", "memory://daily/2026-04-10.md"}, {"from_line", 2}});
  EXPECT_EQ(out["resource"]["content"], "Deployed the zebrafish pipeline.\n");
  EXPECT_EQ(out["resource"]["metadata"]["backend"], "notes");
  EXPECT_EQ(Err("pf_peek", {{"uri", "nope://x.md"}}).code, "backend_not_found");
  ToolError e = Err("pf_peek", {{"uri", "memory://../outside.md"}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(Err("pf_peek", {{"uri", "memory:///etc/passwd"}}).status, 400);
  EXPECT_EQ(Err("pf_peek", {{"uri", "memory://daily/link.md"}}).code, "resource_not_found");
  EXPECT_EQ(Err("pf_peek", {{"uri", "memory://private/secret.md"}}).code, "resource_not_found");
}

TEST_F(PfSourcesTest, PokeDirectAppends) {
  Json out =
      Ok("pf_poke",
         {{"mode", "direct"}, {"uri", "memory://daily/2026-04-10.md"}, {"content", "Shipped."}});
  EXPECT_EQ(out["status"], "written");
  EXPECT_EQ(out["mode"], "direct");
  EXPECT_EQ(out["backend"], "notes");
  EXPECT_EQ(out["format"], "entry");
  EXPECT_EQ(MaskTimes(ReadFile(root_ / "daily/2026-04-10.md")),
            "# Thursday\nDeployed the zebrafish pipeline.\n"
            "\n---\n## [HH:MM] via memex (local)\n\nShipped.\n");
  auto direct = [](const char* uri) {
    return Json{{"mode", "direct"}, {"uri", uri}, {"content", "x"}};
  };
  EXPECT_EQ(Err("pf_poke", direct("memory://decisions/db.md")).code, "access_violation");
  EXPECT_EQ(Err("pf_poke", direct("docs://daily/2026-04-10.md")).code, "access_violation");
  EXPECT_EQ(Err("pf_poke", direct("memory://daily/link.md")).code, "access_violation");
  EXPECT_EQ(Err("pf_poke", direct("memory://daily/../../outside.md")).status, 400);
  EXPECT_EQ(Err("pf_poke", direct("nope://daily/x.md")).code, "backend_not_found");
  Json raw = direct("memory://daily/x.md");
  raw["format"] = "raw";
  EXPECT_EQ(Err("pf_poke", raw).status, 400);  // append-only source
  Json big = direct("memory://daily/x.md");
  big["content"] = std::string(2001, 'a');
  EXPECT_EQ(Err("pf_poke", big).code, "content_too_large");
  EXPECT_EQ(ReadFile(dir_ / "outside.md"), "zebrafish outside\n");
}

TEST_F(PfSourcesTest, ConcurrentPokesAllLand) {
  constexpr int kThreads = 6, kEach = 20;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kEach; ++i) {
          Ok("pf_poke", {{"mode", "direct"},
                         {"uri", "memory://daily/log.md"},
                         {"content", std::string(1000, 'z')}});
        }
      });
    }
  }
  std::string text = MaskTimes(ReadFile(root_ / "daily/log.md"));
  std::string entry = "\n---\n## [HH:MM] via memex (local)\n\n" + std::string(1000, 'z') + "\n";
  std::string want;
  for (int i = 0; i < kThreads * kEach; ++i) want += entry;
  EXPECT_EQ(text.size(), want.size());
  EXPECT_TRUE(text == want) << "appends interleaved";
}

}  // namespace
}  // namespace memex::mcp
