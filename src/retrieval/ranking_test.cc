#include "retrieval/ranking.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/tokens.h"

namespace memex {
namespace {

using Strings = std::vector<std::string>;

TEST(AnalyzeQuery, DropsStopWordsKeepsIdentifiersAndPhrases) {
  RecallConfig cfg;
  QueryPlan p = AnalyzeQuery("What did we decide about the HttpServer in src/net/http.cc?", cfg);
  EXPECT_EQ(p.terms, (Strings{"decide", "httpserver", "src", "net", "http", "cc", "server"}));
  EXPECT_EQ(p.identifiers, (Strings{"httpserver", "src/net/http.cc"}));
  EXPECT_NE(std::find(p.stop_words.begin(), p.stop_words.end(), "what"), p.stop_words.end());

  QueryPlan q = AnalyzeQuery(R"(find "write ahead log" now)", cfg);
  EXPECT_EQ(q.terms, (Strings{"write ahead log", "find"}));
}

TEST(AnalyzeQuery, NeverFailsAndKeepsStopWordOnlyQueries) {
  RecallConfig cfg;
  EXPECT_EQ(AnalyzeQuery("who is it", cfg).terms, (Strings{"who", "is", "it"}));
  EXPECT_TRUE(AnalyzeQuery("?!*()", cfg).terms.empty());
  EXPECT_EQ(AnalyzeQuery("\"unterminated quote", cfg).terms, (Strings{"unterminated", "quote"}));
  EXPECT_EQ(AnalyzeQuery("NEAR(a b) AND OR NOT ^x:z*", cfg).terms,
            (Strings{"near", "b", "x", "z"}));
  std::string big;
  for (int i = 0; i < 100; ++i) big += "word" + std::to_string(i) + " ";
  EXPECT_EQ(AnalyzeQuery(big, cfg).terms.size(), 16u);  // bounded work per query
}

TEST(Bm25, RarerTermsAndShorterDocsScoreHigher) {
  TextResult r;
  r.doc_count = 1000;
  r.avg_doc_len = 20;
  r.terms = {{10, false}, {500, false}};
  TextCandidate rare{1, {1, 0}, 20, 0};
  TextCandidate common{2, {0, 1}, 20, 0};
  TextCandidate rare_long{3, {1, 0}, 80, 0};
  EXPECT_GT(Bm25(rare, r, 1.2, 0.75), Bm25(common, r, 1.2, 0.75));
  EXPECT_GT(Bm25(rare, r, 1.2, 0.75), Bm25(rare_long, r, 1.2, 0.75));
  EXPECT_EQ(Bm25(TextCandidate{4, {0, 0}, 10, 0}, r, 1.2, 0.75), 0);
}

TEST(Fuse, CombinesChannelsAndExplains) {
  RecallConfig cfg;
  QueryPlan plan;
  plan.terms = {"alpha", "beta"};
  plan.identifiers = {"parse_config"};
  TextResult t;
  t.doc_count = 100;
  t.avg_doc_len = 10;
  t.terms = {{2, false}, {50, false}};
  const int64_t now = 1000LL * 86400000;
  t.candidates = {{1, {1, 1}, 10, now}, {2, {0, 1}, 10, now}};
  IdentResult id;
  id.doc_count = 100;
  id.df = {1};
  id.matches = {{3, {0}, now}};
  auto out = FuseChannels(plan, t, id, {}, now, cfg);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].doc, 1);
  EXPECT_DOUBLE_EQ(out[0].channels.text, 1.0);
  EXPECT_EQ(out[0].channels.matched_terms, (Strings{"alpha", "beta"}));
  EXPECT_DOUBLE_EQ(out[0].channels.recency, 1.0);
  EXPECT_NEAR(out[0].score, cfg.weight_text + cfg.weight_recency, 1e-9);
  // The exact-only hit scores w_exact + recency.
  auto exact = std::find_if(out.begin(), out.end(), [](const ScoredDoc& d) { return d.doc == 3; });
  EXPECT_NEAR(exact->score, cfg.weight_exact + cfg.weight_recency, 1e-9);
  EXPECT_EQ(exact->channels.matched_identifiers, (Strings{"parse_config"}));
  for (const auto& d : out) {
    EXPECT_NEAR(d.score, d.channels.text_part + d.channels.exact_part + d.channels.recency_part,
                1e-12);
  }
}

