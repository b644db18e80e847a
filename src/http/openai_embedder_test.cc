// OpenAiEmbedder against a real httplib::Server on 127.0.0.1 that plays an OpenAI-compatible
// /v1/embeddings endpoint: batching, order, normalisation, headers, dimensions, and every failure
// the contract names. Every wait is bounded.
#include "http/openai_embedder.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace memex::http {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// What the fake endpoint saw of one request.
struct Seen {
  Json body;
  std::string authorization;  // "" when absent
  std::string path;
};

// The vector the fake endpoint gives a text: its length and 1, then `extra` twos. Row i of a
// normalised answer thus says which text it belongs to (row[0] / row[1] == text length).
std::vector<double> VectorFor(const std::string& text, int dim) {
  std::vector<double> v(static_cast<size_t>(dim), 2.0);
  v[0] = static_cast<double>(text.size());
  if (dim > 1) v[1] = 1.0;
  return v;
}

// {"object":"list","data":[...]} for `inputs`, listed last-first (servers may reorder).
Json ReversedAnswer(const Json& inputs, int dim) {
  Json data = Json::array();
  for (size_t i = inputs.size(); i-- > 0;) {
    data.push_back({{"object", "embedding"},
                    {"index", i},
                    {"embedding", VectorFor(inputs[i].get<std::string>(), dim)}});
  }
  return {{"object", "list"}, {"model", "m"}, {"data", data}};
}

class OpenAiEmbedderTest : public ::testing::Test {
 protected:
  using Responder = std::function<void(const Json& request, httplib::Response& res)>;

  void SetUp() override {
    server_.Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
      Json body = Json::parse(req.body, nullptr, false);
      Responder responder;
      {
        std::lock_guard<std::mutex> lock(mu_);
        seen_.push_back({body, req.get_header_value("Authorization"), req.path});
        responder = responder_;
      }
      responder(body, res);
    });
    server_.set_tcp_nodelay(true);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    listener_ = std::jthread([this] { server_.listen_after_bind(); });
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(1));
    }
    ASSERT_TRUE(server_.is_running());
    Respond([](const Json& request, httplib::Response& res) {
      res.set_content(ReversedAnswer(request["input"], 2).dump(), "application/json");
    });
  }

  void TearDown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    released_cv_.notify_all();
    server_.stop();
    if (listener_.joinable()) listener_.join();
  }

  void Respond(Responder responder) {
    std::lock_guard<std::mutex> lock(mu_);
    responder_ = std::move(responder);
  }

  // A responder that answers `status` with `body`.
  static Responder Fixed(int status, std::string body) {
    return [status, body](const Json&, httplib::Response& res) {
      res.status = status;
      res.set_content(body, "application/json");
    };
  }

  // Blocks a handler until TearDown or `max`, whichever comes first.
  void Hold(milliseconds max) {
    std::unique_lock<std::mutex> lock(mu_);
    released_cv_.wait_for(lock, max, [this] { return released_; });
  }

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  EmbeddingConfig Config() const {
    EmbeddingConfig c;
    c.provider = "openai";
    c.url = Url();
    c.model = "m";
    c.timeout_ms = 5000;
    return c;
  }

  std::unique_ptr<OpenAiEmbedder> Make(const EmbeddingConfig& c) {
    auto e = OpenAiEmbedder::Make(c);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }

  httplib::Server server_;
  int port_ = 0;
  std::jthread listener_;
  std::mutex mu_;
  std::condition_variable released_cv_;
  bool released_ = false;   // GUARDED_BY(mu_)
  Responder responder_;     // GUARDED_BY(mu_)
  std::vector<Seen> seen_;  // GUARDED_BY(mu_)
};

void ExpectUnitRows(const Embeddings& e, const std::vector<std::string>& texts) {
  ASSERT_EQ(e.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const float* row = e.row(i);
    double norm = 0;
    for (int k = 0; k < e.dim; ++k) norm += static_cast<double>(row[k]) * row[k];
    EXPECT_NEAR(norm, 1.0, 1e-5) << i;
    EXPECT_NEAR(row[0] / row[1], static_cast<float>(texts[i].size()), 1e-4) << "row " << i;
  }
}

