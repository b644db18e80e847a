#include "embed/use_lite_tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/text.h"

namespace memex {
namespace {

constexpr char32_t kSeparator = 0x2581;  // "▁"

// Code points of `s`, which is valid UTF-8.
std::vector<char32_t> CodePoints(const utf8proc_uint8_t* s, utf8proc_ssize_t size) {
  std::vector<char32_t> out;
  out.reserve(static_cast<size_t>(size));
  utf8proc_ssize_t pos = 0;
  while (pos < size) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(s + pos, size - pos, &cp);
    if (len <= 0) break;  // cannot happen on utf8proc's own output
    out.push_back(static_cast<char32_t>(cp));
    pos += len;
  }
  return out;
}

// How many UTF-16 code units `s` (valid UTF-8) takes: the reference walks its best path back by
// JavaScript's String.length of each piece.
int32_t Utf16Length(std::string_view s) {
  int32_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += 1;  // a lead byte starts a code point
    if (c >= 0xF0) n += 1;           // beyond the BMP: a surrogate pair
  }
  return n;
}

uint64_t ChildKey(int32_t node, char32_t cp) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(node)) << 32) | cp;
}

}  // namespace

UseLiteTokenizer::UseLiteTokenizer(std::vector<Piece> pieces) : pieces_(std::move(pieces)) {
  utf16_length_.reserve(pieces_.size());
  for (const Piece& p : pieces_) utf16_length_.push_back(Utf16Length(p.text));
  nodes_.emplace_back();
  children_.reserve(pieces_.size() * 3);
  for (size_t id = kReservedIds; id < pieces_.size(); ++id) {
    const std::string& text = pieces_[id].text;
    std::vector<char32_t> cps = CodePoints(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                           static_cast<utf8proc_ssize_t>(text.size()));
    if (cps.empty()) continue;
    int32_t node = 0;
    for (char32_t cp : cps) {
      auto [it, inserted] = children_.try_emplace(ChildKey(node, cp), 0);
      if (inserted) {
        it->second = static_cast<int32_t>(nodes_.size());
        nodes_.emplace_back();
      }
      node = it->second;
    }
    nodes_[static_cast<size_t>(node)].piece = static_cast<int32_t>(id);  // a duplicate: last wins
  }
}

int32_t UseLiteTokenizer::Child(int32_t node, char32_t cp) const {
  auto it = children_.find(ChildKey(node, cp));
  return it == children_.end() ? -1 : it->second;
}

Result<UseLiteTokenizer> UseLiteTokenizer::FromVocabJson(std::string_view json,
                                                         const std::string& path) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  auto damaged = [&](const std::string& why) {
    return FailedPrecondition(path + ": not a USE-Lite vocabulary (" + why +
                              "); run scripts/fetch-model again");
  };
  if (doc.is_discarded()) return damaged("invalid JSON");
  if (!doc.is_array()) return damaged("not a JSON array");
  if (doc.size() <= static_cast<size_t>(kReservedIds)) return damaged("too few pieces");
  std::vector<Piece> pieces;
  pieces.reserve(doc.size());
  for (const nlohmann::json& entry : doc) {
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() ||
        !(entry[1].is_number() || entry[1].is_null())) {
      return damaged("piece " + std::to_string(pieces.size()) + " is not [text, score]");
    }
    Piece p;
    p.text = entry[0].get<std::string>();
    if (!IsValidUtf8(p.text)) {
      return damaged("piece " + std::to_string(pieces.size()) + " is not UTF-8");
    }
    p.score = entry[1].is_null() ? 0.0 : entry[1].get<double>();
    pieces.push_back(std::move(p));
  }
  return UseLiteTokenizer(std::move(pieces));
}

Result<std::vector<int32_t>> UseLiteTokenizer::Encode(std::string_view text, int max_tokens) const {
  size_t bad = FirstInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    return InvalidArgument("text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  }
  std::vector<char32_t> symbols;
  if (!text.empty()) {
    utf8proc_uint8_t* nfkc = nullptr;
    utf8proc_ssize_t size = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
        static_cast<utf8proc_ssize_t>(text.size()), &nfkc,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
    if (size < 0) return InvalidArgument(std::string("text: ") + utf8proc_errmsg(size));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(nfkc, &std::free);
    std::vector<char32_t> cps = CodePoints(nfkc, size);
    if (!cps.empty()) {
      symbols.reserve(cps.size() + 1);
      symbols.push_back(kSeparator);
      for (char32_t cp : cps) symbols.push_back(cp == U' ' ? kSeparator : cp);
    }
  }

  // Viterbi, forward: best[i] is final once every start < i was visited, and each end sees its
  // candidates by ascending start, as the reference's loop over nodes[end] does.
  const size_t n = symbols.size();
  std::vector<double> best(n + 1, 0.0);
  std::vector<int32_t> words(n + 1, 0);
  auto offer = [&](size_t end, int32_t id, double score) {
    if (best[end] == 0.0 || score >= best[end]) {
      best[end] = score;
      words[end] = id;
    }
  };
  for (size_t start = 0; start < n; ++start) {
    bool matched = false;
    int32_t node = 0;
    for (size_t j = start; j < n; ++j) {
      node = Child(node, symbols[j]);
      if (node < 0) break;
      int32_t id = nodes_[static_cast<size_t>(node)].piece;
      if (id < 0) continue;
      matched = true;
      offer(j + 1, id, pieces_[static_cast<size_t>(id)].score + best[start]);
    }
    if (!matched) offer(start + 1, 0, best[start]);  // unknown code point: id 0, score 0
  }

  std::vector<int32_t> reversed;
  for (ptrdiff_t iter = static_cast<ptrdiff_t>(n); iter > 0;) {
    int32_t id = words[static_cast<size_t>(iter)];
    reversed.push_back(id);
    iter -= std::max<int32_t>(1, utf16_length_[static_cast<size_t>(id)]);
  }
  std::vector<int32_t> ids;
  ids.reserve(reversed.size());
  bool previous_unknown = false;
  for (int32_t id : reversed) {
    if (!(previous_unknown && id == 0)) ids.push_back(id);
    previous_unknown = id == 0;
  }
  std::reverse(ids.begin(), ids.end());
  if (max_tokens >= 0 && ids.size() > static_cast<size_t>(max_tokens)) {
    ids.resize(static_cast<size_t>(max_tokens));
  }
  return ids;
}

}  // namespace memex