TEST(Fuse, RecencyBreaksTextTies) {
  RecallConfig cfg;
  QueryPlan plan;
  plan.terms = {"x"};
  TextResult t;
  t.doc_count = 10;
  t.avg_doc_len = 5;
  t.terms = {{2, false}};
  const int64_t day = 86400000;
  t.candidates = {{1, {1}, 5, 10 * day}, {2, {1}, 5, 100 * day}};
  auto out = FuseChannels(plan, t, IdentResult{}, {}, 100 * day, cfg);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].doc, 2);
  EXPECT_GT(out[0].channels.recency, out[1].channels.recency);
}

// Coverage, the gate's lexical evidence: the share of the query terms' IDF mass a memory holds.
// A term found nowhere weighs as much as one found once, so in a one-memory store the memory
// that holds half the query's words covers half of it (not a sixth, as the unseen words' IDF
// would make it).
TEST(Fuse, CoverageWeighsATermFoundNowhereAsOneFoundOnce) {
  RecallConfig cfg;
  QueryPlan plan;
  plan.terms = {"storage", "choose", "local", "store"};
  TextResult t;
  t.doc_count = 1;
  t.avg_doc_len = 9;
  t.terms = {{0, false}, {0, false}, {1, false}, {1, false}};
  t.candidates = {{1, {0, 0, 1, 1}, 9, 0}};
  auto out = FuseChannels(plan, t, IdentResult{}, {}, 0, cfg);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].channels.coverage, 0.5, 1e-9);
  // In a larger store the rarer term still weighs more.
  t.doc_count = 100;
  t.terms = {{0, false}, {0, false}, {1, false}, {30, false}};
  t.candidates = {{1, {0, 0, 1, 0}, 9, 0}, {2, {0, 0, 0, 1}, 9, 0}};
  out = FuseChannels(plan, t, IdentResult{}, {}, 0, cfg);
  ASSERT_EQ(out.size(), 2u);
  auto coverage = [&](DocId doc) {
    for (const ScoredDoc& d : out) {
      if (d.doc == doc) return d.channels.coverage;
    }
    return -1.0;
  };
  auto idf = [](double n, double df) { return std::log(1.0 + (n - df + 0.5) / (df + 0.5)); };
  const double mass = 3 * idf(100, 1) + idf(100, 30);  // the unseen terms weigh as df 1
  EXPECT_NEAR(coverage(1), idf(100, 1) / mass, 1e-9);
  EXPECT_NEAR(coverage(2), idf(100, 30) / mass, 1e-9);
}

TEST(Fuse, VectorCandidatesAtOrUnderTheFloorAreNoCandidates) {
  RecallConfig cfg;
  cfg.similarity_floor = 0.2;
  QueryPlan plan;
  plan.semantic = true;
  const int64_t now = 1000LL * 86400000;
  auto out = FuseChannels(plan, TextResult{}, IdentResult{},
                          {{1, 0.9, now}, {2, 0.2, now}, {3, 0.1, now}}, now, cfg);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].doc, 1);
  EXPECT_NEAR(out[0].channels.vector, (0.9 - 0.2) / 0.8, 1e-9);
  EXPECT_NEAR(out[0].score, out[0].channels.vector_part + out[0].channels.recency_part, 1e-12);
}

TEST(QueryRelevance, IsTheBestSimilarityPlusCoverageOrTwoForAnIdentifier) {
  RecallConfig cfg;
  EXPECT_EQ(QueryRelevance({}, cfg), 0);
  ScoredDoc a, b;
  a.channels.similarity = 0.5;
  a.channels.coverage = 0.1;
  b.channels.similarity = 0.3;
  b.channels.coverage = 0.4;
  EXPECT_NEAR(QueryRelevance({a, b}, cfg), 0.7, 1e-12);
  b.channels.exact = 0.1;
  EXPECT_EQ(QueryRelevance({a, b}, cfg), 2.0);
}

TEST(QueryRelevance, AMemoryWrittenInTheNamedPeriodVouchesWithTheTimeWeight) {
  RecallConfig cfg;
  cfg.weight_time = 0.3;
  ScoredDoc a, b;
  a.channels.similarity = 0.5;
  a.channels.coverage = 0.1;
  b.channels.similarity = 0.3;
  b.channels.coverage = 0.1;
  b.channels.time = 1;
  EXPECT_NEAR(QueryRelevance({a, b}, cfg), 0.7, 1e-12);
  cfg.weight_time = 0;
  EXPECT_NEAR(QueryRelevance({a, b}, cfg), 0.6, 1e-12);
}

