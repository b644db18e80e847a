#include "base/ids.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <mutex>

namespace memex {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string ToHex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

}  // namespace

std::string NewUuidV7(int64_t epoch_ms) {
  // RFC 9562 §6.2 method 1: a 12-bit counter in rand_a keeps ids monotonic within a millisecond.
  static std::mutex mu;
  static int64_t last_ms = -1;
  static uint16_t counter = 0;
  std::array<unsigned char, 16> b{};
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  uint16_t seq;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (epoch_ms <= last_ms) {
      epoch_ms = last_ms;
      if (++counter > 0x0fff) {  // counter overflow: borrow the next millisecond
        ++epoch_ms;
        counter = 0;
      }
    } else {
      counter = static_cast<uint16_t>((b[6] << 4 | b[7] >> 4) & 0x07ff);  // random start, headroom
    }
    last_ms = epoch_ms;
    seq = counter;
  }
  auto ms = static_cast<uint64_t>(epoch_ms);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | ((seq >> 8) & 0x0f));
  b[7] = static_cast<unsigned char>(seq & 0xff);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string h = ToHex(b.data(), b.size());
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return ToHex(md, len);
}

std::string RandomHex(size_t n) {
  std::string bytes(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n));
  return ToHex(reinterpret_cast<const unsigned char*>(bytes.data()), n);
}

}  // namespace memex
