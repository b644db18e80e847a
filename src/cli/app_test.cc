// In-process tests of argument handling: every usage error exits 2 before config or storage is
// touched (the store opener and the environment fail the test if called).
#include "cli/app.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace memex::cli {
namespace {

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

class AppTest : public ::testing::Test {
 protected:
  Outcome Invoke(std::initializer_list<const char*> args) {
    std::vector<const char*> argv = {"memex"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::istringstream in;
    std::ostringstream out, err;
    Deps deps{
        .version = "1.2.3",
        .open_store = [this](const Config&, const std::string&) -> Result<std::unique_ptr<Store>> {
          ++store_opens_;
          return Internal("no store in this test");
        },
        .clock = clock_,
        .env = [this](std::string_view) -> std::optional<std::string> {
          ++env_reads_;
          return std::nullopt;
        },
        .cwd = "/tmp/proj",
        .in = in,
        .out = out,
        .err = err,
    };
    Outcome r;
    r.code = RunCli(static_cast<int>(argv.size()), argv.data(), deps);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  void ExpectUsage(std::initializer_list<const char*> args, const std::string& message_part) {
    Outcome r = Invoke(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("memex: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(message_part), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(store_opens_, 0);
    EXPECT_EQ(env_reads_, 0);  // not even the config was loaded
  }

  FakeClock clock_{1'800'000'000'000};
  int store_opens_ = 0;
  int env_reads_ = 0;
};

TEST_F(AppTest, VersionFlagAndCommand) {
  Outcome r = Invoke({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "memex 1.2.3\n");
  r = Invoke({"version", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "{\"version\":\"1.2.3\"}\n");
  EXPECT_EQ(store_opens_, 0);
}

TEST_F(AppTest, HelpEverywhere) {
  Outcome r = Invoke({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* cmd : {"remember", "recall", "get", "update", "forget", "list", "export",
                          "import", "stats", "doctor", "version", "status", "Exit codes"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
  r = Invoke({"recall", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--explain"), std::string::npos);
  EXPECT_NE(r.out.find("--all-scopes"), std::string::npos);
  EXPECT_NE(r.out.find("Example:"), std::string::npos);
}

TEST_F(AppTest, NoCommandIsUsage) {
  Outcome r = Invoke({});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("remember"), std::string::npos);  // the help
}

TEST_F(AppTest, UsageErrors) {
  ExpectUsage({"bogus"}, "bogus");
  ExpectUsage({"recall"}, "query");
  ExpectUsage({"recall", "   "}, "recall needs a query");
  ExpectUsage({"recall", "--limit", "-1", "x"}, "--limit must be at least 1");
  ExpectUsage({"recall", "--limit", "ten", "x"}, "--limit");
  ExpectUsage({"recall", "--page", "0", "x"}, "--page must be at least 1");
  ExpectUsage({"recall", "--page", "2", "--offset", "3", "x"}, "cannot be combined");
  ExpectUsage({"recall", "--since", "2026-13-01", "x"}, "--since: invalid timestamp");
  ExpectUsage({"recall", "--since", "2026-02-01", "--until", "2026-01-01", "x"}, "earlier");
  ExpectUsage({"recall", "--kind", "fact,bogus", "x"}, "bogus");
  ExpectUsage({"recall", "--scopes", "Bad/x", "x"}, "--scopes");
  ExpectUsage({"recall", "--scopes", "a/b", "--all-scopes", "x"}, "cannot be combined");
  ExpectUsage({"list", "--offset", "-5"}, "--offset must not be negative");
  ExpectUsage({"remember", "--kind", "bogus", "text"}, "bogus");
  ExpectUsage({"remember", "--confidence", "1.5", "text"}, "--confidence");
  ExpectUsage({"remember", "--expires", "soon", "text"}, "--expires");
  ExpectUsage({"--scope", "Bad Scope", "remember", "text"}, "--scope");
  ExpectUsage({"remember", "text", "--scope", "a/b/c"}, "--scope");
  ExpectUsage({"--log-level", "loud", "stats"}, "--log-level");
  ExpectUsage({"get", "not-a-uuid"}, "invalid id");
  ExpectUsage({"get"}, "id");
  ExpectUsage({"forget", "123"}, "invalid id");
  ExpectUsage({"update", "0198c3e2-0000-7000-8000-000000000001"}, "nothing to update");
  ExpectUsage({"import"}, "file");
  ExpectUsage({"export", "--progress", "--no-progress"}, "cannot be combined");
}

TEST_F(AppTest, JsonUsageErrorOnStdout) {
  Outcome r = Invoke({"remember", "--kind", "bogus", "x", "--json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.rfind("{\"error\":{\"code\":\"usage\",\"message\":", 0), 0u) << r.out;
  r = Invoke({"--json", "nonsense"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out.rfind("{\"error\":{\"code\":\"usage\"", 0), 0u) << r.out;
}

TEST_F(AppTest, GlobalOptionsAfterTheCommand) {
  // --json after the subcommand falls through to the global option.
  Outcome r = Invoke({"version", "--json"});
  EXPECT_EQ(r.out, "{\"version\":\"1.2.3\"}\n");
  r = Invoke({"--json", "version"});
  EXPECT_EQ(r.out, "{\"version\":\"1.2.3\"}\n");
}

TEST_F(AppTest, StoreErrorsMapToExitCodes) {
  // The config loads with defaults (env returns nothing); the store opener fails: exit 1.
  Outcome r = Invoke({"--data-dir", "/nonexistent-memex-test/x", "--scope", "a/b", "get",
                      "0198c3e2-0000-7000-8000-000000000001"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("memex: error: "), std::string::npos);
}

}  // namespace
}  // namespace memex::cli
