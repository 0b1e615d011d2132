// Opening a SqliteStore reads the schema without the write lock: a process that only
// reads never waits for a writer (busy_timeout 0 below, so any wait would fail at once).
#include "outbox_support.hpp"
#include "sqlite_support.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

SqliteOptions no_waiting(const TempDb& db) {
    SqliteOptions o;
    o.path = db.path();
    o.busy_timeout = 0ms; // a lock that is not free at once is an error
    return o;
}

} // namespace

TEST_CASE("sqlite: a store opens and reads while another connection holds the write lock",
          "[sqlite][open][concurrency]") {
    TempDb db;
    {
        SqliteStore store(no_waiting(db));
        store.commit(commit_with_notifications("T1", 1, 1));
    }
    RawDb writer(db.path());
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("UPDATE tickets SET assignee = 'uncommitted' WHERE id = 'T1'");

    SqliteStore store(no_waiting(db)); // would need the lock to migrate: none needed here
    REQUIRE(store.load("T1"));
    CHECK(store.load("T1")->version == 1);
    CHECK(store.query({}).size() == 1);
    CHECK(store.history("T1").size() == 1);
    CHECK(store.outbox_pending(10).size() == 1);
    // Writing still needs the lock, and says so.
    CHECK_THROWS_AS(store.commit(commit_with_notifications("T1", 2, 1)), StorageError);

    writer.exec("ROLLBACK");
    store.commit(commit_with_notifications("T1", 2, 1));
    CHECK(store.load("T1")->version == 2);
}

TEST_CASE("sqlite: a file that needs an upgrade still takes the write lock to migrate", "[sqlite][open]") {
    TempDb db;
    {
        SqliteStore store(no_waiting(db));
        store.commit(commit_with_notifications("T1", 1, 1));
    }
    {
        RawDb raw(db.path());
        // Back to schema 3: without step 4's claim columns.
        for (const char* column : {"tickets DROP COLUMN due_claimed_by", "tickets DROP COLUMN due_claimed_until",
                                   "outbox DROP COLUMN claimed_by", "outbox DROP COLUMN claimed_until"})
            raw.exec(std::string("ALTER TABLE ") + column);
        raw.exec("UPDATE ticketflow_schema SET version = 3");
    }
    {
        RawDb writer(db.path());
        writer.exec("BEGIN IMMEDIATE");
        CHECK_THROWS_WITH(SqliteStore(no_waiting(db)), Catch::Contains("lock"));
        writer.exec("ROLLBACK");
    }
    SqliteStore store(no_waiting(db));
    CHECK(store.load("T1"));
    RawDb raw(db.path());
    CHECK(raw.value("SELECT version FROM ticketflow_schema") == std::to_string(SqliteStore::schema_version));
}

TEST_CASE("sqlite: a new file is created with the current schema by the first opener", "[sqlite][open]") {
    TempDb db;
    SqliteStore store(no_waiting(db));
    CHECK(store.query({}).empty());
    RawDb raw(db.path());
    CHECK(raw.value("SELECT version FROM ticketflow_schema") == std::to_string(SqliteStore::schema_version));
}
