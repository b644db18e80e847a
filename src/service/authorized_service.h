// AuthorizedService: the memory operations as one principal may perform them (SPEC §9).
//
// Every server interface — MCP tools on any transport, pagefault's REST, the /v1 memory API —
// calls the service through one of these, built per request from the authenticated Principal, so
// role and scope are checked in one place whatever the interface:
//   - writes (Remember, RememberBatch, Update, Forget) need role write and a pattern covering the
//     memory's scope;
//   - reads (Recall, List, Stats, Export) need role read and every scope the filter names
//     covered; a filter over every scope is narrowed to the existing scopes the principal covers
//     (unless it covers "*");
//   - reads by id (Get, History) answer kNotFound for a memory outside the principal's scopes,
//     exactly as for a memory that does not exist, so ids cannot be probed;
//   - Import (rows of any scope) and Doctor need role admin.
// Denials are kPermissionDenied naming the principal, the action and the scope, and change
// nothing.
//
// Thread-safety: as MemoryService; the principal is a copy.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/principal.h"
#include "service/memory_api.h"
#include "service/memory_service.h"

namespace memex {

class AuthorizedService final : public MemoryApi {
 public:
  // Borrows `inner`, which must outlive this object.
  AuthorizedService(MemoryService& inner, Principal who);

  const Principal& principal() const { return who_; }

  Result<RememberResult> Remember(const RememberRequest& req) override;
  Result<std::vector<RememberResult>> RememberBatch(const std::vector<RememberRequest>& reqs);
  Result<RecallResponse> Recall(const RecallRequest& req) override;
  Result<Memory> Get(const std::string& id, bool include_forgotten = false) override;
  Result<std::vector<Memory>> History(const std::string& id) override;
  Result<RememberResult> Update(const UpdateRequest& req) override;
  Result<ForgetResult> Forget(const std::string& id, bool hard) override;
  // Reads by id: kNotFound for a memory outside the principal's scopes.
  Result<std::vector<MemoryLink>> Links(const std::string& id) override;
  Result<ListResponse> List(const ListRequest& req) override;
  Result<StoreStats> Stats(const SearchFilter& filter) override;
  Result<ExportSummary> Export(const SearchFilter& filter, std::ostream& out,
                               const ProgressFn& progress = nullptr) override;
  Result<ImportSummary> Import(std::istream& in, const ImportOptions& opts,
                               const ProgressFn& progress = nullptr) override;
  Result<std::vector<DoctorCheck>> Doctor();
  // Needs read on every scope of the filter (an every-scope filter is narrowed as for Recall)
  // and, with req.apply, write on each of them.
  Result<ConsolidateResult> Consolidate(const ConsolidateRequest& req);

 private:
  // `filter` made safe to run for the principal: kPermissionDenied when it names a scope the
  // principal may not read; an every-scope filter narrowed to the covered scopes.
  Result<SearchFilter> ReadableFilter(const SearchFilter& filter);
  // The memory `id` when the principal may write its scope; kNotFound when it may not even read
  // it (indistinguishable from a missing id), kPermissionDenied when it may read but not write.
  Status CheckWritable(const std::string& id);

  MemoryService& inner_;
  const Principal who_;
};

}  // namespace memex
