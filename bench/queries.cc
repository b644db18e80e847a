#include "queries.h"

#include <algorithm>
#include <cstdio>

namespace memex::bench {
namespace {

// Candidate common words: non-stop words at the head of the vocabulary that the templates also
// use. Only those the corpus actually put in >= 20% of its memories are used.
constexpr std::string_view kCommonCandidates[] = {"use",    "test",  "build", "server",
                                                  "config", "error", "file",  "run"};
constexpr double kCommonShare = 0.20;

constexpr std::string_view kQuestionTemplates[] = {
    "how do we {m} the {m} {m} in the {m} module?",
    "why does the {m} test fail on the build server?",
    "what did we decide about {m} and {m}?",
    "where should the {m} {m} config go?",
    "which {m} does the {m} server use for {m}?",
    "is it safe to {m} the {m} while the {m} is running?",
    "what was the fix for the {m} {m} crash?",
    "how can I make {m} {m} faster when {m} is {m}?",
    "what is our convention for {m} {m} in tests?",
    "did anyone see {t} with {m} before?",
};

constexpr std::string_view kHostileTemplates[] = {
    "\"{m} {m}",
    "{m} AND {m} OR NOT {m}",
    "NEAR({m} {m}, 2)",
    "{m}* ^{m} content:{m}",
    "'; DROP TABLE memories; --",
    "{m} (((( ]]] {{ }} ))",
    "\"\" '' `` \\ \\\" {m}",
    "-{m} +{m} ~{m} |{m}| && ||",
    "{m}:{m}::* *** ???",
    "ünïcödé {m} 日本語のテキスト 🚀 {m}",
    "?!.,;:()[]{}<>",
    "\"{m}\" AND \"{m}\" NOT \"{m}\"",
    "{m}\t{m}\n{m}\r\n",
    "%{m}% _{m}_ {m}%",
    "{m}\" OR 1=1 --",
    "NOT",
    "OR AND NOT NEAR",
    "*",
    "{i}\" {m}",
    "src/{m}/../../etc/passwd",
    "${HOME} $(rm -rf /) `{m}`",
    "{m}^2 {m}~3 {m}/{m}/{m}",
    "{{{{{{{{ {m} }}}}}}}}",
    "{L}",
};

size_t RankOf(const SyntheticCorpus& corpus, std::string_view w) {
  for (size_t r = 0; r < corpus.tail_begin(); ++r) {
    if (corpus.word(r) == w) return r;
  }
  return corpus.vocab_size();
}

// Expands {m} (mid-frequency head word), {t} (any Zipf word, often a tail word), {i} (sampled
// identifier) and {L} (a 60-term OR chain); other text is copied as is.
std::string Expand(std::string_view tmpl, const SyntheticCorpus& corpus, Rng& rng) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 2 < tmpl.size() && tmpl[i + 2] == '}') {
      char slot = tmpl[i + 1];
      if (slot == 'm') {
        out += corpus.MidWord(rng, 5);
      } else if (slot == 't') {
        out += corpus.ZipfWord(rng);
      } else if (slot == 'i') {
        const auto& sample = corpus.identifier_sample();
        out += sample.empty() ? corpus.MakeIdentifier(rng) : sample[rng.Below(sample.size())];
      } else if (slot == 'L') {
        for (int k = 0; k < 60; ++k) {
          if (k) out += " OR ";
          out += corpus.MidWord(rng, 0);
        }
      } else {
        out.append(tmpl.substr(i, 3));
      }
      i += 2;
      continue;
    }
    out += tmpl[i];
  }
  return out;
}

void MakeRare(const SyntheticCorpus& corpus, int n, Rng& rng, QuerySet& set) {
  const int64_t max_df = std::max<int64_t>(3, corpus.generated() / 2000);
  std::vector<size_t> pool;
  for (size_t r = corpus.tail_begin(); r < corpus.vocab_size(); ++r) {
    int64_t df = corpus.df(r);
    if (df >= 1 && df <= max_df) pool.push_back(r);
  }
  if (pool.empty()) pool.push_back(corpus.tail_begin());
  for (int i = 0; i < n; ++i) {
    std::string q = corpus.word(pool[rng.Below(pool.size())]);
    uint64_t shape = rng.Below(20);
    if (shape < 3) {
      q += " " + corpus.word(pool[rng.Below(pool.size())]);
    } else if (shape < 6) {
      q += " " + corpus.MidWord(rng, 5);
    }
    set.queries.push_back(std::move(q));
  }
  set.note = std::to_string(pool.size()) + " tail words with 1 <= df <= " + std::to_string(max_df);
}

