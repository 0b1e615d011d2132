// Drives random action sequences through ServiceDesk and checks each result against a
// plain reference table written out by hand, independent of the library's state machine.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <random>

using namespace ticketflow;
using namespace ticketflow::testing;

namespace {

struct ReferenceRow {
    Status to;
    bool needs_assignee = false;
    int waiting = -1; // -1: any, 0: must not wait, 1: must wait
};

const std::map<std::pair<Status, Action>, ReferenceRow>& reference_table() {
    using S = Status;
    using A = Action;
    static const std::map<std::pair<Status, Action>, ReferenceRow> table{
        {{S::pending, A::classify}, {S::pending}},
        {{S::pending, A::assign}, {S::pending}},
        {{S::pending, A::reply}, {S::pending}},
        {{S::pending, A::add_note}, {S::pending}},
        {{S::pending, A::change_priority}, {S::pending}},
        {{S::pending, A::escalate}, {S::pending}},
        {{S::pending, A::start}, {S::in_progress, true}},
        {{S::pending, A::cancel}, {S::closed}},
        {{S::in_progress, A::classify}, {S::in_progress}},
        {{S::in_progress, A::assign}, {S::in_progress}},
        {{S::in_progress, A::reply}, {S::in_progress}},
        {{S::in_progress, A::add_note}, {S::in_progress}},
        {{S::in_progress, A::change_priority}, {S::in_progress}},
        {{S::in_progress, A::escalate}, {S::in_progress}},
        {{S::in_progress, A::wait_for_customer}, {S::in_progress, false, 0}},
        {{S::in_progress, A::resume}, {S::in_progress, false, 1}},
        {{S::in_progress, A::resolve}, {S::done}},
        {{S::done, A::add_note}, {S::done}},
        {{S::done, A::close}, {S::closed}},
        {{S::done, A::reopen}, {S::in_progress}},
    };
    return table;
}

// Performs `action` with valid input; the lifecycle decides whether it is accepted.
Ticket perform(ServiceDesk& desk, const Actor& actor, const TicketId& id, Action action) {
    switch (action) {
    case Action::classify: return desk.classify(actor, id, {std::string(ticket_types::fault), {}, {}, {}});
    case Action::assign: return desk.assign(actor, id, "eng-1");
    case Action::start: return desk.start(actor, id);
    case Action::reply: return desk.post_update(actor, id, "进度更新");
    case Action::add_note: return desk.add_note(actor, id, "内部备注");
    case Action::change_priority: return desk.change_priority(actor, id, "特急", "影响扩大");
    case Action::escalate: return desk.escalate(actor, id, "超时");
    case Action::wait_for_customer: return desk.wait_for_customer(actor, id, "等待客户回复");
    case Action::resume: return desk.resume(actor, id);
    case Action::resolve: return desk.resolve(actor, id, {"已修复", Responsibility::platform});
    case Action::close: return desk.close(actor, id, {Satisfaction{SatisfactionGrade::satisfied, 4, ""}});
    case Action::reopen: return desk.reopen(actor, id, "仍未解决");
    case Action::cancel: return desk.cancel(actor, id, CloseReason::withdrawn, "客户撤回");
    default: break;
    }
    throw std::logic_error(std::string("not a generated command: ") + to_string(action));
}

} // namespace

TEST_CASE("10,000 random action sequences agree with the reference table", "[desk][property]") {
    DeskFixture f;
    std::mt19937 rng(20240520);
    // The commands from classify to cancel; the SLA-only actions have their own tests.
    std::uniform_int_distribution<int> pick_action(1, static_cast<int>(Action::cancel));
    std::uniform_int_distribution<int> pick_length(1, 12);
    std::size_t accepted_total = 0, rejected_total = 0;

    for (int sequence = 0; sequence < 10000; ++sequence) {
        auto id = f.desk.open(f.agent, sample_request()).id;
        Status status = Status::pending;
        bool assigned = false, waiting = false;
        std::size_t expected_events = 1;
        int length = pick_length(rng);
        for (int step = 0; step < length; ++step) {
            auto action = static_cast<Action>(pick_action(rng));
            auto row = reference_table().find({status, action});
            bool valid = row != reference_table().end() && (!row->second.needs_assignee || assigned) &&
                         (row->second.waiting < 0 || row->second.waiting == static_cast<int>(waiting));
            bool accepted = true;
            try {
                perform(f.desk, f.agent, id, action);
            } catch (const InvalidTransition&) {
                accepted = false;
                REQUIRE(row == reference_table().end());
            } catch (const GuardRejected&) {
                accepted = false;
                REQUIRE(row != reference_table().end());
            }
            INFO("sequence " << sequence << " step " << step << ": " << to_string(action) << " in "
                             << to_string(status));
            REQUIRE(accepted == valid);
            if (!accepted) {
                ++rejected_total;
                continue;
            }
            ++accepted_total;
            status = row->second.to;
            assigned |= action == Action::assign;
            waiting = action == Action::wait_for_customer ||
                      (waiting && action != Action::resume && action != Action::resolve);
            expected_events += action == Action::reopen ? 2 : 1; // reopen also escalates
            REQUIRE(f.desk.get(id).status == status);
        }
        auto history = f.desk.history(id);
        REQUIRE(history.size() == expected_events);
        REQUIRE(history.back().to == status);
    }
    CHECK(accepted_total > 20000);
    CHECK(rejected_total > 20000);
}
