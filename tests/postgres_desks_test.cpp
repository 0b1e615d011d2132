// Several desks on one PostgreSQL store: each with its own store instance (its own
// connections) and its own claims owner, ticking through a simulated day together.
#include "postgres_support.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <thread>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

struct DayTotals {
    std::size_t warnings = 0, breaches = 0, escalations = 0;
};

// Per ticket, how often each monitor action is in its audit trail.
std::map<TicketId, std::map<Action, int>> monitor_actions(const TicketStore& store) {
    std::map<TicketId, std::map<Action, int>> out;
    store.scan({}, [&](const Ticket& t) {
        auto& counts = out[t.id];
        for (const auto& e : store.history(t.id))
            if (e.action == Action::sla_warning || e.action == Action::sla_breach || e.action == Action::escalate)
                ++counts[e.action];
        return true;
    });
    return out;
}

// Opens the day's tickets: urgent ones nobody answers (warnings, breaches and escalations
// through the day) and some that are started.
void open_tickets(ServiceDesk& desk) {
    Actor lead{"lead-1", Role::team_lead, ""};
    for (int i = 0; i < 24; ++i) {
        auto request = sample_request("C" + std::to_string(1000 + i));
        request.priority = i % 2 ? "紧急" : "特急";
        auto id = desk.open(lead, request).id;
        if (i % 3 == 0) {
            desk.assign(lead, id, "eng-1");
            desk.start(lead, id);
        }
    }
}

} // namespace

TEST_CASE("4 desks ticking one PostgresStore through a day: each warning, breach and escalation once",
          "[postgres][desks]") {
    // The reference: one desk alone on a MemoryStore, the same tickets and ticks.
    auto reference_store = std::make_shared<MemoryStore>();
    DayTotals expected;
    {
        auto clock = std::make_shared<ManualClock>(may20_1430());
        ServiceDesk desk(reference_store, clock);
        open_tickets(desk);
        for (auto now = may20_1430(); now <= may20_1430() + 24h; now += 10min) {
            clock->set(now);
            auto r = desk.tick(now);
            expected.warnings += r.warnings;
            expected.breaches += r.breaches;
            expected.escalations += r.escalations;
        }
    }
    REQUIRE(expected.warnings > 0);
    REQUIRE(expected.breaches > 0);

    auto opener = fresh_postgres_store("tf_desks");
    const std::string schema = opener->options().schema;
    {
        auto clock = std::make_shared<ManualClock>(may20_1430());
        ServiceDesk desk(opener, clock);
        open_tickets(desk);
    }
    constexpr int desks = 4;
    std::vector<std::shared_ptr<ManualClock>> clocks;
    std::vector<std::unique_ptr<ServiceDesk>> running;
    for (int d = 0; d < desks; ++d) {
        clocks.push_back(std::make_shared<ManualClock>(may20_1430()));
        DeskConfig config;
        config.claims.owner = "desk-" + std::to_string(d);
        running.push_back(std::make_unique<ServiceDesk>(std::make_shared<PostgresStore>(postgres_options(schema)),
                                                        clocks.back(), config));
    }
    DayTotals got;
    for (auto now = may20_1430(); now <= may20_1430() + 24h; now += 10min) {
        std::vector<TickReport> reports(desks);
        std::vector<std::thread> ticks;
        for (int d = 0; d < desks; ++d) {
            clocks[static_cast<std::size_t>(d)]->set(now);
            ticks.emplace_back(
                [&, d] { reports[static_cast<std::size_t>(d)] = running[static_cast<std::size_t>(d)]->tick(now); });
        }
        for (auto& t : ticks) t.join();
        for (const auto& r : reports) {
            got.warnings += r.warnings;
            got.breaches += r.breaches;
            got.escalations += r.escalations;
        }
    }
    CHECK(got.warnings == expected.warnings);
    CHECK(got.breaches == expected.breaches);
    CHECK(got.escalations == expected.escalations);
    // And in every ticket's audit trail, exactly as often as the lone desk recorded them.
    CHECK(monitor_actions(*opener) == monitor_actions(*reference_store));
}
