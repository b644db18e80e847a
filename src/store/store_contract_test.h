// The Store contract suite: every implementation instantiates it with a factory, e.g.
//
//   #include "store/store_contract_test.h"
//   #include "store/store_search_contract_test.h"
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
//                            ::testing::Values(StoreFactory{"sqlite", MakeSqliteStore}));
//
// Each test covers a contract comment of store/store.h or core/search.h. This header holds the
// fixture and the record-keeping tests (writes, versions, forgetting, listing, import/export);
// store_search_contract_test.h the search primitives. Include both in exactly one test source
// per implementation.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "store/store.h"

namespace memex::store_contract {

// Makes an empty store that reads time from `clock` (which outlives it).
struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>(const Clock& clock)> make;
};

inline std::string FactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

// Prints the engine name instead of the factory's bytes (test listings and failure messages).
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

inline constexpr int64_t kT0 = 1'700'000'000'000;

class StoreContractTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make(clock_);
    ASSERT_NE(store_, nullptr);
  }

  static Scope S(const std::string& project) { return Scope{"ws", project}; }
  static SearchFilter In(const Scope& scope) {
    SearchFilter f;
    f.scopes = {scope};
    return f;
  }
  static NewMemory Note(const std::string& content, const Scope& scope = S("p")) {
    NewMemory m;
    m.scope = scope;
    m.content = content;
    return m;
  }
  PutResult MustPut(const NewMemory& m) {
    Result<PutResult> r = store_->Put(m);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    clock_.Advance(1000);
    return r.ok() ? *r : PutResult{};
  }
  std::vector<std::string> ListContents(ListQuery q) {
    q.limit = 0;
    Result<std::vector<Memory>> r = store_->List(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const Memory& m : *r) out.push_back(m.content);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static ListQuery LQ(const SearchFilter& f) {
    ListQuery q;
    q.filter = f;
    return q;
  }
  // Contents of the text candidates, sorted.
  std::vector<std::string> TextHits(const TextQuery& q) {
    Result<TextResult> r = store_->SearchText(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    std::vector<DocId> docs;
    for (const TextCandidate& c : r->candidates) docs.push_back(c.doc);
    Result<std::vector<Memory>> rows = store_->Hydrate(docs);
    EXPECT_TRUE(rows.ok());
    std::vector<std::string> out;
    for (const Memory& m : *rows) out.push_back(m.content);
    std::sort(out.begin(), out.end());
    return out;
  }
  static TextQuery TQ(std::vector<std::string> terms, const SearchFilter& f) {
    TextQuery q;
    q.terms = std::move(terms);
    q.filter = f;
    return q;
  }

  FakeClock clock_{kT0};
  std::unique_ptr<Store> store_;
};

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// ---- Put / Get ----

TEST_P(StoreContractTest, PutThenGetReturnsEveryField) {
  NewMemory in = Note("Use WAL mode for the SQLite store");
  in.kind = Kind::kDecision;
  in.tags = {" Storage", "sqlite", "storage", ""};
  in.origin = Origin::kHook;
  in.agent = "claude";
  in.session = "s1";
  in.status = MemoryStatus::kCandidate;
  in.confidence = 0.5;
  in.expires_ms = kT0 + 99;
  PutResult put = MustPut(in);
  EXPECT_TRUE(put.created);
  EXPECT_EQ(put.version, 1);
  EXPECT_TRUE(IsUuid(put.id));
  Result<Memory> got = store_->Get(put.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, put.id);
  EXPECT_EQ(got->scope, S("p"));
  EXPECT_EQ(got->kind, Kind::kDecision);
  EXPECT_EQ(got->content, in.content);
  EXPECT_THAT(got->tags, ElementsAre("sqlite", "storage"));
  EXPECT_EQ(got->origin, Origin::kHook);
  EXPECT_EQ(got->agent, "claude");
  EXPECT_EQ(got->session, "s1");
  EXPECT_EQ(got->status, MemoryStatus::kCandidate);
  EXPECT_DOUBLE_EQ(got->confidence, 0.5);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->supersedes, "");
  EXPECT_EQ(got->superseded_by, "");
  EXPECT_EQ(got->content_hash, Sha256Hex(in.content));
  EXPECT_EQ(got->created_ms, kT0);
  EXPECT_EQ(got->updated_ms, kT0);
  EXPECT_EQ(got->expires_ms, kT0 + 99);
  EXPECT_EQ(got->access_count, 0);
  EXPECT_FALSE(got->forgotten());
}

