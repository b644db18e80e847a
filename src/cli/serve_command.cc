// `memex serve`: the HTTP server in the foreground (SPEC §4, docs/http.md): streamable HTTP MCP
// at /mcp, legacy SSE at /sse + /message, REST at /api/pf_<tool>, /health. Runs until SIGINT or
// SIGTERM, then shuts down gracefully (streams closed, in-flight requests finished). Logs go to
// stderr.
#include <signal.h>

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "cli/tool_stack.h"
#include "http/authenticator.h"
#include "http/capture_routes.h"
#include "http/http_server.h"
#include "http/memory_routes.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/rest_api.h"
#include "http/v1_api.h"
#include "mcp/fixtures.h"
#include "mcp/server.h"
#include "mcp/tool.h"
#include "service/hook_queue.h"

namespace memex::cli {
namespace {

// Blocks SIGINT and SIGTERM in this thread (and so in every thread started after it) for its
// lifetime, so the signals are taken synchronously with sigtimedwait instead of by a handler.
class SignalBlock {
 public:
  SignalBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SignalBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalBlock(const SignalBlock&) = delete;
  SignalBlock& operator=(const SignalBlock&) = delete;

  // The signal received within `timeout_ms`, or 0.
  int Wait(long timeout_ms) const {
    timespec ts{.tv_sec = timeout_ms / 1000, .tv_nsec = (timeout_ms % 1000) * 1000000};
    int sig = sigtimedwait(&set_, nullptr, &ts);
    return sig > 0 ? sig : 0;
  }

 private:
  sigset_t set_;
  sigset_t old_;
};

// How often the server looks for events `memex hook` spooled while it was unreachable.
constexpr int kSpoolPollMs = 2000;

class ServeCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {{"--port,-p PORT", "TCP port (overrides server.port; 0 = any free port)", &port_},
            {"--host HOST",
             "bind address (overrides server.host; non-loopback needs auth.mode bearer or "
             "trusted_header)",
             &host_},
            // Test-only: the conformance suite's test_* tools, resources and prompts
            // (mcp/fixtures.h, tests/mcp-conformance). Off by default.
            {"--conformance-fixtures", "test only: also serve the MCP conformance suite's fixtures",
             &fixtures_}};
  }

  Status Validate() override {
    if (port_ && (*port_ < 0 || *port_ > 65535)) {
      return InvalidArgument("--port must be within 0..65535");
    }
    return Status::Ok();
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    ServerConfig server_config = config->server;
    if (port_) server_config.port = static_cast<int>(*port_);
    if (!host_.empty()) server_config.host = host_;
    ASSIGN_OR_RETURN(ResolvedScope scope, session.GetScope());
    ASSIGN_OR_RETURN(MemoryService * service, session.GetService());
    RETURN_IF_ERROR(session.StartSemantic());
    ASSIGN_OR_RETURN(const Redactor* redactor, session.GetRedactor());
    ASSIGN_OR_RETURN(CaptureService * capture, session.GetCapture());

    ASSIGN_OR_RETURN(
        std::unique_ptr<ToolStack> stack,
        BuildToolStack(*config, session.deps().clock, *redactor, *service, capture, scope.scope));
    mcp::ToolRegistry& tools = stack->tools;
    http::Metrics metrics(service);  // outlives the server, declared before it
    tools.AddObserver(metrics.ToolObserver());
    mcp::ConformanceFixtures fixtures;
    mcp::Server mcp_server(
        mcp::ServerInfo{.name = "memex", .version = session.deps().version, .title = "memex"},
        mcp::DefaultInstructions(), tools, fixtures_ ? &fixtures : nullptr);
    http::RestApi rest(tools, *service, scope.scope, session.deps().version);
    http::V1Api v1(*service, scope.scope, config->limits);
    http::MemoryRoutes memory_routes(*service);  // the thin client's routes (docs/cli.md)
    // Hook ingress (docs/capture.md): a bounded, journaled queue stored by one worker, and the
    // data directory's own spool (events `memex hook` kept while this server was down).
    const std::filesystem::path spool_dir = std::filesystem::path(config->data_dir) / "spool";
    HookQueue hooks(*capture, (spool_dir / "server-queue.jsonl").string(),
                    config->capture.queue_size);
    RETURN_IF_ERROR(hooks.Start());
    hooks.WatchSpool(spool_dir.string(), int64_t{config->capture.spool_max_mb} << 20, kSpoolPollMs);
    http::CaptureRoutes capture_routes(*capture, hooks, *config);
    ASSIGN_OR_RETURN(TokenService * tokens, session.GetTokens());
    ASSIGN_OR_RETURN(
        std::unique_ptr<http::Authenticator> auth,
        http::Authenticator::Create(config->auth, server_config, tokens, session.deps().clock));

    SignalBlock signals;  // before Start: the server's threads inherit the mask
    ASSIGN_OR_RETURN(
        std::unique_ptr<http::HttpServer> server,
        http::HttpServer::Start(
            server_config, mcp_server, rest,
            http::ServeExtras{
                .metrics = &metrics,
                .openapi_json = http::BuildOpenApi(tools, session.deps().version).dump(2),
                .v1 = &v1,
                .memory = &memory_routes,
                .capture = &capture_routes,
                .auth = auth.get(),
                .audit = stack->audit_log.get()}));
    std::string host =
        server_config.host.find(':') != std::string::npos && !server_config.host.starts_with("[")
            ? "[" + server_config.host + "]"
            : server_config.host;
    session.deps().err << "memex: serving http://" << host << ":" << server->port()
                       << " (MCP /mcp, SSE /sse, REST /api/pf_*, /api/memories/* and /v1/*, "
                          "/health, /metrics, "
                          "/api/openapi.json, /hook; scope "
                       << scope.scope.ToString() << "; auth " << config->auth.mode
                       << "); Ctrl-C to stop\n";
    session.deps().err.flush();
    int sig = 0;
    while (sig == 0 && server->running()) sig = signals.Wait(250);
    if (sig != 0) LogInfo("serve: signal " + std::to_string(sig) + ", shutting down");
    bool failed = !server->running();
    server->Stop();
    hooks.Stop();  // after the listener: no new events, the queued ones are stored
    session.StopSemantic();
    session.deps().err << "memex: stopped\n";
    if (failed && sig == 0) return Unavailable("the HTTP listener stopped unexpectedly");
    return Status::Ok();
  }

 private:
  std::optional<int64_t> port_;
  std::string host_;
  bool fixtures_ = false;
};

}  // namespace

std::unique_ptr<Command> NewServeCommand() { return std::make_unique<ServeCommand>(); }

}  // namespace memex::cli
