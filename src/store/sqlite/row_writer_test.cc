#include "store/sqlite/row_writer.h"

#include <gtest/gtest.h>

#include "base/ids.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_test_util.h"

namespace memex::sqlite {
namespace {

using testutil::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000;

// Drives RowWriter directly and checks every derived structure after each operation.
class RowWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Connection>> db = Connection::Open(dir_.File("w.db"), {});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    ASSERT_TRUE(RegisterFtsFunctions(db_->raw()).ok());
    ASSERT_TRUE(Migrate(*db_, clock_, StoreMigrations()).ok());
    Result<std::unique_ptr<TokenCounter>> tokens = TokenCounter::Create(db_->raw());
    ASSERT_TRUE(tokens.ok());
    tokens_ = std::move(tokens).value();
  }

  // Runs `body` in a committed write transaction.
  void Write(const std::function<Status(RowWriter&)>& body) {
    Result<Transaction> txn = Transaction::Begin(*db_, Transaction::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    RowWriter w(*db_, scopes_, *tokens_);
    Status st = body(w);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(w.Finish().ok());
    ASSERT_TRUE(txn->Commit().ok());
    w.Committed();
  }
  int64_t Q(const std::string& sql) {
    Result<int64_t> v = db_->QueryInt(sql);
    EXPECT_TRUE(v.ok()) << sql << ": " << v.status().ToString();
    return v.ok() ? *v : -1;
  }
  // Rows of scope 1's full-text table matching `match`.
  int64_t Fts(const std::string& match) {
    return Q("SELECT count(*) FROM memories_fts_1 WHERE memories_fts_1 MATCH '" + match + "'");
  }
  void CheckFts() {
    ASSERT_TRUE(
        db_->Exec("INSERT INTO memories_fts_1(memories_fts_1) VALUES('integrity-check')").ok());
  }
  StoredRow Row(const std::string& id) {
    Result<StatementRef> s = db_->Prepare("SELECT " + std::string(kRowColumns) +
                                          std::string(kRowFrom) + "WHERE m.id = ?1");
    EXPECT_TRUE(s.ok());
    (*s)->BindText(1, id);
    EXPECT_TRUE(*(*s)->Step());
    return *ReadRow(**s);
  }
  Memory NewRow(const std::string& content) {
    Memory m;
    m.id = NewUuidV7(kT0);
    m.scope = Scope{"ws", "p"};
    m.content = content;
    m.content_hash = Sha256Hex(content);
    m.tags = {"t1", "t2"};
    m.created_ms = m.updated_ms = kT0;
    return m;
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<Connection> db_;
  std::unique_ptr<TokenCounter> tokens_;
  ScopeCache scopes_;
};

TEST_F(RowWriterTest, InsertIndexesEverything) {
  Memory m = NewRow("call HttpServer from src/http/server.cc");
  Write([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(m.scope));
    return w.Insert(m, scope_id, 0).status();
  });
  StoredRow row = Row(m.id);
  EXPECT_EQ(row.chain, row.doc);
  EXPECT_EQ(row.scope_id, 1);
  EXPECT_EQ(Fts("{body tags}: server NOT st: h"), 1);
  EXPECT_EQ(Fts("{body tags}: http"), 1);  // from the identifier expansion of HttpServer
  EXPECT_EQ(Fts("{body tags}: t1"), 1);
  EXPECT_FALSE(row.idents.empty());
  EXPECT_EQ(Fts("ids: " + FtsIdentToken("src/http/server.cc") + " NOT st: h"), 1);
  for (const char* suffix : {"http/server.cc", "server.cc"}) {  // paths are also indexed by tail
    EXPECT_EQ(Fts("ids: " + FtsIdentToken(suffix)), 1) << suffix;
  }
  EXPECT_EQ(Fts("{body tags}: " + FtsIdentToken("server.cc")), 0);  // never matches user text
  EXPECT_EQ(Q("SELECT count(*) FROM memory_tags"), 2);
  EXPECT_GT(Q("SELECT doc_len FROM search_docs"), 6);
  EXPECT_EQ(Q("SELECT live FROM scope_counts"), 1);
  EXPECT_EQ(Q("SELECT live_tokens FROM scope_counts"), Q("SELECT doc_len FROM search_docs"));
  EXPECT_EQ(Q("SELECT last_doc FROM scopes"), row.doc);
  // A scope created by a committed transaction is published to the cache.
  EXPECT_EQ(scopes_.Find(m.scope), row.scope_id);
}

TEST_F(RowWriterTest, SupersedeTombstoneAndPurgeKeepIndexesInStep) {
  Memory m = NewRow("gizmo flux capacitor in lib/flux_core.cc");
  Write([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(m.scope));
    return w.Insert(m, scope_id, 0).status();
  });
  StoredRow row = Row(m.id);
  const int64_t len = Q("SELECT doc_len FROM search_docs");

