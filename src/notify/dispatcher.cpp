#include "core/observe.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/store.hpp"

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

namespace ticketflow {

struct OutboxDispatcher::Impl {
    std::shared_ptr<TicketStore> store;
    std::shared_ptr<Notifier> notifier;
    std::shared_ptr<Clock> clock;
    RetryPolicy policy;
    ClaimOptions claims;
    std::shared_ptr<DeskObserver> observer;
    std::mutex pass_mutex; // one pass over the outbox at a time
    mutable std::mutex stats_mutex;
    DeliveryStats counts;

    template <class Count>
    void count(Count&& update) {
        std::lock_guard lock(stats_mutex);
        update(counts);
    }

    // Background thread. `control_mutex` serialises start() and stop(); `signal_mutex`
    // guards the flags the thread waits on.
    std::mutex control_mutex;
    std::thread thread;
    mutable std::mutex signal_mutex;
    std::condition_variable signal;
    bool stop_requested = false;
    // Set by stop(): the background pass ends after the delivery in progress instead of
    // working through every due row (a slow gateway would hold stop() for as long).
    std::atomic<bool> interrupt{false};
    bool wake_requested = false;
    bool sleeping = false; // the thread waits on `signal`: only then does a wake need a notify
    bool is_running = false;
    // While the thread runs: the store's word of new rows (TicketStore::watch_outbox()),
    // which wakes it as a commit does; null when the store cannot tell, and the thread polls.
    std::unique_ptr<OutboxWatch> watch;

    Impl(std::shared_ptr<TicketStore> s, std::shared_ptr<Notifier> n, std::shared_ptr<Clock> c, RetryPolicy p,
         ClaimOptions o, std::shared_ptr<DeskObserver> w)
        : store(std::move(s)), notifier(std::move(n)), clock(std::move(c)), policy(p), claims(std::move(o)),
          observer(std::move(w)) {
        if (claims.owner.empty()) claims.owner = generated_owner();
    }

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
                count([](DeliveryStats& s) { ++s.delivered; });
                observed(row, DeliveryOutcome::delivered, {});
                return true;
            }
            error = "notifier reported failure";
        } catch (const std::exception& e) {
            error = e.what();
        } catch (...) {
            error = "notifier threw a non-standard exception";
        }
        const auto retry = retry_at(now, row.attempts + 1);
        store->outbox_failed(row.sequence, error, retry);
        count([&](DeliveryStats& s) {
            ++s.failed;
            s.dead += !retry;
            s.last_error = error;
        });
        observed(row, retry ? DeliveryOutcome::failed : DeliveryOutcome::dead_lettered, error);
        return false;
    }

    void observed(const OutboxRecord& row, DeliveryOutcome outcome, std::string_view error) const {
        detail::observe(observer.get(), [&](DeskObserver& o) {
            const Notification& n = row.notification;
            o.on_delivery(DeliveryEvent{n.ticket, n.kind, n.audience, row.attempts + 1, outcome, error});
        });
    }

    // A pass that stops on a store error is counted before the error goes on.
    std::size_t dispatch_due(const std::atomic<bool>* stop_early = nullptr) {
        try {
            return dispatch_pass(stop_early);
        } catch (const std::exception& e) {
            count([&](DeliveryStats& s) {
                ++s.errors;
                s.last_error = e.what();
            });
            throw;
        } catch (...) {
            count([](DeliveryStats& s) {
                ++s.errors;
                s.last_error = "unknown error";
            });
            throw;
        }
    }

    // Claims the due rows (whole tickets, see TicketStore::outbox_claim()) and delivers
    // them in sequence order; a ticket whose row fails waits for its retry.
    std::size_t dispatch_pass(const std::atomic<bool>* stop_early) {
        constexpr std::size_t batch = 256;
        std::lock_guard lock(pass_mutex);
        const Instant now = clock->now();
        const Lease lease{claims.owner, now + claims.lease};
        std::size_t delivered = 0;
        std::set<TicketId> held_back; // tickets with an undelivered earlier row
        // Each row at most once per call: sequences grow in commit order, so the rows up to
        // `offered` were seen (a claim returns the rows this owner still holds again).
        std::uint64_t offered = 0;
        std::vector<std::uint64_t> waiting; // claimed, left behind a failed row: released at the end
        for (;;) {
            auto rows = store->outbox_claim(now, batch, lease);
            std::size_t progressed = 0;
            for (const auto& row : rows) {
                if (stop_early && stop_early->load()) {
                    waiting.push_back(row.sequence); // left claimed: released below
                    continue;
                }
                if (row.sequence <= offered) continue;
                offered = row.sequence;
                const auto& ticket = row.notification.ticket;
                if (held_back.count(ticket)) {
                    waiting.push_back(row.sequence);
                    continue;
                }
                if (!deliver(row, now)) {
                    held_back.insert(ticket);
                    continue;
                }
                ++delivered;
                ++progressed;
            }
            // Stop when a pass moved nothing: what is left is held back or not yet due.
            if (progressed == 0 || rows.size() < batch) break;
        }
        store->outbox_release(waiting, lease.owner);
        return delivered;
    }

    // The background thread: a pass, then sleep until the poll interval has passed, wake()
    // was called or stop() was requested. After a wake it waits `gather` first, so that
    // one pass (one claim, far fewer wake-ups) takes the rows of the commits meanwhile.
    void background(std::chrono::milliseconds poll_interval, std::chrono::microseconds gather,
                    const ErrorHandler& on_error) {
        std::unique_lock lock(signal_mutex);
        while (!stop_requested) {
            if (wake_requested && gather.count() > 0) signal.wait_for(lock, gather, [this] { return stop_requested; });
            if (stop_requested) break;
            wake_requested = false;
            lock.unlock();
            try {
                dispatch_due(&interrupt);
            } catch (...) {
                report(on_error, std::current_exception());
            }
            lock.lock();
            sleeping = true;
            signal.wait_for(lock, poll_interval, [this] { return stop_requested || wake_requested; });
            sleeping = false;
        }
    }

    // A throwing handler must not end the thread (std::terminate); its error is dropped.
    static void report(const ErrorHandler& on_error, std::exception_ptr error) noexcept {
        if (!on_error) return;
        try {
            on_error(std::move(error));
        } catch (...) {}
    }

    // A store that cannot watch after all (a host's that throws) leaves the thread polling.
    void watch_store(const ErrorHandler& on_error) {
        try {
            watch = store->watch_outbox([this] { wake(); });
        } catch (const Error&) {
            report(on_error, std::current_exception());
        }
    }

    void stop() {
        std::lock_guard control(control_mutex);
        if (!thread.joinable()) return;
        watch.reset(); // no wake after this
        {
            std::lock_guard lock(signal_mutex);
            stop_requested = true;
            interrupt = true;
        }
        signal.notify_all();
        thread.join();
        std::lock_guard lock(signal_mutex);
        is_running = false;
    }

    // A commit wakes the thread on every command: the notify (a system call) is spent
    // only on a sleeping thread not yet woken; a busy one sees the request before it sleeps.
    void wake() {
        bool notify = false;
        {
            std::lock_guard lock(signal_mutex);
            notify = sleeping && !wake_requested;
            wake_requested = true;
        }
        if (notify) signal.notify_all();
    }
};

