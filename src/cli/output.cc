#include "cli/output.h"

#include <nlohmann/json.hpp>

#include "base/time_util.h"
#include "codec/memory_json.h"
#include "http/memory_wire.h"

namespace memex::cli {

void Output::PrintJson(const Json& doc) {
  out_ << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void Output::Note(std::string_view message) { err_ << "memex: " << message << '\n'; }

void Output::Warning(std::string_view message) { err_ << "memex: warning: " << message << '\n'; }

void Output::Error(std::string_view code, std::string_view message, std::string_view hint) {
  if (json_) {
    Json error = {{"code", code}, {"message", message}};
    if (!hint.empty()) error["hint"] = hint;
    PrintJson(Json{{"error", std::move(error)}});
    return;
  }
  err_ << "memex: error: " << message << '\n';
  if (!hint.empty()) err_ << "memex: hint: " << hint << '\n';
}

Json MemoryJson(const Memory& m) { return Json::parse(EncodeMemory(m)); }

Json HitJson(const RankedHit& hit, int rank, bool explain) {
  Json j = {{"rank", rank}, {"score", hit.score}, {"memory", MemoryJson(hit.memory)}};
  if (explain) {
    Json e = Json::object();
    ForEachChannel(hit.channels, [&](const char* name, const auto& value) { e[name] = value; });
    j["explain"] = std::move(e);
  }
  return j;
}

Json PlanJson(const QueryPlan& plan) {
  Json terms = Json::array();
  for (size_t i = 0; i < plan.terms.size(); ++i) {
    Json t = {{"term", plan.terms[i]}};
    if (i < plan.term_stats.size()) {
      t["df"] = plan.term_stats[i].df;
      t["estimated"] = plan.term_stats[i].estimated;
      t["dropped"] = plan.term_stats[i].dropped;
    }
    terms.push_back(std::move(t));
  }
  Json idents = Json::array();
  for (size_t i = 0; i < plan.identifiers.size(); ++i) {
    Json t = {{"identifier", plan.identifiers[i]}};
    if (i < plan.ident_df.size()) {
      t["df"] = plan.ident_df[i];
      t["ignored"] = plan.ident_df[i] < 0;
    }
    idents.push_back(std::move(t));
  }
  Json forms = Json::array();
  for (const auto& [term, form] : plan.term_forms) {
    if (term < plan.terms.size()) forms.push_back({{"term", plan.terms[term]}, {"form", form}});
  }
  return {{"terms", std::move(terms)},
          {"identifiers", std::move(idents)},
          {"stop_words", plan.stop_words},
          {"doc_count", plan.doc_count},
          {"pruned", plan.pruned},
          {"windowed", plan.windowed},
          {"semantic", plan.semantic},
          {"semantic_note", plan.semantic_note},
          {"relevance", plan.relevance},
          {"relevance_bar", plan.relevance_bar},
          {"names", plan.names},
          {"missing_names", plan.missing_names},
          {"gated", plan.gated},
          {"time", plan.time ? Json{{"phrase", plan.time->phrase},
                                    {"from", FormatRfc3339Ms(plan.time->start_ms)},
                                    {"to", FormatRfc3339Ms(plan.time->end_ms)}}
                             : Json(nullptr)},
          {"context_added", plan.context_added},
          {"weak_dropped", plan.weak_dropped},
          {"diversified", plan.diversified},
          {"asks_when", plan.asks_when},
          {"term_forms", std::move(forms)}};
}

Json CountsJson(const StoreStats& stats) {
  return {{"live", stats.live},
          {"superseded", stats.superseded},
          {"forgotten", stats.forgotten},
          {"archived", stats.archived}};
}

Json StatsJson(const StoreStats& stats) {
  // The same document the server's /api/memories/stats sends, so local and --server agree.
  return Json::parse(http::EncodeStats(stats));
}

}  // namespace memex::cli