TEST_P(StoreContractTest, PutKeepsGivenCreationTime) {
  NewMemory in = Note("back-dated");
  in.created_ms = kT0 - 5000;
  PutResult put = MustPut(in);
  Result<Memory> got = store_->Get(put.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->created_ms, kT0 - 5000);
}

TEST_P(StoreContractTest, PutRejectsEmptyContent) {
  EXPECT_EQ(store_->Put(Note("")).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, GetUnknownIsNotFound) {
  EXPECT_EQ(store_->Get(NewUuidV7(kT0)).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreContractTest, SameContentInSameScopeIsIdempotent) {
  PutResult a = MustPut(Note("the build uses ninja"));
  PutResult b = MustPut(Note("the build uses ninja"));
  EXPECT_EQ(b.id, a.id);
  EXPECT_FALSE(b.created);
  EXPECT_GT(a.doc, 0);
  EXPECT_EQ(b.doc, a.doc);  // the existing version's document
  EXPECT_EQ(store_->Hydrate({a.doc})->at(0).id, a.id);
  PutResult other_scope = MustPut(Note("the build uses ninja", S("q")));
  EXPECT_NE(other_scope.id, a.id);
  EXPECT_NE(other_scope.doc, a.doc);
  EXPECT_TRUE(other_scope.created);
  EXPECT_THAT(ListContents(LQ(In(S("p")))), ElementsAre("the build uses ninja"));
}

TEST_P(StoreContractTest, SameContentAfterForgetOrUpdateCreatesAgain) {
  PutResult a = MustPut(Note("alpha"));
  ASSERT_TRUE(store_->Forget(a.id, false).ok());
  PutResult again = MustPut(Note("alpha"));
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.id, a.id);
  MemoryPatch patch;
  patch.content = "beta";
  ASSERT_TRUE(store_->Update(again.id, patch).ok());
  PutResult third = MustPut(Note("alpha"));  // the only "alpha" left is superseded
  EXPECT_TRUE(third.created);
}

TEST_P(StoreContractTest, SameIdempotencyKeyReturnsFirstWrite) {
  NewMemory first = Note("first text");
  first.idempotency_key = "req-1";
  PutResult a = MustPut(first);
  NewMemory retry = Note("different text");
  retry.idempotency_key = "req-1";
  PutResult b = MustPut(retry);
  EXPECT_EQ(b.id, a.id);
  EXPECT_FALSE(b.created);
  EXPECT_EQ(b.doc, a.doc);
  EXPECT_THAT(ListContents(LQ(In(S("p")))), ElementsAre("first text"));
  retry.scope = S("q");  // keys are per scope
  EXPECT_TRUE(MustPut(retry).created);
}

// ---- PutBatch ----

TEST_P(StoreContractTest, PutBatchReturnsResultsInInputOrder) {
  Result<std::vector<PutResult>> r =
      store_->PutBatch({Note("one"), Note("two"), Note("three", S("q"))});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE((*r)[i].created);
  EXPECT_EQ(store_->Get((*r)[0].id)->content, "one");
  EXPECT_EQ(store_->Get((*r)[1].id)->content, "two");
  EXPECT_EQ(store_->Get((*r)[2].id)->scope, S("q"));
}

TEST_P(StoreContractTest, PutBatchIsAllOrNothing) {
  Result<std::vector<PutResult>> r = store_->PutBatch({Note("one"), Note(""), Note("three")});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  NewMemory bad_scope = Note("x", Scope{"ws", "Bad Name!"});
  r = store_->PutBatch({Note("one"), bad_scope});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ListContents(LQ(In(S("p")))), IsEmpty());
  EXPECT_EQ(*store_->Count(LQ(In(S("p")))), 0);
}

