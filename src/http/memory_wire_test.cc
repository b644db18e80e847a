// The native wire's recall answer carries --explain whole: every channel of every hit and every
// field of the query plan survives EncodeRecallResponse then DecodeRecallResponse, so a recall
// over --server explains itself exactly as a local one.
#include "http/memory_wire.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace memex::http {
namespace {

// Every number of ChannelScores, by name, so that a field dropped on either side is named.
const std::vector<std::pair<const char*, double ChannelScores::*>>& ChannelFields() {
  static const std::vector<std::pair<const char*, double ChannelScores::*>> fields = {
      {"bm25", &ChannelScores::bm25},
      {"text", &ChannelScores::text},
      {"coverage", &ChannelScores::coverage},
      {"exact", &ChannelScores::exact},
      {"similarity", &ChannelScores::similarity},
      {"vector", &ChannelScores::vector},
      {"recency", &ChannelScores::recency},
      {"context", &ChannelScores::context},
      {"time", &ChannelScores::time},
      {"agent", &ChannelScores::agent},
      {"asks", &ChannelScores::asks},
      {"states_time", &ChannelScores::states_time},
      {"weight", &ChannelScores::weight},
      {"text_part", &ChannelScores::text_part},
      {"exact_part", &ChannelScores::exact_part},
      {"vector_part", &ChannelScores::vector_part},
      {"recency_part", &ChannelScores::recency_part},
      {"context_part", &ChannelScores::context_part},
      {"time_part", &ChannelScores::time_part},
      {"agent_part", &ChannelScores::agent_part},
      {"asks_part", &ChannelScores::asks_part},
      {"states_time_part", &ChannelScores::states_time_part},
  };
  return fields;
}

RecallResponse Explained() {
  RecallResponse resp;
  RankedHit hit;
  hit.memory.id = "0190a0b0-0000-7000-8000-000000000001";
  hit.memory.scope = Scope{"ws", "p"};
  hit.memory.content = "we switched the cache to Redis";
  hit.memory.created_ms = hit.memory.updated_ms = 1700000000123;
  hit.score = 1.25;
  double v = 0.5;
  for (const auto& [name, field] : ChannelFields()) {
    hit.channels.*field = v;  // each field its own value, none the default
    v += 0.125;
  }
  hit.channels.asks_part = -0.15;
  hit.channels.matched_terms = {"cache", "redis"};
  hit.channels.matched_identifiers = {"RedisCache"};
  resp.hits.push_back(hit);
  resp.total_candidates = 42;
  resp.elapsed_us = 1234;

  QueryPlan& p = resp.plan;
  p.terms = {"cache", "buy"};
  p.identifiers = {"RedisCache"};
  p.stop_words = {"the"};
  p.term_stats = {{7, false, false}, {900, true, true}};
  p.ident_df = {3};
  p.doc_count = 1000;
  p.windowed = true;
  p.pruned = true;
  p.semantic = true;
  p.semantic_note = "vector index not refreshed";
  p.relevance = 0.83;
  p.relevance_bar = 0.5;
  p.names = {"Redis", "Deborah"};
  p.missing_names = {"Deborah"};
  p.gated = true;
  p.context_added = 4;
  p.weak_dropped = 5;
  p.diversified = 2;
  p.asks_when = true;
  p.term_forms = {{1, "bought"}};
  p.time = TimeWindow{1690000000000, 1690086399999, "19 august 2023"};
  return resp;
}

TEST(MemoryWire, RecallExplainSurvivesTheRoundTrip) {
  const RecallResponse sent = Explained();
  Result<RecallResponse> got = DecodeRecallResponse(EncodeRecallResponse(sent));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->hits.size(), 1u);
  const RankedHit& h = got->hits[0];
  EXPECT_EQ(h.memory.id, sent.hits[0].memory.id);
  EXPECT_EQ(h.memory.content, sent.hits[0].memory.content);
  EXPECT_DOUBLE_EQ(h.score, 1.25);
  for (const auto& [name, field] : ChannelFields()) {
    EXPECT_DOUBLE_EQ(h.channels.*field, sent.hits[0].channels.*field) << "channels." << name;
  }
  EXPECT_EQ(h.channels.matched_terms, sent.hits[0].channels.matched_terms);
  EXPECT_EQ(h.channels.matched_identifiers, sent.hits[0].channels.matched_identifiers);
  EXPECT_EQ(got->total_candidates, 42);
  EXPECT_EQ(got->elapsed_us, 1234);

  const QueryPlan& p = got->plan;
  const QueryPlan& e = sent.plan;
  EXPECT_EQ(p.terms, e.terms);
  EXPECT_EQ(p.identifiers, e.identifiers);
  EXPECT_EQ(p.stop_words, e.stop_words);
  ASSERT_EQ(p.term_stats.size(), 2u);
  EXPECT_EQ(p.term_stats[0].df, 7);
  EXPECT_FALSE(p.term_stats[0].estimated);
  EXPECT_EQ(p.term_stats[1].df, 900);
  EXPECT_TRUE(p.term_stats[1].estimated);
  EXPECT_TRUE(p.term_stats[1].dropped);
  EXPECT_EQ(p.ident_df, e.ident_df);
  EXPECT_EQ(p.doc_count, 1000);
  EXPECT_TRUE(p.windowed);
  EXPECT_TRUE(p.pruned);
  EXPECT_TRUE(p.semantic);
  EXPECT_EQ(p.semantic_note, e.semantic_note);
  EXPECT_DOUBLE_EQ(p.relevance, 0.83);
  EXPECT_DOUBLE_EQ(p.relevance_bar, 0.5);
  EXPECT_EQ(p.names, e.names);
  EXPECT_EQ(p.missing_names, e.missing_names);
  EXPECT_TRUE(p.gated);
  EXPECT_EQ(p.context_added, 4);
  EXPECT_EQ(p.weak_dropped, 5);
  EXPECT_EQ(p.diversified, 2);
  EXPECT_TRUE(p.asks_when);
  EXPECT_EQ(p.term_forms, e.term_forms);
  ASSERT_TRUE(p.time.has_value());
  EXPECT_EQ(p.time->phrase, "19 august 2023");
  EXPECT_EQ(p.time->start_ms, e.time->start_ms);
  EXPECT_EQ(p.time->end_ms, e.time->end_ms);
}

