#include "http/base_url.h"

#include <optional>

namespace memex::http {

Result<BaseUrl> ParseBaseUrl(std::string_view url, std::string_view credentials_hint) {
  if (url.empty()) return InvalidArgument("it is empty");
  std::string_view rest = url;
  std::string scheme;
  if (rest.starts_with("http://")) {
    scheme = "http://";
  } else if (rest.starts_with("https://")) {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    scheme = "https://";
#else
    return InvalidArgument(
        "https is not supported by this build; use http:// or a local TLS proxy");
#endif
  } else {
    return InvalidArgument("it must start with http:// or https://");
  }
  rest.remove_prefix(scheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return InvalidArgument("no query or fragment");
  }
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string prefix = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("no user info; " + std::string(credentials_hint));
  }
  // host, [v6], host:port or [v6]:port; the HTTP client would take anything else for a host.
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("unclosed '[' in the host");
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidArgument("unexpected text after the host");
      port = after.substr(1);
    }
  } else if (const size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host == "[]") return InvalidArgument("no host");
  if (port) {
    int number = 0;
    bool ok = !port->empty() && port->size() <= 5;
    for (char c : *port) {
      ok = ok && c >= '0' && c <= '9';
      number = number * 10 + (c - '0');
    }
    if (!ok || number < 1 || number > 65535) {
      return InvalidArgument("the port must be a number, 1 to 65535");
    }
  }
  return BaseUrl{scheme + std::string(authority), prefix};
}

}  // namespace memex::http
