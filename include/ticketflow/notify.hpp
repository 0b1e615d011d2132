#pragma once
/// @file notify.hpp
/// @brief Notifications for the host and the Notifier interface that delivers them.
///
/// The desk writes a Notification for every event a host would act on (acknowledge
/// receipt to the customer, tell an agent about an assignment, …) into the store's
/// outbox, in the same commit as the change that caused it. Delivery to the host's
/// Notifier happens after the commit, so a notification exists exactly when its change
/// does.

#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ticketflow {

class TicketStore;

/// @brief What a notification is about.
enum class NotificationKind : unsigned char {
    received,  ///< Intake acknowledged; text is the first reply to the customer (首次安抚与告知).
    assigned,  ///< The ticket was assigned; recipient is the assignee.
    progress,  ///< A customer-facing reply or progress update.
    escalated, ///< The ticket was escalated; recipient is the next level up.
    resolved,  ///< Handling finished; the customer is to be told the result.
    reopened,  ///< Second handling started after the customer was not satisfied.
    closed,    ///< Closed after confirmation or no answer.
    cancelled, ///< Cancelled (duplicate, spam, withdrawn).
    sla_warning,       ///< A deadline is near; recipient is the handler.
    sla_breach,        ///< A deadline passed; the handler is asked for the reason (超时备注原因).
    progress_reminder, ///< The handler should update the customer on progress.
};

/// @brief Number of NotificationKind enumerators.
inline constexpr int notification_kind_count = static_cast<int>(NotificationKind::progress_reminder) + 1;

/// @brief Stable lower-case name, e.g. `"received"`.
TICKETFLOW_API const char* to_string(NotificationKind kind) noexcept;
/// @brief Parses a name produced by to_string(NotificationKind).
/// @throws ValidationError naming @p field when @p name is not a notification kind.
TICKETFLOW_API NotificationKind parse_notification_kind(const std::string& name,
                                                        const std::string& field = "kind");

/// @brief Who a notification is for.
enum class Audience : unsigned char {
    customer, ///< The ticket's customer, through the channel the host chooses.
    staff,    ///< A member of staff; Notification::recipient names them.
};

/// @brief Stable lower-case name: `"customer"` or `"staff"`.
TICKETFLOW_API const char* to_string(Audience audience) noexcept;
/// @brief Parses a name produced by to_string(Audience).
/// @throws ValidationError naming @p field when @p name is not an audience.
TICKETFLOW_API Audience parse_audience(const std::string& name, const std::string& field = "audience");

/// @brief A message the host should deliver.
struct Notification {
    TicketId ticket;            ///< The ticket concerned.
    NotificationKind kind = NotificationKind::received; ///< What happened.
    Audience audience = Audience::customer; ///< Customer or staff.
    std::string recipient;      ///< Customer id or staff id.
    Instant at;                 ///< When the causing change happened.
    std::string text;           ///< Ready-to-send text (Chinese, following the SOPs' wording).
    /// @brief Stable across redelivery: `<ticket>/<version>/<index>`. A host that has
    /// already acted on a key must ignore a second delivery with the same key.
    std::string idempotency_key;
};

/// @brief Delivers notifications to the outside world (SMS, mail, chat, a queue …).
///
/// Implemented by the host. Delivery is at least once: the same notification (same
/// idempotency_key) may arrive again after a failure or a crash, so implementations
/// deduplicate by key when duplicates matter.
///
/// Thread-safety: deliver() is called from one thread at a time per dispatcher; a host
/// sharing one Notifier between several desks must make it thread-safe.
///
/// @code
/// class SmsNotifier : public ticketflow::Notifier {
/// public:
///     void deliver(const ticketflow::Notification& n) override {
///         if (n.audience == ticketflow::Audience::customer)
///             gateway_.send(n.recipient, n.text, n.idempotency_key); // throws on failure
///     }
/// private:
///     MyGateway gateway_;
/// };
/// @endcode
class TICKETFLOW_API Notifier {
public:
    virtual ~Notifier() = default;
    /// @brief Delivers @p notification. Return false or throw to report a failure (the
    /// exception's message is kept as the row's last error); it will be retried.
    virtual bool deliver(const Notification& notification) = 0;
};

/// @brief A Notifier that drops everything; the default when the host gives none.
class TICKETFLOW_API NullNotifier final : public Notifier {
public:
    /// @brief Does nothing and reports success.
    bool deliver(const Notification&) override { return true; }
};

/// @brief When to retry a failed delivery, and when to give up.
struct RetryPolicy {
    Duration first_delay = std::chrono::seconds(30); ///< Wait after the first failure.
    unsigned backoff_factor = 2;                      ///< Each further failure multiplies the wait.
    Duration max_delay = std::chrono::hours(1);       ///< Upper bound of the wait.
    std::uint32_t max_attempts = 8;                   ///< After this many failures the row is dead.
};

/// @brief Delivers the store's outbox to a Notifier: in order per ticket, at least once,
/// retrying failures with exponential backoff and parking hopeless rows as dead letters.
///
/// A row whose delivery is pending holds back the later rows of the same ticket, so a
/// customer never hears "closed" before "resolved". Rows of other tickets go on.
///
/// Thread-safety: dispatch_due() serialises itself; it may be called from any thread.
/// Ownership: shares the store, notifier and clock.
class TICKETFLOW_API OutboxDispatcher {
public:
    /// @brief Dispatches @p store's outbox to @p notifier, reading time from @p clock.
    OutboxDispatcher(std::shared_ptr<TicketStore> store, std::shared_ptr<Notifier> notifier,
                     std::shared_ptr<Clock> clock, RetryPolicy policy = {});
    ~OutboxDispatcher();
    OutboxDispatcher(const OutboxDispatcher&) = delete;
    OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

    /// @brief Delivers every row that is due now; returns how many were delivered.
    std::size_t dispatch_due();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ticketflow
