#include "support.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

std::vector<Action> actions_of(const std::vector<AuditEvent>& events) {
    std::vector<Action> actions;
    for (const auto& e : events) actions.push_back(e.action);
    return actions;
}

} // namespace

TEST_CASE("intake numbers tickets by local date and daily serial", "[desk]") {
    DeskFixture f;
    auto first = f.desk.open(f.agent, sample_request());
    auto second = f.desk.open(f.agent, sample_request());
    CHECK(first.id == "20240520001");
    CHECK(second.id == "20240520002");
    CHECK(first.version == 1);
    CHECK(first.status == Status::pending);
    CHECK(first.times.received == may20_1430());

    f.clock->advance(10h); // 00:30 on May 21st in Beijing
    CHECK(f.desk.open(f.agent, sample_request()).id == "20240521001");

    DeskConfig prefixed;
    prefixed.id_prefix = "C";
    ServiceDesk desk(std::make_shared<MemoryStore>(), f.clock, prefixed);
    CHECK(desk.open(f.agent, sample_request()).id == "C20240521001");
}

TEST_CASE("intake keeps every field and acknowledges the customer", "[desk]") {
    DeskFixture f;
    auto request = sample_request();
    request.received_at = may20_1430() - 2min;
    request.attachments = {"screenshot-1.png"};
    request.tags = {"支付"};
    request.remarks = "客户希望后续推送订单状态变更提醒";
    auto t = f.desk.open(f.agent, request);
    auto stored = f.desk.get(t.id);
    CHECK(stored.times.received == may20_1430() - 2min);
    CHECK(stored.times.recorded == may20_1430());
    CHECK(stored.priority == "紧急");
    CHECK(stored.order_number == "DD2024052012345");
    CHECK(stored.attachments == request.attachments);
    CHECK(stored.tags == request.tags);
    CHECK(stored.remarks == request.remarks);
    CHECK(stored.customer.nickname == "小王*");

    auto sent = f.notifier->delivered();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].kind == NotificationKind::received);
    CHECK(sent[0].recipient == "C20240520001");
    CHECK(sent[0].text.find("【紧急】") != std::string::npos);
    CHECK(sent[0].idempotency_key == t.id + "/1/0");
}

TEST_CASE("a complaint runs from intake to closed with a complete history", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.classify(f.agent, id, {std::nullopt, std::string("特急"), std::string("技术部"), std::nullopt});
    f.desk.assign(f.agent, id, "eng-7");
    f.desk.start(f.agent, id);
    f.clock->advance(1h);
    f.desk.post_update(f.agent, id, "预计今日20:00前修复", may20_1430() + 5h);
    f.desk.resolve(f.agent, id, {"修复支付接口异常", Responsibility::platform});
    auto closed = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::very_satisfied, 5, "很快"}});

    CHECK(closed.status == Status::closed);
    CHECK(closed.close_reason == CloseReason::confirmed);
    CHECK(closed.priority == "特急");
    CHECK(closed.department == "技术部");
    CHECK(closed.responsibility == Responsibility::platform);
    CHECK(closed.times.first_response == may20_1430() + 1h);
    CHECK(closed.estimated_completion == may20_1430() + 5h);
    CHECK(closed.version == 7);

    auto history = f.desk.history(id);
    CHECK(actions_of(history) == std::vector<Action>{Action::open, Action::classify, Action::assign, Action::start,
                                                     Action::reply, Action::resolve, Action::close});
    CHECK(history.back().from == Status::done);
    CHECK(history.back().to == Status::closed);
    CHECK(history.back().actor == "C20240520001");
    CHECK(history.back().note == "非常满意: 很快");
    for (std::size_t i = 0; i < history.size(); ++i) CHECK(history[i].version == i + 1);
}

TEST_CASE("start needs an assignee; the refusal changes nothing", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    CHECK_THROWS_AS(f.desk.start(f.agent, id), GuardRejected);
    CHECK(f.desk.get(id).version == 1);
    CHECK(f.desk.history(id).size() == 1);
}

TEST_CASE("an action not allowed in the state throws and changes nothing", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    auto before = f.notifier->delivered().size();
    CHECK_THROWS_AS(f.desk.resolve(f.agent, id, {"done", Responsibility::platform}), InvalidTransition);
    CHECK_THROWS_AS(f.desk.close(f.agent, id, {}), InvalidTransition);
    CHECK_THROWS_AS(f.desk.reopen(f.agent, id, "again"), InvalidTransition);
    CHECK(f.desk.get(id).version == 1);
    CHECK(f.desk.get(id).resolution.empty());
    CHECK(f.notifier->delivered().size() == before);
}

