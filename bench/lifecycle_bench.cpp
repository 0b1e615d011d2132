// ns per ServiceDesk command on a MemoryStore against the bare Boost.MSM transition
// (restore + process_event) measured in the same run, and heap bytes per stored closed
// ticket beyond its text.
#include "lifecycle/machine.hpp"
#include "support.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

// Heap accounting for the memory figure: every allocation of the process is counted.
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

// One in-state command (an internal note) through the full desk write path.
void BM_DeskAddNote(benchmark::State& state) {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    ServiceDesk desk(std::make_shared<MemoryStore>(), f.clock);
    id = desk.open(f.agent, sample_request()).id;
    for (auto _ : state) benchmark::DoNotOptimize(desk.add_note(bench_agent(), id, "已联系物流部"));
}
BENCHMARK(BM_DeskAddNote);

// A whole lifecycle, open → assign → start → resolve → close: five commands per iteration.
void BM_DeskLifecycle(benchmark::State& state) {
    auto clock = std::make_shared<ManualClock>(may20_1430());
    ServiceDesk desk(std::make_shared<MemoryStore>(), clock);
    auto agent = bench_agent();
    auto request = sample_request();
    for (auto _ : state) {
        auto id = desk.open(agent, request).id;
        desk.assign(agent, id, "eng-7");
        desk.start(agent, id);
        desk.resolve(agent, id, {"已修复", Responsibility::platform});
        desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 5, ""}});
    }
    state.counters["commands"] = benchmark::Counter(static_cast<double>(state.iterations()) * 5,
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_DeskLifecycle)->Unit(benchmark::kMicrosecond);

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
            desk.close(agent, id, {Satisfaction{SatisfactionGrade::satisfied, 5, ""}});
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
