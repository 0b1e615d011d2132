#include "ticketflow/postgres_store.hpp"

#include "postgres/connection.hpp"
#include "postgres/outbox_wakeups.hpp"
#include "postgres/schema.hpp"
#include "store/commit_rules.hpp"

#include "ticketflow/error.hpp"
#include "ticketflow/lifecycle.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/ticket_encoding.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace ticketflow {

using detail::pg::Connection;
using detail::pg::NotWritten;
using detail::pg::Params;
using detail::pg::Result;
using detail::pg::Statement;

namespace {

constexpr std::size_t scan_page = 1000;
constexpr std::size_t outbox_page = 256;

// PostgreSQL's LIMIT takes a signed 64-bit count.
std::int64_t sql_limit(std::size_t limit) {
    return limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
               ? std::numeric_limits<std::int64_t>::max()
               : static_cast<std::int64_t>(limit);
}

bool valid_schema_name(const std::string& s) {
    if (s.empty() || s.size() > 63) return false;
    if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z'))) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// Runs `decode` on data read from the server; a malformed value means damaged data.
template <class Decode>
auto decoded(const std::string& what, Decode&& decode) {
    try {
        return decode();
    } catch (const DamagedEncoding& e) {
        throw StorageError("PostgreSQL: damaged " + what + ": " + e.what());
    } catch (const StorageError&) {
        throw;
    } catch (const ValidationError& e) {
        throw StorageError("PostgreSQL: damaged " + what + ": " + e.what());
    }
}

// A ticket from columns (version, payload, id) starting at `col`.
Ticket ticket_from_row(const Result& r, int row, int col = 0) {
    const std::string id = r.text(row, col + 2);
    return decoded("ticket payload (ticket " + id + ")", [&] {
        Ticket t = decode_ticket(r.bytes(row, col + 1));
        if (t.version != static_cast<std::uint64_t>(r.integer(row, col)))
            throw ValidationError("ticket.version", "differs from the row's version column");
        if (t.id != id) throw ValidationError("ticket.id", "differs from the row's id column");
        return t;
    });
}

// The rows (version, payload, id) of those of `ids` that exist, read in binary in one
// query, each found by its id.
class TicketRows {
public:
    TicketRows(Connection& db, const std::vector<TicketId>& ids)
        : result_(db.run("SELECT version, payload, id FROM tickets WHERE id = ANY($1::text[])", Params().array(ids),
                         true)) {
        for (int i = 0; i < result_.rows(); ++i) row_of_.emplace(result_.view(i, 2), i);
    }
    const Result& result() const { return result_; }
    // The row of `id`, or -1 when it has none.
    int row(const TicketId& id) const {
        const auto found = row_of_.find(id);
        return found == row_of_.end() ? -1 : found->second;
    }

private:
    Result result_;
    std::unordered_map<std::string_view, int> row_of_; // views into result_
};

constexpr const char* outbox_columns =
    "sequence, ticket, kind, audience, recipient, at, text, idempotency_key, state, attempts, next_attempt, "
    "last_error, claimed_by, claimed_until";

OutboxState state_of(std::int64_t v) {
    switch (v) {
    case 0: return OutboxState::pending;
    case 1: return OutboxState::delivered;
    case 2: return OutboxState::dead;
    default: throw ValidationError("state", "unknown outbox state " + std::to_string(v));
    }
}

OutboxRecord outbox_from_row(const Result& r, int row) {
    return decoded("outbox row", [&] {
        OutboxRecord o;
        o.sequence = static_cast<std::uint64_t>(r.integer(row, 0));
        o.notification.ticket = r.text(row, 1);
        o.notification.kind = parse_notification_kind(r.text(row, 2));
        o.notification.audience = parse_audience(r.text(row, 3));
        o.notification.recipient = r.text(row, 4);
        o.notification.at = r.instant(row, 5);
        o.notification.text = r.text(row, 6);
        o.notification.idempotency_key = r.text(row, 7);
        o.state = state_of(r.integer(row, 8));
        o.attempts = static_cast<std::uint32_t>(r.integer(row, 9));
        o.next_attempt = r.instant(row, 10);
        o.last_error = r.text(row, 11);
        o.claimed_by = r.text(row, 12);
        o.claimed_until = r.instant(row, 13);
        return o;
    });
}

AuditEvent event_from_row(const Result& r, int row) {
    return decoded("audit event", [&] {
        AuditEvent e;
        e.ticket = r.text(row, 0);
        e.version = static_cast<std::uint64_t>(r.integer(row, 1));
        e.at = r.instant(row, 2);
        e.actor = r.text(row, 3);
        e.action = parse_action(r.text(row, 4));
        e.from = parse_status(r.text(row, 5));
        e.to = parse_status(r.text(row, 6));
        e.note = r.text(row, 7);
        return e;
    });
}

constexpr const char* insert_event_sql =
    "INSERT INTO events (ticket, version, at, actor, action, from_status, to_status, note) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

Params event_params(const AuditEvent& e, const TicketId& ticket) {
    Params p;
    p.add(ticket)
        .add(e.version)
        .add(e.at)
        .add(e.actor)
        .add(to_string(e.action))
        .add(to_string(e.from))
        .add(to_string(e.to))
        .add(e.note);
    return p;
}

std::uint64_t stored_counter(Connection& db, const std::string& name) {
    auto r = db.run("SELECT value FROM sequences WHERE name = $1", Params().add(name));
    return r.rows() ? static_cast<std::uint64_t>(r.integer(0, 0)) : 0;
}

// The version check failed in the statement: read what is stored for the message.
[[noreturn]] void refuse_version(Connection& db, const Commit& c) {
    auto r = db.run("SELECT version FROM tickets WHERE id = $1", Params().add(c.ticket.id));
    const bool exists = r.rows() > 0;
    detail::check_stored_version(c, exists ? static_cast<std::uint64_t>(r.integer(0, 0)) : 0, exists);
    throw ConcurrencyConflict("ticket " + c.ticket.id + ": changed concurrently");
}

// How a commit's writes that must touch exactly one row are checked: by the client from
// the row counts, before it sends COMMIT (a second round trip), or in the statement itself,
// which aborts the transaction (the schema's expect_written(), SQLSTATE TF409) so COMMIT
// goes in the same round trip. The server-side check costs a function call per statement:
// it pays for small commits (a command's), not for large groups (a tick's batch).
enum class Check { by_client, in_statement };

// `write` (an INSERT or UPDATE ... RETURNING 1), checked as `check` says; `target` (SQL)
// names what it writes for the error.
std::string checked(Check check, const std::string& write, const char* target) {
    if (check == Check::by_client) return write;
    return "WITH written AS (" + write + " RETURNING 1) SELECT expect_written((SELECT count(*) FROM written), " +
           target + ")";
}

// The ticket row's write, its version checked in the statement itself: it touches one
// row or none (a conflict, see refuse_version()).
Statement ticket_write(Check check, const Commit& c, std::string payload) {
    const Ticket& t = c.ticket;
    Params p;
    p.add(t.id)
        .add(t.version)
        .add(to_string(t.status))
        .add(t.assignee)
        .add(t.department)
        .add(t.customer.id)
        .add(t.times.received)
        .add(c.next_due)
        .binary(std::move(payload));
    if (c.expected_version == 0)
        return {checked(check,
                        "INSERT INTO tickets (id, version, status, assignee, department, customer_id, received, due, "
                        "payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
                        "'ticket ' || $1"),
                std::move(p)};
    p.add(c.expected_version);
    return {checked(check,
                    "UPDATE tickets SET version = $2, status = $3, assignee = $4, department = $5, "
                    "customer_id = $6, received = $7, due = $8, payload = $9, due_claimed_until = 0 "
                    "WHERE id = $1 AND version = $10",
                    "'ticket ' || $1"),
            std::move(p)};
}

// A counter's step, checked in the statement: it touches the row only when the counter
// stands at value - 1 (see refuse_step()).
Statement counter_step(Check check, const SequenceStep& step) {
    Params p;
    p.add(step.name);
    if (step.value == 1)
        return {checked(check, "INSERT INTO sequences (name, value) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING",
                        "'counter ' || $1"),
                std::move(p)};
    p.add(step.value).add(step.value - 1);
    return {checked(check, "UPDATE sequences SET value = $2 WHERE name = $1 AND value = $3", "'counter ' || $1"),
            std::move(p)};
}

[[noreturn]] void refuse_step(Connection& db, const SequenceStep& step) {
    detail::check_sequence_step(step, stored_counter(db, step.name));
    throw ConcurrencyConflict("counter " + step.name + ": advanced concurrently");
}

Statement outbox_insert(const Notification& n, std::uint64_t total, std::uint64_t k) {
    Params p;
    p.add(total)
        .add(k)
        .add(n.ticket)
        .add(to_string(n.kind))
        .add(to_string(n.audience))
        .add(n.recipient)
        .add(n.at)
        .add(n.text)
        .add(n.idempotency_key);
    return {"INSERT INTO outbox (sequence, ticket, kind, audience, recipient, at, text, idempotency_key, "
            "state, attempts, next_attempt, last_error) "
            "VALUES ((SELECT last FROM outbox_head) - $1 + $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, 0, '')",
            std::move(p)};
}

// The statements of one commit_all(), BEGIN first (and COMMIT last when the checks are in
// the statements): ticket rows (in id order, so two groups of the same tickets cannot
// deadlock), counters, events, and last the outbox: its head row is held only until COMMIT,
// so sequences follow commit order. Each outbox row takes its sequence from the head the
// same transaction has just advanced.
std::vector<Statement> commit_statements(Check check, const std::vector<Commit>& commits,
                                         const std::vector<std::size_t>& order, std::vector<std::string>& payloads) {
    std::vector<Statement> batch;
    batch.push_back({"BEGIN", {}, false});
    for (auto i : order) batch.push_back(ticket_write(check, commits[i], std::move(payloads[i])));
    for (const auto& c : commits)
        if (c.sequence) batch.push_back(counter_step(check, *c.sequence));
    std::uint64_t notifications = 0;
    for (const auto& c : commits) {
        notifications += c.notifications.size();
        for (const auto& e : c.events) batch.push_back({insert_event_sql, event_params(e, c.ticket.id)});
    }
    if (notifications > 0) {
        Params head;
        head.add(notifications);
        batch.push_back({"UPDATE outbox_head SET last = last + $1", std::move(head)});
        std::uint64_t k = 0;
        for (const auto& c : commits)
            for (const auto& n : c.notifications) batch.push_back(outbox_insert(n, notifications, ++k));
    }
    if (check == Check::in_statement) batch.push_back({"COMMIT", {}, false});
    return batch;
}

// What the stored tickets tell of a commit whose connection was lost with its COMMIT on
// the way: a ticket holding exactly what the commit wrote shows it applied; one still at
// the version the commit expected, or at the commit's version with another payload, shows
// it was not. One transaction, so the first ticket that tells answers for the group; a
// ticket written again since tells nothing.
enum class Outcome { applied, not_applied, unknown };

Outcome outcome_of(Connection& db, const std::vector<Commit>& commits) {
    std::vector<TicketId> ids;
    for (const auto& c : commits) ids.push_back(c.ticket.id);
    const TicketRows stored(db, ids);
    const Result& r = stored.result();
    for (const auto& c : commits) {
        const int row = stored.row(c.ticket.id);
        if (row < 0) {
            if (c.expected_version == 0) return Outcome::not_applied;
            continue;
        }
        const auto version = static_cast<std::uint64_t>(r.integer(row, 0));
        if (version == c.expected_version) return Outcome::not_applied;
        if (version == c.ticket.version)
            return r.bytes(row, 1) == encode_ticket(c.ticket) ? Outcome::applied : Outcome::not_applied;
    }
    return Outcome::unknown;
}

// A claim another owner still holds at `now`.
bool held_by_other(const std::string& claimed_by, Instant claimed_until, const Lease& lease, Instant now) {
    return !claimed_by.empty() && claimed_by != lease.owner && now < claimed_until;
}

} // namespace

struct PostgresStore::Impl {
    explicit Impl(PostgresOptions o)
        : options(std::move(o)), pool(options.connection, options.schema, options.pool_size) {
        auto c = pool.borrow();
        detail::pg::migrate(*c, options.schema);
        if (options.outbox_wakeups)
            announcer = std::make_unique<detail::pg::Announcer>(options.connection, options.schema);
    }

