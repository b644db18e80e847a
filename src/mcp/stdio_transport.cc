#include "mcp/stdio_transport.h"

#include <chrono>
#include <optional>
#include <streambuf>
#include <string>
#include <utility>

#include "base/log.h"
#include "mcp/emitter.h"

namespace memex::mcp {

class StdioTransport::Link : public ClientLink {
 public:
  Link(StdioTransport& transport, std::istream& in, std::ostream& out)
      : transport_(transport), in_(in), out_(out) {}

  Status Notify(const Json& notification) override { return Write(notification); }

  Result<Json> Request(std::string_view method, Json params,
                       std::chrono::milliseconds /*timeout: see the header*/) override {
    Json id = transport_.next_request_id_++;
    Json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}};
    if (!params.is_null()) request["params"] = std::move(params);
    RETURN_IF_ERROR(Write(request));
    std::string line;
    for (;;) {
      ReadResult read = transport_.ReadLine(in_, line);
      if (read == ReadResult::kEof) {
        return Unavailable("the client closed stdin before answering " + std::string(method));
      }
      if (read == ReadResult::kLine) {
        ParseResult parsed = ParseMessageText(line);
        const auto* message = std::get_if<Message>(&parsed);
        if (message != nullptr && message->kind == MessageKind::kResponse && message->id == id) {
          if (message->error.is_object()) {
            return FailedPrecondition("the client answered error " +
                                      message->error.value("code", Json(0)).dump() + ": " +
                                      message->error.value("message", std::string()));
          }
          return message->result;
        }
      }
      transport_.deferred_.push_back(Deferred{read, std::move(line)});
      line.clear();
    }
  }

  Status Write(const Json& message) {
    out_ << Serialize(message) << '\n';
    out_.flush();
    if (!out_) return Unavailable("mcp stdio: writing to stdout failed");
    return Status::Ok();
  }

 private:
  StdioTransport& transport_;
  std::istream& in_;
  std::ostream& out_;
};

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
  Link link(*this, in, out);
  std::string line;
  for (;;) {
    ReadResult read;
    if (!deferred_.empty()) {
      read = deferred_.front().read;
      line = std::move(deferred_.front().line);
      deferred_.pop_front();
    } else {
      read = ReadLine(in, line);
    }
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
      response = server_.HandleText(line, session_, &link);
    }
    if (!response) continue;
    if (!link.Write(*response).ok()) return Unavailable("mcp stdio: writing the response failed");
  }
}

}  // namespace memex::mcp
