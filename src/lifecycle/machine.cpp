#include "lifecycle/machine.hpp"

#include "core/validate.hpp"

#include <boost/mpl/for_each.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <boost/serialization/base_object.hpp>
#include <boost/type_traits/add_pointer.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace ticketflow::detail {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using msm::front::none;
using msm::front::Row;

template <Action A>
struct Event {
    static constexpr Action action = A;
    const Ticket* ticket;
};

template <Status S>
struct StatusState : msm::front::state<> {
    static constexpr Status status = S;
};
using Pending = StatusState<Status::pending>;
using InProgress = StatusState<Status::in_progress>;
using Done = StatusState<Status::done>;
using Closed = StatusState<Status::closed>;

// A guard that names the precondition it checks, so a rejection can say why.
template <class Derived>
struct NamedGuard {
    template <class Ev, class Fsm, class Source, class Target>
    bool operator()(const Ev& event, Fsm& fsm, Source&, Target&) const {
        if (Derived::holds(*event.ticket)) return true;
        fsm.rejection = Derived::failure;
        return false;
    }
};
struct HasAssignee : NamedGuard<HasAssignee> {
    static bool holds(const Ticket& t) { return !t.assignee.empty(); }
    static constexpr const char* failure = "the ticket has no assignee";
};
struct NotWaiting : NamedGuard<NotWaiting> {
    static bool holds(const Ticket& t) { return !t.waiting_for_customer; }
    static constexpr const char* failure = "the ticket is already waiting for the customer";
};
struct Waiting : NamedGuard<Waiting> {
    static bool holds(const Ticket& t) { return t.waiting_for_customer; }
    static constexpr const char* failure = "the ticket is not waiting for the customer";
};

struct NoOpenMandatoryTask : NamedGuard<NoOpenMandatoryTask> {
    static bool holds(const Ticket& t) {
        return std::none_of(t.tasks.begin(), t.tasks.end(),
                            [](const CollaborationTask& task) { return task.mandatory && !task.completed; });
    }
    static constexpr const char* failure = "a mandatory collaboration task is still open";
};
struct NoPendingApproval : NamedGuard<NoPendingApproval> {
    static bool holds(const Ticket& t) {
        return std::none_of(t.approvals.begin(), t.approvals.end(),
                            [](const Approval& a) { return a.state == ApprovalState::pending; });
    }
    static constexpr const char* failure = "a proposed solution is still waiting for approval";
};
// Resolving needs both; checked in this order so the rejection names the first that fails.
struct ReadyToResolve {
    template <class Ev, class Fsm, class Source, class Target>
    bool operator()(const Ev& event, Fsm& fsm, Source& source, Target& target) const {
        return NoOpenMandatoryTask{}(event, fsm, source, target) && NoPendingApproval{}(event, fsm, source, target);
    }
};
struct IsVisit : NamedGuard<IsVisit> {
    static bool holds(const Ticket& t) { return t.visit.has_value(); }
    static constexpr const char* failure = "the ticket is not a follow-up visit";
};

struct LifecycleDef : msm::front::state_machine_def<LifecycleDef> {
    // Errors are reported through return codes; no queue, so a refused event never lingers.
    using no_message_queue = int;
    using no_exception_thrown = int;
    using initial_state = Pending;

    const char* rejection = nullptr;

    // The default asserts in debug and silently ignores in release; we report instead.
    template <class Fsm, class Ev>
    void no_transition(const Ev&, Fsm&, int) {}

    // clang-format off
    using transition_table = mpl::vector<
        //  Source      Event                              Target      Action Guard
        Row<Pending,    Event<Action::classify>,           none,       none, none>,
        Row<Pending,    Event<Action::assign>,             none,       none, none>,
        Row<Pending,    Event<Action::reply>,              none,       none, none>,
        Row<Pending,    Event<Action::add_note>,           none,       none, none>,
        Row<Pending,    Event<Action::change_priority>,    none,       none, none>,
        Row<Pending,    Event<Action::escalate>,           none,       none, none>,
        Row<Pending,    Event<Action::start>,              InProgress, none, HasAssignee>,
        Row<Pending,    Event<Action::cancel>,             Closed,     none, none>,
        Row<Pending,    Event<Action::merge>,              Closed,     none, none>,
        Row<Pending,    Event<Action::explain_overdue>,    none,       none, none>,
        Row<Pending,    Event<Action::monitor>,            none,       none, none>,
        Row<Pending,    Event<Action::record_attempt>,     none,       none, IsVisit>,
        Row<Pending,    Event<Action::verify_identity>,    none,       none, none>,
        Row<Pending,    Event<Action::add_task>,           none,       none, none>,
        Row<Pending,    Event<Action::complete_task>,      none,       none, none>,
        Row<Pending,    Event<Action::propose_solution>,   none,       none, none>,
        Row<Pending,    Event<Action::approve>,            none,       none, none>,
        Row<Pending,    Event<Action::deny>,               none,       none, none>,
        Row<InProgress, Event<Action::classify>,           none,       none, none>,
        Row<InProgress, Event<Action::assign>,             none,       none, none>,
        Row<InProgress, Event<Action::reply>,              none,       none, none>,
        Row<InProgress, Event<Action::add_note>,           none,       none, none>,
        Row<InProgress, Event<Action::change_priority>,    none,       none, none>,
        Row<InProgress, Event<Action::escalate>,           none,       none, none>,
        Row<InProgress, Event<Action::wait_for_customer>,  none,       none, NotWaiting>,
        Row<InProgress, Event<Action::resume>,             none,       none, Waiting>,
        Row<InProgress, Event<Action::resolve>,            Done,       none, ReadyToResolve>,
        Row<InProgress, Event<Action::merge>,              Closed,     none, none>,
        Row<InProgress, Event<Action::explain_overdue>,    none,       none, none>,
        Row<InProgress, Event<Action::monitor>,            none,       none, none>,
        Row<InProgress, Event<Action::record_attempt>,     none,       none, IsVisit>,
        Row<InProgress, Event<Action::verify_identity>,    none,       none, none>,
        Row<InProgress, Event<Action::add_task>,           none,       none, none>,
        Row<InProgress, Event<Action::complete_task>,      none,       none, none>,
        Row<InProgress, Event<Action::propose_solution>,   none,       none, none>,
        Row<InProgress, Event<Action::approve>,            none,       none, none>,
        Row<InProgress, Event<Action::deny>,               none,       none, none>,
        Row<Done,       Event<Action::add_note>,           none,       none, none>,
        Row<Done,       Event<Action::close>,              Closed,     none, none>,
        Row<Done,       Event<Action::reopen>,             InProgress, none, none>,
        Row<Done,       Event<Action::explain_overdue>,    none,       none, none>,
        Row<Done,       Event<Action::monitor>,            none,       none, none>,
        Row<Done,       Event<Action::inform_result>,      none,       none, none>,
        Row<Done,       Event<Action::verify_identity>,    none,       none, none>
    >;
    // clang-format on
};

