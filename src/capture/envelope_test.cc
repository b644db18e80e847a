#include "capture/envelope.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace memex::capture {
namespace {

namespace fs = std::filesystem;

class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "memex-envelope-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "repo" / ".git");
    std::ofstream(dir_ / "repo" / ".git" / "HEAD") << "ref: refs/heads/main\n";
    fs::create_directories(dir_ / "repo" / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(EnvelopeTest, ScopeAndBranchComeFromThePayloadsCwd) {
  Envelope e = MakeEnvelope(
      {"PostToolUse", "codex", (dir_ / "repo" / "sub").string(), dir_.string(), "", "default", 42});
  EXPECT_EQ(e.envelope.kind, EventKind::kPostToolUse);
  EXPECT_EQ(e.envelope.agent, "codex");
  EXPECT_EQ(e.envelope.scope, (Scope{"default", "repo"}));
  EXPECT_EQ(e.envelope.git_branch, "main");
  EXPECT_EQ(e.envelope.ts_ms, 42);
  EXPECT_TRUE(IsValidIngestKey(e.envelope.ingest_key));
  EXPECT_NE(MakeEnvelope({"stop", "", "", dir_.string(), "", "default", 0}).envelope.ingest_key,
            e.envelope.ingest_key);
  EXPECT_TRUE(e.warning.empty());
}

TEST_F(EnvelopeTest, FallbacksNeverFail) {
  // A relative payload cwd is not trusted; an unknown event is kept as "other".
  Envelope e =
      MakeEnvelope({"Teleport", "", "relative/dir", (dir_ / "repo").string(), "", "ws", 0});
  EXPECT_EQ(e.envelope.kind, EventKind::kOther);
  EXPECT_EQ(e.envelope.agent, "unknown");
  EXPECT_EQ(e.envelope.cwd, (dir_ / "repo").string());
  EXPECT_EQ(e.envelope.scope, (Scope{"ws", "repo"}));
  // A bad --scope is reported and the cwd decides.
  Envelope bad = MakeEnvelope({"stop", "a", (dir_ / "repo").string(), "", "Bad Scope!", "ws", 0});
  EXPECT_FALSE(bad.warning.empty());
  EXPECT_EQ(bad.envelope.scope, (Scope{"ws", "repo"}));
  Envelope explicit_scope =
      MakeEnvelope({"stop", "a", (dir_ / "repo").string(), "", "acme/api", "ws", 0});
  EXPECT_EQ(explicit_scope.envelope.scope, (Scope{"acme", "api"}));
}

}  // namespace
}  // namespace memex::capture
