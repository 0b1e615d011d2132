// The what-if simulator: event-driven runs of a real desk, determinism, common random
// numbers, the Erlang C validation, scenario JSON and CSV replay, comparisons.

#include "ticketflow/error.hpp"
#include "ticketflow/report.hpp"
#include "ticketflow/simulation.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <queue>

using namespace ticketflow;
using namespace ticketflow::sim;
using boost::gregorian::date;

namespace {

// Around the clock, every day, in UTC.
BusinessCalendar always_open() {
    static const BusinessCalendar calendar = BusinessCalendar::from_json(R"({
        "timezone": "UTC",
        "weekly": {"mon": [["00:00","24:00"]], "tue": [["00:00","24:00"]], "wed": [["00:00","24:00"]],
                   "thu": [["00:00","24:00"]], "fri": [["00:00","24:00"]], "sat": [["00:00","24:00"]],
                   "sun": [["00:00","24:00"]]},
        "horizon": [2024, 2027]})",
                                                                         "24/7");
    return calendar;
}

// Beijing, every day 09:00–12:00 and 13:00–18:00: a day shift with a lunch break.
BusinessCalendar day_shift_with_lunch() {
    static const BusinessCalendar calendar = BusinessCalendar::from_json(R"({
        "timezone": "Asia/Shanghai",
        "weekly": {"mon": [["09:00","12:00"],["13:00","18:00"]], "tue": [["09:00","12:00"],["13:00","18:00"]],
                   "wed": [["09:00","12:00"],["13:00","18:00"]], "thu": [["09:00","12:00"],["13:00","18:00"]],
                   "fri": [["09:00","12:00"],["13:00","18:00"]], "sat": [["09:00","12:00"],["13:00","18:00"]],
                   "sun": [["09:00","12:00"],["13:00","18:00"]]},
        "horizon": [2024, 2027]})",
                                                                         "day shift");
    return calendar;
}

SlaPolicy untimed() {
    SlaPolicy policy;
    policy.name = "untimed";
    policy.priorities = PriorityScheme::p_levels();
    return policy;
}

std::vector<Agent> agents(int n, const std::string& department, int capacity = 1,
                          std::optional<BusinessCalendar> shift = std::nullopt, const std::string& prefix = "a") {
    std::vector<Agent> roster;
    for (int i = 0; i < n; ++i) {
        Agent a;
        a.id = prefix + std::to_string(i + 1);
        a.department = department;
        a.capacity = capacity;
        a.shift = shift;
        roster.push_back(a);
    }
    return roster;
}

// M/M/c: Poisson arrivals at `rho * c / mean` per hour, exponential handling of mean
// `mean`, c agents of capacity 1 around the clock, first come first served.
Scenario mmc(int c, double rho, Duration mean, Duration horizon, std::uint64_t seed) {
    Scenario s;
    s.name = "M/M/" + std::to_string(c);
    s.seed = seed;
    s.calendar = always_open();
    s.sla = untimed();
    s.start = s.calendar.to_instant(date(2025, 1, 1), 0, 0);
    s.end = s.start + horizon;
    s.drain = Duration(0);
    const double per_hour = rho * c * 3600.0 / static_cast<double>(mean.count());
    s.arrivals = ArrivalModel::uniform(per_hour, per_hour, {TicketMix{"phone", "fault", "P2", "desk", 1}});
    s.agents = agents(c, "desk");
    s.default_handling = Distribution::exponential(mean);
    s.reply_on_start = false;
    s.inform_result = false;
    s.feedback = false;
    s.feedback_timeout_workdays = 0;
    s.keep_store = false;
    return s;
}

// Waits of first-come-first-served c servers on the given arrivals and handling times
// (Kiefer–Wolfowitz): each customer takes the server that frees first.
std::vector<Duration> fcfs_waits(const std::vector<TicketRecord>& records, int c) {
    std::priority_queue<Instant, std::vector<Instant>, std::greater<Instant>> free;
    for (int i = 0; i < c; ++i) free.push(Instant::min());
    std::vector<Duration> waits;
    for (const auto& r : records) {
        const Instant f = free.top();
        free.pop();
        const Instant start = std::max(f, r.received);
        waits.push_back(start - r.received);
        free.push(start + r.handling);
    }
    return waits;
}

} // namespace

