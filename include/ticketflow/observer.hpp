#pragma once
/// @file observer.hpp
/// @brief DeskObserver: what a ServiceDesk is doing, reported to the host as it happens —
/// commands with latency and outcome, commits and conflicts, deliveries, SLA events and
/// ticks — for metrics, tracing or logs.
///
/// The host derives from DeskObserver, overrides the hooks it wants (every hook does
/// nothing by default) and passes it in DeskConfig::observer. Without an observer the
/// desk pays one null check per event.
///
/// Guarantees, for every hook:
/// - No ticket lock and no lock of the desk is held while it is called (one exception:
///   on_commit() during update_sla() and replace_calendar(), see there), so a hook may
///   call back into the desk — a read, or a command — except as on_delivery() says.
/// - An exception a hook throws is caught and dropped: it never changes the outcome of the
///   command, the commit or the delivery it reports, and the desk goes on as if the hook
///   had returned.
/// - Events carry views (std::string_view) into the desk's own data, valid only during
///   the call: copy what is kept. A hook must be quick: it runs on the thread doing the work.
/// - Durations are wall time measured with std::chrono::steady_clock, for metrics only;
///   business time (SlaEvent::due, TickEvent::now) comes from the desk's Clock.
///
/// A Prometheus exporter built on it (counters and histograms kept with atomics, rendered
/// in the Prometheus text exposition format): examples/prometheus_metrics.cpp.
///
/// A hook that only counts refused commands:
/// @snippet header_examples_test.cpp refusal-counter

#include "ticketflow/clock.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/sla.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ticketflow {

struct TickReport;

/// @brief The ServiceDesk commands a DeskObserver hears of: every method that writes.
/// ServiceDesk::record_feedback() is reported as the close() or reopen() it runs; reads
/// (get(), query(), history(), …) and the delivery methods are not reported.
enum class Command : unsigned char {
    open,              ///< ServiceDesk::open()
    classify,          ///< ServiceDesk::classify()
    assign,            ///< ServiceDesk::assign()
    start,             ///< ServiceDesk::start()
    post_update,       ///< ServiceDesk::post_update()
    add_note,          ///< ServiceDesk::add_note()
    change_priority,   ///< ServiceDesk::change_priority()
    escalate,          ///< ServiceDesk::escalate()
    wait_for_customer, ///< ServiceDesk::wait_for_customer()
    resume,            ///< ServiceDesk::resume()
    resolve,           ///< ServiceDesk::resolve()
    close,             ///< ServiceDesk::close()
    reopen,            ///< ServiceDesk::reopen()
    inform_result,     ///< ServiceDesk::inform_result()
    open_derived,      ///< ServiceDesk::open_derived()
    open_visit,        ///< ServiceDesk::open_visit()
    record_attempt,    ///< ServiceDesk::record_attempt()
    record_visit,      ///< ServiceDesk::record_visit()
    cancel,            ///< ServiceDesk::cancel()
    merge,             ///< ServiceDesk::merge()
    add_task,          ///< ServiceDesk::add_task()
    complete_task,     ///< ServiceDesk::complete_task()
    propose_solution,  ///< ServiceDesk::propose_solution()
    approve,           ///< ServiceDesk::approve()
    deny,              ///< ServiceDesk::deny()
    verify_identity,   ///< ServiceDesk::verify_identity()
    reveal_contact,    ///< ServiceDesk::reveal_contact()
    explain_overdue,   ///< ServiceDesk::explain_overdue()
    tick,              ///< ServiceDesk::tick()
    update_sla,        ///< ServiceDesk::update_sla()
    replace_calendar,  ///< ServiceDesk::replace_calendar()
};

/// @brief Number of Command enumerators (for tables indexed by command).
inline constexpr int command_count = static_cast<int>(Command::replace_calendar) + 1;

/// @brief Stable lower-case name, the method's: e.g. `"post_update"`.
TICKETFLOW_API const char* to_string(Command command) noexcept;

/// @brief One ServiceDesk command that returned or threw.
struct CommandEvent {
    Command command = Command::open; ///< Which command.
    /// @brief The ticket it was about: the new ticket's id for open(), open_derived() and
    /// open_visit() that succeeded, the visit for record_visit(), the duplicate for
    /// merge(); empty when there is none (tick(), update_sla(), a refused intake).
    std::string_view ticket;
    std::string_view actor; ///< Actor::id of the caller; `"system"` for tick(), update_sla(), replace_calendar().
    /// @brief False when the command threw (it then wrote nothing, see ServiceDesk).
    bool succeeded = true;
    /// @brief What it failed with, when it threw a ticketflow::Error: e.g.
    /// ErrorCode::permission_denied, ErrorCode::concurrency_conflict (every
    /// DeskConfig::max_commit_attempts attempt lost its race). Unset when it succeeded or
    /// threw something else (a host callback's own exception).
    std::optional<ErrorCode> error;
    std::chrono::nanoseconds latency{0}; ///< Wall time of the call, steady clock.
};

