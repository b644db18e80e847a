#include "cli/exit_codes.h"

#include <gtest/gtest.h>

namespace memex::cli {
namespace {

TEST(ExitCodesTest, DocumentedMapping) {
  struct Case {
    StatusCode code;
    int exit;
    const char* name;
  } cases[] = {
      {StatusCode::kOk, 0, "ok"},
      {StatusCode::kInternal, 1, "internal"},
      {StatusCode::kUnimplemented, 1, "unimplemented"},
      {StatusCode::kInvalidArgument, 3, "invalid_argument"},
      {StatusCode::kResourceExhausted, 3, "resource_exhausted"},
      {StatusCode::kNotFound, 4, "not_found"},
      {StatusCode::kFailedPrecondition, 5, "failed_precondition"},
      {StatusCode::kPermissionDenied, 5, "permission_denied"},
      {StatusCode::kAlreadyExists, 5, "already_exists"},
      {StatusCode::kUnavailable, 6, "unavailable"},
      {StatusCode::kDataLoss, 7, "data_loss"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ToInt(ExitCodeFor(c.code)), c.exit) << c.name;
    EXPECT_EQ(ErrorCodeName(c.code), c.name);
  }
  EXPECT_EQ(ToInt(ExitCode::kUsage), 2);
}

TEST(ExitCodesTest, HintsForRecoverableFailures) {
  EXPECT_NE(ErrorHint(StatusCode::kDataLoss).find("memex doctor"), std::string_view::npos);
  EXPECT_FALSE(ErrorHint(StatusCode::kUnavailable).empty());
  EXPECT_TRUE(ErrorHint(StatusCode::kNotFound).empty());
}

}  // namespace
}  // namespace memex::cli
