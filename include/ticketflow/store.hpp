#pragma once
/// @file store.hpp
/// @brief The TicketStore interface a host may implement, and the built-in MemoryStore.
///
/// A store keeps tickets, their audit trails, the notification outbox and the SLA due
/// index. Every change arrives as one Commit that the store applies atomically: the new
/// ticket version, its audit events and its notifications are written together or not at
/// all, and a commit based on a stale version is rejected rather than overwriting.

#include "ticketflow/audit.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/lease.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/ticket.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ticketflow {

/// @brief A counter advanced by a commit, such as the daily serial a new ticket's number
/// is taken from: counter `name` must stand at `value - 1` and is set to `value` in the
/// same atomic write, so a commit that fails or is refused takes no number.
struct SequenceStep {
    std::string name;        ///< The counter, e.g. `ticket-id/20240520`.
    std::uint64_t value = 0; ///< Its new value; at least 1.
};

/// @brief One atomic change of one ticket.
struct Commit {
    Ticket ticket;                           ///< The new state; ticket.version = expected_version + 1.
    std::uint64_t expected_version = 0;      ///< Version the change was based on; 0 creates the ticket.
    std::vector<AuditEvent> events;          ///< Audit events to append (at least one).
    std::vector<Notification> notifications; ///< Outbox rows to append.
    std::optional<Instant> next_due;         ///< Next SLA due instant; unset removes the ticket from the index.
    std::optional<SequenceStep> sequence;    ///< A counter this commit advances (the new ticket's serial).
};

/// @brief Filter for TicketStore::scan(). Unset members match everything; set ones must all match.
struct TicketQuery {
    std::optional<Status> status;           ///< Exact status.
    std::optional<std::string> assignee;    ///< Exact assignee.
    std::optional<std::string> department;  ///< Exact department.
    std::optional<std::string> customer_id; ///< Exact customer id.
    std::optional<Instant> received_from;   ///< times.received >= received_from.
    std::optional<Instant> received_until;  ///< times.received < received_until.
    std::size_t limit = 0;                  ///< At most this many results; 0 = no limit.
};

/// @brief True when @p ticket satisfies every set member of @p query (limit aside).
TICKETFLOW_API bool matches(const TicketQuery& query, const Ticket& ticket);

/// @brief An entry of the SLA due index.
struct DueEntry {
    Instant due;     ///< When the ticket next needs attention.
    TicketId ticket; ///< The ticket.
};

/// @brief Delivery state of an outbox row.
enum class OutboxState : unsigned char {
    pending,   ///< Waiting for (re)delivery.
    delivered, ///< Delivered and acknowledged.
    dead,      ///< Gave up after too many failures; see TicketStore::outbox_dead().
};

/// @brief Stable lower-case name: `"pending"`, `"delivered"` or `"dead"`.
TICKETFLOW_API const char* to_string(OutboxState state) noexcept;
/// @brief Parses a name produced by to_string(OutboxState).
/// @throws ValidationError naming @p field when @p name is not an outbox state.
TICKETFLOW_API OutboxState parse_outbox_state(const std::string& name, const std::string& field = "state");

/// @brief A stored notification with its delivery bookkeeping.
struct OutboxRecord {
    std::uint64_t sequence = 0;               ///< Store-wide, increasing in commit order.
    Notification notification;                ///< What to deliver.
    OutboxState state = OutboxState::pending; ///< Delivery state.
    std::uint32_t attempts = 0;               ///< Failed deliveries so far.
    Instant next_attempt;                     ///< Not to be retried before this instant; a new row is due at once.
    std::string last_error;                   ///< Message of the last failure.
    std::string claimed_by; ///< Owner of the latest claim (see TicketStore::outbox_claim()); empty when never claimed.
    Instant claimed_until;  ///< When that claim lapses; after it any owner may claim the row.
};

/// @brief A store's watch on its outbox (TicketStore::watch_outbox()): while it lives, the
/// store tells its owner of outbox rows committed by anyone. Destroying it ends the watch.
class TICKETFLOW_API OutboxWatch {
public:
    /// @brief Ends the watch: once it returns, the callback is not called again (a call in
    /// progress is waited for, so it must not be destroyed from inside its own callback).
    virtual ~OutboxWatch() = default;
};

/// @brief Persistent home of tickets, audit trails, the outbox and the due index.
///
/// Implemented by the host or chosen from the built-ins (MemoryStore; SqliteStore in the
/// `sqlite` component).
/// A host's own store on ForwardingStore, checked with the testkit: examples/custom_store.cpp.
///
/// Thread-safety: every method may be called concurrently from many threads; commit()
/// must be atomic and linearisable per ticket. Returned values are copies owned by the
/// caller (load_shared() returns a snapshot shared with the store, which never changes).
///
/// Errors: methods throw StorageError for back-end failures; a failed commit() leaves the
/// store unchanged.
class TICKETFLOW_API TicketStore {
public:
    virtual ~TicketStore() = default;

