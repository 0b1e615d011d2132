#include "sla/engine.hpp"

#include "desk/messages.hpp"

#include <algorithm>

namespace ticketflow::detail {
namespace {

SlaClock* find_clock(Ticket& t, SlaStage stage) {
    for (auto& clock : t.sla)
        if (clock.stage == stage) return &clock;
    return nullptr;
}

bool running(const SlaClock& clock) { return !clock.stopped && !clock.paused_since; }

// Who hears about a clock: the handler, or the team lead while nobody is assigned.
std::string handler_of(const Ticket& t) { return t.assignee.empty() ? to_string(Role::team_lead) : t.assignee; }

std::uint32_t role_level(Role role) {
    switch (role) {
    case Role::team_lead: return 1;
    case Role::supervisor: return 2;
    case Role::manager: return 3;
    default: return 1;
    }
}

} // namespace

SlaEngine::SlaEngine(SlaPolicy policy, std::shared_ptr<const SlaCalculator> calculator)
    : policy_(std::move(policy)), calculator_(std::move(calculator)) {
    policy_.validate();
    if (!calculator_) throw ValidationError("sla_calculator", "is required");
}

std::optional<SlaTarget> SlaEngine::target_of(const Ticket& t, SlaStage stage) const {
    return policy_.target_for(t, stage);
}

void SlaEngine::on_action(Change& c, Action action) const {
    Ticket& t = c.ticket;
    const Instant now = c.now;
    switch (action) {
    case Action::open:
        if (t.visit) {
            start(t, SlaStage::follow_up, t.visit->window_from);
            break;
        }
        start(t, SlaStage::record, t.times.received);
        stop(c, SlaStage::record, t.times.recorded);
        start(t, SlaStage::classify, t.times.received);
        // A request the router classified at intake is classified when it is recorded.
        if (t.times.classified) stop(c, SlaStage::classify, *t.times.classified);
        start(t, SlaStage::first_response, t.times.received);
        start(t, SlaStage::resolution, t.times.received);
        break;
    case Action::classify: // 分类与优先级判定: the priority it gives times the other clocks
        recompute(t, now);
        stop(c, SlaStage::classify, now);
        break;
    case Action::record_attempt:
        // 回访结束后2小时内录入: timed from the latest call that reached the customer.
        if (t.visit && !t.visit->attempts.empty() && t.visit->attempts.back().outcome == ContactOutcome::reached)
            start(t, SlaStage::visit_entry, t.visit->attempts.back().at);
        break;
    case Action::inform_result: stop(c, SlaStage::result_feedback, now); break;
    case Action::assign:
        if (t.status == Status::pending && !find_clock(t, SlaStage::start_handling))
            start(t, SlaStage::start_handling, now);
        break;
    case Action::start:
        stop(c, SlaStage::start_handling, now);
        start(t, SlaStage::progress_update, now);
        break;
    case Action::reply:
        stop(c, SlaStage::first_response, now);
        stop(c, SlaStage::second_handling, now);
        if (t.status == Status::in_progress) start(t, SlaStage::progress_update, now);
        break;
    case Action::change_priority: recompute(t, now); break;
    case Action::wait_for_customer: pause_all(t, now); break;
    case Action::resume: resume_all(t, now); break;
    case Action::resolve:
        resume_all(t, now);
        // The result told to the customer is a customer-facing reply too.
        for (auto stage :
             {SlaStage::resolution, SlaStage::first_response, SlaStage::second_handling, SlaStage::progress_update})
            stop(c, stage, now);
        start(t, SlaStage::result_feedback, now);
        break;
    case Action::reopen:
        stop(c, SlaStage::result_feedback, now);
        start(t, SlaStage::second_handling, now);
        start(t, SlaStage::progress_update, now);
        break;
    case Action::close:
    case Action::cancel:
    case Action::merge: stop_all(c, now); break;
    default: break;
    }
}

void SlaEngine::start(Ticket& t, SlaStage stage, Instant at) const {
    const auto target = target_of(t, stage);
    if (!target) return;
    SlaClock* clock = find_clock(t, stage);
    if (!clock) clock = &t.sla.emplace_back();
    *clock = SlaClock{};
    clock->stage = stage;
    clock->started = at;
    if (t.waiting_for_customer && policy_.pauses(stage)) clock->paused_since = at;
    compute(t, *clock, *target);
}

void SlaEngine::stop(Change& c, SlaStage stage, Instant at) const {
    Ticket& t = c.ticket;
    SlaClock* clock = find_clock(t, stage);
    if (!clock || clock->stopped) return;
    if (clock->paused_since) {
        clock->pauses.push_back({*clock->paused_since, at});
        clock->paused_since.reset();
        compute(t, *clock);
    }
    // Done late before the monitor looked: the breach is the same as if it had.
    if (!clock->breached && at > clock->due) breach(c, *clock, at);
    clock->stopped = at;
}

void SlaEngine::stop_all(Change& c, Instant at) const {
    for (auto& clock : c.ticket.sla) stop(c, clock.stage, at);
}

void SlaEngine::pause_all(Ticket& t, Instant at) const {
    for (auto& clock : t.sla)
        if (running(clock) && policy_.pauses(clock.stage)) clock.paused_since = at;
}

void SlaEngine::resume_all(Ticket& t, Instant at) const {
    for (auto& clock : t.sla) {
        if (!clock.paused_since) continue;
        clock.pauses.push_back({*clock.paused_since, std::max(*clock.paused_since, at)});
        clock.paused_since.reset();
        compute(t, clock);
    }
}

void SlaEngine::compute(const Ticket& t, SlaClock& clock) const {
    // When the new priority does not time this stage, the clock keeps what it had.
    if (const auto target = target_of(t, clock.stage)) compute(t, clock, *target);
}

void SlaEngine::compute(const Ticket& t, SlaClock& clock, const SlaTarget& target) const {
    const auto& calc = *calculator_;
    const Instant last_reminder = clock.warn_at;
    Instant begin = calc.effective_start(target, clock.started);
    clock.due = calc.point(target, begin, 1.0);
    clock.warn_at = calc.point(target, begin, policy_.warning_ratio);
    for (const auto& pause : clock.pauses) {
        clock.due = calc.extend(target, clock.due, pause.from, pause.to);
        clock.warn_at = calc.extend(target, clock.warn_at, pause.from, pause.to);
    }
    // Past the estimated completion, the customer is owed an update even before 24 h.
    if (clock.stage == SlaStage::progress_update && t.estimated_completion && *t.estimated_completion > clock.started &&
        *t.estimated_completion < clock.due)
        clock.due = clock.warn_at = *t.estimated_completion;
    // A progress clock past its deadline keeps in warn_at the instant its latest reminder
    // was due (see fire_clock): a recomputation must not send the reminders again.
    if (clock.stage == SlaStage::progress_update && clock.breached) clock.warn_at = std::max(last_reminder, clock.due);
    // Past the coverage of the holiday data the deadline is the weekly schedule's guess.
    clock.provisional = calc.uncovered_date(target, clock.started, clock.due).has_value();
}

void SlaEngine::recompute(Ticket& t, Instant now) const {
    for (auto& clock : t.sla) {
        if (clock.stopped) continue;
        compute(t, clock);
        // A warning given for a deadline that has since moved away is given again for the new one.
        if (clock.warned && !clock.breached && clock.warn_at > now) clock.warned = false;
    }
}

Instant SlaEngine::escalation_due(const SlaClock& clock, const EscalationStep& step) const {
    return calculator_->point(step.after, clock.due, 1.0);
}

bool SlaEngine::wait_lapsed(const Ticket& t, Instant now) {
    return t.waiting_for_customer && t.resume_at && now >= *t.resume_at;
}

void SlaEngine::end_lapsed_wait(Ticket& t) const {
    // The wait ended at its maximum pause, however late the monitor notices: the clocks
    // count again from resume_at, so a late tick neither lengthens the pause nor the deadline.
    const Instant ended = *t.resume_at;
    t.waiting_for_customer = false;
    t.wait_reason.clear();
    t.resume_at.reset();
    resume_all(t, ended);
}

void SlaEngine::on_monitor(Change& c) const {
    Ticket& t = c.ticket;
    if (wait_lapsed(t, c.now)) {
        c.record(Action::resume, "wait for the customer ended by itself at its maximum pause", *t.resume_at);
        end_lapsed_wait(t);
    }
    for (auto& clock : t.sla)
        if (running(clock)) fire_clock(c, clock);
}

std::optional<Instant> SlaEngine::next_reminder(const Ticket& t, const SlaClock& clock) const {
    if (clock.stage != SlaStage::progress_update || !clock.breached) return std::nullopt;
    auto target = target_of(t, clock.stage);
    if (!target) return std::nullopt;
    Instant last = std::max(clock.warn_at, clock.due);
    Instant next = calculator_->point(*target, calculator_->effective_start(*target, last), 1.0);
    if (next <= last) return std::nullopt; // a zero interval would remind on every tick
    return next;
}

Instant SlaEngine::catch_up_reminders(const Ticket& t, SlaClock& clock, Instant now) const {
    // A monitor that comes late sends one reminder, for the latest interval that passed,
    // and keeps the cadence anchored at the deadline.
    for (auto next = next_reminder(t, clock); next && now > *next; next = next_reminder(t, clock))
        clock.warn_at = *next;
    return clock.warn_at;
}

void SlaEngine::fire_clock(Change& c, SlaClock& clock) const {
    Ticket& t = c.ticket;
    const std::string stage = to_string(clock.stage);
    const std::string handler = handler_of(t);
    auto remind = [&](Instant due) {
        const std::size_t before = c.notifications.size();
        c.record(Action::remind_progress, "customer is owed a progress update", due, clock.stage);
        c.notify_staff(NotificationKind::progress_reminder, handler,
                       [&] { return c.messages->progress_reminder(t, due, c.now); });
        c.stamp_since(before, due);
    };
    if (!clock.warned && clock.warn_at < clock.due && c.now >= clock.warn_at) {
        const std::size_t before = c.notifications.size();
        clock.warned = true;
        c.record(Action::sla_warning, stage + " nearly due", clock.warn_at, clock.stage);
        c.notify_staff(NotificationKind::sla_warning, handler,
                       [&] { return c.messages->sla_warning(t, clock.stage, clock.due, c.now); });
        c.stamp_since(before, clock.warn_at);
    }
    if (!clock.breached && c.now > clock.due) {
        clock.warned = clock.breached = true;
        if (clock.stage == SlaStage::progress_update) {
            clock.warn_at = clock.due; // the latest reminder's due instant, for the next one
            remind(catch_up_reminders(t, clock, c.now));
        } else {
            record_breach(c, clock);
        }
    } else if (auto next = next_reminder(t, clock); next && c.now > *next) {
        // Every further interval without an update, one more reminder (每24小时同步一次进度).
        remind(catch_up_reminders(t, clock, c.now));
    }
    escalate_until(c, clock, c.now);
}

void SlaEngine::breach(Change& c, SlaClock& clock, Instant at) const {
    clock.warned = clock.breached = true;
    // A progress clock's breach is a reminder to give an update, moot once the stage is done.
    if (clock.stage == SlaStage::progress_update) return;
    record_breach(c, clock);
    escalate_until(c, clock, at);
}

void SlaEngine::record_breach(Change& c, const SlaClock& clock) const {
    const Ticket& t = c.ticket;
    const std::size_t before = c.notifications.size();
    c.record(Action::sla_breach, std::string(to_string(clock.stage)) + " overdue", clock.due, clock.stage);
    c.notify_staff(NotificationKind::sla_breach, handler_of(t),
                   [&] { return c.messages->sla_breach(t, clock.stage, clock.due, c.now); });
    c.stamp_since(before, clock.due);
}

void SlaEngine::escalate_until(Change& c, SlaClock& clock, Instant until) const {
    Ticket& t = c.ticket;
    const auto& ladder = policy_.ladder(clock.stage, t.priority);
    while (clock.breached && clock.escalations < ladder.size() &&
           until >= escalation_due(clock, ladder[clock.escalations])) {
        const std::size_t before = c.notifications.size();
        const Instant due = escalation_due(clock, ladder[clock.escalations]);
        Role role = ladder[clock.escalations++].role;
        t.escalation_level = std::max(t.escalation_level, role_level(role));
        c.record(Action::escalate, std::string(to_string(clock.stage)) + " overdue: escalated to " + to_string(role),
                 due, clock.stage);
        c.notify_staff(NotificationKind::escalated, to_string(role),
                       [&] { return c.messages->escalated_overdue(t, clock.stage, clock.due, role, c.now); });
        c.stamp_since(before, due);
    }
}

std::optional<Instant> SlaEngine::clock_next_due(const Ticket& t, const SlaClock& clock) const {
    if (!running(clock)) return std::nullopt;
    if (!clock.warned && clock.warn_at < clock.due) return clock.warn_at;
    if (!clock.breached) return clock.due + Duration{1}; // breached once strictly past the deadline
    std::optional<Instant> next;
    if (auto reminder = next_reminder(t, clock)) next = *reminder + Duration{1}; // strictly past, like the breach
    const auto& ladder = policy_.ladder(clock.stage, t.priority);
    if (clock.escalations < ladder.size()) {
        Instant step = escalation_due(clock, ladder[clock.escalations]);
        if (!next || step < *next) next = step;
    }
    return next;
}

std::optional<Instant> SlaEngine::next_due(const Ticket& t) const {
    if (t.status == Status::closed) return std::nullopt; // archived: nothing falls due on it
    std::optional<Instant> next;
    auto consider = [&next](std::optional<Instant> at) {
        if (at && (!next || *at < *next)) next = at;
    };
    if (t.waiting_for_customer) consider(t.resume_at);
    for (const auto& clock : t.sla) consider(clock_next_due(t, clock));
    return next;
}

std::vector<StageCompliance> SlaEngine::compliance(const Ticket& ticket, Instant now) const {
    // A wait past its maximum pause has ended at resume_at even before the monitor saw it.
    std::optional<Ticket> resumed;
    if (wait_lapsed(ticket, now)) {
        resumed = ticket;
        end_lapsed_wait(*resumed);
    }
    const Ticket& t = resumed ? *resumed : ticket;
    std::vector<StageCompliance> result;
    for (const auto& clock : t.sla) {
        auto target = target_of(t, clock.stage).value_or(SlaTarget{});
        const auto& calc = *calculator_;
        Instant end = clock.stopped ? *clock.stopped : clock.paused_since ? *clock.paused_since : now;
        StageCompliance s;
        s.stage = clock.stage;
        s.started = clock.started;
        s.due = clock.due;
        s.stopped = clock.stopped;
        s.overdue_reason = clock.overdue_reason;
        s.provisional = clock.provisional;
        s.used = calc.measure(target, calc.effective_start(target, clock.started), end);
        for (const auto& pause : clock.pauses) {
            s.used -= calc.measure(target, pause.from, pause.to);
            s.paused += pause.to - pause.from;
        }
        if (clock.paused_since && !clock.stopped && now > *clock.paused_since) s.paused += now - *clock.paused_since;
        s.used = std::max(s.used, Duration{0});
        if (end > clock.due) {
            s.state = ComplianceState::breached;
            s.overdue = calc.measure(target, clock.due, end);
        } else {
            s.state = clock.stopped        ? ComplianceState::met
                      : clock.paused_since ? ComplianceState::paused
                                           : ComplianceState::running;
        }
        result.push_back(s);
    }
    return result;
}

} // namespace ticketflow::detail
