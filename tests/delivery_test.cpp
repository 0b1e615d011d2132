// Notification delivery off the caller's path: background delivery that commands never
// wait for, retries that end with every notification delivered and acted on once, dead
// letters, notifiers that call back into the desk, and delivery errors that never escape
// a committed command. Waits are on events (with a generous bound), never on wall time.
#include "forwarding_store.hpp"
#include "outbox_support.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <random>
#include <set>
#include <thread>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// Waits until `done()` holds, re-checking whenever `changed` is signalled; false after
// ten seconds of nothing (a hang is reported as a failure, not waited out).
template <class Done>
bool wait_until(std::mutex& mutex, std::condition_variable& changed, Done&& done) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, done);
}

// Holds every delivery until opened, like an SMS gateway that takes its time.
class GateNotifier : public Notifier {
public:
    bool deliver(const Notification& n) override {
        std::unique_lock lock(mutex);
        ++entered;
        changed.notify_all();
        changed.wait(lock, [&] { return open; });
        delivered.push_back(n);
        changed.notify_all();
        return true;
    }
    void open_gate() {
        std::lock_guard lock(mutex);
        open = true;
        changed.notify_all();
    }

    std::mutex mutex;
    std::condition_variable changed;
    bool open = false;
    int entered = 0;
    std::vector<Notification> delivered;
};

DeskConfig with_mode(DeliveryMode mode) {
    DeskConfig config;
    config.delivery.mode = mode;
    return config;
}

} // namespace

TEST_CASE("background delivery: commands return while the notifier is still busy", "[desk][delivery]") {
    auto store = std::make_shared<MemoryStore>();
    auto notifier = std::make_shared<GateNotifier>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(store, clock, with_mode(DeliveryMode::background), notifier);
    Actor lead{"lead-1", Role::team_lead, ""};

    auto t = desk.open(lead, sample_request());
    REQUIRE(wait_until(notifier->mutex, notifier->changed, [&] { return notifier->entered == 1; }));
    // The notifier is stuck in the first delivery; commands go on regardless.
    desk.assign(lead, t.id, "eng-1");
    desk.start(lead, t.id);
    desk.resolve(lead, t.id, {"已处理", Responsibility::platform});
    desk.close(lead, t.id, {});
    CHECK(desk.get(t.id).status == Status::closed);

    notifier->open_gate();
    REQUIRE(wait_until(notifier->mutex, notifier->changed, [&] { return notifier->delivered.size() == 4; }));
    std::vector<NotificationKind> kinds;
    for (const auto& n : notifier->delivered) kinds.push_back(n.kind);
    CHECK(kinds == std::vector<NotificationKind>{NotificationKind::received, NotificationKind::assigned,
                                                 NotificationKind::resolved, NotificationKind::closed});
}

namespace {

// An unreliable gateway: 30 % of calls fail, half of those after the message went out
// (a timeout after sending). The host deduplicates by idempotency key.
class UnreliableGateway : public Notifier {
public:
    bool deliver(const Notification& n) override {
        std::lock_guard lock(mutex);
        ++calls;
        const auto roll = rng() % 100;
        if (roll < 15) return false; // failed before sending
        if (acted.insert(n.idempotency_key).second)
            ++acted_on[n.idempotency_key];
        else
            ++duplicates;
        if (roll < 30) throw StorageError("gateway timeout after sending");
        return true;
    }

    std::mutex mutex;
    std::mt19937 rng{20240520};
    int calls = 0;
    int duplicates = 0;
    std::set<std::string> acted;
    std::map<std::string, int> acted_on;
};

} // namespace

TEST_CASE("a notifier failing 30 % of calls: every notification delivered, each acted on once", "[desk][delivery]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    auto gateway = std::make_shared<UnreliableGateway>();
    DeskConfig config = with_mode(DeliveryMode::host);
    config.delivery.retry.max_attempts = 30;
    ServiceDesk desk(store, clock, config, gateway);
    Actor lead{"lead-1", Role::team_lead, ""};
    std::set<std::string> keys;
    for (int i = 0; i < 40; ++i) {
        auto id = desk.open(lead, sample_request("C" + std::to_string(i))).id;
        desk.assign(lead, id, "eng-" + std::to_string(i % 3));
        desk.start(lead, id);
        desk.resolve(lead, id, {"已处理", Responsibility::platform});
    }
    for (const auto& row : store->outbox_pending(10000)) keys.insert(row.notification.idempotency_key);
    REQUIRE(keys.size() == 120);

    for (int round = 0; round < 200 && !store->outbox_pending(1).empty(); ++round) {
        desk.dispatch_notifications();
        clock->set(clock->now() + 1h); // past every backoff
    }
    CHECK(store->outbox_pending(1).empty());
    CHECK(store->outbox_dead(1).empty());
    CHECK(gateway->acted == keys);
    for (const auto& [key, times] : gateway->acted_on) CHECK(times == 1);
    CHECK(gateway->duplicates > 0); // redeliveries happened and were recognised
    const auto stats = desk.delivery_stats();
    CHECK(stats.delivered == keys.size());
    CHECK(stats.failed == static_cast<std::uint64_t>(gateway->calls) - keys.size());
    CHECK(stats.dead == 0);
}

