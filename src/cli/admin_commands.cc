// Looking after the installation: stats, doctor, version, status.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capture/spool.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/query_args.h"
#include "cli/session.h"
#include "config/config_loader.h"
#include "http/remote_memory_api.h"

namespace memex::cli {
namespace {

namespace fs = std::filesystem;

bool PathExists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

// "from --scope", "from the marker /a/.memex.toml", ... for ResolvedScope::source.
std::string DescribeScopeSource(std::string_view source) {
  if (source == "explicit") return "from --scope";
  if (source == "cwd") return "from the working directory's name";
  if (source.starts_with("marker:")) return "from the marker " + std::string(source.substr(7));
  if (source.starts_with("git:")) return "from the git repository " + std::string(source.substr(4));
  return "from " + std::string(source);
}

std::string ScopeLabel(const SearchFilter& filter) {
  if (filter.all_scopes) return "all scopes";
  std::vector<std::string> names;
  for (const Scope& s : filter.scopes) names.push_back(s.ToString());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class StatsCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    std::vector<Opt> opts;
    filter_.AddOptions(opts, FilterArgs::kScopeFlags);
    return opts;
  }

  Status Validate() override { return filter_.Validate(); }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(SearchFilter filter, filter_.Build(session));
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    ASSIGN_OR_RETURN(StoreStats stats, service->Stats(filter));
    Output& out = session.output();
    if (out.json()) {
      Json scopes = Json::array();
      for (const Scope& s : filter.scopes) scopes.push_back(s.ToString());
      Json doc = {{"all_scopes", filter.all_scopes}, {"queried_scopes", std::move(scopes)}};
      doc.update(StatsJson(stats));
      out.PrintJson(doc);
    } else {
      out.out() << FormatStats(stats, ScopeLabel(filter));
    }
    return Status::Ok();
  }

 private:
  FilterArgs filter_;
};

class VersionCommand : public Command {
 public:
  std::vector<Opt> Options() override { return {}; }

  Status Run(Session& session) override {
    Output& out = session.output();
    if (out.json()) {
      out.PrintJson(Json{{"version", session.deps().version}});
    } else {
      out.out() << "memex " << session.deps().version << '\n';
    }
    return Status::Ok();
  }
};

// Works on a machine where nothing exists yet: it creates neither the data directory nor the
// database, and reports what it finds.
class StatusCommand : public Command {
 public:
  std::vector<Opt> Options() override { return {}; }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(http::RemoteMemoryApi * remote, session.GetRemote());
    if (remote != nullptr) return RunRemote(session, *remote);
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    std::string db_path = Session::DatabasePath(*config);
    bool dir_exists = PathExists(config->data_dir);
    bool db_exists = PathExists(db_path);
    Result<ResolvedScope> scope = session.GetScope();

    std::optional<StoreStats> all_stats;
    std::optional<StoreStats> scope_stats;
    if (db_exists) {
      ASSIGN_OR_RETURN(MemoryService * service, session.GetService());
      SearchFilter all;
      all.all_scopes = true;
      ASSIGN_OR_RETURN(all_stats, service->Stats(all));
      if (scope.ok()) {
        SearchFilter mine;
        mine.scopes.push_back(scope->scope);
        ASSIGN_OR_RETURN(scope_stats, service->Stats(mine));
      }
    }

    // Hook events waiting in the spool (docs/capture.md), and those it had to drop.
    const std::string spool_dir = (std::filesystem::path(config->data_dir) / "spool").string();
    bool spool_pending = false;
    int64_t spool_dropped = 0;
    if (PathExists(spool_dir)) {
      if (Result<capture::Spool> spool = capture::Spool::Open(spool_dir, 1); spool.ok()) {
        spool_pending = spool->HasPending();
        spool_dropped = spool->Dropped();
      }
    }

    Output& out = session.output();
    if (out.json()) {
      Json doc = {
          {"version", session.deps().version},
          {"config_file", config->config_path.empty() ? Json(nullptr) : Json(config->config_path)},
          {"data_dir", {{"path", config->data_dir}, {"exists", dir_exists}}},
          {"spool", {{"path", spool_dir}, {"pending", spool_pending}, {"dropped", spool_dropped}}},
      };
      Json db = {{"path", db_path}, {"exists", db_exists}};
      if (all_stats) {
        db["bytes"] = all_stats->db_bytes;
        db["schema_version"] = all_stats->schema_version;
      }
      doc["database"] = std::move(db);
      if (scope.ok()) {
        doc["scope"] = {{"scope", scope->scope.ToString()}, {"source", scope->source}};
      } else {
        doc["scope"] = {{"error", scope.status().message()}};
      }
      auto counts = [](const std::optional<StoreStats>& s) -> Json {
        if (!s) return {{"live", 0}, {"superseded", 0}, {"forgotten", 0}};
        return {{"live", s->live}, {"superseded", s->superseded}, {"forgotten", s->forgotten}};
      };
      doc["memories"] = {{"scope", scope.ok() ? counts(scope_stats) : Json(nullptr)},
                         {"all", counts(all_stats)}};
      out.PrintJson(doc);
      return Status::Ok();
    }

