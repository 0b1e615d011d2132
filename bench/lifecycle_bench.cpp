// ns per ServiceDesk command on a MemoryStore (mean over lifecycles, and the median of
// commands timed one by one) against the bare Boost.MSM transition (restore +
// process_event) measured in the same run; allocations per command; heap bytes per stored
// closed ticket beyond its text.
#include "lifecycle/machine.hpp"
#include "support.hpp"
#include "ticketflow/observer.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <new>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

// Heap accounting for the memory figure: every allocation of the process is counted.
std::atomic<long long> heap_bytes{0};
std::atomic<long long> heap_allocations{0};

} // namespace

void* operator new(std::size_t size) {
    heap_bytes.fetch_add(static_cast<long long>(size), std::memory_order_relaxed);
    heap_allocations.fetch_add(1, std::memory_order_relaxed);
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
using namespace ticketflow::testing;

namespace {

Actor bench_agent() { return {"agent-1", Role::agent, ""}; }

// Baseline: the lifecycle machine alone, restored to in_progress, handling one event.
void BM_BareMsmTransition(benchmark::State& state) {
    Ticket t;
    t.id = "20240520001";
    t.status = Status::in_progress;
    for (auto _ : state) benchmark::DoNotOptimize(detail::apply_transition(t, Action::add_note));
}
BENCHMARK(BM_BareMsmTransition);

// One in-state command (an internal note) through the full desk write path, spread over
// a thousand open tickets that each take up to 20 notes (audit trails of a realistic length).
void BM_DeskAddNote(benchmark::State& state) {
    constexpr std::size_t pool = 1000, notes_per_ticket = 20;
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(std::make_shared<MemoryStore>(), clock);
    auto agent = bench_agent();
    std::vector<TicketId> ids;
    std::size_t next = 0;
    for (auto _ : state) {
        if (next % (pool * notes_per_ticket) == 0) {
            state.PauseTiming();
            ids.clear();
            for (std::size_t i = 0; i < pool; ++i) ids.push_back(desk.open(agent, sample_request()).id);
            state.ResumeTiming();
        }
        benchmark::DoNotOptimize(desk.add_note(agent, ids[next++ % pool], "已联系物流部"));
    }
}
BENCHMARK(BM_DeskAddNote);

// A whole lifecycle, open → assign → start → resolve → close: five commands per iteration.
void BM_DeskLifecycle(benchmark::State& state) {
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(std::make_shared<MemoryStore>(), clock);
    auto agent = bench_agent();
    auto request = sample_request();
    const long long allocations_before = heap_allocations.load();
    for (auto _ : state) {
        auto id = desk.open(agent, request).id;
        desk.assign(agent, id, "eng-7");
        desk.start(agent, id);
        desk.resolve(agent, id, {"已修复", Responsibility::platform});
        desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    }
    const double commands = static_cast<double>(state.iterations()) * 5;
    state.counters["commands"] =
        benchmark::Counter(commands, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["allocs_per_command"] = static_cast<double>(heap_allocations.load() - allocations_before) / commands;
}
BENCHMARK(BM_DeskLifecycle)->Unit(benchmark::kMicrosecond);

// Accepts every notification, as a host's SMS or chat gateway would that answers at once.
class AcceptingNotifier : public Notifier {
public:
    bool deliver(const Notification& n) override {
        benchmark::DoNotOptimize(n.text.data());
        return true;
    }
};

// Takes 200 ms per notification, as a slow SMS gateway does.
class SlowNotifier : public Notifier {
public:
    bool deliver(const Notification&) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return true;
    }
};

// Counts every event, with relaxed atomics, as a metrics exporter does.
class CountingObserver : public DeskObserver {
public:
    void on_command(const CommandEvent& e) override {
        latency_ns_.fetch_add(static_cast<std::uint64_t>(e.latency.count()), std::memory_order_relaxed);
    }
    void on_commit(const CommitEvent& e) override { commits_.fetch_add(e.tickets, std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> latency_ns_{0};
    std::atomic<std::uint64_t> commits_{0};
};

// The desk of each BM_DeskCommandLatency argument: 0 without a notifier; 1 with one
// delivered to after each command; 2 with one delivered to by the desk's background
// thread; 3 the same with a notifier that takes 200 ms per notification; 4 without a
// notifier, with a DeskObserver that counts what it hears; 5 with a notifier the desk
// never calls (host mode): notifications rendered and written, not delivered, so 2 ÷ 5
// is what the delivery thread costs the commands.
std::unique_ptr<ServiceDesk> latency_desk(int variant, std::shared_ptr<Clock> clock) {
    DeskConfig config;
    if (variant == 4) {
        config.observer = std::make_shared<CountingObserver>();
        return std::make_unique<ServiceDesk>(std::make_shared<MemoryStore>(), std::move(clock), config);
    }
    std::shared_ptr<Notifier> notifier;
    if (variant >= 1) notifier = std::make_shared<AcceptingNotifier>();
    if (variant >= 2) config.delivery.mode = DeliveryMode::background;
    if (variant == 5) config.delivery.mode = DeliveryMode::host;
    if (variant == 3) {
        notifier = std::make_shared<SlowNotifier>();
        config.delivery.drain_on_shutdown = false; // 100,000 rows at 200 ms each stay for the next desk
    }
    return std::make_unique<ServiceDesk>(std::make_shared<MemoryStore>(), std::move(clock), config, notifier);
}

// The latency of each command of many lifecycles, timed one by one: the median over all
// commands (the target), the 90th percentile, and the median of each kind. The cost of
// reading the clock, measured in the same run, is taken off every sample. The argument
// chooses the desk (see latency_desk()).
void BM_DeskCommandLatency(benchmark::State& state) {
    const int variant = static_cast<int>(state.range(0));
    using Timer = std::chrono::steady_clock;
    constexpr int lifecycles = 20000;
    const char* kinds[] = {"open", "assign", "start", "resolve", "close"};
    std::vector<double> all, by_kind[5], clock_cost;
    for (auto _ : state) {
        auto clock = std::make_shared<ManualClock>(may20_1430());
        auto owned = latency_desk(variant, clock);
        ServiceDesk& desk = *owned;
        auto agent = bench_agent();
        auto request = sample_request();
        all.clear();
        for (auto& k : by_kind) k.clear();
        clock_cost.clear();
        for (int i = 0; i < lifecycles; ++i) {
            TicketId id;
            auto timed = [&](int kind, auto&& command) {
                const auto t0 = Timer::now();
                command();
                const auto t1 = Timer::now();
                by_kind[kind].push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
            };
            timed(0, [&] { id = desk.open(agent, request).id; });
            timed(1, [&] { desk.assign(agent, id, "eng-7"); });
            timed(2, [&] { desk.start(agent, id); });
            timed(3, [&] { desk.resolve(agent, id, {"已修复", Responsibility::platform}); });
            timed(4, [&] { desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}}); });
            const auto c0 = Timer::now();
            const auto c1 = Timer::now();
            clock_cost.push_back(std::chrono::duration<double, std::nano>(c1 - c0).count());
        }
    }
    auto quantile = [](std::vector<double> v, double q) {
        auto at = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
        std::nth_element(v.begin(), at, v.end());
        return *at;
    };
    const double overhead = quantile(clock_cost, 0.5);
    for (int k = 0; k < 5; ++k) {
        for (auto& ns : by_kind[k]) ns -= overhead;
        all.insert(all.end(), by_kind[k].begin(), by_kind[k].end());
        state.counters[std::string("median_") + kinds[k] + "_ns"] = quantile(by_kind[k], 0.5);
    }
    state.counters["median_ns"] = quantile(all, 0.5);
    state.counters["p90_ns"] = quantile(all, 0.9);
    state.counters["clock_ns"] = overhead;
}
BENCHMARK(BM_DeskCommandLatency)
    ->ArgName("notifier")
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Arg(3)
    ->Arg(4)
    ->Arg(5)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

NewTicket raised_problem(const char* text) {
    NewTicket p;
    p.type = ticket_types::complaint;
    p.description = text;
    return p;
}

// record_visit with two problems raised (assign, start, resolve, close the visit and open
// two derived tickets: one transaction) against a plain command timed the same way in the
// same run (an internal note on an open ticket): the ratio is the figure. Beside it, the
// same six actions as six commands on an ordinary ticket (assign, start, resolve, close,
// two open_derived), so `ratio_to_separate` is what doing them in one transaction costs.
void BM_RecordVisitTwoProblems(benchmark::State& state) {
    using Timer = std::chrono::steady_clock;
    constexpr int visits = 5000;
    std::vector<double> visit_ns, note_ns, separate_ns;
    for (auto _ : state) {
        auto clock = std::make_shared<ManualClock>(may20_1430());
        ServiceDesk desk(std::make_shared<MemoryStore>(), clock);
        Actor lead{"lead-1", Role::team_lead, ""};
        VisitRecord record;
        record.answers = {{"处理速度", 2, "太慢"}, {"服务态度", 4, ""}};
        record.problems = {raised_problem("处理太慢"), raised_problem("退款未到账")};
        for (int i = 0; i < visits; ++i) {
            auto served = desk.open(lead, sample_request()).id;
            VisitRequest r;
            r.served = served;
            r.window_from = clock->now();
            r.window_until = clock->now() + std::chrono::hours(48);
            auto visit = desk.open_visit(lead, r).id;
            auto plain = desk.open(lead, sample_request()).id;
            auto t0 = Timer::now();
            benchmark::DoNotOptimize(desk.add_note(lead, served, "已安排回访"));
            auto t1 = Timer::now();
            benchmark::DoNotOptimize(desk.record_visit(lead, visit, record));
            auto t2 = Timer::now();
            desk.assign(lead, plain, lead.id);
            desk.start(lead, plain);
            desk.resolve(lead, plain, {"回访完成", Responsibility::platform});
            desk.close(lead, plain, {Satisfaction{SatisfactionGrade::dissatisfied, 2, ""}});
            for (const auto& problem : record.problems) desk.open_derived(lead, plain, problem.request);
            auto t3 = Timer::now();
            note_ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
            visit_ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count());
            separate_ns.push_back(std::chrono::duration<double, std::nano>(t3 - t2).count());
        }
    }
    auto median = [](std::vector<double> v) {
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    state.counters["median_record_visit_ns"] = median(visit_ns);
    state.counters["median_command_ns"] = median(note_ns);
    state.counters["ratio"] = median(visit_ns) / median(note_ns);
    state.counters["median_separate_ns"] = median(separate_ns);
    state.counters["ratio_to_separate"] = median(visit_ns) / median(separate_ns);
}
BENCHMARK(BM_RecordVisitTwoProblems)->Iterations(1)->Unit(benchmark::kMillisecond);

std::size_t text_bytes(const Ticket& t, const std::vector<AuditEvent>& history) {
    std::size_t n = t.id.size() + t.channel.size() + t.type.size() + t.priority.size() + t.customer.id.size() +
                    t.customer.nickname.size() + t.customer.contact_token.size() + t.description.size() +
                    t.order_number.size() + t.department.size() + t.assignee.size() + t.resolution.size() +
                    t.remarks.size() + t.wait_reason.size();
    for (const auto& s : t.attachments) n += s.size();
    for (const auto& s : t.tags) n += s.size();
    for (const auto& l : t.links) n += l.target.size();
    if (t.satisfaction) n += t.satisfaction->comment.size();
    for (const auto& e : history) n += e.ticket.size() + e.actor.size() + e.note.size();
    return n;
}

// Heap bytes a MemoryStore holds per closed ticket, minus the bytes of its text.
void BM_BytesPerClosedTicket(benchmark::State& state) {
    constexpr int tickets = 20000;
    double overhead = 0, text = 0;
    for (auto _ : state) {
        auto store = std::make_shared<MemoryStore>();
        auto clock = std::make_shared<ManualClock>(may20_1430());
        ServiceDesk desk(store, clock);
        auto agent = bench_agent();
        auto request = sample_request();
        std::vector<TicketId> ids;
        ids.reserve(tickets);
        // Warm the desk's own one-off allocations before measuring.
        desk.open(agent, request);
        long long before = heap_bytes.load();
        for (int i = 0; i < tickets; ++i) {
            auto id = desk.open(agent, request).id;
            desk.assign(agent, id, "eng-7");
            desk.start(agent, id);
            desk.resolve(agent, id, {"已修复", Responsibility::platform});
            desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
            ids.push_back(id);
        }
        long long after = heap_bytes.load();
        std::size_t ids_heap = ids.capacity() * sizeof(TicketId);
        std::size_t total_text = 0;
        for (const auto& id : ids) total_text += text_bytes(*store->load(id), store->history(id));
        text = static_cast<double>(total_text) / tickets;
        overhead = (static_cast<double>(after - before) - static_cast<double>(ids_heap)) / tickets - text;
    }
    state.counters["bytes_beyond_text"] = overhead;
    state.counters["text_bytes"] = text;
}
BENCHMARK(BM_BytesPerClosedTicket)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