void MakeCommon(const SyntheticCorpus& corpus, int n, Rng& rng, QuerySet& set) {
  std::vector<std::string> words;
  const double total = static_cast<double>(std::max<int64_t>(1, corpus.generated()));
  for (auto w : kCommonCandidates) {
    size_t r = RankOf(corpus, w);
    if (r >= corpus.vocab_size()) continue;
    double share = static_cast<double>(corpus.df(r)) / total;
    if (share < kCommonShare) continue;
    words.emplace_back(w);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.0f%%", set.note.empty() ? "" : ", ",
                  std::string(w).c_str(), share * 100);
    set.note += buf;
  }
  if (words.empty()) words.emplace_back(kCommonCandidates[0]);
  for (int i = 0; i < n; ++i) {
    uint64_t shape = rng.Below(10);
    int terms = shape < 5 ? 1 : shape < 8 ? 2 : 3;
    std::vector<std::string> picked;
    while (picked.size() < std::min<size_t>(static_cast<size_t>(terms), words.size())) {
      const std::string& w = words[rng.Below(words.size())];
      if (std::find(picked.begin(), picked.end(), w) == picked.end()) picked.push_back(w);
    }
    std::string q;
    for (const auto& w : picked) q += (q.empty() ? "" : " ") + w;
    set.queries.push_back(std::move(q));
  }
  set.note = "words in >= 20% of memories: " + set.note;
}

void MakeIdentifiers(const SyntheticCorpus& corpus, int n, Rng& rng, QuerySet& set) {
  const auto& sample = corpus.identifier_sample();
  for (int i = 0; i < n; ++i) {
    std::string ident =
        sample.empty() ? corpus.MakeIdentifier(rng) : sample[rng.Below(sample.size())];
    uint64_t shape = rng.Below(20);
    if (shape < 13) {
      set.queries.push_back(std::move(ident));
    } else if (shape < 17) {
      set.queries.push_back("where is " + ident + " used?");
    } else {
      set.queries.push_back(ident + " " + corpus.MidWord(rng, 5));
    }
  }
  set.note = "from a uniform sample of " + std::to_string(sample.size()) +
             " identifiers in the memories; 35% with words around them";
}

}  // namespace

std::string_view QueryClassName(QueryClass c) {
  switch (c) {
    case QueryClass::kRare:
      return "rare";
    case QueryClass::kCommon:
      return "common";
    case QueryClass::kQuestion:
      return "question";
    case QueryClass::kIdentifier:
      return "identifier";
    case QueryClass::kHostile:
      return "hostile";
  }
  return "?";
}

QuerySet MakeQueries(const SyntheticCorpus& corpus, QueryClass cls, int n, uint64_t seed) {
  Rng rng(seed * 31 + static_cast<uint64_t>(cls));
  QuerySet set;
  set.cls = cls;
  set.queries.reserve(static_cast<size_t>(n));
  switch (cls) {
    case QueryClass::kRare:
      MakeRare(corpus, n, rng, set);
      break;
    case QueryClass::kCommon:
      MakeCommon(corpus, n, rng, set);
      break;
    case QueryClass::kQuestion:
      for (int i = 0; i < n; ++i) {
        auto t = kQuestionTemplates[rng.Below(std::size(kQuestionTemplates))];
        set.queries.push_back(Expand(t, corpus, rng));
      }
      set.note = std::to_string(std::size(kQuestionTemplates)) +
                 " question templates over mid-frequency words";
      break;
    case QueryClass::kIdentifier:
      MakeIdentifiers(corpus, n, rng, set);
      break;
    case QueryClass::kHostile:
      for (int i = 0; i < n; ++i) {
        auto t = kHostileTemplates[rng.Below(std::size(kHostileTemplates))];
        set.queries.push_back(Expand(t, corpus, rng));
      }
      set.note = std::to_string(std::size(kHostileTemplates)) +
                 " templates: quotes, FTS5/SQL syntax, punctuation, unicode, 60-term OR chains";
      break;
  }
  return set;
}

}  // namespace memex::bench