TEST_F(OpenAiEmbedderTest, SplitsBatchesRestoresOrderAndNormalises) {
  EmbeddingConfig c = Config();
  c.batch_size = 2;
  auto e = Make(c);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->model_id(), "openai:m");
  EXPECT_EQ(e->dim(), 0);
  EXPECT_EQ(e->max_tokens(), 0);
  const std::vector<std::string> texts = {"a", "bb", "ccc", "dddd", "ééééé"};
  Result<Embeddings> got = e->Embed(texts);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->dim, 2);
  EXPECT_EQ(e->dim(), 2);
  ExpectUnitRows(*got, texts);

  std::vector<Seen> requests = seen();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].body["input"], Json({"a", "bb"}));
  EXPECT_EQ(requests[1].body["input"], Json({"ccc", "dddd"}));
  EXPECT_EQ(requests[2].body["input"], Json({"ééééé"}));
  for (const Seen& s : requests) {
    EXPECT_EQ(s.path, "/v1/embeddings");
    EXPECT_EQ(s.body["model"], "m");
    EXPECT_EQ(s.body["encoding_format"], "float");
    EXPECT_FALSE(s.body.contains("dimensions")) << s.body.dump();
    EXPECT_EQ(s.authorization, "") << "no key configured, no header";
  }
}

TEST_F(OpenAiEmbedderTest, SendsTheKeyAndDimensionsWhenConfigured) {
  Respond([](const Json& request, httplib::Response& res) {
    res.set_content(ReversedAnswer(request["input"], request["dimensions"].get<int>()).dump(),
                    "application/json");
  });
  EmbeddingConfig c = Config();
  c.url = Url() + "/";  // a trailing slash is fine
  c.api_key = "sk-test-key";
  c.dimensions = 3;
  auto e = Make(c);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->model_id(), "openai:m@3");
  EXPECT_EQ(e->dim(), 3);
  const std::vector<std::string> texts = {"one", "three"};
  Result<Embeddings> got = e->Embed(texts);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->dim, 3);
  ExpectUnitRows(*got, texts);
  std::vector<Seen> requests = seen();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/embeddings");
  EXPECT_EQ(requests[0].authorization, "Bearer sk-test-key");
  EXPECT_EQ(requests[0].body["dimensions"], 3);
}

TEST_F(OpenAiEmbedderTest, NoTextsNoRequest) {
  auto e = Make(Config());
  ASSERT_NE(e, nullptr);
  Result<Embeddings> got = e->Embed({});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->size(), 0u);
  EXPECT_TRUE(seen().empty());
}

TEST_F(OpenAiEmbedderTest, InvalidUtf8IsRejectedWithoutARequest) {
  auto e = Make(Config());
  ASSERT_NE(e, nullptr);
  Result<Embeddings> got = e->Embed({"fine", std::string("bad \xff\xfe", 6)});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("text 1"), std::string::npos) << got.status().message();
  EXPECT_TRUE(seen().empty());
}