using Lifecycle = msm::back::state_machine<LifecycleDef>;

// MSM numbers states by their order in the table; map our stable statuses onto them.
template <Status S>
constexpr int state_id = msm::back::get_state_id<Lifecycle::stt, StatusState<S>>::value;
constexpr std::array<int, status_count> state_ids{state_id<Status::pending>, state_id<Status::in_progress>,
                                                  state_id<Status::done>, state_id<Status::closed>};

Status status_of_state(int id) {
    for (int s = 0; s < status_count; ++s)
        if (state_ids[static_cast<std::size_t>(s)] == id) return static_cast<Status>(s);
    return Status::pending; // unreachable: the machine has exactly these four states
}

// Lifecycle::serialize() hands every member to the archive; this one only writes the
// active state id, which is how a stored status is put back into a fresh machine
// (set_states cannot change the active state, start() would reset it).
struct StateLoader {
    int state;
    template <class T>
    StateLoader& operator&(T&) {
        return *this;
    }
    StateLoader& operator&(int (&active)[1]) {
        active[0] = state;
        return *this;
    }
};

template <std::size_t... I>
int dispatch(Lifecycle& machine, Action action, const Ticket& ticket, std::index_sequence<I...>) {
    int result = msm::back::HANDLED_FALSE;
    // The event type of `action`, found by a fold over every action; the fold's value is unused.
    static_cast<void>(((static_cast<Action>(I) == action &&
                        (result = machine.process_event(Event<static_cast<Action>(I)>{&ticket}), true)) ||
                       ...));
    return result;
}

} // namespace

Status apply_transition(const Ticket& ticket, Action action) {
    Lifecycle machine;
    StateLoader loader{state_ids[static_cast<std::size_t>(ticket.status)]};
    machine.serialize(loader, 0);

    int result = dispatch(machine, action, ticket, std::make_index_sequence<action_count>{});
    if (result == msm::back::HANDLED_GUARD_REJECT && machine.rejection == NoPendingApproval::failure)
        throw ApprovalPending(ticket.id, ticket.status, machine.rejection);
    if (result == msm::back::HANDLED_GUARD_REJECT)
        throw GuardRejected(ticket.id, ticket.status, action, machine.rejection ? machine.rejection : "a guard failed");
    if (result != msm::back::HANDLED_TRUE) throw InvalidTransition(ticket.id, ticket.status, action);
    return status_of_state(machine.current_state()[0]);
}

// allowed_actions() reads the transition table itself, so the two cannot drift apart.
namespace {
struct CollectRows {
    std::array<std::vector<Action>, status_count>* table;
    template <class Row>
    void operator()(Row*) const {
        if (!is_system_action(Row::Evt::action))
            (*table)[static_cast<std::size_t>(Row::Source::status)].push_back(Row::Evt::action);
    }
};

std::array<std::vector<Action>, status_count> build_allowed_table() {
    std::array<std::vector<Action>, status_count> table;
    mpl::for_each<LifecycleDef::transition_table, boost::add_pointer<mpl::_1>>(CollectRows{&table});
    return table;
}
} // namespace

} // namespace ticketflow::detail

namespace ticketflow {

const std::vector<Action>& allowed_actions(Status status) {
    static const auto table = detail::build_allowed_table();
    detail::check_enum("status", status);
    return table[static_cast<std::size_t>(status)];
}

bool is_allowed(Status status, Action action) {
    const auto& actions = allowed_actions(status);
    return std::find(actions.begin(), actions.end(), action) != actions.end();
}

InvalidTransition::InvalidTransition(const std::string& ticket, Status status, Action action)
    : Error(ErrorCode::invalid_transition, "ticket " + ticket + ": action '" + to_string(action) +
                                               "' is not allowed in status '" + to_string(status) + "'"),
      status_(status), action_(action) {}

GuardRejected::GuardRejected(const std::string& ticket, Status status, Action action, const std::string& reason)
    : Error(ErrorCode::guard_rejected, "ticket " + ticket + ": action '" + to_string(action) + "' in status '" +
                                           to_string(status) + "' refused: " + reason),
      status_(status), action_(action) {}

ApprovalPending::ApprovalPending(const std::string& ticket, Status status, const std::string& reason)
    : GuardRejected(ticket, status, Action::resolve, reason) {}

} // namespace ticketflow
