// Session archives (SPEC §2, §7): a session's redacted events as gzip-compressed JSONL, stored
// content-addressed under <dir>/<first two hex digits>/<sha256>.jsonl.gz, where sha256 is the
// SHA-256 of the uncompressed JSONL. Identical content is stored once (de-duplication by hash).
//
// Thread-safety: concurrent writers of the same content are safe (write to a temp file, fsync,
// rename; the loser's rename replaces identical bytes).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace memex::capture {

// Stores `jsonl` and returns its SHA-256 hex. An archive with that hash already present is
// kept as it is. Errors: kFailedPrecondition / kInternal for I/O failures (the path named).
Result<std::string> WriteArchive(const std::string& dir, std::string_view jsonl);

// The uncompressed content of the archive `sha256`. Errors: kNotFound; kDataLoss when the file
// is not valid gzip or its content does not hash to its name.
Result<std::string> ReadArchive(const std::string& dir, const std::string& sha256);

// Where WriteArchive puts `sha256`.
std::string ArchivePath(const std::string& dir, const std::string& sha256);

}  // namespace memex::capture
