#include "ticketflow/notify.hpp"
#include "ticketflow/store.hpp"

#include <algorithm>
#include <mutex>
#include <set>

namespace ticketflow {

struct OutboxDispatcher::Impl {
    std::shared_ptr<TicketStore> store;
    std::shared_ptr<Notifier> notifier;
    std::shared_ptr<Clock> clock;
    RetryPolicy policy;
    std::mutex mutex;

    Impl(std::shared_ptr<TicketStore> s, std::shared_ptr<Notifier> n, std::shared_ptr<Clock> c, RetryPolicy p)
        : store(std::move(s)), notifier(std::move(n)), clock(std::move(c)), policy(p) {}

    // Wait before the next attempt after `failures` failed ones; unset = give up.
    std::optional<Instant> retry_at(Instant now, std::uint32_t failures) const {
        if (failures >= policy.max_attempts) return std::nullopt;
        Duration delay = policy.first_delay;
        for (std::uint32_t i = 1; i < failures && delay < policy.max_delay; ++i) delay *= policy.backoff_factor;
        return now + std::min(delay, policy.max_delay);
    }

    // True when delivered; on failure the row is rescheduled or parked as dead.
    bool deliver(const OutboxRecord& row, Instant now) {
        std::string error;
        try {
            if (notifier->deliver(row.notification)) {
                store->outbox_delivered(row.sequence);
                return true;
            }
            error = "notifier reported failure";
        } catch (const std::exception& e) {
            error = e.what();
        } catch (...) {
            error = "notifier threw a non-standard exception";
        }
        store->outbox_failed(row.sequence, error, retry_at(now, row.attempts + 1));
        return false;
    }
};

OutboxDispatcher::OutboxDispatcher(std::shared_ptr<TicketStore> store, std::shared_ptr<Notifier> notifier,
                                   std::shared_ptr<Clock> clock, RetryPolicy policy)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(notifier), std::move(clock), policy)) {
    if (!impl_->store || !impl_->notifier || !impl_->clock)
        throw ValidationError("OutboxDispatcher", "store, notifier and clock are required");
    if (impl_->policy.max_attempts == 0 || impl_->policy.backoff_factor == 0)
        throw ValidationError("RetryPolicy", "max_attempts and backoff_factor must be positive");
}

OutboxDispatcher::~OutboxDispatcher() = default;

std::size_t OutboxDispatcher::dispatch_due() {
    constexpr std::size_t batch = 256;
    std::lock_guard lock(impl_->mutex);
    Instant now = impl_->clock->now();
    std::size_t delivered = 0;
    std::set<TicketId> held_back; // tickets with an undelivered earlier row
    for (;;) {
        auto rows = impl_->store->outbox_pending(batch + held_back.size());
        std::size_t progressed = 0;
        for (const auto& row : rows) {
            const auto& ticket = row.notification.ticket;
            if (held_back.count(ticket)) continue;
            if (row.next_attempt > now || !impl_->deliver(row, now)) {
                held_back.insert(ticket);
                continue;
            }
            ++delivered;
            ++progressed;
        }
        // Stop when a pass moved nothing: what is left is held back or not yet due.
        if (progressed == 0 || rows.size() < batch + held_back.size()) return delivered;
    }
}

} // namespace ticketflow
