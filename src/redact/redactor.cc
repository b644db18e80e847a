#include "redact/redactor.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdint>
#include <utility>

#include "base/text.h"
#include "core/tokens.h"

namespace memex {
namespace {

// Rejects a match whose secret part does not look like a secret. `match` is the whole match and
// `after` the text that follows the secret.
using AcceptFn = bool (*)(std::string_view secret, std::string_view match, std::string_view after);

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
char ToUpper(char c) { return IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ToLower(x) == ToLower(y);
         });
}

// Random keys mix letters and digits; words and identifiers ("sk-learn-estimators",
// "mx_build_helper") almost never do.
bool HasDigitAndLetter(std::string_view secret, std::string_view /*match*/,
                       std::string_view /*after*/) {
  bool digit = std::any_of(secret.begin(), secret.end(), IsDigit);
  bool letter =
      std::any_of(secret.begin(), secret.end(), [](char c) { return IsUpper(c) || IsLower(c); });
  return digit && letter;
}

// "Bearer tokens-are-great" is prose; opaque tokens carry digits or capitals.
bool HasDigitOrUpper(std::string_view secret, std::string_view /*match*/,
                     std::string_view /*after*/) {
  return std::any_of(secret.begin(), secret.end(), [](char c) { return IsDigit(c) || IsUpper(c); });
}

bool IsIdentChar(char c) { return IsLower(c) || IsUpper(c) || IsDigit(c) || c == '_'; }

// `password: str`, `token: Optional[str]`, `"api_key": null`, `password=password`,
// `password = getpass()`, `token=self.token` and `PWD=/home/me` are code, JSON and environment
// dumps, not secrets; "the token: it expires hourly" is prose (a function word is no secret).
bool LooksLikeSecretValue(std::string_view secret, std::string_view match, std::string_view after) {
  static constexpr std::array<std::string_view, 22> kTypeWords = {
      "str",  "string",    "bytes",     "int",  "bool",   "none",     "null",   "nil",
      "true", "false",     "undefined", "any",  "number", "optional", "object", "required",
      "text", "secretstr", "list",      "dict", "char",   "boolean"};
  static constexpr std::array<std::string_view, 16> kCodeObjects = {
      "self", "this", "os",      "process", "env",     "config", "settings", "cfg",
      "args", "opts", "options", "req",     "request", "params", "props",    "ctx"};
  std::string_view head = secret.substr(0, secret.find_first_of("[(.|"));
  for (std::string_view w : kTypeWords) {
    if (EqualsIgnoreCase(head, w)) return false;
  }
  if (IsStopWord(AsciiLower(secret))) return false;  // "token: it expires"
  std::string_view key = match.substr(0, match.find_first_of("\"'=: \t"));
  if (EqualsIgnoreCase(secret, key)) return false;
  if (key.size() >= 3 && EqualsIgnoreCase(key.substr(key.size() - 3), "pwd") &&
      (secret.front() == '/' || secret.front() == '~')) {
    return false;
  }
  auto is_code_path = [](std::string_view v) {
    return !v.empty() &&
           std::all_of(v.begin(), v.end(), [](char c) { return IsIdentChar(c) || c == '.'; });
  };
  bool code_path = is_code_path(secret);
  if (code_path && after.starts_with('(')) return false;  // a call: getpass()
  if (size_t paren = secret.find('(');
      paren != std::string_view::npos && is_code_path(secret.substr(0, paren))) {
    return false;  // a call with arguments: getpass.getpass(prompt
  }
  if (code_path && secret.find('.') != std::string_view::npos) {
    std::string_view last = secret.substr(secret.rfind('.') + 1);
    if (EqualsIgnoreCase(last, key)) return false;
    for (std::string_view w : kCodeObjects) {
      if (head == w) return false;
    }
  }
  return true;
}

struct BuiltinSpec {
  std::string_view name;
  // RE2 syntax. Without capture groups the whole match is the secret; with groups, the
  // participating groups are the secret and the rest of the match (a key, "Bearer ") is kept.
  std::string_view pattern;
  // Pre-filter: '|'-separated lowercase literals, matched case-insensitively. The rule's regex
  // runs only on text that contains one of `any` and (when set) one of `also`, so clean text
  // costs one scan for all rules instead of one regex pass per rule.
  std::string_view any;
  std::string_view also;
  AcceptFn accept;
};