namespace {

class RefusingNotifier : public Notifier {
public:
    std::atomic<bool> refuse{true};
    std::atomic<int> delivered{0};
    bool deliver(const Notification&) override {
        if (refuse) throw StorageError("gateway down");
        ++delivered;
        return true;
    }
};

} // namespace

TEST_CASE("rows that keep failing become dead letters the desk lists and requeues", "[desk][delivery]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    auto notifier = std::make_shared<RefusingNotifier>();
    DeskConfig config = with_mode(DeliveryMode::host);
    config.delivery.retry.max_attempts = 3;
    ServiceDesk desk(store, clock, config, notifier);
    Actor lead{"lead-1", Role::team_lead, ""};
    auto id = desk.open(lead, sample_request()).id;
    desk.assign(lead, id, "eng-1");
    // A failing row holds its ticket's later rows back until it is dead: 3 + 3 passes.
    for (int pass = 0; pass < 6; ++pass) {
        CHECK(desk.dead_letters(10).size() == (pass < 3 ? 0u : 1u));
        desk.dispatch_notifications();
        clock->set(clock->now() + 2h);
    }
    auto dead = desk.dead_letters(10);
    REQUIRE(dead.size() == 2);
    CHECK(dead[0].attempts == 3);
    CHECK(dead[0].last_error == "gateway down");
    CHECK(desk.delivery_stats().dead == 2);
    CHECK(desk.delivery_stats().last_error == "gateway down");

    notifier->refuse = false;
    CHECK(desk.requeue_dead_letters() == 2);
    CHECK(desk.dead_letters(10).empty());
    CHECK(desk.dispatch_notifications() == 2);
    CHECK(notifier->delivered == 2);
    CHECK_THROWS_AS(desk.requeue_dead_letter(dead[0].sequence), NotFound);
}

namespace {

// Answers every assignment by writing a note on the same ticket through the desk.
class CallingBackNotifier : public Notifier {
public:
    ServiceDesk* desk = nullptr;
    std::mutex mutex;
    std::condition_variable changed;
    int notes = 0;
    bool deliver(const Notification& n) override {
        if (n.kind == NotificationKind::assigned) {
            desk->add_note(Actor{"bot", Role::system, ""}, n.ticket, "已通知负责人");
            std::lock_guard lock(mutex);
            ++notes;
            changed.notify_all();
        }
        return true;
    }
};

} // namespace

TEST_CASE("a notifier may call back into the desk, on the same ticket, without deadlock", "[desk][delivery]") {
    for (auto mode : {DeliveryMode::after_command, DeliveryMode::background}) {
        DYNAMIC_SECTION("mode " << static_cast<int>(mode)) {
            auto notifier = std::make_shared<CallingBackNotifier>();
            ServiceDesk desk(std::make_shared<MemoryStore>(), std::make_shared<ManualClock>(may20_1430()),
                             with_mode(mode), notifier);
            notifier->desk = &desk;
            Actor lead{"lead-1", Role::team_lead, ""};
            auto id = desk.open(lead, sample_request()).id;
            desk.assign(lead, id, "eng-1");
            REQUIRE(wait_until(notifier->mutex, notifier->changed, [&] { return notifier->notes == 1; }));
            CHECK(desk.history(id).back().note == "已通知负责人");
        }
    }
}

namespace {

// A store whose outbox cannot be read while `broken` is set.
class BrokenOutboxStore final : public MemoryForwardingStore {
public:
    bool broken = false;
    std::vector<OutboxRecord> outbox_claim(Instant now, std::size_t n, const Lease& lease) override {
        if (broken) throw StorageError("outbox table locked");
        return inner->outbox_claim(now, n, lease);
    }
};

} // namespace

TEST_CASE("a delivery error after the commit never escapes the command", "[desk][delivery]") {
    auto store = std::make_shared<BrokenOutboxStore>();
    auto notifier = std::make_shared<RecordingNotifier>();
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), DeskConfig{}, notifier);
    Actor lead{"lead-1", Role::team_lead, ""};
    store->broken = true;
    Ticket t;
    REQUIRE_NOTHROW(t = desk.open(lead, sample_request()));
    CHECK(desk.get(t.id).version == 1); // committed once; a retrying caller would not repeat it
    CHECK(desk.delivery_stats().errors == 1);
    CHECK(desk.delivery_stats().last_error == "outbox table locked");
    CHECK(notifier->delivered().empty());
    store->broken = false;
    CHECK(desk.dispatch_notifications() == 1);
    CHECK(notifier->delivered().size() == 1);
}

namespace {

// Fails every first attempt, so rows wait for a retry the background thread is not woken for.
class FirstTryFails : public Notifier {
public:
    std::mutex mutex;
    std::condition_variable changed;
    std::set<std::string> tried;
    int delivered = 0;
    bool deliver(const Notification& n) override {
        std::lock_guard lock(mutex);
        changed.notify_all();
        if (tried.insert(n.idempotency_key).second) return false;
        ++delivered;
        return true;
    }
};

} // namespace

