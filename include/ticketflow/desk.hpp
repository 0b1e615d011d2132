#pragma once
/// @file desk.hpp
/// @brief ServiceDesk: the facade a host calls to run its ticket workflow.
///
/// Every command names the Actor performing it, is validated, checked against the
/// lifecycle, and committed to the TicketStore as one atomic change together with its
/// audit events and notifications. A command that throws changes nothing.

#include "ticketflow/audit.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
    std::string id;                 ///< Staff id, customer id, or "system". Required.
    Role role = Role::agent;        ///< The actor's role.
    std::string department;         ///< The actor's department, if any.
};

/// @brief Text limits applied to every command (bytes of UTF-8).
struct TextLimits {
    std::size_t short_text = 128;   ///< Ids, names, departments, tags, order numbers.
    std::size_t long_text = 8192;   ///< Descriptions, resolutions, replies, notes.
    std::size_t max_list = 64;      ///< Attachments, tags, links per ticket.
};

/// @brief Settings of a ServiceDesk. Plain value, copied into the desk.
struct DeskConfig {
    PriorityScheme priorities = PriorityScheme::urgency3(); ///< Allowed priority levels.
    std::vector<Channel> channels = builtin_channels();      ///< Allowed channels.
    std::vector<TicketType> types = builtin_ticket_types();  ///< Allowed ticket types.
    std::string id_prefix;          ///< Prepended to ticket numbers (e.g. "T"); may be empty.
    /// @brief Offset of local time from UTC used for the date part of ticket numbers.
    Duration id_utc_offset = std::chrono::hours(8);
    TextLimits limits;              ///< Input size limits.
    int max_commit_attempts = 32;   ///< Optimistic retries when another writer got there first.
};

/// @brief Intake data for a new ticket (接收反馈与初步登记).
struct NewTicket {
    Channel channel;                       ///< Required; one of DeskConfig::channels.
    TicketType type;                       ///< Required; one of DeskConfig::types.
    std::string priority;                  ///< Empty = the scheme's lowest level.
    CustomerRef customer;                  ///< customer.id is required.
    std::string description;               ///< Required: the customer's core problem.
    std::string order_number;              ///< Optional.
    std::vector<std::string> attachments;  ///< Optional references.
    std::string department;                ///< Optional initial department.
    std::optional<Instant> received_at;    ///< When the customer raised it; default now. Not in the future.
    std::vector<std::string> tags;         ///< Optional tags.
    std::string remarks;                   ///< Optional remarks.
    std::vector<TicketLink> links;         ///< Optional links to existing tickets.
};

/// @brief Classification (需求分类与优先级判定); unset members stay as they are.
struct Classification {
    std::optional<TicketType> type;        ///< New type.
    std::optional<std::string> priority;   ///< New priority level.
    std::optional<std::string> department; ///< New department.
    std::optional<std::vector<std::string>> tags; ///< Replaces the tags.
};

/// @brief The outcome of handling (处理方案 / 结果).
struct Resolution {
    std::string text;                      ///< Required: what was done.
    Responsibility responsibility = Responsibility::undetermined; ///< Who was responsible.
};

/// @brief The customer's answer to the result feedback.
struct CustomerFeedback {
    std::optional<Satisfaction> satisfaction; ///< Unset = the customer did not answer.
};

/// @brief The ticket workflow facade.
///
/// Thread-safety: all methods may be called concurrently from many threads. Commands on
/// the same ticket are applied one after another, each on the latest version (a command
/// that loses a race is re-evaluated on the new version, so no update is lost); commands
/// on different tickets run in parallel. Ownership: the desk shares ownership of the
/// store, clock and notifier passed to it.
class TICKETFLOW_API ServiceDesk {
public:
    /// @brief A desk over @p store, reading time from @p clock, delivering to @p notifier
    /// (a NullNotifier when null).
    /// @throws ValidationError when @p config is inconsistent or store/clock are null.
    ServiceDesk(std::shared_ptr<TicketStore> store, std::shared_ptr<Clock> clock,
                DeskConfig config = {}, std::shared_ptr<Notifier> notifier = nullptr);
    ~ServiceDesk();
    ServiceDesk(const ServiceDesk&) = delete;
    ServiceDesk& operator=(const ServiceDesk&) = delete;

