// ParseConfigText: the TOML document read into Config, key by key, with errors that name the
// key and line (docs/configuration.md). LoadConfig (config_loader.cc) finds the file and fills
// what comes from the environment.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>

#include "config/config_loader.h"
#include "config/toml.h"
#include "core/memory.h"
#include "core/principal.h"
#include "core/scope.h"

namespace memex {
namespace {

namespace fs = std::filesystem;

constexpr int kIntMax = std::numeric_limits<int>::max();
// SQLite takes the page cache as a negative KiB count in an int: MiB * 1024 must fit.
constexpr int kMaxMebibytes = 1 << 20;

std::string Dotted(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

// Optimal-string-alignment distance: a transposition ("wieght") counts as one edit.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string FormatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

bool IsVarStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsVarChar(char c) { return IsVarStart(c) || (c >= '0' && c <= '9'); }

struct UnknownKey {
  std::string prefix;
  std::string key;
  uint32_t line = 0;
  std::string suggestion;  // a dotted key, "" when nothing is close
};

// State shared by every table of one document.
struct ParseContext {
  std::string_view origin;
  const EnvFn& env;
  std::vector<std::pair<std::string, std::string>> known;  // (table prefix, key) asked for
  std::vector<UnknownKey> unknown;
};

// Reads typed values from one TOML table into Config fields. A getter leaves its field (the
// default) untouched when the key is absent; every key asked for counts as known, and Finish()
// records the rest as unknown, so the schema is written down exactly once.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, ParseContext& ctx)
      : table_(table), prefix_(std::move(prefix)), ctx_(ctx) {}

  Status Bool(std::string_view key, bool& out) {
    const toml::node* n = Find(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_boolean()) return WrongType(*n, key, "a boolean (true or false)");
    out = n->as_boolean()->get();
    return Status::Ok();
  }

  Status Int(std::string_view key, int& out, int64_t min, int64_t max) {
    const toml::node* n = Find(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_integer()) return WrongType(*n, key, "an integer");
    int64_t v = n->as_integer()->get();
    if (v < min || v > max) {
      return Error(*n, key,
                   "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                       ", got " + std::to_string(v));
    }
    out = static_cast<int>(v);
    return Status::Ok();
  }

  // `min_exclusive`: the value must be strictly greater than `min`.
  Status Double(std::string_view key, double& out, double min, double max,
                bool min_exclusive = false) {
    const toml::node* n = Find(key);
    if (n == nullptr) return Status::Ok();
    double v = 0;
    if (n->is_floating_point()) {
      v = n->as_floating_point()->get();
    } else if (n->is_integer()) {
      v = static_cast<double>(n->as_integer()->get());
    } else {
      return WrongType(*n, key, "a number");
    }
    bool low = min_exclusive ? !(v > min) : !(v >= min);
    if (!std::isfinite(v) || low || v > max) {
      std::string range = max == std::numeric_limits<double>::max()
                              ? (min_exclusive ? "greater than " : "at least ") + FormatNumber(min)
                              : "between " + FormatNumber(min) + " and " + FormatNumber(max);
      return Error(*n, key, "must be " + range + ", got " + FormatNumber(v));
    }
    out = v;
    return Status::Ok();
  }

  Status String(std::string_view key, std::string& out) {
    const toml::node* n = Find(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_string()) return WrongType(*n, key, "a string");
    ASSIGN_OR_RETURN(out, Expand(*n, key, n->as_string()->get()));
    return Status::Ok();
  }

  Status OneOf(std::string_view key, std::string& out,
               std::initializer_list<std::string_view> allowed) {
    std::string v = out;
    RETURN_IF_ERROR(String(key, v));
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : " | ") + std::string(a);
      return Error(*table_.get(key), key, "must be one of " + list + ", got '" + v + "'");
    }
    out = std::move(v);
    return Status::Ok();
  }