TEST_P(StoreContractTest, PutBatchCollapsesDuplicatesToTheFirst) {
  NewMemory keyed = Note("keyed");
  keyed.idempotency_key = "k";
  NewMemory keyed_again = Note("other");
  keyed_again.idempotency_key = "k";
  Result<std::vector<PutResult>> r =
      store_->PutBatch({Note("a"), keyed, Note("a"), keyed_again, Note("b")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[2].id, (*r)[0].id);
  EXPECT_FALSE((*r)[2].created);
  EXPECT_EQ((*r)[3].id, (*r)[1].id);
  EXPECT_FALSE((*r)[3].created);
  EXPECT_THAT(ListContents(LQ(In(S("p")))), ElementsAre("a", "b", "keyed"));
}

// ---- Update / History ----

TEST_P(StoreContractTest, UpdateWritesANewVersionAndSupersedesTheOld) {
  NewMemory in = Note("v1 text");
  in.tags = {"x"};
  in.kind = Kind::kConvention;
  PutResult v1 = MustPut(in);
  MemoryPatch patch;
  patch.content = "v2 text";
  Result<PutResult> v2 = store_->Update(v1.id, patch);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->version, 2);
  EXPECT_NE(v2->id, v1.id);
  EXPECT_GT(v2->doc, v1.doc);  // a new document for the new version
  EXPECT_EQ(store_->Hydrate({v2->doc})->at(0).id, v2->id);
  Result<Memory> old = store_->Get(v1.id);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->status, MemoryStatus::kSuperseded);
  EXPECT_EQ(old->superseded_by, v2->id);
  Result<Memory> now = store_->Get(v2->id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->supersedes, v1.id);
  EXPECT_EQ(now->status, MemoryStatus::kActive);
  EXPECT_EQ(now->content, "v2 text");
  EXPECT_EQ(now->content_hash, Sha256Hex("v2 text"));
  EXPECT_THAT(now->tags, ElementsAre("x"));  // carried over
  EXPECT_EQ(now->kind, Kind::kConvention);
  EXPECT_EQ(now->created_ms, kT0);         // kept across versions
  EXPECT_EQ(now->updated_ms, kT0 + 1000);  // time of this version

  // Updating through an old id changes the newest version.
  patch.content = "v3 text";
  Result<PutResult> v3 = store_->Update(v1.id, patch);
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3->version, 3);
  EXPECT_EQ(store_->Get(v3->id)->supersedes, v2->id);
  for (const std::string& id : {v1.id, v2->id, v3->id}) {
    Result<std::vector<Memory>> h = store_->History(id);
    ASSERT_TRUE(h.ok());
    ASSERT_EQ(h->size(), 3u);
    EXPECT_EQ((*h)[0].id, v1.id);
    EXPECT_EQ((*h)[1].id, v2->id);
    EXPECT_EQ((*h)[2].id, v3->id);
  }
}

