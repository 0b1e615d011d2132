#pragma once
// Group commit over the store's one write connection.
//
// Writers queue up; the first in the queue becomes the leader and writes every request
// queued so far in one IMMEDIATE transaction, then commits once (one flush to disk for
// all of them) and wakes the others. Requests that arrive meanwhile form the next
// transaction. A single writer simply gets a transaction of its own. The shape is
// LevelDB's write queue (DBImpl::Write).
//
// A request that is rejected (rejection_of(): before it writes) fails alone; any other
// failure rolls the whole transaction back and fails every request in it, since the
// requests share the transaction without savepoints.
//
// A thread may also take the connection for itself (begin_exclusive(), for
// SqliteStore::Batch): it then holds one open transaction across many writes, which run
// directly in it, and the queue waits until end_exclusive().

#include "sqlite/connection.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ticketflow::detail {

class Writer {
public:
    // `full_sync`: the store's durability is synchronous=FULL (otherwise NORMAL).
    Writer(std::unique_ptr<Connection> db, bool full_sync);

    // Runs `apply` on the write connection in the next transaction and returns once that
    // transaction is committed (or, on the thread that holds the connection exclusively,
    // right away inside its transaction). A rejection is rethrown here and leaves the
    // others alone; any other failure also fails the requests sharing the transaction (on
    // the exclusive thread: the whole batch, whose commit then fails).
    //
    // `relaxed`: the change may be lost on a power cut (delivery bookkeeping): a
    // transaction made only of relaxed requests does not wait for the disk. Any later
    // durable commit flushes it too, since the write-ahead log is flushed as a whole.
    void write(const std::function<void(Connection&)>& apply, bool relaxed = false);

    // Waits for the connection, then holds it for the calling thread in one open
    // transaction until end_exclusive(). @throws StorageError (nothing held then), or
    // ValidationError when the calling thread holds it already.
    void begin_exclusive();
    // Commits (or rolls back) the exclusive transaction and hands the connection back to
    // the queue. A failed commit rolls back and throws StorageError.
    void end_exclusive(bool commit);
    // The connection when the calling thread holds it exclusively, else nullptr.
    Connection* exclusive_connection() noexcept;

private:
    struct Request {
        Request(const std::function<void(Connection&)>* a, bool r) : apply(a), relaxed(r) {}
        const std::function<void(Connection&)>* apply; // null for an exclusive holder
        bool relaxed;
        std::exception_ptr error;
        bool done = false;
    };

    void run_batch(const std::vector<Request*>& batch) noexcept;
    bool run_request(Request& request) noexcept;
    void set_full_sync(bool full);
    void roll_back() noexcept;
    void hand_over(Request* front);

    static constexpr std::size_t max_batch = 256;

    std::unique_ptr<Connection> db_;
    const bool full_sync_;
    bool synced_full_;
    std::mutex mutex_;
    std::condition_variable turn_;
    std::deque<Request*> queue_;
    std::unique_ptr<Request> exclusive_; // the holder's place at the front of the queue
    std::atomic<std::thread::id> exclusive_owner_{};
};

} // namespace ticketflow::detail
