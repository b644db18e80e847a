// The Store contract suite, part 3: hygiene (SPEC §6): links between memories (AddLinks, Links)
// and archiving (SetArchived, SearchFilter::include_archived, ListQuery::archived_only). See
// store_contract_test.h for how an implementation instantiates the suite; include this header
// beside the other two.
#pragma once

#include <string>
#include <vector>

#include "store/store_contract_test.h"

namespace memex::store_contract {

class StoreHygieneTest : public StoreContractTest {
 protected:
  std::vector<std::string> Archive(const std::vector<std::string>& ids, bool archived = true) {
    Result<std::vector<std::string>> r = store_->SetArchived(ids, archived);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    clock_.Advance(1000);
    return r.ok() ? *r : std::vector<std::string>{};
  }
  std::vector<std::string> IdentHits(const std::string& ident, const SearchFilter& f) {
    IdentQuery q;
    q.idents = {ident};
    q.filter = f;
    Result<IdentResult> r = store_->SearchIdents(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<DocId> docs;
    if (r.ok()) {
      for (const IdentMatch& m : r->matches) docs.push_back(m.doc);
    }
    Result<std::vector<Memory>> rows = store_->Hydrate(docs);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (rows.ok()) {
      for (const Memory& m : *rows) out.push_back(m.content);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static SearchFilter WithArchived(SearchFilter f) {
    f.include_archived = true;
    return f;
  }
  static MemoryLink Link(const std::string& from, const std::string& to,
                         LinkKind kind = LinkKind::kNearDuplicate, double score = 0.9) {
    MemoryLink l;
    l.from_id = from;
    l.to_id = to;
    l.kind = kind;
    l.score = score;
    return l;
  }
};

// The suites share the fixture and the factory: instantiate StoreHygieneTest with the same
// values as StoreContractTest.

// ---- SetArchived ----

TEST_P(StoreHygieneTest, ArchivedMemoriesLeaveEverySearchAndComeBackOnRestore) {
  NewMemory old_note = Note("stale episode about src/cache/lru.cc");
  old_note.kind = Kind::kEpisode;
  old_note.session = "s1";
  const PutResult a = MustPut(old_note);
  NewMemory next = Note("fresh episode next turn");
  next.session = "s1";
  MustPut(next);
  MustPut(Note("another episode, unrelated"));
  const Memory before = *store_->Get(a.id);

  const int64_t archived_at = clock_.NowMs();
  EXPECT_THAT(Archive({a.id}), ElementsAre(a.id));
  Result<Memory> got = store_->Get(a.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, MemoryStatus::kArchived);
  EXPECT_EQ(got->archived_ms, archived_at);
  EXPECT_EQ(got->updated_ms, before.updated_ms);  // no new version, no new write time
  EXPECT_EQ(got->version, 1);

  const SearchFilter p = In(S("p"));
  EXPECT_THAT(TextHits(TQ({"stale"}, p)), IsEmpty());
  EXPECT_THAT(TextHits(TQ({"episode"}, p)),
              ElementsAre("another episode, unrelated", "fresh episode next turn"));
  EXPECT_THAT(IdentHits("src/cache/lru.cc", p), IsEmpty());
  EXPECT_EQ(ListContents(LQ(p)).size(), 2u);
  EXPECT_EQ(*store_->Count(LQ(p)), 2);
  SearchFilter episodes = p;
  episodes.kinds = {Kind::kEpisode};
  EXPECT_THAT(ListContents(LQ(episodes)), IsEmpty());
  EXPECT_EQ(*store_->Count(LQ(episodes)), 0);
  EXPECT_EQ(store_->SearchText(TQ({"episode"}, p))->doc_count, 2);  // BM25's N

  // include_archived shows them everywhere.
  EXPECT_THAT(TextHits(TQ({"stale"}, WithArchived(p))),
              ElementsAre("stale episode about src/cache/lru.cc"));
  EXPECT_THAT(IdentHits("src/cache/lru.cc", WithArchived(p)),
              ElementsAre("stale episode about src/cache/lru.cc"));
  EXPECT_EQ(ListContents(LQ(WithArchived(p))).size(), 3u);
  EXPECT_EQ(*store_->Count(LQ(WithArchived(p))), 3);
  ListQuery only = LQ(p);
  only.archived_only = true;
  EXPECT_THAT(ListContents(only), ElementsAre("stale episode about src/cache/lru.cc"));
  EXPECT_EQ(*store_->Count(only), 1);
  only.archived_ms = archived_at;
  EXPECT_EQ(ListContents(only).size(), 1u);
  only.archived_ms = archived_at + 1;
  EXPECT_THAT(ListContents(only), IsEmpty());

  // Session context skips it.
  const DocId next_doc = store_->SearchText(TQ({"fresh"}, p))->candidates.at(0).doc;
  NeighbourQuery nq;
  nq.docs = {next_doc};
  nq.filter = p;
  EXPECT_THAT(*store_->SessionNeighbours(nq), IsEmpty());
  nq.filter = WithArchived(p);
  EXPECT_EQ(store_->SessionNeighbours(nq)->size(), 1u);

  EXPECT_THAT(Archive({a.id}, false), ElementsAre(a.id));
  got = store_->Get(a.id);
  EXPECT_EQ(got->status, MemoryStatus::kActive);
  EXPECT_EQ(got->archived_ms, 0);
  EXPECT_EQ(got->updated_ms, before.updated_ms);
  EXPECT_THAT(TextHits(TQ({"stale"}, p)), ElementsAre("stale episode about src/cache/lru.cc"));
  EXPECT_THAT(IdentHits("src/cache/lru.cc", p),
              ElementsAre("stale episode about src/cache/lru.cc"));
  EXPECT_EQ(*store_->Count(LQ(p)), 3);
  nq.filter = p;
  EXPECT_EQ(store_->SessionNeighbours(nq)->size(), 1u);
  EXPECT_EQ(store_->SearchText(TQ({"episode"}, p))->doc_count, 3);
}

TEST_P(StoreHygieneTest, SetArchivedReportsOnlyTheMemoriesItChanged) {
  const PutResult a = MustPut(Note("alpha"));
  NewMemory cand = Note("bravo candidate");
  cand.status = MemoryStatus::kCandidate;
  const PutResult b = MustPut(cand);
  const PutResult gone = MustPut(Note("charlie"));
  ASSERT_TRUE(store_->Forget(gone.id, false).ok());
  const std::string unknown = "0190f5c2-0000-7000-8000-00000000dead";

  EXPECT_THAT(Archive({a.id, unknown, gone.id, a.id, b.id}), ElementsAre(a.id, b.id));
  EXPECT_THAT(Archive({a.id, b.id}), IsEmpty());  // already archived
  EXPECT_THAT(Archive({unknown, gone.id}, false), IsEmpty());
  EXPECT_THAT(Archive({b.id}, false), ElementsAre(b.id));
  EXPECT_EQ(store_->Get(b.id)->status, MemoryStatus::kActive);  // a restore makes it active
  EXPECT_THAT(Archive({b.id}, false), IsEmpty());
  EXPECT_THAT(Archive({}), IsEmpty());
  EXPECT_TRUE(store_->Get(gone.id, true)->forgotten());
}

TEST_P(StoreHygieneTest, TheContentOfAnArchivedMemoryMakesANewMemory) {
  const PutResult a = MustPut(Note("delta echo"));
  Result<PutResult> again = store_->Put(Note("delta echo"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);  // live: the same memory
  EXPECT_EQ(again->id, a.id);
  EXPECT_THAT(Archive({a.id}), ElementsAre(a.id));
  Result<PutResult> fresh = store_->Put(Note("delta echo"));
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_TRUE(fresh->created) << "an archived memory is not live: remembering it again is new";
  EXPECT_NE(fresh->id, a.id);
  EXPECT_EQ(store_->Get(fresh->id)->status, MemoryStatus::kActive);
  EXPECT_EQ(store_->Get(a.id)->status, MemoryStatus::kArchived);
}

TEST_P(StoreHygieneTest, AnyVersionIdArchivesTheNewestVersion) {
  const PutResult v1 = MustPut(Note("version one"));
  Result<PutResult> v2 = store_->Update(v1.id, MemoryPatch{.content = "version two"});
  ASSERT_TRUE(v2.ok());
  EXPECT_THAT(Archive({v1.id}), ElementsAre(v2->id));
  EXPECT_EQ(store_->Get(v1.id)->status, MemoryStatus::kSuperseded);
  EXPECT_EQ(store_->Get(v2->id)->status, MemoryStatus::kArchived);
  SearchFilter hist = In(S("p"));
  hist.include_history = true;
  // History without archived: the superseded version only.
  EXPECT_THAT(TextHits(TQ({"version"}, hist)), ElementsAre("version one"));
  hist.include_archived = true;
  EXPECT_THAT(TextHits(TQ({"version"}, hist)), ElementsAre("version one", "version two"));
}

TEST_P(StoreHygieneTest, UpdatingAnArchivedMemoryKeepsItArchived) {
  const PutResult a = MustPut(Note("old wording"));
  Archive({a.id});
  const int64_t archived_at = store_->Get(a.id)->archived_ms;
  Result<PutResult> v2 = store_->Update(a.id, MemoryPatch{.content = "new wording"});
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  Result<Memory> got = store_->Get(v2->id);
  EXPECT_EQ(got->status, MemoryStatus::kArchived);
  EXPECT_EQ(got->archived_ms, archived_at);
  EXPECT_THAT(TextHits(TQ({"wording"}, In(S("p")))), IsEmpty());
  SearchFilter all = WithArchived(In(S("p")));
  all.include_history = true;
  EXPECT_THAT(TextHits(TQ({"wording"}, all)), ElementsAre("new wording", "old wording"));
  EXPECT_THAT(Archive({a.id}, false), ElementsAre(v2->id));
  EXPECT_THAT(TextHits(TQ({"wording"}, In(S("p")))), ElementsAre("new wording"));
}

TEST_P(StoreHygieneTest, ArchivingChangesTheSearchGenerationOfItsScopeOnly) {
  const PutResult a = MustPut(Note("alpha"));
  MustPut(Note("bravo", S("q")));
  auto gen = [&](const std::string& project) { return *store_->SearchGeneration(In(S(project))); };
  const std::string p0 = gen("p"), q0 = gen("q");
  Archive({a.id});
  const std::string p1 = gen("p");
  EXPECT_NE(p1, p0);
  EXPECT_EQ(gen("q"), q0);
  Archive({a.id});  // nothing changed
  EXPECT_EQ(gen("p"), p1);
  Archive({a.id}, false);
  EXPECT_NE(gen("p"), p1);
  EXPECT_EQ(gen("q"), q0);
}

TEST_P(StoreHygieneTest, ForgettingAnArchivedMemoryAndStatsCountArchivedApart) {
  const PutResult a = MustPut(Note("alpha"));
  const PutResult b = MustPut(Note("bravo"));
  MustPut(Note("charlie"));
  Archive({a.id, b.id});
  Result<StoreStats> st = store_->Stats(In(S("p")));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->live, 1);
  EXPECT_EQ(st->archived, 2);
  SearchFilter dated = In(S("p"));
  dated.since_ms = 1;  // the row-counting path
  EXPECT_EQ(store_->Stats(dated)->archived, 2);
  EXPECT_EQ(store_->Stats(dated)->live, 1);
  ASSERT_TRUE(store_->Forget(a.id, false).ok());
  ASSERT_TRUE(store_->Forget(b.id, true).ok());
  st = store_->Stats(In(S("p")));
  EXPECT_EQ(st->archived, 0);
  EXPECT_EQ(st->forgotten, 1);
  EXPECT_EQ(st->live, 1);
  EXPECT_THAT(TextHits(TQ({"alpha"}, WithArchived(In(S("p"))))), IsEmpty());
  EXPECT_TRUE(store_->Check().ok());
}

TEST_P(StoreHygieneTest, ExportAndImportKeepArchivedMemoriesOutOfSearch) {
  const PutResult a = MustPut(Note("archived for export"));
  MustPut(Note("kept for export"));
  Archive({a.id});
  std::vector<Memory> rows;
  ASSERT_TRUE(store_
                  ->Scan(In(S("p")), true,
                         [&](const Memory& m) {
                           rows.push_back(m);
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_EQ(rows.size(), 2u);
  for (Memory& m : rows) m.scope = S("copy");
  ASSERT_EQ(*store_->ImportRows(rows), 0);  // same ids: already there
  for (Memory& m : rows) m.id = NewUuidV7(clock_.NowMs());
  ASSERT_EQ(*store_->ImportRows(rows), 2);
  EXPECT_THAT(TextHits(TQ({"export"}, In(S("copy")))), ElementsAre("kept for export"));
  ListQuery only = LQ(In(S("copy")));
  only.archived_only = true;
  Result<std::vector<Memory>> archived = store_->List(only);
  ASSERT_TRUE(archived.ok());
  ASSERT_EQ(archived->size(), 1u);
  EXPECT_EQ((*archived)[0].archived_ms, store_->Get(a.id)->archived_ms);
  EXPECT_THAT(Archive({(*archived)[0].id}, false), ElementsAre((*archived)[0].id));
  EXPECT_THAT(TextHits(TQ({"export"}, In(S("copy")))),
              ElementsAre("archived for export", "kept for export"));
  EXPECT_TRUE(store_->Check().ok());
}

// ---- Links ----

TEST_P(StoreHygieneTest, LinksAreIdempotentAndFoundFromBothEnds) {
  const PutResult a = MustPut(Note("alpha")), b = MustPut(Note("bravo")),
                  c = MustPut(Note("charlie"));
  ASSERT_TRUE(store_->AddLinks({Link(a.id, b.id, LinkKind::kNearDuplicate, 0.93)}).ok());
  clock_.Advance(10);
  ASSERT_TRUE(store_
                  ->AddLinks({Link(a.id, b.id, LinkKind::kNearDuplicate, 0.5),
                              Link(c.id, a.id, LinkKind::kMergedInto, 1.0)})
                  .ok());
  Result<std::vector<MemoryLink>> links = store_->Links(a.id);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[0].to_id, b.id);
  EXPECT_DOUBLE_EQ((*links)[0].score, 0.93);  // the first one is kept
  EXPECT_EQ((*links)[0].created_ms, kT0 + 3000);
  EXPECT_EQ((*links)[1].from_id, c.id);
  EXPECT_EQ((*links)[1].kind, LinkKind::kMergedInto);
  EXPECT_EQ((*links)[1].created_ms, kT0 + 3010);
  EXPECT_EQ(store_->Links(b.id)->size(), 1u);
  EXPECT_THAT(*store_->Links("0190f5c2-0000-7000-8000-00000000dead"), IsEmpty());
  MemoryLink dated = Link(b.id, c.id);
  dated.created_ms = 42;
  ASSERT_TRUE(store_->AddLinks({dated}).ok());
  EXPECT_EQ(store_->Links(c.id)->front().created_ms, 42);  // oldest first
}

TEST_P(StoreHygieneTest, BadLinksRecordNothing) {
  const PutResult a = MustPut(Note("alpha")), b = MustPut(Note("bravo"));
  const std::string unknown = "0190f5c2-0000-7000-8000-00000000dead";
  Status st = store_->AddLinks({Link(a.id, b.id), Link(a.id, unknown)});
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_NE(st.message().find(unknown), std::string::npos) << st.message();
  EXPECT_EQ(store_->AddLinks({Link(a.id, a.id)}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AddLinks({Link(a.id, b.id, LinkKind::kNearDuplicate, 1.5)}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->AddLinks({Link(a.id, b.id, LinkKind::kNearDuplicate, -0.1)}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_THAT(*store_->Links(a.id), IsEmpty());
  EXPECT_TRUE(store_->AddLinks({}).ok());
}

TEST_P(StoreHygieneTest, PurgeRemovesLinksSoftForgetKeepsThem) {
  const PutResult a = MustPut(Note("alpha")), b = MustPut(Note("bravo")),
                  c = MustPut(Note("charlie"));
  Result<PutResult> a2 = store_->Update(a.id, MemoryPatch{.content = "alpha two"});
  ASSERT_TRUE(a2.ok());
  ASSERT_TRUE(store_
                  ->AddLinks({Link(a.id, b.id), Link(c.id, a2->id, LinkKind::kMergedInto),
                              Link(b.id, c.id)})
                  .ok());
  ASSERT_TRUE(store_->Forget(c.id, false).ok());
  EXPECT_EQ(store_->Links(c.id)->size(), 2u);
  ASSERT_TRUE(store_->Forget(a.id, true).ok());  // purges both versions of a
  EXPECT_THAT(*store_->Links(a.id), IsEmpty());
  EXPECT_THAT(*store_->Links(a2->id), IsEmpty());
  Result<std::vector<MemoryLink>> left = store_->Links(b.id);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].to_id, c.id);
}

}  // namespace memex::store_contract
