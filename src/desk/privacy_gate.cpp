// 保密原则: every free text a transaction writes passes the privacy policy before it is
// written anywhere. A field whose policy rejects personal data throws, so nothing is
// written; what was masked is noted in the audit trail (kinds and counts only). Text still
// as it was in the stored ticket passed the policy when it was written, and is not
// scanned again.

#include "desk/transaction.hpp"

namespace ticketflow::detail {

void protect_privacy(const PrivacyPolicy& policy, Commit& d, const Ticket* stored) {
    static const Ticket nothing_stored;
    const Ticket& before = stored ? *stored : nothing_stored;
    PiiReport found;
    auto clean = [&](std::string_view field, std::string& text, const std::string& was) {
        if (text != was) found += policy.apply_in_place(field, text);
    };
    // Text of element i of a list against the same element before, when there was one.
    const std::string none;
    auto clean_each = [&](std::string_view field, auto& list, const auto& list_before, auto text_of) {
        for (std::size_t i = 0; i < list.size(); ++i)
            clean(field, text_of(list[i]), i < list_before.size() ? text_of(list_before[i]) : none);
    };
    auto or_none = [&](const auto& optional, auto text_of) -> const std::string& {
        return optional ? text_of(*optional) : none;
    };
    Ticket& t = d.ticket;
    const std::string description = t.description; // an intake's note repeats it
    clean("description", t.description, before.description);
    clean("remarks", t.remarks, before.remarks);
    clean("resolution", t.resolution, before.resolution);
    clean("wait_reason", t.wait_reason, before.wait_reason);
    clean("customer.nickname", t.customer.nickname, before.customer.nickname);
    clean_each(
        "tags", t.tags, before.tags, [](auto& tag) -> auto& { return tag; });
    // The latest answer is also the history's last round: scanned once, its masked text
    // given to both, so one finding is not counted twice.
    const std::string latest_round =
        t.satisfaction_history.empty() ? none : t.satisfaction_history.back().satisfaction.comment;
    clean_each(
        "satisfaction.comment", t.satisfaction_history, before.satisfaction_history,
        [](auto& round) -> auto& { return round.satisfaction.comment; });
    if (t.satisfaction) {
        const std::string& was = or_none(
            before.satisfaction, [](auto& s) -> auto& { return s.comment; });
        if (!t.satisfaction_history.empty() && t.satisfaction->comment == latest_round &&
            t.satisfaction->comment != was)
            t.satisfaction->comment = t.satisfaction_history.back().satisfaction.comment;
        else
            clean("satisfaction.comment", t.satisfaction->comment, was);
    }
    if (t.work_order)
        clean("work_order.problem_type", t.work_order->problem_type,
              or_none(
                  before.work_order, [](auto& w) -> auto& { return w.problem_type; }));
    if (t.result_notice)
        clean("result_notice.summary", t.result_notice->summary,
              or_none(
                  before.result_notice, [](auto& r) -> auto& { return r.summary; }));
    if (t.visit) {
        static const VisitDetails no_visit;
        const VisitDetails& visit_before = before.visit ? *before.visit : no_visit;
        clean("visit.comment", t.visit->comment, visit_before.comment);
        clean_each(
            "visit.answer", t.visit->answers, visit_before.answers, [](auto& a) -> auto& { return a.reason; });
        clean_each(
            "note", t.visit->attempts, visit_before.attempts, [](auto& a) -> auto& { return a.note; });
    }
    clean_each(
        "note", t.sla, before.sla, [](auto& clock) -> auto& { return clock.overdue_reason; });
    clean_each(
        "task.description", t.tasks, before.tasks, [](auto& task) -> auto& { return task.description; });
    clean_each(
        "task.outcome", t.tasks, before.tasks, [](auto& task) -> auto& { return task.outcome; });
    clean_each(
        "approval.description", t.approvals, before.approvals, [](auto& a) -> auto& { return a.description; });
    clean_each(
        "approval.note", t.approvals, before.approvals, [](auto& a) -> auto& { return a.note; });
    for (auto& event : d.events) {
        if (event.action == Action::open && event.note == description)
            event.note = t.description;
        else
            clean("note", event.note, none);
    }
    for (auto& n : d.notifications) clean("notification", n.text, none);
    if (!found.empty())
        d.events.push_back(AuditEvent{t.id, 0, d.events.empty() ? Instant{} : d.events.back().at,
                                      d.events.empty() ? std::string("system") : d.events.back().actor,
                                      Action::add_note, t.status, t.status, "privacy: masked " + found.summary()});
}

} // namespace ticketflow::detail
