// ParseConfigText (config_parser.cc): every key read, documented and in the example file;
// errors naming the file, key and line; environment expansion; hostile input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "config/config_loader.h"
#include "config/config_test_util.h"

namespace memex {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& AllKeys() {
  static const std::vector<std::string> keys = {
      "data_dir",
      "log.level",
      "storage.engine",
      "storage.durability",
      "storage.busy_timeout_ms",
      "storage.cache_size_mb",
      "storage.read_connections",
      "storage.mmap_size_mb",
      "limits.max_content_bytes",
      "limits.max_tags",
      "limits.max_tag_bytes",
      "limits.max_batch",
      "redaction.enabled",
      "redaction.disable",
      "redaction.rules",
      "recall.default_limit",
      "recall.max_limit",
      "recall.candidate_cap",
      "recall.cache_entries",
      "recall.cache_ttl_ms",
      "recall.cache_max_mb",
      "recall.ident_cap",
      "recall.weight_text",
      "recall.weight_exact",
      "recall.weight_recency",
      "recall.recency_half_life_days",
      "recall.bm25_k1",
      "recall.bm25_b",
      "recall.stop_words",
      "recall.weight_vector",
      "recall.weight_time",
      "recall.fusion",
      "recall.rrf_k",
      "recall.vector_candidates",
      "recall.similarity_floor",
      "recall.min_relevance",
      "recall.min_score_ratio",
      "recall.weight_context",
      "recall.context_radius",
      "recall.context_parents",
      "recall.min_relevance_known_name",
      "recall.min_relevance_unknown_name",
      "recall.weight_answer",
      "recall.weight_agent",
      "recall.weight_asks",
      "recall.weight_when",
      "recall.confidence_weight",
      "recall.candidate_weight",
      "recall.mmr_lambda",
      "scope.default_workspace",
      "embedding.provider",
      "embedding.model_dir",
      "embedding.url",
      "embedding.model",
      "embedding.api_key",
      "embedding.dimensions",
      "embedding.batch_size",
      "embedding.timeout_ms",
      "vector.hnsw_threshold",
      "vector.hnsw_m",
      "vector.hnsw_ef_construction",
      "vector.hnsw_ef_search",
      "vector.quantize",
      "hygiene.near_duplicates",
      "hygiene.min_jaccard",
      "hygiene.min_jaccard_words",
      "hygiene.min_contained_words",
      "hygiene.min_contained_ratio",
      "hygiene.min_cosine",
      "hygiene.candidates",
      "hygiene.consolidate_threshold",
      "hygiene.consolidate_max_memories",
      "decay.after_days",
      "decay.kinds",
      "decay.cold_threshold",
      "decay.access_weight",
      "decay.access_decay",
      "server.host",
      "server.port",
      "server.threads",
      "server.max_body_bytes",
      "server.read_timeout_ms",
      "server.sse_keepalive_ms",
      "server.allowed_hosts",
      "server.allowed_origins",
      "server.session_idle_ms",
      "server.rate_limit_per_sec",
      "server.rate_limit_burst",
      "auth.mode",
      "auth.trusted_header",
      "auth.trusted_proxies",
      "auth.trusted_role",
      "auth.trusted_scopes",
      "audit.enabled",
      "audit.path",
      "audit.max_bytes",
      "audit.max_files",
      "capture.enabled",
      "capture.hook_timeout_ms",
      "capture.spool_max_mb",
      "capture.max_event_bytes",
      "capture.queue_size",
      "capture.context_bytes",
      "capture.max_lessons",
      "capture.archive",
      "capture.stale_session_minutes",
      "sources",
  };
  return keys;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

fs::path RepoRoot() { return fs::path(__FILE__).parent_path().parent_path().parent_path(); }

// Field-by-field comparison, so a new field that the loader forgets shows up here.
void ExpectSameConfig(const Config& a, const Config& b) {
  EXPECT_EQ(a.data_dir, b.data_dir);
  EXPECT_EQ(a.log_level, b.log_level);
  EXPECT_EQ(a.storage.engine, b.storage.engine);
  EXPECT_EQ(a.storage.durability, b.storage.durability);
  EXPECT_EQ(a.storage.busy_timeout_ms, b.storage.busy_timeout_ms);
  EXPECT_EQ(a.storage.cache_size_mb, b.storage.cache_size_mb);
  EXPECT_EQ(a.storage.mmap_size_mb, b.storage.mmap_size_mb);
  EXPECT_EQ(a.limits.max_content_bytes, b.limits.max_content_bytes);
  EXPECT_EQ(a.limits.max_tags, b.limits.max_tags);
  EXPECT_EQ(a.limits.max_tag_bytes, b.limits.max_tag_bytes);
  EXPECT_EQ(a.limits.max_batch, b.limits.max_batch);
  EXPECT_EQ(a.redaction.enabled, b.redaction.enabled);
  EXPECT_EQ(a.redaction.disable, b.redaction.disable);
  EXPECT_EQ(a.redaction.rules.size(), b.redaction.rules.size());
  EXPECT_EQ(a.recall.default_limit, b.recall.default_limit);
  EXPECT_EQ(a.recall.max_limit, b.recall.max_limit);
  EXPECT_EQ(a.recall.candidate_cap, b.recall.candidate_cap);
  EXPECT_EQ(a.recall.ident_cap, b.recall.ident_cap);
  EXPECT_DOUBLE_EQ(a.recall.weight_text, b.recall.weight_text);
  EXPECT_DOUBLE_EQ(a.recall.weight_exact, b.recall.weight_exact);
  EXPECT_DOUBLE_EQ(a.recall.weight_recency, b.recall.weight_recency);
  EXPECT_DOUBLE_EQ(a.recall.recency_half_life_days, b.recall.recency_half_life_days);
  EXPECT_DOUBLE_EQ(a.recall.bm25_k1, b.recall.bm25_k1);
  EXPECT_DOUBLE_EQ(a.recall.bm25_b, b.recall.bm25_b);
  EXPECT_EQ(a.recall.stop_words, b.recall.stop_words);
  EXPECT_DOUBLE_EQ(a.recall.weight_vector, b.recall.weight_vector);
  EXPECT_DOUBLE_EQ(a.recall.weight_time, b.recall.weight_time);
  EXPECT_EQ(a.recall.fusion, b.recall.fusion);
  EXPECT_DOUBLE_EQ(a.recall.rrf_k, b.recall.rrf_k);
  EXPECT_EQ(a.recall.vector_candidates, b.recall.vector_candidates);
  EXPECT_DOUBLE_EQ(a.recall.similarity_floor, b.recall.similarity_floor);
  EXPECT_DOUBLE_EQ(a.recall.min_relevance, b.recall.min_relevance);
  EXPECT_DOUBLE_EQ(a.recall.min_score_ratio, b.recall.min_score_ratio);
  EXPECT_DOUBLE_EQ(a.recall.weight_context, b.recall.weight_context);
  EXPECT_EQ(a.recall.context_radius, b.recall.context_radius);
  EXPECT_EQ(a.recall.context_parents, b.recall.context_parents);
  EXPECT_DOUBLE_EQ(a.recall.min_relevance_known_name, b.recall.min_relevance_known_name);
  EXPECT_DOUBLE_EQ(a.recall.min_relevance_unknown_name, b.recall.min_relevance_unknown_name);
  EXPECT_DOUBLE_EQ(a.recall.weight_answer, b.recall.weight_answer);
  EXPECT_DOUBLE_EQ(a.recall.weight_agent, b.recall.weight_agent);
  EXPECT_DOUBLE_EQ(a.recall.weight_asks, b.recall.weight_asks);
  EXPECT_DOUBLE_EQ(a.recall.weight_when, b.recall.weight_when);
  EXPECT_DOUBLE_EQ(a.recall.confidence_weight, b.recall.confidence_weight);
  EXPECT_DOUBLE_EQ(a.recall.candidate_weight, b.recall.candidate_weight);
  EXPECT_DOUBLE_EQ(a.recall.mmr_lambda, b.recall.mmr_lambda);
  EXPECT_EQ(a.scope.default_workspace, b.scope.default_workspace);
  EXPECT_EQ(a.server.host, b.server.host);
  EXPECT_EQ(a.server.port, b.server.port);
  EXPECT_EQ(a.server.threads, b.server.threads);
  EXPECT_EQ(a.server.max_body_bytes, b.server.max_body_bytes);
  EXPECT_EQ(a.server.read_timeout_ms, b.server.read_timeout_ms);
  EXPECT_EQ(a.server.sse_keepalive_ms, b.server.sse_keepalive_ms);
  EXPECT_EQ(a.server.allowed_hosts, b.server.allowed_hosts);
  EXPECT_EQ(a.server.allowed_origins, b.server.allowed_origins);
  EXPECT_EQ(a.audit.enabled, b.audit.enabled);
  EXPECT_EQ(a.audit.path, b.audit.path);
  EXPECT_EQ(a.audit.max_bytes, b.audit.max_bytes);
  EXPECT_EQ(a.audit.max_files, b.audit.max_files);
  EXPECT_EQ(a.capture.enabled, b.capture.enabled);
  EXPECT_EQ(a.capture.hook_timeout_ms, b.capture.hook_timeout_ms);
  EXPECT_EQ(a.capture.spool_max_mb, b.capture.spool_max_mb);
  EXPECT_EQ(a.capture.max_event_bytes, b.capture.max_event_bytes);
  EXPECT_EQ(a.capture.queue_size, b.capture.queue_size);
  EXPECT_EQ(a.capture.context_bytes, b.capture.context_bytes);
  EXPECT_EQ(a.capture.max_lessons, b.capture.max_lessons);
  EXPECT_EQ(a.capture.archive, b.capture.archive);
  EXPECT_EQ(a.capture.stale_session_minutes, b.capture.stale_session_minutes);
  EXPECT_EQ(a.embedding.provider, b.embedding.provider);
  EXPECT_EQ(a.embedding.model_dir, b.embedding.model_dir);
  EXPECT_EQ(a.embedding.url, b.embedding.url);
  EXPECT_EQ(a.embedding.model, b.embedding.model);
  EXPECT_EQ(a.embedding.api_key, b.embedding.api_key);
  EXPECT_EQ(a.embedding.dimensions, b.embedding.dimensions);
  EXPECT_EQ(a.embedding.batch_size, b.embedding.batch_size);
  EXPECT_EQ(a.embedding.timeout_ms, b.embedding.timeout_ms);
  EXPECT_EQ(a.vector.hnsw_threshold, b.vector.hnsw_threshold);
  EXPECT_EQ(a.vector.hnsw_m, b.vector.hnsw_m);
  EXPECT_EQ(a.vector.hnsw_ef_construction, b.vector.hnsw_ef_construction);
  EXPECT_EQ(a.vector.hnsw_ef_search, b.vector.hnsw_ef_search);
  EXPECT_EQ(a.vector.quantize, b.vector.quantize);
  EXPECT_EQ(a.hygiene.near_duplicates, b.hygiene.near_duplicates);
  EXPECT_DOUBLE_EQ(a.hygiene.min_jaccard, b.hygiene.min_jaccard);
  EXPECT_EQ(a.hygiene.min_jaccard_words, b.hygiene.min_jaccard_words);
  EXPECT_EQ(a.hygiene.min_contained_words, b.hygiene.min_contained_words);
  EXPECT_DOUBLE_EQ(a.hygiene.min_contained_ratio, b.hygiene.min_contained_ratio);
  EXPECT_DOUBLE_EQ(a.hygiene.min_cosine, b.hygiene.min_cosine);
  EXPECT_EQ(a.hygiene.candidates, b.hygiene.candidates);
  EXPECT_DOUBLE_EQ(a.hygiene.consolidate_threshold, b.hygiene.consolidate_threshold);
  EXPECT_EQ(a.hygiene.consolidate_max_memories, b.hygiene.consolidate_max_memories);
  EXPECT_EQ(a.decay.after_days, b.decay.after_days);
  EXPECT_EQ(a.decay.kinds, b.decay.kinds);
  EXPECT_DOUBLE_EQ(a.decay.cold_threshold, b.decay.cold_threshold);
  EXPECT_DOUBLE_EQ(a.decay.access_weight, b.decay.access_weight);
  EXPECT_DOUBLE_EQ(a.decay.access_decay, b.decay.access_decay);
  EXPECT_EQ(a.sources.size(), b.sources.size());
}

TEST(ParseConfigTextTest, EmptyFileGivesDefaults) {
  Result<Config> c = ParseConfigText("", "test.toml", MapEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectSameConfig(*c, Config{});
}

TEST(ParseConfigTextTest, ExampleFileHasEveryKeyAtItsDefault) {
  fs::path example = RepoRoot() / "docs/memex.example.toml";
  std::string text = Slurp(example);
  ASSERT_FALSE(text.empty()) << example;
  Result<Config> c = ParseConfigText(text, example.string(), MapEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ExpectSameConfig(*c, Config{});
  for (const std::string& key : AllKeys()) {
    std::string leaf = key.substr(key.rfind('.') + 1);
    EXPECT_NE(text.find(leaf), std::string::npos) << "example does not mention " << key;
  }
}

TEST(ParseConfigTextTest, DocsDescribeEveryKey) {
  std::string doc = Slurp(RepoRoot() / "docs/configuration.md");
  ASSERT_FALSE(doc.empty());
  for (const std::string& key : AllKeys()) {
    EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << "docs miss " << key;
  }
}

// Giving each documented key a value of the wrong type must fail on that key (not as unknown),
// which proves the loader reads every documented key.
TEST(ParseConfigTextTest, LoaderKnowsEveryDocumentedKey) {
  for (const std::string& key : AllKeys()) {
    size_t dot = key.find('.');
    std::string toml = dot == std::string::npos ? key + " = {x = 1}\n"
                                                : "[" + key.substr(0, dot) + "]\n" +
                                                      key.substr(dot + 1) + " = {x = 1}\n";
    Result<Config> c = ParseConfigText(toml, "t.toml", MapEnv({}));
    ASSERT_FALSE(c.ok()) << key;
    EXPECT_NE(c.status().message().find("t.toml: " + key + ": expected"), std::string::npos)
        << c.status().message();
  }
}

TEST(ParseConfigTextTest, DecayTableIsReadAndValidated) {
  Result<Config> c = ParseConfigText(
      "[decay]\nafter_days = 90\nkinds = [\"Episode\", \"fact\"]\ncold_threshold = 0.5\n"
      "access_weight = 0\naccess_decay = 0.1\n",
      "t.toml", MapEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->decay.after_days, 90);
  EXPECT_EQ(c->decay.kinds, (std::vector<std::string>{"episode", "fact"}));
  EXPECT_DOUBLE_EQ(c->decay.cold_threshold, 0.5);
  EXPECT_DOUBLE_EQ(c->decay.access_weight, 0);
  EXPECT_DOUBLE_EQ(c->decay.access_decay, 0.1);
  const struct {
    const char* toml;
    const char* want;
  } bad[] = {
      {"[decay]\nafter_days = 0\n", "decay.after_days: must be between 1 and 36500, got 0"},
      {"[decay]\nkinds = []\n", "decay.kinds: must name at least one kind"},
      {"[decay]\nkinds = [\"episod\"]\n", "decay.kinds: unknown kind 'episod'"},
      {"[decay]\ncold_threshold = 0\n", "decay.cold_threshold: must be"},
      {"[decay]\ncold_threshold = 1.5\n", "decay.cold_threshold: must be"},
      {"[decay]\naccess_decay = -1\n", "decay.access_decay: must be between 0 and 10"},
  };
  for (const auto& b : bad) {
    Result<Config> r = ParseConfigText(b.toml, "t.toml", MapEnv({}));
    ASSERT_FALSE(r.ok()) << b.toml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(b.want), std::string::npos) << r.status().message();
  }
}

TEST(ParseConfigTextTest, OpenAiProviderNeedsUrlAndModel) {
  Result<Config> no_url =
      ParseConfigText("[embedding]\nprovider = \"openai\"\nmodel = \"m\"\n", "t.toml", MapEnv({}));
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.status().message().find("embedding.url: is required"), std::string::npos)
      << no_url.status().message();
  Result<Config> no_model =
      ParseConfigText("[embedding]\nprovider = \"openai\"\nurl = \"http://127.0.0.1:1/v1\"\n",
                      "t.toml", MapEnv({}));
  ASSERT_FALSE(no_model.ok());
  EXPECT_NE(no_model.status().message().find("embedding.model: is required"), std::string::npos);
  Result<Config> key = ParseConfigText(
      "[embedding]\nprovider = \"openai\"\nurl = \"http://h/v1\"\nmodel = \"m\"\n"
      "api_key = \"${K}\"\n",
      "t.toml", MapEnv({{"K", "sk-test"}}));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->embedding.api_key, "sk-test");
  Result<Config> bad = ParseConfigText("[vector]\nquantize = \"int4\"\n", "t.toml", MapEnv({}));
  EXPECT_FALSE(bad.ok());
}

TEST(ParseConfigTextTest, ReadsEveryKey) {
  const std::string toml = R"(
data_dir = "/srv/memex"
[log]
level = "debug"
[storage]
engine = "sqlite"
durability = "full"
busy_timeout_ms = 100
cache_size_mb = 8
mmap_size_mb = 128
[limits]
max_content_bytes = 1000
max_tags = 3
max_tag_bytes = 10
max_batch = 7
[redaction]
enabled = false
disable = ["aws_key", "jwt"]
[[redaction.rules]]
name = "ticket"
pattern = 'INC-\d+'
[[redaction.rules]]
name = "host"
pattern = '([a-z]+)\.corp$'
replacement = '\1.[host]'
[recall]
default_limit = 5
max_limit = 50
candidate_cap = 100
ident_cap = 20
weight_text = 0.5
weight_exact = 0.3
weight_recency = 0.2
recency_half_life_days = 7
bm25_k1 = 1.5
bm25_b = 0.5
stop_words = false
[scope]
default_workspace = "team-a"
)";
  Result<Config> r = ParseConfigText(toml, "t.toml", MapEnv({}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = *r;
  EXPECT_EQ(c.data_dir, "/srv/memex");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.storage.durability, "full");
  EXPECT_EQ(c.storage.busy_timeout_ms, 100);
  EXPECT_EQ(c.storage.cache_size_mb, 8);
  EXPECT_EQ(c.storage.mmap_size_mb, 128);
  EXPECT_EQ(c.limits.max_content_bytes, 1000);
  EXPECT_EQ(c.limits.max_tags, 3);
  EXPECT_EQ(c.limits.max_tag_bytes, 10);
  EXPECT_EQ(c.limits.max_batch, 7);
  EXPECT_FALSE(c.redaction.enabled);
  EXPECT_EQ(c.redaction.disable, (std::vector<std::string>{"aws_key", "jwt"}));
  ASSERT_EQ(c.redaction.rules.size(), 2u);
  EXPECT_EQ(c.redaction.rules[0].name, "ticket");
  EXPECT_EQ(c.redaction.rules[0].pattern, R"(INC-\d+)");
  EXPECT_EQ(c.redaction.rules[0].replacement, "");
  EXPECT_EQ(c.redaction.rules[1].pattern, R"(([a-z]+)\.corp$)");
  EXPECT_EQ(c.redaction.rules[1].replacement, R"(\1.[host])");
  EXPECT_EQ(c.recall.default_limit, 5);
  EXPECT_EQ(c.recall.max_limit, 50);
  EXPECT_EQ(c.recall.candidate_cap, 100);
  EXPECT_EQ(c.recall.ident_cap, 20);
  EXPECT_DOUBLE_EQ(c.recall.weight_text, 0.5);
  EXPECT_DOUBLE_EQ(c.recall.weight_exact, 0.3);
  EXPECT_DOUBLE_EQ(c.recall.weight_recency, 0.2);
  EXPECT_DOUBLE_EQ(c.recall.recency_half_life_days, 7);
  EXPECT_DOUBLE_EQ(c.recall.bm25_k1, 1.5);
  EXPECT_DOUBLE_EQ(c.recall.bm25_b, 0.5);
  EXPECT_FALSE(c.recall.stop_words);
  EXPECT_EQ(c.scope.default_workspace, "team-a");
}

TEST(ParseConfigTextTest, ReadsSources) {
  Result<Config> c = ParseConfigText(R"(
[[sources]]
name = "notes"
root = "/srv/notes"
include = ["**/*.md"]
exclude = ["private/**"]
uri_scheme = "memory"
auto_tags = { "decisions/**" = ["decision", "adr"] }
writable = true
write_paths = ["memory://notes/*.md"]
write_mode = "any"
max_entry_size = 0

[[sources]]
name = "docs"
root = "/srv/docs"
uri_scheme = "docs"
)",
                                     "t.toml", MapEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->sources.size(), 2u);
  const SourceConfig& s = c->sources[0];
  EXPECT_EQ(s.name, "notes");
  EXPECT_EQ(s.type, "filesystem");
  EXPECT_EQ(s.root, "/srv/notes");
  EXPECT_EQ(s.include, std::vector<std::string>{"**/*.md"});
  EXPECT_EQ(s.exclude, std::vector<std::string>{"private/**"});
  EXPECT_EQ(s.uri_scheme, "memory");
  ASSERT_EQ(s.auto_tags.size(), 1u);
  EXPECT_EQ(s.auto_tags[0].glob, "decisions/**");
  EXPECT_EQ(s.auto_tags[0].tags, (std::vector<std::string>{"decision", "adr"}));
  EXPECT_TRUE(s.writable);
  EXPECT_EQ(s.write_paths, std::vector<std::string>{"memory://notes/*.md"});
  EXPECT_EQ(s.write_mode, "any");
  EXPECT_EQ(s.max_entry_size, 2000);  // 0 means the default
  EXPECT_FALSE(c->sources[1].writable);
  EXPECT_EQ(c->sources[1].write_mode, "append");
}