  Write([&](RowWriter& w) { return w.MarkSuperseded(row, "next-id"); });
  EXPECT_EQ(Fts("gizmo NOT st: h"), 0);
  EXPECT_EQ(Fts("gizmo AND st: h"), 1);
  EXPECT_EQ(Fts("ids: " + FtsIdentToken("lib/flux_core.cc") + " AND st: h"), 1);
  EXPECT_EQ(Q("SELECT superseded FROM search_docs"), 1);
  EXPECT_EQ(Q("SELECT live FROM scope_counts"), 0);
  EXPECT_EQ(Q("SELECT superseded FROM scope_counts"), 1);
  EXPECT_EQ(Q("SELECT superseded_tokens FROM scope_counts"), len);
  EXPECT_EQ(Q("SELECT live_tokens FROM scope_counts"), 0);

  row = Row(m.id);
  EXPECT_EQ(row.memory.status, MemoryStatus::kSuperseded);
  EXPECT_EQ(row.memory.superseded_by, "next-id");
  Write([&](RowWriter& w) { return w.Tombstone(row, kT0 + 5); });
  EXPECT_EQ(Fts("gizmo"), 0);
  EXPECT_EQ(Fts("ids: " + FtsIdentToken("lib/flux_core.cc")), 0);
  EXPECT_EQ(Q("SELECT count(*) FROM search_docs"), 0);
  EXPECT_EQ(Q("SELECT forgotten FROM scope_counts"), 1);
  EXPECT_EQ(Q("SELECT superseded + superseded_tokens FROM scope_counts"), 0);
  EXPECT_EQ(Q("SELECT count(*) FROM memory_tags"), 2);  // tombstones keep their tags

  row = Row(m.id);
  EXPECT_EQ(row.memory.deleted_ms, kT0 + 5);
  Write([&](RowWriter& w) { return w.Purge(row); });
  EXPECT_EQ(Q("SELECT count(*) FROM memories"), 0);
  EXPECT_EQ(Q("SELECT count(*) FROM memory_tags"), 0);
  EXPECT_EQ(Q("SELECT forgotten FROM scope_counts"), 0);
  CheckFts();
}

TEST_F(RowWriterTest, PurgeOfALiveRowRemovesItsIndexEntries) {
  Memory a = NewRow("apple pie recipe");
  Memory b = NewRow("apple crumble recipe");
  Write([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(a.scope));
    RETURN_IF_ERROR(w.Insert(a, scope_id, 0).status());
    return w.Insert(b, scope_id, 0).status();
  });
  StoredRow ra = Row(a.id), rb = Row(b.id);
  EXPECT_EQ(rb.doc, ra.doc + 1);  // predicted docs are consecutive within a transaction
  Write([&](RowWriter& w) { return w.Purge(ra); });
  EXPECT_EQ(Fts("apple"), 1);
  EXPECT_EQ(Fts("pie"), 0);
  EXPECT_EQ(Q("SELECT live FROM scope_counts"), 1);
  EXPECT_EQ(Q("SELECT live_tokens FROM scope_counts"), 5);  // "apple crumble recipe" + 2 tags
  // A purged doc is never handed out again.
  Memory c = NewRow("cherry");
  Write([&](RowWriter& w) { return w.Purge(rb); });
  Write([&](RowWriter& w) -> Status {
    ASSIGN_OR_RETURN(int64_t scope_id, w.ScopeId(c.scope));
    return w.Insert(c, scope_id, 0).status();
  });
  EXPECT_GT(Row(c.id).doc, rb.doc);
  CheckFts();
}

TEST_F(RowWriterTest, RolledBackScopeIsNotCached) {
  {
    Result<Transaction> txn = Transaction::Begin(*db_, Transaction::Mode::kWrite);
    ASSERT_TRUE(txn.ok());
    RowWriter w(*db_, scopes_, *tokens_);
    ASSERT_TRUE(w.ScopeId(Scope{"ws", "ghost"}).ok());
  }  // rolled back
  EXPECT_FALSE(scopes_.Find(Scope{"ws", "ghost"}));
}

}  // namespace
}  // namespace memex::sqlite
