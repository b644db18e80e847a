// Config: every setting memex reads, with its default. docs/configuration.md documents each key
// of the TOML file (one line per field below); an unknown key is an error that names it.
// This folder is the only place that reads environment variables.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memex {

struct StorageConfig {
  std::string engine = "sqlite";  // storage.engine: "sqlite" (PostgreSQL comes later)
  // storage.durability: "normal" = WAL + synchronous=NORMAL (a committed write survives a
  // process crash; the last transactions may be lost on power failure), "full" =
  // synchronous=FULL (also survives power loss; slower writes).
  std::string durability = "normal";
  int busy_timeout_ms = 5000;  // storage.busy_timeout_ms: wait this long for another writer
  int cache_size_mb = 64;      // storage.cache_size_mb: SQLite page cache per connection
  int read_connections = 4;    // storage.read_connections: reads running at once (more wait)
  int mmap_size_mb = 0;        // storage.mmap_size_mb: memory-mapped I/O window (0 = off; off is
                               // faster for recall in WAL mode, see docs/benchmarks.md)
};

struct LimitsConfig {
  int max_content_bytes = 32768;  // limits.max_content_bytes: larger content is rejected
  int max_tags = 50;              // limits.max_tags: per memory
  int max_tag_bytes = 64;         // limits.max_tag_bytes: per tag
  int max_batch = 10000;          // limits.max_batch: memories per batch write
};

struct RedactionRuleConfig {
  std::string name;         // shown as [REDACTED:<name>]
  std::string pattern;      // RE2 syntax
  std::string replacement;  // default "[REDACTED:<name>]"; may use \1 for groups
};

struct RedactionConfig {
  bool enabled = true;                     // redaction.enabled: scrub secrets before storing
  std::vector<std::string> disable;        // redaction.disable: built-in rule names to turn off
  std::vector<RedactionRuleConfig> rules;  // [[redaction.rules]]: extra rules, applied after
};

