#include "cli/format.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "base/text.h"
#include "base/time_util.h"

namespace memex::cli {
namespace {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr size_t kHitSnippetBytes = 160;
constexpr size_t kLineSnippetBytes = 80;

std::string Printf(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string Score(double v) { return Printf("%.3f", v); }

std::string TimeWithAge(int64_t ms, int64_t now_ms) {
  return FormatRfc3339Ms(ms) + " (" + FormatAge(now_ms, ms) + ")";
}

// "label:" padded so that values line up in a detail block.
void Field(std::string& out, std::string_view label, std::string_view value) {
  std::string key = std::string(label) + ":";
  key.resize(std::max<size_t>(key.size(), 12), ' ');
  out += key;
  out += value;
  out += '\n';
}

// "1 term", "2 terms".
std::string Plural(int64_t n, std::string_view noun) {
  return FormatCount(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::string Hashtags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += ' ';
    out += '#' + t;
  }
  return out;
}

}  // namespace

std::string FormatAge(int64_t now_ms, int64_t then_ms) {
  if (then_ms == 0) return "never";
  int64_t diff = now_ms - then_ms;
  bool future = diff < 0;
  if (future) diff = -diff;
  if (diff < kMinuteMs) return "just now";
  std::string amount;
  if (diff < kHourMs) {
    amount = std::to_string(diff / kMinuteMs) + "m";
  } else if (diff < 48 * kHourMs) {
    amount = std::to_string(diff / kHourMs) + "h";
  } else if (diff < 60 * kDayMs) {
    amount = std::to_string(diff / kDayMs) + "d";
  } else if (diff < 730 * kDayMs) {
    amount = std::to_string(diff / (30 * kDayMs)) + "mo";
  } else {
    amount = std::to_string(diff / (365 * kDayMs)) + "y";
  }
  return future ? "in " + amount : amount + " ago";
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  return Printf("%.1f", v) + " " + kUnits[unit];
}

std::string FormatCount(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Snippet(std::string_view text, size_t max_bytes) {
  std::string flat;
  flat.reserve(std::min(text.size(), max_bytes + 8));
  bool pending_space = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    if (space) {
      pending_space = !flat.empty();
      continue;
    }
    if (pending_space) flat += ' ';
    pending_space = false;
    flat += c;
    if (flat.size() > max_bytes + 4) break;  // enough to know it will be cut
  }
  return TruncateUtf8(flat, max_bytes);
}

std::vector<std::string> SplitCommaList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    for (const auto& part : Split(v, ',')) {
      std::string_view t = Trim(part);
      if (!t.empty()) out.emplace_back(t);
    }
  }
  return out;
}

std::string KindNameList() {
  std::string out;
  for (Kind k : AllKinds()) {
    if (!out.empty()) out += ", ";
    out += KindName(k);
  }
  return out;
}

Result<std::vector<Kind>> ParseKinds(const std::vector<std::string>& names) {
  std::vector<Kind> kinds;
  for (const auto& name : SplitCommaList(names)) {
    ASSIGN_OR_RETURN(Kind k, ParseKind(AsciiLower(name)));
    kinds.push_back(k);
  }
  return kinds;
}

Result<std::vector<Scope>> ParseScopeList(const std::vector<std::string>& values,
                                          std::string_view default_workspace) {
  std::vector<Scope> scopes;
  for (const auto& item : SplitCommaList(values)) {
    ASSIGN_OR_RETURN(Scope s, ParseScope(item, default_workspace));
    scopes.push_back(std::move(s));
  }
  return scopes;
}

Result<int64_t> ParseDateFlag(std::string_view flag, std::string_view text) {
  Result<int64_t> ms = ParseTimestampMs(Trim(text));
  if (!ms.ok()) return ms.status().WithContext(flag);
  return ms;
}

