#pragma once
/// @file sqlite_store.hpp
/// @brief SqliteStore: a durable TicketStore in one SQLite file (the `sqlite` component).
///
/// Link `ticketflow::sqlite` (CMake: `find_package(ticketflow CONFIG COMPONENTS sqlite)`).
/// See docs/storage.md for choosing a store, durability and multi-process use.

#include "ticketflow/sqlite_export.hpp"
#include "ticketflow/store.hpp"

#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace ticketflow {

/// @brief How hard a commit waits for the disk before it returns.
enum class SqliteDurability : unsigned char {
    /// `synchronous=FULL`: the write-ahead log is flushed to the disk (fsync) before
    /// commit() returns, so a commit that returned survives a crash of the process, of
    /// the operating system and a power loss. The default.
    full,
    /// `synchronous=NORMAL`: commit() returns once SQLite has written the log, without
    /// waiting for the disk. A commit that returned survives a crash of the process;
    /// after an operating-system crash or power loss the last commits before it may be
    /// rolled back (each entirely: atomicity holds). The file is never corrupted. Faster
    /// on slow disks; choose it when losing the last moments of work on a power cut is
    /// acceptable.
    normal,
};

/// @brief Settings of a SqliteStore. Plain value, copied into the store.
struct SqliteOptions {
    /// @brief The database file. Its directory must be writable: SQLite keeps the
    /// write-ahead log (`<path>-wal`) and shared index (`<path>-shm`) next to it.
    std::string path = "ticketflow.db";
    /// @brief What a returned commit survives; see SqliteDurability.
    SqliteDurability durability = SqliteDurability::full;
    /// @brief How long a write waits for another process holding the database's write
    /// lock before it fails with StorageError.
    std::chrono::milliseconds busy_timeout{5000};
    /// @brief Create the file (and an empty schema) when it does not exist. When false,
    /// a missing file is a StorageError.
    bool create_if_missing = true;
};

/// @brief A TicketStore in one SQLite database file: durable, shareable between
/// processes, upgradeable.
///
/// - **Durability**: the database runs in WAL mode; commit() is durable when it returns,
///   as SqliteOptions::durability says. Every change is one SQLite transaction.
/// - **Several processes** may open the same file at once. A commit takes the file's
///   write lock (`BEGIN IMMEDIATE`) and checks the stored version inside that
///   transaction, so writers in different processes never lose each other's updates: the
///   slower one gets ConcurrencyConflict (ServiceDesk then re-evaluates its command).
/// - **Group commit**: commits that arrive from several threads while a transaction is
///   being written are gathered into the next transaction and share its flush to disk;
///   each returns only when it is durable. A commit that is rejected (a stale version,
///   say) fails alone: rejections are decided before anything is written. A storage
///   failure fails every commit of that transaction, and none of them is written.
///   commit_batch() does the same for commits given at once, and a Batch scope for
///   everything one thread writes, through a ServiceDesk say, until it commits.
/// - **Schema**: the file records its schema version. Opening a file written by an older
///   release upgrades it in place (in one transaction, under the write lock); a file
///   that is up to date is opened without taking the write lock, so opening does not
///   wait for a writer in another process; a file of a newer release, a
///   damaged file or another application's database is refused with StorageError and
///   left byte-for-byte untouched.
/// - **Reads** use a pool of connections (in WAL mode they never wait for writers) and a
///   cache of about a thousand decoded tickets, each entry valid for one stored version:
///   since a committed version never changes, a version match proves it current, even
///   with other processes writing (rows are assumed to be written by ticketflow only).
///   A scan() that goes on past its first thousand rows reads and decodes ahead on a
///   second thread (at most a few batches of 256 tickets), so the visitor's work and
///   the decoding overlap; the visitor is always called on the calling thread, in order.
/// - **Outbox**: delivered notifications are kept (state `delivered`) as the record of
///   what was sent; outbox_of() lists a ticket's. Marking a row delivered or failed does
///   not wait for the disk: after a power loss such a mark may be lost, and the row is
///   delivered again (delivery is at least once; idempotency keys make it harmless).
///
/// Thread-safety: every method may be called concurrently from many threads (readers use
/// a pool of connections, writers share one through group commit). A scan() visitor may
/// call the store's readers, not its writers.
///
/// Errors: SQLite failures become StorageError with SQLite's message and the file name;
/// a failed commit writes nothing.
class TICKETFLOW_SQLITE_API SqliteStore final : public TicketStore {
public:
    /// @brief The schema version this release writes. Files with an older version are
    /// upgraded when opened; files with a newer one are refused.
    static constexpr int schema_version = 4;

