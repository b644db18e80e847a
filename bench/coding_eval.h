// memex's own coding-memory evaluation: hand-written memories of the kind coding agents keep
// (decisions, conventions, gotchas, fixes, preferences) over several projects, and queries of six
// types with expected answers (bench/data/coding_eval.jsonl, described in bench/README.md).
//
// The runner stores the memories through MemoryService (RememberBatch with back-dated
// created_ms; Update for explicit supersession), asks every query with Recall in the query's
// scope and scores the ranking per type. Pure functions apart from the loader (reads one file)
// and the runner (a temporary database); no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/memory.h"
#include "core/scope.h"
#include "eval_settings.h"
#include "results.h"

namespace memex::bench {

enum class CodingQueryType { kParaphrase, kIdentifier, kError, kLatest, kSibling, kUnrelated };

inline constexpr std::array<CodingQueryType, 6> kCodingQueryTypes = {
    CodingQueryType::kParaphrase, CodingQueryType::kIdentifier, CodingQueryType::kError,
    CodingQueryType::kLatest,     CodingQueryType::kSibling,    CodingQueryType::kUnrelated};

std::string_view CodingQueryTypeName(CodingQueryType type);
// False for sibling and unrelated: the right answer is no hit at all.
bool CodingQueryAnswerable(CodingQueryType type);

struct CodingMemory {
  int line = 0;    // 1-based line in the file, for messages
  std::string id;  // the dataset's local id
  Scope scope;
  Kind kind = Kind::kFact;
  std::vector<std::string> tags;
  std::string content;
  int64_t days = 0;         // created this many days before the run (<= 0)
  std::string supersedes;   // local id of the version this one replaces through Update; "" = none
  bool superseded = false;  // a later record supersedes this one
};

struct CodingQuery {
  int line = 0;
  std::string id;
  CodingQueryType type = CodingQueryType::kParaphrase;
  Scope scope;  // asked in this scope only
  std::string text;
  std::vector<std::string> expected;   // any of them in the top k counts; empty = expect nothing
  std::vector<std::string> stale;      // latest: outdated memories of the same decision chain
  std::vector<std::string> answer_in;  // sibling: where the answer lives (another scope)
};

struct CodingDataset {
  std::vector<CodingMemory> memories;  // file order; a superseding record follows its target
  std::vector<CodingQuery> queries;
};

// Reads the JSON Lines file at `path`: one record per line ("dataset", "memory" or "query"),
// blank lines ignored. Every reference is checked (ids exist, expected memories are in the query's
// scope and current, sibling answers live in another scope, chains do not branch).
// Errors: kNotFound (no such file), kInvalidArgument "<path>:<line>: <field>: <what is wrong>".
Result<CodingDataset> LoadCodingEval(const std::string& path);

// Loads `path` and runs the evaluation over a fresh ServiceStack under `tmp_parent` ("" = the
// system temp directory), configured by `settings.config`; with a dump directory the candidates
// go to <dir>/coding.jsonl. A missing file is not an error: the result says it was skipped.
Result<CodingResult> RunCoding(const std::string& path, const std::string& tmp_parent,
                               const EvalSettings& settings);

}  // namespace memex::bench
