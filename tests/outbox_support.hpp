#pragma once
// Helpers for outbox tests: commits that carry notifications, notifiers that fail on
// demand or signal each delivery, and a store that counts a dispatcher's passes.

#include "support.hpp"

#include "ticketflow/forwarding_store.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace ticketflow::testing {

// A commit creating (expected 0) or updating ticket `id` with `count` notifications.
inline Commit commit_with_notifications(const TicketId& id, std::uint64_t version, int count) {
    Commit c;
    c.ticket.id = id;
    c.ticket.version = version;
    c.ticket.customer.id = "C1";
    c.ticket.times.received = may20_1430();
    c.ticket.times.recorded = may20_1430();
    c.expected_version = version - 1;
    c.events.push_back(AuditEvent{id, version, may20_1430(), "agent-1", version == 1 ? Action::open : Action::reply,
                                  Status::pending, Status::pending, "note"});
    for (int i = 0; i < count; ++i) {
        Notification n;
        n.ticket = id;
        n.kind = NotificationKind::progress;
        n.recipient = "C1";
        n.at = may20_1430();
        n.text = "v" + std::to_string(version) + "#" + std::to_string(i);
        n.idempotency_key = id + "/" + std::to_string(version) + "/" + std::to_string(i);
        c.notifications.push_back(n);
    }
    return c;
}

// Fails while `failing` is set (by throwing or by returning false), records successes,
// and lets a test wait until a number of deliveries arrived.
class ScriptedNotifier : public Notifier {
public:
    enum class Failure { none, throws, returns_false };

    bool deliver(const Notification& n) override {
        std::lock_guard lock(mutex_);
        ++attempts_;
        if (failure_ == Failure::throws) throw std::runtime_error("gateway down");
        if (failure_ == Failure::returns_false) return false;
        delivered_.push_back(n);
        changed_.notify_all();
        return true;
    }

    void fail(Failure how) {
        std::lock_guard lock(mutex_);
        failure_ = how;
    }
    int attempts() const {
        std::lock_guard lock(mutex_);
        return attempts_;
    }
    std::vector<Notification> delivered() const {
        std::lock_guard lock(mutex_);
        return delivered_;
    }
    std::vector<std::string> delivered_keys() const {
        std::vector<std::string> keys;
        for (const auto& n : delivered()) keys.push_back(n.idempotency_key);
        return keys;
    }
    // Waits (generously) until at least `count` notifications were delivered.
    bool wait_for(std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(20)) const {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return delivered_.size() >= count; });
    }

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    Failure failure_ = Failure::none;
    int attempts_ = 0;
    std::vector<Notification> delivered_;
};

// Counts the claims of dispatchers on `target` (one per pass over the outbox) and signals
// each.
class ClaimCountingStore : public ForwardingStore {
public:
    explicit ClaimCountingStore(std::shared_ptr<TicketStore> target = std::make_shared<MemoryStore>())
        : ForwardingStore(std::move(target)) {}
    std::vector<OutboxRecord> outbox_claim(Instant now, std::size_t limit, const Lease& lease) override {
        auto rows = ForwardingStore::outbox_claim(now, limit, lease);
        std::lock_guard lock(mutex);
        ++claims;
        changed.notify_all();
        return rows;
    }
    // Waits (generously) until at least `n` claims were made.
    bool wait_for_claims(int n) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(20), [&] { return claims >= n; });
    }
    std::mutex mutex;
    std::condition_variable changed;
    int claims = 0;
};

} // namespace ticketflow::testing
