#include "http/rest_api.h"

#include <utility>
#include <variant>

#include "core/search.h"

namespace memex::http {

Reply ErrorReply(int status, std::string_view code, std::string_view message) {
  mcp::Json body = {
      {"error", {{"code", code}, {"status", status}, {"message", std::string(message)}}}};
  // dump() with error_handler_t::replace: a message quoting invalid UTF-8 input must not throw.
  return Reply{.status = status,
               .body = body.dump(-1, ' ', false, mcp::Json::error_handler_t::replace)};
}

RestApi::RestApi(const mcp::ToolRegistry& tools, MemoryService& service, Scope probe_scope,
                 std::string version)
    : tools_(tools),
      service_(service),
      probe_scope_(std::move(probe_scope)),
      version_(std::move(version)) {}

Reply RestApi::CallTool(const std::string& tool, const Request& request) const {
  if (tools_.Find(tool) == nullptr) {
    return ErrorReply(404, "resource_not_found", "unknown tool '" + tool + "'");
  }
  mcp::Json args = mcp::Json::object();
  if (request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    args = mcp::Json::parse(request.body, nullptr, false);
    if (args.is_discarded()) return ErrorReply(400, "invalid_request", "body is not valid JSON");
    if (!args.is_object()) {
      return ErrorReply(400, "invalid_request", "body must be a JSON object of tool arguments");
    }
  }
  mcp::ToolOutcome outcome = tools_.Call(
      tool, args, mcp::CallContext{.principal = request.principal, .interface = "rest"});
  if (const auto* error = std::get_if<mcp::ToolError>(&outcome)) {
    return ErrorReply(error->status, error->code, error->message);
  }
  return Reply{.body = std::get<mcp::Json>(outcome).dump(-1, ' ', false,
                                                         mcp::Json::error_handler_t::replace)};
}

Reply RestApi::Health() const {
  SearchFilter filter;
  filter.scopes = {probe_scope_};
  Result<StoreStats> stats = service_.Stats(filter);
  mcp::Json store = {{"status", stats.ok() ? "ok" : "unavailable"}};
  if (!stats.ok()) store["error"] = stats.status().ToString();
  mcp::Json body = {{"status", stats.ok() ? "ok" : "unavailable"},
                    {"version", version_},
                    {"components", {{"store", store}}}};
  return Reply{.body = body.dump(-1, ' ', false, mcp::Json::error_handler_t::replace)};
}

}  // namespace memex::http
