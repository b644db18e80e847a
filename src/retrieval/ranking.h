// Ranking: turns the store's lexical statistics into scored, explained hits (SPEC §6).
//
// Channels and fusion (docs/retrieval.md has the full story):
//   text    = BM25 (k1, b from config) over the query terms, normalised by the best candidate;
//   exact   = share of the query's identifier IDF mass a memory contains (IDF-boosted);
//   vector  = cosine similarity of the query's and the memory's embeddings, rescaled from
//             [similarity_floor, 1] to [0, 1];
//   recency = 1 / (1 + age_days / half_life_days);
//   time    = 1 when the memory was written from a day before to two weeks after the period
//             the query names ("in June 2023", "last week"; plan.time), else 0.
//   score   = w_text * text + w_exact * exact + w_vector * vector + w_recency * recency
//             (fusion "weighted"), or sum of w_c / (rrf_k + rank_c) over the channels that
//             found the memory (fusion "rrf").
// Only memories matched by the text, exact or vector channel are candidates; recency never
// retrieves. When the vector channel took part (plan.semantic), the relevance gate
// (QueryRelevance against RelevanceBar) decides whether anything is an answer. AddContext then
// lets the best hits lend part of their score to their session neighbours (context channel; a
// question's reply gets the most), and ApplyRankFacts adds the agent channel and the answer
// shape, and multiplies by the confidence and status weight:
//   final   = (score + w_context * context + w_agent * agent - w_asks * asks
//              + w_when * states_time) * weight.
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "config/config.h"
#include "core/memory.h"
#include "core/search.h"
#include "retrieval/time_expr.h"

