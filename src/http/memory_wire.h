// The JSON bodies of memex's native memory routes (/api/memories/*, docs/http.md): a lossless
// encoding of the service's request and response values, so that a request sent by the thin
// client (remote_memory_api.h) reaches MemoryService exactly as the CLI built it, and its answer
// prints exactly as a local one would. Memories use the one memory shape (codec/memory_json.h);
// times are RFC 3339 strings with milliseconds, null for "unset".
//
// Every Decode* is strict about types and names the offending field in a kInvalidArgument
// error; unknown fields are ignored (newer clients may send more).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/memory.h"
#include "core/search.h"
#include "service/memory_service.h"
#include "store/store.h"

namespace memex::http {

// Errors of the native routes use pagefault's envelope (http_types.h ErrorReply) with the memex
// status code's snake_case name as "code", so the client restores the exact StatusCode:
// {"error":{"code":"not_found","status":404,"message":"..."}}.
std::string_view WireCodeName(StatusCode code);
// The StatusCode a WireCodeName names; nullopt for any other string (e.g. pagefault's codes).
std::optional<StatusCode> ParseWireCode(std::string_view name);
// 400 invalid_argument, 403 permission_denied, 404 not_found, 409 already_exists and
// failed_precondition, 413 resource_exhausted, 501 unimplemented, 503 unavailable, 500 otherwise.
int HttpStatusFor(StatusCode code);

// {"scopes":["ws/p"],"all_scopes":false,"kinds":["fact"],"tags":[],"since":null,"until":null,
//  "include_history":false}
std::string EncodeFilter(const SearchFilter& filter);
Result<SearchFilter> DecodeFilter(std::string_view json);

// {"memory":{"scope":"ws/p","kind","content","tags","origin","agent","session","status",
//  "confidence","created_at","expires_at","idempotency_key"},"wait_for_vectors":false}
std::string EncodeRememberRequest(const RememberRequest& req);
Result<RememberRequest> DecodeRememberRequest(std::string_view json);

// {"id","version","created","redactions","embedded","near_duplicates":[{"id","similarity",
// "reason"}]}: the answer of remember and update (embedded and near_duplicates may be absent
// from older servers).
std::string EncodeWriteResult(const RememberResult& result);
Result<RememberResult> DecodeWriteResult(std::string_view json);

// {"query","filter":{...},"limit","offset","explain"}
std::string EncodeRecallRequest(const RecallRequest& req);
Result<RecallRequest> DecodeRecallRequest(std::string_view json);

// {"hits":[{"score","memory":{...},"channels":{...}}],"total","plan":{...},"elapsed_us"}
std::string EncodeRecallResponse(const RecallResponse& resp);
Result<RecallResponse> DecodeRecallResponse(std::string_view json);

// The body of PATCH /api/memories/{id}: absent = keep; "expires_at": null = never expires.
// {"content","tags","kind","confidence","expires_at","agent","session","idempotency_key",
//  "wait_for_vectors"} (the last is UpdateRequest's, not the patch's: read into
//  *wait_for_vectors when given).
std::string EncodeMemoryPatch(const MemoryPatch& patch, bool wait_for_vectors = false);
Result<MemoryPatch> DecodeMemoryPatch(std::string_view json, bool* wait_for_vectors = nullptr);

// {"memory":{...}} (GET one) and {"id","versions":[...]} (history).
std::string EncodeMemoryBody(const Memory& m);
Result<Memory> DecodeMemoryBody(std::string_view json);
std::string EncodeHistory(std::string_view id, const std::vector<Memory>& versions);
Result<std::vector<Memory>> DecodeHistory(std::string_view json);

// {"id","links":[{"from_id","to_id","kind","score","created_at"}]} (GET /api/memories/{id}/links).
std::string EncodeLinks(std::string_view id, const std::vector<MemoryLink>& links);
Result<std::vector<MemoryLink>> DecodeLinks(std::string_view json);

// {"id","rows","hard"}
std::string EncodeForgetResult(std::string_view id, const ForgetResult& result);
Result<ForgetResult> DecodeForgetResult(std::string_view json);

// {"filter":{...},"include_forgotten","limit","offset","oldest_first"} -> {"memories","total"}
std::string EncodeListRequest(const ListRequest& req);
Result<ListRequest> DecodeListRequest(std::string_view json);
std::string EncodeListResponse(const ListResponse& resp);
Result<ListResponse> DecodeListResponse(std::string_view json);

// {"live","superseded","forgotten","archived","by_kind":{"fact":3},"scopes":[{"scope","live",
//  "superseded","forgotten","archived"}],"db_bytes","schema_version","oldest_at","newest_at"}
std::string EncodeStats(const StoreStats& stats);
Result<StoreStats> DecodeStats(std::string_view json);

// {"lines","inserted","skipped","redactions","dry_run"}: the answer of import.
std::string EncodeImportSummary(const ImportSummary& summary, bool dry_run);
Result<ImportSummary> DecodeImportSummary(std::string_view json);

}  // namespace memex::http