TEST_CASE("background delivery drains on shutdown, or leaves rows pending for the next desk", "[desk][delivery]") {
    for (bool drain : {true, false}) {
        DYNAMIC_SECTION("drain " << drain) {
            auto store = std::make_shared<MemoryStore>();
            auto clock = std::make_shared<ManualClock>(may20_1430());
            auto notifier = std::make_shared<FirstTryFails>();
            DeskConfig config = with_mode(DeliveryMode::background);
            config.delivery.poll_interval = std::chrono::hours(1); // only commits wake the thread
            config.delivery.drain_on_shutdown = drain;
            {
                ServiceDesk desk(store, clock, config, notifier);
                Actor lead{"lead-1", Role::team_lead, ""};
                for (int i = 0; i < 3; ++i) desk.open(lead, sample_request("C" + std::to_string(i)));
                REQUIRE(wait_until(notifier->mutex, notifier->changed, [&] { return notifier->tried.size() == 3; }));
                clock->set(clock->now() + 1h); // the retries are due now
            }
            CHECK(store->outbox_pending(10).size() == (drain ? 0u : 3u));
            CHECK(notifier->delivered == (drain ? 3 : 0));
        }
    }
}

namespace {

// Signals every delivery.
class SignallingNotifier : public Notifier {
public:
    bool deliver(const Notification&) override {
        std::lock_guard lock(mutex);
        ++delivered;
        changed.notify_all();
        return true;
    }
    std::mutex mutex;
    std::condition_variable changed;
    int delivered = 0;
};

} // namespace

TEST_CASE("background delivery gathers the commits of its wait into one pass", "[desk][delivery]") {
    using Steady = std::chrono::steady_clock;
    auto store = std::make_shared<ClaimCountingStore>();
    auto notifier = std::make_shared<SignallingNotifier>();
    DeskConfig config = with_mode(DeliveryMode::background);
    config.delivery.poll_interval = std::chrono::hours(1);   // only commits wake the thread
    config.delivery.gather = std::chrono::milliseconds(500); // far longer than ten opens take
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), config, notifier);
    // The thread's first pass, at start, found nothing; it sleeps until a commit wakes it.
    REQUIRE(wait_until(store->mutex, store->changed, [&] { return store->claims == 1; }));
    Actor lead{"lead-1", Role::team_lead, ""};
    const auto first_commit = Steady::now();
    for (int i = 0; i < 10; ++i) desk.open(lead, sample_request("C" + std::to_string(i)));
    REQUIRE(wait_until(notifier->mutex, notifier->changed, [&] { return notifier->delivered == 10; }));
    // Waited for the commits after the first (a lower bound, whatever the machine's
    // speed), then took all ten in one pass: a pass per commit would be ten.
    CHECK(Steady::now() - first_commit >= std::chrono::milliseconds(500));
    std::lock_guard lock(store->mutex);
    CHECK(store->claims == 2);
}

TEST_CASE("a background desk delivers what another desk on its store commits, without waiting for a poll",
          "[desk][delivery]") {
    auto store = std::make_shared<ClaimCountingStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    auto notifier = std::make_shared<SignallingNotifier>();
    DeskConfig delivering = with_mode(DeliveryMode::background);
    delivering.delivery.poll_interval = std::chrono::hours(1); // never within the test
    ServiceDesk deliverer(store, clock, delivering, notifier);
    REQUIRE(wait_until(store->mutex, store->changed, [&] { return store->claims == 1; })); // its first pass
    // A desk that only writes (its host dispatches, or another desk does): it never wakes
    // the deliverer itself; the store's watch does.
    ServiceDesk writer(store, clock, with_mode(DeliveryMode::host), std::make_shared<NullNotifier>());
    Actor lead{"lead-1", Role::team_lead, ""};
    writer.open(lead, sample_request("C1"));
    REQUIRE(wait_until(notifier->mutex, notifier->changed, [&] { return notifier->delivered == 1; }));
    CHECK(store->outbox_pending(10).empty());
}

TEST_CASE("delivery options are checked when the desk is made", "[desk][delivery]") {
    auto make = [](DeskConfig config) {
        ServiceDesk desk(std::make_shared<MemoryStore>(), std::make_shared<ManualClock>(), std::move(config),
                         std::make_shared<NullNotifier>());
    };
    DeskConfig zero_poll;
    zero_poll.delivery.poll_interval = std::chrono::milliseconds(0);
    CHECK_THROWS_WITH(make(zero_poll), Catch::Contains("delivery.poll_interval"));
    for (auto gather : {std::chrono::microseconds(-1), std::chrono::microseconds(std::chrono::seconds(1))}) {
        DeskConfig bad_gather;
        bad_gather.delivery.gather = gather; // negative, or not shorter than the 1 s poll interval
        CHECK_THROWS_WITH(make(bad_gather), Catch::Contains("delivery.gather"));
    }
    DeskConfig no_attempts;
    no_attempts.delivery.retry.max_attempts = 0;
    CHECK_THROWS_WITH(make(no_attempts), Catch::Contains("delivery.retry"));
}
