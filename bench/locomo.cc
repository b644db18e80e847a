#include "locomo.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/time_util.h"

namespace memex::bench {
namespace {

using nlohmann::json;

int MonthNumber(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
  std::string lower;
  for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (int i = 0; i < 12; ++i) {
    if (kMonths[i] == lower || (lower.size() == 3 && kMonths[i].substr(0, 3) == lower)) {
      return i + 1;
    }
  }
  return 0;
}

std::string UnpadDiaId(std::string_view id) {
  size_t colon = id.find(':');
  if (colon == std::string_view::npos) return std::string(id);
  std::string_view turn = id.substr(colon + 1);
  while (turn.size() > 1 && turn[0] == '0') turn.remove_prefix(1);
  return std::string(id.substr(0, colon + 1)) + std::string(turn);
}

// session_<n> keys in numeric order.
std::vector<int> SessionNumbers(const json& conv) {
  std::vector<int> out;
  for (const auto& [key, value] : conv.items()) {
    if (!key.starts_with("session_") || !value.is_array()) continue;
    std::string_view rest(key);
    rest.remove_prefix(8);
    if (rest.empty() ||
        !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    out.push_back(std::stoi(std::string(rest)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<LocomoConversation> ParseConversation(const json& sample, LocomoDataset& stats) {
  LocomoConversation c;
  c.sample_id = sample.at("sample_id").get<std::string>();
  const json& conv = sample.at("conversation");
  std::set<std::string> present;
  for (int n : SessionNumbers(conv)) {
    std::string key = "session_" + std::to_string(n);
    std::string date_key = key + "_date_time";
    if (!conv.contains(date_key)) return DataLoss(c.sample_id + ": " + key + " has no date");
    auto when = ParseLocomoDate(conv.at(date_key).get<std::string>());
    if (!when.ok()) return when.status().WithContext(c.sample_id + " " + date_key);
    for (const json& t : conv.at(key)) {
      LocomoTurn turn;
      turn.dia_id = UnpadDiaId(t.at("dia_id").get<std::string>());
      turn.speaker = t.at("speaker").get<std::string>();
      turn.content = turn.speaker + ": " + t.at("text").get<std::string>();
      if (auto it = t.find("blip_caption"); it != t.end() && it->is_string()) {
        turn.content += " [image: " + it->get<std::string>() + "]";
      }
      turn.created_ms = *when;
      present.insert(turn.dia_id);
      c.turns.push_back(std::move(turn));
    }
  }
  for (const json& q : sample.at("qa")) {
    ++stats.questions_total;
    LocomoQuestion lq;
    lq.question = q.at("question").get<std::string>();
    lq.category = q.at("category").get<int>();
    for (const json& e : q.at("evidence")) {
      for (std::string& id : SplitEvidence(e.get<std::string>())) {
        if (!present.contains(id)) {
          ++stats.evidence_dropped;
          continue;
        }
        if (std::find(lq.gold.begin(), lq.gold.end(), id) == lq.gold.end()) {
          lq.gold.push_back(std::move(id));
        }
      }
    }
    if (lq.gold.empty() || lq.category < 1 || lq.category > kLocomoCategories) {
      ++stats.questions_skipped;
      continue;
    }
    c.questions.push_back(std::move(lq));
  }
  stats.turns += static_cast<int64_t>(c.turns.size());
  return c;
}

}  // namespace

Result<int64_t> ParseLocomoDate(std::string_view text) {
  int hour = 0, minute = 0, day = 0, year = 0;
  char ampm[3] = {}, month[16] = {};
  std::string s(text);
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%d:%d %2s on %d %15[A-Za-z], %d%n", &hour, &minute, ampm, &day, month,
                  &year, &consumed) != 6 ||
      static_cast<size_t>(consumed) != s.size()) {
    return InvalidArgument("unrecognised LoCoMo date '" + s + "'");
  }
  int mon = MonthNumber(month);
  std::string_view half(ampm);
  if (mon == 0 || hour < 1 || hour > 12 || minute < 0 || minute > 59 || day < 1 || day > 31 ||
      (half != "am" && half != "pm")) {
    return InvalidArgument("unrecognised LoCoMo date '" + s + "'");
  }
  int hour24 = (hour % 12) + (half == "pm" ? 12 : 0);
  char iso[32];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:00Z", year, mon, day, hour24, minute);
  return ParseTimestampMs(iso);
}

std::vector<std::string> SplitEvidence(std::string_view entry) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < entry.size()) {
    while (i < entry.size() && (entry[i] == ';' || entry[i] == ',' ||
                                std::isspace(static_cast<unsigned char>(entry[i])))) {
      ++i;
    }
    size_t start = i;
    while (i < entry.size() && entry[i] != ';' && entry[i] != ',' &&
           !std::isspace(static_cast<unsigned char>(entry[i]))) {
      ++i;
    }
    if (i > start) out.push_back(UnpadDiaId(entry.substr(start, i - start)));
  }
  return out;
}

Result<LocomoDataset> LoadLocomo(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path);
  LocomoDataset ds;
  try {
    json root = json::parse(in);
    if (!root.is_array()) return DataLoss(path + ": expected a list of conversations");
    for (const json& sample : root) {
      ASSIGN_OR_RETURN(LocomoConversation c, ParseConversation(sample, ds));
      ds.conversations.push_back(std::move(c));
    }
  } catch (const json::exception& e) {
    return DataLoss(path + ": " + e.what());
  }
  return ds;
}

std::string_view LocomoCategoryName(int category) {
  switch (category) {
    case 1:
      return "multi-hop";
    case 2:
      return "temporal";
    case 3:
      return "open-domain";
    case 4:
      return "single-hop";
    case 5:
      return "adversarial";
    default:
      return "?";
  }
}

QuestionScore ScoreRanking(const std::vector<std::vector<std::string>>& ranked,
                           const std::vector<std::string>& gold) {
  QuestionScore s;
  std::set<std::string> found;
  double dcg = 0;
  const size_t depth = std::min<size_t>(ranked.size(), kRecallDepths.back());
  size_t next_depth = 0;
  for (size_t i = 0; i < depth; ++i) {
    bool new_gold = false;
    for (const auto& id : ranked[i]) {
      if (std::find(gold.begin(), gold.end(), id) != gold.end() && found.insert(id).second) {
        new_gold = true;
      }
    }
    if (new_gold && s.reciprocal_rank == 0) s.reciprocal_rank = 1.0 / static_cast<double>(i + 1);
    if (new_gold && i < 10) dcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
    while (next_depth < kRecallDepths.size() &&
           static_cast<size_t>(kRecallDepths[next_depth]) == i + 1) {
      s.recall[next_depth++] = static_cast<double>(found.size()) / static_cast<double>(gold.size());
    }
  }
  // Rankings shorter than a depth keep the recall they reached.
  for (; next_depth < kRecallDepths.size(); ++next_depth) {
    s.recall[next_depth] = static_cast<double>(found.size()) / static_cast<double>(gold.size());
  }
  double idcg = 0;
  for (size_t i = 0; i < std::min<size_t>(gold.size(), 10); ++i) {
    idcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  }
  s.ndcg10 = idcg > 0 ? dcg / idcg : 0;
  return s;
}

void ScoreTable::Add(int category, const QuestionScore& s) {
  if (category < 1 || category > kLocomoCategories) return;
  Sum& sum = by_category_[static_cast<size_t>(category)];
  ++sum.n;
  for (size_t k = 0; k < s.recall.size(); ++k) sum.total.recall[k] += s.recall[k];
  sum.total.reciprocal_rank += s.reciprocal_rank;
  sum.total.ndcg10 += s.ndcg10;
}

RetrievalScores ScoreTable::Mean(const Sum& s) {
  RetrievalScores r;
  r.questions = s.n;
  if (s.n == 0) return r;
  const auto n = static_cast<double>(s.n);
  for (size_t k = 0; k < r.recall.size(); ++k) r.recall[k] = s.total.recall[k] / n;
  r.mrr = s.total.reciprocal_rank / n;
  r.ndcg10 = s.total.ndcg10 / n;
  return r;
}

RetrievalScores ScoreTable::Category(int category) const {
  if (category < 1 || category > kLocomoCategories) return {};
  return Mean(by_category_[static_cast<size_t>(category)]);
}

ScoreTable::Sum ScoreTable::Combined(int first, int last) const {
  Sum total;
  for (int c = first; c <= last; ++c) {
    const Sum& s = by_category_[static_cast<size_t>(c)];
    total.n += s.n;
    for (size_t k = 0; k < total.total.recall.size(); ++k) {
      total.total.recall[k] += s.total.recall[k];
    }
    total.total.reciprocal_rank += s.total.reciprocal_rank;
    total.total.ndcg10 += s.total.ndcg10;
  }
  return total;
}

RetrievalScores ScoreTable::Categories1To4() const { return Mean(Combined(1, 4)); }

RetrievalScores ScoreTable::All() const { return Mean(Combined(1, kLocomoCategories)); }

}  // namespace memex::bench
