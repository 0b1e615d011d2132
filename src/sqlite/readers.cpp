#include "sqlite/readers.hpp"

namespace ticketflow::detail {

ReaderPool::Lease ReaderPool::borrow() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto db = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(db));
        }
    }
    // Read-write at the file level (a WAL reader updates the shared index) but refusing
    // writes at the SQL level; NOMUTEX since a connection is only ever used by one thread.
    auto db = std::make_unique<Connection>(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
    sqlite3_busy_timeout(db->handle(), static_cast<int>(busy_timeout_.count()));
    db->exec("PRAGMA query_only = 1");
    return Lease(*this, std::move(db));
}

void ReaderPool::give_back(std::unique_ptr<Connection> db) noexcept {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle) idle_.push_back(std::move(db));
}

} // namespace ticketflow::detail