struct RecallConfig {
  int default_limit = 10;     // recall.default_limit
  int max_limit = 200;        // recall.max_limit: larger --limit is clamped with a warning
  int candidate_cap = 1000;   // recall.candidate_cap: documents examined per query (bounds latency)
  int ident_cap = 2000;       // recall.ident_cap: identifiers in more documents carry no signal
  double weight_text = 0.60;  // recall.weight_text: BM25 channel weight
  double weight_exact = 0.25;    // recall.weight_exact: exact-identifier channel weight
  double weight_recency = 0.15;  // recall.weight_recency: recency channel weight
  double weight_vector = 0.60;   // recall.weight_vector: semantic (embedding) channel weight
  // recall.weight_time: the time channel (a memory written in the period the query names)
  double weight_time = 0.30;
  // recall.fusion: "weighted" (sum of weighted normalised channel scores) or "rrf" (weighted
  // reciprocal rank fusion, rank-based: sum of weight / (rrf_k + rank))
  std::string fusion = "weighted";
  double rrf_k = 60;  // recall.rrf_k: RRF's rank offset
  // recall.vector_candidates: memories the vector channel contributes per query
  int vector_candidates = 100;
  // recall.similarity_floor: cosine at or below which the vector channel counts 0 (it rises
  // linearly to 1 at cosine 1); unrelated texts score up to about 0.3 with USE-Lite
  double similarity_floor = 0.2;
  // Relevance gate (with the vector channel only): recall answers "nothing relevant" (no hits)
  // unless some candidate's cosine similarity plus its coverage of the query's IDF mass (plus
  // weight_time when it was written in the period the query names) reaches
  // recall.min_relevance, or a candidate contains one of the query's identifiers. This is what
  // keeps an injecting client from stuffing noise into prompts. 0 = no gate.
  double min_relevance = 0.75;  // recall.min_relevance (0-2)
  // The bar moves with the names the query uses (retrieval/query_names.h): when some name is
  // found in the searched scopes and at most as many are missing, min_relevance_known_name applies;
  // when every name is missing from them, recall.min_relevance_unknown_name (a query about
  // someone or something that is not there needs an identifier or near-verbatim evidence).
  double min_relevance_known_name = 0.5;
  double min_relevance_unknown_name = 1.2;
  // recall.min_score_ratio: a candidate scoring under this share of the best one is dropped
  // (0 = keep every candidate)
  double min_score_ratio = 0.35;
  // Session context: a memory written next to a strong hit in the same session (a reply to the
  // question that matched, the turn before it) gains weight_context * that hit's score / distance,
  // up to context_radius memories away, from the best context_parents hits.
  double weight_context = 0.5;  // recall.weight_context (0 = off)
  int context_radius = 2;       // recall.context_radius
  int context_parents = 20;     // recall.context_parents
  // recall.weight_answer: the memory written right after a hit that asks a question (its
  // reply) gains weight_answer * the hit's score instead of the weight_context share
  double weight_answer = 0.8;
  // recall.weight_agent: a memory whose agent (author) the query names ("what did codex
  // change", "what does Caroline like") gains this much
  double weight_agent = 0.35;
  // recall.weight_asks: a memory whose last sentence is a question loses this much (it seldom
  // holds the answer; its reply gains through weight_answer)
  double weight_asks = 0.15;
  // recall.weight_when: when the query asks for a time ("when did we ..."), a memory that
  // states one ("last week", "on 3 May") gains this much
  double weight_when = 0.3;
  // recall.confidence_weight: scores are multiplied by 1 - w + w * confidence (0 = ignore
  // confidence); recall.candidate_weight: and by this for memories still candidates
  double confidence_weight = 0.5;
  double candidate_weight = 0.75;
  // recall.mmr_lambda: MMR diversity over the page (with embeddings): each next hit maximises
  // lambda * relevance - (1 - lambda) * its similarity to the hits above it. 1 = off.
  double mmr_lambda = 1.0;
  double recency_half_life_days = 30;  // recall.recency_half_life_days
  double bm25_k1 = 1.0;                // recall.bm25_k1 (tuned on LoCoMo, docs/benchmarks.md)
  double bm25_b = 0.15;    // recall.bm25_b: low, short notes need little length normalisation
  bool stop_words = true;  // recall.stop_words: drop English stop words from queries
  // recall.cache_entries: answers kept for repeated identical recalls, dropped as soon as a
  // memory in the searched scopes changes (0 = no cache)
  int cache_entries = 4096;
  int cache_ttl_ms = 60000;  // recall.cache_ttl_ms: an answer is recomputed after this long
  int cache_max_mb = 64;     // recall.cache_max_mb: memory the cached answers may take
};

struct ScopeConfig {
  std::string default_workspace = "default";  // scope.default_workspace
};

struct ServerConfig {
  std::string host = "127.0.0.1";  // server.host: bind address (non-loopback needs auth.mode)
  int port = 7700;                 // server.port: TCP port (0 = any free port)
  int threads = 64;              // server.threads: worker threads; every open SSE stream holds one
  int max_body_bytes = 4 << 20;  // server.max_body_bytes: larger request bodies answer 413
  int read_timeout_ms = 30000;   // server.read_timeout_ms: per read, and per whole request
  int sse_keepalive_ms = 15000;  // server.sse_keepalive_ms: idle SSE streams get a comment
  // server.session_idle_ms: an MCP session unused this long, with no stream open, is reclaimed
  int session_idle_ms = 30 * 60 * 1000;
  // server.allowed_hosts: Host header names accepted (any port); DNS-rebinding protection.
  std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1", "[::1]"};
  // server.allowed_origins: Origin values accepted besides loopback origins (exact match).
  std::vector<std::string> allowed_origins;
  // server.rate_limit_per_sec: requests per second per authenticated principal (token or
  // trusted-header user; 0 = unlimited); auth.mode "none" is never limited.
  int rate_limit_per_sec = 100;
  int rate_limit_burst = 200;  // server.rate_limit_burst: requests allowed at once above the rate
};

struct AuthConfig {
  // auth.mode: "none" (no credentials; loopback binds only), "bearer" (tokens from `memex token
  // create`), "trusted_header" (a reverse proxy names the user in a header).
  std::string mode = "none";
  std::string trusted_header = "X-Forwarded-User";  // auth.trusted_header: the header's name
  // auth.trusted_proxies: peer addresses whose header is believed (exact match).
  std::vector<std::string> trusted_proxies = {"127.0.0.1", "::1"};
  std::string trusted_role = "write";               // auth.trusted_role: role of such users
  std::vector<std::string> trusted_scopes = {"*"};  // auth.trusted_scopes: their scope patterns
};

