#pragma once
// One copy of a ticket for the write path. A command copies a ticket twice (its working
// copy, then the store's snapshot); the copy is a long run of member copies, and one body
// that both call, defined in its own file, stays in the instruction cache between them
// where two inlined bodies would each have to be fetched.

#include "ticketflow/ticket.hpp"

namespace ticketflow::detail {

// `to = from`, reusing `to`'s buffers.
void assign_ticket(Ticket& to, const Ticket& from);

} // namespace ticketflow::detail
