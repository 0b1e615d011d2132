// ServiceDesk::tick() with 1,000,000 open tickets of which 100 are due, against the bare
// due-index lookup plus loading the same 100 tickets, measured in the same run.
#include "support.hpp"

#include <benchmark/benchmark.h>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

constexpr int open_tickets = 1'000'000;
constexpr int due_tickets = 100;

// One desk shared by the benchmarks: 999,900 tickets whose first response is due in 24 h;
// each measured iteration adds 100 urgent tickets that are already past their warning.
struct Backlog {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430() + 1h);
    // Warnings are written to the outbox and delivered, as with a host's notifier.
    ServiceDesk desk{store, clock, DeskConfig{}, std::make_shared<NullNotifier>()};
    Actor agent{"agent-1", Role::agent, ""};

    Backlog() {
        auto request = sample_request();
        request.priority = "一般";
        for (int i = 0; i < open_tickets - due_tickets; ++i) desk.open(agent, request);
    }

    // 特急 tickets received 50 minutes ago: past the 45-minute warning, before the 1 h deadline.
    void add_due_batch() {
        auto request = sample_request();
        request.priority = "特急";
        request.received_at = clock->now() - 50min;
        for (int i = 0; i < due_tickets; ++i) desk.open(agent, request);
    }

    static Backlog& get() {
        static Backlog backlog;
        return backlog;
    }
};

// The least any monitor must do: find the due tickets in the index and read them.
void BM_DueIndexLookupAndLoad(benchmark::State& state) {
    auto& b = Backlog::get();
    Ticket probe;
    for (auto _ : state) {
        state.PauseTiming();
        b.add_due_batch();
        state.ResumeTiming();
        auto due = b.store->due_until(b.clock->now(), 1000);
        for (const auto& entry : due) benchmark::DoNotOptimize(b.store->load(entry.ticket));
        state.PauseTiming();
        if (due.size() != due_tickets) state.SkipWithError("unexpected number of due tickets");
        b.desk.tick(b.clock->now()); // settle the batch so the next one is alone
        state.ResumeTiming();
    }
}
BENCHMARK(BM_DueIndexLookupAndLoad)->Iterations(20)->Unit(benchmark::kMicrosecond);

// tick() with 100 of 1,000,000 open tickets due: 100 warnings written, audited, notified.
void BM_Tick100Of1M(benchmark::State& state) {
    auto& b = Backlog::get();
    std::size_t handled = 0;
    for (auto _ : state) {
        state.PauseTiming();
        b.add_due_batch();
        state.ResumeTiming();
        handled = b.desk.tick(b.clock->now()).tickets;
    }
    if (handled != due_tickets) state.SkipWithError("tick handled an unexpected number of tickets");
    state.counters["tickets_handled"] = static_cast<double>(handled);
    state.counters["open_tickets"] = static_cast<double>(open_tickets);
}
BENCHMARK(BM_Tick100Of1M)->Iterations(20)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
