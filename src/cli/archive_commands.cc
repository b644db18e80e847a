// Decay and archive (SPEC §6, docs/cli.md "Decay and archive"): `memex archive`, `memex
// unarchive` and `memex decay` (service/decay_sweep.h). Archiving is reversible: an archived
// memory leaves recall and list but keeps every field. Local only, like `memex reindex`: they
// work on this machine's data directory and refuse a configured server.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/text.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/query_args.h"
#include "cli/session.h"

namespace memex::cli {
namespace {

constexpr size_t kSnippetBytes = 60;

Status RefuseRemote(Session& session, std::string_view command) {
  ASSIGN_OR_RETURN(http::RemoteMemoryApi * remote, session.GetRemote());
  if (remote == nullptr) return Status::Ok();
  return FailedPrecondition(
      std::string(command) +
      " works on this machine's data directory, and a server is configured (" + remote->url() +
      "); unset --server/$MEMEX_SERVER and run it there");
}

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return FormatCount(n) + " " + std::string(n == 1 ? one : many);
}

// `memex archive ID...` and `memex unarchive ID...|--sweep N`.
class ArchiveCommand : public Command {
 public:
  explicit ArchiveCommand(bool archive) : archive_(archive) {}

  std::vector<Opt> Options() override {
    std::vector<Opt> opts;
    if (!archive_) {
      opts.push_back({"--sweep ID",
                      "Restore every memory one `memex decay --apply` archived (the sweep id it "
                      "printed) in the scopes searched",
                      &sweep_});
      filter_.AddOptions(opts, FilterArgs::kScopeFlags);
    }
    opts.push_back({"ids", "Memory ids (any version names the memory)", &ids_});
    return opts;
  }

  Status Validate() override {
    if (sweep_ && !ids_.empty()) return InvalidArgument("give memory ids or --sweep, not both");
    if (sweep_ && *sweep_ <= 0)
      return InvalidArgument("--sweep takes the positive id a sweep printed");
    if (!sweep_ && ids_.empty()) {
      return InvalidArgument(archive_ ? "give the ids of the memories to archive"
                                      : "give the ids of the memories to restore, or --sweep ID");
    }
    return archive_ ? Status::Ok() : filter_.Validate();
  }

  Status Run(Session& session) override {
    const std::string_view name = archive_ ? "archive" : "unarchive";
    RETURN_IF_ERROR(RefuseRemote(session, name));
    ASSIGN_OR_RETURN(DecaySweep * decay, session.GetDecay());
    ArchiveOutcome outcome;
    if (sweep_) {
      ASSIGN_OR_RETURN(SearchFilter filter, filter_.Build(session));
      ASSIGN_OR_RETURN(outcome.changed, decay->RestoreSweep(filter, *sweep_));
    } else {
      ASSIGN_OR_RETURN(outcome, decay->SetArchived(ids_, archive_));
    }
    Output& out = session.output();
    const char* done = archive_ ? "archived" : "restored";
    if (out.json()) {
      out.PrintJson(Json{{done, outcome.changed}, {"unchanged", outcome.unchanged}});
      return Status::Ok();
    }
    for (const std::string& id : outcome.changed) out.out() << done << ' ' << id << '\n';
    for (const std::string& id : outcome.unchanged) {
      out.Note(id + (archive_ ? " was already archived" : " was not archived"));
    }
    if (archive_ && !outcome.changed.empty()) {
      out.Note("archived memories leave recall and list; 'memex unarchive ID' restores them");
    }
    return Status::Ok();
  }

