#include "retrieval/word_forms.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace memex {
namespace {

using Strings = std::vector<std::string>;

TEST(OtherVerbForms, BaseAndPastFindEachOther) {
  EXPECT_EQ(OtherVerbForms("buy"), (Strings{"bought"}));
  EXPECT_EQ(OtherVerbForms("bought"), (Strings{"buy"}));
  EXPECT_EQ(OtherVerbForms("go"), (Strings{"went", "gone"}));
  EXPECT_EQ(OtherVerbForms("went"), (Strings{"go", "gone"}));
  EXPECT_EQ(OtherVerbForms("gone"), (Strings{"go", "went"}));
  EXPECT_EQ(OtherVerbForms("withdrew"), (Strings{"withdraw", "withdrawn"}));
}

TEST(OtherVerbForms, InflectedFormsGiveTheIrregularOnes) {
  // The base of an inflected form is stemmed by the index already: only the irregular forms.
  EXPECT_EQ(OtherVerbForms("buying"), (Strings{"bought"}));
  EXPECT_EQ(OtherVerbForms("buys"), (Strings{"bought"}));
  EXPECT_EQ(OtherVerbForms("making"), (Strings{"made"}));            // make + ing
  EXPECT_EQ(OtherVerbForms("getting"), (Strings{"got", "gotten"}));  // a doubled consonant
}

TEST(OtherVerbForms, RegularVerbsAndOtherWordsHaveNone) {
  EXPECT_TRUE(OtherVerbForms("decide").empty());
  EXPECT_TRUE(OtherVerbForms("decided").empty());
  EXPECT_TRUE(OtherVerbForms("snake").empty());
  EXPECT_TRUE(OtherVerbForms("parser").empty());
  EXPECT_TRUE(OtherVerbForms("").empty());
  // Auxiliaries and forms that are more often another word are left out.
  EXPECT_TRUE(OtherVerbForms("was").empty());
  EXPECT_TRUE(OtherVerbForms("had").empty());
  EXPECT_TRUE(OtherVerbForms("rose").empty());
  EXPECT_TRUE(OtherVerbForms("ground").empty());
}

TEST(OtherVerbForms, NeverReturnsTheWordItselfOrRepeats) {
  for (const char* word : {"buy",   "bought", "go",     "went", "gone", "buying",  "making",
                           "bit",   "bite",   "bitten", "got",  "get",  "getting", "left",
                           "found", "sees",   "seen",   "made", "make", "taking"}) {
    const Strings forms = OtherVerbForms(word);
    EXPECT_FALSE(forms.empty()) << word;
    EXPECT_EQ(std::find(forms.begin(), forms.end(), word), forms.end()) << word;
    Strings sorted = forms;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << word;
  }
}

}  // namespace
}  // namespace memex
