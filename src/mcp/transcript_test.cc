// Golden MCP transcripts (src/mcp/testdata/*.jsonl) replayed through the stdio transport; the
// format and ReplayTranscript are in transcript_replay.h.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "mcp/server.h"
#include "mcp/stdio_transport.h"
#include "mcp/tool.h"
#include "mcp/transcript_replay.h"

namespace memex::mcp {
namespace {

using namespace ::memex::mcp::transcript;  // NOLINT(google-build-using-namespace): test helpers

class TranscriptTest : public ::testing::Test {
 protected:
  TranscriptTest() : server_(ServerInfo{"memex", "0.0.0-test", "memex"}, "instructions", tools_) {
    AddTestTools(tools_);
  }

  ToolRegistry tools_;
  Server server_;
};

TEST_F(TranscriptTest, HasTranscripts) { EXPECT_GE(TranscriptFiles().size(), 4u); }

// Each send is one Run over a one-line stream, so every response is matched to its request.
TEST_F(TranscriptTest, ReplaysOverStdioLineByLine) {
  for (const fs::path& file : TranscriptFiles()) {
    SCOPED_TRACE(file.filename().string());
    StdioTransport transport(server_);
    SendFn send = [&transport](const std::string& line) {
      std::istringstream in(line + "\n");
      std::ostringstream out;
      Status st = transport.Run(in, out);
      EXPECT_TRUE(st.ok()) << st.ToString();
      return SplitLines(out.str());
    };
    EXPECT_TRUE(ReplayTranscript(file, send));
  }
}

// The whole transcript as one stream ending in EOF: the same responses, in the same order.
TEST_F(TranscriptTest, ReplaysOverStdioAsOneStream) {
  for (const fs::path& file : TranscriptFiles()) {
    SCOPED_TRACE(file.filename().string());
    std::vector<Step> steps;
    ASSERT_TRUE(LoadTranscript(file, steps));
    std::string input;
    std::vector<Json> expected;
    for (const Step& s : steps) {
      input += s.send + "\n";
      expected.insert(expected.end(), s.expected.begin(), s.expected.end());
    }
    StdioTransport transport(server_);
    std::istringstream in(input);
    std::ostringstream out;
    ASSERT_TRUE(transport.Run(in, out).ok());
    std::vector<std::string> got = SplitLines(out.str());
    ASSERT_EQ(got.size(), expected.size()) << out.str();
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(Mismatch(expected[i], Json::parse(got[i]), "response"), "") << got[i];
    }
  }
}

TEST(TranscriptMatchTest, Patterns) {
  Json actual = {{"a", 1}, {"b", "hello world"}, {"c", {1, 2}}};
  EXPECT_EQ(Mismatch(actual, actual, "r"), "");
  EXPECT_EQ(Mismatch({{"a", "<number>"}, {"b", "<contains:world>"}, {"c", "<any>"}}, actual, "r"),
            "");
  EXPECT_EQ(Mismatch({{"a", 1}, {"...", true}}, actual, "r"), "");
  EXPECT_NE(Mismatch({{"a", 1}}, actual, "r"), "");
  EXPECT_NE(Mismatch({{"a", "<string>"}, {"...", true}}, actual, "r"), "");
  EXPECT_NE(Mismatch({{"b", "<contains:moon>"}, {"...", true}}, actual, "r"), "");
  EXPECT_NE(Mismatch({{"c", {1}}, {"...", true}}, actual, "r"), "");
  EXPECT_NE(Mismatch({{"d", 1}, {"...", true}}, actual, "r"), "");
}

}  // namespace
}  // namespace memex::mcp
