// Human-readable formatting for CLI output: ages, sizes, snippets, memory and hit blocks.
// Pure functions of their arguments (the caller passes "now"), so tests pin the exact text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/link.h"
#include "core/memory.h"
#include "core/scope.h"
#include "retrieval/ranking.h"
#include "service/near_duplicates.h"
#include "store/store.h"

namespace memex::cli {

// "just now", "5m ago", "3h ago", "2d ago", "4mo ago", "2y ago"; "in 3d" for future times;
// "never" for 0.
std::string FormatAge(int64_t now_ms, int64_t then_ms);

// "512 B", "1.5 KiB", "12.0 MiB", "1.2 GiB".
std::string FormatBytes(int64_t bytes);

// Thousands separators: 12345 -> "12,345".
std::string FormatCount(int64_t n);

// Rows as aligned columns, two spaces apart, one line each (the first row is the header).
// Precondition: every row has the same number of cells.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// Collapses every run of whitespace (newlines included) into one space, trims, and cuts to at
// most `max_bytes` on a UTF-8 boundary with "…".
std::string Snippet(std::string_view text, size_t max_bytes);

// Flattens repeatable, comma-separated flag values: {"a,b", " c "} -> {"a", "b", "c"}.
std::vector<std::string> SplitCommaList(const std::vector<std::string>& values);

// "fact, decision, ..." for help texts.
std::string KindNameList();

// Parses kind names; the error lists the accepted kinds.
Result<std::vector<Kind>> ParseKinds(const std::vector<std::string>& names);

// Parses "ws/proj" or "proj" items (comma-separated, repeatable); errors name the bad item.
Result<std::vector<Scope>> ParseScopeList(const std::vector<std::string>& values,
                                          std::string_view default_workspace);

// Parses a date flag value; the error names the flag ("--since: invalid timestamp ...").
Result<int64_t> ParseDateFlag(std::string_view flag, std::string_view text);

// One memory in full: a header of fields, a blank line, then the content.
std::string FormatMemoryDetail(const Memory& m, int64_t now_ms);

// One line of `list`: "<id>  <kind>  <age>  <snippet>".
std::string FormatMemoryLine(const Memory& m, int64_t now_ms);

// One recall hit: a header line (rank, score, kind, age, id, tags) and an indented snippet; with
// `explain`, a line of channel contributions and matched terms.
std::string FormatHit(const RankedHit& hit, int rank, int64_t now_ms, bool explain);

// The query plan shown by `recall --explain`.
std::string FormatPlan(const QueryPlan& plan);

// What recall prints when it has no hit: "No memories match.", and when the relevance gate
// answered, why ("... relevance 0.65 under the bar 0.75 ...").
std::string FormatNoMatch(const QueryPlan& plan);

// "12 live, 3 superseded, 1 forgotten", then ", 4 archived" when some are.
std::string FormatCounts(int64_t live, int64_t superseded, int64_t forgotten, int64_t archived = 0);

// The `stats` report; `scope_label` is "default/proj" or "all scopes".
std::string FormatStats(const StoreStats& stats, std::string_view scope_label);

// The note `remember` prints for a near-duplicate it found (docs/hygiene.md): "near-duplicate of
// <id> (contained, similarity 0.89): both are kept and linked; 'memex consolidate' merges them".
std::string FormatNearDuplicate(const NearDuplicate& d);

// The links of memory `id` for `get`, one per line: "  near_duplicate -> <id> (0.89, 2d ago)"
// for links from it, "<-" for links to it; "" when there are none.
std::string FormatLinks(const std::string& id, const std::vector<MemoryLink>& links,
                        int64_t now_ms);

}  // namespace memex::cli