    /// @brief The one write: applies @p commits atomically as one change, all of them or
    /// none. Every command of a ServiceDesk is one call, whether it changes one ticket or
    /// several (a merge writes both tickets; a recorded visit closes the visit and opens
    /// the tickets derived from it).
    ///
    /// REQUIRES: commit.ticket.version == commit.expected_version + 1 and at least one
    /// event in each commit; each commit of a different ticket.
    /// A commit's `sequence` is checked and advanced in commit order, so two commits of
    /// the group may advance the same counter one after the other.
    /// @throws ValidationError when a commit is malformed or two name the same ticket;
    ///         ConcurrencyConflict when any commit is based on a stale version (or, for
    ///         expected_version 0, its id already exists), or a counter does not stand at
    ///         `value - 1`. Either way, and on StorageError, nothing of any commit is
    ///         written.
    virtual void commit_all(const std::vector<Commit>& commits) = 0;

    /// @brief Applies one commit: commit_all() of a group of one.
    void commit(const Commit& commit);

    /// @brief Appends @p event to the audit trail of ticket event.ticket without changing
    /// the ticket (a refused attempt, a look at private data). Atomic.
    /// @throws NotFound when the ticket does not exist; nothing is written.
    virtual void append_audit(const AuditEvent& event) = 0;

    /// @brief The current version of ticket @p id, if it exists.
    virtual std::optional<Ticket> load(const TicketId& id) const = 0;

    /// @brief The current version of ticket @p id as an immutable shared snapshot, or null
    /// if it does not exist. The snapshot never changes: a later commit makes a new one.
    ///
    /// The desk reads every ticket it changes through this. The default wraps load(); a
    /// store that keeps tickets decoded overrides it to hand out its own copy without
    /// copying it.
    virtual std::shared_ptr<const Ticket> load_shared(const TicketId& id) const;

    /// @brief load_shared() of each of @p ids, in the same order (null where a ticket does
    /// not exist): what the monitor reads for a batch of due tickets. The default calls
    /// load_shared() for each; a store across a network overrides it to read them in one
    /// round trip.
    virtual std::vector<std::shared_ptr<const Ticket>> load_many(const std::vector<TicketId>& ids) const;

    /// @brief Calls @p visit for every ticket matching @p query, in ascending id order,
    /// until it returns false or `query.limit` tickets were visited. Streams: a store does
    /// not hold all results in memory at once.
    ///
    /// REQUIRES: @p visit does not call back into the store's writers.
    virtual void scan(const TicketQuery& query, const std::function<bool(const Ticket&)>& visit) const = 0;

    /// @brief The audit trail of ticket @p id, oldest first; empty if unknown.
    virtual std::vector<AuditEvent> history(const TicketId& id) const = 0;

    /// @brief Up to @p limit due-index entries with due <= @p until, earliest first.
    virtual std::vector<DueEntry> due_until(Instant until, std::size_t limit) const = 0;

    /// @brief Claims up to @p limit due-index entries with due <= @p now for @p lease,
    /// earliest first, and returns them: entries no other owner holds an unexpired claim
    /// on (a claim lapses once `now` passes its `until`). Entries this owner already holds
    /// are returned again with the new lease. The next commit of a ticket ends its claim.
    ///
    /// Atomic: two concurrent calls with different owners never return the same entry
    /// while a claim is unexpired.
    virtual std::vector<DueEntry> claim_due(Instant now, std::size_t limit, const Lease& lease) = 0;

    /// @brief The value counter @p name stands at: 0 until a commit first advances it
    /// (see SequenceStep).
    virtual std::uint64_t sequence_value(const std::string& name) const = 0;

    /// @brief Up to @p limit pending outbox rows, in ascending sequence (due or not).
    virtual std::vector<OutboxRecord> outbox_pending(std::size_t limit) const = 0;
    /// @brief Claims the pending outbox rows of whole tickets for @p lease and returns
    /// them in ascending sequence, up to @p limit rows.
    ///
    /// Tickets are taken in the order of their earliest pending row. A ticket is taken
    /// when that row is due at @p now (next_attempt <= now) and none of its pending rows
    /// is held by another owner's unexpired claim; then its pending rows are claimed from
    /// the earliest on, as long as each is due. So a ticket's rows are delivered by one
    /// owner, in order, and an acknowledged row (outbox_delivered()) is never handed out
    /// again. Rows this owner already holds may be returned again with the new lease.
    ///
    /// Atomic, as claim_due().
    virtual std::vector<OutboxRecord> outbox_claim(Instant now, std::size_t limit, const Lease& lease) = 0;
    /// @brief Ends @p owner's claims on rows @p sequences (rows a dispatcher claimed but
    /// left undelivered, behind a failed row of their ticket), so another owner need not
    /// wait for the lease. Rows claimed by someone else, or unknown, are left alone.
    virtual void outbox_release(const std::vector<std::uint64_t>& sequences, const std::string& owner) = 0;
    /// @brief Marks row @p sequence delivered. Unknown or non-pending rows are left alone.
    virtual void outbox_delivered(std::uint64_t sequence) = 0;
    /// @brief Records a failed delivery of row @p sequence: attempts + 1, @p error kept;
    /// pending again from @p retry_at, or dead when @p retry_at is unset. Its claim ends,
    /// so any owner may retry it.
    virtual void outbox_failed(std::uint64_t sequence, const std::string& error, std::optional<Instant> retry_at) = 0;
    /// @brief Up to @p limit dead rows, in ascending sequence.
    virtual std::vector<OutboxRecord> outbox_dead(std::size_t limit) const = 0;
    /// @brief Moves dead row @p sequence back to pending, due at @p at (manual retry).
    /// @throws NotFound when no dead row has that sequence.
    virtual void outbox_requeue(std::uint64_t sequence, Instant at) = 0;

