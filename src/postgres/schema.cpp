#include "postgres/schema.hpp"

#include "ticketflow/error.hpp"

namespace ticketflow::detail::pg {
namespace {

// One step of the schema's history. A released step is never edited: databases in the
// field were written by it. Changes to the schema are new steps at the end.
struct Migration {
    int version;     // the schema version after this step
    const char* sql; // run inside the upgrade transaction, search_path set to the schema
};

constexpr Migration migrations[] = {
    {1, R"sql(
        -- The current version of each ticket: its compact binary encoding (with a
        -- checksum) plus copies of the fields queries filter on, each indexed with the id
        -- so that a filtered scan reads keyset pages in id order from the index.
        CREATE TABLE tickets (
            id                text PRIMARY KEY,
            version           bigint NOT NULL,
            status            text NOT NULL,
            assignee          text NOT NULL,
            department        text NOT NULL,
            customer_id       text NOT NULL,
            received          bigint NOT NULL,
            due               bigint,
            due_claimed_by    text NOT NULL DEFAULT '',
            due_claimed_until bigint NOT NULL DEFAULT 0,
            payload           bytea NOT NULL
        );
        CREATE INDEX tickets_by_status ON tickets (status, id);
        CREATE INDEX tickets_by_assignee ON tickets (assignee, id);
        CREATE INDEX tickets_by_department ON tickets (department, id);
        CREATE INDEX tickets_by_customer ON tickets (customer_id, id);
        CREATE INDEX tickets_by_received ON tickets (received, id);
        CREATE INDEX tickets_by_due ON tickets (due, id) WHERE due IS NOT NULL;

        -- The audit trail, append-only; seq orders a ticket's events.
        CREATE TABLE events (
            seq         bigserial PRIMARY KEY,
            ticket      text NOT NULL,
            version     bigint NOT NULL,
            at          bigint NOT NULL,
            actor       text NOT NULL,
            action      text NOT NULL,
            from_status text NOT NULL,
            to_status   text NOT NULL,
            note        text NOT NULL
        );
        CREATE INDEX events_by_ticket ON events (ticket, seq);

        -- Notifications with their delivery state: 0 pending, 1 delivered, 2 dead.
        -- Delivered rows stay as the record of what was sent; the partial indexes hold
        -- only the few rows in the states the dispatcher looks for.
        CREATE TABLE outbox (
            sequence        bigint PRIMARY KEY,
            ticket          text NOT NULL,
            kind            text NOT NULL,
            audience        text NOT NULL,
            recipient       text NOT NULL,
            at              bigint NOT NULL,
            text            text NOT NULL,
            idempotency_key text NOT NULL,
            state           smallint NOT NULL,
            attempts        integer NOT NULL,
            next_attempt    bigint NOT NULL,
            last_error      text NOT NULL,
            claimed_by      text NOT NULL DEFAULT '',
            claimed_until   bigint NOT NULL DEFAULT 0
        );
        CREATE INDEX outbox_pending ON outbox (sequence) WHERE state = 0;
        CREATE INDEX outbox_dead ON outbox (sequence) WHERE state = 2;
        CREATE INDEX outbox_pending_by_ticket ON outbox (ticket, sequence) WHERE state = 0;

        -- The last outbox sequence handed out. One row: a commit with notifications
        -- takes it at the end of its transaction, so sequences follow commit order.
        CREATE TABLE outbox_head (last bigint NOT NULL);
        INSERT INTO outbox_head (last) VALUES (0);

        CREATE TABLE sequences (
            name  text PRIMARY KEY,
            value bigint NOT NULL
        );
    )sql"},
    {2, R"sql(
        -- Room on every page for the next version of its rows: a claim (which changes no
        -- indexed column) is then a HOT update that touches none of the six indexes.
        -- Applies to pages written from now on; VACUUM FULL rewrites the existing ones.
        ALTER TABLE tickets SET (fillfactor = 70);
    )sql"},
    {3, R"sql(
        -- A write checked in its own statement: the count of rows it touched is passed
        -- here, and anything but one aborts the transaction (SQLSTATE TF409, `target` in
        -- the detail), so a small commit can send COMMIT in the same round trip as its
        -- writes.
        CREATE OR REPLACE FUNCTION expect_written(touched bigint, target text) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
            IF touched <> 1 THEN
                RAISE EXCEPTION 'not written: % changed concurrently', target
                    USING ERRCODE = 'TF409', DETAIL = target;
            END IF;
        END
        $$;
    )sql"},
};

constexpr int latest = 3;

bool has_version_table(Connection& db) {
    return db.run("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = pg_catalog.current_schema() "
                  "AND tablename = 'ticketflow_schema'")
               .rows() > 0;
}

int stored_version(Connection& db) {
    auto r = db.run("SELECT version FROM ticketflow_schema");
    if (r.rows() != 1) throw StorageError("PostgreSQL: damaged ticketflow schema: no single schema version recorded");
    return static_cast<int>(r.integer(0, 0));
}

} // namespace

int supported_schema_version() noexcept { return latest; }

void migrate(Connection& db, const std::string& schema) {
    try {
        db.exec("BEGIN");
        // One upgrader at a time per schema, across every server on the database.
        db.run("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext($1))",
               Params().add("ticketflow-schema:" + schema));
        db.exec("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
        const bool versioned = has_version_table(db);
        const int version = versioned ? stored_version(db) : 0;
        if (version > latest)
            throw StorageError("PostgreSQL schema " + schema + " has ticketflow schema version " +
                               std::to_string(version) +
                               ", written by a newer ticketflow; this release supports versions up to " +
                               std::to_string(latest) + ". Use a newer release.");
        if (!versioned) {
            db.exec("CREATE TABLE ticketflow_schema (version integer NOT NULL)");
            db.exec("INSERT INTO ticketflow_schema (version) VALUES (0)");
        }
        for (const auto& step : migrations) {
            if (step.version <= version) continue;
            db.exec(step.sql);
            db.run("UPDATE ticketflow_schema SET version = $1", Params().add(std::int64_t{step.version}));
        }
        db.exec("COMMIT");
    } catch (...) {
        db.rollback_quietly();
        throw;
    }
}

} // namespace ticketflow::detail::pg
