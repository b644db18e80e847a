#include "store/sqlite/text_search.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "base/text.h"
#include "store/sqlite/filter_sql.h"
#include "store/sqlite/fts.h"
#include "store/sqlite/row_codec.h"

namespace memex::sqlite {
namespace {

// One scope's share of a text search: its full-text table and statistics.
struct ScopePart {
  int64_t scope_id = 0;
  std::string table;
  int64_t docs = 0;    // rows the filter may see (current versions, plus history if asked)
  int64_t tokens = 0;  // their total length
  bool exclude_history = false;   // the scope has superseded rows the filter must not see
  bool exclude_archived = false;  // the scope has archived rows the filter must not see
  int64_t first_doc = 0, last_doc = 0;
};

// `expr` limited to the versions the filter may see in `part` (FtsStatus tokens of column st).
std::string PartMatch(const ScopePart& part, const std::string& expr) {
  if (part.exclude_history && part.exclude_archived) return "(" + expr + ") NOT st : (h OR a)";
  if (part.exclude_history) return "(" + expr + ") NOT st : h";
  if (part.exclude_archived) return "(" + expr + ") NOT st : a";
  return expr;
}

Result<std::vector<ScopePart>> PlanScopes(Connection& db, const ScopeSet& scopes,
                                          const SearchFilter& filter) {
  const bool history = filter.include_history, archived = filter.include_archived;
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare("SELECT c.scope_id, sum(c.live), sum(c.superseded), "
                              "sum(c.live_tokens), sum(c.superseded_tokens), s.first_doc, "
                              "s.last_doc, sum(c.archived), sum(c.archived_tokens) "
                              "FROM scope_counts c JOIN scopes s USING (scope_id) "
                              "GROUP BY c.scope_id"));
  std::vector<ScopePart> parts;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return parts;
    ScopePart p;
    p.scope_id = stmt->ColumnInt(0);
    if (!scopes.all && !std::binary_search(scopes.ids.begin(), scopes.ids.end(), p.scope_id)) {
      continue;
    }
    const int64_t superseded = stmt->ColumnInt(2);
    const int64_t archived_docs = stmt->ColumnInt(7);
    p.docs = stmt->ColumnInt(1) + (history ? superseded : 0) + (archived ? archived_docs : 0);
    p.tokens = stmt->ColumnInt(3) + (history ? stmt->ColumnInt(4) : 0) +
               (archived ? stmt->ColumnInt(8) : 0);
    if (p.docs == 0) continue;
    p.exclude_history = !history && superseded > 0;
    p.exclude_archived = !archived && archived_docs > 0;
    p.first_doc = stmt->ColumnInt(5);
    p.last_doc = stmt->ColumnInt(6);
    p.table = FtsTable(p.scope_id);
    parts.push_back(std::move(p));
  }
}

// df of one term: the sum over scopes.
struct TermCount {
  int64_t fts_df = 0;  // rows FTS5 matches (exact or extrapolated); drives candidate selection
  int64_t df = 0;      // of those, rows passing the attribute filter
  bool estimated = false;
};

class TextSearcher {
 public:
  TextSearcher(Connection& db, const ScopeSet& scopes, const TextQuery& q, DocMetaCache* meta)
      : db_(db),
        scopes_(scopes),
        q_(q),
        meta_(HasAttributeFilter(q.filter) ? nullptr : meta),
        cap_(std::max(1, q.candidate_cap)),
        probe_(std::min(cap_, kProbeLimit)) {}

  Result<TextResult> Run();

 private:
  static std::string Match(const ScopePart& part, const std::string& expr) {
    return PartMatch(part, expr);
  }
  Status ProbeTerm(const ScopePart& part, const std::string& expr, TermCount& count);
  Status Candidates(const ScopePart& part, const std::string& expr,
                    const std::vector<size_t>& phrase_terms, TextResult& out);
  // Candidates without a join: metadata from the cache, misses read from search_docs after.
  Status CachedCandidates(const ScopePart& part, const std::string& expr,
                          const std::vector<size_t>& phrase_terms, TextResult& out);
  void AddCandidate(DocId doc, std::string_view tf, const std::vector<size_t>& phrase_terms,
                    TextResult& out) const;