  Status StringList(std::string_view key, std::vector<std::string>& out) {
    const toml::node* n = Find(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_array()) return WrongType(*n, key, "an array of strings");
    std::vector<std::string> values;
    for (const toml::node& item : *n->as_array()) {
      if (!item.is_string()) return WrongType(item, key, "an array of strings");
      ASSIGN_OR_RETURN(std::string v, Expand(item, key, item.as_string()->get()));
      values.push_back(std::move(v));
    }
    out = std::move(values);
    return Status::Ok();
  }

  // nullptr when the key is absent.
  Result<const toml::table*> Table(std::string_view key) {
    const toml::node* n = Find(key);
    if (n == nullptr) return static_cast<const toml::table*>(nullptr);
    if (!n->is_table()) return WrongType(*n, key, "a table ([" + Dotted(prefix_, key) + "])");
    return n->as_table();
  }

  // nullptr when the key is absent.
  Result<const toml::array*> ArrayOfTables(std::string_view key) {
    const toml::node* n = Find(key);
    if (n == nullptr) return static_cast<const toml::array*>(nullptr);
    const toml::array* a = n->as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      return WrongType(*n, key, "an array of tables ([[" + Dotted(prefix_, key) + "]])");
    }
    return a;
  }

  Status Required(std::string_view key) {
    if (table_.contains(key)) return Status::Ok();
    std::string msg = std::string(ctx_.origin) + ": " + Dotted(prefix_, key) + ": is required";
    if (uint32_t line = table_.source().begin.line; line > 0) {
      msg += " (table at line " + std::to_string(line) + ")";
    }
    return InvalidArgument(std::move(msg));
  }

  // Records every key of the table that no getter asked for.
  void Finish() {
    for (auto&& [k, v] : table_) {
      std::string_view key = k.str();
      if (std::find(asked_.begin(), asked_.end(), key) != asked_.end()) continue;
      UnknownKey u{prefix_, std::string(key), k.source().begin.line, ""};
      size_t best = std::max<size_t>(2, key.size() / 3) + 1;
      for (const std::string& candidate : asked_) {
        size_t d = EditDistance(key, candidate);
        if (d < best) {
          best = d;
          u.suggestion = Dotted(prefix_, candidate);
        }
      }
      ctx_.unknown.push_back(std::move(u));
    }
  }

  Status Error(const toml::node& n, std::string_view key, std::string_view msg) const {
    std::string out = std::string(ctx_.origin) + ": " + Dotted(prefix_, key) + ": ";
    out += msg;
    if (uint32_t line = n.source().begin.line; line > 0) {
      out += " (line " + std::to_string(line) + ")";
    }
    return InvalidArgument(std::move(out));
  }

 private:
  const toml::node* Find(std::string_view key) {
    asked_.emplace_back(key);
    ctx_.known.emplace_back(prefix_, std::string(key));
    return table_.get(key);
  }

  Status WrongType(const toml::node& n, std::string_view key, std::string_view expected) const {
    return Error(n, key, "expected " + std::string(expected) + ", got " + std::string(TypeName(n)));
  }

  // ${VAR}, ${VAR:-default} (default also when VAR is empty, as in POSIX sh) and $$ -> $.
  // Any other '$' is literal, so regular expressions with '$' anchors need no escaping.
  Result<std::string> Expand(const toml::node& n, std::string_view key, std::string_view raw) {
    std::string out;
    size_t i = 0;
    while (i < raw.size()) {
      char c = raw[i];
      if (c != '$' || i + 1 >= raw.size() || (raw[i + 1] != '$' && raw[i + 1] != '{')) {
        out += c;
        ++i;
        continue;
      }
      if (raw[i + 1] == '$') {
        out += '$';
        i += 2;
        continue;
      }
      size_t close = raw.find('}', i + 2);
      if (close == std::string_view::npos) {
        return Error(n, key, "unterminated '${' in '" + std::string(raw) + "'");
      }
      std::string_view body = raw.substr(i + 2, close - i - 2);
      size_t sep = body.find(":-");
      std::string_view name = body.substr(0, sep);
      bool valid =
          !name.empty() && IsVarStart(name[0]) && std::all_of(name.begin(), name.end(), IsVarChar);
      if (!valid) {
        return Error(n, key,
                     "invalid environment variable reference '${" + std::string(body) +
                         "}' (expected ${NAME} or ${NAME:-default}; write $$ for a literal $)");
      }
      std::optional<std::string> value = ctx_.env(name);
      if (sep != std::string_view::npos && (!value || value->empty())) {
        value = std::string(body.substr(sep + 2));
      }
      if (!value) {
        return Error(n, key,
                     "environment variable '" + std::string(name) + "' is not set (use ${" +
                         std::string(name) + ":-default} to give a default)");
      }
      out += *value;
      i = close + 1;
    }
    return out;
  }

