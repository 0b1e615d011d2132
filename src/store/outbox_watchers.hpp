#pragma once
// The watches of a store that tells them itself, after each commit that wrote outbox rows
// (TicketStore::watch_outbox()): MemoryStore's, whose commits all pass through it.

#include "ticketflow/store.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace ticketflow::detail {

class OutboxWatchers : public std::enable_shared_from_this<OutboxWatchers> {
public:
    // A watch that calls `on_rows` at every tell() until it is destroyed.
    std::unique_ptr<OutboxWatch> add(std::function<void()> on_rows);
    // Calls every watch's callback on this thread, each under its own lock only; a load
    // and a branch when nobody watches.
    void tell() noexcept;

private:
    struct Entry {
        std::function<void()> on_rows;
        std::mutex calling; // held during a call, so that ending the watch waits for it
        bool ended = false; // under `calling`
    };
    class Watch;
    void remove(const std::shared_ptr<Entry>& entry) noexcept;

    std::mutex mutex_;
    std::vector<std::shared_ptr<Entry>> entries_;
    std::atomic<bool> any_{false};
};

} // namespace ticketflow::detail