    // One transaction, its statements pipelined: a small commit (up to four checked
    // writes) in one round trip with the checks in the statements; a larger group in two,
    // the client checking what each write touched before it sends COMMIT. Returns once
    // the group is committed.
    void write(const std::vector<Commit>& commits);

    template <class Body>
    auto transaction(Body&& body) {
        return detail::pg::in_transaction(pool, "BEGIN", std::forward<Body>(body));
    }
    template <class Body>
    auto single(Body&& body) { // one statement, its own implicit transaction
        auto c = pool.borrow();
        return body(*c);
    }

    std::vector<OutboxRecord> outbox_rows(int state, std::size_t limit) {
        return single([&](Connection& db) {
            auto r = db.run(std::string("SELECT ") + outbox_columns +
                                " FROM outbox WHERE state = " + std::to_string(state) + " ORDER BY sequence LIMIT $1",
                            Params().add(sql_limit(limit)));
            std::vector<OutboxRecord> rows;
            for (int i = 0; i < r.rows(); ++i) rows.push_back(outbox_from_row(r, i));
            return rows;
        });
    }

    // After `lost` (the connection served by `backend` gone with COMMIT perhaps sent): true
    // when a new connection finds the commit applied, false when it finds it not applied;
    // when it cannot tell, a StorageError that says so.
    bool lost_commit_applied(const std::vector<Commit>& commits, const Connection::Backend& backend,
                             const StorageError& lost) {
        Outcome outcome = Outcome::unknown;
        try {
            // The lost connection's server process may still be running the transaction
            // (waiting for a lock, say): once it is gone, what is stored is final.
            outcome = single(
                [&](Connection& db) { return db.end_backend(backend) ? outcome_of(db, commits) : Outcome::unknown; });
        } catch (const Error&) {
            // The server is still out of reach: the outcome stays unknown.
        }
        if (outcome == Outcome::unknown)
            throw StorageError(std::string(lost.what()) +
                               "; the connection was lost with COMMIT on its way, and whether the transaction was "
                               "committed cannot be told: reload the tickets to find out");
        return outcome == Outcome::applied;
    }

