#include "store/sqlite/fts.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sqlite/connection.h"

namespace memex::sqlite {
namespace {

// An in-memory database with a table shaped like a scope's full-text table (but keeping sizes,
// so FTS5's own counts can be compared with TokenCounter's).
class FtsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Connection>> db = Connection::Open(":memory:", {});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(RegisterFtsFunctions(db_->raw()).ok());
    ASSERT_TRUE(db_->Exec("CREATE VIRTUAL TABLE f USING fts5(body, tags, st, content='', "
                          "tokenize='" +
                          std::string(kFtsTokenizer) +
                          "');"
                          "CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance');")
                    .ok());
  }
  void Insert(int64_t rowid, const std::string& body, const std::string& tags = "",
              const std::string& st = "h") {
    Result<StatementRef> s =
        db_->Prepare("INSERT INTO f(rowid, body, tags, st) VALUES(?1, ?2, ?3, ?4)");
    ASSERT_TRUE(s.ok());
    (*s)->BindInt(1, rowid);
    (*s)->BindText(2, body);
    (*s)->BindText(3, tags);
    (*s)->BindText(4, st);
    ASSERT_TRUE((*s)->Run().ok());
  }
  // Rows matching `expr`, or an error.
  Result<std::vector<int64_t>> Match(const std::string& expr) {
    ASSIGN_OR_RETURN(StatementRef s,
                     db_->Prepare("SELECT rowid FROM f WHERE f MATCH ?1 ORDER BY rowid"));
    s->BindText(1, expr);
    std::vector<int64_t> rows;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return rows;
      rows.push_back(s->ColumnInt(0));
    }
  }
  std::unique_ptr<Connection> db_;
};

TEST(QuoteFtsPhraseTest, QuotesAndEscapes) {
  EXPECT_EQ(QuoteFtsPhrase("word"), "\"word\"");
  EXPECT_EQ(QuoteFtsPhrase("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(QuoteFtsPhrase(""), "\"\"");
  EXPECT_EQ(QuoteFtsPhrase(std::string("a\0b", 3)), "\"a b\"");
  EXPECT_EQ(FtsTextAny({"\"a\"", "\"b c\""}), "{body tags} : (\"a\" OR \"b c\")");
}

TEST_F(FtsTest, QuotedHostileTextIsAlwaysAValidQuery) {
  Insert(1, "plain words about NEAR and AND or NOT things: c++ \"quoted\" ünïcödé 日本語");
  const std::vector<std::string> hostile = {"\"",
                                            "\"\"",
                                            "\"\"\"",
                                            "*",
                                            "a*",
                                            "NEAR(",
                                            "NEAR(a b, 2)",
                                            "AND OR NOT",
                                            "NOT",
                                            "^",
                                            "^a",
                                            ":",
                                            "body:",
                                            "{body}",
                                            "{body} : x",
                                            "st : h",
                                            "(",
                                            ")",
                                            "(()",
                                            "-",
                                            "+",
                                            "a - b",
                                            "''",
                                            "\\",
                                            "\xff\xfe\xfd",
                                            std::string("nul\0byte", 8),
                                            "日本語",
                                            "ünïcödé",
                                            "",
                                            " ",
                                            "!?.,;",
                                            "c++",
                                            "x OR y",
                                            "col:val",
                                            "\"unterminated"};
  for (const std::string& text : hostile) {
    const std::string expr = std::string(kFtsTextColumns) + " : " + QuoteFtsPhrase(text);
    Result<std::vector<int64_t>> rows = Match(expr);
    EXPECT_TRUE(rows.ok()) << "[" << text << "] " << rows.status().ToString();
    Result<std::vector<int64_t>> any = Match(FtsTextAny({QuoteFtsPhrase(text), "\"plain\""}));
    ASSERT_TRUE(any.ok()) << "[" << text << "] " << any.status().ToString();
    EXPECT_EQ(any->size(), 1u) << text;  // a term that matches nothing never hides the others
  }
  EXPECT_EQ(Match("{body tags} : " + QuoteFtsPhrase("unicode"))->size(), 1u);  // diacritics
  EXPECT_EQ(Match("{body tags} : " + QuoteFtsPhrase("h"))->size(), 0u);        // st is not text
}

TEST_F(FtsTest, MemexTfCountsPhraseInstancesInTextColumns) {
  Insert(1, "red apple red apple green", "red");
  Insert(2, "green pear", "fruit");
  Result<StatementRef> s =
      db_->Prepare("SELECT rowid, memex_tf(f, 4) FROM f WHERE f MATCH ?1 ORDER BY rowid");
  ASSERT_TRUE(s.ok());
  (*s)->BindText(1,
                 "({body tags} : (\"red\" OR \"red apple\" OR \"green\" OR \"fruit\")) AND st : h");
  std::vector<std::vector<int32_t>> got;
  while (*(*s)->Step()) {
    std::string_view blob = (*s)->ColumnBlob(1);
    EXPECT_EQ(blob.size(), 4 * sizeof(int32_t));
    got.push_back(
        {TfCount(blob, 0), TfCount(blob, 1), TfCount(blob, 2), TfCount(blob, 3), TfCount(blob, 4)});
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (std::vector<int32_t>{3, 2, 1, 0, 0}));  // "red" also counts the tag
  EXPECT_EQ(got[1], (std::vector<int32_t>{0, 0, 1, 1, 0}));
  EXPECT_EQ(TfCount("", 0), 0);
  EXPECT_EQ(TfCount("abc", -1), 0);
}

TEST_F(FtsTest, TokenCounterAgreesWithTheIndex) {
  Result<std::unique_ptr<TokenCounter>> counter = TokenCounter::Create(db_->raw());
  ASSERT_TRUE(counter.ok()) << counter.status().ToString();
  const std::vector<std::string> texts = {
      "",
      "one",
      "Running quickly, the café's HttpServer2 returned E0432 at src/a_b.cc:12",
      "日本語 テキスト and ünïcödé — punctuation!!! ... ???",
      "x y z 1 2 3 a-b c_d e.f",
  };
  int64_t rowid = 100;
  for (const std::string& text : texts) {
    Insert(++rowid, text, "", "");
    Result<int64_t> indexed = db_->QueryInt(
        "SELECT count(*) FROM v WHERE doc = " + std::to_string(rowid) + " AND col = 'body'");
    ASSERT_TRUE(indexed.ok());
    EXPECT_EQ((*counter)->Count(text), *indexed) << text;
  }
}

}  // namespace
}  // namespace memex::sqlite
