#pragma once
// The texts of the notifications the desk writes, rendered from DeskConfig::templates:
// each function gathers the values its message offers and renders it (one allocation).

#include "ticketflow/calendar.hpp"
#include "ticketflow/templates.hpp"
#include "ticketflow/ticket.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace ticketflow::detail {

struct DeskCore;

// The pieces one after another, built in one allocation (commands build these texts on
// every call).
std::string join(std::initializer_list<std::string_view> pieces);

// Two decimals as money is written ("88.50"), exponent form for huge amounts.
std::string money_text(double amount);

// "2027-01-04".
std::string date_text(boost::gregorian::date day);

// The desk's wording: its templates, with due times in its calendar's zone and people
// from its directory.
class Messages {
public:
    explicit Messages(const DeskCore& desk) : desk_(desk) {}

    std::string received(const Ticket& t, Instant now) const;
    std::string assigned(const Ticket& t) const;
    std::string progress(const Ticket& t, const std::string& message) const;
    // Escalated by hand to `role`.
    std::string escalated(const Ticket& t, Role role, const std::string& reason) const;
    // Escalated to `role` by the ladder of `stage`, whose deadline was `due`.
    std::string escalated_overdue(const Ticket& t, SlaStage stage, Instant due, Role role, Instant now) const;
    std::string resolved(const Ticket& t) const;
    std::string reopened(const Ticket& t, const std::string& reason) const;
    std::string closed(const Ticket& t) const;
    std::string cancelled(const Ticket& t, const std::string& note) const;
    std::string merged(const Ticket& duplicate, const TicketId& primary) const;
    std::string sla_warning(const Ticket& t, SlaStage stage, Instant due, Instant now) const;
    std::string sla_breach(const Ticket& t, SlaStage stage, Instant due, Instant now) const;
    std::string progress_reminder(const Ticket& t, Instant due, Instant now) const;
    std::string task_assigned(const Ticket& t, const CollaborationTask& task, Instant now) const;
    std::string task_overdue(const Ticket& t, const CollaborationTask& task, Instant now) const;
    std::string approval_requested(const Ticket& t, const Approval& a, Instant now) const;
    std::string approval_decided(const Ticket& t, const Approval& a) const;
    std::string approval_overdue(const Ticket& t, const Approval& a, Instant now) const;
    // To the calendar administrator: a deadline of `t` is provisional; `coverage` is what
    // the calendar covers.
    std::string provisional(const Ticket& t, const std::optional<DateRange>& coverage) const;

private:
    const MessageTemplates& templates() const;
    Language language() const { return templates().language(); }
    // ticket, priority, department and assignee, filled from `t`.
    PlaceholderValues ticket_values(const Ticket& t) const;
    std::string render(MessageId id, const PlaceholderValues& values) const { return templates().render(id, values); }
    // "组长 lead-7": the role in words, and someone of the directory in that role in
    // `department` when there is one.
    std::string person(Role role, const std::string& department) const;
    std::string solution(const Approval& a) const;
    std::string task_text(MessageId id, const Ticket& t, const CollaborationTask& task, Instant now) const;
    std::string approval_text(MessageId id, const Ticket& t, const Approval& a, Instant now) const;

    const DeskCore& desk_;
};

} // namespace ticketflow::detail