// Order is priority: when two rules find the same secret, the earlier (more specific) names it.
constexpr BuiltinSpec kBuiltins[] = {
    // The body may not contain "-----", so a BEGIN without an END costs a scan to the next
    // dashes, not to the end of the text; a block cut off before its END loses its base64 lines.
    {"private_key",
     R"re(-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:(?:[^-]|-{1,4}[^-])*-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|(?:(?:\s|\\[rn])*[A-Za-z0-9+/=]{16,})*))re",
     "-----begin", "", nullptr},
    {"anthropic_key", R"re(\bsk-ant-[A-Za-z0-9_-]{20,})re", "sk-ant-", "", nullptr},
    {"openai_key", R"re(\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})re", "sk-", "",
     HasDigitAndLetter},
    {"huggingface_token", R"re(\bhf_[A-Za-z0-9]{30,})re", "hf_", "", nullptr},
    {"aws_key", R"re(\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)re", "akia|asia", "", nullptr},
    {"github_token", R"re(\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))re",
     "ghp_|gho_|ghu_|ghs_|ghr_|github_pat_", "", nullptr},
    {"gitlab_token", R"re(\bglpat-[A-Za-z0-9_-]{20,})re", "glpat-", "", nullptr},
    {"slack_token", R"re(\bxox[bpors]-[A-Za-z0-9-]{10,})re", "xox", "", nullptr},
    {"slack_webhook",
     R"re(hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/-]{8,}))re",
     "hooks.slack.com", "", nullptr},
    {"discord_webhook", R"re(discord(?:app)?\.com/api/webhooks/([0-9]+/[A-Za-z0-9_-]+))re",
     "discord", "", nullptr},
    {"google_api_key", R"re(\bAIza[0-9A-Za-z_-]{35})re", "aiza", "", nullptr},
    {"stripe_key", R"re(\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,})re", "k_live_|k_test_", "", nullptr},
    {"npm_token", R"re(\bnpm_[A-Za-z0-9]{36}\b)re", "npm_", "", HasDigitAndLetter},
    {"memex_token", R"re(\bmx_[A-Za-z0-9_-]{29,})re", "mx_", "", HasDigitAndLetter},
    {"jwt", R"re(\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)re", "eyj", "",
     nullptr},
    {"bearer_token", R"re((?i)\bbearer[ \t]+([a-z0-9._~+/=-]{16,}))re", "bearer", "",
     HasDigitOrUpper},
    // scheme://user:password@host, including database URLs (postgres://, mongodb+srv://...).
    {"url_credentials", R"re((?i)\b[a-z][a-z0-9+.-]*://[^\s:/@]*:([^\s@/]+)@)re", "://", "@",
     nullptr},
    {"session_cookie",
     R"re((?i)\b(?:session(?:_?id)?|sess|jsessionid|phpsessid|sid|connect\.sid)=([a-z0-9%._-]{24,}))re",
     "session=|sessionid=|session_id=|sess=|sessid=|sid=", "", HasDigitAndLetter},
    // key=value, key: value, "key": "value", Password={x} (ODBC); the key is kept. Values are
    // quoted (may hold spaces) or run to whitespace or a separator of query strings and
    // connection strings (& ;).
    {"secret",
     R"re((?i)[a-z0-9_.-]*(?:passw(?:or)?d|pwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|token)["']?[ \t]*[=:]\*{0,2}[ \t]*(?:"([^"\n]+)"|'([^'\n]+)'|\{([^}\n]+)\}|([^\s"'`,;&<>()\[\]{}=$][^\s"'`,;&<>)\]}]*)))re",
     "passw|pwd|secret|api_key|apikey|api-key|access_key|accesskey|access-key|private_key|"
     "privatekey|private-key|token",
     "=|:", LooksLikeSecretValue},
};

// The number of distinct pre-filter literals, which must fit the 64-bit masks below.
constexpr size_t CountLiterals() {
  std::string_view seen[128] = {};
  size_t n = 0;
  for (const BuiltinSpec& b : kBuiltins) {
    for (std::string_view list : {b.any, b.also}) {
      while (!list.empty()) {
        size_t bar = list.find('|');
        std::string_view lit = list.substr(0, bar);
        list = bar == std::string_view::npos ? std::string_view() : list.substr(bar + 1);
        bool dup = false;
        for (size_t i = 0; i < n; ++i) dup = dup || seen[i] == lit;
        if (!dup && n < 128) seen[n++] = lit;
      }
    }
  }
  return n;
}
static_assert(CountLiterals() <= 64, "pre-filter literals exceed the 64-bit mask");

// The distinct pre-filter literals of all built-ins, indexed for a single pass over the text:
// a position is compared against a literal only when its first two bytes fit.
class LiteralScanner {
 public:
  static const LiteralScanner& Get() {
    static const LiteralScanner scanner;
    return scanner;
  }

  // A mask of the literals in '|'-separated `list` (0 for "").
  uint64_t Mask(std::string_view list) const {
    uint64_t mask = 0;
    for (std::string_view lit : Split(list)) {
      auto it = std::find(literals_.begin(), literals_.end(), lit);
      mask |= uint64_t{1} << (it - literals_.begin());
    }
    return mask;
  }

  // The literals present in `text`, case-insensitively.
  uint64_t Scan(std::string_view text) const {
    uint64_t found = 0;
    const size_t n = text.size();
    for (size_t i = 0; i < n; ++i) {
      uint64_t cand = first_[static_cast<uint8_t>(text[i])] & ~found;
      if (cand == 0) continue;
      cand &= i + 1 < n ? second_[static_cast<uint8_t>(text[i + 1])] : single_;
      while (cand != 0) {
        int b = std::countr_zero(cand);
        cand &= cand - 1;
        std::string_view lit = literals_[b];
        if (i + lit.size() <= n && EqualsIgnoreCase(text.substr(i, lit.size()), lit)) {
          found |= uint64_t{1} << b;
        }
      }
    }
    return found;
  }

 private:
  LiteralScanner() {
    for (const BuiltinSpec& b : kBuiltins) {
      for (std::string_view list : {b.any, b.also}) {
        for (std::string_view lit : Split(list)) {
          if (std::find(literals_.begin(), literals_.end(), lit) == literals_.end()) {
            literals_.push_back(lit);
          }
        }
      }
    }
    for (size_t i = 0; i < literals_.size(); ++i) {
      uint64_t bit = uint64_t{1} << i;
      std::string_view lit = literals_[i];
      for (char c : {lit[0], ToUpper(lit[0])}) first_[static_cast<uint8_t>(c)] |= bit;
      if (lit.size() == 1) {
        single_ |= bit;
        for (uint64_t& m : second_) m |= bit;
      } else {
        for (char c : {lit[1], ToUpper(lit[1])}) second_[static_cast<uint8_t>(c)] |= bit;
      }
    }
  }

  static std::vector<std::string_view> Split(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
      size_t bar = s.find('|');
      out.push_back(s.substr(0, bar));
      if (bar == std::string_view::npos) break;
      s.remove_prefix(bar + 1);
    }
    return out;
  }

  std::vector<std::string_view> literals_;
  std::array<uint64_t, 256> first_{};   // byte -> literals starting with it
  std::array<uint64_t, 256> second_{};  // byte -> literals with it second (or of length 1)
  uint64_t single_ = 0;                 // literals of length 1
};

std::string Marker(std::string_view name) { return "[REDACTED:" + std::string(name) + "]"; }

bool IsValidRuleName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return IsLower(c) || IsUpper(c) || IsDigit(c) || c == '_' || c == '-' || c == '.';
  });
}

