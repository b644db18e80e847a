// Versioned schema migrations of the SQLite store (SPEC §5: migrations are versioned and run on
// start). Each migration runs in its own IMMEDIATE transaction together with its row in
// `schema_migrations`, so a crash leaves the schema at a whole version and two processes
// opening the same file at once apply each migration exactly once.
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "store/sqlite/connection.h"

namespace memex::sqlite {

struct Migration {
  int version = 0;        // 1, 2, 3 ... without gaps
  std::string_view name;  // short description, recorded in schema_migrations
  std::string_view sql;   // one or more statements
  // Optional data step run after `sql`, in the same transaction, for what SQL cannot express.
  Status (*after)(Connection& db) = nullptr;
};

// The store's migrations, ascending by version.
const std::vector<Migration>& StoreMigrations();
// Highest version this binary knows.
int LatestSchemaVersion();

// Applies every migration in `migrations` newer than the database's version.
// Errors: kFailedPrecondition when the file belongs to another application or its schema is
// newer than the newest migration known here (the message names both versions); SQLite errors
// otherwise (kDataLoss for a damaged file).
Status Migrate(Connection& db, const Clock& clock, const std::vector<Migration>& migrations);

// Current schema version (0 for an empty database).
Result<int> SchemaVersion(Connection& db);

}  // namespace memex::sqlite