OutboxDispatcher::OutboxDispatcher(std::shared_ptr<TicketStore> store, std::shared_ptr<Notifier> notifier,
                                   std::shared_ptr<Clock> clock, RetryPolicy policy, ClaimOptions claims,
                                   std::shared_ptr<DeskObserver> observer)
    : impl_(std::make_unique<Impl>(std::move(store), std::move(notifier), std::move(clock), policy, std::move(claims),
                                   std::move(observer))) {
    if (!impl_->store || !impl_->notifier || !impl_->clock)
        throw ValidationError("OutboxDispatcher", "store, notifier and clock are required");
    if (impl_->policy.max_attempts == 0 || impl_->policy.backoff_factor == 0)
        throw ValidationError("RetryPolicy", "max_attempts and backoff_factor must be positive");
    if (impl_->claims.lease <= Duration{0}) throw ValidationError("ClaimOptions.lease", "must be positive");
}

OutboxDispatcher::~OutboxDispatcher() { impl_->stop(); }

std::size_t OutboxDispatcher::dispatch_due() { return impl_->dispatch_due(); }

void OutboxDispatcher::start(std::chrono::milliseconds poll_interval, ErrorHandler on_error,
                             std::chrono::microseconds gather) {
    if (poll_interval.count() <= 0) throw ValidationError("poll_interval", "must be positive");
    if (gather.count() < 0 || gather >= poll_interval)
        throw ValidationError("gather", "must be at least zero and shorter than the poll interval");
    std::lock_guard control(impl_->control_mutex);
    if (impl_->thread.joinable()) throw ValidationError("OutboxDispatcher", "the background thread is already running");
    {
        std::lock_guard lock(impl_->signal_mutex);
        impl_->stop_requested = false;
        impl_->wake_requested = false;
        impl_->is_running = true;
        impl_->interrupt = false;
    }
    impl_->watch_store(on_error);
    impl_->thread = std::thread([impl = impl_.get(), poll_interval, gather, on_error = std::move(on_error)] {
        impl->background(poll_interval, gather, on_error);
    });
}

void OutboxDispatcher::stop() { impl_->stop(); }

bool OutboxDispatcher::running() const {
    std::lock_guard lock(impl_->signal_mutex);
    return impl_->is_running;
}

void OutboxDispatcher::wake() { impl_->wake(); }

std::vector<OutboxRecord> OutboxDispatcher::dead_letters(std::size_t limit) const {
    return impl_->store->outbox_dead(limit);
}

void OutboxDispatcher::retry_dead_letter(std::uint64_t sequence) {
    impl_->store->outbox_requeue(sequence, impl_->clock->now());
    impl_->wake();
}

DeliveryStats OutboxDispatcher::stats() const {
    std::lock_guard lock(impl_->stats_mutex);
    return impl_->counts;
}

std::size_t OutboxDispatcher::retry_dead_letters() {
    // One snapshot, so a row that dies again during this call is not requeued twice.
    auto dead = impl_->store->outbox_dead(std::numeric_limits<std::size_t>::max());
    Instant now = impl_->clock->now();
    std::size_t requeued = 0;
    for (const auto& row : dead) {
        try {
            impl_->store->outbox_requeue(row.sequence, now);
            ++requeued;
        } catch (const NotFound&) {
            // Requeued by someone else since the snapshot: nothing left to do for it.
        }
    }
    if (requeued) impl_->wake();
    return requeued;
}

} // namespace ticketflow