TEST_CASE("不满意 reopens for second handling, counted and escalated", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    f.desk.start(f.agent, id);
    f.desk.resolve(f.agent, id, {"重置了支付状态", Responsibility::platform});
    auto reopened =
        f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::dissatisfied, 1, "还是没更新"}});
    CHECK(reopened.status == Status::in_progress);
    CHECK(reopened.reopen_count == 1);
    CHECK(reopened.escalation_level == 1);
    CHECK(reopened.satisfaction->grade == SatisfactionGrade::dissatisfied);
    CHECK_FALSE(reopened.times.resolved);

    auto history = f.desk.history(id);
    REQUIRE(history.size() == 6);
    CHECK(history[4].action == Action::reopen);
    CHECK(history[5].action == Action::escalate);
    CHECK(history[4].version == history[5].version);

    auto sent = f.notifier->delivered();
    bool told_lead = false, told_handler = false;
    for (const auto& n : sent) {
        told_lead |= n.kind == NotificationKind::escalated && n.recipient == "team_lead";
        told_handler |= n.kind == NotificationKind::reopened && n.recipient == "eng-7";
    }
    CHECK(told_lead);
    CHECK(told_handler);

    f.desk.resolve(f.agent, id, {"修复了接口", Responsibility::platform});
    auto closed = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    CHECK(closed.status == Status::closed);
    CHECK(closed.reopen_count == 1);
}

TEST_CASE("no answer closes the ticket as unanswered", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    f.desk.start(f.agent, id);
    f.desk.resolve(f.agent, id, {"已处理", Responsibility::customer});
    auto t = f.desk.close(f.agent, id, {});
    CHECK(t.close_reason == CloseReason::no_answer);
    CHECK_FALSE(t.satisfaction);
    CHECK(f.desk.history(id).back().note == "no answer from the customer");
}

TEST_CASE("cancel takes only cancel reasons and closes a pending ticket", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    CHECK_THROWS_AS(f.desk.cancel(f.agent, id, CloseReason::confirmed, "x"), ValidationError);
    auto t = f.desk.cancel(f.agent, id, CloseReason::duplicate, "same as 20240519003");
    CHECK(t.status == Status::closed);
    CHECK(t.close_reason == CloseReason::duplicate);
    CHECK(f.desk.allowed_actions(id).empty());
}

TEST_CASE("waiting for the customer pauses and resumes", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    f.desk.start(f.agent, id);
    auto waiting = f.desk.wait_for_customer(f.agent, id, "等待客户提供截图");
    CHECK(waiting.waiting_for_customer);
    CHECK(waiting.wait_reason == "等待客户提供截图");
    CHECK_THROWS_AS(f.desk.wait_for_customer(f.agent, id, "again"), GuardRejected);
    auto resumed = f.desk.resume(f.agent, id);
    CHECK_FALSE(resumed.waiting_for_customer);
    CHECK_THROWS_AS(f.desk.resume(f.agent, id), GuardRejected);
}

TEST_CASE("reassignment and escalation are audited and notified", "[desk]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    auto t = f.desk.assign(f.agent, id, "eng-9", std::string("技术部"));
    CHECK(t.assignee == "eng-9");
    CHECK(f.desk.history(id).back().note == "reassigned from eng-7 to eng-9");
    t = f.desk.escalate(f.agent, id, "超时未响应");
    t = f.desk.escalate(f.agent, id, "仍未处理");
    CHECK(t.escalation_level == 2);
    CHECK(f.notifier->delivered().back().recipient == "supervisor");
    t = f.desk.change_priority(f.agent, id, "特急", "核心系统故障");
    CHECK(t.priority == "特急");
    CHECK_THROWS_AS(f.desk.change_priority(f.agent, id, "P1", "x"), ValidationError);
}

TEST_CASE("bad input is a ValidationError naming the field, and nothing is stored", "[desk][validation]") {
    DeskFixture f;
    auto check_rejected = [&](NewTicket r, const std::string& field) {
        try {
            f.desk.open(f.agent, r);
            FAIL("expected ValidationError for " << field);
        } catch (const ValidationError& e) {
            CHECK(e.field() == field);
        }
        CHECK(f.desk.query({}).empty());
        CHECK(f.notifier->delivered().empty());
    };
    auto r = sample_request();
    r.description = "   ";
    check_rejected(r, "description");
    r = sample_request();
    r.channel = "carrier_pigeon";
    check_rejected(r, "channel");
    r = sample_request();
    r.type = "rant";
    check_rejected(r, "type");
    r = sample_request();
    r.priority = "P1";
    check_rejected(r, "priority");
    r = sample_request();
    r.customer.id.clear();
    check_rejected(r, "customer.id");
    r = sample_request();
    r.description = std::string("bad \xC3\x28 utf8");
    check_rejected(r, "description");
    r = sample_request();
    r.description = std::string(9000, 'x');
    check_rejected(r, "description");
    r = sample_request();
    r.received_at = may20_1430() + 1min;
    check_rejected(r, "received_at");
    r = sample_request();
    r.tags = std::vector<std::string>(65, "t");
    check_rejected(r, "tags");
    r = sample_request();
    r.links = {{LinkKind::duplicate_of, "20240101001"}};
    check_rejected(r, "links");

    CHECK_THROWS_AS(f.desk.open(Actor{"", Role::agent, ""}, sample_request()), ValidationError);
}

