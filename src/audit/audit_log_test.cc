// The audit log: masking, line format, appends from many threads, rotation, failure handling.
#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace memex::audit {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-audit-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  AuditEntry Entry(std::string tool = "pf_scan") {
    return AuditEntry{.time_ms = 1763757226123,
                      .principal = "local",
                      .interface = "rest",
                      .tool = std::move(tool),
                      .args = {{"query", "x"}},
                      .duration_ms = 1.5,
                      .result_bytes = 42};
  }

  fs::path dir_;
};

TEST(MaskArgsTest, RedactsSecretKeysAtAnyDepth) {
  Json args = {{"query", "q"},
               {"API_KEY", "k"},
               {"nested", {{"bearer_token", "t"}, {"ok", 1}}},
               {"list", Json::array({Json{{"Password", "p"}}, "plain"})},
               {"authorization", Json{{"deep", "x"}}},
               {"client_secret", 7}};
  Json masked = MaskArgs(args);
  EXPECT_EQ(masked["query"], "q");
  EXPECT_EQ(masked["API_KEY"], "[REDACTED]");
  EXPECT_EQ(masked["nested"]["bearer_token"], "[REDACTED]");
  EXPECT_EQ(masked["nested"]["ok"], 1);
  EXPECT_EQ(masked["list"][0]["Password"], "[REDACTED]");
  EXPECT_EQ(masked["list"][1], "plain");
  EXPECT_EQ(masked["authorization"], "[REDACTED]");
  EXPECT_EQ(masked["client_secret"], "[REDACTED]");
}

TEST(MaskArgsTest, TruncatesLongStringsOnUtf8Boundary) {
  std::string s = "a";  // odd offset: the cut would land inside a two-byte sequence
  for (int i = 0; i < 1000; ++i) s += "\xC3\xA9";
  Json masked = MaskArgs(Json{{"content", s}});
  std::string out = masked["content"];
  EXPECT_LT(out.size(), kMaxArgStringBytes + 40);
  EXPECT_NE(out.find("...[truncated "), std::string::npos);
  EXPECT_FALSE(Json(out).dump().empty());  // still valid UTF-8
  EXPECT_EQ(MaskArgs(Json{{"content", "short"}})["content"], "short");
}

TEST(MaskArgsTest, ScrubsStringsBeforeTruncating) {
  Scrubber scrub = [](std::string_view s) {
    std::string out(s);
    for (size_t at; (at = out.find("ghp_secret")) != std::string::npos;) {
      out.replace(at, 10, "[REDACTED:github]");
    }
    return out;
  };
  Json masked = MaskArgs(Json{{"content", "key ghp_secret here"},
                              {"list", {"ghp_secret"}},
                              {"long", std::string(1020, 'x') + "ghp_secret"}},
                         scrub);
  EXPECT_EQ(masked["content"], "key [REDACTED:github] here");
  EXPECT_EQ(masked["list"][0], "[REDACTED:github]");
  EXPECT_EQ(masked["long"].get<std::string>().find("ghp_"), std::string::npos);
}

TEST(FormatEntryTest, FieldsAndOrder) {
  AuditEntry e{.time_ms = 1763757226123,
               .principal = "alice",
               .interface = "mcp",
               .tool = "pf_poke",
               .args = {{"token", "abc"}, {"content", "hi"}},
               .duration_ms = 2.34567,
               .result_bytes = 10,
               .error = AuditError{"invalid_request", "bad"}};
  EXPECT_EQ(FormatEntry(e),
            R"({"time":"2025-11-21T20:33:46.123Z","principal":"alice","interface":"mcp",)"
            R"("tool":"pf_poke","args":{"content":"hi","token":"[REDACTED]"},)"
            R"("duration_ms":2.346,"result_bytes":10,)"
            R"("error":{"code":"invalid_request","message":"bad"}})");
  AuditEntry r{.time_ms = 0, .principal = "p", .interface = "rest", .route = "GET /health"};
  Json parsed = Json::parse(FormatEntry(r));
  EXPECT_EQ(parsed["route"], "GET /health");
  EXPECT_FALSE(parsed.contains("tool"));
  EXPECT_TRUE(parsed["error"].is_null());
  EXPECT_EQ(parsed["args"], Json::object());
}

