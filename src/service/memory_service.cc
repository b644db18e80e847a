#include "service/memory_service.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <istream>
#include <ostream>
#include <unordered_set>

#include "base/ids.h"
#include "base/log.h"
#include "base/text.h"
#include "codec/memory_json.h"
#include "core/tokens.h"
#include "embed/embedder.h"
#include "service/embedding_worker.h"
#include "service/recall_cache.h"
#include "service/semantic_index.h"

namespace memex {
namespace {

constexpr size_t kMaxAgentBytes = 256;
constexpr size_t kMaxQueryBytes = 8192;

Status CheckText(std::string_view what, std::string_view text) {
  size_t bad = FirstInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    return InvalidArgument(std::string(what) + " is not valid UTF-8 (invalid byte at offset " +
                           std::to_string(bad) + ")");
  }
  return Status::Ok();
}

Status CheckContent(std::string_view content, const LimitsConfig& limits) {
  RETURN_IF_ERROR(CheckText("content", content));
  if (Trim(content).empty()) return InvalidArgument("content is empty");
  if (content.size() > static_cast<size_t>(limits.max_content_bytes)) {
    return InvalidArgument("content is " + std::to_string(content.size()) +
                           " bytes; the limit is " + std::to_string(limits.max_content_bytes) +
                           " (limits.max_content_bytes)");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> CheckTags(const std::vector<std::string>& raw,
                                           const LimitsConfig& limits) {
  for (const auto& t : raw) RETURN_IF_ERROR(CheckText("tag", t));
  std::vector<std::string> tags = NormalizeTags(raw);
  if (tags.size() > static_cast<size_t>(limits.max_tags)) {
    return InvalidArgument("too many tags: " + std::to_string(tags.size()) + " (limit " +
                           std::to_string(limits.max_tags) + ", limits.max_tags)");
  }
  for (const auto& t : tags) {
    if (t.size() > static_cast<size_t>(limits.max_tag_bytes)) {
      return InvalidArgument("tag '" + TruncateUtf8(t, 40) + "' is longer than " +
                             std::to_string(limits.max_tag_bytes) +
                             " bytes (limits.max_tag_bytes)");
    }
    if (t.find_first_of(" \t\r\n,") != std::string::npos) {
      return InvalidArgument("tag '" + t + "' contains whitespace or a comma");
    }
  }
  return tags;
}

Status CheckScope(const Scope& s) {
  RETURN_IF_ERROR(ValidateScopeName(s.workspace, "workspace"));
  return ValidateScopeName(s.project, "project");
}

Status CheckFilter(const SearchFilter& f) {
  for (const auto& s : f.scopes) RETURN_IF_ERROR(CheckScope(s));
  if (!f.all_scopes && f.scopes.empty()) {
    return InvalidArgument("no scope given: name a scope or ask for all scopes");
  }
  if (f.since_ms && f.until_ms && f.since_ms >= f.until_ms) {
    return InvalidArgument("empty date range: 'since' must be before 'until'");
  }
  return Status::Ok();
}

}  // namespace

MemoryService::MemoryService(Store& store, const Config& config, const Clock& clock,
                             const Redactor& redactor)
    : store_(store),
      config_(config),
      clock_(clock),
      redactor_(redactor),
      cache_(config.recall.cache_entries > 0
                 ? std::make_unique<RecallCache>(
                       static_cast<size_t>(config.recall.cache_entries), config.recall.cache_ttl_ms,
                       static_cast<size_t>(config.recall.cache_max_mb) << 20)
                 : nullptr),
      access_(std::make_unique<AccessRecorder>(store, clock)) {}

MemoryService::~MemoryService() = default;

Status MemoryService::ValidateNew(NewMemory& m, int* redactions) const {
  RETURN_IF_ERROR(CheckScope(m.scope));
  RETURN_IF_ERROR(CheckContent(m.content, config_.limits));
  ASSIGN_OR_RETURN(m.tags, CheckTags(m.tags, config_.limits));
  if (!(m.confidence >= 0.0 && m.confidence <= 1.0)) {
    return InvalidArgument("confidence must be between 0 and 1");
  }
  for (const std::string* s : {&m.agent, &m.session, &m.idempotency_key}) {
    RETURN_IF_ERROR(CheckText("agent/session/idempotency key", *s));
    if (s->size() > kMaxAgentBytes) {
      return InvalidArgument("agent, session and idempotency key are limited to 256 bytes");
    }
  }
  if (m.expires_ms != 0 && m.expires_ms <= clock_.NowMs()) {
    return InvalidArgument("expiry time is in the past");
  }
  int n = 0;
  m.content = redactor_.Redact(m.content, &n);
  if (redactions) *redactions = n;
  return Status::Ok();
}

Result<RememberResult> MemoryService::Remember(const RememberRequest& req) {
  NewMemory m = req.memory;
  int redactions = 0;
  RETURN_IF_ERROR(ValidateNew(m, &redactions));
  ASSIGN_OR_RETURN(PutResult put, store_.Put(m));
  RememberResult out{put.id, put.version, put.created, redactions};
  SemanticParts semantic = Semantic(req.wait_for_vectors);
  out.embedded = EmbedAfterWrite(semantic, req.wait_for_vectors, put.doc);
  // Near-duplicates are kept, linked and reported, never refused (docs/hygiene.md). Batches
  // (RememberBatch, imports) skip this: their bulk writes would each pay a search.
  if (put.created && config_.hygiene.near_duplicates) {
    Result<std::vector<NearDuplicate>> near = FindAndLinkNearDuplicates(
        store_, config_.hygiene, {put.id, m.scope, m.content}, semantic.index);
    if (near.ok()) {
      out.near_duplicates = std::move(near).value();
    } else {
      LogWarn("near-duplicate check skipped: " + near.status().ToString());
    }
  }
  return out;
}

Result<std::vector<RememberResult>> MemoryService::RememberBatch(
    const std::vector<RememberRequest>& reqs) {
  if (reqs.size() > static_cast<size_t>(config_.limits.max_batch)) {
    return InvalidArgument("batch of " + std::to_string(reqs.size()) +
                           " memories exceeds limits.max_batch (" +
                           std::to_string(config_.limits.max_batch) + ")");
  }
  std::vector<NewMemory> ms;
  ms.reserve(reqs.size());
  std::vector<int> redactions(reqs.size(), 0);
  for (size_t i = 0; i < reqs.size(); ++i) {
    ms.push_back(reqs[i].memory);
    Status st = ValidateNew(ms.back(), &redactions[i]);
    if (!st.ok()) return st.WithContext("memory " + std::to_string(i));
  }
  ASSIGN_OR_RETURN(std::vector<PutResult> puts, store_.PutBatch(ms));
  if (SemanticParts semantic = Semantic(false); semantic.worker != nullptr) {
    semantic.worker->Notify();
  }
  std::vector<RememberResult> out;
  out.reserve(puts.size());
  for (size_t i = 0; i < puts.size(); ++i) {
    out.push_back({puts[i].id, puts[i].version, puts[i].created, redactions[i]});
  }
  return out;
}

namespace {

// The part of a query the vector channel embeds: its first kQueryWordsEmbedded words. The cost
// of an embedding grows with its length (a pasted 60-word query took 12 ms with USE-Lite, a
// question 3 ms); the lexical channels still see every word.
constexpr size_t kQueryWordsEmbedded = 40;

// Docs whose agent, text, confidence and status ranking reads (Store::RankFacts): the best ones
// after fusion and context, at least as deep as the page asked for. Docs further down are not
// re-weighed: an approximation that bounds the cost to one rowid lookup per doc.
constexpr int64_t kRankFactDocs = 100;

// Lexical candidates the vector channel scores from their stored vectors (LexicalShortlist):
// the best by BM25, as a weaker one cannot reach the page. Bounds the dot products (and their
// cache misses) of a query with a thousand text candidates.
constexpr size_t kSimilarityDocs = 200;

std::string QueryToEmbed(const std::string& query) {
  size_t words = 0;
  size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && std::isspace(static_cast<unsigned char>(query[i]))) ++i;
    if (i == query.size()) break;
    if (words++ == kQueryWordsEmbedded) return query.substr(0, i);
    while (i < query.size() && !std::isspace(static_cast<unsigned char>(query[i]))) ++i;
  }
  return query;
}

// With history, a superseded version never outranks its replacement: a newer version found
// below an older one of its chain moves up to just above it (within the page).
void PutReplacementsFirst(std::vector<RankedHit>& hits) {
  for (size_t i = 0; i < hits.size(); ++i) {
    for (size_t guard = 0; guard < hits.size(); ++guard) {
      const std::string& next = hits[i].memory.superseded_by;
      if (next.empty()) break;
      auto it = std::find_if(hits.begin() + static_cast<std::ptrdiff_t>(i) + 1, hits.end(),
                             [&](const RankedHit& h) { return h.memory.id == next; });
      if (it == hits.end()) break;
      std::rotate(hits.begin() + static_cast<std::ptrdiff_t>(i), it, it + 1);
    }
  }
}

}  // namespace

