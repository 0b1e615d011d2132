#include "sqlite/writer.hpp"

#include <algorithm>

namespace ticketflow::detail {

Writer::Writer(std::unique_ptr<Connection> db, bool full_sync)
    : db_(std::move(db)), full_sync_(full_sync), synced_full_(full_sync) {
    db_->exec(full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    // Statement journals (kept to undo a failed multi-row statement) and temporary
    // indexes in memory rather than in temporary files: a copy instead of a write().
    db_->exec("PRAGMA temp_store = MEMORY");
}

void Writer::write(const std::function<void(Connection&)>& apply, bool relaxed) {
    Request request{&apply, relaxed};
    if (exclusive_connection()) {
        if (!db_->in_transaction())
            throw StorageError(db_->path() + ": the batch's transaction was aborted by an earlier error");
        if (!run_request(request)) roll_back(); // the batch is lost; its commit will say so
        if (request.error) std::rethrow_exception(request.error);
        return;
    }

    std::unique_lock lock(mutex_);
    queue_.push_back(&request);
    turn_.wait(lock, [&] { return request.done || queue_.front() == &request; });
    if (!request.done) {
        // Leader: write everything queued so far, up to an exclusive holder's place.
        std::vector<Request*> batch;
        for (Request* r : queue_) {
            if (!r->apply || batch.size() == max_batch) break;
            batch.push_back(r);
        }
        lock.unlock();
        run_batch(batch);
        lock.lock();
        for (Request* done : batch) {
            done->done = true;
            queue_.pop_front();
        }
        turn_.notify_all(); // the requests written, and the next leader
    }
    if (request.error) std::rethrow_exception(request.error);
}

void Writer::begin_exclusive() {
    if (exclusive_connection()) throw ValidationError("batch", "this thread already has a batch open on the store");
    auto place = std::make_unique<Request>(nullptr, false);
    std::unique_lock lock(mutex_);
    queue_.push_back(place.get());
    turn_.wait(lock, [&] { return queue_.front() == place.get(); });
    lock.unlock();
    try {
        set_full_sync(full_sync_);
        db_->prepare("BEGIN IMMEDIATE").run();
    } catch (...) {
        hand_over(place.get());
        throw;
    }
    exclusive_ = std::move(place);
    exclusive_owner_.store(std::this_thread::get_id());
}

void Writer::end_exclusive(bool commit) {
    exclusive_owner_.store(std::thread::id{});
    std::exception_ptr error;
    if (commit && db_->in_transaction()) {
        try {
            db_->prepare("COMMIT").run();
        } catch (...) {
            error = std::current_exception();
        }
    } else if (commit) {
        error =
            std::make_exception_ptr(StorageError(db_->path() + ": the batch's transaction was aborted by an error"));
    }
    roll_back(); // after a failed or skipped commit
    auto place = std::move(exclusive_);
    hand_over(place.get());
    if (error) std::rethrow_exception(error);
}

Connection* Writer::exclusive_connection() noexcept {
    return exclusive_owner_.load() == std::this_thread::get_id() ? db_.get() : nullptr;
}

void Writer::hand_over(Request* front) {
    std::lock_guard lock(mutex_);
    if (!queue_.empty() && queue_.front() == front) queue_.pop_front();
    turn_.notify_all();
}

void Writer::run_batch(const std::vector<Request*>& batch) noexcept {
    try {
        const bool relaxed = std::all_of(batch.begin(), batch.end(), [](const Request* r) { return r->relaxed; });
        set_full_sync(full_sync_ && !relaxed);
        db_->prepare("BEGIN IMMEDIATE").run();
    } catch (...) {
        for (Request* r : batch) r->error = std::current_exception();
        return;
    }
    for (Request* failed : batch) {
        if (run_request(*failed)) continue;
        // The transaction is lost: the requests before this one are rolled back with it.
        roll_back();
        const auto shared = std::make_exception_ptr(
            StorageError(db_->path() + ": a write sharing the transaction failed; nothing of it was kept"));
        for (Request* r : batch)
            if (r != failed) r->error = shared;
        return;
    }
    try {
        db_->prepare("COMMIT").run();
    } catch (...) {
        roll_back();
        for (Request* r : batch)
            if (!r->error) r->error = std::current_exception();
    }
}

// Runs one request in the open transaction. False when the transaction cannot be kept
// (request.error says why); a rejected request keeps it.
bool Writer::run_request(Request& request) noexcept {
    try {
        request.error = rejection_of(*db_, *request.apply);
        return true;
    } catch (...) {
        request.error = std::current_exception();
        return false;
    }
}

void Writer::set_full_sync(bool full) {
    if (full == synced_full_) return;
    db_->prepare(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").run();
    synced_full_ = full;
}

void Writer::roll_back() noexcept {
    if (db_->in_transaction()) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

} // namespace ticketflow::detail