// A replacement decided for one stretch of the input.
struct Span {
  size_t begin;
  size_t end;
  size_t rule;              // index into rules_: lower wins a tie
  std::string replacement;  // for custom rules (the rewrite); built-ins use their marker
};

}  // namespace

struct Redactor::Compiled {
  std::string name;
  std::unique_ptr<RE2> re;
  uint64_t any = 0;  // pre-filter masks (LiteralScanner); any == 0 = always run
  uint64_t also = 0;
  AcceptFn accept = nullptr;
  bool builtin = false;
  std::string marker;   // built-in: replaces the secret part
  std::string rewrite;  // custom: RE2 rewrite of the whole match
  int submatches = 1;   // groups to ask RE2 for, including \0
};

Redactor::~Redactor() = default;

const std::vector<RedactionRule>& Redactor::BuiltinRules() {
  static const std::vector<RedactionRule> rules = [] {
    std::vector<RedactionRule> out;
    for (const BuiltinSpec& b : kBuiltins) {
      out.push_back({std::string(b.name), std::string(b.pattern), Marker(b.name)});
    }
    return out;
  }();
  return rules;
}

Result<std::unique_ptr<Redactor>> Redactor::Create(const RedactionConfig& config) {
  for (const std::string& name : config.disable) {
    bool known = std::any_of(std::begin(kBuiltins), std::end(kBuiltins),
                             [&name](const BuiltinSpec& b) { return b.name == name; });
    if (!known) {
      std::string names;
      for (const BuiltinSpec& b : kBuiltins) {
        names += (names.empty() ? "" : ", ") + std::string(b.name);
      }
      return InvalidArgument("redaction.disable: unknown built-in rule '" + name +
                             "' (built-in rules: " + names + ")");
    }
  }

  std::unique_ptr<Redactor> r(new Redactor());
  r->enabled_ = config.enabled;
  RE2::Options options;
  options.set_log_errors(false);

  for (const BuiltinSpec& b : kBuiltins) {
    if (std::find(config.disable.begin(), config.disable.end(), b.name) != config.disable.end()) {
      continue;
    }
    auto c = std::make_unique<Compiled>();
    c->name = std::string(b.name);
    c->re = std::make_unique<RE2>(b.pattern, options);
    if (!c->re->ok()) {
      return Internal("built-in redaction rule '" + c->name + "': " + c->re->error());
    }
    c->any = LiteralScanner::Get().Mask(b.any);
    c->also = LiteralScanner::Get().Mask(b.also);
    c->accept = b.accept;
    c->builtin = true;
    c->marker = Marker(b.name);
    c->submatches = 1 + c->re->NumberOfCapturingGroups();
    r->rules_.push_back(std::move(c));
  }

  for (size_t i = 0; i < config.rules.size(); ++i) {
    const RedactionRuleConfig& rule = config.rules[i];
    std::string label = "redaction.rules[" + std::to_string(i) + "] '" + rule.name + "'";
    if (!IsValidRuleName(rule.name)) {
      return InvalidArgument(label + ": invalid name: use 1-64 letters, digits, '_', '-' or '.'");
    }
    auto c = std::make_unique<Compiled>();
    c->name = rule.name;
    c->re = std::make_unique<RE2>(rule.pattern, options);
    if (!c->re->ok()) {
      return InvalidArgument(label + ": invalid pattern '" + rule.pattern + "': " + c->re->error());
    }
    if (RE2::PartialMatch("", *c->re)) {
      return InvalidArgument(label + ": pattern '" + rule.pattern +
                             "' matches the empty string, so it would match everywhere");
    }
    c->rewrite = rule.replacement.empty() ? Marker(rule.name) : rule.replacement;
    std::string error;
    if (!c->re->CheckRewriteString(c->rewrite, &error)) {
      return InvalidArgument(label + ": invalid replacement '" + c->rewrite + "': " + error);
    }
    c->submatches = 1 + std::max(0, RE2::MaxSubmatch(c->rewrite));
    r->rules_.push_back(std::move(c));
  }
  return r;
}

