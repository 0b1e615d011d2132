#pragma once
// Texts of the notifications the desk writes, following the SOPs' wording.

#include "ticketflow/calendar.hpp"
#include "ticketflow/ticket.hpp"

#include <string>

namespace ticketflow::detail {

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

} // namespace ticketflow::detail