  const toml::table& table_;
  std::string prefix_;
  ParseContext& ctx_;
  std::vector<std::string> asked_;
};

Status ValidateRuleName(const TableReader& r, const toml::node& n, std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.');
  }
  if (ok) return Status::Ok();
  return r.Error(
      n, "name",
      "invalid rule name '" + std::string(name) + "': use 1-64 letters, digits, '_', '-' or '.'");
}

Status ReadRedaction(const toml::table& t, ParseContext& ctx, RedactionConfig& out) {
  TableReader r(t, "redaction", ctx);
  RETURN_IF_ERROR(r.Bool("enabled", out.enabled));
  RETURN_IF_ERROR(r.StringList("disable", out.disable));
  ASSIGN_OR_RETURN(const toml::array* rules, r.ArrayOfTables("rules"));
  if (rules != nullptr) {
    for (size_t i = 0; i < rules->size(); ++i) {
      const toml::table& rt = *rules->get(i)->as_table();
      TableReader rr(rt, "redaction.rules[" + std::to_string(i) + "]", ctx);
      RedactionRuleConfig rule;
      RETURN_IF_ERROR(rr.String("name", rule.name));
      RETURN_IF_ERROR(rr.String("pattern", rule.pattern));
      RETURN_IF_ERROR(rr.String("replacement", rule.replacement));
      rr.Finish();
      RETURN_IF_ERROR(rr.Required("name"));
      RETURN_IF_ERROR(rr.Required("pattern"));
      RETURN_IF_ERROR(ValidateRuleName(rr, *rt.get("name"), rule.name));
      if (rule.pattern.empty()) return rr.Error(*rt.get("pattern"), "pattern", "must not be empty");
      out.rules.push_back(std::move(rule));
    }
  }
  r.Finish();
  return Status::Ok();
}

