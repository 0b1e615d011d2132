#pragma once
// Reading and writing the textual forms of dates and times in calendar files and messages.

#include "calendar/civil.hpp"
#include "ticketflow/calendar.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ticketflow::detail {

// "2024-02-10"; nullopt unless exactly that form and a real date.
std::optional<boost::gregorian::date> parse_iso_date(std::string_view text);

// "20240210" (iCalendar DATE); nullopt unless exactly that form and a real date.
std::optional<boost::gregorian::date> parse_basic_date(std::string_view text);

// "09:30" in minutes after midnight; "24:00" is allowed (1440). nullopt for anything else.
std::optional<int> parse_hhmm(std::string_view text);

std::string format_date(const boost::gregorian::date& d);     // 2024-02-10
std::string format_hhmm(int minutes);                         // 09:30
std::string format_interval(const WorkingInterval& interval); // 09:00-12:00
std::string format_utc(Seconds utc);                          // 2024-02-10T01:00:00Z

} // namespace ticketflow::detail
