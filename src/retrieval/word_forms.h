// Irregular English verb forms, so that a question in the present finds a memory in the past:
// "when did Jolene buy her snake?" and "I bought it a year ago". The full-text index stems
// regular forms (Porter: "decided" -> "decid"), not "bought" -> "buy" or "went" -> "go".
// Pure; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memex {

// The other forms of the irregular verb `lower_word` is a form of ("buy" -> {"bought"},
// "went" -> {"go", "gone"}, "buying" -> {"bought"}); empty when it is none. The auxiliaries be,
// have and do are left out (stop words), and so are forms that are more often another word
// ("rose", "ground", "wound", "bore", "lay").
std::vector<std::string> OtherVerbForms(std::string_view lower_word);

}  // namespace memex
