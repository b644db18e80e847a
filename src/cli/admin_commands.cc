// Looking after the installation: stats, doctor, version, status, reindex (`memex reindex`
// embeds every memory that has no vector of the configured model now, and removes vectors that
// no longer serve).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capture/spool.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/progress.h"
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

    // Vectors per embedding model (pending: live memories without one of that model).
    std::vector<EmbeddingCounts> embeddings;
    if (db_exists) {
      if (Result<EmbeddingStore*> vectors = session.GetEmbeddingStore(); vectors.ok()) {
        ASSIGN_OR_RETURN(embeddings, (*vectors)->EmbeddingStats(""));
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
      doc["memories"] = {
          {"scope", scope.ok() ? CountsJson(scope_stats.value_or(StoreStats{})) : Json(nullptr)},
          {"all", CountsJson(all_stats.value_or(StoreStats{}))}};
      Json models = Json::array();
      for (const EmbeddingCounts& c : embeddings) {
        models.push_back({{"model", c.model},
                          {"dim", c.dim},
                          {"vectors", c.vectors},
                          {"embedded", c.embedded},
                          {"pending", c.pending}});
      }
      doc["embeddings"] = {{"provider", config->embedding.provider}, {"models", std::move(models)}};
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
        o << FormatCounts(scope_stats->live, scope_stats->superseded, scope_stats->forgotten,
                          scope_stats->archived)
          << " in this scope; ";
      }
      o << FormatCount(all_stats->live) << " live in " << all_stats->scopes.size()
        << (all_stats->scopes.size() == 1 ? " scope" : " scopes") << " in total\n";
    }
    o << "embeddings: ";
    if (config->embedding.provider == "none") {
      o << "off (embedding.provider \"none\")\n";
    } else if (embeddings.empty()) {
      o << config->embedding.provider << " provider; no vectors yet\n";
    } else {
      for (size_t i = 0; i < embeddings.size(); ++i) {
        const EmbeddingCounts& c = embeddings[i];
        o << (i ? "; " : "") << c.model << " (" << c.dim << " dims): " << FormatCount(c.embedded)
          << " embedded, " << FormatCount(c.pending) << " pending";
      }
      o << '\n';
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
      doc["memories"] = {{"scope", scope_stats ? CountsJson(*scope_stats) : Json(nullptr)},
                         {"all", CountsJson(all_stats)}};
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
      o << FormatCounts(scope_stats->live, scope_stats->superseded, scope_stats->forgotten,
                        scope_stats->archived)
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

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", s);
  return buf;
}

// Memories per worker pass: the progress bar moves at least this often.
constexpr int64_t kPass = 256;

const EmbeddingCounts* Find(const std::vector<EmbeddingCounts>& counts, const std::string& model) {
  for (const EmbeddingCounts& c : counts) {
    if (c.model == model) return &c;
  }
  return nullptr;
}

class ReindexCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"--force", "drop the configured model's vectors first and embed everything again",
         &force_},
        {"--prune", "delete the vectors of models other than the configured one", &prune_},
        {"--dry-run", "show what would be embedded and deleted; change nothing", &dry_run_},
    };
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(SemanticStack * stack, session.GetSemantic());
    if (stack == nullptr) {
      return FailedPrecondition(
          "embedding.provider is \"none\": there is no model to index with (set [embedding] in "
          "the config file, docs/configuration.md)");
    }
    ASSIGN_OR_RETURN(EmbeddingStore * store, session.GetEmbeddingStore());
    const std::string model = stack->embedder->model_id();
    ASSIGN_OR_RETURN(std::vector<EmbeddingCounts> before, store->EmbeddingStats(model));
    const EmbeddingCounts* mine = Find(before, model);
    const int64_t embedded = mine == nullptr ? 0 : mine->embedded;
    const int64_t pending = mine == nullptr ? 0 : mine->pending;
    std::vector<const EmbeddingCounts*> others;
    for (const EmbeddingCounts& c : before) {
      if (c.model != model && c.vectors > 0) others.push_back(&c);
    }
    const int64_t to_embed = force_ ? embedded + pending : pending;

    Output& out = session.output();
    if (dry_run_) {
      if (out.json()) {
        Json o = Json::array();
        for (const EmbeddingCounts* c : others)
          o.push_back({{"model", c->model}, {"vectors", c->vectors}});
        out.PrintJson(Json{{"dry_run", true},
                           {"model", model},
                           {"dim", stack->embedder->dim()},
                           {"would_embed", to_embed},
                           {"would_drop", force_ && mine != nullptr ? mine->vectors : 0},
                           {"other_models", std::move(o)},
                           {"would_prune", prune_}});
        return Status::Ok();
      }
      out.out() << "would embed " << FormatCount(to_embed) << " memories with " << model << " ("
                << stack->embedder->dim() << " dimensions)";
      if (force_ && mine != nullptr) {
        out.out() << " after dropping its " << FormatCount(mine->vectors) << " vectors";
      }
      out.out() << '\n';
      for (const EmbeddingCounts* c : others) {
        out.out() << (prune_ ? "would delete " : "kept: ") << FormatCount(c->vectors)
                  << " vectors of " << c->model << '\n';
      }
      return Status::Ok();
    }

    const auto started = std::chrono::steady_clock::now();
    if (force_) {
      RETURN_IF_ERROR(store->DropEmbeddings(model).status());
      stack->worker->Rewind();
    }
    int64_t pruned = 0;
    if (prune_) {
      for (const EmbeddingCounts* c : others) {
        ASSIGN_OR_RETURN(int64_t n, store->DropEmbeddings(c->model));
        pruned += n;
      }
    }
    ProgressBar bar(out.err(), "Embedding", session.deps().clock, session.ProgressEnabled());
    int64_t done = 0;
    bar.Update(0, to_embed);
    // Bounded: every pass embeds at least one memory or ends the loop; new writes by other
    // processes meanwhile are embedded too, up to twice the count seen at the start.
    const int64_t max_passes = 2 * (to_embed / kPass + 1) + 1;
    for (int64_t pass = 0; pass < max_passes; ++pass) {
      Result<int64_t> n = stack->worker->RunOnce(kPass);
      if (!n.ok()) {
        bar.Finish();
        return n.status().WithContext("embedding with " + model + " (" + FormatCount(done) +
                                      " memories done; the rest stay pending, rerun to resume)");
      }
      if (*n == 0) break;
      done += *n;
      bar.Update(std::min(done, to_embed), to_embed);
    }
    bar.Finish();
    ASSIGN_OR_RETURN(std::vector<EmbeddingCounts> after, store->EmbeddingStats(model));
    const EmbeddingCounts* now = Find(after, model);
    const int64_t left = now == nullptr ? 0 : now->pending;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (out.json()) {
      out.PrintJson(Json{{"model", model},
                         {"dim", stack->embedder->dim()},
                         {"embedded", done},
                         {"pending", left},
                         {"vectors", now == nullptr ? 0 : now->vectors},
                         {"pruned", pruned},
                         {"seconds", seconds}});
    } else {
      out.out() << "embedded " << FormatCount(done) << " memories with " << model << " ("
                << stack->embedder->dim() << " dimensions) in " << Seconds(seconds) << " s; "
                << FormatCount(now == nullptr ? 0 : now->embedded) << " have a vector, "
                << FormatCount(left) << " pending\n";
      if (prune_) out.out() << "deleted " << FormatCount(pruned) << " vectors of other models\n";
      if (!prune_ && !others.empty()) {
        int64_t kept = 0;
        for (const EmbeddingCounts* c : others) kept += c->vectors;
        out.out() << FormatCount(kept) << " vectors of other models are kept ('memex reindex "
                  << "--prune' deletes them)\n";
      }
    }
    return Status::Ok();
  }

 private:
  bool force_ = false;
  bool prune_ = false;
  bool dry_run_ = false;
};

}  // namespace

std::unique_ptr<Command> NewStatsCommand() { return std::make_unique<StatsCommand>(); }
std::unique_ptr<Command> NewDoctorCommand() { return std::make_unique<DoctorCommand>(); }
std::unique_ptr<Command> NewVersionCommand() { return std::make_unique<VersionCommand>(); }
std::unique_ptr<Command> NewStatusCommand() { return std::make_unique<StatusCommand>(); }
std::unique_ptr<Command> NewReindexCommand() { return std::make_unique<ReindexCommand>(); }

}  // namespace memex::cli
