#pragma once
// The audit trail encoding MemoryStore keeps each ticket's history in: the binary form of
// ticketflow/ticket_encoding.hpp without a format number, since it is never stored
// outside the process. Malformed input throws DamagedEncoding.

#include "ticketflow/audit.hpp"
#include "ticketflow/ticket_encoding.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::detail {

// Events are appended to a per-ticket log; the ticket id is not repeated in it. An event
// is appended whole or, when memory runs out, not at all.
void append_event(std::string& log, const AuditEvent& event);
std::vector<AuditEvent> decode_events(std::string_view log, const TicketId& ticket);

} // namespace ticketflow::detail
