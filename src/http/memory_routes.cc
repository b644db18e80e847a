#include "http/memory_routes.h"

#include <httplib.h>

#include <chrono>
#include <exception>
#include <sstream>
#include <string_view>
#include <utility>

#include "base/ids.h"
#include "base/log.h"
#include "http/httplib_adapter.h"
#include "http/memory_wire.h"
#include "service/authorized_service.h"

namespace memex::http {
namespace {

Reply Json200(std::string body) { return Reply{.body = std::move(body)}; }

// Query flags: "true" or "1" turn them on; anything else (or absence) leaves them off.
bool Flag(const Request& request, std::string_view name) {
  std::string v = request.param(name);
  return v == "true" || v == "1";
}

Status CheckId(const std::string& id) {
  if (IsUuid(id)) return Status::Ok();
  return InvalidArgument("invalid id '" + id + "': expected a memory id (a UUID)");
}

template <typename T, typename Encode>
Reply Answer(const Result<T>& result, Encode encode) {
  if (!result.ok()) return MemoryErrorReply(result.status());
  return Json200(encode(*result));
}

}  // namespace

Reply MemoryErrorReply(const Status& status) {
  int http_status = HttpStatusFor(status.code());
  // The message goes back as is (the local CLI would print it); 5xx are logged here too.
  if (http_status >= 500) LogError("http /api/memories: " + status.ToString());
  return ErrorReply(http_status, WireCodeName(status.code()), status.message());
}

Reply MemoryRoutes::Remember(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<RememberRequest> req = DecodeRememberRequest(request.body);
  if (!req.ok()) return MemoryErrorReply(req.status());
  return Answer(svc.Remember(*req), EncodeWriteResult);
}

Reply MemoryRoutes::Recall(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<RecallRequest> req = DecodeRecallRequest(request.body);
  if (!req.ok()) return MemoryErrorReply(req.status());
  return Answer(svc.Recall(*req), EncodeRecallResponse);
}

Reply MemoryRoutes::List(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<ListRequest> req = DecodeListRequest(request.body);
  if (!req.ok()) return MemoryErrorReply(req.status());
  return Answer(svc.List(*req), EncodeListResponse);
}

Reply MemoryRoutes::Stats(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<SearchFilter> filter = DecodeFilter(request.body);
  if (!filter.ok()) return MemoryErrorReply(filter.status());
  return Answer(svc.Stats(*filter), EncodeStats);
}

Reply MemoryRoutes::Export(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  Result<SearchFilter> filter = DecodeFilter(request.body);
  if (!filter.ok()) return MemoryErrorReply(filter.status());
  // Buffered so that a failure halfway is still an error status, not a truncated 200.
  std::ostringstream out;
  Result<ExportSummary> summary = svc.Export(*filter, out);
  if (!summary.ok()) return MemoryErrorReply(summary.status());
  return Reply{.content_type = "application/x-ndjson", .body = std::move(out).str()};
}

Reply MemoryRoutes::Import(const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  ImportOptions opts;
  opts.dry_run = Flag(request, "dry_run");
  std::istringstream in(request.body);
  Result<ImportSummary> summary = svc.Import(in, opts);
  if (!summary.ok()) return MemoryErrorReply(summary.status());
  return Json200(EncodeImportSummary(*summary, opts.dry_run));
}

Reply MemoryRoutes::Get(const std::string& id, const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  if (Status st = CheckId(id); !st.ok()) return MemoryErrorReply(st);
  return Answer(svc.Get(id, Flag(request, "include_forgotten")), EncodeMemoryBody);
}

Reply MemoryRoutes::History(const std::string& id, const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  if (Status st = CheckId(id); !st.ok()) return MemoryErrorReply(st);
  return Answer(svc.History(id),
                [&id](const std::vector<Memory>& versions) { return EncodeHistory(id, versions); });
}

Reply MemoryRoutes::Update(const std::string& id, const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  if (Status st = CheckId(id); !st.ok()) return MemoryErrorReply(st);
  Result<MemoryPatch> patch = DecodeMemoryPatch(request.body);
  if (!patch.ok()) return MemoryErrorReply(patch.status());
  return Answer(svc.Update(UpdateRequest{id, *patch}), EncodeWriteResult);
}

Reply MemoryRoutes::Forget(const std::string& id, const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  if (Status st = CheckId(id); !st.ok()) return MemoryErrorReply(st);
  return Answer(svc.Forget(id, Flag(request, "hard")),
                [&id](const ForgetResult& r) { return EncodeForgetResult(id, r); });
}

namespace {

using BodyHandler = Reply (MemoryRoutes::*)(const Request&) const;
using IdHandler = Reply (MemoryRoutes::*)(const std::string&, const Request&) const;

struct MemoryRoute {
  std::string_view method;
  const char* pattern;  // an id route captures the id as group 1
  BodyHandler body = nullptr;
  IdHandler by_id = nullptr;
};

// clang-format off
const MemoryRoute kMemoryRoutes[] = {
    {"POST",   "/api/memories/remember",              &MemoryRoutes::Remember, nullptr},
    {"POST",   "/api/memories/recall",                &MemoryRoutes::Recall,   nullptr},
    {"POST",   "/api/memories/list",                  &MemoryRoutes::List,     nullptr},
    {"POST",   "/api/memories/stats",                 &MemoryRoutes::Stats,    nullptr},
    {"POST",   "/api/memories/export",                &MemoryRoutes::Export,   nullptr},
    {"POST",   "/api/memories/import",                &MemoryRoutes::Import,   nullptr},
    {"GET",    R"(/api/memories/([^/]+))",            nullptr, &MemoryRoutes::Get},
    {"GET",    R"(/api/memories/([^/]+)/history)",    nullptr, &MemoryRoutes::History},
    {"PATCH",  R"(/api/memories/([^/]+))",            nullptr, &MemoryRoutes::Update},
    {"DELETE", R"(/api/memories/([^/]+))",            nullptr, &MemoryRoutes::Forget},
};
// clang-format on

}  // namespace

void InstallMemoryRoutes(httplib::Server& server, const MemoryRoutes& routes,
                         RouteObserver observe) {
  for (const MemoryRoute& r : kMemoryRoutes) {
    std::string label = std::string(r.method) + " " + r.pattern;
    if (size_t at = label.find("([^/]+)"); at != std::string::npos) label.replace(at, 7, "{id}");
    httplib::Server::Handler h = [&routes, r, observe, label](const httplib::Request& req,
                                                              httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      // The catch-all of these routes: nothing thrown reaches httplib's workers.
      try {
        Reply reply = r.body != nullptr ? (routes.*r.body)(ToRequest(req))
                                        : (routes.*r.by_id)(req.matches[1].str(), ToRequest(req));
        Write(reply, res);
      } catch (const std::exception& e) {
        Write(MemoryErrorReply(Internal(std::string("unexpected exception: ") + e.what())), res);
      } catch (...) {
        Write(MemoryErrorReply(Internal("unexpected exception")), res);
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
