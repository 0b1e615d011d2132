// Authority limits at the desk (seed 002, 权限内处理 / 超权限上报): solutions within the
// handler's limit are granted, others wait for the approver role, block resolving, and
// are approved or denied only by someone with the authority.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace ticketflow;
using namespace ticketflow::testing;
using namespace std::chrono_literals;

namespace {

struct Approvals : DeskFixture {
    Actor lead{"lead-cs", Role::team_lead, "客服组"};
    Actor handler{"cs-1", Role::agent, "客服组"};
    Actor other_agent{"cs-2", Role::agent, "客服组"};
    Actor supervisor{"sup-1", Role::supervisor, "客服组"};
    Actor manager{"mgr-1", Role::manager, ""};

    // A ticket of 客服组 assigned to cs-1 and in progress.
    TicketId handled_ticket() {
        auto id = desk.open(agent, sample_request()).id;
        desk.assign(lead, id, handler.id, std::string("客服组"));
        desk.start(handler, id);
        return id;
    }

    std::size_t delivered(NotificationKind kind, const std::string& recipient) const {
        std::size_t n = 0;
        for (const auto& note : notifier->delivered()) n += note.kind == kind && note.recipient == recipient;
        return n;
    }
};

// A command refused for lack of authority leaves the ticket as it was and is audited.
template <class F>
void check_refused(Approvals& a, const TicketId& id, F&& command) {
    const auto before = a.desk.get(id);
    const auto trail = a.desk.history(id).size();
    CHECK_THROWS_AS(command(), PermissionDenied);
    const auto after = a.desk.get(id);
    CHECK(after.version == before.version);
    REQUIRE(after.approvals.size() == before.approvals.size());
    for (std::size_t i = 0; i < after.approvals.size(); ++i)
        CHECK(after.approvals[i].state == before.approvals[i].state);
    const auto history = a.desk.history(id);
    REQUIRE(history.size() == trail + 1);
    CHECK(history.back().note.rfind("permission denied: ", 0) == 0);
}

} // namespace

TEST_CASE("a solution within the handler's limit is granted and audited", "[approval]") {
    Approvals a;
    auto id = a.handled_ticket();
    auto t = a.desk.propose_solution(a.handler, id, {SolutionKind::coupon, 30, "赠送30元优惠券"});
    REQUIRE(t.approvals.size() == 1);
    const auto& granted = t.approvals[0];
    CHECK(granted.number == 1);
    CHECK(granted.state == ApprovalState::granted);
    CHECK_FALSE(granted.approver);
    CHECK(granted.requested_by == "cs-1");
    CHECK(granted.decided_by == "cs-1");
    CHECK(granted.amount == 30);
    CHECK(a.desk.history(id).back().action == Action::propose_solution);
    CHECK(a.desk.history(id).back().note.find("granted within limit") != std::string::npos);
    CHECK(a.delivered(NotificationKind::approval_requested, "team_lead") == 0);
    CHECK(a.desk.resolve(a.handler, id, {"已发放优惠券", Responsibility::platform}).status == Status::done);
}

TEST_CASE("beyond the limit an approval is requested from the right role", "[approval]") {
    Approvals a;
    auto id = a.handled_ticket();
    a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 150, "退还运费"});
    a.desk.propose_solution(a.handler, id, {SolutionKind::compensation, 500, "赔偿损坏商品"});
    auto t = a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 5000, "整单退款"});
    REQUIRE(t.approvals.size() == 3);
    CHECK(t.approvals[0].approver == Role::team_lead);
    CHECK(t.approvals[1].approver == Role::supervisor);
    CHECK(t.approvals[2].approver == Role::manager);
    for (const auto& request : t.approvals) {
        CHECK(request.state == ApprovalState::pending);
        CHECK(request.requested_at == may20_1430());
        CHECK(request.due == a.desk.config().calendar.add_business_time(may20_1430(), 4h));
        CHECK_FALSE(request.decided_at);
    }
    CHECK(t.approvals[0].due > may20_1430() + 4h); // 14:30 + 4 working hours runs into the next day
    CHECK(a.delivered(NotificationKind::approval_requested, "team_lead") == 1);
    CHECK(a.delivered(NotificationKind::approval_requested, "supervisor") == 1);
    CHECK(a.delivered(NotificationKind::approval_requested, "manager") == 1);
    CHECK(a.desk.history(id).back().note.find("refund 5000.00: 整单退款 needs approval by manager") !=
          std::string::npos);

    a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 1e20, "误填金额"}); // still finite
    CHECK(a.desk.get(id).approvals.back().approver == Role::manager);
    CHECK(a.desk.history(id).back().note.find("refund 1e+20") != std::string::npos);
}