TEST(ParseConfigTextTest, RejectsBadSources) {
  const std::pair<std::string, std::string> cases[] = {
      {"[[sources]]\nroot = '/x'\nuri_scheme = 'a'\n", "sources[0].name: is required"},
      {"[[sources]]\nname = 'a'\nuri_scheme = 'a'\n", "sources[0].root: is required"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\n", "sources[0].uri_scheme: is required"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\nuri_scheme = 'a'\ntype = 'http'\n",
       "sources[0].type: must be one of filesystem"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\nuri_scheme = 'a'\nwrite_mode = 'x'\n",
       "sources[0].write_mode: must be one of append | any"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\nuri_scheme = 'a b'\n",
       "sources[0].uri_scheme: 'a b' is not a URI scheme"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\nuri_scheme = 'memex'\n",
       "'memex' is memex's own store"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\nuri_scheme = 'a'\n"
       "[[sources]]\nname = 'a'\nroot = '/y'\nuri_scheme = 'b'\n",
       "sources[1].name: duplicate source name"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\nuri_scheme = 'a'\nauto_tags = { 'x' = 1 }\n",
       "sources[0].auto_tags.x: expected an array of strings"},
      {"[[sources]]\nname = 'a'\nroot = '/x'\nuri_scheme = 'a'\nrot = 1\n",
       "unknown key 'sources[0].rot'"},
  };
  for (const auto& [toml, want] : cases) {
    Result<Config> c = ParseConfigText(toml, "t.toml", MapEnv({}));
    ASSERT_FALSE(c.ok()) << toml;
    EXPECT_NE(c.status().message().find(want), std::string::npos) << c.status().message();
  }
}

