#pragma once
// Every working interval of a calendar's horizon in UTC, with running totals of business
// time and of working days, and two direct indexes into them (by UTC day, and by running
// total), so that an instant query is a lookup and a scan over the few intervals of a day.

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
    Seconds worked_until(Seconds t) const;                           // business seconds in [begin, t)
    std::optional<Seconds> advance(Seconds t, Seconds amount) const; // amount > 0
    std::optional<Seconds> next_working(Seconds t) const;

    // Day queries; days are counted from first_day, which is day 0.
    std::int64_t day_count() const { return static_cast<std::int64_t>(workdays_through_.size()); }
    bool is_workday(std::int64_t day) const { return workdays_through_[idx(day)] > workdays_before(day); }
    std::optional<std::int64_t> add_workdays(std::int64_t day, int n) const;
    Seconds end_of_workday(std::int64_t day) const { return day_ends_[idx(day)]; }

private:
    static std::size_t idx(std::int64_t i) { return static_cast<std::size_t>(i); }
    // The number of intervals that start at or before `t`: std::upper_bound over starts_,
    // narrowed by the index of t's UTC day (`t` within the horizon).
    std::size_t starting_by(Seconds t) const;
    // The number of intervals with less than `worked` before them: std::lower_bound over
    // worked_before_, narrowed by the index of running totals (0 <= worked <= total).
    std::size_t with_less_before(Seconds worked) const;
    void build_indexes();
    std::int32_t workdays_before(std::int64_t day) const { return day == 0 ? 0 : workdays_through_[idx(day - 1)]; }
    void add_interval(Seconds start, Seconds end);

    Seconds begin_ = 0, end_ = 0;
    // Working intervals [starts_[i], ends_[i]), sorted, disjoint and not touching;
    // worked_before_[i] is the business time in all intervals before i.
    std::vector<Seconds> starts_, ends_, worked_before_;
    // day_first_[d]: intervals starting at or before begin_ + d days. The intervals that
    // start during UTC day d are [day_first_[d], day_first_[d + 1]), usually two or three.
    std::vector<std::uint32_t> day_first_;
    // worked_first_[k]: intervals with less than k << worked_shift_ seconds before them;
    // the step is the largest power of two up to the mean length of an interval (a shift,
    // not a division, per query), so each step spans one or two intervals.
    int worked_shift_ = 0;
    Seconds total_worked_ = 0; // business time in the whole horizon
    std::vector<std::uint32_t> worked_first_;
    // Per day: working days among days 0..day, and the end of the day's last interval.
    std::vector<std::int32_t> workdays_through_;
    std::vector<Seconds> day_ends_;
};

} // namespace ticketflow::detail