namespace memex {

// How a query was understood: shown by --explain.
struct QueryPlan {
  std::vector<std::string> terms;        // BM25 terms (words and quoted phrases)
  std::vector<std::string> identifiers;  // exact-identifier channel
  std::vector<std::string> stop_words;   // dropped from the terms
  std::vector<TermStat> term_stats;      // df per term
  std::vector<int64_t> ident_df;         // df per identifier (-1 = too common, ignored)
  int64_t doc_count = 0;
  bool windowed = false;
  bool pruned = false;
  bool semantic = false;           // the vector channel took part
  std::string semantic_note;       // why it did not, when it should have (embedder down, ...)
  double relevance = -1;           // QueryRelevance of the candidates; -1 = not gated (lexical)
  bool gated = false;              // relevance was under relevance_bar: nothing was returned
  int64_t context_added = 0;       // memories found only as session neighbours of hits
  int64_t weak_dropped = 0;        // candidates under recall.min_score_ratio of the best score
  std::optional<TimeWindow> time;  // the period the query names (time channel), if any
  std::vector<std::string> names;  // names the query uses (retrieval/query_names.h)
  std::vector<std::string> missing_names;  // those found nowhere in the scopes searched
  double relevance_bar = 0;                // the gate's bar for this query (RelevanceBar)
  int64_t diversified = 0;                 // hits MMR moved down the page (Diversify)
  // Other forms of the irregular verbs among the terms (retrieval/word_forms.h), each with the
  // index of its term: searched too, and counted as that term ("buy" also finds "bought").
  std::vector<std::pair<size_t, std::string>> term_forms;
  bool asks_when = false;  // the query asks for a time (retrieval/answer_shape.h AsksWhen)
};

struct ChannelScores {
  double bm25 = 0;         // raw BM25
  double text = 0;         // normalised [0,1]
  double coverage = 0;     // share of the query terms' IDF mass the memory contains [0,1]
  double exact = 0;        // [0,1]
  double similarity = 0;   // raw cosine of the embeddings (0 when the vector channel missed it)
  double vector = 0;       // [0,1]
  double recency = 0;      // [0,1]
  double context = 0;      // the score of the hit it gains the most from as a session
                           // neighbour (0 = none); context_part is that gain
  double time = 0;         // 1 when written in (or just after) the period the query names
  double agent = 0;        // 1 when the query names the memory's agent
  double asks = 0;         // 1 when the memory ends by asking (retrieval/answer_shape.h)
  double states_time = 0;  // 1 when the query asks when and the memory states a time
  double weight = 1;       // confidence and status multiplier of the final score
  double text_part = 0;    // weighted contributions; sum = final score
  double exact_part = 0;
  double vector_part = 0;
  double recency_part = 0;
  double context_part = 0;
  double time_part = 0;
  double agent_part = 0;
  double asks_part = 0;         // -recall.weight_asks when asks
  double states_time_part = 0;  // recall.weight_when when states_time
  std::vector<std::string> matched_terms;
  std::vector<std::string> matched_identifiers;
};

// Every field of ChannelScores with its name in explain output, in one place for the encoders
// and the decoder (CLI --json, the native HTTP wire, the MCP tools): calls f(name, field) for
// each, the numbers first, then matched_terms and matched_identifiers. C is ChannelScores, const
// or not.
template <typename C, typename F>
requires std::is_same_v<std::remove_const_t<C>, ChannelScores>
void ForEachChannel(C& c, F&& f) {
  f("bm25", c.bm25);
  f("text", c.text);
  f("coverage", c.coverage);
  f("exact", c.exact);
  f("similarity", c.similarity);
  f("vector", c.vector);
  f("recency", c.recency);
  f("context", c.context);
  f("time", c.time);
  f("agent", c.agent);
  f("asks", c.asks);
  f("states_time", c.states_time);
  f("weight", c.weight);
  f("text_part", c.text_part);
  f("exact_part", c.exact_part);
  f("vector_part", c.vector_part);
  f("recency_part", c.recency_part);
  f("context_part", c.context_part);
  f("time_part", c.time_part);
  f("agent_part", c.agent_part);
  f("asks_part", c.asks_part);
  f("states_time_part", c.states_time_part);
  f("matched_terms", c.matched_terms);
  f("matched_identifiers", c.matched_identifiers);
}

struct RankedHit {
  Memory memory;
  double score = 0;
  ChannelScores channels;
};

// Splits a query into BM25 terms and identifiers. Quoted "multi word" strings become phrase
// terms; stop words are dropped unless that would leave no term. Never fails.
QueryPlan AnalyzeQuery(std::string_view query, const RecallConfig& config);

// The terms to search: the plan's terms, then the other forms of its irregular verbs.
std::vector<std::string> SearchTerms(const QueryPlan& plan);

// Folds what the store found for plan.term_forms (searched after plan.terms, SearchTerms) into
// their terms: a candidate's count of "bought" adds to "buy", and the term's df becomes the sum,
// capped at doc_count (an upper bound of the union). Afterwards `text` has plan.terms only.
void FoldTermForms(const QueryPlan& plan, TextResult& text);

// A scored candidate before hydration.
struct ScoredDoc {
  DocId doc = 0;
  double score = 0;
  ChannelScores channels;
  int64_t updated_ms = 0;  // ties go to the newer
};

// A memory found by the vector channel.
struct VectorCandidate {
  DocId doc = 0;
  double similarity = 0;  // cosine
  int64_t updated_ms = 0;
};

// Fuses the channels into one score per document, sorted by score desc, then newest.
std::vector<ScoredDoc> FuseChannels(const QueryPlan& plan, const TextResult& text,
                                    const IdentResult& idents,
                                    const std::vector<VectorCandidate>& vectors, int64_t now_ms,
                                    const RecallConfig& config);

// The best `n` lexical candidates, for the vector channel to score: identifier matches first,
// then text candidates by BM25 (best first), without repeats.
std::vector<DocId> LexicalShortlist(const TextResult& text, const IdentResult& idents,
                                    const RecallConfig& config, size_t n);

// The evidence that anything at all answers the query: the best similarity + coverage +
// config.weight_time * time over the candidates (a memory written in the period the query names
// vouches for itself: "what did we change on 3 May"), or 2 when one contains a query
// identifier; 0 when there are none.
double QueryRelevance(const std::vector<ScoredDoc>& fused, const RecallConfig& config);

// The bar QueryRelevance must reach, from the names the query uses (plan.names) and their
// document frequencies (plan.terms / plan.term_stats, filled by the text search): when some name
// is found and at most as many are missing ("when did Deborah visit Brazil", Brazil never
// mentioned), config.min_relevance_known_name; when every name is missing (names not searched
// as terms are not judged), config.min_relevance_unknown_name; otherwise config.min_relevance.
// Fills plan.missing_names and plan.relevance_bar.
double RelevanceBar(QueryPlan& plan, const RecallConfig& config);

// The context channel: each neighbour of one of the best `config.context_parents` docs of
// `fused` (sorted as FuseChannels returns it) gains weight_context * parent score / distance, or
// weight_answer * parent score when it is the memory right after a parent that asks a question
// (the best such gain, not a sum); neighbours that were not candidates join with that gain
// alone. Re-sorts. Returns how many joined. `updated_ms` of joining docs comes from `neighbours`.
int64_t AddContext(std::vector<ScoredDoc>& fused, const std::vector<Neighbour>& neighbours,
                   const RecallConfig& config);

// The vector channel for docs of `fused` it had not scored (a late Similarities read): each
// doc of `late` gains weight_vector * its rescaled similarity, as FuseChannels computes it.
// Weighted fusion only (under "rrf" a late rank would not be comparable). Re-sorts.
void AddSimilarities(std::vector<ScoredDoc>& fused, const std::vector<VectorCandidate>& late,
                     const RecallConfig& config);

// The docs whose neighbours AddContext uses: the first config.context_parents of `fused`.
std::vector<DocId> ContextParents(const std::vector<ScoredDoc>& fused, const RecallConfig& config);

// The agent channel, the answer shape and the confidence/status weight, for the docs `facts`
// describe (others are left as they are): + weight_agent when QueryNamesAgent(query_words,
// agent); - weight_asks when the memory EndsAsking; + weight_when when `asks_when` and the
// memory StatesTime; then the score is multiplied by (1 - confidence_weight + confidence_weight
// * confidence), and by candidate_weight for a kCandidate. Re-sorts.
void ApplyRankFacts(std::vector<ScoredDoc>& fused, const std::vector<RankFact>& facts,
                    const std::vector<std::string>& query_words, bool asks_when,
                    const RecallConfig& config);

// MMR diversity over the first `n` of `fused` (sorted): picks, one at a time, the doc that
// maximises lambda * score / best score - (1 - lambda) * (its highest similarity to a doc
// already picked), where `vectors[i]` is the embedding of fused[i] (empty = unknown: similarity
// 0 to everything). lambda >= 1 changes nothing. Returns how many docs moved down.
int64_t Diversify(std::vector<ScoredDoc>& fused, const std::vector<std::vector<float>>& vectors,
                  double lambda, size_t n);

// BM25 of one candidate (exposed for tests).
double Bm25(const TextCandidate& c, const TextResult& r, double k1, double b);

}  // namespace memex
