// JSON forms of the capture types (core/capture.h): one event per JSONL line in session
// archives and `memex sessions show --json`, sessions, handoffs and lessons in CLI and REST
// output. Field names are the snake_case of the struct members; empty strings, zero numbers and
// empty lists are omitted from events to keep archives small.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "core/capture.h"

namespace memex::capture {

nlohmann::json EventToJson(const Event& e);
// Errors: kInvalidArgument naming the field that has the wrong type or an unknown kind.
Result<Event> EventFromJson(const nlohmann::json& j);

// One compact JSON line (no trailing newline) and its inverse, for journals and archives.
std::string EventToJsonLine(const Event& e);
// Errors: kInvalidArgument (not JSON, or as EventFromJson).
Result<Event> EventFromJsonLine(std::string_view line);

nlohmann::json SessionToJson(const Session& s);
nlohmann::json HandoffToJson(const Handoff& h);
nlohmann::json LessonToJson(const Lesson& l);

// The inverses of SessionToJson, HandoffToJson and LessonToJson (the thin client reads what a
// server sent). Errors: kInvalidArgument naming the field.
Result<Session> SessionFromJson(const nlohmann::json& j);
Result<Handoff> HandoffFromJson(const nlohmann::json& j);
Result<Lesson> LessonRecordFromJson(const nlohmann::json& j);

// A lesson as clients send it: {"rule"*, "title", "severity", "phase", "tool", "input_regex",
// "output_regex", "file_globs":[...], "scope":"ws/proj"|"global"}. A missing scope is
// `default_scope`. Checks types only (capture/lesson_matcher.h ValidateLesson checks the rest).
// Errors: kInvalidArgument naming the field.
Result<Lesson> LessonFromJson(const nlohmann::json& j, const Scope& default_scope);

// A handoff as clients send it: {"summary"*, "open_questions", "next_steps", "files_touched"}
// (arrays of strings). Errors: kInvalidArgument naming the field.
struct HandoffFields {
  std::string summary;
  std::vector<std::string> open_questions, next_steps, files_touched;
};
Result<HandoffFields> HandoffFieldsFromJson(const nlohmann::json& j);

}  // namespace memex::capture
