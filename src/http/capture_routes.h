// Capture over HTTP (docs/capture.md, SPEC §7): hook ingress for `memex hook` and the capture
// records (sessions, lessons, handoffs) as JSON.
//
//   POST  /hook?event=&agent=&workspace=&project=&cwd=&ingest_key=&ts_ms=&git_branch=
//         body: the agent's payload -> 202 {"status":"queued"}, or 200 {"status":"queued",
//         "stdout":"<what the hook prints>"} when memex has something for the model; 429 when
//         the queue is full (the hook spools and retries later)
//   POST  /hook/batch   {"events":[<spool line>...]} (<= 1000) -> {"accepted":N}, all or none
//   GET   /api/sessions?workspace=&project=&all_scopes=&agent=&open=&limit=
//   GET   /api/sessions/{id}?events=true        POST /api/sessions/{id}/end
//   GET   /api/lessons?workspace=&project=&all=true     POST /api/lessons {lesson}
//   PATCH /api/lessons/{id} {"active":bool}
//   GET   /api/handoffs?workspace=&project=&state=       POST /api/handoffs {handoff draft}
//   GET   /api/handoffs/pending?workspace=&project=  -> {"handoff": {...} | null}
//
// Every event is checked against the caller's principal: writing events, lessons and handoffs
// needs write access to their scope; reads need read access. Errors use the envelope of the
// native memory API (memory_routes.h).
//
// Thread-safety: immutable after construction; handlers may run concurrently.
#pragma once

#include <string>

#include "config/config.h"
#include "http/http_types.h"
#include "http/httplib_adapter.h"
#include "service/capture_service.h"
#include "service/hook_queue.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace memex::http {

class CaptureRoutes {
 public:
  // Borrows everything; all must outlive the routes.
  CaptureRoutes(CaptureService& capture, HookQueue& queue, const Config& config)
      : capture_(capture), queue_(queue), config_(config) {}

  Reply Hook(const Request& request) const;
  Reply HookBatch(const Request& request) const;
  Reply ListSessions(const Request& request) const;
  Reply GetSession(const std::string& id, const Request& request) const;
  Reply EndSession(const std::string& id, const Request& request) const;
  Reply ListLessons(const Request& request) const;
  Reply AddLesson(const Request& request) const;
  Reply PatchLesson(const std::string& id, const Request& request) const;
  Reply ListHandoffs(const Request& request) const;
  Reply WriteHandoff(const Request& request) const;
  Reply PendingHandoff(const Request& request) const;

 private:
  CaptureService& capture_;
  HookQueue& queue_;
  const Config& config_;
};

// Registers the routes above (called once from routes.cc). `observe` may be empty.
void InstallCaptureRoutes(httplib::Server& server, const CaptureRoutes& routes,
                          RouteObserver observe = nullptr);

}  // namespace memex::http
