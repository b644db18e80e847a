// Server-to-client requests waiting for the client's response, one map per session (MCP spec
// 2025-06-18 "Base Protocol": a response carries its request's id). The thread handling a tool
// call opens an id, sends the request and waits; the thread that receives the client's response
// (over HTTP: another POST on the same session) resolves it. Waits are bounded, and the end of the
// session fails every waiting request, so a handler never hangs on a client that went away.
//
// Thread-safety: PendingRequests is thread-safe. A PendingLink is used by the one thread handling
// its request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "mcp/emitter.h"
#include "mcp/jsonrpc.h"

namespace memex::mcp {

class PendingRequests {
 public:
  // Reserves a fresh id (an integer, unique within this map). kUnavailable after Close.
  Result<Json> Open();
  // Waits up to `timeout` for the response to `id` (from Open), then forgets the id. Returns the
  // response's result. Errors: kUnavailable on timeout or when Close ends the wait;
  // kFailedPrecondition when the client answered with an error; kNotFound for an id not open.
  Result<Json> Wait(const Json& id, std::chrono::milliseconds timeout);
  // Forgets `id` without waiting (its request could not be sent).
  void Abandon(const Json& id);
  // Delivers a client response (a parsed message of kind kResponse). False when no request with
  // its id is open (late, unknown or already answered): the caller ignores the response.
  bool Resolve(const Message& response);
  // Fails every open request with kUnavailable(`reason`) and refuses new ones (the session
  // ended). Idempotent.
  void Close(const std::string& reason);
  // Fails every request open now with kUnavailable(`reason`), leaving the map usable (the call
  // that is waiting was cancelled by the client).
  void FailOpen(const std::string& reason);
  // How many requests are open.
  size_t size();

 private:
  static std::optional<int64_t> Key(const Json& id);

  std::mutex mu_;
  std::condition_variable cv_;
  int64_t next_id_ = 1;                                  // guarded by mu_
  std::map<int64_t, std::optional<Result<Json>>> open_;  // guarded by mu_; value: the answer
  std::optional<std::string> closed_;                    // guarded by mu_; the reason
};

// A ClientLink over a send function and a session's PendingRequests, as the HTTP transports use
// it: notifications and requests go out through `send`, answers come back through
// PendingRequests::Resolve. A request that times out is also withdrawn from the client with
// notifications/cancelled (spec "Cancellation").
class PendingLink : public ClientLink {
 public:
  // Writes one message to the client; false when the client has gone.
  using SendFn = std::function<bool(const Json& message)>;

  // Borrows `pending`, which must outlive the link.
  PendingLink(PendingRequests& pending, SendFn send);

  Status Notify(const Json& notification) override;
  Result<Json> Request(std::string_view method, Json params,
                       std::chrono::milliseconds timeout) override;

 private:
  PendingRequests& pending_;
  SendFn send_;
};

}  // namespace memex::mcp
