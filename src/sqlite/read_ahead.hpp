#pragma once
// Reads tickets ahead on a second thread while the caller visits the ones already read.
//
// A long scan spends its time in two places: SQLite stepping and decoding rows, and the
// caller's visitor (a report pass, say). Run one after the other they add up; here the
// producer steps and decodes on its own thread and hands tickets over in batches, so on
// two cores a scan takes about as long as the slower of the two. At most `max_batches`
// batches wait at a time: memory stays bounded however many rows the scan returns.
//
// The producer runs between construction and destruction; the destructor stops it and
// waits for it, so what `next` uses must outlive this object. An error thrown by the
// producer reaches the caller from drain() after the batches read before it.

#include "ticketflow/ticket.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ticketflow::detail {

class ReadAhead {
public:
    // `next` fills its argument with the next ticket and returns true, or returns false
    // at the end. It runs on the read-ahead thread only.
    explicit ReadAhead(std::function<bool(Ticket&)> next) : next_(std::move(next)), thread_([this] { produce(); }) {}

    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    ~ReadAhead() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }

    // Visits every ticket in order until `visit` returns false or the tickets run out;
    // rethrows the producer's error, if any, once the tickets before it were visited.
    void drain(const std::function<bool(const Ticket&)>& visit) {
        for (;;) {
            std::vector<Ticket> batch;
            {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [this] { return !ready_.empty() || done_; });
                if (ready_.empty()) {
                    if (error_) std::rethrow_exception(error_);
                    return;
                }
                batch = std::move(ready_.front());
                ready_.pop_front();
            }
            changed_.notify_all();
            for (const auto& ticket : batch)
                if (!visit(ticket)) return;
            recycle(std::move(batch));
        }
    }

private:
    static constexpr std::size_t batch_size = 256;
    static constexpr std::size_t max_batches = 4;

    // A visited batch goes back to the producer, which decodes into its tickets again:
    // their memory is then freed on the thread that allocated it, which the allocator
    // does much faster than freeing it from another thread.
    void recycle(std::vector<Ticket> batch) {
        std::lock_guard lock(mutex_);
        if (spare_.size() < max_batches) spare_.push_back(std::move(batch));
    }

    std::vector<Ticket> take_spare() {
        std::lock_guard lock(mutex_);
        if (spare_.empty()) return {};
        auto batch = std::move(spare_.back());
        spare_.pop_back();
        return batch;
    }

    void produce() noexcept {
        for (bool more = true; more;) {
            std::vector<Ticket> batch;
            std::size_t filled = 0;
            std::exception_ptr error;
            try {
                batch = take_spare();
                batch.resize(batch_size);
                while (filled < batch_size && (more = next_(batch[filled]))) ++filled;
            } catch (...) { // the tickets read before the error are still handed over
                error = std::current_exception();
                more = false;
            }
            batch.resize(filled);
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return stop_ || ready_.size() < max_batches; });
            if (stop_) return;
            if (!batch.empty()) ready_.push_back(std::move(batch));
            error_ = error;
            done_ = !more;
            lock.unlock();
            changed_.notify_all();
        }
    }

    std::function<bool(Ticket&)> next_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<Ticket>> ready_;
    std::vector<std::vector<Ticket>> spare_; // visited batches, for reuse
    bool done_ = false;
    bool stop_ = false;
    std::exception_ptr error_;
    std::thread thread_; // last: starts once everything above is constructed
};

} // namespace ticketflow::detail
