#include "http/base_url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memex::http {
namespace {

TEST(ParseBaseUrlTest, SplitsOriginAndPrefix) {
  struct Case {
    std::string url, origin, prefix;
  };
  const std::vector<Case> cases = {
      {"http://127.0.0.1:7700", "http://127.0.0.1:7700", ""},
      {"http://127.0.0.1:11434/v1/", "http://127.0.0.1:11434", "/v1"},
      {"http://localhost", "http://localhost", ""},
      {"http://gpu-box/openai/v1//", "http://gpu-box", "/openai/v1"},
      {"http://[::1]:8080/v1", "http://[::1]:8080", "/v1"},
      {"http://[::1]", "http://[::1]", ""},
      {"http://h:65535", "http://h:65535", ""},
  };
  for (const Case& c : cases) {
    Result<BaseUrl> u = ParseBaseUrl(c.url, "use --token");
    ASSERT_TRUE(u.ok()) << c.url << ": " << u.status().ToString();
    EXPECT_EQ(u->origin, c.origin) << c.url;
    EXPECT_EQ(u->prefix, c.prefix) << c.url;
  }
}

TEST(ParseBaseUrlTest, SaysWhatIsWrong) {
  struct Case {
    std::string url, reason;
  };
  const std::vector<Case> cases = {
      {"", "it is empty"},
      {"127.0.0.1:7700", "it must start with http:// or https://"},
      {"ftp://host", "it must start with http:// or https://"},
      {"http://", "no host"},
      {"http:///v1", "no host"},
      {"http://:7700", "no host"},
      {"http://[]:80", "no host"},
      {"http://host:port/v1", "the port must be a number, 1 to 65535"},
      {"http://host:0", "the port must be a number, 1 to 65535"},
      {"http://host:99999", "the port must be a number, 1 to 65535"},
      {"http://host:", "the port must be a number, 1 to 65535"},
      {"http://h/v1?x=1", "no query or fragment"},
      {"http://h/#top", "no query or fragment"},
      {"http://user:pw@host/v1", "no user info; use --token"},
      {"http://[::1/v1", "unclosed '[' in the host"},
      {"http://[::1]x:80", "unexpected text after the host"},
  };
  for (const Case& c : cases) {
    Result<BaseUrl> u = ParseBaseUrl(c.url, "use --token");
    ASSERT_FALSE(u.ok()) << c.url;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << c.url;
    EXPECT_EQ(u.status().message(), c.reason) << c.url;
  }
  // https needs a build with TLS.
  Result<BaseUrl> tls = ParseBaseUrl("https://api.openai.com/v1", "");
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
  EXPECT_TRUE(tls.ok());
#else
  ASSERT_FALSE(tls.ok());
  EXPECT_NE(tls.status().message().find("https is not supported by this build"), std::string::npos);
#endif
}

}  // namespace
}  // namespace memex::http
