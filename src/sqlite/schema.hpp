#pragma once
// The SqliteStore schema: how a database file is recognised, created and upgraded.

#include "sqlite/connection.hpp"

#include <chrono>

namespace ticketflow::detail {

// `PRAGMA application_id` of a ticketflow database: "TFLW".
inline constexpr std::int64_t sqlite_application_id = 0x54464C57;

// Checks that `db` (just opened, nothing written yet) is empty or a ticketflow database
// this release can use, without writing to it. Returns true when it is empty.
// @throws StorageError for a damaged or foreign file or a newer schema version.
bool inspect_database(Connection& db, int supported_version);

// Creates or upgrades the schema to `target_version`. A schema already at that version is
// only read (no write lock: opening never waits for a writer); otherwise the upgrade runs
// in one IMMEDIATE transaction, re-reading the version inside it so that concurrent
// openers upgrade only once.
void migrate(Connection& db, int target_version);

// The schema version recorded in `db` (0 when the file is empty).
int stored_schema_version(Connection& db);

} // namespace ticketflow::detail
