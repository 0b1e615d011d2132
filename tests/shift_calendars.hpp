#pragma once
// Shift calendars for agent-directory and assignment tests.

#include "ticketflow/calendar.hpp"

namespace ticketflow::testing {

// Every day 18:00–24:00 in Beijing; may20_1430() is 14:30 there, 3.5 h before it starts.
inline BusinessCalendar evening_shift() {
    static const BusinessCalendar calendar = BusinessCalendar::from_json(R"({
        "timezone": "Asia/Shanghai",
        "weekly": {"mon": [["18:00","24:00"]], "tue": [["18:00","24:00"]], "wed": [["18:00","24:00"]],
                   "thu": [["18:00","24:00"]], "fri": [["18:00","24:00"]], "sat": [["18:00","24:00"]],
                   "sun": [["18:00","24:00"]]},
        "horizon": [2024, 2026]})",
                                                                         "evening shift");
    return calendar;
}

} // namespace ticketflow::testing
