// Reading many memories: recall (ranked search) and list (browse).
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

// "Showing 11-20 of 37; next page: --page 3" (nothing when everything fit on one page).
std::string PageFooter(const Page& page, size_t shown, int64_t total) {
  if (shown == 0 || (page.offset == 0 && static_cast<int64_t>(shown) >= total)) return "";
  std::string out = "Showing " + FormatCount(page.offset + 1) + "-" +
                    FormatCount(page.offset + static_cast<int64_t>(shown)) + " of " +
                    FormatCount(total);
  if (page.limit > 0 && page.offset + static_cast<int64_t>(shown) < total) {
    out += "; next page: --page " + std::to_string(page.offset / page.limit + 2);
  }
  return out + "\n";
}

class RecallCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    std::vector<Opt> opts = {
        {"query QUERY", "Words, identifiers (src/a.cc, snake_case) or \"quoted phrases\"", &query_,
         /*required=*/true},
        {"--explain", "Show each hit's channel scores and the query plan", &explain_},
    };
    page_.AddOptions(opts, "default recall.default_limit");
    filter_.AddOptions(opts, FilterArgs::kAllFlags);
    return opts;
  }

  Status Validate() override {
    if (Trim(Join(query_, " ")).empty()) return InvalidArgument("recall needs a query");
    RETURN_IF_ERROR(page_.Validate(/*min_limit=*/1));
    return filter_.Validate();
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    ASSIGN_OR_RETURN(SearchFilter filter, filter_.Build(session));
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    Page page =
        page_.Resolve(config->recall.default_limit, config->recall.max_limit, session.output());
    RecallRequest req{Join(query_, " "), std::move(filter), page.limit, page.offset, explain_};
    ASSIGN_OR_RETURN(RecallResponse resp, service->Recall(req));

    Output& out = session.output();
    if (out.json()) {
      Json hits = Json::array();
      for (size_t i = 0; i < resp.hits.size(); ++i) {
        hits.push_back(HitJson(resp.hits[i], static_cast<int>(page.offset + i + 1), explain_));
      }
      Json doc = {{"hits", std::move(hits)},  {"total", resp.total_candidates},
                  {"offset", page.offset},    {"limit", page.limit},
                  {"gated", resp.plan.gated}, {"elapsed_us", resp.elapsed_us}};
      if (explain_) doc["plan"] = PlanJson(resp.plan);
      out.PrintJson(doc);
      return Status::Ok();
    }
    if (explain_) out.out() << FormatPlan(resp.plan) << '\n';
    if (resp.hits.empty()) {
      if (page.offset > 0 && resp.total_candidates > 0) {
        out.out() << "No more matches (" << FormatCount(resp.total_candidates) << " in total).\n";
      } else {
        out.out() << FormatNoMatch(resp.plan) << '\n';
      }
      return Status::Ok();
    }
    for (size_t i = 0; i < resp.hits.size(); ++i) {
      out.out() << FormatHit(resp.hits[i], static_cast<int>(page.offset + i + 1), session.NowMs(),
                             explain_);
    }
    out.out() << PageFooter(page, resp.hits.size(), resp.total_candidates);
    return Status::Ok();
  }

 private:
  std::vector<std::string> query_;
  bool explain_ = false;
  PageArgs page_;
  FilterArgs filter_;
};

class ListCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    std::vector<Opt> opts = {
        {"--forgotten", "Include forgotten memories (tombstones)", &forgotten_},
        {"--oldest-first", "Oldest first (default newest first)", &oldest_first_},
        {"--archived", "Only archived memories (memex archive, memex decay)", &archived_},
    };
    page_.AddOptions(opts, "default 50; 0 = all");
    filter_.AddOptions(opts, FilterArgs::kAllFlags);
    return opts;
  }

  Status Validate() override {
    RETURN_IF_ERROR(page_.Validate(/*min_limit=*/0));
    return filter_.Validate();
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(SearchFilter filter, filter_.Build(session));
    if (archived_) {
      ASSIGN_OR_RETURN(http::RemoteMemoryApi * remote, session.GetRemote());
      if (remote != nullptr) {
        return FailedPrecondition(
            "list --archived reads this machine's data directory, and a "
            "server is configured (" +
            remote->url() + "); unset --server/$MEMEX_SERVER");
      }
    }
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    Page page = page_.Resolve(kDefaultListLimit, /*max_limit=*/0, session.output());
    ListRequest req;
    req.query.archived_only = archived_;
    req.query.filter = std::move(filter);
    req.query.include_forgotten = forgotten_;
    req.query.limit = page.limit;
    req.query.offset = page.offset;
    req.query.oldest_first = oldest_first_;
    ASSIGN_OR_RETURN(ListResponse resp, service->List(req));

    Output& out = session.output();
    if (out.json()) {
      Json list = Json::array();
      for (const Memory& m : resp.memories) list.push_back(MemoryJson(m));
      out.PrintJson(Json{{"memories", std::move(list)},
                         {"total", resp.total},
                         {"offset", page.offset},
                         {"limit", page.limit}});
      return Status::Ok();
    }
    if (resp.memories.empty()) {
      out.out() << (page.offset > 0 && resp.total > 0 ? "No more memories.\n" : "No memories.\n");
      return Status::Ok();
    }
    for (const Memory& m : resp.memories) {
      out.out() << FormatMemoryLine(m, session.NowMs()) << '\n';
    }
    out.out() << PageFooter(page, resp.memories.size(), resp.total);
    return Status::Ok();
  }

 private:
  static constexpr int kDefaultListLimit = 50;
  bool forgotten_ = false;
  bool oldest_first_ = false;
  bool archived_ = false;
  PageArgs page_;
  FilterArgs filter_;
};

}  // namespace

std::unique_ptr<Command> NewRecallCommand() { return std::make_unique<RecallCommand>(); }
std::unique_ptr<Command> NewListCommand() { return std::make_unique<ListCommand>(); }

}  // namespace memex::cli
