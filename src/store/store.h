// Store: the persistence contract every engine implements (SQLite now, PostgreSQL later).
// store/store_contract_test.h is the parameterised suite that every implementation must pass.
//
// Thread-safety: implementations are safe for concurrent use from many threads and from several
// processes sharing one database: writes are serialised (one writer), reads run concurrently.
// Durability: a write that returned OK survives a process crash (and, with the "full"
// durability setting, a power loss).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/link.h"
#include "core/memory.h"
#include "core/scope.h"
#include "core/search.h"
#include "store/token_record.h"

namespace memex {

struct ListQuery {
  SearchFilter filter;
  bool include_forgotten = false;  // also tombstones (export)
  int limit = 50;                  // 0 = no limit
  int64_t offset = 0;
  bool oldest_first = false;  // default newest first (by updated_ms, then id)
  // Only archived memories (implies filter.include_archived), e.g. `memex list --archived`.
  bool archived_only = false;
  // With archived_only: only those archived at exactly this time (Memory::archived_ms), i.e. by
  // one SetArchived call such as one decay sweep. 0 = any time.
  int64_t archived_ms = 0;
};

struct PutResult {
  std::string id;
  int version = 1;
  bool created = true;  // false when an identical memory (or idempotency key) already existed
  DocId doc = 0;        // the version's document (what the text and vector indexes key on)
};

struct ScopeCount {
  Scope scope;
  int64_t live = 0;
  int64_t superseded = 0;
  int64_t forgotten = 0;
  int64_t archived = 0;
};

struct StoreStats {
  int64_t live = 0;                               // newest versions, not forgotten or archived
  int64_t superseded = 0;                         // older versions
  int64_t forgotten = 0;                          // tombstones
  int64_t archived = 0;                           // newest versions archived (kArchived)
  std::vector<std::pair<Kind, int64_t>> by_kind;  // live only, kinds with count > 0
  std::vector<ScopeCount> scopes;
  int64_t db_bytes = 0;  // on-disk size including WAL
  int schema_version = 0;
  int64_t oldest_ms = 0, newest_ms = 0;
};

// ---- Import / export ----

// Receives rows in a stable order; returning a non-OK status stops the scan with that status.
using MemoryVisitor = std::function<Status(const Memory&)>;

// Reads of one memory to record: `count` accesses, the latest at `last_ms`.
struct AccessCount {
  std::string id;
  int64_t count = 1;
  int64_t last_ms = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates a memory (version 1). Idempotent: when a live (active or candidate, not archived)
  // memory with the same content hash exists in the same scope, or the same non-empty idempotency
  // key was used in that scope, returns it with created = false and changes nothing. Computes
  // content_hash, id, timestamps. Errors: kInvalidArgument (empty content), kUnavailable (busy
  // beyond the busy timeout), kFailedPrecondition (read-only database).
  virtual Result<PutResult> Put(const NewMemory& m) = 0;

  // Puts every memory in one transaction: all are stored or none (first error returned).
  // Result i corresponds to input i. Duplicates within the batch collapse to the first.
  virtual Result<std::vector<PutResult>> PutBatch(const std::vector<NewMemory>& ms) = 0;

  // Reads one version by id. Forgotten rows are kNotFound unless include_forgotten.
  virtual Result<Memory> Get(const std::string& id, bool include_forgotten = false) = 0;

  // Every version of the memory `id` belongs to, oldest first (tombstones included).
  virtual Result<std::vector<Memory>> History(const std::string& id) = 0;

  // Writes a new version of the newest version in `id`'s chain (id may name any version):
  // the new row gets version+1 and `supersedes` = previous id; the previous row becomes
  // kSuperseded with `superseded_by` set. One transaction. The new version keeps the status
  // (an archived memory stays archived, with its archived_ms).
  // Errors: kNotFound (unknown or forgotten), kInvalidArgument (empty patch content).
  virtual Result<PutResult> Update(const std::string& id, const MemoryPatch& patch) = 0;

  // Forgets the whole chain `id` belongs to. Soft: every version becomes a tombstone (kept for
  // export and audit, removed from search). Hard: every row of the chain is purged, together
  // with every link from or to one of its versions.
  // Returns the number of rows affected. Errors: kNotFound.
  virtual Result<int64_t> Forget(const std::string& id, bool hard) = 0;

  virtual Result<std::vector<Memory>> List(const ListQuery& q) = 0;
  virtual Result<int64_t> Count(const ListQuery& q) = 0;
  virtual Result<StoreStats> Stats(const SearchFilter& filter) = 0;

