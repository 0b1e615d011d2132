// Who may do what, identity checks before private data, and refused attempts audited.
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;

namespace {

struct Team : DeskFixture {
    Actor lead{"lead-tech", Role::team_lead, "技术部"};
    Actor tech{"eng-7", Role::agent, "技术部"};
    Actor service{"cs-3", Role::agent, "服务部"};
    Actor other_customer{"C99", Role::customer, ""};

    TicketId tech_ticket() {
        auto id = desk.open(agent, sample_request()).id;
        desk.classify(agent, id, {std::nullopt, std::nullopt, std::string("技术部"), std::nullopt});
        return id;
    }
};

template <class F>
void check_refused(Team& team, const TicketId& id, F&& command) {
    auto before = team.desk.get(id);
    auto trail = team.desk.history(id).size();
    CHECK_THROWS_AS(command(), PermissionDenied);
    auto after = team.desk.get(id);
    CHECK(after.version == before.version);
    CHECK(after.status == before.status);
    CHECK(after.assignee == before.assignee);
    auto history = team.desk.history(id);
    REQUIRE(history.size() == trail + 1); // the attempt is audited
    CHECK(history.back().note.rfind("permission denied: ", 0) == 0);
    CHECK(history.back().version == before.version);
}

} // namespace

TEST_CASE("agents act on their department's tickets and those assigned to them", "[permissions]") {
    Team t;
    auto id = t.tech_ticket();
    t.desk.assign(t.tech, id, t.tech.id); // nobody held it: an agent may take it
    t.desk.start(t.tech, id);
    check_refused(t, id, [&] { return t.desk.post_update(t.service, id, "我来回复"); });
    check_refused(t, id, [&] { return t.desk.assign(t.tech, id, "eng-9"); }); // reassign
    check_refused(t, id, [&] { return t.desk.escalate(t.tech, id, "太难了"); });
    check_refused(t, id, [&] { return t.desk.change_priority(t.tech, id, "特急", "急"); });
    t.desk.assign(t.lead, id, "eng-9"); // a team lead reassigns within the department
    t.desk.escalate(t.lead, id, "超时");
    CHECK(t.desk.get(id).assignee == "eng-9");
    Actor other_lead{"lead-cs", Role::team_lead, "服务部"};
    check_refused(t, id, [&] { return t.desk.assign(other_lead, id, "cs-3"); });
    Actor manager{"mgr", Role::manager, "总部"};
    t.desk.add_note(manager, id, "经理关注");
}

TEST_CASE("an agent cannot take another department's unassigned ticket and then answer it", "[permissions]") {
    Team t;
    auto id = t.tech_ticket(); // 技术部, nobody holds it
    check_refused(t, id, [&] { return t.desk.assign(t.service, id, t.service.id); });
    check_refused(t, id, [&] { return t.desk.post_update(t.service, id, "我来回复"); });
    // A ticket still in the shared intake pool may be taken by anyone.
    auto pooled = t.desk.open(t.agent, sample_request()).id;
    CHECK(t.desk.assign(t.service, pooled, t.service.id).assignee == t.service.id);
    CHECK_NOTHROW(t.desk.post_update(t.service, pooled, "您好，正在为您处理"));
}