    PostgresOptions options;
    detail::pg::Pool pool;
    std::unique_ptr<detail::pg::Announcer> announcer; // with options.outbox_wakeups
};

PostgresStore::PostgresStore(PostgresOptions options) {
    if (options.connection.empty()) throw ValidationError("connection", "is required");
    if (!valid_schema_name(options.schema))
        throw ValidationError("schema", "must be 1 to 63 lower-case letters, digits or '_', not starting with a digit");
    if (options.pool_size == 0) throw ValidationError("pool_size", "must be at least 1");
    impl_ = std::make_unique<Impl>(std::move(options));
}

PostgresStore::~PostgresStore() = default;

const PostgresOptions& PostgresStore::options() const noexcept { return impl_->options; }

int PostgresStore::schema_version() noexcept { return detail::pg::supported_schema_version(); }

void PostgresStore::commit_all(const std::vector<Commit>& commits) {
    detail::check_commit_group(commits);
    if (commits.empty()) return;
    impl_->write(commits);
    if (impl_->announcer && detail::writes_outbox(commits)) impl_->announcer->announce();
}

void PostgresStore::Impl::write(const std::vector<Commit>& commits) {
    std::vector<std::string> payloads;
    payloads.reserve(commits.size());
    for (const auto& c : commits) payloads.push_back(encode_ticket(c.ticket));
    std::vector<std::size_t> order(commits.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return commits[a].ticket.id < commits[b].ticket.id; });
    const auto checked_writes =
        commits.size() + static_cast<std::size_t>(std::count_if(
                             commits.begin(), commits.end(), [](const Commit& c) { return c.sequence.has_value(); }));
    const Check check = checked_writes <= 4 ? Check::in_statement : Check::by_client;
    auto db = pool.borrow();
    bool commit_sent = check == Check::in_statement; // COMMIT goes with the writes
    try {
        const auto results = db->run_all(commit_statements(check, commits, order, payloads));
        if (check == Check::in_statement) return; // committed
        std::size_t r = 1;                        // after BEGIN
        for (auto i : order)
            if (results[r++].affected() != 1) refuse_version(*db, commits[i]);
        for (const auto& c : commits)
            if (c.sequence && results[r++].affected() != 1) refuse_step(*db, *c.sequence);
        commit_sent = true;
        db->exec("COMMIT");
    } catch (const NotWritten& refused) {
        db->rollback_quietly(); // the transaction is aborted; then the stored state, for the message
        for (const auto& c : commits) {
            if (refused.target() == "ticket " + c.ticket.id) refuse_version(*db, c);
            if (c.sequence && refused.target() == "counter " + c.sequence->name) refuse_step(*db, *c.sequence);
        }
        throw;
    } catch (const StorageError& failure) {
        db->rollback_quietly();
        // Lost with COMMIT perhaps processed: the server's word, read on a new connection,
        // decides whether this call failed.
        if (db->broken() && commit_sent && lost_commit_applied(commits, db->backend(), failure)) return;
        throw;
    } catch (...) {
        db->rollback_quietly();
        throw;
    }
}

