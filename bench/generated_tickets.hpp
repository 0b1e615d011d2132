#pragma once
// Generated tickets for the report benchmarks (report_bench on SQLite, postgres_bench):
// a deterministic mix of channels, types, priorities, outcomes and follow-up visits.
#include "ticketflow/report.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace ticketflow::bench {

using namespace std::chrono_literals;

class Dice {
public:
    std::uint64_t next() {
        state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
        return state_ >> 33;
    }
    int roll(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return roll(100) < percent; }

private:
    std::uint64_t state_ = 42;
};

inline const char* const texts[] = {
    "无法登录账号，提示密码错误",
    "登录不了账号，一直提示密码错误",
    "APP闪退，打开就崩溃",
    "订单支付后状态未更新",
    "订单付款之后状态一直没有更新",
    "快递显示已签收但是我没有收到货",
    "物流显示已经签收了，可是我没收到货",
    "申请退货后退款一直没有到账",
    "退货退款迟迟没有到账",
    "怎么修改收货地址",
    "发票在哪里下载",
    "希望增加夜间模式",
    "客服回复太慢，等了很久",
    "商品与描述不符，要求换货",
    "优惠券无法使用",
    "会员积分没有到账",
    "I was charged twice for my order",
    "The app crashes when I open the settings page",
    "My package shows delivered but I never received it",
    "Refund for my order has not arrived yet",
};
inline const char* const types[] = {ticket_types::fault,           ticket_types::order,   ticket_types::complaint,
                                    ticket_types::return_exchange, ticket_types::consult, ticket_types::how_to,
                                    ticket_types::suggestion};
inline const char* const channel_names[] = {channels::phone, channels::online_chat, channels::app, channels::email,
                                            channels::web_form};
inline const char* const priorities[] = {"一般", "紧急", "特急"};
inline const char* const departments[] = {"技术部", "服务部", "售后部", "产品部"};

inline SlaClock clock_of(SlaStage stage, Instant start, Duration target, std::optional<Instant> stopped) {
    SlaClock c;
    c.stage = stage;
    c.started = start;
    c.due = start + target;
    c.warn_at = start + target * 3 / 4;
    c.stopped = stopped;
    c.warned = c.breached = stopped && *stopped > c.due;
    return c;
}

// Ticket n of `total` received evenly over [from, until), as the desk leaves it: stage
// times, clocks, satisfaction; one in ten is a follow-up visit of an earlier served ticket
// (`last_served`).
inline Ticket make_ticket(Dice& dice, std::size_t n, std::size_t total, const std::string& last_served, Instant from,
                          Instant until) {
    Ticket t;
    Instant received = from + (until - from) * static_cast<Duration::rep>(n) / static_cast<Duration::rep>(total);
    char id[32];
    std::snprintf(id, sizeof id, "B%08zu", n);
    t.id = id;
    t.version = 1;
    t.channel = channel_names[dice.roll(5)];
    t.priority = priorities[dice.roll(3)];
    t.customer = {"C" + std::to_string(dice.roll(200000)), "", static_cast<CustomerTier>(dice.roll(4)), ""};
    t.times.received = t.times.recorded = received;
    t.department = departments[dice.roll(4)];
    t.assignee = "agent-" + std::to_string(dice.roll(200));
    if (n % 10 == 9 && !last_served.empty()) {
        t.type = ticket_types::follow_up_visit;
        t.channel = channels::follow_up_visit;
        t.description = "回访 " + last_served;
        t.links.push_back({LinkKind::follow_up_of, last_served});
        VisitDetails v;
        v.window_from = received;
        v.window_until = received + 48h;
        v.answers = {{"服务效率", 2 + dice.roll(4), ""}, {"人员态度", 3 + dice.roll(3), ""}};
        t.visit = v;
        t.status = Status::closed;
        t.close_reason = CloseReason::confirmed;
        t.times.closed = received + 10min;
        t.satisfaction = Satisfaction{grade_for_score(v.answers[0].score), v.answers[0].score, "", {}, {}, {}};
        return t;
    }
    t.type = types[dice.roll(7)];
    t.description = texts[dice.roll(20)];
    if (t.type == std::string(ticket_types::order)) t.order_number = "DD2024" + std::to_string(10000000 + n);
    if (dice.chance(20)) t.tags = {dice.chance(50) ? "物流" : "支付"};
    Instant reply = received + std::chrono::minutes(5 + dice.roll(dice.chance(10) ? 600 : 60));
    t.times.first_response = reply;
    t.sla.push_back(clock_of(SlaStage::first_response, received, 4h, reply));
    int state = dice.roll(100);
    if (state < 5) {
        t.status = Status::pending;
        t.sla.push_back(clock_of(SlaStage::resolution, received, 24h, std::nullopt));
        return t;
    }
    t.times.started = reply;
    Instant resolved = reply + std::chrono::minutes(30 + dice.roll(dice.chance(20) ? 5000 : 900));
    if (state < 10) {
        t.status = Status::in_progress;
        t.sla.push_back(clock_of(SlaStage::resolution, received, 24h, std::nullopt));
        return t;
    }
    t.times.resolved = resolved;
    t.resolution = "已处理";
    t.sla.push_back(clock_of(SlaStage::resolution, received, 24h, resolved));
    t.sla.push_back(clock_of(SlaStage::result_feedback, resolved, 1h, resolved + 20min));
    t.reopen_count = dice.chance(8) ? 1 : 0;
    if (state < 15) {
        t.status = Status::done;
        return t;
    }
    t.status = Status::closed;
    t.times.closed = resolved + 1h;
    if (dice.chance(12)) {
        t.close_reason = CloseReason::no_answer;
    } else {
        int score = 2 + dice.roll(4);
        t.close_reason = CloseReason::confirmed;
        t.satisfaction = Satisfaction{grade_for_score(score), score, "", score, 3 + dice.roll(3), {}};
    }
    return t;
}

// make_ticket() as a new ticket's commit with its opening audit event; `last_served`
// follows the tickets that were resolved.
inline Commit generated_commit(Dice& dice, std::size_t n, std::size_t total, std::string& last_served, Instant from,
                               Instant until) {
    Commit c;
    c.ticket = make_ticket(dice, n, total, last_served, from, until);
    if (c.ticket.times.resolved) last_served = c.ticket.id;
    c.expected_version = 0;
    c.events.push_back({c.ticket.id, 1, c.ticket.times.recorded, "bench", Action::open, Status::pending,
                        Status::pending, c.ticket.description});
    return c;
}

} // namespace ticketflow::bench