TEST_CASE("an agent's own limit from the directory replaces its role's", "[approval]") {
    Approvals a;
    auto directory = std::make_shared<AgentDirectory>();
    Agent senior;
    senior.id = "cs-1";
    senior.department = "客服组";
    senior.approval_limit = 300;
    directory->add(senior);
    DeskConfig config;
    config.directory = directory;
    ServiceDesk desk(a.store, a.clock, config, a.notifier);
    auto id = desk.open(a.agent, sample_request()).id;
    desk.assign(a.lead, id, "cs-1", std::string("客服组"));
    auto t = desk.propose_solution(a.handler, id, {SolutionKind::refund, 150, "退还运费"});
    CHECK(t.approvals.back().state == ApprovalState::granted);
    t = desk.propose_solution(a.other_agent, id,
                              {SolutionKind::refund, 150, "退还运费"}); // not listed: role default 50
    CHECK(t.approvals.back().state == ApprovalState::pending);
}

TEST_CASE("only a role at or above the approver with a covering limit may decide", "[approval]") {
    Approvals a;
    auto id = a.handled_ticket();
    a.desk.propose_solution(a.handler, id, {SolutionKind::compensation, 500, "赔偿损坏商品"}); // supervisor
    check_refused(a, id, [&] { return a.desk.approve(a.other_agent, id, 1, "ok"); });
    check_refused(a, id, [&] { return a.desk.approve(a.handler, id, 1, "ok"); }); // not one's own
    check_refused(a, id, [&] { return a.desk.approve(a.lead, id, 1, "ok"); });    // team lead < supervisor
    check_refused(a, id, [&] { return a.desk.deny(a.lead, id, 1, "太多"); });
    check_refused(a, id, [&] { return a.desk.approve(Actor{"system", Role::system, ""}, id, 1); });

    // A supervisor whose own limit is below the amount may not approve either.
    auto policy = std::make_shared<AuthorityPolicy>();
    policy->set_role_limit(Role::supervisor, SolutionKind::compensation, 400);
    DeskConfig config;
    config.authority = policy;
    ServiceDesk strict(a.store, a.clock, config, a.notifier);
    auto strict_id = strict.open(a.agent, sample_request()).id;
    strict.assign(a.lead, strict_id, a.handler.id, std::string("客服组"));
    auto t = strict.propose_solution(a.handler, strict_id, {SolutionKind::compensation, 500, "赔偿"});
    CHECK(t.approvals[0].approver == Role::manager); // nobody below covers 500
    auto before = strict.get(strict_id);
    CHECK_THROWS_AS(strict.approve(a.supervisor, strict_id, 1), PermissionDenied);
    CHECK(strict.get(strict_id).version == before.version);

    auto approved = a.desk.approve(a.supervisor, id, 1, "同意赔偿");
    CHECK(approved.approvals[0].state == ApprovalState::approved);
    CHECK(approved.approvals[0].decided_by == "sup-1");
    CHECK(approved.approvals[0].note == "同意赔偿");
    CHECK(approved.approvals[0].decided_at == may20_1430());
    CHECK(a.delivered(NotificationKind::approval_decided, "cs-1") == 1);
}

TEST_CASE("resolving waits until every approval is decided", "[approval]") {
    Approvals a;
    auto id = a.handled_ticket();
    a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 150, "退还运费"});
    a.desk.propose_solution(a.handler, id, {SolutionKind::coupon, 120, "补偿优惠券"});
    const auto version = a.desk.get(id).version;
    CHECK_THROWS_AS(a.desk.resolve(a.handler, id, {"已退款", Responsibility::platform}), ApprovalPending);
    try {
        a.desk.resolve(a.handler, id, {"已退款", Responsibility::platform});
        FAIL("expected ApprovalPending");
    } catch (const GuardRejected& e) { // a kind of guard rejection
        CHECK(e.action() == Action::resolve);
        CHECK(std::string(e.what()).find("waiting for approval") != std::string::npos);
    }
    CHECK(a.desk.get(id).version == version);

    a.desk.approve(a.lead, id, 1, "");
    CHECK_THROWS_AS(a.desk.resolve(a.handler, id, {"已退款", Responsibility::platform}), ApprovalPending);
    auto denied = a.desk.deny(a.manager, id, 2, "优惠券已超本月额度");
    CHECK(denied.approvals[1].state == ApprovalState::denied);
    CHECK(denied.approvals[1].note == "优惠券已超本月额度");
    CHECK(a.delivered(NotificationKind::approval_decided, "cs-1") == 2);
    CHECK(a.desk.history(id).back().action == Action::deny);
    CHECK(a.desk.resolve(a.handler, id, {"已退款", Responsibility::platform}).status == Status::done);
}

