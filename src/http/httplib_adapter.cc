#include "http/httplib_adapter.h"

#include <httplib.h>

#include <utility>

namespace memex::http {
namespace {

struct Recorded {
  const httplib::Request* request = nullptr;
  Principal who;
};
thread_local Recorded t_recorded;

Principal NoOne() {
  Principal p;
  p.name = "unauthenticated";
  p.role = Role::kRead;
  p.scopes.clear();
  return p;
}

}  // namespace

void SetPrincipal(const httplib::Request& request, Principal who) {
  t_recorded.request = &request;
  t_recorded.who = std::move(who);
}

Request ToRequest(const httplib::Request& r) {
  return Request{
      .body = r.body,
      .header = [&r](std::string_view name) { return r.get_header_value(std::string(name)); },
      .param = [&r](std::string_view name) { return r.get_param_value(std::string(name)); },
      .principal = t_recorded.request == &r ? t_recorded.who : NoOne()};
}

void Write(const Reply& reply, httplib::Response& res) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (!reply.body.empty()) res.set_content(reply.body, reply.content_type);
}

}  // namespace memex::http
