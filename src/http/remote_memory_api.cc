// The one translation unit of the thin client that includes cpp-httplib (it is heavy to compile).
#include "http/remote_memory_api.h"

#include <httplib.h>

#include <chrono>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <utility>

#include "base/ids.h"
#include "http/memory_wire.h"

namespace memex::http {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kNdjson = "application/x-ndjson";

std::string AuthHint() { return "check --token or $MEMEX_TOKEN"; }

Status CheckId(const std::string& id) {
  if (IsUuid(id)) return Status::Ok();
  return InvalidArgument("invalid id '" + id + "': expected a memory id (a UUID)");
}

// The error message and code of an error body: pagefault's {"error":{"code","message"}} or
// memoryOSS's {"error":"..."}; both empty for anything else.
std::pair<std::string, std::string> ErrorOf(std::string_view body) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return {};
  auto it = j.find("error");
  if (it == j.end()) return {};
  if (it->is_string()) return {"", it->get<std::string>()};
  if (!it->is_object()) return {};
  std::string code =
      it->contains("code") && (*it)["code"].is_string() ? (*it)["code"].get<std::string>() : "";
  std::string message = it->contains("message") && (*it)["message"].is_string()
                            ? (*it)["message"].get<std::string>()
                            : "";
  return {code, message};
}

// httplib's own names are bare enum names ("Connection"); these say what happened.
std::string DescribeError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable";
    case httplib::Error::ConnectionTimeout:
      return "timed out connecting";
    case httplib::Error::Read:
      return "no answer (the connection closed or the read timed out)";
    case httplib::Error::Write:
      return "sending the request failed";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
      return "TLS failed (" + httplib::to_string(error) + ")";
    default:
      return httplib::to_string(error);
  }
}

}  // namespace

Result<ServerUrl> ParseServerUrl(std::string_view url) {
  Result<BaseUrl> u = ParseBaseUrl(url, "use --token");
  if (u.ok()) return u;
  return InvalidArgument("invalid server URL '" + std::string(url) + "': " + u.status().message() +
                         " (expected http://HOST:PORT, e.g. http://127.0.0.1:7700)");
}

Status StatusFromHttp(int http_status, std::string_view body, std::string_view url) {
  auto [code_name, message] = ErrorOf(body);
  std::string where = "the memex server at " + std::string(url);
  if (http_status == 401 || http_status == 403) {
    return PermissionDenied("not authorized by " + where + (message.empty() ? "" : ": " + message) +
                            "; " + AuthHint());
  }
  if (std::optional<StatusCode> code = ParseWireCode(code_name); code && *code != StatusCode::kOk) {
    return Status(*code, message);
  }
  std::string detail = where + " answered HTTP " + std::to_string(http_status) +
                       (message.empty() ? "" : ": " + message);
  switch (http_status) {
    case 400:
    case 422:
      return InvalidArgument(detail);
    case 404:
      return NotFound(detail + (code_name == "resource_not_found"
                                    ? " (no such route: is it a memex server of this version?)"
                                    : ""));
    case 409:
      return FailedPrecondition(detail);
    case 413:
      return Status(StatusCode::kResourceExhausted, detail);
    case 408:
    case 429:
    case 502:
    case 503:
    case 504:
      return Unavailable(detail);
    default:
      break;
  }
  if (http_status >= 400 && http_status < 500) return InvalidArgument(detail);
  return Internal(detail);
}

struct RemoteMemoryApi::Impl {
  Impl(const ServerUrl& u, const RemoteOptions& options)
      : client(u.origin), prefix(u.prefix), url(options.url) {
    client.set_connection_timeout(std::chrono::milliseconds(options.connect_timeout_ms));
    client.set_read_timeout(std::chrono::milliseconds(options.read_timeout_ms));
    client.set_write_timeout(std::chrono::milliseconds(options.read_timeout_ms));
    client.set_keep_alive(true);
    if (!options.token.empty()) headers.emplace("Authorization", "Bearer " + options.token);
  }

  // One request; the body of a 2xx answer, else the mapped Status.
  Result<std::string> Call(std::string_view method, const std::string& path,
                           const std::string& body = "", std::string_view content_type = kJson) {
    std::string full = prefix + path;
    std::string ct(content_type);
    httplib::Result r = [&] {
      if (method == "GET") return client.Get(full, headers);
      if (method == "PATCH") return client.Patch(full, headers, body, ct);
      if (method == "DELETE") return client.Delete(full, headers);
      return client.Post(full, headers, body, ct);
    }();
    if (!r) {
      return Unavailable("cannot reach the memex server at " + url + ": " +
                         DescribeError(r.error()) + " (is 'memex serve' running there?)");
    }
    if (r->status < 200 || r->status > 299) return StatusFromHttp(r->status, r->body, url);
    return std::move(r->body);
  }

  httplib::Client client;
  std::string prefix;
  std::string url;
  httplib::Headers headers;
};

RemoteMemoryApi::RemoteMemoryApi(std::string url, std::unique_ptr<Impl> impl)
    : url_(std::move(url)), impl_(std::move(impl)) {}

RemoteMemoryApi::~RemoteMemoryApi() = default;

Result<std::unique_ptr<RemoteMemoryApi>> RemoteMemoryApi::Create(const RemoteOptions& options) {
  ASSIGN_OR_RETURN(ServerUrl u, ParseServerUrl(options.url));
  std::string url = options.url;
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  RemoteOptions o = options;
  o.url = url;
  return std::unique_ptr<RemoteMemoryApi>(new RemoteMemoryApi(url, std::make_unique<Impl>(u, o)));
}

