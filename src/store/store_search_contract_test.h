// The Store contract suite, part 2: the search primitives (SearchText, SearchIdents, Hydrate,
// SessionNeighbours, RankFacts) of core/search.h. See store_contract_test.h for how an
// implementation instantiates the suite.
#pragma once

#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/store_contract_test.h"

namespace memex::store_contract {

// ---- Hydrate ----

TEST_P(StoreContractTest, HydrateKeepsOrderAndSkipsUnknown) {
  MustPut(Note("first doc"));
  MustPut(Note("second doc"));
  Result<TextResult> r = store_->SearchText(TQ({"doc"}, In(S("p"))));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->candidates.size(), 2u);
  DocId d0 = r->candidates[0].doc, d1 = r->candidates[1].doc;
  Result<std::vector<Memory>> rows = store_->Hydrate({d1, 999'999'999, d0, d1});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].id, (*rows)[2].id);
  EXPECT_NE((*rows)[0].id, (*rows)[1].id);
}

// ---- SearchText ----

// Exactness under the cap: df, tf, doc_len and the candidate set against a brute-force count.
TEST_P(StoreContractTest, SearchTextIsExactUnderTheCap) {
  const std::vector<std::string> vocab = {"apple", "banana", "cherry", "grape", "lemon",
                                          "mango", "olive",  "peach",  "plum",  "kiwi"};
  std::mt19937 rng(42);
  std::vector<std::vector<std::string>> docs;
  std::vector<NewMemory> batch;
  for (int i = 0; i < 120; ++i) {
    std::vector<std::string> words;
    const int len = 3 + static_cast<int>(rng() % 8);
    std::string text;
    for (int w = 0; w < len; ++w) {
      words.push_back(vocab[rng() % vocab.size()]);
      text += (w ? " " : "") + words.back();
    }
    // A unique last word made of letters only (digits would add identifier-expansion tokens).
    std::string unique = "doc";
    unique += static_cast<char>('a' + i / 26);
    unique += static_cast<char>('a' + i % 26);
    text += " " + unique;
    words.push_back(unique);
    docs.push_back(words);
    batch.push_back(Note(text));
  }
  MustPut(Note("unrelated", S("q")));
  ASSERT_TRUE(store_->PutBatch(batch).ok());
  const std::vector<std::string> terms = {"apple", "kiwi", "plum", "zucchini", "apple banana"};
  TextQuery q = TQ(terms, In(S("p")));
  q.candidate_cap = 10'000;
  Result<TextResult> r = store_->SearchText(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->windowed);
  EXPECT_FALSE(r->pruned);
  EXPECT_EQ(r->doc_count, 120);
  ASSERT_EQ(r->terms.size(), terms.size());
  auto count = [](const std::vector<std::string>& words, const std::string& term) {
    std::vector<std::string> parts;
    for (size_t s = 0, e; s <= term.size(); s = e + 1) {
      e = std::min(term.find(' ', s), term.size());
      parts.push_back(term.substr(s, e - s));
    }
    int n = 0;
    for (size_t i = 0; i + parts.size() <= words.size(); ++i) {
      n += std::equal(parts.begin(), parts.end(), words.begin() + static_cast<long>(i));
    }
    return n;
  };
  std::vector<int64_t> df(terms.size(), 0);
  std::map<std::string, std::vector<int>> want;  // last word (docN) -> tf per term
  for (const auto& words : docs) {
    std::vector<int> tf;
    bool any = false;
    for (size_t t = 0; t < terms.size(); ++t) {
      tf.push_back(count(words, terms[t]));
      df[t] += tf.back() > 0;
      any = any || tf.back() > 0;
    }
    if (any) want[words.back()] = tf;
  }
  for (size_t t = 0; t < terms.size(); ++t) {
    EXPECT_EQ(r->terms[t].df, df[t]) << terms[t];
    EXPECT_FALSE(r->terms[t].estimated);
  }
  ASSERT_EQ(r->candidates.size(), want.size());
  std::vector<DocId> ids;
  for (const TextCandidate& c : r->candidates) ids.push_back(c.doc);
  Result<std::vector<Memory>> rows = store_->Hydrate(ids);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), ids.size());
  for (size_t i = 0; i < rows->size(); ++i) {
    const std::string& content = (*rows)[i].content;
    const std::string key = content.substr(content.rfind(' ') + 1);
    ASSERT_TRUE(want.count(key)) << content;
    const TextCandidate& c = r->candidates[i];
    for (size_t t = 0; t < terms.size(); ++t) {
      EXPECT_EQ(c.tf[t], static_cast<float>(want[key][t])) << content << " / " << terms[t];
    }
    const auto words = static_cast<int32_t>(std::count(content.begin(), content.end(), ' ') + 1);
    EXPECT_EQ(c.doc_len, words) << content;
    EXPECT_EQ(c.updated_ms, (*rows)[i].updated_ms);
  }
  EXPECT_GT(r->avg_doc_len, 3.0);
}

