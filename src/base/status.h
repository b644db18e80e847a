// Status and Result<T>: errors as values across module boundaries (Abseil-style canonical codes).
// Each front-end maps codes exactly once: CLI exit codes (cli/exit_codes.h), later HTTP and
// JSON-RPC.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace memex {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; retrying the same input never helps
  kNotFound,            // the named thing does not exist (or is hidden from this caller)
  kAlreadyExists,       // a create collided with something that exists
  kFailedPrecondition,  // the system is not in a state that allows the call (e.g. read-only dir)
  kPermissionDenied,    // the caller may not do this
  kResourceExhausted,   // a limit was hit (size, quota, queue)
  kUnavailable,         // transient: busy database, unreachable server; retry may help
  kDataLoss,            // stored data is corrupt or unreadable
  kInternal,            // a bug or an unexpected failure of a dependency
  kUnimplemented,
};

std::string_view StatusCodeName(StatusCode code);
// The code's stable snake_case name ("invalid_argument"), as JSON error documents carry it (CLI
// --json errors, the native HTTP memory API), and the code back from it (nullopt when unknown).
std::string_view StatusCodeSlug(StatusCode code);
std::optional<StatusCode> StatusCodeFromSlug(std::string_view slug);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "INVALID_ARGUMENT: message" — for logs and CLI error lines.
  std::string ToString() const;
  // Returns a copy with `context + ": "` prepended to the message.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).ok())
      v_ = Status(StatusCode::kInternal, "Result built from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  // Preconditions: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace memex

#define MEMEX_CONCAT_INNER(a, b) a##b
#define MEMEX_CONCAT(a, b) MEMEX_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)     \
  do {                            \
    ::memex::Status _st = (expr); \
    if (!_st.ok()) return _st;    \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(MEMEX_CONCAT(_result_, __LINE__), lhs, expr)
