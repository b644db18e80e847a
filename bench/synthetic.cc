#include "synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace memex::bench {
namespace {

// The head of the vocabulary, most frequent first. Mostly software words with the English
// function words an agent's notes are full of; the order sets the Zipf rank.
constexpr std::string_view kHeadWords[] = {
    "the",         "use",         "test",
    "build",       "server",      "to",
    "and",         "config",      "in",
    "for",         "error",       "on",
    "file",        "with",        "run",
    "it",          "cache",       "we",
    "request",     "not",         "client",
    "when",        "always",      "database",
    "query",       "never",       "timeout",
    "api",         "after",       "deploy",
    "fails",       "before",      "check",
    "memory",      "path",        "retry",
    "log",         "module",      "release",
    "linux",       "version",     "docker",
    "thread",      "lock",        "index",
    "schema",      "migration",   "ci",
    "branch",      "commit",      "review",
    "merge",       "flaky",       "latency",
    "startup",     "shutdown",    "signal",
    "handler",     "socket",      "port",
    "proxy",       "header",      "tokenizer",
    "session",     "user",        "auth",
    "prompt",      "hash",        "json",
    "yaml",        "toml",        "parser",
    "compiler",    "linker",      "warning",
    "debug",       "release",     "profile",
    "benchmark",   "regression",  "crash",
    "panic",       "leak",        "allocation",
    "buffer",      "stream",      "queue",
    "worker",      "pool",        "batch",
    "chunk",       "page",        "row",
    "column",      "table",       "transaction",
    "rollback",    "snapshot",    "backup",
    "restore",     "archive",     "upload",
    "download",    "image",       "thumbnail",
    "font",        "theme",       "layout",
    "widget",      "button",      "form",
    "input",       "output",      "report",
    "export",      "import",      "package",
    "dependency",  "upgrade",     "downgrade",
    "pin",         "lockfile",    "vendor",
    "plugin",      "extension",   "hook",
    "script",      "job",         "task",
    "cron",        "schedule",    "container",
    "volume",      "network",     "dns",
    "tls",         "certificate", "keymap",
    "sandbox",     "env",         "variable",
    "flag",        "option",      "default",
    "override",    "fallback",    "feature",
    "toggle",      "experiment",  "metric",
    "trace",       "span",        "event",
    "alert",       "dashboard",   "oncall",
    "incident",    "postmortem",  "owner",
    "team",        "customer",    "invoice",
    "order",       "cart",        "price",
    "tax",         "currency",    "locale",
    "timezone",    "date",        "clock",
    "drift",       "skew",        "replica",
    "leader",      "follower",    "shard",
    "partition",   "topic",       "consumer",
    "producer",    "offset",      "commit",
    "ack",         "idempotent",  "duplicate",
    "race",        "deadlock",    "livelock",
    "starvation",  "priority",    "fairness",
    "limit",       "quota",       "budget",
    "cost",        "slow",        "fast",
    "small",       "large",       "empty",
    "null",        "missing",     "stale",
    "fresh",       "valid",       "invalid",
    "broken",      "fixed",       "patched",
    "reverted",    "skipped",     "disabled",
    "enabled",     "deprecated",  "removed",
    "renamed",     "moved",       "split",
    "merged",      "inlined",     "cached",
    "evicted",     "expired",     "refreshed",
    "rotated",     "compacted",   "vacuumed",
    "indexed",     "sorted",      "filtered",
    "paginated",   "encoded",     "decoded",
    "escaped",     "quoted",      "trimmed",
    "normalized",  "validated",   "sanitized",
    "redacted",    "encrypted",   "signed",
    "verified",    "mocked",      "stubbed",
    "faked",       "seeded",      "deterministic",
    "random",      "unicode",     "ascii",
    "utf8",        "newline",     "whitespace",
    "tab",         "bracket",     "comma",
    "semicolon",   "slash",       "backslash",
    "wildcard",    "glob",        "regex",
    "pattern",     "template",    "macro",
    "generic",     "trait",       "interface",
    "struct",      "enum",        "pointer",
    "reference",   "ownership",   "lifetime",
    "borrow",      "move",        "copy",
    "clone",       "arena",       "allocator",
    "heap",        "stack",       "frame",
    "inline",      "virtual",     "override",
    "const",       "static",      "global",
    "singleton",   "factory",     "builder",
    "adapter",     "facade",      "observer",
    "visitor",     "iterator",    "cursor",
    "range",       "slice",       "span",
    "view",        "window",      "viewport",
    "scroll",      "resize",      "click",
    "hover",       "focus",       "keyboard",
    "mouse",       "touch",       "gesture",
    "animation",   "transition",  "render",
    "paint",       "shader",      "gpu",
    "cpu",         "core",        "cycle",
    "instruction", "branch",      "prediction",
    "vector",      "simd",        "avx",
    "neon",        "arm",         "x86",
    "wasm",        "browser",     "node",
    "deno",        "python",      "ruby",
    "golang",      "rust",        "java",
    "kotlin",      "swift",       "cpp",
    "cmake",       "ninja",       "bazel",
    "make",        "gradle",      "maven",
    "npm",         "yarn",        "pip",
    "cargo",       "apt",         "brew",
    "nix",
};

// Function words of the head: filler text uses them, query generators leave them out.
constexpr std::string_view kFunctionWords[] = {"the", "to", "and", "in",   "for",   "on",    "with",
                                               "it",  "we", "not", "when", "after", "before"};

constexpr std::string_view kNouns[] = {
    "config",   "server",   "client",    "request",  "response",   "cache",   "index",
    "store",    "query",    "session",   "user",     "auth",       "router",  "handler",
    "buffer",   "stream",   "socket",    "parser",   "lexer",      "schema",  "migration",
    "table",    "row",      "column",    "page",     "file",       "path",    "dir",
    "log",      "metric",   "trace",     "span",     "event",      "queue",   "worker",
    "thread",   "pool",     "lock",      "timer",    "clock",      "retry",   "backoff",
    "limit",    "quota",    "batch",     "chunk",    "block",      "frame",   "packet",
    "header",   "body",     "payload",   "message",  "channel",    "topic",   "partition",
    "shard",    "replica",  "leader",    "snapshot", "checkpoint", "journal", "ledger",
    "account",  "invoice",  "order",     "cart",     "price",      "image",   "thumbnail",
    "video",    "audio",    "codec",     "font",     "theme",      "layout",  "widget",
    "button",   "form",     "field",     "input",    "output",     "report",  "export",
    "import",   "backup",   "archive",   "bundle",   "package",    "module",  "plugin",
    "hook",     "script",   "job",       "task",     "schedule",   "deploy",  "release",
    "artifact", "registry", "container", "volume",   "network",    "proxy",   "tunnel",
    "cert",     "tenant",   "quorum",    "lease",    "cursor",     "token",   "digest",
    "manifest", "graph",    "node",      "edge",     "tree",       "heap",    "arena",
};

constexpr std::string_view kVerbs[] = {
    "load",     "save",      "parse",   "read",  "write",    "flush",    "open",   "close",
    "init",     "reset",     "build",   "fetch", "send",     "recv",     "encode", "decode",
    "validate", "normalize", "resolve", "merge", "split",    "sort",     "filter", "map",
    "reduce",   "compute",   "render",  "apply", "commit",   "rollback", "retry",  "schedule",
    "cancel",   "drain",     "spawn",   "join",  "lookup",   "insert",   "delete", "update",
    "scan",     "compact",   "refresh", "evict", "register", "dispatch",
};

constexpr std::string_view kTypeSuffixes[] = {
    "Manager",  "Loader",   "Pool",     "Handler",   "Builder", "Cache",   "Client",  "Server",
    "Store",    "Index",    "Parser",   "Writer",    "Reader",  "Queue",   "Factory", "Service",
    "Provider", "Registry", "Resolver", "Scheduler", "Tracker", "Adapter", "Visitor", "Iterator",
};

constexpr std::string_view kDirs[] = {
    "store",   "service", "http",   "cli",    "core",    "base",   "retrieval", "auth",
    "config",  "capture", "wiki",   "mcp",    "sources", "tasks",  "audit",     "codec",
    "redact",  "ui",      "api",    "db",     "net",     "util",   "worker",    "plugins",
    "scripts", "tools",   "deploy", "docker", "infra",   "models", "views",     "handlers",
};

constexpr std::string_view kExts[] = {"cc",   "h",  "py",   "ts",   "go", "rs",
                                      "toml", "md", "yaml", "json", "sh", "sql"};

constexpr std::string_view kErrnos[] = {
    "ENOENT", "EACCES", "EPIPE",      "ECONNRESET", "ETIMEDOUT", "EAGAIN", "EEXIST",       "ENOSPC",
    "EBADF",  "EINVAL", "EADDRINUSE", "ENOMEM",     "EINTR",     "EPERM",  "ECONNREFUSED", "EMFILE",
};

constexpr std::string_view kTags[] = {
    "build", "testing", "db",      "perf",    "security",  "api",     "ui",      "infra",
    "deps",  "docs",    "ci",      "flaky",   "migration", "auth",    "cache",   "logging",
    "net",   "config",  "storage", "release", "oncall",    "tooling", "windows", "macos",
};

constexpr std::string_view kAgents[] = {"claude-code", "codex", "cursor", "gemini-cli"};

// Placeholders: {w} one filler word, {ws} three to six, {path} {snake} {camel} {code} {dotted}
// one identifier of that shape, {ident} any identifier.
struct Template {
  Kind kind;
  std::string_view text;
};

constexpr Template kTemplates[] = {
    {Kind::kDecision,
     "Decided to use {camel} for {ws} in {path}; the old {snake} approach caused {code} under "
     "load."},
    {Kind::kDecision,
     "We use {dotted} instead of {ws} because the {w} build broke on the {w} server."},
    {Kind::kDecision, "Decision: keep {ws} behind {camel}, {ws}; revisit when {snake} lands."},
    {Kind::kConvention,
     "Tests for {ws} live in {path}; name them {snake}_test and run them in the {w} build."},
    {Kind::kConvention, "Convention: {camel} owns {ws}; never call {snake} from {path} directly."},
    {Kind::kConvention, "Always pass {ws} through {dotted} so the {w} test can {ws}."},
    {Kind::kGotcha, "{snake}() returns {code} when the {ws} is empty, so check {w} first."},
    {Kind::kGotcha, "Gotcha: {camel} caches {ws}; restart the server after editing {path}."},
    {Kind::kGotcha, "Watch out: {dotted} is not thread safe; {ws} {ws}."},
    {Kind::kLesson, "Fixed {code} in {camel}::{snake}: {ws} was {ws}; patch in {path}."},
    {Kind::kLesson, "The {code} crash came from {ws} in {path}; {ws} fixed it."},
    {Kind::kFact, "{path} defines {camel}, which the {w} server uses to {ws}."},
    {Kind::kFact, "The {w} test suite needs {dotted} and {ws} before it can run {snake}."},
    {Kind::kProcedure,
     "To release: bump {dotted}, run {snake}, then {ws} on the build server and test {w}."},
    {Kind::kProcedure, "Deploy steps: build {path}, test {ws}, restart {camel}, watch {code}."},
    {Kind::kPreference, "Prefer {camel} over {snake} for {ws}; {ws}."},
    {Kind::kEpisode, "Session: debugged {ws} in {path}, found {code} in {snake}, {ws}."},
};

// Cumulative Zipf(s) weights over n ranks, normalised to end at 1.
// Zipf(s) weights over n ranks.
std::vector<double> ZipfWeights(size_t n, double s) {
  std::vector<double> w(n);
  for (size_t i = 0; i < n; ++i) w[i] = 1.0 / std::pow(static_cast<double>(i + 1), s);
  return w;
}

// Zipf over a small constant list (s = 1): index i has weight 1/(i+1).
template <size_t N>
std::string_view PickZipf(Rng& rng, const std::string_view (&list)[N]) {
  // Inverse-transform for a continuous 1/x on [1, N+1): cheap and close enough for small lists.
  double u = rng.Unit();
  auto i = static_cast<size_t>(std::exp(u * std::log(static_cast<double>(N) + 1.0)) - 1.0);
  return list[std::min(i, N - 1)];
}

template <size_t N>
std::string_view PickUniform(Rng& rng, const std::string_view (&list)[N]) {
  return list[rng.Below(N)];
}

enum IdentShape { kPath, kSnake, kCamel, kCode, kDotted, kShapes };

std::string Capitalized(std::string_view w) {
  std::string s(w);
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

constexpr size_t kVocabSize = 60000;
constexpr double kVocabZipfS = 1.0;
constexpr size_t kIdentSampleSize = 8192;
constexpr int64_t kStartMs = 1735689600000;  // 2025-01-01T00:00:00Z
constexpr int64_t kStepMs = 30000;           // one memory every 30 s: 1M span about a year

}  // namespace

SyntheticCorpus::SyntheticCorpus(uint64_t seed, Scope scope)
    : rng_(seed), sample_rng_(seed ^ 0x5eedULL), scope_(std::move(scope)) {
  vocab_.reserve(kVocabSize);
  std::unordered_set<std::string> seen;
  for (auto w : kHeadWords) {
    if (seen.insert(std::string(w)).second) vocab_.emplace_back(w);
  }
  tail_begin_ = vocab_.size();
  // Pronounceable pseudo-words: three consonant-vowel syllables, visited in a scrambled order
  // (7919 is coprime with 18^3 * 5^3, so the walk is a permutation).
  constexpr std::string_view kCons = "bdfghjklmnprstvwzc";
  constexpr std::string_view kVow = "aeiou";
  constexpr size_t kSyl = 18 * 5;
  constexpr size_t kSpace = kSyl * kSyl * kSyl;
  for (size_t i = 0; vocab_.size() < kVocabSize; ++i) {
    size_t code = (i * 7919 + 12345) % kSpace;
    std::string w;
    for (int k = 0; k < 3; ++k) {
      size_t syl = code % kSyl;
      code /= kSyl;
      w += kCons[syl / 5];
      w += kVow[syl % 5];
    }
    if (seen.insert(w).second) vocab_.push_back(std::move(w));
  }
  BuildAlias(ZipfWeights(vocab_.size(), kVocabZipfS));
  function_word_.assign(tail_begin_, 0);
  for (size_t r = 0; r < tail_begin_; ++r) {
    for (auto f : kFunctionWords) function_word_[r] = function_word_[r] || vocab_[r] == f;
  }
  word_index_.reserve(vocab_.size());
  for (size_t r = 0; r < vocab_.size(); ++r) word_index_.emplace(vocab_[r], r);
  // The literal words of each template count towards df like any other word.
  for (const Template& t : kTemplates) {
    counted_.clear();
    std::string literal;
    for (size_t i = 0; i < t.text.size(); ++i) {
      if (t.text[i] == '{') {
        i = t.text.find('}', i);
        literal += ' ';
      } else {
        literal += t.text[i];
      }
    }
    CountText(literal);
    template_words_.push_back(counted_);
  }
  counted_.clear();
  df_.assign(vocab_.size(), 0);
  ident_sample_.reserve(kIdentSampleSize);
}

const std::string& SyntheticCorpus::ZipfWord(Rng& rng) const { return vocab_[PickRank(rng)]; }

const std::string& SyntheticCorpus::MidWord(Rng& rng, size_t skip) const {
  for (;;) {
    size_t r = PickRank(rng);
    if (r >= skip && r < tail_begin_ && !function_word_[r]) return vocab_[r];
  }
}

void SyntheticCorpus::BuildAlias(const std::vector<double>& weights) {
  // Vose's alias method: O(1) draws from a 60,000-word distribution.
  const size_t n = weights.size();
  double sum = 0;
  for (double w : weights) sum += w;
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / sum;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  alias_prob_.assign(n, 1.0);
  alias_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) alias_[i] = static_cast<uint32_t>(i);
  while (!small.empty() && !large.empty()) {
    uint32_t s = small.back(), l = large.back();
    small.pop_back();
    alias_prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
}

size_t SyntheticCorpus::PickRank(Rng& rng) const {
  size_t i = rng.Below(alias_.size());
  return rng.Unit() < alias_prob_[i] ? i : alias_[i];
}

void SyntheticCorpus::CountText(std::string_view text) {
  // Tokenised like the full-text index (unicode61: runs of letters and digits, lowercased).
  auto is_word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  for (size_t i = 0; i < text.size();) {
    if (!is_word(text[i])) {
      ++i;
      continue;
    }
    lowered_.clear();
    while (i < text.size() && is_word(text[i])) {
      char c = text[i++];
      lowered_ += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (auto it = word_index_.find(lowered_); it != word_index_.end()) {
      counted_.push_back(it->second);
    }
  }
}

std::string SyntheticCorpus::MakeIdentifier(Rng& rng) const {
  return MakeShapedIdentifier(rng, static_cast<int>(rng.Below(kShapes)));
}

std::string SyntheticCorpus::MakeShapedIdentifier(Rng& rng, int shape) const {
  std::string s;
  switch (shape) {
    case kPath: {
      uint64_t variant = rng.Below(10);
      if (variant < 7) {
        s = "src/";
        s += PickZipf(rng, kDirs);
        s += '/';
      } else if (variant < 9) {
        s = "tests/";
      } else {
        s = "docs/";
      }
      s += PickZipf(rng, kNouns);
      s += '_';
      s += PickZipf(rng, kNouns);
      s += '.';
      s += variant == 9 ? std::string_view("md") : PickZipf(rng, kExts);
      break;
    }
    case kSnake: {
      s = PickZipf(rng, kVerbs);
      s += '_';
      s += PickZipf(rng, kNouns);
      if (rng.Chance(0.4)) {
        s += '_';
        s += PickZipf(rng, kNouns);
      }
      break;
    }
    case kCamel: {
      s = Capitalized(PickZipf(rng, kNouns));
      if (rng.Chance(0.5)) s += Capitalized(PickZipf(rng, kNouns));
      s += PickZipf(rng, kTypeSuffixes);
      break;
    }
    case kCode: {
      uint64_t variant = rng.Below(10);
      if (variant < 6) {
        // E0001..E9999 with a skew towards low numbers, like real compilers' codes.
        auto n = static_cast<int>(std::exp(rng.Unit() * std::log(10000.0)));
        char buf[16];
        std::snprintf(buf, sizeof buf, "E%04d", std::clamp(n, 1, 9999));
        s = buf;
      } else if (variant < 8) {
        s = "ERR_";
        for (char c : PickZipf(rng, kNouns)) s += static_cast<char>(c - 'a' + 'A');
        s += '_';
        for (char c : PickZipf(rng, kVerbs)) s += static_cast<char>(c - 'a' + 'A');
      } else {
        s = PickUniform(rng, kErrnos);
      }
      break;
    }
    default: {  // kDotted
      uint64_t variant = rng.Below(4);
      if (variant == 0) {
        s = std::string(PickZipf(rng, kNouns)) + ".toml";
      } else if (variant == 1) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "v%d.%d.%d", static_cast<int>(rng.Below(5)),
                      static_cast<int>(rng.Below(20)), static_cast<int>(rng.Below(10)));
        s = buf;
      } else {
        s = std::string(PickZipf(rng, kNouns)) + "." + std::string(PickZipf(rng, kVerbs)) + "_" +
            std::string(PickZipf(rng, kNouns));
      }
      break;
    }
  }
  return s;
}