void PostgresStore::append_audit(const AuditEvent& event) {
    impl_->single([&](Connection& db) {
        auto r = db.run("INSERT INTO events (ticket, version, at, actor, action, from_status, to_status, note) "
                        "SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM tickets WHERE id = $1)",
                        event_params(event, event.ticket));
        if (r.affected() == 0) throw NotFound("ticket " + event.ticket);
    });
}

std::optional<Ticket> PostgresStore::load(const TicketId& id) const {
    return impl_->single([&](Connection& db) -> std::optional<Ticket> {
        auto r = db.run("SELECT version, payload, id FROM tickets WHERE id = $1", Params().add(id), true);
        if (r.rows() == 0) return std::nullopt;
        return ticket_from_row(r, 0);
    });
}

std::vector<std::shared_ptr<const Ticket>> PostgresStore::load_many(const std::vector<TicketId>& ids) const {
    if (ids.empty()) return {};
    const auto stored = impl_->single([&](Connection& db) { return TicketRows(db, ids); });
    std::vector<std::shared_ptr<const Ticket>> tickets;
    tickets.reserve(ids.size());
    for (const auto& id : ids) {
        const int row = stored.row(id);
        tickets.push_back(row < 0 ? nullptr : std::make_shared<const Ticket>(ticket_from_row(stored.result(), row)));
    }
    return tickets;
}

