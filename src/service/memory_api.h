// MemoryApi: the memory operations a front-end (the CLI) calls, whether they run in this process
// (MemoryService over the local store) or on a `memex serve` reached over HTTP
// (http/remote_memory_api.h). Both implementations give the same results and the same status
// codes for the same request, so a command prints the same output either way.
//
// The request and response value types are defined in service/memory_service.h; this header
// only declares the operations.
//
// Thread-safety: as documented by each implementation.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/memory.h"
#include "core/search.h"
#include "store/store.h"

namespace memex {

struct RememberRequest;
struct RememberResult;
struct RecallRequest;
struct RecallResponse;
struct UpdateRequest;
struct ListRequest;
struct ListResponse;
struct ForgetResult;
struct ExportSummary;
struct ImportOptions;
struct ImportSummary;

// Progress callback for long operations: (done, total or -1 when unknown).
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

class MemoryApi {
 public:
  virtual ~MemoryApi() = default;

  // Stores a memory in req.memory.scope. Errors: kInvalidArgument (bad content, tags, ...) with
  // nothing stored; kUnavailable (busy store, unreachable server); kPermissionDenied (a server
  // refused the caller).
  virtual Result<RememberResult> Remember(const RememberRequest& req) = 0;
  // Ranked search within req.filter. Errors: kInvalidArgument, kUnavailable.
  virtual Result<RecallResponse> Recall(const RecallRequest& req) = 0;
  // One memory version by id. Errors: kNotFound (no such id, or forgotten and not asked for).
  virtual Result<Memory> Get(const std::string& id, bool include_forgotten = false) = 0;
  // Every version of the memory's chain, oldest first. Errors: kNotFound.
  virtual Result<std::vector<Memory>> History(const std::string& id) = 0;
  // Writes a new version. Errors: kNotFound, kInvalidArgument.
  virtual Result<RememberResult> Update(const UpdateRequest& req) = 0;
  // Tombstones (or, `hard`, purges) every version. Errors: kNotFound.
  virtual Result<ForgetResult> Forget(const std::string& id, bool hard) = 0;
  // The links from or to the memory version `id` (near_duplicate, merged_into; docs/hygiene.md),
  // oldest first. Errors: kInvalidArgument (not an id), kNotFound (a server that may not show it).
  virtual Result<std::vector<MemoryLink>> Links(const std::string& id) = 0;
  virtual Result<ListResponse> List(const ListRequest& req) = 0;
  virtual Result<StoreStats> Stats(const SearchFilter& filter) = 0;
  // JSONL, one memory version per line, written to `out` (codec/memory_json.h).
  virtual Result<ExportSummary> Export(const SearchFilter& filter, std::ostream& out,
                                       const ProgressFn& progress = nullptr) = 0;
  // Reads JSONL from `in`; all or nothing. Errors: kInvalidArgument naming the line.
  virtual Result<ImportSummary> Import(std::istream& in, const ImportOptions& opts,
                                       const ProgressFn& progress = nullptr) = 0;
};

}  // namespace memex
