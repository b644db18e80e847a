// The memoryOSS memory API (seeds-catalogue §002 "Memory API (JSON)", "Memory object") over the
// same MemoryService as MCP and /api/pf_<tool>: /v1/store, /v1/store/batch, /v1/recall,
// /v1/recall/batch, /v1/update, /v1/forget, /v1/export, /v1/memories and /v1/consolidate, with
// memoryOSS's request and response shapes and its error body {"error":"..."} (400 bad input
// naming the field, 404 "memory not found", 413 too large, 500 "internal error"). Mapping
// details: docs/http.md, "memoryOSS memory API".
//
// memoryOSS's `namespace` is a memex scope "workspace/project"; a bare "project" means workspace
// "default"; absent or "" means the API's default scope. Every call is confined to that scope.
//
// Thread-safety: V1Api is immutable after construction; its methods may run concurrently.
#pragma once

#include <string_view>

#include "config/config.h"
#include "core/scope.h"
#include "http/http_types.h"
#include "http/httplib_adapter.h"
#include "service/memory_service.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace memex::http {

// memoryOSS's error body: {"error":"<message>"} with `status`.
Reply V1ErrorReply(int status, std::string_view message);

class V1Api {
 public:
  // Borrows `service`, which must outlive the API. `limits` gives the 413 thresholds (content
  // bytes, batch size) checked before the service is called.
  V1Api(MemoryService& service, Scope default_scope, LimitsConfig limits);

  // Each handler answers 200 with memoryOSS's response shape or an error body; none throws on bad
  // input (routes.cc still wraps them in a catch-all).
  Reply Store(const Request& request) const;        // POST /v1/store
  Reply StoreBatch(const Request& request) const;   // POST /v1/store/batch (all or nothing)
  Reply Recall(const Request& request) const;       // POST /v1/recall
  Reply RecallBatch(const Request& request) const;  // POST /v1/recall/batch
  Reply Update(const Request& request) const;       // PATCH /v1/update
  Reply Forget(const Request& request) const;       // DELETE /v1/forget (by ids only)
  Reply Export(const Request& request) const;       // GET /v1/export?namespace=
  Reply Memories(const Request& request) const;     // GET /v1/memories?namespace=&limit=&offset=
  // POST /v1/consolidate {namespace, threshold = 0.9, max_clusters = 50, dry_run = false}
  Reply Consolidate(const Request& request) const;

 private:
  MemoryService& service_;
  Scope default_scope_;
  LimitsConfig limits_;
};

// Registers the /v1 routes on `server` (routes.cc, the one route table). `api` must outlive the
// server.
// `observe` (may be empty) is told about every request after its handler ran.
void InstallV1Routes(httplib::Server& server, const V1Api& api, RouteObserver observe = nullptr);

}  // namespace memex::http
