// Follow-up visits (回访, seed 004): scheduled as tickets of their own, called, recorded;
// a recorded visit is assigned, started, resolved and closed, and every problem it raised
// opened as a derived ticket, all in one transaction.

#include "desk/observed.hpp"
#include "desk/transaction.hpp"

#include <algorithm>

namespace ticketflow {

RaisedProblem::RaisedProblem(NewTicket request_, ProblemKind kind_, std::string problem_type_)
    : request(std::move(request_)), kind(kind_), problem_type(std::move(problem_type_)) {}

using detail::Change;
using detail::check_text;
using detail::Transaction;

namespace {

// 回访时间窗: a call before the window (e.g. 24 h after a new customer's service) is not
// the visit the plan asked for, and would stop its clock before it started.
void check_window_open(const Ticket& visit, Instant now) {
    if (now < visit.visit->window_from)
        throw ValidationError("window_from", "visit " + visit.id + " may not be called before its window opens at " +
                                                 format_instant(visit.visit->window_from));
}

} // namespace

Ticket ServiceDesk::open_visit(const Actor& actor, const VisitRequest& request) {
    return detail::observed(impl_->config.observer.get(), Command::open_visit, actor.id, {}, [&] {
        const auto& lim = impl_->limits();
        check_text("served", request.served, lim.short_text, true);
        check_text("plan", request.plan, lim.short_text);
        check_text("assignee", request.assignee, lim.short_text);
        check_text("department", request.department, lim.short_text);
        if (request.window_until <= request.window_from)
            throw ValidationError("window_until", "must be after window_from");
        const auto served_ticket = impl_->read(request.served);
        const Ticket& served = *served_ticket;

        NewTicket visit;
        visit.channel = channels::follow_up_visit;
        visit.type = ticket_types::follow_up_visit;
        visit.customer = served.customer;
        visit.description = "回访 " + served.id + "（" + to_string(request.reason) + "）";
        visit.department = request.department;
        visit.links = {{LinkKind::follow_up_of, served.id}};
        VisitDetails details;
        details.reason = request.reason;
        details.plan = request.plan;
        details.window_from = request.window_from;
        details.window_until = request.window_until;
        const Instant now = impl_->clock->now();
        impl_->check_new_ticket(visit, now);
        auto tx = detail::transact(*impl_, actor, now, {}, [&](Transaction& tx) {
            impl_->open_into(tx, visit, visit.customer, details);
            if (request.assignee.empty()) return;
            const TicketId id = tx.commits().back().ticket.id;
            tx.act(id, Action::assign, [&](Change& c) { detail::assign_change(c, request.assignee); });
        });
        return std::move(tx.take_created().front());
    });
}

Ticket ServiceDesk::record_attempt(const Actor& actor, const TicketId& id, ContactOutcome outcome,
                                   const std::string& note) {
    return detail::observed(impl_->config.observer.get(), Command::record_attempt, actor.id, id, [&] {
        check_text("note", note, impl_->limits().long_text);
        return detail::transact(
                   *impl_, actor, impl_->clock->now(), {id},
                   [&](Transaction& tx) {
                       std::size_t unanswered = 0;
                       tx.act(id, Action::record_attempt, [&](Change& c) {
                           check_window_open(c.ticket, c.now);
                           auto& attempts = c.ticket.visit->attempts;
                           attempts.push_back({c.now, outcome, note});
                           unanswered = static_cast<std::size_t>(
                               std::count_if(attempts.begin(), attempts.end(), [](const ContactAttempt& a) {
                                   return a.outcome == ContactOutcome::no_answer;
                               }));
                           c.note = std::string(to_string(outcome)) + (note.empty() ? "" : ": " + note);
                       });
                       if (outcome == ContactOutcome::refused)
                           impl_->cancel_into(tx, id, CloseReason::withdrawn, "customer declined the visit");
                       else if (outcome == ContactOutcome::wrong_number)
                           impl_->cancel_into(tx, id, CloseReason::unreachable, "contact details are invalid");
                       else if (unanswered >= impl_->config.max_visit_attempts)
                           impl_->cancel_into(tx, id, CloseReason::unreachable,
                                              "no answer after " + std::to_string(unanswered) + " attempts");
                   })
            .take(id);
    });
}

namespace {

// The verdict a visit record gives: its own, or the mean answer score's grade.
Satisfaction verdict_of(const VisitRecord& record) {
    if (record.satisfaction) return *record.satisfaction;
    double sum = 0;
    for (const auto& a : record.answers) sum += a.score;
    const int mean = static_cast<int>(sum / static_cast<double>(record.answers.size()) + 0.5);
    Satisfaction verdict;
    verdict.score = mean;
    verdict.grade = grade_for_score(mean);
    verdict.comment = record.comment;
    return verdict;
}

} // namespace

VisitOutcome ServiceDesk::record_visit(const Actor& actor, const TicketId& id, const VisitRecord& record) {
    return detail::observed(impl_->config.observer.get(), Command::record_visit, actor.id, id, [&] {
        const auto& lim = impl_->limits();
        if (record.answers.empty() && !record.satisfaction)
            throw ValidationError("answers", "a visit record needs answers or a satisfaction verdict");
        for (const auto& a : record.answers) {
            check_text("answers.question", a.question, lim.long_text, true);
            check_text("answers.reason", a.reason, lim.long_text);
            if (a.score < 1 || a.score > 5) throw ValidationError("answers.score", "must be between 1 and 5");
        }
        check_text("comment", record.comment, lim.long_text);
        if (record.satisfaction) detail::DeskCore::check_satisfaction(*record.satisfaction, lim.long_text);
        const auto visit_ticket = impl_->read(id);
        const Ticket& visit = *visit_ticket;
        if (!visit.visit) throw GuardRejected(id, visit.status, Action::resolve, "the ticket is not a follow-up visit");
        if (visit.status != Status::pending) throw InvalidTransition(id, visit.status, Action::start);
        check_window_open(visit, impl_->clock->now());
        // 《客户反馈处理工单》: each problem a work order of its kind, for the department its
        // problem type names unless it names one itself.
        std::vector<NewTicket> problems;
        std::vector<WorkOrder> orders;
        problems.reserve(record.problems.size());
        orders.reserve(record.problems.size());
        for (const auto& problem : record.problems) {
            if (static_cast<int>(problem.kind) > static_cast<int>(ProblemKind::complex))
                throw ValidationError("problems.kind", "unknown problem kind");
            check_text("problems.problem_type", problem.problem_type, lim.short_text);
            NewTicket request = impl_->derived_request(visit, problem.request);
            if (request.department.empty())
                if (auto it = impl_->config.problem_departments.find(problem.problem_type);
                    it != impl_->config.problem_departments.end())
                    request.department = it->second;
            impl_->check_new_ticket(request, impl_->clock->now());
            orders.push_back(WorkOrder{problem.kind, problem.problem_type, !problem.request.priority.empty()});
            problems.push_back(std::move(request));
        }
        const Satisfaction verdict = verdict_of(record);
        detail::VaultedContacts contacts(*impl_);
        for (const auto& problem : problems) contacts.add(problem);

        auto tx = detail::transact(*impl_, actor, impl_->clock->now(), {id}, [&](Transaction& tx) {
            if (tx.draft(id).assignee.empty())
                tx.act(id, Action::assign, [&](Change& c) { detail::assign_change(c, actor.id); });
            tx.act(id, Action::start, detail::start_change);
            tx.act(id, Action::resolve, [&](Change& c) {
                auto& t = c.ticket;
                t.visit->answers = record.answers;
                t.visit->comment = record.comment;
                t.resolution = record.comment.empty() ? "回访完成" : record.comment;
                t.times.resolved = c.now;
                c.note = "visit recorded: " + std::to_string(record.answers.size()) + " answers, " +
                         std::to_string(record.problems.size()) + " problems raised";
            });
            impl_->close_into(tx, id, {verdict});
            for (std::size_t i = 0; i < problems.size(); ++i) {
                impl_->open_into(tx, problems[i], contacts.customer(i), std::nullopt, orders[i]);
            }
        });
        contacts.keep();
        VisitOutcome outcome;
        outcome.visit = tx.take(id);
        outcome.derived = tx.take_created();
        return outcome;
    });
}

} // namespace ticketflow