struct AuditConfig {
  bool enabled = true;  // audit.enabled: one JSONL line per tool call (docs/audit.md)
  std::string path;     // audit.path: "" = <data_dir>/audit/audit.jsonl; relative = under data_dir
  int max_bytes = 10 << 20;  // audit.max_bytes: rotate before the file would pass this (0 = never)
  int max_files = 5;         // audit.max_files: rotated files kept (audit.jsonl.1 .. .N)
};

// Capture (SPEC §7, docs/capture.md): the hook command, the server's hook queue, and what a new
// session is given.
struct CaptureConfig {
  bool enabled = true;  // capture.enabled: false = hooks print {} and store nothing
  // capture.hook_timeout_ms: how long `memex hook` waits for the server before spooling
  int hook_timeout_ms = 300;
  int spool_max_mb = 64;  // capture.spool_max_mb: events beyond this are dropped and counted
  // capture.max_event_bytes: an event's payload is cut to this (long strings first)
  int max_event_bytes = 65536;
  int queue_size = 1024;  // capture.queue_size: events the server holds; more answer 429
  // capture.context_bytes: handoff + briefing given at start (at most 9000: Claude Code shows a
  // context of 10,000 characters or more only as a preview)
  int context_bytes = 4000;
  int max_lessons = 5;  // capture.max_lessons: lessons shown before one tool call
  bool archive = true;  // capture.archive: keep each session's events as JSONL.gz
  // capture.stale_session_minutes: a session with no event for this long and no SessionEnd (the
  // agent was killed) is ended when a new session starts in its scope, so its handoff is not
  // lost (0 = never)
  int stale_session_minutes = 120;
};

// Embeddings (SPEC §6, docs/retrieval.md): which model turns text into vectors. Every vector is
// stored with its model id; changing the model re-embeds in the background (`memex reindex`).
struct EmbeddingConfig {
  // embedding.provider: "local" (USE-Lite, run in-process), "openai" (any OpenAI-compatible
  // /v1/embeddings endpoint: OpenAI, Ollama, LM Studio, llama.cpp server, vLLM), "none"
  std::string provider = "local";
  // embedding.model_dir: the local model's files; relative = under data_dir; "" = the usual
  // places (docs/retrieval.md, "Embeddings")
  std::string model_dir;
  std::string url;         // embedding.url: the API's base URL, e.g. http://127.0.0.1:11434/v1
  std::string model;       // embedding.model: model name sent to the endpoint
  std::string api_key;     // embedding.api_key: bearer key ("" = none), e.g. "${OPENAI_API_KEY}"
  int dimensions = 0;      // embedding.dimensions: asked of the endpoint (0 = the model's own)
  int batch_size = 32;     // embedding.batch_size: texts per call to the embedder
  int timeout_ms = 10000;  // embedding.timeout_ms: per call to a remote endpoint
  // Not a TOML key: where the local model is looked for, in order (LoadConfig fills it from
  // model_dir, $MEMEX_MODEL_DIR, data_dir and $XDG_CACHE_HOME).
  std::vector<std::string> model_search;
};

// The vector index over stored embeddings (docs/retrieval.md, "Vector search").
struct VectorConfig {
  // vector.hnsw_threshold: a scope with more vectors than this is searched through an HNSW
  // index; smaller ones by an exact scan
  int hnsw_threshold = 20000;
  int hnsw_m = 16;                 // vector.hnsw_m: links per node
  int hnsw_ef_construction = 200;  // vector.hnsw_ef_construction: build-time candidate list
  int hnsw_ef_search = 96;         // vector.hnsw_ef_search: query-time candidate list
  std::string quantize = "none";   // vector.quantize: "none" (float32) | "int8"
};

