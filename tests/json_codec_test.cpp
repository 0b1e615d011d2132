// The JSON form of tickets, events and notifications (ticketflow/json.hpp).
#include "ticketflow/json.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

Ticket rich_ticket() {
    Ticket t;
    t.id = "20240520001";
    t.version = 7;
    t.status = Status::done;
    t.channel = channels::app;
    t.type = ticket_types::fault;
    t.priority = "紧急";
    t.customer = {"C1", "小王*", CustomerTier::enterprise, "tok"};
    t.description = "无法登录 😀 \"quoted\" \\ back\nslash \t tab \x01 control";
    t.attachments = {"a.png"};
    t.department = "技术部";
    t.assignee = "eng-7";
    t.times.received = may20_1430() - 5min;
    t.times.recorded = may20_1430();
    t.times.resolved = may20_1430() + 2h;
    t.estimated_completion = may20_1430() + 4h;
    t.resolution = "'; DROP TABLE tickets; --";
    t.responsibility = Responsibility::customer;
    t.satisfaction = Satisfaction{SatisfactionGrade::dissatisfied, 1, "差", 2, std::nullopt, 1};
    t.close_reason = CloseReason::withdrawn;
    t.tags = {"x", "y"};
    t.links = {{LinkKind::related_to, "20240519001"}};
    t.reopen_count = 1;
    t.escalation_level = 2;
    t.waiting_for_customer = true;
    t.wait_reason = "等待";
    t.resume_at = may20_1430() + 24h;
    SlaClock clock;
    clock.stage = SlaStage::first_response;
    clock.started = may20_1430();
    clock.stopped = may20_1430() + 10min;
    clock.pauses = {{may20_1430() + 1min, may20_1430() + 2min}};
    clock.warn_at = may20_1430() + 40min;
    clock.due = may20_1430() + 1h;
    clock.warned = true;
    clock.escalations = 1;
    clock.overdue_reason = "原因";
    t.sla = {clock};
    t.result_notice = ResultNotice{may20_1430() + 3h, channels::phone, "已电话告知"};
    VisitDetails visit;
    visit.reason = VisitReason::campaign;
    visit.plan = "2024-05 #7";
    visit.window_from = may20_1430() + 24h;
    visit.window_until = may20_1430() + 48h;
    visit.attempts = {{may20_1430() + 25h, ContactOutcome::wrong_number, "空号"}};
    visit.answers = {{"是否满意？", 2, "太慢"}};
    visit.comment = "无";
    t.visit = visit;
    t.identity_verified = true;
    CollaborationTask task;
    task.number = 1;
    task.department = "物流部";
    task.due = may20_1430() + 4h;
    task.mandatory = false;
    task.completed = may20_1430() + 3h;
    t.tasks = {task};
    Approval approval;
    approval.number = 1;
    approval.kind = SolutionKind::compensation;
    approval.amount = 199.99;
    approval.description = "赔偿";
    approval.requested_by = "eng-7";
    approval.approver = Role::supervisor;
    approval.requested_at = may20_1430() + 1h;
    approval.due = may20_1430() + 5h;
    approval.state = ApprovalState::approved;
    approval.decided_by = "sup-1";
    approval.decided_at = may20_1430() + 2h;
    approval.note = "同意";
    approval.overdue_notified = true;
    Approval granted;
    granted.number = 2;
    granted.kind = SolutionKind::coupon;
    granted.amount = 1e-7;
    granted.state = ApprovalState::granted;
    t.approvals = {approval, granted};
    return t;
}

} // namespace

