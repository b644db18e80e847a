#include "mcp/pending_requests.h"

#include <utility>

namespace memex::mcp {

std::optional<int64_t> PendingRequests::Key(const Json& id) {
  if (id.is_number_integer()) return id.get<int64_t>();
  return std::nullopt;
}

Result<Json> PendingRequests::Open() {
  std::lock_guard lock(mu_);
  if (closed_) return Unavailable(*closed_);
  int64_t id = next_id_++;
  open_.emplace(id, std::nullopt);
  return Json(id);
}

Result<Json> PendingRequests::Wait(const Json& id, std::chrono::milliseconds timeout) {
  std::optional<int64_t> key = Key(id);
  std::unique_lock lock(mu_);
  auto it = key ? open_.find(*key) : open_.end();
  if (it == open_.end()) return NotFound("no open request with id " + id.dump());
  // The map's nodes are stable, so `it` stays valid while other ids come and go.
  bool answered = cv_.wait_for(lock, timeout, [&] { return it->second.has_value() || closed_; });
  std::optional<Result<Json>> answer = std::move(it->second);
  open_.erase(it);
  if (answer) return std::move(*answer);
  if (!answered) {
    return Unavailable("the client did not answer within " + std::to_string(timeout.count()) +
                       " ms");
  }
  return Unavailable(*closed_);
}

void PendingRequests::Abandon(const Json& id) {
  std::optional<int64_t> key = Key(id);
  if (!key) return;
  std::lock_guard lock(mu_);
  open_.erase(*key);
}

bool PendingRequests::Resolve(const Message& response) {
  std::optional<int64_t> key = Key(response.id);
  if (!key) return false;
  {
    std::lock_guard lock(mu_);
    auto it = open_.find(*key);
    if (it == open_.end() || it->second.has_value()) return false;
    if (response.error.is_object()) {
      it->second = FailedPrecondition("the client answered error " +
                                      response.error.value("code", Json(0)).dump() + ": " +
                                      response.error.value("message", std::string()));
    } else {
      it->second = response.result;
    }
  }
  cv_.notify_all();
  return true;
}

void PendingRequests::Close(const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = reason;
  }
  cv_.notify_all();
}

void PendingRequests::FailOpen(const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    for (auto& [id, answer] : open_) {
      if (!answer) answer = Unavailable(reason);
    }
  }
  cv_.notify_all();
}

size_t PendingRequests::size() {
  std::lock_guard lock(mu_);
  return open_.size();
}

PendingLink::PendingLink(PendingRequests& pending, SendFn send)
    : pending_(pending), send_(std::move(send)) {}

Status PendingLink::Notify(const Json& notification) {
  if (!send_(notification)) return Unavailable("the client has gone");
  return Status::Ok();
}

Result<Json> PendingLink::Request(std::string_view method, Json params,
                                  std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(Json id, pending_.Open());
  Json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}};
  if (!params.is_null()) request["params"] = std::move(params);
  if (!send_(request)) {
    pending_.Abandon(id);
    return Unavailable("the client has gone");
  }
  Result<Json> answer = pending_.Wait(id, timeout);
  if (!answer.ok() && answer.status().code() == StatusCode::kUnavailable) {
    // Best effort: the client may still be working on it (spec "Cancellation").
    (void)send_(MakeNotification("notifications/cancelled",
                                 {{"requestId", id}, {"reason", answer.status().message()}}));
  }
  return answer;
}

}  // namespace memex::mcp