TEST_CASE("simulation: a run is deterministic for its seed and differs with the seed", "[simulation]") {
    auto s = mmc(3, 0.8, std::chrono::minutes(30), std::chrono::hours(48), 7);
    s.keep_store = true;
    const auto a = simulate(s);
    const auto b = simulate(s);
    REQUIRE(a.tickets > 100);
    REQUIRE(a.tickets == b.tickets);
    for (std::size_t i = 0; i < a.tickets_detail.size(); ++i) {
        REQUIRE(a.tickets_detail[i].received == b.tickets_detail[i].received);
        REQUIRE(a.tickets_detail[i].assigned == b.tickets_detail[i].assigned);
        REQUIRE(a.tickets_detail[i].handling == b.tickets_detail[i].handling);
    }
    s.seed = 8;
    const auto c = simulate(s);
    bool differs = c.tickets != a.tickets;
    for (std::size_t i = 0; !differs && i < a.tickets_detail.size(); ++i)
        differs = a.tickets_detail[i].received != c.tickets_detail[i].received;
    CHECK(differs);
    // Every ticket went through the desk: opened, started and resolved.
    CHECK(a.store->query(TicketQuery{}).size() == a.tickets);
    CHECK(a.commands >= 3 * a.resolved);
}

TEST_CASE("simulation: FCFS M/M/c through the desk equals the queueing recursion ticket by ticket", "[simulation]") {
    for (double rho : {0.5, 0.95}) {
        auto s = mmc(4, rho, std::chrono::minutes(20), std::chrono::hours(72), 11);
        s.drain = std::chrono::hours(24);
        const auto r = simulate(s);
        REQUIRE(r.tickets > 300);
        const auto expected = fcfs_waits(r.tickets_detail, 4);
        std::size_t waited = 0;
        for (std::size_t i = 0; i < r.tickets_detail.size(); ++i) {
            const auto& t = r.tickets_detail[i];
            REQUIRE(t.assigned);
            INFO("ticket " << i << " at load " << rho);
            REQUIRE(*t.assigned - t.received == expected[i]);
            waited += expected[i].count() > 0;
        }
        CHECK(waited > 10); // the comparison covered queueing, not only idle agents
    }
}

TEST_CASE("simulation: agents take tickets only on shift, lunch breaks queue them", "[simulation]") {
    // 1.35 tickets an hour around the clock, 9 an hour of capacity during 8 shift hours.
    auto s = mmc(3, 0.15, std::chrono::minutes(20), std::chrono::hours(72), 5);
    s.calendar = BusinessCalendar::china_mainland();
    s.start = s.calendar.to_instant(date(2026, 3, 2), 0, 0); // a Monday
    s.end = s.start + std::chrono::hours(72);
    s.drain = std::chrono::hours(24);
    s.agents = agents(3, "desk", 1, day_shift_with_lunch());
    const auto r = simulate(s);
    REQUIRE(r.tickets > 50);
    const auto& shift = day_shift_with_lunch();
    std::size_t lunch_arrivals = 0;
    for (const auto& t : r.tickets_detail) {
        REQUIRE(t.assigned);
        CHECK(shift.next_business_instant(*t.assigned) == *t.assigned); // assigned on shift
        const auto local = shift.to_local(t.received).time_of_day().hours();
        lunch_arrivals += local == 12;
        // Handling counts shift time only: a resolution is never before start + handling.
        REQUIRE(t.resolved);
        CHECK(shift.business_time_between(*t.assigned, *t.resolved) == t.handling);
    }
    REQUIRE(lunch_arrivals > 0);
    // The series: nobody on shift 12:00-13:00, tickets queue up then.
    bool lunch_seen = false;
    for (const auto& p : r.series) {
        const auto hour = shift.to_local(p.from).time_of_day().hours();
        if (hour == 12) {
            lunch_seen = true;
            CHECK(p.on_shift == 0);
            CHECK(p.busy_agents == 0);
        }
        if (hour == 10) CHECK(p.on_shift == 3);
        CHECK(p.utilisation() <= 1.0);
    }
    CHECK(lunch_seen);
    CHECK(r.wait_probability() > 0.2); // night and lunch arrivals wait
}
