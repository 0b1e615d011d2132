#include "lifecycle/machine.hpp"
#include "ticketflow/lifecycle.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/authorizer.hpp"

#include <catch2/catch.hpp>

using namespace ticketflow;

TEST_CASE("allowed actions per status follow the SOP lifecycle", "[lifecycle]") {
    using A = Action;
    CHECK(allowed_actions(Status::pending) ==
          std::vector<A>{A::classify, A::assign, A::reply, A::add_note, A::change_priority, A::escalate, A::start,
                         A::cancel, A::merge, A::explain_overdue, A::record_attempt, A::verify_identity, A::add_task,
                         A::complete_task, A::propose_solution, A::approve, A::deny});
    CHECK(allowed_actions(Status::in_progress) ==
          std::vector<A>{A::classify, A::assign, A::reply, A::add_note, A::change_priority, A::escalate,
                         A::wait_for_customer, A::resume, A::resolve, A::merge, A::explain_overdue, A::record_attempt,
                         A::verify_identity, A::add_task, A::complete_task, A::propose_solution, A::approve, A::deny});
    CHECK(allowed_actions(Status::done) ==
          std::vector<A>{A::add_note, A::close, A::reopen, A::explain_overdue, A::inform_result, A::verify_identity});
    CHECK(allowed_actions(Status::closed).empty());
    CHECK_FALSE(is_allowed(Status::pending, Action::open));
    CHECK_FALSE(is_allowed(Status::in_progress, Action::monitor)); // system only
    CHECK(is_system_action(Action::monitor));
}

TEST_CASE("a stored status is restored into the machine before the action", "[lifecycle]") {
    Ticket t;
    t.id = "T1";
    t.assignee = "agent-1";
    t.status = Status::pending;
    CHECK(detail::apply_transition(t, Action::start) == Status::in_progress);
    t.status = Status::in_progress;
    CHECK(detail::apply_transition(t, Action::resolve) == Status::done);
    CHECK(detail::apply_transition(t, Action::reply) == Status::in_progress);
    t.status = Status::done;
    CHECK(detail::apply_transition(t, Action::close) == Status::closed);
    CHECK(detail::apply_transition(t, Action::reopen) == Status::in_progress);
    t.status = Status::pending;
    CHECK(detail::apply_transition(t, Action::cancel) == Status::closed);
}

TEST_CASE("an action outside the table throws InvalidTransition naming state and action", "[lifecycle]") {
    Ticket t;
    t.id = "T9";
    t.status = Status::closed;
    try {
        detail::apply_transition(t, Action::reopen);
        FAIL("expected InvalidTransition");
    } catch (const InvalidTransition& e) {
        CHECK(e.code() == ErrorCode::invalid_transition);
        CHECK(e.status() == Status::closed);
        CHECK(e.action() == Action::reopen);
        CHECK(std::string(e.what()) == "ticket T9: action 'reopen' is not allowed in status 'closed'");
    }
    t.status = Status::pending;
    CHECK_THROWS_AS(detail::apply_transition(t, Action::resolve), InvalidTransition);
    CHECK_THROWS_AS(detail::apply_transition(t, Action::open), InvalidTransition);
}

TEST_CASE("guards reject with their own error and reason", "[lifecycle]") {
    Ticket t;
    t.id = "T2";
    t.status = Status::pending;
    try {
        detail::apply_transition(t, Action::start);
        FAIL("expected GuardRejected");
    } catch (const GuardRejected& e) {
        CHECK(e.code() == ErrorCode::guard_rejected);
        CHECK(std::string(e.what()).find("no assignee") != std::string::npos);
    }
    t.status = Status::in_progress;
    CHECK_THROWS_AS(detail::apply_transition(t, Action::resume), GuardRejected);
    t.waiting_for_customer = true;
    CHECK_THROWS_AS(detail::apply_transition(t, Action::wait_for_customer), GuardRejected);
    CHECK(detail::apply_transition(t, Action::resume) == Status::in_progress);
}

