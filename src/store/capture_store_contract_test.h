// The CaptureStore contract suite (store/capture_store.h): every implementation instantiates it
// with a factory, e.g.
//
//   #include "store/capture_store_contract_records_test.h  // includes this file"
//   INSTANTIATE_TEST_SUITE_P(Sqlite, CaptureStoreContractTest,
//                            ::testing::Values(CaptureStoreFactory{"sqlite", MakeStore}),
//                            capture_store_contract::FactoryName);
//
// Each test covers a contract comment of store/capture_store.h. This file holds the fixture and
// the events, sessions and search tests; capture_store_contract_records_test.h (which includes
// it) holds handoffs, lessons and concurrency. Include that one in exactly one test source per
// implementation.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "store/capture_store.h"

namespace memex::capture_store_contract {

// Makes an empty store that reads time from `clock` (which outlives it). A shared_ptr so that a
// factory can hand out a store owned together with what it needs (a temporary directory).
struct CaptureStoreFactory {
  std::string name;
  std::function<std::shared_ptr<CaptureStore>(const Clock& clock)> make;
};

inline std::string FactoryName(const ::testing::TestParamInfo<CaptureStoreFactory>& info) {
  return info.param.name;
}
inline void PrintTo(const CaptureStoreFactory& factory, std::ostream* os) { *os << factory.name; }

inline constexpr int64_t kT0 = 1'700'000'000'000;

class CaptureStoreContractTest : public ::testing::TestWithParam<CaptureStoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make(clock_);
    ASSERT_NE(store_, nullptr);
  }

  static Scope S(const std::string& project) { return Scope{"ws", project}; }

  // An event of `session` in ws/p at kT0 + ts (seconds), with a fresh ingest key.
  Event Ev(const std::string& session, EventKind kind, int64_t ts_s = 0,
           const Scope& scope = S("p")) {
    Event e;
    e.ingest_key = "k" + std::to_string(++next_key_);
    e.session_id = session;
    e.kind = kind;
    e.agent = "claude-code";
    e.scope = scope;
    e.cwd = "/home/u/p";
    e.git_branch = "main";
    e.ts_ms = kT0 + ts_s * 1000;
    return e;
  }
  Event Tool(const std::string& session, EventKind kind, const std::string& tool_use_id,
             int64_t ts_s) {
    Event e = Ev(session, kind, ts_s);
    e.tool_name = "Bash";
    e.tool_use_id = tool_use_id;
    e.tool_input = R"({"command":"make test"})";
    return e;
  }

  std::vector<AppendResult> MustAppend(const std::vector<Event>& events) {
    Result<std::vector<AppendResult>> r = store_->AppendEvents(events);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<AppendResult>();
  }
  Session MustSession(const std::string& id) {
    Result<Session> r = store_->GetSession(id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Session();
  }
  std::vector<Event> Events(const std::string& session, int64_t after_seq = 0, int limit = 0) {
    EventQuery q;
    q.session_id = session;
    q.after_seq = after_seq;
    q.limit = limit;
    Result<std::vector<Event>> r = store_->ListEvents(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<Event>();
  }
  std::vector<std::string> SessionIds(const SessionQuery& q) {
    Result<std::vector<Session>> r = store_->ListSessions(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const Session& s : *r) out.push_back(s.id);
    }
    return out;
  }
  // Ingest keys of the hits, best first.
  std::vector<std::string> Search(std::vector<std::string> terms, std::vector<Scope> scopes,
                                  bool all_scopes = false, int limit = 10) {
    EventSearchQuery q;
    q.terms = std::move(terms);
    q.scopes = std::move(scopes);
    q.all_scopes = all_scopes;
    q.limit = limit;
    Result<std::vector<EventHit>> r = store_->SearchEvents(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const EventHit& h : *r) out.push_back(h.event.ingest_key);
    }
    return out;
  }

  Handoff Hand(const std::string& from_session, bool manual, const Scope& scope = S("p")) {
    Handoff h;
    h.id = NewUuidV7(clock_.NowMs());
    h.scope = scope;
    h.from_session = from_session;
    h.from_agent = "codex";
    h.cwd = "/home/u/p";
    h.manual = manual;
    h.summary = "did things in " + from_session;
    h.created_ms = clock_.NowMs();
    clock_.Advance(1000);
    return h;
  }
  std::vector<std::string> HandoffIds(const HandoffQuery& q) {
    Result<std::vector<Handoff>> r = store_->ListHandoffs(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const Handoff& h : *r) out.push_back(h.id);
    }
    return out;
  }
  HandoffState StateOf(const std::string& id) {
    Result<Handoff> r = store_->GetHandoff(id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->state : HandoffState::kOpen;
  }

  Lesson Les(const std::string& title, Severity severity, const Scope& scope = S("p")) {
    Lesson l;
    l.id = NewUuidV7(clock_.NowMs());
    l.scope = scope;
    l.title = title;
    l.rule = "rule of " + title;
    l.severity = severity;
    l.tool = "Bash";
    l.created_ms = clock_.NowMs();
    l.updated_ms = l.created_ms;
    clock_.Advance(1000);
    return l;
  }
  std::vector<std::string> LessonTitles(const LessonQuery& q) {
    Result<std::vector<Lesson>> r = store_->ListLessons(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const Lesson& l : *r) out.push_back(l.title);
    }
    return out;
  }

  FakeClock clock_{kT0};
  std::shared_ptr<CaptureStore> store_;
  int next_key_ = 0;
};

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// ---- AppendEvents ----

