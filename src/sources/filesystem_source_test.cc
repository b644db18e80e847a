#include "sources/filesystem_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace memex {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "memex-fs-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class FilesystemSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(dir_.path()) / "root";
    outside_ = fs::path(dir_.path()) / "outside";
    WriteFile(root_ / "notes/2026-04-10.md", "# Day\n\nWe chose SQLite for storage.\nMore.\n");
    WriteFile(root_ / "decisions/db.md", "Decision: use the WAL journal\nsqlite is fine\n");
    WriteFile(root_ / "private/secret.md", "sqlite secret\n");
    WriteFile(root_ / "image.bin", "sqlite binary");
    WriteFile(outside_ / "passwd.md", "sqlite outside the root\n");
    config_.name = "notes";
    config_.root = root_.string();
    config_.uri_scheme = "memory";
    config_.include = {"**/*.md"};
    config_.exclude = {"private/**"};
    config_.auto_tags = {{"decisions/**", {"decision"}}};
  }

  std::unique_ptr<FilesystemSource> Open() {
    auto src = FilesystemSource::Open(config_, clock_);
    EXPECT_TRUE(src.ok()) << src.status().ToString();
    return src.ok() ? std::move(src).value() : nullptr;
  }

  TempDir dir_;
  fs::path root_, outside_;
  SourceConfig config_;
  FakeClock clock_{1775820600000};  // 2026-04-10T11:30:00Z
};

TEST(GlobMatchTest, Doublestar) {
  struct Case {
    const char* pattern;
    const char* text;
    bool want;
  } cases[] = {
      {"**/*.md", "a.md", true},
      {"**/*.md", "x/y/a.md", true},
      {"*.md", "x/a.md", false},
      {"notes/*.md", "notes/a.md", true},
      {"notes/*.md", "notes/sub/a.md", false},
      {"notes/**", "notes/sub/a.md", true},
      {"memory://notes/*.md", "memory://notes/a.md", true},
      {"memory://**", "memory://a/b.md", true},
      {"a?c", "abc", true},
      {"a?c", "a/c", false},
      {"private/**", "public/x.md", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.text), c.want) << c.pattern << " vs " << c.text;
  }
}

TEST_F(FilesystemSourceTest, OpenValidates) {
  FakeClock clock(0);
  SourceConfig bad = config_;
  bad.root = (fs::path(dir_.path()) / "missing").string();
  EXPECT_EQ(FilesystemSource::Open(bad, clock).status().code(), StatusCode::kInvalidArgument);
  bad = config_;
  bad.uri_scheme = "";
  EXPECT_FALSE(FilesystemSource::Open(bad, clock).ok());
  bad = config_;
  bad.type = "http";
  EXPECT_FALSE(FilesystemSource::Open(bad, clock).ok());
  bad = config_;
  bad.write_mode = "overwrite";
  EXPECT_FALSE(FilesystemSource::Open(bad, clock).ok());
}

