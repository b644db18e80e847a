// Test helpers for the SQLite store: a temporary directory and a store that owns one.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "config/config.h"
#include "store/sqlite/sqlite_store.h"

namespace memex::sqlite::testutil {

// A fresh directory under the test temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "memex_store_XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    const char* made = mkdtemp(buf.data());
    EXPECT_NE(made, nullptr);
    path_ = made != nullptr ? made : pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A SqliteStore on a file in its own TempDir, for suites that only see a Store.
class TempSqliteStore final : public Store {
 public:
  static std::unique_ptr<Store> Make(const Clock& clock) {
    auto owner = std::unique_ptr<TempSqliteStore>(new TempSqliteStore());
    Result<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(owner->dir_.File("memex.db"), StorageConfig{}, clock);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return nullptr;
    owner->inner_ = std::move(store).value();
    return owner;
  }
  ~TempSqliteStore() override { inner_.reset(); }  // closes the file before dir_ is removed

  Result<PutResult> Put(const NewMemory& m) override { return inner_->Put(m); }
  Result<std::vector<PutResult>> PutBatch(const std::vector<NewMemory>& ms) override {
    return inner_->PutBatch(ms);
  }
  Result<Memory> Get(const std::string& id, bool include_forgotten) override {
    return inner_->Get(id, include_forgotten);
  }
  Result<std::vector<Memory>> History(const std::string& id) override {
    return inner_->History(id);
  }
  Result<PutResult> Update(const std::string& id, const MemoryPatch& patch) override {
    return inner_->Update(id, patch);
  }
  Result<int64_t> Forget(const std::string& id, bool hard) override {
    return inner_->Forget(id, hard);
  }
  Result<std::vector<Memory>> List(const ListQuery& q) override { return inner_->List(q); }
  Result<int64_t> Count(const ListQuery& q) override { return inner_->Count(q); }
  Result<StoreStats> Stats(const SearchFilter& f) override { return inner_->Stats(f); }
  Result<TextResult> SearchText(const TextQuery& q) override { return inner_->SearchText(q); }
  Result<IdentResult> SearchIdents(const IdentQuery& q) override { return inner_->SearchIdents(q); }
  Result<std::vector<Neighbour>> SessionNeighbours(const NeighbourQuery& q) override {
    return inner_->SessionNeighbours(q);
  }
  Result<std::vector<RankFact>> RankFacts(const std::vector<DocId>& docs) override {
    return inner_->RankFacts(docs);
  }
  Result<std::vector<Memory>> Hydrate(const std::vector<DocId>& docs) override {
    return inner_->Hydrate(docs);
  }
  Status CreateToken(const TokenRecord& t) override { return inner_->CreateToken(t); }
  Result<std::vector<TokenRecord>> ListTokens() override { return inner_->ListTokens(); }
  Result<TokenRecord> FindTokenByHash(const std::string& hash) override {
    return inner_->FindTokenByHash(hash);
  }
  Result<TokenRecord> RevokeToken(const std::string& id_or_name, int64_t now_ms) override {
    return inner_->RevokeToken(id_or_name, now_ms);
  }
  Status TouchToken(const std::string& id, int64_t now_ms) override {
    return inner_->TouchToken(id, now_ms);
  }
  Result<std::string> SearchGeneration(const SearchFilter& filter) override {
    return inner_->SearchGeneration(filter);
  }
  Status RecordAccess(const std::vector<AccessCount>& accesses) override {
    return inner_->RecordAccess(accesses);
  }
  Status Scan(const SearchFilter& f, bool include_forgotten, const MemoryVisitor& v) override {
    return inner_->Scan(f, include_forgotten, v);
  }
  Result<int64_t> ImportRows(const std::vector<Memory>& rows) override {
    return inner_->ImportRows(rows);
  }
  Status AddLinks(const std::vector<MemoryLink>& links) override { return inner_->AddLinks(links); }
  Result<std::vector<MemoryLink>> Links(const std::string& id) override {
    return inner_->Links(id);
  }
  Result<std::vector<std::string>> SetArchived(const std::vector<std::string>& ids,
                                               bool archived) override {
    return inner_->SetArchived(ids, archived);
  }
  Status Check() override { return inner_->Check(); }

 private:
  TempSqliteStore() = default;
  TempDir dir_;
  std::unique_ptr<SqliteStore> inner_;
};

}  // namespace memex::sqlite::testutil
