// MCP over stdio (spec 2025-06-18 "Transports" -> "stdio"): newline-delimited JSON-RPC, one
// message per line, no embedded newlines. The server reads requests from `in` and writes
// responses to `out`, flushing after each; it writes nothing else to `out` but protocol messages
// (logs go to stderr through base/log.h). The loop ends cleanly at EOF.
//
// Server-to-client messages: a tool's notifications (mcp::Emitter: logs, progress) are written as
// lines before its response. A server-to-client request (sampling/createMessage,
// elicitation/create) is written as a line with a fresh integer id, then lines are read until
// the client's response with that id arrives; every other line read meanwhile is kept and served,
// in order, after the current message. The wait ends only with the answer or EOF (a blocking read
// has no deadline), at which point the tool sees kUnavailable.
//
// Bad input never ends the loop: a line that is not JSON is answered with -32700 (id null), an
// invalid message with -32600, and a line longer than max_line_bytes is discarded up to its
// newline and answered with -32600 (id null). Blank lines are skipped; a trailing '\r' is
// dropped.
//
// Thread-safety: not thread-safe; one transport per connection, driven by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <istream>
#include <ostream>
#include <string>

#include "base/status.h"
#include "mcp/server.h"

namespace memex::mcp {

struct StdioOptions {
  size_t max_line_bytes = size_t{4} << 20;  // 4 MiB
};

class StdioTransport {
 public:
  // Borrows `server`, which must outlive the transport. The transport owns the connection's
  // Session, so consecutive Run calls continue the same session.
  StdioTransport(const Server& server, StdioOptions options = {}, CallContext context = {});

  // Serves messages from `in` until EOF. OK at EOF; kUnavailable when writing to `out` fails
  // (the client went away).
  Status Run(std::istream& in, std::ostream& out);

  const Session& session() const { return session_; }

 private:
  enum class ReadResult { kLine, kTooLong, kEof };
  ReadResult ReadLine(std::istream& in, std::string& line) const;

  class Link;  // the ClientLink over this transport's streams, for one Run
  // A line read while waiting for the client's answer to a server request, served afterwards.
  struct Deferred {
    ReadResult read;
    std::string line;
  };

  const Server& server_;
  StdioOptions options_;
  Session session_;
  std::deque<Deferred> deferred_;
  int64_t next_request_id_ = 1;
};

}  // namespace memex::mcp
