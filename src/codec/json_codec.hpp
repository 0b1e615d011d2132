#pragma once
// JSON form of tickets, audit events and notifications: the `--json` output of ticketctl,
// the building block of JSON reports, and the payload of SqliteStore rows written before
// schema 3 (still read).
//
// Encoding always writes every member (optional ones as null), so consumers see one
// stable shape. Decoding treats a missing member as its default value, so a payload
// written before a member existed still reads; a member of the wrong type, an unknown
// enum name or a malformed time throws ValidationError naming the member's path.
//
// Times are UTC in ISO 8601 with a Z suffix, e.g. "2024-05-20T06:30:00Z"; enums use the
// stable names of their to_string() functions.
//
// A new member of Ticket must be added here too (and to store/ticket_codec.cpp): the JSON
// codec's round-trip test and the store conformance suite fail until it is.

#include "ticketflow/audit.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ticketflow::detail {

/// "2024-05-20T06:30:00Z".
TICKETFLOW_API std::string format_instant(Instant t);
/// Parses format_instant()'s form. @throws ValidationError naming @p field.
TICKETFLOW_API Instant parse_instant(const std::string& text, const std::string& field);

/// The ticket as JSON text, members in declaration order: the store's payload. Written
/// directly, without a document. @throws ValidationError when a text is not UTF-8.
TICKETFLOW_API std::string ticket_to_json_text(const Ticket& ticket);
/// The same as a document (members then sorted by name).
TICKETFLOW_API nlohmann::json ticket_to_json(const Ticket& ticket);
TICKETFLOW_API Ticket ticket_from_json(const nlohmann::json& json);

TICKETFLOW_API nlohmann::json event_to_json(const AuditEvent& event);
TICKETFLOW_API AuditEvent event_from_json(const nlohmann::json& json);

TICKETFLOW_API nlohmann::json notification_to_json(const Notification& notification);
TICKETFLOW_API Notification notification_from_json(const nlohmann::json& json);

/// A notification with its delivery bookkeeping (read-only views such as listings).
TICKETFLOW_API nlohmann::json outbox_record_to_json(const OutboxRecord& record);

/// Stable name of an outbox state: "pending", "delivered" or "dead".
TICKETFLOW_API const char* to_string(OutboxState state) noexcept;
/// Parses a name from to_string(OutboxState). @throws ValidationError naming @p field.
TICKETFLOW_API OutboxState parse_outbox_state(const std::string& name, const std::string& field);

} // namespace ticketflow::detail
