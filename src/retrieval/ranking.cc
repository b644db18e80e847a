#include "retrieval/ranking.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "base/text.h"
#include "core/tokens.h"
#include "retrieval/answer_shape.h"
#include "retrieval/query_names.h"
#include "retrieval/word_forms.h"

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

// Best first; ties go to the newer, then to the higher doc id (a total order: docs are unique).
// Sorts small keys and moves each ScoredDoc once: a ScoredDoc with its explain fields is a few
// hundred bytes, and recall sorts a thousand of them several times per query.
void SortByScore(std::vector<ScoredDoc>& docs) {
  struct Key {
    double score;
    int64_t updated_ms;
    DocId doc;
    size_t at;
  };
  std::vector<Key> keys;
  keys.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    keys.push_back({docs[i].score, docs[i].updated_ms, docs[i].doc, i});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.updated_ms != b.updated_ms) return a.updated_ms > b.updated_ms;
    return a.doc > b.doc;
  });
  bool in_order = true;
  for (size_t i = 0; i < keys.size() && in_order; ++i) in_order = keys[i].at == i;
  if (in_order) return;
  std::vector<ScoredDoc> sorted;
  sorted.reserve(docs.size());
  for (const Key& k : keys) sorted.push_back(std::move(docs[k.at]));
  docs = std::move(sorted);
}

// Cosine rescaled from [similarity_floor, 1] to [0, 1].
double VectorScore(double similarity, const RecallConfig& config) {
  const double floor = std::min(config.similarity_floor, 0.99);
  return std::clamp((similarity - floor) / (1.0 - floor), 0.0, 1.0);
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
  plan.names = NamesInQuery(query);
  plan.asks_when = AsksWhen(query);
  for (size_t t = 0; t < plan.terms.size(); ++t) {
    if (plan.terms[t].find(' ') != std::string::npos) continue;  // a phrase
    for (std::string& form : OtherVerbForms(plan.terms[t])) {
      if (std::find(plan.terms.begin(), plan.terms.end(), form) != plan.terms.end()) continue;
      plan.term_forms.emplace_back(t, std::move(form));
    }
  }
  return plan;
}

std::vector<std::string> SearchTerms(const QueryPlan& plan) {
  std::vector<std::string> out = plan.terms;
  for (const auto& [term, form] : plan.term_forms) out.push_back(form);
  return out;
}

