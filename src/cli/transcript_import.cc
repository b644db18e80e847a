#include "cli/transcript_import.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "capture/transcript_import.h"
#include "cli/format.h"
#include "cli/output.h"
#include "config/scope_resolver.h"

namespace memex::cli {
namespace {

namespace fs = std::filesystem;

struct Report {
  int64_t files = 0;
  int64_t sessions = 0;      // imported (with at least one event)
  int64_t sessions_new = 0;  // of those, sessions that got new events
  int64_t events_new = 0;
  int64_t events_present = 0;
  int64_t lines = 0;
  int64_t lines_ignored = 0;
  std::map<std::string, int64_t> lines_skipped;     // reason -> lines
  std::map<std::string, int64_t> sessions_skipped;  // reason -> sessions
};

std::string DefaultRoot(capture::TranscriptFormat format, const EnvFn& env) {
  auto get = [&](std::string_view name) {
    std::optional<std::string> v = env ? env(name) : std::nullopt;
    return v ? *v : std::string();
  };
  std::string home = get("HOME");
  if (format == capture::TranscriptFormat::kClaudeCode) {
    std::string dir = get("CLAUDE_CONFIG_DIR");
    return ((dir.empty() ? fs::path(home) / ".claude" : fs::path(dir)) / "projects").string();
  }
  std::string dir = get("CODEX_HOME");
  return ((dir.empty() ? fs::path(home) / ".codex" : fs::path(dir)) / "sessions").string();
}

std::string Reasons(const std::map<std::string, int64_t>& m) {
  std::string out;
  for (const auto& [reason, n] : m) {
    if (!out.empty()) out += ", ";
    out += reason + " (" + FormatCount(n) + ")";
  }
  return out;
}

// "1 session", "2 sessions".
std::string Counted(int64_t n, const std::string& noun) {
  return FormatCount(n) + " " + noun + (n == 1 ? "" : "s");
}

int64_t Total(const std::map<std::string, int64_t>& m) {
  int64_t n = 0;
  for (const auto& [reason, count] : m) n += count;
  return n;
}

// True when the store holds events of this session that the import did not produce: the
// session was captured live by the hooks, and importing it again would double it.
Result<bool> CapturedByHooks(CaptureService& capture, const capture::ParsedTranscript& t) {
  Result<memex::Session> existing = capture.GetSession(t.session_id);
  if (!existing.ok()) {
    if (existing.status().code() == StatusCode::kNotFound) return false;
    return existing.status();
  }
  std::set<std::string> keys;
  for (const Event& e : t.events) keys.insert(e.ingest_key);
  ASSIGN_OR_RETURN(std::vector<Event> stored, capture.SessionEvents(t.session_id));
  for (const Event& e : stored) {
    if (!keys.count(e.ingest_key)) return true;
  }
  return false;
}

Status ImportOne(Session& session, CaptureService& capture, const Config& config,
                 capture::ParsedTranscript t, Report& rep) {
  std::string explicit_scope = session.globals().scope;
  if (explicit_scope.empty() && t.cwd.empty()) {
    ++rep.sessions_skipped["no working directory in the transcript (pass --scope)"];
    return Status::Ok();
  }
  // A directory that no longer exists resolves to its name, like a hook from it would.
  Result<ResolvedScope> scope =
      ResolveScope(ScopeInputs{explicit_scope, t.cwd, config.scope.default_workspace});
  if (!scope.ok()) {
    if (!explicit_scope.empty()) return scope.status();
    ++rep.sessions_skipped["no scope for its directory: " + scope.status().message()];
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(bool live, CapturedByHooks(capture, t));
  if (live) {
    ++rep.sessions_skipped["already captured by hooks"];
    return Status::Ok();
  }
  std::vector<Event> events;
  events.reserve(t.events.size());
  for (Event& e : t.events) {
    e.scope = scope->scope;
    Result<Event> prepared = capture.Prepare(std::move(e));
    if (!prepared.ok()) {
      ++rep.lines_skipped["invalid event: " + prepared.status().message()];
      continue;
    }
    events.push_back(*std::move(prepared));
  }
  if (events.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(IngestSummary sum, capture.Ingest(events, /*write_handoffs=*/false));
  ++rep.sessions;
  if (sum.stored > 0) ++rep.sessions_new;
  rep.events_new += sum.stored;
  rep.events_present += sum.duplicates;
  // A run interrupted between storing the events and ending the session left it without its
  // summary; the SessionEnd is a duplicate now, so end it here.
  ASSIGN_OR_RETURN(memex::Session s, capture.GetSession(t.session_id));
  if (s.did_work() && s.summary_id.empty()) {
    RETURN_IF_ERROR(capture.FinishSession(s.id, /*write_handoff=*/false));
  }
  return Status::Ok();
}

}  // namespace

Status RunTranscriptImport(Session& session, const std::string& from, const std::string& path) {
  ASSIGN_OR_RETURN(capture::TranscriptFormat format, capture::ParseTranscriptFormat(from));
  if (!session.globals().server.empty()) {
    return FailedPrecondition(
        "'memex import --from' writes this machine's data directory; --server cannot be used "
        "with it");
  }
  const std::string root = path.empty() ? DefaultRoot(format, session.deps().env) : path;
  Result<std::vector<std::string>> files = capture::ListTranscriptFiles(root);
  if (!files.ok()) {
    return files.status().WithContext(std::string(capture::TranscriptAgent(format)) +
                                      " transcripts");
  }
  ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
  ASSIGN_OR_RETURN(CaptureService * capture, session.GetCapture());

  Report rep;
  for (const std::string& file : *files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      ++rep.sessions_skipped["unreadable file"];
      continue;
    }
    ++rep.files;
    capture::TranscriptParser parser(format, fs::path(file).stem().string(),
                                     static_cast<size_t>(config->capture.max_event_bytes));
    std::string line;
    while (std::getline(in, line)) parser.AddLine(line);
    capture::ParsedTranscript t = parser.Finish();
    rep.lines += t.lines;
    rep.lines_ignored += t.ignored;
    for (const auto& [reason, n] : t.skipped) rep.lines_skipped[reason] += n;
    if (t.events.empty()) continue;  // no conversation (e.g. only metadata)
    RETURN_IF_ERROR(ImportOne(session, *capture, *config, std::move(t), rep).WithContext(file));
  }

  Output& out = session.output();
  const std::string agent(capture::TranscriptAgent(format));
  if (out.json()) {
    Json skipped_lines = Json::object();
    for (const auto& [reason, n] : rep.lines_skipped) skipped_lines[reason] = n;
    Json skipped_sessions = Json::object();
    for (const auto& [reason, n] : rep.sessions_skipped) skipped_sessions[reason] = n;
    out.PrintJson(Json{{"from", agent},
                       {"path", root},
                       {"files", rep.files},
                       {"sessions", rep.sessions},
                       {"sessions_new", rep.sessions_new},
                       {"events_new", rep.events_new},
                       {"events_present", rep.events_present},
                       {"lines", rep.lines},
                       {"lines_ignored", rep.lines_ignored},
                       {"lines_skipped", std::move(skipped_lines)},
                       {"sessions_skipped", std::move(skipped_sessions)}});
    return Status::Ok();
  }
  std::ostream& o = out.out();
  if (rep.files == 0) {
    o << "No " << agent << " transcripts (*.jsonl) under " << root << "\n";
    return Status::Ok();
  }
  o << "Imported " << Counted(rep.sessions, agent + " session") << " ("
    << FormatCount(rep.sessions_new) << " with new events) from " << Counted(rep.files, "file")
    << " under " << root << ": " << Counted(rep.events_new, "new event") << ", "
    << FormatCount(rep.events_present) << " already present\n";
  if (int64_t n = Total(rep.lines_skipped); n > 0) {
    o << "Skipped " << FormatCount(n) << " of " << Counted(rep.lines, "line") << ": "
      << Reasons(rep.lines_skipped) << "\n";
  }
  if (int64_t n = Total(rep.sessions_skipped); n > 0) {
    o << "Skipped " << Counted(n, "session") << ": " << Reasons(rep.sessions_skipped) << "\n";
  }
  return Status::Ok();
}

}  // namespace memex::cli