  Connection& db_;
  const ScopeSet& scopes_;
  const TextQuery& q_;
  DocMetaCache* const meta_;  // null when the query filters on attributes (the join is needed)
  const int cap_;
  // A df probe reads at most this many postings: enough for an exact df where IDF is steep and a
  // good extrapolation beyond, at a fraction of the cost of reading `cap_` postings per term.
  static constexpr int kProbeLimit = 256;
  static constexpr int64_t kDropShare = 8;
  const int probe_;
  SqlBuilder cond_{4};  // attribute filter on search_docs `m`, placeholders from ?4
};

Status TextSearcher::ProbeTerm(const ScopePart& part, const std::string& expr, TermCount& count) {
  const bool join = HasAttributeFilter(q_.filter);
  std::string sql = "SELECT count(*), min(r), ";
  sql += join ? "coalesce(sum(" + cond_.sql() + "), 0)" : "count(*)";
  sql += " FROM (SELECT rowid AS r FROM " + part.table + " WHERE " + part.table +
         " MATCH ?1 ORDER BY rowid DESC LIMIT ?2)";
  if (join) sql += " CROSS JOIN search_docs m ON m.doc = r";
  const std::string match = Match(part, expr);  // bound without a copy: must outlive Step()
  ASSIGN_OR_RETURN(StatementRef stmt, db_.Prepare(sql));
  stmt->BindText(1, match);
  stmt->BindInt(2, int64_t{probe_} + 1);
  if (join) cond_.Bind(*stmt);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  const int64_t rows = row ? stmt->ColumnInt(0) : 0;
  const int64_t min_rowid = row ? stmt->ColumnInt(1) : 0;
  const int64_t kept = row ? stmt->ColumnInt(2) : 0;
  if (rows <= probe_) {
    count.fts_df += rows;
    count.df += kept;
    return Status::Ok();
  }
  // The probe read the newest probe_+1 matches; assume the term is spread evenly over the scope's
  // rowid span and scale up by the share of that span they covered.
  const double span = static_cast<double>(std::max<int64_t>(1, part.last_doc - part.first_doc + 1));
  const double covered = static_cast<double>(std::max<int64_t>(1, part.last_doc - min_rowid + 1));
  const double upper = static_cast<double>(std::max(part.docs, rows));
  const double est = std::clamp(static_cast<double>(rows) * std::max(1.0, span / covered),
                                static_cast<double>(rows), upper);
  count.fts_df += static_cast<int64_t>(est);
  count.df += std::llround(est * static_cast<double>(kept) / static_cast<double>(rows));
  count.estimated = true;
  return Status::Ok();
}

void TextSearcher::AddCandidate(DocId doc, std::string_view tf,
                                const std::vector<size_t>& phrase_terms, TextResult& out) const {
  TextCandidate& c = out.candidates.emplace_back();
  c.doc = doc;
  c.tf.assign(q_.terms.size(), 0.0f);
  for (size_t p = 0; p < phrase_terms.size(); ++p) {
    c.tf[phrase_terms[p]] = static_cast<float>(TfCount(tf, static_cast<int>(p)));
  }
}