void FoldTermForms(const QueryPlan& plan, TextResult& text) {
  const size_t n = plan.terms.size();
  if (text.terms.size() <= n) return;
  for (size_t k = 0; k < plan.term_forms.size() && n + k < text.terms.size(); ++k) {
    const size_t t = plan.term_forms[k].first;
    if (t >= n) continue;
    text.terms[t].df = std::min(text.doc_count, text.terms[t].df + text.terms[n + k].df);
    text.terms[t].estimated = text.terms[t].estimated || text.terms[n + k].estimated;
    for (TextCandidate& c : text.candidates) {
      if (n + k < c.tf.size()) c.tf[t] += c.tf[n + k];
    }
  }
  text.terms.resize(n);
  for (TextCandidate& c : text.candidates) {
    if (c.tf.size() > n) c.tf.resize(n);
  }
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
                                    const IdentResult& idents,
                                    const std::vector<VectorCandidate>& vectors, int64_t now_ms,
                                    const RecallConfig& config) {
  std::vector<ScoredDoc> out;
  std::unordered_map<DocId, size_t> index;
  auto slot = [&](DocId doc, int64_t updated_ms) -> ScoredDoc& {
    auto [it, inserted] = index.emplace(doc, out.size());
    if (inserted) out.push_back(ScoredDoc{doc, 0, {}, updated_ms});
    return out[it->second];
  };

  // Text channel: BM25 normalised by the best candidate, so it lies in [0, 1]. Coverage is the
  // absolute measure the relevance gate needs: normalising by the best candidate makes the best one
  // 1 however poorly it matches. A term found nowhere weighs as much as one found once: in a small
  // store, the IDF of unseen words would otherwise take nearly all the mass, and a paraphrase
  // could never cover its query.
  double best = 0;
  std::vector<double> raw(text.candidates.size());
  for (size_t i = 0; i < text.candidates.size(); ++i) {
    raw[i] = Bm25(text.candidates[i], text, config.bm25_k1, config.bm25_b);
    best = std::max(best, raw[i]);
  }
  std::vector<double> term_idf(text.terms.size(), 0.0);
  double term_mass = 0;
  for (size_t t = 0; t < text.terms.size(); ++t) {
    term_idf[t] = Idf(text.doc_count, std::max<int64_t>(text.terms[t].df, 1));
    term_mass += term_idf[t];
  }
  for (size_t i = 0; i < text.candidates.size(); ++i) {
    const TextCandidate& c = text.candidates[i];
    if (raw[i] <= 0) continue;
    ScoredDoc& d = slot(c.doc, c.updated_ms);
    d.channels.bm25 = raw[i];
    d.channels.text = best > 0 ? raw[i] / best : 0;
    double covered = 0;
    for (size_t t = 0; t < c.tf.size() && t < plan.terms.size(); ++t) {
      if (c.tf[t] > 0) {
        d.channels.matched_terms.push_back(plan.terms[t]);
        if (t < term_idf.size()) covered += term_idf[t];
      }
    }
    d.channels.coverage = term_mass > 0 ? std::min(1.0, covered / term_mass) : 0;
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

  // Vector channel: cosine rescaled so that the similarity of unrelated texts counts nothing.
  const double floor = std::min(config.similarity_floor, 0.99);
  for (const VectorCandidate& v : vectors) {
    // At or under the floor the vector channel vouches for nothing: no candidate of its own.
    if (v.similarity <= floor && !index.contains(v.doc)) continue;
    ScoredDoc& d = slot(v.doc, v.updated_ms);
    d.channels.similarity = v.similarity;
    d.channels.vector = VectorScore(v.similarity, config);
  }

  // Recency, time and fusion. A period a query names is usually talked about during it or in
  // the days after ("what did we decide in June"), hardly before.
  double half_life_ms = std::max(config.recency_half_life_days, 1e-6) * 86400000.0;
  constexpr int64_t kBeforeMs = 86400000LL, kAfterMs = 14 * 86400000LL;
  for (ScoredDoc& d : out) {
    double age_ms = std::max<double>(0, static_cast<double>(now_ms - d.updated_ms));
    d.channels.recency = 1.0 / (1.0 + age_ms / half_life_ms);
    if (plan.time && d.updated_ms >= plan.time->start_ms - kBeforeMs &&
        d.updated_ms <= plan.time->end_ms + kAfterMs) {
      d.channels.time = 1;
    }
  }
  if (config.fusion == "rrf") {
    // Rank of each memory in each channel (1 = best); a channel that missed it adds nothing.
    auto ranks = [&](auto value) {
      std::vector<size_t> order;
      for (size_t i = 0; i < out.size(); ++i) {
        if (value(out[i].channels) > 0) order.push_back(i);
      }
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return value(out[a].channels) > value(out[b].channels);
      });
      std::vector<double> part(out.size(), 0.0);
      for (size_t r = 0; r < order.size(); ++r) {
        part[order[r]] = 1.0 / (config.rrf_k + static_cast<double>(r + 1));
      }
      return part;
    };
    std::vector<double> t = ranks([](const ChannelScores& c) { return c.text; });
    std::vector<double> e = ranks([](const ChannelScores& c) { return c.exact; });
    std::vector<double> v = ranks([](const ChannelScores& c) { return c.similarity; });
    std::vector<double> r = ranks([](const ChannelScores& c) { return c.recency; });
    std::vector<double> tm = ranks([](const ChannelScores& c) { return c.time; });
    for (size_t i = 0; i < out.size(); ++i) {
      ChannelScores& c = out[i].channels;
      c.text_part = config.weight_text * t[i];
      c.exact_part = config.weight_exact * e[i];
      c.vector_part = config.weight_vector * v[i];
      c.recency_part = config.weight_recency * r[i];
      c.time_part = config.weight_time * tm[i];
      out[i].score = c.text_part + c.exact_part + c.vector_part + c.recency_part + c.time_part;
    }
  } else {
    for (ScoredDoc& d : out) {
      ChannelScores& c = d.channels;
      c.text_part = config.weight_text * c.text;
      c.exact_part = config.weight_exact * c.exact;
      c.vector_part = config.weight_vector * c.vector;
      c.recency_part = config.weight_recency * c.recency;
      c.time_part = config.weight_time * c.time;
      d.score = c.text_part + c.exact_part + c.vector_part + c.recency_part + c.time_part;
    }
  }
  SortByScore(out);
  return out;
}

