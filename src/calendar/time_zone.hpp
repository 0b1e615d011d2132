#pragma once
// An IANA time zone read from the system tz database (TZif files, RFC 8536).

#include "calendar/civil.hpp"

#include <string>
#include <vector>

namespace ticketflow::detail {

class TimeZone {
public:
    // Loads `name` from $TZDIR (default /usr/share/zoneinfo). Offsets are exact up to the
    // end of `last_year`: the file's transition table, extended with its POSIX TZ footer.
    // When the zone has no file there (a slim container without tzdata), a zone with one
    // fixed offset since `first_year` or earlier (Asia/Shanghai: UTC+8 since 1992) uses a
    // built-in rule. Throws CalendarError naming the zone when it is unknown, its file is
    // damaged, or there is no tz database and no built-in rule (naming TZDIR).
    static TimeZone load(const std::string& name, int first_year, int last_year);

    const std::string& name() const { return name_; }

    // UTC offset, in seconds east of Greenwich, in effect at `utc`.
    int offset_at(Seconds utc) const;

    Seconds to_local(Seconds utc) const { return utc + offset_at(utc); }

    // The first instant at which the local clock reads `local` or later. A time skipped by
    // a spring-forward jump maps to the jump; a time that occurs twice maps to its first
    // occurrence. Never decreases as `local` increases.
    Seconds first_reaching(Seconds local) const;

private:
    // The offset in effect from `at` until the next transition.
    struct Transition {
        Seconds at;
        int offset;
    };

    std::string name_;
    int initial_offset_ = 0; // before the first transition
    std::vector<Transition> transitions_;

    void append(Seconds at, int offset);
    void extend_with_footer(const std::string& footer, int last_year);
};

} // namespace ticketflow::detail
