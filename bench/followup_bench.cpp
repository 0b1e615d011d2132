// FollowUpPlanner::plan() over 100,000 closed tickets (90 days of service on a
// MemoryStore), against the baseline measured in the same run: the store's bare scan of
// the same period, a visitor that only counts. The difference is the planner's own work:
// per-customer selection, exclusions, seeded sampling, windows on the calendar, routing.
//
//   BM_BareScan/N      TicketStore::scan() of the planning horizon
//   BM_Plan/N          FollowUpPlanner::plan() at the same instant, seed 004's rules
//
// N is the number of closed tickets (25,000 and 100,000: the plan should grow linearly).
#include "support.hpp"
#include "ticketflow/followup.hpp"

#include <benchmark/benchmark.h>

#include <map>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;
using boost::gregorian::date;

namespace {

const Actor system_actor{"system", Role::system, ""};

// N tickets served over the 90 days before the planning time, by customers of every tier
// (about two tickets each), one in twenty a complaint; a twentieth of the customers are
// excluded by the directory.
struct ServedDesk {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    ServiceDesk desk{store, clock};
    std::shared_ptr<MemoryCustomerDirectory> directory = std::make_shared<MemoryCustomerDirectory>();
    Instant plan_at = desk.config().calendar.to_instant(date(2024, 6, 13), 10, 0);

    explicit ServedDesk(int tickets) {
        const Duration spacing = std::chrono::duration_cast<Duration>(std::chrono::hours(24 * 90)) / tickets;
        const int customers = tickets / 2;
        for (int i = 0; i < tickets; ++i) {
            const Instant received = plan_at - std::chrono::hours(24 * 90) + spacing * i;
            const int customer = (i * 7919) % customers;
            serve(received, customer, i);
        }
        for (int c = 0; c < customers; c += 20)
            directory->put(customer_id(c), {c % 40 == 0, c % 40 != 0, false, std::nullopt});
    }

    static std::string customer_id(int c) { return "C" + std::to_string(100000 + c); }

    void serve(Instant received, int customer, int i) {
        static const CustomerTier tiers[] = {CustomerTier::new_customer, CustomerTier::regular, CustomerTier::regular,
                                             CustomerTier::vip, CustomerTier::enterprise};
        clock->set(received);
        NewTicket request = sample_request(customer_id(customer));
        request.customer.tier = tiers[customer % 5];
        request.type = i % 20 == 0 ? ticket_types::complaint : ticket_types::consult;
        request.department = "售后部";
        const auto id = desk.open(system_actor, request).id;
        desk.assign(system_actor, id, "eng-" + std::to_string(i % 50));
        desk.start(system_actor, id);
        clock->set(received + 40min);
        desk.resolve(system_actor, id, {"已处理", Responsibility::platform});
        clock->set(received + 50min);
        desk.close(system_actor, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    }

    FollowUpPlanner planner() const {
        FollowUpRules rules;
        rules.name = "weekly";
        rules.new_customer_desk = {"新客户专岗", {"nc-1", "nc-2", "nc-3"}};
        PlannerOptions options;
        options.directory = directory;
        options.route = [](const FollowUpCandidate& c) {
            return VisitAssignment{"回访组", "visitor-" + std::to_string(c.served.back() - '0')};
        };
        return FollowUpPlanner(store, desk.config(), rules, options);
    }

    static ServedDesk& of(int tickets) {
        static std::map<int, std::unique_ptr<ServedDesk>> desks;
        auto& desk = desks[tickets];
        if (!desk) desk = std::make_unique<ServedDesk>(tickets);
        return *desk;
    }
};

void BM_BareScan(benchmark::State& state) {
    auto& served = ServedDesk::of(static_cast<int>(state.range(0)));
    TicketQuery query;
    query.received_from = served.plan_at - std::chrono::hours(24 * 90);
    std::size_t seen = 0;
    for (auto _ : state) {
        seen = 0;
        served.store->scan(query, [&seen](const Ticket&) { return ++seen, true; });
    }
    if (seen != static_cast<std::size_t>(state.range(0))) state.SkipWithError("the scan missed tickets");
    state.counters["tickets"] = static_cast<double>(seen);
}
BENCHMARK(BM_BareScan)->Arg(25'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_Plan(benchmark::State& state) {
    auto& served = ServedDesk::of(static_cast<int>(state.range(0)));
    const auto planner = served.planner();
    FollowUpPlan plan;
    for (auto _ : state) plan = planner.plan(served.plan_at);
    if (plan.scanned != static_cast<std::size_t>(state.range(0)) || plan.visits.empty() || plan.exclusions.empty())
        state.SkipWithError("the plan did not read every ticket, or selected or excluded nobody");
    state.counters["tickets"] = static_cast<double>(plan.scanned);
    state.counters["visits"] = static_cast<double>(plan.visits.size());
    state.counters["excluded"] = static_cast<double>(plan.exclusions.size());
}
BENCHMARK(BM_Plan)->Arg(25'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
