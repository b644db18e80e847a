// Shared pieces of the pagefault tools (pf_tools.h): argument reading with typed errors, the
// one mapping from service Status codes to pagefault error codes, and small text helpers.
// Internal to src/mcp; front-ends use RegisterPagefaultTools only.
//
// Thread-safety: ArgReader is a per-call value; the free functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config.h"
#include "core/scope.h"
#include "mcp/pf_uri.h"
#include "mcp/tool.h"
#include "service/capture_service.h"
#include "service/memory_api.h"
#include "service/memory_service.h"
#include "sources/source.h"

namespace memex::mcp::pf {

// Everything a handler borrows. `service`, `config` and `clock` outlive the registry; `sources`
// (built from config.sources, in config order) are owned here. `capture` may be null: the
// capture features (contexts handoff/briefing/lessons, pf_poke modes handoff/lesson, session,
// handoff and lesson URIs, the events channel of pf_scan) are then absent.
struct Deps {
  MemoryService& service;
  Scope default_scope;
  const Config& config;
  const Clock& clock;
  std::vector<std::unique_ptr<Source>> sources;
  CaptureService* capture = nullptr;
};

// The source whose uri_scheme / name is `key`; nullptr when none.
const Source* SourceByScheme(const Deps& d, std::string_view scheme);
const Source* SourceByName(const Deps& d, std::string_view name);

inline constexpr std::string_view kBackendName = "memex";
inline constexpr std::string_view kContentType = "text/markdown";
inline constexpr size_t kSnippetBytes = 300;         // pf_scan snippet bound
inline constexpr int64_t kDefaultLoadBytes = 16000;  // pf_load max_size default (pagefault's)
inline constexpr int64_t kMaxLoadBytes = 1 << 20;    // pf_load max_size ceiling
inline constexpr int kRecentCount = 20;              // memories in the built-in `recent` context
inline constexpr std::string_view kEventsBackend = "events";  // pf_scan's session-event channel

ToolError InvalidRequest(std::string message);

// Maps a service error to pagefault's vocabulary (seeds-catalogue §000 "Error envelope"):
// kInvalidArgument -> 400 invalid_request (a size-limit message -> 413 content_too_large),
// kNotFound -> 404 `not_found_code`, kPermissionDenied -> 403 access_violation,
// kResourceExhausted -> 413 content_too_large, kUnavailable -> 502 backend_unavailable,
// anything else -> 500 internal_error.
ToolError FromStatus(const Status& st, std::string_view not_found_code = "resource_not_found");

// Reads tool arguments with explicit type checks so handlers never throw. Absent and null
// values read as "not given". The first type error is kept; check ok() after reading.
class ArgReader {
 public:
  // `args` should be an object; null reads as {}, anything else is an error.
  explicit ArgReader(const Json& args);

  bool Has(std::string_view key) const;
  std::optional<std::string> String(std::string_view key);
  // Integers; a float with an integral value is accepted (JSON clients send 5.0).
  std::optional<int64_t> Int(std::string_view key);
  std::optional<bool> Bool(std::string_view key);
  // Array of strings; a single string is accepted as a one-element array.
  std::optional<std::vector<std::string>> Strings(std::string_view key);
  // Object; nullptr when absent.
  const Json* Object(std::string_view key);

  // Records an error from the handler's own validation (first one wins).
  void Fail(std::string message);
  bool ok() const { return !error_.has_value(); }
  const ToolError& error() const { return *error_; }

 private:
  const Json* Get(std::string_view key) const;
  void TypeError(std::string_view key, std::string_view want);

