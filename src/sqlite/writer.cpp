#include "sqlite/writer.hpp"

#include <algorithm>

namespace ticketflow::detail {

Writer::Writer(std::unique_ptr<Connection> db, bool full_sync)
    : db_(std::move(db)), full_sync_(full_sync), synced_full_(full_sync) {
    db_->exec(full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

void Writer::write(const std::function<void(Connection&)>& apply, bool relaxed) {
    Request request{&apply, relaxed, nullptr};
    std::unique_lock lock(mutex_);
    queue_.push_back(&request);
    turn_.wait(lock, [&] { return request.done || queue_.front() == &request; });
    if (!request.done) {
        // Leader: write everything queued so far in one transaction.
        std::vector<Request*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(
                                                                         std::min(queue_.size(), max_batch)));
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

void Writer::run_batch(const std::vector<Request*>& batch) noexcept {
    auto fail_all = [&](std::exception_ptr error) {
        for (Request* r : batch)
            if (!r->error) r->error = error;
    };
    try {
        const bool relaxed = std::all_of(batch.begin(), batch.end(), [](const Request* r) { return r->relaxed; });
        set_full_sync(full_sync_ && !relaxed);
        db_->prepare("BEGIN IMMEDIATE").run();
        for (Request* r : batch) {
            apply_in_savepoint(*r);
            if (!db_->in_transaction()) {
                // SQLite rolled the whole transaction back (I/O error, disk full, ...):
                // the requests before this one are lost too.
                fail_all(r->error ? r->error
                                  : std::make_exception_ptr(StorageError(db_->path() + ": transaction aborted")));
                return;
            }
        }
        db_->prepare("COMMIT").run();
    } catch (...) {
        roll_back();
        fail_all(std::current_exception());
    }
}

void Writer::apply_in_savepoint(Request& request) {
    db_->prepare("SAVEPOINT request").run();
    try {
        (*request.apply)(*db_);
        db_->prepare("RELEASE request").run();
    } catch (...) {
        request.error = std::current_exception();
        if (!db_->in_transaction()) return;
        db_->prepare("ROLLBACK TO request").run();
        db_->prepare("RELEASE request").run();
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
