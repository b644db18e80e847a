#include "codec/memory_json.h"

#include <gtest/gtest.h>

namespace memex {
namespace {

Memory Sample() {
  Memory m;
  m.id = "0190f5c2-0000-7000-8000-000000000001";
  m.scope = {"ws", "proj"};
  m.kind = Kind::kDecision;
  m.content = "use \"SQLite\"\nwith WAL — é";
  m.tags = {"db", "storage"};
  m.origin = Origin::kImport;
  m.agent = "claude-code";
  m.status = MemoryStatus::kSuperseded;
  m.confidence = 0.5;
  m.version = 2;
  m.supersedes = "0190f5c2-0000-7000-8000-000000000000";
  m.superseded_by = "0190f5c2-0000-7000-8000-000000000002";
  m.content_hash = "abc";
  m.created_ms = 1000;
  m.updated_ms = 2000;
  m.access_count = 3;
  m.deleted_ms = 5000;
  return m;
}

TEST(MemoryJson, RoundTripIsLossless) {
  Memory m = Sample();
  std::string line = EncodeMemory(m);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = DecodeMemory(line);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EncodeMemory(*back), line);
  EXPECT_EQ(back->deleted_ms, 5000);
  EXPECT_EQ(back->superseded_by, m.superseded_by);
}

TEST(MemoryJson, ArchiveTimeRoundTripsAndIsNullWhenUnset) {
  Memory m = Sample();
  m.status = MemoryStatus::kArchived;
  m.archived_ms = 7000;
  std::string line = EncodeMemory(m);
  EXPECT_NE(line.find(R"("archived_at":"1970-01-01T00:00:07)"), std::string::npos) << line;
  auto back = DecodeMemory(line);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->status, MemoryStatus::kArchived);
  EXPECT_EQ(back->archived_ms, 7000);
  EXPECT_NE(EncodeMemory(Sample()).find(R"("archived_at":null)"), std::string::npos);
}

TEST(MemoryJson, RejectsBadInputNamingTheField) {
  struct Case {
    const char* json;
    const char* want;
  } cases[] = {
      {"not json", "not valid JSON"},
      {"[1]", "object"},
      {R"({"workspace":"w","project":"p","content":"x"})", "'id'"},
      {R"({"id":"1","workspace":"W","project":"p","content":"x"})", "'workspace'"},
      {R"({"id":"1","workspace":"w","project":"p","content":"x","kind":"nope"})", "'kind'"},
      {R"({"id":"1","workspace":"w","project":"p","content":"x","colour":"red"})", "'colour'"},
      {R"({"id":"1","workspace":"w","project":"p","content":"x","created_at":"soon"})",
       "'created_at'"},
      {R"({"id":"1","workspace":"w","project":"p","content":"x","version":0})", "'version'"},
      {R"({"id":"1","workspace":"w","project":"p","content":5})", "'content'"},
  };
  for (const auto& c : cases) {
    auto r = DecodeMemory(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace memex