TEST_CASE("invalid proposals and decisions change nothing", "[approval]") {
    Approvals a;
    auto id = a.handled_ticket();
    const auto version = a.desk.get(id).version;
    auto field_of = [](auto&& command) -> std::string {
        try {
            command();
        } catch (const ValidationError& e) {
            return e.field();
        }
        return "(accepted)";
    };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    for (double bad : {-1.0, nan, inf, -inf}) {
        INFO(bad);
        CHECK(field_of([&] {
                  a.desk.propose_solution(a.handler, id, {SolutionKind::refund, bad, "退款"});
              }) == "amount");
    }
    CHECK(field_of([&] { a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 10, ""}); }) == "description");
    CHECK(field_of([&] {
              a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 10, std::string(9000, 'x')});
          }) == "description");
    CHECK(field_of([&] { a.desk.propose_solution(a.handler, id, {static_cast<SolutionKind>(9), 10, "x"}); }) == "kind");
    CHECK(field_of([&] { a.desk.approve(a.manager, id, 1, "ok"); }) == "number");
    a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 10, "小额退款"}); // granted: nothing to approve
    CHECK(field_of([&] { a.desk.approve(a.manager, id, 1, "ok"); }) == "number");
    a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 100, "退款"});
    CHECK(field_of([&] { a.desk.deny(a.manager, id, 2, ""); }) == "reason");
    a.desk.deny(a.manager, id, 2, "不符合退款条件");
    CHECK(field_of([&] { a.desk.approve(a.manager, id, 2, "改主意"); }) == "number"); // decided already
    CHECK(a.desk.get(id).version == version + 3);
    CHECK_THROWS_AS(a.desk.propose_solution(a.customer, id, {SolutionKind::refund, 1, "我要退款"}), PermissionDenied);
}

TEST_CASE("a late approval is reported to the approver role exactly once", "[approval]") {
    Approvals a;
    auto id = a.handled_ticket();
    auto t = a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 150, "退还运费"});
    const Instant due = t.approvals[0].due;
    auto before_due = a.desk.tick(due - 1min);
    CHECK(before_due.approvals_overdue == 0);
    CHECK(a.delivered(NotificationKind::approval_overdue, "team_lead") == 0);
    auto first = a.desk.tick(due + 1min);
    CHECK(first.approvals_overdue == 1);
    CHECK(a.delivered(NotificationKind::approval_overdue, "team_lead") == 1);
    for (auto later : {due + 2min, due + 1h, due + 30h}) {
        CHECK(a.desk.tick(later).approvals_overdue == 0);
    }
    CHECK(a.delivered(NotificationKind::approval_overdue, "team_lead") == 1);
    CHECK(a.desk.get(id).approvals[0].overdue_notified);
    CHECK(a.desk.get(id).approvals[0].state == ApprovalState::pending); // still the approver's call
}

TEST_CASE("personal data in a proposal or a decision note is masked", "[approval][privacy]") {
    Approvals a;
    auto id = a.handled_ticket();
    a.desk.propose_solution(a.handler, id, {SolutionKind::refund, 150, "退款到 13812345678 的账户"});
    auto t = a.desk.deny(a.lead, id, 1, "请致电 13912345678 说明");
    CHECK(t.approvals[0].description.find("13812345678") == std::string::npos);
    CHECK(t.approvals[0].note.find("13912345678") == std::string::npos);
    for (const auto& event : a.desk.history(id)) CHECK(event.note.find("13912345678") == std::string::npos);
    for (const auto& n : a.notifier->delivered()) CHECK(n.text.find("13812345678") == std::string::npos);
}

TEST_CASE("proposing and deciding are offered while pending and in progress", "[approval][lifecycle]") {
    for (auto status : {Status::pending, Status::in_progress}) {
        CHECK(is_allowed(status, Action::propose_solution));
        CHECK(is_allowed(status, Action::approve));
        CHECK(is_allowed(status, Action::deny));
    }
    for (auto status : {Status::done, Status::closed}) CHECK_FALSE(is_allowed(status, Action::propose_solution));
    CHECK(parse_action("propose_solution") == Action::propose_solution);
    CHECK(std::string(to_string(Action::deny)) == "deny");
    CHECK(std::string(to_string(Action::reveal_contact)) == "reveal_contact"); // later names still line up
    CHECK(std::string(to_string(NotificationKind::approval_overdue)) == "approval_overdue");
    CHECK(parse_approval_state("denied") == ApprovalState::denied);
}
