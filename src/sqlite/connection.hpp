#pragma once
// Thin RAII layer over the SQLite C API: a connection with a cache of prepared
// statements, and a Statement handle that binds, steps and reads columns. Every failure
// becomes a ticketflow::StorageError naming the database file.

#include "ticketflow/clock.hpp"
#include "ticketflow/error.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ticketflow::detail {

class Connection;

// A prepared statement borrowed from a Connection's cache. Reset (and its bindings
// cleared) when the handle goes away, so the cached statement is ready for the next use.
// Parameters and columns are numbered from 1 and 0 respectively, as in SQLite.
class Statement {
public:
    Statement(Connection& connection, sqlite3_stmt* statement) noexcept : connection_(&connection), stmt_(statement) {}
    Statement(Statement&& other) noexcept : connection_(other.connection_), stmt_(other.stmt_) {
        other.stmt_ = nullptr;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, Instant t) { return bind(index, std::int64_t{t.time_since_epoch().count()}); }
    Statement& bind(int index, const std::optional<Instant>& t);
    Statement& bind_null(int index);

    // Advances to the next row; false when there is none.
    bool step();
    // Runs a statement that returns no rows.
    void run();

    bool is_null(int column) const;
    std::int64_t integer(int column) const;
    Instant instant(int column) const { return Instant{Duration{integer(column)}}; }
    std::string text(int column) const;
    std::string_view view(int column) const; // valid until the next step or reset
    bool is_blob(int column) const;
    std::string_view blob(int column) const; // valid until the next step or reset

private:
    Connection* connection_;
    sqlite3_stmt* stmt_;
};

// One sqlite3 connection, used by one thread at a time. Statements are prepared once
// per connection and kept (SQLITE_PREPARE_PERSISTENT) for its lifetime.
class Connection {
public:
    // Opens `path` with `flags` (SQLITE_OPEN_*). @throws StorageError.
    Connection(const std::string& path, int flags);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // The cached statement for `sql` (one statement, no trailing text).
    Statement prepare(std::string_view sql);
    // Runs one or more statements without results, e.g. DDL of a migration.
    void exec(const char* sql);

    sqlite3* handle() const noexcept { return db_; }
    const std::string& path() const noexcept { return path_; }
    std::int64_t changes() const noexcept { return sqlite3_changes(db_); }
    bool in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

    // Throws StorageError describing `rc` unless it is SQLITE_OK / ROW / DONE.
    void check(int rc, std::string_view doing) const;
    // The StorageError for `rc` while `doing`, with SQLite's own message.
    StorageError error(int rc, std::string_view doing) const;

private:
    std::string path_;
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Runs `write(db)` inside an open transaction and returns the rejection it raised, or
// null. A rejection (ConcurrencyConflict, NotFound, ValidationError: any Error but a
// StorageError) is raised before the write changes anything, so the transaction goes on
// without it. Anything else is rethrown, and so is a rejection raised after rows had
// changed: those changes cannot be undone alone, the caller must roll back.
//
// This is what makes one transaction hold many independent writes without a savepoint
// each (a savepoint copies every page it touches).
template <class Write>
std::exception_ptr rejection_of(Connection& db, Write&& write) {
    const int changes_before = sqlite3_total_changes(db.handle());
    try {
        write(db);
        return nullptr;
    } catch (const StorageError&) {
        throw;
    } catch (const Error&) {
        if (sqlite3_total_changes(db.handle()) != changes_before || !db.in_transaction()) throw;
        return std::current_exception();
    }
}

} // namespace ticketflow::detail
