// ToolRegistry: calls reach observers and the audit log with timing, size and error.
#include "mcp/tool.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace memex::mcp {
namespace {

Principal Named(std::string name) {
  Principal p;
  p.name = std::move(name);
  return p;
}

namespace fs = std::filesystem;

ToolRegistry Registry() {
  ToolRegistry tools;
  tools.Add(ToolDef{.name = "echo"}, [](const Json& args, const CallContext&) -> ToolOutcome {
    return Json{{"echo", args}};
  });
  tools.Add(ToolDef{.name = "fail"}, [](const Json&, const CallContext&) -> ToolOutcome {
    return ToolError{"access_violation", 403, "no"};
  });
  return tools;
}

TEST(ToolRegistryTest, ObserversSeeEveryCall) {
  ToolRegistry tools = Registry();
  std::vector<std::string> seen;
  tools.AddObserver([&seen](const CallRecord& r) {
    seen.push_back(r.tool + ":" + r.ctx.interface + ":" + std::to_string(r.result_bytes) + ":" +
                   (r.error != nullptr ? r.error->code : "ok"));
    EXPECT_GE(r.duration_ms, 0);
    EXPECT_GT(r.start_ms, 0);
  });
  Principal p;
  p.name = "p";
  CallContext rest{.principal = p, .interface = "rest"};
  (void)tools.Call("echo", Json{{"a", 1}}, rest);
  (void)tools.Call("fail", Json::object(), rest);
  (void)tools.Call("nope", Json::object(), rest);
  EXPECT_EQ(seen, (std::vector<std::string>{"echo:rest:16:ok", "fail:rest:0:access_violation",
                                            "nope:rest:0:invalid_request"}));
}

TEST(ToolRegistryTest, AuditLogGetsOneMaskedLinePerCall) {
  std::string tmpl = (fs::temp_directory_path() / "memex-tool-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  fs::path path = fs::path(tmpl) / "audit.jsonl";
  auto log = audit::AuditLog::Open({.path = path.string()});
  ASSERT_TRUE(log.ok());
  ToolRegistry tools = Registry();
  tools.SetAuditLog(log->get());
  (void)tools.Call("echo", Json{{"api_key", "k"}, {"q", "x"}},
                   CallContext{.principal = Named("alice"), .interface = "mcp"});
  (void)tools.Call("fail", Json::object(),
                   CallContext{.principal = Named("bob"), .interface = "cli"});
  std::ifstream in(path);
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["tool"], "echo");
  EXPECT_EQ(lines[0]["principal"], "alice");
  EXPECT_EQ(lines[0]["interface"], "mcp");
  EXPECT_EQ(lines[0]["args"]["api_key"], "[REDACTED]");
  EXPECT_EQ(lines[0]["args"]["q"], "x");
  EXPECT_GT(lines[0]["result_bytes"].get<int>(), 0);
  EXPECT_TRUE(lines[0]["error"].is_null());
  EXPECT_EQ(lines[1]["interface"], "cli");
  EXPECT_EQ(lines[1]["error"]["code"], "access_violation");
  fs::remove_all(tmpl);
}

}  // namespace
}  // namespace memex::mcp
