// Result feedback, satisfaction, second handling, derived tickets and follow-up visits.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

struct FeedbackDesk : DeskFixture {
    TicketId resolved_ticket() {
        auto id = desk.open(agent, sample_request()).id;
        desk.assign(agent, id, "eng-1");
        desk.start(agent, id);
        desk.resolve(agent, id, {"已修复", Responsibility::platform});
        return id;
    }
    const SlaClock* clock_of(const Ticket& t, SlaStage stage) {
        for (const auto& c : t.sla)
            if (c.stage == stage) return &c;
        return nullptr;
    }
};

} // namespace

TEST_CASE("telling the customer the result meets the result-feedback stage", "[feedback]") {
    FeedbackDesk f;
    auto id = f.resolved_ticket();
    f.clock->advance(40min);
    auto t = f.desk.inform_result(f.agent, id, channels::phone, "已电话告知修复结果");
    REQUIRE(t.result_notice);
    CHECK(t.result_notice->channel == channels::phone);
    auto c = f.clock_of(t, SlaStage::result_feedback);
    REQUIRE(c);
    CHECK(c->stopped == may20_1430() + 40min);
    CHECK(c->due == may20_1430() + 1h); // seed 000: within 1 h of completion
    CHECK_THROWS_AS(f.desk.inform_result(f.agent, id, "pigeon", "x"), ValidationError);
}

TEST_CASE("scores map to grades and a low score reopens", "[feedback]") {
    CHECK(grade_for_score(5) == SatisfactionGrade::very_satisfied);
    CHECK(grade_for_score(4) == SatisfactionGrade::satisfied);
    CHECK(grade_for_score(3) == SatisfactionGrade::neutral);
    CHECK(grade_for_score(2) == SatisfactionGrade::dissatisfied);
    CHECK_THROWS_AS(grade_for_score(0), ValidationError);

    FeedbackDesk f;
    auto id = f.resolved_ticket();
    Satisfaction s{SatisfactionGrade::dissatisfied, 2, "还是有点慢"};
    s.efficiency = 1;
    s.attitude = 4;
    auto t = f.desk.record_feedback(f.customer, id, {s});
    CHECK(t.status == Status::in_progress); // score 2 <= threshold 2
    CHECK(t.reopen_count == 1);
    CHECK(t.satisfaction->efficiency == 1);
    f.desk.resolve(f.agent, id, {"再次处理", Responsibility::platform});
    t = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::neutral, 3, ""}});
    CHECK(t.status == Status::closed);
}

TEST_CASE("second handling repeats until the customer accepts, each round counted", "[feedback]") {
    FeedbackDesk f;
    auto id = f.resolved_ticket();
    for (int round = 1; round <= 3; ++round) {
        auto t = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::dissatisfied, 1, "不行"}});
        CHECK(t.reopen_count == static_cast<std::uint32_t>(round));
        CHECK(t.escalation_level == static_cast<std::uint32_t>(round));
        auto c = f.clock_of(t, SlaStage::second_handling);
        REQUIRE(c);
        CHECK(c->due == f.clock->now() + 24h);
        f.desk.resolve(f.agent, id, {"第" + std::to_string(round) + "次处理", Responsibility::platform});
    }
    auto t = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::very_satisfied, 5, ""}});
    CHECK(t.status == Status::closed);
    CHECK(t.reopen_count == 3);
}

TEST_CASE("no answer by the end of the third working day closes the ticket", "[feedback]") {
    FeedbackDesk f; // resolved on Monday 2024-05-20
    auto id = f.resolved_ticket();
    // End of Thursday 23rd 18:00 Beijing = 10:00 UTC.
    auto thursday_evening = Instant{Duration{1716458400}};
    f.clock->set(thursday_evening - 1min);
    CHECK(f.desk.tick(f.clock->now()).auto_closed == 0);
    f.clock->set(thursday_evening);
    CHECK(f.desk.tick(f.clock->now()).auto_closed == 1);
    auto t = f.desk.get(id);
    CHECK(t.status == Status::closed);
    CHECK(t.close_reason == CloseReason::no_answer);
    CHECK(f.desk.history(id).back().actor == "system");
}