Status ReadRecall(const toml::table& t, ParseContext& ctx, RecallConfig& out) {
  constexpr double kHuge = std::numeric_limits<double>::max();
  TableReader r(t, "recall", ctx);
  RETURN_IF_ERROR(r.Int("default_limit", out.default_limit, 1, kIntMax));
  RETURN_IF_ERROR(r.Int("max_limit", out.max_limit, 1, kIntMax));
  RETURN_IF_ERROR(r.Int("candidate_cap", out.candidate_cap, 1, kIntMax));
  RETURN_IF_ERROR(r.Int("ident_cap", out.ident_cap, 1, kIntMax));
  RETURN_IF_ERROR(r.Double("weight_text", out.weight_text, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_exact", out.weight_exact, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_recency", out.weight_recency, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_vector", out.weight_vector, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_time", out.weight_time, 0, 1));
  RETURN_IF_ERROR(r.OneOf("fusion", out.fusion, {"weighted", "rrf"}));
  RETURN_IF_ERROR(r.Double("rrf_k", out.rrf_k, 0, kHuge));
  RETURN_IF_ERROR(r.Int("vector_candidates", out.vector_candidates, 1, 10000));
  RETURN_IF_ERROR(r.Double("similarity_floor", out.similarity_floor, -1, 0.99));
  RETURN_IF_ERROR(r.Double("min_relevance", out.min_relevance, 0, 2));
  RETURN_IF_ERROR(r.Double("min_relevance_known_name", out.min_relevance_known_name, 0, 2));
  RETURN_IF_ERROR(r.Double("min_relevance_unknown_name", out.min_relevance_unknown_name, 0, 2));
  RETURN_IF_ERROR(r.Double("min_score_ratio", out.min_score_ratio, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_context", out.weight_context, 0, 1));
  RETURN_IF_ERROR(r.Int("context_radius", out.context_radius, 0, 10));
  RETURN_IF_ERROR(r.Int("context_parents", out.context_parents, 0, 200));
  RETURN_IF_ERROR(r.Double("weight_answer", out.weight_answer, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_agent", out.weight_agent, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_asks", out.weight_asks, 0, 1));
  RETURN_IF_ERROR(r.Double("weight_when", out.weight_when, 0, 1));
  RETURN_IF_ERROR(r.Double("confidence_weight", out.confidence_weight, 0, 1));
  RETURN_IF_ERROR(r.Double("candidate_weight", out.candidate_weight, 0, 1));
  RETURN_IF_ERROR(r.Double("mmr_lambda", out.mmr_lambda, 0, 1));
  RETURN_IF_ERROR(r.Double("recency_half_life_days", out.recency_half_life_days, 0, kHuge, true));
  RETURN_IF_ERROR(r.Double("bm25_k1", out.bm25_k1, 0, kHuge));
  RETURN_IF_ERROR(r.Double("bm25_b", out.bm25_b, 0, 1));
  RETURN_IF_ERROR(r.Bool("stop_words", out.stop_words));
  RETURN_IF_ERROR(r.Int("cache_entries", out.cache_entries, 0, 1000000));
  RETURN_IF_ERROR(r.Int("cache_ttl_ms", out.cache_ttl_ms, 0, kIntMax));
  RETURN_IF_ERROR(r.Int("cache_max_mb", out.cache_max_mb, 1, 1 << 20));
  r.Finish();
  if (out.default_limit > out.max_limit) {
    return r.Error(t, "default_limit",
                   "must not exceed recall.max_limit (" + std::to_string(out.default_limit) +
                       " > " + std::to_string(out.max_limit) + ")");
  }
  return Status::Ok();
}

// The document's sections, in the order of config.h. Absent sections are read as empty tables
// so that every key is known when unknown keys are matched against other sections.
// [[sources]]: names and schemes are unique and never "memex" (the store's own).
Status ReadSources(const toml::array& list, ParseContext& ctx, std::vector<SourceConfig>& out) {
  for (size_t i = 0; i < list.size(); ++i) {
    const toml::table& st = *list.get(i)->as_table();
    TableReader sr(st, "sources[" + std::to_string(i) + "]", ctx);
    SourceConfig src;
    RETURN_IF_ERROR(sr.String("name", src.name));
    RETURN_IF_ERROR(sr.OneOf("type", src.type, {"filesystem"}));
    RETURN_IF_ERROR(sr.String("root", src.root));
    RETURN_IF_ERROR(sr.StringList("include", src.include));
    RETURN_IF_ERROR(sr.StringList("exclude", src.exclude));
    RETURN_IF_ERROR(sr.String("uri_scheme", src.uri_scheme));
    ASSIGN_OR_RETURN(const toml::table* tags, sr.Table("auto_tags"));
    RETURN_IF_ERROR(sr.Bool("writable", src.writable));
    RETURN_IF_ERROR(sr.StringList("write_paths", src.write_paths));
    RETURN_IF_ERROR(sr.OneOf("write_mode", src.write_mode, {"append", "any"}));
    RETURN_IF_ERROR(sr.Int("max_entry_size", src.max_entry_size, 0, kIntMax));
    sr.Finish();
    RETURN_IF_ERROR(sr.Required("name"));
    RETURN_IF_ERROR(sr.Required("root"));
    RETURN_IF_ERROR(sr.Required("uri_scheme"));
    if (tags != nullptr) {
      TableReader tr(*tags, "sources[" + std::to_string(i) + "].auto_tags", ctx);
      for (auto&& [glob, value] : *tags) {
        AutoTagConfig at{std::string(glob.str()), {}};
        RETURN_IF_ERROR(tr.StringList(glob.str(), at.tags));
        src.auto_tags.push_back(std::move(at));
      }
    }
    if (src.max_entry_size == 0) src.max_entry_size = 2000;  // pagefault rewrites 0 the same way
    const std::pair<std::string_view, const std::string*> nonempty[] = {
        {"name", &src.name}, {"uri_scheme", &src.uri_scheme}, {"root", &src.root}};
    for (const auto& [key, value] : nonempty) {
      if (value->empty()) return sr.Error(*st.get(key), key, "must not be empty");
    }
    for (char c : src.uri_scheme) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.')) {
        return sr.Error(*st.get("uri_scheme"), "uri_scheme",
                        "'" + src.uri_scheme + "' is not a URI scheme");
      }
    }
    if (src.name == "memex" || src.uri_scheme == "memex") {
      return sr.Error(*st.get(src.name == "memex" ? "name" : "uri_scheme"),
                      src.name == "memex" ? "name" : "uri_scheme", "'memex' is memex's own store");
    }
    for (const SourceConfig& prev : out) {
      if (prev.name == src.name) return sr.Error(*st.get("name"), "name", "duplicate source name");
      if (prev.uri_scheme == src.uri_scheme) {
        return sr.Error(*st.get("uri_scheme"), "uri_scheme", "duplicate uri_scheme");
      }
    }
    out.push_back(std::move(src));
  }
  return Status::Ok();
}