TEST_P(CaptureStoreContractTest, AppendRoundTripsEveryField) {
  Event e = Tool("s1", EventKind::kPostToolUse, "toolu_01", 5);
  e.tool_output = "3 tests failed\nerror: ünïcödé 日本語";
  e.tool_error = true;
  e.duration_ms = 1234;
  e.prompt = "p";
  e.message = "m";
  e.detail = "d";
  e.model = "claude-opus";
  e.files = {"src/a.cc", "", "dir with space/b.h"};
  e.raw = R"({"hook_event_name":"PostToolUse"})";
  std::vector<AppendResult> r = MustAppend({e});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].created);
  EXPECT_GT(r[0].seq, 0);
  e.seq = r[0].seq;
  EXPECT_THAT(Events("s1"), ElementsAre(e));
  Event empty_lists = Ev("s1", EventKind::kNotification, 6);
  r = MustAppend({empty_lists});
  ASSERT_EQ(r.size(), 1u);
  empty_lists.seq = r[0].seq;
  EXPECT_EQ(Events("s1").back(), empty_lists);
}

TEST_P(CaptureStoreContractTest, AppendStoresEachIngestKeyOnceInsideAndAcrossBatches) {
  Event a = Ev("s1", EventKind::kSessionStart, 0);
  Event b = Ev("s1", EventKind::kUserPrompt, 1);
  Event b_again = b;
  b_again.prompt = "a different body under the same key changes nothing";
  std::vector<AppendResult> first = MustAppend({a, b, b_again});
  ASSERT_EQ(first.size(), 3u);
  EXPECT_TRUE(first[0].created);
  EXPECT_TRUE(first[1].created);
  EXPECT_FALSE(first[2].created);
  EXPECT_EQ(first[2].seq, first[1].seq);
  EXPECT_LT(first[0].seq, first[1].seq);
  Event c = Ev("s1", EventKind::kStop, 2);
  std::vector<AppendResult> second = MustAppend({a, c, b});
  ASSERT_EQ(second.size(), 3u);
  EXPECT_FALSE(second[0].created);
  EXPECT_EQ(second[0].seq, first[0].seq);
  EXPECT_TRUE(second[1].created);
  EXPECT_GT(second[1].seq, first[1].seq);
  EXPECT_FALSE(second[2].created);
  std::vector<Event> stored = Events("s1");
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[1].prompt, "");  // the first body was kept
  Session s = MustSession("s1");
  EXPECT_EQ(s.event_count, 3);
  EXPECT_EQ(s.prompt_count, 1);
  // The key is unique in the whole store, whatever session the retry claims.
  Event other = a;
  other.session_id = "s2";
  EXPECT_FALSE(MustAppend({other})[0].created);
  EXPECT_EQ(store_->GetSession("s2").status().code(), StatusCode::kNotFound);
}

