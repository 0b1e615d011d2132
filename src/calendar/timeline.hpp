#pragma once
// Every working interval of a calendar's horizon in UTC, with running totals of business
// time and of working days, so that each query is a binary search.

#include "calendar/civil.hpp"
#include "calendar/schedule.hpp"
#include "calendar/time_zone.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace ticketflow::detail {

class Timeline {
public:
    // Lays out the working intervals of the local dates first_day..last_day.
    Timeline(const DaySchedule& schedule, const TimeZone& zone, const boost::gregorian::date& first_day,
             const boost::gregorian::date& last_day);

    // The horizon as UTC instants [begin, end): from the first day's local midnight to the
    // midnight after the last day.
    Seconds begin() const { return begin_; }
    Seconds end() const { return end_; }

    // Instant queries; `t` must lie within the horizon. nullopt: beyond the horizon.
    Seconds worked_until(Seconds t) const; // business seconds in [begin, t)
    std::optional<Seconds> advance(Seconds t, Seconds amount) const; // amount > 0
    std::optional<Seconds> next_working(Seconds t) const;

    // Day queries; days are counted from first_day, which is day 0.
    std::int64_t day_count() const { return static_cast<std::int64_t>(workdays_through_.size()); }
    bool is_workday(std::int64_t day) const { return workdays_through_[idx(day)] > workdays_before(day); }
    std::optional<std::int64_t> add_workdays(std::int64_t day, int n) const;
    Seconds end_of_workday(std::int64_t day) const { return day_ends_[idx(day)]; }

private:
    static std::size_t idx(std::int64_t i) { return static_cast<std::size_t>(i); }
    std::int32_t workdays_before(std::int64_t day) const { return day == 0 ? 0 : workdays_through_[idx(day - 1)]; }
    void add_interval(Seconds start, Seconds end);

    Seconds begin_ = 0, end_ = 0;
    // Working intervals [starts_[i], ends_[i]), sorted, disjoint and not touching;
    // worked_before_[i] is the business time in all intervals before i.
    std::vector<Seconds> starts_, ends_, worked_before_;
    // Per day: working days among days 0..day, and the end of the day's last interval.
    std::vector<std::int32_t> workdays_through_;
    std::vector<Seconds> day_ends_;
};

} // namespace ticketflow::detail
