#pragma once
// The POSIX TZ rule at the end of a TZif file (e.g. "CET-1CEST,M3.5.0,M10.5.0/3"): the
// zone's offsets after its last listed transition.

#include "calendar/civil.hpp"

#include <string_view>
#include <vector>

namespace ticketflow::detail {

class PosixTimeZone {
public:
    // Throws std::invalid_argument for a string that is not a POSIX TZ rule, or one with
    // daylight time but no rule for when it starts and ends.
    explicit PosixTimeZone(std::string_view rule);

    // UTC offset (seconds east of Greenwich) in effect at `utc`.
    int offset_at(Seconds utc) const;

    // The instants at which daylight time starts and ends in `year` (none without DST).
    std::vector<Seconds> changes_in(int year) const;

private:
    // When in the year daylight time starts or ends, as written in the rule.
    struct Change {
        enum class Kind { julian_without_leap_day, zero_based_day, month_week_day } kind;
        int day = 0;                          // Jn: 1..365; n: 0..365
        int month = 0, week = 0, weekday = 0; // Mm.w.d: week 5 = the last; weekday 0 = Sunday
        int time = 7200;                      // local wall-clock seconds after midnight; may be negative or > 24h
        Seconds local_seconds(int year) const;
    };

    static Change parse_change(std::string_view& text);

    int standard_offset_ = 0;
    int daylight_offset_ = 0;
    bool has_daylight_ = false;
    Change start_{}, end_{};

    Seconds start_utc(int year) const { return start_.local_seconds(year) - standard_offset_; }
    Seconds end_utc(int year) const { return end_.local_seconds(year) - daylight_offset_; }
};

} // namespace ticketflow::detail