Status TextSearcher::CachedCandidates(const ScopePart& part, const std::string& expr,
                                      const std::vector<size_t>& phrase_terms, TextResult& out) {
  const std::string match = Match(part, expr);  // bound without a copy: must outlive Step()
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db_.Prepare("SELECT rowid, memex_tf(" + part.table + ", ?3) FROM " + part.table +
                               " WHERE " + part.table + " MATCH ?1 ORDER BY rowid DESC LIMIT ?2"));
  stmt->BindText(1, match);
  stmt->BindInt(2, cap_);
  stmt->BindInt(3, static_cast<int64_t>(phrase_terms.size()));
  const size_t first = out.candidates.size();
  std::vector<size_t> misses;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    AddCandidate(stmt->ColumnInt(0), stmt->ColumnBlob(1), phrase_terms, out);
    TextCandidate& c = out.candidates.back();
    DocMetaCache::Meta m;
    if (meta_->Find(c.doc, &m)) {
      c.updated_ms = m.updated_ms;
      c.doc_len = m.doc_len;
    } else {
      misses.push_back(out.candidates.size() - 1);
    }
  }
  if (misses.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(StatementRef get,
                   db_.Prepare("SELECT updated_ms, doc_len FROM search_docs WHERE doc = ?1"));
  bool lost = false;  // a document FTS5 returned without search_docs row: never in one snapshot
  for (size_t i : misses) {
    TextCandidate& c = out.candidates[i];
    get->BindInt(1, c.doc);
    ASSIGN_OR_RETURN(bool row, get->Step());
    if (row) {
      DocMetaCache::Meta m{get->ColumnInt(0), static_cast<int32_t>(get->ColumnInt(1))};
      meta_->Put(c.doc, m);
      c.updated_ms = m.updated_ms;
      c.doc_len = m.doc_len;
    } else {
      c.doc = -1;
      lost = true;
    }
    get->Reset();
  }
  if (lost) {
    std::erase_if(out.candidates, [&, i = size_t{0}](const TextCandidate& c) mutable {
      return i++ >= first && c.doc < 0;
    });
  }
  return Status::Ok();
}

Status TextSearcher::Candidates(const ScopePart& part, const std::string& expr,
                                const std::vector<size_t>& phrase_terms, TextResult& out) {
  if (meta_ != nullptr) return CachedCandidates(part, expr, phrase_terms, out);
  const std::string match = Match(part, expr);  // bound without a copy: must outlive Step()
  ASSIGN_OR_RETURN(StatementRef stmt, db_.Prepare(CandidateSql(part.table, cond_.sql())));
  stmt->BindText(1, match);
  stmt->BindInt(2, cap_);
  stmt->BindInt(3, static_cast<int64_t>(phrase_terms.size()));
  cond_.Bind(*stmt);
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::Ok();
    AddCandidate(stmt->ColumnInt(0), stmt->ColumnBlob(1), phrase_terms, out);
    TextCandidate& c = out.candidates.back();
    c.updated_ms = stmt->ColumnInt(2);
    c.doc_len = static_cast<int32_t>(stmt->ColumnInt(3));
  }
}

