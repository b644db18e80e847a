// RFC 3339 timestamps <-> epoch milliseconds (always UTC on output).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace memex {

// "2026-11-21T20:33:46.123Z" (milliseconds always printed).
std::string FormatRfc3339Ms(int64_t epoch_ms);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z", "+hh:mm" or "-hh:mm" (no zone =
// UTC), and a space instead of "T". Errors: kInvalidArgument naming the text.
Result<int64_t> ParseTimestampMs(std::string_view text);

}  // namespace memex
