// MCP over stdio (spec 2025-06-18 "Transports" -> "stdio"): newline-delimited JSON-RPC, one
// message per line, no embedded newlines. The server reads requests from `in` and writes
// responses to `out`, flushing after each; it writes nothing else to `out` (logs go to stderr
// through base/log.h). The loop ends cleanly at EOF.
//
// Bad input never ends the loop: a line that is not JSON is answered with -32700 (id null), an
// invalid message with -32600, and a line longer than max_line_bytes is discarded up to its
// newline and answered with -32600 (id null). Blank lines are skipped; a trailing '\r' is
// dropped.
//
// Thread-safety: not thread-safe; one transport per connection, driven by one thread.
#pragma once

#include <cstddef>
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

  const Server& server_;
  StdioOptions options_;
  Session session_;
};

}  // namespace memex::mcp
