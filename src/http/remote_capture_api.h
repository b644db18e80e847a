// RemoteCaptureApi: CaptureApi over a running `memex serve` (http/capture_routes.h), so that
// `memex --server URL sessions|lessons|handoff ...` prints what the same command prints on the
// server's machine. Scopes travel as query parameters; the server checks them against the
// caller's token.
//
// Thread-safety: not thread-safe (it borrows a RemoteMemoryApi, one per thread).
#pragma once

#include <string>

#include "http/remote_memory_api.h"
#include "service/capture_api.h"
#include "service/capture_service.h"

namespace memex::http {

class RemoteCaptureApi : public CaptureApi {
 public:
  // Borrows `remote`, which must outlive this object.
  explicit RemoteCaptureApi(RemoteMemoryApi& remote) : remote_(remote) {}

  Result<std::vector<Session>> ListSessions(const SessionQuery& q) override;
  Result<Session> GetSession(const std::string& id) override;
  // after_seq and limit are applied to the answer (the route returns every event).
  Result<std::vector<Event>> SessionEvents(const std::string& id, int64_t after_seq = 0,
                                           int limit = 0) override;
  Result<Session> EndSession(const std::string& id) override;
  Result<Lesson> AddLesson(Lesson lesson) override;
  Result<std::vector<Lesson>> ListLessons(const LessonQuery& q) override;
  Result<Lesson> SetLessonActive(const std::string& id, bool active) override;
  Result<Handoff> WriteHandoff(const HandoffDraft& draft) override;
  Result<std::optional<Handoff>> PendingHandoff(const Scope& scope) override;
  Result<std::vector<Handoff>> ListHandoffs(const HandoffQuery& q) override;

 private:
  RemoteMemoryApi& remote_;
};

}  // namespace memex::http
