#include "http/request_guard.h"

#include <algorithm>
#include <cctype>

namespace memex::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// 127.0.0.0/8 written as a dotted quad (so "127.evil.example" is not loopback).
bool IsLoopbackIpv4(std::string_view host) {
  return host.starts_with("127.") &&
         host.find_first_not_of("0123456789.") == std::string_view::npos;
}

bool IsLoopbackName(std::string_view host) {
  return host == "localhost" || host == "[::1]" || IsLoopbackIpv4(host);
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::string HostWithoutPort(std::string_view host_header) {
  std::string h = Lower(host_header);
  std::string_view v = h;
  std::string_view name;
  std::string_view rest;
  if (v.starts_with("[")) {
    size_t close = v.find(']');
    if (close == std::string_view::npos) return "";
    name = v.substr(0, close + 1);
    rest = v.substr(close + 1);
  } else {
    size_t colon = v.find(':');
    name = v.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : v.substr(colon);
  }
  if (!rest.empty() && !(rest[0] == ':' && AllDigits(rest.substr(1)))) return "";
  if (name.empty() || name.find_first_of(" /@\t") != std::string_view::npos) return "";
  return std::string(name);
}

bool HostAllowed(std::string_view host_header, const std::vector<std::string>& allowed_hosts) {
  std::string host = HostWithoutPort(host_header);
  if (host.empty()) return false;
  return std::any_of(allowed_hosts.begin(), allowed_hosts.end(),
                     [&](const std::string& a) { return a == "*" || Lower(a) == host; });
}

bool OriginAllowed(std::string_view origin, const std::vector<std::string>& allowed_origins) {
  std::string o = Lower(origin);
  if (std::any_of(allowed_origins.begin(), allowed_origins.end(),
                  [&](const std::string& a) { return Lower(a) == o; })) {
    return true;
  }
  std::string_view v = o;
  if (v.starts_with("http://")) {
    v.remove_prefix(7);
  } else if (v.starts_with("https://")) {
    v.remove_prefix(8);
  } else {
    return false;
  }
  if (v.ends_with("/")) v.remove_suffix(1);
  std::string host = HostWithoutPort(v);
  return !host.empty() && IsLoopbackName(host);
}

bool IsLoopbackBindAddress(std::string_view host) {
  std::string h = Lower(host);
  return h == "localhost" || h == "::1" || h == "[::1]" || IsLoopbackIpv4(h);
}

}  // namespace memex::http
