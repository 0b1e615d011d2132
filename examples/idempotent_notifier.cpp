// A Notifier for an unreliable SMS gateway. Delivery is at least once: a notification is
// offered again after a failure, and the gateway of this example sometimes sends a
// message and then times out before confirming it, so the same notification (same
// idempotency key) comes back although the customer already has it. The notifier keeps
// the keys the gateway confirmed or may have acted on, asks the gateway whether an
// uncertain key went out, and sends each key at most once.
//
// Run as the test example.idempotent_notifier: exits 0 when every notification reached
// its recipient exactly once.
#include <ticketflow/desk.hpp>
#include <ticketflow/notify.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

using namespace ticketflow;
using namespace std::chrono_literals;

namespace {

// The gateway: every third request fails before sending, every fourth sends and then
// times out. It can be asked whether a key was sent (most gateways keep a message id).
class FlakyGateway {
public:
    void send(const std::string& to, const std::string& text, const std::string& key) {
        const int request = ++requests_;
        if (request % 3 == 0) throw std::runtime_error("gateway: 503 service unavailable");
        ++sent_[key];
        (void)to;
        (void)text;
        if (request % 4 == 0) throw std::runtime_error("gateway: timeout waiting for the receipt");
    }
    bool was_sent(const std::string& key) const { return sent_.count(key) != 0; }
    const std::map<std::string, int>& sent() const { return sent_; }

private:
    int requests_ = 0;
    std::map<std::string, int> sent_;
};

//! [idempotent-notifier]
class IdempotentSmsNotifier final : public Notifier {
public:
    explicit IdempotentSmsNotifier(FlakyGateway& gateway) : gateway_(gateway) {}

    bool deliver(const Notification& n) override {
        std::lock_guard lock(mutex_);                         // one notifier may serve several desks
        if (delivered_.count(n.idempotency_key)) return true; // acted on before: ignore
        // A timeout leaves it unknown whether the message went out: ask before resending.
        if (uncertain_.count(n.idempotency_key) && gateway_.was_sent(n.idempotency_key)) {
            uncertain_.erase(n.idempotency_key);
            delivered_.insert(n.idempotency_key);
            return true;
        }
        try {
            gateway_.send(n.recipient, n.text, n.idempotency_key);
        } catch (...) {
            uncertain_.insert(n.idempotency_key);
            throw; // a failure: the dispatcher keeps the message and retries it later
        }
        uncertain_.erase(n.idempotency_key);
        delivered_.insert(n.idempotency_key);
        return true;
    }

private:
    std::mutex mutex_;
    FlakyGateway& gateway_;
    std::set<std::string> delivered_; // a host keeps these in its database, with a time to live
    std::set<std::string> uncertain_;
};
//! [idempotent-notifier]

} // namespace

int main() {
    FlakyGateway gateway;
    auto clock = std::make_shared<ManualClock>(Instant{Duration{1716186600}}); // 2024-05-20 14:30 Beijing
    auto store = std::make_shared<MemoryStore>();
    ServiceDesk desk(store, clock, DeskConfig{}, std::make_shared<IdempotentSmsNotifier>(gateway));

    Actor lead{"lead-1", Role::team_lead, ""};
    for (const char* customer : {"C1", "C2", "C3"}) {
        NewTicket request;
        request.channel = channels::app;
        request.type = ticket_types::fault;
        request.customer.id = customer;
        request.description = "APP订单支付后状态未更新";
        const auto id = desk.open(lead, request).id;
        desk.assign(lead, id, "agent-1");
        desk.start(lead, id);
        desk.resolve(lead, id, {"已重置订单状态", Responsibility::platform});
    }
    // Failed rows are retried with backoff: let time pass until the outbox is empty.
    for (int round = 0; round < 50 && !store->outbox_pending(1).empty(); ++round) {
        clock->advance(1h);
        desk.dispatch_notifications();
    }

    const auto stats = desk.delivery_stats();
    std::printf("delivered %llu, failed attempts %llu, dead %llu, keys sent %zu\n",
                static_cast<unsigned long long>(stats.delivered), static_cast<unsigned long long>(stats.failed),
                static_cast<unsigned long long>(stats.dead), gateway.sent().size());
    if (!store->outbox_pending(1).empty() || stats.dead != 0 || stats.failed == 0) {
        std::puts("idempotent_notifier: the outbox was not delivered through the failures");
        return 1;
    }
    if (gateway.sent().size() != stats.delivered) {
        std::puts("idempotent_notifier: a notification was lost");
        return 1;
    }
    for (const auto& [key, times] : gateway.sent()) {
        if (times != 1) {
            std::printf("idempotent_notifier: %s was sent %d times\n", key.c_str(), times);
            return 1;
        }
    }
    std::puts("idempotent_notifier: every notification sent exactly once");
    return 0;
}