std::string Redactor::Redact(std::string_view text, int* count) const {
  if (count != nullptr) *count = 0;
  if (!enabled_ || rules_.empty() || text.empty()) return std::string(text);

  const uint64_t present = LiteralScanner::Get().Scan(text);
  auto worth_running = [present](const Compiled& c) {
    if (c.any == 0) return true;
    return (present & c.any) != 0 && (c.also == 0 || (present & c.also) != 0);
  };

  constexpr int kMaxSubmatches = 10;  // \0..\9
  std::array<re2::StringPiece, kMaxSubmatches> groups;
  std::vector<Span> spans;
  const re2::StringPiece input(text.data(), text.size());
  for (size_t ri = 0; ri < rules_.size(); ++ri) {
    const Compiled& c = *rules_[ri];
    if (!worth_running(c)) continue;
    int n = std::min(c.submatches, kMaxSubmatches);
    size_t pos = 0;
    while (pos < text.size() &&
           c.re->Match(input, pos, text.size(), RE2::UNANCHORED, groups.data(), n)) {
      size_t begin = static_cast<size_t>(groups[0].data() - text.data());
      size_t end = begin + groups[0].size();
      if (end == begin) {  // an empty match redacts nothing; step past it
        pos = begin + 1;
        continue;
      }
      pos = end;
      Span span{begin, end, ri, {}};
      if (c.builtin) {
        // The secret is the participating groups (at most one in each built-in); none = all.
        for (int g = 1; g < n; ++g) {
          if (groups[g].data() == nullptr) continue;
          span.begin = static_cast<size_t>(groups[g].data() - text.data());
          span.end = span.begin + groups[g].size();
          break;
        }
        std::string_view secret = text.substr(span.begin, span.end - span.begin);
        if (c.accept != nullptr &&
            !c.accept(secret, text.substr(begin, end - begin), text.substr(span.end))) {
          continue;
        }
      } else {
        c.re->Rewrite(&span.replacement, c.rewrite, groups.data(), n);
      }
      spans.push_back(std::move(span));
    }
  }
  if (spans.empty()) return std::string(text);

  // Overlapping findings merge into one replacement named by the earliest (then the higher
  // priority) rule, covering all of them, so no part of any secret survives.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.rule < b.rule;
  });
  std::vector<Span*> kept;
  for (Span& s : spans) {
    if (!kept.empty() && s.begin < kept.back()->end) {
      kept.back()->end = std::max(kept.back()->end, s.end);
    } else {
      kept.push_back(&s);
    }
  }

  std::string out;
  out.reserve(text.size() + kept.size() * 16);
  size_t at = 0;
  for (const Span* s : kept) {
    out.append(text.substr(at, s->begin - at));
    const Compiled& c = *rules_[s->rule];
    out.append(c.builtin ? c.marker : s->replacement);
    at = s->end;
  }
  out.append(text.substr(at));
  if (count != nullptr) *count = static_cast<int>(kept.size());
  return out;
}

}  // namespace memex
