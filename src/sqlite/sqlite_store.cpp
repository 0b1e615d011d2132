#include "ticketflow/sqlite_store.hpp"

#include "ticketflow/json.hpp"
#include "ticketflow/ticket_encoding.hpp"

#include "sqlite/connection.hpp"
#include "sqlite/read_ahead.hpp"
#include "sqlite/readers.hpp"
#include "sqlite/schema.hpp"
#include "sqlite/ticket_cache.hpp"
#include "sqlite/writer.hpp"
#include "store/commit_rules.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <limits>

namespace ticketflow {

using detail::Connection;
using detail::ReaderPool;
using detail::Statement;

namespace {

// SQLite's LIMIT takes a signed 64-bit count; -1 means none.
std::int64_t sql_limit(std::size_t limit) {
    return limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
               ? -1
               : static_cast<std::int64_t>(limit);
}

// Runs `decode` on data read from the file; a malformed value means a damaged database.
template <class Decode>
auto decoded(const Connection& db, const std::string& what, Decode&& decode) {
    try {
        return decode();
    } catch (const ValidationError& e) {
        throw StorageError(db.path() + ": damaged " + what + ": " + e.what());
    } catch (const nlohmann::json::exception& e) {
        throw StorageError(db.path() + ": damaged " + what + ": " + e.what());
    } catch (const DamagedEncoding& e) {
        throw StorageError(db.path() + ": damaged " + what + ": " + e.what());
    }
}

// A ticket from a row whose first columns are (version, payload, id). Payloads are the
// compact binary encoding (a BLOB) with a checksum; rows written before it was introduced
// hold JSON text, read as such until the ticket is next written. A damaged payload is a
// StorageError naming the ticket; the other rows stay readable.
Ticket ticket_from_row(const Connection& db, const Statement& row) {
    const std::string id(row.view(2));
    return decoded(db, "ticket payload (ticket " + id + ")", [&] {
        Ticket t = row.is_blob(1) ? decode_ticket(row.blob(1)) : nlohmann::json::parse(row.view(1)).get<Ticket>();
        if (t.version != static_cast<std::uint64_t>(row.integer(0)))
            throw ValidationError("ticket.version", "differs from the row's version column");
        if (t.id != id) throw ValidationError("ticket.id", "differs from the row's id column");
        return t;
    });
}

constexpr const char* outbox_columns =
    "sequence, ticket, kind, audience, recipient, at, text, idempotency_key, state, attempts, next_attempt, "
    "last_error, claimed_by, claimed_until";

OutboxRecord outbox_from_row(const Connection& db, const Statement& row) {
    return decoded(db, "outbox row", [&] {
        OutboxRecord r;
        r.sequence = static_cast<std::uint64_t>(row.integer(0));
        r.notification.ticket = row.text(1);
        r.notification.kind = parse_notification_kind(row.text(2));
        r.notification.audience = parse_audience(row.text(3));
        r.notification.recipient = row.text(4);
        r.notification.at = row.instant(5);
        r.notification.text = row.text(6);
        r.notification.idempotency_key = row.text(7);
        r.state = parse_outbox_state(row.text(8));
        r.attempts = static_cast<std::uint32_t>(row.integer(9));
        r.next_attempt = row.instant(10);
        r.last_error = row.text(11);
        r.claimed_by = row.text(12);
        r.claimed_until = row.instant(13);
        return r;
    });
}

AuditEvent event_from_row(const Connection& db, const Statement& row) {
    return decoded(db, "audit event", [&] {
        AuditEvent e;
        e.ticket = row.text(0);
        e.version = static_cast<std::uint64_t>(row.integer(1));
        e.at = row.instant(2);
        e.actor = row.text(3);
        e.action = parse_action(row.text(4));
        e.from = parse_status(row.text(5));
        e.to = parse_status(row.text(6));
        e.note = row.text(7);
        return e;
    });
}

// The SELECT behind scan(): only the filters that are set, so each combination gets a
// statement (cached) that can use the matching index.
std::string scan_sql(const TicketQuery& q) {
    std::string where;
    auto add = [&where](const char* condition) {
        where += (where.empty() ? " WHERE " : " AND ") + std::string(condition);
    };
    if (q.status) add("status = :status");
    if (q.assignee) add("assignee = :assignee");
    if (q.department) add("department = :department");
    if (q.customer_id) add("customer_id = :customer");
    if (q.received_from) add("received >= :from");
    if (q.received_until) add("received < :until");
    return "SELECT version, payload, id FROM tickets" + where + " ORDER BY id" + (q.limit ? " LIMIT :limit" : "");
}

void bind_scan(Statement& s, const TicketQuery& q) {
    int i = 0;
    if (q.status) s.bind(++i, to_string(*q.status));
    if (q.assignee) s.bind(++i, *q.assignee);
    if (q.department) s.bind(++i, *q.department);
    if (q.customer_id) s.bind(++i, *q.customer_id);
    if (q.received_from) s.bind(++i, *q.received_from);
    if (q.received_until) s.bind(++i, *q.received_until);
    if (q.limit) s.bind(++i, sql_limit(q.limit));
}

// A commit with its payload encoded ahead of the transaction, so the write connection
// is held only for binding and stepping.
struct EncodedCommit {
    const Commit* commit;
    std::string payload;
};

EncodedCommit encode(const Commit& c) {
    detail::check_commit(c);
    return {&c, encode_ticket(c.ticket)};
}

// The UPDATE for a ticket row whose stored indexed columns are in `row` (columns 2..7 of
// the SELECT in write_ticket_row): only changed columns are set, since each unchanged
// one spares an index update.
std::string update_sql(const Statement& row, const Commit& c) {
    const Ticket& t = c.ticket;
    // Every commit ends the monitor's claim on the ticket's due entry.
    std::string sql = "UPDATE tickets SET version = ?2, payload = ?9, due_claimed_until = NULL";
    if (row.view(2) != to_string(t.status)) sql += ", status = ?3";
    if (row.view(3) != t.assignee) sql += ", assignee = ?4";
    if (row.view(4) != t.department) sql += ", department = ?5";
    if (row.view(5) != t.customer.id) sql += ", customer_id = ?6";
    if (row.integer(6) != t.times.received.time_since_epoch().count()) sql += ", received = ?7";
    const bool due_changed = row.is_null(7) ? c.next_due.has_value()
                                            : !c.next_due || row.integer(7) != c.next_due->time_since_epoch().count();
    if (due_changed) sql += ", due = ?8";
    return sql + " WHERE row = ?10";
}

void write_ticket_row(Connection& db, const Commit& c, const std::string& payload) {
    const Ticket& t = c.ticket;
    std::string sql = "INSERT INTO tickets (id, version, status, assignee, department, customer_id, received, due, "
                      "payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    std::int64_t row_id = 0;
    {
        auto row = db.prepare("SELECT row, version, status, assignee, department, customer_id, received, due "
                              "FROM tickets WHERE id = ?1");
        row.bind(1, t.id);
        const bool exists = row.step();
        const auto stored = exists ? static_cast<std::uint64_t>(row.integer(1)) : 0;
        detail::check_stored_version(c, stored, exists);
        if (exists) {
            row_id = row.integer(0);
            sql = update_sql(row, c);
        }
    }
    auto s = db.prepare(sql);
    s.bind(1, t.id)
        .bind(2, static_cast<std::int64_t>(t.version))
        .bind(3, to_string(t.status))
        .bind(4, t.assignee)
        .bind(5, t.department)
        .bind(6, t.customer.id)
        .bind(7, t.times.received)
        .bind(8, c.next_due)
        .bind_blob(9, payload);
    if (row_id) s.bind(10, row_id);
    s.run();
}

void insert_event(Connection& db, const TicketId& ticket, const AuditEvent& e) {
    db.prepare("INSERT INTO events (ticket, version, at, actor, action, from_status, to_status, note) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, ticket)
        .bind(2, static_cast<std::int64_t>(e.version))
        .bind(3, e.at)
        .bind(4, e.actor)
        .bind(5, to_string(e.action))
        .bind(6, to_string(e.from))
        .bind(7, to_string(e.to))
        .bind(8, e.note)
        .run();
}

void check_version(Connection& db, const Commit& c) {
    auto row = db.prepare("SELECT version FROM tickets WHERE id = ?1");
    row.bind(1, c.ticket.id);
    const bool exists = row.step();
    const auto stored = exists ? static_cast<std::uint64_t>(row.integer(0)) : 0;
    detail::check_stored_version(c, stored, exists);
}

void write_events(Connection& db, const Commit& c) {
    for (const auto& e : c.events) insert_event(db, c.ticket.id, e);
}

// New rows are due at once (next_attempt 0, the epoch), as in every store.
void write_outbox(Connection& db, const Commit& c) {
    for (const auto& n : c.notifications) {
        db.prepare("INSERT INTO outbox (ticket, kind, audience, recipient, at, text, idempotency_key, state, "
                   "attempts, next_attempt, last_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, 0, '')")
            .bind(1, n.ticket)
            .bind(2, to_string(n.kind))
            .bind(3, to_string(n.audience))
            .bind(4, n.recipient)
            .bind(5, n.at)
            .bind(6, n.text)
            .bind(7, n.idempotency_key)
            .run();
    }
}

// The counter must stand one below the step's value (checked in the same transaction, so
// commits of one group that advance the same counter see each other's steps).
std::uint64_t stored_sequence(Connection& db, const std::string& name) {
    auto read = db.prepare("SELECT value FROM sequences WHERE name = ?1");
    read.bind(1, name);
    return read.step() ? static_cast<std::uint64_t>(read.integer(0)) : 0;
}

void advance_sequence(Connection& db, const SequenceStep& step) {
    detail::check_sequence_step(step, stored_sequence(db, step.name));
    db.prepare("INSERT INTO sequences (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2")
        .bind(1, step.name)
        .bind(2, static_cast<std::int64_t>(step.value))
        .run();
}

void write_commit(Connection& db, const EncodedCommit& encoded) {
    if (encoded.commit->sequence) advance_sequence(db, *encoded.commit->sequence);
    write_ticket_row(db, *encoded.commit, encoded.payload);
    write_events(db, *encoded.commit);
    write_outbox(db, *encoded.commit);
}

} // namespace

struct SqliteStore::Impl {
    static constexpr std::size_t cached_tickets = 1024;

