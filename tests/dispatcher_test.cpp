// OutboxDispatcher: ordering, retries with backoff, dead letters, manual retry and the
// background thread. Retry timing runs on a ManualClock through dispatch_due(); only the
// background tests wait, on a condition with a generous timeout.
#include "forwarding_store.hpp"
#include "outbox_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// A MemoryStore that does not tell of new rows, as a store that cannot: its dispatchers
// find rows by polling or when woken.
class PollingStore : public MemoryForwardingStore {
public:
    std::unique_ptr<OutboxWatch> watch_outbox(std::function<void()>) override { return nullptr; }
};

struct DispatchFixture {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430());
    std::shared_ptr<ScriptedNotifier> notifier = std::make_shared<ScriptedNotifier>();
    RetryPolicy policy{30s, 2, 10min, 4};
    OutboxDispatcher dispatcher{store, notifier, clock, policy};
};

} // namespace

TEST_CASE("dispatcher: delivers in order per ticket and once delivered never again", "[outbox]") {
    DispatchFixture f;
    f.store->commit(commit_with_notifications("A", 1, 2));
    f.store->commit(commit_with_notifications("B", 1, 1));
    f.store->commit(commit_with_notifications("A", 2, 1));
    CHECK(f.dispatcher.dispatch_due() == 4);
    CHECK(f.notifier->delivered_keys() == std::vector<std::string>{"A/1/0", "A/1/1", "B/1/0", "A/2/0"});
    CHECK(f.dispatcher.dispatch_due() == 0);
    CHECK(f.store->outbox_pending(10).empty());
}

TEST_CASE("dispatcher: failures back off exponentially, then the row is dead", "[outbox]") {
    auto how = GENERATE(ScriptedNotifier::Failure::throws, ScriptedNotifier::Failure::returns_false);
    DispatchFixture f;
    f.notifier->fail(how);
    f.store->commit(commit_with_notifications("A", 1, 1));

    // Attempt 1 now; waits of 30 s, 60 s, 120 s between the next ones; dead after 4.
    CHECK(f.dispatcher.dispatch_due() == 0);
    auto row = f.store->outbox_pending(1).at(0);
    CHECK(row.attempts == 1);
    CHECK(row.next_attempt == may20_1430() + 30s);
    CHECK(row.last_error == (how == ScriptedNotifier::Failure::throws ? "gateway down" : "notifier reported failure"));

    f.clock->advance(29s);
    f.dispatcher.dispatch_due();
    CHECK(f.notifier->attempts() == 1); // not due yet
    f.clock->advance(1s);
    f.dispatcher.dispatch_due();
    CHECK(f.store->outbox_pending(1).at(0).next_attempt == f.clock->now() + 60s);
    f.clock->advance(60s);
    f.dispatcher.dispatch_due();
    CHECK(f.store->outbox_pending(1).at(0).next_attempt == f.clock->now() + 120s);
    f.clock->advance(120s);
    f.dispatcher.dispatch_due();
    CHECK(f.notifier->attempts() == 4);
    CHECK(f.store->outbox_pending(10).empty());

    auto dead = f.dispatcher.dead_letters(10);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].attempts == 4);
    CHECK(dead[0].notification.idempotency_key == "A/1/0");
}

TEST_CASE("dispatcher: the wait is capped by max_delay", "[outbox]") {
    DispatchFixture f;
    f.policy = RetryPolicy{1min, 10, 5min, 10};
    OutboxDispatcher dispatcher(f.store, f.notifier, f.clock, f.policy);
    f.notifier->fail(ScriptedNotifier::Failure::throws);
    f.store->commit(commit_with_notifications("A", 1, 1));
    dispatcher.dispatch_due();
    CHECK(f.store->outbox_pending(1).at(0).next_attempt == f.clock->now() + 1min);
    f.clock->advance(1min);
    dispatcher.dispatch_due();
    CHECK(f.store->outbox_pending(1).at(0).next_attempt == f.clock->now() + 5min); // not 10 min
}

