#include "front/hook_client.h"

#include <sys/stat.h>

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "capture/envelope.h"
#include "capture/hook_payload.h"
#include "capture/spool.h"
#include "config/config_loader.h"
#include "core/capture.h"
#include "front/http_post.h"

namespace memex::front {
namespace {

constexpr char kPrefix[] = "memex hook: ";
constexpr char kEmptyOutput[] = "{}\n";

struct HookSetup {
  Config config;
  HttpUrl url;
  std::string server;
  std::string token;
};

std::string ReadInput(std::istream& in, bool& truncated) {
  std::string data;
  char buf[65536];
  truncated = false;
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    size_t n = static_cast<size_t>(in.gcount());
    if (data.size() + n > kMaxInputBytes) {
      truncated = true;
      continue;  // keep reading so the agent's write never fails
    }
    data.append(buf, n);
  }
  return data;
}

std::string SpoolDir(const Config& c) { return c.data_dir + "/spool"; }

int64_t SpoolMaxBytes(const Config& c) {
  return static_cast<int64_t>(c.capture.spool_max_mb) << 20;
}

std::vector<std::pair<std::string, std::string>> AuthHeaders(const std::string& token) {
  std::vector<std::pair<std::string, std::string>> h = {{"Content-Type", "application/json"}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return h;
}

// The error text of a JSON error answer, else its start.
std::string ErrorText(const HttpResponse& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    if (auto it = j.find("error"); it != j.end()) {
      if (it->is_string()) return it->get<std::string>();
      if (it->is_object() && it->contains("message") && (*it)["message"].is_string()) {
        return (*it)["message"].get<std::string>();
      }
      return it->dump();
    }
  }
  return r.body.substr(0, 200);
}

bool Retryable(int status) { return status == 429 || status >= 500; }

void SpawnDrain(const HookSetup& s, FrontDeps& deps) {
  if (deps.self_exe.empty() || !deps.spawn_detached) return;
  std::vector<std::string> argv = {deps.self_exe, "--data-dir", s.config.data_dir};
  if (!s.config.config_path.empty()) argv.insert(argv.end(), {"--config", s.config.config_path});
  argv.insert(argv.end(), {"--server", s.server, "hook", "drain"});
  std::vector<std::pair<std::string, std::string>> env;
  if (!s.token.empty()) env.emplace_back("MEMEX_TOKEN", s.token);
  deps.spawn_detached(argv, env);
}

bool SpoolHasPending(const Config& c) {
  struct stat st;
  if (stat(SpoolDir(c).c_str(), &st) != 0) return false;
  auto spool = capture::Spool::Open(SpoolDir(c), SpoolMaxBytes(c));
  return spool.ok() && spool->HasPending();
}

void SpoolEvent(const HookSetup& s, const std::string& line, const std::string& why,
                std::ostream& err) {
  Status st = EnsureDataDir(s.config.data_dir);
  if (st.ok()) {
    auto spool = capture::Spool::Open(SpoolDir(s.config), SpoolMaxBytes(s.config));
    st = spool.ok() ? spool->Append(line) : spool.status();
  }
  if (!st.ok()) err << kPrefix << why << "; the event is lost: " << st.message() << "\n";
}

int RunPost(const HookArgs& args, const HookSetup& s, FrontDeps& deps) {
  bool truncated = false;
  std::string input = ReadInput(deps.in, truncated);
  if (truncated) {
    deps.err << kPrefix << "payload larger than " << kMaxInputBytes << " bytes; dropped\n";
    deps.out << kEmptyOutput;
    return 0;
  }
  if (input.find_first_not_of(" \t\r\n") == std::string::npos) input = "{}";
  auto capped = capture::CapPayload(input, static_cast<size_t>(s.config.capture.max_event_bytes));
  if (!capped.ok()) {
    deps.err << kPrefix << capped.status().message() << "; dropped\n";
    deps.out << kEmptyOutput;
    return 0;
  }
  capture::Envelope made =
      capture::MakeEnvelope({args.event, args.agent, capped->head.cwd, deps.cwd, args.scope,
                             s.config.scope.default_workspace, deps.clock.NowMs()});
  if (!made.warning.empty()) deps.err << kPrefix << made.warning << "\n";
  const capture::HookEnvelope& env = made.envelope;

  std::string target = s.url.base_path + "/hook?" + capture::HookQuery(env);
  HttpRequest req;
  req.target = std::move(target);
  req.headers = AuthHeaders(s.token);
  req.body = capped->json;
  auto res = HttpExchange(s.url, req, s.config.capture.hook_timeout_ms);

  if (!res.ok() || Retryable(res->status)) {
    std::string why =
        res.ok() ? "server answered " + std::to_string(res->status) : res.status().message();
    SpoolEvent(s, capture::SpoolLine(env, capped->json), why, deps.err);
    deps.out << kEmptyOutput;
    return 0;
  }
  if (res->status >= 200 && res->status < 300) {
    std::string text;
    if (res->status == 200) {
      auto j = nlohmann::json::parse(res->body, nullptr, false);
      if (j.is_object()) {
        if (auto it = j.find("stdout"); it != j.end() && it->is_string())
          text = it->get<std::string>();
      }
    }
    if (text.empty()) {
      deps.out << kEmptyOutput;
    } else {
      deps.out << text;
    }
    deps.out.flush();
    if (SpoolHasPending(s.config)) SpawnDrain(s, deps);
    return 0;
  }
  deps.err << kPrefix << "server answered " << res->status << ": " << ErrorText(*res)
           << "; event dropped\n";
  deps.out << kEmptyOutput;
  return 0;
}

// Posts one batch; OK when acknowledged. kInvalidArgument when the server rejects it as
// malformed (400), kUnavailable for anything worth retrying later.
Status PostBatch(const HookSetup& s, const std::vector<std::string>& lines) {
  std::string body = "{\"events\":[";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) body += ',';
    body += lines[i];
  }
  body += "]}";
  HttpRequest req;
  req.target = s.url.base_path + "/hook/batch";
  req.headers = AuthHeaders(s.token);
  req.body = std::move(body);
  auto res = HttpExchange(s.url, req, kDrainBatchTimeoutMs);
  if (!res.ok()) return res.status();
  if (res->status == 200) return Status::Ok();
  std::string msg =
      "POST /hook/batch answered " + std::to_string(res->status) + ": " + ErrorText(*res);
  if (res->status == 400) return InvalidArgument(msg);
  return Unavailable(msg);
}

