#include "http/memory_routes.h"

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

Reply MemoryRoutes::Links(const std::string& id, const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  if (Status st = CheckId(id); !st.ok()) return MemoryErrorReply(st);
  return Answer(svc.Links(id),
                [&id](const std::vector<MemoryLink>& links) { return EncodeLinks(id, links); });
}

Reply MemoryRoutes::Update(const std::string& id, const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  if (Status st = CheckId(id); !st.ok()) return MemoryErrorReply(st);
  bool wait = false;
  Result<MemoryPatch> patch = DecodeMemoryPatch(request.body, &wait);
  if (!patch.ok()) return MemoryErrorReply(patch.status());
  return Answer(svc.Update(UpdateRequest{id, *patch, wait}), EncodeWriteResult);
}

Reply MemoryRoutes::Forget(const std::string& id, const Request& request) const {
  AuthorizedService svc(service_, request.principal);
  if (Status st = CheckId(id); !st.ok()) return MemoryErrorReply(st);
  return Answer(svc.Forget(id, Flag(request, "hard")),
                [&id](const ForgetResult& r) { return EncodeForgetResult(id, r); });
}

void InstallMemoryRoutes(httplib::Server& server, const MemoryRoutes& routes,
                         RouteObserver observe) {
  auto body = [&routes](Reply (MemoryRoutes::*fn)(const Request&) const) {
    return [&routes, fn](const std::string&, const Request& r) { return (routes.*fn)(r); };
  };
  auto by_id = [&routes](Reply (MemoryRoutes::*fn)(const std::string&, const Request&) const) {
    return [&routes, fn](const std::string& id, const Request& r) { return (routes.*fn)(id, r); };
  };
  // clang-format off
  InstallTable(server, {
      {"POST",   "/api/memories/remember",           body(&MemoryRoutes::Remember)},
      {"POST",   "/api/memories/recall",             body(&MemoryRoutes::Recall)},
      {"POST",   "/api/memories/list",               body(&MemoryRoutes::List)},
      {"POST",   "/api/memories/stats",              body(&MemoryRoutes::Stats)},
      {"POST",   "/api/memories/export",             body(&MemoryRoutes::Export)},
      {"POST",   "/api/memories/import",             body(&MemoryRoutes::Import)},
      {"GET",    R"(/api/memories/([^/]+))",         by_id(&MemoryRoutes::Get)},
      {"GET",    R"(/api/memories/([^/]+)/history)", by_id(&MemoryRoutes::History)},
      {"GET",    R"(/api/memories/([^/]+)/links)",   by_id(&MemoryRoutes::Links)},
      {"PATCH",  R"(/api/memories/([^/]+))",         by_id(&MemoryRoutes::Update)},
      {"DELETE", R"(/api/memories/([^/]+))",         by_id(&MemoryRoutes::Forget)},
  }, MemoryErrorReply, std::move(observe));
  // clang-format on
}

}  // namespace memex::http
