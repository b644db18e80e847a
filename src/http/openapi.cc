#include "http/openapi.h"

namespace memex::http {
namespace {

using mcp::Json;

Json ErrorEnvelopeSchema() {
  // seeds-catalogue §000 "Error envelope": {"error":{"code","status","message"}}.
  return {
      {"type", "object"},
      {"required", {"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "status", "message"}},
          {"properties",
           {{"code",
             {{"type", "string"},
              {"enum",
               {"invalid_request", "access_violation", "resource_not_found", "context_not_found",
                "backend_not_found", "agent_not_found", "content_too_large", "rate_limited",
                "backend_unavailable", "internal_error"}}}},
            {"status", {{"type", "integer"}}},
            {"message", {{"type", "string"}}}}}}}}}};
}

Json ErrorResponse(const std::string& description) {
  return {{"description", description},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/ErrorEnvelope"}}}}}}}};
}

}  // namespace

Json BuildOpenApi(const mcp::ToolRegistry& tools, const std::string& version) {
  Json paths = Json::object();
  for (const mcp::ToolDef* def : tools.List()) {
    Json schema = def->input_schema.is_object() ? def->input_schema : Json{{"type", "object"}};
    paths["/api/" + def->name] = {
        {"post",
         {{"operationId", def->name},
          {"summary", def->title.empty() ? def->name : def->title},
          {"description", def->description},
          {"x-mcp-annotations",
           {{"readOnlyHint", def->annotations.read_only},
            {"destructiveHint", def->annotations.destructive},
            {"idempotentHint", def->annotations.idempotent},
            {"openWorldHint", def->annotations.open_world}}},
          {"requestBody",
           {{"required", false}, {"content", {{"application/json", {{"schema", schema}}}}}}},
          {"responses",
           {{"200",
             {{"description", "the tool's output object"},
              {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}},
            {"default", ErrorResponse("pagefault's error envelope")}}}}}};
  }
  paths["/health"] = {
      {"get",
       {{"operationId", "health"},
        {"summary", "Liveness and per-component status"},
        {"responses",
         {{"200",
           {{"description", "status of the server and its components"},
            {"content",
             {{"application/json",
               {{"schema",
                 {{"type", "object"},
                  {"properties",
                   {{"status", {{"type", "string"}, {"enum", {"ok", "unavailable"}}}},
                    {"version", {{"type", "string"}}},
                    {"components", {{"type", "object"}}}}}}}}}}}}}}}}}};
  paths["/metrics"] = {
      {"get",
       {{"operationId", "metrics"},
        {"summary", "Prometheus metrics (text exposition format 0.0.4)"},
        {"responses",
         {{"200",
           {{"description", "request counts, latency histograms, store sizes"},
            {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}}}}}};
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "memex"},
            {"version", version},
            {"description",
             "memex REST API: pagefault's tools at POST /api/<tool> (same registry as MCP)."}}},
          {"paths", paths},
          {"components", {{"schemas", {{"ErrorEnvelope", ErrorEnvelopeSchema()}}}}}};
}

}  // namespace memex::http