TEST_CASE("customers only add information and give feedback on their own tickets", "[permissions]") {
    Team t;
    auto id = t.tech_ticket();
    t.desk.add_note(t.customer, id, "补充：截图已上传");
    check_refused(t, id, [&] { return t.desk.add_note(t.other_customer, id, "不是我的工单"); });
    check_refused(t, id, [&] { return t.desk.assign(t.customer, id, "eng-1"); });
    t.desk.assign(t.lead, id, "eng-7");
    t.desk.start(t.lead, id);
    check_refused(t, id, [&] { return t.desk.resolve(t.customer, id, {"我自己解决了", Responsibility::customer}); });
    t.desk.resolve(t.lead, id, {"已修复", Responsibility::platform});
    auto closed = t.desk.record_feedback(t.customer, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    CHECK(closed.status == Status::closed);

    auto request = sample_request("C20240520001");
    CHECK_NOTHROW(t.desk.open(t.customer, request));
    CHECK_THROWS_AS(t.desk.open(t.other_customer, request), PermissionDenied);
}

TEST_CASE("contact details are revealed only after the identity check, and every look is audited",
          "[permissions][privacy]") {
    Team t;
    auto vault = std::make_shared<MemoryContactVault>(3);
    DeskConfig config;
    config.contact_vault = vault;
    ServiceDesk desk(t.store, t.clock, config);
    auto request = sample_request();
    request.contact = {"张三", "13812345678", "", ""};
    auto id = desk.open(t.agent, request).id;
    CHECK_THROWS_AS(desk.reveal_contact(t.agent, id), PermissionDenied);
    desk.verify_identity(t.agent, id, "订单编号与注册手机号后四位一致");
    CHECK(desk.reveal_contact(t.agent, id).phone == "13812345678");
    CHECK_THROWS_AS(desk.reveal_contact(t.customer, id), PermissionDenied);
    auto history = desk.history(id);
    std::size_t looks = 0, refusals = 0;
    for (const auto& e : history) {
        looks += e.action == Action::reveal_contact && e.note == "contact details read";
        refusals += e.action == Action::reveal_contact && e.note.rfind("permission denied", 0) == 0;
    }
    CHECK(looks == 1);
    CHECK(refusals == 2);
}

TEST_CASE("a host may plug in its own authorizer", "[permissions]") {
    struct ReadOnly : Authorizer {
        std::optional<std::string> refusal(const Actor&, Action action, const Ticket&) const override {
            if (action == Action::open) return std::nullopt;
            return std::string("the desk is read-only today");
        }
    };
    Team t;
    DeskConfig config;
    config.authorizer = std::make_shared<ReadOnly>();
    ServiceDesk desk(t.store, t.clock, config);
    auto id = desk.open(t.agent, sample_request()).id;
    try {
        desk.add_note(t.agent, id, "x");
        FAIL("expected PermissionDenied");
    } catch (const PermissionDenied& e) {
        CHECK(e.code() == ErrorCode::permission_denied);
        CHECK(std::string(e.what()).find("read-only today") != std::string::npos);
    }
}

TEST_CASE("collaboration tasks: owners notified, resolve blocked while mandatory ones are open, overdue flagged",
          "[collaboration]") {
    using namespace std::chrono_literals;
    Team t;
    auto id = t.tech_ticket();
    t.desk.assign(t.lead, id, "eng-7");
    t.desk.start(t.lead, id);
    Actor logistics{"wl-1", Role::agent, "物流部"};
    auto ticket = t.desk.add_task(t.tech, id, {"物流部", "wl-1", "核实签收凭证", may20_1430() + 2h, true});
    t.desk.add_task(t.tech, id, {"产品部", "pm-1", "评估需求", may20_1430() + 24h, false});
    REQUIRE(t.desk.get(id).tasks.size() == 2);
    CHECK(t.notifier->delivered().back().kind == NotificationKind::task_assigned);

    CHECK_THROWS_AS(t.desk.resolve(t.tech, id, {"已处理", Responsibility::third_party}), GuardRejected);
    auto report = t.desk.tick(may20_1430() + 2h + 1min);
    CHECK(report.tickets == 1);
    std::size_t overdue = 0;
    for (const auto& n : t.notifier->delivered())
        overdue += n.kind == NotificationKind::task_overdue && n.recipient == "wl-1";
    CHECK(overdue == 1);
    t.desk.tick(may20_1430() + 3h);
    overdue = 0;
    for (const auto& n : t.notifier->delivered()) overdue += n.kind == NotificationKind::task_overdue;
    CHECK(overdue == 1); // told once

    t.clock->set(may20_1430() + 3h);                                      // commands come after the monitor's last look
    t.desk.complete_task(logistics, id, 1, "快递员确认误投，已重新派送"); // the collaborating department may act
    CHECK_THROWS_AS(t.desk.complete_task(t.tech, id, 1, "again"), ValidationError);
    CHECK_THROWS_AS(t.desk.complete_task(logistics, id, 1, "again"), PermissionDenied); // no open task left
    CHECK_THROWS_AS(t.desk.add_task(t.tech, id, {"物流部", "wl-1", "x", may20_1430() - 1h, true}), ValidationError);
    auto done = t.desk.resolve(t.tech, id, {"重新派送", Responsibility::third_party}); // optional task may stay open
    CHECK(done.status == Status::done);
    (void)ticket;
}

TEST_CASE("an agent's classify may not change the priority, but may keep it", "[permissions]") {
    Team t;
    auto id = t.tech_ticket();
    const auto priority = t.desk.get(id).priority;
    Classification raise;
    raise.priority = "特急";
    check_refused(t, id, [&] { return t.desk.classify(t.tech, id, raise); });
    CHECK(t.desk.get(id).priority == priority);
    Classification keep;
    keep.priority = priority;
    keep.tags = std::vector<std::string>{"支付"};
    const auto kept = t.desk.classify(t.tech, id, keep);
    CHECK(kept.priority == priority);
    CHECK(kept.tags == std::vector<std::string>{"支付"});
    CHECK(t.desk.classify(t.lead, id, raise).priority == "特急");
}
