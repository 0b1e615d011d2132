#include "calendar/timeline.hpp"

#include <algorithm>

namespace ticketflow::detail {

using boost::gregorian::date;

namespace {

// Index buckets with more intervals than this (a day of many short shifts) are searched
// by bisection rather than scanned.
constexpr std::size_t linear_scan_limit = 8;

} // namespace

Timeline::Timeline(const DaySchedule& schedule, const TimeZone& zone, const date& first_day, const date& last_day)
    : begin_(zone.first_reaching(midnight(first_day))),
      end_(zone.first_reaching(midnight(last_day) + seconds_per_day)) {
    std::int32_t workdays = 0;
    for (date day = first_day; day <= last_day; day += boost::gregorian::days(1)) {
        const auto& intervals = schedule.intervals_on(day);
        Seconds day_end = 0;
        for (const auto& interval : intervals) {
            const Seconds start = zone.first_reaching(midnight(day) + interval.from * Seconds{60});
            day_end = zone.first_reaching(midnight(day) + interval.to * Seconds{60});
            add_interval(start, day_end);
        }
        workdays += intervals.empty() ? 0 : 1;
        workdays_through_.push_back(workdays);
        day_ends_.push_back(day_end);
    }
    build_indexes();
}

void Timeline::build_indexes() {
    const std::size_t day_count = static_cast<std::size_t>((end_ - begin_) / seconds_per_day + 2);
    day_first_.reserve(day_count + 1);
    std::size_t i = 0;
    for (std::size_t day = 0; day <= day_count; ++day) {
        const Seconds day_start = begin_ + static_cast<Seconds>(day) * seconds_per_day;
        while (i < starts_.size() && starts_[i] <= day_start) ++i;
        day_first_.push_back(static_cast<std::uint32_t>(i));
    }
    if (starts_.empty()) return;
    const Seconds total = total_worked_ = worked_before_.back() + (ends_.back() - starts_.back());
    const Seconds mean = total / static_cast<Seconds>(starts_.size());
    while (worked_shift_ < 40 && (Seconds{2} << worked_shift_) <= mean) ++worked_shift_;
    const std::size_t steps = static_cast<std::size_t>((total >> worked_shift_) + 2);
    worked_first_.reserve(steps + 1);
    i = 0;
    for (std::size_t k = 0; k <= steps; ++k) {
        const Seconds worked = static_cast<Seconds>(k) << worked_shift_;
        while (i < worked_before_.size() && worked_before_[i] < worked) ++i;
        worked_first_.push_back(static_cast<std::uint32_t>(i));
    }
}

std::size_t Timeline::starting_by(Seconds t) const {
    const std::size_t day = static_cast<std::size_t>((t - begin_) / seconds_per_day);
    std::size_t i = day_first_[day];
    const std::size_t last = day_first_[day + 1];
    if (last - i > linear_scan_limit)
        return static_cast<std::size_t>(std::upper_bound(starts_.begin() + static_cast<std::ptrdiff_t>(i),
                                                         starts_.begin() + static_cast<std::ptrdiff_t>(last), t) -
                                        starts_.begin());
    // Sorted, so the starts at or before t are a prefix of the bucket: count them without a
    // data-dependent exit, whose misprediction would cost more than the few comparisons.
    std::size_t count = i;
    for (; i < last; ++i) count += starts_[i] <= t ? 1 : 0;
    return count;
}

std::size_t Timeline::with_less_before(Seconds worked) const {
    const std::size_t k = static_cast<std::size_t>(worked >> worked_shift_);
    std::size_t i = worked_first_[k];
    const std::size_t last = worked_first_[k + 1];
    if (last - i > linear_scan_limit)
        return static_cast<std::size_t>(std::lower_bound(worked_before_.begin() + static_cast<std::ptrdiff_t>(i),
                                                         worked_before_.begin() + static_cast<std::ptrdiff_t>(last),
                                                         worked) -
                                        worked_before_.begin());
    std::size_t count = i;
    for (; i < last; ++i) count += worked_before_[i] < worked ? 1 : 0;
    return count;
}

// Boundaries never decrease (see TimeZone::first_reaching), so intervals arrive in order;
// an interval that DST shrank to nothing is dropped, one that touches its predecessor
// (24:00 and 00:00 of the next day) is merged into it.
void Timeline::add_interval(Seconds start, Seconds end) {
    if (start == end) return;
    if (!ends_.empty() && ends_.back() == start) {
        ends_.back() = end;
        return;
    }
    worked_before_.push_back(ends_.empty() ? 0 : worked_before_.back() + (ends_.back() - starts_.back()));
    starts_.push_back(start);
    ends_.push_back(end);
}

Seconds Timeline::worked_until(Seconds t) const {
    const std::size_t after = starting_by(t);
    if (after == 0) return 0;
    const std::size_t i = after - 1;
    return worked_before_[i] + std::min(t, ends_[i]) - starts_[i];
}

std::optional<Seconds> Timeline::advance(Seconds t, Seconds amount) const {
    if (starts_.empty()) return std::nullopt;
    const Seconds worked = worked_until(t);
    // More than the horizon holds (checked before adding, so that no amount overflows).
    if (amount > total_worked_ - worked) return std::nullopt;
    const Seconds target = worked + amount;
    // The interval in which the running total reaches `target`: the last one that starts
    // with less worked. Reaching it exactly at an interval's end stays in that interval.
    const std::size_t i = with_less_before(target) - 1;
    const Seconds end = starts_[i] + (target - worked_before_[i]);
    if (end > ends_[i]) return std::nullopt;
    return end;
}

std::optional<Seconds> Timeline::next_working(Seconds t) const {
    const std::size_t after = starting_by(t);
    if (after != 0 && t < ends_[after - 1]) return t;
    if (after == starts_.size()) return std::nullopt;
    return starts_[after];
}

std::optional<std::int64_t> Timeline::add_workdays(std::int64_t day, int n) const {
    if (n == 0) return day;
    // The rank (1-based, in the horizon) of the working day wanted; the first day whose
    // running count reaches that rank is that working day.
    const std::int64_t rank =
        n > 0 ? std::int64_t{workdays_through_[idx(day)]} + n : std::int64_t{workdays_before(day)} + n + 1;
    if (rank < 1) return std::nullopt;
    const auto found = std::lower_bound(workdays_through_.begin(), workdays_through_.end(), rank);
    if (found == workdays_through_.end()) return std::nullopt;
    return found - workdays_through_.begin();
}

} // namespace ticketflow::detail