TEST_F(AuditLogTest, CreatesDirectoryAndAppendsLines) {
  fs::path path = dir_ / "audit" / "audit.jsonl";
  {
    auto log = AuditLog::Open({.path = path.string()});
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    (*log)->Record(Entry("pf_scan"));
    (*log)->Record(Entry("pf_load"));
  }
  {  // reopening appends
    auto log = AuditLog::Open({.path = path.string()});
    ASSERT_TRUE(log.ok());
    (*log)->Record(Entry("pf_peek"));
  }
  std::vector<std::string> lines = Lines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(Json::parse(lines[0])["tool"], "pf_scan");
  EXPECT_EQ(Json::parse(lines[2])["tool"], "pf_peek");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::others_read, fs::perms::none);
}

TEST_F(AuditLogTest, ConcurrentRecordsNeverInterleave) {
  fs::path path = dir_ / "audit.jsonl";
  auto log = AuditLog::Open({.path = path.string(), .max_bytes = 0});
  ASSERT_TRUE(log.ok());
  AuditLog& l = **log;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&l, t] {
        AuditEntry e{.principal = "t" + std::to_string(t),
                     .interface = "mcp",
                     .tool = "pf_scan",
                     .args = {{"content", std::string(3000, 'x')}}};
        for (int i = 0; i < 100; ++i) l.Record(e);
      });
    }
  }
  std::vector<std::string> lines = Lines(path);
  ASSERT_EQ(lines.size(), 800u);
  for (const std::string& line : lines) {
    Json j = Json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line.substr(0, 100);
  }
}

TEST_F(AuditLogTest, RotatesBySizeAndKeepsMaxFiles) {
  fs::path path = dir_ / "audit.jsonl";
  size_t line_bytes = FormatEntry(Entry()).size() + 1;
  auto log = AuditLog::Open(
      {.path = path.string(), .max_bytes = static_cast<int64_t>(line_bytes * 2), .max_files = 2});
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 9; ++i) (*log)->Record(Entry());  // 2 lines per file
  EXPECT_EQ(Lines(path).size(), 1u);
  EXPECT_EQ(Lines(path.string() + ".1").size(), 2u);
  EXPECT_EQ(Lines(path.string() + ".2").size(), 2u);
  EXPECT_FALSE(fs::exists(path.string() + ".3"));
}

TEST_F(AuditLogTest, MaxFilesZeroTruncates) {
  fs::path path = dir_ / "audit.jsonl";
  size_t line_bytes = FormatEntry(Entry()).size() + 1;
  auto log = AuditLog::Open(
      {.path = path.string(), .max_bytes = static_cast<int64_t>(line_bytes), .max_files = 0});
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 3; ++i) (*log)->Record(Entry());
  EXPECT_EQ(Lines(path).size(), 1u);
  EXPECT_FALSE(fs::exists(path.string() + ".1"));
}

TEST_F(AuditLogTest, OpenErrors) {
  EXPECT_EQ(AuditLog::Open({.path = ""}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AuditLog::Open({.path = (dir_ / "a").string(), .max_bytes = -1}).status().code(),
            StatusCode::kInvalidArgument);
  std::ofstream(dir_ / "file") << "x";
  EXPECT_EQ(AuditLog::Open({.path = (dir_ / "file" / "audit.jsonl").string()}).status().code(),
            StatusCode::kUnavailable);
}

TEST_F(AuditLogTest, FailedWriteDoesNotThrow) {
  fs::path path = dir_ / "audit.jsonl";
  auto log = AuditLog::Open({.path = path.string(), .max_bytes = 1, .max_files = 1});
  ASSERT_TRUE(log.ok());
  (*log)->Record(Entry());
  fs::remove_all(dir_);  // rotation and reopen now fail: warnings only
  (*log)->Record(Entry());
  (*log)->Record(Entry());
  fs::create_directories(dir_);
}

TEST_F(AuditLogTest, OpenAuditLogFromConfig) {
  AuditConfig config;
  auto def = OpenAuditLog(config, dir_.string());
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ((*def)->path(), (dir_ / "audit" / "audit.jsonl").string());
  config.path = "logs/a.jsonl";
  auto rel = OpenAuditLog(config, dir_.string());
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ((*rel)->path(), (dir_ / "logs" / "a.jsonl").string());
  config.enabled = false;
  auto off = OpenAuditLog(config, dir_.string());
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->get(), nullptr);
}

}  // namespace
}  // namespace memex::audit