// A garbled 2xx body is the server's fault, not the caller's input.
template <typename T>
Result<T> Decoded(Result<T> r, std::string_view url) {
  if (r.ok()) return r;
  return Internal("unexpected answer from the memex server at " + std::string(url) + ": " +
                  r.status().message());
}

Result<RememberResult> RemoteMemoryApi::Remember(const RememberRequest& req) {
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("POST", "/api/memories/remember", EncodeRememberRequest(req)));
  return Decoded(DecodeWriteResult(body), url_);
}

Result<RecallResponse> RemoteMemoryApi::Recall(const RecallRequest& req) {
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("POST", "/api/memories/recall", EncodeRecallRequest(req)));
  return Decoded(DecodeRecallResponse(body), url_);
}

Result<Memory> RemoteMemoryApi::Get(const std::string& id, bool include_forgotten) {
  RETURN_IF_ERROR(CheckId(id));
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("GET", "/api/memories/" + id +
                                          (include_forgotten ? "?include_forgotten=true" : "")));
  return Decoded(DecodeMemoryBody(body), url_);
}

Result<std::vector<Memory>> RemoteMemoryApi::History(const std::string& id) {
  RETURN_IF_ERROR(CheckId(id));
  ASSIGN_OR_RETURN(std::string body, impl_->Call("GET", "/api/memories/" + id + "/history"));
  return Decoded(DecodeHistory(body), url_);
}

Result<std::vector<MemoryLink>> RemoteMemoryApi::Links(const std::string& id) {
  RETURN_IF_ERROR(CheckId(id));
  ASSIGN_OR_RETURN(std::string body, impl_->Call("GET", "/api/memories/" + id + "/links"));
  return Decoded(DecodeLinks(body), url_);
}

Result<RememberResult> RemoteMemoryApi::Update(const UpdateRequest& req) {
  RETURN_IF_ERROR(CheckId(req.id));
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("PATCH", "/api/memories/" + req.id,
                               EncodeMemoryPatch(req.patch, req.wait_for_vectors)));
  return Decoded(DecodeWriteResult(body), url_);
}

Result<ForgetResult> RemoteMemoryApi::Forget(const std::string& id, bool hard) {
  RETURN_IF_ERROR(CheckId(id));
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("DELETE", "/api/memories/" + id + (hard ? "?hard=true" : "")));
  return Decoded(DecodeForgetResult(body), url_);
}

Result<ListResponse> RemoteMemoryApi::List(const ListRequest& req) {
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("POST", "/api/memories/list", EncodeListRequest(req)));
  return Decoded(DecodeListResponse(body), url_);
}

Result<StoreStats> RemoteMemoryApi::Stats(const SearchFilter& filter) {
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("POST", "/api/memories/stats", EncodeFilter(filter)));
  return Decoded(DecodeStats(body), url_);
}

Result<ExportSummary> RemoteMemoryApi::Export(const SearchFilter& filter, std::ostream& out,
                                              const ProgressFn& progress) {
  ASSIGN_OR_RETURN(std::string body,
                   impl_->Call("POST", "/api/memories/export", EncodeFilter(filter)));
  ExportSummary summary;
  for (char c : body) summary.rows += c == '\n' ? 1 : 0;
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  if (progress) progress(summary.rows, summary.rows);
  return summary;
}

Result<ImportSummary> RemoteMemoryApi::Import(std::istream& in, const ImportOptions& opts,
                                              const ProgressFn& progress) {
  std::string input{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return FailedPrecondition("reading the import input failed");
  ASSIGN_OR_RETURN(std::string body, impl_->Call("POST",
                                                 std::string("/api/memories/import") +
                                                     (opts.dry_run ? "?dry_run=true" : ""),
                                                 input, kNdjson));
  ASSIGN_OR_RETURN(ImportSummary summary, Decoded(DecodeImportSummary(body), url_));
  if (progress) progress(summary.lines, summary.lines);
  return summary;
}

Result<ServerHealth> RemoteMemoryApi::Health() {
  ASSIGN_OR_RETURN(std::string body, impl_->Call("GET", "/health"));
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Internal("unexpected /health answer from the memex server at " + url_);
  }
  ServerHealth h;
  if (j.contains("status") && j["status"].is_string()) h.status = j["status"].get<std::string>();
  if (j.contains("version") && j["version"].is_string()) {
    h.version = j["version"].get<std::string>();
  }
  return h;
}

}  // namespace memex::http

namespace memex::http {

Result<std::string> RemoteMemoryApi::PostHook(const std::string& query,
                                              const std::string& payload) {
  ASSIGN_OR_RETURN(std::string body, impl_->Call("POST", "/hook?" + query, payload));
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("stdout") && j["stdout"].is_string()) {
    return j["stdout"].get<std::string>();
  }
  return std::string("{}");
}

Result<std::string> RemoteMemoryApi::Send(std::string_view method, const std::string& path,
                                          const std::string& body) {
  return impl_->Call(method, path, body);
}

Result<int64_t> RemoteMemoryApi::PostHookBatch(const std::vector<std::string>& spool_lines) {
  std::string body = "{\"events\":[";
  for (size_t i = 0; i < spool_lines.size(); ++i) body += (i ? "," : "") + spool_lines[i];
  body += "]}";
  ASSIGN_OR_RETURN(std::string answer, impl_->Call("POST", "/hook/batch", body));
  auto j = nlohmann::json::parse(answer, nullptr, false);
  if (!j.is_object() || !j.contains("accepted") || !j["accepted"].is_number_integer()) {
    return Internal("unexpected answer from the memex server at " + url_ + " to /hook/batch");
  }
  return j["accepted"].get<int64_t>();
}

}  // namespace memex::http
