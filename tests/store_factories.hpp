#pragma once
// The stores the conformance suite runs against. Each factory makes a fresh, empty store.

#include "ticketflow/store.hpp"

#include <memory>
#include <tuple>

#ifdef TICKETFLOW_HAVE_SQLITE
#include "temp_db.hpp"
#include "ticketflow/sqlite_store.hpp"
#endif

#ifdef TICKETFLOW_HAVE_POSTGRES
#include "postgres_support.hpp"
#endif

namespace ticketflow::testing {

struct MemoryStoreFactory {
    static constexpr const char* name = "MemoryStore";
    std::shared_ptr<TicketStore> make() { return std::make_shared<MemoryStore>(); }
};

#ifdef TICKETFLOW_HAVE_POSTGRES
// A PostgresStore in a schema of its own on the test server, dropped with the store. The
// conformance suite runs on it in ticketflow_postgres_tests, which needs a server.
struct PostgresStoreFactory {
    static constexpr const char* name = "PostgresStore";
    // With outbox wakeups, so that the suite also runs with announcements after commits.
    std::shared_ptr<TicketStore> make() { return fresh_postgres_store("tf_conformance", true); }
};
#endif

#ifdef TICKETFLOW_HAVE_SQLITE
// A SqliteStore on a fresh temp file, deleted with the store.
struct SqliteStoreFactory {
    static constexpr const char* name = "SqliteStore";
    std::shared_ptr<TicketStore> make() {
        auto file = std::make_shared<TempDb>("ticketflow-conformance");
        // The deleter owns the file, so it is removed only after the store has closed it.
        return std::shared_ptr<TicketStore>(new SqliteStore(SqliteOptions{file->path()}),
                                            [file](TicketStore* store) { delete store; });
    }
};
#endif

// ticketflow_postgres_tests compiles the suite with TICKETFLOW_CONFORMANCE_POSTGRES and
// runs it on PostgresStore only; ticketflow_core_tests, which needs no server, runs it on
// the others.
#if defined(TICKETFLOW_CONFORMANCE_POSTGRES)
using StoreFactories = std::tuple<PostgresStoreFactory>;
#elif defined(TICKETFLOW_HAVE_SQLITE)
using StoreFactories = std::tuple<MemoryStoreFactory, SqliteStoreFactory>;
#else
using StoreFactories = std::tuple<MemoryStoreFactory>;
#endif

} // namespace ticketflow::testing
