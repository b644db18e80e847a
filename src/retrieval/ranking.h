// Ranking: turns the store's lexical statistics into scored, explained hits (SPEC §6).
//
// Channels and fusion (docs/retrieval.md has the full story):
//   text    = BM25 (k1, b from config) over the query terms, normalised by the best candidate;
//   exact   = share of the query's identifier IDF mass a memory contains (IDF-boosted);
//   recency = 1 / (1 + age_days / half_life_days).
//   score   = w_text * text + w_exact * exact + w_recency * recency
// Only memories matched by the text or exact channel are candidates; recency never retrieves.
// Pure functions; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/memory.h"
#include "core/search.h"

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
};

struct ChannelScores {
  double bm25 = 0;       // raw BM25
  double text = 0;       // normalised [0,1]
  double exact = 0;      // [0,1]
  double recency = 0;    // [0,1]
  double text_part = 0;  // weighted contributions; sum = final score
  double exact_part = 0;
  double recency_part = 0;
  std::vector<std::string> matched_terms;
  std::vector<std::string> matched_identifiers;
};

struct RankedHit {
  Memory memory;
  double score = 0;
  ChannelScores channels;
};

// Splits a query into BM25 terms and identifiers. Quoted "multi word" strings become phrase
// terms; stop words are dropped unless that would leave no term. Never fails.
QueryPlan AnalyzeQuery(std::string_view query, const RecallConfig& config);

// A scored candidate before hydration.
struct ScoredDoc {
  DocId doc = 0;
  double score = 0;
  ChannelScores channels;
};

// Fuses the channels into one score per document, sorted by score desc, then newest.
std::vector<ScoredDoc> FuseChannels(const QueryPlan& plan, const TextResult& text,
                                    const IdentResult& idents, int64_t now_ms,
                                    const RecallConfig& config);

// BM25 of one candidate (exposed for tests).
double Bm25(const TextCandidate& c, const TextResult& r, double k1, double b);

}  // namespace memex
