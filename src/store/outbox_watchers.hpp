#pragma once
// The watches of a store that tells them itself, after each commit that wrote outbox rows
// (TicketStore::watch_outbox()): MemoryStore's, whose commits all pass through it.

#include "ticketflow/store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace ticketflow::detail {

class OutboxWatchers : public std::enable_shared_from_this<OutboxWatchers> {
public:
    // A watch that calls `on_rows` at every tell() until it is destroyed.
    std::unique_ptr<OutboxWatch> add(std::function<void()> on_rows);
    // Calls every watch's callback on this thread, one tell() at a time: a load and a
    // branch when nobody watches.
    void tell() noexcept;

private:
    class Watch;
    void remove(std::uint64_t id) noexcept;

    // Held while the callbacks run, so that a watch that ends waits for a call in progress.
    std::mutex mutex_;
    std::vector<std::pair<std::uint64_t, std::function<void()>>> watches_;
    std::uint64_t last_id_ = 0;
    std::atomic<bool> any_{false};
};

} // namespace ticketflow::detail
