#pragma once
// libpq, wrapped for PostgresStore: a connection with statements prepared on first use,
// results that free themselves, a pool that drops broken connections, and the mapping of
// every server error to ticketflow's exceptions. Nothing of libpq leaves the component.

#include "ticketflow/clock.hpp"
#include "ticketflow/error.hpp"

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace ticketflow::detail::pg {

// A query result; frees itself.
class Result {
public:
    explicit Result(PGresult* r) : r_(r) {}
    int rows() const { return PQntuples(r_.get()); }
    bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string_view view(int row, int col) const {
        return {PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col))};
    }
    std::string text(int row, int col) const { return std::string(view(row, col)); }
    std::int64_t integer(int row, int col) const;
    Instant instant(int row, int col) const { return Instant(Duration(integer(row, col))); }
    std::string bytes(int row, int col) const; // a bytea column: binary, or text in hex output
    bool binary(int col) const { return PQfformat(r_.get(), col) == 1; }
    std::uint64_t affected() const; // rows an INSERT/UPDATE/DELETE touched
    const PGresult* raw() const { return r_.get(); }

private:
    struct Free {
        void operator()(PGresult* r) const noexcept { PQclear(r); }
    };
    std::unique_ptr<PGresult, Free> r_;
};

// Parameters of one statement, as text (binary for bytea); null when unset.
class Params {
public:
    Params& add(std::string value) { return push(std::move(value), false, false); }
    Params& add(std::string_view value) { return add(std::string(value)); }
    Params& add(const char* value) { return add(std::string(value)); }
    Params& add(std::int64_t value) { return add(std::to_string(value)); }
    Params& add(std::uint64_t value) { return add(std::to_string(value)); }
    Params& add(Instant at) { return add(static_cast<std::int64_t>(at.time_since_epoch().count())); }
    Params& add(std::optional<Instant> at) { return at ? add(*at) : push({}, false, true); }
    Params& binary(std::string value) { return push(std::move(value), true, false); }
    Params& array(const std::vector<std::uint64_t>& values); // a bigint[] literal
    Params& array(const std::vector<std::string>& values);   // a text[] literal, each element quoted

    int count() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return pointers_.data(); }
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }
    void seal(); // fixes the pointers once all values are in

private:
    Params& push(std::string value, bool binary, bool null);
    std::vector<std::string> values_;
    std::vector<bool> nulls_;
    std::vector<const char*> pointers_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

// A checked write touched no row (SQLSTATE TF409, raised by the schema's expect_written()):
// `target` names what it wrote ("ticket <id>" or "counter <name>"). A ConcurrencyConflict,
// so one that escapes still reads as a lost race.
class NotWritten : public ticketflow::ConcurrencyConflict {
public:
    NotWritten(const std::string& message, std::string target)
        : ConcurrencyConflict(message), target_(std::move(target)) {}
    const std::string& target() const noexcept { return target_; }

private:
    std::string target_;
};

// One statement of a batch: `sql` (prepared on first use unless `prepare` is false, as for
// BEGIN) with its parameters.
struct Statement {
    std::string sql;
    Params params;
    bool prepare = true;
};

// One server connection with its prepared statements. Not thread-safe: one caller at a time.
class Connection {
public:
    Connection(const std::string& conninfo, const std::string& schema);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs `sql` (prepared on its first use on this connection) with `params`; with
    // `binary_result` every column comes in binary (no hex text for bytea).
    Result run(const std::string& sql, Params params = {}, bool binary_result = false);
    // Runs the statements in order in one round trip per 256 (libpq's pipeline mode) and returns
    // their results in the same order. The first failing statement throws as run() would;
    // the server skips the rest (an open transaction is then aborted, to be rolled back).
    std::vector<Result> run_all(std::vector<Statement> statements);
    // Runs a command without parameters and without preparing it (BEGIN, COMMIT, DDL).
    void exec(const std::string& sql);
    // True once the connection failed: it must not be reused.
    bool broken() const;
    // Checks an idle connection before reuse; false (and broken) when the server closed it.
    bool alive();
    // Rolls back an open transaction after a failure, quietly; marks the connection
    // broken when even that fails.
    void rollback_quietly() noexcept;

    // The server process serving this connection, named so that it cannot be mistaken for
    // a later one that reuses its pid (see end_backend()).
    struct Backend {
        int pid = 0;
        std::string started; // pg_stat_activity.backend_start, as text
    };
    const Backend& backend() const noexcept { return backend_; }
    // Ends the server process `b` of another connection while it still runs a transaction
    // of the store's writes, waiting for it to be gone: that transaction is then committed
    // or rolled back for good. True once it is gone, or no longer in such a transaction;
    // false when it outlived the wait.
    bool end_backend(const Backend& b);

    // For LISTEN: the socket to wait on for the server's messages, and the payloads of
    // the notifications on `channel` that arrived since the last call (none waiting: an
    // empty list). Throws StorageError, the connection broken, when it was lost.
    int socket() const;
    std::vector<std::string> notifications(const std::string& channel);

private:
    [[noreturn]] void fail(const PGresult* r, const std::string& what);
    const std::string& statement_name(const std::string& sql); // prepares on first use
    std::vector<Result> run_part(std::vector<Statement>& statements, const std::vector<const std::string*>& names,
                                 std::size_t first, std::size_t last);
    std::vector<Result> collect_pipeline(std::size_t count);
    PGconn* conn_ = nullptr;
    bool broken_ = false;
    Backend backend_;
    std::unordered_map<std::string, std::string> prepared_; // sql -> statement name
};

// Connections kept for reuse; broken ones are dropped, so the next call reconnects.
class Pool {
public:
    Pool(std::string conninfo, std::string schema, std::size_t keep)
        : conninfo_(std::move(conninfo)), schema_(std::move(schema)), keep_(keep) {}

    class Lease {
    public:
        Lease(Pool& pool, std::unique_ptr<Connection> c) : pool_(&pool), c_(std::move(c)) {}
        Lease(Lease&&) = default;
        ~Lease() {
            if (c_) pool_->give(std::move(c_));
        }
        Connection& operator*() const { return *c_; }
        Connection* operator->() const { return c_.get(); }

    private:
        Pool* pool_;
        std::unique_ptr<Connection> c_;
    };

    Lease borrow();

private:
    void give(std::unique_ptr<Connection> c) noexcept;
    std::string conninfo_;
    std::string schema_;
    std::size_t keep_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

// Runs `body` in one transaction on a pooled connection: BEGIN, body, COMMIT; on any
// exception the transaction is rolled back (or the connection dropped) and it propagates.
template <class Body>
auto in_transaction(Pool& pool, const char* begin, Body&& body) {
    auto c = pool.borrow();
    try {
        c->exec(begin);
        if constexpr (std::is_void_v<decltype(body(*c))>) {
            body(*c);
            c->exec("COMMIT");
        } else {
            auto out = body(*c);
            c->exec("COMMIT");
            return out;
        }
    } catch (...) {
        c->rollback_quietly();
        throw;
    }
}

} // namespace ticketflow::detail::pg
