// ns per business-time query on the mainland-China calendar, for spans of 1 hour and 1, 5
// and 30 working days, against the brute-force reference of the tests (which walks the
// calendar minute by minute) in the same run; and deadlines on realistic workloads: many
// distinct random starts spread over three years, or all inside one month.
#include "calendar_reference.hpp"
#include "ticketflow/calendar.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace ticketflow;
using testing::days_from_civil;
using testing::ReferenceCalendar;
using testing::Secs;

namespace {

constexpr Secs working_day = 7 * 3600 + 30 * 60; // 09:00-12:00 and 13:30-18:00
constexpr std::size_t start_count = 1024;        // a power of two, cycled through with a mask
constexpr std::size_t reference_samples = 64;

Instant at(Secs utc) { return Instant{Duration{utc}}; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct Fixture {
    BusinessCalendar calendar = BusinessCalendar::china_mainland();
    ReferenceCalendar reference{read_file(std::string(TICKETFLOW_SOURCE_DIR) + "/data/calendars/cn-mainland.json"),
                                testing::shanghai_rule(), days_from_civil(2023, 12, 1), days_from_civil(2027, 6, 30)};
    std::vector<Secs> starts; // random instants in 2024-2026, in and out of working time

    Fixture() {
        std::mt19937_64 rng(42);
        std::uniform_int_distribution<Secs> instant(days_from_civil(2024, 1, 1) * 86400,
                                                    days_from_civil(2026, 10, 31) * 86400);
        for (std::size_t i = 0; i < start_count; ++i) starts.push_back(instant(rng));
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

// ns per call of query(i) (i: index of the start) over the first `count` starts.
template <typename Query>
double ns_per_call(Query query, std::size_t count) {
    const auto begin = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < count; ++i) benchmark::DoNotOptimize(query(i & (start_count - 1)));
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - begin).count() /
           static_cast<double>(count);
}

// Adds the counters reference_ns and speedup (reference time / library time, both timed
// here on the same starts; the Time column is the library's time as the framework measures it).
template <typename LibraryQuery, typename ReferenceQuery>
void compare_with_reference(benchmark::State& state, LibraryQuery library, ReferenceQuery reference) {
    const double reference_ns = ns_per_call(reference, reference_samples);
    state.counters["reference_ns"] = reference_ns;
    state.counters["speedup"] = reference_ns / ns_per_call(library, 16 * start_count);
}

void BM_AddBusinessTime(benchmark::State& state, Secs span) {
    const auto& f = fixture();
    const auto library = [&](std::size_t i) { return f.calendar.add_business_time(at(f.starts[i]), Duration{span}); };
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(library(i));
        i = (i + 1) & (start_count - 1);
    }
    compare_with_reference(state, library,
                           [&](std::size_t k) { return f.reference.add_business_time(f.starts[k], span); });
}

void BM_BusinessTimeBetween(benchmark::State& state, Secs span) {
    const auto& f = fixture();
    std::vector<Instant> ends;
    for (Secs start : f.starts) ends.push_back(f.calendar.add_business_time(at(start), Duration{span}));
    const auto library = [&](std::size_t i) { return f.calendar.business_time_between(at(f.starts[i]), ends[i]); };
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(library(i));
        i = (i + 1) & (start_count - 1);
    }
    compare_with_reference(state, library, [&](std::size_t k) {
        return f.reference.business_time_between(f.starts[k], ends[k].time_since_epoch().count());
    });
}

// Deadlines as a desk computes them: 2^20 distinct random starts (far more than fit in the
// caches with the calendar's tables), each with an SLA-like span: 1 or 4 hours, 1 or 3
// working days. `first_day`..`last_day` bound the starts.
struct DeadlineWorkload {
    std::vector<Instant> starts;
    std::vector<Duration> spans;

    DeadlineWorkload(Secs first_day, Secs last_day) {
        constexpr std::size_t count = std::size_t{1} << 20;
        std::mt19937_64 rng(7);
        std::uniform_int_distribution<Secs> instant(first_day * 86400, (last_day + 1) * 86400 - 1);
        const Duration choices[] = {Duration{3600}, Duration{4 * 3600}, Duration{working_day},
                                    Duration{3 * working_day}};
        std::uniform_int_distribution<std::size_t> choice(0, 3);
        for (std::size_t i = 0; i < count; ++i) {
            starts.push_back(at(instant(rng)));
            spans.push_back(choices[choice(rng)]);
        }
    }
};

void BM_Deadline(benchmark::State& state, const DeadlineWorkload* workload) {
    const auto& calendar = fixture().calendar;
    const std::size_t mask = workload->starts.size() - 1;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(calendar.add_business_time(workload->starts[i], workload->spans[i]));
        i = (i + 1) & mask;
    }
}

} // namespace

int main(int argc, char** argv) {
    static const DeadlineWorkload three_years(days_from_civil(2024, 1, 1), days_from_civil(2026, 12, 31));
    static const DeadlineWorkload one_month(days_from_civil(2025, 3, 1), days_from_civil(2025, 3, 31));
    benchmark::RegisterBenchmark("BM_Deadline/random_starts_2024_2026", BM_Deadline, &three_years)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true);
    benchmark::RegisterBenchmark("BM_Deadline/random_starts_2025_03", BM_Deadline, &one_month)
        ->Repetitions(5)
        ->ReportAggregatesOnly(true);
    const std::pair<const char*, Secs> spans[] = {{"1_hour", 3600},
                                                  {"1_workday", working_day},
                                                  {"5_workdays", 5 * working_day},
                                                  {"30_workdays", 30 * working_day}};
    for (const auto& [name, span] : spans)
        benchmark::RegisterBenchmark((std::string("BM_AddBusinessTime/") + name).c_str(), BM_AddBusinessTime, span)
            ->Repetitions(5)
            ->ReportAggregatesOnly(true);
    for (const auto& [name, span] : spans)
        benchmark::RegisterBenchmark((std::string("BM_BusinessTimeBetween/") + name).c_str(), BM_BusinessTimeBetween,
                                     span)
            ->Repetitions(5)
            ->ReportAggregatesOnly(true);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
