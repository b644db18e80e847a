// Query workloads for the recall-latency benchmark, built from a SyntheticCorpus after it
// generated a database so that every class (except some hostile text) has matches.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synthetic.h"

namespace memex::bench {

enum class QueryClass { kRare, kCommon, kQuestion, kIdentifier, kHostile };

inline constexpr QueryClass kAllQueryClasses[] = {QueryClass::kRare, QueryClass::kCommon,
                                                  QueryClass::kQuestion, QueryClass::kIdentifier,
                                                  QueryClass::kHostile};

// "rare", "common", "question", "identifier", "hostile".
std::string_view QueryClassName(QueryClass c);

struct QuerySet {
  QueryClass cls = QueryClass::kRare;
  std::vector<std::string> queries;
  std::string note;  // how the class was built, e.g. the common words and their frequency
};

// `n` queries of class `cls`; the same corpus state and seed give the same queries.
//   rare:       1-2 tail words in at most max(3, 0.05% of the memories), sometimes + a head word
//   common:     1-3 words each in >= 20% of the memories (by the generator's own counts)
//   question:   natural-language questions with stop words and mid-frequency words
//   identifier: identifiers the memories contain (snake_case, CamelCase, paths, codes, dotted)
//   hostile:    quotes, FTS5 operators and syntax, SQL, punctuation, unicode, very long text
QuerySet MakeQueries(const SyntheticCorpus& corpus, QueryClass cls, int n, uint64_t seed);

}  // namespace memex::bench
