// LoCoMo (Maharana et al., ACL 2024) retrieval-only evaluation: loading locomo10.json into
// turns and questions, evidence normalisation and the ranking metrics, following the recipe in
// /work/shared/data/locomo/README.md. The data file is read in place, never copied.
//
// Pure functions apart from LoadLocomo (reads one file); no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace memex::bench {

struct LocomoTurn {
  std::string dia_id;      // "D<session>:<turn>"
  std::string speaker;     // who said it
  std::string content;     // "{speaker}: {text}" plus " [image: {blip_caption}]" when present
  int64_t created_ms = 0;  // the session's date and time (UTC)
};

struct LocomoQuestion {
  std::string question;
  int category = 0;  // 1 multi-hop, 2 temporal, 3 open-domain, 4 single-hop, 5 adversarial
  std::vector<std::string> gold;  // normalised evidence ids present in the conversation
};

struct LocomoConversation {
  std::string sample_id;
  std::vector<LocomoTurn> turns;          // in session and turn order
  std::vector<LocomoQuestion> questions;  // only questions with at least one gold id left
};

struct LocomoDataset {
  std::vector<LocomoConversation> conversations;
  int64_t turns = 0;
  int64_t questions_total = 0;    // every question in the file
  int64_t questions_skipped = 0;  // no evidence id left after normalisation
  int64_t evidence_dropped = 0;   // evidence ids not present in their conversation
};

// Errors: kNotFound (no such file), kDataLoss (not JSON or not the LoCoMo shape).
Result<LocomoDataset> LoadLocomo(const std::string& path);

// "1:56 pm on 8 May, 2023" -> epoch milliseconds (UTC). Errors: kInvalidArgument.
Result<int64_t> ParseLocomoDate(std::string_view text);

// Splits one evidence entry on ';', ',' and whitespace ("D8:6; D9:17", "D9:1 D4:4") and
// un-pads turn numbers ("D30:05" -> "D30:5"). Empty pieces are dropped.
std::vector<std::string> SplitEvidence(std::string_view entry);

inline constexpr std::array<int, 4> kRecallDepths = {1, 5, 10, 20};
inline constexpr int kLocomoCategories = 5;
std::string_view LocomoCategoryName(int category);

// Metrics of one question.
struct QuestionScore {
  std::array<double, kRecallDepths.size()> recall{};  // |gold ∩ top-k| / |gold|
  double reciprocal_rank = 0;  // 1 / rank of the first hit covering a gold id (top 20), else 0
  double ndcg10 = 0;           // binary gains: a hit counts when it covers a new gold id
};

// `ranked[i]` = the dia_ids the i-th hit stands for (usually one; more when identical turns
// were stored once). `gold` is non-empty and de-duplicated.
QuestionScore ScoreRanking(const std::vector<std::vector<std::string>>& ranked,
                           const std::vector<std::string>& gold);

struct RetrievalScores {
  int64_t questions = 0;
  std::array<double, kRecallDepths.size()> recall{};
  double mrr = 0;
  double ndcg10 = 0;
};

// Averages QuestionScores per category (1-5), over categories 1-4 and over all.
class ScoreTable {
 public:
  void Add(int category, const QuestionScore& s);
  RetrievalScores Category(int category) const;  // 1..5
  RetrievalScores Categories1To4() const;
  RetrievalScores All() const;

 private:
  struct Sum {
    int64_t n = 0;
    QuestionScore total;
  };
  static RetrievalScores Mean(const Sum& s);
  Sum Combined(int first, int last) const;
  std::array<Sum, kLocomoCategories + 1> by_category_{};  // index 0 unused
};

}  // namespace memex::bench