 private:
  const bool archive_;
  std::vector<std::string> ids_;
  std::optional<int64_t> sweep_;
  FilterArgs filter_;
};

Json CandidateJson(const DecayCandidate& c) {
  return Json{{"id", c.memory.id},
              {"kind", KindName(c.memory.kind)},
              {"workspace", c.memory.scope.workspace},
              {"project", c.memory.scope.project},
              {"warmth", c.verdict.warmth},
              {"idle_days", c.verdict.idle_days},
              {"why", c.verdict.why},
              {"content", c.memory.content}};
}

// `memex decay`: the stale memories of the current scope; --apply archives them.
class DecayCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    std::vector<Opt> opts = {
        {"--apply", "Archive the stale memories (default: dry run, nothing changes)", &apply_},
        {"--after-days N", "Idle days before a memory may decay (default decay.after_days, 30)",
         &after_days_},
    };
    filter_.AddOptions(opts, FilterArgs::kScopeFlags | FilterArgs::kKindTagFlags);
    return opts;
  }

  Status Validate() override {
    if (after_days_ && (*after_days_ < 1 || *after_days_ > 36500)) {
      return InvalidArgument("--after-days must be between 1 and 36500");
    }
    return filter_.Validate();
  }

  Status Run(Session& session) override {
    RETURN_IF_ERROR(RefuseRemote(session, "decay"));
    ASSIGN_OR_RETURN(SearchFilter filter, filter_.Build(session));
    ASSIGN_OR_RETURN(DecaySweep * decay, session.GetDecay());
    DecayRequest req;
    req.kinds = std::move(filter.kinds);  // --kind overrides decay.kinds
    filter.kinds.clear();
    req.filter = std::move(filter);
    req.after_days = after_days_.value_or(0);
    req.apply = apply_;
    ASSIGN_OR_RETURN(DecayResult r, decay->Run(req));

    Output& out = session.output();
    std::vector<std::string> kinds;
    for (Kind k : r.kinds) kinds.emplace_back(KindName(k));
    if (out.json()) {
      Json stale = Json::array();
      for (const DecayCandidate& c : r.stale) stale.push_back(CandidateJson(c));
      Json doc{{"stale", std::move(stale)},  {"examined", r.examined},
               {"after_days", r.after_days}, {"kinds", kinds},
               {"dry_run", !r.applied},      {"archived", r.archived}};
      if (r.sweep_ms != 0) doc["sweep"] = r.sweep_ms;
      out.PrintJson(doc);
      return Status::Ok();
    }
    const int64_t now = session.NowMs();
    for (const DecayCandidate& c : r.stale) {
      out.out() << c.memory.id << "  " << KindName(c.memory.kind) << "  "
                << FormatAge(now, c.memory.updated_ms) << "  " << c.verdict.why << "  "
                << Snippet(c.memory.content, kSnippetBytes) << '\n';
    }
    const std::string what = Join(kinds, ", ") + " memories idle for " +
                             Plural(r.after_days, "day", "days") + " or more";
    if (r.stale.empty()) {
      out.out() << "nothing to decay: " << FormatCount(r.examined) << " " << what
                << (r.examined == 0 ? "" : ", all still warm") << '\n';
      return Status::Ok();
    }
    out.out() << Plural(static_cast<int64_t>(r.stale.size()), "stale memory", "stale memories")
              << " of " << FormatCount(r.examined) << " " << what << '\n';
    if (!r.applied) {
      out.out() << "dry run: nothing changed; --apply to archive\n";
      return Status::Ok();
    }
    out.out() << "archived "
              << Plural(static_cast<int64_t>(r.archived.size()), "memory", "memories") << " (sweep "
              << r.sweep_ms << "); undo: memex unarchive --sweep " << r.sweep_ms << '\n';
    return Status::Ok();
  }

 private:
  bool apply_ = false;
  std::optional<int64_t> after_days_;
  FilterArgs filter_;
};

}  // namespace

std::unique_ptr<Command> NewArchiveCommand() { return std::make_unique<ArchiveCommand>(true); }
std::unique_ptr<Command> NewUnarchiveCommand() { return std::make_unique<ArchiveCommand>(false); }
std::unique_ptr<Command> NewDecayCommand() { return std::make_unique<DecayCommand>(); }

}  // namespace memex::cli
