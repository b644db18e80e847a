#include "http/session_hub.h"

#include <utility>

#include "base/ids.h"

namespace memex::http {

HubSession::HubSession(std::string id, bool legacy_sse, mcp::CallContext context)
    : id_(std::move(id)),
      legacy_sse_(legacy_sse),
      owner_(context.principal),
      session_(std::move(context)) {}

std::optional<mcp::Json> HubSession::Handle(const mcp::Server& server, std::string_view text) {
  std::lock_guard lock(handle_mu_);
  return server.HandleText(text, session_);
}

std::optional<mcp::Json> HubSession::Handle(const mcp::Server& server, const mcp::Json& message,
                                            mcp::ClientLink* link) {
  std::lock_guard lock(handle_mu_);
  const bool request = message.is_object() && message.contains("id") && message.contains("method");
  if (request) {
    std::lock_guard call(call_mu_);
    in_flight_ = message["id"];
  }
  std::optional<mcp::Json> response = server.Handle(message, session_, link);
  if (request) {
    std::lock_guard call(call_mu_);
    in_flight_ = nullptr;
  }
  return response;
}

bool HubSession::Cancel(const mcp::Json& request_id) {
  {
    std::lock_guard call(call_mu_);
    if (in_flight_.is_null() || in_flight_ != request_id) return false;
    cancelled_ = request_id;
  }
  pending_.FailOpen("the client cancelled the request");
  return true;
}

bool HubSession::WasCancelled(const mcp::Json& request_id) {
  std::lock_guard call(call_mu_);
  return !cancelled_.is_null() && cancelled_ == request_id;
}

std::string HubSession::protocol_version() {
  std::lock_guard lock(handle_mu_);
  return session_.protocol_version();
}

void HubSession::Push(std::string event) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    outbox_.push_back(std::move(event));
  }
  cv_.notify_all();
}

HubSession::WaitResult HubSession::Next(std::chrono::milliseconds timeout,
                                        std::vector<std::string>& out) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return closed_ || !outbox_.empty(); });
  if (!outbox_.empty()) {
    while (!outbox_.empty()) {
      out.push_back(std::move(outbox_.front()));
      outbox_.pop_front();
    }
    return WaitResult::kEvents;
  }
  return closed_ ? WaitResult::kClosed : WaitResult::kTimeout;
}

bool HubSession::AttachStream() {
  std::lock_guard lock(mu_);
  if (stream_attached_ || closed_) return false;
  stream_attached_ = true;
  return true;
}

void HubSession::DetachStream() {
  std::lock_guard lock(mu_);
  stream_attached_ = false;
}

void HubSession::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
  pending_.Close("the MCP session ended");
}

bool HubSession::closed() {
  std::lock_guard lock(mu_);
  return closed_;
}

Result<std::shared_ptr<HubSession>> SessionHub::Create(bool legacy_sse, mcp::CallContext context) {
  const auto now = now_();
  std::vector<std::shared_ptr<HubSession>> expired;  // closed outside the lock
  std::shared_ptr<HubSession> session;
  {
    std::lock_guard lock(mu_);
    if (closing_) return Unavailable("server is shutting down");
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second->Expired(now, idle_timeout_)) {
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    if (sessions_.size() >= max_sessions_) {
      return ResourceExhausted("too many open MCP sessions (" + std::to_string(max_sessions_) +
                               ")");
    }
    // 32 hex digits = 128 bits from the CSPRNG: unguessable, and visible ASCII as the spec asks.
    std::string id = RandomHex(16);
    session = std::make_shared<HubSession>(id, legacy_sse, std::move(context));
    session->Touch(now);
    sessions_[id] = session;
  }
  for (auto& s : expired) s->Close();
  return session;
}

std::shared_ptr<HubSession> SessionHub::Find(const std::string& id) {
  std::shared_ptr<HubSession> session;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    session = it->second;
  }
  session->Touch(now_());
  return session;
}

bool SessionHub::Remove(const std::string& id) {
  std::shared_ptr<HubSession> session;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    session = std::move(it->second);
    sessions_.erase(it);
  }
  session->Close();
  return true;
}

void HubSession::Touch(std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  last_used_ = now;
}

bool HubSession::Expired(std::chrono::steady_clock::time_point now,
                         std::chrono::milliseconds idle) {
  std::lock_guard lock(mu_);
  if (closed_) return true;
  return !stream_attached_ && now - last_used_ > idle;
}

void SessionHub::CloseAll() {
  std::map<std::string, std::shared_ptr<HubSession>> sessions;
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    sessions.swap(sessions_);
  }
  for (auto& [id, session] : sessions) session->Close();
}

size_t SessionHub::size() {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace memex::http
