// A minimal blocking HTTP/1.1 client over POSIX sockets, for the front binary only: one request
// per connection (Connection: close), plain http://, one deadline for connect and the whole
// exchange.
//
// Why not cpp-httplib (which the rest of memex uses behind http/): `memex hook` runs once per
// agent event and its bar is p99 <= 5 ms from process start to exit. Merely loading httplib's
// shared library runs OpenSSL's initialisation. Measured with `perf stat -r 200` on the
// 2-core reference VM (Debian 12, GCC 12): an empty `main` takes 0.48 ms of CPU; linked with
// libcpp-httplib.so 4.38 ms; with libcrypto + libsqlite3 2.73 ms; the full binary's
// `memex --version` 6.9 ms. The front binary (no httplib, OpenSSL or SQLite) runs a whole
// spooling `memex hook` in 1.8 ms of CPU. A hook needs one POST to a (usually loopback) server,
// which this file does in a few hundred lines (RFC 9112 message syntax: status line,
// Content-Length, chunked and close-delimited bodies).
//
// Thread-safety: stateless; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace memex::front {

struct HttpUrl {
  std::string host;  // "127.0.0.1", "localhost", "::1" (no brackets)
  int port = 80;
  std::string base_path;    // "" or "/prefix" (no trailing slash)
  std::string host_header;  // "127.0.0.1:7700", "[::1]:7700"
};

// Parses "http://host[:port][/path]". Errors: kUnimplemented for other schemes (https:// is
// served by memex-core), kInvalidArgument for a malformed URL.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpRequest {
  std::string method = "POST";
  std::string target;  // path and query, already encoded ("/hook?event=stop")
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host, Content-Length
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string body;  // de-chunked
};

// Sends `request` to `url` and reads the whole answer within `timeout_ms` (connect included;
// a host name's resolution through getaddrinfo is not: loopback names come from /etc/hosts).
// Any HTTP status is a successful exchange. Errors: kUnavailable when the server cannot be
// reached or resolved, the deadline passes, or the answer is not HTTP/1.x.
Result<HttpResponse> HttpExchange(const HttpUrl& url, const HttpRequest& request, int timeout_ms);

}  // namespace memex::front