void SyntheticCorpus::RecordIdentifier(const std::string& ident) {
  ++idents_seen_;
  if (ident_sample_.size() < kIdentSampleSize) {
    ident_sample_.push_back(ident);
  } else {
    uint64_t j = sample_rng_.Below(static_cast<uint64_t>(idents_seen_));
    if (j < kIdentSampleSize) ident_sample_[j] = ident;
  }
}

void SyntheticCorpus::AppendWords(std::string& out, int n) {
  for (int i = 0; i < n; ++i) {
    size_t r = PickRank(rng_);
    counted_.push_back(static_cast<uint32_t>(r));
    if (i) out += ' ';
    out += vocab_[r];
  }
}

std::string SyntheticCorpus::Fill(std::string_view tmpl) {
  std::string out;
  out.reserve(256);
  size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] != '{') {
      out += tmpl[i++];
      continue;
    }
    size_t end = tmpl.find('}', i);
    std::string_view slot = tmpl.substr(i + 1, end - i - 1);
    i = end + 1;
    if (slot == "w") {
      AppendWords(out, 1);
    } else if (slot == "ws") {
      AppendWords(out, 3 + static_cast<int>(rng_.Below(4)));
    } else {
      int shape = slot == "path"     ? kPath
                  : slot == "snake"  ? kSnake
                  : slot == "camel"  ? kCamel
                  : slot == "code"   ? kCode
                  : slot == "dotted" ? kDotted
                                     : static_cast<int>(rng_.Below(kShapes));
      std::string ident = MakeShapedIdentifier(rng_, shape);
      RecordIdentifier(ident);
      CountText(ident);
      out += ident;
    }
  }
  return out;
}

