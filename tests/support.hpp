#pragma once
// Shared fixtures: a desk on a MemoryStore with a manual clock, and sample requests.

#include "ticketflow/desk.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace ticketflow::testing {

// 2024-05-20 06:30 UTC = 14:30 in Beijing.
inline Instant may20_1430() { return Instant{Duration{1716186600}}; }

inline NewTicket sample_request(const std::string& customer = "C20240520001") {
    NewTicket r;
    r.channel = channels::online_chat;
    r.type = ticket_types::complaint;
    r.priority = "紧急";
    r.customer = {customer, "小王*", CustomerTier::regular, ""};
    r.description = "APP订单支付后状态未更新";
    r.order_number = "DD2024052012345";
    return r;
}

// Records every delivered notification.
class RecordingNotifier : public Notifier {
public:
    bool deliver(const Notification& n) override {
        std::lock_guard lock(mutex_);
        delivered_.push_back(n);
        return true;
    }
    std::vector<Notification> delivered() const {
        std::lock_guard lock(mutex_);
        return delivered_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<Notification> delivered_;
};

struct DeskFixture {
    std::shared_ptr<MemoryStore> store = std::make_shared<MemoryStore>();
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(may20_1430());
    std::shared_ptr<RecordingNotifier> notifier = std::make_shared<RecordingNotifier>();
    ServiceDesk desk{store, clock, DeskConfig{}, notifier};
    // The staff member driving the tests: a team lead without department sees every ticket.
    Actor agent{"agent-1", Role::team_lead, ""};
    Actor customer{"C20240520001", Role::customer, ""};
};

} // namespace ticketflow::testing