TEST_CASE("instants are ISO 8601 UTC and parse back", "[codec]") {
    CHECK(format_instant(may20_1430()) == "2024-05-20T06:30:00Z");
    CHECK(format_instant(Instant{}) == "1970-01-01T00:00:00Z");
    CHECK(format_instant(Instant{Duration{-1}}) == "1969-12-31T23:59:59Z");
    CHECK(format_instant(Instant{Duration{951782400}}) == "2000-02-29T00:00:00Z");
    for (auto t : {may20_1430(), Instant{}, Instant{Duration{-86401}}, Instant{Duration{4102444799}}})
        CHECK(parse_instant(format_instant(t), "at") == t);

    for (const char* bad : {"2024-05-20 06:30:00Z", "2024-05-20T06:30:00", "2024-02-30T00:00:00Z",
                            "2024-13-01T00:00:00Z", "2024-05-20T24:00:00Z", "yesterday", ""}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_instant(bad, "at"), ValidationError);
    }
}

TEST_CASE("a ticket round-trips through JSON with every field", "[codec]") {
    const Ticket t = rich_ticket();
    const json j = json(t);
    CHECK(j["status"] == "done");
    CHECK(j["customer"]["tier"] == "enterprise");
    CHECK(j["times"]["received"] == "2024-05-20T06:25:00Z");
    CHECK(j["times"]["classified"].is_null());
    CHECK(j["satisfaction"]["grade"] == "dissatisfied");
    CHECK(j["sla"][0]["stage"] == "first_response");

    // Through text too, as the store keeps it.
    const Ticket back = json::parse(j.dump()).get<Ticket>();
    CHECK(json(back) == j);
    CHECK(back.description == t.description);
    CHECK(back.resolution == t.resolution);
    CHECK(back.satisfaction->score == 1);
    CHECK(back.satisfaction->efficiency == 2);
    CHECK_FALSE(back.satisfaction->attitude);
    CHECK(back.satisfaction->outcome == 1);
    CHECK(back.links == t.links);
    CHECK(back.sla.at(0).pauses == t.sla.at(0).pauses);
    CHECK(back.resume_at == t.resume_at);
    CHECK(back.result_notice->summary == "已电话告知");
    CHECK(back.visit->attempts.at(0).outcome == ContactOutcome::wrong_number);
    CHECK(back.visit->answers.at(0).score == 2);
    CHECK(j["visit"]["reason"] == "campaign");
    CHECK(back.identity_verified);
    REQUIRE(back.tasks.size() == 1);
    CHECK_FALSE(back.tasks[0].mandatory);
    CHECK(back.tasks[0].completed == t.tasks[0].completed);
    CHECK(json{{"tasks", {{{"number", 2}}}}}.get<Ticket>().tasks.at(0).mandatory); // default kept
    REQUIRE(back.approvals.size() == 2);
    CHECK(j["approvals"][0]["kind"] == "compensation");
    CHECK(j["approvals"][0]["approver"] == "supervisor");
    CHECK(j["approvals"][0]["state"] == "approved");
    CHECK(j["approvals"][1]["approver"].is_null());
    CHECK(back.approvals[0].amount == 199.99);
    CHECK(back.approvals[1].amount == 1e-7);
    CHECK(back.approvals[0].approver == Role::supervisor);
    CHECK_FALSE(back.approvals[1].approver);
    CHECK(back.approvals[0].state == ApprovalState::approved);
    CHECK(back.approvals[0].decided_at == t.approvals[0].decided_at);
    CHECK(back.approvals[0].due == t.approvals[0].due);
    CHECK(back.approvals[0].overdue_notified);
    CHECK(back.approvals[1].state == ApprovalState::granted);
    CHECK(json::parse(R"({"id":"x"})").get<Ticket>().approvals.empty()); // tickets stored before approvals
    CHECK_THROWS_AS((json{{"approvals", {{{"amount", "ten"}}}}}.get<Ticket>()), ValidationError);
    CHECK_THROWS_AS((json{{"approvals", {{{"state", "maybe"}}}}}.get<Ticket>()), ValidationError);
}