/// @brief `"ok"`, the error's to_string(ErrorCode) (e.g. `"permission_denied"`), or
/// `"other_error"` for an exception that is not a ticketflow::Error.
TICKETFLOW_API const char* outcome_name(const CommandEvent& event) noexcept;

/// @brief One write to the store: a command's transaction (or one of tick()'s, update_sla()'s
/// or replace_calendar()'s) that TicketStore::commit_all() accepted.
struct CommitEvent {
    std::size_t tickets = 0;       ///< Tickets written in it (2 for merge(), 1 + problems for record_visit()).
    std::size_t events = 0;        ///< Audit events written.
    std::size_t notifications = 0; ///< Notifications queued in the outbox.
    /// @brief Attempts that lost a race to another writer (ConcurrencyConflict) and were
    /// run again on the newer version before this one was accepted; 0 normally.
    std::uint32_t conflicts = 0;
};

/// @brief What became of one attempt to deliver a notification.
enum class DeliveryOutcome : unsigned char {
    delivered,     ///< The Notifier accepted it.
    failed,        ///< The Notifier failed; the row is retried later (RetryPolicy).
    dead_lettered, ///< The Notifier failed its RetryPolicy::max_attempts-th attempt; the row is dead.
};

/// @brief Stable lower-case name: `"delivered"`, `"failed"` or `"dead_lettered"`.
TICKETFLOW_API const char* to_string(DeliveryOutcome outcome) noexcept;

/// @brief One delivery attempt of an outbox row.
struct DeliveryEvent {
    std::string_view ticket;                              ///< Notification::ticket.
    NotificationKind kind = NotificationKind::received;   ///< Notification::kind.
    Audience audience = Audience::customer;               ///< Notification::audience.
    std::uint32_t attempt = 1;                            ///< 1 for the first attempt, 2 for the first retry, …
    DeliveryOutcome outcome = DeliveryOutcome::delivered; ///< What became of it.
    std::string_view error; ///< Why it failed (as OutboxRecord::last_error); empty when delivered.
};

/// @brief What the SLA monitor did about a deadline.
enum class SlaEventKind : unsigned char {
    warning,    ///< A deadline is near (NotificationKind::sla_warning).
    breach,     ///< A deadline passed (NotificationKind::sla_breach).
    escalation, ///< A step of the escalation ladder of a passed deadline.
    reminder,   ///< The handler was reminded to update the customer (progress_update stage).
    auto_close, ///< A done ticket was closed as no_answer after the feedback timeout.
};

/// @brief Stable lower-case name, e.g. `"breach"`.
TICKETFLOW_API const char* to_string(SlaEventKind kind) noexcept;

/// @brief One thing tick() did about a ticket's deadlines, once it was committed.
struct SlaEvent {
    std::string_view ticket;                   ///< The ticket.
    SlaEventKind kind = SlaEventKind::warning; ///< What happened.
    std::optional<SlaStage> stage;             ///< The clock's stage; unset for auto_close.
    Instant due;                               ///< When it was due (business time, as in the audit trail).
};

/// @brief One ServiceDesk::tick() that returned.
struct TickEvent {
    Instant now;                          ///< The tick's argument.
    std::chrono::nanoseconds duration{0}; ///< Wall time of the tick, steady clock.
    const TickReport& report;             ///< What it did; report.tickets due entries were processed.
};

/// @brief Hears what a ServiceDesk does. Implemented by the host; every hook does nothing
/// unless overridden.
///
/// Thread-safety: hooks are called concurrently from every thread that runs commands on
/// the desk (and from the desk's delivery thread in DeliveryMode::background), so an
/// implementation must be thread-safe; the desks sharing one observer call it from all
/// of theirs. See the file's documentation for the locks, exceptions and lifetimes.
///
/// Order: a command's on_commit() comes before the deliveries it causes in
/// DeliveryMode::after_command, and both before its on_command(); tick()'s on_commit()
/// and on_sla() calls come before its on_command() and on_tick().
class TICKETFLOW_API DeskObserver {
public:
    virtual ~DeskObserver() = default;

    /// @brief After each command returned or threw, on the caller's thread, once its locks
    /// are released.
    virtual void on_command(const CommandEvent& event);
    /// @brief After each accepted write, on the command's thread, once its ticket locks are
    /// released. During update_sla() and replace_calendar() the desk's administration lock
    /// is still held: a hook must not call those two from here.
    virtual void on_commit(const CommitEvent& event);
    /// @brief After each delivery attempt, once its outcome is recorded in the store: on the
    /// command's thread in DeliveryMode::after_command, the desk's delivery thread in
    /// DeliveryMode::background, the caller of ServiceDesk::dispatch_notifications()
    /// otherwise. The delivery pass is still running, so like Notifier::deliver() the hook
    /// must not call ServiceDesk::dispatch_notifications() (any other method is fine).
    virtual void on_delivery(const DeliveryEvent& event);
    /// @brief For each warning, breach, escalation, reminder and automatic close tick()
    /// committed, on tick()'s thread, once the ticket's lock is released.
    virtual void on_sla(const SlaEvent& event);
    /// @brief After each tick() that returned, on its thread.
    virtual void on_tick(const TickEvent& event);
};

} // namespace ticketflow
