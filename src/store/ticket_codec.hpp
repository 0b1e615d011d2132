#pragma once
// Compact binary encoding of tickets and audit events, used by MemoryStore to keep a
// closed ticket and its history in a few hundred bytes beyond their text. Internal and
// not a storage format: nothing outside the process ever reads it.

#include "ticketflow/audit.hpp"
#include "ticketflow/ticket.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::detail {

std::string encode_ticket(const Ticket& ticket);
Ticket decode_ticket(std::string_view bytes);

// Events are appended to a per-ticket log; the ticket id is not repeated in it.
void append_event(std::string& log, const AuditEvent& event);
std::vector<AuditEvent> decode_events(std::string_view log, const TicketId& ticket);

} // namespace ticketflow::detail
