#pragma once
// A pool of read-only connections. In WAL mode readers never wait for the writer, and
// each thread (or nested read, such as a load() from inside a scan() visitor) needs a
// connection of its own because a connection runs one statement sequence at a time.

#include "sqlite/connection.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace ticketflow::detail {

class ReaderPool {
public:
    ReaderPool(std::string path, std::chrono::milliseconds busy_timeout)
        : path_(std::move(path)), busy_timeout_(busy_timeout) {
        idle_.reserve(max_idle); // give_back() then never allocates
    }

    // A connection for the lease's lifetime; returned to the pool afterwards.
    class Lease {
    public:
        Lease(ReaderPool& pool, std::unique_ptr<Connection> db) : pool_(pool), db_(std::move(db)) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { pool_.give_back(std::move(db_)); }
        Connection& operator*() const { return *db_; }
        Connection* operator->() const { return db_.get(); }

    private:
        ReaderPool& pool_;
        std::unique_ptr<Connection> db_;
    };

    Lease borrow();

private:
    void give_back(std::unique_ptr<Connection> db) noexcept;

    static constexpr std::size_t max_idle = 8;

    std::string path_;
    std::chrono::milliseconds busy_timeout_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

} // namespace ticketflow::detail
