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
#include "ticketflow/lease.hpp"
#include "ticketflow/ticket.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ticketflow {

class DeskObserver;
class TicketStore;
struct OutboxRecord;

/// @brief What a notification is about.
enum class NotificationKind : unsigned char {
    received,           ///< Intake acknowledged; text is the first reply to the customer (首次安抚与告知).
    assigned,           ///< The ticket was assigned; recipient is the assignee.
    progress,           ///< A customer-facing reply or progress update.
    escalated,          ///< The ticket was escalated; recipient is the next level up.
    resolved,           ///< Handling finished; the customer is to be told the result.
    reopened,           ///< Second handling started after the customer was not satisfied.
    closed,             ///< Closed after confirmation or no answer.
    cancelled,          ///< Cancelled (duplicate, spam, withdrawn).
    sla_warning,        ///< A deadline is near; recipient is the handler.
    sla_breach,         ///< A deadline passed; the handler is asked for the reason (超时备注原因).
    progress_reminder,  ///< The handler should update the customer on progress.
    task_assigned,      ///< A collaboration task was given to its owner.
    task_overdue,       ///< A collaboration task passed its deadline; recipient is its owner.
    approval_requested, ///< A solution beyond the handler's limit needs approval; recipient is
                        ///< the approver role's name, e.g. `team_lead`.
    approval_decided,   ///< A solution was approved or denied; recipient is the handler.
    approval_overdue,   ///< An approval passed its due time; recipient is the approver role.
    /// @brief A deadline of the ticket is provisional: it depends on a date outside the
    /// calendar's coverage (SlaClock::provisional). Sent when a ticket that had no
    /// provisional deadline gets one (not again for its further clocks or commands while
    /// it has one); recipient is DeskConfig::calendar_admin.
    calendar_provisional,
};

/// @brief Number of NotificationKind enumerators (update it with the enum: parsing and
/// storage iterate over the kinds by it).
inline constexpr int notification_kind_count = static_cast<int>(NotificationKind::calendar_provisional) + 1;

/// @brief Stable lower-case name, e.g. `"received"`.
TICKETFLOW_API const char* to_string(NotificationKind kind) noexcept;
/// @brief Parses a name produced by to_string(NotificationKind).
/// @throws ValidationError naming @p field when @p name is not a notification kind.
TICKETFLOW_API NotificationKind parse_notification_kind(const std::string& name, const std::string& field = "kind");

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
    TicketId ticket;                                    ///< The ticket concerned.
    NotificationKind kind = NotificationKind::received; ///< What happened.
    Audience audience = Audience::customer;             ///< Customer or staff.
    std::string recipient;                              ///< Customer id or staff id.
    Instant at;                                         ///< When the causing change happened.
    /// @brief Ready-to-send text, worded by DeskConfig::templates (templates.hpp): by default
    /// Chinese, following the SOPs' wording.
    std::string text;
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
/// A notifier for an SMS gateway (tests/header_examples_test.cpp):
/// @snippet header_examples_test.cpp sms-notifier
/// One that deduplicates by key for an unreliable gateway: examples/idempotent_notifier.cpp.
class TICKETFLOW_API Notifier {
public:
    virtual ~Notifier() = default;
    /// @brief Delivers @p notification. Return false or throw to report a failure (the
    /// exception's message is kept as the row's last error); it will be retried.
    virtual bool deliver(const Notification& notification) = 0;
};

/// @brief A Notifier that drops everything: notifications are still written to the
/// outbox (SqliteStore::outbox_of() keeps them) but reach nobody. A ServiceDesk given no
/// notifier at all does not queue them.
class TICKETFLOW_API NullNotifier final : public Notifier {
public:
    /// @brief Does nothing and reports success.
    bool deliver(const Notification&) override { return true; }
};

