#include "mcp/stdio_transport.h"

#include <optional>
#include <streambuf>
#include <string>
#include <utility>

#include "base/log.h"

namespace memex::mcp {

StdioTransport::StdioTransport(const Server& server, StdioOptions options, CallContext context)
    : server_(server), options_(options), session_(std::move(context)) {}

// Reads through the streambuf instead of std::getline so that an endless line costs at most
// max_line_bytes of memory: the rest of an over-long line is skipped, not buffered.
StdioTransport::ReadResult StdioTransport::ReadLine(std::istream& in, std::string& line) const {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  if (buf == nullptr) return ReadResult::kEof;
  using Traits = std::char_traits<char>;
  bool too_long = false;
  bool got_any = false;
  for (;;) {
    Traits::int_type c = buf->sbumpc();
    if (Traits::eq_int_type(c, Traits::eof())) {
      in.setstate(std::ios::eofbit);
      if (!got_any) return ReadResult::kEof;
      break;
    }
    got_any = true;
    char ch = Traits::to_char_type(c);
    if (ch == '\n') break;
    if (too_long) continue;
    if (line.size() >= options_.max_line_bytes) {
      too_long = true;
      line.clear();
      line.shrink_to_fit();
      continue;
    }
    line.push_back(ch);
  }
  if (too_long) return ReadResult::kTooLong;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return ReadResult::kLine;
}

Status StdioTransport::Run(std::istream& in, std::ostream& out) {
  std::string line;
  for (;;) {
    ReadResult read = ReadLine(in, line);
    if (read == ReadResult::kEof) return Status::Ok();
    std::optional<Json> response;
    if (read == ReadResult::kTooLong) {
      LogWarn("mcp stdio: discarded a message longer than " +
              std::to_string(options_.max_line_bytes) + " bytes");
      response = MakeError(RpcError{
          kInvalidRequest,
          "message too large: the limit is " + std::to_string(options_.max_line_bytes) + " bytes",
          nullptr, nullptr});
    } else {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      response = server_.HandleText(line, session_);
    }
    if (!response) continue;
    out << Serialize(*response) << '\n';
    out.flush();
    if (!out) return Unavailable("mcp stdio: writing the response failed");
  }
}

}  // namespace memex::mcp
