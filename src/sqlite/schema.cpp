#include "sqlite/schema.hpp"

#include <string>
#include <vector>

namespace ticketflow::detail {
namespace {

// One step of the schema's history. A released step is never edited: files in the field
// were written by it. Changes to the schema are new steps at the end.
struct Migration {
    int version;     // the schema version after this step
    const char* sql; // run inside the upgrade transaction
};

constexpr Migration migrations[] = {
    {1, R"sql(
        CREATE TABLE ticketflow_schema (version INTEGER NOT NULL);
        INSERT INTO ticketflow_schema (version) VALUES (0);

        -- The current version of each ticket: the full ticket as JSON, plus copies of the
        -- fields that queries filter on, each with an index that yields rows in id order.
        -- A rowid table: payloads of a kilobyte or more would spill out of the pages of a
        -- WITHOUT ROWID table into overflow pages on every update.
        CREATE TABLE tickets (
            row         INTEGER PRIMARY KEY,
            id          TEXT NOT NULL UNIQUE,
            version     INTEGER NOT NULL,
            status      TEXT NOT NULL,
            assignee    TEXT NOT NULL,
            department  TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            received    INTEGER NOT NULL,
            due         INTEGER,
            payload     TEXT NOT NULL
        );
        CREATE INDEX tickets_by_status ON tickets (status, id);
        CREATE INDEX tickets_by_assignee ON tickets (assignee, id);
        CREATE INDEX tickets_by_department ON tickets (department, id);
        CREATE INDEX tickets_by_customer ON tickets (customer_id, id);
        CREATE INDEX tickets_by_received ON tickets (received, id);
        CREATE INDEX tickets_by_due ON tickets (due, id) WHERE due IS NOT NULL;

        -- The audit trail, append-only; seq orders a ticket's events.
        CREATE TABLE events (
            seq         INTEGER PRIMARY KEY,
            ticket      TEXT NOT NULL,
            version     INTEGER NOT NULL,
            at          INTEGER NOT NULL,
            actor       TEXT NOT NULL,
            action      TEXT NOT NULL,
            from_status TEXT NOT NULL,
            to_status   TEXT NOT NULL,
            note        TEXT NOT NULL
        );
        CREATE INDEX events_by_ticket ON events (ticket, seq);

        -- Notifications with their delivery state: pending, delivered or dead.
        CREATE TABLE outbox (
            sequence        INTEGER PRIMARY KEY,
            ticket          TEXT NOT NULL,
            kind            TEXT NOT NULL,
            audience        TEXT NOT NULL,
            recipient       TEXT NOT NULL,
            at              INTEGER NOT NULL,
            text            TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            state           TEXT NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt    INTEGER NOT NULL,
            last_error      TEXT NOT NULL
        );

        CREATE TABLE sequences (
            name  TEXT PRIMARY KEY NOT NULL,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;

        PRAGMA application_id = 1413893207; -- "TFLW"
    )sql"},
    {2, R"sql(
        -- Delivered rows stay in the outbox as the record of what was sent. Without
        -- indexes the dispatcher's look-up of pending rows reads all of them, and listing
        -- one ticket's notifications reads the whole table. The state indexes are partial:
        -- they hold only the few rows in that state, and delivering a row just drops it.
        CREATE INDEX outbox_pending ON outbox (sequence) WHERE state = 'pending';
        CREATE INDEX outbox_dead ON outbox (sequence) WHERE state = 'dead';
        CREATE INDEX outbox_by_ticket ON outbox (ticket, sequence);
    )sql"},
    {3, R"sql(
        -- Ticket payloads are written in ticketflow's compact binary encoding (a BLOB),
        -- which decodes many times faster than JSON. Rows written before keep their JSON
        -- text, still read as such, until the ticket is next written. No table changes:
        -- the new version keeps releases that read only JSON from opening the file.
        SELECT 1;
    )sql"},
    {4, R"sql(
        -- Claims, for several desks (threads, processes) on one file: the monitor claims a
        -- ticket's due entry and a dispatcher its outbox rows, each with a lease. A claim
        -- is an owner and the instant it lapses; a commit of the ticket ends its due claim.
        ALTER TABLE tickets ADD COLUMN due_claimed_by TEXT;
        ALTER TABLE tickets ADD COLUMN due_claimed_until INTEGER;
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
    )sql"},
};

bool has_table(Connection& db, const char* name) {
    auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    s.bind(1, name);
    return s.step();
}

std::vector<std::string> user_tables(Connection& db) {
    std::vector<std::string> names;
    auto s = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                        "ESCAPE '\\' ORDER BY name");
    while (s.step()) names.push_back(s.text(0));
    return names;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

void refuse_newer(const Connection& db, int stored, int supported) {
    throw StorageError(db.path() + ": the database has schema version " + std::to_string(stored) +
                       ", written by a newer ticketflow; this release supports versions up to " +
                       std::to_string(supported) + ". Open it with a newer release.");
}

} // namespace

int stored_schema_version(Connection& db) {
    if (!has_table(db, "ticketflow_schema")) return 0;
    auto s = db.prepare("SELECT version FROM ticketflow_schema");
    if (!s.step()) throw StorageError(db.path() + ": damaged ticketflow database: no schema version recorded");
    return static_cast<int>(s.integer(0));
}

bool inspect_database(Connection& db, int supported_version) {
    std::int64_t application_id = 0;
    {
        auto s = db.prepare("PRAGMA application_id"); // first read: fails on a non-database
        if (s.step()) application_id = s.integer(0);
    }
    const auto tables = user_tables(db);
    if (application_id == 0 && tables.empty()) return true;
    if (application_id != sqlite_application_id)
        throw StorageError(db.path() + ": not a ticketflow database (application id " + std::to_string(application_id) +
                           (tables.empty() ? "" : ", tables: " + joined(tables)) + ")");

    const int version = stored_schema_version(db);
    if (version < 1)
        throw StorageError(db.path() + ": damaged ticketflow database: schema version " + std::to_string(version));
    if (version > supported_version) refuse_newer(db, version, supported_version);

    // Read each table's first page now, so that a damaged file fails here rather than
    // in the middle of the host's work.
    for (const char* table : {"tickets", "events", "outbox", "sequences"}) {
        if (!has_table(db, table))
            throw StorageError(db.path() + ": damaged ticketflow database: table " + table + " is missing");
        db.prepare(std::string("SELECT 1 FROM ") + table + " LIMIT 1").run();
    }
    return false;
}

void migrate(Connection& db, int target_version) {
    // Read first, in a read transaction of its own: a file that is up to date (the usual
    // case) is opened without the write lock, so opening never waits for a writer.
    {
        const int version = stored_schema_version(db);
        if (version > target_version) refuse_newer(db, version, target_version);
        if (version == target_version) return;
    }
    db.prepare("BEGIN IMMEDIATE").run();
    try {
        const int version = stored_schema_version(db);
        if (version > target_version) refuse_newer(db, version, target_version);
        for (const auto& step : migrations) {
            if (step.version <= version || step.version > target_version) continue;
            db.exec(step.sql);
            db.prepare("UPDATE ticketflow_schema SET version = ?1").bind(1, std::int64_t{step.version}).run();
        }
        db.prepare("COMMIT").run();
    } catch (...) {
        if (db.in_transaction()) sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

} // namespace ticketflow::detail
