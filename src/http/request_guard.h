// DNS-rebinding protection for a server bound to loopback (MCP spec 2025-06-18 "Transports" ->
// "Security Warning": servers MUST validate the Origin header and SHOULD bind to localhost).
// A browser page on evil.example that rebinds its name to 127.0.0.1 still sends
// `Host: evil.example`, and a cross-site fetch sends its own `Origin`; both are refused.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memex::http {

// The host part of a Host header value, lower-cased, without the port: "LocalHost:7700" ->
// "localhost", "[::1]:7700" -> "[::1]". Empty when the value is malformed.
std::string HostWithoutPort(std::string_view host_header);

// True when `host_header` names one of `allowed_hosts` (case-insensitive, any port). An entry
// "*" allows every host.
bool HostAllowed(std::string_view host_header, const std::vector<std::string>& allowed_hosts);

// True when `origin` is an http(s) origin on a loopback host (localhost, 127.0.0.1, [::1]) with
// any port, or equals one of `allowed_origins` exactly (case-insensitive). "null" and malformed
// origins are refused unless listed.
bool OriginAllowed(std::string_view origin, const std::vector<std::string>& allowed_origins);

// True for a bind address that only loopback clients can reach: "localhost", 127.0.0.0/8, "::1".
bool IsLoopbackBindAddress(std::string_view host);

}  // namespace memex::http