void PostgresStore::scan(const TicketQuery& q, const std::function<bool(const Ticket&)>& visit) const {
    // Only the filters that are set, so each combination is its own prepared statement
    // that can use the matching index; pages continue after the last id seen.
    std::string where;
    Params base;
    int n = 0;
    auto add = [&](const std::string& column, const char* op) {
        where += " AND " + column + " " + op + " $" + std::to_string(++n);
    };
    if (q.status) add("status", "="), base.add(to_string(*q.status));
    if (q.assignee) add("assignee", "="), base.add(*q.assignee);
    if (q.department) add("department", "="), base.add(*q.department);
    if (q.customer_id) add("customer_id", "="), base.add(*q.customer_id);
    if (q.received_from) add("received", ">="), base.add(*q.received_from);
    if (q.received_until) add("received", "<"), base.add(*q.received_until);
    const std::string sql = "SELECT version, payload, id FROM tickets WHERE id > $" + std::to_string(n + 1) + where +
                            " ORDER BY id LIMIT $" + std::to_string(n + 2);
    detail::pg::in_transaction(impl_->pool, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [&](Connection& db) {
        std::string after; // ids are never empty
        std::size_t visited = 0;
        for (;;) {
            std::size_t page = scan_page;
            if (q.limit) page = std::min(page, q.limit - visited);
            Params p = base;
            p.add(after).add(static_cast<std::uint64_t>(page));
            auto r = db.run(sql, std::move(p), true);
            for (int i = 0; i < r.rows(); ++i) {
                Ticket t = ticket_from_row(r, i);
                ++visited;
                if (!visit(t)) return;
                if (q.limit && visited >= q.limit) return;
            }
            if (static_cast<std::size_t>(r.rows()) < page) return;
            after = r.text(r.rows() - 1, 2);
        }
    });
}