std::string FormatMemoryDetail(const Memory& m, int64_t now_ms) {
  std::string out;
  Field(out, "id", m.id);
  Field(out, "scope", m.scope.ToString());
  Field(out, "kind", KindName(m.kind));
  std::string status(StatusName(m.status));
  if (m.forgotten())
    status = "forgotten " + FormatAge(now_ms, m.deleted_ms) + " (was " + status + ")";
  Field(out, "status", status);
  std::string version = std::to_string(m.version);
  if (!m.supersedes.empty()) version += ", supersedes " + m.supersedes;
  if (!m.superseded_by.empty()) version += ", superseded by " + m.superseded_by;
  Field(out, "version", version);
  if (!m.tags.empty()) Field(out, "tags", Join(m.tags, ", "));
  if (m.confidence != 1.0) Field(out, "confidence", Printf("%.2f", m.confidence));
  Field(out, "origin", OriginName(m.origin));
  if (!m.agent.empty()) Field(out, "agent", m.agent);
  if (!m.session.empty()) Field(out, "session", m.session);
  Field(out, "created", TimeWithAge(m.created_ms, now_ms));
  if (m.updated_ms != m.created_ms) Field(out, "updated", TimeWithAge(m.updated_ms, now_ms));
  if (m.access_count > 0) {
    Field(out, "accessed",
          std::to_string(m.access_count) + (m.access_count == 1 ? " time" : " times") + ", last " +
              FormatAge(now_ms, m.last_accessed_ms));
  }
  if (m.expires_ms != 0) Field(out, "expires", TimeWithAge(m.expires_ms, now_ms));
  out += '\n';
  out += m.content;
  if (out.back() != '\n') out += '\n';
  return out;
}

std::string FormatMemoryLine(const Memory& m, int64_t now_ms) {
  std::string out = m.id + "  ";
  std::string kind(KindName(m.kind));
  kind.resize(std::max<size_t>(kind.size(), 10), ' ');
  out += kind;
  std::string age = FormatAge(now_ms, m.updated_ms);
  age.resize(std::max<size_t>(age.size(), 9), ' ');
  out += age + " ";
  if (m.forgotten()) {
    out += "[forgotten] ";
  } else if (m.status == MemoryStatus::kSuperseded) {
    out += "[v" + std::to_string(m.version) + ", superseded] ";
  } else if (m.status == MemoryStatus::kArchived) {
    out += "[archived] ";
  }
  out += Snippet(m.content, kLineSnippetBytes);
  return out;
}

std::string FormatHit(const RankedHit& hit, int rank, int64_t now_ms, bool explain) {
  const Memory& m = hit.memory;
  char head[32];
  std::snprintf(head, sizeof head, "%2d. ", rank);
  std::string out = head + Score(hit.score) + "  " + std::string(KindName(m.kind)) + "  " +
                    FormatAge(now_ms, m.updated_ms) + "  " + m.id;
  if (m.status == MemoryStatus::kSuperseded) {
    out += "  [v" + std::to_string(m.version) + ", superseded]";
  }
  if (!m.tags.empty()) out += "  " + Hashtags(m.tags);
  out += "\n    " + Snippet(m.content, kHitSnippetBytes) + "\n";
  if (explain) {
    const ChannelScores& c = hit.channels;
    out += "    explain: text " + Score(c.text_part) + " (bm25 " + Printf("%.2f", c.bm25) +
           ", normalised " + Score(c.text) + ") + exact " + Score(c.exact_part) + " (" +
           Score(c.exact) + ")";
    if (c.similarity != 0 || c.vector_part != 0) {
      out += " + vector " + Score(c.vector_part) + " (cosine " + Printf("%.2f", c.similarity) + ")";
    }
    out += " + recency " + Score(c.recency_part) + " (" + Score(c.recency) + ")";
    if (c.context_part != 0) {
      out += " + context " + Score(c.context_part) + " (" + Score(c.context) + ")";
    }
    if (c.time_part != 0) out += " + time " + Score(c.time_part);
    if (c.agent_part != 0) out += " + agent " + Score(c.agent_part);
    if (c.states_time_part != 0) out += " + states a time " + Score(c.states_time_part);
    if (c.asks_part != 0) out += " - asks " + Score(-c.asks_part);
    if (c.weight != 1) out += ", x " + Printf("%.2f", c.weight) + " (confidence, status)";
    out += " = " + Score(hit.score) + "\n";
    if (c.similarity != 0) out += "    coverage of the query: " + Score(c.coverage) + "\n";
    out += "    matched terms: " + (c.matched_terms.empty() ? "-" : Join(c.matched_terms, ", "));
    out += "; identifiers: " +
           (c.matched_identifiers.empty() ? "-" : Join(c.matched_identifiers, ", ")) + "\n";
  }
  return out;
}