    /// @brief Opens (or creates) the database at `options.path`, upgrading its schema.
    /// @throws StorageError when the file is missing (and may not be created), is not a
    ///         SQLite database, is damaged, belongs to another application or has a newer
    ///         schema; the file is then left untouched.
    /// @throws ValidationError when `options.path` is empty or busy_timeout is negative.
    explicit SqliteStore(SqliteOptions options);
    /// @brief Closes every connection. REQUIRES: no call on the store is in progress.
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    void commit_all(const std::vector<Commit>& commits) override;
    void append_audit(const AuditEvent& event) override;
    std::optional<Ticket> load(const TicketId& id) const override;
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

    /// @brief Applies @p commits in one transaction, each one atomically, and flushes
    /// once: for bulk imports and other writers that have many changes at hand.
    ///
    /// @return One entry per commit: null when it was written, otherwise the error that
    ///         rejected it (ConcurrencyConflict, ValidationError); nothing of a rejected
    ///         commit is written and the others are unaffected. Commits apply in order, so
    ///         a later commit may build on an earlier one of the same batch.
    /// @throws StorageError when the transaction itself fails; then none is written.
    std::vector<std::exception_ptr> commit_batch(const std::vector<Commit>& commits);

    /// @brief A scope in which the calling thread's writes share one transaction and one
    /// flush to disk: for bulk work through a ServiceDesk (an import, a tick() over many
    /// tickets) when a flush per command is too slow.
    ///
    /// While a Batch is open:
    /// - commits and other writes made by this thread go into the batch's transaction,
    ///   each still checked against the stored version; a rejected one (ConcurrencyConflict
    ///   …) leaves the others alone, a storage failure loses the whole batch (its commit()
    ///   then throws);
    /// - this thread's reads of tickets, histories and the due index see those writes;
    ///   other threads and processes see none of them, and their writes wait until the
    ///   batch ends (keep batches short: another process waits at most its busy timeout);
    /// - outbox_pending() and outbox_dead() leave out the rows written in the batch, so
    ///   no notification of the batch is delivered before the batch is durable; delivery
    ///   marks made meanwhile (for rows committed earlier) belong to the batch.
    ///
    /// commit() makes everything durable at once. A batch that is destroyed without
    /// commit() (an exception, or the process dies) leaves none of its writes behind, even
    /// though each command had returned: report the batch's changes as done only after
    /// commit() returned.
    ///
    /// Thread-safety: open, use and end a Batch on one thread; one Batch per thread and
    /// store at a time. Inside a batch, a scan() visitor must not start another scan().
    ///
    /// @snippet sqlite_store_test.cpp sqlite-batch
    class TICKETFLOW_SQLITE_API Batch {
    public:
        /// @brief Waits for the store's write connection (commits in flight finish
        /// first) and opens the batch's transaction.
        /// @throws StorageError when the database's write lock is not had within the
        ///         busy timeout; ValidationError when this thread has a batch open already.
        explicit Batch(SqliteStore& store);
        /// @brief Rolls back everything written in the batch unless commit() was called.
        ~Batch();
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;

        /// @brief Commits the batch durably (as SqliteOptions::durability says).
        /// @throws StorageError when the commit fails; then nothing of the batch is kept.
        /// @throws ValidationError when the batch was committed already.
        void commit();

    private:
        SqliteStore* store_;
        bool open_ = false;
    };

    /// @brief Every outbox row of ticket @p id — pending, delivered and dead — in
    /// sequence order: what the ticket's customer and staff were (to be) told.
    std::vector<OutboxRecord> outbox_of(const TicketId& id) const;

    /// @brief The options the store was opened with.
    const SqliteOptions& options() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ticketflow