Status ReadDocument(const toml::table& root, ParseContext& ctx, Config& cfg) {
  const toml::table empty;
  TableReader r(root, "", ctx);
  auto section = [&](std::string_view key) -> Result<const toml::table*> {
    ASSIGN_OR_RETURN(const toml::table* t, r.Table(key));
    return t != nullptr ? t : &empty;
  };
  RETURN_IF_ERROR(r.String("data_dir", cfg.data_dir));
  if (const toml::node* n = root.get("data_dir"); n != nullptr && cfg.data_dir.empty()) {
    return r.Error(*n, "data_dir", "must not be empty");
  }

  ASSIGN_OR_RETURN(const toml::table* log, section("log"));
  TableReader lr(*log, "log", ctx);
  RETURN_IF_ERROR(lr.OneOf("level", cfg.log_level, {"debug", "info", "warn", "error", "off"}));
  lr.Finish();

  ASSIGN_OR_RETURN(const toml::table* storage, section("storage"));
  TableReader sr(*storage, "storage", ctx);
  RETURN_IF_ERROR(sr.OneOf("engine", cfg.storage.engine, {"sqlite"}));
  RETURN_IF_ERROR(sr.OneOf("durability", cfg.storage.durability, {"normal", "full"}));
  RETURN_IF_ERROR(sr.Int("busy_timeout_ms", cfg.storage.busy_timeout_ms, 0, kIntMax));
  RETURN_IF_ERROR(sr.Int("cache_size_mb", cfg.storage.cache_size_mb, 0, kMaxMebibytes));
  RETURN_IF_ERROR(sr.Int("read_connections", cfg.storage.read_connections, 1, 256));
  RETURN_IF_ERROR(sr.Int("mmap_size_mb", cfg.storage.mmap_size_mb, 0, kMaxMebibytes));
  sr.Finish();

  ASSIGN_OR_RETURN(const toml::table* limits, section("limits"));
  TableReader mr(*limits, "limits", ctx);
  RETURN_IF_ERROR(mr.Int("max_content_bytes", cfg.limits.max_content_bytes, 1, kIntMax));
  RETURN_IF_ERROR(mr.Int("max_tags", cfg.limits.max_tags, 0, kIntMax));
  RETURN_IF_ERROR(mr.Int("max_tag_bytes", cfg.limits.max_tag_bytes, 1, kIntMax));
  RETURN_IF_ERROR(mr.Int("max_batch", cfg.limits.max_batch, 1, kIntMax));
  mr.Finish();

  ASSIGN_OR_RETURN(const toml::table* redaction, section("redaction"));
  RETURN_IF_ERROR(ReadRedaction(*redaction, ctx, cfg.redaction));

  ASSIGN_OR_RETURN(const toml::table* recall, section("recall"));
  RETURN_IF_ERROR(ReadRecall(*recall, ctx, cfg.recall));

  ASSIGN_OR_RETURN(const toml::table* scope, section("scope"));
  TableReader cr(*scope, "scope", ctx);
  RETURN_IF_ERROR(cr.String("default_workspace", cfg.scope.default_workspace));
  cr.Finish();
  if (const toml::node* n = scope->get("default_workspace"); n != nullptr) {
    Status st = ValidateScopeName(cfg.scope.default_workspace, "workspace");
    if (!st.ok()) return cr.Error(*n, "default_workspace", st.message());
  }

  ASSIGN_OR_RETURN(const toml::table* server, section("server"));
  TableReader vr(*server, "server", ctx);
  RETURN_IF_ERROR(vr.String("host", cfg.server.host));
  RETURN_IF_ERROR(vr.Int("port", cfg.server.port, 0, 65535));
  RETURN_IF_ERROR(vr.Int("threads", cfg.server.threads, 1, 4096));
  RETURN_IF_ERROR(vr.Int("max_body_bytes", cfg.server.max_body_bytes, 1, kIntMax));
  RETURN_IF_ERROR(vr.Int("read_timeout_ms", cfg.server.read_timeout_ms, 1, kIntMax));
  RETURN_IF_ERROR(vr.Int("sse_keepalive_ms", cfg.server.sse_keepalive_ms, 100, kIntMax));
  RETURN_IF_ERROR(vr.Int("session_idle_ms", cfg.server.session_idle_ms, 1000, kIntMax));
  RETURN_IF_ERROR(vr.StringList("allowed_hosts", cfg.server.allowed_hosts));
  RETURN_IF_ERROR(vr.StringList("allowed_origins", cfg.server.allowed_origins));
  RETURN_IF_ERROR(vr.Int("rate_limit_per_sec", cfg.server.rate_limit_per_sec, 0, kIntMax));
  RETURN_IF_ERROR(vr.Int("rate_limit_burst", cfg.server.rate_limit_burst, 1, kIntMax));
  vr.Finish();
  if (const toml::node* n = server->get("host"); n != nullptr && cfg.server.host.empty()) {
    return vr.Error(*n, "host", "must not be empty");
  }

  ASSIGN_OR_RETURN(const toml::table* auth, section("auth"));
  TableReader ur(*auth, "auth", ctx);
  RETURN_IF_ERROR(ur.OneOf("mode", cfg.auth.mode, {"none", "bearer", "trusted_header"}));
  RETURN_IF_ERROR(ur.String("trusted_header", cfg.auth.trusted_header));
  RETURN_IF_ERROR(ur.StringList("trusted_proxies", cfg.auth.trusted_proxies));
  RETURN_IF_ERROR(ur.OneOf("trusted_role", cfg.auth.trusted_role, {"read", "write", "admin"}));
  RETURN_IF_ERROR(ur.StringList("trusted_scopes", cfg.auth.trusted_scopes));
  ur.Finish();
  if (const toml::node* n = auth->get("trusted_header");
      n != nullptr && cfg.auth.trusted_header.empty()) {
    return ur.Error(*n, "trusted_header", "must not be empty");
  }
  for (const std::string& p : cfg.auth.trusted_scopes) {
    if (Status st = ValidateScopePattern(p); !st.ok()) {
      return ur.Error(*auth->get("trusted_scopes"), "trusted_scopes", st.message());
    }
  }

  ASSIGN_OR_RETURN(const toml::table* audit, section("audit"));
  TableReader ar(*audit, "audit", ctx);
  RETURN_IF_ERROR(ar.Bool("enabled", cfg.audit.enabled));
  RETURN_IF_ERROR(ar.String("path", cfg.audit.path));
  RETURN_IF_ERROR(ar.Int("max_bytes", cfg.audit.max_bytes, 0, kIntMax));
  RETURN_IF_ERROR(ar.Int("max_files", cfg.audit.max_files, 0, 1000));
  ar.Finish();

  ASSIGN_OR_RETURN(const toml::table* capture, section("capture"));
  TableReader pr(*capture, "capture", ctx);
  RETURN_IF_ERROR(pr.Bool("enabled", cfg.capture.enabled));
  RETURN_IF_ERROR(pr.Int("hook_timeout_ms", cfg.capture.hook_timeout_ms, 10, 60000));
  RETURN_IF_ERROR(pr.Int("spool_max_mb", cfg.capture.spool_max_mb, 1, 1 << 20));
  RETURN_IF_ERROR(pr.Int("max_event_bytes", cfg.capture.max_event_bytes, 4096, 16 << 20));
  RETURN_IF_ERROR(pr.Int("queue_size", cfg.capture.queue_size, 1, 1 << 20));
  RETURN_IF_ERROR(pr.Int("context_bytes", cfg.capture.context_bytes, 500, 9000));
  RETURN_IF_ERROR(pr.Int("max_lessons", cfg.capture.max_lessons, 0, 50));
  RETURN_IF_ERROR(pr.Bool("archive", cfg.capture.archive));
  RETURN_IF_ERROR(
      pr.Int("stale_session_minutes", cfg.capture.stale_session_minutes, 0, 100 * 24 * 60));
  pr.Finish();

  ASSIGN_OR_RETURN(const toml::table* embedding, section("embedding"));
  TableReader er(*embedding, "embedding", ctx);
  RETURN_IF_ERROR(er.OneOf("provider", cfg.embedding.provider, {"local", "openai", "none"}));
  RETURN_IF_ERROR(er.String("model_dir", cfg.embedding.model_dir));
  RETURN_IF_ERROR(er.String("url", cfg.embedding.url));
  RETURN_IF_ERROR(er.String("model", cfg.embedding.model));
  RETURN_IF_ERROR(er.String("api_key", cfg.embedding.api_key));
  RETURN_IF_ERROR(er.Int("dimensions", cfg.embedding.dimensions, 0, 65536));
  RETURN_IF_ERROR(er.Int("batch_size", cfg.embedding.batch_size, 1, 2048));
  RETURN_IF_ERROR(er.Int("timeout_ms", cfg.embedding.timeout_ms, 100, 600000));
  er.Finish();
  if (cfg.embedding.provider == "openai") {
    if (cfg.embedding.url.empty()) {
      return er.Error(*embedding, "url", "is required when embedding.provider is \"openai\"");
    }
    if (cfg.embedding.model.empty()) {
      return er.Error(*embedding, "model", "is required when embedding.provider is \"openai\"");
    }
  }

  ASSIGN_OR_RETURN(const toml::table* vector, section("vector"));
  TableReader xr(*vector, "vector", ctx);
  RETURN_IF_ERROR(xr.Int("hnsw_threshold", cfg.vector.hnsw_threshold, 0, kIntMax));
  RETURN_IF_ERROR(xr.Int("hnsw_m", cfg.vector.hnsw_m, 2, 128));
  RETURN_IF_ERROR(xr.Int("hnsw_ef_construction", cfg.vector.hnsw_ef_construction, 8, 4096));
  RETURN_IF_ERROR(xr.Int("hnsw_ef_search", cfg.vector.hnsw_ef_search, 8, 4096));
  RETURN_IF_ERROR(xr.OneOf("quantize", cfg.vector.quantize, {"none", "int8"}));
  xr.Finish();

  ASSIGN_OR_RETURN(const toml::table* hygiene, section("hygiene"));
  TableReader hr(*hygiene, "hygiene", ctx);
  HygieneConfig& h = cfg.hygiene;
  RETURN_IF_ERROR(hr.Bool("near_duplicates", h.near_duplicates));
  RETURN_IF_ERROR(hr.Double("min_jaccard", h.min_jaccard, 0, 1, /*min_exclusive=*/true));
  RETURN_IF_ERROR(hr.Int("min_jaccard_words", h.min_jaccard_words, 1, 10000));
  RETURN_IF_ERROR(hr.Int("min_contained_words", h.min_contained_words, 1, 10000));
  RETURN_IF_ERROR(
      hr.Double("min_contained_ratio", h.min_contained_ratio, 0, 1, /*min_exclusive=*/true));
  RETURN_IF_ERROR(hr.Double("min_cosine", h.min_cosine, 0, 1, /*min_exclusive=*/true));
  RETURN_IF_ERROR(hr.Int("candidates", h.candidates, 1, 1000));
  RETURN_IF_ERROR(
      hr.Double("consolidate_threshold", h.consolidate_threshold, 0, 1, /*min_exclusive=*/true));
  RETURN_IF_ERROR(hr.Int("consolidate_max_memories", h.consolidate_max_memories, 2, 1000000));
  hr.Finish();

  ASSIGN_OR_RETURN(const toml::table* decay, section("decay"));
  TableReader dr(*decay, "decay", ctx);
  DecayConfig& dc = cfg.decay;
  RETURN_IF_ERROR(dr.Int("after_days", dc.after_days, 1, 36500));
  RETURN_IF_ERROR(dr.StringList("kinds", dc.kinds));
  if (dc.kinds.empty())
    return dr.Error(*decay->get("kinds"), "kinds", "must name at least one kind");
  for (std::string& kind : dc.kinds) {
    Result<Kind> k = ParseKind(kind);
    if (!k.ok()) return dr.Error(*decay->get("kinds"), "kinds", k.status().message());
    kind = std::string(KindName(*k));
  }
  RETURN_IF_ERROR(dr.Double("cold_threshold", dc.cold_threshold, 0, 1, /*min_exclusive=*/true));
  RETURN_IF_ERROR(dr.Double("access_weight", dc.access_weight, 0, 10));
  RETURN_IF_ERROR(dr.Double("access_decay", dc.access_decay, 0, 10));
  dr.Finish();

  ASSIGN_OR_RETURN(const toml::array* sources, r.ArrayOfTables("sources"));
  if (sources != nullptr) RETURN_IF_ERROR(ReadSources(*sources, ctx, cfg.sources));
  r.Finish();
  return Status::Ok();
}