TEST_F(OpenAiEmbedderTest, ADifferentLengthLaterIsFailedPrecondition) {
  auto e = Make(Config());
  ASSERT_NE(e, nullptr);
  Result<Embeddings> first = e->Embed({"x"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(e->dim(), 2);
  Respond([](const Json& request, httplib::Response& res) {
    res.set_content(ReversedAnswer(request["input"], 4).dump(), "application/json");
  });
  Result<Embeddings> second = e->Embed({"y"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("returned 4 dimensions, expected 2"), std::string::npos)
      << second.status().message();
  EXPECT_EQ(e->dim(), 2);
}

TEST_F(OpenAiEmbedderTest, ConfiguredDimensionsMustMatchTheAnswer) {
  EmbeddingConfig c = Config();
  c.dimensions = 8;  // the server ignores it and answers 2
  auto e = Make(c);
  ASSERT_NE(e, nullptr);
  Result<Embeddings> got = e->Embed({"x"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(got.status().message().find("returned 2 dimensions, expected 8"), std::string::npos)
      << got.status().message();
}

TEST_F(OpenAiEmbedderTest, RefusedKeyIsPermissionDeniedWithoutTheKey) {
  Respond(Fixed(401, R"({"error":{"message":"Incorrect API key provided: sk-secret-123.",)"
                     R"("type":"invalid_request_error","code":"invalid_api_key"}})"));
  EmbeddingConfig c = Config();
  c.api_key = "sk-secret-123";
  auto e = Make(c);
  ASSERT_NE(e, nullptr);
  Result<Embeddings> got = e->Embed({"x"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kPermissionDenied);
  const std::string& m = got.status().message();
  EXPECT_EQ(m.find("sk-secret-123"), std::string::npos) << m;
  EXPECT_NE(m.find("Incorrect API key provided"), std::string::npos) << m;
  EXPECT_NE(m.find("embedding.api_key"), std::string::npos) << m;
  EXPECT_NE(m.find(Url()), std::string::npos) << m;
}

TEST_F(OpenAiEmbedderTest, HttpStatusesMapToCodes) {
  struct Case {
    int status;
    std::string body;
    StatusCode want;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {500, R"({"error":{"message":"boom"}})", StatusCode::kUnavailable, "boom"},
      {503, "", StatusCode::kUnavailable, "HTTP 503"},
      {429, R"({"error":{"message":"Rate limit reached"}})", StatusCode::kUnavailable,
       "Rate limit reached"},
      {403, "", StatusCode::kPermissionDenied, "embedding.api_key"},
      {404, "404 page not found", StatusCode::kFailedPrecondition, "/v1"},
      // Ollama's error shape.
      {400, R"({"error":"model \"nomic\" not found, try pulling it first"})",
       StatusCode::kFailedPrecondition, "model \"nomic\" not found"},
      // vLLM's.
      {422, R"({"object":"error","message":"bad input","type":"BadRequestError"})",
       StatusCode::kFailedPrecondition, "bad input"},
      {413, "", StatusCode::kFailedPrecondition, "embedding.batch_size"},
  };
  auto e = Make(Config());
  ASSERT_NE(e, nullptr);
  for (const Case& c : cases) {
    Respond(Fixed(c.status, c.body));
    Result<Embeddings> got = e->Embed({"x"});
    ASSERT_FALSE(got.ok()) << c.status;
    EXPECT_EQ(got.status().code(), c.want) << c.status << ": " << got.status().ToString();
    EXPECT_NE(got.status().message().find(c.needle), std::string::npos)
        << c.status << ": " << got.status().message();
  }
}

TEST_F(OpenAiEmbedderTest, LongErrorBodiesAreCut) {
  Respond(Fixed(400, R"({"error":{"message":")" + std::string(5000, 'z') + R"("}})"));
  auto e = Make(Config());
  ASSERT_NE(e, nullptr);
  Result<Embeddings> got = e->Embed({"x"});
  ASSERT_FALSE(got.ok());
  EXPECT_LT(got.status().message().size(), 1000u) << got.status().message().size();
}

TEST_F(OpenAiEmbedderTest, BadAnswersAreFailedPrecondition) {
  // Each answer is for the two texts {"a", "bb"}.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "not JSON"},
      {"[]", "not a JSON object"},
      {R"({"object":"list"})", "no \"data\""},
      {R"({"data":[{"index":0,"embedding":[1,2]}]})", "1 embeddings for 2 texts"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1,"x"]}]})", "non-number"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[NaN,1]}]})", "not JSON"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1e300,1]}]})",
       "non-finite"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[0,0]}]})", "all zeros"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1,2,3]}]})",
       "vectors of 2 and 3"},
      {R"({"data":[{"index":1,"embedding":[1,2]},{"index":1,"embedding":[1,2]}]})",
       "two embeddings for index 1"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":2,"embedding":[1,2]}]})", "index"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":"AACAPw=="}]})", "base64"},
      {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1}]})", "missing"},
      {R"({"data":[{"index":0,"embedding":[]},{"index":1,"embedding":[]}]})", "not an array"},
  };
  for (const auto& [body, needle] : cases) {
    auto e = Make(Config());
    ASSERT_NE(e, nullptr);
    Respond(Fixed(200, body));
    Result<Embeddings> got = e->Embed({"a", "bb"});
    ASSERT_FALSE(got.ok()) << body;
    EXPECT_EQ(got.status().code(), StatusCode::kFailedPrecondition) << body;
    EXPECT_NE(got.status().message().find(needle), std::string::npos)
        << body << ": " << got.status().message();
  }
}

TEST_F(OpenAiEmbedderTest, AnswersWithoutIndexKeepTheirOrder) {
  Respond(Fixed(200, R"({"data":[{"embedding":[1,1]},{"embedding":[2,1]}]})"));
  auto e = Make(Config());
  ASSERT_NE(e, nullptr);
  Result<Embeddings> got = e->Embed({"a", "bb"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectUnitRows(*got, {"a", "bb"});
}

TEST_F(OpenAiEmbedderTest, SlowEndpointIsUnavailableWithinTheTimeout) {
  Respond([this](const Json& request, httplib::Response& res) {
    Hold(milliseconds(3000));
    res.set_content(ReversedAnswer(request["input"], 2).dump(), "application/json");
  });
  EmbeddingConfig c = Config();
  c.timeout_ms = 300;
  auto e = Make(c);
  ASSERT_NE(e, nullptr);
  auto start = Clock::now();
  Result<Embeddings> got = e->Embed({"x"});
  auto took = Clock::now() - start;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << got.status().ToString();
  EXPECT_NE(got.status().message().find("300 ms"), std::string::npos) << got.status().message();
  EXPECT_LT(took, milliseconds(300 + 1500));
}

// A server that sends its answer a byte at a time never times out a single read; the deadline
// on the whole answer still ends the call.
TEST_F(OpenAiEmbedderTest, TricklingEndpointIsUnavailableWithinTheTimeout) {
  Respond([this](const Json&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json", [this](size_t, httplib::DataSink& sink) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (released_) return false;
      }
      std::this_thread::sleep_for(milliseconds(50));
      return sink.write(" ", 1);
    });
  });
  EmbeddingConfig c = Config();
  c.timeout_ms = 400;
  auto e = Make(c);
  ASSERT_NE(e, nullptr);
  auto start = Clock::now();
  Result<Embeddings> got = e->Embed({"x"});
  auto took = Clock::now() - start;
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable) << got.status().ToString();
  EXPECT_LT(took, milliseconds(400 + 1500));
}

