// The MCP sessions of the HTTP transports: one HubSession per streamable-HTTP Mcp-Session-Id
// (spec 2025-06-18 "Transports" -> "Session Management") and per legacy SSE stream (spec
// 2024-11-05 "HTTP with SSE"). A HubSession owns its mcp::Session, an outbox of SSE events
// that a stream drains, and the server-to-client requests waiting for the client's answer
// (mcp::PendingRequests); the hub maps ids to sessions.
//
// Thread-safety: SessionHub and HubSession are thread-safe. Handle serialises the messages of one
// session (mcp::Session is not thread-safe); different sessions run concurrently. Client
// responses go to pending() without that lock, so they reach a tool call that is waiting for
// them inside Handle.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "mcp/pending_requests.h"
#include "mcp/server.h"

namespace memex::http {

class HubSession {
 public:
  HubSession(std::string id, bool legacy_sse, mcp::CallContext context);

  const std::string& id() const { return id_; }
  // True for a legacy SSE session (its responses travel on the stream, not in the POST reply).
  bool legacy_sse() const { return legacy_sse_; }
  // True when `who` is the principal that opened the session: only its opener may use it.
  bool OwnedBy(const Principal& who) const {
    return who.name == owner_.name && who.token_id == owner_.token_id;
  }

  // Handles one message's raw text with this session's state; the response, if any.
  std::optional<mcp::Json> Handle(const mcp::Server& server, std::string_view text);
  // Same, for an already-parsed message; `link` (may be null) carries what a tool sends to the
  // client before the response (mcp::Server::Handle).
  std::optional<mcp::Json> Handle(const mcp::Server& server, const mcp::Json& message,
                                  mcp::ClientLink* link);
  // The session's server-to-client requests waiting for an answer: a client response POSTed to
  // the session is resolved here. Closed (waiters fail) when the session closes.
  mcp::PendingRequests& pending() { return pending_; }
  // A client's notifications/cancelled for request `request_id`: when that request is the one
  // being handled, the server-to-client requests it waits on fail at once and its response is
  // not sent (MCP "Cancellation"). True when it was being handled; other ids are ignored.
  bool Cancel(const mcp::Json& request_id);
  // True when the request with this id was cancelled while it was handled.
  bool WasCancelled(const mcp::Json& request_id);

  // The negotiated protocol version ("" before initialize).
  std::string protocol_version();

  // Queues one SSE event (the full "event: ...\ndata: ...\n\n" text) for the stream. Dropped
  // once the session is closed.
  void Push(std::string event);

  enum class WaitResult { kEvents, kTimeout, kClosed };
  // Waits up to `timeout` for queued events and moves them into `out`. kClosed once Close() was
  // called and the outbox is empty.
  WaitResult Next(std::chrono::milliseconds timeout, std::vector<std::string>& out);

  // Claims the session's one server-to-client stream; false when one is already open.
  bool AttachStream();
  void DetachStream();

  // Ends the stream (if any), refuses further events and fails the requests waiting for the
  // client. Idempotent.
  void Close();
  bool closed();

  // Records use at `now` (the hub calls it whenever a request finds the session).
  void Touch(std::chrono::steady_clock::time_point now);
  // True when the session can be reclaimed: closed, or unused for longer than `idle` with no
  // stream attached (an open stream keeps its session alive).
  bool Expired(std::chrono::steady_clock::time_point now, std::chrono::milliseconds idle);

 private:
  const std::string id_;
  const bool legacy_sse_;
  const Principal owner_;

  std::mutex handle_mu_;  // serialises Handle
  mcp::Session session_;  // guarded by handle_mu_
  std::mutex call_mu_;
  mcp::Json in_flight_;  // guarded by call_mu_; id of the request Handle is running, or null
  mcp::Json cancelled_;  // guarded by call_mu_; id of the last request cancelled while running
  mcp::PendingRequests pending_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> outbox_;                   // guarded by mu_
  bool closed_ = false;                              // guarded by mu_
  bool stream_attached_ = false;                     // guarded by mu_
  std::chrono::steady_clock::time_point last_used_;  // guarded by mu_
};

class SessionHub {
 public:
  using NowFn = std::function<std::chrono::steady_clock::time_point()>;

  // Sessions unused for `idle_timeout` (and without an open stream) are reclaimed when a new one
  // is created, so clients that vanish without DELETE cannot fill the hub. `now` is injectable
  // for tests.
  explicit SessionHub(size_t max_sessions = 4096,
                      std::chrono::milliseconds idle_timeout = std::chrono::minutes(30),
                      NowFn now = &std::chrono::steady_clock::now)
      : max_sessions_(max_sessions), idle_timeout_(idle_timeout), now_(std::move(now)) {}

  // A new session with a fresh 128-bit random id, after reclaiming expired ones.
  // kResourceExhausted when max_sessions are still open; kUnavailable after CloseAll.
  Result<std::shared_ptr<HubSession>> Create(bool legacy_sse, mcp::CallContext context);
  // nullptr when unknown (or removed or expired). Counts as use of the session.
  std::shared_ptr<HubSession> Find(const std::string& id);
  // Removes and closes the session; false when unknown.
  bool Remove(const std::string& id);
  // Closes every session (their streams end) and refuses new ones: the first step of shutdown.
  void CloseAll();
  size_t size();

 private:
  const size_t max_sessions_;
  const std::chrono::milliseconds idle_timeout_;
  const NowFn now_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<HubSession>> sessions_;  // guarded by mu_
  bool closing_ = false;                                         // guarded by mu_
};

}  // namespace memex::http
