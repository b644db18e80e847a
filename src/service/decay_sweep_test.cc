#include "service/decay_sweep.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "store/sqlite/sqlite_test_util.h"

namespace memex {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'700'000'000'000;

Memory Aged(int64_t now_ms, double days_since_update, int64_t accesses = 0,
            double days_since_access = 0, double confidence = 1.0) {
  Memory m;
  m.confidence = confidence;
  m.updated_ms = now_ms - static_cast<int64_t>(days_since_update * kDay);
  m.access_count = accesses;
  if (accesses > 0) m.last_accessed_ms = now_ms - static_cast<int64_t>(days_since_access * kDay);
  return m;
}

TEST(JudgeDecayTest, AnUntouchedMemoryTurnsColdExactlyAtAfterDays) {
  const DecayConfig cfg;  // cold 0.2, after 30 days
  DecayVerdict young = JudgeDecay(Aged(kT0, 29.9), cfg, 30, kT0);
  EXPECT_FALSE(young.stale);
  EXPECT_GT(young.warmth, 0.2);
  EXPECT_THAT(young.why, HasSubstr("idle 29 days < 30"));
  DecayVerdict at = JudgeDecay(Aged(kT0, 30.01), cfg, 30, kT0);
  EXPECT_TRUE(at.stale) << at.why;
  EXPECT_NEAR(at.warmth, 0.2, 0.001);
  EXPECT_THAT(at.why, HasSubstr("never recalled"));
  // The formula, by hand: exp(-ln(5) / 30 * 60) = 1/25.
  DecayVerdict old = JudgeDecay(Aged(kT0, 60), cfg, 30, kT0);
  EXPECT_NEAR(old.warmth, 0.04, 1e-9);
  EXPECT_EQ(old.why, "idle 60 days, never recalled, warmth 0.04 < 0.20");
}

TEST(JudgeDecayTest, RecallsKeepAMemoryWarmAndIdleCountsFromTheLastTouch) {
  const DecayConfig cfg;
  // Written 90 days ago, recalled 8 times, last 31 days ago: idle 31 days, but the recalls
  // still give 0.6 * ln(9) * exp(-0.04 * 31) = 0.38.
  DecayVerdict warm = JudgeDecay(Aged(kT0, 90, 8, 31), cfg, 30, kT0);
  EXPECT_FALSE(warm.stale);
  EXPECT_NEAR(warm.warmth,
              std::exp(-std::log(5.0) / 30 * 90) + 0.6 * std::log(9.0) * std::exp(-0.04 * 31),
              1e-9);
  EXPECT_THAT(warm.why, HasSubstr("recalled 8 times (last 31 days ago)"));
  EXPECT_THAT(warm.why, HasSubstr(">= 0.20"));
  // Recalled yesterday: never idle enough, whatever its warmth.
  DecayVerdict recent = JudgeDecay(Aged(kT0, 400, 1, 1), cfg, 30, kT0);
  EXPECT_FALSE(recent.stale);
  EXPECT_NEAR(recent.idle_days, 1, 1e-6);
  // The same memory a long time after its recalls went quiet.
  EXPECT_TRUE(JudgeDecay(Aged(kT0, 400, 8, 120), cfg, 30, kT0).stale);
  // Without access weight recalls count for nothing but idleness.
  DecayConfig no_access = cfg;
  no_access.access_weight = 0;
  EXPECT_TRUE(JudgeDecay(Aged(kT0, 90, 8, 31), no_access, 30, kT0).stale);
}

TEST(JudgeDecayTest, LowConfidenceDecaysNoSoonerThanAfterDays) {
  const DecayConfig cfg;
  EXPECT_FALSE(JudgeDecay(Aged(kT0, 10, 0, 0, 0.1), cfg, 30, kT0).stale);
  EXPECT_TRUE(JudgeDecay(Aged(kT0, 30.5, 0, 0, 0.1), cfg, 30, kT0).stale);
}

class DecaySweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = sqlite::testutil::TempSqliteStore::Make(clock_);
    ASSERT_NE(store_, nullptr);
    sweep_ = std::make_unique<DecaySweep>(*store_, cfg_, clock_);
  }
  std::string Put(const std::string& content, Kind kind, int64_t created_ms,
                  const std::string& project = "p") {
    NewMemory m;
    m.scope = Scope{"ws", project};
    m.kind = kind;
    m.content = content;
    m.created_ms = created_ms;
    Result<PutResult> r = store_->Put(m);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : "";
  }
  static SearchFilter In(const std::string& project) {
    SearchFilter f;
    f.scopes = {Scope{"ws", project}};
    return f;
  }
  std::vector<std::string> StaleIds(const DecayResult& r) {
    std::vector<std::string> ids;
    for (const DecayCandidate& c : r.stale) ids.push_back(c.memory.id);
    return ids;
  }

  FakeClock clock_{kT0};
  DecayConfig cfg_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<DecaySweep> sweep_;
};

