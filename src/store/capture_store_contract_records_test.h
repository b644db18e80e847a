// The CaptureStore contract suite, second part: handoffs, lessons and concurrency (the fixture
// and the first part are in capture_store_contract_test.h, included here). Include this header
// in exactly one test source per implementation and instantiate CaptureStoreContractTest there.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/capture_store_contract_test.h"

namespace memex::capture_store_contract {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// ---- Handoffs ----

TEST_P(CaptureStoreContractTest, HandoffRoundTripsEveryFieldAndRefusesDuplicates) {
  Handoff h = Hand("s1", false);
  h.open_questions = {"why does CI flake?", "who owns auth?"};
  h.next_steps = {"rerun make test"};
  h.files_touched = {"src/a.cc", "src/b.h"};
  h.state = HandoffState::kAccepted;  // verbatim, as an import would write it
  h.accepted_by_session = "s2";
  h.accepted_by_agent = "claude-code";
  h.accepted_ms = kT0 + 99;
  ASSERT_TRUE(store_->PutHandoff(h).ok());
  Result<Handoff> got = store_->GetHandoff(h.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, h);
  EXPECT_EQ(store_->PutHandoff(h).code(), StatusCode::kAlreadyExists);
  Handoff no_id = Hand("s1", false);
  no_id.id.clear();
  EXPECT_EQ(store_->PutHandoff(no_id).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetHandoff(NewUuidV7(kT0)).status().code(), StatusCode::kNotFound);
}

TEST_P(CaptureStoreContractTest, AnAutomaticHandoffExpiresOlderOpenAutomaticOnesOfItsScope) {
  Handoff auto1 = Hand("s1", false);
  Handoff manual = Hand("s2", true);
  Handoff other_scope = Hand("s3", false, S("q"));
  Handoff accepted = Hand("s4", false);
  accepted.state = HandoffState::kAccepted;
  for (const Handoff* h : {&auto1, &manual, &other_scope, &accepted}) {
    ASSERT_TRUE(store_->PutHandoff(*h).ok());
  }
  Handoff manual2 = Hand("s5", true);  // a manual one expires nothing
  ASSERT_TRUE(store_->PutHandoff(manual2).ok());
  EXPECT_EQ(StateOf(auto1.id), HandoffState::kOpen);
  Handoff auto2 = Hand("s6", false);
  ASSERT_TRUE(store_->PutHandoff(auto2).ok());
  EXPECT_EQ(StateOf(auto1.id), HandoffState::kExpired);
  EXPECT_EQ(StateOf(manual.id), HandoffState::kOpen);
  EXPECT_EQ(StateOf(manual2.id), HandoffState::kOpen);
  EXPECT_EQ(StateOf(other_scope.id), HandoffState::kOpen);
  EXPECT_EQ(StateOf(accepted.id), HandoffState::kAccepted);
  EXPECT_EQ(StateOf(auto2.id), HandoffState::kOpen);
}

TEST_P(CaptureStoreContractTest, PendingHandoffPrefersManualThenNewestAndSkipsOwnSession) {
  Result<std::optional<Handoff>> none = store_->PendingHandoff(S("p"), "");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
  Handoff manual_old = Hand("s1", true);
  Handoff manual_new = Hand("s2", true);
  Handoff automatic = Hand("s3", false);  // newest of all
  for (const Handoff* h : {&manual_old, &manual_new, &automatic}) {
    ASSERT_TRUE(store_->PutHandoff(*h).ok());
  }
  auto pending = [&](const Scope& scope, const std::string& exclude) -> std::string {
    Result<std::optional<Handoff>> r = store_->PendingHandoff(scope, exclude);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->has_value() ? (*r)->id : "";
  };
  EXPECT_EQ(pending(S("p"), ""), manual_new.id);
  EXPECT_EQ(pending(S("p"), "s2"), manual_old.id);
  EXPECT_EQ(pending(S("q"), ""), "");
  ASSERT_EQ(*store_->AcceptHandoff(manual_new.id, "s9", "codex", kT0 + 1), true);
  ASSERT_EQ(*store_->AcceptHandoff(manual_old.id, "s9", "codex", kT0 + 1), true);
  EXPECT_EQ(pending(S("p"), ""), automatic.id);
  EXPECT_EQ(pending(S("p"), "s3"), "");
  Handoff anonymous = Hand("", true);  // written without a session
  ASSERT_TRUE(store_->PutHandoff(anonymous).ok());
  EXPECT_EQ(pending(S("p"), "s3"), anonymous.id);
}

TEST_P(CaptureStoreContractTest, AcceptHandoffOnlyOnce) {
  Handoff h = Hand("s1", false);
  ASSERT_TRUE(store_->PutHandoff(h).ok());
  Result<bool> r = store_->AcceptHandoff(h.id, "s2", "codex", kT0 + 500);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r);
  r = store_->AcceptHandoff(h.id, "s3", "claude-code", kT0 + 900);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  Handoff got = *store_->GetHandoff(h.id);
  EXPECT_EQ(got.state, HandoffState::kAccepted);
  EXPECT_EQ(got.accepted_by_session, "s2");
  EXPECT_EQ(got.accepted_by_agent, "codex");
  EXPECT_EQ(got.accepted_ms, kT0 + 500);
  Handoff newer = Hand("s4", false);
  ASSERT_TRUE(store_->PutHandoff(newer).ok());
  Handoff expired = Hand("s5", false);
  ASSERT_TRUE(store_->PutHandoff(expired).ok());  // expires `newer`
  EXPECT_FALSE(*store_->AcceptHandoff(newer.id, "s6", "codex", kT0));
  EXPECT_EQ(store_->AcceptHandoff(NewUuidV7(kT0), "s6", "codex", kT0).status().code(),
            StatusCode::kNotFound);
}

