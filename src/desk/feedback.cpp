// The customer's side of the end (结果反馈与确认): result told, satisfaction recorded,
// closed, or handed back for second handling (二次处理).

#include "desk/messages.hpp"
#include "desk/observed.hpp"
#include "desk/transaction.hpp"

namespace ticketflow {

using detail::Change;
using detail::check_one_of;
using detail::check_text;
using detail::run;

// The customer's answer: the ticket's latest verdict, and one more round in its history.
void detail::record_answer(Ticket& t, const Satisfaction& s, Instant at) {
    t.satisfaction = s;
    t.satisfaction_history.push_back(SatisfactionRound{t.reopen_count, at, s});
}

void detail::DeskCore::close_into(detail::Transaction& tx, const TicketId& id, const CustomerFeedback& feedback) {
    tx.act(id, Action::close, [&](Change& c) {
        auto& t = c.ticket;
        const auto& s = feedback.satisfaction;
        // Closing without an answer keeps the latest answer of an earlier round.
        if (s) record_answer(t, *s, c.now);
        t.close_reason = s ? CloseReason::confirmed : CloseReason::no_answer;
        t.times.closed = c.now;
        c.note = s ? std::string(label_zh(s->grade)) + (s->comment.empty() ? "" : ": " + s->comment)
                   : "no answer from the customer";
        c.notify_customer(NotificationKind::closed, [&] { return c.messages->closed(t); });
    });
}

Ticket ServiceDesk::close(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback) {
    return detail::observed(impl_->config.observer.get(), Command::close, actor.id, id, [&] {
        if (feedback.satisfaction)
            detail::DeskCore::check_satisfaction(*feedback.satisfaction, impl_->limits().long_text);
        return detail::transact(*impl_, actor, impl_->clock->now(), {id},
                                [&](detail::Transaction& tx) { impl_->close_into(tx, id, feedback); })
            .take(id);
    });
}

Ticket ServiceDesk::reopen(const Actor& actor, const TicketId& id, const std::string& reason,
                           const std::optional<Satisfaction>& satisfaction) {
    return detail::observed(impl_->config.observer.get(), Command::reopen, actor.id, id, [&] {
        check_text("reason", reason, impl_->limits().long_text, true);
        if (satisfaction) detail::DeskCore::check_satisfaction(*satisfaction, impl_->limits().long_text);
        return run(*impl_, actor, id, Action::reopen, [&](Change& c) {
            auto& t = c.ticket;
            if (satisfaction) detail::record_answer(t, *satisfaction, c.now); // the round it closes
            ++t.reopen_count;
            t.times.started = c.now;
            // A new round: its result is still to be found and told.
            t.times.resolved.reset();
            t.result_notice.reset();
            c.note = "second handling #" + std::to_string(t.reopen_count) + ": " + reason;
            // 闭环管理 (seed 000): second handling goes up one level each round.
            detail::escalate_one_level(c, "customer not satisfied: " + reason);
            c.record(Action::escalate, "level " + std::to_string(t.escalation_level) + ": second handling #" +
                                           std::to_string(t.reopen_count));
            c.notify_staff(NotificationKind::reopened, t.assignee, [&] { return c.messages->reopened(t, reason); });
        });
    });
}

Ticket ServiceDesk::record_feedback(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback) {
    // Observed as the reopen() or close() it runs.
    const auto& s = feedback.satisfaction;
    const bool low_score = s && s->score && *s->score <= impl_->config.reopen_score_threshold;
    if (s && (s->grade == SatisfactionGrade::dissatisfied || low_score))
        return reopen(actor, id, s->comment.empty() ? "customer not satisfied" : s->comment, *s);
    return close(actor, id, feedback);
}

Ticket ServiceDesk::inform_result(const Actor& actor, const TicketId& id, const Channel& channel,
                                  const std::string& summary) {
    return detail::observed(impl_->config.observer.get(), Command::inform_result, actor.id, id, [&] {
        check_one_of("channel", channel, impl_->config.channels);
        check_text("summary", summary, impl_->limits().long_text, true);
        return run(*impl_, actor, id, Action::inform_result, [&](Change& c) {
            c.ticket.result_notice = ResultNotice{c.now, channel, summary};
            c.note = std::string(channel) + ": " + summary;
        });
    });
}

} // namespace ticketflow
