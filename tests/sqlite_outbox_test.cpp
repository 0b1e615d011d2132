// The outbox on a SqliteStore: nothing committed is lost between commit and delivery,
// even when the process dies in between, and dead letters survive a restart.
#include "outbox_support.hpp"
#include "sqlite_support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

// Runs a ticket from intake to closed: four notifications (received, assigned,
// resolved, closed).
TicketId run_lifecycle(ServiceDesk& desk) {
    Actor agent{"agent-1", Role::agent, ""};
    auto id = desk.open(agent, sample_request()).id;
    desk.assign(agent, id, "eng-7");
    desk.start(agent, id);
    desk.resolve(agent, id, {"重置了支付状态", Responsibility::platform});
    desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    return id;
}

const std::vector<std::string> lifecycle_kinds{"received", "assigned", "resolved", "closed"};

std::vector<std::string> kinds_of(const std::vector<Notification>& delivered) {
    std::vector<std::string> kinds;
    for (const auto& n : delivered) kinds.push_back(to_string(n.kind));
    return kinds;
}

// Dies the moment it is asked to deliver: the process ends between a commit and the
// delivery of its notifications.
class CrashingNotifier : public Notifier {
public:
    bool deliver(const Notification&) override { ::_exit(0); }
};

} // namespace

TEST_CASE("sqlite outbox: a notifier that always fails loses nothing across a restart", "[sqlite][outbox]") {
    TempDb db;
    auto clock = std::make_shared<ManualClock>(may20_1430());
    TicketId id;
    {
        auto failing = std::make_shared<ScriptedNotifier>();
        failing->fail(ScriptedNotifier::Failure::throws);
        ServiceDesk desk(std::make_shared<SqliteStore>(SqliteOptions{db.path()}), clock, DeskConfig{}, failing);
        id = run_lifecycle(desk);
        CHECK(failing->attempts() == 1); // the first row failed; the rest of the ticket waits behind it
    }                                    // the desk and its store are gone, nothing was delivered

    auto store = std::make_shared<SqliteStore>(SqliteOptions{db.path()});
    auto notifier = std::make_shared<ScriptedNotifier>();
    OutboxDispatcher dispatcher(store, notifier, clock);
    CHECK(dispatcher.dispatch_due() == 0); // the failed row waits for its retry time
    clock->advance(1min);
    CHECK(dispatcher.dispatch_due() == 4);
    CHECK(kinds_of(notifier->delivered()) == lifecycle_kinds);
    for (const auto& row : store->outbox_of(id)) CHECK(row.state == OutboxState::delivered);
}

TEST_CASE("sqlite outbox: a process killed between commit and delivery loses nothing", "[sqlite][outbox]") {
    TempDb db;
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Commits the intake, then dies inside the first delivery.
        ServiceDesk desk(std::make_shared<SqliteStore>(SqliteOptions{db.path()}),
                         std::make_shared<ManualClock>(may20_1430()), DeskConfig{},
                         std::make_shared<CrashingNotifier>());
        desk.open(Actor{"agent-1", Role::agent, ""}, sample_request());
        ::_exit(3); // not reached
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);

    auto store = std::make_shared<SqliteStore>(SqliteOptions{db.path()});
    auto notifier = std::make_shared<ScriptedNotifier>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(store, clock, DeskConfig{}, notifier);
    CHECK(desk.dispatch_notifications() == 0); // the dead desk's claim holds until its lease lapses
    clock->advance(DeskConfig{}.claims.lease);
    CHECK(desk.dispatch_notifications() == 1);
    REQUIRE(notifier->delivered().size() == 1);
    CHECK(notifier->delivered()[0].kind == NotificationKind::received);
    CHECK(notifier->delivered()[0].idempotency_key == "20240520001/1/0");
}

TEST_CASE("sqlite outbox: dead letters survive a restart and can be retried", "[sqlite][outbox]") {
    TempDb db;
    auto clock = std::make_shared<ManualClock>(may20_1430());
    RetryPolicy once{30s, 2, 1h, 1};
    {
        auto store = std::make_shared<SqliteStore>(SqliteOptions{db.path()});
        store->commit(commit_with_notifications("T1", 1, 2));
        auto failing = std::make_shared<ScriptedNotifier>();
        failing->fail(ScriptedNotifier::Failure::returns_false);
        OutboxDispatcher(store, failing, clock, once).dispatch_due();
    }
    auto store = std::make_shared<SqliteStore>(SqliteOptions{db.path()});
    auto notifier = std::make_shared<ScriptedNotifier>();
    OutboxDispatcher dispatcher(store, notifier, clock, once);
    auto dead = dispatcher.dead_letters(10);
    REQUIRE(dead.size() == 1); // the second row was held back behind the first, still pending
    CHECK(dead[0].last_error == "notifier reported failure");
    CHECK(dead[0].notification.idempotency_key == "T1/1/0");
    // A dead row no longer holds its ticket back.
    CHECK(dispatcher.dispatch_due() == 1);

    CHECK(dispatcher.retry_dead_letters() == 1);
    CHECK(dispatcher.dispatch_due() == 1);
    CHECK(notifier->delivered_keys() == std::vector<std::string>{"T1/1/1", "T1/1/0"});
    CHECK(dispatcher.dead_letters(10).empty());
}

TEST_CASE("sqlite outbox: a background dispatcher delivers a desk's notifications", "[sqlite][outbox][thread]") {
    TempDb db;
    auto store = std::make_shared<SqliteStore>(SqliteOptions{db.path()});
    auto clock = std::make_shared<ManualClock>(may20_1430());
    // The desk's own notifier fails, so every row is left to the background dispatcher
    // (a second process's dispatcher, say) once its retry time has come.
    auto failing = std::make_shared<ScriptedNotifier>();
    failing->fail(ScriptedNotifier::Failure::throws);
    ServiceDesk desk(store, clock, DeskConfig{}, failing);
    run_lifecycle(desk);
    clock->advance(1h);

    auto notifier = std::make_shared<ScriptedNotifier>();
    OutboxDispatcher dispatcher(store, notifier, clock);
    dispatcher.start(1h);
    REQUIRE(notifier->wait_for(4));
    CHECK(kinds_of(notifier->delivered()) == lifecycle_kinds);
    dispatcher.stop();
}

TEST_CASE("sqlite outbox: an explicit NullNotifier queues every notification and drops it", "[sqlite][outbox]") {
    TempDb db;
    auto store = std::make_shared<SqliteStore>(SqliteOptions{db.path()});
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(store, clock, DeskConfig{}, std::make_shared<NullNotifier>());
    auto id = run_lifecycle(desk);
    CHECK(store->outbox_pending(10).empty());
    std::vector<std::string> kinds;
    for (const auto& row : store->outbox_of(id)) kinds.push_back(to_string(row.notification.kind));
    CHECK(kinds == lifecycle_kinds);
}