TEST(ParseConfigTextTest, ExpandsEnvironmentVariables) {
  struct Case {
    std::string value;  // TOML string body for log.level-free key data_dir
    std::string want;
  };
  EnvFn env = MapEnv({{"ROOT", "/srv"}, {"EMPTY", ""}, {"NAME", "mx"}});
  const std::vector<Case> cases = {
      {"${ROOT}/memex", "/srv/memex"},
      {"${ROOT}/${NAME}", "/srv/mx"},
      {"${UNSET:-/fallback}", "/fallback"},
      {"${EMPTY:-/fallback}", "/fallback"},
      {"${ROOT:-/fallback}", "/srv"},
      {"/a$$b", "/a$b"},
      {"/price$5/x$", "/price$5/x$"},  // a lone '$' is literal
      {"${UNSET:-}/x", "/x"},
  };
  for (const Case& c : cases) {
    Result<Config> r = ParseConfigText("data_dir = '" + c.value + "'", "t.toml", env);
    ASSERT_TRUE(r.ok()) << c.value << ": " << r.status().ToString();
    EXPECT_EQ(r->data_dir, c.want) << c.value;
  }
  Result<Config> r = ParseConfigText("[redaction]\ndisable = ['${NAME}_x']\n", "t.toml", env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->redaction.disable, std::vector<std::string>{"mx_x"});
}

