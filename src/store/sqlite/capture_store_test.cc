// SqliteStore as a CaptureStore: the contract suite, plus what only the SQLite engine has
// (migration from schema v2, several processes' stores on one file, the external-content
// full-text index, the column encodings).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/capture_store_contract_records_test.h"
#include "store/sqlite/capture_rows.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/row_codec.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_test_util.h"

namespace memex {
namespace {

using capture_store_contract::CaptureStoreContractTest;
using capture_store_contract::CaptureStoreFactory;
using sqlite::testutil::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000;

// A store and the directory holding its file; the store is declared last so it closes first.
struct OwnedStore {
  TempDir dir;
  std::unique_ptr<SqliteStore> store;
};

std::shared_ptr<CaptureStore> MakeCaptureStore(const Clock& clock) {
  auto owner = std::make_shared<OwnedStore>();
  Result<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(owner->dir.File("memex.db"), StorageConfig{}, clock);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  owner->store = std::move(store).value();
  return std::shared_ptr<CaptureStore>(owner, owner->store.get());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CaptureStoreContractTest,
                         ::testing::Values(CaptureStoreFactory{"sqlite", &MakeCaptureStore}),
                         capture_store_contract::FactoryName);

// Runs SQL on the file through a separate raw connection (what another tool would see);
// returns the first column of the first row ("" when none) or the error text.
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    out = std::string("error: ") + sqlite3_errmsg(db);
  } else {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    } else if (rc != SQLITE_DONE) {
      out = std::string("error: ") + sqlite3_errmsg(db);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// The detail column of every row of EXPLAIN QUERY PLAN `sql`, one line each.
std::string RawPlan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    out += '\n';
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

Event Prompt(const std::string& key, const std::string& text) {
  Event e;
  e.ingest_key = key;
  e.session_id = "s1";
  e.kind = EventKind::kUserPrompt;
  e.agent = "codex";
  e.scope = Scope{"ws", "p"};
  e.ts_ms = kT0;
  e.prompt = text;
  return e;
}

class SqliteCaptureTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> OpenStore() {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_, StorageConfig{}, clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  static std::vector<std::string> SearchKeys(CaptureStore& store, const std::string& term) {
    EventSearchQuery q;
    q.terms = {term};
    q.all_scopes = true;
    Result<std::vector<EventHit>> r = store.SearchEvents(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const EventHit& h : *r) out.push_back(h.event.ingest_key);
    }
    return out;
  }

  TempDir dir_;
  std::string path_ = dir_.File("memex.db");
  FakeClock clock_{kT0};
};

TEST_F(SqliteCaptureTest, MigratesAVersion2Database) {
  {
    Result<std::unique_ptr<sqlite::Connection>> v2 = sqlite::Connection::Open(path_, {});
    ASSERT_TRUE(v2.ok()) << v2.status().ToString();
    const auto& all = sqlite::StoreMigrations();
    ASSERT_GE(all.size(), 3u);
    ASSERT_TRUE(sqlite::Migrate(**v2, clock_, {all[0], all[1]}).ok());
    ASSERT_EQ(*sqlite::SchemaVersion(**v2), 2);
    // A scope as a v2 binary leaves it (its row and its full-text table), and a token.
    ASSERT_TRUE((*v2)->Exec("INSERT INTO scopes(workspace, project) VALUES('ws', 'p')").ok());
    ASSERT_TRUE((*v2)->Exec(sqlite::FtsTableSql(1)).ok());
    ASSERT_TRUE((*v2)
                    ->Exec("INSERT INTO auth_tokens(id, name, hash, role, created_ms) "
                           "VALUES('i', 'ci', 'h', 'read', 1)")
                    .ok());
  }
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawQuery(path_, "SELECT max(version) FROM schema_migrations"),
            std::to_string(sqlite::LatestSchemaVersion()));
  ASSERT_EQ(store->ListTokens()->size(), 1u);  // kept
  // Memories and events share the scope row the old binary created.
  NewMemory m;
  m.scope = Scope{"ws", "p"};
  m.content = "a memory written after the upgrade";
  ASSERT_TRUE(store->Put(m).ok());
  Result<std::vector<AppendResult>> r = store->AppendEvents({Prompt("k1", "upgraded prompt")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM scopes"), "1");
  EXPECT_EQ(RawQuery(path_, "SELECT scope_id FROM events"), "1");
  EXPECT_EQ(SearchKeys(*store, "upgraded"), std::vector<std::string>{"k1"});
  EXPECT_TRUE(store->Check().ok());
}

TEST_F(SqliteCaptureTest, TwoStoresOnOneFileStoreEachIngestKeyOnce) {
  std::unique_ptr<SqliteStore> a = OpenStore();
  std::unique_ptr<SqliteStore> b = OpenStore();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kKeys = 200;
  // Both send every key (a spool drained twice at once), in opposite orders and batch sizes.
  auto send = [&](SqliteStore& store, bool reverse, size_t batch_size, int* created,
                  Status* error) {
    std::vector<Event> batch;
    for (int i = 0; i < kKeys; ++i) {
      const int k = reverse ? kKeys - 1 - i : i;
      batch.push_back(Prompt("key-" + std::to_string(k), "prompt " + std::to_string(k)));
      if (batch.size() == batch_size || i == kKeys - 1) {
        Result<std::vector<AppendResult>> r = store.AppendEvents(batch);
        if (!r.ok()) {
          *error = r.status();
          return;
        }
        for (const AppendResult& res : *r) *created += res.created ? 1 : 0;
        batch.clear();
      }
    }
  };
  int created_a = 0;
  int created_b = 0;
  Status error_a;
  Status error_b;
  {
    std::thread ta(send, std::ref(*a), false, 7, &created_a, &error_a);
    std::thread tb(send, std::ref(*b), true, 13, &created_b, &error_b);
    ta.join();
    tb.join();
  }
  ASSERT_TRUE(error_a.ok()) << error_a.ToString();
  ASSERT_TRUE(error_b.ok()) << error_b.ToString();
  EXPECT_EQ(created_a + created_b, kKeys);
  EXPECT_EQ(RawQuery(path_, "SELECT count(*) FROM events"), std::to_string(kKeys));
  EXPECT_EQ(RawQuery(path_, "SELECT count(DISTINCT ingest_key) FROM events"),
            std::to_string(kKeys));
  Result<Session> s = a->GetSession("s1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->event_count, kKeys);
  EXPECT_EQ(s->prompt_count, kKeys);
  EXPECT_EQ(SearchKeys(*b, "prompt").size(), 10u);  // the default limit
}

TEST_F(SqliteCaptureTest, TheFullTextIndexFollowsTheEventsTable) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AppendEvents({Prompt("k1", "alpha beta"), Prompt("k2", "beta gamma")}).ok());
  EXPECT_EQ(RawQuery(path_, "INSERT INTO events_fts(events_fts) VALUES('integrity-check')"), "");
  // A pruning DELETE (none exists yet; the triggers cover it) leaves the index consistent.
  EXPECT_EQ(RawQuery(path_, "DELETE FROM events WHERE ingest_key = 'k1'"), "");
  EXPECT_EQ(SearchKeys(*store, "beta"), std::vector<std::string>{"k2"});
  EXPECT_EQ(RawQuery(path_, "UPDATE events SET prompt = 'delta' WHERE ingest_key = 'k2'"), "");
  EXPECT_TRUE(SearchKeys(*store, "beta").empty());
  EXPECT_EQ(SearchKeys(*store, "delta"), std::vector<std::string>{"k2"});
  EXPECT_EQ(RawQuery(path_, "INSERT INTO events_fts(events_fts) VALUES('integrity-check')"), "");
}

TEST_F(SqliteCaptureTest, EventSearchIsDrivenByTheFullTextIndex) {
  std::unique_ptr<SqliteStore> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AppendEvents({Prompt("k1", "alpha")}).ok());
  // The plan of the scoped search (capture_rows.cc): FTS first, then the event by rowid.
  const std::string plan = RawPlan(
      path_,
      "SELECT m.seq FROM events_fts JOIN events m ON m.seq = events_fts.rowid "
      "JOIN scopes s ON s.scope_id = m.scope_id WHERE events_fts MATCH 'alpha' AND m.scope_id = 1 "
      "ORDER BY bm25(events_fts) LIMIT 10");
  EXPECT_NE(plan.find("SCAN events_fts VIRTUAL TABLE INDEX"), std::string::npos) << plan;
  EXPECT_NE(plan.find("SEARCH m USING INTEGER PRIMARY KEY"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN m"), std::string::npos) << plan;
}

TEST(CaptureRowsTest, StringListsAreJsonArrays) {
  EXPECT_EQ(sqlite::EncodeStringList({}), "[]");
  EXPECT_EQ(sqlite::EncodeStringList({"a", "b\"c"}), R"(["a","b\"c"])");
  EXPECT_EQ(*sqlite::DecodeStringList(R"(["a","b\"c",""])"),
            (std::vector<std::string>{"a", "b\"c", ""}));
  // JSON text is UTF-8: an invalid byte is kept as U+FFFD instead of failing the write.
  EXPECT_EQ(*sqlite::DecodeStringList(sqlite::EncodeStringList({"a\xff"})),
            std::vector<std::string>{"a\xef\xbf\xbd"});
  for (const char* bad : {"", "{}", "[1]", "[\"a\"", "null"}) {
    EXPECT_EQ(sqlite::DecodeStringList(bad).status().code(), StatusCode::kDataLoss) << bad;
  }
}

