// Redactor: replaces secrets with "[REDACTED:<name>]" before anything is stored (SPEC §9).
// Built-in rules cover the common provider API keys, bearer tokens, private key blocks,
// passwords in key=value form, JWTs and credentials in URLs; config adds and disables rules.
//
// Thread-safety: immutable after Create(); Redact() may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace memex {

struct RedactionRule {
  std::string name;
  std::string pattern;      // RE2 syntax
  std::string replacement;  // RE2 rewrite string (\0..\9)
};

class Redactor {
 public:
  // Compiles the built-in rules (minus config.disable) and config.rules.
  // Errors: kInvalidArgument naming a rule whose pattern does not compile or an unknown
  // name in `disable`.
  static Result<std::unique_ptr<Redactor>> Create(const RedactionConfig& config);

  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Returns `text` with every match replaced; `*count` (if given) receives the number of
  // replacements. With redaction disabled returns `text` unchanged.
  std::string Redact(std::string_view text, int* count = nullptr) const;

  // The built-in rules, in priority order. A built-in pattern with capture groups replaces
  // only the groups (the secret) and keeps the rest of the match, e.g. the key of `password=x`.
  static const std::vector<RedactionRule>& BuiltinRules();

 private:
  struct Compiled;
  Redactor() = default;
  bool enabled_ = true;
  std::vector<std::unique_ptr<Compiled>> rules_;
};

}  // namespace memex
