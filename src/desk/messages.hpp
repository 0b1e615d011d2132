#pragma once
// Texts of the notifications the desk writes, following the SOPs' wording.

#include "ticketflow/ticket.hpp"

#include <string>

namespace ticketflow::detail {

std::string received_text(const Ticket& t);
std::string assigned_text(const Ticket& t);
std::string escalated_text(const Ticket& t, const std::string& reason);
std::string resolved_text(const Ticket& t);
std::string reopened_text(const Ticket& t, const std::string& reason);
std::string closed_text(const Ticket& t);
std::string cancelled_text(const Ticket& t, const std::string& note);

} // namespace ticketflow::detail
