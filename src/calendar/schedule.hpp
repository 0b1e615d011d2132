#pragma once
// The rules of a CalendarDefinition: validation, the horizon, and which intervals a date has.

#include "ticketflow/calendar.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ticketflow::detail {

// "sun", "mon", ... "sat": the JSON keys of boost::date_time::weekdays 0..6.
const char* weekday_key(int weekday);

// Every horizon lies within these years; loaders range-check years against them.
constexpr int earliest_year = 1900;
constexpr int latest_year = 2500;

// The years a calendar is precomputed for.
struct Horizon {
    int first_year;
    int last_year;
};

// `definition` with its intervals sorted, after checking it; throws CalendarError
// "<source>: <field>: <problem>" for the first problem found.
CalendarDefinition validated(CalendarDefinition definition, const std::string& source);

// The horizon of a validated definition: its own years, or the defaults around its dates.
Horizon horizon_of(const CalendarDefinition& definition);

// The dates the holiday data of a validated definition covers: its own `covers`, or the
// whole years its holidays and workdays name; nullopt when it names none.
std::optional<DateRange> coverage_of(const CalendarDefinition& definition);

// Which working intervals a date has (see CalendarDefinition for the order of the rules).
class DaySchedule {
public:
    explicit DaySchedule(const CalendarDefinition& definition);
    const std::vector<WorkingInterval>& intervals_on(const boost::gregorian::date& date) const;

private:
    const CalendarDefinition& definition_;
    std::vector<WorkingInterval> make_up_;
    std::vector<WorkingInterval> none_;
};

// The intervals make-up workdays follow: those of the first of Monday..Friday with any.
std::vector<WorkingInterval> make_up_schedule(const CalendarDefinition& definition);

} // namespace ticketflow::detail