TEST_CASE("command input is validated before anything changes", "[desk][validation]") {
    DeskFixture f;
    auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    f.desk.start(f.agent, id);
    CHECK_THROWS_AS(f.desk.resolve(f.agent, id, {"", Responsibility::platform}), ValidationError);
    CHECK_THROWS_AS(f.desk.post_update(f.agent, id, ""), ValidationError);
    CHECK_THROWS_AS(f.desk.assign(f.agent, id, ""), ValidationError);
    f.desk.resolve(f.agent, id, {"ok", Responsibility::platform});
    CHECK_THROWS_AS(f.desk.close(f.agent, id, {Satisfaction{SatisfactionGrade::satisfied, 6, ""}}), ValidationError);
    CHECK(f.desk.get(id).status == Status::done);
    CHECK_THROWS_AS(f.desk.get("20990101001"), NotFound);
    CHECK_THROWS_AS(f.desk.start(f.agent, "20990101001"), NotFound);
}

TEST_CASE("a value cast beyond its enum is refused, naming the field, and nothing is stored", "[desk][validation]") {
    DeskFixture f;
    auto field_refused = [&](auto&& command) {
        try {
            command();
        } catch (const ValidationError& e) {
            return e.field();
        }
        return std::string("(accepted)");
    };
    auto r = sample_request();
    r.customer.tier = static_cast<CustomerTier>(9);
    CHECK(field_refused([&] { f.desk.open(f.agent, r); }) == "customer.tier");
    CHECK(f.desk.query({}).empty());
    CHECK(field_refused([&] {
              f.desk.open(Actor{"agent-1", static_cast<Role>(99), ""}, sample_request());
          }) == "actor.role");

    const auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    f.desk.start(f.agent, id);
    const auto before = f.desk.history(id).size();
    CHECK(field_refused([&] {
              f.desk.resolve(f.agent, id, {"已修复", static_cast<Responsibility>(42)});
          }) == "responsibility");
    f.desk.resolve(f.agent, id, {"已修复", Responsibility::platform});
    CHECK(field_refused([&] {
              f.desk.close(f.agent, id, {Satisfaction{static_cast<SatisfactionGrade>(7), 5, ""}});
          }) == "satisfaction.grade");
    CHECK(field_refused([&] { f.desk.cancel(f.agent, id, static_cast<CloseReason>(200), "x"); }) != "(accepted)");
    CHECK(f.desk.history(id).size() == before + 1); // the resolution only
    CHECK(f.desk.get(id).status == Status::done);
    // A closed ticket is archived in the binary encoding, which refuses unknown values:
    // it reads back, so nothing unknown was stored.
    f.desk.close(f.agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    CHECK(f.desk.get(id).responsibility == Responsibility::platform);
}

TEST_CASE("queries by status, assignee, department, customer and time range", "[desk]") {
    DeskFixture f;
    auto a = f.desk.open(f.agent, sample_request("C1")).id;
    f.clock->advance(1h);
    auto b = f.desk.open(f.agent, sample_request("C2")).id;
    f.clock->advance(1h);
    auto c = f.desk.open(f.agent, sample_request("C1")).id;
    f.desk.assign(f.agent, b, "eng-7", std::string("技术部"));
    f.desk.start(f.agent, b);

    auto ids = [](const std::vector<Ticket>& ts) {
        std::vector<TicketId> out;
        for (const auto& t : ts) out.push_back(t.id);
        return out;
    };
    TicketQuery q;
    q.status = Status::pending;
    CHECK(ids(f.desk.query(q)) == std::vector<TicketId>{a, c});
    q = {};
    q.assignee = "eng-7";
    CHECK(ids(f.desk.query(q)) == std::vector<TicketId>{b});
    q = {};
    q.department = "技术部";
    CHECK(ids(f.desk.query(q)) == std::vector<TicketId>{b});
    q = {};
    q.customer_id = "C1";
    CHECK(ids(f.desk.query(q)) == std::vector<TicketId>{a, c});
    q = {};
    q.received_from = may20_1430() + 30min;
    q.received_until = may20_1430() + 2h;
    CHECK(ids(f.desk.query(q)) == std::vector<TicketId>{b});
    q = {};
    q.limit = 2;
    CHECK(f.desk.query(q).size() == 2);
}

namespace {
class FlakyNotifier : public Notifier {
public:
    int failures_left = 2;
    std::vector<std::string> delivered;
    bool deliver(const Notification& n) override {
        if (failures_left > 0) {
            --failures_left;
            throw std::runtime_error("gateway down");
        }
        delivered.push_back(n.idempotency_key);
        return true;
    }
};
} // namespace

TEST_CASE("failed notifications are retried later, in order per ticket", "[desk][notify]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    auto notifier = std::make_shared<FlakyNotifier>();
    ServiceDesk desk(store, clock, {}, notifier);
    Actor agent{"agent-1", Role::agent, ""};
    auto id = desk.open(agent, sample_request()).id; // delivery fails: attempt 1
    desk.assign(agent, id, "eng-7");                 // held back behind the failed row
    CHECK(notifier->delivered.empty());
    auto pending = store->outbox_pending(10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].attempts == 1);
    CHECK(pending[0].last_error == "gateway down");

    clock->advance(30s);
    CHECK(desk.dispatch_notifications() == 0); // attempt 2 fails too
    clock->advance(1min);
    CHECK(desk.dispatch_notifications() == 2);
    CHECK(notifier->delivered == std::vector<std::string>{id + "/1/0", id + "/2/0"});
    CHECK(store->outbox_pending(10).empty());
}