TEST(ParseConfigTextTest, ErrorsNameTheFileKeyAndLine) {
  struct Case {
    std::string toml;
    std::vector<std::string> want;  // substrings of the message
  };
  const std::vector<Case> cases = {
      {"[recall]\nwieght_text = 0.5\n",
       {"t.toml: unknown key 'recall.wieght_text' at line 2",
        "did you mean 'recall.weight_text'?"}},
      {"[storage]\ndata_dir = '/x'\n",
       {"unknown key 'storage.data_dir'", "did you mean 'data_dir'?"}},
      {"[recal]\nx = 1\n", {"unknown key 'recal'", "did you mean 'recall'?"}},
      {"colour = 'red'\n", {"unknown key 'colour'"}},
      {"[log]\nlevel = 'info'\nformat = 'json'\n", {"unknown key 'log.format' at line 3"}},
      {"[[redaction.rules]]\nname = 'a'\npattern = 'b'\nnmae = 'c'\n",
       {"unknown key 'redaction.rules[0].nmae'", "did you mean 'redaction.rules[0].name'?"}},
      {"[storage]\ndurability = 'fast'\n",
       {"t.toml: storage.durability: must be one of normal | full, got 'fast' (line 2)"}},
      {"[storage]\nengine = 'postgres'\n", {"storage.engine: must be one of sqlite"}},
      {"[log]\nlevel = 'verbose'\n", {"log.level: must be one of debug | info"}},
      {"[limits]\nmax_tags = -1\n", {"limits.max_tags: must be between 0 and"}},
      {"[limits]\nmax_batch = 0\n", {"limits.max_batch: must be between 1 and"}},
      {"[storage]\nbusy_timeout_ms = 99999999999\n", {"storage.busy_timeout_ms: must be"}},
      {"[storage]\nbusy_timeout_ms = '5000'\n",
       {"storage.busy_timeout_ms: expected an integer, got a string"}},
      {"[storage]\nbusy_timeout_ms = 5.5\n", {"expected an integer, got a float"}},
      {"[recall]\nweight_text = 1.5\n", {"recall.weight_text: must be between 0 and 1, got 1.5"}},
      {"[recall]\nweight_exact = -0.1\n", {"recall.weight_exact: must be between 0 and 1"}},
      {"[recall]\nbm25_b = nan\n", {"recall.bm25_b: must be between 0 and 1"}},
      {"[recall]\nbm25_k1 = inf\n", {"recall.bm25_k1: must be at least 0"}},
      {"[recall]\nrecency_half_life_days = 0\n",
       {"recall.recency_half_life_days: must be greater than 0"}},
      {"[recall]\ndefault_limit = 300\n",
       {"recall.default_limit: must not exceed recall.max_limit (300 > 200)"}},
      {"[recall]\nstop_words = 'yes'\n", {"recall.stop_words: expected a boolean"}},
      {"[redaction]\ndisable = 'aws_key'\n", {"redaction.disable: expected an array of strings"}},
      {"[redaction]\ndisable = [1]\n", {"redaction.disable: expected an array of strings"}},
      {"[redaction]\nrules = [1]\n", {"redaction.rules: expected an array of tables"}},
      {"[[redaction.rules]]\nname = 'a'\n", {"redaction.rules[0].pattern: is required"}},
      {"[[redaction.rules]]\npattern = 'a'\n", {"redaction.rules[0].name: is required"}},
      {"[[redaction.rules]]\nname = 'a b'\npattern = 'x'\n",
       {"redaction.rules[0].name: invalid rule name 'a b'"}},
      {"[[redaction.rules]]\nname = 'a'\npattern = ''\n",
       {"redaction.rules[0].pattern: must not be empty"}},
      {"[scope]\ndefault_workspace = 'My Team'\n",
       {"scope.default_workspace: invalid workspace 'My Team'"}},
      {"data_dir = ''\n", {"t.toml: data_dir: must not be empty"}},
      {"storage = 5\n", {"t.toml: storage: expected a table ([storage]), got an integer"}},
      {"data_dir = '${MEMEX_ROOT}/x'\n",
       {"t.toml: data_dir: environment variable 'MEMEX_ROOT' is not set"}},
      {"data_dir = '${1BAD}'\n", {"data_dir: invalid environment variable reference '${1BAD}'"}},
      {"data_dir = '${OPEN'\n", {"data_dir: unterminated '${'"}},
      {"[storage\nengine = 'sqlite'\n", {"t.toml:1:", "invalid TOML"}},
      {"[log]\nlevel = 'info'\nlevel = 'warn'\n", {"t.toml:3:", "invalid TOML"}},
      {"data_dir = \"\xff\"\n", {"t.toml:1:", "invalid TOML"}},
  };
  for (const Case& c : cases) {
    Result<Config> r = ParseConfigText(c.toml, "t.toml", MapEnv({}));
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    for (const std::string& w : c.want) {
      EXPECT_NE(r.status().message().find(w), std::string::npos)
          << "want '" << w << "' in: " << r.status().message();
    }
  }
}

