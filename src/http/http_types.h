// Plain request/response values between the route adapters (routes.cc, the only place that
// sees httplib types) and the handlers, so handlers are testable without sockets.
//
// Thread-safety: value types.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/principal.h"

namespace memex::http {

struct Request {
  std::string body;
  // A header's value, "" when absent (names are case-insensitive).
  std::function<std::string(std::string_view name)> header;
  // A query parameter's value, "" when absent.
  std::function<std::string(std::string_view name)> param;
  // Who sent it (http/authenticator.h); the handlers pass it down to the service.
  Principal principal = Principal::Local();
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// pagefault's REST error envelope (seeds-catalogue §000 "Error envelope"):
// {"error":{"code":"...","status":N,"message":"..."}}.
Reply ErrorReply(int status, std::string_view code, std::string_view message);

}  // namespace memex::http
