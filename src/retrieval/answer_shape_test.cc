#include "retrieval/answer_shape.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

TEST(AsksWhen, QuestionsThatAskForAPointInTime) {
  EXPECT_TRUE(AsksWhen("When did Jolene buy her snake?"));
  EXPECT_TRUE(AsksWhen("when"));
  EXPECT_TRUE(AsksWhen("Since when has the parser been slow?"));
  EXPECT_TRUE(AsksWhen("How long ago did we ship the parser?"));
  EXPECT_TRUE(AsksWhen("What year did Caroline move to Sweden?"));
  EXPECT_TRUE(AsksWhen("Which month was the launch?"));
  EXPECT_TRUE(AsksWhen("What date is the release?"));
  EXPECT_TRUE(AsksWhen("and when did we ship it"));
  EXPECT_TRUE(AsksWhen("remind me, when was the outage"));
  // A span of time.
  EXPECT_TRUE(AsksWhen("How long has Nate had his turtles?"));
  EXPECT_TRUE(AsksWhen("For how long did the migration run?"));
  EXPECT_TRUE(AsksWhen("How long did it take to fix the flaky test?"));
  EXPECT_TRUE(AsksWhen("How many weeks passed between the two releases?"));
  EXPECT_TRUE(AsksWhen("how many days did the outage last"));
}

TEST(AsksWhen, OtherQuestionsDoNot) {
  EXPECT_FALSE(AsksWhen("What did Caroline research?"));
  EXPECT_FALSE(AsksWhen("Whenever did we ship it"));  // "whenever" is not "when"
  EXPECT_FALSE(AsksWhen("ping me whenever it is done"));
  EXPECT_FALSE(AsksWhen("the day when we met"));  // "when" without an auxiliary after it
  EXPECT_FALSE(AsksWhen("How long is the drive?"));
  EXPECT_FALSE(AsksWhen("How long is the cable?"));  // a length as often as a span
  EXPECT_FALSE(AsksWhen("How long"));
  EXPECT_FALSE(AsksWhen("How many tests failed?"));
  EXPECT_FALSE(AsksWhen("How many people were there?"));
  EXPECT_FALSE(AsksWhen("how long the queue gets"));  // no auxiliary after "long"
  EXPECT_FALSE(AsksWhen("Since the migration, what broke?"));
  EXPECT_FALSE(AsksWhen("What colour is the bike?"));
  EXPECT_FALSE(AsksWhen(""));
  EXPECT_FALSE(AsksWhen("?! ..."));
}

TEST(StatesTime, DatesYearsWeekdaysAndRelativePhrases) {
  EXPECT_TRUE(StatesTime("I bought it a year ago in Paris."));
  EXPECT_TRUE(StatesTime("We talked about it last night"));
  EXPECT_TRUE(StatesTime("It shipped on 3 May."));
  EXPECT_TRUE(StatesTime("Due May 21st"));
  EXPECT_TRUE(StatesTime("The release was 12 March"));
  EXPECT_TRUE(StatesTime("She moved in 2022."));
  EXPECT_TRUE(StatesTime("Let's meet next Saturday"));
  EXPECT_TRUE(StatesTime("I saw it yesterday"));
  EXPECT_TRUE(StatesTime("We went camping this summer"));
  EXPECT_TRUE(StatesTime("The meetup is in August"));
  EXPECT_TRUE(StatesTime("I have been learning it for months"));
}

TEST(StatesTime, WordsThatOnlyLookLikeTimesDoNot) {
  EXPECT_FALSE(StatesTime("I may go"));
  EXPECT_FALSE(StatesTime("March on"));
  EXPECT_FALSE(StatesTime("I love painting landscapes."));
  EXPECT_FALSE(StatesTime("The night was quiet"));  // "night" without last/next/this
  EXPECT_FALSE(StatesTime("Port 8080 is open"));    // a number, not a year
  EXPECT_FALSE(StatesTime("Error 404 on the last page"));
  EXPECT_FALSE(StatesTime(""));
}

TEST(EndsAsking, TheLastSentenceIsAQuestion) {
  EXPECT_TRUE(EndsAsking("What did you put in it?"));
  EXPECT_TRUE(EndsAsking("I made soup. What did you put in it?"));
  EXPECT_TRUE(EndsAsking("Really?!"));
  EXPECT_TRUE(EndsAsking("Really!?"));
  EXPECT_TRUE(EndsAsking("Is it done? \xf0\x9f\x99\x82"));  // a trailing emoji
  EXPECT_TRUE(EndsAsking("Did it run?\""));                 // a closing quote
  EXPECT_TRUE(EndsAsking("Want to see? [image: a photo]"));
  EXPECT_TRUE(EndsAsking("Want to see? [image: a photo"));  // a caption cut short
  EXPECT_TRUE(EndsAsking("[image: a cat] Is it yours?"));
  EXPECT_TRUE(EndsAsking("?"));
}

TEST(EndsAsking, AnEarlierQuestionOrABracketedOneDoesNot) {
  EXPECT_FALSE(EndsAsking("Sure. What? Yes."));
  EXPECT_FALSE(EndsAsking("I asked why? No idea"));
  EXPECT_FALSE(EndsAsking("Done. [image: a sign saying what?]"));
  EXPECT_FALSE(EndsAsking("Is it yours? [image: a cat] Got it."));
  EXPECT_FALSE(EndsAsking("It works!"));
  EXPECT_FALSE(EndsAsking("It works"));
  EXPECT_FALSE(EndsAsking("\xf0\x9f\x99\x82"));
  EXPECT_FALSE(EndsAsking(""));
}

}  // namespace
}  // namespace memex
