#pragma once
// Helpers for outbox tests: commits that carry notifications, and notifiers that fail
// on demand or signal each delivery.

#include "support.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
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

} // namespace ticketflow::testing
