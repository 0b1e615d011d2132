// A complaint from intake to closed, the way seed 000 runs it: record, assign, handle,
// update the customer, resolve, tell the customer the result, ask for satisfaction,
// close; then print the whole trail 问题 → 处理 → 结果 → 满意度 and every deadline.
#include <ticketflow/desk.hpp>

#include <cstdio>
#include <ctime>
#include <memory>

using namespace ticketflow;
using namespace std::chrono_literals;

namespace {

// 2024-05-20 14:30 in Beijing time (UTC+8).
Instant beijing(int day, int hour, int minute) {
    std::tm tm{};
    tm.tm_year = 2024 - 1900;
    tm.tm_mon = 4;
    tm.tm_mday = day;
    tm.tm_hour = hour - 8;
    tm.tm_min = minute;
    return Instant{Duration{timegm(&tm)}};
}

std::string beijing_time(Instant t) {
    std::time_t seconds = (t + 8h).time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
    return text;
}

// A notifier that prints what the host would send.
class PrintingNotifier : public Notifier {
public:
    bool deliver(const Notification& n) override {
        std::printf("    -> notify %s %s: %s\n", n.audience == Audience::customer ? "customer" : "staff",
                    n.recipient.c_str(), n.text.c_str());
        return true;
    }
};

} // namespace

int main() {
    auto clock = std::make_shared<ManualClock>(beijing(20, 14, 32));
    ServiceDesk desk(std::make_shared<MemoryStore>(), clock, DeskConfig{}, std::make_shared<PrintingNotifier>());

    Actor agent{"客服-李*", Role::agent, "服务部"};
    Actor engineer{"技术部-张工*", Role::agent, "技术部"};
    Actor customer{"C20240520001", Role::customer, ""};

    NewTicket complaint;
    complaint.channel = channels::online_chat;
    complaint.type = ticket_types::complaint;
    complaint.priority = "紧急";
    complaint.customer = {"C20240520001", "小王*", CustomerTier::regular, ""};
    complaint.description = "APP订单支付后状态未更新";
    complaint.order_number = "DD2024052012345";
    complaint.received_at = beijing(20, 14, 30);

    std::printf("intake\n");
    Ticket t = desk.open(agent, complaint);
    clock->advance(10min);
    desk.assign(agent, t.id, engineer.id, std::string("技术部"));
    desk.start(engineer, t.id);
    clock->advance(2h);
    desk.post_update(engineer, t.id, "已确认是支付接口异常导致，预计今日18:00前修复。", beijing(20, 18, 0));
    clock->advance(1h);
    desk.resolve(engineer, t.id, {"修复支付接口异常，订单状态已更新", Responsibility::platform});
    clock->advance(20min);
    desk.inform_result(engineer, t.id, channels::online_chat, "告知已修复，建议清除缓存后重试");
    clock->advance(10min);
    t = desk.record_feedback(customer, t.id, {Satisfaction{SatisfactionGrade::satisfied, 4, "处理及时"}});

    std::printf("\nticket %s is %s (%s), satisfaction %s\n\nhistory:\n", t.id.c_str(), to_string(t.status),
                label_zh(t.status), label_zh(t.satisfaction->grade));
    for (const auto& e : desk.history(t.id))
        std::printf("  %s  %-10s %-8s %s -> %s  %s\n", beijing_time(e.at).c_str(), e.actor.c_str(), to_string(e.action),
                    to_string(e.from), to_string(e.to), e.note.c_str());
    std::printf("\ndeadlines (seed 000):\n");
    for (const auto& c : desk.compliance(t.id))
        std::printf("  %-16s %-8s due %s, used %lld min\n", to_string(c.stage), to_string(c.state),
                    beijing_time(c.due).c_str(), static_cast<long long>(c.used.count() / 60));
    return t.status == Status::closed ? 0 : 1;
}
