#pragma once
// Compact binary encoding of tickets and audit events: MemoryStore keeps a closed ticket
// and its history in it in a few hundred bytes beyond their text, and SqliteStore stores
// ticket payloads in it (a BLOB), since decoding it is many times faster than JSON.
//
// Because files hold it, an encoded ticket starts with a format number. A change to the
// layout is a new format number, and decode_ticket() keeps reading the old ones:
//   format 1: [varint 1][fields]                      (read only)
//   format 2: [varint 2][fields][CRC-32C, 4 bytes LE]  (written), the checksum over all
//             bytes before it, so any damaged byte is detected before a field is read.
// Malformed input (a checksum mismatch, truncated, an unknown format, an enum out of
// range, a count larger than the bytes left, a time out of range) throws DamagedEncoding;
// it never reads out of bounds.

#include "ticketflow/audit.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/ticket.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::detail {

// What decode_ticket() and decode_events() throw for bytes that are not a valid encoding.
// The stores turn it into StorageError; it never leaves the library. Exported (default
// visibility) so that a shared build catches it by type across the library boundary.
class TICKETFLOW_API DamagedEncoding : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Exported for the sqlite component, which stores tickets in this encoding.
TICKETFLOW_API std::string encode_ticket(const Ticket& ticket);
TICKETFLOW_API Ticket decode_ticket(std::string_view bytes);

// Events are appended to a per-ticket log; the ticket id is not repeated in it. An event
// is appended whole or, when memory runs out, not at all.
void append_event(std::string& log, const AuditEvent& event);
std::vector<AuditEvent> decode_events(std::string_view log, const TicketId& ticket);

} // namespace ticketflow::detail
