#include "install/text_diff.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace memex::install {
namespace {

// Above this many cells the middle of the diff is shown as all removed, then all added: the
// files an installer edits change in one or two places, so this is never hit in practice.
constexpr size_t kMaxLcsCells = 4'000'000;

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

struct Op {
  char kind;  // ' ', '-', '+'
  size_t a;   // line index in before (for ' ' and '-')
  size_t b;   // line index in after (for ' ' and '+')
};

std::vector<Op> EditScript(const std::vector<std::string_view>& a,
                           const std::vector<std::string_view>& b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  std::vector<Op> ops;
  for (size_t i = 0; i < prefix; ++i) ops.push_back({' ', i, i});
  const size_t n = a.size() - prefix - suffix;
  const size_t m = b.size() - prefix - suffix;
  if (n * m <= kMaxLcsCells) {
    // lcs[i][j]: the longest common subsequence of a[prefix+i..] and b[prefix+j..].
    std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        lcs[i][j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1][j + 1] + 1
                                                   : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    size_t i = 0;
    size_t j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
        ops.push_back({' ', prefix + i++, prefix + j++});
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.push_back({'-', prefix + i++, prefix + j});  // removals first, as diff(1) prints
      } else {
        ops.push_back({'+', prefix + i, prefix + j++});
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) ops.push_back({'-', prefix + i, prefix});
    for (size_t j = 0; j < m; ++j) ops.push_back({'+', prefix + n, prefix + j});
  }
  for (size_t k = 0; k < suffix; ++k) {
    ops.push_back({' ', a.size() - suffix + k, b.size() - suffix + k});
  }
  return ops;
}

std::string Range(size_t start, size_t count) {
  // Unified diff numbers lines from 1; an empty range names the line before it.
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string UnifiedDiff(std::string_view before, std::string_view after,
                        std::string_view before_label, std::string_view after_label, int context) {
  if (before == after) return "";
  const std::vector<std::string_view> a = Lines(before);
  const std::vector<std::string_view> b = Lines(after);
  const std::vector<Op> ops = EditScript(a, b);
  std::string out = "--- " + std::string(before_label) + "\n+++ " + std::string(after_label) + "\n";
  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k].kind == ' ') ++k;
    if (k == ops.size()) break;
    // A hunk: from `ctx` lines before this change to `ctx` lines after the last change that is
    // within 2*ctx unchanged lines of the previous one.
    size_t start = k >= ctx ? k - ctx : 0;
    size_t end = k;
    size_t same = 0;
    for (size_t i = k; i < ops.size(); ++i) {
      if (ops[i].kind == ' ') {
        if (++same > 2 * ctx) break;
      } else {
        same = 0;
        end = i;
      }
    }
    size_t stop = std::min(ops.size(), end + 1 + ctx);
    size_t a_count = 0;
    size_t b_count = 0;
    for (size_t i = start; i < stop; ++i) {
      if (ops[i].kind != '+') ++a_count;
      if (ops[i].kind != '-') ++b_count;
    }
    out += "@@ -" + Range(ops[start].a, a_count) + " +" + Range(ops[start].b, b_count) + " @@\n";
    for (size_t i = start; i < stop; ++i) {
      const Op& op = ops[i];
      out += op.kind;
      out += op.kind == '+' ? b[op.b] : a[op.a];
      out += '\n';
    }
    k = stop;
  }
  return out;
}

}  // namespace memex::install
