#include "desk/delivery.hpp"

namespace ticketflow::detail {

void Delivery::check(const DeliveryOptions& options) {
    if (static_cast<int>(options.mode) > static_cast<int>(DeliveryMode::host))
        throw ValidationError("delivery.mode", "unknown delivery mode");
    if (options.poll_interval.count() <= 0) throw ValidationError("delivery.poll_interval", "must be positive");
    if (options.gather.count() < 0 || options.gather >= options.poll_interval)
        throw ValidationError("delivery.gather", "must be at least zero and shorter than the poll interval");
    if (options.retry.max_attempts == 0 || options.retry.backoff_factor == 0)
        throw ValidationError("delivery.retry", "max_attempts and backoff_factor must be positive");
}

Delivery::Delivery(std::shared_ptr<TicketStore> store, std::shared_ptr<Notifier> notifier, std::shared_ptr<Clock> clock,
                   const DeliveryOptions& options, const ClaimOptions& claims, std::shared_ptr<DeskObserver> observer)
    : options_(options),
      dispatcher_(std::move(store), std::move(notifier), std::move(clock), options.retry, claims, std::move(observer)) {
    // Errors of background passes are counted by the dispatcher; the thread tries again.
    if (options_.mode == DeliveryMode::background) dispatcher_.start(options_.poll_interval, {}, options_.gather);
}

Delivery::~Delivery() {
    if (options_.mode != DeliveryMode::background) return;
    dispatcher_.stop();
    if (!options_.drain_on_shutdown) return;
    try {
        dispatcher_.dispatch_due();
    } catch (...) {
        // Counted; what was not delivered stays pending in the store.
    }
}

void Delivery::after_commit() noexcept {
    switch (options_.mode) {
    case DeliveryMode::host: return;
    case DeliveryMode::background: dispatcher_.wake(); return;
    case DeliveryMode::after_command: break;
    }
    requested_.store(true);
    while (requested_.load() && pass_mutex_.try_lock()) {
        requested_.store(false);
        try {
            dispatcher_.dispatch_due();
        } catch (...) {
            // Counted by the dispatcher; the rows stay pending for the next pass.
        }
        pass_mutex_.unlock();
    }
}

std::size_t Delivery::dispatch() {
    std::lock_guard lock(pass_mutex_);
    return dispatcher_.dispatch_due();
}

} // namespace ticketflow::detail