TEST_CASE("dispatcher: a failing row holds back its ticket only", "[outbox]") {
    DispatchFixture f;
    f.store->commit(commit_with_notifications("A", 1, 1));
    f.notifier->fail(ScriptedNotifier::Failure::throws);
    f.dispatcher.dispatch_due(); // A/1/0 fails
    f.notifier->fail(ScriptedNotifier::Failure::none);
    f.store->commit(commit_with_notifications("A", 2, 1));
    f.store->commit(commit_with_notifications("B", 1, 1));
    CHECK(f.dispatcher.dispatch_due() == 1);
    CHECK(f.notifier->delivered_keys() == std::vector<std::string>{"B/1/0"}); // A/2/0 waits for A/1/0

    f.clock->advance(30s);
    CHECK(f.dispatcher.dispatch_due() == 2);
    CHECK(f.notifier->delivered_keys() == std::vector<std::string>{"B/1/0", "A/1/0", "A/2/0"});
}

TEST_CASE("dispatcher: dead letters are listed and retried by hand", "[outbox]") {
    DispatchFixture f;
    f.policy.max_attempts = 1;
    OutboxDispatcher dispatcher(f.store, f.notifier, f.clock, f.policy);
    f.notifier->fail(ScriptedNotifier::Failure::throws);
    f.store->commit(commit_with_notifications("A", 1, 1));
    f.store->commit(commit_with_notifications("B", 1, 1));
    dispatcher.dispatch_due();
    auto dead = dispatcher.dead_letters(10);
    REQUIRE(dead.size() == 2);

    // One more attempt each; failing again sends the row straight back to the dead letters.
    dispatcher.retry_dead_letter(dead[0].sequence);
    CHECK(dispatcher.dead_letters(10).size() == 1);
    dispatcher.dispatch_due();
    CHECK(dispatcher.dead_letters(10).size() == 2);
    CHECK_THROWS_AS(dispatcher.retry_dead_letter(987654), NotFound);

    f.notifier->fail(ScriptedNotifier::Failure::none);
    CHECK(dispatcher.retry_dead_letters() == 2);
    CHECK(dispatcher.dead_letters(10).empty());
    CHECK(dispatcher.dispatch_due() == 2);
    CHECK(f.notifier->delivered_keys() == std::vector<std::string>{"A/1/0", "B/1/0"});
}

TEST_CASE("dispatcher: rejects null parts and a useless policy", "[outbox]") {
    DispatchFixture f;
    CHECK_THROWS_AS(OutboxDispatcher(nullptr, f.notifier, f.clock), ValidationError);
    CHECK_THROWS_AS(OutboxDispatcher(f.store, f.notifier, f.clock, RetryPolicy{30s, 2, 1h, 0}), ValidationError);
    CHECK_THROWS_AS(f.dispatcher.start(0ms), ValidationError);
}

TEST_CASE("dispatcher: the background thread delivers, wakes on demand and stops cleanly", "[outbox][thread]") {
    auto store = std::make_shared<PollingStore>();
    auto notifier = std::make_shared<ScriptedNotifier>();
    OutboxDispatcher dispatcher(store, notifier, std::make_shared<ManualClock>(may20_1430()));
    store->commit(commit_with_notifications("A", 1, 2));
    CHECK_FALSE(dispatcher.running());
    // A poll interval far beyond the test's timeout, on a store that does not tell of new
    // rows: delivery must come from start()'s first pass and from wake().
    dispatcher.start(1h);
    CHECK(dispatcher.running());
    CHECK_THROWS_AS(dispatcher.start(1h), ValidationError);
    REQUIRE(notifier->wait_for(2));

    store->commit(commit_with_notifications("A", 2, 1));
    dispatcher.wake();
    REQUIRE(notifier->wait_for(3));
    CHECK(notifier->delivered_keys() == std::vector<std::string>{"A/1/0", "A/1/1", "A/2/0"});

    dispatcher.stop();
    CHECK_FALSE(dispatcher.running());
    dispatcher.stop(); // idempotent
    store->commit(commit_with_notifications("A", 3, 1));
    dispatcher.wake(); // no thread: nothing happens
    CHECK(notifier->delivered().size() == 3);

    dispatcher.start(1h); // restartable
    REQUIRE(notifier->wait_for(4));
}