// Write-time hygiene (SPEC §6, docs/hygiene.md): near-duplicate detection on store and the
// defaults of `memex consolidate`. The rules are retrieval/near_duplicate.h's.
struct HygieneConfig {
  bool near_duplicates = true;       // hygiene.near_duplicates: look for them on every new memory
  double min_jaccard = 0.92;         // hygiene.min_jaccard: word-set overlap rule
  int min_jaccard_words = 6;         // hygiene.min_jaccard_words: distinct words each side needs
  int min_contained_words = 5;       // hygiene.min_contained_words: containment rule, shorter side
  double min_contained_ratio = 0.8;  // hygiene.min_contained_ratio: shorter / longer, in words
  double min_cosine = 0.95;          // hygiene.min_cosine: embedding rule on store
  int candidates = 20;               // hygiene.candidates: memories compared per new memory
  double consolidate_threshold = 0.9;  // hygiene.consolidate_threshold: `memex consolidate`
  // hygiene.consolidate_max_memories: newest live memories one consolidation examines
  int consolidate_max_memories = 5000;
};

// Decay of stale episodic memories (SPEC §6; service/decay_sweep.h has the rule, docs/cli.md
// "Decay and archive" the commands): `memex decay` archives memories of `kinds` that nobody has
// written or recalled for after_days and whose warmth has fallen below cold_threshold.
struct DecayConfig {
  int after_days = 30;                           // decay.after_days: idle days before decay
  std::vector<std::string> kinds = {"episode"};  // decay.kinds: memory kinds a sweep considers
  double cold_threshold = 0.2;  // decay.cold_threshold: warmth below this is stale (0..1)
  double access_weight = 0.6;   // decay.access_weight: warmth a recall adds (sigma)
  double access_decay = 0.04;   // decay.access_decay: per-day fading of recalls (mu)
};

struct AutoTagConfig {
  std::string glob;               // relative-path glob (doublestar), e.g. "decisions/**"
  std::vector<std::string> tags;  // tags given to files the glob matches
};

// [[sources]]: a searchable, readable (and optionally appendable) tree of files
// (docs/configuration.md, "[[sources]]"). Only type "filesystem" exists so far.
struct SourceConfig {
  std::string name;                      // sources.name: backend name for pf_scan `backends`
  std::string type = "filesystem";       // sources.type: "filesystem"
  std::string root;                      // sources.root: directory; reads never leave it
  std::vector<std::string> include;      // sources.include: relative-path globs ([] = every file)
  std::vector<std::string> exclude;      // sources.exclude: relative-path globs, win over include
  std::string uri_scheme;                // sources.uri_scheme: URIs are <scheme>://<relative path>
  std::vector<AutoTagConfig> auto_tags;  // [[sources.auto_tags]]: glob -> tags
  bool writable = false;                 // sources.writable: pf_poke mode "direct" may append
  std::vector<std::string> write_paths;  // sources.write_paths: full-URI globs writes may target
  std::string write_mode = "append";     // sources.write_mode: "append" (entries) | "any" (+ raw)
  int max_entry_size = 2000;             // sources.max_entry_size: bytes per write (0 = 2000)
};

// Where the memory commands send their requests (docs/cli.md, "Talking to a server"). Not TOML
// keys: set per invocation by --server/--token, else by $MEMEX_SERVER/$MEMEX_TOKEN.
struct ClientConfig {
  std::string server_url;  // --server / $MEMEX_SERVER: "" = use the local data directory
  std::string token;       // --token / $MEMEX_TOKEN: sent as "Authorization: Bearer <token>"
};

struct Config {
  std::string config_path;         // the file that was loaded, "" when none
  std::string data_dir;            // data_dir: default $XDG_DATA_HOME/memex (~/.local/share/memex)
  std::string log_level = "warn";  // log.level: debug | info | warn | error | off
  StorageConfig storage;
  LimitsConfig limits;
  RedactionConfig redaction;
  RecallConfig recall;
  ScopeConfig scope;
  ServerConfig server;
  AuthConfig auth;
  AuditConfig audit;
  CaptureConfig capture;
  EmbeddingConfig embedding;
  VectorConfig vector;
  HygieneConfig hygiene;
  DecayConfig decay;
  // Not from the file: flags and environment only.
  ClientConfig client;
  std::vector<SourceConfig> sources;  // [[sources]]: external sources pf_scan/pf_peek/pf_poke use
};

}  // namespace memex