double QueryRelevance(const std::vector<ScoredDoc>& fused, const RecallConfig& config) {
  double best = 0;
  for (const ScoredDoc& d : fused) {
    if (d.channels.exact > 0) return 2.0;
    best = std::max(
        best, d.channels.similarity + d.channels.coverage + config.weight_time * d.channels.time);
  }
  return best;
}

std::vector<DocId> LexicalShortlist(const TextResult& text, const IdentResult& idents,
                                    const RecallConfig& config, size_t n) {
  std::vector<DocId> out;
  std::unordered_set<DocId> seen;
  for (const IdentMatch& m : idents.matches) {
    if (out.size() >= n) return out;
    if (seen.insert(m.doc).second) out.push_back(m.doc);
  }
  std::vector<std::pair<double, DocId>> scored;
  scored.reserve(text.candidates.size());
  for (const TextCandidate& c : text.candidates) {
    scored.emplace_back(Bm25(c, text, config.bm25_k1, config.bm25_b), c.doc);
  }
  // The best n are enough: at most out.size() of them are identifier matches already taken.
  const size_t keep = std::min(scored.size(), n);
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                    scored.end(), [](const auto& a, const auto& b) {
                      return a.first != b.first ? a.first > b.first : a.second > b.second;
                    });
  for (size_t i = 0; i < scored.size() && out.size() < n; ++i) {
    if (seen.insert(scored[i].second).second) out.push_back(scored[i].second);
  }
  return out;
}

double RelevanceBar(QueryPlan& plan, const RecallConfig& config) {
  plan.missing_names.clear();
  int found = 0;
  for (const std::string& name : plan.names) {
    auto it = std::find(plan.terms.begin(), plan.terms.end(), name);
    if (it == plan.terms.end()) continue;  // not searched (a stop word, or past the term cap)
    const size_t i = static_cast<size_t>(it - plan.terms.begin());
    if (i >= plan.term_stats.size()) continue;
    if (plan.term_stats[i].df > 0) {
      ++found;
    } else {
      plan.missing_names.push_back(name);
    }
  }
  if (found > 0 && static_cast<int>(plan.missing_names.size()) <= found) {
    plan.relevance_bar = config.min_relevance_known_name;
  } else if (found == 0 && !plan.missing_names.empty()) {
    plan.relevance_bar = config.min_relevance_unknown_name;
  } else {
    plan.relevance_bar = config.min_relevance;
  }
  return plan.relevance_bar;
}

void AddSimilarities(std::vector<ScoredDoc>& fused, const std::vector<VectorCandidate>& late,
                     const RecallConfig& config) {
  if (late.empty() || config.fusion == "rrf") return;
  std::unordered_map<DocId, double> similarity;
  for (const VectorCandidate& v : late) similarity.emplace(v.doc, v.similarity);
  for (ScoredDoc& d : fused) {
    auto it = similarity.find(d.doc);
    if (it == similarity.end() || d.channels.similarity != 0) continue;
    ChannelScores& c = d.channels;
    c.similarity = it->second;
    c.vector = VectorScore(it->second, config);
    c.vector_part = config.weight_vector * c.vector;
    d.score += c.vector_part;
  }
  SortByScore(fused);
}

std::vector<DocId> ContextParents(const std::vector<ScoredDoc>& fused, const RecallConfig& config) {
  std::vector<DocId> out;
  if (config.weight_context <= 0 || config.context_radius <= 0) return out;
  const size_t n = std::min(fused.size(), static_cast<size_t>(std::max(config.context_parents, 0)));
  for (size_t i = 0; i < n; ++i) out.push_back(fused[i].doc);
  return out;
}

