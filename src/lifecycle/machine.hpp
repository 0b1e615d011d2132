#pragma once
// The ticket lifecycle as a Boost.MSM state machine. Internal: public headers stay free of
// MSM so consumers compile fast and in C++20.

#include "ticketflow/lifecycle.hpp"
#include "ticketflow/ticket.hpp"

namespace ticketflow::detail {

// Runs `action` through the transition table from `ticket`'s status, evaluating the
// guards on `ticket`, and returns the status the ticket moves to.
// Throws InvalidTransition when no row matches, GuardRejected when a guard refuses.
Status apply_transition(const Ticket& ticket, Action action);

} // namespace ticketflow::detail
