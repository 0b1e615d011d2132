#pragma once
/// @file actor.hpp
/// @brief Who performs a command: every command names its actor, and the audit trail
/// records it.

#include "ticketflow/export.hpp"

#include <string>

namespace ticketflow {

/// @brief Role of whoever performs a command.
enum class Role : unsigned char {
    agent,      ///< 客服 / handler.
    team_lead,  ///< 组长.
    supervisor, ///< 主管.
    manager,    ///< 经理.
    customer,   ///< The customer themself.
    system,     ///< The desk's own automation (SLA monitor, schedulers).
};

/// @brief Stable lower-case name, e.g. `"team_lead"`.
TICKETFLOW_API const char* to_string(Role role) noexcept;

/// @brief Who performs a command; recorded in the audit trail.
struct Actor {
    std::string id;          ///< Staff id, customer id, or "system". Required.
    Role role = Role::agent; ///< The actor's role.
    std::string department;  ///< The actor's department, if any.
};

} // namespace ticketflow
