#include "capture/archive.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace memex::capture {
namespace {

namespace fs = std::filesystem;

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("memex_archive_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ArchiveTest, RoundTripsAndStoresIdenticalContentOnce) {
  std::string jsonl;
  for (int i = 0; i < 1000; ++i)
    jsonl += R"({"kind":"user-prompt","prompt":"p)" + std::to_string(i) + "\"}\n";
  Result<std::string> a = WriteArchive(dir_.string(), jsonl);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  Result<std::string> b = WriteArchive(dir_.string(), jsonl);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  EXPECT_LT(fs::file_size(ArchivePath(dir_.string(), *a)), jsonl.size() / 4);  // compressed
  Result<std::string> back = ReadArchive(dir_.string(), *a);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, jsonl);
}

TEST_F(ArchiveTest, DamageAndAbsenceAreReported) {
  Result<std::string> sha = WriteArchive(dir_.string(), "line\n");
  ASSERT_TRUE(sha.ok());
  std::ofstream(ArchivePath(dir_.string(), *sha), std::ios::trunc) << "not gzip";
  EXPECT_EQ(ReadArchive(dir_.string(), *sha).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ReadArchive(dir_.string(), std::string(64, 'a')).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ReadArchive(dir_.string(), "../etc").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace memex::capture