    /// @brief Intake: records a new pending ticket and acknowledges it to the customer.
    /// @return The stored ticket with its new id.
    Ticket open(const Actor& actor, const NewTicket& request);

    /// @brief Sets type, priority, department or tags.
    Ticket classify(const Actor& actor, const TicketId& id, const Classification& change);
    /// @brief Assigns or reassigns the handler (负责人), optionally moving the department.
    Ticket assign(const Actor& actor, const TicketId& id, const std::string& assignee,
                  const std::optional<std::string>& department = std::nullopt);
    /// @brief Starts handling (pending → in_progress); requires an assignee.
    Ticket start(const Actor& actor, const TicketId& id);
    /// @brief A customer-facing reply or progress update (处理进度同步); may move the estimate.
    Ticket post_update(const Actor& actor, const TicketId& id, const std::string& message,
                       const std::optional<Instant>& estimated_completion = std::nullopt);
    /// @brief An internal note, not shown to the customer.
    Ticket add_note(const Actor& actor, const TicketId& id, const std::string& note);
    /// @brief Moves the ticket to priority level @p priority, giving @p reason.
    Ticket change_priority(const Actor& actor, const TicketId& id, const std::string& priority,
                           const std::string& reason);
    /// @brief Raises the escalation level by one (升级), giving @p reason.
    Ticket escalate(const Actor& actor, const TicketId& id, const std::string& reason);
    /// @brief Pauses handling while waiting for the customer.
    Ticket wait_for_customer(const Actor& actor, const TicketId& id, const std::string& reason);
    /// @brief Ends the wait for the customer.
    Ticket resume(const Actor& actor, const TicketId& id);
    /// @brief Finishes handling (in_progress → done) with @p resolution.
    Ticket resolve(const Actor& actor, const TicketId& id, const Resolution& resolution);
    /// @brief Closes a done ticket with the customer's satisfaction, or as unanswered.
    ///
    /// A 不满意 verdict is recorded too; to hand the ticket back for second handling use
    /// reopen() or record_feedback().
    Ticket close(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback);
    /// @brief Second handling (二次处理): done → in_progress, counted and escalated one level.
    Ticket reopen(const Actor& actor, const TicketId& id, const std::string& reason,
                  const std::optional<Satisfaction>& satisfaction = std::nullopt);
    /// @brief Applies the customer's verdict as the SOPs prescribe: 不满意 reopens the ticket
    /// for second handling, any other grade (or no answer) closes it.
    Ticket record_feedback(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback);
    /// @brief Cancels a pending ticket (duplicate, spam, withdrawn) with a note.
    /// @throws ValidationError when @p reason is not a cancel reason.
    Ticket cancel(const Actor& actor, const TicketId& id, CloseReason reason, const std::string& note);

    /// @brief Ticket @p id. @throws NotFound.
    Ticket get(const TicketId& id) const;
    /// @brief Ticket @p id, if it exists.
    std::optional<Ticket> find(const TicketId& id) const;
    /// @brief Tickets matching @p query, ascending id.
    std::vector<Ticket> query(const TicketQuery& query) const;
    /// @brief Full audit trail of ticket @p id, oldest first. @throws NotFound.
    std::vector<AuditEvent> history(const TicketId& id) const;
    /// @brief Actions the lifecycle offers for ticket @p id in its current status.
    std::vector<Action> allowed_actions(const TicketId& id) const;

    /// @brief Delivers pending outbox notifications to the notifier; returns how many.
    ///
    /// Commands call this themselves after each commit; call it to retry earlier failures.
    std::size_t dispatch_notifications();

    /// @brief The desk's configuration.
    const DeskConfig& config() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ticketflow