TEST(MemoryWire, RecallWithoutExplainHasNoTimeAndDefaults) {
  RecallResponse sent;
  Result<RecallResponse> got = DecodeRecallResponse(EncodeRecallResponse(sent));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->hits.empty());
  EXPECT_FALSE(got->plan.time.has_value());
  EXPECT_DOUBLE_EQ(got->plan.relevance, -1);
}

TEST(MemoryWire, AChannelOfTheWrongTypeIsNamed) {
  std::string body = EncodeRecallResponse(Explained());
  const std::string key = "\"asks\":";
  const size_t at = body.find(key);
  ASSERT_NE(at, std::string::npos) << body;
  const size_t end = body.find(',', at);
  body.replace(at + key.size(), end - at - key.size(), "\"yes\"");
  Result<RecallResponse> got = DecodeRecallResponse(body);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("asks"), std::string::npos) << got.status().ToString();
}

TEST(MemoryWire, StrongConsistencyCrossesTheWire) {
  RememberRequest req;
  req.memory.scope = Scope{"ws", "p"};
  req.memory.content = "we deploy with blue green rollouts";
  req.wait_for_vectors = true;
  Result<RememberRequest> got = DecodeRememberRequest(EncodeRememberRequest(req));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(got->wait_for_vectors);
  req.wait_for_vectors = false;
  EXPECT_FALSE(DecodeRememberRequest(EncodeRememberRequest(req))->wait_for_vectors);

  MemoryPatch patch;
  patch.content = "we deploy with canary rollouts";
  bool wait = false;
  ASSERT_TRUE(DecodeMemoryPatch(EncodeMemoryPatch(patch, true), &wait).ok());
  EXPECT_TRUE(wait);
  ASSERT_TRUE(DecodeMemoryPatch(EncodeMemoryPatch(patch), &wait).ok());
  EXPECT_FALSE(wait);
  EXPECT_EQ(DecodeMemoryPatch(R"({"content":"x","wait_for_vectors":"yes"})").status().code(),
            StatusCode::kInvalidArgument);

  RememberResult written;
  written.id = "0190a0b0-0000-7000-8000-000000000001";
  written.embedded = true;
  Result<RememberResult> back = DecodeWriteResult(EncodeWriteResult(written));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->embedded);
  // An older server's answer has no "embedded": false.
  EXPECT_FALSE(DecodeWriteResult(R"({"id":"a","version":1,"created":true})")->embedded);
}

TEST(MemoryWire, StatsCarryArchivedCounts) {
  StoreStats s;
  s.live = 3;
  s.superseded = 1;
  s.forgotten = 2;
  s.archived = 4;
  s.scopes = {{{"ws", "p"}, 3, 1, 2, 4}};
  Result<StoreStats> got = DecodeStats(EncodeStats(s));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->archived, 4);
  ASSERT_EQ(got->scopes.size(), 1u);
  EXPECT_EQ(got->scopes[0].archived, 4);
  EXPECT_EQ(got->scopes[0].forgotten, 2);
  // An older server's answer has no "archived": 0.
  EXPECT_EQ(DecodeStats(R"({"live":1,"superseded":0,"forgotten":0})")->archived, 0);
}

TEST(MemoryWireLinksTest, RoundTripAndBadLinksAreNamed) {
  std::vector<MemoryLink> links = {
      {"0198c3e2-0000-7000-8000-000000000001", "0198c3e2-0000-7000-8000-000000000002",
       LinkKind::kNearDuplicate, 0.93, 1'700'000'000'123},
      {"0198c3e2-0000-7000-8000-000000000003", "0198c3e2-0000-7000-8000-000000000002",
       LinkKind::kMergedInto, 1.0, 1'700'000'000'456},
  };
  Result<std::vector<MemoryLink>> back =
      DecodeLinks(EncodeLinks("0198c3e2-0000-7000-8000-000000000002", links));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back->at(i).from_id, links[i].from_id);
    EXPECT_EQ(back->at(i).to_id, links[i].to_id);
    EXPECT_EQ(back->at(i).kind, links[i].kind);
    EXPECT_EQ(back->at(i).score, links[i].score);
    EXPECT_EQ(back->at(i).created_ms, links[i].created_ms);
  }
  const std::vector<std::pair<std::string, std::string>> bad_bodies = {
      {R"({"id":"x"})", "links"},
      {R"({"links":{}})", "links"},
      {R"({"links":[1]})", "links"},
      {R"({"links":[{"to_id":"b"}]})", "from_id"},
      {R"({"links":[{"from_id":"a","to_id":"b","kind":"sibling"}]})", "kind"},
      {R"({"links":[{"from_id":"a","to_id":"b","score":"high"}]})", "score"},
  };
  for (const auto& [json, needle] : bad_bodies) {
    Result<std::vector<MemoryLink>> bad = DecodeLinks(json);
    ASSERT_FALSE(bad.ok()) << json;
    EXPECT_NE(bad.status().message().find(needle), std::string::npos) << bad.status().message();
  }
}

}  // namespace
}  // namespace memex::http
