// BaseUrl: an http(s) base URL split into what the HTTP client needs, "scheme://host[:port]" and
// a path prefix. One parser for the URLs memex is given: a memex server's (--server,
// remote_memory_api.h) and an embeddings API's (embedding.url, openai_embedder.h). Pure.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace memex::http {

struct BaseUrl {
  std::string origin;  // scheme://host[:port], no trailing slash
  std::string prefix;  // "" or "/a/b", no trailing slash
};

// Accepts http:// (and https:// when this build has TLS), a host name, an IPv4 address or a
// bracketed IPv6 one, an optional port 1-65535 and an optional path; no user info, query or
// fragment. Errors: kInvalidArgument whose message is the reason alone ("no host", "the port must
// be a number, 1 to 65535", ...): the caller names the URL and says what it expected.
// `credentials_hint` ends the message for a URL with user info ("use --token").
Result<BaseUrl> ParseBaseUrl(std::string_view url, std::string_view credentials_hint);

}  // namespace memex::http