    /// @brief Calls @p on_rows soon after outbox rows are committed to this store's data,
    /// through this object or another one (another process, another server), so that a
    /// dispatcher need not wait for its next poll to deliver them. Returns null when the
    /// store cannot tell (the default): its dispatchers find new rows by polling.
    ///
    /// A hint, not a message per row: calls may be fewer than commits (several in one) or
    /// spurious, and rows that become due later (a retry's backoff) are not told. Rows
    /// committed after this returns are told while the store can listen; after it lost and
    /// regained its way of listening, @p on_rows is called once, for what it may have
    /// missed. OutboxDispatcher::start() watches the outbox this way.
    ///
    /// Thread-safety: @p on_rows is called from a thread of the store's (for MemoryStore,
    /// the committing thread after its commit), one call at a time, with no lock of the
    /// store's data held; it must be quick (e.g. wake a thread), not throw, and not call
    /// the store's writers or watch_outbox(), nor end a watch.
    /// @throws ValidationError when @p on_rows is empty.
    virtual std::unique_ptr<OutboxWatch> watch_outbox(std::function<void()> on_rows);

    /// @brief Tickets matching @p query, collected from scan().
    std::vector<Ticket> query(const TicketQuery& query) const;
};

/// @brief A TicketStore in process memory: fast, thread-safe, gone when the process ends.
///
/// The default store of a ServiceDesk and the reference the conformance tests hold every
/// other store to. Thread-safe (a reader-writer lock). Tickets that are not closed are
/// kept decoded and shared with readers (load_shared() does not copy); closed tickets and
/// all audit trails are kept in a compact binary encoding. A few versions that nobody
/// holds any more are kept to copy the next versions into, which saves their allocations;
/// a snapshot may outlive its store.
class TICKETFLOW_API MemoryStore final : public TicketStore {
public:
    MemoryStore();
    ~MemoryStore() override;
    MemoryStore(const MemoryStore&) = delete;
    MemoryStore& operator=(const MemoryStore&) = delete;

    void commit_all(const std::vector<Commit>& commits) override;
    void append_audit(const AuditEvent& event) override;
    std::optional<Ticket> load(const TicketId& id) const override;
    std::shared_ptr<const Ticket> load_shared(const TicketId& id) const override;
    void scan(const TicketQuery& query, const std::function<bool(const Ticket&)>& visit) const override;
    std::vector<AuditEvent> history(const TicketId& id) const override;
    std::vector<DueEntry> due_until(Instant until, std::size_t limit) const override;
    std::vector<DueEntry> claim_due(Instant now, std::size_t limit, const Lease& lease) override;
    std::uint64_t sequence_value(const std::string& name) const override;
    std::vector<OutboxRecord> outbox_pending(std::size_t limit) const override;
    std::vector<OutboxRecord> outbox_claim(Instant now, std::size_t limit, const Lease& lease) override;
    void outbox_release(const std::vector<std::uint64_t>& sequences, const std::string& owner) override;
    void outbox_delivered(std::uint64_t sequence) override;
    void outbox_failed(std::uint64_t sequence, const std::string& error, std::optional<Instant> retry_at) override;
    std::vector<OutboxRecord> outbox_dead(std::size_t limit) const override;
    void outbox_requeue(std::uint64_t sequence, Instant at) override;
    /// Told by each commit that wrote rows, on the committing thread before commit_all()
    /// returns, once the commit is applied and the store's lock released (so while the
    /// caller's own locks are held: a ServiceDesk's lock of the tickets committed).
    std::unique_ptr<OutboxWatch> watch_outbox(std::function<void()> on_rows) override;

private:
    struct State;
    struct Prepared;
    void check_sequences(const Prepared* commits, std::size_t count) const;
    void apply(Prepared* commits, std::size_t count);
    std::unique_ptr<State> state_;
};

} // namespace ticketflow