TEST_P(StoreContractTest, UpdateErrors) {
  MemoryPatch patch;
  patch.content = "x";
  EXPECT_EQ(store_->Update(NewUuidV7(kT0), patch).status().code(), StatusCode::kNotFound);
  PutResult a = MustPut(Note("a"));
  MemoryPatch empty;
  empty.content = "";
  EXPECT_EQ(store_->Update(a.id, empty).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->Forget(a.id, false).ok());
  EXPECT_EQ(store_->Update(a.id, patch).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->History(NewUuidV7(kT0)).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreContractTest, UpdateWithSameIdempotencyKeyIsAppliedOnce) {
  PutResult a = MustPut(Note("a"));
  MemoryPatch patch;
  patch.content = "b";
  patch.idempotency_key = "upd-1";
  Result<PutResult> first = store_->Update(a.id, patch);
  ASSERT_TRUE(first.ok());
  Result<PutResult> retry = store_->Update(a.id, patch);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_FALSE(retry->created);
  EXPECT_EQ(store_->History(a.id)->size(), 2u);
}

TEST_P(StoreContractTest, SupersededVersionsHiddenUnlessHistory) {
  PutResult a = MustPut(Note("old words here"));
  MemoryPatch patch;
  patch.content = "new words here";
  ASSERT_TRUE(store_->Update(a.id, patch).ok());
  SearchFilter f = In(S("p"));
  EXPECT_THAT(ListContents(LQ(f)), ElementsAre("new words here"));
  EXPECT_EQ(*store_->Count(LQ(f)), 1);
  EXPECT_THAT(TextHits(TQ({"words"}, f)), ElementsAre("new words here"));
  EXPECT_THAT(TextHits(TQ({"old"}, f)), IsEmpty());
  f.include_history = true;
  EXPECT_THAT(ListContents(LQ(f)), ElementsAre("new words here", "old words here"));
  EXPECT_EQ(*store_->Count(LQ(f)), 2);
  EXPECT_THAT(TextHits(TQ({"words"}, f)), ElementsAre("new words here", "old words here"));
  EXPECT_THAT(TextHits(TQ({"old"}, f)), ElementsAre("old words here"));
}

// ---- Forget ----

TEST_P(StoreContractTest, SoftForgetTombstonesTheWholeChain) {
  PutResult a = MustPut(Note("secret plan alpha"));
  MemoryPatch patch;
  patch.content = "secret plan beta";
  Result<PutResult> b = store_->Update(a.id, patch);
  ASSERT_TRUE(b.ok());
  MustPut(Note("unrelated plan"));
  Result<int64_t> n = store_->Forget(a.id, false);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(store_->Get(b->id).status().code(), StatusCode::kNotFound);
  Result<Memory> tomb = store_->Get(b->id, /*include_forgotten=*/true);
  ASSERT_TRUE(tomb.ok());
  EXPECT_TRUE(tomb->forgotten());
  EXPECT_EQ(tomb->deleted_ms, clock_.NowMs());
  Result<std::vector<Memory>> h = store_->History(b->id);  // tombstones included
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), 2u);
  SearchFilter f = In(S("p"));
  f.include_history = true;
  EXPECT_THAT(ListContents(LQ(f)), ElementsAre("unrelated plan"));
  EXPECT_THAT(TextHits(TQ({"secret"}, f)), IsEmpty());
  EXPECT_THAT(TextHits(TQ({"plan"}, f)), ElementsAre("unrelated plan"));
  ListQuery with_tombs = LQ(f);
  with_tombs.include_forgotten = true;
  EXPECT_EQ(ListContents(with_tombs).size(), 3u);
  EXPECT_EQ(*store_->Count(with_tombs), 3);
  EXPECT_EQ(*store_->Forget(a.id, false), 0);  // already forgotten
}