TEST_P(CaptureStoreContractTest, AppendValidatesTheWholeBatchBeforeWriting) {
  EXPECT_THAT(MustAppend({}), IsEmpty());
  Event good = Ev("s1", EventKind::kSessionStart);
  Event too_long = Ev("s1", EventKind::kStop);
  too_long.ingest_key = std::string(65, 'a');
  Event max_len = Ev("s1", EventKind::kStop);
  max_len.ingest_key = std::string(64, 'Z');
  ASSERT_TRUE(store_->AppendEvents({max_len}).ok());
  std::vector<Event> bad(6, Ev("s9", EventKind::kStop));
  bad[0].ingest_key = "";
  bad[1].ingest_key = "has space";
  bad[2].ingest_key = "slash/";
  bad[3] = too_long;
  bad[4].session_id = "";
  bad[5].scope = Scope{"ws", "Not A Scope"};
  for (const Event& e : bad) {
    Result<std::vector<AppendResult>> r = store_->AppendEvents({good, e});
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument)
        << e.ingest_key << " " << e.session_id;
  }
  EXPECT_EQ(Events("s1").size(), 1u);  // only max_len
  EXPECT_EQ(MustSession("s1").event_count, 1);
}

TEST_P(CaptureStoreContractTest, SessionCountersFollowTheEvents) {
  Event start = Ev("s1", EventKind::kSessionStart, 10);
  start.detail = "startup";
  Event prompt = Ev("s1", EventKind::kUserPrompt, 11);
  prompt.prompt = "fix the build";
  Event pre1 = Tool("s1", EventKind::kPreToolUse, "t1", 12);
  Event post1 = Tool("s1", EventKind::kPostToolUse, "t1", 13);
  post1.tool_error = true;
  Event post_no_id = Tool("s1", EventKind::kPostToolUse, "", 14);
  Event pre_no_id = Tool("s1", EventKind::kPreToolUse, "", 14);
  Event pre_alone = Tool("s1", EventKind::kPreToolUse, "t2", 15);
  Event post_first = Tool("s1", EventKind::kPostToolUse, "t3", 16);  // Post before its Pre
  Event pre_late = Tool("s1", EventKind::kPreToolUse, "t3", 16);
  Event stop = Ev("s1", EventKind::kStop, 17);
  MustAppend({start, prompt, pre1});
  MustAppend({post1, post_no_id, pre_no_id, pre_alone, post_first, pre_late, stop});
  Session s = MustSession("s1");
  EXPECT_EQ(s.id, "s1");
  EXPECT_EQ(s.scope, S("p"));
  EXPECT_EQ(s.agent, "claude-code");
  EXPECT_EQ(s.cwd, "/home/u/p");
  EXPECT_EQ(s.git_branch, "main");
  EXPECT_EQ(s.started_ms, kT0 + 10'000);
  EXPECT_EQ(s.last_event_ms, kT0 + 17'000);
  EXPECT_EQ(s.ended_ms, 0);
  EXPECT_EQ(s.event_count, 10);
  EXPECT_EQ(s.prompt_count, 1);
  EXPECT_EQ(s.tool_count, 4);  // t1, the Post without id, t2 (Pre alone), t3
  EXPECT_EQ(s.error_count, 1);
  EXPECT_TRUE(s.did_work());
  EXPECT_EQ(s.summary_id, "");
  EXPECT_EQ(s.handoff_offered, "");
  Event end = Ev("s1", EventKind::kSessionEnd, 20);
  end.detail = "logout";
  MustAppend({end});
  s = MustSession("s1");
  EXPECT_EQ(s.ended_ms, kT0 + 20'000);
  EXPECT_EQ(s.end_reason, "logout");
  EXPECT_EQ(s.last_event_ms, kT0 + 20'000);
}

TEST_P(CaptureStoreContractTest, SessionIsCreatedByItsFirstStoredEventAndToleratesDisorder) {
  Event late = Ev("s1", EventKind::kStop, 50);
  late.cwd = "";
  late.git_branch = "";
  MustAppend({late});
  Session s = MustSession("s1");
  EXPECT_EQ(s.started_ms, kT0 + 50'000);
  EXPECT_FALSE(s.did_work());
  Event early = Ev("s1", EventKind::kSessionStart, 5, S("other"));  // a drained spool line
  early.agent = "codex";
  MustAppend({early});
  s = MustSession("s1");
  EXPECT_EQ(s.started_ms, kT0 + 5'000);
  EXPECT_EQ(s.last_event_ms, kT0 + 50'000);
  EXPECT_EQ(s.scope, S("p"));         // set by the first event
  EXPECT_EQ(s.agent, "claude-code");  // set by the first event
  EXPECT_EQ(s.cwd, "/home/u/p");      // was unknown: filled in
  EXPECT_EQ(s.git_branch, "main");    // was unknown: filled in
  EXPECT_EQ(s.event_count, 2);
}

TEST_P(CaptureStoreContractTest, ASessionStartAfterTheEndReopensTheSession) {
  Event end = Ev("s1", EventKind::kSessionEnd, 10);
  end.detail = "exit";
  MustAppend({Ev("s1", EventKind::kSessionStart, 0), end});
  EXPECT_EQ(MustSession("s1").ended_ms, kT0 + 10'000);
  MustAppend({Ev("s1", EventKind::kSessionStart, 5)});  // older than the end: still ended
  EXPECT_EQ(MustSession("s1").ended_ms, kT0 + 10'000);
  Event resume = Ev("s1", EventKind::kSessionStart, 60);
  resume.detail = "resume";
  MustAppend({resume});
  Session s = MustSession("s1");
  EXPECT_EQ(s.ended_ms, 0);
  EXPECT_EQ(s.end_reason, "");
}

TEST_P(CaptureStoreContractTest, SessionSummaryAndContext) {
  EXPECT_EQ(store_->GetSession("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->SetSessionSummary("nope", "m", "h").code(), StatusCode::kNotFound);
  // The briefing of a SessionStart is recorded before its event is stored.
  ASSERT_TRUE(store_->SetSessionContext("s1", "handoff-1", 0).ok());
  MustAppend({Ev("s1", EventKind::kSessionStart)});
  Session s = MustSession("s1");
  EXPECT_EQ(s.handoff_offered, "handoff-1");
  EXPECT_EQ(s.context_delivered_ms, 0);
  ASSERT_TRUE(store_->SetSessionContext("s1", "", kT0 + 7).ok());  // "" keeps the handoff
  s = MustSession("s1");
  EXPECT_EQ(s.handoff_offered, "handoff-1");
  EXPECT_EQ(s.context_delivered_ms, kT0 + 7);
  ASSERT_TRUE(store_->SetSessionSummary("s1", "mem-1", "").ok());
  ASSERT_TRUE(store_->SetSessionSummary("s1", "", "abc123").ok());  // "" keeps the other
  s = MustSession("s1");
  EXPECT_EQ(s.summary_id, "mem-1");
  EXPECT_EQ(s.archive_sha256, "abc123");
  SessionQuery q;
  q.all_scopes = true;
  Result<std::vector<Session>> listed = store_->ListSessions(q);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front(), s);
  EXPECT_EQ(store_->SetSessionContext("", "h", 1).code(), StatusCode::kInvalidArgument);
}

TEST_P(CaptureStoreContractTest, ListSessionsFiltersAndOrdersNewestFirst) {
  Event codex = Ev("b", EventKind::kUserPrompt, 20);
  codex.agent = "codex";
  Event end = Ev("c", EventKind::kSessionEnd, 30, S("q"));
  MustAppend({Ev("a", EventKind::kSessionStart, 10), codex, end});
  SessionQuery q;
  EXPECT_THAT(SessionIds(q), IsEmpty());  // no scope, not all scopes
  q.all_scopes = true;
  EXPECT_THAT(SessionIds(q), ElementsAre("c", "b", "a"));
  q.limit = 2;
  EXPECT_THAT(SessionIds(q), ElementsAre("c", "b"));
  q.limit = 0;
  q.open_only = true;
  EXPECT_THAT(SessionIds(q), ElementsAre("b", "a"));
  q.agent = "codex";
  EXPECT_THAT(SessionIds(q), ElementsAre("b"));
  SessionQuery scoped;
  scoped.scopes = {S("q")};
  EXPECT_THAT(SessionIds(scoped), ElementsAre("c"));
  scoped.scopes = {S("p"), S("never-used")};
  scoped.since_ms = kT0 + 15'000;
  EXPECT_THAT(SessionIds(scoped), ElementsAre("b"));
}

// ---- ListEvents / EventsByToolUse ----

TEST_P(CaptureStoreContractTest, ListEventsPagesOneSessionOldestFirst) {
  std::vector<Event> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(Ev("s1", EventKind::kNotification, i));
  batch.insert(batch.begin() + 2, Ev("s2", EventKind::kNotification, 9));
  std::vector<AppendResult> r = MustAppend(batch);
  std::vector<Event> all = Events("s1");
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].seq, all[i].seq);
  std::vector<Event> page = Events("s1", all[1].seq, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, all[2].seq);
  EXPECT_EQ(page[1].seq, all[3].seq);
  EXPECT_THAT(Events("s1", all[4].seq), IsEmpty());
  EXPECT_THAT(Events("nope"), IsEmpty());
  EXPECT_EQ(Events("s2").size(), 1u);
}

TEST_P(CaptureStoreContractTest, EventsByToolUseJoinsPreAndPost) {
  Event pre = Tool("s1", EventKind::kPreToolUse, "toolu_A", 1);
  Event other = Tool("s1", EventKind::kPreToolUse, "toolu_B", 2);
  Event post = Tool("s1", EventKind::kPostToolUse, "toolu_A", 3);
  Event no_id = Tool("s1", EventKind::kPostToolUse, "", 4);
  MustAppend({pre, other, post, no_id});
  Result<std::vector<Event>> r = store_->EventsByToolUse("toolu_A");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].ingest_key, pre.ingest_key);
  EXPECT_EQ((*r)[1].ingest_key, post.ingest_key);
  EXPECT_THAT(*store_->EventsByToolUse("toolu_missing"), IsEmpty());
  EXPECT_THAT(*store_->EventsByToolUse(""), IsEmpty());
}

// ---- SearchEvents ----

TEST_P(CaptureStoreContractTest, SearchFindsEveryTextFieldAndRequiresAllTerms) {
  Event prompt = Ev("s1", EventKind::kUserPrompt, 1);
  prompt.prompt = "please migrate the database schema";
  Event input = Tool("s1", EventKind::kPreToolUse, "t1", 2);
  input.tool_input = R"({"command":"psql -c 'vacuum analyze'"})";
  Event output = Tool("s1", EventKind::kPostToolUse, "t1", 3);
  output.tool_output = "ERROR: relation widgets does not exist";
  Event tool = Ev("s1", EventKind::kPreToolUse, 4);
  tool.tool_name = "mcp__memex__pf_scan";
  Event message = Ev("s1", EventKind::kStop, 5);
  message.message = "The migration finished; widgets are back.";
  Event hidden = Ev("s1", EventKind::kNotification, 6);
  hidden.detail = "zebra";  // not searchable text
  hidden.raw = R"({"zebra":1})";
  hidden.cwd = "/zebra";
  MustAppend({prompt, input, output, tool, message, hidden});
  const std::vector<Scope> p = {S("p")};
  EXPECT_THAT(Search({"schema"}, p), ElementsAre(prompt.ingest_key));
  EXPECT_THAT(Search({"vacuum"}, p), ElementsAre(input.ingest_key));
  EXPECT_THAT(Search({"relation"}, p), ElementsAre(output.ingest_key));
  EXPECT_THAT(Search({"pf_scan"}, p), ElementsAre(tool.ingest_key));
  EXPECT_THAT(Search({"widgets"}, p), UnorderedElementsAre(output.ingest_key, message.ingest_key));
  EXPECT_THAT(Search({"widgets", "finished"}, p), ElementsAre(message.ingest_key));
  EXPECT_THAT(Search({"migrate"}, p),  // stemmed: migrate ~ migration
              UnorderedElementsAre(prompt.ingest_key, message.ingest_key));
  EXPECT_THAT(Search({"zebra"}, p), IsEmpty());
  EXPECT_THAT(Search({"schema", "zebra"}, p), IsEmpty());
  EXPECT_THAT(Search({}, p), IsEmpty());
}

TEST_P(CaptureStoreContractTest, SearchIsScopedAndBestFirst) {
  Event weak = Ev("s1", EventKind::kStop, 1);
  weak.message =
      "the deploy went fine after a long afternoon of unrelated discussion about "
      "lunch, weather, trains, coffee and many other topics";
  Event strong = Ev("s1", EventKind::kStop, 2);
  strong.message = "deploy deploy deploy";
  Event elsewhere = Ev("s2", EventKind::kStop, 3, S("q"));
  elsewhere.message = "deploy";
  MustAppend({weak, strong, elsewhere});
  EXPECT_THAT(Search({"deploy"}, {S("p")}), ElementsAre(strong.ingest_key, weak.ingest_key));
  EXPECT_THAT(Search({"deploy"}, {S("q")}), ElementsAre(elsewhere.ingest_key));
  EXPECT_THAT(Search({"deploy"}, {S("p"), S("q")}),
              UnorderedElementsAre(strong.ingest_key, weak.ingest_key, elsewhere.ingest_key));
  EXPECT_THAT(Search({"deploy"}, {}, true),
              UnorderedElementsAre(strong.ingest_key, weak.ingest_key, elsewhere.ingest_key));
  EXPECT_THAT(Search({"deploy"}, {}), IsEmpty());
  EXPECT_THAT(Search({"deploy"}, {S("never-used")}), IsEmpty());
  EXPECT_THAT(Search({"deploy"}, {S("p")}, false, 1), ElementsAre(strong.ingest_key));
  EventSearchQuery q;
  q.terms = {"deploy"};
  q.all_scopes = true;
  Result<std::vector<EventHit>> hits = store_->SearchEvents(q);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 3u);
  for (size_t i = 1; i < hits->size(); ++i) EXPECT_GE((*hits)[i - 1].score, (*hits)[i].score);
  EXPECT_GT(hits->front().score, hits->back().score);
  EXPECT_EQ(hits->front().event.message, strong.message);  // the whole event comes back
}

TEST_P(CaptureStoreContractTest, SearchAcceptsAnyText) {
  Event e = Ev("s1", EventKind::kUserPrompt, 1);
  e.prompt = "c++ \"quoted\" NEAR AND OR NOT col:value ünïcödé 日本語 {braces} (parens)";
  MustAppend({e});
  const std::vector<std::string> hostile = {"\"",
                                            "\"\"",
                                            "NEAR(",
                                            "AND",
                                            "OR NOT",
                                            "*",
                                            "^",
                                            "col:value",
                                            "prompt:x",
                                            "{prompt}",
                                            "(",
                                            ")",
                                            "-",
                                            "?",
                                            "",
                                            "   ",
                                            "a\"b",
                                            "\xff\xfe",
                                            "\xc3",
                                            "日本語",
                                            "ünïcödé",
                                            "unicode",
                                            "c++",
                                            std::string("a\0b", 3),
                                            "NEAR(a b, 2)",
                                            "x* OR y*"};
  for (const std::string& term : hostile) {
    EventSearchQuery q;
    q.terms = {term};
    q.scopes = {S("p")};
    Result<std::vector<EventHit>> r = store_->SearchEvents(q);
    EXPECT_TRUE(r.ok()) << "term '" << term << "': " << r.status().ToString();
    q.terms = {term, "quoted"};
    r = store_->SearchEvents(q);
    EXPECT_TRUE(r.ok()) << "term '" << term << "': " << r.status().ToString();
  }
  EXPECT_THAT(Search({"日本語"}, {S("p")}), ElementsAre(e.ingest_key));
  EXPECT_THAT(Search({"unicode"}, {S("p")}), ElementsAre(e.ingest_key));      // diacritics folded
  EXPECT_THAT(Search({"NEAR"}, {S("p")}), ElementsAre(e.ingest_key));         // a word, not syntax
  EXPECT_THAT(Search({"?", "quoted"}, {S("p")}), ElementsAre(e.ingest_key));  // "?" is no term
  EXPECT_THAT(Search({"?"}, {S("p")}), IsEmpty());
}

}  // namespace memex::capture_store_contract
