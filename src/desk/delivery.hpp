#pragma once
// Hands a desk's committed notifications to its Notifier the way DeskConfig::delivery
// says: after each command on the caller's thread, on a thread of the desk's own, or
// only when the host asks. Never under a ticket lock, never throwing into a command.

#include "ticketflow/notify.hpp"
#include "ticketflow/store.hpp"

#include <atomic>
#include <memory>
#include <mutex>

namespace ticketflow::detail {

class Delivery {
public:
    // REQUIRES: every pointer set; options validated (see check()).
    Delivery(std::shared_ptr<TicketStore> store, std::shared_ptr<Notifier> notifier, std::shared_ptr<Clock> clock,
             const DeliveryOptions& options, const ClaimOptions& claims, std::shared_ptr<DeskObserver> observer);
    // Stops the background thread; then, with drain_on_shutdown, one last pass.
    ~Delivery();
    Delivery(const Delivery&) = delete;
    Delivery& operator=(const Delivery&) = delete;

    // ValidationError naming the field when `options` cannot be used.
    static void check(const DeliveryOptions& options);

    // After a commit (no lock held): delivers now, wakes the thread, or does nothing.
    void after_commit() noexcept;
    // The host's own pass (ServiceDesk::dispatch_notifications()); store errors reach it.
    std::size_t dispatch();

    OutboxDispatcher& dispatcher() { return dispatcher_; }
    const OutboxDispatcher& dispatcher() const { return dispatcher_; }

private:
    DeliveryOptions options_;
    OutboxDispatcher dispatcher_;
    // after_command: a thread that finds a pass running leaves its rows to it (the
    // runner looks again before it stops), so a Notifier that calls back into the desk
    // cannot wait on itself.
    std::mutex pass_mutex_;
    std::atomic<bool> requested_{false};
};

} // namespace ticketflow::detail