TEST_P(StoreContractTest, SearchTextPrunesCommonTermsAndWindowsWhenAllAreCommon) {
  std::vector<NewMemory> batch;
  for (int i = 0; i < 200; ++i) {
    std::string text = "common filler number" + std::to_string(i);
    if (i % 10 == 0) text += " mid";   // 20 documents: 10%, still scored
    if (i % 70 == 0) text += " rare";  // 3 documents
    batch.push_back(Note(text));
  }
  ASSERT_TRUE(store_->PutBatch(batch).ok());
  TextQuery q = TQ({"common", "mid", "rare"}, In(S("p")));
  q.candidate_cap = 10;
  Result<TextResult> r = store_->SearchText(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->pruned);
  EXPECT_FALSE(r->windowed);
  EXPECT_EQ(r->terms[2].df, 3);
  EXPECT_FALSE(r->terms[2].estimated);
  EXPECT_EQ(r->terms[1].df, 20);
  EXPECT_FALSE(r->terms[1].dropped);
  EXPECT_GT(r->terms[0].df, 10);
  EXPECT_TRUE(r->terms[0].dropped);     // in every document: not scored in a bounded search
  ASSERT_EQ(r->candidates.size(), 3u);  // every document with the rare term
  for (const TextCandidate& c : r->candidates) {
    EXPECT_EQ(c.tf[0], 0.0f);
    EXPECT_EQ(c.tf[1], 1.0f);  // tf of a pruned but scored term is still filled
    EXPECT_EQ(c.tf[2], 1.0f);
  }
  q.terms = {"common", "filler"};
  r = store_->SearchText(q);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->windowed);
  EXPECT_EQ(r->candidates.size(), 10u);
  EXPECT_FALSE(r->terms[0].dropped);  // the rarest term is always scored
  for (const TextCandidate& c : r->candidates) EXPECT_EQ(c.tf[0], 1.0f);
}

TEST_P(StoreContractTest, SearchTextNeverFailsOnHostileText) {
  MustPut(Note("normal text with \"quotes\" and NEAR(x y) and a:b and c++ and ünïcödé"));
  const std::vector<std::string> hostile = {"\"",
                                            "\"\"",
                                            "*",
                                            "NEAR(",
                                            "NEAR(a b",
                                            "AND OR NOT",
                                            "AND",
                                            "^",
                                            ":",
                                            "a:b",
                                            "{body}",
                                            "col : x",
                                            "(",
                                            ")",
                                            "-",
                                            "+",
                                            "ünïcödé",
                                            "日本語",
                                            "",
                                            "   ",
                                            "?!.,;",
                                            "\xff\xfe",
                                            std::string("nul\0byte", 8),
                                            "quotes\"inside",
                                            "c++",
                                            "\"quotes\""};
  for (const std::string& term : hostile) {
    TextQuery q = TQ({term, "text"}, In(S("p")));
    Result<TextResult> r = store_->SearchText(q);
    ASSERT_TRUE(r.ok()) << "term [" << term << "]: " << r.status().ToString();
    EXPECT_EQ(r->terms.size(), 2u);
    EXPECT_EQ(r->candidates.size(), 1u) << term;
  }
  TextQuery q = TQ(hostile, In(S("p")));
  EXPECT_TRUE(store_->SearchText(q).ok());
  EXPECT_EQ(store_->SearchText(TQ({"ünïcödé"}, In(S("p"))))->terms[0].df, 1);
  EXPECT_EQ(store_->SearchText(TQ({"?!.,;"}, In(S("p"))))->terms[0].df, 0);
}

// ---- SearchIdents ----