  const Json* args_ = nullptr;
  std::optional<ToolError> error_;
};

// `content` on one line (whitespace runs become one space), at most kSnippetBytes, cut on a
// UTF-8 boundary. A longer text is windowed to start shortly before the first of `terms`
// (lowercase) it contains, marked by a leading "…".
std::string Snippet(std::string_view content, const std::vector<std::string>& terms);

// Lines `from_line`..`to_line` of `text` (1-indexed, inclusive; 0 = unbounded on that side).
// A range past the end yields "". Preconditions: from_line, to_line >= 0.
std::string SliceLines(std::string_view text, int64_t from_line, int64_t to_line);

// Parses a date_range bound: "YYYY-MM-DD" or RFC 3339. A date-only `to` covers that whole day
// (the bound becomes the next midnight). Errors: kInvalidArgument naming the text.
Result<int64_t> ParseRangeBound(std::string_view text, bool is_upper);

// The scopes a read targets: `scopes` (which may contain "*" for every scope) plus `scope`; the
// default scope when neither is given. Errors: kInvalidArgument for a bad scope name.
Result<SearchFilter> ResolveScopes(const std::optional<std::string>& scope,
                                   const std::optional<std::vector<std::string>>& scopes,
                                   const Scope& default_scope, const Config& config);

// Handlers (pf_tools.cc, pf_store_tools.cc). `svc` is the service as the calling principal may
// use it (service/authorized_service.h), built per call from ctx.principal.
ToolOutcome Maps(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx);
ToolOutcome Load(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx);
ToolOutcome Scan(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx);
ToolOutcome Peek(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx);
ToolOutcome Poke(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx);
ToolOutcome Fault(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx);
ToolOutcome Ps(const Deps& d, MemoryApi& svc, const Json& args, const CallContext& ctx);

// Metadata of one memory version as pf_scan / pf_peek / pf_load show it.
Json MemoryMetadata(const Memory& m);

// One source of a pf_load context.
struct LoadedSource {
  std::string uri;
  std::string content;
  std::vector<std::string> tags;
  Json metadata;
};

// ---- Capture through the tools (pf_capture.cc). Each needs d.capture != nullptr and checks
// ctx.principal itself: reads need MayRead on the scope (a session, handoff or lesson outside
// the caller's scopes is "not found"), writes MayWrite, a global lesson MayAdmin.

// True for the built-in capture contexts of pf_load: "handoff", "briefing", "lessons".
bool IsCaptureContext(std::string_view name);
// The sources of capture context `name` for `scope`: the pending handoff (none when there is
// none), the briefing (recent decisions and active lessons; none when both are empty), or the
// active lessons of the scope and the global ones (one source each).
// Errors: kPermissionDenied (the caller may not read `scope`), store errors.
Result<std::vector<LoadedSource>> LoadCaptureContext(const Deps& d, std::string_view name,
                                                     const Scope& scope, const CallContext& ctx);
// pf_poke modes "handoff" and "lesson" (`mode` is one of them); reads its own arguments.
ToolOutcome PokeCapture(const Deps& d, std::string_view mode, const Json& args,
                        const CallContext& ctx);
// pf_peek of a session, handoff or lesson URI (not a memory's).
ToolOutcome PeekCapture(const Deps& d, const MemexUri& uri, int64_t from_line, int64_t to_line,
                        const CallContext& ctx);
// The session events matching `query` in the scopes of `filter` (only those the caller may
// read; since_ms/until_ms bound the event time), at most `limit`, best first, as pf_scan
// results with backend "events" and scores in (0, ceiling / 2]. Errors: kPermissionDenied for a
// named scope the caller may not read, store errors.
Result<std::vector<Json>> ScanEvents(const Deps& d, std::string_view query,
                                     const SearchFilter& filter, int limit, double ceiling,
                                     const CallContext& ctx);

// The session (and its agent) of the hook event carrying ctx.tool_use_id, when the call has one,
// the event is stored and the caller may read the session's scope; {"", ""} otherwise. Never
// fails: a lookup error is logged and gives no link (a write must not fail for its metadata).
struct SessionLink {
  std::string session;
  std::string agent;
};
SessionLink LinkToolUse(const Deps& d, const CallContext& ctx);

}  // namespace memex::mcp::pf
