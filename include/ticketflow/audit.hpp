#pragma once
/// @file audit.hpp
/// @brief Immutable audit events: who did what to a ticket, when, and with what effect.
///
/// Every committed change of a ticket appends at least one event. Read in order, a
/// ticket's events are its full record 问题 → 处理 → 结果 → 满意度 (seed 000 记录完整性).

#include "ticketflow/clock.hpp"
#include "ticketflow/lifecycle.hpp"
#include "ticketflow/ticket.hpp"

#include <cstdint>
#include <string>

namespace ticketflow {

/// @brief One entry of a ticket's audit trail. Plain value, never modified once stored.
struct AuditEvent {
    TicketId ticket;               ///< The ticket it belongs to.
    std::uint64_t version = 0;     ///< The ticket version this event produced.
    Instant at;                    ///< When it was recorded.
    std::string actor;             ///< Who performed it (staff id, customer id or "system").
    Action action = Action::open;  ///< What was done.
    Status from = Status::pending; ///< Status before.
    Status to = Status::pending;   ///< Status after.
    std::string note;              ///< What was said or decided (description, reply, resolution …).
};

} // namespace ticketflow
