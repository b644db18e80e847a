// `memex hook <event> --agent A` in the full binary (SPEC §7, docs/capture.md). The small front
// binary (src/front/) answers hooks itself when an http:// server is configured; it hands the
// other cases here: no server (the event is stored in the local data directory, synchronously)
// and https:// servers (posted with the TLS-capable client). `memex hook drain` sends the spool.
//
// A hook never blocks or fails the agent: whatever happens, this prints the agent's JSON (or
// "{}") and exits 0; problems go to stderr as one line. An event that cannot be stored now (the
// database is locked, the server is unreachable or its queue is full) goes to the spool
// (<data_dir>/spool) and is stored exactly once later.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "base/log.h"
#include "capture/envelope.h"
#include "capture/hook_payload.h"
#include "capture/spool.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "service/capture_service.h"

namespace memex::cli {
namespace {

constexpr size_t kMaxStdinBytes = 64 << 20;  // a larger payload is cut to max_event_bytes anyway
constexpr size_t kDrainBatch = 256;

class HookCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {{"event EVENT",
             "the hook event (session-start, user-prompt-submit, pre-tool-use, post-tool-use, "
             "pre-compact, stop, session-end, ...), or 'drain' to send the spool",
             &event_, /*required=*/true},
            {"--agent AGENT", "the agent reporting it: claude-code, codex, ...", &agent_},
            {"--token-env VAR", "read the server's token from $VAR (default $MEMEX_TOKEN)",
             &token_env_}};
  }

  Status Run(Session& session) override {
    // Everything below is best effort: report, never fail the agent.
    std::string out = "{}";
    Status st = event_ == "drain" ? Drain(session) : Handle(session, out);
    if (!st.ok()) session.deps().err << "memex hook: " << st.message() << '\n';
    if (event_ != "drain") session.deps().out << out << '\n';
    return Status::Ok();
  }

 private:
  Status Handle(Session& session, std::string& out) {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    if (!config->capture.enabled) return Status::Ok();
    std::string raw;
    raw.reserve(4096);
    std::istreambuf_iterator<char> it(session.deps().in), end;
    for (; it != end && raw.size() < kMaxStdinBytes; ++it) raw += *it;
    ASSIGN_OR_RETURN(
        capture::CappedPayload payload,
        capture::CapPayload(raw, static_cast<size_t>(config->capture.max_event_bytes)));

    capture::Envelope made = capture::MakeEnvelope(
        {event_, agent_, payload.head.cwd, session.deps().cwd, session.globals().scope,
         config->scope.default_workspace, session.NowMs()});
    if (!made.warning.empty()) LogWarn("hook: " + made.warning);
    const capture::HookEnvelope& env = made.envelope;

    if (!config->client.server_url.empty()) return Post(session, *config, env, payload.json, out);

    Status stored = StoreLocally(session, env, payload.json, out);
    if (stored.code() == StatusCode::kUnavailable) {
      return Spool(*config, env, payload.json, "the database is busy: " + stored.message());
    }
    if (stored.ok()) {
      if (Status d = DrainLocally(session); !d.ok())
        LogWarn("hook: spool not drained: " + d.ToString());
    }
    return stored;
  }

  Status StoreLocally(Session& session, const capture::HookEnvelope& env,
                      const std::string& payload, std::string& out) {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    ASSIGN_OR_RETURN(CaptureService * capture, session.GetCapture());
    ASSIGN_OR_RETURN(Event parsed,
                     capture::ParseHookEvent(env, payload,
                                             static_cast<size_t>(config->capture.max_event_bytes)));
    ASSIGN_OR_RETURN(Event e, capture->Prepare(std::move(parsed)));
    Result<std::string> answer = capture->Respond(e);
    if (answer.ok()) {
      out = *answer;
    } else {
      LogWarn("hook: no answer: " + answer.status().ToString());
    }
    return capture->Ingest({e}).status();
  }