TEST_CASE("dispatcher: rows committed by another writer wake the thread through the store's watch",
          "[outbox][thread]") {
    DispatchFixture f;
    f.dispatcher.start(1h); // polls too seldom to matter; nobody calls wake()
    f.store->commit(commit_with_notifications("A", 1, 1));
    REQUIRE(f.notifier->wait_for(1));
    f.store->commit(commit_with_notifications("B", 1, 2));
    REQUIRE(f.notifier->wait_for(3));
    f.dispatcher.stop(); // ends the watch with the thread
    f.store->commit(commit_with_notifications("C", 1, 1));
    CHECK(f.notifier->delivered().size() == 3);
    CHECK(f.store->outbox_pending(10).size() == 1);
}

TEST_CASE("MemoryStore: an outbox watch is told by each commit that writes rows, on its thread", "[outbox]") {
    auto store = std::make_shared<MemoryStore>();
    CHECK_THROWS_AS(store->watch_outbox({}), ValidationError);
    int told = 0;
    auto watch = store->watch_outbox([&] { ++told; });
    REQUIRE(watch);
    store->commit(commit_with_notifications("A", 1, 0));
    CHECK(told == 0); // no rows, nothing to tell
    store->commit(commit_with_notifications("A", 2, 2));
    CHECK(told == 1); // once per commit, before commit() returns
    store->commit_all({commit_with_notifications("B", 1, 1), commit_with_notifications("C", 1, 1)});
    CHECK(told == 2);

    SECTION("a callback that throws does not fail the commit") {
        auto throwing = store->watch_outbox([] { throw std::runtime_error("callback bug"); });
        CHECK_NOTHROW(store->commit(commit_with_notifications("D", 1, 1)));
        CHECK(told == 3); // the other watch is still told
        CHECK(store->load("D"));
    }
    SECTION("an ended watch is not told; one may outlive its store") {
        watch.reset();
        store->commit(commit_with_notifications("D", 1, 1));
        CHECK(told == 2);
        auto outliving = store->watch_outbox([] {});
        store.reset();
        outliving.reset();
    }
}

TEST_CASE("dispatcher: the background thread polls, and the destructor stops it", "[outbox][thread]") {
    DispatchFixture f;
    {
        OutboxDispatcher dispatcher(f.store, f.notifier, f.clock, f.policy);
        dispatcher.start(5ms);
        f.store->commit(commit_with_notifications("A", 1, 1)); // no wake(): found by polling
        REQUIRE(f.notifier->wait_for(1));
    } // destructor joins the thread
    CHECK(f.notifier->delivered().size() == 1);
}

namespace {

// A store whose outbox cannot be read: every background pass fails.
class BrokenOutboxStore : public MemoryForwardingStore {
public:
    std::vector<OutboxRecord> outbox_claim(Instant, std::size_t, const Lease&) override {
        throw StorageError("disk on fire");
    }
};

} // namespace

TEST_CASE("dispatcher: a failing pass is reported and the thread keeps going", "[outbox][thread]") {
    auto store = std::make_shared<BrokenOutboxStore>();
    auto notifier = std::make_shared<ScriptedNotifier>();
    OutboxDispatcher dispatcher(store, notifier, std::make_shared<ManualClock>(may20_1430()));
    std::mutex mutex;
    std::condition_variable reported;
    int errors = 0;
    std::string message;
    dispatcher.start(1ms, [&](std::exception_ptr error) {
        std::lock_guard lock(mutex);
        try {
            std::rethrow_exception(error);
        } catch (const StorageError& e) {
            message = e.what();
        }
        ++errors;
        reported.notify_all();
    });
    std::unique_lock lock(mutex);
    REQUIRE(reported.wait_for(lock, 20s, [&] { return errors >= 3; })); // it kept polling
    CHECK(message == "disk on fire");
    lock.unlock();
    dispatcher.stop();
}