TEST(Context, NeighboursGainAShareOfTheBestParentAndMayJoin) {
  RecallConfig cfg;
  cfg.weight_context = 0.5;
  cfg.context_parents = 2;
  std::vector<ScoredDoc> fused = {{1, 1.0, {}, 0}, {2, 0.6, {}, 0}, {3, 0.1, {}, 0}};
  EXPECT_EQ(ContextParents(fused, cfg), (std::vector<DocId>{1, 2}));
  std::vector<Neighbour> n = {
      {3, 1, 1, 0},   // 3 is next to 1: gains 0.5 * 1.0
      {3, 2, 1, 0},   // and next to 2: the best share counts, not the sum
      {9, 1, 2, 5},   // 9 was no candidate: joins with 0.5 * 1.0 / 2
      {2, 1, 1, 0},   // parents lend to each other from their scores before context
      {1, 1, 1, 0}};  // a doc is not its own neighbour
  EXPECT_EQ(AddContext(fused, n, cfg), 1);
  ASSERT_EQ(fused.size(), 4u);
  auto find = [&](DocId d) {
    return *std::find_if(fused.begin(), fused.end(),
                         [&](const ScoredDoc& s) { return s.doc == d; });
  };
  EXPECT_NEAR(find(3).score, 0.1 + 0.5, 1e-12);
  EXPECT_NEAR(find(3).channels.context, 1.0, 1e-12);
  EXPECT_NEAR(find(9).score, 0.25, 1e-12);
  EXPECT_EQ(find(9).updated_ms, 5);
  EXPECT_NEAR(find(2).score, 0.6 + 0.5, 1e-12);
  EXPECT_NEAR(find(1).score, 1.0, 1e-12);
  for (size_t i = 1; i < fused.size(); ++i) EXPECT_GE(fused[i - 1].score, fused[i].score);
  cfg.weight_context = 0;
  EXPECT_TRUE(ContextParents(fused, cfg).empty());
}

TEST(Fuse, TimeChannelFavoursMemoriesWrittenInOrJustAfterTheNamedPeriod) {
  RecallConfig cfg;
  const int64_t day = 86400000;
  QueryPlan plan;
  plan.terms = {"x"};
  plan.time = TimeWindow{100 * day, 101 * day - 1, "some day"};
  TextResult t;
  t.doc_count = 10;
  t.avg_doc_len = 5;
  t.terms = {{4, false}};
  // Same text score: written before the window, in it, ten days after it, a month after it.
  t.candidates = {{1, {1}, 5, 90 * day},
                  {2, {1}, 5, 100 * day + 5},
                  {3, {1}, 5, 110 * day},
                  {4, {1}, 5, 130 * day}};
  auto out = FuseChannels(plan, t, IdentResult{}, {}, 200 * day, cfg);
  ASSERT_EQ(out.size(), 4u);
  std::map<DocId, double> time;
  for (const auto& d : out) {
    time[d.doc] = d.channels.time;
    EXPECT_NEAR(d.channels.time_part, cfg.weight_time * d.channels.time, 1e-12);
  }
  EXPECT_EQ(time, (std::map<DocId, double>{{1, 0}, {2, 1}, {3, 1}, {4, 0}}));
  EXPECT_EQ(out[0].doc, 3);  // in the window, and the newer of the two
  EXPECT_EQ(out[1].doc, 2);
}

}  // namespace
}  // namespace memex

