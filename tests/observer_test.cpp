// DeskObserver: the counts it hears match what the desk did — commands by outcome,
// commits and conflicts, deliveries up to the dead letter, SLA events and ticks — and an
// observer that calls back into the desk or throws changes nothing.
#include "forwarding_store.hpp"
#include "support.hpp"
#include "ticketflow/observer.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// Keeps a copy of every event it hears.
class RecordingObserver : public DeskObserver {
public:
    struct CommandSeen {
        std::string command, ticket, actor, outcome;
    };
    struct Delivery {
        std::string ticket;
        NotificationKind kind;
        std::uint32_t attempt;
        DeliveryOutcome outcome;
        std::string error;
    };
    struct Sla {
        std::string ticket;
        SlaEventKind kind;
        std::optional<SlaStage> stage;
        Instant due;
    };

    void on_command(const CommandEvent& e) override {
        std::lock_guard lock(mutex_);
        commands.push_back({to_string(e.command), std::string(e.ticket), std::string(e.actor), outcome_name(e)});
    }
    void on_commit(const CommitEvent& e) override {
        std::lock_guard lock(mutex_);
        commits.push_back(e);
    }
    void on_delivery(const DeliveryEvent& e) override {
        std::lock_guard lock(mutex_);
        deliveries.push_back({std::string(e.ticket), e.kind, e.attempt, e.outcome, std::string(e.error)});
    }
    void on_sla(const SlaEvent& e) override {
        std::lock_guard lock(mutex_);
        sla.push_back({std::string(e.ticket), e.kind, e.stage, e.due});
    }
    void on_tick(const TickEvent& e) override {
        std::lock_guard lock(mutex_);
        ticks.push_back(e.report);
    }

    // How many commands of `command` ended with `outcome`.
    std::size_t count(const std::string& command, const std::string& outcome) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& c : commands) n += c.command == command && c.outcome == outcome;
        return n;
    }
    std::size_t count(DeliveryOutcome outcome) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& d : deliveries) n += d.outcome == outcome;
        return n;
    }
    std::size_t count(SlaEventKind kind) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& s : sla) n += s.kind == kind;
        return n;
    }

    std::vector<CommandSeen> commands;
    std::vector<CommitEvent> commits;
    std::vector<Delivery> deliveries;
    std::vector<Sla> sla;
    std::vector<TickReport> ticks;

private:
    mutable std::mutex mutex_;
};

// Fails the next `conflicts` commits with ConcurrencyConflict, or with StorageError while
// `broken`.
class FlakyStore : public MemoryForwardingStore {
public:
    int conflicts = 0;
    bool broken = false;
    void commit_all(const std::vector<Commit>& commits) override {
        if (broken) throw StorageError("disk full");
        if (conflicts > 0) {
            --conflicts;
            throw ConcurrencyConflict("another writer got there first");
        }
        MemoryForwardingStore::commit_all(commits);
    }
};

struct ObservedDesk {
    std::shared_ptr<FlakyStore> store = std::make_shared<FlakyStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430());
    std::shared_ptr<RecordingObserver> observer = std::make_shared<RecordingObserver>();
    Actor lead{"lead-1", Role::team_lead, ""};

    DeskConfig config() const {
        DeskConfig c;
        c.observer = observer;
        return c;
    }
};

std::size_t count_events(const ServiceDesk& desk, const TicketId& id, Action action) {
    std::size_t n = 0;
    for (const auto& e : desk.history(id)) n += e.action == action;
    return n;
}

} // namespace

TEST_CASE("the observer hears every command with its outcome", "[desk][observer]") {
    ObservedDesk f;
    ServiceDesk desk(f.store, f.clock, f.config());
    const auto first = desk.open(f.lead, sample_request()).id;
    const auto second = desk.open(f.lead, sample_request("C20240520002")).id;
    desk.assign(f.lead, first, "eng-1");
    desk.assign(f.lead, second, "eng-2");
    desk.start(f.lead, first);

    CHECK_THROWS_AS(desk.add_note(f.lead, first, ""), ValidationError);
    const Actor stranger{"C20240520009", Role::customer, ""};
    CHECK_THROWS_AS(desk.assign(stranger, first, "eng-3"), PermissionDenied);
    CHECK_THROWS_AS(desk.start(f.lead, "T-missing"), NotFound);
    CHECK_THROWS_AS(desk.resolve(f.lead, second, {"fixed"}), InvalidTransition);
    f.store->broken = true;
    CHECK_THROWS_AS(desk.add_note(f.lead, first, "lost"), StorageError);
    f.store->broken = false;

    CHECK(f.observer->count("open", "ok") == 2);
    CHECK(f.observer->count("assign", "ok") == 2);
    CHECK(f.observer->count("start", "ok") == 1);
    CHECK(f.observer->count("add_note", "invalid_argument") == 1);
    CHECK(f.observer->count("assign", "permission_denied") == 1);
    CHECK(f.observer->count("start", "not_found") == 1);
    CHECK(f.observer->count("resolve", "invalid_transition") == 1);
    CHECK(f.observer->count("add_note", "storage_error") == 1);
    REQUIRE(f.observer->commands.size() == 10);
    // A new ticket is reported by its new id, the others by the id they were given.
    CHECK(f.observer->commands[0].ticket == first);
    CHECK(f.observer->commands[1].ticket == second);
    CHECK(f.observer->commands[6].ticket == first);
    CHECK(f.observer->commands[6].actor == stranger.id);
    // Only the five commands that wrote committed.
    CHECK(f.observer->commits.size() == 5);
    for (const auto& c : f.observer->commits) {
        CHECK(c.tickets == 1);
        CHECK(c.conflicts == 0);
        CHECK(c.events >= 1);
    }
}