TEST_CASE("a desk without a notifier queues nothing and leaves the outbox to others", "[desk][notify]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    auto notifier = std::make_shared<FlakyNotifier>();
    notifier->failures_left = 1;
    ServiceDesk delivering(store, clock, {}, notifier);
    Actor agent{"agent-1", Role::agent, ""};
    auto first = delivering.open(agent, sample_request()).id; // its row fails once and waits
    REQUIRE(store->outbox_pending(10).size() == 1);

    ServiceDesk silent(store, clock); // a report tool, say, on the same store
    auto second = silent.open(agent, sample_request()).id;
    silent.assign(agent, second, "eng-7");
    silent.assign(agent, first, "eng-7");
    CHECK(silent.dispatch_notifications() == 0);
    auto pending = store->outbox_pending(10);
    REQUIRE(pending.size() == 1); // no rows of its own, and the waiting row not taken
    CHECK(pending[0].notification.ticket == first);
    CHECK(silent.history(second).size() == 2); // the commands themselves are recorded

    clock->advance(1min);
    CHECK(delivering.dispatch_notifications() == 1);
    CHECK(notifier->delivered == std::vector<std::string>{first + "/1/0"});
}

TEST_CASE("a router classifies new tickets at intake and says why", "[desk][routing]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    DeskConfig config;
    config.sla = SlaPolicy::seed001(); // P3 / P2 / P1, as the seed-001 routes suggest
    config.router = std::make_shared<RuleRouter>(RoutingRules::seed001());
    ServiceDesk desk(store, clock, config);
    Actor lead{"lead-1", Role::team_lead, ""};

    auto request = sample_request();
    request.priority.clear();
    request.type = ticket_types::suggestion;
    request.description = "希望增加夜间模式";
    auto t = desk.open(lead, request);
    CHECK(t.department == "产品经理");
    auto history = desk.history(t.id);
    REQUIRE(history.size() == 2);
    CHECK(history[1].action == Action::classify);
    CHECK(history[1].note.find("rule") != std::string::npos);

    request.department = "售后部"; // a department given at intake is kept
    CHECK(desk.open(lead, request).department == "售后部");
}

namespace {

// The field a command's ValidationError names, or "(accepted)".
template <class Command>
std::string refused_field(Command&& command) {
    try {
        command();
    } catch (const ValidationError& e) {
        return e.field();
    }
    return "(accepted)";
}

// A host's calculator whose deadlines lie before any instant a ticket can hold.
class FarPastCalculator final : public SlaCalculator {
public:
    Instant effective_start(const SlaTarget&, Instant start) const override { return start; }
    Instant point(const SlaTarget&, Instant, double) const override { return Instant::min(); }
    Instant extend(const SlaTarget&, Instant instant, Instant, Instant) const override { return instant; }
    Duration measure(const SlaTarget&, Instant from, Instant to) const override { return to - from; }
};

} // namespace