std::string FormatPlan(const QueryPlan& plan) {
  std::string out = "query plan: " + Plural(static_cast<int64_t>(plan.terms.size()), "term") +
                    ", " + Plural(static_cast<int64_t>(plan.identifiers.size()), "identifier") +
                    ", " + Plural(plan.doc_count, "document") + " in scope\n";
  std::vector<std::string> terms;
  for (size_t i = 0; i < plan.terms.size(); ++i) {
    std::string t = plan.terms[i];
    if (i < plan.term_stats.size()) {
      t += " (df " + std::to_string(plan.term_stats[i].df) +
           (plan.term_stats[i].estimated ? ", estimated" : "") +
           (plan.term_stats[i].dropped ? ", too common to score)" : ")");
    }
    terms.push_back(std::move(t));
  }
  out += "  terms:        " + (terms.empty() ? "-" : Join(terms, ", ")) + "\n";
  std::vector<std::string> idents;
  for (size_t i = 0; i < plan.identifiers.size(); ++i) {
    std::string t = plan.identifiers[i];
    if (i < plan.ident_df.size()) {
      t += plan.ident_df[i] < 0 ? " (too common, ignored)"
                                : " (df " + std::to_string(plan.ident_df[i]) + ")";
    }
    idents.push_back(std::move(t));
  }
  out += "  identifiers:  " + (idents.empty() ? "-" : Join(idents, ", ")) + "\n";
  out += "  stop words:   " + (plan.stop_words.empty() ? "-" : Join(plan.stop_words, ", ")) + "\n";
  if (!plan.term_forms.empty()) {
    std::vector<std::string> forms;
    for (const auto& [term, form] : plan.term_forms) {
      if (term < plan.terms.size()) forms.push_back(plan.terms[term] + " also as " + form);
    }
    out += "  verb forms:   " + Join(forms, ", ") + "\n";
  }
  if (plan.asks_when) out += "  asks when:    yes (memories that state a time gain)\n";
  if (plan.pruned)
    out += "  bounded:      pruned (the most common terms did not drive candidates)\n";
  if (plan.windowed) out += "  bounded:      windowed (only the newest candidates were examined)\n";
  if (plan.semantic) {
    out += "  semantic:     yes";
    if (plan.relevance >= 0) {
      out += "; relevance " + Printf("%.2f", plan.relevance) + " (bar " +
             Printf("%.2f", plan.relevance_bar) + ")";
    }
    out += plan.gated ? ": under the bar, nothing relevant\n" : "\n";
  } else {
    out += "  semantic:     no (" +
           (plan.semantic_note.empty() ? std::string("lexical only") : plan.semantic_note) + ")\n";
  }
  if (!plan.names.empty()) {
    out += "  names:        " + Join(plan.names, ", ");
    if (!plan.missing_names.empty()) {
      out += " (not in scope: " + Join(plan.missing_names, ", ") + ")";
    }
    out += "\n";
  }
  if (plan.time) {
    out += "  time:         \"" + plan.time->phrase +
           "\" = " + FormatRfc3339Ms(plan.time->start_ms).substr(0, 10) + " to " +
           FormatRfc3339Ms(plan.time->end_ms).substr(0, 10) + "\n";
  }
  if (plan.context_added > 0) {
    out += "  context:      " + Plural(plan.context_added, "memory") +
           " found as session neighbours of hits\n";
  }
  if (plan.weak_dropped > 0) {
    out += "  dropped:      " + Plural(plan.weak_dropped, "candidate") +
           " under recall.min_score_ratio of the best score\n";
  }
  if (plan.diversified > 0) {
    out += "  diversity:    " + Plural(plan.diversified, "hit") +
           " moved down by recall.mmr_lambda (too close to a hit above)\n";
  }

  return out;
}