// Mutated copies of the example file: each parses or fails with kInvalidArgument; nothing
// throws or crashes.
TEST(ParseConfigTextTest, SurvivesMutatedInput) {
  const std::string example = Slurp(RepoRoot() / "docs/memex.example.toml");
  ASSERT_FALSE(example.empty());
  std::mt19937 rng(7);
  const std::string alphabet = "[]{}=\"'.,#$\\\n -_01aZ\xff\xc3";
  for (int iter = 0; iter < 1000; ++iter) {
    std::string text = example;
    for (int m = 0; m < 1 + static_cast<int>(rng() % 4); ++m) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    Result<Config> r = ParseConfigText(text, "fuzz.toml", MapEnv({}));
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(r.status().message().rfind("fuzz.toml", 0), 0u) << r.status().message();
    }
  }
}

TEST(ParseConfigTextTest, TableHeaderWithoutANameIsAnErrorNotACrash) {
  for (const char* text : {"[\n", "[ # note\n", "[[\n", "a = 1\n[\t\n"}) {
    Result<Config> r = ParseConfigText(text, "t.toml", MapEnv({}));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("invalid TOML"), std::string::npos);
  }
}

TEST(ParseConfigTextTest, ReportsAllUnknownKeysInDocumentOrder) {
  Result<Config> r = ParseConfigText("zeta = 1\n[recall]\nalpha = 2\n", "t.toml", MapEnv({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "t.toml: unknown key 'zeta' at line 1; unknown key 'recall.alpha' at line 3");
}

TEST(ParseConfigTextTest, ClientIsNotAFileKey) {
  Result<Config> r = ParseConfigText("[client]\nserver_url = 'http://x'\n", "t.toml", MapEnv({}));
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace memex
