#include "service/authorized_service.h"

#include <utility>

namespace memex {
namespace {

Status NotFoundId(const std::string& id) { return NotFound("memory " + id + " not found"); }

// An every-scope filter narrowed to no scope at all: the answer is empty, not an error.
bool NarrowedToNothing(const SearchFilter& f) { return !f.all_scopes && f.scopes.empty(); }

}  // namespace

AuthorizedService::AuthorizedService(MemoryService& inner, Principal who)
    : inner_(inner), who_(std::move(who)) {}

Result<SearchFilter> AuthorizedService::ReadableFilter(const SearchFilter& filter) {
  SearchFilter out = filter;
  if (filter.all_scopes) {
    if (who_.AllScopes()) return out;  // every role may read
    // Narrow "every scope" to the existing scopes the principal covers.
    SearchFilter every;
    every.all_scopes = true;
    ASSIGN_OR_RETURN(StoreStats stats, inner_.Stats(every));
    out.all_scopes = false;
    out.scopes.clear();
    for (const ScopeCount& sc : stats.scopes) {
      if (who_.Covers(sc.scope)) out.scopes.push_back(sc.scope);
    }
    return out;
  }
  for (const Scope& s : filter.scopes) RETURN_IF_ERROR(who_.MayRead(s));
  return out;
}

Status AuthorizedService::CheckWritable(const std::string& id) {
  ASSIGN_OR_RETURN(Memory m, inner_.Get(id, /*include_forgotten=*/true));
  if (!who_.MayRead(m.scope).ok()) return NotFoundId(id);
  return who_.MayWrite(m.scope);
}

Result<RememberResult> AuthorizedService::Remember(const RememberRequest& req) {
  RETURN_IF_ERROR(who_.MayWrite(req.memory.scope));
  return inner_.Remember(req);
}

Result<std::vector<RememberResult>> AuthorizedService::RememberBatch(
    const std::vector<RememberRequest>& reqs) {
  for (size_t i = 0; i < reqs.size(); ++i) {
    RETURN_IF_ERROR(who_.MayWrite(reqs[i].memory.scope).WithContext("memory " + std::to_string(i)));
  }
  return inner_.RememberBatch(reqs);
}

Result<RecallResponse> AuthorizedService::Recall(const RecallRequest& req) {
  RecallRequest r = req;
  ASSIGN_OR_RETURN(r.filter, ReadableFilter(req.filter));
  if (req.filter.all_scopes && NarrowedToNothing(r.filter)) return RecallResponse{};
  return inner_.Recall(r);
}

Result<Memory> AuthorizedService::Get(const std::string& id, bool include_forgotten) {
  ASSIGN_OR_RETURN(Memory m, inner_.Get(id, include_forgotten));
  if (!who_.MayRead(m.scope).ok()) return NotFoundId(id);
  return m;
}

Result<std::vector<Memory>> AuthorizedService::History(const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<Memory> chain, inner_.History(id));
  if (!chain.empty() && !who_.MayRead(chain.front().scope).ok()) return NotFoundId(id);
  return chain;
}

Result<std::vector<MemoryLink>> AuthorizedService::Links(const std::string& id) {
  RETURN_IF_ERROR(Get(id, /*include_forgotten=*/true).status());  // kNotFound outside the scopes
  return inner_.Links(id);
}

Result<RememberResult> AuthorizedService::Update(const UpdateRequest& req) {
  RETURN_IF_ERROR(CheckWritable(req.id));
  return inner_.Update(req);
}

Result<ForgetResult> AuthorizedService::Forget(const std::string& id, bool hard) {
  RETURN_IF_ERROR(CheckWritable(id));
  return inner_.Forget(id, hard);
}

Result<ListResponse> AuthorizedService::List(const ListRequest& req) {
  ListRequest r = req;
  ASSIGN_OR_RETURN(r.query.filter, ReadableFilter(req.query.filter));
  if (req.query.filter.all_scopes && NarrowedToNothing(r.query.filter)) return ListResponse{};
  return inner_.List(r);
}

Result<StoreStats> AuthorizedService::Stats(const SearchFilter& filter) {
  ASSIGN_OR_RETURN(SearchFilter f, ReadableFilter(filter));
  if (filter.all_scopes && NarrowedToNothing(f)) return StoreStats{};
  return inner_.Stats(f);
}

Result<ExportSummary> AuthorizedService::Export(const SearchFilter& filter, std::ostream& out,
                                                const ProgressFn& progress) {
  ASSIGN_OR_RETURN(SearchFilter f, ReadableFilter(filter));
  if (filter.all_scopes && NarrowedToNothing(f)) return ExportSummary{};
  return inner_.Export(f, out, progress);
}

Result<ImportSummary> AuthorizedService::Import(std::istream& in, const ImportOptions& opts,
                                                const ProgressFn& progress) {
  RETURN_IF_ERROR(who_.MayAdmin());
  return inner_.Import(in, opts, progress);
}

Result<std::vector<DoctorCheck>> AuthorizedService::Doctor() {
  RETURN_IF_ERROR(who_.MayAdmin());
  return inner_.Doctor();
}

Result<ConsolidateResult> AuthorizedService::Consolidate(const ConsolidateRequest& req) {
  ConsolidateRequest r = req;
  ASSIGN_OR_RETURN(r.filter, ReadableFilter(req.filter));
  if (req.filter.all_scopes && NarrowedToNothing(r.filter)) {
    ConsolidateResult none;
    none.threshold = req.threshold;
    return none;
  }
  if (req.apply && !r.filter.all_scopes) {
    for (const Scope& s : r.filter.scopes) RETURN_IF_ERROR(who_.MayWrite(s));
  } else if (req.apply) {
    RETURN_IF_ERROR(who_.MayWrite(Scope{"*", "*"}));
  }
  return inner_.Consolidate(r);
}

}  // namespace memex