namespace memex {
namespace {

TEST(Context, TheReplyToAQuestionGainsTheAnswerWeight) {
  RecallConfig cfg;  // weight_context 0.5, weight_answer 0.8
  std::vector<ScoredDoc> fused = {{1, 1.0, {}, 0}};
  // doc, of, distance, updated_ms, after, of_asks
  std::vector<Neighbour> n = {{2, 1, 1, 0, true, true},    // the reply: 0.8 * 1.0
                              {3, 1, 2, 0, true, true},    // two after: 0.5 * 1.0 / 2
                              {4, 1, 1, 0, false, true}};  // the turn before: 0.5 * 1.0
  EXPECT_EQ(AddContext(fused, n, cfg), 3);
  auto find = [&](DocId d) {
    return *std::find_if(fused.begin(), fused.end(),
                         [&](const ScoredDoc& s) { return s.doc == d; });
  };
  EXPECT_NEAR(find(2).score, 0.8, 1e-12);
  EXPECT_NEAR(find(2).channels.context, 1.0, 1e-12);  // the score of the hit it is next to
  EXPECT_NEAR(find(2).channels.context_part, 0.8, 1e-12);
  EXPECT_NEAR(find(3).score, 0.25, 1e-12);
  EXPECT_NEAR(find(4).score, 0.5, 1e-12);
  EXPECT_EQ(fused[1].doc, 2);

  // A hit that asks nothing lends its reply the ordinary share.
  std::vector<ScoredDoc> plain = {{1, 1.0, {}, 0}};
  EXPECT_EQ(AddContext(plain, {{2, 1, 1, 0, true, false}}, cfg), 1);
  EXPECT_NEAR(plain[1].score, 0.5, 1e-12);
}

TEST(RelevanceBar, NamesFoundLowerItAndNamesMissingRaiseIt) {
  RecallConfig cfg;  // 0.75, known 0.5, unknown 1.2
  QueryPlan p = AnalyzeQuery("When did Caroline meet Obama in Paris?", cfg);
  EXPECT_EQ(p.names, (Strings{"caroline", "obama", "paris"}));
  auto bar = [&](std::vector<int64_t> df) {
    p.term_stats.clear();
    for (const std::string& t : p.terms) {
      const auto it = std::find(p.names.begin(), p.names.end(), t);
      TermStat s;
      s.df = it == p.names.end() ? 3 : df[static_cast<size_t>(it - p.names.begin())];
      p.term_stats.push_back(s);
    }
    return RelevanceBar(p, cfg);
  };
  EXPECT_DOUBLE_EQ(bar({4, 2, 1}), 0.5);  // every name is here
  EXPECT_TRUE(p.missing_names.empty());
  EXPECT_DOUBLE_EQ(bar({0, 0, 0}), 1.2);  // none is
  EXPECT_EQ(p.missing_names, (Strings{"caroline", "obama", "paris"}));
  EXPECT_DOUBLE_EQ(bar({4, 0, 1}), 0.5);  // most are: still the known-name bar
  EXPECT_EQ(p.missing_names, (Strings{"obama"}));
  EXPECT_DOUBLE_EQ(p.relevance_bar, 0.5);
  EXPECT_DOUBLE_EQ(bar({4, 0, 0}), 0.75);  // fewer are found than missing: the plain bar
  EXPECT_EQ(p.missing_names, (Strings{"obama", "paris"}));
  EXPECT_DOUBLE_EQ(p.relevance_bar, 0.75);

  QueryPlan none = AnalyzeQuery("how do we deploy the api", cfg);
  EXPECT_TRUE(none.names.empty());
  EXPECT_DOUBLE_EQ(RelevanceBar(none, cfg), 0.75);
  // A name that was not searched (no term stats yet) is not judged.
  QueryPlan unsearched = AnalyzeQuery("what did Tim say", cfg);
  EXPECT_DOUBLE_EQ(RelevanceBar(unsearched, cfg), 0.75);
}

TEST(RankFacts, AgentChannelConfidenceAndStatusWeights) {
  RecallConfig cfg;
  cfg.weight_agent = 0.25;  // confidence_weight 0.5, candidate_weight 0.75 (defaults)
  std::vector<ScoredDoc> fused = {
      {1, 1.0, {}, 0}, {2, 0.9, {}, 0}, {3, 0.8, {}, 0}, {4, 0.7, {}, 0}, {5, 0.6, {}, 0}};
  std::vector<RankFact> facts = {{1, "", 0.2, MemoryStatus::kActive},
                                 {2, "", 1.0, MemoryStatus::kCandidate},
                                 {3, "Claude-Code", 1.0, MemoryStatus::kActive},
                                 {4, "cursor", 1.0, MemoryStatus::kActive}};
  ApplyRankFacts(fused, facts, SplitWords("what did claude code change"), false, cfg);
  std::map<DocId, ScoredDoc> by;
  for (const ScoredDoc& d : fused) by[d.doc] = d;
  EXPECT_NEAR(by[1].score, 1.0 * 0.6, 1e-12);
  EXPECT_NEAR(by[1].channels.weight, 0.6, 1e-12);
  EXPECT_NEAR(by[2].score, 0.9 * 0.75, 1e-12);
  EXPECT_NEAR(by[3].score, 0.8 + 0.25, 1e-12);
  EXPECT_EQ(by[3].channels.agent, 1);
  EXPECT_NEAR(by[3].channels.agent_part, 0.25, 1e-12);
  EXPECT_NEAR(by[4].score, 0.7, 1e-12);  // an agent the query does not name
  EXPECT_EQ(by[4].channels.agent, 0);
  EXPECT_NEAR(by[5].score, 0.6, 1e-12);  // no facts: left as it was
  EXPECT_EQ(fused.front().doc, 3);
  for (size_t i = 1; i < fused.size(); ++i) EXPECT_GE(fused[i - 1].score, fused[i].score);

  cfg.weight_agent = 0;
  cfg.confidence_weight = 0;
  cfg.candidate_weight = 1;
  std::vector<ScoredDoc> same = {{1, 1.0, {}, 0}, {3, 0.8, {}, 0}};
  ApplyRankFacts(same, facts, SplitWords("claude code"), false, cfg);
  EXPECT_NEAR(same[0].score, 1.0, 1e-12);
  EXPECT_NEAR(same[1].score, 0.8, 1e-12);
}

}  // namespace
}  // namespace memex