  Status Post(Session& session, const Config& config, const capture::HookEnvelope& env,
              const std::string& payload, std::string& out) {
    std::string token = TokenFor(session, config);
    Result<std::unique_ptr<http::RemoteMemoryApi>> remote = http::RemoteMemoryApi::Create(
        http::RemoteOptions{.url = config.client.server_url,
                            .token = token,
                            .connect_timeout_ms = config.capture.hook_timeout_ms,
                            .read_timeout_ms = config.capture.hook_timeout_ms});
    if (!remote.ok()) return remote.status();
    Result<std::string> answer = (*remote)->PostHook(capture::HookQuery(env), payload);
    if (answer.ok()) {
      out = *answer;
      return Status::Ok();
    }
    if (answer.status().code() == StatusCode::kUnavailable ||
        answer.status().code() == StatusCode::kInternal) {
      return Spool(config, env, payload, answer.status().message());
    }
    return answer.status();  // refused for good (bad token, bad input): spooling cannot help
  }

  // --token-env VAR names the variable holding the token; else --token / $MEMEX_TOKEN.
  std::string TokenFor(Session& session, const Config& config) const {
    if (!token_env_.empty()) {
      std::optional<std::string> v = session.deps().env(token_env_);
      if (v && !v->empty()) return *v;
    }
    return config.client.token;
  }

  Status Spool(const Config& config, const capture::HookEnvelope& env, const std::string& payload,
               const std::string& why) {
    ASSIGN_OR_RETURN(capture::Spool spool, OpenSpool(config));
    Status st = spool.Append(capture::SpoolLine(env, payload));
    if (!st.ok()) return st.WithContext("event lost (" + why + ")");
    LogInfo("hook: spooled (" + why + ")");
    return Status::Ok();
  }

  static Result<capture::Spool> OpenSpool(const Config& config) {
    return capture::Spool::Open((std::filesystem::path(config.data_dir) / "spool").string(),
                                int64_t{config.capture.spool_max_mb} << 20);
  }

  // Stores what an earlier hook spooled while the database was busy.
  Status DrainLocally(Session& session) {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    ASSIGN_OR_RETURN(capture::Spool spool, OpenSpool(*config));
    if (!spool.HasPending()) return Status::Ok();
    ASSIGN_OR_RETURN(CaptureService * capture, session.GetCapture());
    return spool
        .Drain(
            [capture](const std::vector<std::string>& lines) -> Status {
              std::vector<Event> events;
              for (const std::string& line : lines) {
                Result<Event> e = capture->PrepareSpooled(line);
                if (!e.ok()) {
                  LogWarn("hook: spooled line dropped: " + e.status().message());
                  continue;
                }
                events.push_back(std::move(*e));
              }
              return capture->Ingest(events).status();
            },
            kDrainBatch)
        .status();
  }

  Status Drain(Session& session) {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    if (config->client.server_url.empty()) return DrainLocally(session);
    std::string token = TokenFor(session, *config);
    ASSIGN_OR_RETURN(std::unique_ptr<http::RemoteMemoryApi> remote,
                     http::RemoteMemoryApi::Create(
                         http::RemoteOptions{.url = config->client.server_url, .token = token}));
    ASSIGN_OR_RETURN(capture::Spool spool, OpenSpool(*config));
    ASSIGN_OR_RETURN(capture::Spool::DrainStats stats,
                     spool.Drain([&remote](const std::vector<std::string>& lines)
                                     -> Status { return remote->PostHookBatch(lines).status(); },
                                 kDrainBatch));
    if (stats.sent > 0) LogInfo("hook drain: sent " + std::to_string(stats.sent) + " events");
    return Status::Ok();
  }

  std::string event_;
  std::string agent_;
  std::string token_env_;
};

}  // namespace

std::unique_ptr<Command> NewHookCommand() { return std::make_unique<HookCommand>(); }

}  // namespace memex::cli
