#include "http/openai_embedder.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>

#include "base/text.h"
#include "http/base_url.h"

namespace memex::http {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Idle keep-alive connections kept for later requests; more concurrent callers open their own.
constexpr size_t kMaxIdleClients = 4;
// An answer larger than this is abandoned (a 2,048-text batch of 4,096 floats is ~200 MB).
constexpr uint64_t kMaxAnswerBytes = 256ULL << 20;
// The server's error message is shown up to this many bytes.
constexpr size_t kMaxMessageBytes = 300;

Result<BaseUrl> ParseEndpoint(std::string_view url) {
  Result<BaseUrl> u = ParseBaseUrl(url, "put a key in embedding.api_key");
  if (u.ok()) return u;
  return InvalidArgument("invalid embedding.url '" + std::string(url) +
                         "': " + u.status().message() +
                         " (expected the API's base URL, e.g. https://api.openai.com/v1 or "
                         "http://127.0.0.1:11434/v1)");
}

// Text from the server, fit for a Status message: cut short, never the key, valid UTF-8.
std::string Sanitize(std::string_view text, const std::string& api_key) {
  std::string s(text);
  if (!api_key.empty()) {
    for (size_t at = s.find(api_key); at != std::string::npos; at = s.find(api_key, at)) {
      s.replace(at, api_key.size(), "<embedding.api_key>");
    }
  }
  if (!IsValidUtf8(s)) {
    for (char& c : s) c = static_cast<unsigned char>(c) < 0x80 ? c : '?';
  }
  for (char& c : s) c = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return TruncateUtf8(Trim(s), kMaxMessageBytes);
}

// The message of an error body: OpenAI's and llama.cpp's {"error":{"message":...}}, Ollama's
// {"error":"..."}, vLLM's {"message":...}; else the body itself (e.g. "404 page not found").
std::string ErrorMessage(std::string_view body, const std::string& api_key) {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    auto error = j.find("error");
    if (error != j.end() && error->is_string()) return Sanitize(error->get<std::string>(), api_key);
    if (error != j.end() && error->is_object()) {
      auto message = error->find("message");
      if (message != error->end() && message->is_string()) {
        return Sanitize(message->get<std::string>(), api_key);
      }
    }
    auto message = j.find("message");
    if (message != j.end() && message->is_string()) {
      return Sanitize(message->get<std::string>(), api_key);
    }
  }
  return Sanitize(body, api_key);
}

}  // namespace

struct OpenAiEmbedder::Impl {
  BaseUrl endpoint;
  std::string url;  // endpoint origin + prefix + "/embeddings", for messages
  std::string api_key;
  int timeout_ms = 0;

  std::mutex mu;
  std::vector<std::unique_ptr<httplib::Client>> idle;  // GUARDED_BY(mu)

