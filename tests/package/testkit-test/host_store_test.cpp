// A host's test program: a store defined here, outside the library, held to the
// TicketStore contract by the installed testkit. The store keeps its own count of the
// writes it forwards, so it is a store of its own and not the library's MemoryStore.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <ticketflow/forwarding_store.hpp>
#include <ticketflow/testkit/conformance.hpp>

#include <atomic>
#include <memory>

namespace {

class HostStore final : public ticketflow::ForwardingStore {
public:
    HostStore() : ForwardingStore(std::make_shared<ticketflow::MemoryStore>()) {}
    void commit_all(const std::vector<ticketflow::Commit>& commits) override {
        ForwardingStore::commit_all(commits);
        writes += commits.size();
    }
    std::atomic<std::size_t> writes{0};
};

} // namespace

TEST_CASE("a host's store passes the installed conformance suite") {
    ticketflow::testkit::check_store_conformance("HostStore", [] { return std::make_shared<HostStore>(); });
}

TEST_CASE("the suite really writes through the host's store") {
    auto store = std::make_shared<HostStore>();
    ticketflow::testkit::run_conformance_case("every field round-trips, text verbatim", [store] { return store; });
    CHECK(store->writes == 2);
}