TEST_CASE("the observer hears conflicts a commit retried and a command that gave up", "[desk][observer]") {
    ObservedDesk f;
    DeskConfig config = f.config();
    config.max_commit_attempts = 3;
    ServiceDesk desk(f.store, f.clock, config);
    const auto id = desk.open(f.lead, sample_request()).id;

    f.store->conflicts = 2; // two lost races, then the third attempt is accepted
    desk.assign(f.lead, id, "eng-1");
    REQUIRE(f.observer->commits.size() == 2);
    CHECK(f.observer->commits.back().conflicts == 2);
    CHECK(f.observer->count("assign", "ok") == 1);

    f.store->conflicts = 3; // every attempt lost
    CHECK_THROWS_AS(desk.add_note(f.lead, id, "note"), ConcurrencyConflict);
    CHECK(f.observer->commits.size() == 2);
    CHECK(f.observer->count("add_note", "concurrency_conflict") == 1);
}

TEST_CASE("the observer hears each delivery attempt up to the dead letter", "[desk][observer][delivery]") {
    class DownGateway : public Notifier {
    public:
        bool down = true;
        bool deliver(const Notification&) override {
            if (down) throw StorageError("gateway down");
            return true;
        }
    };
    ObservedDesk f;
    auto gateway = std::make_shared<DownGateway>();
    DeskConfig config = f.config();
    config.delivery.mode = DeliveryMode::host;
    config.delivery.retry.max_attempts = 3;
    ServiceDesk desk(f.store, f.clock, config, gateway);
    const auto id = desk.open(f.lead, sample_request()).id; // one row: the acknowledgement

    for (int pass = 0; pass < 3; ++pass) {
        desk.dispatch_notifications();
        f.clock->set(f.clock->now() + 2h);
    }
    REQUIRE(f.observer->deliveries.size() == 3);
    for (std::uint32_t i = 0; i < 3; ++i) {
        const auto& d = f.observer->deliveries[i];
        CHECK(d.ticket == id);
        CHECK(d.kind == NotificationKind::received);
        CHECK(d.attempt == i + 1);
        CHECK(d.error == "gateway down");
    }
    CHECK(f.observer->count(DeliveryOutcome::failed) == 2);
    CHECK(f.observer->count(DeliveryOutcome::dead_lettered) == 1);
    CHECK(desk.delivery_stats().failed == 3);
    CHECK(desk.delivery_stats().dead == 1);

    gateway->down = false;
    desk.assign(f.lead, id, "eng-1");
    desk.dispatch_notifications();
    CHECK(f.observer->count(DeliveryOutcome::delivered) == desk.delivery_stats().delivered);
    CHECK(f.observer->count(DeliveryOutcome::delivered) == 1);
}

TEST_CASE("the observer hears the monitor's warnings, breaches and escalations, and each tick",
          "[desk][observer][sla]") {
    ObservedDesk f;
    ServiceDesk desk(f.store, f.clock, f.config());
    const auto id = desk.open(f.lead, sample_request()).id; // urgent: hours, not days

    TickReport total;
    std::size_t ticked = 0;
    for (auto at = may20_1430(); at < may20_1430() + 72h; at += 30min, ++ticked) {
        f.clock->set(at);
        const auto report = desk.tick(at);
        total.warnings += report.warnings;
        total.breaches += report.breaches;
        total.escalations += report.escalations;
        total.reminders += report.reminders;
    }
    REQUIRE(total.warnings > 0);
    REQUIRE(total.breaches > 0);
    CHECK(f.observer->count(SlaEventKind::warning) == total.warnings);
    CHECK(f.observer->count(SlaEventKind::breach) == total.breaches);
    CHECK(f.observer->count(SlaEventKind::escalation) == total.escalations);
    CHECK(f.observer->count(SlaEventKind::reminder) == total.reminders);
    CHECK(f.observer->count(SlaEventKind::warning) == count_events(desk, id, Action::sla_warning));
    CHECK(f.observer->count(SlaEventKind::breach) == count_events(desk, id, Action::sla_breach));
    for (const auto& e : f.observer->sla) {
        CHECK(e.ticket == id);
        CHECK(e.stage.has_value());
    }
    CHECK(f.observer->ticks.size() == ticked);
    CHECK(f.observer->count("tick", "ok") == ticked);
}

