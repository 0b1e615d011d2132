#pragma once
// Seconds and day numbers: the integer time scales the calendar computes on.

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <cstdint>

namespace ticketflow::detail {

// Seconds since 1970-01-01 00:00, either UTC or local wall-clock time (the name says which).
using Seconds = std::int64_t;

constexpr Seconds seconds_per_day = 86400;

// Division rounding towards minus infinity, for instants before 1970.
constexpr Seconds floor_div(Seconds a, Seconds b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

inline const boost::gregorian::date& unix_epoch_date() {
    static const boost::gregorian::date epoch(1970, 1, 1);
    return epoch;
}

// Days since 1970-01-01.
inline Seconds day_number(const boost::gregorian::date& d) { return (d - unix_epoch_date()).days(); }

inline boost::gregorian::date date_of_day(Seconds day) {
    return unix_epoch_date() + boost::gregorian::date_duration(static_cast<long>(day));
}

// Local wall-clock seconds at the start of `d`.
inline Seconds midnight(const boost::gregorian::date& d) { return day_number(d) * seconds_per_day; }

inline boost::gregorian::date date_of_seconds(Seconds s) { return date_of_day(floor_div(s, seconds_per_day)); }

} // namespace ticketflow::detail