TEST_F(DecaySweepTest, DryRunListsStaleEpisodesAndChangesNothing) {
  const std::string old_ep = Put("old episode", Kind::kEpisode, kT0 - 90 * kDay);
  Put("recent episode", Kind::kEpisode, kT0 - 5 * kDay);
  Put("old decision", Kind::kDecision, kT0 - 90 * kDay);
  Put("old episode elsewhere", Kind::kEpisode, kT0 - 90 * kDay, "q");
  const std::string gen = *store_->SearchGeneration(In("p"));
  Result<DecayResult> r = sweep_->Run(DecayRequest{.filter = In("p")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(StaleIds(*r), ElementsAre(old_ep));
  EXPECT_EQ(r->examined, 1);
  EXPECT_EQ(r->after_days, 30);
  EXPECT_THAT(r->kinds, ElementsAre(Kind::kEpisode));
  EXPECT_FALSE(r->applied);
  EXPECT_THAT(r->archived, IsEmpty());
  EXPECT_THAT(r->stale[0].verdict.why, HasSubstr("idle 90 days"));
  EXPECT_EQ(store_->Get(old_ep)->status, MemoryStatus::kActive);
  EXPECT_EQ(*store_->SearchGeneration(In("p")), gen);
}

TEST_F(DecaySweepTest, OverridesAndApplyArchiveAsOneUndoableSweep) {
  const std::string ep = Put("old episode", Kind::kEpisode, kT0 - 90 * kDay);
  const std::string fact = Put("old fact", Kind::kFact, kT0 - 20 * kDay);
  const std::string young = Put("young fact", Kind::kFact, kT0 - 5 * kDay);
  DecayRequest req{.filter = In("p"), .after_days = 10, .kinds = {Kind::kFact, Kind::kEpisode}};
  req.apply = true;
  Result<DecayResult> r = sweep_->Run(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(StaleIds(*r), ElementsAre(ep, fact));  // oldest write first
  EXPECT_TRUE(r->applied);
  EXPECT_THAT(r->archived, ElementsAre(ep, fact));
  EXPECT_EQ(r->sweep_ms, kT0);
  EXPECT_EQ(store_->Get(ep)->status, MemoryStatus::kArchived);
  EXPECT_EQ(store_->Get(young)->status, MemoryStatus::kActive);
  // A second sweep finds nothing: archived memories are not live.
  clock_.Advance(1000);
  Result<DecayResult> again = sweep_->Run(req);
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(again->stale, IsEmpty());
  EXPECT_EQ(again->sweep_ms, 0);

  Result<std::vector<std::string>> undone = sweep_->RestoreSweep(In("p"), r->sweep_ms);
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  EXPECT_EQ(undone->size(), 2u);
  EXPECT_EQ(store_->Get(fact)->status, MemoryStatus::kActive);
  Result<std::vector<std::string>> twice = sweep_->RestoreSweep(In("p"), r->sweep_ms);
  EXPECT_EQ(twice.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sweep_->Run(DecayRequest{.filter = In("p"), .after_days = -1}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DecaySweepTest, RecalledEpisodesStayWarm) {
  const std::string recalled = Put("recalled episode", Kind::kEpisode, kT0 - 60 * kDay);
  const std::string idle = Put("idle episode", Kind::kEpisode, kT0 - 60 * kDay);
  ASSERT_TRUE(store_->RecordAccess({AccessCount{recalled, 12, kT0 - 35 * kDay}}).ok());
  Result<DecayResult> r = sweep_->Run(DecayRequest{.filter = In("p")});
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(StaleIds(*r), ElementsAre(idle));
  EXPECT_EQ(r->examined, 2);
}

TEST_F(DecaySweepTest, ArchiveByIdChecksEveryIdFirst) {
  const std::string a = Put("alpha", Kind::kFact, kT0);
  const std::string b = Put("bravo", Kind::kFact, kT0);
  const std::string gone = Put("charlie", Kind::kFact, kT0);
  ASSERT_TRUE(store_->Forget(gone, false).ok());
  const std::string unknown = "0190f5c2-0000-7000-8000-00000000dead";

  Result<ArchiveOutcome> bad = sweep_->SetArchived({a, unknown}, true);
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(bad.status().message(), HasSubstr(unknown));
  EXPECT_EQ(sweep_->SetArchived({a, gone}, true).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(sweep_->SetArchived({"nope"}, true).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(sweep_->SetArchived({}, true).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get(a)->status, MemoryStatus::kActive);  // nothing changed

  Result<ArchiveOutcome> ok = sweep_->SetArchived({a, b}, true);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_THAT(ok->changed, ElementsAre(a, b));
  ok = sweep_->SetArchived({a}, true);
  EXPECT_THAT(ok->changed, IsEmpty());
  EXPECT_THAT(ok->unchanged, ElementsAre(a));
  ok = sweep_->SetArchived({a, b}, false);
  EXPECT_THAT(ok->changed, ElementsAre(a, b));
  EXPECT_EQ(store_->Get(b)->status, MemoryStatus::kActive);
}

}  // namespace
}  // namespace memex