    SqliteOptions options;
    std::unique_ptr<detail::Writer> writer;
    mutable detail::ReaderPool readers;
    mutable detail::TicketCache cache{cached_tickets};
    // Tickets written by the open batch: read back by its thread, remembered in `cache`
    // once the batch has committed, forgotten if it rolls back. Only the batch's thread
    // touches it.
    std::unordered_map<TicketId, Ticket> batch_written;

    // Runs `read(connection, committed)` on the connection to read tickets with: this
    // thread's open batch (whose writes it must see; committed = false), or else one from
    // the pool (committed = true).
    template <class Read>
    auto read_tickets(Read&& read) const {
        if (Connection* own = writer->exclusive_connection()) return read(*own, false);
        auto lease = readers.borrow();
        return read(*lease, true);
    }

    // The ticket of a row (version, payload, id): from what this thread's batch wrote or
    // from the cache when that version is there, else decoded. A decoded ticket is
    // remembered when `committed` (read outside a batch).
    Ticket ticket_of(const Connection& db, const Statement& row, bool committed) const {
        const std::string id(row.view(2));
        const auto version = static_cast<std::uint64_t>(row.integer(0));
        if (!committed) {
            auto written = batch_written.find(id);
            if (written != batch_written.end() && written->second.version == version) return written->second;
        }
        if (auto hit = cache.find(id, version)) return std::move(*hit);
        Ticket t = ticket_from_row(db, row);
        if (committed) cache.put(t);
        return t;
    }

