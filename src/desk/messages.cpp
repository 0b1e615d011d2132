#include "desk/messages.hpp"

#include "desk/desk_impl.hpp"
#include "templates/words.hpp"

#include <cstdio>

namespace ticketflow::detail {

namespace {

using P = Placeholder;

std::string_view& at(PlaceholderValues& values, Placeholder p) { return values[static_cast<std::size_t>(p)]; }

} // namespace

// Amounts too large for two decimals (fifteen digits and more) in exponent form, so the
// text never runs past the buffer.
std::string money_text(double amount) {
    char text[48];
    if (amount < 1e15)
        std::snprintf(text, sizeof text, "%.2f", amount);
    else
        std::snprintf(text, sizeof text, "%.6g", amount);
    return text;
}

std::string join(std::initializer_list<std::string_view> pieces) {
    std::size_t size = 0;
    for (auto piece : pieces) size += piece.size();
    std::string text;
    text.reserve(size);
    for (auto piece : pieces) text.append(piece);
    return text;
}

std::string date_text(boost::gregorian::date day) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(day.year()), static_cast<int>(day.month()),
                  static_cast<int>(day.day()));
    return text;
}

const MessageTemplates& Messages::templates() const { return desk_.config.templates; }

PlaceholderValues Messages::ticket_values(const Ticket& t) const {
    PlaceholderValues values{};
    at(values, P::ticket) = t.id;
    at(values, P::priority) = t.priority;
    at(values, P::department) = t.department.empty() ? no_department_words(language()) : t.department;
    at(values, P::assignee) = t.assignee.empty() ? nobody_words(language()) : t.assignee;
    return values;
}

std::string Messages::person(Role role, const std::string& department) const {
    const std::string_view words = role_words(language(), role);
    if (desk_.config.directory && !department.empty())
        for (const auto& agent : desk_.config.directory->agents_in(department))
            if (agent.role == role && agent.available) return join({words, " ", agent.id});
    return std::string(words);
}

std::string Messages::solution(const Approval& a) const {
    return join({solution_words(language(), a.kind), " ", money_text(a.amount),
                 language() == Language::en ? ": " : "：", a.description});
}

std::string Messages::received(const Ticket& t, Instant now) const {
    std::string promise;
    for (const auto& clock : t.sla) {
        if (clock.stage != SlaStage::first_response) continue;
        auto values = ticket_values(t);
        const auto due = due_words(language(), *desk_.calendar(), clock.due, now);
        at(values, P::due) = due.view();
        promise = render(MessageId::reply_promise, values);
    }
    auto values = ticket_values(t);
    at(values, P::reply_promise) = promise;
    return render(MessageId::received, values);
}

std::string Messages::assigned(const Ticket& t) const {
    auto values = ticket_values(t);
    at(values, P::description) = t.description;
    return render(MessageId::assigned, values);
}

std::string Messages::progress(const Ticket& t, const std::string& message) const {
    auto values = ticket_values(t);
    at(values, P::message) = message;
    return render(MessageId::progress, values);
}

std::string Messages::escalated(const Ticket& t, Role role, const std::string& reason) const {
    auto values = ticket_values(t);
    const std::string level = std::to_string(t.escalation_level);
    const std::string whom = person(role, t.department);
    at(values, P::level) = level;
    at(values, P::role) = role_words(language(), role);
    at(values, P::person) = whom;
    at(values, P::reason) = reason;
    return render(MessageId::escalated, values);
}

std::string Messages::escalated_overdue(const Ticket& t, SlaStage stage, Instant due, Role role, Instant now) const {
    auto values = ticket_values(t);
    const std::string level = std::to_string(t.escalation_level);
    const std::string whom = person(role, t.department);
    const auto due_text = due_words(language(), *desk_.calendar(), due, now);
    at(values, P::level) = level;
    at(values, P::role) = role_words(language(), role);
    at(values, P::person) = whom;
    at(values, P::stage) = stage_words(language(), stage);
    at(values, P::due) = due_text.view();
    return render(MessageId::escalated_overdue, values);
}

std::string Messages::resolved(const Ticket& t) const {
    auto values = ticket_values(t);
    at(values, P::resolution) = t.resolution;
    return render(MessageId::resolved, values);
}

