// PII scan throughput on mixed Chinese customer-service text, next to two baselines over
// the same bytes measured in the same run: a plain copy, and a byte loop that counts ASCII
// digits (the least work any scanner must do). The ratio is the scanner's overhead.

#include "ticketflow/privacy.hpp"

#include "pii_corpus.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>

namespace {

constexpr std::size_t kTextBytes = 1 << 20;

// About one personal data item per 1–2 KB, among ordinary numbers and plain sentences.
const std::string& sparse_text() {
    static const std::string text =
        ticketflow::testing::PiiCorpus(2024, ticketflow::testing::CorpusOptions{0, 1, 1, 2, 6})
            .text_of_size(kTextBytes);
    return text;
}

// Every sentence carries personal data or an ordinary number: the worst realistic case.
const std::string& dense_text() {
    static const std::string text =
        ticketflow::testing::PiiCorpus(2025, ticketflow::testing::CorpusOptions{2, 4, 1, 4, 0})
            .text_of_size(kTextBytes);
    return text;
}

void report(benchmark::State& state, const std::string& text) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
    const ticketflow::PiiReport found = ticketflow::PiiScanner{}.scan(text);
    state.counters["pii_items"] = found.total();
}

void BM_BaselineCopy(benchmark::State& state) {
    const std::string& text = sparse_text();
    for (auto _ : state) {
        std::string copy = text;
        benchmark::DoNotOptimize(copy.data());
    }
    report(state, text);
}

void BM_BaselineDigitCount(benchmark::State& state) {
    const std::string& text = sparse_text();
    for (auto _ : state) {
        const auto digits = std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        benchmark::DoNotOptimize(digits);
    }
    report(state, text);
}

void BM_PiiScan_Sparse(benchmark::State& state) {
    const std::string& text = sparse_text();
    const ticketflow::PiiScanner scanner;
    for (auto _ : state) benchmark::DoNotOptimize(scanner.scan(text));
    report(state, text);
}

void BM_PiiMask_Sparse(benchmark::State& state) {
    const std::string& text = sparse_text();
    const ticketflow::PiiScanner scanner;
    for (auto _ : state) {
        ticketflow::MaskResult result = scanner.mask(text);
        benchmark::DoNotOptimize(result.text.data());
    }
    report(state, text);
}

void BM_PiiMask_Dense(benchmark::State& state) {
    const std::string& text = dense_text();
    const ticketflow::PiiScanner scanner;
    for (auto _ : state) {
        ticketflow::MaskResult result = scanner.mask(text);
        benchmark::DoNotOptimize(result.text.data());
    }
    report(state, text);
}

// A typical intake: a few hundred bytes per field, through the policy.
void BM_PolicyApply_Field(benchmark::State& state) {
    ticketflow::testing::PiiCorpus corpus(7);
    std::vector<std::string> fields;
    std::size_t bytes = 0;
    for (int i = 0; i < 256; ++i) {
        fields.push_back(corpus.next().text);
        bytes += fields.back().size();
    }
    const ticketflow::PrivacyPolicy policy;
    for (auto _ : state) {
        for (const std::string& field : fields) benchmark::DoNotOptimize(policy.apply("description", field));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes));
}

} // namespace

BENCHMARK(BM_BaselineCopy);
BENCHMARK(BM_BaselineDigitCount);
BENCHMARK(BM_PiiScan_Sparse);
BENCHMARK(BM_PiiMask_Sparse);
BENCHMARK(BM_PiiMask_Dense);
BENCHMARK(BM_PolicyApply_Field);

BENCHMARK_MAIN();
