// `memex consolidate`: group near-duplicates and, with --apply, archive all but the newest of
// each group (service/consolidation.h, docs/hygiene.md). A dry run by default. Works on the
// local data directory only, like `memex reindex`: a server consolidates through its own
// POST /v1/consolidate.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
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

constexpr int64_t kDefaultMaxGroups = 50;  // memoryOSS's max_clusters
constexpr int64_t kMaxMaxGroups = 10000;
constexpr size_t kSnippetBytes = 70;

Json GroupJson(const ConsolidationGroup& g) {
  Json merged = Json::array();
  for (const Memory& m : g.merged) merged.push_back(m.id);
  return Json{{"kept", g.kept.id},
              {"kept_version", g.kept_id},
              {"merged", std::move(merged)},
              {"avg_similarity", g.avg_similarity},
              {"tags_added", g.tags_added}};
}

std::string TwoDecimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string GroupText(const ConsolidationGroup& g, size_t n, int64_t now_ms) {
  std::string out = "group " + std::to_string(n) + " (average similarity " +
                    TwoDecimals(g.avg_similarity) + ")\n";
  out += "  keep   " + g.kept.id + "  " + FormatAge(now_ms, g.kept.created_ms) + "  " +
         Snippet(g.kept.content, kSnippetBytes) + "\n";
  for (const Memory& m : g.merged) {
    out += "  merge  " + m.id + "  " + FormatAge(now_ms, m.created_ms) + "  " +
           Snippet(m.content, kSnippetBytes) + "\n";
  }
  if (!g.tags_added.empty())
    out += "  tags added to the kept memory: " + Join(g.tags_added, ", ") + "\n";
  if (g.kept_id != g.kept.id) out += "  kept memory is now version " + g.kept_id + "\n";
  return out;
}

class ConsolidateCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    std::vector<Opt> opts = {
        {"--apply", "Merge: archive all but the newest memory of each group (default: dry run)",
         &apply_},
        {"--threshold X",
         "Minimum similarity of a pair, above 0 and at most 1 (default "
         "hygiene.consolidate_threshold, 0.9)",
         &threshold_},
        {"--max-groups N", "At most N groups (default 50)", &max_groups_},
    };
    filter_.AddOptions(opts, FilterArgs::kScopeFlags | FilterArgs::kKindTagFlags);
    return opts;
  }

  Status Validate() override {
    if (threshold_ && !(*threshold_ > 0 && *threshold_ <= 1)) {
      return InvalidArgument("--threshold must be greater than 0 and at most 1 (got " +
                             std::to_string(*threshold_) + ")");
    }
    if (max_groups_ && (*max_groups_ < 1 || *max_groups_ > kMaxMaxGroups)) {
      return InvalidArgument("--max-groups must be between 1 and " + std::to_string(kMaxMaxGroups));
    }
    return filter_.Validate();
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(http::RemoteMemoryApi * remote, session.GetRemote());
    if (remote != nullptr) {
      return FailedPrecondition(
          "consolidate works on this machine's data directory, and a server is configured (" +
          remote->url() +
          "); unset --server/$MEMEX_SERVER, or ask the server: POST /v1/consolidate");
    }
    ASSIGN_OR_RETURN(SearchFilter filter, filter_.Build(session));
    ASSIGN_OR_RETURN(MemoryService * service, session.GetService());
    ConsolidateRequest req;
    req.filter = std::move(filter);
    req.threshold = threshold_.value_or(0);
    req.max_groups = static_cast<int>(max_groups_.value_or(kDefaultMaxGroups));
    req.apply = apply_;
    ASSIGN_OR_RETURN(ConsolidateResult r, service->Consolidate(req));

    Output& out = session.output();
    if (out.json()) {
      Json groups = Json::array();
      for (const ConsolidationGroup& g : r.groups) groups.push_back(GroupJson(g));
      out.PrintJson(Json{{"groups", std::move(groups)},
                         {"total_merged", r.total_merged},
                         {"dry_run", !r.applied},
                         {"threshold", r.threshold},
                         {"examined", r.examined},
                         {"capped", r.capped},
                         {"more_groups", r.more_groups},
                         {"semantic", r.semantic}});
      return Status::Ok();
    }
    const int64_t now = session.NowMs();
    for (size_t i = 0; i < r.groups.size(); ++i) {
      if (i > 0) out.out() << '\n';
      out.out() << GroupText(r.groups[i], i + 1, now);
    }
    if (r.groups.empty()) {
      out.out() << "no near-duplicates among " << FormatCount(r.examined) << " memories (threshold "
                << r.threshold << ")\n";
    } else {
      out.out() << '\n'
                << r.groups.size() << (r.groups.size() == 1 ? " group: " : " groups: ")
                << FormatCount(r.total_merged) << (r.total_merged == 1 ? " memory " : " memories ")
                << (r.applied ? "merged" : "would merge") << " (" << FormatCount(r.examined)
                << " examined, threshold " << r.threshold
                << (r.semantic ? ", embeddings used" : ", words only: no embeddings") << ")\n";
    }
    if (r.capped) {
      out.Note("only the newest " + FormatCount(r.examined) +
               " memories were examined (hygiene.consolidate_max_memories); narrow with "
               "--scopes, --kind or --tag");
    }
    if (r.more_groups) {
      out.Note("more groups were found than --max-groups " + std::to_string(req.max_groups) +
               "; run again for the rest");
    }
    if (r.applied) {
      if (!r.groups.empty()) {
        out.out() << "merged memories are archived, not forgotten ('memex unarchive ID' restores "
                     "one)\n";
      }
    } else {
      out.out() << "dry run: nothing changed; --apply to merge\n";
    }
    return Status::Ok();
  }

 private:
  bool apply_ = false;
  std::optional<double> threshold_;
  std::optional<int64_t> max_groups_;
  FilterArgs filter_;
};

}  // namespace

std::unique_ptr<Command> NewConsolidateCommand() { return std::make_unique<ConsolidateCommand>(); }

}  // namespace memex::cli