namespace memex {
namespace {

TEST(Diversify, MovesANearRepeatBelowADifferentHit) {
  std::vector<ScoredDoc> fused = {
      {1, 1.0, {}, 0}, {2, 0.95, {}, 0}, {3, 0.6, {}, 0}, {4, 0.5, {}, 0}};
  const std::vector<std::vector<float>> vectors = {
      {1, 0, 0}, {0.99f, 0.141f, 0}, {0, 1, 0}, {}};  // 2 repeats 1; 4 has no vector
  std::vector<ScoredDoc> same = fused;
  EXPECT_EQ(Diversify(same, vectors, 1.0, 4), 0);  // lambda 1: off
  EXPECT_EQ(same[1].doc, 2);

  EXPECT_EQ(Diversify(fused, vectors, 0.5, 4), 1);  // doc 2 moved down
  std::vector<DocId> order;
  for (const ScoredDoc& d : fused) order.push_back(d.doc);
  // 1 first; then 3 (0.5*0.6 - 0.5*0 = 0.30) and 4 (0.25) beat 2 (0.475 - 0.495 < 0).
  EXPECT_EQ(order, (std::vector<DocId>{1, 3, 4, 2}));

  // Only the first n are reordered.
  std::vector<ScoredDoc> head = {{1, 1.0, {}, 0}, {2, 0.95, {}, 0}, {3, 0.6, {}, 0}};
  EXPECT_EQ(Diversify(head, vectors, 0.5, 2), 0);
  EXPECT_EQ(head[1].doc, 2);
  std::vector<ScoredDoc> empty;
  EXPECT_EQ(Diversify(empty, vectors, 0.5, 10), 0);
}

}  // namespace
}  // namespace memex

namespace memex {
namespace {

TEST(LexicalShortlist, IdentifiersFirstThenBestBm25WithoutRepeats) {
  RecallConfig cfg;
  TextResult t;
  t.doc_count = 100;
  t.avg_doc_len = 5;
  t.terms = {{10, false}};
  t.candidates = {{1, {1}, 5, 0}, {2, {3}, 5, 0}, {3, {2}, 5, 0}, {4, {1}, 50, 0}};
  IdentResult ids;
  ids.matches = {{4, {0}, 0}, {9, {0}, 0}};
  EXPECT_EQ(LexicalShortlist(t, ids, cfg, 10), (std::vector<DocId>{4, 9, 2, 3, 1}));
  EXPECT_EQ(LexicalShortlist(t, ids, cfg, 3), (std::vector<DocId>{4, 9, 2}));
  EXPECT_EQ(LexicalShortlist(t, ids, cfg, 1), (std::vector<DocId>{4}));
  EXPECT_TRUE(LexicalShortlist(t, ids, cfg, 0).empty());
  // An identifier match that is also the best text candidate: the next best fill the list.
  ids.matches = {{2, {0}, 0}};
  EXPECT_EQ(LexicalShortlist(t, ids, cfg, 3), (std::vector<DocId>{2, 3, 1}));
}

}  // namespace
}  // namespace memex

