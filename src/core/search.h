// Search value types shared by the store (which answers them) and retrieval (which scores them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/memory.h"
#include "core/scope.h"

namespace memex {

// Which rows a read may see. A read never crosses scopes unless `all_scopes` is set or several
// scopes are named. An empty `scopes` with `all_scopes == false` matches nothing.
struct SearchFilter {
  std::vector<Scope> scopes;
  bool all_scopes = false;
  std::vector<Kind> kinds;        // empty = any kind
  std::vector<std::string> tags;  // a row must carry every tag listed (normalised)
  int64_t since_ms = 0;           // created_ms >= since_ms (0 = unbounded)
  int64_t until_ms = 0;           // created_ms <  until_ms (0 = unbounded)
  bool include_history = false;   // also superseded versions
  bool include_archived = false;  // also archived memories (status kArchived)
  // Forgotten (tombstoned) rows are never returned by searches.
};

// Opaque per-store row key used between search calls and Hydrate().
using DocId = int64_t;

struct TextQuery {
  // Each term is raw user text for one word or phrase; the store quotes it for its engine and
  // tokenises it exactly as it tokenised the documents. Never fails on any UTF-8 text.
  std::vector<std::string> terms;
  SearchFilter filter;
  // Work bound: at most this many documents are examined for one query.
  int candidate_cap = 1000;
};

struct TermStat {
  int64_t df = 0;          // documents (within the filter) containing the term
  bool estimated = false;  // true when df was extrapolated because the term is very common
  bool dropped = false;    // bounded search only: too common to score (tf reported as 0)
};

struct TextCandidate {
  DocId doc = 0;
  std::vector<float> tf;   // occurrences of each query term in this document (index = term)
  int32_t doc_len = 0;     // tokens in the document
  int64_t updated_ms = 0;  // when this version was written (recency channel)
};

// Contract: when the sum of the terms' df is <= candidate_cap, `candidates` holds every
// matching document (exact). Otherwise the store bounds its work: it keeps the rarest terms
// whose df fit the cap and returns every document matching them, or, when even the rarest term
// is too common, the newest candidate_cap documents containing the rarest term (`windowed`).
// tf is filled for every term of every candidate either way, except that a bounded search may
// drop terms found in more than 1/8 of the documents (`dropped`, tf 0 for every candidate).
struct TextResult {
  int64_t doc_count = 0;   // documents within the filter's scopes (BM25's N)
  double avg_doc_len = 0;  // average document length in tokens
  std::vector<TermStat> terms;
  std::vector<TextCandidate> candidates;
  bool windowed = false;
  bool pruned = false;  // some common terms did not drive candidate generation
};

struct IdentQuery {
  std::vector<std::string> idents;  // lowercase identifiers (core/tokens.h ExtractIdentifiers)
  SearchFilter filter;
  int cap_per_ident = 2000;  // an identifier in more documents than this is ignored (no signal)
};

struct IdentMatch {
  DocId doc = 0;
  std::vector<int> matched;  // indices into IdentQuery::idents
  int64_t updated_ms = 0;
};

struct IdentResult {
  int64_t doc_count = 0;
  std::vector<int64_t> df;  // per identifier; -1 when over cap_per_ident
  std::vector<IdentMatch> matches;
};

// Session context: the memories written just before and after each of `docs` in the same scope
// and session (ordered by created_ms, then doc), the nearest `radius` on each side, among those
// `filter` lets through. Memories without a session have no neighbours.
struct NeighbourQuery {
  std::vector<DocId> docs;
  int radius = 2;
  SearchFilter filter;
};

struct Neighbour {
  DocId doc = 0;     // the neighbour
  DocId of = 0;      // the memory it is next to (one of NeighbourQuery::docs)
  int distance = 1;  // 1 = adjacent
  int64_t updated_ms = 0;
  bool after = false;    // written after `of` (else before)
  bool of_asks = false;  // `of`'s content contains a question mark (a reply may follow)
};

// What ranking weighs besides the channels, for one document (Store::RankFacts).
struct RankFact {
  DocId doc = 0;
  std::string agent;  // who wrote it ("" = unknown)
  double confidence = 1.0;
  MemoryStatus status = MemoryStatus::kActive;
  std::string content;  // its text (ranking reads the answer's shape from it)
};

}  // namespace memex