TEST_P(StoreContractTest, SearchIdentsMatchesExactIdentifiers) {
  MustPut(Note("the bug is in src/store/sqlite_store.cc near HttpServer"));
  MustPut(Note("HttpServer handles max_batch_size"));
  MustPut(Note("nothing to see", S("q")));
  std::vector<NewMemory> many;
  for (int i = 0; i < 5; ++i) many.push_back(Note("common_ident in note " + std::to_string(i)));
  ASSERT_TRUE(store_->PutBatch(many).ok());
  IdentQuery q;
  q.idents = {"httpserver", "src/store/sqlite_store.cc", "unknown_ident", "common_ident"};
  q.filter = In(S("p"));
  q.cap_per_ident = 3;
  Result<IdentResult> r = store_->SearchIdents(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(r->df, ElementsAre(2, 1, 0, -1));
  EXPECT_EQ(r->doc_count, 7);
  ASSERT_EQ(r->matches.size(), 2u);
  std::map<std::string, std::vector<int>> matched;
  for (const IdentMatch& m : r->matches) {
    Result<std::vector<Memory>> rows = store_->Hydrate({m.doc});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    matched[(*rows)[0].content] = m.matched;
    EXPECT_EQ(m.updated_ms, (*rows)[0].updated_ms);
  }
  EXPECT_THAT(matched["the bug is in src/store/sqlite_store.cc near HttpServer"],
              UnorderedElementsAre(0, 1));
  EXPECT_THAT(matched["HttpServer handles max_batch_size"], ElementsAre(0));
  q.filter = In(S("q"));
  EXPECT_THAT(store_->SearchIdents(q)->matches, IsEmpty());
}

TEST_P(StoreContractTest, SearchIdentsFindsPathsByTheirTail) {
  MustPut(Note("crash in src/store/sqlite_store.cc when the WAL grew"));
  IdentQuery q;
  q.idents = {"sqlite_store.cc", "store/sqlite_store.cc", "src/store/sqlite_store.cc",
              "other/sqlite_store.cc"};
  q.filter = In(S("p"));
  Result<IdentResult> r = store_->SearchIdents(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(r->df, ElementsAre(1, 1, 1, 0));
  ASSERT_EQ(r->matches.size(), 1u);
  EXPECT_THAT(r->matches[0].matched, ElementsAre(0, 1, 2));
}

TEST_P(StoreContractTest, SearchIdentsHidesSupersededUnlessHistory) {
  PutResult a = MustPut(Note("uses OldClient here"));
  MemoryPatch patch;
  patch.content = "uses NewClient here";
  ASSERT_TRUE(store_->Update(a.id, patch).ok());
  IdentQuery q;
  q.idents = {"oldclient", "newclient"};
  q.filter = In(S("p"));
  EXPECT_THAT(store_->SearchIdents(q)->df, ElementsAre(0, 1));
  q.filter.include_history = true;
  EXPECT_THAT(store_->SearchIdents(q)->df, ElementsAre(1, 1));
  q.filter.all_scopes = true;
  q.filter.include_history = false;
  EXPECT_THAT(store_->SearchIdents(q)->df, ElementsAre(0, 1));
}

// ---- SessionNeighbours ----

TEST_P(StoreContractTest, SessionNeighboursAreTheNearestInWriteOrder) {
  const std::vector<std::string> turns = {"alpha", "bravo", "charlie", "delta", "echo"};
  std::map<std::string, std::string> id_of;
  for (const std::string& w : turns) {
    NewMemory m = Note("turn " + w);
    m.session = "s1";
    id_of[w] = MustPut(m).id;
  }
  NewMemory other = Note("turn foxtrot");
  other.session = "s2";
  MustPut(other);
  MustPut(Note("turn golf"));  // no session
  NewMemory elsewhere = Note("turn hotel", S("q"));
  elsewhere.session = "s1";  // same session name, another scope
  MustPut(elsewhere);
  auto doc = [&](const std::string& word, const Scope& scope = S("p")) -> DocId {
    Result<TextResult> r = store_->SearchText(TQ({word}, In(scope)));
    EXPECT_TRUE(r.ok() && r->candidates.size() == 1) << word;
    return r.ok() && !r->candidates.empty() ? r->candidates[0].doc : 0;
  };
  auto neighbours = [&](std::vector<DocId> docs, int radius) {
    NeighbourQuery q;
    q.docs = std::move(docs);
    q.radius = radius;
    q.filter = In(S("p"));
    Result<std::vector<Neighbour>> r = store_->SessionNeighbours(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::map<DocId, std::pair<DocId, int>> out;  // neighbour -> (of, distance)
    if (r.ok()) {
      for (const Neighbour& n : *r) out[n.doc] = {n.of, n.distance};
    }
    return out;
  };
  const DocId c = doc("charlie");
  using Pair = std::pair<DocId, int>;
  std::map<DocId, Pair> want = {{doc("bravo"), Pair{c, 1}},
                                {doc("alpha"), Pair{c, 2}},
                                {doc("delta"), Pair{c, 1}},
                                {doc("echo"), Pair{c, 2}}};
  EXPECT_EQ(neighbours({c}, 2), want);
  want = {{doc("bravo"), Pair{c, 1}}, {doc("delta"), Pair{c, 1}}};
  EXPECT_EQ(neighbours({c}, 1), want);
  const DocId a = doc("alpha");
  want = {{doc("bravo"), Pair{a, 1}}, {c, Pair{a, 2}}};
  EXPECT_EQ(neighbours({a}, 2), want);
  EXPECT_TRUE(neighbours({doc("foxtrot"), doc("golf"), 999'999'999}, 2).empty());
  EXPECT_TRUE(neighbours({c}, 0).empty());

  // A forgotten memory is no neighbour: the next one along takes its place.
  ASSERT_TRUE(store_->Forget(id_of["bravo"], false).ok());
  want = {{a, Pair{c, 1}}, {doc("delta"), Pair{c, 1}}, {doc("echo"), Pair{c, 2}}};
  EXPECT_EQ(neighbours({c}, 2), want);
}

TEST_P(StoreContractTest, SessionNeighboursTellTheSideAndWhetherTheHitAsks) {
  NewMemory ask = Note("turn india: which port does the api use?");
  ask.session = "s1";
  NewMemory reply = Note("turn juliet: 8080");
  reply.session = "s1";
  NewMemory before = Note("turn kilo");
  before.session = "s1";
  MustPut(before);
  MustPut(ask);
  MustPut(reply);
  Result<TextResult> r = store_->SearchText(TQ({"india"}, In(S("p"))));
  ASSERT_TRUE(r.ok() && r->candidates.size() == 1);
  NeighbourQuery q;
  q.docs = {r->candidates[0].doc};
  q.radius = 1;
  q.filter = In(S("p"));
  Result<std::vector<Neighbour>> n = store_->SessionNeighbours(q);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  ASSERT_EQ(n->size(), 2u);
  int after = 0;
  for (const Neighbour& x : *n) {
    EXPECT_TRUE(x.of_asks);
    after += x.after ? 1 : 0;
    Result<std::vector<Memory>> m = store_->Hydrate({x.doc});
    ASSERT_TRUE(m.ok() && m->size() == 1);
    EXPECT_EQ(x.after, (*m)[0].content == "turn juliet: 8080") << (*m)[0].content;
  }
  EXPECT_EQ(after, 1);

  // The reply does not ask: its neighbours say so.
  r = store_->SearchText(TQ({"juliet"}, In(S("p"))));
  ASSERT_TRUE(r.ok() && r->candidates.size() == 1);
  q.docs = {r->candidates[0].doc};
  n = store_->SessionNeighbours(q);
  ASSERT_TRUE(n.ok() && n->size() == 1);
  EXPECT_FALSE((*n)[0].of_asks);
  EXPECT_FALSE((*n)[0].after);
}

// ---- RankFacts ----

TEST_P(StoreContractTest, RankFactsGiveAgentConfidenceAndStatusInOrder) {
  NewMemory a = Note("facts alpha");
  a.agent = "codex";
  a.confidence = 0.25;
  NewMemory b = Note("facts bravo");
  b.status = MemoryStatus::kCandidate;
  MustPut(a);
  MustPut(b);
  NewMemory gone = Note("facts charlie");
  const std::string gone_id = MustPut(gone).id;
  Result<TextResult> r = store_->SearchText(TQ({"facts"}, In(S("p"))));
  ASSERT_TRUE(r.ok() && r->candidates.size() == 3);
  std::map<std::string, DocId> doc_of;
  for (const TextCandidate& c : r->candidates) {
    Result<std::vector<Memory>> m = store_->Hydrate({c.doc});
    ASSERT_TRUE(m.ok() && m->size() == 1);
    doc_of[(*m)[0].content] = c.doc;
  }
  ASSERT_TRUE(store_->Forget(gone_id, false).ok());
  std::vector<DocId> docs = {doc_of["facts bravo"], 999'999'999, doc_of["facts charlie"],
                             doc_of["facts alpha"]};
  Result<std::vector<RankFact>> f = store_->RankFacts(docs);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_EQ(f->size(), 2u);  // the unknown and the forgotten doc are skipped
  EXPECT_EQ((*f)[0].doc, doc_of["facts bravo"]);
  EXPECT_EQ((*f)[0].agent, "");
  EXPECT_EQ((*f)[0].confidence, 1.0);
  EXPECT_EQ((*f)[0].status, MemoryStatus::kCandidate);
  EXPECT_EQ((*f)[0].content, "facts bravo");
  EXPECT_EQ((*f)[1].doc, doc_of["facts alpha"]);
  EXPECT_EQ((*f)[1].agent, "codex");
  EXPECT_DOUBLE_EQ((*f)[1].confidence, 0.25);
  EXPECT_EQ((*f)[1].status, MemoryStatus::kActive);
  EXPECT_EQ((*f)[1].content, "facts alpha");
  Result<std::vector<RankFact>> none = store_->RankFacts({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace memex::store_contract