Result<TextResult> TextSearcher::Run() {
  TextResult out;
  const size_t n = q_.terms.size();
  out.terms.resize(n);
  if (scopes_.none()) return out;
  ASSIGN_OR_RETURN(std::vector<ScopePart> parts, PlanScopes(db_, scopes_, q_.filter));
  int64_t tokens = 0;
  for (const ScopePart& p : parts) {
    out.doc_count += p.docs;
    tokens += p.tokens;
  }
  if (out.doc_count == 0 || n == 0) return out;
  out.avg_doc_len = static_cast<double>(tokens) / static_cast<double>(out.doc_count);
  cond_.Sql("1");
  AppendAttributeFilter(q_.filter, cond_);

  // 1. Bounded df probes.
  std::vector<std::string> quoted(n);
  std::vector<TermCount> counts(n);
  for (size_t i = 0; i < n; ++i) {
    if (Trim(q_.terms[i]).empty()) continue;
    quoted[i] = QuoteFtsPhrase(q_.terms[i]);
    const std::string expr = std::string(kFtsTextColumns) + " : " + quoted[i];
    for (const ScopePart& part : parts) RETURN_IF_ERROR(ProbeTerm(part, expr, counts[i]));
    out.terms[i].df = counts[i].df;
    out.terms[i].estimated = counts[i].estimated;
  }

  // 2. Choose the candidate expression.
  std::vector<size_t> active;  // terms that match something, in query order
  std::vector<std::string> all_phrases;
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    if (counts[i].fts_df == 0) continue;
    active.push_back(i);
    all_phrases.push_back(quoted[i]);
    total += counts[i].fts_df;
  }
  if (active.empty()) return out;
  std::string expr = FtsTextAny(all_phrases);
  if (total > cap_) {
    std::vector<size_t> by_df = active;
    std::stable_sort(by_df.begin(), by_df.end(),
                     [&](size_t a, size_t b) { return counts[a].fts_df < counts[b].fts_df; });
    // When the work is bounded anyway, terms in more than 1/8 of the documents are not scored:
    // their IDF is below ln(9) and finding them in every candidate means seeking through the
    // longest doclists, which measured as the bulk of a bounded query's cost. The rarest term
    // is always kept.
    std::vector<size_t> scored;
    all_phrases.clear();
    for (size_t i : active) {
      if (i != by_df[0] && counts[i].fts_df * kDropShare > out.doc_count) {
        out.terms[i].dropped = true;
        continue;
      }
      scored.push_back(i);
      all_phrases.push_back(quoted[i]);
    }
    active = std::move(scored);
    expr = FtsTextAny(all_phrases);
    std::vector<std::string> driving;
    int64_t sum = 0;
    for (size_t i : by_df) {
      if (sum + counts[i].fts_df > cap_) break;
      sum += counts[i].fts_df;
      driving.push_back(quoted[i]);
    }
    if (driving.empty()) {
      // Even the rarest term is over the cap: its newest matches are the candidates. Driving by
      // the most informative term keeps candidates relevant where "any term" would let the
      // commonest word fill the window.
      out.windowed = true;
      if (active.size() > 1) driving.push_back(quoted[by_df[0]]);
    } else {
      out.pruned = true;
    }
    if (!driving.empty()) {
      // The first group names every term (its phrases are numbered 0..k-1 and report tf); the
      // second, rare group is what FTS5 iterates, seeking into the common doclists.
      expr = "(" + expr + ") AND (" + FtsTextAny(driving) + ")";
    }
  }

  // 3. Candidates with tf for every term, newest first across scopes.
  for (const ScopePart& part : parts) RETURN_IF_ERROR(Candidates(part, expr, active, out));
  if (parts.size() > 1) {
    std::sort(out.candidates.begin(), out.candidates.end(),
              [](const TextCandidate& a, const TextCandidate& b) { return a.doc > b.doc; });
    if (out.candidates.size() > static_cast<size_t>(cap_)) out.candidates.resize(cap_);
  }
  return out;
}

}  // namespace

std::string CandidateSql(std::string_view table, std::string_view condition) {
  // FTS5 is the outer loop and consumes ORDER BY rowid DESC; the LIMIT sits inside the subquery
  // so it bounds the rows FTS5 produces, not the rows that survive the attribute filter.
  std::string sql = "SELECT r, s, m.updated_ms, m.doc_len FROM (SELECT rowid AS r, memex_tf(";
  sql += table;
  sql += ", ?3) AS s FROM ";
  sql += table;
  sql += " WHERE ";
  sql += table;
  sql += " MATCH ?1 ORDER BY rowid DESC LIMIT ?2) CROSS JOIN search_docs m ON m.doc = r WHERE ";
  sql += condition;
  return sql;
}