namespace memex {
namespace {

TEST(AnalyzeQuery, IrregularVerbFormsAndWhetherItAsksWhen) {
  RecallConfig cfg;
  QueryPlan p = AnalyzeQuery("when did Jolene buy her snake", cfg);
  const auto buy = std::find(p.terms.begin(), p.terms.end(), "buy");
  ASSERT_NE(buy, p.terms.end());
  const size_t buy_index = static_cast<size_t>(buy - p.terms.begin());
  ASSERT_EQ(p.term_forms.size(), 1u);
  EXPECT_EQ(p.term_forms[0].first, buy_index);
  EXPECT_EQ(p.term_forms[0].second, "bought");
  EXPECT_TRUE(p.asks_when);

  // Both forms asked already: nothing is added twice.
  QueryPlan both = AnalyzeQuery("did she buy it or was it bought", cfg);
  ASSERT_NE(std::find(both.terms.begin(), both.terms.end(), "buy"), both.terms.end());
  ASSERT_NE(std::find(both.terms.begin(), both.terms.end(), "bought"), both.terms.end());
  EXPECT_TRUE(both.term_forms.empty());
  EXPECT_FALSE(both.asks_when);

  // Each form points at its own term; a phrase is searched as written.
  QueryPlan went = AnalyzeQuery(R"(where Jolene went "bought snakes")", cfg);
  const auto went_term = std::find(went.terms.begin(), went.terms.end(), "went");
  ASSERT_NE(went_term, went.terms.end());
  const size_t went_index = static_cast<size_t>(went_term - went.terms.begin());
  EXPECT_EQ(went.term_forms, (std::vector<std::pair<size_t, std::string>>{{went_index, "go"},
                                                                          {went_index, "gone"}}));

  QueryPlan what = AnalyzeQuery("What did Caroline research?", cfg);
  EXPECT_FALSE(what.asks_when);
  EXPECT_TRUE(what.term_forms.empty());
}

TEST(SearchTerms, ThePlansTermsThenTheOtherForms) {
  QueryPlan plan;
  plan.terms = {"buy", "snake", "go"};
  plan.term_forms = {{0, "bought"}, {2, "went"}, {2, "gone"}};
  EXPECT_EQ(SearchTerms(plan), (Strings{"buy", "snake", "go", "bought", "went", "gone"}));
  plan.term_forms.clear();
  EXPECT_EQ(SearchTerms(plan), (Strings{"buy", "snake", "go"}));

  RecallConfig cfg;
  QueryPlan analyzed = AnalyzeQuery("when did Jolene buy her snake", cfg);
  Strings expected = analyzed.terms;
  expected.push_back("bought");
  EXPECT_EQ(SearchTerms(analyzed), expected);
}

TEST(FoldTermForms, FormsCountAsTheirTerm) {
  QueryPlan plan;
  plan.terms = {"buy", "snake"};
  plan.term_forms = {{0, "bought"}};
  TextResult t;
  t.doc_count = 10;
  t.avg_doc_len = 5;
  t.terms = {{3, false}, {2, false}, {4, false}};  // buy, snake, bought
  t.candidates = {{1, {2, 0, 1}, 5, 0},            // buy twice and bought once
                  {2, {0, 1, 2}, 5, 0},            // bought only (and snake)
                  {3, {0, 1, 0}, 5, 0}};           // snake only
  FoldTermForms(plan, t);
  ASSERT_EQ(t.terms.size(), 2u);
  EXPECT_EQ(t.terms[0].df, 7);  // 3 + 4
  EXPECT_FALSE(t.terms[0].estimated);
  EXPECT_EQ(t.terms[1].df, 2);
  ASSERT_EQ(t.candidates.size(), 3u);
  for (const TextCandidate& c : t.candidates) EXPECT_EQ(c.tf.size(), 2u) << c.doc;
  EXPECT_EQ(t.candidates[0].tf, (std::vector<float>{3, 0}));
  EXPECT_EQ(t.candidates[1].tf, (std::vector<float>{2, 1}));
  EXPECT_GT(t.candidates[1].tf[0], 0);  // found by "bought": now matches "buy"
  EXPECT_EQ(t.candidates[2].tf, (std::vector<float>{0, 1}));
  // The folded result scores the "bought" memory for "buy".
  EXPECT_GT(Bm25(t.candidates[1], t, 1.2, 0.75), Bm25(t.candidates[2], t, 1.2, 0.75));

  // The df of the union is at most doc_count; an estimate stays an estimate.
  TextResult capped;
  capped.doc_count = 10;
  capped.terms = {{8, false}, {2, false}, {6, true}};
  capped.candidates = {{1, {0, 0, 1}, 5, 0}};
  FoldTermForms(plan, capped);
  ASSERT_EQ(capped.terms.size(), 2u);
  EXPECT_EQ(capped.terms[0].df, 10);
  EXPECT_TRUE(capped.terms[0].estimated);
  EXPECT_EQ(capped.candidates[0].tf, (std::vector<float>{1, 0}));

  // Several forms of one term, which is not the first.
  QueryPlan go;
  go.terms = {"jolene", "go"};
  go.term_forms = {{1, "went"}, {1, "gone"}};
  TextResult g;
  g.doc_count = 100;
  g.terms = {{5, false}, {1, false}, {2, false}, {3, false}};  // jolene, go, went, gone
  g.candidates = {{1, {1, 0, 1, 0}, 5, 0}, {2, {0, 0, 0, 2}, 5, 0}};
  FoldTermForms(go, g);
  ASSERT_EQ(g.terms.size(), 2u);
  EXPECT_EQ(g.terms[0].df, 5);
  EXPECT_EQ(g.terms[1].df, 6);
  EXPECT_EQ(g.candidates[0].tf, (std::vector<float>{1, 1}));
  EXPECT_EQ(g.candidates[1].tf, (std::vector<float>{0, 2}));

  // Nothing searched beyond the plan's terms: left as it is.
  TextResult plain;
  plain.doc_count = 10;
  plain.terms = {{3, false}, {2, false}};
  plain.candidates = {{1, {1, 1}, 5, 0}};
  FoldTermForms(plan, plain);
  ASSERT_EQ(plain.terms.size(), 2u);
  EXPECT_EQ(plain.terms[0].df, 3);
  EXPECT_EQ(plain.candidates[0].tf, (std::vector<float>{1, 1}));
}

TEST(AddSimilarities, ScoresTheDocsTheVectorChannelHadNotScored) {
  RecallConfig cfg;  // weighted fusion
  cfg.similarity_floor = 0.4;
  std::vector<ScoredDoc> fused = {{1, 0.6, {}, 0}, {2, 0.5, {}, 0}, {3, 0.3, {}, 0}};
  fused[0].channels.similarity = 0.5;  // scored already
  fused[0].channels.vector = 0.25;
  fused[0].channels.vector_part = 0.15;
  const std::vector<ScoredDoc> before = fused;
  // 9 is no candidate: a late similarity does not make it one. 3 is under the floor.
  const std::vector<VectorCandidate> late = {{1, 0.9, 0}, {2, 0.8, 0}, {3, 0.1, 0}, {9, 1.0, 0}};

  std::vector<ScoredDoc> rrf = fused;
  RecallConfig rrf_cfg = cfg;
  rrf_cfg.fusion = "rrf";
  AddSimilarities(rrf, late, rrf_cfg);
  ASSERT_EQ(rrf.size(), 3u);
  for (size_t i = 0; i < rrf.size(); ++i) {
    EXPECT_EQ(rrf[i].doc, before[i].doc);
    EXPECT_EQ(rrf[i].score, before[i].score);
    EXPECT_EQ(rrf[i].channels.similarity, before[i].channels.similarity);
    EXPECT_EQ(rrf[i].channels.vector_part, before[i].channels.vector_part);
  }

  AddSimilarities(fused, late, cfg);
  ASSERT_EQ(fused.size(), 3u);
  std::map<DocId, ScoredDoc> by;
  for (const ScoredDoc& d : fused) by[d.doc] = d;
  const double vector2 = (0.8 - 0.4) / (1.0 - 0.4);
  EXPECT_NEAR(by[2].channels.similarity, 0.8, 1e-12);
  EXPECT_NEAR(by[2].channels.vector, vector2, 1e-12);
  EXPECT_NEAR(by[2].channels.vector_part, cfg.weight_vector * vector2, 1e-12);
  EXPECT_NEAR(by[2].score, 0.5 + cfg.weight_vector * vector2, 1e-12);
  // Already scored: untouched.
  EXPECT_NEAR(by[1].score, 0.6, 1e-12);
  EXPECT_NEAR(by[1].channels.similarity, 0.5, 1e-12);
  EXPECT_NEAR(by[1].channels.vector_part, 0.15, 1e-12);
  // Under the floor: counts nothing.
  EXPECT_NEAR(by[3].channels.similarity, 0.1, 1e-12);
  EXPECT_EQ(by[3].channels.vector, 0);
  EXPECT_NEAR(by[3].score, 0.3, 1e-12);
  // Re-sorted: 2 (0.5 + 0.6 * 2/3 = 0.9) passes 1.
  EXPECT_EQ(fused[0].doc, 2);
  EXPECT_EQ(fused[1].doc, 1);
  EXPECT_EQ(fused[2].doc, 3);

  std::vector<ScoredDoc> none = before;
  AddSimilarities(none, {}, cfg);
  EXPECT_EQ(none[0].doc, 1);
  EXPECT_EQ(none[1].score, 0.5);
}

TEST(RankFacts, AMemoryThatAsksLosesAndOneThatStatesATimeGainsWhenAsked) {
  RecallConfig cfg;  // weight_asks 0.15, weight_when 0.3
  cfg.confidence_weight = 0;
  cfg.candidate_weight = 1;
  const std::vector<RankFact> facts = {
      {1, "", 1.0, MemoryStatus::kActive, "Did the migration run? [image: a log]"},
      {2, "", 1.0, MemoryStatus::kActive, "We bought it a year ago in Paris."},
      {3, "", 1.0, MemoryStatus::kActive, "It shipped on 3 May. Did it work?"},
      {4, "", 1.0, MemoryStatus::kActive, "The parser uses a table."}};
  const std::vector<ScoredDoc> start = {
      {1, 1.0, {}, 0}, {2, 0.9, {}, 0}, {3, 0.8, {}, 0}, {4, 0.7, {}, 0}};
  auto by_doc = [](const std::vector<ScoredDoc>& v) {
    std::map<DocId, ScoredDoc> by;
    for (const ScoredDoc& d : v) by[d.doc] = d;
    return by;
  };

  std::vector<ScoredDoc> when = start;
  ApplyRankFacts(when, facts, SplitWords("when did we buy it"), true, cfg);
  std::map<DocId, ScoredDoc> w = by_doc(when);
  EXPECT_EQ(w[1].channels.asks, 1);
  EXPECT_NEAR(w[1].channels.asks_part, -0.15, 1e-12);
  EXPECT_EQ(w[1].channels.states_time, 0);
  EXPECT_NEAR(w[1].score, 1.0 - 0.15, 1e-12);
  EXPECT_EQ(w[2].channels.asks, 0);
  EXPECT_EQ(w[2].channels.asks_part, 0);
  EXPECT_EQ(w[2].channels.states_time, 1);
  EXPECT_NEAR(w[2].channels.states_time_part, 0.3, 1e-12);
  EXPECT_NEAR(w[2].score, 0.9 + 0.3, 1e-12);
  EXPECT_EQ(w[3].channels.asks, 1);
  EXPECT_EQ(w[3].channels.states_time, 1);
  EXPECT_NEAR(w[3].score, 0.8 - 0.15 + 0.3, 1e-12);
  EXPECT_EQ(w[4].channels.asks, 0);
  EXPECT_EQ(w[4].channels.states_time, 0);
  EXPECT_NEAR(w[4].score, 0.7, 1e-12);
  EXPECT_EQ(when[0].doc, 2);
  EXPECT_EQ(when[1].doc, 3);
  for (size_t i = 1; i < when.size(); ++i) EXPECT_GE(when[i - 1].score, when[i].score);

  // Not asking when: a stated time gains nothing; asking still costs.
  std::vector<ScoredDoc> what = start;
  ApplyRankFacts(what, facts, SplitWords("what did we buy"), false, cfg);
  std::map<DocId, ScoredDoc> x = by_doc(what);
  EXPECT_EQ(x[2].channels.states_time, 0);
  EXPECT_EQ(x[2].channels.states_time_part, 0);
  EXPECT_NEAR(x[2].score, 0.9, 1e-12);
  EXPECT_EQ(x[3].channels.states_time, 0);
  EXPECT_NEAR(x[3].score, 0.8 - 0.15, 1e-12);
  EXPECT_EQ(x[1].channels.asks, 1);
  EXPECT_NEAR(x[1].score, 0.85, 1e-12);
  EXPECT_EQ(what[0].doc, 2);

  // The shape is added before the confidence weight multiplies the score.
  RecallConfig weighted;  // confidence_weight 0.5
  std::vector<ScoredDoc> one = {{1, 1.0, {}, 0}};
  ApplyRankFacts(one, {{1, "", 0.5, MemoryStatus::kActive, "Ready?"}}, {}, false, weighted);
  EXPECT_NEAR(one[0].score, (1.0 - weighted.weight_asks) * 0.75, 1e-12);

  // Zero weights turn the answer shape off.
  cfg.weight_asks = 0;
  cfg.weight_when = 0;
  std::vector<ScoredDoc> off = start;
  ApplyRankFacts(off, facts, SplitWords("when did we buy it"), true, cfg);
  for (const ScoredDoc& d : off) {
    EXPECT_EQ(d.channels.asks, 0) << d.doc;
    EXPECT_EQ(d.channels.states_time, 0) << d.doc;
  }
  EXPECT_NEAR(by_doc(off)[3].score, 0.8, 1e-12);
}

}  // namespace
}  // namespace memex
