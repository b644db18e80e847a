#include "retrieval/word_forms.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "base/text.h"

namespace memex {
namespace {

// One verb per entry: its base form first, then its irregular past and participle forms
// (regular ones, which the index stems to the base, are left out).
constexpr std::array<std::string_view, 109> kVerbs = {"arise arose arisen",
                                                      "awake awoke awoken",
                                                      "beat beaten",
                                                      "become became",
                                                      "begin began begun",
                                                      "bend bent",
                                                      "bind bound",
                                                      "bite bit bitten",
                                                      "bleed bled",
                                                      "blow blew blown",
                                                      "break broke broken",
                                                      "breed bred",
                                                      "bring brought",
                                                      "build built",
                                                      "burn burnt",
                                                      "buy bought",
                                                      "catch caught",
                                                      "choose chose chosen",
                                                      "cling clung",
                                                      "come came",
                                                      "creep crept",
                                                      "deal dealt",
                                                      "dig dug",
                                                      "draw drew drawn",
                                                      "dream dreamt",
                                                      "drink drank drunk",
                                                      "drive drove driven",
                                                      "eat ate eaten",
                                                      "fall fell fallen",
                                                      "feed fed",
                                                      "feel felt",
                                                      "fight fought",
                                                      "find found",
                                                      "flee fled",
                                                      "fly flew flown",
                                                      "forbid forbade forbidden",
                                                      "forget forgot forgotten",
                                                      "forgive forgave forgiven",
                                                      "freeze froze frozen",
                                                      "get got gotten",
                                                      "give gave given",
                                                      "go went gone",
                                                      "grow grew grown",
                                                      "hang hung",
                                                      "hear heard",
                                                      "hide hid hidden",
                                                      "hold held",
                                                      "keep kept",
                                                      "kneel knelt",
                                                      "know knew known",
                                                      "lead led",
                                                      "lean leant",
                                                      "learn learnt",
                                                      "leave left",
                                                      "lend lent",
                                                      "light lit",
                                                      "lose lost",
                                                      "make made",
                                                      "mean meant",
                                                      "meet met",
                                                      "overcome overcame",
                                                      "pay paid",
                                                      "prove proven",
                                                      "ride rode ridden",
                                                      "ring rang rung",
                                                      "run ran",
                                                      "say said",
                                                      "see saw seen",
                                                      "seek sought",
                                                      "sell sold",
                                                      "send sent",
                                                      "sew sewn",
                                                      "shake shook shaken",
                                                      "shine shone",
                                                      "shoot shot",
                                                      "show shown",
                                                      "shrink shrank shrunk",
                                                      "sing sang sung",
                                                      "sink sank sunk",
                                                      "sit sat",
                                                      "sleep slept",
                                                      "slide slid",
                                                      "speak spoke spoken",
                                                      "speed sped",
                                                      "spend spent",
                                                      "spin spun",
                                                      "stand stood",
                                                      "steal stole stolen",
                                                      "stick stuck",
                                                      "sting stung",
                                                      "strike struck",
                                                      "swear swore sworn",
                                                      "sweep swept",
                                                      "swim swam swum",
                                                      "swing swung",
                                                      "take took taken",
                                                      "teach taught",
                                                      "tear tore torn",
                                                      "tell told",
                                                      "think thought",
                                                      "throw threw thrown",
                                                      "understand understood",
                                                      "wake woke woken",
                                                      "wear wore worn",
                                                      "weep wept",
                                                      "win won",
                                                      "write wrote written",
                                                      "undergo underwent undergone",
                                                      "withdraw withdrew withdrawn"};

// Each form of the table, with the entry it belongs to.
std::unordered_map<std::string, size_t> IndexForms() {
  std::unordered_map<std::string, size_t> index;
  for (size_t e = 0; e < kVerbs.size(); ++e) {
    for (std::string& form : Split(kVerbs[e], ' ')) index.emplace(std::move(form), e);
  }
  return index;
}

// The forms of the verb `word` is a form of, or none.
std::vector<std::string> FormsOf(std::string_view word) {
  static const std::unordered_map<std::string, size_t> kEntryOf = IndexForms();
  auto it = kEntryOf.find(std::string(word));
  return it == kEntryOf.end() ? std::vector<std::string>{} : Split(kVerbs[it->second], ' ');
}

// Candidate base forms of an inflected regular ending the index would stem: "buys", "buying",
// "making" (make), "getting" (get).
std::vector<std::string> Bases(std::string_view w) {
  std::vector<std::string> out{std::string(w)};
  if (w.size() > 3 && w.ends_with("s")) out.emplace_back(w.substr(0, w.size() - 1));
  if (w.size() > 4 && w.ends_with("ing")) {
    std::string stem(w.substr(0, w.size() - 3));
    out.push_back(stem);
    out.push_back(stem + "e");
    if (stem.size() >= 2 && stem[stem.size() - 1] == stem[stem.size() - 2]) {
      out.push_back(stem.substr(0, stem.size() - 1));
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> OtherVerbForms(std::string_view lower_word) {
  for (const std::string& base : Bases(lower_word)) {
    std::vector<std::string> forms = FormsOf(base);
    if (forms.empty()) continue;
    std::vector<std::string> out;
    for (std::string& form : forms) {
      if (form != lower_word && form != base) out.push_back(std::move(form));
    }
    // The base itself is another form of an inflected word ("buying" -> "buy" is stemmed by
    // the index already, so only the irregular forms matter).
    return out;
  }
  return {};
}

}  // namespace memex
