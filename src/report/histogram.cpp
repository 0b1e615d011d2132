#include "report/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace ticketflow::detail {
namespace {

constexpr std::uint64_t linear_minutes = 1024; // exact below this
constexpr int sub_bits = 8;                    // 256 buckets per power of two above
constexpr int linear_bits = 10;                // log2(linear_minutes)
constexpr std::uint64_t max_minutes = (std::uint64_t{1} << 40) - 1;

int floor_log2(std::uint64_t v) noexcept { return 63 - __builtin_clzll(v); } // v > 0

} // namespace

std::size_t MinuteHistogram::index_of(std::uint64_t minutes) noexcept {
    if (minutes < linear_minutes) return static_cast<std::size_t>(minutes);
    int k = floor_log2(minutes);
    std::uint64_t sub = (minutes >> (k - sub_bits)) & ((1u << sub_bits) - 1);
    return static_cast<std::size_t>(linear_minutes + static_cast<std::uint64_t>(k - linear_bits) * (1u << sub_bits) +
                                    sub);
}

std::uint64_t MinuteHistogram::lower_bound_of(std::size_t index) noexcept {
    if (index < linear_minutes) return index;
    std::uint64_t j = index - linear_minutes;
    int k = linear_bits + static_cast<int>(j >> sub_bits);
    std::uint64_t sub = j & ((1u << sub_bits) - 1);
    return ((std::uint64_t{1} << sub_bits) + sub) << (k - sub_bits);
}

void MinuteHistogram::add(Duration d) {
    d = std::max(d, Duration{0}); // a resolution recorded before receipt is a data error, not a negative time
    auto minutes = std::min<std::uint64_t>(static_cast<std::uint64_t>(d.count()) / 60, max_minutes);
    std::size_t index = index_of(minutes);
    if (index >= counts_.size()) counts_.resize(index + 1, 0);
    ++counts_[index];
    ++count_;
    total_ += d;
    max_ = std::max(max_, d);
}

Duration MinuteHistogram::percentile(double p) const {
    if (p >= 100.0) return max_;
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::max<std::size_t>(rank, 1);
    std::size_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(Duration{static_cast<Duration::rep>(lower_bound_of(i) * 60)}, max_);
    }
    return max_;
}

DurationStats MinuteHistogram::summary(const std::vector<double>& percentiles) const {
    DurationStats s;
    s.count = count_;
    s.total = total_;
    s.max = max_;
    if (count_ == 0) return s;
    for (double p : percentiles) s.percentiles.push_back({p, percentile(p)});
    return s;
}

} // namespace ticketflow::detail