// One message for all unknown keys, in document order; a key that exists in another table
// (`storage.data_dir` for `data_dir`) is suggested when no key of its own table is close.
Status UnknownKeysError(ParseContext& ctx) {
  std::stable_sort(ctx.unknown.begin(), ctx.unknown.end(),
                   [](const UnknownKey& a, const UnknownKey& b) { return a.line < b.line; });
  std::string msg = std::string(ctx.origin) + ": ";
  for (size_t i = 0; i < ctx.unknown.size(); ++i) {
    UnknownKey& u = ctx.unknown[i];
    if (u.suggestion.empty()) {
      for (const auto& [prefix, key] : ctx.known) {
        if (key == u.key && prefix != u.prefix && prefix.find('[') == std::string::npos) {
          u.suggestion = Dotted(prefix, key);
          break;
        }
      }
    }
    if (i > 0) msg += "; ";
    msg += "unknown key '" + Dotted(u.prefix, u.key) + "'";
    if (u.line > 0) msg += " at line " + std::to_string(u.line);
    if (!u.suggestion.empty()) msg += " (did you mean '" + u.suggestion + "'?)";
  }
  return InvalidArgument(std::move(msg));
}

}  // namespace

Result<Config> ParseConfigText(std::string_view toml_text, std::string_view origin,
                               const EnvFn& env) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    const toml::source_position& pos = e.source().begin;
    return InvalidArgument(std::string(origin) + ":" + std::to_string(pos.line) + ":" +
                           std::to_string(pos.column) +
                           ": invalid TOML: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(origin) + ": invalid TOML: " + e.what());
  }
  Config cfg;
  ParseContext ctx{origin, env, {}, {}};
  RETURN_IF_ERROR(ReadDocument(root, ctx, cfg));
  if (!ctx.unknown.empty()) return UnknownKeysError(ctx);
  return cfg;
}

}  // namespace memex
