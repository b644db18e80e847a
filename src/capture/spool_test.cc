#include "capture/spool.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace memex::capture {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/memex-spool-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/data/spool";
  }
  void TearDown() override { fs::remove_all(root_); }

  Spool Open(int64_t max_bytes = 1 << 20) {
    auto s = Spool::Open(dir_, max_bytes);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }

  std::string root_;
  std::string dir_;
};

// A sender that records what it acknowledged.
struct Collector {
  std::vector<std::string> lines;
  std::vector<size_t> batch_sizes;
  Spool::SendFn Fn() {
    return [this](const std::vector<std::string>& batch) {
      lines.insert(lines.end(), batch.begin(), batch.end());
      batch_sizes.push_back(batch.size());
      return Status::Ok();
    };
  }
};

TEST_F(SpoolTest, CreatesPrivateDirectoryAndFile) {
  Spool s = Open();
  struct stat st;
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_FALSE(s.HasPending());
  ASSERT_TRUE(s.Append(R"({"a":1})").ok());
  ASSERT_EQ(stat((dir_ + "/hooks.jsonl").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(s.HasPending());
}

TEST_F(SpoolTest, RejectsEmptyAndMultiLine) {
  Spool s = Open();
  EXPECT_EQ(s.Append("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.Append("a\nb").code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(s.HasPending());
}

TEST_F(SpoolTest, DrainsInOrderInBatches) {
  Spool s = Open();
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(s.Append("line-" + std::to_string(i)).ok());
  Collector c;
  auto r = s.Drain(c.Fn(), 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->busy);
  EXPECT_EQ(r->sent, 25);
  EXPECT_EQ(r->files, 1);
  ASSERT_EQ(c.lines.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(c.lines[i], "line-" + std::to_string(i));
  EXPECT_EQ(c.batch_sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_FALSE(s.HasPending());
  // Nothing left: a second drain sends nothing.
  Collector c2;
  auto r2 = s.Drain(c2.Fn());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->sent, 0);
  EXPECT_TRUE(c2.lines.empty());
}

TEST_F(SpoolTest, BatchesAreBoundedByBytes) {
  Spool s = Open();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(s.Append(std::string(100, 'a' + i)).ok());
  ASSERT_TRUE(s.Append(std::string(1000, 'z')).ok());  // alone: longer than the byte bound
  Collector c;
  ASSERT_TRUE(s.Drain(c.Fn(), 1000, 250).ok());
  EXPECT_EQ(c.batch_sizes, (std::vector<size_t>{2, 2, 1, 1}));
  EXPECT_EQ(c.lines.size(), 6u);
}

TEST_F(SpoolTest, FullSpoolDropsAndCounts) {
  Spool s = Open(100);
  ASSERT_TRUE(s.Append(std::string(60, 'x')).ok());
  Status st = s.Append(std::string(60, 'y'));
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.Dropped(), 1);
  EXPECT_EQ(s.Append(std::string(60, 'y')).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.Dropped(), 2);
  ASSERT_TRUE(s.Append(std::string(30, 'w')).ok());  // still fits
  Collector c;
  ASSERT_TRUE(s.Drain(c.Fn()).ok());
  EXPECT_EQ(c.lines.size(), 2u);
  ASSERT_TRUE(s.Append(std::string(60, 'y')).ok());  // room again after the drain
}

TEST_F(SpoolTest, FailedSendKeepsTheRestForTheNextDrain) {
  Spool s = Open();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.Append("e" + std::to_string(i)).ok());
  std::vector<std::string> got;
  int calls = 0;
  auto flaky = [&](const std::vector<std::string>& batch) -> Status {
    if (++calls == 3) return Unavailable("server down");
    got.insert(got.end(), batch.begin(), batch.end());
    return Status::Ok();
  };
  auto r = s.Drain(flaky, 3);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(got.size(), 6u);
  EXPECT_TRUE(s.HasPending());
  // New events arrive meanwhile; the leftover goes first, nothing is sent twice.
  ASSERT_TRUE(s.Append("late").ok());
  Collector c;
  auto r2 = s.Drain(c.Fn(), 3);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(c.lines, (std::vector<std::string>{"e6", "e7", "e8", "e9", "late"}));
  EXPECT_EQ(r2->files, 2);
  EXPECT_FALSE(s.HasPending());
}

TEST_F(SpoolTest, RejectedBatchIsDroppedAndCounted) {
  Spool s = Open();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(s.Append("e" + std::to_string(i)).ok());
  int calls = 0;
  std::vector<std::string> got;
  auto picky = [&](const std::vector<std::string>& batch) -> Status {
    if (++calls == 1) return InvalidArgument("bad batch");
    got.insert(got.end(), batch.begin(), batch.end());
    return Status::Ok();
  };
  auto r = s.Drain(picky, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dropped, 2);
  EXPECT_EQ(r->sent, 2);
  EXPECT_EQ(got, (std::vector<std::string>{"e2", "e3"}));
  EXPECT_EQ(s.Dropped(), 2);
}

TEST_F(SpoolTest, LeftoverDrainingFilesGoFirstOldestFirst) {
  Spool s = Open();
  std::ofstream(dir_ + "/draining-200-7.jsonl") << "second\n";
  std::ofstream(dir_ + "/draining-100-9.jsonl") << "first\ntorn-without-newline";
  std::ofstream(dir_ + "/draining-100-9.jsonl.tmp") << "stale rewrite\n";
  ASSERT_TRUE(s.Append("third").ok());
  EXPECT_TRUE(s.HasPending());
  Collector c;
  auto r = s.Drain(c.Fn());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(c.lines, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(r->dropped, 1);  // the torn tail
  EXPECT_EQ(r->files, 3);
  EXPECT_FALSE(fs::exists(dir_ + "/draining-100-9.jsonl.tmp"));
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.push_back(e.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"drain.lock", "dropped"}));
}

TEST_F(SpoolTest, BusyDrainerReturnsAtOnce) {
  Spool s = Open();
  ASSERT_TRUE(s.Append("x").ok());
  int held = open((dir_ + "/drain.lock").c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(held, 0);
  ASSERT_EQ(flock(held, LOCK_EX), 0);
  Collector c;
  auto r = s.Drain(c.Fn());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->busy);
  EXPECT_TRUE(c.lines.empty());
  close(held);
  auto r2 = s.Drain(c.Fn());
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->busy);
  EXPECT_EQ(c.lines.size(), 1u);
}

TEST_F(SpoolTest, ThreadsAppendWhileDraining) {
  Spool s = Open(64 << 20);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  std::mutex mu;
  std::multiset<std::string> delivered;
  auto send = [&](const std::vector<std::string>& batch) {
    std::lock_guard<std::mutex> lock(mu);
    delivered.insert(batch.begin(), batch.end());
    return Status::Ok();
  };
  std::atomic<bool> done{false};
  {
    std::vector<std::jthread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          Status st = s.Append("t" + std::to_string(t) + "-" + std::to_string(i));
          ASSERT_TRUE(st.ok()) << st.ToString();
        }
      });
    }
    std::jthread drainer([&] {
      while (!done) (void)s.Drain(send, 7);
    });
    writers.clear();
    done = true;
  }
  ASSERT_TRUE(s.Drain(send).ok());
  EXPECT_EQ(delivered.size(), static_cast<size_t>(kThreads * kPerThread));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      EXPECT_EQ(delivered.count("t" + std::to_string(t) + "-" + std::to_string(i)), 1u);
    }
  }
}