TEST_P(CaptureStoreContractTest, ListHandoffsFiltersByScopeAndStateNewestFirst) {
  Handoff a = Hand("s1", false);
  Handoff b = Hand("s2", true);
  Handoff c = Hand("s3", false);  // expires a
  Handoff d = Hand("s4", false, S("q"));
  for (const Handoff* h : {&a, &b, &c, &d}) ASSERT_TRUE(store_->PutHandoff(*h).ok());
  HandoffQuery q;
  EXPECT_THAT(HandoffIds(q), IsEmpty());
  q.all_scopes = true;
  EXPECT_THAT(HandoffIds(q), ElementsAre(d.id, c.id, b.id, a.id));
  q.limit = 2;
  EXPECT_THAT(HandoffIds(q), ElementsAre(d.id, c.id));
  q.limit = 0;
  q.state = HandoffState::kExpired;
  EXPECT_THAT(HandoffIds(q), ElementsAre(a.id));
  HandoffQuery scoped;
  scoped.scopes = {S("p")};
  scoped.state = HandoffState::kOpen;
  EXPECT_THAT(HandoffIds(scoped), ElementsAre(c.id, b.id));
}

// ---- Lessons ----

TEST_P(CaptureStoreContractTest, LessonRoundTripsEveryFieldAndValidates) {
  Lesson l = Les("no force push", Severity::kCritical);
  l.global = true;
  l.phase = LessonPhase::kPostTool;
  l.tool = "Bash|Shell";
  l.input_regex = R"(git\s+push\s+.*--force)";
  l.output_regex = "rejected";
  l.file_globs = {"*.sql", "migrations/**"};
  l.active = false;
  l.trigger_count = 3;
  l.last_triggered_ms = kT0 - 5;
  ASSERT_TRUE(store_->PutLesson(l).ok());
  Result<Lesson> got = store_->GetLesson(l.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, l);
  EXPECT_EQ(store_->PutLesson(l).code(), StatusCode::kAlreadyExists);
  Lesson no_rule = Les("x", Severity::kInfo);
  no_rule.rule.clear();
  EXPECT_EQ(store_->PutLesson(no_rule).code(), StatusCode::kInvalidArgument);
  Lesson no_id = Les("y", Severity::kInfo);
  no_id.id.clear();
  EXPECT_EQ(store_->PutLesson(no_id).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetLesson(NewUuidV7(kT0)).status().code(), StatusCode::kNotFound);
}

TEST_P(CaptureStoreContractTest, ListLessonsMostSevereFirstThenNewest) {
  Lesson info = Les("info", Severity::kInfo);
  Lesson warn_old = Les("warn-old", Severity::kWarning);
  Lesson crit = Les("crit", Severity::kCritical);
  Lesson warn_new = Les("warn-new", Severity::kWarning);
  Lesson global = Les("global", Severity::kWarning, S("q"));
  global.global = true;
  Lesson other = Les("other", Severity::kCritical, S("q"));
  Lesson inactive = Les("inactive", Severity::kCritical);
  inactive.active = false;
  Lesson end_phase = Les("end-phase", Severity::kInfo);
  end_phase.phase = LessonPhase::kSessionEnd;
  for (const Lesson* l :
       {&info, &warn_old, &crit, &warn_new, &global, &other, &inactive, &end_phase}) {
    ASSERT_TRUE(store_->PutLesson(*l).ok());
  }
  LessonQuery q;
  q.scopes = {S("p")};
  EXPECT_THAT(LessonTitles(q),
              ElementsAre("crit", "global", "warn-new", "warn-old", "end-phase", "info"));
  q.include_global = false;
  EXPECT_THAT(LessonTitles(q), ElementsAre("crit", "warn-new", "warn-old", "end-phase", "info"));
  q.active_only = false;
  EXPECT_THAT(LessonTitles(q),
              ElementsAre("inactive", "crit", "warn-new", "warn-old", "end-phase", "info"));
  q.active_only = true;
  q.phase = LessonPhase::kPreTool;
  q.limit = 2;
  EXPECT_THAT(LessonTitles(q), ElementsAre("crit", "warn-new"));
  LessonQuery only_global;  // no scope: global lessons only
  EXPECT_THAT(LessonTitles(only_global), ElementsAre("global"));
  only_global.include_global = false;
  EXPECT_THAT(LessonTitles(only_global), IsEmpty());
  LessonQuery q_scope;
  q_scope.scopes = {S("q")};
  q_scope.include_global = false;
  EXPECT_THAT(LessonTitles(q_scope), ElementsAre("other", "global"));  // global lives in q
  LessonQuery all;
  all.all_scopes = true;
  all.limit = 0;
  EXPECT_EQ(LessonTitles(all).size(), 7u);  // every active one
}

