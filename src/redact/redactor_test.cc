#include "redact/redactor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/text.h"

namespace memex {
namespace {

// Fake secrets are assembled at run time, so no literal in this file looks like a live key to a
// secret scanner. Body(n) is n characters that mix capitals, lowercase and digits.
std::string Body(size_t n) {
  static constexpr std::string_view kAlphabet = "Ab3Xk9Qz7Lm2Pw5Rt8Vn4Hy6Jc1Gf0";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kAlphabet[i % kAlphabet.size()];
  return out;
}

std::unique_ptr<Redactor> MakeRedactor(const RedactionConfig& config = {}) {
  Result<std::unique_ptr<Redactor>> r = Redactor::Create(config);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

struct PositiveCase {
  std::string rule;    // expected marker name
  std::string before;  // context kept before the secret
  std::string secret;  // must be gone
  std::string after;   // context kept after the secret
};

std::vector<PositiveCase> PositiveCases() {
  const std::string pem_body = "MIIEow" + Body(64) + "\n" + Body(64) + "==\n";
  return {
      {"private_key", "key file:\n",
       "-----BEGIN RSA PRIVATE KEY-----\n" + pem_body + "-----END RSA PRIVATE KEY-----",
       "\nthe end"},
      {"private_key", "",
       "-----BEGIN OPENSSH PRIVATE KEY-----\n" + pem_body + "-----END OPENSSH PRIVATE KEY-----",
       " done"},
      {"private_key", "",
       "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n" +
           pem_body + "-----END RSA PRIVATE KEY-----",
       ""},
      {"private_key", "gpg: ",
       "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + pem_body +
           "-----END PGP PRIVATE KEY BLOCK-----",
       " ok"},
      // Cut off: the base64 body goes, the prose after it stays.
      {"private_key",
       "pasted: ", "-----BEGIN PRIVATE KEY-----\nMIIEow" + Body(64) + "\r\n" + Body(40) + "==",
       "\n(cut off here)"},
      {"private_key", "{\"key\": \"",
       "-----BEGIN EC PRIVATE KEY-----\\n" + Body(64) + "\\n-----END EC PRIVATE KEY-----",
       "\\n\"}"},
      {"anthropic_key", "export ANTHROPIC=", "sk-ant-api03-" + Body(90) + "-_AA", " now"},
      {"openai_key", "key is ", "sk-" + Body(48), "."},
      {"openai_key", "OPENAI: ", "sk-proj-" + Body(60) + "_-" + Body(20), " (rotate)"},
      {"huggingface_token", "hf token ", "hf_" + Body(34), " ok"},
      {"aws_key", "aws id ", "AKIA" + std::string("IOSFODNN7EXAMPL1"), " in us-east-1"},
      {"github_token", "gh: ", "ghp_" + Body(36), " expires"},
      {"github_token", "oauth ", "gho_" + Body(36), ""},
      {"github_token", "fine-grained ", "github_pat_11" + Body(20) + "_" + Body(59), " end"},
      {"gitlab_token", "gitlab ", "glpat-" + Body(20), " end"},
      {"slack_token", "bot ", "xoxb-" + std::string("1234567890-1234567890123-") + Body(24),
       " end"},
      {"slack_token", "user ", "xoxp-" + std::string("1234567890-") + Body(24), ""},
      {"slack_webhook", "post to https://hooks.slack.com/services/",
       "T0" + Body(8) + "/B0" + Body(8) + "/" + Body(24), " daily"},
      {"discord_webhook", "hook https://discord.com/api/webhooks/",
       "123456789012345678/" + Body(30) + "-_x", " ok"},
      {"google_api_key", "maps key ", "AIza" + Body(35), " ok"},
      {"stripe_key", "stripe ",
       "sk_"
       "live_" +
           Body(24),
       " ok"},
      {"stripe_key", "restricted ",
       "rk_"
       "live_" +
           Body(24),
       " ok"},
      {"npm_token", "//registry.npmjs.org/:_authToken ", "npm_" + Body(36), " x"},
      {"memex_token", "MEMEX_TOKEN ", "mx_" + Body(40), " for the server"},
      {"jwt", "id token ", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + Body(43),
       " from the IdP"},
      {"bearer_token", "Authorization: Bearer ", Body(40), "\r\nHost: x"},
      {"bearer_token", "curl -H 'authorization: bearer ", Body(24) + "._~+/=", "' https://api"},
      {"url_credentials", "DATABASE_URL=postgres://admin:", "s3cr3tP4ss",
       "@db.example.com:5432/app"},
      {"url_credentials", "mongodb+srv://app_user:", "pa55-w0rd", "@cluster0.mongodb.net/db"},
      {"url_credentials", "redis://:", "hunter2pass", "@localhost:6379/0"},
      {"url_credentials", "clone https://oauth2:", "tok" + Body(20), "@gitlab.com/x/y.git"},
      {"session_cookie", "Cookie: sessionid=", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "; Path=/"},
      {"secret", "password=", "hunter2", " and then"},
      {"secret", "DB_PASSWORD=", "Tr0ub4dor", "&x=1"},
      {"secret", "  password: ", "hunter2", "\n  user: bob"},
      {"secret", "{\"password\": \"", "correct horse battery staple", "\", \"user\": \"bob\"}"},
      {"secret", "api_key = '", "abc123xyz", "'"},
      {"secret", "GITHUB_TOKEN=", "abc123def456", "\nHOME=/root"},
      {"secret", "Server=db;User Id=sa;Password=", "Pa55w0rd", ";Encrypt=true"},
      {"secret", "Driver={ODBC};PWD={", "s3cret;x", "};"},
      {"secret", "https://example.com/cb?access_token=", "abc123def", "&state=9"},
      {"secret", "client_secret: ", "zzzTopSecret9", " # rotate"},
      {"secret", "AWS_SECRET_ACCESS_KEY=", "wJalrXUtnFEMI/K7MDENG/" + Body(18), "\n"},
      {"secret", "host=db user=app passwd=", "pw-9xk", " dbname=app"},
      {"secret", "**Password:** ", "hunter2", " (temporary)"},
      {"secret", "password = ", "my.pass", "\n"},
      {"secret", "the wifi password: ", "swordfish", " (ask Bob)"},  // a word, not a function word
  };
}

TEST(RedactorTest, RedactsEveryBuiltinInContext) {
  auto r = MakeRedactor();
  ASSERT_NE(r, nullptr);
  std::set<std::string> covered;
  for (const PositiveCase& c : PositiveCases()) {
    SCOPED_TRACE(c.rule + ": " + c.before + c.secret + c.after);
    ASSERT_FALSE(c.secret.empty());
    int count = -1;
    std::string out = r->Redact(c.before + c.secret + c.after, &count);
    EXPECT_EQ(out, c.before + "[REDACTED:" + c.rule + "]" + c.after);
    EXPECT_EQ(count, 1);
    covered.insert(c.rule);
  }
  for (const RedactionRule& rule : Redactor::BuiltinRules()) {
    EXPECT_TRUE(covered.count(rule.name)) << "no positive case for built-in " << rule.name;
  }
}

TEST(RedactorTest, LeavesOrdinaryTextAlone) {
  const std::vector<std::string> negatives = {
      "We need to fix the password reset flow before launch.",
      "Rotate secrets through vault; tokens are counted per request.",
      "id 0190f3a4-7b2c-7d3e-8f9a-0b1c2d3e4f5a was stored",
      "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed it",
      "see /home/user/src/memex/src/redact/redactor.cc:42 and C:\\Users\\bob\\file.txt",
      "max_tokens: 4096, \"max_tokens\": 4096, token_count=12, num_tokens = 3",
      "def login(password: str) -> bool:",
      "token: Optional[str] = None",
      "{\"api_key\": null, \"token_type\": \"bearer\", \"expires_in\": 3600}",
      "PWD=/home/me/project OLDPWD=/tmp",
      "login(password=password, token=token)",
      "The bearer of bad news; Bearer tokens-are-great-for-apis",
      "the task-management-system-for-teams and sk-learn-compatible-estimators",
      "The Asia region and AKIA prefixes",
      "mx_build_helper_function_for_tests_long_name",
      "clone git@github.com:org/repo.git or https://github.com/org/repo",
      "http://localhost:8080/api/v1/memories?limit=10",
      "the session ended; sid=42",
      "Password: <your password here>",
      "password = getpass.getpass() and token = self.token and api_key=config.openai_api_key",
      "secret: ${{ secrets.GITHUB_TOKEN }}",
      "The token: it expires after an hour, so refresh it.",
      "secret: we keep the keys in vault now; Password: The one on the sticky note",
      "café — naïve façade 日本語 🔑",
      "",
  };
  auto r = MakeRedactor();
  ASSERT_NE(r, nullptr);
  for (const std::string& text : negatives) {
    int count = -1;
    EXPECT_EQ(r->Redact(text, &count), text);
    EXPECT_EQ(count, 0) << text;
  }
}

TEST(RedactorTest, CountsEachSecretOnce) {
  auto r = MakeRedactor();
  ASSERT_NE(r, nullptr);
  std::string gh = "ghp_" + Body(36);
  std::string text = "a " + gh + " b AKIAIOSFODNN7EXAMPL2 c password=hunter2 d";
  int count = 0;
  std::string out = r->Redact(text, &count);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(out, "a [REDACTED:github_token] b [REDACTED:aws_key] c password=[REDACTED:secret] d");
  // No count pointer is fine too.
  EXPECT_EQ(r->Redact(text), out);
}

TEST(RedactorTest, OverlappingFindingsBecomeOneReplacement) {
  auto r = MakeRedactor();
  ASSERT_NE(r, nullptr);
  struct Case {
    std::string in;
    std::string want;
  };
  std::string gh = "ghp_" + Body(36);
  std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0." + Body(20);
  const std::vector<Case> cases = {
      // The specific rule names the secret; the key stays.
      {"token=" + gh, "token=[REDACTED:github_token]"},
      {"GITHUB_TOKEN: \"" + gh + "\"", "GITHUB_TOKEN: \"[REDACTED:github_token]\""},
      {"Authorization: Bearer " + jwt, "Authorization: Bearer [REDACTED:jwt]"},
      {"sk-ant-api03-" + Body(90), "[REDACTED:anthropic_key]"},
  };
  for (const Case& c : cases) {
    int count = 0;
    EXPECT_EQ(r->Redact(c.in, &count), c.want);
    EXPECT_EQ(count, 1) << c.in;
  }
}

TEST(RedactorTest, KeepsUtf8Intact) {
  auto r = MakeRedactor();
  ASSERT_NE(r, nullptr);
  std::string text = "mot de passe — password=héllo123wörld fin ✓ 🔑ghp_" + Body(36) + "日本";
  int count = 0;
  std::string out = r->Redact(text, &count);
  EXPECT_EQ(count, 2);
  EXPECT_EQ(out, "mot de passe — password=[REDACTED:secret] fin ✓ 🔑[REDACTED:github_token]日本");
  EXPECT_TRUE(IsValidUtf8(out));

  // Invalid bytes pass through untouched; nothing crashes or is split.
  std::string bad = "\xff\xfe password=abc123 \xc3";
  std::string bad_out = r->Redact(bad, &count);
  EXPECT_EQ(bad_out, "\xff\xfe password=[REDACTED:secret] \xc3");
}

TEST(RedactorTest, DisableTurnsOffBuiltins) {
  RedactionConfig config;
  config.disable = {"aws_key", "secret"};
  auto r = MakeRedactor(config);
  ASSERT_NE(r, nullptr);
  std::string text = "AKIAIOSFODNN7EXAMPL3 password=hunter2 ghp_" + Body(36);
  int count = 0;
  EXPECT_EQ(r->Redact(text, &count),
            "AKIAIOSFODNN7EXAMPL3 password=hunter2 [REDACTED:github_token]");
  EXPECT_EQ(count, 1);
}

TEST(RedactorTest, DisabledRedactorReturnsTextUnchanged) {
  RedactionConfig config;
  config.enabled = false;
  auto r = MakeRedactor(config);
  ASSERT_NE(r, nullptr);
  std::string text = "password=hunter2 AKIAIOSFODNN7EXAMPL4";
  int count = -1;
  EXPECT_EQ(r->Redact(text, &count), text);
  EXPECT_EQ(count, 0);
}

TEST(RedactorTest, CustomRules) {
  RedactionConfig config;
  config.rules = {
      {"ticket", R"(INC-[0-9]{6})", ""},
      {"internal_host", R"(([a-z0-9-]+)\.corp\.example\.com)", R"(\1.[REDACTED:host])"},
  };
  auto r = MakeRedactor(config);
  ASSERT_NE(r, nullptr);
  int count = 0;
  EXPECT_EQ(r->Redact("see INC-123456 on build-7.corp.example.com now", &count),
            "see [REDACTED:ticket] on build-7.[REDACTED:host] now");
  EXPECT_EQ(count, 2);
  // Overlapping findings merge; the one that starts first names the replacement, and a
  // built-in wins a tie.
  config.rules = {{"mine", R"(password=\S+)", ""}, {"same", R"(hunter2)", ""}};
  r = MakeRedactor(config);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Redact("password=hunter2 x", &count), "[REDACTED:mine] x");
  EXPECT_EQ(count, 1);
  EXPECT_EQ(r->Redact("pwd: hunter2 x", &count), "pwd: [REDACTED:secret] x");
  EXPECT_EQ(count, 1);
}

TEST(RedactorTest, CreateErrorsNameTheRule) {
  struct Case {
    RedactionConfig config;
    std::string want;  // substring of the message
  };
  auto with_rule = [](RedactionRuleConfig rule) {
    RedactionConfig c;
    c.rules.push_back(std::move(rule));
    return c;
  };
  RedactionConfig unknown_disable;
  unknown_disable.disable = {"aws_keys"};
  const std::vector<Case> cases = {
      {unknown_disable, "unknown built-in rule 'aws_keys'"},
      {with_rule({"broken", "(unclosed", ""}), "'broken': invalid pattern"},
      {with_rule({"empty", "a*", ""}), "'empty': pattern 'a*' matches the empty string"},
      {with_rule({"rewrite", "(a)b", R"(\2)"}), "'rewrite': invalid replacement"},
      {with_rule({"bad name!", "x", ""}), "invalid name"},
      {with_rule({"", "x", ""}), "invalid name"},
  };
  for (const Case& c : cases) {
    Result<std::unique_ptr<Redactor>> r = Redactor::Create(c.config);
    ASSERT_FALSE(r.ok()) << c.want;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
}

TEST(RedactorTest, BuiltinRulesAreUniqueAndDisableable) {
  RedactionConfig config;
  std::set<std::string> names;
  for (const RedactionRule& rule : Redactor::BuiltinRules()) {
    EXPECT_TRUE(names.insert(rule.name).second) << rule.name;
    EXPECT_EQ(rule.replacement, "[REDACTED:" + rule.name + "]");
    config.disable.push_back(rule.name);
  }
  auto r = MakeRedactor(config);
  ASSERT_NE(r, nullptr);
  std::string text = "password=hunter2 AKIAIOSFODNN7EXAMPL5";
  EXPECT_EQ(r->Redact(text), text);
}

TEST(RedactorTest, DocsListEveryBuiltin) {
  std::filesystem::path doc =
      std::filesystem::path(__FILE__).parent_path() / "../../docs/configuration.md";
  std::ifstream in(doc);
  ASSERT_TRUE(in) << doc;
  std::stringstream buf;
  buf << in.rdbuf();
  for (const RedactionRule& rule : Redactor::BuiltinRules()) {
    EXPECT_NE(buf.str().find("`" + rule.name + "`"), std::string::npos)
        << "docs/configuration.md does not list built-in rule " << rule.name;
  }
}

// Random mixes of secrets, prose, multi-byte characters and stray bytes: nothing crashes, valid
// UTF-8 stays valid, and the planted secrets never survive.
TEST(RedactorTest, RandomMixesStaySafe) {
  auto r = MakeRedactor();
  ASSERT_NE(r, nullptr);
  const std::vector<std::string> secrets = {"ghp_" + Body(36), "sk-ant-api03-" + Body(40),
                                            "AKIAIOSFODNN7EXAMPL9", "glpat-" + Body(20)};
  const std::vector<std::string> pieces = {" ",
                                           "\n",
                                           "password",
                                           "=",
                                           ":",
                                           "\"",
                                           "'",
                                           "://",
                                           "@",
                                           "-----BEGIN RSA PRIVATE KEY-----",
                                           "-----END RSA PRIVATE KEY-----",
                                           "Bearer ",
                                           "é",
                                           "日本",
                                           "🔑",
                                           "token",
                                           "{",
                                           "}",
                                           "sk-",
                                           "eyJ",
                                           ".",
                                           Body(20)};
  std::mt19937 rng(42);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string text;
    std::vector<std::string> planted;
    int n = static_cast<int>(rng() % 24);
    for (int i = 0; i < n; ++i) {
      if (rng() % 8 == 0) {
        planted.push_back(secrets[rng() % secrets.size()]);
        text += " " + planted.back() + " ";
      } else {
        text += pieces[rng() % pieces.size()];
      }
    }
    bool valid = IsValidUtf8(text);
    if (iter % 3 == 0) text += static_cast<char>(0x80 + rng() % 0x80);  // a stray byte
    int count = 0;
    std::string out = r->Redact(text, &count);
    if (valid && iter % 3 != 0) {
      EXPECT_TRUE(IsValidUtf8(out)) << text;
    }
    for (const std::string& s : planted) EXPECT_EQ(out.find(s), std::string::npos) << text;
    EXPECT_GE(count, planted.empty() ? 0 : 1);
  }
}

TEST(RedactorTest, SafeToShareAcrossThreads) {
  auto r = MakeRedactor();
  ASSERT_NE(r, nullptr);
  std::string text = "x password=hunter2 y ghp_" + Body(36);
  std::string want = r->Redact(text);
  std::vector<std::jthread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) ok[t] += r->Redact(text) == want;
    });
  }
  threads.clear();
  for (int n : ok) EXPECT_EQ(n, 200);
}

}  // namespace
}  // namespace memex
