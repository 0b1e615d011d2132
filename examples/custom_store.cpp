// A host's own store, checked with the testkit: a TicketStore on the public
// ForwardingStore base that keeps a journal of every write (a host would send it to its
// change-data feed), run through the whole store conformance suite under Catch2.
//
// Built and run as the test example.custom_store; a host's version lives in its own
// test program, linked with ticketflow::testkit.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <ticketflow/desk.hpp>
#include <ticketflow/forwarding_store.hpp>
#include <ticketflow/testkit/conformance.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

//! [audited-store]
// Forwards everything to the store underneath and overrides only the one write: each
// commit that was applied leaves a journal line "<ticket>@<version>".
class JournalingStore final : public ticketflow::ForwardingStore {
public:
    explicit JournalingStore(std::shared_ptr<ticketflow::TicketStore> target) : ForwardingStore(std::move(target)) {}

    void commit_all(const std::vector<ticketflow::Commit>& commits) override {
        ForwardingStore::commit_all(commits); // throws, and journals nothing, when refused
        std::lock_guard lock(mutex_);
        for (const auto& c : commits) journal_.push_back(c.ticket.id + "@" + std::to_string(c.ticket.version));
    }

    std::vector<std::string> journal() const {
        std::lock_guard lock(mutex_);
        return journal_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> journal_;
};
//! [audited-store]

//! [conformance]
TEST_CASE("JournalingStore keeps the TicketStore contract") {
    ticketflow::testkit::check_store_conformance("JournalingStore", [] {
        return std::make_shared<JournalingStore>(std::make_shared<ticketflow::MemoryStore>());
    });
}
//! [conformance]

TEST_CASE("JournalingStore journals the commits a desk makes, and only those") {
    using namespace ticketflow;
    auto store = std::make_shared<JournalingStore>(std::make_shared<MemoryStore>());
    ServiceDesk desk(store, std::make_shared<ManualClock>(Instant{Duration{1716186600}}));
    Actor lead{"lead-1", Role::team_lead, ""};
    NewTicket request;
    request.channel = channels::phone;
    request.type = ticket_types::consult;
    request.customer.id = "C1";
    request.description = "如何修改收货地址";
    const auto id = desk.open(lead, request).id;
    desk.assign(lead, id, "agent-1");
    CHECK_THROWS(desk.resolve(Actor{"C1", Role::customer, ""}, id, {"x", Responsibility::customer}));
    CHECK(store->journal() == std::vector<std::string>{id + "@1", id + "@2"});
}
