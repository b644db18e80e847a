// Strong consistency for one write (docs/retrieval.md, "The queue"): a write that waits for its
// vector waits for its own memory, not for the queue in front of it (after an import, thousands
// of memories may be pending, and the background worker may hold the queue for a long pass).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "service/hygiene_test_util.h"
#include "store/sqlite/sqlite_store.h"

namespace memex {
namespace {

class WaitForVectorsTest : public testing::HygieneTestBase<SqliteStore> {
 protected:
  RememberResult Write(const std::string& content, bool wait) {
    RememberRequest r;
    r.memory.scope = {"ws", "p"};
    r.memory.content = content;
    r.wait_for_vectors = wait;
    auto res = service_->Remember(r);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? std::move(res).value() : RememberResult{};
  }
  EmbeddingCounts Counts() {
    auto stats = store_->EmbeddingStats(embedder_.model_id());
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    if (stats.ok()) {
      for (const EmbeddingCounts& c : *stats) {
        if (c.model == embedder_.model_id()) return c;
      }
    }
    return {};
  }
};

TEST_F(WaitForVectorsTest, AWaitingWriteEmbedsItsOwnMemoryNotTheQueue) {
  UseEmbedder();
  for (const char* text :
       {"the deploy runs on fridays", "the cache is redis", "rotate the signing keys monthly"}) {
    EXPECT_FALSE(Write(text, /*wait=*/false).embedded);
  }
  EXPECT_EQ(Counts().pending, 3);

  RememberResult mine = Write("postgres stores customer invoices", /*wait=*/true);
  EXPECT_TRUE(mine.embedded);
  EXPECT_EQ(Counts().embedded, 1);
  EXPECT_EQ(Counts().pending, 3) << "the queue is left to the worker";

  // Searchable at once by meaning alone: no word in common with the memory.
  RecallRequest q;
  q.query = "database keeps client bills";
  q.filter.scopes = {{"ws", "p"}};
  auto r = service_->Recall(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].memory.id, mine.id);

  // Writing the same text again finds the existing memory, already embedded: nothing to do.
  RememberResult same = Write("postgres stores customer invoices", /*wait=*/true);
  EXPECT_FALSE(same.created);
  EXPECT_TRUE(same.embedded);
  EXPECT_EQ(Counts().embedded, 1);

  // An update that waits embeds its new version alone too.
  UpdateRequest up;
  up.id = mine.id;
  up.patch.content = "postgres stores customer invoices in euros";
  up.wait_for_vectors = true;
  auto updated = service_->Update(up);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_TRUE(updated->embedded);
  EXPECT_EQ(Counts().pending, 3);

  // The worker then takes the queue.
  auto ran = worker_->RunOnce();
  ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  EXPECT_EQ(*ran, 3);
  EXPECT_EQ(Counts().pending, 0);
}

}  // namespace
}  // namespace memex