TEST_CASE("a late tick closes an unanswered ticket at the end of its feedback timeout", "[feedback]") {
    FeedbackDesk f; // resolved on Monday 2024-05-20 14:30; result feedback due 15:30
    auto id = f.resolved_ticket();
    const auto thursday_evening = Instant{Duration{1716458400}}; // 18:00 Beijing
    const auto friday_morning = thursday_evening + 16h;
    f.clock->set(friday_morning);
    auto report = f.desk.tick(friday_morning);
    CHECK(report.auto_closed == 1);
    CHECK(report.breaches == 1); // the result feedback missed on Monday, handled first
    CHECK(report.escalations == 1);
    auto t = f.desk.get(id);
    CHECK(t.status == Status::closed);
    CHECK(t.times.closed == thursday_evening); // not the tick's time
    auto trail = f.desk.history(id);
    const auto& close = trail.back();
    CHECK(close.action == Action::close);
    CHECK(close.at == thursday_evening);
    auto breach =
        std::find_if(trail.begin(), trail.end(), [](const AuditEvent& e) { return e.action == Action::sla_breach; });
    REQUIRE(breach != trail.end());
    CHECK(breach->at == may20_1430() + 1h);
    CHECK(breach->version == close.version); // one transaction
    std::optional<Instant> told;
    for (const auto& n : f.notifier->delivered())
        if (n.ticket == id && n.kind == NotificationKind::closed) told = n.at;
    CHECK(told == thursday_evening);
    CHECK(f.desk.compliance(id).back().stopped == thursday_evening);
}

TEST_CASE("a problem raised in feedback becomes a derived ticket", "[feedback]") {
    FeedbackDesk f;
    auto parent = f.resolved_ticket();
    NewTicket problem;
    problem.type = ticket_types::suggestion;
    problem.description = "希望后续推送订单状态变更提醒";
    auto derived = f.desk.open_derived(f.agent, parent, problem);
    CHECK(derived.customer.id == "C20240520001");
    CHECK(derived.channel == channels::online_chat);
    REQUIRE(derived.links.size() == 1);
    CHECK(derived.links[0].kind == LinkKind::follow_up_of);
    CHECK(derived.links[0].target == parent);
    auto c = f.clock_of(derived, SlaStage::first_response);
    REQUIRE(c);
    CHECK(c->due == may20_1430() + 24h); // seed 004: general problems answered within 24 h
    CHECK_THROWS_AS(f.desk.open_derived(f.agent, "20990101001", problem), NotFound);
}

TEST_CASE("a follow-up visit: window, attempts, record, derived problems", "[followup]") {
    FeedbackDesk f;
    auto served = f.resolved_ticket();
    f.desk.record_feedback(f.customer, served, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});

    VisitRequest request{served,
                         VisitReason::new_customer,
                         "new-2024-05 seed 7",
                         may20_1430() + 24h,
                         may20_1430() + 48h,
                         "visitor-1",
                         "新客户专岗"};
    auto visit = f.desk.open_visit(f.agent, request);
    CHECK(visit.type == ticket_types::follow_up_visit);
    CHECK(visit.assignee == "visitor-1");
    REQUIRE(visit.visit);
    auto window = f.clock_of(visit, SlaStage::follow_up);
    REQUIRE(window);
    CHECK(window->due == may20_1430() + 48h);
    CHECK(visit.sla.size() == 1);

    f.clock->set(may20_1430() + 25h);
    auto t = f.desk.record_attempt(f.agent, visit.id, ContactOutcome::no_answer);
    CHECK(t.status == Status::pending);
    CHECK(t.visit->attempts.size() == 1);

    VisitRecord record;
    record.answers = {{"您对服务效率是否满意？", 4, "稍慢"}, {"您对处理结果是否满意？", 5, ""}};
    record.comment = "希望增加线上服务渠道";
    NewTicket problem;
    problem.type = ticket_types::complaint;
    problem.description = "安装后未清理现场";
    record.problems = {problem};
    auto outcome = f.desk.record_visit(f.agent, visit.id, record);
    CHECK(outcome.visit.status == Status::closed);
    CHECK(outcome.visit.satisfaction->score == 5); // mean 4.5 rounds up
    CHECK(outcome.visit.visit->answers.size() == 2);
    REQUIRE(outcome.derived.size() == 1);
    CHECK(outcome.derived[0].links[0].target == visit.id);
    CHECK(outcome.derived[0].channel == channels::follow_up_visit);
    CHECK(f.desk.compliance(visit.id).front().state == ComplianceState::met);
}

