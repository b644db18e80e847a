#include "retrieval/chunker.h"

#include <gtest/gtest.h>

#include <string>

namespace memex {
namespace {

std::string Numbered(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += (i == 0 ? "" : " ") + std::string("w") + std::to_string(i);
  return s;
}

TEST(ChunkerTest, ShortTextIsOneChunkUnchanged) {
  EXPECT_EQ(ChunkText("  keep   my spacing\n"), std::vector<std::string>{"  keep   my spacing\n"});
  EXPECT_EQ(ChunkText(""), std::vector<std::string>{""});
  EXPECT_EQ(ChunkText(Numbered(90)).size(), 1u);
}

TEST(ChunkerTest, LongTextIsCutIntoOverlappingWindowsThatCoverEveryWord) {
  std::vector<std::string> chunks = ChunkText(Numbered(200), {.max_words = 90, .overlap = 15});
  ASSERT_EQ(chunks.size(), 3u);  // starts at words 0, 75, 150
  EXPECT_EQ(chunks[0].substr(0, 3), "w0 ");
  EXPECT_TRUE(chunks[0].ends_with(" w89"));
  EXPECT_EQ(chunks[1].substr(0, 4), "w75 ");
  EXPECT_TRUE(chunks[1].ends_with(" w164"));
  EXPECT_EQ(chunks[2].substr(0, 5), "w150 ");
  EXPECT_TRUE(chunks[2].ends_with(" w199"));
}

TEST(ChunkerTest, ChunksAreExactRangesOfTheOriginal) {
  std::string text = "a\tb  c\nd e f g";
  std::vector<std::string> chunks = ChunkText(text, {.max_words = 3, .overlap = 1});
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0], "a\tb  c");
  EXPECT_EQ(chunks[1], "c\nd e");
  EXPECT_EQ(chunks[2], "e f g");
}

TEST(ChunkerTest, StopsAtMaxChunks) {
  EXPECT_EQ(ChunkText(Numbered(1000), {.max_words = 10, .overlap = 0, .max_chunks = 4}).size(), 4u);
  // A nonsensical overlap is clamped instead of looping forever.
  EXPECT_EQ(ChunkText(Numbered(30), {.max_words = 10, .overlap = 50}).size(), 21u);
}

}  // namespace
}  // namespace memex
