#pragma once
// Texts of the notifications the desk writes, following the SOPs' wording.

#include "ticketflow/calendar.hpp"
#include "ticketflow/ticket.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace ticketflow::detail {

// The pieces one after another, built in one allocation (commands build these texts on
// every call).
std::string join(std::initializer_list<std::string_view> pieces);

// "今日18:00" when `t` falls on the local day of `now`, else "5月21日18:00".
std::string local_time_text(const BusinessCalendar& calendar, Instant t, Instant now);

std::string received_text(const Ticket& t, const std::string& promise);
std::string assigned_text(const Ticket& t);
std::string escalated_text(const Ticket& t, const std::string& reason);
std::string resolved_text(const Ticket& t);
std::string reopened_text(const Ticket& t, const std::string& reason);
std::string closed_text(const Ticket& t);
std::string cancelled_text(const Ticket& t, const std::string& note);
std::string merged_text(const Ticket& duplicate, const TicketId& primary);
// "2027-01-04".
std::string date_text(boost::gregorian::date day);
// To the calendar administrator: a deadline of `t` is provisional; `covered` says what
// the calendar covers.
std::string provisional_text(const Ticket& t, const std::string& covered);

} // namespace ticketflow::detail
