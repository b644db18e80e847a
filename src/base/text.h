// Small text helpers shared by every layer: UTF-8 validation, ASCII case, trimming, splitting.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memex {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);
// Byte offset of the first invalid UTF-8 sequence, or npos when valid.
size_t FirstInvalidUtf8(std::string_view s);

std::string AsciiLower(std::string_view s);
std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep, bool skip_empty = true);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence; appends `ellipsis` if cut.
std::string TruncateUtf8(std::string_view s, size_t max_bytes, std::string_view ellipsis = "…");

}  // namespace memex