  std::unique_ptr<httplib::Client> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!idle.empty()) {
        std::unique_ptr<httplib::Client> client = std::move(idle.back());
        idle.pop_back();
        return client;
      }
    }
    auto client = std::make_unique<httplib::Client>(endpoint.origin);
    client->set_keep_alive(true);
    // The headers and the body go in two writes; without this a reused connection waits for a
    // delayed ACK (~40 ms) before the body.
    client->set_tcp_nodelay(true);
    return client;
  }

  void Release(std::unique_ptr<httplib::Client> client) {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() < kMaxIdleClients) idle.push_back(std::move(client));
  }

  // The Status of an answer that is not 2xx; `body` is its body.
  Status FromHttp(const httplib::Response& res, std::string_view body) const {
    const int s = res.status;
    std::string message = ErrorMessage(body, api_key);
    std::string said = "embedding endpoint " + url + " answered HTTP " + std::to_string(s) +
                       (message.empty() ? "" : ": " + message);
    if (s == 401 || s == 403) {
      return PermissionDenied(said + (api_key.empty() ? "; it needs a key: set embedding.api_key"
                                                      : "; check embedding.api_key"));
    }
    if (s == 404) {
      return FailedPrecondition(said +
                                " (is embedding.url the API's base URL, ending in /v1 — e.g. "
                                "http://127.0.0.1:11434/v1 for Ollama — and embedding.model a "
                                "model the server has?)");
    }
    if (s == 408 || s == 429 || s >= 500) return Unavailable(said);
    if (s == 413) return FailedPrecondition(said + " (lower embedding.batch_size)");
    if (s >= 300 && s < 400) {
      std::string location = Sanitize(res.get_header_value("Location"), api_key);
      return FailedPrecondition(
          said +
          (location.empty() ? "" : " (redirected to " + location + "; set embedding.url to it)"));
    }
    return FailedPrecondition(said);
  }

  // A request that failed before an answer arrived.
  Status FromTransport(httplib::Error error, bool too_large) const {
    std::string where = "embedding endpoint " + url;
    std::string timeout = " within embedding.timeout_ms (" + std::to_string(timeout_ms) + " ms)";
    switch (error) {
      case httplib::Error::Connection:
        return Unavailable("cannot reach " + where + ": connection refused or host unreachable");
      case httplib::Error::ConnectionTimeout:
        return Unavailable("cannot reach " + where + ": no connection" + timeout);
      case httplib::Error::Read:
        return Unavailable(where + " gave no complete answer" + timeout +
                           " (or closed the connection)");
      case httplib::Error::Write:
        return Unavailable("sending the request to " + where + " failed");
      case httplib::Error::Canceled:
        if (too_large) {
          return FailedPrecondition(where + " sent an answer larger than " +
                                    std::to_string(kMaxAnswerBytes >> 20) +
                                    " MB (lower embedding.batch_size)");
        }
        return Unavailable(where + " gave no complete answer" + timeout);
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification:
        return FailedPrecondition("TLS with " + where + " failed (" + httplib::to_string(error) +
                                  "): is its certificate trusted by this system?");
      case httplib::Error::SSLConnection:
        return Unavailable("TLS with " + where + " failed (" + httplib::to_string(error) + ")");
      default:
        return Unavailable("request to " + where + " failed (" + httplib::to_string(error) + ")");
    }
  }

  // POSTs `body`; the body of a 2xx answer. httplib's timeouts bound each connect, send and
  // read wait; the receiver bounds the whole answer (a server trickling bytes never times out a
  // single read).
  Result<std::string> Post(std::string body) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    httplib::Request req;
    req.method = "POST";
    req.path = endpoint.prefix + "/embeddings";
    req.headers.emplace("Content-Type", "application/json");
    req.headers.emplace("Accept", "application/json");
    if (!api_key.empty()) req.headers.emplace("Authorization", "Bearer " + api_key);
    req.body = std::move(body);
    std::string answer;
    bool too_large = false;
    req.response_handler = [&](const httplib::Response&) { return Clock::now() < deadline; };
    // Called for every status and transfer encoding (unlike Request::progress).
    req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
      if (answer.size() + size > kMaxAnswerBytes) {
        too_large = true;
        return false;
      }
      answer.append(data, size);
      return Clock::now() < deadline;
    };

    std::unique_ptr<httplib::Client> client = Acquire();
    const auto timeout = std::chrono::milliseconds(timeout_ms);
    client->set_connection_timeout(timeout);
    client->set_read_timeout(timeout);
    client->set_write_timeout(timeout);
    httplib::Result r = client->send(req);
    if (!r) return FromTransport(r.error(), too_large);
    // A connection whose answer was read completely can carry the next request.
    Release(std::move(client));
    if (r->status < 200 || r->status > 299) return FromHttp(*r, answer);
    return answer;
  }
};

OpenAiEmbedder::OpenAiEmbedder(const EmbeddingConfig& config, std::unique_ptr<Impl> impl)
    : model_(config.model),
      dimensions_(config.dimensions),
      batch_size_(config.batch_size),
      impl_(std::move(impl)),
      dim_(config.dimensions) {}

OpenAiEmbedder::~OpenAiEmbedder() = default;

