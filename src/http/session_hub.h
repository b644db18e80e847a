// The MCP sessions of the HTTP transports: one HubSession per streamable-HTTP Mcp-Session-Id
// (spec 2025-06-18 "Transports" -> "Session Management") and per legacy SSE stream (spec
// 2024-11-05 "HTTP with SSE"). A HubSession owns its mcp::Session and an outbox of SSE events
// that a stream drains; the hub maps ids to sessions.
//
// Thread-safety: SessionHub and HubSession are thread-safe. Handle serialises the messages of one
// session (mcp::Session is not thread-safe); different sessions run concurrently.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "mcp/server.h"

namespace memex::http {

class HubSession {
 public:
  HubSession(std::string id, bool legacy_sse, mcp::CallContext context);

  const std::string& id() const { return id_; }
  // True for a legacy SSE session (its responses travel on the stream, not in the POST reply).
  bool legacy_sse() const { return legacy_sse_; }

  // Handles one message's raw text with this session's state; the response, if any.
  std::optional<mcp::Json> Handle(const mcp::Server& server, std::string_view text);
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

  // Ends the stream (if any) and refuses further events. Idempotent.
  void Close();
  bool closed();

 private:
  const std::string id_;
  const bool legacy_sse_;

  std::mutex handle_mu_;  // serialises Handle
  mcp::Session session_;  // guarded by handle_mu_

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> outbox_;  // guarded by mu_
  bool closed_ = false;             // guarded by mu_
  bool stream_attached_ = false;    // guarded by mu_
};

class SessionHub {
 public:
  explicit SessionHub(size_t max_sessions = 4096) : max_sessions_(max_sessions) {}

  // A new session with a fresh 128-bit random id. kResourceExhausted when max_sessions are open;
  // kUnavailable after CloseAll.
  Result<std::shared_ptr<HubSession>> Create(bool legacy_sse, mcp::CallContext context);
  // nullptr when unknown (or removed).
  std::shared_ptr<HubSession> Find(const std::string& id);
  // Removes and closes the session; false when unknown.
  bool Remove(const std::string& id);
  // Closes every session (their streams end) and refuses new ones: the first step of shutdown.
  void CloseAll();
  size_t size();

 private:
  const size_t max_sessions_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<HubSession>> sessions_;  // guarded by mu_
  bool closing_ = false;                                         // guarded by mu_
};

}  // namespace memex::http
