#pragma once
/// @file authorizer.hpp
/// @brief Who may do what: the Authorizer interface and the default role policy.
///
/// Every ServiceDesk command carries an Actor. Before anything changes, the desk asks its
/// Authorizer; a refusal throws PermissionDenied, leaves the ticket as it was, and the
/// attempt is recorded in the ticket's audit trail.

#include "ticketflow/actor.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/lifecycle.hpp"
#include "ticketflow/ticket.hpp"

#include <optional>
#include <string>

namespace ticketflow {

/// @brief Decides whether an actor may perform an action on a ticket.
///
/// Implemented by the host to plug in its own permission system, or use RoleAuthorizer.
/// Thread-safety: refusal() is called concurrently from every thread issuing commands.
///
/// @snippet header_examples_test.cpp only-own-team
class TICKETFLOW_API Authorizer {
public:
    virtual ~Authorizer() = default;
    /// @brief Why @p actor may not perform @p action on @p ticket, or nothing when allowed.
    ///
    /// For Action::open, @p ticket is the ticket about to be created. A classify that
    /// changes the priority is asked twice, as Action::classify and as
    /// Action::change_priority, so a priority is never changed past this policy.
    virtual std::optional<std::string> refusal(const Actor& actor, Action action, const Ticket& ticket) const = 0;
};

/// @brief The default policy, by role (seeds 001–003):
/// - system and manager: everything;
/// - team lead and supervisor: tickets of their department (all tickets when they have
///   none): including reassigning, escalating, changing priority, and approving or
///   denying solutions (the desk further requires the request's approver role and a
///   limit covering the amount);
/// - agent: tickets of their department or assigned to them, tickets not yet routed
///   to any department (the intake pool), and tickets their department collaborates on
///   through an open task; may assign such a ticket while nobody holds it and propose
///   solutions (propose_solution), but not reassign, escalate, change the priority (also
///   not through classify), approve or deny;
/// - customer: open their own tickets, add information (add_note) and give feedback
///   (close, reopen) on them, nothing else.
///
/// Any actor may open a ticket on a customer's behalf, except a customer for someone else.
/// Stateless; thread-safe.
class TICKETFLOW_API RoleAuthorizer final : public Authorizer {
public:
    /// @brief Applies the role policy above.
    std::optional<std::string> refusal(const Actor& actor, Action action, const Ticket& ticket) const override;
};

} // namespace ticketflow