TEST_CASE("visits end as unreachable or withdrawn, and an overdue window is flagged", "[followup]") {
    FeedbackDesk f;
    auto served = f.resolved_ticket();
    f.desk.inform_result(f.agent, served, channels::phone, "已告知");
    VisitRequest request{served, VisitReason::regular, "weekly", may20_1430() + 2h, may20_1430() + 4h, "", ""};
    auto a = f.desk.open_visit(f.agent, request).id;
    auto b = f.desk.open_visit(f.agent, request).id;
    auto c = f.desk.open_visit(f.agent, request).id;
    f.clock->set(request.window_from); // not called before the window opens
    for (int i = 0; i < 2; ++i)
        CHECK(f.desk.record_attempt(f.agent, a, ContactOutcome::no_answer).status == Status::pending);
    auto t = f.desk.record_attempt(f.agent, a, ContactOutcome::no_answer);
    CHECK(t.status == Status::closed);
    CHECK(t.close_reason == CloseReason::unreachable);
    CHECK(f.desk.record_attempt(f.agent, b, ContactOutcome::refused).close_reason == CloseReason::withdrawn);
    auto report = f.desk.tick(may20_1430() + 4h + 1min);
    CHECK(report.breaches == 1); // c's window passed
    CHECK_THROWS_AS(f.desk.record_attempt(f.agent, served, ContactOutcome::reached), InvalidTransition);
    CHECK_THROWS_AS(f.desk.record_visit(f.agent, c, VisitRecord{}), ValidationError);
    VisitRecord bad;
    bad.answers = {{"q", 7, ""}};
    CHECK_THROWS_AS(f.desk.record_visit(f.agent, c, bad), ValidationError);
    CHECK(f.desk.get(c).status == Status::pending);
}

TEST_CASE("every round's verdict is kept; closing unanswered keeps the latest answer", "[feedback]") {
    FeedbackDesk f;
    auto id = f.resolved_ticket();
    const Instant first_answer = f.clock->now() + 20min;
    f.clock->set(first_answer);
    auto t = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::dissatisfied, 1, "没解决"}});
    REQUIRE(t.status == Status::in_progress);
    REQUIRE(t.satisfaction_history.size() == 1);
    CHECK(t.satisfaction_history[0].round == 0);
    CHECK(t.satisfaction_history[0].at == first_answer);
    f.clock->advance(3h);
    f.desk.resolve(f.agent, id, {"二次处理完成", Responsibility::platform});
    t = f.desk.close(f.agent, id, {}); // the customer does not answer this time
    CHECK(t.status == Status::closed);
    CHECK(t.close_reason == CloseReason::no_answer);
    REQUIRE(t.satisfaction); // the latest answer given, not erased
    CHECK(t.satisfaction->grade == SatisfactionGrade::dissatisfied);
    CHECK(t.satisfaction->comment == "没解决");
    REQUIRE(t.satisfaction_history.size() == 1);
    CHECK(f.desk.get(id).satisfaction_history.size() == 1); // as stored
}