int RunDrain(const HookSetup& s, FrontDeps& deps) {
  nlohmann::json report = {{"sent", 0}, {"dropped", 0}, {"busy", false}};
  struct stat st;
  if (stat(SpoolDir(s.config).c_str(), &st) != 0) {
    deps.out << report.dump() << "\n";
    return 0;
  }
  auto spool = capture::Spool::Open(SpoolDir(s.config), SpoolMaxBytes(s.config));
  if (!spool.ok()) {
    deps.err << kPrefix << spool.status().message() << "\n";
    report["error"] = spool.status().message();
    deps.out << report.dump() << "\n";
    return 0;
  }
  int64_t unreadable = 0;
  int64_t posted = 0;  // lines the server acknowledged
  auto send = [&](const std::vector<std::string>& batch) -> Status {
    std::vector<std::string> good;
    good.reserve(batch.size());
    for (const auto& line : batch) {
      if (capture::ParseSpoolLine(line).ok()) {
        good.push_back(line);
      } else {
        ++unreadable;
      }
    }
    if (good.empty()) return Status::Ok();
    Status st = PostBatch(s, good);
    if (st.ok()) posted += static_cast<int64_t>(good.size());
    if (st.code() != StatusCode::kInvalidArgument || good.size() == 1) return st;
    // The server refused the batch as a whole: find the culprits one by one.
    for (const auto& line : good) {
      Status one = PostBatch(s, {line});
      if (one.ok()) {
        ++posted;
      } else if (one.code() == StatusCode::kInvalidArgument) {
        ++unreadable;
      } else if (!one.ok()) {
        return one;
      }
    }
    return Status::Ok();
  };
  auto r = spool->Drain(send);
  report["sent"] = posted;
  if (r.ok()) {
    report["dropped"] = r->dropped + unreadable;
    report["busy"] = r->busy;
  } else {
    deps.err << kPrefix << "drain stopped: " << r.status().message() << "\n";
    report["dropped"] = unreadable;
    report["error"] = r.status().message();
  }
  deps.out << report.dump() << "\n";
  return 0;
}

}  // namespace

std::optional<int> RunHookCommand(const FrontCommand& cmd, FrontDeps& deps) {
  const HookArgs& args = cmd.hook;
  const bool drain = cmd.action == FrontAction::kHookDrain;
  auto fail = [&](const std::string& message) -> std::optional<int> {
    deps.err << kPrefix << message << "\n";
    if (!drain) {
      bool truncated = false;
      (void)ReadInput(deps.in, truncated);
    }
    deps.out << (drain ? "{\"sent\":0,\"dropped\":0,\"busy\":false,\"error\":\"config\"}\n"
                       : kEmptyOutput);
    return 0;
  };
  auto config =
      LoadConfig({args.config_path, args.data_dir, args.server_url, args.token}, deps.env);
  if (!config.ok()) return fail(config.status().message());
  if (!drain && !config->capture.enabled) {
    bool truncated = false;
    (void)ReadInput(deps.in, truncated);
    deps.out << kEmptyOutput;
    return 0;
  }
  HookSetup s;
  s.server = config->client.server_url;
  if (s.server.empty()) return std::nullopt;  // local mode: memex-core writes the store
  auto url = ParseHttpUrl(s.server);
  if (!url.ok()) {
    if (url.status().code() == StatusCode::kUnimplemented) return std::nullopt;
    return fail(url.status().message());
  }
  s.url = *std::move(url);
  if (!args.token_env.empty()) {
    s.token = deps.env(args.token_env).value_or("");
  } else {
    s.token = config->client.token;
  }
  s.config = *std::move(config);
  return drain ? RunDrain(s, deps) : RunPost(args, s, deps);
}

}  // namespace memex::front
