#include "calendar/timeline.hpp"

#include <algorithm>

namespace ticketflow::detail {

using boost::gregorian::date;

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
    const auto after = std::upper_bound(starts_.begin(), starts_.end(), t);
    if (after == starts_.begin()) return 0;
    const std::size_t i = static_cast<std::size_t>(after - starts_.begin()) - 1;
    return worked_before_[i] + std::min(t, ends_[i]) - starts_[i];
}

std::optional<Seconds> Timeline::advance(Seconds t, Seconds amount) const {
    if (starts_.empty()) return std::nullopt;
    const Seconds worked = worked_until(t);
    // More than the horizon holds (checked before adding, so that no amount overflows).
    if (amount > worked_before_.back() + (ends_.back() - starts_.back()) - worked) return std::nullopt;
    const Seconds target = worked + amount;
    // The interval in which the running total reaches `target`: the last one that starts
    // with less worked. Reaching it exactly at an interval's end stays in that interval.
    const auto reached = std::lower_bound(worked_before_.begin(), worked_before_.end(), target);
    const std::size_t i = static_cast<std::size_t>(reached - worked_before_.begin()) - 1;
    const Seconds end = starts_[i] + (target - worked_before_[i]);
    if (end > ends_[i]) return std::nullopt;
    return end;
}

std::optional<Seconds> Timeline::next_working(Seconds t) const {
    const auto after = std::upper_bound(starts_.begin(), starts_.end(), t);
    if (after != starts_.begin() && t < ends_[static_cast<std::size_t>(after - starts_.begin()) - 1]) return t;
    if (after == starts_.end()) return std::nullopt;
    return *after;
}

std::optional<std::int64_t> Timeline::add_workdays(std::int64_t day, int n) const {
    if (n == 0) return day;
    // The rank (1-based, in the horizon) of the working day wanted; the first day whose
    // running count reaches that rank is that working day.
    const std::int64_t rank = n > 0 ? std::int64_t{workdays_through_[idx(day)]} + n
                                    : std::int64_t{workdays_before(day)} + n + 1;
    if (rank < 1) return std::nullopt;
    const auto found = std::lower_bound(workdays_through_.begin(), workdays_through_.end(), rank);
    if (found == workdays_through_.end()) return std::nullopt;
    return found - workdays_through_.begin();
}

} // namespace ticketflow::detail