std::string Messages::reopened(const Ticket& t, const std::string& reason) const {
    auto values = ticket_values(t);
    const std::string count = std::to_string(t.reopen_count);
    at(values, P::count) = count;
    at(values, P::reason) = reason;
    return render(MessageId::reopened, values);
}

std::string Messages::closed(const Ticket& t) const { return render(MessageId::closed, ticket_values(t)); }

std::string Messages::cancelled(const Ticket& t, const std::string& note) const {
    auto values = ticket_values(t);
    at(values, P::note) = note;
    return render(MessageId::cancelled, values);
}

std::string Messages::merged(const Ticket& duplicate, const TicketId& primary) const {
    auto values = ticket_values(duplicate);
    at(values, P::primary) = primary;
    return render(MessageId::merged, values);
}

std::string Messages::sla_warning(const Ticket& t, SlaStage stage, Instant due, Instant now) const {
    auto values = ticket_values(t);
    const auto due_text = due_words(language(), *desk_.calendar(), due, now);
    at(values, P::stage) = stage_words(language(), stage);
    at(values, P::due) = due_text.view();
    return render(MessageId::sla_warning, values);
}

std::string Messages::sla_breach(const Ticket& t, SlaStage stage, Instant due, Instant now) const {
    auto values = ticket_values(t);
    const auto due_text = due_words(language(), *desk_.calendar(), due, now);
    at(values, P::stage) = stage_words(language(), stage);
    at(values, P::due) = due_text.view();
    return render(MessageId::sla_breach, values);
}

std::string Messages::progress_reminder(const Ticket& t, Instant due, Instant now) const {
    auto values = ticket_values(t);
    const auto due_text = due_words(language(), *desk_.calendar(), due, now);
    at(values, P::due) = due_text.view();
    return render(MessageId::progress_reminder, values);
}

std::string Messages::task_text(MessageId id, const Ticket& t, const CollaborationTask& task, Instant now) const {
    auto values = ticket_values(t);
    const std::string number = std::to_string(task.number);
    const auto due_text = due_words(language(), *desk_.calendar(), task.due, now);
    at(values, P::department) = task.department;
    at(values, P::owner) = task.owner;
    at(values, P::number) = number;
    at(values, P::description) = task.description;
    at(values, P::due) = due_text.view();
    return render(id, values);
}

std::string Messages::task_assigned(const Ticket& t, const CollaborationTask& task, Instant now) const {
    return task_text(MessageId::task_assigned, t, task, now);
}

std::string Messages::task_overdue(const Ticket& t, const CollaborationTask& task, Instant now) const {
    return task_text(MessageId::task_overdue, t, task, now);
}

// A stored approval without an approver goes to the top of the chain (approvals.cpp).
std::string Messages::approval_text(MessageId id, const Ticket& t, const Approval& a, Instant now) const {
    auto values = ticket_values(t);
    const std::string number = std::to_string(a.number);
    const std::string what = solution(a);
    const auto due_text = due_words(language(), *desk_.calendar(), a.due, now);
    at(values, P::role) = role_words(language(), a.approver.value_or(Role::manager));
    at(values, P::number) = number;
    at(values, P::solution) = what;
    at(values, P::due) = due_text.view();
    return render(id, values);
}

std::string Messages::approval_requested(const Ticket& t, const Approval& a, Instant now) const {
    return approval_text(MessageId::approval_requested, t, a, now);
}

std::string Messages::approval_overdue(const Ticket& t, const Approval& a, Instant now) const {
    return approval_text(MessageId::approval_overdue, t, a, now);
}

std::string Messages::approval_decided(const Ticket& t, const Approval& a) const {
    auto values = ticket_values(t);
    const std::string number = std::to_string(a.number);
    const std::string what = solution(a);
    at(values, P::number) = number;
    at(values, P::solution) = what;
    at(values, P::decision) = decision_words(language(), a.state == ApprovalState::approved);
    at(values, P::note) = a.note;
    return render(MessageId::approval_decided, values);
}

std::string Messages::provisional(const Ticket& t, const std::optional<DateRange>& coverage) const {
    auto values = ticket_values(t);
    const std::string covered =
        coverage ? join({date_text(coverage->first), " ", range_words(language()), " ", date_text(coverage->last)})
                 : std::string(unknown_words(language()));
    at(values, P::coverage) = covered;
    return render(MessageId::calendar_provisional, values);
}

} // namespace ticketflow::detail