std::vector<AuditEvent> PostgresStore::history(const TicketId& id) const {
    return impl_->single([&](Connection& db) {
        auto r = db.run("SELECT ticket, version, at, actor, action, from_status, to_status, note FROM events "
                        "WHERE ticket = $1 ORDER BY seq",
                        Params().add(id));
        std::vector<AuditEvent> events;
        for (int i = 0; i < r.rows(); ++i) events.push_back(event_from_row(r, i));
        return events;
    });
}

std::vector<DueEntry> PostgresStore::due_until(Instant until, std::size_t limit) const {
    return impl_->single([&](Connection& db) {
        auto r = db.run("SELECT due, id FROM tickets WHERE due IS NOT NULL AND due <= $1 ORDER BY due, id LIMIT $2",
                        Params().add(until).add(sql_limit(limit)));
        std::vector<DueEntry> due;
        for (int i = 0; i < r.rows(); ++i) due.push_back({r.instant(i, 0), r.text(i, 1)});
        return due;
    });
}

// One statement: the entries are chosen and locked with SKIP LOCKED (a concurrent claimer
// or a commit in flight holds its rows; they are left to it) and claimed at once.
std::vector<DueEntry> PostgresStore::claim_due(Instant now, std::size_t limit, const Lease& lease) {
    if (limit == 0) return {};
    return impl_->single([&](Connection& db) {
        auto r = db.run("UPDATE tickets t SET due_claimed_by = $3, due_claimed_until = $4 FROM ("
                        "SELECT id FROM tickets WHERE due IS NOT NULL AND due <= $1 AND "
                        "(due_claimed_until <= $1 OR due_claimed_by = $3 OR due_claimed_by = '') "
                        "ORDER BY due, id LIMIT $2 FOR UPDATE SKIP LOCKED) c WHERE t.id = c.id RETURNING t.due, t.id",
                        Params().add(now).add(sql_limit(limit)).add(lease.owner).add(lease.until));
        std::vector<DueEntry> claimed;
        for (int i = 0; i < r.rows(); ++i) claimed.push_back({r.instant(i, 0), r.text(i, 1)});
        std::sort(claimed.begin(), claimed.end(), [](const DueEntry& a, const DueEntry& b) {
            return std::tie(a.due, a.ticket) < std::tie(b.due, b.ticket);
        });
        return claimed;
    });
}

std::uint64_t PostgresStore::sequence_value(const std::string& name) const {
    return impl_->single([&](Connection& db) { return stored_counter(db, name); });
}

std::vector<OutboxRecord> PostgresStore::outbox_pending(std::size_t limit) const {
    return impl_->outbox_rows(0, limit);
}

std::vector<OutboxRecord> PostgresStore::outbox_dead(std::size_t limit) const { return impl_->outbox_rows(2, limit); }