    std::ostream& o = out.out();
    o << "memex " << session.deps().version << '\n';
    o << "config:     " << (config->config_path.empty() ? "none (defaults)" : config->config_path)
      << '\n';
    o << "data dir:   " << config->data_dir << (dir_exists ? "" : " (does not exist yet)") << '\n';
    o << "database:   " << db_path;
    if (all_stats) {
      o << " (" << FormatBytes(all_stats->db_bytes) << ", schema v" << all_stats->schema_version
        << ")\n";
    } else {
      o << " (not created yet)\n";
    }
    if (scope.ok()) {
      o << "scope:      " << scope->scope.ToString() << " (" << DescribeScopeSource(scope->source)
        << ")\n";
    } else {
      o << "scope:      unresolved: " << scope.status().message() << '\n';
    }
    o << "memories:   ";
    if (!all_stats) {
      o << "none yet\n";
    } else {
      if (scope_stats) {
        o << FormatCounts(scope_stats->live, scope_stats->superseded, scope_stats->forgotten)
          << " in this scope; ";
      }
      o << FormatCount(all_stats->live) << " live in " << all_stats->scopes.size()
        << (all_stats->scopes.size() == 1 ? " scope" : " scopes") << " in total\n";
    }
    if (spool_pending || spool_dropped > 0) {
      o << "hook spool: " << (spool_pending ? "events waiting" : "empty");
      if (spool_dropped > 0) o << "; " << spool_dropped << " events dropped (spool was full)";
      o << " (" << spool_dir << "; 'memex hook drain' sends it)\n";
    }
    return Status::Ok();
  }

 private:
  // With --server: the server's /health and counts instead of the local data directory.
  static Status RunRemote(Session& session, http::RemoteMemoryApi& remote) {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    ASSIGN_OR_RETURN(http::ServerHealth health, remote.Health());
    Result<ResolvedScope> scope = session.GetScope();
    SearchFilter all;
    all.all_scopes = true;
    ASSIGN_OR_RETURN(StoreStats all_stats, remote.Stats(all));
    std::optional<StoreStats> scope_stats;
    if (scope.ok()) {
      SearchFilter mine;
      mine.scopes.push_back(scope->scope);
      ASSIGN_OR_RETURN(scope_stats, remote.Stats(mine));
    }
    auto counts = [](const StoreStats& s) -> Json {
      return {{"live", s.live}, {"superseded", s.superseded}, {"forgotten", s.forgotten}};
    };
    Output& out = session.output();
    if (out.json()) {
      Json doc = {
          {"version", session.deps().version},
          {"config_file", config->config_path.empty() ? Json(nullptr) : Json(config->config_path)},
          {"server",
           {{"url", remote.url()},
            {"status", health.status},
            {"version", health.version},
            {"token_sent", !config->client.token.empty()}}},
          {"database",
           {{"bytes", all_stats.db_bytes}, {"schema_version", all_stats.schema_version}}},
      };
      if (scope.ok()) {
        doc["scope"] = {{"scope", scope->scope.ToString()}, {"source", scope->source}};
      } else {
        doc["scope"] = {{"error", scope.status().message()}};
      }
      doc["memories"] = {{"scope", scope_stats ? counts(*scope_stats) : Json(nullptr)},
                         {"all", counts(all_stats)}};
      out.PrintJson(doc);
      return Status::Ok();
    }
    std::ostream& o = out.out();
    o << "memex " << session.deps().version << " (client)\n";
    o << "server:     " << remote.url() << " (" << health.status << ", memex " << health.version
      << (config->client.token.empty() ? ", no token" : ", with a token") << ")\n";
    o << "config:     " << (config->config_path.empty() ? "none (defaults)" : config->config_path)
      << '\n';
    o << "database:   on the server (" << FormatBytes(all_stats.db_bytes) << ", schema v"
      << all_stats.schema_version << ")\n";
    if (scope.ok()) {
      o << "scope:      " << scope->scope.ToString() << " (" << DescribeScopeSource(scope->source)
        << ")\n";
    } else {
      o << "scope:      unresolved: " << scope.status().message() << '\n';
    }
    o << "memories:   ";
    if (scope_stats) {
      o << FormatCounts(scope_stats->live, scope_stats->superseded, scope_stats->forgotten)
        << " in this scope; ";
    }
    o << FormatCount(all_stats.live) << " live in " << all_stats.scopes.size()
      << (all_stats.scopes.size() == 1 ? " scope" : " scopes") << " in total\n";
    return Status::Ok();
  }
};

