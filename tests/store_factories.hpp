#pragma once
// The stores the conformance suite runs against. Each factory makes a fresh, empty store.

#include "ticketflow/store.hpp"

#include <memory>
#include <tuple>

namespace ticketflow::testing {

struct MemoryStoreFactory {
    static constexpr const char* name = "MemoryStore";
    std::shared_ptr<TicketStore> make() { return std::make_shared<MemoryStore>(); }
};

using StoreFactories = std::tuple<MemoryStoreFactory>;

} // namespace ticketflow::testing