NewMemory SyntheticCorpus::Next() {
  const size_t ti = rng_.Below(std::size(kTemplates));
  const Template& t = kTemplates[ti];
  counted_ = template_words_[ti];
  NewMemory m;
  m.scope = scope_;
  m.kind = t.kind;
  m.content = Fill(t.text);
  // Most memories carry a second sentence of context, for a 100-300 byte spread.
  if (rng_.Chance(0.7)) {
    m.content += " Also ";
    AppendWords(m.content, 5 + static_cast<int>(rng_.Below(10)));
    m.content += '.';
  }
  int ntags = static_cast<int>(rng_.Below(4));
  for (int k = 0; k < ntags; ++k) m.tags.emplace_back(PickZipf(rng_, kTags));
  m.origin = rng_.Chance(0.7) ? Origin::kHook : Origin::kManual;
  m.agent = std::string(PickZipf(rng_, kAgents));
  m.session = std::to_string(generated_ / 40);
  m.session.insert(m.session.begin(), 's');
  m.confidence = rng_.Chance(0.9) ? 1.0 : 0.7;
  m.created_ms = kStartMs + generated_ * kStepMs;

  std::sort(counted_.begin(), counted_.end());
  counted_.erase(std::unique(counted_.begin(), counted_.end()), counted_.end());
  for (uint32_t r : counted_) ++df_[r];
  ++generated_;
  return m;
}

}  // namespace memex::bench
