// CaptureApi: the capture operations the CLI's `sessions`, `lessons` and `handoff` commands use,
// implemented by CaptureService (this machine's data directory) and by http::RemoteCaptureApi (a
// running `memex serve`, through http/capture_routes.h), like MemoryApi for memories.
//
// Thread-safety: as the implementation (CaptureService: any thread; the remote one: one thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/capture.h"
#include "store/capture_store.h"

namespace memex {

struct HandoffDraft;

class CaptureApi {
 public:
  virtual ~CaptureApi() = default;

  // Errors: kNotFound for an unknown id (or one outside the caller's scopes, remotely).
  virtual Result<std::vector<Session>> ListSessions(const SessionQuery& q) = 0;
  virtual Result<Session> GetSession(const std::string& id) = 0;
  virtual Result<std::vector<Event>> SessionEvents(const std::string& id, int64_t after_seq = 0,
                                                   int limit = 0) = 0;
  // Ends the session (CaptureService::FinishSession) and returns it as it is then.
  virtual Result<Session> EndSession(const std::string& id) = 0;

  virtual Result<Lesson> AddLesson(Lesson lesson) = 0;
  virtual Result<std::vector<Lesson>> ListLessons(const LessonQuery& q) = 0;
  virtual Result<Lesson> SetLessonActive(const std::string& id, bool active) = 0;

  virtual Result<Handoff> WriteHandoff(const HandoffDraft& draft) = 0;
  virtual Result<std::optional<Handoff>> PendingHandoff(const Scope& scope) = 0;
  virtual Result<std::vector<Handoff>> ListHandoffs(const HandoffQuery& q) = 0;
};

}  // namespace memex
