#include "service/capture_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "capture/archive.h"
#include "capture/event_json.h"
#include "service/hook_queue.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_test_util.h"

namespace memex {
namespace {

using sqlite::testutil::TempDir;

constexpr int64_t kT0 = 1'767'000'000'000;

class CaptureServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.data_dir = dir_.path();
    auto store = SqliteStore::Open(dir_.File("memex.db"), config_.storage, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto redactor = Redactor::Create(config_.redaction);
    ASSERT_TRUE(redactor.ok());
    redactor_ = std::move(redactor).value();
    memories_ = std::make_unique<MemoryService>(*store_, config_, clock_, *redactor_);
    capture_ = std::make_unique<CaptureService>(*memories_, *store_, config_, clock_, *redactor_);
  }

  Event Ev(EventKind kind, const std::string& session, const std::string& agent = "claude-code") {
    Event e;
    e.kind = kind;
    e.session_id = session;
    e.agent = agent;
    e.scope = scope_;
    e.cwd = "/work/demo";
    e.ingest_key = "k" + std::to_string(++keys_);
    e.ts_ms = clock_.NowMs();
    clock_.Advance(1000);
    return e;
  }
  Event Prompt(const std::string& session, const std::string& text,
               const std::string& agent = "claude-code") {
    Event e = Ev(EventKind::kUserPrompt, session, agent);
    e.prompt = text;
    return e;
  }
  Event Tool(EventKind kind, const std::string& session, const std::string& id,
             const std::string& command, bool error = false) {
    Event e = Ev(kind, session);
    e.tool_name = "Bash";
    e.tool_use_id = id;
    e.tool_input = R"({"command":")" + command + R"("})";
    e.tool_error = error;
    return e;
  }
  Event Stop(const std::string& session, const std::string& message) {
    Event e = Ev(EventKind::kStop, session);
    e.message = message;
    return e;
  }

  void Ingest(std::vector<Event> events) {
    std::vector<Event> prepared;
    for (Event& e : events) {
      Result<Event> p = capture_->Prepare(std::move(e));
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      prepared.push_back(std::move(*p));
    }
    Result<IngestSummary> r = capture_->Ingest(prepared);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // A whole session that did work and ended.
  void WorkSession(const std::string& id, const std::string& prompt, const std::string& answer) {
    Ingest({Ev(EventKind::kSessionStart, id), Prompt(id, prompt),
            Tool(EventKind::kPreToolUse, id, id + "-t1", "make test"),
            Tool(EventKind::kPostToolUse, id, id + "-t1", "make test"), Stop(id, answer),
            Ev(EventKind::kSessionEnd, id)});
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  Config config_;
  Scope scope_{"default", "demo"};
  int keys_ = 0;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Redactor> redactor_;
  std::unique_ptr<MemoryService> memories_;
  std::unique_ptr<CaptureService> capture_;
};

TEST_F(CaptureServiceTest, SessionEndWritesSummaryHandoffAndArchive) {
  WorkSession("s1", "move the job queue to SQLite",
              "Done.\nNext steps:\n- wire the queue into the scheduler");
  Result<Session> s = capture_->GetSession("s1");
  ASSERT_TRUE(s.ok());
  EXPECT_NE(s->ended_ms, 0);
  ASSERT_FALSE(s->summary_id.empty());
  Result<Memory> summary = memories_->Get(s->summary_id);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->kind, Kind::kEpisode);
  EXPECT_EQ(summary->origin, Origin::kHook);
  EXPECT_EQ(summary->session, "s1");
  EXPECT_NE(summary->content.find("move the job queue"), std::string::npos);

  Result<std::optional<Handoff>> h = capture_->PendingHandoff(scope_);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->from_session, "s1");
  EXPECT_EQ((*h)->next_steps, std::vector<std::string>{"wire the queue into the scheduler"});

