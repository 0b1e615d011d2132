#include "sqlite/connection.hpp"

#include <limits>

namespace ticketflow::detail {

Statement::~Statement() {
    if (!stmt_) return;
    sqlite3_reset(stmt_); // returns the last step's error, already reported by step()
    sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw StorageError("text of " + std::to_string(text.size()) + " bytes is too long to store");
    // SQLITE_TRANSIENT: SQLite copies the text, so temporaries are safe to bind.
    connection_->check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT),
                       "binding a parameter");
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw StorageError("a value of " + std::to_string(bytes.size()) + " bytes is too long to store");
    connection_->check(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT),
                       "binding a parameter");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    connection_->check(sqlite3_bind_int64(stmt_, index, value), "binding a parameter");
    return *this;
}

Statement& Statement::bind(int index, const std::optional<Instant>& t) {
    return t ? bind(index, *t) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
    connection_->check(sqlite3_bind_null(stmt_, index), "binding a parameter");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // Reset now so that SQLite's message is the statement's error, not "unknown error".
    sqlite3_reset(stmt_);
    throw connection_->error(rc, std::string("running ") + sqlite3_sql(stmt_));
}

void Statement::run() {
    while (step()) {}
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view Statement::view(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (!text) return {};
    return {text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::text(int column) const { return std::string(view(column)); }

bool Statement::is_blob(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_BLOB; }

std::string_view Statement::blob(int column) const {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    if (!bytes) return {};
    return {bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

Connection::Connection(const std::string& path, int flags) : path_(path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        StorageError failure = db_ ? error(rc, "opening the database")
                                   : StorageError(path + ": cannot open the database: " + sqlite3_errstr(rc));
        sqlite3_close_v2(db_);
        throw failure;
    }
    sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
}

Statement Connection::prepare(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                    nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(stmt);
            throw error(rc, "preparing " + key);
        }
        it = cache_.emplace(std::move(key), stmt).first;
    }
    return Statement(*this, it->second);
}

void Connection::exec(const char* sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return;
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw StorageError(path_ + ": " + text + " (" + sqlite3_errstr(rc) + ")");
}

void Connection::check(int rc, std::string_view doing) const {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
    throw error(rc, doing);
}

StorageError Connection::error(int rc, std::string_view doing) const {
    std::string message = path_ + ": " + sqlite3_errmsg(db_);
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        message += " (another connection held the lock for longer than the busy timeout)";
    else if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
        message += " (the file is not a ticketflow database or is damaged)";
    return StorageError(message + " while " + std::string(doing));
}

} // namespace ticketflow::detail
