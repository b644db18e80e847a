#include "store/sqlite/row_codec.h"

#include "store/sqlite/fts.h"

namespace memex::sqlite {
namespace {

// The on-disk codes are the enumerators' values; these asserts stop a reordering of the enums in
// core/memory.h from silently changing what existing databases mean.
static_assert(static_cast<int>(Kind::kFact) == 0 && static_cast<int>(Kind::kDecision) == 1 &&
              static_cast<int>(Kind::kConvention) == 2 &&
              static_cast<int>(Kind::kPreference) == 3 && static_cast<int>(Kind::kGotcha) == 4 &&
              static_cast<int>(Kind::kProcedure) == 5 && static_cast<int>(Kind::kEpisode) == 6 &&
              static_cast<int>(Kind::kLesson) == 7);
static_assert(static_cast<int>(MemoryStatus::kCandidate) == 0 &&
              static_cast<int>(MemoryStatus::kActive) == 1 &&
              static_cast<int>(MemoryStatus::kSuperseded) == kSupersededCode &&
              static_cast<int>(MemoryStatus::kArchived) == kArchivedCode);
static_assert(static_cast<int>(Origin::kManual) == 0 && static_cast<int>(Origin::kHook) == 1 &&
              static_cast<int>(Origin::kProxy) == 2 && static_cast<int>(Origin::kImport) == 3 &&
              static_cast<int>(Origin::kConsolidation) == 4);

template <typename E>
Result<E> FromCode(int64_t code, int64_t count, std::string_view what) {
  if (code < 0 || code >= count) {
    return DataLoss("stored " + std::string(what) + " code " + std::to_string(code) +
                    " is unknown; the database is damaged or was written by a newer memex");
  }
  return static_cast<E>(code);
}

}  // namespace

int KindToCode(Kind k) { return static_cast<int>(k); }
int StatusToCode(MemoryStatus s) { return static_cast<int>(s); }
int OriginToCode(Origin o) { return static_cast<int>(o); }
Result<Kind> KindFromCode(int64_t code) { return FromCode<Kind>(code, 8, "kind"); }
Result<MemoryStatus> StatusFromCode(int64_t code) {
  return FromCode<MemoryStatus>(code, 4, "status");
}
Result<Origin> OriginFromCode(int64_t code) { return FromCode<Origin>(code, 5, "origin"); }

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += kListSeparator;
    out += items[i];
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view joined) {
  std::vector<std::string> out;
  if (joined.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t end = joined.find(kListSeparator, start);
    if (end == std::string_view::npos) {
      out.emplace_back(joined.substr(start));
      return out;
    }
    out.emplace_back(joined.substr(start, end - start));
    start = end + 1;
  }
}

Result<StoredRow> ReadRow(const Statement& s) {
  StoredRow row;
  Memory& m = row.memory;
  row.doc = s.ColumnInt(0);
  row.chain = s.ColumnInt(1);
  row.scope_id = s.ColumnInt(2);
  m.id = s.ColumnText(3);
  ASSIGN_OR_RETURN(m.kind, KindFromCode(s.ColumnInt(4)));
  ASSIGN_OR_RETURN(m.status, StatusFromCode(s.ColumnInt(5)));
  ASSIGN_OR_RETURN(m.origin, OriginFromCode(s.ColumnInt(6)));
  m.version = static_cast<int>(s.ColumnInt(7));
  m.confidence = s.ColumnDouble(8);
  m.created_ms = s.ColumnInt(9);
  m.updated_ms = s.ColumnInt(10);
  m.last_accessed_ms = s.ColumnInt(11);
  m.access_count = s.ColumnInt(12);
  m.expires_ms = s.ColumnInt(13);
  m.deleted_ms = s.ColumnInt(14);
  m.supersedes = s.ColumnText(15);
  m.superseded_by = s.ColumnText(16);
  m.content_hash = s.ColumnText(17);
  m.idempotency_key = s.ColumnText(18);
  m.agent = s.ColumnText(19);
  m.session = s.ColumnText(20);
  m.tags = SplitList(s.ColumnText(21));
  row.idents = SplitList(s.ColumnText(22));
  row.fts_extra = s.ColumnText(23);
  m.content = s.ColumnText(24);
  m.scope.workspace = s.ColumnText(25);
  m.scope.project = s.ColumnText(26);
  m.archived_ms = s.ColumnInt(27);
  return row;
}

void FtsBody(std::string_view content, std::string_view extra, std::string* out) {
  out->assign(content);
  if (!extra.empty()) {
    out->push_back(' ');
    out->append(extra);
  }
}

std::string FtsTags(const std::vector<std::string>& tags) {
  std::string out;
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i != 0) out += ' ';
    out += tags[i];
  }
  return out;
}

int64_t HashKey(std::string_view hex) {
  uint64_t key = 0;
  for (size_t i = 0; i < 16 && i < hex.size(); ++i) {
    const char c = hex[i];
    const uint64_t nibble = c >= '0' && c <= '9'   ? static_cast<uint64_t>(c - '0')
                            : c >= 'a' && c <= 'f' ? static_cast<uint64_t>(c - 'a' + 10)
                            : c >= 'A' && c <= 'F' ? static_cast<uint64_t>(c - 'A' + 10)
                                                   : 0;
    key = key << 4 | nibble;
  }
  return static_cast<int64_t>(key);
}

std::string FtsIdentToken(std::string_view ident) {
  uint64_t h = 14695981039346656037ULL;  // FNV-1a 64: stable across builds and platforms
  for (char c : ident) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return "zz" + std::to_string(h);
}

std::string FtsIdentTokens(const std::vector<std::string>& idents) {
  std::string out;
  for (const std::string& ident : idents) {
    if (!out.empty()) out += ' ';
    out += FtsIdentToken(ident);
  }
  return out;
}

std::string FtsTable(int64_t scope_id) { return "memories_fts_" + std::to_string(scope_id); }

std::string FtsTableSql(int64_t scope_id) {
  return "CREATE VIRTUAL TABLE IF NOT EXISTS " + FtsTable(scope_id) +
         " USING fts5(body, tags, st, ids, content='', columnsize=0, tokenize='" +
         std::string(kFtsTokenizer) + "')";
}

}  // namespace memex::sqlite
