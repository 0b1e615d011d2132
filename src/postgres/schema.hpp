#pragma once
// PostgresStore's schema: its own PostgreSQL schema with a version table and migrations.

#include "postgres/connection.hpp"

#include <string>

namespace ticketflow::detail::pg {

// The schema version this release writes.
int supported_schema_version() noexcept;

// Creates the schema when missing and upgrades an older one, under a lock so that
// servers starting together upgrade it once; a newer one is a StorageError.
void migrate(Connection& db, const std::string& schema);

} // namespace ticketflow::detail::pg