TEST(CaptureRowsTest, SeverityCodesAreStable) {
  EXPECT_EQ(sqlite::SeverityToCode(Severity::kCritical), 0);
  EXPECT_EQ(sqlite::SeverityToCode(Severity::kWarning), 1);
  EXPECT_EQ(sqlite::SeverityToCode(Severity::kInfo), 2);
  for (Severity s : {Severity::kCritical, Severity::kWarning, Severity::kInfo}) {
    EXPECT_EQ(*sqlite::SeverityFromCode(sqlite::SeverityToCode(s)), s);
  }
  EXPECT_EQ(sqlite::SeverityFromCode(3).status().code(), StatusCode::kDataLoss);
}

TEST(CaptureRowsTest, IngestKeys) {
  const std::vector<std::string> good = {"a", "0123456789abcdef0123456789ABCDEF",
                                         "with-dash_and_under", std::string(64, 'x')};
  for (const std::string& key : good) EXPECT_TRUE(sqlite::ValidIngestKey(key)) << key;
  const std::vector<std::string> bad = {
      "", "sp ace", "dot.", "slash/", "ünï", "a\n", std::string(65, 'x')};
  for (const std::string& key : bad) EXPECT_FALSE(sqlite::ValidIngestKey(key)) << key;
}

}  // namespace
}  // namespace memex