TEST_CASE("a second round's answer joins the first in the history", "[feedback]") {
    FeedbackDesk f;
    auto id = f.resolved_ticket();
    Satisfaction low{SatisfactionGrade::dissatisfied, 2, "太慢"}; // a low score: second handling
    f.desk.record_feedback(f.customer, id, {low});
    f.desk.resolve(f.agent, id, {"加急处理", Responsibility::platform});
    f.clock->advance(1h);
    auto t = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::very_satisfied, 5, "很好"}});
    CHECK(t.status == Status::closed);
    REQUIRE(t.satisfaction_history.size() == 2);
    CHECK(t.satisfaction_history[0].round == 0);
    CHECK(t.satisfaction_history[0].satisfaction.score == 2);
    CHECK(t.satisfaction_history[1].round == 1);
    CHECK(t.satisfaction_history[1].at == f.clock->now());
    CHECK(t.satisfaction_history[1].satisfaction.grade == SatisfactionGrade::very_satisfied);
    CHECK(t.satisfaction->grade == SatisfactionGrade::very_satisfied);
}

TEST_CASE("personal data in a round's comment is masked in the history too", "[feedback][privacy]") {
    FeedbackDesk f;
    auto id = f.resolved_ticket();
    auto t = f.desk.record_feedback(f.customer, id,
                                    {Satisfaction{SatisfactionGrade::dissatisfied, 1, "请打13812345678找我"}});
    REQUIRE(t.satisfaction_history.size() == 1);
    CHECK(t.satisfaction_history[0].satisfaction.comment.find("13812345678") == std::string::npos);
    CHECK(t.satisfaction_history[0].satisfaction.comment.find("138****5678") != std::string::npos);
    CHECK(t.satisfaction->comment == t.satisfaction_history[0].satisfaction.comment);
    f.desk.resolve(f.agent, id, {"再次处理", Responsibility::platform});
    t = f.desk.close(f.agent, id, {Satisfaction{SatisfactionGrade::satisfied, 4, "邮件 zhang.san@example.com 已收到"}});
    REQUIRE(t.satisfaction_history.size() == 2);
    CHECK(t.satisfaction_history[0].satisfaction.comment.find("138****5678") != std::string::npos); // as stored
    CHECK(t.satisfaction_history[1].satisfaction.comment.find("zhang.san@example.com") == std::string::npos);
    CHECK(t.satisfaction->comment == t.satisfaction_history[1].satisfaction.comment);
}