// Pending rows are read in sequence order, a page at a time. The first row of each ticket
// met decides it: the ticket is locked for this transaction with an advisory lock tried
// without waiting (another claimer in the middle of taking it: skipped), then its pending
// rows are read locked; a ticket with a row another owner holds is skipped, and its rows
// are claimed from the earliest on as long as each is due.
std::vector<OutboxRecord> PostgresStore::outbox_claim(Instant now, std::size_t limit, const Lease& lease) {
    if (limit == 0) return {};
    return impl_->transaction([&](Connection& db) {
        std::vector<OutboxRecord> claimed;
        std::set<std::string> skipped;                                                // tickets passed over
        std::unordered_map<std::string, std::map<std::uint64_t, OutboxRecord>> taken; // locked tickets' rows
        std::int64_t after = 0;
        const std::string lock_key = "ticketflow-outbox:" + impl_->options.schema + ":";
        while (claimed.size() < limit) {
            auto page = db.run("SELECT sequence, ticket FROM outbox WHERE state = 0 AND sequence > $1 "
                               "ORDER BY sequence LIMIT $2",
                               Params().add(after).add(static_cast<std::uint64_t>(outbox_page)));
            for (int i = 0; i < page.rows() && claimed.size() < limit; ++i) {
                const auto sequence = static_cast<std::uint64_t>(page.integer(i, 0));
                const std::string ticket = page.text(i, 1);
                if (skipped.count(ticket)) continue;
                auto rows = taken.find(ticket);
                if (rows == taken.end()) {
                    auto got = db.run("SELECT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext($1))",
                                      Params().add(lock_key + ticket));
                    if (got.view(0, 0) != "t") {
                        skipped.insert(ticket);
                        continue;
                    }
                    auto r = db.run(std::string("SELECT ") + outbox_columns +
                                        " FROM outbox WHERE ticket = $1 AND state = 0 ORDER BY sequence FOR UPDATE",
                                    Params().add(ticket));
                    std::map<std::uint64_t, OutboxRecord> mine;
                    bool held = false;
                    for (int j = 0; j < r.rows(); ++j) {
                        auto row = outbox_from_row(r, j);
                        held = held || held_by_other(row.claimed_by, row.claimed_until, lease, now);
                        mine.emplace(row.sequence, std::move(row));
                    }
                    if (held) {
                        skipped.insert(ticket);
                        continue;
                    }
                    rows = taken.emplace(ticket, std::move(mine)).first;
                }
                auto row = rows->second.find(sequence);
                if (row == rows->second.end()) continue; // no longer pending
                if (row->second.next_attempt > now) {    // its later rows wait behind it
                    skipped.insert(ticket);
                    continue;
                }
                row->second.claimed_by = lease.owner;
                row->second.claimed_until = lease.until;
                claimed.push_back(row->second);
            }
            if (static_cast<std::size_t>(page.rows()) < outbox_page) break;
            after = page.integer(page.rows() - 1, 0);
        }
        if (!claimed.empty()) {
            std::vector<std::uint64_t> sequences;
            for (const auto& row : claimed) sequences.push_back(row.sequence);
            db.run("UPDATE outbox SET claimed_by = $2, claimed_until = $3 WHERE sequence = ANY ($1::bigint[])",
                   Params().array(sequences).add(lease.owner).add(lease.until));
        }
        return claimed;
    });
}

void PostgresStore::outbox_release(const std::vector<std::uint64_t>& sequences, const std::string& owner) {
    if (sequences.empty()) return;
    impl_->single([&](Connection& db) {
        db.run("UPDATE outbox SET claimed_until = 0 WHERE sequence = ANY ($1::bigint[]) AND claimed_by = $2",
               Params().array(sequences).add(owner));
    });
}

void PostgresStore::outbox_delivered(std::uint64_t sequence) {
    impl_->single([&](Connection& db) {
        db.run("UPDATE outbox SET state = 1 WHERE sequence = $1 AND state = 0", Params().add(sequence));
    });
}

void PostgresStore::outbox_failed(std::uint64_t sequence, const std::string& error, std::optional<Instant> retry_at) {
    impl_->single([&](Connection& db) {
        db.run("UPDATE outbox SET attempts = attempts + 1, last_error = $2, "
               "next_attempt = coalesce($3::bigint, next_attempt), claimed_until = 0, "
               "state = CASE WHEN $3::bigint IS NULL THEN 2 ELSE 0 END WHERE sequence = $1 AND state = 0",
               Params().add(sequence).add(error).add(retry_at));
    });
}

void PostgresStore::outbox_requeue(std::uint64_t sequence, Instant at) {
    impl_->single([&](Connection& db) {
        auto r = db.run("UPDATE outbox SET state = 0, next_attempt = $2 WHERE sequence = $1 AND state = 2",
                        Params().add(sequence).add(at));
        if (r.affected() == 0) throw NotFound("dead outbox row " + std::to_string(sequence));
    });
}

std::unique_ptr<OutboxWatch> PostgresStore::watch_outbox(std::function<void()> on_rows) {
    detail::check_outbox_callback(on_rows);
    if (!impl_->options.outbox_wakeups) return nullptr;
    return detail::pg::listen_for_rows(impl_->options.connection, impl_->options.schema, std::move(on_rows));
}

} // namespace ticketflow
