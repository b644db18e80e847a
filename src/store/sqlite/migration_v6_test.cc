// Upgrading a version-5 database that holds archived memories (imported with status "archived"
// before v6 gave archiving its own place in searches and counters). Migration 6 must re-file them:
// archived_ms set, counted as archived instead of live, out of the full-text index's live rows,
// and restorable afterwards (the contentless FTS table only accepts a delete that repeats what
// was inserted, so a wrong re-filing would show when the memory is restored or forgotten).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_test_util.h"

namespace memex::sqlite {
namespace {

using testutil::TempDir;

SearchFilter InProject(bool include_archived = false) {
  SearchFilter f;
  f.scopes = {Scope{"ws", "p"}};
  f.include_archived = include_archived;
  return f;
}

std::vector<std::string> TextHits(SqliteStore& store, const std::string& term,
                                  const SearchFilter& f) {
  TextQuery q;
  q.terms = {term};
  q.filter = f;
  Result<TextResult> r = store.SearchText(q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<DocId> docs;
  if (r.ok()) {
    for (const TextCandidate& c : r->candidates) docs.push_back(c.doc);
  }
  std::vector<std::string> out;
  Result<std::vector<Memory>> rows = store.Hydrate(docs);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (rows.ok()) {
    for (const Memory& m : *rows) out.push_back(m.content);
  }
  return out;
}

TEST(MigrationV6Test, ReFilesMemoriesArchivedBeforeVersion6) {
  TempDir dir;
  const std::string path = dir.File("memex.db");
  FakeClock clock(1'700'000'000'000);
  std::string archived_id;
  {
    auto store = SqliteStore::Open(path, StorageConfig{}, clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (const char* text : {"the parser uses a pratt table", "the cache layer was redis once"}) {
      NewMemory m;
      m.scope = Scope{"ws", "p"};
      m.content = text;
      auto put = (*store)->Put(m);
      ASSERT_TRUE(put.ok()) << put.status().ToString();
      archived_id = put->id;  // the second one
    }
  }
  // Back to the shape version 5 left: no v6 tables or columns, and the memory imported as
  // archived (status 3) with its full-text row and counters still those of a live memory.
  {
    auto db = Connection::Open(path, {});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)
                    ->Exec("DROP TABLE memory_links;"
                           "ALTER TABLE memories DROP COLUMN archived_ms;"
                           "ALTER TABLE scope_counts DROP COLUMN archived;"
                           "ALTER TABLE scope_counts DROP COLUMN archived_tokens;"
                           "DELETE FROM schema_migrations WHERE version = 6;"
                           "UPDATE memories SET status = 3 WHERE id = '" +
                           archived_id + "'")
                    .ok());
    ASSERT_EQ(*SchemaVersion(**db), 5);
  }

  clock.Advance(1000);
  auto store = SqliteStore::Open(path, StorageConfig{}, clock);  // runs migration 6
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  SqliteStore& s = **store;
  auto got = s.Get(archived_id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, MemoryStatus::kArchived);
  EXPECT_EQ(got->archived_ms, got->updated_ms);
  auto stats = s.Stats(InProject());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->live, 1);
  EXPECT_EQ(stats->archived, 1);
  EXPECT_TRUE(TextHits(s, "cache", InProject()).empty());
  EXPECT_EQ(TextHits(s, "cache", InProject(true)),
            std::vector<std::string>{"the cache layer was redis once"});
  EXPECT_EQ(TextHits(s, "parser", InProject()),
            std::vector<std::string>{"the parser uses a pratt table"});

  // Restored, it is searchable again; then forgotten, it leaves the index cleanly.
  auto restored = s.SetArchived({archived_id}, false);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(*restored, std::vector<std::string>{archived_id});
  EXPECT_EQ(TextHits(s, "cache", InProject()),
            std::vector<std::string>{"the cache layer was redis once"});
  EXPECT_EQ(s.Stats(InProject())->live, 2);
  EXPECT_EQ(s.Stats(InProject())->archived, 0);
  ASSERT_TRUE(s.Forget(archived_id, /*hard=*/false).ok());
  EXPECT_TRUE(TextHits(s, "cache", InProject(true)).empty());
  Status check = s.Check();
  EXPECT_TRUE(check.ok()) << check.ToString();
}

}  // namespace
}  // namespace memex::sqlite