Result<int64_t> SearchableDocCount(Connection& db, const ScopeSet& scopes, bool include_history,
                                   bool include_archived) {
  if (scopes.none()) return int64_t{0};
  // One fixed statement (the per-scope filter is applied here, not in SQL) so the statement
  // cache holds one entry however many scope combinations are queried.
  ASSIGN_OR_RETURN(StatementRef stmt,
                   db.Prepare("SELECT scope_id, sum(live), sum(superseded), sum(archived) FROM "
                              "scope_counts GROUP BY scope_id"));
  int64_t total = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return total;
    const int64_t scope_id = stmt->ColumnInt(0);
    if (!scopes.all && !std::binary_search(scopes.ids.begin(), scopes.ids.end(), scope_id)) {
      continue;
    }
    total += stmt->ColumnInt(1) + (include_history ? stmt->ColumnInt(2) : 0) +
             (include_archived ? stmt->ColumnInt(3) : 0);
  }
}

Result<TextResult> SearchText(Connection& db, const ScopeSet& scopes, const TextQuery& q,
                              DocMetaCache* meta) {
  return TextSearcher(db, scopes, q, meta).Run();
}

Result<IdentResult> SearchIdents(Connection& db, const ScopeSet& scopes, const IdentQuery& q) {
  IdentResult out;
  const size_t n = q.idents.size();
  out.df.assign(n, 0);
  if (scopes.none() || n == 0) return out;
  ASSIGN_OR_RETURN(std::vector<ScopePart> parts, PlanScopes(db, scopes, q.filter));
  for (const ScopePart& p : parts) out.doc_count += p.docs;
  const int64_t cap = std::max(1, q.cap_per_ident);
  SqlBuilder cond(3);
  cond.Sql("1");
  AppendAttributeFilter(q.filter, cond);
  std::map<DocId, size_t, std::greater<>> index;  // doc -> position in out.matches
  for (size_t i = 0; i < n; ++i) {
    const std::string& ident = q.idents[i];
    if (ident.empty()) continue;
    const std::string expr = "ids : " + FtsIdentToken(ident);
    // 1. Postings across the scopes, bounded: an identifier in more than `cap` memories is too
    // common to carry signal (contract: ignored).
    int64_t postings = 0;
    for (const ScopePart& part : parts) {
      const std::string match = PartMatch(part, expr);
      ASSIGN_OR_RETURN(StatementRef count,
                       db.Prepare("SELECT count(*) FROM (SELECT rowid FROM " + part.table +
                                  " WHERE " + part.table + " MATCH ?1 LIMIT ?2)"));
      count->BindText(1, match);
      count->BindInt(2, cap + 1 - postings);
      ASSIGN_OR_RETURN(bool row, count->Step());
      postings += row ? count->ColumnInt(0) : 0;
      if (postings > cap) break;
    }
    if (postings > cap) {
      out.df[i] = -1;
      continue;
    }
    if (postings == 0) continue;
    // 2. The matching rows that pass the attribute filter.
    for (const ScopePart& part : parts) {
      const std::string match = PartMatch(part, expr);
      ASSIGN_OR_RETURN(StatementRef rows,
                       db.Prepare("SELECT r, m.updated_ms FROM (SELECT rowid AS r FROM " +
                                  part.table + " WHERE " + part.table + " MATCH ?1 LIMIT ?2) " +
                                  "CROSS JOIN search_docs m ON m.doc = r WHERE " + cond.sql()));
      rows->BindText(1, match);
      rows->BindInt(2, cap + 1);
      cond.Bind(*rows);
      while (true) {
        ASSIGN_OR_RETURN(bool row, rows->Step());
        if (!row) break;
        ++out.df[i];
        const DocId doc = rows->ColumnInt(0);
        auto [it, fresh] = index.try_emplace(doc, out.matches.size());
        if (fresh) {
          IdentMatch& m = out.matches.emplace_back();
          m.doc = doc;
          m.updated_ms = rows->ColumnInt(1);
        }
        out.matches[it->second].matched.push_back(static_cast<int>(i));
      }
    }
  }
  // Newest first, a stable order for callers.
  std::sort(out.matches.begin(), out.matches.end(),
            [](const IdentMatch& a, const IdentMatch& b) { return a.doc > b.doc; });
  return out;
}

}  // namespace memex::sqlite
