// memex's native memory routes, /api/memories/* (docs/http.md, "Native memory API"): the
// MemoryService operations the CLI uses, with lossless JSON bodies (memory_wire.h), so that
// `memex --server URL <command>` prints exactly what the local command prints. memoryOSS's /v1
// API is narrower (no kinds, explain, history, hard forget, stats or import).
//
//   POST   /api/memories/remember        {"memory":{...}}            -> write result
//   POST   /api/memories/recall          recall request              -> recall response
//   POST   /api/memories/list            list request                -> {"memories","total"}
//   POST   /api/memories/stats           filter                      -> stats
//   POST   /api/memories/export          filter                      -> JSONL (x-ndjson)
//   POST   /api/memories/import[?dry_run=true]  JSONL                -> import summary
//   GET    /api/memories/{id}[?include_forgotten=true]               -> {"memory":{...}}
//   GET    /api/memories/{id}/history                                -> {"id","versions"}
//   GET    /api/memories/{id}/links                                  -> {"id","links"}
//   PATCH  /api/memories/{id}            patch                       -> write result
//   DELETE /api/memories/{id}[?hard=true]                            -> {"id","rows","hard"}
//
// Scopes travel in the bodies (the client resolves them as the local CLI would); nothing here
// defaults one. Errors: pagefault's envelope with memex's status code name (memory_wire.h).
//
// Thread-safety: MemoryRoutes is immutable after construction; its methods may run concurrently.
#pragma once

#include <string>

#include "http/http_types.h"
#include "http/httplib_adapter.h"
#include "service/memory_service.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace memex::http {

class MemoryRoutes {
 public:
  // Borrows `service`, which must outlive the routes.
  explicit MemoryRoutes(MemoryService& service) : service_(service) {}

  // Each answers 200 with the shape above or an error envelope; none throws on bad input.
  Reply Remember(const Request& request) const;
  Reply Recall(const Request& request) const;
  Reply List(const Request& request) const;
  Reply Stats(const Request& request) const;
  Reply Export(const Request& request) const;
  Reply Import(const Request& request) const;
  Reply Get(const std::string& id, const Request& request) const;
  Reply History(const std::string& id, const Request& request) const;
  Reply Links(const std::string& id, const Request& request) const;
  Reply Update(const std::string& id, const Request& request) const;
  Reply Forget(const std::string& id, const Request& request) const;

 private:
  MemoryService& service_;
};

// The error reply for a non-OK status (see memory_wire.h for the envelope).
Reply MemoryErrorReply(const Status& status);

// Registers the routes above on `server` (called once from routes.cc). `routes` must outlive the
// server.
// `observe` (may be empty) is told about every request after its handler ran.
void InstallMemoryRoutes(httplib::Server& server, const MemoryRoutes& routes,
                         RouteObserver observe = nullptr);

}  // namespace memex::http