Result<RecallResponse> MemoryService::Recall(const RecallRequest& req) {
  auto started = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(CheckText("query", req.query));
  if (Trim(req.query).empty()) return InvalidArgument("query is empty");
  if (req.query.size() > kMaxQueryBytes) {
    return InvalidArgument("query is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  if (req.limit < 0 || req.offset < 0) {
    return InvalidArgument("limit and offset must not be negative");
  }
  RETURN_IF_ERROR(CheckFilter(req.filter));
  const RecallConfig& rc = config_.recall;
  int limit = req.limit == 0 ? rc.default_limit : std::min(req.limit, rc.max_limit);

  const SemanticParts semantic = Semantic(true);
  // Vectors other processes stored since the last recall (cheap when there are none), once, for
  // both the cache's generation and the search.
  Status caught_up = semantic.index != nullptr ? semantic.index->CatchUp() : Status::Ok();
  // An identical recall since the last change to these scopes has the same answer.
  std::string cache_key, generation;
  if (cache_ != nullptr) {
    ASSIGN_OR_RETURN(generation, store_.SearchGeneration(req.filter));
    // Vectors arrive after their memories: an answer computed before them is stale too.
    if (semantic.index != nullptr) {
      generation += ":v" + std::to_string(semantic.index->last_seq());
    }
    cache_key = RecallCache::Key(req, limit);
    if (std::optional<RecallResponse> hit = cache_->Find(cache_key, generation, clock_.NowMs())) {
      std::vector<std::string> ids;
      ids.reserve(hit->hits.size());
      for (const RankedHit& h : hit->hits) ids.push_back(h.memory.id);
      access_->Note(ids);
      hit->cached = true;
      hit->elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
      return std::move(*hit);
    }
  }

  RecallResponse resp;
  resp.plan = AnalyzeQuery(req.query, rc);
  QueryPlan& plan = resp.plan;
  if (rc.weight_time > 0) plan.time = FindTimeWindow(req.query, clock_.NowMs());

  TextResult text;
  if (!plan.terms.empty()) {
    TextQuery tq{SearchTerms(plan), req.filter, rc.candidate_cap};
    ASSIGN_OR_RETURN(text, store_.SearchText(tq));
    FoldTermForms(plan, text);
    plan.term_stats = text.terms;
    plan.doc_count = text.doc_count;
    plan.windowed = text.windowed;
    plan.pruned = text.pruned;
  }
  IdentResult idents;
  if (!plan.identifiers.empty()) {
    IdentQuery iq{plan.identifiers, req.filter, rc.ident_cap};
    ASSIGN_OR_RETURN(idents, store_.SearchIdents(iq));
    plan.ident_df = idents.df;
    plan.doc_count = std::max(plan.doc_count, idents.doc_count);
  }

  std::vector<VectorCandidate> vectors;
  std::vector<float> query_vector;  // the query's embedding, once the vector channel ran
  if (semantic.embedder != nullptr && semantic.index != nullptr) {
    if (!caught_up.ok()) plan.semantic_note = "vector index not refreshed: " + caught_up.ToString();
    const std::vector<DocId> lexical = LexicalShortlist(text, idents, rc, kSimilarityDocs);
    ASSIGN_OR_RETURN(vectors, SemanticCandidates(semantic, req, lexical, plan, query_vector));
  }

  std::vector<ScoredDoc> fused = FuseChannels(plan, text, idents, vectors, clock_.NowMs(), rc);
  // The relevance gate: when nothing vouches for any candidate, there is no answer. Word overlap
  // alone cannot tell (a paraphrase shares few words), so lexical-only recall is not gated.
  if (plan.semantic && rc.min_relevance > 0) {
    plan.relevance = QueryRelevance(fused, rc);
    if (plan.relevance < RelevanceBar(plan, rc)) {
      plan.gated = true;
      fused.clear();
    }
  }
  if (std::vector<DocId> parents = ContextParents(fused, rc); !parents.empty()) {
    NeighbourQuery nq{std::move(parents), rc.context_radius, req.filter};
    ASSIGN_OR_RETURN(std::vector<Neighbour> neighbours, store_.SessionNeighbours(nq));
    plan.context_added = AddContext(fused, neighbours, rc);
  }
  // Every doc that can reach the page gets its vector score, also those the context channel
  // brought and text candidates past the shortlist (a name in the query matches many).
  if (!query_vector.empty() && !fused.empty()) {
    std::vector<DocId> unscored;
    for (size_t i = 0; i < fused.size() && i < static_cast<size_t>(kRankFactDocs); ++i) {
      if (fused[i].channels.similarity == 0) unscored.push_back(fused[i].doc);
    }
    std::vector<VectorCandidate> late;
    for (const SemanticHit& h : semantic.index->Similarities(query_vector, unscored, req.filter)) {
      late.push_back({h.doc, h.similarity, 0});
    }
    AddSimilarities(fused, late, rc);
  }
  // The agent channel and the confidence/status weight, for the docs that can reach the page.
  if (!fused.empty()) {
    const size_t n = std::min(
        fused.size(), static_cast<size_t>(std::max<int64_t>(kRankFactDocs, req.offset + limit)));
    std::vector<DocId> docs;
    docs.reserve(n);
    for (size_t i = 0; i < n; ++i) docs.push_back(fused[i].doc);
    ASSIGN_OR_RETURN(std::vector<RankFact> facts, store_.RankFacts(docs));
    ApplyRankFacts(fused, facts, SplitWords(req.query), plan.asks_when, rc);
  }
  // Next to a strong hit, a far weaker one is noise (a one-word query is close to many texts).
  if (!fused.empty() && rc.min_score_ratio > 0) {
    const double cut = rc.min_score_ratio * fused.front().score;
    plan.weak_dropped = std::erase_if(fused, [cut](const ScoredDoc& d) { return d.score < cut; });
  }
  // MMR diversity over the page.
  if (rc.mmr_lambda < 1 && semantic.index != nullptr && plan.semantic) {
    const size_t n = std::min(fused.size(), static_cast<size_t>(req.offset + limit));
    std::vector<std::vector<float>> vectors(n);
    for (size_t i = 0; i < n; ++i) {
      if (auto v = semantic.index->VectorOf(fused[i].doc, req.filter)) vectors[i] = std::move(*v);
    }
    plan.diversified = Diversify(fused, vectors, rc.mmr_lambda, n);
  }
  resp.total_candidates = static_cast<int64_t>(fused.size());
  size_t begin = std::min(fused.size(), static_cast<size_t>(req.offset));
  size_t end = std::min(fused.size(), begin + static_cast<size_t>(limit));
  std::vector<DocId> docs;
  for (size_t i = begin; i < end; ++i) docs.push_back(fused[i].doc);
  ASSIGN_OR_RETURN(std::vector<Memory> memories, store_.Hydrate(docs));

  std::vector<std::string> ids;
  ids.reserve(end - begin);
  size_t mi = 0;
  for (size_t i = begin; i < end && mi < memories.size(); ++i, ++mi) {
    RankedHit hit{std::move(memories[mi]), fused[i].score, {}};
    if (req.explain) hit.channels = std::move(fused[i].channels);
    resp.hits.push_back(std::move(hit));
  }
  if (req.filter.include_history) PutReplacementsFirst(resp.hits);
  for (const RankedHit& h : resp.hits) ids.push_back(h.memory.id);
  access_->Note(ids);
  if (cache_ != nullptr) cache_->Put(cache_key, std::move(generation), resp, clock_.NowMs());
  resp.elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  return resp;
}

void MemoryService::SetSemantic(const SemanticParts& parts) {
  std::lock_guard<std::mutex> lock(semantic_mu_);
  semantic_ = parts;
  semantic_opener_ = nullptr;
}

void MemoryService::SetSemanticOpener(SemanticOpener open) {
  std::lock_guard<std::mutex> lock(semantic_mu_);
  semantic_opener_ = std::move(open);
}

SemanticParts MemoryService::Semantic(bool open) {
  std::lock_guard<std::mutex> lock(semantic_mu_);
  if (open && semantic_opener_) {
    SemanticOpener opener = std::move(semantic_opener_);
    semantic_opener_ = nullptr;
    Result<SemanticParts> parts = opener();
    if (parts.ok()) {
      semantic_ = *parts;
    } else {
      LogWarn("semantic recall is off: " + parts.status().ToString() + " (recall is lexical only)");
    }
  }
  return semantic_;
}

Result<std::vector<VectorCandidate>> MemoryService::SemanticCandidates(
    const SemanticParts& semantic, const RecallRequest& req, const std::vector<DocId>& lexical,
    QueryPlan& plan, std::vector<float>& query_vector) {
  std::vector<VectorCandidate> out;
  Result<Embeddings> q = semantic.embedder->Embed({QueryToEmbed(req.query)});
  if (!q.ok()) {
    // A slow or broken embedder never fails a recall: the lexical channels still answer.
    plan.semantic_note = "query not embedded: " + q.status().ToString();
    return out;
  }
  if (q->size() != 1 || q->dim != semantic.embedder->dim()) {
    plan.semantic_note = "query not embedded: the embedder answered " + std::to_string(q->size()) +
                         " vectors of " + std::to_string(q->dim) + " dimensions, expected 1 of " +
                         std::to_string(semantic.embedder->dim());
    return out;
  }
  std::vector<float> query(q->row(0), q->row(0) + q->dim);
  Result<std::vector<SemanticHit>> hits =
      semantic.index->Search(query, req.filter, config_.recall.vector_candidates);
  if (!hits.ok()) {
    plan.semantic_note = "vector search failed: " + hits.status().ToString();
    return out;
  }
  plan.semantic = true;
  query_vector = query;
  out.reserve(hits->size() + lexical.size());
  std::unordered_set<DocId> seen;
  for (const SemanticHit& h : *hits) {
    out.push_back({h.doc, h.similarity, h.updated_ms});
    seen.insert(h.doc);
  }
  std::vector<DocId> rest;
  for (DocId d : lexical) {
    if (seen.insert(d).second) rest.push_back(d);
  }
  for (const SemanticHit& h : semantic.index->Similarities(query, rest, req.filter)) {
    out.push_back({h.doc, h.similarity, 0});
  }
  return out;
}

Result<Memory> MemoryService::Get(const std::string& id, bool include_forgotten) {
  if (!IsUuid(id)) return InvalidArgument("'" + TruncateUtf8(id, 64) + "' is not a memory id");
  ASSIGN_OR_RETURN(Memory m, store_.Get(id, include_forgotten));
  if (!m.forgotten()) access_->Note({m.id});
  return m;
}

Result<std::vector<Memory>> MemoryService::History(const std::string& id) {
  if (!IsUuid(id)) return InvalidArgument("'" + TruncateUtf8(id, 64) + "' is not a memory id");
  return store_.History(id);
}

Result<RememberResult> MemoryService::Update(const UpdateRequest& req) {
  if (!IsUuid(req.id)) {
    return InvalidArgument("'" + TruncateUtf8(req.id, 64) + "' is not a memory id");
  }
  MemoryPatch patch = req.patch;
  int redactions = 0;
  if (patch.content) {
    RETURN_IF_ERROR(CheckContent(*patch.content, config_.limits));
    *patch.content = redactor_.Redact(*patch.content, &redactions);
  }
  if (patch.tags) {
    ASSIGN_OR_RETURN(*patch.tags, CheckTags(*patch.tags, config_.limits));
  }
  if (patch.confidence && !(*patch.confidence >= 0.0 && *patch.confidence <= 1.0)) {
    return InvalidArgument("confidence must be between 0 and 1");
  }
  if (!patch.content && !patch.tags && !patch.kind && !patch.confidence && !patch.expires_ms) {
    return InvalidArgument("nothing to update: give new content, tags, kind or confidence");
  }
  ASSIGN_OR_RETURN(PutResult put, store_.Update(req.id, patch));
  // The new version has no vector yet, and the old one no longer answers.
  RememberResult out{put.id, put.version, put.created, redactions};
  out.embedded = EmbedAfterWrite(Semantic(req.wait_for_vectors), req.wait_for_vectors, put.doc);
  return out;
}

bool MemoryService::EmbedAfterWrite(const SemanticParts& semantic, bool wait, DocId doc) {
  if (semantic.worker == nullptr) return false;
  Status st = Status::Ok();
  if (wait) {
    st = semantic.worker->EmbedDoc(doc);
    if (!st.ok()) LogWarn("memory stored without its vector: " + st.ToString());
  }
  // Woken only now, the worker does not embed this memory a second time beside EmbedDoc; it
  // takes the rest of the queue (and this memory when not waiting, or when EmbedDoc failed).
  semantic.worker->Notify();
  return wait && st.ok();
}

Result<ForgetResult> MemoryService::Forget(const std::string& id, bool hard) {
  if (!IsUuid(id)) return InvalidArgument("'" + TruncateUtf8(id, 64) + "' is not a memory id");
  ASSIGN_OR_RETURN(int64_t rows, store_.Forget(id, hard));
  return ForgetResult{rows, hard};
}

Result<ListResponse> MemoryService::List(const ListRequest& req) {
  RETURN_IF_ERROR(CheckFilter(req.query.filter));
  if (req.query.limit < 0 || req.query.offset < 0) {
    return InvalidArgument("limit and offset must not be negative");
  }
  ListResponse resp;
  ASSIGN_OR_RETURN(resp.memories, store_.List(req.query));
  ListQuery all = req.query;
  all.limit = 0;
  all.offset = 0;
  ASSIGN_OR_RETURN(resp.total, store_.Count(all));
  return resp;
}

Result<StoreStats> MemoryService::Stats(const SearchFilter& filter) {
  RETURN_IF_ERROR(CheckFilter(filter));
  return store_.Stats(filter);
}

Result<ExportSummary> MemoryService::Export(const SearchFilter& filter, std::ostream& out,
                                            const ProgressFn& progress) {
  RETURN_IF_ERROR(CheckFilter(filter));
  SearchFilter f = filter;
  f.include_history = true;
  int64_t total = -1;
  if (progress) {
    ListQuery q{f, /*include_forgotten=*/true, /*limit=*/0, 0, false};
    ASSIGN_OR_RETURN(total, store_.Count(q));
  }
  ExportSummary summary;
  RETURN_IF_ERROR(store_.Scan(f, /*include_forgotten=*/true, [&](const Memory& m) -> Status {
    out << EncodeMemory(m) << '\n';
    if (!out) return Unavailable("export: write failed (disk full or closed pipe?)");
    ++summary.rows;
    if (progress && summary.rows % 1000 == 0) progress(summary.rows, total);
    return Status::Ok();
  }));
  out.flush();
  if (!out) return Unavailable("export: write failed (disk full or closed pipe?)");
  if (progress) progress(summary.rows, total);
  return summary;
}

Result<ImportSummary> MemoryService::Import(std::istream& in, const ImportOptions& opts,
                                            const ProgressFn& progress) {
  // Validate everything before storing anything, so a broken line imports nothing.
  ImportSummary summary;
  std::vector<Memory> rows;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    auto fail = [&](const Status& st) {
      return InvalidArgument("line " + std::to_string(line_no) + ": " + st.message());
    };
    if (Status st = CheckText("line", line); !st.ok()) return fail(st);
    auto decoded = DecodeMemory(line);
    if (!decoded.ok()) return fail(decoded.status());
    Memory m = std::move(decoded).value();
    if (!IsUuid(m.id)) return fail(InvalidArgument("field 'id': not a UUID"));
    if (Status st = CheckContent(m.content, config_.limits); !st.ok()) return fail(st);
    auto tags = CheckTags(m.tags, config_.limits);
    if (!tags.ok()) return fail(tags.status());
    m.tags = std::move(tags).value();
    int n = 0;
    m.content = redactor_.Redact(m.content, &n);
    summary.redactions += n;
    m.content_hash = Sha256Hex(m.content);
    if (m.created_ms == 0) m.created_ms = clock_.NowMs();
    if (m.updated_ms == 0) m.updated_ms = m.created_ms;
    rows.push_back(std::move(m));
    if (progress && line_no % 1000 == 0) progress(line_no, -1);
  }
  if (in.bad()) return Unavailable("import: read failed");
  summary.lines = static_cast<int64_t>(rows.size());
  if (opts.dry_run) {
    if (progress) progress(line_no, line_no);
    return summary;
  }
  ASSIGN_OR_RETURN(summary.inserted, store_.ImportRows(rows));
  summary.skipped = summary.lines - summary.inserted;
  if (progress) progress(line_no, line_no);
  return summary;
}

