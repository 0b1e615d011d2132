#pragma once
// A histogram of durations in whole minutes with bounded size, for percentiles that stay
// exact to the minute where most ticket durations lie and within 0.4 % above.
//
// Buckets: one per minute below 1024 minutes; above, each power of two [2^k, 2^(k+1)) is
// split into 256 equal buckets (width 2^(k-8) minutes). Durations are clamped to
// [0, 2^40) minutes. The bucket array grows only up to the largest duration seen: at most
// 1024 + 256 × 30 counters, 14 KiB for a month-long duration.

#include "ticketflow/report.hpp"

#include <cstdint>
#include <vector>

namespace ticketflow::detail {

class MinuteHistogram {
public:
    void add(Duration d);
    // Count, total and max exact; percentiles by nearest rank over the buckets.
    DurationStats summary(const std::vector<double>& percentiles) const;
    std::size_t count() const noexcept { return count_; }

private:
    static std::size_t index_of(std::uint64_t minutes) noexcept;
    static std::uint64_t lower_bound_of(std::size_t index) noexcept;
    Duration percentile(double p) const;

    std::vector<std::uint32_t> counts_;
    std::size_t count_ = 0;
    Duration total_{0};
    Duration max_{0};
};

} // namespace ticketflow::detail