TEST_CASE("decoding defaults missing members and names the bad ones", "[codec]") {
    Ticket sparse = json{{"id", "T1"}, {"version", 1}}.get<Ticket>();
    CHECK(sparse.id == "T1");
    CHECK(sparse.status == Status::pending);
    CHECK(sparse.customer.tier == CustomerTier::regular);
    CHECK_FALSE(sparse.satisfaction);
    CHECK(sparse.sla.empty());

    auto field_of = [](const json& j) {
        try {
            j.get<Ticket>();
        } catch (const ValidationError& e) {
            return e.field();
        }
        return std::string("(no error)");
    };
    CHECK(field_of(json{{"status", "archived"}}) == "status");
    CHECK(field_of(json{{"version", -1}}) == "version");
    CHECK(field_of(json{{"customer", {{"tier", 3}}}}) == "customer.tier");
    CHECK(field_of(json{{"times", {{"received", "noon"}}}}) == "times.received");
    CHECK(field_of(json{{"tags", {1, 2}}}) == "tags[0]");
    CHECK(field_of(json{{"sla", {{{"stage", "lunch"}}}}}) == "sla[0].stage");
    CHECK(field_of(json::array()) == "ticket");
}

TEST_CASE("events, notifications and outbox records encode with stable names", "[codec]") {
    AuditEvent e{"T1", 3, may20_1430(), "agent-1", Action::resolve, Status::in_progress, Status::done, "已处理"};
    json je = json(e);
    CHECK(je == json{{"ticket", "T1"},
                     {"version", 3},
                     {"at", "2024-05-20T06:30:00Z"},
                     {"actor", "agent-1"},
                     {"action", "resolve"},
                     {"from", "in_progress"},
                     {"to", "done"},
                     {"note", "已处理"}});
    AuditEvent e2 = je.get<AuditEvent>();
    CHECK(json(e2) == je);

    Notification n;
    n.ticket = "T1";
    n.kind = NotificationKind::resolved;
    n.audience = Audience::staff;
    n.recipient = "eng-7";
    n.at = may20_1430();
    n.text = "完成";
    n.idempotency_key = "T1/3/0";
    json jn = json(n);
    CHECK(jn["kind"] == "resolved");
    CHECK(jn["audience"] == "staff");
    CHECK(json(jn.get<Notification>()) == jn);
    CHECK_THROWS_AS((json{{"audience", "everyone"}}.get<Notification>()), ValidationError);

    OutboxRecord r{9, n, OutboxState::dead, 8, may20_1430() + 1h, "gateway down", {}, Instant{}};
    json jr = json(r);
    CHECK(jr["state"] == "dead");
    CHECK(jr["attempts"] == 8);
    CHECK(jr["notification"] == jn);
    CHECK(jr["claimed_by"] == "");
    CHECK(jr.get<OutboxRecord>().last_error == "gateway down");
    CHECK(parse_outbox_state("delivered") == OutboxState::delivered);
    CHECK_THROWS_AS(parse_outbox_state("lost"), ValidationError);
}

TEST_CASE("notification kinds and audiences parse their own names", "[codec]") {
    // The count covers every kind: one past it there is no name.
    CHECK(std::string(to_string(static_cast<NotificationKind>(notification_kind_count))) == "unknown");
    for (int i = 0; i < notification_kind_count; ++i) {
        auto kind = static_cast<NotificationKind>(i);
        CHECK(parse_notification_kind(to_string(kind)) == kind);
    }
    CHECK(parse_audience("staff") == Audience::staff);
    CHECK(std::string(to_string(Audience::customer)) == "customer");
    CHECK_THROWS_AS(parse_notification_kind("sent"), ValidationError);
}

TEST_CASE("a clock's provisional mark is in the JSON form; absent means final", "[codec]") {
    Ticket t = rich_ticket();
    REQUIRE_FALSE(t.sla.empty());
    CHECK(json(t)["sla"][0]["provisional"] == false);
    t.sla.at(0).provisional = true;
    const json j = json(t);
    CHECK(j["sla"][0]["provisional"] == true);
    CHECK(json::parse(j.dump()).get<Ticket>().sla.at(0).provisional);
    json older = j;
    older["sla"][0].erase("provisional"); // stored before the mark existed
    CHECK_FALSE(older.get<Ticket>().sla.at(0).provisional);
}
