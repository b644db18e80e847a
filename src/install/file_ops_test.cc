#include "install/file_ops.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace memex::install {
namespace {

namespace fs = std::filesystem;

class FileOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("memex-install-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  static std::string Read(const std::string& path) {
    Result<std::optional<std::string>> r = ReadConfigFile(path);
    return r.ok() && *r ? **r : "<missing>";
  }

  fs::path dir_;
};

constexpr int64_t kNow = 1'795'400'100'000;  // 2026-11-22T...Z

TEST_F(FileOpsTest, Stamp) { EXPECT_EQ(BackupStamp(0), "19700101T000000Z"); }

TEST_F(FileOpsTest, ReadMissingAndDirectory) {
  Result<std::optional<std::string>> missing = ReadConfigFile(Path("nope.json"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_FALSE(ReadConfigFile(dir_.string()).ok());
}

TEST_F(FileOpsTest, UpdateKeepsModeAndBacksUp) {
  const std::string path = Path("settings.json");
  Write(path, "{}\n");
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  Plan plan;
  plan.files.push_back({path, "hooks", "{}\n", "{\"a\": 1}\n", FileStatus::kUpdated});
  Result<std::vector<std::string>> backups = ApplyPlan(plan, kNow);
  ASSERT_TRUE(backups.ok()) << backups.status().ToString();
  EXPECT_EQ((*backups)[0], path + ".bak-" + BackupStamp(kNow));
  EXPECT_EQ(Read(path), "{\"a\": 1}\n");
  EXPECT_EQ(Read((*backups)[0]), "{}\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);

  // A second change in the same second gets its own backup name.
  Plan again;
  again.files.push_back({path, "hooks", "{\"a\": 1}\n", "{}\n", FileStatus::kUpdated});
  Result<std::vector<std::string>> second = ApplyPlan(again, kNow);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)[0], path + ".bak-" + BackupStamp(kNow) + "-2");
}

TEST_F(FileOpsTest, CreateMakesDirectoriesAndNoBackup) {
  const std::string path = Path("a/b/mcp.json");
  Plan plan;
  plan.files.push_back({path, "mcp", std::nullopt, "{}\n", FileStatus::kCreated});
  Result<std::vector<std::string>> backups = ApplyPlan(plan, kNow);
  ASSERT_TRUE(backups.ok()) << backups.status().ToString();
  EXPECT_EQ((*backups)[0], "");
  EXPECT_EQ(Read(path), "{}\n");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "a/b")) entries += e.exists() ? 1 : 0;
  EXPECT_EQ(entries, 1u);  // no temp file left behind
}

TEST_F(FileOpsTest, RemoveMakesNoBackup) {
  const std::string path = Path("hooks.json");
  Write(path, "{\"hooks\":{}}");
  Plan plan;
  plan.files.push_back({path, "hooks", "{\"hooks\":{}}", std::nullopt, FileStatus::kRemoved});
  Result<std::vector<std::string>> backups = ApplyPlan(plan, kNow);
  ASSERT_TRUE(backups.ok());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ((*backups)[0], "");
}

TEST_F(FileOpsTest, SymlinkTargetIsReplaced) {
  const std::string real = Path("dotfiles-claude.json");
  const std::string link = Path(".claude.json");
  Write(real, "{}");
  fs::create_symlink(real, link);
  Plan plan;
  plan.files.push_back({link, "mcp", "{}", "{\"x\": 1}\n", FileStatus::kUpdated});
  ASSERT_TRUE(ApplyPlan(plan, kNow).ok());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(Read(real), "{\"x\": 1}\n");
}

TEST_F(FileOpsTest, ChangedSincePlannedWritesNothing) {
  const std::string a = Path("a.json");
  const std::string b = Path("b.json");
  Write(a, "{}");
  Write(b, "{\"changed\": true}");
  Plan plan;
  plan.files.push_back({a, "mcp", "{}", "{\"a\": 1}\n", FileStatus::kUpdated});
  plan.files.push_back({b, "hooks", "{}", "{\"b\": 1}\n", FileStatus::kUpdated});
  Result<std::vector<std::string>> r = ApplyPlan(plan, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Read(a), "{}");
  EXPECT_FALSE(fs::exists(a + ".bak-" + BackupStamp(kNow)));
}

TEST_F(FileOpsTest, SelfPathIsAbsolute) {
  Result<std::string> self = SelfMemexPath();
  ASSERT_TRUE(self.ok());
  EXPECT_TRUE(fs::path(*self).is_absolute());
}

}  // namespace
}  // namespace memex::install
