#pragma once
// Group commit over the store's one write connection.
//
// Writers queue up; the first in the queue becomes the leader and writes every request
// queued so far in one IMMEDIATE transaction, each request in its own savepoint, then
// commits once (one flush to disk for all of them) and wakes the others. Requests that
// arrive meanwhile form the next transaction. A single writer simply gets a transaction
// of its own. The shape is LevelDB's write queue (DBImpl::Write).

#include "sqlite/connection.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace ticketflow::detail {

class Writer {
public:
    // `full_sync`: the store's durability is synchronous=FULL (otherwise NORMAL).
    Writer(std::unique_ptr<Connection> db, bool full_sync);

    // Runs `apply` on the write connection inside its own savepoint of the next
    // transaction and returns once that transaction is committed. If `apply` throws,
    // only its own changes are rolled back and the exception is rethrown here.
    //
    // `relaxed`: the change may be lost on a power cut (delivery bookkeeping): a
    // transaction made only of relaxed requests does not wait for the disk. Any later
    // durable commit flushes it too, since the write-ahead log is flushed as a whole.
    void write(const std::function<void(Connection&)>& apply, bool relaxed = false);

private:
    struct Request {
        const std::function<void(Connection&)>* apply;
        bool relaxed;
        std::exception_ptr error;
        bool done = false;
    };

    void run_batch(const std::vector<Request*>& batch) noexcept;
    void apply_in_savepoint(Request& request);
    void set_full_sync(bool full);
    void roll_back() noexcept;

    static constexpr std::size_t max_batch = 256;

    std::unique_ptr<Connection> db_;
    const bool full_sync_;
    bool synced_full_;
    std::mutex mutex_;
    std::condition_variable turn_;
    std::deque<Request*> queue_;
};

} // namespace ticketflow::detail
