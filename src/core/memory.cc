#include "core/memory.h"

#include <algorithm>
#include <array>

#include "base/text.h"

namespace memex {
namespace {

constexpr std::array<std::string_view, 8> kKindNames = {
    "fact", "decision", "convention", "preference", "gotcha", "procedure", "episode", "lesson"};
constexpr std::array<std::string_view, 5> kOriginNames = {"manual", "hook", "proxy", "import",
                                                          "consolidation"};
constexpr std::array<std::string_view, 4> kStatusNames = {"candidate", "active", "superseded",
                                                          "archived"};

template <typename E, size_t N>
Result<E> ParseName(std::string_view text, const std::array<std::string_view, N>& names,
                    std::string_view what) {
  std::string lower = AsciiLower(Trim(text));
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == lower) return static_cast<E>(i);
  }
  std::string all;
  for (size_t i = 0; i < N; ++i) {
    if (i) all += ", ";
    all += names[i];
  }
  return InvalidArgument("unknown " + std::string(what) + " '" + std::string(text) +
                         "' (expected one of: " + all + ")");
}

}  // namespace

std::string_view KindName(Kind k) { return kKindNames[static_cast<size_t>(k)]; }
std::string_view OriginName(Origin o) { return kOriginNames[static_cast<size_t>(o)]; }
std::string_view StatusName(MemoryStatus s) { return kStatusNames[static_cast<size_t>(s)]; }
Result<Kind> ParseKind(std::string_view t) { return ParseName<Kind>(t, kKindNames, "kind"); }
Result<Origin> ParseOrigin(std::string_view t) {
  return ParseName<Origin>(t, kOriginNames, "origin");
}
Result<MemoryStatus> ParseStatus(std::string_view t) {
  return ParseName<MemoryStatus>(t, kStatusNames, "status");
}

const std::vector<Kind>& AllKinds() {
  static const std::vector<Kind> kAll = {Kind::kFact,       Kind::kDecision, Kind::kConvention,
                                         Kind::kPreference, Kind::kGotcha,   Kind::kProcedure,
                                         Kind::kEpisode,    Kind::kLesson};
  return kAll;
}

std::vector<std::string> NormalizeTags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  out.reserve(tags.size());
  for (const auto& t : tags) {
    std::string s = AsciiLower(Trim(t));
    if (!s.empty()) out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace memex