  ASSERT_FALSE(s->archive_sha256.empty());
  Result<std::string> archived = capture::ReadArchive(
      (std::filesystem::path(dir_.path()) / "archive" / "sessions").string(), s->archive_sha256);
  ASSERT_TRUE(archived.ok()) << archived.status().ToString();
  EXPECT_NE(archived->find("move the job queue"), std::string::npos);
}

TEST_F(CaptureServiceTest, IngestWithoutHandoffsEndsInSummaryAndArchiveOnly) {
  // Imported transcripts (`memex import --from`): old history must not expire a live handoff.
  WorkSession("live", "current work", "Next steps:\n- keep going");
  std::vector<Event> prepared;
  for (Event e : {Prompt("old", "old work"), Stop("old", "Next steps:\n- stale"),
                  Ev(EventKind::kSessionEnd, "old")}) {
    Result<Event> p = capture_->Prepare(std::move(e));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    prepared.push_back(*std::move(p));
  }
  Result<IngestSummary> r = capture_->Ingest(prepared, /*write_handoffs=*/false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sessions_ended, 1);
  Result<Session> s = capture_->GetSession("old");
  ASSERT_TRUE(s.ok());
  EXPECT_NE(s->ended_ms, 0);
  EXPECT_FALSE(s->summary_id.empty());
  EXPECT_FALSE(s->archive_sha256.empty());
  Result<std::optional<Handoff>> h = capture_->PendingHandoff(scope_);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->from_session, "live");
}

TEST_F(CaptureServiceTest, NextSessionGetsTheHandoffAndAcceptsItOnlyWhenItWorks) {
  WorkSession("s1", "move the job queue to SQLite", "Next steps:\n- wire the queue");
  // A session that starts and ends without a prompt or tool call sees the handoff but does not
  // consume it, and writes no handoff of its own (which would expire the real one).
  Event start = Ev(EventKind::kSessionStart, "idle", "codex");
  Result<std::string> out = capture_->Respond(*capture_->Prepare(start));
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("wire the queue"), std::string::npos) << *out;
  Ingest({start, Ev(EventKind::kSessionEnd, "idle", "codex")});
  Result<std::optional<Handoff>> still = capture_->PendingHandoff(scope_);
  ASSERT_TRUE(still.ok() && still->has_value());
  EXPECT_EQ((*still)->from_session, "s1");
  EXPECT_EQ((*still)->state, HandoffState::kOpen);

  // A working session is offered it at start and accepts it with its first prompt.
  Event start2 = Ev(EventKind::kSessionStart, "s2", "codex");
  ASSERT_TRUE(capture_->Respond(*capture_->Prepare(start2)).ok());
  Ingest({start2, Prompt("s2", "continue", "codex")});
  Result<Handoff> h = store_->GetHandoff((*still)->id);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->state, HandoffState::kAccepted);
  EXPECT_EQ(h->accepted_by_session, "s2");
  EXPECT_EQ(h->accepted_by_agent, "codex");
}

TEST_F(CaptureServiceTest, ASilentSessionIsEndedWhenTheNextOneStarts) {
  // Killed: a prompt and a tool call, never a SessionEnd.
  Ingest({Ev(EventKind::kSessionStart, "dead"), Prompt("dead", "port the parser to RE2"),
          Tool(EventKind::kPostToolUse, "dead", "t", "make test")});
  // Within the idle limit it stays open: a parallel session is not cut short.
  Event early = Ev(EventKind::kSessionStart, "parallel", "codex");
  ASSERT_TRUE(capture_->Respond(*capture_->Prepare(early)).ok());
  EXPECT_EQ(capture_->GetSession("dead")->ended_ms, 0);
  clock_.Advance(int64_t{config_.capture.stale_session_minutes} * 60 * 1000 + 1);
  Event next = Ev(EventKind::kSessionStart, "next", "codex");
  Result<std::string> out = capture_->Respond(*capture_->Prepare(next));
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("port the parser to RE2"), std::string::npos) << *out;
  Result<Session> dead = capture_->GetSession("dead");
  ASSERT_TRUE(dead.ok());
  EXPECT_NE(dead->ended_ms, 0);
  EXPECT_EQ(dead->end_reason, "ended by memex");
  EXPECT_FALSE(dead->summary_id.empty());
  // Ending it again changes nothing: one SessionEnd event.
  ASSERT_TRUE(capture_->FinishSession("dead").ok());
  EventQuery q;
  q.session_id = "dead";
  int ends = 0;
  for (const Event& e : *store_->ListEvents(q)) ends += e.kind == EventKind::kSessionEnd;
  EXPECT_EQ(ends, 1);
}

