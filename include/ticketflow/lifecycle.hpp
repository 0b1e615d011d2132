#pragma once
/// @file lifecycle.hpp
/// @brief A ticket's statuses, the actions on it, and which actions each status allows.
///
/// The lifecycle follows the SOPs' 处理状态: 待处理 pending → 处理中 in_progress →
/// 已完成 done → 已关闭 closed, plus the side paths the SOPs need (cancel a pending ticket,
/// merge a duplicate into its primary, reopen a done ticket for second handling, wait for
/// the customer while in progress).
/// The rules live in one transition table inside the library (a Boost.MSM state
/// machine); allowed_actions() reads that same table.

#include "ticketflow/error.hpp"
#include "ticketflow/export.hpp"

#include <string>
#include <vector>

namespace ticketflow {

/// @brief Processing status of a ticket (处理状态).
enum class Status : unsigned char {
    pending,     ///< 待处理: received, not yet being handled.
    in_progress, ///< 处理中: an assignee is handling it.
    done,        ///< 已完成: handled; waiting for the customer's confirmation.
    closed,      ///< 已关闭: confirmed, unanswered or cancelled; archived and read-only.
};

/// @brief Something that happens to a ticket; every audit event names one.
///
/// `open` is the intake itself and never appears in allowed_actions(); every other action
/// is a row of the lifecycle's transition table.
enum class Action : unsigned char {
    open,              ///< Intake: the ticket is created (pending).
    classify,          ///< Set type, priority and department (pending, in_progress).
    assign,            ///< Assign or reassign the handler (pending, in_progress).
    start,             ///< Begin handling: pending → in_progress; requires an assignee.
    reply,             ///< A customer-facing reply or progress update (pending, in_progress).
    add_note,          ///< An internal note (pending, in_progress, done).
    change_priority,   ///< Move to another priority level (pending, in_progress).
    escalate,          ///< Raise the escalation level (pending, in_progress).
    wait_for_customer, ///< Pause for the customer (in_progress); not while already waiting.
    resume,            ///< End the wait for the customer (in_progress); only while waiting.
    resolve,           ///< Handling finished: in_progress → done; requires a resolution, no
                       ///< open mandatory collaboration task and no pending approval.
    close,             ///< Customer confirmed or did not answer: done → closed.
    reopen,            ///< Customer not satisfied: done → in_progress, second handling.
    cancel,            ///< Withdrawn, duplicate or spam: pending → closed.
    merge,             ///< Merged into its primary ticket as a duplicate: pending or in_progress → closed.
    explain_overdue,   ///< The handler notes why a deadline was missed (pending, in_progress, done).
    inform_result,     ///< The customer was told the result (done).
    record_attempt,    ///< A call attempt of a follow-up visit (pending, in_progress).
    verify_identity,   ///< The customer's identity was checked (身份确认; pending, in_progress, done).
    add_task,          ///< A collaboration task for another department (pending, in_progress).
    complete_task,     ///< A collaboration task is done (pending, in_progress).
    propose_solution,  ///< A refund, compensation or coupon is offered (pending, in_progress);
                       ///< beyond the proposer's limit it waits for approval.
    approve,           ///< A pending solution is approved (pending, in_progress).
    deny,              ///< A pending solution is denied (pending, in_progress).
    reveal_contact,    ///< Audit only: a member of staff read the customer's contact details.
    monitor,           ///< The SLA monitor's check (system only; pending, in_progress, done).
    sla_warning,       ///< Audit only: a deadline is near (recorded by the monitor).
    sla_breach,        ///< Audit only: a deadline passed (recorded by the monitor).
    remind_progress,   ///< Audit only: the handler was reminded to update the customer.
};

/// @brief True for actions only the desk itself performs or records (monitor and the
/// audit-only actions); allowed_actions() leaves them out.
TICKETFLOW_API bool is_system_action(Action action) noexcept;

/// @brief Number of Action enumerators.
inline constexpr int action_count = static_cast<int>(Action::remind_progress) + 1;
/// @brief Number of Status enumerators.
inline constexpr int status_count = static_cast<int>(Status::closed) + 1;

/// @brief Stable lower-case name, e.g. `"in_progress"`.
TICKETFLOW_API const char* to_string(Status status) noexcept;
/// @brief The SOPs' Chinese term, e.g. `"处理中"`.
TICKETFLOW_API const char* label_zh(Status status) noexcept;
/// @brief Stable lower-case name, e.g. `"wait_for_customer"`.
TICKETFLOW_API const char* to_string(Action action) noexcept;

/// @brief Parses a name produced by to_string(Status).
/// @throws ValidationError naming @p field when @p name is not a status.
TICKETFLOW_API Status parse_status(const std::string& name, const std::string& field = "status");
/// @brief Parses a name produced by to_string(Action).
/// @throws ValidationError naming @p field when @p name is not an action.
TICKETFLOW_API Action parse_action(const std::string& name, const std::string& field = "action");

/// @brief The actions the transition table allows in @p status, in table order, without
/// the system actions.
///
/// Guards (such as "start requires an assignee") are not evaluated here: the list says
/// what a user interface may offer, the desk still checks the ticket. Thread-safe.
/// @throws ValidationError (field `status`) for a value beyond Status's enumerators.
TICKETFLOW_API const std::vector<Action>& allowed_actions(Status status);

/// @brief True when allowed_actions(@p status) contains @p action.
/// @throws ValidationError as allowed_actions().
TICKETFLOW_API bool is_allowed(Status status, Action action);

/// @brief The action is not allowed in the ticket's current status (no such row).
class TICKETFLOW_API InvalidTransition : public Error {
public:
    /// @brief Names the ticket, the status it is in and the refused action.
    InvalidTransition(const std::string& ticket, Status status, Action action);
    /// @brief Status the ticket was in.
    Status status() const noexcept { return status_; }
    /// @brief The refused action.
    Action action() const noexcept { return action_; }

private:
    Status status_;
    Action action_;
};

/// @brief The action is allowed in the status, but the ticket fails its precondition.
class TICKETFLOW_API GuardRejected : public Error {
public:
    /// @brief @p reason says which precondition failed, e.g. "the ticket has no assignee".
    GuardRejected(const std::string& ticket, Status status, Action action, const std::string& reason);
    /// @brief Status the ticket was in.
    Status status() const noexcept { return status_; }
    /// @brief The refused action.
    Action action() const noexcept { return action_; }

private:
    Status status_;
    Action action_;
};

/// @brief Resolving was refused because a proposed solution still waits for approval
/// (超权限上报): the customer must not be told a result that may yet be denied.
class TICKETFLOW_API ApprovalPending : public GuardRejected {
public:
    /// @brief Names the ticket and the status it is in; the action is always resolve.
    ApprovalPending(const std::string& ticket, Status status, const std::string& reason);
};

} // namespace ticketflow