TEST(OpenAiEmbedderDownTest, NothingListeningIsUnavailableQuickly) {
  // Bind a port without listening, note it, close it: nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  EmbeddingConfig c;
  c.provider = "openai";
  c.url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  c.model = "m";
  c.api_key = "sk-never-shown";
  c.timeout_ms = 5000;
  auto e = OpenAiEmbedder::Make(c);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto start = Clock::now();
  Result<Embeddings> got = (*e)->Embed({"x"});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(Clock::now() - start, milliseconds(2000));
  EXPECT_NE(got.status().message().find(c.url), std::string::npos) << got.status().message();
  EXPECT_EQ(got.status().message().find("sk-never-shown"), std::string::npos);
}

TEST_F(OpenAiEmbedderTest, ConcurrentCallsAllSucceed) {
  EmbeddingConfig c = Config();
  c.batch_size = 3;
  auto e = Make(c);
  ASSERT_NE(e, nullptr);
  const std::vector<std::string> texts = {"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g"};
  std::vector<Status> results(6);
  {
    std::vector<std::jthread> threads;
    for (size_t t = 0; t < results.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 5; ++round) {
          Result<Embeddings> got = e->Embed(texts);
          if (!got.ok()) {
            results[t] = got.status();
            return;
          }
          if (got->size() != texts.size() || got->dim != 2) {
            results[t] = Internal("wrong shape");
            return;
          }
        }
      });
    }
  }
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen().size(), results.size() * 5 * 3);
}

TEST(OpenAiEmbedderMakeTest, ChecksTheSettings) {
  struct Case {
    std::string url;
    std::string model = "m";
    int dimensions = 0;
    int batch_size = 32;
    int timeout_ms = 1000;
    std::string api_key;
    std::string needle;  // "" = accepted
  };
  const std::vector<Case> cases = {
      {.url = "https://api.openai.com/v1"},
      {.url = "http://127.0.0.1:11434/v1/"},
      {.url = "http://localhost:1234/v1"},
      {.url = "http://[::1]:8080/v1"},
      {.url = "http://gpu-box/openai/v1"},
      {.url = "", .needle = "embedding.url"},
      {.url = "127.0.0.1:11434/v1", .needle = "http:// or https://"},
      {.url = "ftp://host/v1", .needle = "http:// or https://"},
      {.url = "http:///v1", .needle = "no host"},
      {.url = "http://host:port/v1", .needle = "port"},
      {.url = "http://host:99999/v1", .needle = "port"},
      {.url = "http://host/v1?x=1", .needle = "no query"},
      {.url = "http://user:pw@host/v1", .needle = "user info"},
      {.url = "http://[::1/v1", .needle = "'['"},
      {.url = "http://h/v1", .model = "", .needle = "embedding.model"},
      {.url = "http://h/v1", .dimensions = -1, .needle = "embedding.dimensions"},
      {.url = "http://h/v1", .batch_size = 0, .needle = "embedding.batch_size"},
      {.url = "http://h/v1", .timeout_ms = 0, .needle = "embedding.timeout_ms"},
      {.url = "http://h/v1", .api_key = "sk-abc\n", .needle = "embedding.api_key"},
  };
  for (const Case& c : cases) {
    EmbeddingConfig config;
    config.provider = "openai";
    config.url = c.url;
    config.model = c.model;
    config.dimensions = c.dimensions;
    config.batch_size = c.batch_size;
    config.timeout_ms = c.timeout_ms;
    config.api_key = c.api_key;
    auto e = OpenAiEmbedder::Make(config);
    if (c.needle.empty()) {
      EXPECT_TRUE(e.ok()) << c.url << ": " << e.status().ToString();
      continue;
    }
    ASSERT_FALSE(e.ok()) << c.url;
    EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument) << c.url;
    EXPECT_NE(e.status().message().find(c.needle), std::string::npos)
        << c.url << ": " << e.status().message();
    EXPECT_EQ(e.status().message().find("sk-abc"), std::string::npos);
  }
}

}  // namespace
}  // namespace memex::http