TEST_F(CaptureServiceTest, CodexSessionStartIsPlainTextClaudeCodeIsAdditionalContext) {
  WorkSession("s1", "rename the flag", "Renamed.");
  Result<std::string> codex =
      capture_->Respond(*capture_->Prepare(Ev(EventKind::kSessionStart, "c", "codex")));
  ASSERT_TRUE(codex.ok());
  EXPECT_TRUE(codex->starts_with("<memex-context>")) << *codex;
  Result<std::string> claude =
      capture_->Respond(*capture_->Prepare(Ev(EventKind::kSessionStart, "d", "claude-code")));
  ASSERT_TRUE(claude.ok());
  EXPECT_NE(claude->find("\"additionalContext\""), std::string::npos) << *claude;
}

TEST_F(CaptureServiceTest, FirstPromptIsTheFallbackOnlyOnce) {
  WorkSession("s1", "rename the flag", "Renamed.");
  Event p1 = Prompt("late", "hello", "claude-code");
  Result<std::string> first = capture_->Respond(*capture_->Prepare(p1));
  ASSERT_TRUE(first.ok());
  EXPECT_NE(first->find("UserPromptSubmit"), std::string::npos) << *first;
  EXPECT_NE(first->find("rename the flag"), std::string::npos);
  Result<std::string> second =
      capture_->Respond(*capture_->Prepare(Prompt("late", "again", "claude-code")));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "{}");
}

TEST_F(CaptureServiceTest, ManualHandoffWinsAndSuppressesTheAutomaticOne) {
  Ingest({Ev(EventKind::kSessionStart, "s1"), Prompt("s1", "refactor")});
  HandoffDraft d{scope_,
                 "Half of the refactor is done",
                 {"keep the old API?"},
                 {"finish x"},
                 {"src/x.cc"},
                 "s1",
                 "claude-code"};
  Result<Handoff> manual = capture_->WriteHandoff(d);
  ASSERT_TRUE(manual.ok()) << manual.status().ToString();
  Ingest({Stop("s1", "Next steps:\n- something else"), Ev(EventKind::kSessionEnd, "s1")});
  Result<std::optional<Handoff>> h = capture_->PendingHandoff(scope_);
  ASSERT_TRUE(h.ok() && h->has_value());
  EXPECT_EQ((*h)->id, manual->id);
  HandoffQuery q;
  q.scopes = {scope_};
  Result<std::vector<Handoff>> all = capture_->ListHandoffs(q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);  // no automatic handoff from the session that wrote one

  HandoffDraft empty = d;
  empty.summary = " ";
  EXPECT_EQ(capture_->WriteHandoff(empty).status().code(), StatusCode::kInvalidArgument);
  HandoffDraft long_list = d;
  long_list.next_steps.assign(21, "x");
  EXPECT_EQ(capture_->WriteHandoff(long_list).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CaptureServiceTest, PreToolUseShowsMatchingLessonsMostSevereFirstAndCountsThem) {
  for (int i = 0; i < 7; ++i) {
    Lesson l;
    l.scope = scope_;
    l.tool = "Bash";
    l.input_regex = "git\\s+push";
    l.severity = i == 6 ? Severity::kCritical : Severity::kInfo;
    l.rule = "rule " + std::to_string(i);
    ASSERT_TRUE(capture_->AddLesson(l).ok());
  }
  Lesson other;
  other.scope = {"default", "other"};
  other.tool = "Bash";
  other.rule = "other project's rule";
  ASSERT_TRUE(capture_->AddLesson(other).ok());
  Event pre = Tool(EventKind::kPreToolUse, "s1", "t1", "git push origin main");
  Result<std::string> out = capture_->Respond(*capture_->Prepare(pre));
  ASSERT_TRUE(out.ok());
  EXPECT_NE(out->find("1. CRITICAL: rule 6"), std::string::npos) << *out;
  EXPECT_NE(out->find("5. INFO"), std::string::npos) << *out;
  EXPECT_EQ(out->find("6. "), std::string::npos) << *out;  // at most capture.max_lessons
  EXPECT_EQ(out->find("other project"), std::string::npos);
  LessonQuery q;
  q.scopes = {scope_};
  Result<std::vector<Lesson>> lessons = capture_->ListLessons(q);
  ASSERT_TRUE(lessons.ok());
  int64_t fired = 0;
  for (const Lesson& l : *lessons) fired += l.trigger_count;
  EXPECT_EQ(fired, 5);
  Result<std::string> none =
      capture_->Respond(*capture_->Prepare(Tool(EventKind::kPreToolUse, "s1", "t2", "ls")));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "{}");
}