/// @brief When to retry a failed delivery, and when to give up.
struct RetryPolicy {
    Duration first_delay = std::chrono::seconds(30); ///< Wait after the first failure.
    unsigned backoff_factor = 2;                     ///< Each further failure multiplies the wait.
    Duration max_delay = std::chrono::hours(1);      ///< Upper bound of the wait.
    std::uint32_t max_attempts = 8;                  ///< After this many failures the row is dead.
};

/// @brief What a dispatcher has done since it was made.
struct DeliveryStats {
    std::uint64_t delivered = 0; ///< Notifications the Notifier accepted.
    std::uint64_t failed = 0;    ///< Failed attempts (each retried later or parked as dead).
    std::uint64_t dead = 0;      ///< Rows parked as dead letters after RetryPolicy::max_attempts.
    std::uint64_t errors = 0;    ///< Passes over the outbox that stopped on a store error.
    std::string last_error;      ///< Message of the last failure or error; empty when none.
};

/// @brief How a ServiceDesk hands its notifications to its Notifier.
///
/// Whichever the mode, a notification is first written to the outbox in the same commit
/// as its change, the Notifier is never called while one of the desk's ticket locks is
/// held, and a delivery or outbox error never escapes from a command that committed: it
/// is recorded on the row and counted in ServiceDesk::delivery_stats().
enum class DeliveryMode : unsigned char {
    /// Right after each command, on the caller's thread, once the command's locks are
    /// released: the command returns when the due rows were offered to the Notifier.
    after_command,
    /// By a dispatcher thread the desk owns, woken by every commit (and every
    /// DeliveryOptions::poll_interval for retries): a command never waits for the Notifier.
    background,
    /// Only when the host calls ServiceDesk::dispatch_notifications(), e.g. from its own
    /// scheduler.
    host,
};

/// @brief How and when a ServiceDesk delivers notifications (DeskConfig::delivery).
struct DeliveryOptions {
    DeliveryMode mode = DeliveryMode::after_command; ///< Who calls the Notifier, and when.
    RetryPolicy retry;                               ///< Backoff and dead letters.
    /// @brief background: how often the thread looks for retries that became due, and for
    /// rows other desks committed when the store cannot tell of them (wall time; the
    /// desk's own commits wake it at once, and so do others' on a store that watches its
    /// outbox, see OutboxDispatcher::start()). Must be positive.
    std::chrono::milliseconds poll_interval{1000};
    /// @brief background: how long the thread waits after a commit woke it before its pass
    /// (wall time), so that one pass takes the notifications of the commits meanwhile
    /// instead of a pass (a claim, a wake-up of the thread) per commit. Adds at most this
    /// much to a notification's latency; zero delivers at once. At least zero and shorter
    /// than poll_interval.
    std::chrono::microseconds gather{1000};
    /// @brief background: the desk's destructor stops the thread and then delivers what is
    /// due before returning (as long as those deliveries take); false leaves those rows
    /// pending in the store, for the next desk on it.
    bool drain_on_shutdown = true;
};

/// @brief Delivers the store's outbox to a Notifier: in order per ticket, at least once,
/// retrying failures with exponential backoff and parking hopeless rows as dead letters.
///
/// A row whose delivery is pending holds back the later rows of the same ticket, so a
/// customer never hears "closed" before "resolved". Rows of other tickets go on. A dead
/// row no longer holds its ticket back: the ticket's later rows are delivered, and the
/// dead one arrives out of order if it is retried by hand.
///
/// Delivery can be driven by the host (dispatch_due(), e.g. after each command or from
/// its own scheduler) or by the dispatcher's own background thread (start() / stop()).
/// Retry times are read from the injected Clock; only the background thread's polling
/// interval is wall time.
///
/// Several dispatchers may share one outbox (threads, processes or servers on one
/// database): each pass claims the rows it delivers with a lease (ClaimOptions), whole
/// tickets at a time, so a row is delivered by one dispatcher and a ticket's rows in order.
/// A dispatcher that dies holding rows leaves them to the others once its lease lapses;
/// they are delivered again with the same idempotency key (at least once).
///
/// Thread-safety: every method may be called from any thread. Passes over the outbox are
/// serialised, so the Notifier sees one deliver() call at a time from a dispatcher.
/// Notifier::deliver() must not call stop() or destroy its dispatcher.
///
/// Ownership: shares the store, notifier and clock. The destructor stops the background
/// thread, waiting for the pass in progress.
///
/// @snippet header_examples_test.cpp dispatcher
class TICKETFLOW_API OutboxDispatcher {
public:
    /// @brief Called by the background thread when a pass fails (the store threw); the
    /// thread then waits for the next poll and tries again.
    using ErrorHandler = std::function<void(std::exception_ptr)>;

