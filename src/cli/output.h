// Output: where command results and diagnostics go. stdout carries only results (human text, or
// exactly one JSON document with --json); stderr carries notes, warnings, errors and progress.
// Also the JSON shapes of CLI results (docs/cli.md), built on codec/memory_json.h so that a
// memory looks the same in `--json` output and in export lines.
//
// Thread-safety: not thread-safe; one Output per command invocation.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string_view>

#include "base/status.h"
#include "core/memory.h"
#include "retrieval/ranking.h"
#include "store/store.h"

namespace memex::cli {

using Json = nlohmann::ordered_json;

class Output {
 public:
  // Borrows the streams.
  Output(std::ostream& out, std::ostream& err, bool json) : out_(out), err_(err), json_(json) {}

  bool json() const { return json_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // Writes `doc` as one line on stdout. Invalid UTF-8 in strings is replaced, never thrown.
  void PrintJson(const Json& doc);
  // "memex: <message>" on stderr.
  void Note(std::string_view message);
  // "memex: warning: <message>" on stderr.
  void Warning(std::string_view message);
  // Human: "memex: error: <message>" (+ "memex: hint: <hint>") on stderr.
  // JSON: {"error":{"code":<code>,"message":<message>}} on stdout (the hint is added as "hint").
  void Error(std::string_view code, std::string_view message, std::string_view hint = "");

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool json_;
};

// The codec's JSON object for one memory version.
Json MemoryJson(const Memory& m);
// {"rank","score","memory":{...}} plus "explain":{...} when `explain`.
Json HitJson(const RankedHit& hit, int rank, bool explain);
Json PlanJson(const QueryPlan& plan);
// {"live","superseded","forgotten","archived","by_kind":{kind:n},"scopes":[...],"db_bytes",...}.
Json StatsJson(const StoreStats& stats);
// {"live","superseded","forgotten","archived"}: the counts `status --json` shows.
Json CountsJson(const StoreStats& stats);

}  // namespace memex::cli
