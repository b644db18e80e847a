#include "base/status.h"

namespace memex {

namespace {

constexpr std::pair<StatusCode, std::string_view> kSlugs[] = {
    {StatusCode::kOk, "ok"},
    {StatusCode::kInvalidArgument, "invalid_argument"},
    {StatusCode::kNotFound, "not_found"},
    {StatusCode::kAlreadyExists, "already_exists"},
    {StatusCode::kFailedPrecondition, "failed_precondition"},
    {StatusCode::kPermissionDenied, "permission_denied"},
    {StatusCode::kResourceExhausted, "resource_exhausted"},
    {StatusCode::kUnavailable, "unavailable"},
    {StatusCode::kDataLoss, "data_loss"},
    {StatusCode::kInternal, "internal"},
    {StatusCode::kUnimplemented, "unimplemented"},
};

}  // namespace

std::string_view StatusCodeSlug(StatusCode code) {
  for (const auto& [c, slug] : kSlugs) {
    if (c == code) return slug;
  }
  return "internal";
}

std::optional<StatusCode> StatusCodeFromSlug(std::string_view slug) {
  for (const auto& [c, s] : kSlugs) {
    if (s == slug) return c;
  }
  return std::nullopt;
}

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case StatusCode::kDataLoss:
      return "DATA_LOSS";
    case StatusCode::kInternal:
      return "INTERNAL";
    case StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
  }
  return "UNKNOWN";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return {code_, std::string(context) + ": " + message_};
}

}  // namespace memex
