#include "cli/query_args.h"

#include "base/text.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/session.h"

namespace memex::cli {

void FilterArgs::AddOptions(std::vector<Opt>& opts, unsigned flags) {
  if ((flags & kScopeFlags) != 0) {
    opts.push_back({"--scopes WS/PROJ",
                    "Read these scopes instead of the current one (ws/proj,...)", &scopes_});
    opts.push_back({"--all-scopes", "Read every scope", &all_scopes_});
  }
  if ((flags & kKindTagFlags) != 0) {
    opts.push_back({"--kind,-k KIND",
                    "Only these kinds (repeatable or comma-separated): " + KindNameList(),
                    &kinds_});
    opts.push_back(
        {"--tag,-t TAG", "Only memories carrying every listed tag (repeatable)", &tags_});
  }
  if ((flags & kDateFlags) != 0) {
    opts.push_back({"--since DATE", "Created at or after DATE (YYYY-MM-DD or RFC 3339)", &since_});
    opts.push_back({"--until DATE", "Created before DATE (YYYY-MM-DD or RFC 3339)", &until_});
  }
  if ((flags & kHistoryFlag) != 0) {
    opts.push_back({"--history", "Include superseded versions", &history_});
  }
}

Status FilterArgs::Validate() {
  ASSIGN_OR_RETURN(kind_values_, ParseKinds(kinds_));
  tag_values_ = NormalizeTags(SplitCommaList(tags_));
  if (!since_.empty()) {
    ASSIGN_OR_RETURN(since_ms_, ParseDateFlag("--since", since_));
  }
  if (!until_.empty()) {
    ASSIGN_OR_RETURN(until_ms_, ParseDateFlag("--until", until_));
  }
  if (since_ms_ != 0 && until_ms_ != 0 && since_ms_ >= until_ms_) {
    return InvalidArgument("--since (" + since_ + ") must be earlier than --until (" + until_ +
                           ")");
  }
  if (all_scopes_ && !scopes_.empty()) {
    return InvalidArgument("--scopes and --all-scopes cannot be combined");
  }
  if (!scopes_.empty()) {
    // The real default workspace comes from the config in Build(); names are checked here.
    Result<std::vector<Scope>> scopes = ParseScopeList(scopes_, kDefaultWorkspace);
    if (!scopes.ok()) return scopes.status().WithContext("--scopes");
    if (scopes->empty()) return InvalidArgument("--scopes: no scope given");
  }
  return Status::Ok();
}

Result<SearchFilter> FilterArgs::Build(Session& session) const {
  SearchFilter filter;
  filter.kinds = kind_values_;
  filter.tags = tag_values_;
  filter.since_ms = since_ms_;
  filter.until_ms = until_ms_;
  filter.include_history = history_;
  if (all_scopes_) {
    filter.all_scopes = true;
  } else if (!scopes_.empty()) {
    ASSIGN_OR_RETURN(const Config* config, session.GetConfig());
    ASSIGN_OR_RETURN(filter.scopes, ParseScopeList(scopes_, config->scope.default_workspace));
  } else {
    ASSIGN_OR_RETURN(ResolvedScope scope, session.GetScope());
    filter.scopes.push_back(scope.scope);
  }
  return filter;
}

void PageArgs::AddOptions(std::vector<Opt>& opts, std::string_view default_limit_help) {
  opts.push_back({"--limit,-n N",
                  "Show at most N results (" + std::string(default_limit_help) + ")", &limit_});
  opts.push_back({"--offset N", "Skip the first N results", &offset_});
  opts.push_back({"--page N", "Show page N (1-based) of --limit results", &page_});
}

Status PageArgs::Validate(int64_t min_limit) {
  if (limit_ && *limit_ < min_limit) {
    return InvalidArgument("--limit must be at least " + std::to_string(min_limit) + " (got " +
                           std::to_string(*limit_) + ")");
  }
  if (limit_ && *limit_ > 1'000'000) {
    return InvalidArgument("--limit is too large (got " + std::to_string(*limit_) + ")");
  }
  if (offset_ && *offset_ < 0) {
    return InvalidArgument("--offset must not be negative (got " + std::to_string(*offset_) + ")");
  }
  if (page_ && *page_ < 1) {
    return InvalidArgument("--page must be at least 1 (got " + std::to_string(*page_) + ")");
  }
  if (page_ && offset_) return InvalidArgument("--page and --offset cannot be combined");
  if (page_ && limit_ && *limit_ == 0) {
    return InvalidArgument("--page needs a positive --limit");
  }
  return Status::Ok();
}

Page PageArgs::Resolve(int default_limit, int max_limit, Output& output) const {
  Page page;
  page.limit = limit_ ? static_cast<int>(*limit_) : default_limit;
  if (max_limit > 0 && page.limit > max_limit) {
    output.Warning("--limit " + std::to_string(page.limit) + " is above the maximum; showing " +
                   std::to_string(max_limit) + " (recall.max_limit)");
    page.limit = max_limit;
  }
  if (offset_) page.offset = *offset_;
  if (page_) page.offset = (*page_ - 1) * page.limit;
  return page;
}

}  // namespace memex::cli