namespace {

// A visit of a served ticket, its window open from now for 48 h.
Ticket open_visit_now(FeedbackDesk& f) {
    auto served = f.resolved_ticket();
    f.desk.record_feedback(f.customer, served, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    VisitRequest request{
        served, VisitReason::regular, "weekly seed 1", f.clock->now(), f.clock->now() + 48h, "visitor-1", "回访组"};
    return f.desk.open_visit(f.agent, request);
}

NewTicket problem_text(const std::string& description) {
    NewTicket problem;
    problem.type = ticket_types::complaint;
    problem.description = description;
    return problem;
}

} // namespace

TEST_CASE("problems raised in a visit become work orders of their kind and department", "[followup]") {
    FeedbackDesk f; // seed 000, Monday 2024-05-20 14:30 Beijing
    auto visit = open_visit_now(f);
    const Instant recorded = may20_1430() + 30min;
    f.clock->set(recorded);
    VisitRecord record;
    record.answers = {{"您对服务效率是否满意？", 2, "等太久"}};
    NewTicket urgent = problem_text("燃气味道明显，担心安全");
    urgent.priority = "特急";
    NewTicket routed = problem_text("希望加一个线上预约入口");
    routed.department = "产品部";
    record.problems = {
        {problem_text("上门等了两个小时"), ProblemKind::general, "服务效率"},
        {problem_text("工程师态度冷淡"), ProblemKind::complex, "人员态度"},
        {urgent, ProblemKind::general, "安全"},
        {routed, ProblemKind::general, "服务效率"},
        problem_text("发票抬头有误"), // a plain request: a general problem of no type
    };
    auto outcome = f.desk.record_visit(f.agent, visit.id, record);
    REQUIRE(outcome.derived.size() == 5);
    const auto& efficiency = outcome.derived[0];
    const auto& attitude = outcome.derived[1];
    const auto& safety = outcome.derived[2];

    REQUIRE(efficiency.work_order);
    CHECK(efficiency.work_order->kind == ProblemKind::general);
    CHECK(efficiency.work_order->problem_type == "服务效率");
    CHECK_FALSE(efficiency.work_order->by_priority);
    CHECK(efficiency.department == "运营部"); // the SOP's example
    CHECK(efficiency.links.at(0).kind == LinkKind::follow_up_of);
    CHECK(efficiency.links.at(0).target == visit.id);
    REQUIRE(f.clock_of(efficiency, SlaStage::first_response));
    CHECK(f.clock_of(efficiency, SlaStage::first_response)->due == recorded + 24h); // 一般问题24小时内响应
    CHECK_FALSE(f.clock_of(efficiency, SlaStage::resolution));

    CHECK(attitude.department == "人力资源部");
    CHECK(attitude.work_order->kind == ProblemKind::complex);
    REQUIRE(f.clock_of(attitude, SlaStage::resolution));
    // 复杂问题不超过3个工作日: by the end of Thursday, 18:00 Beijing.
    CHECK(f.clock_of(attitude, SlaStage::resolution)->due == Instant{Duration{1716458400}});

    // 特急 under seed 000: 1 h to respond, not the work order's 24 h; no department is known
    // for its type, so it has none.
    CHECK(safety.priority == "特急");
    CHECK(safety.work_order->by_priority);
    CHECK(safety.department.empty());
    CHECK(f.clock_of(safety, SlaStage::first_response)->due == recorded + 1h);

    CHECK(outcome.derived[3].department == "产品部"); // named by the problem itself
    CHECK(outcome.derived[4].work_order->kind == ProblemKind::general);
    CHECK(outcome.derived[4].work_order->problem_type.empty());
    CHECK(outcome.derived[4].department.empty());

    // Stored as raised, and timed by it again after a recomputation.
    CHECK(f.desk.get(attitude.id).work_order->problem_type == "人员态度");
    f.desk.update_sla(SlaPolicy::seed000());
    CHECK(f.clock_of(f.desk.get(safety.id), SlaStage::first_response)->due == recorded + 1h);
    CHECK(f.clock_of(f.desk.get(efficiency.id), SlaStage::first_response)->due == recorded + 24h);
}

TEST_CASE("the departments of problem types and the work orders' targets are settings", "[followup]") {
    auto store = std::make_shared<MemoryStore>();
    auto clock = std::make_shared<ManualClock>(may20_1430());
    DeskConfig config;
    config.problem_departments = {{"物流", "物流部"}};
    config.sla.work_orders[ProblemKind::general][SlaStage::first_response] = SlaTarget::calendar(8h);
    ServiceDesk desk(store, clock, config);
    const Actor agent{"agent-1", Role::team_lead, ""};
    auto served = desk.open(agent, sample_request()).id;
    desk.assign(agent, served, "eng-1");
    desk.start(agent, served);
    desk.resolve(agent, served, {"已修复", Responsibility::platform});
    desk.close(agent, served, {Satisfaction{}});
    auto visit = desk.open_visit(agent, {served, VisitReason::regular, "p", clock->now(), clock->now() + 24h, "", ""});
    VisitRecord record;
    record.satisfaction = Satisfaction{SatisfactionGrade::neutral, 3, ""};
    record.problems = {{problem_text("快递丢件"), ProblemKind::general, "物流"},
                       {problem_text("等太久"), ProblemKind::general, "服务效率"}};
    auto outcome = desk.record_visit(agent, visit.id, record);
    CHECK(outcome.derived.at(0).department == "物流部");
    CHECK(outcome.derived.at(1).department.empty()); // the default mapping was replaced
    for (const auto& c : outcome.derived.at(0).sla)
        if (c.stage == SlaStage::first_response) CHECK(c.due == may20_1430() + 8h);

    config.sla.work_orders[ProblemKind::complex][SlaStage::resolution] = SlaTarget::calendar(-1h);
    CHECK_THROWS_AS(ServiceDesk(store, clock, config), ValidationError);
    record.problems = {{problem_text("x"), static_cast<ProblemKind>(7), ""}};
    auto another =
        desk.open_visit(agent, {served, VisitReason::regular, "q", clock->now(), clock->now() + 24h, "", ""});
    CHECK_THROWS_AS(desk.record_visit(agent, another.id, record), ValidationError);
    CHECK(desk.get(another.id).status == Status::pending); // nothing written
}

TEST_CASE("visit results are entered within 2 h of the call that reached the customer", "[followup]") {
    FeedbackDesk f;
    auto visit = open_visit_now(f);
    const Instant called = may20_1430() + 1h;
    f.clock->set(called - 10min);
    auto t = f.desk.record_attempt(f.agent, visit.id, ContactOutcome::no_answer);
    CHECK_FALSE(f.clock_of(t, SlaStage::visit_entry)); // nobody reached yet
    f.clock->set(called);
    t = f.desk.record_attempt(f.agent, visit.id, ContactOutcome::reached);
    REQUIRE(f.clock_of(t, SlaStage::visit_entry));
    CHECK(f.clock_of(t, SlaStage::visit_entry)->started == called);
    CHECK(f.clock_of(t, SlaStage::visit_entry)->due == called + 2h);

    SECTION("entered in time") {
        f.clock->set(called + 90min);
        auto outcome = f.desk.record_visit(f.agent, visit.id, {{{"服务效率", 4, ""}}, "", std::nullopt, {}});
        std::optional<StageCompliance> entry;
        for (const auto& c : f.desk.compliance(visit.id))
            if (c.stage == SlaStage::visit_entry) entry = c;
        REQUIRE(entry);
        CHECK(entry->state == ComplianceState::met);
        CHECK(entry->stopped == called + 90min);
        CHECK(entry->used == 90min);
    }
    SECTION("entered late: warned, then flagged by the monitor, and reported breached") {
        CHECK(f.desk.tick(called + 90min).warnings == 1); // 75 % of 2 h
        CHECK(f.desk.tick(called + 2h).breaches == 0);    // breached strictly after
        auto report = f.desk.tick(called + 2h + 1min);
        CHECK(report.breaches == 1);
        f.clock->set(called + 3h);
        f.desk.record_visit(f.agent, visit.id, {{{"服务效率", 4, ""}}, "", std::nullopt, {}});
        std::optional<StageCompliance> entry;
        for (const auto& c : f.desk.compliance(visit.id))
            if (c.stage == SlaStage::visit_entry) entry = c;
        REQUIRE(entry);
        CHECK(entry->state == ComplianceState::breached);
        CHECK(entry->overdue == 1h);
    }
}

TEST_CASE("a reopen starts a new round without the result told in the last one", "[feedback]") {
    FeedbackDesk f;
    auto id = f.resolved_ticket();
    f.desk.inform_result(f.agent, id, channels::phone, "电话告知补偿20元");
    auto t = f.desk.record_feedback(f.customer, id, {Satisfaction{SatisfactionGrade::dissatisfied, 1, "太少"}});
    CHECK(t.status == Status::in_progress);
    CHECK_FALSE(t.result_notice.has_value());
    CHECK_FALSE(t.times.resolved.has_value());
    f.clock->advance(1h);
    t = f.desk.resolve(f.agent, id, {"补偿50元", Responsibility::third_party});
    CHECK_FALSE(t.result_notice.has_value());
    f.clock->advance(10min);
    t = f.desk.inform_result(f.agent, id, channels::phone, "电话告知补偿50元");
    REQUIRE(t.result_notice);
    CHECK(t.result_notice->summary == "电话告知补偿50元");
    CHECK(t.result_notice->at == f.clock->now());
}
