// Identifiers and hashes: UUIDv7 (RFC 9562) and SHA-256 hex.
// Thread-safety: NewUuidV7 is safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace memex {

// A random UUIDv7 string (lowercase, 36 chars) whose first 48 bits are `epoch_ms`, so ids sort by
// creation time. Within one process, ids made in the same millisecond are still increasing.
std::string NewUuidV7(int64_t epoch_ms);

// True if `s` is a canonical lowercase or uppercase UUID (8-4-4-4-12 hex).
bool IsUuid(std::string_view s);

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// `n` cryptographically random bytes as lowercase hex (2n chars).
std::string RandomHex(size_t n);

}  // namespace memex
