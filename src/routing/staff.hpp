#pragma once
// Which roles are service-desk staff: those who can be assigned tickets and hold limits.

#include "ticketflow/actor.hpp"

namespace ticketflow::detail {

inline bool is_staff(Role role) {
    return role == Role::agent || role == Role::team_lead || role == Role::supervisor || role == Role::manager;
}

} // namespace ticketflow::detail
