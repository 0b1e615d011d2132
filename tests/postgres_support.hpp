#pragma once
// The PostgreSQL server the postgres tests run against: its URI comes from the
// environment (TICKETFLOW_TEST_POSTGRES_URI, set by scripts/test.sh from
// scripts/pg-test-cluster.sh). Each test works in schemas of its own, dropped afterwards.

#include "ticketflow/postgres_store.hpp"

#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace ticketflow::testing {

// The server's URI; empty when none is given.
inline std::string postgres_uri() {
    const char* uri = std::getenv("TICKETFLOW_TEST_POSTGRES_URI");
    return uri ? uri : "";
}

// Runs `sql` on a connection of its own, outside the store; throws on failure.
inline void postgres_exec(const std::string& sql) {
    PGconn* c = PQconnectdb(postgres_uri().c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string message = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect: " + message);
    }
    PQclear(PQexec(c, "SET client_min_messages TO warning"));
    PGresult* r = PQexec(c, sql.c_str());
    const auto status = PQresultStatus(r);
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + message);
}

// A schema name no other test (or process) uses.
inline std::string fresh_schema(const std::string& prefix = "tf_test") {
    static std::atomic<unsigned> counter{0};
    return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

inline void drop_schema(const std::string& schema) {
    postgres_exec("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
}

inline PostgresOptions postgres_options(const std::string& schema) {
    PostgresOptions o;
    o.connection = postgres_uri();
    o.schema = schema;
    return o;
}

// A PostgresStore in a fresh schema, dropped when the last owner lets go of the store.
inline std::shared_ptr<PostgresStore> fresh_postgres_store(const std::string& prefix = "tf_test",
                                                           bool outbox_wakeups = false) {
    const std::string schema = fresh_schema(prefix);
    auto options = postgres_options(schema);
    options.outbox_wakeups = outbox_wakeups;
    return std::shared_ptr<PostgresStore>(new PostgresStore(options), [schema](PostgresStore* store) {
        delete store;
        try {
            drop_schema(schema);
        } catch (...) {
            // The server may be gone at the end of a failed test; the cluster is thrown away.
        }
    });
}

} // namespace ticketflow::testing