  // Lexical search primitives (see the contracts above).
  virtual Result<TextResult> SearchText(const TextQuery& q) = 0;
  virtual Result<IdentResult> SearchIdents(const IdentQuery& q) = 0;
  // The session neighbours of q.docs (core/search.h NeighbourQuery); unknown docs and docs
  // without a session have none. At most 2 * radius per doc, nearest first on each side.
  virtual Result<std::vector<Neighbour>> SessionNeighbours(const NeighbourQuery& q) = 0;
  // The agent, confidence and status of each of `docs` (ranking's agent channel and weights).
  // Unknown and forgotten docs are skipped; order follows `docs`.
  virtual Result<std::vector<RankFact>> RankFacts(const std::vector<DocId>& docs) = 0;
  // Loads rows by DocId; unknown ids are skipped. Order follows `docs`.
  virtual Result<std::vector<Memory>> Hydrate(const std::vector<DocId>& docs) = 0;
  // A value that changes whenever a memory visible to `filter`'s scopes is stored, superseded,
  // archived, restored, forgotten or purged (by any process): equal values mean a search of those
  // scopes would find the same rows. Access statistics do not change it. Cheap (per-scope
  // counters).
  virtual Result<std::string> SearchGeneration(const SearchFilter& filter) = 0;
  // Adds each entry's count to access_count and raises last_accessed_ms to its last_ms (never
  // lowers it), in one transaction; unknown ids are skipped. Best effort: callers may ignore
  // kUnavailable.
  virtual Status RecordAccess(const std::vector<AccessCount>& accesses) = 0;

  // Visits every row (all versions, archived rows and tombstones) in the filter, oldest first.
  virtual Status Scan(const SearchFilter& filter, bool include_forgotten,
                      const MemoryVisitor& visit) = 0;
  // Inserts exported rows verbatim (ids, versions, links, tombstones, timestamps) in one
  // transaction. A row whose id exists is skipped (re-import is idempotent). Returns the
  // number inserted. Errors: kInvalidArgument for a row that breaks an invariant.
  virtual Result<int64_t> ImportRows(const std::vector<Memory>& rows) = 0;

  // ---- Hygiene (SPEC §6): links between memories, archiving ----

  // Records links in one transaction. Idempotent: a link with the same (from, to, kind) keeps
  // the first one. Errors: kNotFound naming an id that is unknown; kInvalidArgument for
  // from == to or a score outside 0..1. Nothing is recorded on error.
  virtual Status AddLinks(const std::vector<MemoryLink>& links) = 0;
  // Every link from or to `id` (exact version id), oldest first (created_ms, then from, to,
  // kind). Unknown id = empty.
  virtual Result<std::vector<MemoryLink>> Links(const std::string& id) = 0;
  // Archives (archived = true: the newest version of each chain named, if kActive or kCandidate,
  // becomes kArchived with archived_ms = now) or restores (false: kArchived becomes kActive,
  // archived_ms = 0). No new version is written; updated_ms is unchanged. Returns the ids (of
  // the newest versions) whose status changed, in input order; ids already in the target state,
  // unknown or forgotten are skipped. One transaction, one archive time for every row. Archived
  // memories leave every search and List unless SearchFilter::include_archived. Changes
  // SearchGeneration.
  virtual Result<std::vector<std::string>> SetArchived(const std::vector<std::string>& ids,
                                                       bool archived) = 0;

  // Integrity check of the underlying database. OK, or kDataLoss describing the damage.
  virtual Status Check() = 0;

  // ---- Bearer tokens (SPEC §9; service/token_service.h owns the rules) ----
  // The store persists TokenRecords as given: it never sees a plaintext token, and it does not
  // judge roles, scopes, expiry or revocation.

  // Inserts `t` verbatim (the caller sets id, hash, timestamps).
  // Errors: kAlreadyExists when a token with the same name, id or hash exists (revoked ones
  // included; the message names the clash); kInvalidArgument for an empty id, name or hash.
  virtual Status CreateToken(const TokenRecord& t) = 0;
  // Every token, revoked and expired ones included, oldest first (created_ms, then id).
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // The token whose hash is `hash` (exact match), whatever its state. Errors: kNotFound.
  virtual Result<TokenRecord> FindTokenByHash(const std::string& hash) = 0;
  // Sets revoked_ms = now_ms on the token whose id or name is `id_or_name` and returns it.
  // Revoking a revoked token changes nothing and returns it (first revocation time kept).
  // Errors: kNotFound.
  virtual Result<TokenRecord> RevokeToken(const std::string& id_or_name, int64_t now_ms) = 0;
  // Raises last_used_ms to now_ms (never lowers it). Errors: kNotFound for an unknown id.
  virtual Status TouchToken(const std::string& id, int64_t now_ms) = 0;
};

}  // namespace memex