TEST_CASE("the observer hears a done ticket closed after the feedback timeout", "[desk][observer][sla]") {
    ObservedDesk f;
    ServiceDesk desk(f.store, f.clock, f.config());
    const auto id = desk.open(f.lead, sample_request()).id;
    desk.assign(f.lead, id, "eng-1");
    desk.start(f.lead, id);
    desk.resolve(f.lead, id, {"fixed"});
    const auto later = may20_1430() + 24h * 10;
    f.clock->set(later);
    CHECK(desk.tick(later).auto_closed == 1);
    CHECK(f.observer->count(SlaEventKind::auto_close) == 1);
    CHECK(desk.get(id).status == Status::closed);
}

namespace {

// Reads and writes through the desk from every hook it can.
class CallingBackObserver : public DeskObserver {
public:
    ServiceDesk* desk = nullptr;
    Actor lead{"lead-1", Role::team_lead, ""};
    int notes = 0;
    void on_command(const CommandEvent& e) override {
        if (e.command == Command::assign && e.succeeded) {
            desk->add_note(lead, std::string(e.ticket), "seen by the observer");
            ++notes;
        }
    }
    void on_commit(const CommitEvent&) override { desk->query({}); }
    void on_delivery(const DeliveryEvent& e) override { desk->get(std::string(e.ticket)); }
    void on_sla(const SlaEvent& e) override { desk->history(std::string(e.ticket)); }
};

// Throws from every hook.
class ThrowingObserver : public DeskObserver {
public:
    void on_command(const CommandEvent&) override { throw std::runtime_error("observer broke"); }
    void on_commit(const CommitEvent&) override { throw std::runtime_error("observer broke"); }
    void on_delivery(const DeliveryEvent&) override { throw std::runtime_error("observer broke"); }
    void on_sla(const SlaEvent&) override { throw std::runtime_error("observer broke"); }
    void on_tick(const TickEvent&) override { throw std::runtime_error("observer broke"); }
};

} // namespace

TEST_CASE("an observer may call back into the desk from its hooks", "[desk][observer]") {
    ObservedDesk f;
    auto observer = std::make_shared<CallingBackObserver>();
    DeskConfig config;
    config.observer = observer;
    auto notifier = std::make_shared<RecordingNotifier>();
    ServiceDesk desk(f.store, f.clock, config, notifier);
    observer->desk = &desk;
    const auto id = desk.open(f.lead, sample_request()).id;
    desk.assign(f.lead, id, "eng-1");
    desk.tick(may20_1430() + 72h);
    CHECK(observer->notes == 1);
    CHECK(count_events(desk, id, Action::add_note) == 1);
    CHECK(notifier->delivered().size() >= 2);
}

TEST_CASE("an observer that throws changes no outcome", "[desk][observer]") {
    ObservedDesk f;
    DeskConfig config;
    config.observer = std::make_shared<ThrowingObserver>();
    auto notifier = std::make_shared<RecordingNotifier>();
    ServiceDesk desk(f.store, f.clock, config, notifier);
    const auto id = desk.open(f.lead, sample_request()).id;
    CHECK(desk.assign(f.lead, id, "eng-1").assignee == "eng-1");
    CHECK_THROWS_AS(desk.add_note(f.lead, id, ""), ValidationError);
    CHECK_THROWS_AS(desk.start(f.lead, "T-missing"), NotFound);
    const auto report = desk.tick(may20_1430() + 72h);
    CHECK(report.breaches > 0);
    CHECK(notifier->delivered().size() == desk.delivery_stats().delivered);
    CHECK(desk.delivery_stats().failed == 0);
    CHECK(count_events(desk, id, Action::assign) == 1);
}

TEST_CASE("observer names are stable", "[observer]") {
    CHECK(std::string(to_string(Command::post_update)) == "post_update");
    CHECK(std::string(to_string(Command::replace_calendar)) == "replace_calendar");
    CHECK(std::string(to_string(DeliveryOutcome::dead_lettered)) == "dead_lettered");
    CHECK(std::string(to_string(SlaEventKind::auto_close)) == "auto_close");
    CommandEvent e;
    CHECK(std::string(outcome_name(e)) == "ok");
    e.succeeded = false;
    CHECK(std::string(outcome_name(e)) == "other_error");
    e.error = ErrorCode::permission_denied;
    CHECK(std::string(outcome_name(e)) == "permission_denied");
}
