#pragma once
// Drives a ticket's SLA clocks: starts, stops and pauses them on lifecycle actions, fires
// warnings, breaches, escalations and reminders when the monitor looks at the ticket, and
// says when the ticket next needs looking at (its entry in the store's due index).

#include "desk/change.hpp"
#include "ticketflow/sla.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace ticketflow::detail {

class SlaEngine {
public:
    SlaEngine(SlaPolicy policy, std::shared_ptr<const SlaCalculator> calculator);

    const SlaPolicy& policy() const { return policy_; }
    const SlaCalculator& calculator() const { return *calculator_; }

    // Clock bookkeeping after `action` (a command, not the monitor) changed c.ticket.
    void on_action(Change& c, Action action) const;
    // The monitor's visit at c.now: auto-resume, warnings, breaches, escalations, reminders.
    void on_monitor(Change& c) const;
    // Recomputes every open clock's deadlines at `now` (priority, policy or calendar
    // changed); a warning already given is given again when its instant moved past `now`.
    void recompute(Ticket& t, Instant now) const;
    // When the monitor must next look at `t`; unset when nothing is pending.
    std::optional<Instant> next_due(const Ticket& t) const;
    std::vector<StageCompliance> compliance(const Ticket& t, Instant now) const;

private:
    std::optional<SlaTarget> target_of(const Ticket& t, SlaStage stage) const;
    void start(Ticket& t, SlaStage stage, Instant at) const;
    // Stops a clock at `at`; one stopped past its deadline is breached then (see breach()).
    void stop(Change& c, SlaStage stage, Instant at) const;
    void stop_all(Change& c, Instant at) const;
    void pause_all(Ticket& t, Instant at) const;
    void resume_all(Ticket& t, Instant at) const;
    void compute(const Ticket& t, SlaClock& clock) const;
    void compute(const Ticket& t, SlaClock& clock, const SlaTarget& target) const;
    Instant escalation_due(const SlaClock& clock, const EscalationStep& step) const;
    std::optional<Instant> clock_next_due(const Ticket& t, const SlaClock& clock) const;
    void fire_clock(Change& c, SlaClock& clock) const;
    // Marks a clock breached that a command stops at `at`, past its deadline, before the
    // monitor saw the breach: the breach and the escalations due by `at` are recorded as
    // the monitor would have recorded them.
    void breach(Change& c, SlaClock& clock, Instant at) const;
    void record_breach(Change& c, const SlaClock& clock) const;
    // Takes the ladder steps of a breached clock that fell due by `until`.
    void escalate_until(Change& c, SlaClock& clock, Instant until) const;
    // After a progress clock's deadline passed: when the next reminder is due (the latest
    // reminder's instant, kept in warn_at, plus the stage's target).
    std::optional<Instant> next_reminder(const Ticket& t, const SlaClock& clock) const;
    // Moves warn_at to the latest reminder instant before `now`; returns it.
    Instant catch_up_reminders(const Ticket& t, SlaClock& clock, Instant now) const;
    // True when `t` waits for the customer and its maximum pause has run out at `now`.
    static bool wait_lapsed(const Ticket& t, Instant now);
    // Ends a lapsed wait at its resume_at.
    void end_lapsed_wait(Ticket& t) const;

    SlaPolicy policy_;
    std::shared_ptr<const SlaCalculator> calculator_;
};

} // namespace ticketflow::detail
