#include "config/scope_resolver.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace memex {
namespace {

namespace fs = std::filesystem;

// A temporary directory tree removed at the end of the test.
class TempTree {
 public:
  TempTree() {
    std::string tmpl = (fs::temp_directory_path() / "memex-scope-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  const fs::path& root() const { return root_; }

  fs::path Dir(const std::string& rel) const {
    fs::create_directories(root_ / rel);
    return root_ / rel;
  }
  void File(const std::string& rel, const std::string& text) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }

 private:
  fs::path root_;
};

// True when an ancestor of the temp directory is itself a git repository or holds a marker,
// which would change what the tests below resolve to.
bool TempIsInsideAProject(const fs::path& root) {
  for (fs::path d = root.parent_path(); !d.empty(); d = d.parent_path()) {
    if (fs::exists(d / ".git") || fs::exists(d / ".memex.toml")) return true;
    if (d == d.parent_path()) break;
  }
  return false;
}

struct Want {
  std::string scope;   // "ws/proj"
  std::string source;  // exact, with "<root>" standing for the temp root
};

void ExpectScope(const Result<ResolvedScope>& r, const Want& want, const fs::path& root) {
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->scope.ToString(), want.scope);
  std::string source = want.source;
  if (size_t at = source.find("<root>"); at != std::string::npos) {
    source.replace(at, 6, root.string());
  }
  EXPECT_EQ(r->source, source);
}

TEST(ScopeResolverTest, ExplicitScopeWins) {
  TempTree t;
  t.File("repo/.git/HEAD", "ref: refs/heads/main\n");
  t.File("repo/.memex.toml", "workspace = 'm'\nproject = 'p'\n");
  fs::path cwd = t.Dir("repo/src");
  ExpectScope(ResolveScope({"team/api", cwd.string(), "default"}), {"team/api", "explicit"},
              t.root());
  ExpectScope(ResolveScope({"api", cwd.string(), "home"}), {"home/api", "explicit"}, t.root());

  Result<ResolvedScope> bad = ResolveScope({"Team/API", cwd.string(), "default"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("--scope: invalid workspace 'Team'", 0), 0u)
      << bad.status().message();
}

TEST(ScopeResolverTest, ResolutionOrder) {
  TempTree t;
  if (TempIsInsideAProject(t.root())) GTEST_SKIP() << "temp dir is inside a project";
  // root/
  //   marked/.memex.toml            workspace + project
  //     repo/.git/                  a repository below the marker
  //   wsonly/.memex.toml            workspace only
  //     My_Repo/.git/  src/
  //   projonly/.memex.toml          project only
  //   plain/Some Dir/
  //   repo2/.git (file: worktree)   sub/
  //   outer/.git/  inner/.git/  deep/
  //   empty/.memex.toml             no keys
  t.File("marked/.memex.toml", "workspace = \"acme\"\nproject = \"billing\"\n");
  t.Dir("marked/repo/.git");
  t.File("wsonly/.memex.toml", "workspace = 'acme'\n");
  t.Dir("wsonly/My_Repo/.git");
  t.Dir("wsonly/My_Repo/src");
  t.File("projonly/.memex.toml", "project = 'site'\n");
  t.Dir("projonly/a/b");
  t.Dir("plain/Some Dir");
  t.File("repo2/.git", "gitdir: /elsewhere/.git/worktrees/repo2\n");
  t.Dir("repo2/sub");
  t.Dir("outer/.git");
  t.Dir("outer/inner/.git");
  t.Dir("outer/inner/deep");
  t.File("empty/.memex.toml", "# nothing yet\n");
  t.Dir("empty/.git");
  t.Dir("markerdir/.memex.toml");  // a directory, not a marker

  struct Case {
    std::string cwd;  // relative to the temp root
    std::string default_workspace;
    Want want;
  };
  const std::vector<Case> cases = {
      {"marked", "default", {"acme/billing", "marker:<root>/marked/.memex.toml"}},
      {"marked/repo", "default", {"acme/billing", "marker:<root>/marked/.memex.toml"}},
      {"wsonly/My_Repo/src", "default", {"acme/my_repo", "marker:<root>/wsonly/.memex.toml"}},
      {"projonly/a/b", "team", {"team/site", "marker:<root>/projonly/.memex.toml"}},
      {"plain/Some Dir", "default", {"default/some-dir", "cwd"}},
      {"plain/Some Dir/", "", {"default/some-dir", "cwd"}},
      {"repo2/sub", "default", {"default/repo2", "git:<root>/repo2"}},
      {"outer/inner/deep", "default", {"default/inner", "git:<root>/outer/inner"}},
      {"outer", "default", {"default/outer", "git:<root>/outer"}},
      {"empty", "default", {"default/empty", "git:<root>/empty"}},
      {"markerdir", "default", {"default/markerdir", "cwd"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.cwd);
    ExpectScope(ResolveScope({"", (t.root() / c.cwd).string(), c.default_workspace}), c.want,
                t.root());
  }
}

TEST(ScopeResolverTest, MarkerErrorsNameTheMarker) {
  struct Case {
    std::string marker;
    std::string want;  // substring after "<marker path>: " or "<marker path>:"
  };
  const std::vector<Case> cases = {
      {"workspace = 'a'\nprojet = 'b'\n",
       ": unknown key 'projet' in scope marker (did you mean 'project'?)"},
      {"name = 'b'\n", ": unknown key 'name' in scope marker"},
      {"project = 'My Project'\n", ": invalid project 'My Project'"},
      {"workspace = 'ACME'\n", ": invalid workspace 'ACME'"},
      {"project = 5\n", ": 'project' must be a string (line 1)"},
      {"project = \n", ":1:"},
      {"[scope]\nproject = 'x'\n", ": unknown key 'scope'"},
  };
  for (const Case& c : cases) {
    TempTree t;
    t.File("p/.memex.toml", c.marker);
    fs::path cwd = t.Dir("p/src");
    Result<ResolvedScope> r = ResolveScope({"", cwd.string(), "default"});
    ASSERT_FALSE(r.ok()) << c.marker;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    std::string want = (t.root() / "p/.memex.toml").string() + c.want;
    EXPECT_NE(r.status().message().find(want), std::string::npos)
        << "want '" << want << "' in: " << r.status().message();
  }
}

TEST(ScopeResolverTest, UnusableDirectoryNameIsAnError) {
  TempTree t;
  if (TempIsInsideAProject(t.root())) GTEST_SKIP() << "temp dir is inside a project";
  for (std::string name : {"___", "日本語"}) {
    fs::path cwd = t.Dir(name);
    Result<ResolvedScope> r = ResolveScope({"", cwd.string(), "default"});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find("cannot derive a project name"), std::string::npos);
    EXPECT_NE(r.status().message().find("--scope"), std::string::npos);
  }
  Result<ResolvedScope> root = ResolveScope({"", "/", "default"});
  if (!fs::exists("/.git") && !fs::exists("/.memex.toml")) {
    EXPECT_FALSE(root.ok());
  }
}

TEST(ScopeResolverTest, InvalidDefaultWorkspaceIsAnError) {
  TempTree t;
  fs::path cwd = t.Dir("proj");
  Result<ResolvedScope> r = ResolveScope({"", cwd.string(), "Bad WS"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("invalid workspace 'Bad WS'"), std::string::npos);
}

}  // namespace
}  // namespace memex
