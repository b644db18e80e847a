// JSON-RPC 2.0 messages (https://www.jsonrpc.org/specification) as MCP uses them (MCP spec
// 2025-06-18 "Base Protocol"): parsing one message into a request, a notification or a response,
// and building responses and error responses. Parsing never throws; a malformed message becomes
// an RpcError carrying the code and a message that names the offending field.
//
// Batches (JSON arrays) are rejected with -32600: MCP 2025-06-18 removed JSON-RPC batching.
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace memex::mcp {

using Json = nlohmann::json;

// JSON-RPC 2.0 §5.1 error codes, plus MCP's "server not initialized" (-32002, used by the
// official SDKs for requests sent before `initialize`).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;

enum class MessageKind { kRequest, kNotification, kResponse };

struct Message {
  MessageKind kind = MessageKind::kRequest;
  // Request and response: the id exactly as received (a string or a number; a response to an
  // unparseable request may carry null). Notification: null.
  Json id;
  std::string method;  // request and notification
  Json params;         // request and notification: an object or array, or null when absent
  Json result;         // response: the result, or null when it is an error response
  Json error;          // response: the error object, or null on success
};

struct RpcError {
  int code = kInternalError;
  std::string message;
  // The id of the message the error answers: the request's id when it could be read, else null
  // (JSON-RPC 2.0 §5: "If there was an error in detecting the id ... it MUST be Null").
  Json id;
  Json data;  // optional extra detail; omitted from the wire when null
};

using ParseResult = std::variant<Message, RpcError>;

// Parses one message from text. Errors: kParseError for text that is not JSON; kInvalidRequest
// for JSON that is not a valid message (see the document overload).
ParseResult ParseMessageText(std::string_view text);

// Validates one already-parsed message (e.g. the body of an HTTP POST). Errors (kInvalidRequest,
// message naming the field): an array ("batch requests are not supported"), a non-object,
// `"jsonrpc" must be "2.0"`,
// `"method" must be a string`, `"id" must be a string or a number`, `"params" must be an object
// or an array`, a response without an id or with both/neither of result and error, an error
// object without an integer code or a string message.
ParseResult ParseMessage(const Json& doc);

// {"jsonrpc":"2.0","id":id,"result":result}.
Json MakeResult(const Json& id, Json result);
// {"jsonrpc":"2.0","id":error.id,"error":{"code","message"[,"data"]}}.
Json MakeError(const RpcError& error);
// {"jsonrpc":"2.0","method":method[,"params":params]}.
Json MakeNotification(std::string_view method, Json params = nullptr);

// One line of compact JSON (no trailing newline). Invalid UTF-8 in strings is replaced with
// U+FFFD instead of throwing.
std::string Serialize(const Json& message);

}  // namespace memex::mcp