    /// @brief Dispatches @p store's outbox to @p notifier, reading time from @p clock, and
    /// claiming the rows it delivers as @p claims says (TicketStore::outbox_claim()); tells
    /// @p observer (optional) of every attempt (DeskObserver::on_delivery()).
    /// @throws ValidationError when store, notifier or clock is null, @p policy has a zero
    ///         max_attempts or backoff_factor, or the lease is not positive.
    OutboxDispatcher(std::shared_ptr<TicketStore> store, std::shared_ptr<Notifier> notifier,
                     std::shared_ptr<Clock> clock, RetryPolicy policy = {}, ClaimOptions claims = {},
                     std::shared_ptr<DeskObserver> observer = nullptr);
    /// @brief Stops the background thread, if running.
    ~OutboxDispatcher();
    OutboxDispatcher(const OutboxDispatcher&) = delete;
    OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

    /// @brief Delivers every row that is due now; returns how many were delivered.
    /// @throws StorageError (or whatever the store throws) when the outbox cannot be read
    ///         or updated; rows delivered before that stay delivered. Counted in
    ///         DeliveryStats::errors.
    std::size_t dispatch_due();

    /// @brief Starts delivering on a background thread: a pass right away, then one each
    /// @p poll_interval or @p gather after wake() is called, until stop().
    ///
    /// Notifier failures are handled as in dispatch_due(); a pass that throws is reported
    /// to @p on_error (when given) and retried at the next poll. A positive @p gather lets
    /// the wakes of many commits share one pass (see DeliveryOptions::gather).
    ///
    /// While it runs, the thread also watches the store's outbox
    /// (TicketStore::watch_outbox()): rows committed by other desks, processes or servers
    /// wake it as wake() does, when the store can tell (MemoryStore; PostgresStore with
    /// PostgresOptions::outbox_wakeups); otherwise it finds them at its next poll. A store
    /// whose watch_outbox() throws is reported to @p on_error and polled.
    /// @throws ValidationError when already running, @p poll_interval is not positive, or
    ///         @p gather is negative or not shorter than @p poll_interval.
    void start(std::chrono::milliseconds poll_interval, ErrorHandler on_error = {},
               std::chrono::microseconds gather = std::chrono::microseconds{0});

    /// @brief Stops the background thread once the delivery in progress has returned (the
    /// rest of its pass is left pending, its claims released); no-op when not running.
    void stop();

    /// @brief True between start() and stop().
    bool running() const;

    /// @brief Makes the background thread run a pass now instead of at its next poll
    /// (for example right after a command); no-op when not running.
    void wake();

    /// @brief Up to @p limit dead letters (rows that failed RetryPolicy::max_attempts
    /// times), oldest first.
    std::vector<OutboxRecord> dead_letters(std::size_t limit) const;

    /// @brief Moves dead row @p sequence back to pending, due now, and wakes the
    /// background thread. It gets one more attempt; if that fails it is dead again.
    /// @throws NotFound when no dead row has that sequence.
    void retry_dead_letter(std::uint64_t sequence);

    /// @brief Requeues every dead letter as retry_dead_letter() does; returns how many.
    std::size_t retry_dead_letters();

    /// @brief Counts of what this dispatcher delivered, failed and parked so far.
    DeliveryStats stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ticketflow
