#include "mcp/emitter.h"

#include <algorithm>
#include <string>
#include <utility>

namespace memex::mcp {
namespace {

// The capability a client must declare before the server may send it `method` (spec "Client
// Features": servers MUST NOT send requests for features the client did not declare).
std::string_view RequiredCapability(std::string_view method) {
  if (method.starts_with("sampling/")) return "sampling";
  if (method.starts_with("elicitation/")) return "elicitation";
  if (method.starts_with("roots/")) return "roots";
  return {};
}

}  // namespace

int LogLevelRank(std::string_view level) {
  auto it = std::find(kLogLevels.begin(), kLogLevels.end(), level);
  return it == kLogLevels.end() ? -1 : static_cast<int>(it - kLogLevels.begin());
}

Emitter::Emitter(ClientLink* link, std::string_view min_level, const Json& progress_token,
                 const Json& client_capabilities, std::chrono::milliseconds request_timeout)
    : link_(link),
      min_rank_(std::max(LogLevelRank(min_level), 0)),
      progress_token_(progress_token),
      client_capabilities_(client_capabilities),
      request_timeout_(request_timeout) {}

Status Emitter::Log(std::string_view level, Json data, std::string_view logger) {
  int rank = LogLevelRank(level);
  if (rank < 0) return InvalidArgument("unknown log level: " + std::string(level));
  if (rank < min_rank_ || link_ == nullptr) return Status::Ok();
  Json params = {{"level", std::string(level)}};
  if (!logger.empty()) params["logger"] = std::string(logger);
  params["data"] = std::move(data);
  return link_->Notify(MakeNotification("notifications/message", std::move(params)));
}

Status Emitter::Progress(double progress, std::optional<double> total, std::string_view message) {
  if (last_progress_ && progress <= *last_progress_) {
    return InvalidArgument("progress must increase: " + std::to_string(progress) + " after " +
                           std::to_string(*last_progress_));
  }
  last_progress_ = progress;
  if (progress_token_.is_null() || link_ == nullptr) return Status::Ok();
  Json params = {{"progressToken", progress_token_}, {"progress", progress}};
  if (total) params["total"] = *total;
  if (!message.empty()) params["message"] = std::string(message);
  return link_->Notify(MakeNotification("notifications/progress", std::move(params)));
}

Result<Json> Emitter::Request(std::string_view method, Json params) {
  std::string_view capability = RequiredCapability(method);
  if (!capability.empty() && !ClientSupports(capability)) {
    return FailedPrecondition("the client did not declare the " + std::string(capability) +
                              " capability, so the server cannot send " + std::string(method));
  }
  if (link_ == nullptr) {
    return FailedPrecondition(
        "this request cannot carry server-to-client requests (over streamable HTTP, send "
        "Accept: text/event-stream)");
  }
  return link_->Request(method, std::move(params), request_timeout_);
}

bool Emitter::ClientSupports(std::string_view capability) const {
  if (!client_capabilities_.is_object()) return false;
  auto it = client_capabilities_.find(capability);
  return it != client_capabilities_.end() && it->is_object();
}

}  // namespace memex::mcp
