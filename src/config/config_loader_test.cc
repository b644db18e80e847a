// LoadConfig (config_loader.cc): which file is read, data directory and server precedence
// between flags, environment and file; EnsureDataDir; ProcessEnv.
#include "config/config_loader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "config/config_test_util.h"

namespace memex {
namespace {

namespace fs = std::filesystem;

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "memex-config-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

TEST(LoadConfigTest, FileLookupOrder) {
  TempDir tmp;
  const fs::path home = tmp.path() / "home";
  const fs::path xdg = tmp.path() / "xdg";
  WriteFile(home / ".config/memex/memex.toml", "[log]\nlevel = 'info'\n");
  WriteFile(xdg / "memex/memex.toml", "[log]\nlevel = 'error'\n");
  const fs::path env_file = tmp.path() / "env.toml";
  WriteFile(env_file, "[log]\nlevel = 'debug'\n");
  const fs::path flag_file = tmp.path() / "flag.toml";
  WriteFile(flag_file, "[log]\nlevel = 'off'\n");

  struct Case {
    std::string name;
    ConfigOverrides overrides;
    std::map<std::string, std::string> env;
    std::string want_level;
    std::string want_path;
  };
  const std::string h = home.string();
  const std::vector<Case> cases = {
      {"home default", {}, {{"HOME", h}}, "info", (home / ".config/memex/memex.toml").string()},
      {"xdg",
       {},
       {{"HOME", h}, {"XDG_CONFIG_HOME", xdg.string()}},
       "error",
       (xdg / "memex/memex.toml").string()},
      {"relative xdg ignored",
       {},
       {{"HOME", h}, {"XDG_CONFIG_HOME", "rel"}},
       "info",
       (home / ".config/memex/memex.toml").string()},
      {"env", {}, {{"HOME", h}, {"MEMEX_CONFIG", env_file.string()}}, "debug", env_file.string()},
      {"flag",
       {flag_file.string(), ""},
       {{"HOME", h}, {"MEMEX_CONFIG", env_file.string()}},
       "off",
       flag_file.string()},
      {"none", {}, {{"HOME", (tmp.path() / "nohome").string()}}, "warn", ""},
  };
  for (const Case& c : cases) {
    Result<Config> r = LoadConfig(c.overrides, MapEnv(c.env));
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r->log_level, c.want_level) << c.name;
    EXPECT_EQ(r->config_path, c.want_path) << c.name;
  }
}

TEST(LoadConfigTest, NamedFileMustExist) {
  TempDir tmp;
  std::string missing = (tmp.path() / "missing.toml").string();
  Result<Config> r = LoadConfig({missing, ""}, MapEnv({{"HOME", tmp.path().string()}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(missing), std::string::npos);
  EXPECT_NE(r.status().message().find("--config"), std::string::npos);

  r = LoadConfig({}, MapEnv({{"HOME", tmp.path().string()}, {"MEMEX_CONFIG", missing}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("$MEMEX_CONFIG"), std::string::npos);

  r = LoadConfig({tmp.path().string(), ""}, MapEnv({{"HOME", tmp.path().string()}}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a directory"), std::string::npos);
}

TEST(LoadConfigTest, ErrorsNameTheLoadedFile) {
  TempDir tmp;
  fs::path file = tmp.path() / "memex.toml";
  WriteFile(file, "[recall]\nwieght_text = 0.5\n");
  Result<Config> r = LoadConfig({file.string(), ""}, MapEnv({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind(file.string() + ": unknown key 'recall.wieght_text'", 0), 0u)
      << r.status().message();
}

TEST(LoadConfigTest, DataDirPrecedence) {
  TempDir tmp;
  const fs::path cfgdir = tmp.path() / "etc";
  WriteFile(cfgdir / "abs.toml", "data_dir = '/from/file'\n");
  WriteFile(cfgdir / "rel.toml", "data_dir = 'data'\n");
  WriteFile(cfgdir / "tilde.toml", "data_dir = '~/mx'\n");
  WriteFile(cfgdir / "none.toml", "");
  const std::string home = (tmp.path() / "home").string();
  const std::string abs = (cfgdir / "abs.toml").string();

  struct Case {
    std::string name;
    ConfigOverrides overrides;
    std::map<std::string, std::string> env;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"flag wins", {abs, "/from/flag/"}, {{"MEMEX_DATA_DIR", "/from/env"}}, "/from/flag"},
      {"env over file", {abs, ""}, {{"MEMEX_DATA_DIR", "/from/env"}}, "/from/env"},
      {"file", {abs, ""}, {{"HOME", home}}, "/from/file"},
      {"file relative to its dir",
       {(cfgdir / "rel.toml").string(), ""},
       {},
       (cfgdir / "data").string()},
      {"tilde", {(cfgdir / "tilde.toml").string(), ""}, {{"HOME", home}}, home + "/mx"},
      {"xdg data home",
       {(cfgdir / "none.toml").string(), ""},
       {{"HOME", home}, {"XDG_DATA_HOME", "/xdg/data"}},
       "/xdg/data/memex"},
      {"home default",
       {(cfgdir / "none.toml").string(), ""},
       {{"HOME", home}},
       home + "/.local/share/memex"},
      {"flag tilde", {"", "~/flag"}, {{"HOME", home}}, home + "/flag"},
      {"normalized", {"", "/a/./b/../c"}, {}, "/a/c"},
  };
  for (const Case& c : cases) {
    Result<Config> r = LoadConfig(c.overrides, MapEnv(c.env));
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r->data_dir, c.want) << c.name;
  }

  Result<Config> rel = LoadConfig({"", "rel/dir"}, MapEnv({}));
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->data_dir, (fs::current_path() / "rel/dir").string());

  Result<Config> no_home = LoadConfig({}, MapEnv({}));
  ASSERT_FALSE(no_home.ok());
  EXPECT_EQ(no_home.status().code(), StatusCode::kFailedPrecondition);

  Result<Config> tilde_user = LoadConfig({"", "~bob/x"}, MapEnv({{"HOME", home}}));
  ASSERT_FALSE(tilde_user.ok());
  EXPECT_NE(tilde_user.status().message().find("~user"), std::string::npos);
}

TEST(LoadConfigTest, ServerAndTokenPrecedence) {
  TempDir tmp;
  const std::string home = (tmp.path() / "home").string();
  struct Case {
    std::string name;
    ConfigOverrides overrides;
    std::map<std::string, std::string> env;
    std::string want_url;
    std::string want_token;
  };
  const std::vector<Case> cases = {
      {"neither", {}, {{"HOME", home}}, "", ""},
      {"env",
       {},
       {{"HOME", home}, {"MEMEX_SERVER", "http://h:1"}, {"MEMEX_TOKEN", "t-env"}},
       "http://h:1",
       "t-env"},
      {"flags win",
       {"", "", "http://flag:2", "t-flag"},
       {{"HOME", home}, {"MEMEX_SERVER", "http://h:1"}, {"MEMEX_TOKEN", "t-env"}},
       "http://flag:2",
       "t-flag"},
      {"empty env is unset",
       {},
       {{"HOME", home}, {"MEMEX_SERVER", ""}, {"MEMEX_TOKEN", ""}},
       "",
       ""},
      {"token alone", {"", "", "", "t"}, {{"HOME", home}}, "", "t"},
  };
  for (const Case& c : cases) {
    Result<Config> r = LoadConfig(c.overrides, MapEnv(c.env));
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    EXPECT_EQ(r->client.server_url, c.want_url) << c.name;
    EXPECT_EQ(r->client.token, c.want_token) << c.name;
  }
}

TEST(EnsureDataDirTest, CreatesWithOwnerOnlyMode) {
  TempDir tmp;
  fs::path nested = tmp.path() / "a/b/data";  // parents are created too
  ASSERT_TRUE(EnsureDataDir(nested.string() + "/").ok());
  EXPECT_TRUE(EnsureDataDir(nested.string()).ok());  // idempotent

  fs::path dir = tmp.path() / "a/b/other";
  mode_t old = ::umask(0277);  // would strip the owner's write bit without the chmod
  Status st = EnsureDataDir(dir.string());
  ::umask(old);
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (const fs::path& p : {nested, dir}) {
    struct stat sb {};
    ASSERT_EQ(::stat(p.c_str(), &sb), 0);
    EXPECT_TRUE(S_ISDIR(sb.st_mode));
    EXPECT_EQ(sb.st_mode & 0777, 0700u) << p;
  }
}

TEST(EnsureDataDirTest, LeavesExistingModeAlone) {
  TempDir tmp;
  fs::path dir = tmp.path() / "shared";
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  ASSERT_TRUE(EnsureDataDir(dir.string()).ok());
  struct stat sb {};
  ASSERT_EQ(::stat(dir.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0755u);
}

TEST(EnsureDataDirTest, FailsOnUnusablePaths) {
  TempDir tmp;
  fs::path file = tmp.path() / "file";
  WriteFile(file, "x");
  for (const fs::path& p : {file, file / "sub"}) {
    Status st = EnsureDataDir(p.string());
    EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << p;
    EXPECT_NE(st.message().find(p.string()), std::string::npos) << st.message();
  }
  EXPECT_FALSE(EnsureDataDir("").ok());
}

TEST(EnsureDataDirTest, FailsOnReadOnlyDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir tmp;
  fs::path ro = tmp.path() / "ro";
  ASSERT_EQ(::mkdir(ro.c_str(), 0500), 0);
  Status st = EnsureDataDir(ro.string());
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("not writable"), std::string::npos) << st.message();
  st = EnsureDataDir((ro / "sub").string());
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("cannot create"), std::string::npos) << st.message();
}

TEST(ProcessEnvTest, ReadsTheRealEnvironment) {
  ::setenv("MEMEX_CONFIG_TEST_VAR", "v1", 1);
  EnvFn env = ProcessEnv();
  EXPECT_EQ(env("MEMEX_CONFIG_TEST_VAR"), std::optional<std::string>("v1"));
  ::unsetenv("MEMEX_CONFIG_TEST_VAR");
  EXPECT_EQ(env("MEMEX_CONFIG_TEST_VAR"), std::nullopt);
}

}  // namespace
}  // namespace memex
