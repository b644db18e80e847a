// The one JSON shape of a memory version, shared by export/import (JSONL), `--json` CLI output
// and, later, the HTTP APIs. Field names follow SPEC §2; timestamps are RFC 3339 strings.
//
// {"id","workspace","project","kind","content","tags":[],"origin","agent","session","status",
//  "confidence","version","supersedes","superseded_by","content_hash","idempotency_key",
//  "created_at","updated_at","last_accessed_at","access_count","expires_at","deleted_at",
//  "archived_at"}
// Empty strings and zero times are written as null (or omitted on output; both accepted on input).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "core/memory.h"

namespace memex {

// One JSON object, no trailing newline.
std::string EncodeMemory(const Memory& m);

// Strict decode of one JSON object: required fields id, workspace, project, content, and valid
// values for every present field. Errors: kInvalidArgument naming the field and the problem.
// Unknown fields are an error too (a typo must not silently drop data).
Result<Memory> DecodeMemory(std::string_view json);

}  // namespace memex