    // The committed ticket of a row (version, payload, id), from the cache or decoded,
    // without filling the cache: for reading ahead on another thread.
    Ticket committed_ticket(const Connection& db, const Statement& row) const {
        if (auto hit = cache.find(std::string(row.view(2)), static_cast<std::uint64_t>(row.integer(0))))
            return std::move(*hit);
        return ticket_from_row(db, row);
    }

    // After a successful write: its tickets are committed content unless a batch is open.
    void remember(const Ticket& t) {
        if (writer->exclusive_connection())
            batch_written[t.id] = t;
        else
            cache.put(t);
    }

    // The batch's end: what it wrote is committed content now, or never was.
    void end_batch(bool committed) {
        if (committed)
            for (const auto& [id, ticket] : batch_written) cache.put(ticket);
        batch_written.clear();
    }

    // Outbox rows in state `state`, oldest first. Inside a batch they are read on the
    // batch's connection, so its delivery marks count, but only up to the last row that
    // was committed when the batch began: the batch's own notifications wait until it is
    // durable.
    std::vector<OutboxRecord> outbox_rows(const char* state, std::size_t limit) const {
        // The state is written into the SQL (it is one of ours, never input): only then
        // can SQLite use the partial index of that state.
        const std::string sql = std::string("SELECT ") + outbox_columns + " FROM outbox WHERE state = '" + state +
                                "' AND sequence <= ?2 ORDER BY sequence LIMIT ?1";
        auto read = [&](Connection& db, std::int64_t last_sequence) {
            auto s = db.prepare(sql);
            s.bind(1, sql_limit(limit)).bind(2, last_sequence);
            std::vector<OutboxRecord> rows;
            while (s.step()) rows.push_back(outbox_from_row(db, s));
            return rows;
        };
        if (Connection* own = writer->exclusive_connection()) return read(*own, batch_outbox_end);
        auto lease = readers.borrow();
        return read(*lease, std::numeric_limits<std::int64_t>::max());
    }