int64_t AddContext(std::vector<ScoredDoc>& fused, const std::vector<Neighbour>& neighbours,
                   const RecallConfig& config) {
  if (neighbours.empty() || config.weight_context <= 0) return 0;
  std::unordered_map<DocId, size_t> index;
  for (size_t i = 0; i < fused.size(); ++i) index.emplace(fused[i].doc, i);
  // The parents' scores before any context is added: context never feeds on context.
  std::unordered_map<DocId, double> parent_score;
  for (const Neighbour& n : neighbours) {
    if (auto it = index.find(n.of); it != index.end()) parent_score[n.of] = fused[it->second].score;
  }
  int64_t joined = 0;
  for (const Neighbour& n : neighbours) {
    auto parent = parent_score.find(n.of);
    if (parent == parent_score.end() || n.distance < 1 || n.doc == n.of) continue;
    // A question's reply is the memory written right after it.
    const bool reply = n.of_asks && n.after && n.distance == 1;
    const double gain =
        parent->second * (reply ? config.weight_answer : config.weight_context / n.distance);
    if (gain <= 0) continue;
    auto [it, inserted] = index.emplace(n.doc, fused.size());
    if (inserted) {
      fused.push_back(ScoredDoc{n.doc, 0, {}, n.updated_ms});
      ++joined;
    }
    ChannelScores& c = fused[it->second].channels;
    if (gain > c.context_part) {
      fused[it->second].score += gain - c.context_part;
      c.context_part = gain;
      c.context = parent->second;
    }
  }
  SortByScore(fused);
  return joined;
}

void ApplyRankFacts(std::vector<ScoredDoc>& fused, const std::vector<RankFact>& facts,
                    const std::vector<std::string>& query_words, bool asks_when,
                    const RecallConfig& config) {
  if (facts.empty()) return;
  std::unordered_map<DocId, const RankFact*> fact_of;
  for (const RankFact& f : facts) fact_of.emplace(f.doc, &f);
  std::unordered_map<std::string, bool> named;  // agent -> the query names it
  for (ScoredDoc& d : fused) {
    auto it = fact_of.find(d.doc);
    if (it == fact_of.end()) continue;
    const RankFact& f = *it->second;
    ChannelScores& c = d.channels;
    if (config.weight_agent > 0 && !f.agent.empty()) {
      auto [n, inserted] = named.emplace(f.agent, false);
      if (inserted) n->second = QueryNamesAgent(query_words, f.agent);
      if (n->second) {
        c.agent = 1;
        c.agent_part = config.weight_agent;
        d.score += c.agent_part;
      }
    }
    if (config.weight_asks > 0 && EndsAsking(f.content)) {
      c.asks = 1;
      c.asks_part = -config.weight_asks;
      d.score += c.asks_part;
    }
    if (asks_when && config.weight_when > 0 && StatesTime(f.content)) {
      c.states_time = 1;
      c.states_time_part = config.weight_when;
      d.score += c.states_time_part;
    }
    const double confidence = std::clamp(f.confidence, 0.0, 1.0);
    c.weight = 1.0 - config.confidence_weight + config.confidence_weight * confidence;
    if (f.status == MemoryStatus::kCandidate) c.weight *= config.candidate_weight;
    d.score *= c.weight;
  }
  SortByScore(fused);
}

int64_t Diversify(std::vector<ScoredDoc>& fused, const std::vector<std::vector<float>>& vectors,
                  double lambda, size_t n) {
  n = std::min({n, fused.size(), vectors.size()});
  if (lambda >= 1 || n < 2 || fused.front().score <= 0) return 0;
  const double best = fused.front().score;
  auto similarity = [&](size_t a, size_t b) -> double {
    const std::vector<float>& x = vectors[a];
    const std::vector<float>& y = vectors[b];
    if (x.empty() || x.size() != y.size()) return 0;
    double dot = 0;
    for (size_t i = 0; i < x.size(); ++i) dot += static_cast<double>(x[i]) * y[i];
    return dot;
  };
  std::vector<size_t> order;  // indices into fused, in picked order
  std::vector<bool> picked(n, false);
  std::vector<double> redundancy(n, 0);  // highest similarity to a picked doc
  for (size_t round = 0; round < n; ++round) {
    size_t choice = n;
    double choice_value = 0;
    for (size_t i = 0; i < n; ++i) {
      if (picked[i]) continue;
      const double value = lambda * fused[i].score / best - (1 - lambda) * redundancy[i];
      if (choice == n || value > choice_value) {
        choice = i;
        choice_value = value;
      }
    }
    picked[choice] = true;
    order.push_back(choice);
    for (size_t i = 0; i < n; ++i) {
      if (!picked[i]) redundancy[i] = std::max(redundancy[i], similarity(i, choice));
    }
  }
  std::vector<ScoredDoc> head;
  head.reserve(n);
  int64_t moved = 0;
  for (size_t pos = 0; pos < n; ++pos) {
    if (order[pos] < pos) ++moved;  // a doc that came up means another went down
    head.push_back(std::move(fused[order[pos]]));
  }
  std::move(head.begin(), head.end(), fused.begin());
  return moved;
}

}  // namespace memex
