// RemoteMemoryApi: the thin client. It implements MemoryApi by calling a running `memex serve`
// over HTTP (the native routes of memory_routes.h), so every CLI memory command can work against
// a server instead of the local data directory (docs/cli.md, "Talking to a server").
//
// Each call is one HTTP request carrying "Authorization: Bearer <token>" when a token is set.
// Failures become the Status the local service would have returned: the server's own status
// code when its error body names one, else a mapping of the HTTP status (StatusFromHttp); a
// server that cannot be reached or does not answer in time is kUnavailable naming the URL.
//
// Thread-safety: not thread-safe; one instance per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/base_url.h"
#include "service/memory_api.h"
#include "service/memory_service.h"

namespace memex::http {

// A server URL split into what the HTTP client needs: "http://host:port" and a path prefix
// ("" or "/base" for a server behind a reverse proxy at http://host/base).
using ServerUrl = BaseUrl;

// Errors: kInvalidArgument naming the URL and why (ParseBaseUrl's rules: no http:// scheme, no
// host, a bad port, user info, a query or fragment; https:// unless this build has TLS support).
Result<ServerUrl> ParseServerUrl(std::string_view url);

// The Status for an HTTP answer that is not 2xx: 401/403 -> kPermissionDenied ("not authorized"),
// else the code named by a native error body ({"error":{"code":"not_found",...}}), else by the
// HTTP status: 400/422 -> kInvalidArgument, 404 -> kNotFound, 409 -> kFailedPrecondition,
// 413 -> kResourceExhausted, 408/429/502/503/504 -> kUnavailable, other 4xx ->
// kInvalidArgument, 5xx and the rest -> kInternal. The server's message is kept as is when it
// names its code; otherwise the message names `url`.
Status StatusFromHttp(int http_status, std::string_view body, std::string_view url);

// What GET /health says.
struct ServerHealth {
  std::string status;   // "ok" or "unavailable"
  std::string version;  // the server's memex version
};

struct RemoteOptions {
  std::string url;    // http://host:port[/prefix]
  std::string token;  // "" = no Authorization header
  int connect_timeout_ms = 5000;
  int read_timeout_ms = 60000;  // per read; a large import or export may take a while
};

class RemoteMemoryApi : public MemoryApi {
 public:
  // Errors: ParseServerUrl's. Does not connect; the first call does.
  static Result<std::unique_ptr<RemoteMemoryApi>> Create(const RemoteOptions& options);
  ~RemoteMemoryApi() override;
  RemoteMemoryApi(const RemoteMemoryApi&) = delete;
  RemoteMemoryApi& operator=(const RemoteMemoryApi&) = delete;

  const std::string& url() const { return url_; }

  Result<RememberResult> Remember(const RememberRequest& req) override;
  Result<RecallResponse> Recall(const RecallRequest& req) override;
  Result<Memory> Get(const std::string& id, bool include_forgotten = false) override;
  Result<std::vector<Memory>> History(const std::string& id) override;
  Result<std::vector<MemoryLink>> Links(const std::string& id) override;
  Result<RememberResult> Update(const UpdateRequest& req) override;
  Result<ForgetResult> Forget(const std::string& id, bool hard) override;
  Result<ListResponse> List(const ListRequest& req) override;
  Result<StoreStats> Stats(const SearchFilter& filter) override;
  // The server builds the whole export before answering; `progress` is told once, at the end.
  Result<ExportSummary> Export(const SearchFilter& filter, std::ostream& out,
                               const ProgressFn& progress = nullptr) override;
  // Sends the whole input in one request (the server's server.max_body_bytes bounds it: a
  // larger input is kResourceExhausted). `progress` is told once, at the end.
  Result<ImportSummary> Import(std::istream& in, const ImportOptions& opts,
                               const ProgressFn& progress = nullptr) override;

  // GET /health. Errors: kUnavailable (unreachable), StatusFromHttp's.
  Result<ServerHealth> Health();

  // POST /hook?<query> with an agent's hook payload (docs/capture.md): the text the hook should
  // print ("{}" when the server has nothing for the model). Errors: kUnavailable (unreachable,
  // queue full: spool and retry later), StatusFromHttp's otherwise.
  Result<std::string> PostHook(const std::string& query, const std::string& payload);
  // One request to another route of the server (the capture records, http/capture_routes.h):
  // `path` with its query, `body` sent as JSON unless empty. The body of a 2xx answer.
  // Errors: as the other calls.
  Result<std::string> Send(std::string_view method, const std::string& path,
                           const std::string& body = "");
  // POST /hook/batch {"events":[<lines>]}: the number accepted. Errors: as PostHook.
  Result<int64_t> PostHookBatch(const std::vector<std::string>& spool_lines);

 private:
  struct Impl;
  RemoteMemoryApi(std::string url, std::unique_ptr<Impl> impl);

  std::string url_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memex::http
