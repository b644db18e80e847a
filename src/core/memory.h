// Memory: an atomic, searchable note (SPEC §2), and the value types used to create and change one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/scope.h"

namespace memex {

enum class Kind {
  kFact,
  kDecision,
  kConvention,
  kPreference,
  kGotcha,
  kProcedure,
  kEpisode,
  kLesson
};
enum class Origin { kManual, kHook, kProxy, kImport, kConsolidation };
enum class MemoryStatus { kCandidate, kActive, kSuperseded, kArchived };

std::string_view KindName(Kind k);
std::string_view OriginName(Origin o);
std::string_view StatusName(MemoryStatus s);
// Parsers return kInvalidArgument listing the accepted values.
Result<Kind> ParseKind(std::string_view text);
Result<Origin> ParseOrigin(std::string_view text);
Result<MemoryStatus> ParseStatus(std::string_view text);
const std::vector<Kind>& AllKinds();

// One stored version of a memory. Versions of the same memory form a chain through
// `supersedes` / `superseded_by`; only the newest is `kActive` (or `kCandidate`).
struct Memory {
  std::string id;  // UUIDv7, unique per version
  Scope scope;
  Kind kind = Kind::kFact;
  std::string content;
  std::vector<std::string> tags;  // normalised: lowercase, unique, sorted
  Origin origin = Origin::kManual;
  std::string agent;
  std::string session;
  MemoryStatus status = MemoryStatus::kActive;
  double confidence = 1.0;
  int version = 1;
  std::string supersedes;     // id of the previous version, "" for the first
  std::string superseded_by;  // id of the next version, "" for the newest
  std::string content_hash;   // lowercase hex SHA-256 of `content`
  std::string idempotency_key;
  int64_t created_ms = 0;        // when this memory was first created (kept across versions)
  int64_t updated_ms = 0;        // when this version was written
  int64_t last_accessed_ms = 0;  // 0 = never recalled or read
  int64_t access_count = 0;
  int64_t expires_ms = 0;   // 0 = never
  int64_t deleted_ms = 0;   // tombstone: forgotten at this time; 0 = live
  int64_t archived_ms = 0;  // when it became kArchived (Store::SetArchived); 0 = not archived

  bool forgotten() const { return deleted_ms != 0; }
};

// What a caller supplies to create a memory. Content is stored as given: validation and
// redaction happen in the service layer before the store sees it.
struct NewMemory {
  Scope scope;
  Kind kind = Kind::kFact;
  std::string content;
  std::vector<std::string> tags;
  Origin origin = Origin::kManual;
  std::string agent;
  std::string session;
  MemoryStatus status = MemoryStatus::kActive;
  double confidence = 1.0;
  int64_t created_ms = 0;  // 0 = now
  int64_t expires_ms = 0;
  std::string idempotency_key;  // optional; same key in the same scope = same write
};

// A change to a memory; unset fields are carried over from the current version.
struct MemoryPatch {
  std::optional<std::string> content;
  std::optional<std::vector<std::string>> tags;
  std::optional<Kind> kind;
  std::optional<double> confidence;
  std::optional<int64_t> expires_ms;
  std::string agent;
  std::string session;
  std::string idempotency_key;
};

// Lowercases, trims, drops empties, sorts and de-duplicates.
std::vector<std::string> NormalizeTags(const std::vector<std::string>& tags);

}  // namespace memex
