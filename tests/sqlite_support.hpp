#pragma once
// Helpers for SqliteStore tests: raw SQLite access to a file, and file contents for
// "byte-for-byte untouched" checks.

#include "temp_db.hpp"
#include "ticketflow/sqlite_store.hpp"

#include <sqlite3.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace ticketflow::testing {

inline std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

// FNV-1a: a short fingerprint of a file's bytes for messages and comparisons.
inline std::uint64_t fingerprint(const std::string& bytes) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    return h;
}

// A plain sqlite3 connection for setting files up the way another program would.
class RawDb {
public:
    explicit RawDb(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            std::string message = error ? error : "unknown error";
            sqlite3_free(error);
            throw std::runtime_error(message + " in: " + sql);
        }
    }
    // Column `column` of the first row of `sql`, as text ("" when no row).
    std::string value(const std::string& sql, int column = 0) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_));
        std::string out;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, column))
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
        sqlite3_finalize(stmt);
        return out;
    }

private:
    sqlite3* db_ = nullptr;
};

} // namespace ticketflow::testing