Result<std::unique_ptr<OpenAiEmbedder>> OpenAiEmbedder::Make(const EmbeddingConfig& config) {
  ASSIGN_OR_RETURN(BaseUrl endpoint, ParseEndpoint(config.url));
  if (Trim(config.model).empty()) {
    return InvalidArgument(
        "embedding.model is not set: name the endpoint's embedding model, e.g. "
        "\"text-embedding-3-small\" or \"nomic-embed-text\"");
  }
  if (config.dimensions < 0) {
    return InvalidArgument("embedding.dimensions must be 0 (the model's own) or positive, not " +
                           std::to_string(config.dimensions));
  }
  if (config.batch_size < 1) {
    return InvalidArgument("embedding.batch_size must be at least 1, not " +
                           std::to_string(config.batch_size));
  }
  if (config.timeout_ms < 1) {
    return InvalidArgument("embedding.timeout_ms must be at least 1, not " +
                           std::to_string(config.timeout_ms));
  }
  for (char c : config.api_key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("embedding.api_key contains a control character (a stray newline?)");
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->url = endpoint.origin + endpoint.prefix + "/embeddings";
  impl->endpoint = std::move(endpoint);
  impl->api_key = config.api_key;
  impl->timeout_ms = config.timeout_ms;
  return std::unique_ptr<OpenAiEmbedder>(new OpenAiEmbedder(config, std::move(impl)));
}

std::string OpenAiEmbedder::model_id() const {
  return "openai:" + model_ + (dimensions_ > 0 ? "@" + std::to_string(dimensions_) : "");
}

Status OpenAiEmbedder::CheckDim(int got) {
  int want = 0;
  // The first answer (of any thread) fixes the length; compare_exchange loads the winner's.
  if (dim_.compare_exchange_strong(want, got) || want == got) return Status::Ok();
  return FailedPrecondition("embedding endpoint " + impl_->url + " returned " +
                            std::to_string(got) + " dimensions, expected " + std::to_string(want) +
                            " (model " + model_ +
                            "; vectors of another length cannot be compared with the stored ones)");
}

Result<Embeddings> OpenAiEmbedder::Embed(const std::vector<std::string>& texts) {
  for (size_t i = 0; i < texts.size(); ++i) {
    if (size_t at = FirstInvalidUtf8(texts[i]); at != std::string::npos) {
      return InvalidArgument("text " + std::to_string(i) + " is not valid UTF-8 (byte " +
                             std::to_string(at) + ")");
    }
  }
  std::vector<float> data;
  for (size_t begin = 0; begin < texts.size(); begin += static_cast<size_t>(batch_size_)) {
    size_t end = std::min(texts.size(), begin + static_cast<size_t>(batch_size_));
    RETURN_IF_ERROR(EmbedBatch(texts, begin, end, data));
  }
  Embeddings out;
  out.dim = texts.empty() ? dim() : static_cast<int>(data.size() / texts.size());
  out.data = std::move(data);
  return out;
}

Status OpenAiEmbedder::EmbedBatch(const std::vector<std::string>& texts, size_t begin, size_t end,
                                  std::vector<float>& out) {
  const size_t n = end - begin;
  Json request = {{"model", model_},
                  {"input", std::vector<std::string>(texts.begin() + static_cast<ptrdiff_t>(begin),
                                                     texts.begin() + static_cast<ptrdiff_t>(end))},
                  {"encoding_format", "float"}};
  if (dimensions_ > 0) request["dimensions"] = dimensions_;
  ASSIGN_OR_RETURN(std::string body, impl_->Post(request.dump()));

  auto bad = [this](const std::string& why) {
    return FailedPrecondition("unexpected answer from embedding endpoint " + impl_->url + ": " +
                              why);
  };
  Json answer = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return bad("not JSON: " + Sanitize(body, impl_->api_key));
  if (!answer.is_object()) return bad("not a JSON object");
  auto data = answer.find("data");
  if (data == answer.end() || !data->is_array()) return bad("no \"data\" array");
  if (data->size() != n) {
    return bad(std::to_string(data->size()) + " embeddings for " + std::to_string(n) + " texts");
  }

  // Servers may list the vectors in any order; "index" says whose each is.
  std::vector<const Json*> by_index(n, nullptr);
  for (size_t pos = 0; pos < n; ++pos) {
    const Json& item = (*data)[pos];
    if (!item.is_object()) return bad("data[" + std::to_string(pos) + "] is not an object");
    size_t index = pos;
    auto idx = item.find("index");
    if (idx != item.end()) {
      if (!idx->is_number_integer() || idx->get<int64_t>() < 0 ||
          idx->get<int64_t>() >= static_cast<int64_t>(n)) {
        return bad("data[" + std::to_string(pos) + "].index is not an integer from 0 to " +
                   std::to_string(n - 1));
      }
      index = static_cast<size_t>(idx->get<int64_t>());
    }
    if (by_index[index] != nullptr) return bad("two embeddings for index " + std::to_string(index));
    by_index[index] = &item;
  }

  std::optional<size_t> length;
  const size_t base = out.size();
  for (size_t i = 0; i < n; ++i) {
    auto embedding = by_index[i]->find("embedding");
    std::string where = "the embedding of text " + std::to_string(begin + i);
    if (embedding == by_index[i]->end()) return bad(where + " is missing");
    if (embedding->is_string()) return bad(where + " is a string (base64?), not numbers");
    if (!embedding->is_array() || embedding->empty()) return bad(where + " is not an array");
    if (length && *length != embedding->size()) {
      return bad("vectors of " + std::to_string(*length) + " and " +
                 std::to_string(embedding->size()) + " numbers in one answer");
    }
    if (!length) {
      length = embedding->size();
      if (*length > static_cast<size_t>(INT32_MAX / 2)) return bad(where + " is too long");
      RETURN_IF_ERROR(CheckDim(static_cast<int>(*length)));
      out.reserve(base + n * *length);
    }
    double sum = 0;
    const size_t row = out.size();
    for (const Json& x : *embedding) {
      if (!x.is_number()) return bad(where + " holds a non-number");
      float f = static_cast<float>(x.get<double>());
      if (!std::isfinite(f)) return bad(where + " holds a non-finite number");
      sum += static_cast<double>(f) * f;
      out.push_back(f);
    }
    if (sum == 0) return bad(where + " is all zeros");
    const double norm = std::sqrt(sum);
    for (size_t k = row; k < out.size(); ++k) {
      out[k] = static_cast<float>(out[k] / norm);
    }
  }
  return Status::Ok();
}

}  // namespace memex::http
