#include "base/time_util.h"

#include <cstdio>
#include <ctime>

namespace memex {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ReadDigits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

}  // namespace

std::string FormatRfc3339Ms(int64_t epoch_ms) {
  int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  int ms = static_cast<int>(epoch_ms - secs * 1000);
  time_t t = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

Result<int64_t> ParseTimestampMs(std::string_view s) {
  auto bad = [&] {
    return InvalidArgument("invalid timestamp '" + std::string(s) +
                           "' (expected YYYY-MM-DD or RFC 3339, e.g. 2026-01-31T12:00:00Z)");
  };
  size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!ReadDigits(s, p, 4, y) || p >= s.size() || s[p++] != '-' || !ReadDigits(s, p, 2, mo) ||
      p >= s.size() || s[p++] != '-' || !ReadDigits(s, p, 2, d)) {
    return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return bad();
  int64_t offset_min = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return bad();
    ++p;
    if (!ReadDigits(s, p, 2, h) || p >= s.size() || s[p++] != ':' || !ReadDigits(s, p, 2, mi)) {
      return bad();
    }
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!ReadDigits(s, p, 2, sec)) return bad();
      if (p < s.size() && s[p] == '.') {
        ++p;
        size_t start = p;
        int scale = 100;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          if (scale > 0) ms += (s[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return bad();
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return bad();
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int sign = s[p] == '-' ? -1 : 1;
        ++p;
        int oh = 0, om = 0;
        if (!ReadDigits(s, p, 2, oh) || p >= s.size() || s[p++] != ':' ||
            !ReadDigits(s, p, 2, om)) {
          return bad();
        }
        offset_min = sign * (oh * 60 + om);
      } else {
        return bad();
      }
    }
    if (p != s.size()) return bad();
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t total_s = days * 86400 + h * 3600 + mi * 60 + sec - offset_min * 60;
  return total_s * 1000 + ms;
}

}  // namespace memex