TEST_CASE("an estimated completion before the receipt or beyond the calendar is refused", "[desk][validation]") {
    DeskFixture f;
    const auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    const auto before = f.desk.start(f.agent, id);
    const auto trail = f.desk.history(id).size();
    for (const Instant eta : {Instant::min(), may20_1430() - 1min, Instant::max(), may20_1430() + 24h * 365 * 200})
        CHECK(refused_field([&] { f.desk.post_update(f.agent, id, "预计稍后修复", eta); }) == "estimated_completion");
    CHECK(f.desk.get(id).version == before.version);
    CHECK(f.desk.history(id).size() == trail);
    CHECK(f.desk.post_update(f.agent, id, "预计明天修复", may20_1430() + 24h).estimated_completion ==
          may20_1430() + 24h);
    f.desk.resolve(f.agent, id, {"已修复", Responsibility::platform});
    f.desk.close(f.agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    CHECK(f.desk.get(id).status == Status::closed); // the closed ticket reads back
}

TEST_CASE("a maximum pause that would end beyond the calendar is refused", "[desk][validation]") {
    DeskFixture f;
    const auto id = f.desk.open(f.agent, sample_request()).id;
    f.desk.assign(f.agent, id, "eng-7");
    const auto before = f.desk.start(f.agent, id);
    const auto trail = f.desk.history(id).size();
    for (const Duration pause : {Duration::max(), Duration{24h * 365 * 200}})
        CHECK(refused_field([&] { f.desk.wait_for_customer(f.agent, id, "等客户截图", pause); }) == "max_pause");
    CHECK(f.desk.get(id).version == before.version);
    CHECK(f.desk.history(id).size() == trail);
    CHECK_FALSE(f.desk.get(id).waiting_for_customer);
    CHECK(f.desk.wait_for_customer(f.agent, id, "等客户截图", 48h).resume_at == may20_1430() + 48h);
}

TEST_CASE("an instant the ticket encoding cannot hold is refused at the commit, named by its path",
          "[desk][validation]") {
    auto store = std::make_shared<MemoryStore>();
    DeskConfig config;
    config.sla_calculator = std::make_shared<FarPastCalculator>();
    ServiceDesk desk(store, std::make_shared<ManualClock>(may20_1430()), config);
    Actor lead{"lead-1", Role::team_lead, ""};
    CHECK(refused_field([&] { desk.open(lead, sample_request()); }) == "sla[0].warn_at");
    CHECK(desk.query({}).empty());
    CHECK(store->sequence_value("ticket-id/20240520") == 0);
}

TEST_CASE("an id prefix that would make ticket numbers too long or unprintable is refused", "[desk][validation]") {
    auto refused = [](const std::string& prefix) {
        DeskConfig config;
        config.id_prefix = prefix;
        try {
            ServiceDesk desk(std::make_shared<MemoryStore>(), std::make_shared<ManualClock>(may20_1430()), config);
        } catch (const ValidationError& e) {
            return e.field() == "id_prefix";
        }
        return false;
    };
    CHECK(refused(std::string(130, 'T')));
    CHECK(refused(std::string(101, 'T'))); // 101 + yyyymmdd + a 20-digit serial > 128
    CHECK(refused("T\n"));
    CHECK(refused(std::string("T\x7f")));
    CHECK(refused(std::string("T\xC3\x28")));
    CHECK_FALSE(refused(std::string(100, 'T')));
    CHECK_FALSE(refused("工单-"));
}

TEST_CASE("a required text of ideographic spaces only is blank", "[desk][validation]") {
    DeskFixture f;
    auto r = sample_request();
    r.description = "\u3000\u3000\u3000";
    try {
        f.desk.open(f.agent, r);
        FAIL("opened a ticket without a description");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "description");
    }
    CHECK(f.desk.query({}).empty());
    r.description = "\u3000支付失败\u3000";
    CHECK(f.desk.open(f.agent, r).description == "\u3000支付失败\u3000");
}

TEST_CASE("unreachable closes visits only", "[desk][validation]") {
    DeskFixture f;
    const auto before = f.desk.open(f.agent, sample_request());
    try {
        f.desk.cancel(f.agent, before.id, CloseReason::unreachable, "打不通");
        FAIL("a ticket that is not a visit was closed as unreachable");
    } catch (const ValidationError& e) {
        CHECK(e.field() == "reason");
    }
    CHECK(f.desk.get(before.id).version == before.version);
    CHECK(f.desk.get(before.id).status == Status::pending);
    CHECK(f.desk.history(before.id).size() == 1);
}
