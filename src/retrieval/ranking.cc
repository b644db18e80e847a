#include "retrieval/ranking.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/text.h"
#include "core/tokens.h"

namespace memex {
namespace {

// Bounds the work one query can ask of the store, whatever the user pastes: each term costs a
// probe of its posting list (measured: 32 terms took 12 ms p95 at 100k memories, 16 took 6 ms).
constexpr size_t kMaxTerms = 16;
constexpr size_t kMaxIdentifiers = 16;

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

// Splits out "double-quoted" (or “curly-quoted”) spans; returns the text outside them.
std::string TakeQuoted(std::string_view q, std::vector<std::string>& quoted) {
  std::string rest;
  size_t i = 0;
  while (i < q.size()) {
    bool curly = q.compare(i, 3, "\xe2\x80\x9c") == 0;  // “
    if (q[i] == '"' || curly) {
      size_t open_len = curly ? 3 : 1;
      size_t close = curly ? q.find("\xe2\x80\x9d", i + open_len) : q.find('"', i + 1);
      if (close != std::string_view::npos) {
        quoted.emplace_back(q.substr(i + open_len, close - i - open_len));
        rest += ' ';
        i = close + (curly ? 3 : 1);
        continue;
      }
    }
    rest += q[i++];
  }
  return rest;
}

double Idf(int64_t n, int64_t df) {
  double N = static_cast<double>(std::max(n, df));
  double d = static_cast<double>(df);
  return std::log(1.0 + (N - d + 0.5) / (d + 0.5));
}

}  // namespace

QueryPlan AnalyzeQuery(std::string_view query, const RecallConfig& config) {
  QueryPlan plan;
  std::vector<std::string> quoted;
  std::string rest = TakeQuoted(query, quoted);

  std::vector<std::string> words;
  for (const auto& q : quoted) {
    std::vector<std::string> qw = SplitWords(q);
    if (qw.size() >= 2) {
      AddUnique(plan.terms, Join(qw, " "));  // a phrase term: matched as consecutive tokens
    } else if (qw.size() == 1) {
      AddUnique(words, qw[0]);
    }
  }
  for (auto& w : SplitWords(rest)) AddUnique(words, std::move(w));
  for (auto& w : SplitWords(IdentifierExpansion(query))) AddUnique(words, std::move(w));

  std::vector<std::string> kept;
  for (auto& w : words) {
    if (config.stop_words && IsStopWord(w)) {
      plan.stop_words.push_back(w);
    } else {
      kept.push_back(w);
    }
  }
  // A query made only of stop words ("who is it") still searches for them.
  if (kept.empty() && plan.terms.empty()) {
    kept = std::move(words);
    plan.stop_words.clear();
  }
  for (auto& w : kept) AddUnique(plan.terms, std::move(w));
  if (plan.terms.size() > kMaxTerms) plan.terms.resize(kMaxTerms);

  plan.identifiers = ExtractIdentifiers(query);
  if (plan.identifiers.size() > kMaxIdentifiers) plan.identifiers.resize(kMaxIdentifiers);
  return plan;
}

double Bm25(const TextCandidate& c, const TextResult& r, double k1, double b) {
  double avgdl = r.avg_doc_len > 0 ? r.avg_doc_len : 1.0;
  double norm = k1 * (1.0 - b + b * static_cast<double>(c.doc_len) / avgdl);
  double score = 0;
  for (size_t i = 0; i < c.tf.size() && i < r.terms.size(); ++i) {
    double tf = c.tf[i];
    if (tf <= 0) continue;
    score += Idf(r.doc_count, r.terms[i].df) * tf * (k1 + 1.0) / (tf + norm);
  }
  return score;
}

std::vector<ScoredDoc> FuseChannels(const QueryPlan& plan, const TextResult& text,
                                    const IdentResult& idents, int64_t now_ms,
                                    const RecallConfig& config) {
  std::vector<ScoredDoc> out;
  std::unordered_map<DocId, size_t> index;
  std::unordered_map<DocId, int64_t> updated;
  auto slot = [&](DocId doc, int64_t updated_ms) -> ScoredDoc& {
    auto [it, inserted] = index.emplace(doc, out.size());
    if (inserted) {
      out.push_back(ScoredDoc{doc, 0, {}});
      updated[doc] = updated_ms;
    }
    return out[it->second];
  };

  // Text channel: BM25 normalised by the best candidate, so it lies in [0, 1].
  double best = 0;
  std::vector<double> raw(text.candidates.size());
  for (size_t i = 0; i < text.candidates.size(); ++i) {
    raw[i] = Bm25(text.candidates[i], text, config.bm25_k1, config.bm25_b);
    best = std::max(best, raw[i]);
  }
  for (size_t i = 0; i < text.candidates.size(); ++i) {
    const TextCandidate& c = text.candidates[i];
    if (raw[i] <= 0) continue;
    ScoredDoc& d = slot(c.doc, c.updated_ms);
    d.channels.bm25 = raw[i];
    d.channels.text = best > 0 ? raw[i] / best : 0;
    for (size_t t = 0; t < c.tf.size() && t < plan.terms.size(); ++t) {
      if (c.tf[t] > 0) d.channels.matched_terms.push_back(plan.terms[t]);
    }
  }

  // Exact channel: the share of the query's identifier IDF mass a memory contains. Identifiers
  // found nowhere, or too common to carry signal (df -1), do not count.
  std::vector<double> idf(idents.df.size(), 0.0);
  double mass = 0;
  for (size_t j = 0; j < idents.df.size(); ++j) {
    if (idents.df[j] > 0) {
      idf[j] = std::log((static_cast<double>(idents.doc_count) + 1.0) /
                        (static_cast<double>(idents.df[j]) + 1.0)) +
               1.0;
      mass += idf[j];
    }
  }
  for (const IdentMatch& m : idents.matches) {
    double got = 0;
    ScoredDoc& d = slot(m.doc, m.updated_ms);
    for (int j : m.matched) {
      if (j < 0 || static_cast<size_t>(j) >= idf.size()) continue;
      got += idf[j];
      if (static_cast<size_t>(j) < plan.identifiers.size()) {
        d.channels.matched_identifiers.push_back(plan.identifiers[j]);
      }
    }
    d.channels.exact = mass > 0 ? std::min(1.0, got / mass) : 0;
  }

  // Recency and fusion.
  double half_life_ms = std::max(config.recency_half_life_days, 1e-6) * 86400000.0;
  for (ScoredDoc& d : out) {
    double age_ms = std::max<double>(0, static_cast<double>(now_ms - updated[d.doc]));
    d.channels.recency = 1.0 / (1.0 + age_ms / half_life_ms);
    d.channels.text_part = config.weight_text * d.channels.text;
    d.channels.exact_part = config.weight_exact * d.channels.exact;
    d.channels.recency_part = config.weight_recency * d.channels.recency;
    d.score = d.channels.text_part + d.channels.exact_part + d.channels.recency_part;
  }
  std::sort(out.begin(), out.end(), [&](const ScoredDoc& a, const ScoredDoc& b) {
    if (a.score != b.score) return a.score > b.score;
    int64_t ua = updated[a.doc], ub = updated[b.doc];
    if (ua != ub) return ua > ub;
    return a.doc > b.doc;
  });
  return out;
}

}  // namespace memex