TEST_CASE("status and action names round-trip", "[lifecycle]") {
    for (int s = 0; s < status_count; ++s)
        CHECK(parse_status(to_string(static_cast<Status>(s))) == static_cast<Status>(s));
    for (int a = 0; a < action_count; ++a)
        CHECK(parse_action(to_string(static_cast<Action>(a))) == static_cast<Action>(a));
    CHECK(std::string(label_zh(Status::pending)) == "待处理");
    CHECK_THROWS_AS(parse_status("archived"), ValidationError);
}

TEST_CASE("every public enum has a name", "[names]") {
    CHECK(std::string(to_string(ComplianceState::breached)) == "breached");
    CHECK(std::string(to_string(SlaStage::follow_up)) == "follow_up");
    CHECK(std::string(to_string(NotificationKind::task_overdue)) == "task_overdue");
    CHECK(std::string(to_string(ContactOutcome::wrong_number)) == "wrong_number");
    CHECK(std::string(to_string(VisitReason::campaign)) == "campaign");
    CHECK(std::string(to_string(CloseReason::unreachable)) == "unreachable");
    CHECK(std::string(to_string(Action::reveal_contact)) == "reveal_contact");
    CHECK(std::string(to_string(Role::team_lead)) == "team_lead");
    for (int a = 0; a < action_count; ++a) CHECK(std::string(to_string(static_cast<Action>(a))) != "unknown");
    for (int s = 0; s < sla_stage_count; ++s) CHECK(std::string(to_string(static_cast<SlaStage>(s))) != "unknown");
}

// Actions that are not rows of the table: the intake itself, and what the desk only records.
static bool recorded_only(Action a) {
    return a == Action::open || a == Action::reveal_contact || a == Action::sla_warning || a == Action::sla_breach ||
           a == Action::remind_progress;
}

TEST_CASE("every command action has a row in the lifecycle table", "[lifecycle]") {
    for (int a = 0; a < action_count; ++a) {
        const auto action = static_cast<Action>(a);
        if (recorded_only(action)) continue;
        bool has_row = false;
        for (int s = 0; s < status_count; ++s) {
            Ticket t;
            t.id = "T1";
            t.status = static_cast<Status>(s);
            try {
                detail::apply_transition(t, action);
                has_row = true;
            } catch (const GuardRejected&) {
                has_row = true; // the row exists; its guard wants more than a bare ticket
            } catch (const InvalidTransition&) {}
        }
        INFO(to_string(action));
        CHECK(has_row);
    }
}

TEST_CASE("every action is scoped for agents and customers by the default authorizer", "[lifecycle][permissions]") {
    RoleAuthorizer policy;
    Ticket theirs;
    theirs.id = "T1";
    theirs.department = "技术部";
    theirs.assignee = "eng-7";
    theirs.customer.id = "C1";
    const Actor outsider{"cs-3", Role::agent, "服务部"};
    const Actor other_customer{"C2", Role::customer, ""};
    for (int a = 0; a < action_count; ++a) {
        const auto action = static_cast<Action>(a);
        INFO(to_string(action));
        // Opening creates a ticket, so there is no department to be out of yet.
        if (action != Action::open) CHECK(policy.refusal(outsider, action, theirs));
        CHECK(policy.refusal(other_customer, action, theirs));
    }
}

TEST_CASE("a status beyond the lifecycle's is a ValidationError", "[lifecycle]") {
    const auto beyond = static_cast<Status>(7);
    CHECK_THROWS_AS(allowed_actions(beyond), ValidationError);
    CHECK_THROWS_AS(is_allowed(beyond, Action::close), ValidationError);
    try {
        allowed_actions(beyond);
    } catch (const ValidationError& e) {
        CHECK(e.field() == "status");
    }
    CHECK(is_allowed(Status::done, Action::close));
}
