#include "embed/use_lite_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "embed/use_lite_testing.h"

namespace memex {
namespace {

namespace fs = std::filesystem;
using use_lite_testing::Cosine;

class UseLiteModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string dir = use_lite_testing::ModelDirOrFail();
    if (dir.empty()) return;
    Result<std::unique_ptr<UseLiteModel>> m = UseLiteModel::Load(dir);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = std::move(m).value().release();
    dir_ = new std::string(dir);
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(model_, nullptr) << "run scripts/fetch-model"; }

  // A scratch copy of the model that a test may damage.
  fs::path CopyModel() {
    fs::path tmp = fs::temp_directory_path() /
                   ("memex_use_lite_" +
                    std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(tmp);
    fs::copy(*dir_, tmp);
    scratch_.push_back(tmp);
    return tmp;
  }
  void TearDown() override {
    for (const fs::path& p : scratch_) fs::remove_all(p);
  }

  static UseLiteModel* model_;
  static std::string* dir_;
  std::vector<fs::path> scratch_;
};

UseLiteModel* UseLiteModelTest::model_ = nullptr;
std::string* UseLiteModelTest::dir_ = nullptr;

TEST_F(UseLiteModelTest, MatchesTheReferenceEmbeddings) {
  std::vector<use_lite_testing::GoldenCase> golden = use_lite_testing::LoadGolden();
  ASSERT_GE(golden.size(), 17u);
  std::vector<std::vector<int32_t>> sequences;
  for (const auto& c : golden) {
    Result<std::vector<int32_t>> ids = model_->tokenizer().Encode(c.text);
    ASSERT_TRUE(ids.ok());
    sequences.push_back(*ids);
  }
  // All at once (one batch through every matrix product) and one at a time agree with TF.js.
  std::vector<float> batch(golden.size() * UseLiteModel::kDim);
  ASSERT_TRUE(model_->Forward(sequences, batch.data()).ok());
  for (size_t i = 0; i < golden.size(); ++i) {
    ASSERT_EQ(golden[i].embedding.size(), static_cast<size_t>(UseLiteModel::kDim));
    std::vector<float> single(UseLiteModel::kDim);
    ASSERT_TRUE(model_->Forward({&sequences[i], 1}, single.data()).ok());
    const float* b = batch.data() + i * UseLiteModel::kDim;
    float max_diff = 0;
    for (int k = 0; k < UseLiteModel::kDim; ++k) {
      max_diff = std::max(max_diff, std::abs(b[k] - golden[i].embedding[k]));
    }
    EXPECT_GT(Cosine(b, golden[i].embedding.data(), UseLiteModel::kDim), 0.99999)
        << "case " << i << ": " << golden[i].text << " (max abs diff " << max_diff << ")";
    EXPECT_LT(max_diff, 1e-4) << golden[i].text;
    EXPECT_GT(Cosine(single.data(), golden[i].embedding.data(), UseLiteModel::kDim), 0.99999)
        << golden[i].text;
    EXPECT_NEAR(Cosine(b, b, UseLiteModel::kDim), 1.0, 1e-6);
  }
}

TEST_F(UseLiteModelTest, RejectsSequencesTheTokenizerNeverMakes) {
  std::vector<float> out(UseLiteModel::kDim);
  std::vector<std::vector<int32_t>> too_long = {std::vector<int32_t>(129, 7)};
  EXPECT_EQ(model_->Forward(too_long, out.data()).code(), StatusCode::kInvalidArgument);
  std::vector<std::vector<int32_t>> bad_id = {{7, 9000}};
  EXPECT_EQ(model_->Forward(bad_id, out.data()).code(), StatusCode::kInvalidArgument);
  std::vector<std::vector<int32_t>> negative = {{-1}};
  EXPECT_EQ(model_->Forward(negative, out.data()).code(), StatusCode::kInvalidArgument);
}

void ExpectFailedPrecondition(const fs::path& dir, const std::string& names) {
  Result<std::unique_ptr<UseLiteModel>> m = UseLiteModel::Load(dir.string());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kFailedPrecondition) << m.status().ToString();
  EXPECT_NE(m.status().message().find(names), std::string::npos) << m.status().ToString();
  EXPECT_NE(m.status().message().find("scripts/fetch-model"), std::string::npos);
}

TEST_F(UseLiteModelTest, AMissingDirectoryNamesTheFile) {
  ExpectFailedPrecondition("/nonexistent/use-lite", "/nonexistent/use-lite/vocab.json");
}

TEST_F(UseLiteModelTest, MissingFilesAreNamed) {
  fs::path dir = CopyModel();
  fs::remove(dir / "group1-shard5of7");
  ExpectFailedPrecondition(dir, "group1-shard5of7");
  fs::remove(dir / "model.json");
  ExpectFailedPrecondition(dir, "model.json");
}

TEST_F(UseLiteModelTest, ATruncatedShardIsNamed) {
  fs::path dir = CopyModel();
  fs::resize_file(dir / "group1-shard3of7", fs::file_size(dir / "group1-shard3of7") / 2);
  ExpectFailedPrecondition(dir, "group1-shard3of7: truncated");
  fs::path dir2 = CopyModel();  // same name: replaces the first copy
  fs::resize_file(dir2 / "group1-shard7of7", fs::file_size(dir2 / "group1-shard7of7") - 4);
  ExpectFailedPrecondition(dir2, "group1-shard7of7: truncated");
}

TEST_F(UseLiteModelTest, AWrongShapeInModelJsonIsNamed) {
  fs::path dir = CopyModel();
  std::string json;
  {
    std::ifstream in(dir / "model.json");
    json.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string name = "\"module/Encoder_en/hidden_layers/tanh_layer_0/weights\"";
  size_t at = json.find(name, json.find("weightsManifest"));
  ASSERT_NE(at, std::string::npos);
  size_t shape = json.find('[', json.find("\"shape\"", at));
  ASSERT_NE(shape, std::string::npos);
  json.replace(shape, json.find(']', shape) - shape + 1, "[512, 256]");
  std::ofstream(dir / "model.json", std::ios::trunc) << json;
  ExpectFailedPrecondition(dir, "tanh_layer_0/weights has shape [512,256], expected [512,512]");
  std::ofstream(dir / "model.json", std::ios::trunc) << "{\"weightsManifest\": 3}";
  ExpectFailedPrecondition(dir, "model.json: no weightsManifest");
  std::ofstream(dir / "model.json", std::ios::trunc) << "{not json";
  ExpectFailedPrecondition(dir, "model.json: not valid JSON");
}

TEST_F(UseLiteModelTest, NonFiniteWeightsAreRejected) {
  fs::path dir = CopyModel();
  {
    std::fstream f(dir / "group1-shard7of7", std::ios::in | std::ios::out | std::ios::binary);
    const float nan = std::nanf("");
    for (int i = 0; i < 1000; ++i) f.write(reinterpret_cast<const char*>(&nan), sizeof nan);
  }
  ExpectFailedPrecondition(dir, "non-finite");
}

TEST_F(UseLiteModelTest, ADamagedVocabularyIsNamed) {
  fs::path dir = CopyModel();
  std::ofstream(dir / "vocab.json", std::ios::trunc) << "[[\"a\", 0]";
  ExpectFailedPrecondition(dir, "vocab.json");
}

}  // namespace
}  // namespace memex