TEST_P(CaptureStoreContractTest, UpdateLessonAppliesOnlyTheSetFields) {
  Lesson l = Les("l", Severity::kInfo);
  ASSERT_TRUE(store_->PutLesson(l).ok());
  LessonPatch patch;
  patch.severity = Severity::kCritical;
  Result<Lesson> r = store_->UpdateLesson(l.id, patch, kT0 + 10'000);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Lesson want = l;
  want.severity = Severity::kCritical;
  want.updated_ms = kT0 + 10'000;
  EXPECT_EQ(*r, want);
  EXPECT_EQ(*store_->GetLesson(l.id), want);
  patch = LessonPatch{};
  patch.active = false;
  patch.rule = "a new rule";
  r = store_->UpdateLesson(l.id, patch, kT0 + 20'000);
  ASSERT_TRUE(r.ok());
  want.active = false;
  want.rule = "a new rule";
  want.updated_ms = kT0 + 20'000;
  EXPECT_EQ(*store_->GetLesson(l.id), want);
  patch.rule = "";
  EXPECT_EQ(store_->UpdateLesson(l.id, patch, kT0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpdateLesson(NewUuidV7(kT0), LessonPatch{}, kT0).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(*store_->GetLesson(l.id), want);
}

TEST_P(CaptureStoreContractTest, RecordLessonTriggersCountsEachLessonOncePerCall) {
  Lesson a = Les("a", Severity::kInfo);
  Lesson b = Les("b", Severity::kInfo);
  ASSERT_TRUE(store_->PutLesson(a).ok());
  ASSERT_TRUE(store_->PutLesson(b).ok());
  ASSERT_TRUE(store_->RecordLessonTriggers({a.id, NewUuidV7(kT0), a.id}, kT0 + 100).ok());
  ASSERT_TRUE(store_->RecordLessonTriggers({a.id, b.id}, kT0 + 200).ok());
  ASSERT_TRUE(store_->RecordLessonTriggers({}, kT0 + 300).ok());
  Lesson got_a = *store_->GetLesson(a.id);
  EXPECT_EQ(got_a.trigger_count, 2);
  EXPECT_EQ(got_a.last_triggered_ms, kT0 + 200);
  EXPECT_EQ(got_a.updated_ms, a.updated_ms);  // a trigger is not an edit
  Lesson got_b = *store_->GetLesson(b.id);
  EXPECT_EQ(got_b.trigger_count, 1);
  EXPECT_EQ(got_b.last_triggered_ms, kT0 + 200);
}

// ---- Concurrency ----

TEST_P(CaptureStoreContractTest, ConcurrentAppendsStoreEachKeyOnce) {
  constexpr int kThreads = 4;
  constexpr int kKeys = 60;
  std::vector<std::vector<AppendResult>> results(kThreads);
  std::vector<Status> errors(kThreads);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // Every thread sends every key, in batches of 7, starting at a different offset.
        std::vector<Event> batch;
        for (int i = 0; i < kKeys; ++i) {
          const int k = (i + t * 17) % kKeys;
          Event e;
          e.ingest_key = "key-" + std::to_string(k);
          e.session_id = "shared";
          e.kind = EventKind::kUserPrompt;
          e.scope = S("p");
          e.ts_ms = kT0 + k;
          batch.push_back(e);
          if (batch.size() == 7 || i == kKeys - 1) {
            Result<std::vector<AppendResult>> r = store_->AppendEvents(batch);
            if (!r.ok()) {
              errors[t] = r.status();
              return;
            }
            results[t].insert(results[t].end(), r->begin(), r->end());
            batch.clear();
          }
        }
      });
    }
    for (std::thread& th : threads) th.join();
  }
  int created = 0;
  std::set<int64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(errors[t].ok()) << errors[t].ToString();
    ASSERT_EQ(results[t].size(), static_cast<size_t>(kKeys));
    for (const AppendResult& r : results[t]) {
      created += r.created ? 1 : 0;
      seqs.insert(r.seq);
    }
  }
  EXPECT_EQ(created, kKeys);
  EXPECT_EQ(seqs.size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(Events("shared").size(), static_cast<size_t>(kKeys));
  Session s = MustSession("shared");
  EXPECT_EQ(s.event_count, kKeys);
  EXPECT_EQ(s.prompt_count, kKeys);
  EXPECT_EQ(s.started_ms, kT0);
  EXPECT_EQ(s.last_event_ms, kT0 + kKeys - 1);
}

}  // namespace memex::capture_store_contract
