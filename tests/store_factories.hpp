#pragma once
// The stores the conformance suite runs against. Each factory makes a fresh, empty store.

#include "ticketflow/store.hpp"

#include <memory>
#include <tuple>

#ifdef TICKETFLOW_HAVE_SQLITE
#include "temp_db.hpp"
#include "ticketflow/sqlite_store.hpp"
#endif

namespace ticketflow::testing {

struct MemoryStoreFactory {
    static constexpr const char* name = "MemoryStore";
    std::shared_ptr<TicketStore> make() { return std::make_shared<MemoryStore>(); }
};

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

using StoreFactories = std::tuple<MemoryStoreFactory, SqliteStoreFactory>;
#else
using StoreFactories = std::tuple<MemoryStoreFactory>;
#endif

} // namespace ticketflow::testing