TEST_F(FilesystemSourceTest, SearchHonoursFiltersAndReportsLines) {
  auto src = Open();
  auto hits = src->Search("SQLite", 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 2u);  // private/ excluded, image.bin not included, outside unseen
  for (const SourceHit& h : *hits) {
    if (h.uri == "memory://notes/2026-04-10.md") {
      EXPECT_EQ(h.line, 3);
      EXPECT_EQ(h.snippet, "We chose SQLite for storage.");
      EXPECT_TRUE(h.tags.empty());
    } else {
      EXPECT_EQ(h.uri, "memory://decisions/db.md");
      EXPECT_EQ(h.line, 2);
      EXPECT_EQ(h.tags, std::vector<std::string>{"decision"});
    }
    EXPECT_DOUBLE_EQ(h.score, 1.0);
  }
  auto partial = src->Search("sqlite journal wal postgres", 10);
  ASSERT_TRUE(partial.ok());
  ASSERT_EQ(partial->size(), 1u);
  EXPECT_EQ((*partial)[0].uri, "memory://decisions/db.md");
  EXPECT_DOUBLE_EQ((*partial)[0].score, 0.5 * 0.75);
  EXPECT_EQ(src->Search("  ", 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(src->Search("sqlite", 1)->size(), 1u);
}

TEST_F(FilesystemSourceTest, SearchDoesNotFollowSymlinks) {
  fs::create_directory_symlink(outside_, root_ / "link");
  fs::create_symlink(outside_ / "passwd.md", root_ / "notes/evil.md");
  auto hits = Open()->Search("outside the root", 10);
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
}

TEST_F(FilesystemSourceTest, SearchStopsAtFileBound) {
  FilesystemLimits limits;
  limits.max_files = 1;
  auto src = FilesystemSource::Open(config_, clock_, limits);
  ASSERT_TRUE(src.ok());
  auto hits = (*src)->Search("sqlite", 10);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 1u);
}

TEST_F(FilesystemSourceTest, ReadWithLineRanges) {
  auto src = Open();
  auto doc = src->Read("memory://notes/2026-04-10.md", 0, 0);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->content, "# Day\n\nWe chose SQLite for storage.\nMore.\n");
  EXPECT_EQ(doc->size_bytes, 42);
  EXPECT_EQ(src->Read("memory://notes/2026-04-10.md", 3, 3)->content,
            "We chose SQLite for storage.\n");
  EXPECT_EQ(src->Read("memory://notes/2026-04-10.md", 3, 0)->content,
            "We chose SQLite for storage.\nMore.\n");
  EXPECT_EQ(src->Read("memory://notes/2026-04-10.md", 0, 1)->content, "# Day\n");
  EXPECT_EQ(src->Read("memory://notes/2026-04-10.md", 9, 0)->content, "");
  EXPECT_EQ(src->Read("memory://decisions/db.md", 0, 0)->tags,
            std::vector<std::string>{"decision"});
}

TEST_F(FilesystemSourceTest, ReadRefusesEscapesAndFilteredFiles) {
  fs::create_directory_symlink(outside_, root_ / "link");
  fs::create_symlink(outside_ / "passwd.md", root_ / "notes/evil.md");
  fs::create_symlink(root_ / "private/secret.md", root_ / "notes/alias.md");
  auto src = Open();
  const std::pair<const char*, StatusCode> cases[] = {
      {"memory://notes/alias.md", StatusCode::kNotFound},  // resolves to an excluded file
      {"memory://../outside/passwd.md", StatusCode::kInvalidArgument},
      {"memory://notes/../../outside/passwd.md", StatusCode::kInvalidArgument},
      {"memory:///etc/passwd", StatusCode::kInvalidArgument},
      {"memory://", StatusCode::kInvalidArgument},
      {"other://notes/2026-04-10.md", StatusCode::kInvalidArgument},
      {"memory://link/passwd.md", StatusCode::kNotFound},
      {"memory://notes/evil.md", StatusCode::kNotFound},
      {"memory://private/secret.md", StatusCode::kNotFound},
      {"memory://image.bin", StatusCode::kNotFound},
      {"memory://notes/missing.md", StatusCode::kNotFound},
      {"memory://notes", StatusCode::kNotFound},
  };
  for (const auto& [uri, code] : cases) {
    EXPECT_EQ(src->Read(uri, 0, 0).status().code(), code) << uri;
  }
}

TEST_F(FilesystemSourceTest, FormatEntry) {
  EXPECT_EQ(FilesystemSource::FormatEntry(1775820600000, "laptop", "hello"),
            "\n---\n## [11:30] via memex (laptop)\n\nhello\n");
  EXPECT_EQ(FilesystemSource::FormatEntry(1775820600000, "", "hello\n"),
            "\n---\n## [11:30] via memex\n\nhello\n");
}

