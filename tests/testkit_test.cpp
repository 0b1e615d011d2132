// The testkit itself: its suite passes on a correct store built on the public
// ForwardingStore, and fails on stores with the bugs it is there to catch. A case tagged
// [!shouldfail] passes only when one of the suite's checks failed.
#include "ticketflow/forwarding_store.hpp"
#include "ticketflow/testkit/conformance.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>

using namespace ticketflow;

namespace {

const char* const dead_row_case = "a dead row stays dead when it is marked delivered";
const char* const scan_case = "a scan's visitor may read the store";

// Correct: forwards everything to a MemoryStore.
std::shared_ptr<TicketStore> forwarding() { return std::make_shared<ForwardingStore>(std::make_shared<MemoryStore>()); }

// Bug: an acknowledgement delivers the row whatever its state, a dead one too.
class DeliversDeadRows final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    void outbox_delivered(std::uint64_t sequence) override {
        const auto dead = outbox_dead(1000);
        if (std::any_of(dead.begin(), dead.end(), [&](const OutboxRecord& r) { return r.sequence == sequence; }))
            outbox_requeue(sequence, Instant{});
        ForwardingStore::outbox_delivered(sequence);
    }
};

// Bug: a scan holds the store's one connection, and a read waits until it is free, so a
// visitor that reads deadlocks.
class DeadlocksScanVisitors final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    void scan(const TicketQuery& query, const std::function<bool(const Ticket&)>& visit) const override {
        {
            std::lock_guard lock(mutex_);
            scanning_ = true;
        }
        ForwardingStore::scan(query, visit);
        std::lock_guard lock(mutex_);
        scanning_ = false;
        idle_.notify_all();
    }
    std::optional<Ticket> load(const TicketId& id) const override {
        std::unique_lock lock(mutex_);
        idle_.wait(lock, [&] { return !scanning_; });
        return ForwardingStore::load(id);
    }

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable idle_;
    mutable bool scanning_ = false;
};

// Bug: inside a scan, history() reads a statement the scan has moved on, and sees nothing.
class ForgetsHistoryInScans final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    void scan(const TicketQuery& query, const std::function<bool(const Ticket&)>& visit) const override {
        ++depth_;
        ForwardingStore::scan(query, visit);
        --depth_;
    }
    std::vector<AuditEvent> history(const TicketId& id) const override {
        if (depth_ > 0) return {};
        return ForwardingStore::history(id);
    }

private:
    mutable std::atomic<int> depth_{0};
};

template <class Store>
testkit::StoreFactory factory() {
    return [] { return std::make_shared<Store>(std::make_shared<MemoryStore>()); };
}

} // namespace

TEST_CASE("testkit: the suite passes on a ForwardingStore over a MemoryStore", "[testkit]") {
    testkit::check_store_conformance("ForwardingStore(MemoryStore)", forwarding);
}

TEST_CASE("testkit: every case has a name of its own", "[testkit]") {
    std::set<std::string> names;
    for (const auto& c : testkit::conformance_cases()) {
        CHECK_FALSE(c.name.empty());
        CHECK(names.insert(c.name).second);
        CHECK(c.run);
    }
    CHECK(names.count(dead_row_case) == 1);
    CHECK(names.count(scan_case) == 1);
    CHECK_THROWS_AS(testkit::run_conformance_case("no such case", forwarding), std::invalid_argument);
}

TEST_CASE("testkit: the cases the broken stores fail pass on a correct one", "[testkit]") {
    testkit::run_conformance_case(dead_row_case, forwarding);
    testkit::run_conformance_case(scan_case, forwarding);
}

TEST_CASE("testkit: a store that delivers a dead row fails the suite", "[testkit][!shouldfail]") {
    testkit::run_conformance_case(dead_row_case, factory<DeliversDeadRows>());
}

TEST_CASE("testkit: a store whose scan deadlocks a reading visitor fails the suite", "[testkit][!shouldfail]") {
    testkit::run_conformance_case(scan_case, factory<DeadlocksScanVisitors>());
}

TEST_CASE("testkit: a store whose reads misbehave inside a scan fails the suite", "[testkit][!shouldfail]") {
    testkit::run_conformance_case(scan_case, factory<ForgetsHistoryInScans>());
}
