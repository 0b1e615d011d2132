#include "ticketflow/authorizer.hpp"

#include <algorithm>

namespace ticketflow {
namespace {

bool customer_may(Action action) {
    return action == Action::open || action == Action::add_note || action == Action::close || action == Action::reopen;
}

// Changing who handles a ticket, how urgent it is, or who hears about it; deciding on a
// solution beyond a handler's limit is a lead's call too (the desk also checks the
// approver's role and limit against the request).
bool is_steering(Action action, const Ticket& ticket) {
    bool reassign = action == Action::assign && !ticket.assignee.empty();
    return reassign || action == Action::escalate || action == Action::change_priority || action == Action::approve ||
           action == Action::deny;
}

// A ticket not yet routed to a department is in the shared intake pool; a department
// collaborating on it through an open task works on it too.
bool in_scope(const Actor& actor, const Ticket& ticket) {
    if (ticket.department.empty() || ticket.department == actor.department || ticket.assignee == actor.id) return true;
    return std::any_of(ticket.tasks.begin(), ticket.tasks.end(), [&actor](const CollaborationTask& task) {
        return !task.completed && (task.owner == actor.id || task.department == actor.department);
    });
}

} // namespace

std::optional<std::string> RoleAuthorizer::refusal(const Actor& actor, Action action, const Ticket& ticket) const {
    switch (actor.role) {
    case Role::system:
    case Role::manager: return std::nullopt;
    case Role::customer:
        if (ticket.customer.id != actor.id) return std::string("a customer may act only on their own tickets");
        if (!customer_may(action))
            return std::string("a customer may only add information and give feedback, not ") + to_string(action);
        return std::nullopt;
    case Role::team_lead:
    case Role::supervisor:
        if (action == Action::open || actor.department.empty() || in_scope(actor, ticket)) return std::nullopt;
        return "ticket belongs to department '" + ticket.department + "'";
    case Role::agent:
        if (action == Action::open) return std::nullopt;
        if (is_steering(action, ticket))
            return std::string("only team leads and above may ") + to_string(action) + " this ticket";
        // Taking an unassigned ticket is in_scope's question too: an agent may not make a
        // ticket of another department theirs by assigning it to themselves.
        if (in_scope(actor, ticket)) return std::nullopt;
        return "ticket is neither assigned to " + actor.id + " nor in department '" + actor.department + "'";
    }
    return std::string("unknown role");
}

} // namespace ticketflow