TEST_F(FilesystemSourceTest, AppendNeedsWritableAndWritePaths) {
  auto ro = Open();
  EXPECT_EQ(ro->Append("memory://notes/a.md", "x", "", false).status().code(),
            StatusCode::kPermissionDenied);
  config_.writable = true;
  config_.write_paths = {"memory://notes/*.md"};
  auto src = Open();
  EXPECT_EQ(src->Append("memory://decisions/db.md", "x", "", false).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(src->Append("memory://notes/a.md", "x", "", true).status().code(),
            StatusCode::kInvalidArgument);  // raw needs write_mode "any"
  EXPECT_EQ(src->Append("memory://notes/a.md", std::string(2001, 'x'), "", false).status().code(),
            StatusCode::kResourceExhausted);
  auto w = src->Append("memory://notes/2026-04-10.md", "added", "cli", false);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->uri, "memory://notes/2026-04-10.md");
  std::string entry = "\n---\n## [11:30] via memex (cli)\n\nadded\n";
  EXPECT_EQ(w->bytes_written, static_cast<int64_t>(entry.size()));
  EXPECT_EQ(ReadFile(root_ / "notes/2026-04-10.md"),
            "# Day\n\nWe chose SQLite for storage.\nMore.\n" + entry);
  ASSERT_TRUE(src->Append("memory://notes/new.md", "first", "", false).ok());
  EXPECT_EQ(ReadFile(root_ / "notes/new.md"), "\n---\n## [11:30] via memex\n\nfirst\n");
}

TEST_F(FilesystemSourceTest, AppendRefusesEscapes) {
  fs::create_directory_symlink(outside_, root_ / "notes/link");
  fs::create_symlink(outside_ / "passwd.md", root_ / "notes/evil.md");
  fs::create_directory_symlink(root_ / "private", root_ / "notes/priv");
  config_.writable = true;
  config_.write_paths = {"memory://**"};
  config_.write_mode = "any";
  auto src = Open();
  const char* uris[] = {"memory://../outside/passwd.md",
                        "memory://notes/../../outside/x.md",
                        "memory:///tmp/x.md",
                        "memory://notes/link/passwd.md",
                        "memory://notes/evil.md",
                        "memory://nodir/x.md"};
  for (const char* uri : uris) {
    EXPECT_FALSE(src->Append(uri, "pwned", "", true).ok()) << uri;
  }
  EXPECT_EQ(ReadFile(outside_ / "passwd.md"), "sqlite outside the root\n");
  EXPECT_FALSE(fs::exists(outside_ / "x.md"));
  EXPECT_FALSE(fs::exists(root_ / "private/new.md"));
  ASSERT_TRUE(src->Append("memory://notes/raw.md", "verbatim", "", true).ok());
  EXPECT_EQ(ReadFile(root_ / "notes/raw.md"), "verbatim");
}

TEST_F(FilesystemSourceTest, ConcurrentAppendsNeverInterleave) {
  config_.writable = true;
  config_.write_paths = {"memory://notes/*.md"};
  auto src = Open();
  constexpr int kThreads = 8, kEach = 25;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::string body(1500, static_cast<char>('a' + t));
        for (int i = 0; i < kEach; ++i) {
          EXPECT_TRUE(src->Append("memory://notes/log.md", body, "t", false).ok());
        }
      });
    }
  }
  std::string text = ReadFile(root_ / "notes/log.md");
  std::string header = "\n---\n## [11:30] via memex (t)\n\n";
  size_t entry_size = header.size() + 1500 + 1;
  ASSERT_EQ(text.size(), entry_size * kThreads * kEach);
  for (size_t off = 0; off < text.size(); off += entry_size) {
    ASSERT_EQ(text.substr(off, header.size()), header);
    char c = text[off + header.size()];
    EXPECT_EQ(text.substr(off + header.size(), 1500), std::string(1500, c));
  }
}

}  // namespace
}  // namespace memex