TEST_F(CaptureServiceTest, BadLessonsAndEventsAreRefused) {
  Lesson bad;
  bad.scope = scope_;
  bad.rule = "x";
  bad.input_regex = "(";
  Result<Lesson> r = capture_->AddLesson(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("input_regex"), std::string::npos);
  Event no_session = Ev(EventKind::kStop, "");
  EXPECT_EQ(capture_->Prepare(no_session).status().code(), StatusCode::kInvalidArgument);
  Event bad_key = Ev(EventKind::kStop, "s");
  bad_key.ingest_key = "has space";
  EXPECT_EQ(capture_->Prepare(bad_key).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CaptureServiceTest, SecretsAreRedactedBeforeStorage) {
  Event p = Prompt("s1", "use key sk-ant-api03-" + std::string(90, 'a') + " please");
  p.raw = R"({"prompt":"use key sk-ant-api03-)" + std::string(90, 'a') + R"("})";
  Ingest({p});
  EventQuery q;
  q.session_id = "s1";
  Result<std::vector<Event>> events = store_->ListEvents(q);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].prompt.find("sk-ant-api03"), std::string::npos) << (*events)[0].prompt;
  EXPECT_NE((*events)[0].prompt.find("[REDACTED"), std::string::npos);
  EXPECT_EQ((*events)[0].raw.find("sk-ant-api03"), std::string::npos);
}

TEST_F(CaptureServiceTest, ReplayedEventsAreStoredOnce) {
  Event e = Prompt("s1", "hello");
  Ingest({e});
  Result<Event> again = capture_->Prepare(e);
  ASSERT_TRUE(again.ok());
  Result<IngestSummary> r = capture_->Ingest({*again, *again});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stored, 0);
  EXPECT_EQ(r->duplicates, 2);
  EXPECT_EQ(capture_->GetSession("s1")->prompt_count, 1);
}

TEST_F(CaptureServiceTest, HookQueueStoresEverythingAndReplaysItsJournal) {
  std::string journal = dir_.File("spool/server-queue.jsonl");
  std::vector<Event> events;
  for (int i = 0; i < 50; ++i) {
    Result<Event> e = capture_->Prepare(Prompt("q", "prompt " + std::to_string(i)));
    ASSERT_TRUE(e.ok());
    events.push_back(*e);
  }
  {
    HookQueue queue(*capture_, journal, 1000);
    ASSERT_TRUE(queue.Start().ok());
    ASSERT_TRUE(queue.Submit({events.begin(), events.begin() + 25}).ok());
    ASSERT_TRUE(queue.WaitIdle(10000));
    queue.Stop();
  }
  EXPECT_EQ(std::filesystem::file_size(journal), 0u);  // emptied once stored
  // A crash: the journal holds accepted events the worker never stored (and one already
  // stored, which the replay must not duplicate).
  {
    std::ofstream j(journal, std::ios::app);
    j << capture::EventToJsonLine(events[0]) << "\n";
    for (size_t i = 25; i < 50; ++i) j << capture::EventToJsonLine(events[i]) << "\n";
    j << "{\"torn\n";
  }
  HookQueue queue(*capture_, journal, 1000);
  ASSERT_TRUE(queue.Start().ok());
  ASSERT_TRUE(queue.WaitIdle(10000));
  EXPECT_EQ(capture_->GetSession("q")->prompt_count, 50);
  queue.Stop();
}

TEST_F(CaptureServiceTest, HookQueueRefusesWhatDoesNotFit) {
  HookQueue queue(*capture_, dir_.File("spool/q.jsonl"), 2);
  // Not started: nothing is accepted.
  Result<Event> e = capture_->Prepare(Prompt("s", "x"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(queue.Submit({*e}).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(queue.Start().ok());
  std::vector<Event> three(3, *e);
  EXPECT_EQ(queue.Submit(three).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(queue.stats().rejected, 3);
}

}  // namespace
}  // namespace memex
