// The what-if simulator at scale: a 30-day month, 100,000 tickets, 60 agents on two
// shifts, the full lifecycle (start, reply, resolve, result told, feedback with second
// handling), the SLA monitor at every due instant. Reports ns per simulated desk command
// against the plain command cost measured in the same run, and heap bytes per simulated
// ticket (store and per-ticket records kept).
#include <ticketflow/desk.hpp>
#include <ticketflow/simulation.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>

namespace {

// Heap accounting: live bytes of the process, as in lifecycle_bench.
std::atomic<long long> heap_bytes{0};

} // namespace

void* operator new(std::size_t size) {
    heap_bytes.fetch_add(static_cast<long long>(size), std::memory_order_relaxed);
    auto* block = static_cast<std::size_t*>(std::malloc(size + sizeof(std::max_align_t)));
    if (!block) throw std::bad_alloc();
    *block = size;
    return reinterpret_cast<char*>(block) + sizeof(std::max_align_t);
}
void operator delete(void* p) noexcept {
    if (!p) return;
    auto* block = reinterpret_cast<std::size_t*>(static_cast<char*>(p) - sizeof(std::max_align_t));
    heap_bytes.fetch_sub(static_cast<long long>(*block), std::memory_order_relaxed);
    std::free(block);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

using namespace ticketflow;
using boost::gregorian::date;

namespace {

BusinessCalendar shift(const char* name, const char* from, const char* to) {
    std::string day = std::string("[[\"") + from + "\",\"" + to + "\"]]";
    std::string json = std::string(R"({"name": ")") + name + R"(", "timezone": "Asia/Shanghai", "weekly": {)";
    const char* days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int i = 0; i < 7; ++i) json += std::string(i ? "," : "") + "\"" + days[i] + "\": " + day;
    json += R"(}, "horizon": [2025, 2027]})";
    return BusinessCalendar::from_json(json, name);
}

sim::Scenario month() {
    sim::Scenario s;
    s.name = "100k month";
    s.seed = 42;
    s.calendar = BusinessCalendar::china_mainland();
    s.sla = SlaPolicy::seed001();
    s.start = s.calendar.to_instant(date(2026, 3, 1), 0, 0);
    s.end = s.start + std::chrono::hours(24 * 30);
    s.drain = std::chrono::hours(24 * 5);
    // 07:00-23:00 every day: 100,000 / (30 x 16 h) = 208.3 an hour.
    std::array<double, 24> hours{};
    for (int h = 7; h < 23; ++h) hours[static_cast<std::size_t>(h)] = 100000.0 / (30 * 16);
    s.arrivals.working_day.fill(hours);
    s.arrivals.weekend = hours;
    s.arrivals.holiday = hours;
    s.arrivals.mix = {{"phone", "fault", "P1", "desk", 1},
                      {"online_chat", "order", "P2", "desk", 3},
                      {"app", "consult", "P3", "desk", 6}};
    const auto early = shift("early", "07:00", "15:30");
    const auto late = shift("late", "14:30", "23:00");
    for (int i = 0; i < 60; ++i) {
        Agent a;
        a.id = (i < 30 ? "e" : "l") + std::to_string(i % 30 + 1);
        a.department = "desk";
        a.capacity = 2;
        a.shift = i < 30 ? early : late;
        s.agents.push_back(a);
    }
    s.handling = {{"fault", "", sim::Distribution::lognormal(std::chrono::minutes(20), 0.7)}};
    s.default_handling = sim::Distribution::exponential(std::chrono::minutes(11));
    s.customer.answer_probability = 0.7;
    s.customer.dissatisfied = 0.08;
    s.customer.answer_delay = sim::Distribution::exponential(std::chrono::hours(3));
    return s;
}

// The plain cost of the same commands: one lifecycle per ticket on a desk with the same
// configuration (open, assign, start, reply, resolve, result told, feedback), no simulator.
double plain_ns_per_command(std::size_t lifecycles) {
    auto store = std::make_shared<MemoryStore>();
    const auto calendar = BusinessCalendar::china_mainland();
    auto clock = std::make_shared<ManualClock>(calendar.to_instant(date(2026, 3, 2), 10, 0));
    auto directory = std::make_shared<AgentDirectory>();
    Agent a;
    a.id = "e1";
    a.department = "desk";
    a.capacity = 1000000;
    directory->add(a);
    DeskConfig config;
    config.sla = SlaPolicy::seed001();
    config.directory = directory;
    ServiceDesk desk(store, clock, config);
    const Actor intake{"intake", Role::team_lead, ""}, agent{"e1", Role::agent, "desk"};
    NewTicket request;
    request.channel = "online_chat";
    request.type = "order";
    request.priority = "P2";
    request.department = "desk";
    request.description = "simulated order request";
    Satisfaction ok;
    CustomerFeedback feedback;
    feedback.satisfaction = ok;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < lifecycles; ++i) {
        request.customer.id = "C" + std::to_string(i + 1);
        request.received_at = clock->now();
        const auto id = desk.open(intake, request).id;
        desk.assign(intake, id, "e1");
        desk.start(agent, id);
        desk.post_update(agent, id, "已受理，正在处理");
        desk.resolve(agent, id, Resolution{"已处理", Responsibility::undetermined});
        desk.inform_result(agent, id, "online_chat", "处理结果已告知");
        desk.record_feedback(agent, id, feedback);
        clock->advance(std::chrono::seconds(17));
    }
    const auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    return ns / static_cast<double>(lifecycles * 7);
}

void BM_WhatIfMonth100k(benchmark::State& state) {
    const auto scenario = month();
    for (auto _ : state) {
        const long long heap_before = heap_bytes.load();
        const auto t0 = std::chrono::steady_clock::now();
        auto result = sim::simulate(scenario);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const long long heap_after = heap_bytes.load();
        state.counters["tickets"] = static_cast<double>(result.tickets);
        state.counters["commands"] = static_cast<double>(result.commands);
        state.counters["ticks"] = static_cast<double>(result.ticks);
        state.counters["reopened"] = static_cast<double>(result.reopened);
        state.counters["utilisation"] = result.mean_utilisation();
        state.counters["sim_seconds"] = seconds;
        const double per_command = seconds * 1e9 / static_cast<double>(result.commands);
        state.counters["ns_per_sim_command"] = per_command;
        state.counters["bytes_per_ticket"] =
            static_cast<double>(heap_after - heap_before) / static_cast<double>(result.tickets);
        const double plain = plain_ns_per_command(20000);
        state.counters["plain_ns_per_command"] = plain;
        state.counters["overhead_ratio"] = per_command / plain;
        benchmark::DoNotOptimize(result);
    }
}
BENCHMARK(BM_WhatIfMonth100k)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
