#include "core/ticket_copy.hpp"

namespace ticketflow::detail {

void assign_ticket(Ticket& to, const Ticket& from) { to = from; }

} // namespace ticketflow::detail
