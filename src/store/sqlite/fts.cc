#include "store/sqlite/fts.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

namespace memex::sqlite {
namespace {

constexpr int kBodyColumn = 0;
constexpr int kTagsColumn = 1;

// Returns the fts5_api of `db` (documented way: SELECT fts5(?1) with a bound pointer).
fts5_api* GetFts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return nullptr;
  }
  sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return api;
}

// memex_tf(): see fts.h.
void MemexTf(const Fts5ExtensionApi* api, Fts5Context* ctx, sqlite3_context* out, int argc,
             sqlite3_value** argv) {
  if (argc != 1) {
    sqlite3_result_error(out, "memex_tf(table, n) takes the number of phrases", -1);
    return;
  }
  const int wanted = sqlite3_value_int(argv[0]);
  const int phrases = std::min(wanted, api->xPhraseCount(ctx));
  if (wanted < 0 || wanted > 4096) {
    sqlite3_result_error(out, "memex_tf: phrase count out of range", -1);
    return;
  }
  std::array<int32_t, 64> stack_buf{};
  std::unique_ptr<int32_t[]> heap_buf;
  int32_t* counts = stack_buf.data();
  if (static_cast<size_t>(wanted) > stack_buf.size()) {
    heap_buf = std::make_unique<int32_t[]>(static_cast<size_t>(wanted));
    counts = heap_buf.get();
  }
  for (int p = 0; p < phrases; ++p) {
    int32_t n = 0;
    Fts5PhraseIter it;
    int col = 0, offset = 0;
    int rc = api->xPhraseFirst(ctx, p, &it, &col, &offset);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(out, rc);
      return;
    }
    for (; col >= 0; api->xPhraseNext(ctx, &it, &col, &offset)) {
      if (col == kBodyColumn || col == kTagsColumn) ++n;
    }
    counts[p] = n;
  }
  sqlite3_result_blob(out, counts, static_cast<int>(sizeof(int32_t) * static_cast<size_t>(wanted)),
                      SQLITE_TRANSIENT);
}

int CountToken(void* ctx, int flags, const char* /*token*/, int /*n*/, int /*start*/, int /*end*/) {
  // FTS5 counts a column's size the same way: every token that is not a colocated synonym.
  if ((flags & FTS5_TOKEN_COLOCATED) == 0) ++*static_cast<int32_t*>(ctx);
  return SQLITE_OK;
}

}  // namespace

std::string QuoteFtsPhrase(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + 2);
  out += '"';
  for (char c : raw) {
    if (c == '"') {
      out += "\"\"";
    } else if (c == '\0') {
      out += ' ';  // FTS5 parses a C string: a NUL would end the expression mid-phrase
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string FtsTextAny(const std::vector<std::string>& quoted) {
  std::string out(kFtsTextColumns);
  out += " : (";
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (i != 0) out += " OR ";
    out += quoted[i];
  }
  out += ')';
  return out;
}

Status RegisterFtsFunctions(sqlite3* db) {
  fts5_api* api = GetFts5Api(db);
  if (api == nullptr || api->iVersion < 2) {
    return Internal("the SQLite library has no FTS5 (memex needs SQLite built with FTS5)");
  }
  int rc = api->xCreateFunction(api, "memex_tf", nullptr, &MemexTf, nullptr);
  if (rc != SQLITE_OK) {
    return Internal("registering memex_tf: " + std::string(sqlite3_errstr(rc)));
  }
  return Status::Ok();
}

int32_t TfCount(std::string_view blob, int phrase) {
  const size_t offset = sizeof(int32_t) * static_cast<size_t>(phrase);
  if (phrase < 0 || offset + sizeof(int32_t) > blob.size()) return 0;
  int32_t n = 0;
  std::memcpy(&n, blob.data() + offset, sizeof(n));
  return n;
}

Result<std::unique_ptr<TokenCounter>> TokenCounter::Create(sqlite3* db) {
  fts5_api* api = GetFts5Api(db);
  if (api == nullptr) return Internal("the SQLite library has no FTS5");
  // kFtsTokenizer = "porter" wrapping "unicode61 remove_diacritics 2".
  void* user_data = nullptr;
  fts5_tokenizer methods{};
  int rc = api->xFindTokenizer(api, "porter", &user_data, &methods);
  if (rc != SQLITE_OK) return Internal("FTS5 has no porter tokenizer");
  const char* args[] = {"unicode61", "remove_diacritics", "2"};
  Fts5Tokenizer* tokenizer = nullptr;
  rc = methods.xCreate(user_data, args, 3, &tokenizer);
  if (rc != SQLITE_OK)
    return Internal("creating the FTS5 tokenizer: " + std::string(sqlite3_errstr(rc)));
  return std::unique_ptr<TokenCounter>(new TokenCounter(methods, tokenizer));
}

TokenCounter::~TokenCounter() { methods_.xDelete(tokenizer_); }

int32_t TokenCounter::Count(std::string_view text) {
  int32_t n = 0;
  if (text.empty()) return 0;
  methods_.xTokenize(tokenizer_, &n, FTS5_TOKENIZE_DOCUMENT, text.data(),
                     static_cast<int>(text.size()), &CountToken);
  return n;
}

}  // namespace memex::sqlite