std::string FormatNoMatch(const QueryPlan& plan) {
  if (!plan.gated) return "No memories match.";
  return "No memories match. Nothing in scope is relevant enough (relevance " +
         Printf("%.2f", plan.relevance) + " under the bar " + Printf("%.2f", plan.relevance_bar) +
         "; --explain shows why).";
}

std::string FormatCounts(int64_t live, int64_t superseded, int64_t forgotten, int64_t archived) {
  std::string out = FormatCount(live) + " live, " + FormatCount(superseded) + " superseded, " +
                    FormatCount(forgotten) + " forgotten";
  if (archived > 0) out += ", " + FormatCount(archived) + " archived";
  return out;
}

std::string FormatStats(const StoreStats& stats, std::string_view scope_label) {
  std::string out;
  Field(out, "scope", scope_label);
  Field(out, "memories",
        FormatCounts(stats.live, stats.superseded, stats.forgotten, stats.archived));
  if (!stats.by_kind.empty()) {
    std::vector<std::string> kinds;
    for (const auto& [kind, n] : stats.by_kind) {
      kinds.push_back(std::string(KindName(kind)) + " " + FormatCount(n));
    }
    Field(out, "by kind", Join(kinds, ", "));
  }
  if (stats.oldest_ms != 0) Field(out, "oldest", FormatRfc3339Ms(stats.oldest_ms));
  if (stats.newest_ms != 0) Field(out, "newest", FormatRfc3339Ms(stats.newest_ms));
  Field(out, "database",
        FormatBytes(stats.db_bytes) + ", schema v" + std::to_string(stats.schema_version));
  if (stats.scopes.size() > 1 || scope_label == "all scopes") {
    out += "scopes:\n";
    size_t width = 0;
    for (const auto& s : stats.scopes) width = std::max(width, s.scope.ToString().size());
    for (const auto& s : stats.scopes) {
      std::string name = s.scope.ToString();
      name.resize(width, ' ');
      out +=
          "  " + name + "  " + FormatCounts(s.live, s.superseded, s.forgotten, s.archived) + "\n";
    }
  }
  return out;
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return "";
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      std::string cell = row[i];
      if (i + 1 < row.size() && i < width.size()) cell.resize(width[i] + 2, ' ');
      out += cell;
    }
    out += '\n';
  }
  return out;
}

std::string FormatNearDuplicate(const NearDuplicate& d) {
  return "near-duplicate of " + d.id + " (" + d.reason + ", similarity " +
         Printf("%.2f", d.similarity) +
         "): both are kept and linked; 'memex consolidate' merges them";
}

std::string FormatLinks(const std::string& id, const std::vector<MemoryLink>& links,
                        int64_t now_ms) {
  std::string out;
  for (const MemoryLink& l : links) {
    const bool from_me = l.from_id == id;
    out += "  " + std::string(LinkKindName(l.kind)) + (from_me ? " -> " : " <- ") +
           (from_me ? l.to_id : l.from_id) + " (" + Printf("%.2f", l.score) + ", " +
           FormatAge(now_ms, l.created_ms) + ")\n";
  }
  return out;
}

}  // namespace memex::cli
