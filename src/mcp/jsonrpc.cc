#include "mcp/jsonrpc.h"

#include <utility>

namespace memex::mcp {
namespace {

RpcError Invalid(std::string message, Json id = nullptr) {
  return RpcError{kInvalidRequest, std::move(message), std::move(id), nullptr};
}

bool IsValidId(const Json& id) { return id.is_string() || id.is_number(); }

ParseResult ParseResponse(const Json& doc) {
  // A response's id may be null only when it reports an error (JSON-RPC 2.0 §5).
  auto id_it = doc.find("id");
  if (id_it == doc.end()) return Invalid("\"id\" is required in a response");
  const Json& id = *id_it;
  bool has_result = doc.contains("result");
  bool has_error = doc.contains("error");
  Json echo_id = IsValidId(id) ? id : Json(nullptr);
  if (has_result == has_error) {
    return Invalid("a response must have exactly one of \"result\" and \"error\"", echo_id);
  }
  if (!IsValidId(id) && !(has_error && id.is_null())) {
    return Invalid("\"id\" must be a string or a number", nullptr);
  }
  Message m;
  m.kind = MessageKind::kResponse;
  m.id = id;
  if (has_result) {
    m.result = doc.at("result");
    return m;
  }
  const Json& error = doc.at("error");
  if (!error.is_object()) return Invalid("\"error\" must be an object", echo_id);
  auto code = error.find("code");
  if (code == error.end() || !code->is_number_integer()) {
    return Invalid("\"error.code\" must be an integer", echo_id);
  }
  auto message = error.find("message");
  if (message == error.end() || !message->is_string()) {
    return Invalid("\"error.message\" must be a string", echo_id);
  }
  m.error = error;
  return m;
}

}  // namespace

ParseResult ParseMessageText(std::string_view text) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return RpcError{kParseError, "parse error: the message is not valid JSON", nullptr, nullptr};
  }
  return ParseMessage(doc);
}

ParseResult ParseMessage(const Json& doc) {
  if (doc.is_array()) {
    return Invalid("batch requests are not supported (MCP 2025-06-18 removed JSON-RPC batching)");
  }
  if (!doc.is_object()) return Invalid("the message must be a JSON object");

  // Read the id first so that errors about other fields can still be matched to the request.
  auto id_it = doc.find("id");
  bool has_id = id_it != doc.end();
  Json echo_id = has_id && IsValidId(*id_it) ? *id_it : Json(nullptr);

  auto version = doc.find("jsonrpc");
  if (version == doc.end() || !version->is_string() ||
      version->get_ref<const std::string&>() != "2.0") {
    return Invalid("\"jsonrpc\" must be \"2.0\"", echo_id);
  }

  auto method = doc.find("method");
  if (method == doc.end()) {
    if (doc.contains("result") || doc.contains("error")) return ParseResponse(doc);
    return Invalid("\"method\" is required", echo_id);
  }
  if (!method->is_string()) return Invalid("\"method\" must be a string", echo_id);
  if (has_id && !IsValidId(*id_it)) return Invalid("\"id\" must be a string or a number");

  Message m;
  m.kind = has_id ? MessageKind::kRequest : MessageKind::kNotification;
  if (has_id) m.id = *id_it;
  m.method = method->get<std::string>();
  auto params = doc.find("params");
  if (params != doc.end()) {
    if (!params->is_object() && !params->is_array()) {
      return Invalid("\"params\" must be an object or an array", echo_id);
    }
    m.params = *params;
  }
  return m;
}

Json MakeResult(const Json& id, Json result) {
  Json out = Json::object();
  out["jsonrpc"] = "2.0";
  out["id"] = id;
  out["result"] = std::move(result);
  return out;
}

Json MakeError(const RpcError& error) {
  Json err = {{"code", error.code}, {"message", error.message}};
  if (!error.data.is_null()) err["data"] = error.data;
  Json out = Json::object();
  out["jsonrpc"] = "2.0";
  out["id"] = error.id;
  out["error"] = std::move(err);
  return out;
}

Json MakeNotification(std::string_view method, Json params) {
  Json out = {{"jsonrpc", "2.0"}, {"method", std::string(method)}};
  if (!params.is_null()) out["params"] = std::move(params);
  return out;
}

std::string Serialize(const Json& message) {
  return message.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace memex::mcp
