// Solutions that cost money (seed 002: 权限内处理 / 超权限上报): granted within the
// proposer's limit, otherwise waiting for the next role up to approve or deny.

#include "desk/observed.hpp"
#include "desk/transaction.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ticketflow {

using detail::Change;
using detail::check_list_size;
using detail::check_text;
using detail::money_text;
using detail::run;

namespace {

// Order of authority for approvals; customers and the system approve nothing.
int authority_rank(Role role) {
    switch (role) {
    case Role::agent: return 0;
    case Role::team_lead: return 1;
    case Role::supervisor: return 2;
    case Role::manager: return 3;
    default: return -1;
    }
}

std::string solution_text(const Approval& a) {
    return std::string(to_string(a.kind)) + " " + money_text(a.amount) + ": " + a.description;
}

// The role that decides a pending request; one stored without an approver (written by
// another program) goes to the top of the chain rather than to nobody.
Role approver_of(const Approval& a) { return a.approver.value_or(Role::manager); }

// Who hears about a decision on a solution: the handler, else whoever proposed it.
const std::string& handler_of(const Ticket& t, const Approval& a) {
    return t.assignee.empty() ? a.requested_by : t.assignee;
}

// 权限内处理: a listed agent is judged by its own limit, anyone else by its role's.
AuthorityDecision authority_of(const DeskConfig& config, const Actor& actor, SolutionKind kind, double amount) {
    if (config.directory)
        if (auto agent = config.directory->find(actor.id)) return config.authority->decide(*agent, kind, amount);
    return config.authority->decide(actor.role, kind, amount);
}

// Why @p actor may not decide on @p a, or nothing: it needs the approver's role or above,
// and a limit that covers the amount itself.
std::optional<std::string> approval_refusal(const DeskConfig& config, const Actor& actor, const Approval& a) {
    if (authority_rank(actor.role) < authority_rank(approver_of(a)))
        return "approval #" + std::to_string(a.number) + " needs a " + to_string(approver_of(a)) + " or above";
    const double limit = authority_of(config, actor, a.kind, a.amount).limit;
    if (limit < a.amount) return "limit " + money_text(limit) + " does not cover " + money_text(a.amount);
    return std::nullopt;
}

} // namespace

namespace detail {

// Tells the approver role once that a solution waits past its due time.
std::size_t flag_overdue_approvals(Change& c) {
    std::size_t flagged = 0;
    for (auto& a : c.ticket.approvals) {
        if (a.state != ApprovalState::pending || a.overdue_notified || c.now <= a.due) continue;
        a.overdue_notified = true;
        ++flagged;
        // Recorded at the instant it fell due, however late the monitor notices.
        const std::size_t before = c.notifications.size();
        c.record(Action::sla_breach,
                 "approval #" + std::to_string(a.number) + " (" + to_string(approver_of(a)) + ") overdue", a.due);
        c.notify_staff(NotificationKind::approval_overdue, to_string(approver_of(a)),
                       [&] { return c.messages->approval_overdue(c.ticket, a, c.now); });
        c.stamp_since(before, a.due);
    }
    return flagged;
}

} // namespace detail

Ticket ServiceDesk::propose_solution(const Actor& actor, const TicketId& id, const SolutionProposal& proposal) {
    return detail::observed(impl_->config.observer.get(), Command::propose_solution, actor.id, id, [&] {
        const auto& lim = impl_->limits();
        if (static_cast<int>(proposal.kind) > static_cast<int>(SolutionKind::coupon))
            throw ValidationError("kind", "unknown solution kind");
        if (!std::isfinite(proposal.amount) || proposal.amount < 0)
            throw ValidationError("amount", "must be a finite amount of at least 0");
        check_text("description", proposal.description, lim.long_text, true);
        const auto& config = impl_->config;
        return run(*impl_, actor, id, Action::propose_solution, [&](Change& c) {
            auto& t = c.ticket;
            check_list_size("approvals", t.approvals.size() + 1, lim.max_list);
            const AuthorityDecision decision = authority_of(config, actor, proposal.kind, proposal.amount);
            Approval a;
            a.number = static_cast<std::uint32_t>(t.approvals.size()) + 1;
            a.kind = proposal.kind;
            a.amount = proposal.amount;
            a.description = proposal.description;
            a.requested_by = actor.id;
            a.requested_at = c.now;
            a.due = c.now;
            const std::string what = "solution #" + std::to_string(a.number) + " " + solution_text(a);
            if (decision.within_limit) {
                a.state = ApprovalState::granted;
                a.decided_by = actor.id;
                a.decided_at = c.now;
                c.note = what + " granted within limit (" + decision.why + ")";
            } else {
                a.state = ApprovalState::pending;
                a.approver = decision.approver.value_or(Role::manager);
                a.due = impl_->calendar()->add_business_time(c.now, config.approval_deadline);
                c.note = what + " needs approval by " + to_string(*a.approver) + " (" + decision.why + ")";
                c.notify_staff(NotificationKind::approval_requested, to_string(*a.approver),
                               [&] { return c.messages->approval_requested(t, a, c.now); });
            }
            t.approvals.push_back(std::move(a));
        });
    });
}

Ticket ServiceDesk::approve(const Actor& actor, const TicketId& id, std::uint32_t number, const std::string& note) {
    return detail::observed(impl_->config.observer.get(), Command::approve, actor.id, id, [&] {
        check_text("note", note, impl_->limits().long_text);
        return impl_->decide_approval(actor, id, number, true, note);
    });
}

Ticket ServiceDesk::deny(const Actor& actor, const TicketId& id, std::uint32_t number, const std::string& reason) {
    return detail::observed(impl_->config.observer.get(), Command::deny, actor.id, id, [&] {
        check_text("reason", reason, impl_->limits().long_text, true);
        return impl_->decide_approval(actor, id, number, false, reason);
    });
}

Ticket detail::DeskCore::decide_approval(const Actor& actor, const TicketId& id, std::uint32_t number, bool approved,
                                         const std::string& note) {
    const Action action = approved ? Action::approve : Action::deny;
    return run(*this, actor, id, action, [&](Change& c) {
        auto& approvals = c.ticket.approvals;
        auto a = std::find_if(approvals.begin(), approvals.end(),
                              [number](const Approval& k) { return k.number == number; });
        if (a == approvals.end() || a->state != ApprovalState::pending)
            throw ValidationError("number", "ticket " + id + " has no pending approval #" + std::to_string(number));
        if (auto why = approval_refusal(config, actor, *a)) refuse(actor, action, c.ticket, c.now, *why);
        a->state = approved ? ApprovalState::approved : ApprovalState::denied;
        a->decided_by = actor.id;
        a->decided_at = c.now;
        a->note = note;
        c.note = "solution #" + std::to_string(number) + (approved ? " approved" : " denied") +
                 (note.empty() ? "" : ": " + note);
        c.notify_staff(NotificationKind::approval_decided, handler_of(c.ticket, *a),
                       [&] { return c.messages->approval_decided(c.ticket, *a); });
    });
}

} // namespace ticketflow
