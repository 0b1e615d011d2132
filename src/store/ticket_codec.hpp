#pragma once
// The audit trail encoding MemoryStore keeps each ticket's history in: the binary form of
// ticketflow/ticket_encoding.hpp without a format number, since it is never stored
// outside the process. Malformed input throws DamagedEncoding. And the instants the
// ticket encoding (encode_ticket(), in ticket_codec.cpp) can hold.

#include "ticketflow/audit.hpp"
#include "ticketflow/ticket_encoding.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::detail {

// True when the ticket encoding can hold instant `t` of a ticket received at `received`:
// it keeps a ticket's instants as seconds from its receipt, which must fit in 64 bits
// (decode_ticket() refuses an offset that does not as damage).
constexpr bool encodable(Instant t, Instant received) noexcept {
    using Limits = std::numeric_limits<std::int64_t>;
    const std::int64_t at = t.time_since_epoch().count();
    const std::int64_t base = received.time_since_epoch().count();
    return base >= 0 ? at >= Limits::min() + base : at <= Limits::max() + base;
}

// Events are appended to a per-ticket log; the ticket id is not repeated in it. An event
// is appended whole or, when memory runs out, not at all.
void append_event(std::string& log, const AuditEvent& event);
std::vector<AuditEvent> decode_events(std::string_view log, const TicketId& ticket);

} // namespace ticketflow::detail