// Several processes append while other processes drain; every drainer writes what it was
// given to its own file (a process cannot share memory with the test). Every line must be
// delivered exactly once, none lost.
TEST_F(SpoolTest, ProcessesAppendWhileOthersDrain) {
  { Spool s = Open(64 << 20); }
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 150;
  constexpr int kDrainers = 2;
  const std::string out_dir = root_ + "/delivered";
  fs::create_directories(out_dir);
  const std::string stop_file = root_ + "/stop";

  auto child_drain = [&](int id) {
    auto s = Spool::Open(dir_, 64 << 20);
    if (!s.ok()) _exit(2);
    std::ofstream out(out_dir + "/drainer-" + std::to_string(id), std::ios::app);
    auto send = [&](const std::vector<std::string>& batch) {
      for (const auto& l : batch) out << l << "\n";
      out.flush();
      return out ? Status::Ok() : Unavailable("write");
    };
    for (;;) {
      bool stop = fs::exists(stop_file);
      auto r = s->Drain(send, 5);
      if (!r.ok()) _exit(3);
      if (stop && !r->busy) break;
    }
    _exit(0);
  };

  std::vector<pid_t> drainers;
  for (int d = 0; d < kDrainers; ++d) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child_drain(d);
    drainers.push_back(pid);
  }
  std::vector<pid_t> writers;
  for (int w = 0; w < kWriters; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto s = Spool::Open(dir_, 64 << 20);
      if (!s.ok()) _exit(2);
      for (int i = 0; i < kPerWriter; ++i) {
        if (!s->Append("w" + std::to_string(w) + "-" + std::to_string(i)).ok()) _exit(3);
      }
      _exit(0);
    }
    writers.push_back(pid);
  }
  for (pid_t pid : writers) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::ofstream(stop_file) << "1";
  for (pid_t pid : drainers) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  // One last drain in this process picks up anything the drainers' final rounds raced past.
  std::ofstream out(out_dir + "/drainer-final");
  auto s = Open(64 << 20);
  auto r = s.Drain([&](const std::vector<std::string>& batch) {
    for (const auto& l : batch) out << l << "\n";
    return Status::Ok();
  });
  ASSERT_TRUE(r.ok());
  out.close();

  std::map<std::string, int> seen;
  for (const auto& e : fs::directory_iterator(out_dir)) {
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) ++seen[line];
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kWriters * kPerWriter));
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kPerWriter; ++i) {
      std::string key = "w" + std::to_string(w) + "-" + std::to_string(i);
      EXPECT_EQ(seen[key], 1) << key;
    }
  }
  EXPECT_FALSE(s.HasPending());
  EXPECT_EQ(s.Dropped(), 0);
}

}  // namespace
}  // namespace memex::capture
