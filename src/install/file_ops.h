// The installer's file system side: reading the clients' config files, and applying a Plan
// with a timestamped backup of each file it changes and atomic replacement (temp file +
// rename, the file's mode kept). Also where the memex binary lives.
//
// Thread-safety: stateless; two installers racing on one file are detected (the second one
// finds the file changed since it was read and stops), not serialized.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "install/planner.h"

namespace memex::install {

// The file's bytes; nullopt when it does not exist. Errors: kFailedPrecondition when it exists
// but cannot be read (or is a directory).
Result<std::optional<std::string>> ReadConfigFile(const std::string& path);

// "20261122T021500Z" (UTC) for a backup name.
std::string BackupStamp(int64_t epoch_ms);

// Applies every change of `plan` whose status is created, updated or removed, in order. Before
// writing anything it checks that each file still holds plan.before (else kUnavailable: another
// program changed it; run again). Each existing file that is rewritten is first copied to
// "<file>.bak-<stamp>" ("-2", "-3"... when taken), with its mode; a file that is deleted (it
// held only memex's entries) gets no backup. Writes go to a temp file in
// the same directory, fsynced, then renamed over the file (a symlink is followed: its target is
// replaced); parent directories are created. Returns the backup path per plan file ("" when
// none). Errors: kUnavailable as above; kFailedPrecondition when a file or directory cannot be
// written (files already handled stay changed, with their backups).
Result<std::vector<std::string>> ApplyPlan(const Plan& plan, int64_t now_ms);

// The memex binary clients should run: "memex" beside this executable when there is one (the
// front binary that execs memex-core), else this executable itself. Errors: kInternal when
// /proc/self/exe cannot be read.
Result<std::string> SelfMemexPath();

}  // namespace memex::install
