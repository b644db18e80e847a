#include "vector/file_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace memex {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("memex_file_io_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(ChecksumTest, IndependentOfSplitAndSensitiveToEveryByte) {
  std::vector<unsigned char> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 7 + 3);
  Checksum whole;
  whole.Update(data.data(), data.size());
  for (size_t split : {0, 1, 7, 8, 9, 500, 997}) {
    Checksum parts;
    parts.Update(data.data(), split);
    parts.Update(data.data() + split, 3);
    parts.Update(data.data() + split + 3, data.size() - split - 3);
    EXPECT_EQ(parts.Finish(), whole.Finish()) << split;
  }
  for (size_t i = 0; i < data.size(); i += 37) {
    auto flipped = data;
    flipped[i] ^= 0x10;
    Checksum c;
    c.Update(flipped.data(), flipped.size());
    EXPECT_NE(c.Finish(), whole.Finish()) << i;
  }
  Checksum shorter, padded;
  shorter.Update(data.data(), 5);
  std::vector<unsigned char> five_and_zero(data.begin(), data.begin() + 5);
  five_and_zero.push_back(0);
  padded.Update(five_and_zero.data(), five_and_zero.size());
  EXPECT_NE(shorter.Finish(), padded.Finish());
}

TEST(AtomicFileWriterTest, FileAppearsOnlyOnCommit) {
  const std::string path = TempPath("commit");
  std::remove(path.c_str());
  {
    auto w = AtomicFileWriter::Open(path);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE(w->Write("hello world", 11).ok());
    ASSERT_TRUE(w->WriteAt(0, "J", 1).ok());
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(w->Commit().ok());
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  auto r = FileReader::Open(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 11u);
  std::string got(11, '\0');
  ASSERT_TRUE(r->Read(got.data(), got.size()).ok());
  EXPECT_EQ(got, "Jello world");
  char extra;
  EXPECT_EQ(r->Read(&extra, 1).code(), StatusCode::kDataLoss);
  std::remove(path.c_str());
}

TEST(AtomicFileWriterTest, AbandonedWriteLeavesNothing) {
  const std::string path = TempPath("abandoned");
  {
    auto w = AtomicFileWriter::Open(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write("x", 1).ok());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(FileReader::Open(path).status().code(), StatusCode::kNotFound);
}

TEST(FileLockTest, OneHolderAtATimeUntilItIsDestroyed) {
  const std::string path = TempPath("lock");
  {
    auto first = FileLock::TryLock(path);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_TRUE(first->has_value());
    auto second = FileLock::TryLock(path);  // another open file description: refused
    ASSERT_TRUE(second.ok());
    EXPECT_FALSE(second->has_value());
    FileLock moved = std::move(**first);
    auto third = FileLock::TryLock(path);
    ASSERT_TRUE(third.ok());
    EXPECT_FALSE(third->has_value()) << "a moved lock is still held";
  }
  auto again = FileLock::TryLock(path);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->has_value()) << "released when its holder is destroyed";
  EXPECT_EQ(FileLock::TryLock("/nonexistent-dir/x/lock").status().code(), StatusCode::kNotFound);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace memex
