#pragma once
// The public ForwardingStore over a MemoryStore the tests can reach as `inner`. Tests
// derive from it and override only the calls they count, fail or watch.

#include "ticketflow/forwarding_store.hpp"

#include <memory>

namespace ticketflow::testing {

class MemoryForwardingStore : public ticketflow::ForwardingStore {
public:
    MemoryForwardingStore() : MemoryForwardingStore(std::make_shared<MemoryStore>()) {}

    const std::shared_ptr<MemoryStore> inner; // the target, as a MemoryStore

private:
    explicit MemoryForwardingStore(std::shared_ptr<MemoryStore> store)
        : ticketflow::ForwardingStore(store), inner(std::move(store)) {}
};

} // namespace ticketflow::testing