struct Check {
  std::string name;
  bool ok = true;
  std::string detail;
  StatusCode code = StatusCode::kOk;  // why it failed: decides doctor's exit code
};

class DoctorCommand : public Command {
 public:
  std::vector<Opt> Options() override { return {}; }

  Status Run(Session& session) override {
    std::vector<Check> checks = RunChecks(session);
    Output& out = session.output();
    if (Result<const Config*> c = session.GetConfig(); c.ok() && !(*c)->client.server_url.empty()) {
      out.Note(
          "doctor checks this machine's installation; $MEMEX_SERVER is ignored here (use "
          "'memex status' for the server)");
    }
    const Check* first_failure = nullptr;
    for (const Check& c : checks) {
      if (!c.ok && first_failure == nullptr) first_failure = &c;
    }
    if (out.json()) {
      Json list = Json::array();
      for (const Check& c : checks) {
        list.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
      }
      out.PrintJson(Json{{"ok", first_failure == nullptr}, {"checks", std::move(list)}});
    } else {
      size_t width = 0;
      for (const Check& c : checks) width = std::max(width, c.name.size());
      int failed = 0;
      for (const Check& c : checks) {
        std::string name = c.name;
        name.resize(width, ' ');
        out.out() << (c.ok ? "ok    " : "FAIL  ") << name << "  " << c.detail << '\n';
        failed += c.ok ? 0 : 1;
      }
      out.out() << (failed == 0 ? "All " + std::to_string(checks.size()) + " checks passed."
                                : std::to_string(failed) + " of " + std::to_string(checks.size()) +
                                      " checks failed.")
                << '\n';
    }
    if (first_failure != nullptr) {
      session.set_exit_code(ExitCodeFor(first_failure->code));
      if (std::string_view hint = ErrorHint(first_failure->code); !hint.empty()) {
        out.Note("hint: " + std::string(hint));
      }
    }
    return Status::Ok();
  }

 private:
  static Check Failed(std::string name, const Status& st) {
    return {std::move(name), false, st.message(), st.code()};
  }

  static std::vector<Check> RunChecks(Session& session) {
    std::vector<Check> checks;
    Result<const Config*> config = session.GetConfig();
    if (!config.ok()) {
      checks.push_back(Failed("config", config.status()));
      return checks;  // without a config there is no data directory to look at
    }
    const Config& c = **config;
    checks.push_back(
        {"config", true,
         c.config_path.empty() ? "no config file; using the defaults" : "loaded " + c.config_path});
    Result<ResolvedScope> scope = session.GetScope();
    checks.push_back(scope.ok() ? Check{"scope", true,
                                        scope->scope.ToString() + " (" +
                                            DescribeScopeSource(scope->source) + ")"}
                                : Failed("scope", scope.status()));
    if (!PathExists(c.data_dir)) {
      checks.push_back({"data directory", true,
                        c.data_dir + " does not exist yet (created on the first write)"});
      return checks;
    }
    if (Status st = EnsureDataDir(c.data_dir); !st.ok()) {
      checks.push_back(Failed("data directory", st));
    } else {
      checks.push_back({"data directory", true, c.data_dir + " (writable)"});
    }
    std::string db_path = Session::DatabasePath(c);
    if (!PathExists(db_path)) {
      checks.push_back({"database", true, db_path + " not created yet"});
      return checks;
    }
    Result<MemoryService*> service = session.GetService();
    if (!service.ok()) {
      Check failed = Failed("database", service.status());
      failed.detail = db_path + ": " + failed.detail;
      checks.push_back(std::move(failed));
      return checks;
    }
    checks.push_back({"database", true, db_path + " opened"});
    for (const DoctorCheck& dc : (*service)->Doctor()) {
      StatusCode code = dc.ok                        ? StatusCode::kOk
                        : dc.code != StatusCode::kOk ? dc.code
                                                     : StatusCode::kFailedPrecondition;
      checks.push_back({dc.name, dc.ok, dc.detail, code});
    }
    return checks;
  }
};

}  // namespace

std::unique_ptr<Command> NewStatsCommand() { return std::make_unique<StatsCommand>(); }
std::unique_ptr<Command> NewDoctorCommand() { return std::make_unique<DoctorCommand>(); }
std::unique_ptr<Command> NewVersionCommand() { return std::make_unique<VersionCommand>(); }
std::unique_ptr<Command> NewStatusCommand() { return std::make_unique<StatusCommand>(); }

}  // namespace memex::cli
