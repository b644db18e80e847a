// Flags shared by the commands that read many memories (recall, list, export, stats): which
// scopes, kinds, tags and dates to read, and which page of results. Validate() turns the raw
// flag text into typed values (usage errors); Build()/Resolve() combine them with the config and
// the resolved scope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/command.h"
#include "core/memory.h"
#include "core/search.h"

namespace memex::cli {

class Output;
class Session;

class FilterArgs {
 public:
  enum Flags : unsigned {
    kScopeFlags = 1,    // --scopes, --all-scopes
    kKindTagFlags = 2,  // --kind, --tag
    kDateFlags = 4,     // --since, --until
    kHistoryFlag = 8,   // --history
    kAllFlags = 15,
  };

  // Adds the selected flags, bound to this object (which must not move afterwards).
  void AddOptions(std::vector<Opt>& opts, unsigned flags);
  // Errors (usage): unknown kind, bad date, since >= until, bad scope name, --scopes together
  // with --all-scopes.
  Status Validate();
  // The filter: --all-scopes, else --scopes (names without a workspace take the config's
  // default workspace), else the resolved current scope. Errors: config and scope resolution.
  Result<SearchFilter> Build(Session& session) const;

  bool all_scopes() const { return all_scopes_; }

 private:
  std::vector<std::string> kinds_;
  std::vector<std::string> tags_;
  std::vector<std::string> scopes_;
  std::string since_;
  std::string until_;
  bool all_scopes_ = false;
  bool history_ = false;
  // Typed values, set by Validate().
  std::vector<Kind> kind_values_;
  std::vector<std::string> tag_values_;
  int64_t since_ms_ = 0;
  int64_t until_ms_ = 0;
};

struct Page {
  int limit = 0;  // 0 = no limit (list only)
  int64_t offset = 0;
};

class PageArgs {
 public:
  void AddOptions(std::vector<Opt>& opts, std::string_view default_limit_help);
  // Errors (usage): --limit below `min_limit`, negative --offset, --page below 1, --page
  // together with --offset, --page without a positive limit.
  Status Validate(int64_t min_limit);
  // Applies defaults and clamps the limit to `max_limit` (> 0) with a warning on `output`.
  Page Resolve(int default_limit, int max_limit, Output& output) const;

 private:
  std::optional<int64_t> limit_;
  std::optional<int64_t> offset_;
  std::optional<int64_t> page_;
};

}  // namespace memex::cli
