// The OpenAPI document generated from the pagefault tool registry.
#include "http/openapi.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mcp/pf_tools.h"
#include "mcp/tool.h"

namespace memex::http {
namespace {

using mcp::Json;

// Stand-ins with pagefault's seven names; metrics_test.cc checks the document of the real
// registry as served by a live server.
class OpenApiTest : public ::testing::Test {};

mcp::ToolRegistry SevenTools() {
  mcp::ToolRegistry tools;
  for (const char* name :
       {"pf_maps", "pf_load", "pf_scan", "pf_peek", "pf_poke", "pf_ps", "pf_fault"}) {
    tools.Add(mcp::ToolDef{.name = name,
                           .title = std::string("title of ") + name,
                           .description = "d",
                           .input_schema = {{"type", "object"},
                                            {"properties", {{"x", {{"type", "string"}}}}}},
                           .annotations = {.read_only = true}},
              [](const Json&, const mcp::CallContext&) -> mcp::ToolOutcome { return Json(); });
  }
  return tools;
}

TEST_F(OpenApiTest, ListsEveryToolWithSchemaAndErrorEnvelope) {
  mcp::ToolRegistry tools = SevenTools();
  std::string text = BuildOpenApi(tools, "1.2.3").dump();
  Json doc = Json::parse(text, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  std::set<std::string> tool_paths;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (path.starts_with("/api/")) {
      tool_paths.insert(path);
      const Json& post = item["post"];
      EXPECT_EQ(post["requestBody"]["content"]["application/json"]["schema"]["type"], "object");
      EXPECT_EQ(post["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorEnvelope");
      EXPECT_EQ(post["x-mcp-annotations"]["readOnlyHint"], true);
    }
  }
  EXPECT_EQ(tool_paths,
            (std::set<std::string>{"/api/pf_maps", "/api/pf_load", "/api/pf_scan", "/api/pf_peek",
                                   "/api/pf_poke", "/api/pf_ps", "/api/pf_fault"}));
  EXPECT_TRUE(doc["paths"]["/health"].contains("get"));
  EXPECT_TRUE(doc["paths"]["/metrics"].contains("get"));
  const Json& env = doc["components"]["schemas"]["ErrorEnvelope"];
  EXPECT_EQ(env["properties"]["error"]["required"], Json({"code", "status", "message"}));
}

}  // namespace
}  // namespace memex::http
