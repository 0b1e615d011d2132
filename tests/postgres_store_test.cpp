// PostgresStore beyond the conformance suite: options, the schema's version, lost
// connections.
#include "postgres_support.hpp"
#include "support.hpp"

#include "ticketflow/error.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace ticketflow;
using namespace ticketflow::testing;

namespace {

Commit create(const TicketId& id) {
    Ticket t;
    t.id = id;
    t.version = 1;
    t.customer.id = "C-" + id;
    t.description = "cannot log in";
    t.times.received = may20_1430();
    AuditEvent e;
    e.ticket = id;
    e.version = 1;
    e.at = may20_1430();
    e.actor = "system";
    e.action = Action::open;
    Commit c;
    c.ticket = t;
    c.expected_version = 0;
    c.events = {e};
    return c;
}

} // namespace

TEST_CASE("PostgresStore refuses bad options before connecting", "[postgres]") {
    PostgresOptions o = postgres_options("tf_ok");
    o.connection.clear();
    CHECK_THROWS_AS(PostgresStore(o), ValidationError);
    o = postgres_options("Bad-Name");
    CHECK_THROWS_AS(PostgresStore(o), ValidationError);
    o = postgres_options("1abc");
    CHECK_THROWS_AS(PostgresStore(o), ValidationError);
    o = postgres_options("tf_ok");
    o.pool_size = 0;
    CHECK_THROWS_AS(PostgresStore(o), ValidationError);
}

TEST_CASE("PostgresStore: an unreachable server is a StorageError", "[postgres]") {
    PostgresOptions o;
    o.connection = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
    CHECK_THROWS_AS(PostgresStore(o), StorageError);
}

namespace {

// A session of its own on the test server, outside any store.
class Session {
public:
    Session() : c_(PQconnectdb(postgres_uri().c_str())) {
        if (PQstatus(c_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c_));
        PQclear(PQexec(c_, "SET client_min_messages TO warning"));
    }
    ~Session() { PQfinish(c_); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    // Runs `sql`; returns the first column of the first row, or "".
    std::string run(const std::string& sql) {
        PGresult* r = PQexec(c_, sql.c_str());
        const auto status = PQresultStatus(r);
        std::string out = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
        std::string message = PQresultErrorMessage(r);
        PQclear(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + message);
        return out;
    }

private:
    PGconn* c_;
};

Commit next_of(const Ticket& current, const std::string& note) {
    Commit c;
    c.ticket = current;
    c.ticket.version = current.version + 1;
    c.ticket.resolution = note;
    c.expected_version = current.version;
    AuditEvent e;
    e.ticket = current.id;
    e.version = c.ticket.version;
    e.at = may20_1430();
    e.actor = "system";
    e.action = Action::open;
    e.note = note;
    c.events = {e};
    return c;
}

} // namespace

TEST_CASE("PostgresStore refuses a schema written by a newer release", "[postgres]") {
    const std::string schema = fresh_schema();
    {
        PostgresStore store(postgres_options(schema));
        store.commit(create("T1"));
    }
    postgres_exec("UPDATE \"" + schema + "\".ticketflow_schema SET version = " +
                  std::to_string(PostgresStore::schema_version() + 1));
    try {
        PostgresStore again(postgres_options(schema));
        FAIL("a newer schema was opened");
    } catch (const StorageError& e) {
        CHECK(std::string(e.what()).find("newer") != std::string::npos);
    }
    drop_schema(schema);
}

TEST_CASE("PostgresStore upgrades a schema of an older version and keeps its version table", "[postgres]") {
    const std::string schema = fresh_schema();
    // Version 0: the schema and its version table exist, none of the tables yet.
    postgres_exec("CREATE SCHEMA \"" + schema + "\"; CREATE TABLE \"" + schema +
                  "\".ticketflow_schema (version integer NOT NULL); INSERT INTO \"" + schema +
                  "\".ticketflow_schema VALUES (0)");
    {
        PostgresStore store(postgres_options(schema));
        store.commit(create("T1"));
        CHECK(store.load("T1"));
    }
    Session s;
    CHECK(s.run("SELECT version FROM \"" + schema + "\".ticketflow_schema") ==
          std::to_string(PostgresStore::schema_version()));
    CHECK(s.run("SELECT count(*) FROM \"" + schema + "\".ticketflow_schema") == "1");
    drop_schema(schema);
}

TEST_CASE("PostgresStore: a connection lost inside commit_all writes nothing, and the next call reconnects",
          "[postgres]") {
    auto store = fresh_postgres_store();
    const std::string schema = store->options().schema;
    store->commit(create("T1"));
    store->commit(create("T2"));
    const auto t1 = *store->load("T1");
    const auto t2 = *store->load("T2");

    // Another session holds T2's row, so the group's transaction waits there, after it
    // has written T1; its connection is then terminated by the server.
    Session holder;
    holder.run("BEGIN");
    holder.run("SELECT 1 FROM \"" + schema + "\".tickets WHERE id = 'T2' FOR UPDATE");
    std::exception_ptr failure;
    std::thread writer([&] {
        try {
            store->commit_all({next_of(t1, "first"), next_of(t2, "second")});
        } catch (...) {
            failure = std::current_exception();
        }
    });
    Session killer;
    std::string killed;
    for (int i = 0; i < 2000 && killed != "t"; ++i) // until the writer waits on the lock
        killed = killer.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND query LIKE 'UPDATE tickets%' LIMIT 1");
    writer.join();
    holder.run("ROLLBACK");
    REQUIRE(killed == "t");
    REQUIRE(failure);
    CHECK_THROWS_AS(std::rethrow_exception(failure), StorageError);

    // Nothing of the group was written; the store works again on the next call.
    CHECK(store->load("T1")->version == 1);
    CHECK(store->load("T2")->version == 1);
    CHECK(store->history("T1").size() == 1);
    store->commit_all({next_of(t1, "first"), next_of(t2, "second")});
    CHECK(store->load("T1")->version == 2);
    CHECK(store->load("T2")->resolution == "second");
}

TEST_CASE("PostgresStore: idle connections closed by the server are replaced without an error", "[postgres]") {
    auto store = fresh_postgres_store();
    store->commit(create("T1"));
    Session killer;
    killer.run("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
               "AND datname = current_database() AND backend_type = 'client backend'");
    // Once the server process behind the store's idle connection has exited, its socket is
    // closed: the store notices before reusing it and connects anew.
    std::string left = "1";
    for (int i = 0; i < 2000 && left != "0"; ++i)
        left = killer.run("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                          "AND datname = current_database() AND backend_type = 'client backend'");
    REQUIRE(left == "0");
    CHECK(store->load("T1")->version == 1);
}
