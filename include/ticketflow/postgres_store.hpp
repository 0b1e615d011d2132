#pragma once
/// @file postgres_store.hpp
/// @brief PostgresStore: a TicketStore in a PostgreSQL database, shared by several
/// application servers (the `postgres` component).
///
/// Link `ticketflow::postgres` (CMake: `find_package(ticketflow CONFIG COMPONENTS postgres)`).
/// See docs/storage.md for choosing a store and running several servers on one database.

#include "ticketflow/postgres_export.hpp"
#include "ticketflow/store.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace ticketflow {

/// @brief Settings of a PostgresStore. Plain value, copied into the store.
struct PostgresOptions {
    /// @brief Where the server is: a URI (`postgresql://user@host:5432/db?sslmode=...`) or a
    /// libpq key/value string (`host=/run/postgresql dbname=desk`). Required.
    std::string connection;
    /// @brief The PostgreSQL schema that holds ticketflow's tables; created when missing.
    /// Lower-case letters, digits and `_`, starting with a letter or `_`, at most 63
    /// characters. Several desks (or tests) keep apart in one database by schema.
    std::string schema = "ticketflow";
    /// @brief Connections kept open when idle (at least 1). A call that finds none idle
    /// opens another, so concurrent calls never wait for one another's connection; the
    /// ones above this number are closed when they are handed back.
    std::size_t pool_size = 4;
    /// @brief Wakes the dispatchers of every server on this schema when one of them commits
    /// outbox rows, instead of leaving them to find the rows at their next poll
    /// (PostgreSQL's LISTEN/NOTIFY; see docs/storage.md, "Waking the other servers"). When true,
    /// each commit that wrote outbox rows is announced after it, from a thread of the
    /// store's on a connection of its own (never in the commit's transaction, so commits
    /// do not queue for the server's notification lock). The thread waits a millisecond
    /// (wall time) before each announcement, and the commits of that moment share it: a
    /// NOTIFY is a small transaction of its own. watch_outbox() listens on one more
    /// connection. Worth it when some servers only write (their host dispatches, or a
    /// worker elsewhere delivers); a server's own commits wake its own dispatcher anyway.
    bool outbox_wakeups = false;
};

/// @brief A TicketStore in a PostgreSQL database: durable, shared by any number of
/// processes on any number of machines, upgradeable.
///
/// - **Transactions**: every commit_all() is one transaction. Versions are checked in the
///   writing statement itself (`UPDATE … WHERE version = $n`, `INSERT … ON CONFLICT DO
///   NOTHING`), counters in the same transaction, so two servers never lose each other's
///   updates: the slower one gets ConcurrencyConflict and nothing of its group is written.
///   Outbox rows take their sequence at the end of the transaction, under one lock, so
///   sequences increase in commit order store-wide.
/// - **Claims**: claim_due() takes due entries with `FOR UPDATE SKIP LOCKED`;
///   outbox_claim() takes whole tickets, each under a transaction-scoped advisory lock
///   tried without waiting, so concurrent claimers skip each other's tickets rather than
///   queue behind them.
/// - **Durability** is the server's: `synchronous_commit` is left as the server (or the
///   role, or the connection string's `options`) sets it.
/// - **Schema**: its own PostgreSQL schema (PostgresOptions::schema) with a version table.
///   An older schema is upgraded when the store is opened (under a lock, so servers
///   starting together upgrade it once); a newer one is refused with StorageError.
/// - **Errors**: a lost connection, a server restart or any server error is a
///   StorageError (a deadlock or serialization failure inside commit_all() is a
///   ConcurrencyConflict, worth retrying); the transaction is rolled back, so nothing is
///   half-written, and the broken connection is dropped: the next call reconnects. When
///   the connection is lost while `COMMIT` may be on its way, commit_all() asks the
///   server on a new connection: it first ends the old connection's server process if
///   that still runs the transaction (so it cannot commit later), then reads the tickets.
///   Holding what the commit wrote, the call returns normally; still as they were, it
///   throws StorageError and nothing was written. Only when that cannot be told (the
///   server still unreachable, or the tickets written again since) is the StorageError
///   one that says the outcome is unknown: reload the tickets to find out.
///
/// Thread-safety: every method may be called concurrently from many threads (each call
/// borrows its own connection from the pool). Returned values are copies owned by the
/// caller. scan() reads keyset pages of 1,000 tickets inside one read-only
/// REPEATABLE READ transaction: the visit sees one snapshot and never more than a page
/// is held in memory.
class TICKETFLOW_POSTGRES_API PostgresStore final : public TicketStore {
public:
    /// @brief Connects, creates or upgrades the schema and prepares the pool.
    /// @throws ValidationError for an empty connection string, a bad schema name or a
    ///         pool_size of 0; StorageError when the server cannot be reached or the
    ///         schema was written by a newer release.
    explicit PostgresStore(PostgresOptions options);
    /// @brief Closes the pooled connections. No call may be running.
    ~PostgresStore() override;
    PostgresStore(const PostgresStore&) = delete;
    PostgresStore& operator=(const PostgresStore&) = delete;

    /// @brief The options the store was opened with.
    const PostgresOptions& options() const noexcept;

    /// @brief The schema version this release writes (the store's version table holds it).
    static int schema_version() noexcept;

    void commit_all(const std::vector<Commit>& commits) override;
    void append_audit(const AuditEvent& event) override;
    std::optional<Ticket> load(const TicketId& id) const override;
    /// One query for all of @p ids.
    std::vector<std::shared_ptr<const Ticket>> load_many(const std::vector<TicketId>& ids) const override;
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
    /// With PostgresOptions::outbox_wakeups: LISTENs on a connection of its own, told of
    /// commits by any PostgresStore on the same schema that has outbox_wakeups set (this
    /// one included); after a lost connection it reconnects once a second and then calls
    /// @p on_rows once. Without it: null, the dispatchers poll.
    /// @throws ValidationError when @p on_rows is empty; StorageError when the watch's
    ///         thread cannot be started.
    std::unique_ptr<OutboxWatch> watch_outbox(std::function<void()> on_rows) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ticketflow
