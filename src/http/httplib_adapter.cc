#include "http/httplib_adapter.h"

#include <httplib.h>

#include <chrono>
#include <exception>
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

void InstallTable(httplib::Server& server, const std::vector<TableRoute>& routes,
                  std::function<Reply(const Status&)> on_error, RouteObserver observe) {
  for (const TableRoute& r : routes) {
    std::string label = std::string(r.method) + " " + r.pattern;
    if (size_t at = label.find("([^/]+)"); at != std::string::npos) label.replace(at, 7, "{id}");
    const bool has_id = r.pattern.find('(') != std::string::npos;
    httplib::Server::Handler h = [handler = r.handler, on_error, observe, label, has_id](
                                     const httplib::Request& req, httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      try {
        Write(handler(has_id ? req.matches[1].str() : std::string(), ToRequest(req)), res);
      } catch (const std::exception& e) {
        Write(on_error(Internal(std::string("unexpected exception: ") + e.what())), res);
      } catch (...) {
        Write(on_error(Internal("unexpected exception")), res);
      }
      if (observe) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        observe(label, req, res, took.count());
      }
    };
    if (r.method == "GET") server.Get(r.pattern, h);
    if (r.method == "POST") server.Post(r.pattern, h);
    if (r.method == "PATCH") server.Patch(r.pattern, h);
    if (r.method == "DELETE") server.Delete(r.pattern, h);
  }
}

}  // namespace memex::http