TEST_P(StoreContractTest, HardForgetPurgesTheChain) {
  NewMemory in = Note("purge me: src/purge_me.cc");
  in.tags = {"t"};
  PutResult a = MustPut(in);
  MemoryPatch patch;
  patch.content = "purge me too: src/purge_me.cc";
  Result<PutResult> b = store_->Update(a.id, patch);
  ASSERT_TRUE(b.ok());
  Result<int64_t> n = store_->Forget(b->id, true);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(store_->Get(a.id, true).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->History(a.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Forget(a.id, true).status().code(), StatusCode::kNotFound);
  int rows = 0;
  ASSERT_TRUE(store_
                  ->Scan(In(S("p")), true,
                         [&](const Memory&) {
                           ++rows;
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(rows, 0);
  IdentQuery iq;
  iq.idents = {"src/purge_me.cc"};
  iq.filter = In(S("p"));
  iq.filter.include_history = true;
  EXPECT_THAT(store_->SearchIdents(iq)->matches, IsEmpty());
}

TEST_P(StoreContractTest, ForgetUnknownIsNotFound) {
  EXPECT_EQ(store_->Forget(NewUuidV7(kT0), false).status().code(), StatusCode::kNotFound);
}

// ---- Filters, scopes, listing ----

TEST_P(StoreContractTest, FiltersOnKindsTagsAndDates) {
  NewMemory a = Note("apple decision");
  a.kind = Kind::kDecision;
  a.tags = {"fruit", "red"};
  MustPut(a);  // created kT0
  NewMemory b = Note("apple gotcha");
  b.kind = Kind::kGotcha;
  b.tags = {"fruit"};
  MustPut(b);  // kT0 + 1000
  NewMemory c = Note("apple lesson");
  c.kind = Kind::kLesson;
  MustPut(c);  // kT0 + 2000
  SearchFilter f = In(S("p"));
  f.kinds = {Kind::kDecision, Kind::kLesson};
  EXPECT_THAT(ListContents(LQ(f)), ElementsAre("apple decision", "apple lesson"));
  EXPECT_THAT(TextHits(TQ({"apple"}, f)), ElementsAre("apple decision", "apple lesson"));
  f = In(S("p"));
  f.tags = {"FRUIT", "red"};
  EXPECT_THAT(ListContents(LQ(f)), ElementsAre("apple decision"));
  EXPECT_THAT(TextHits(TQ({"apple"}, f)), ElementsAre("apple decision"));
  EXPECT_EQ(*store_->Count(LQ(f)), 1);
  f = In(S("p"));
  f.since_ms = kT0 + 1000;
  f.until_ms = kT0 + 2000;
  EXPECT_THAT(ListContents(LQ(f)), ElementsAre("apple gotcha"));
  EXPECT_THAT(TextHits(TQ({"apple"}, f)), ElementsAre("apple gotcha"));
}

TEST_P(StoreContractTest, ReadsNeverCrossScopes) {
  MustPut(Note("shared words src/shared.cc", S("a")));
  MustPut(Note("shared words src/shared.cc extra", S("b")));
  MustPut(Note("only in c", Scope{"other", "a"}));
  EXPECT_THAT(ListContents(LQ(In(S("a")))), ElementsAre("shared words src/shared.cc"));
  EXPECT_THAT(TextHits(TQ({"shared"}, In(S("a")))), ElementsAre("shared words src/shared.cc"));
  EXPECT_THAT(TextHits(TQ({"only"}, In(S("a")))), IsEmpty());
  EXPECT_EQ(*store_->Count(LQ(In(S("a")))), 1);
  EXPECT_EQ(store_->SearchText(TQ({"shared"}, In(S("a"))))->doc_count, 1);
  IdentQuery iq;
  iq.idents = {"src/shared.cc"};
  iq.filter = In(S("a"));
  Result<IdentResult> ir = store_->SearchIdents(iq);
  ASSERT_TRUE(ir.ok());
  EXPECT_EQ(ir->matches.size(), 1u);
  EXPECT_EQ(ir->df[0], 1);
  Result<StoreStats> st = store_->Stats(In(S("a")));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->live, 1);
  ASSERT_EQ(st->scopes.size(), 1u);
  EXPECT_EQ(st->scopes[0].scope, S("a"));

  SearchFilter none;  // no scopes and not all_scopes: matches nothing
  EXPECT_THAT(ListContents(LQ(none)), IsEmpty());
  EXPECT_THAT(TextHits(TQ({"shared"}, none)), IsEmpty());
  EXPECT_EQ(*store_->Count(LQ(none)), 0);
  SearchFilter two;
  two.scopes = {S("a"), S("b")};
  EXPECT_EQ(TextHits(TQ({"shared"}, two)).size(), 2u);
  SearchFilter all;
  all.all_scopes = true;
  EXPECT_EQ(ListContents(LQ(all)).size(), 3u);
  EXPECT_EQ(TextHits(TQ({"shared", "only"}, all)).size(), 3u);
  EXPECT_EQ(store_->Stats(all)->live, 3);
}

TEST_P(StoreContractTest, ListPaginatesNewestFirstOrOldestFirst) {
  for (int i = 0; i < 5; ++i) MustPut(Note("note " + std::to_string(i)));
  ListQuery q = LQ(In(S("p")));
  q.limit = 2;
  std::vector<std::string> seen;
  for (int64_t offset = 0; offset < 6; offset += 2) {
    q.offset = offset;
    Result<std::vector<Memory>> page = store_->List(q);
    ASSERT_TRUE(page.ok());
    for (const Memory& m : *page) seen.push_back(m.content);
  }
  EXPECT_THAT(seen, ElementsAre("note 4", "note 3", "note 2", "note 1", "note 0"));
  q.oldest_first = true;
  q.offset = 0;
  q.limit = 0;
  Result<std::vector<Memory>> all = store_->List(q);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].content, "note 0");
  EXPECT_EQ((*all)[4].content, "note 4");
}

TEST_P(StoreContractTest, StatsCountsStatesKindsAndScopes) {
  NewMemory d = Note("decision one");
  d.kind = Kind::kDecision;
  PutResult a = MustPut(d);
  MustPut(Note("fact one"));
  MustPut(Note("fact other scope", S("q")));
  PutResult gone = MustPut(Note("to forget"));
  MemoryPatch patch;
  patch.content = "decision two";
  ASSERT_TRUE(store_->Update(a.id, patch).ok());
  ASSERT_TRUE(store_->Forget(gone.id, false).ok());
  SearchFilter f;
  f.all_scopes = true;
  Result<StoreStats> st = store_->Stats(f);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(st->live, 3);
  EXPECT_EQ(st->superseded, 1);
  EXPECT_EQ(st->forgotten, 1);
  std::map<Kind, int64_t> kinds(st->by_kind.begin(), st->by_kind.end());
  EXPECT_EQ(kinds[Kind::kDecision], 1);
  EXPECT_EQ(kinds[Kind::kFact], 2);
  EXPECT_EQ(kinds.size(), 2u);
  ASSERT_EQ(st->scopes.size(), 2u);
  EXPECT_EQ(st->scopes[0].scope, S("p"));
  EXPECT_EQ(st->scopes[0].live, 2);
  EXPECT_EQ(st->scopes[0].superseded, 1);
  EXPECT_EQ(st->scopes[0].forgotten, 1);
  EXPECT_EQ(st->scopes[1].live, 1);
  EXPECT_GT(st->db_bytes, 0);
  EXPECT_GT(st->schema_version, 0);
  EXPECT_EQ(st->oldest_ms, kT0);
  EXPECT_GE(st->newest_ms, kT0 + 3000);
  f.tags = {"none"};  // an attribute filter is honoured too
  EXPECT_EQ(store_->Stats(f)->live, 0);
}

// ---- Scan / ImportRows ----

TEST_P(StoreContractTest, ScanAndImportRoundTripVersionsAndTombstones) {
  NewMemory in = Note("chain v1 about caching");
  in.tags = {"cache"};
  PutResult v1 = MustPut(in);
  MemoryPatch patch;
  patch.content = "chain v2 about caching";
  ASSERT_TRUE(store_->Update(v1.id, patch).ok());
  PutResult gone = MustPut(Note("forgotten caching note"));
  ASSERT_TRUE(store_->Forget(gone.id, false).ok());
  MustPut(Note("other scope caching", S("q")));
  ASSERT_TRUE(store_->RecordAccess({{v1.id, 1, kT0 + 7}}).ok());
  SearchFilter all;
  all.all_scopes = true;
  std::vector<Memory> exported;
  ASSERT_TRUE(store_
                  ->Scan(all, true,
                         [&](const Memory& m) {
                           exported.push_back(m);
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_EQ(exported.size(), 4u);
  EXPECT_LE(exported.front().updated_ms, exported.back().updated_ms);  // oldest first
  std::vector<Memory> live_only;
  ASSERT_TRUE(store_
                  ->Scan(all, false,
                         [&](const Memory& m) {
                           live_only.push_back(m);
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(live_only.size(), 3u);  // every version, no tombstones

  FakeClock clock2(kT0 + 1'000'000);
  std::unique_ptr<Store> other = GetParam().make(clock2);
  std::vector<Memory> reversed(exported.rbegin(), exported.rend());  // order must not matter
  Result<int64_t> n = other->ImportRows(reversed);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 4);
  EXPECT_EQ(*other->ImportRows(exported), 0);  // re-import is idempotent
  std::vector<Memory> reimported;
  ASSERT_TRUE(other
                  ->Scan(all, true,
                         [&](const Memory& m) {
                           reimported.push_back(m);
                           return Status::Ok();
                         })
                  .ok());
  auto by_id = [](std::vector<Memory> v) {
    std::map<std::string, Memory> m;
    for (Memory& x : v) m.emplace(x.id, std::move(x));
    return m;
  };
  auto a = by_id(exported), b = by_id(reimported);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [id, m] : a) {
    ASSERT_TRUE(b.count(id)) << id;
    const Memory& r = b.at(id);
    EXPECT_EQ(r.scope, m.scope);
    EXPECT_EQ(r.content, m.content);
    EXPECT_EQ(r.tags, m.tags);
    EXPECT_EQ(r.status, m.status);
    EXPECT_EQ(r.version, m.version);
    EXPECT_EQ(r.supersedes, m.supersedes);
    EXPECT_EQ(r.superseded_by, m.superseded_by);
    EXPECT_EQ(r.content_hash, m.content_hash);
    EXPECT_EQ(r.created_ms, m.created_ms);
    EXPECT_EQ(r.updated_ms, m.updated_ms);
    EXPECT_EQ(r.deleted_ms, m.deleted_ms);
    EXPECT_EQ(r.access_count, m.access_count);
    EXPECT_EQ(r.last_accessed_ms, m.last_accessed_ms);
  }
  Result<std::vector<Memory>> h = other->History(v1.id);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), 2u);
  SearchFilter p = In(S("p"));
  TextQuery q = TQ({"caching"}, p);
  Result<TextResult> r = other->SearchText(q);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->candidates.size(), 1u);  // v2 only: v1 superseded, the note forgotten
  EXPECT_EQ(other->Hydrate({r->candidates[0].doc})->at(0).content, "chain v2 about caching");
  patch.content = "chain v3";
  Result<PutResult> v3 = other->Update(v1.id, patch);  // the imported chain is usable
  ASSERT_TRUE(v3.ok());
  EXPECT_EQ(v3->version, 3);
}

TEST_P(StoreContractTest, ScanStopsWithTheVisitorsError) {
  MustPut(Note("a"));
  MustPut(Note("b"));
  int visits = 0;
  Status st = store_->Scan(In(S("p")), false, [&](const Memory&) {
    ++visits;
    return Internal("stop");
  });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(visits, 1);
}

TEST_P(StoreContractTest, ImportRejectsABrokenRowAndInsertsNothing) {
  Memory good;
  good.id = NewUuidV7(kT0);
  good.scope = S("p");
  good.content = "good";
  good.created_ms = good.updated_ms = kT0;
  Memory bad = good;
  bad.id = "not-a-uuid";
  EXPECT_EQ(store_->ImportRows({good, bad}).status().code(), StatusCode::kInvalidArgument);
  Memory wrong_hash = good;
  wrong_hash.id = NewUuidV7(kT0);
  wrong_hash.content_hash = Sha256Hex("something else");
  EXPECT_EQ(store_->ImportRows({good, wrong_hash}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->Count(LQ(In(S("p")))), 0);
}

// ---- RecordAccess ----

TEST_P(StoreContractTest, RecordAccessBumpsCountAndTime) {
  PutResult a = MustPut(Note("a"));
  ASSERT_TRUE(store_->RecordAccess({{a.id, 1, kT0 + 50}, {NewUuidV7(kT0), 1, kT0 + 50}}).ok());
  ASSERT_TRUE(store_->RecordAccess({{a.id, 3, kT0 + 40}}).ok());  // time never goes back
  Result<Memory> m = store_->Get(a.id);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->access_count, 4);
  EXPECT_EQ(m->last_accessed_ms, kT0 + 50);
}

// ---- Check ----

TEST_P(StoreContractTest, CheckPassesOnAHealthyStore) {
  PutResult a = MustPut(Note("checked text"));
  MemoryPatch patch;
  patch.content = "checked text v2";
  ASSERT_TRUE(store_->Update(a.id, patch).ok());
  MustPut(Note("to be forgotten"));
  Status st = store_->Check();
  EXPECT_TRUE(st.ok()) << st.ToString();
}

// ---- Concurrency ----

TEST_P(StoreContractTest, ConcurrentWritersAndReadersLoseNothing) {
  constexpr int kThreads = 4, kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!store_->Put(Note("thread " + std::to_string(t) + " item " + std::to_string(i))).ok())
          ++failures;
        if (!store_->SearchText(TQ({"item"}, In(S("p")))).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*store_->Count(LQ(In(S("p")))), kThreads * kPerThread);
}

}  // namespace memex::store_contract