Result<ConsolidateResult> MemoryService::Consolidate(const ConsolidateRequest& req) {
  RETURN_IF_ERROR(CheckFilter(req.filter));
  const SemanticParts semantic = Semantic(true);
  SemanticIndex* index = semantic.index;
  if (index != nullptr) {
    if (Status st = index->CatchUp(); !st.ok()) {
      LogWarn("consolidate without the vector index: " + st.ToString());
      index = nullptr;
    }
  }
  ASSIGN_OR_RETURN(ConsolidateResult result, Consolidator(store_, config_.hygiene, index).Run(req));
  // A kept memory whose tags were merged has a new version to embed.
  if (result.applied && semantic.worker != nullptr) semantic.worker->Notify();
  return result;
}

Result<std::vector<MemoryLink>> MemoryService::Links(const std::string& id) {
  if (!IsUuid(id)) return InvalidArgument("'" + TruncateUtf8(id, 64) + "' is not a memory id");
  return store_.Links(id);
}

std::vector<DoctorCheck> MemoryService::Doctor() {
  std::vector<DoctorCheck> checks;
  Status integrity = store_.Check();
  checks.push_back({"database integrity", integrity.ok(),
                    integrity.ok() ? "ok" : integrity.message(), integrity.code()});
  SearchFilter all;
  all.all_scopes = true;
  auto stats = store_.Stats(all);
  if (stats.ok()) {
    checks.push_back({"schema", true, "version " + std::to_string(stats->schema_version)});
    checks.push_back({"memories", true,
                      std::to_string(stats->live) + " live, " + std::to_string(stats->superseded) +
                          " superseded, " + std::to_string(stats->forgotten) + " forgotten in " +
                          std::to_string(stats->scopes.size()) + " scopes"});
  } else {
    checks.push_back({"statistics", false, stats.status().message(), stats.status().code()});
  }
  checks.push_back({"redaction", true,
                    config_.redaction.enabled ? "secrets are redacted before storage"
                                              : "disabled: secrets would be stored as given"});
  return checks;
}

}  // namespace memex
