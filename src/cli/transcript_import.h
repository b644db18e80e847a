// `memex import --from claude-code|codex [PATH]` (docs/capture.md, "Importing transcripts"):
// the agents' own transcripts become captured sessions. Called by the import command
// (transfer_commands.cc); the parsing is capture/transcript_import.h's.
#pragma once

#include <string>

#include "base/status.h"
#include "cli/session.h"

namespace memex::cli {

// Imports every transcript under `path` ("" = the agent's default directory: Claude Code's
// $CLAUDE_CONFIG_DIR/projects or ~/.claude/projects, Codex's $CODEX_HOME/sessions or
// ~/.codex/sessions) into the local data directory and reports the counts. Idempotent: every
// event has a deterministic ingest key. Each session is stored under the scope of its
// transcript's cwd (as hooks resolve it) unless --scope is given, and ends in a summary and an
// archive but never a handoff. Sessions memex already captured through hooks are skipped.
// Malformed lines are skipped and counted. Errors: kInvalidArgument (unknown `from`),
// kNotFound (`path` does not exist), kFailedPrecondition (--server given), store errors.
Status RunTranscriptImport(Session& session, const std::string& from, const std::string& path);

}  // namespace memex::cli