    // The last outbox sequence committed when this store's open batch began.
    std::int64_t batch_outbox_end = 0;

    explicit Impl(SqliteOptions o) : options(std::move(o)), readers(options.path, options.busy_timeout) {
        writer = std::make_unique<detail::Writer>(open_for_writing(), options.durability == SqliteDurability::full);
    }

    // Opens the file, refuses what is not ours (before writing anything), switches it to
    // WAL mode and brings its schema up to date.
    std::unique_ptr<Connection> open_for_writing() const {
        std::error_code ignored;
        const bool exists = std::filesystem::exists(options.path, ignored);
        if (!exists && !options.create_if_missing)
            throw StorageError(options.path + ": no such database file (and create_if_missing is off)");
        int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (exists ? 0 : SQLITE_OPEN_CREATE);
        auto db = std::make_unique<Connection>(options.path, flags);
        sqlite3_busy_timeout(db->handle(), static_cast<int>(options.busy_timeout.count()));

        const bool empty = detail::inspect_database(*db, schema_version);
        if (empty && !options.create_if_missing)
            throw StorageError(options.path + ": the database is empty (and create_if_missing is off)");
        {
            auto mode = db->prepare("PRAGMA journal_mode = WAL");
            if (!mode.step() || mode.view(0) != "wal")
                throw StorageError(options.path + ": cannot switch the database to WAL mode");
        }
        detail::migrate(*db, schema_version);
        return db;
    }
};

SqliteStore::SqliteStore(SqliteOptions options) {
    if (options.path.empty()) throw ValidationError("path", "is required");
    if (options.busy_timeout.count() < 0 || options.busy_timeout.count() > std::numeric_limits<int>::max())
        throw ValidationError("busy_timeout",
                              "must be between 0 and " + std::to_string(std::numeric_limits<int>::max()) + " ms");
    impl_ = std::make_unique<Impl>(std::move(options));
}

SqliteStore::~SqliteStore() = default;

const SqliteOptions& SqliteStore::options() const noexcept { return impl_->options; }

SqliteStore::Batch::Batch(SqliteStore& store) : store_(&store) {
    auto& impl = *store_->impl_;
    impl.writer->begin_exclusive();
    try {
        auto last = impl.writer->exclusive_connection()->prepare("SELECT coalesce(max(sequence), 0) FROM outbox");
        last.step();
        impl.batch_outbox_end = last.integer(0);
    } catch (...) {
        impl.writer->end_exclusive(false);
        throw;
    }
    open_ = true;
}

SqliteStore::Batch::~Batch() {
    if (!open_) return;
    store_->impl_->end_batch(false);
    try {
        store_->impl_->writer->end_exclusive(false);
    } catch (...) {
        // A rollback cannot fail in a way the caller could act on; the transaction is gone.
    }
}

void SqliteStore::Batch::commit() {
    if (!open_) throw ValidationError("batch", "was committed already");
    open_ = false;
    try {
        store_->impl_->writer->end_exclusive(true);
    } catch (...) {
        store_->impl_->end_batch(false);
        throw;
    }
    store_->impl_->end_batch(true);
}

void SqliteStore::commit_all(const std::vector<Commit>& commits) {
    detail::check_commit_group(commits);
    std::vector<EncodedCommit> encoded;
    encoded.reserve(commits.size());
    for (const auto& c : commits) encoded.push_back(encode(c));
    // Every version is checked before the first write, so a stale one is a clean rejection
    // (see rejection_of()) and the others are not written either.
    impl_->writer->write([&](Connection& db) {
        std::map<std::string, std::uint64_t> advanced; // counters stepped by earlier commits of the group
        for (const auto& e : encoded) {
            check_version(db, *e.commit);
            if (const auto& step = e.commit->sequence) {
                auto earlier = advanced.find(step->name);
                detail::check_sequence_step(*step, earlier != advanced.end() ? earlier->second
                                                                             : stored_sequence(db, step->name));
                advanced[step->name] = step->value;
            }
        }
        for (const auto& e : encoded) write_commit(db, e);
    });
    for (const auto& c : commits) impl_->remember(c.ticket);
}

std::vector<std::exception_ptr> SqliteStore::commit_batch(const std::vector<Commit>& commits) {
    std::vector<std::exception_ptr> outcome(commits.size());
    std::vector<std::optional<EncodedCommit>> encoded(commits.size());
    for (std::size_t i = 0; i < commits.size(); ++i) {
        try {
            encoded[i] = encode(commits[i]);
        } catch (const ValidationError&) {
            outcome[i] = std::current_exception();
        }
    }
    impl_->writer->write([&](Connection& db) {
        for (std::size_t i = 0; i < commits.size(); ++i)
            if (encoded[i]) outcome[i] = detail::rejection_of(db, [&](Connection& c) { write_commit(c, *encoded[i]); });
    });
    for (std::size_t i = 0; i < commits.size(); ++i)
        if (!outcome[i]) impl_->remember(commits[i].ticket);
    return outcome;
}

void SqliteStore::append_audit(const AuditEvent& event) {
    impl_->writer->write([&](Connection& db) {
        auto exists = db.prepare("SELECT 1 FROM tickets WHERE id = ?1");
        exists.bind(1, event.ticket);
        if (!exists.step()) throw NotFound("ticket " + event.ticket);
        insert_event(db, event.ticket, event);
    });
}

std::optional<Ticket> SqliteStore::load(const TicketId& id) const {
    return impl_->read_tickets([&](Connection& db, bool committed) -> std::optional<Ticket> {
        auto s = db.prepare("SELECT version, payload, id FROM tickets WHERE id = ?1");
        s.bind(1, id);
        if (!s.step()) return std::nullopt;
        return impl_->ticket_of(db, s, committed);
    });
}

// The first rows of a scan are read and visited on the caller's thread. A scan that goes
// on past them (a report, a planning pass) reads ahead on a second thread, so decoding
// and visiting overlap; not inside a Batch, whose connection stays on its own thread.
void SqliteStore::scan(const TicketQuery& query, const std::function<bool(const Ticket&)>& visit) const {
    constexpr std::size_t read_ahead_after = 1000;
    impl_->read_tickets([&](Connection& db, bool committed) {
        auto s = db.prepare(scan_sql(query));
        bind_scan(s, query);
        // A scan does not fill the cache (it would push out the tickets being worked on),
        // so it passes committed = false; cached tickets are still used.
        for (std::size_t visited = 0; !committed || visited < read_ahead_after; ++visited)
            if (!s.step() || !visit(impl_->ticket_of(db, s, false))) return;
        detail::ReadAhead ahead([&](Ticket& t) {
            if (!s.step()) return false;
            t = impl_->committed_ticket(db, s);
            return true;
        });
        ahead.drain(visit);
    });
}

std::vector<AuditEvent> SqliteStore::history(const TicketId& id) const {
    return impl_->read_tickets([&](Connection& db, bool) {
        auto s = db.prepare("SELECT ticket, version, at, actor, action, from_status, to_status, note FROM events "
                            "WHERE ticket = ?1 ORDER BY seq");
        s.bind(1, id);
        std::vector<AuditEvent> events;
        while (s.step()) events.push_back(event_from_row(db, s));
        return events;
    });
}

std::vector<DueEntry> SqliteStore::due_until(Instant until, std::size_t limit) const {
    return impl_->read_tickets([&](Connection& db, bool) {
        auto s = db.prepare("SELECT due, id FROM tickets WHERE due IS NOT NULL AND due <= ?1 ORDER BY due, id "
                            "LIMIT ?2");
        s.bind(1, until).bind(2, sql_limit(limit));
        std::vector<DueEntry> due;
        while (s.step()) due.push_back({s.instant(0), s.text(1)});
        return due;
    });
}

// Claims are decided inside one write transaction, so two processes never take the same
// entry while a claim is unexpired (the transaction holds the file's write lock).
std::vector<DueEntry> SqliteStore::claim_due(Instant now, std::size_t limit, const Lease& lease) {
    std::vector<DueEntry> claimed;
    impl_->writer->write(
        [&](Connection& db) {
            claimed.clear();
            auto s = db.prepare("SELECT due, id FROM tickets WHERE due IS NOT NULL AND due <= ?1 AND "
                                "(due_claimed_until IS NULL OR due_claimed_until <= ?1 OR due_claimed_by = ?3) "
                                "ORDER BY due, id LIMIT ?2");
            s.bind(1, now).bind(2, sql_limit(limit)).bind(3, lease.owner);
            while (s.step()) claimed.push_back({s.instant(0), s.text(1)});
            for (const auto& entry : claimed)
                db.prepare("UPDATE tickets SET due_claimed_by = ?2, due_claimed_until = ?3 WHERE id = ?1")
                    .bind(1, entry.ticket)
                    .bind(2, lease.owner)
                    .bind(3, lease.until)
                    .run();
        },
        /*relaxed=*/true);
    return claimed;
}

// Inside a Batch, as outbox_pending(): the batch's own rows wait until it is durable.
std::vector<OutboxRecord> SqliteStore::outbox_claim(Instant now, std::size_t limit, const Lease& lease) {
    std::vector<OutboxRecord> claimed;
    const std::int64_t last_sequence =
        impl_->writer->exclusive_connection() ? impl_->batch_outbox_end : std::numeric_limits<std::int64_t>::max();
    // A dispatcher asks after every command: when nothing is due, a read answers it
    // without taking the write lock.
    const bool anything_due = impl_->read_tickets([&](Connection& db, bool) {
        auto s = db.prepare("SELECT 1 FROM outbox WHERE state = 'pending' AND next_attempt <= ?1 AND sequence <= ?2 "
                            "LIMIT 1");
        s.bind(1, now).bind(2, last_sequence);
        return s.step();
    });
    if (!anything_due) return claimed;
    impl_->writer->write(
        [&](Connection& db) {
            claimed.clear();
            std::vector<OutboxRecord> pending;
            {
                auto s = db.prepare(std::string("SELECT ") + outbox_columns +
                                    " FROM outbox WHERE state = 'pending' AND sequence <= ?1 ORDER BY sequence");
                s.bind(1, last_sequence);
                while (s.step()) pending.push_back(outbox_from_row(db, s));
            }
            std::set<std::string> skipped; // tickets another owner holds
            for (const auto& row : pending)
                if (!row.claimed_by.empty() && row.claimed_by != lease.owner && now < row.claimed_until)
                    skipped.insert(row.notification.ticket);
            for (auto& row : pending) {
                if (claimed.size() >= limit) break;
                if (skipped.count(row.notification.ticket)) continue;
                if (row.next_attempt > now) { // its later rows wait behind it
                    skipped.insert(row.notification.ticket);
                    continue;
                }
                row.claimed_by = lease.owner;
                row.claimed_until = lease.until;
                claimed.push_back(std::move(row));
            }
            for (const auto& row : claimed)
                db.prepare("UPDATE outbox SET claimed_by = ?2, claimed_until = ?3 WHERE sequence = ?1")
                    .bind(1, static_cast<std::int64_t>(row.sequence))
                    .bind(2, lease.owner)
                    .bind(3, lease.until)
                    .run();
        },
        /*relaxed=*/true);
    return claimed;
}

void SqliteStore::outbox_release(const std::vector<std::uint64_t>& sequences, const std::string& owner) {
    if (sequences.empty()) return;
    impl_->writer->write(
        [&](Connection& db) {
            for (auto sequence : sequences)
                db.prepare("UPDATE outbox SET claimed_until = 0 WHERE sequence = ?1 AND claimed_by = ?2")
                    .bind(1, static_cast<std::int64_t>(sequence))
                    .bind(2, owner)
                    .run();
        },
        /*relaxed=*/true);
}

std::uint64_t SqliteStore::sequence_value(const std::string& name) const {
    return impl_->read_tickets([&](Connection& db, bool) { return stored_sequence(db, name); });
}

std::vector<OutboxRecord> SqliteStore::outbox_pending(std::size_t limit) const {
    return impl_->outbox_rows("pending", limit);
}

std::vector<OutboxRecord> SqliteStore::outbox_dead(std::size_t limit) const {
    return impl_->outbox_rows("dead", limit);
}

void SqliteStore::outbox_delivered(std::uint64_t sequence) {
    impl_->writer->write(
        [&](Connection& db) {
            db.prepare("UPDATE outbox SET state = 'delivered' WHERE sequence = ?1 AND state = 'pending'")
                .bind(1, static_cast<std::int64_t>(sequence))
                .run();
        },
        /*relaxed=*/true);
}

void SqliteStore::outbox_failed(std::uint64_t sequence, const std::string& error, std::optional<Instant> retry_at) {
    impl_->writer->write(
        [&](Connection& db) {
            db.prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ?2, "
                       "next_attempt = coalesce(?3, next_attempt), claimed_until = 0, "
                       "state = CASE WHEN ?3 IS NULL THEN 'dead' ELSE 'pending' END "
                       "WHERE sequence = ?1 AND state = 'pending'")
                .bind(1, static_cast<std::int64_t>(sequence))
                .bind(2, error)
                .bind(3, retry_at)
                .run();
        },
        /*relaxed=*/true);
}

void SqliteStore::outbox_requeue(std::uint64_t sequence, Instant at) {
    impl_->writer->write([&](Connection& db) {
        db.prepare("UPDATE outbox SET state = 'pending', next_attempt = ?2 WHERE sequence = ?1 AND state = 'dead'")
            .bind(1, static_cast<std::int64_t>(sequence))
            .bind(2, at)
            .run();
        if (db.changes() == 0) throw NotFound("dead outbox row " + std::to_string(sequence));
    });
}

std::vector<OutboxRecord> SqliteStore::outbox_of(const TicketId& id) const {
    auto db = impl_->readers.borrow();
    auto s = db->prepare(std::string("SELECT ") + outbox_columns + " FROM outbox WHERE ticket = ?1 ORDER BY sequence");
    s.bind(1, id);
    std::vector<OutboxRecord> rows;
    while (s.step()) rows.push_back(outbox_from_row(*db, s));
    return rows;
}

} // namespace ticketflow
