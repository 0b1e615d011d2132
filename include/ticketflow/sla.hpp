#pragma once
/// @file sla.hpp
/// @brief Service-level targets (时效要求), the calculator that turns them into deadlines,
/// and the policies of the SOPs.
///
/// A SlaPolicy gives, per priority level, a target for each stage the SOPs time (record,
/// classify, first response, start of handling, resolution, result feedback, progress
/// updates, second handling). The desk starts, stops and pauses one SlaClock per stage on
/// lifecycle events and keeps each clock's deadlines in the store's due index, so
/// ServiceDesk::tick() finds warnings, breaches and escalations without scanning.

#include "ticketflow/actor.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/ticket.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ticketflow {

/// @brief How a target's length is measured.
enum class TargetUnit : unsigned char {
    calendar_time, ///< Wall-clock time: "within 24 h", nights and holidays included.
    business_time, ///< Working time of the desk's calendar: "within 4 working hours".
    working_days,  ///< "By the end of the n-th working day" after the start.
};

/// @brief A time allowance: a length in a unit, optionally with a daily cut-off.
struct TICKETFLOW_API SlaTarget {
    TargetUnit unit = TargetUnit::calendar_time; ///< How `amount` is measured.
    Duration amount{0};                          ///< Length for calendar and business time.
    int days = 0;                                ///< Number of working days for working_days.
    /// @brief Local time of day (from midnight) after which a start counts from the next
    /// working day ("received after 16:00 counts from the next working day"); a start at
    /// the cut-off itself still counts from that day.
    std::optional<Duration> cutoff;

    /// @brief `amount` of wall-clock time.
    static SlaTarget calendar(Duration amount);
    /// @brief `amount` of the calendar's working time.
    static SlaTarget business(Duration amount);
    /// @brief The end of the @p n-th working day after the start (n >= 0; 0 = the same day,
    /// or the next working day for a start after that day's working hours).
    static SlaTarget working_days_end(int n);
    /// @brief A copy with a daily cut-off at local time @p time_of_day.
    SlaTarget with_cutoff(Duration time_of_day) const;
};

/// @brief Human-readable form, e.g. `"4h business"`, `"3 working days"`, `"24h"`.
TICKETFLOW_API std::string to_string(const SlaTarget& target);

/// @brief One step of an escalation ladder: who is told, how long after the breach.
struct EscalationStep {
    SlaTarget after;             ///< Time after the breach (zero = at the breach).
    Role role = Role::team_lead; ///< Who the escalation goes to.
};

/// @brief Follow-up visit windows (回访时间窗, seed 004), anchored at the end of the
/// service they follow up, not at the planning: a later plan shortens a window, never
/// moves it. Business-time targets count the follow-up planner's calling hours.
struct FollowUpWindows {
    /// @brief A new customer is called no earlier than this after the service
    /// (服务完成后24-48小时内: 24 h).
    SlaTarget new_customer_from = SlaTarget::calendar(std::chrono::hours(24));
    /// @brief … and no later than this after the service (48 h).
    SlaTarget new_customer_until = SlaTarget::calendar(std::chrono::hours(48));
    /// @brief A complaint is called back within this of its solution (问题解决后2小时内).
    /// Default: 2 calling hours, so a complaint solved at 17:50 is called the next
    /// morning; SlaTarget::calendar(2h) makes it two wall-clock hours.
    SlaTarget complaint_within = SlaTarget::business(std::chrono::hours(2));
    /// @brief A visit's results are entered within this of the call that reached the
    /// customer (回访结束后2小时内录入): the `visit_entry` stage. Default: 2 h wall-clock.
    SlaTarget entry_within = SlaTarget::calendar(std::chrono::hours(2));
};

/// @brief Targets per priority level and stage, warning threshold and escalation ladders.
///
/// Plain value; validate() checks it against a PriorityScheme.
struct TICKETFLOW_API SlaPolicy {
    std::string name;                                       ///< E.g. "seed-000".
    PriorityScheme priorities = PriorityScheme::urgency3(); ///< The levels the targets are keyed by.
    /// @brief targets[priority][stage]; a stage without a target is not timed.
    std::map<std::string, std::map<SlaStage, SlaTarget>> targets;
    /// @brief Escalation ladders, ladders[stage][priority]; steps in increasing order.
    std::map<SlaStage, std::map<std::string, std::vector<EscalationStep>>> escalations;
    double warning_ratio = 0.75; ///< Warn when this share of a target is used (0 < r < 1).
    /// @brief Targets that replace the per-priority ones on derived tickets (those with a
    /// `follow_up_of` link: problems raised in feedback, promises made in a visit; the
    /// problems a visit records are work orders, timed by `work_orders`; seed 004:
    /// response within 24 h, complex ones within 3 working days, the customer told the
    /// outcome within 1 working day).
    std::map<SlaStage, SlaTarget> derived{{SlaStage::first_response, SlaTarget::calendar(std::chrono::hours(24))},
                                          {SlaStage::resolution, SlaTarget::working_days_end(3)},
                                          {SlaStage::result_feedback, SlaTarget::working_days_end(1)}};
    /// @brief Targets of work orders (problems raised in a follow-up visit, Ticket::work_order)
    /// by kind, seed 004's 一般问题24小时内响应，复杂问题不超过3个工作日: a general one is
    /// answered within 24 h, a complex one done by the end of the third working day; both
    /// tell the customer the outcome within 1 working day. They replace `derived` on work
    /// orders; a stage they do not name is timed by the priority. A work order raised with
    /// a priority of its own (WorkOrder::by_priority) is timed by the priority first.
    std::map<ProblemKind, std::map<SlaStage, SlaTarget>> work_orders{
        {ProblemKind::general,
         {{SlaStage::first_response, SlaTarget::calendar(std::chrono::hours(24))},
          {SlaStage::result_feedback, SlaTarget::working_days_end(1)}}},
        {ProblemKind::complex,
         {{SlaStage::resolution, SlaTarget::working_days_end(3)},
          {SlaStage::result_feedback, SlaTarget::working_days_end(1)}}}};
    /// @brief Stages whose clocks pause while the ticket waits for the customer: by default
    /// the resolution and the customer's progress updates, which nobody owes while the
    /// customer owes the desk an answer.
    std::vector<SlaStage> pausable{SlaStage::resolution, SlaStage::progress_update};
    FollowUpWindows follow_up; ///< Follow-up visit windows.

    /// @brief The target of @p stage at @p priority, if timed.
    std::optional<SlaTarget> target(const std::string& priority, SlaStage stage) const;
    /// @brief The target of @p stage for @p ticket: a visit by its window (`follow_up`) and
    /// `follow_up.entry_within` (`visit_entry`) only; a work order by its priority when it
    /// was raised with one and the priority names the stage, else by `work_orders` of its
    /// kind, else by priority; another derived ticket by `derived` where it names the
    /// stage; others by priority.
    std::optional<SlaTarget> target_for(const Ticket& ticket, SlaStage stage) const;
    /// @brief The escalation ladder of @p stage at @p priority (empty if none).
    const std::vector<EscalationStep>& ladder(SlaStage stage, const std::string& priority) const;
    /// @brief True when @p stage pauses while waiting for the customer.
    bool pauses(SlaStage stage) const;
    /// @brief Throws ValidationError naming the field when the policy is inconsistent
    /// (unknown priority levels, negative amounts, warning_ratio outside (0, 1)).
    void validate() const;

    /// @brief Seed 000 (一般 / 紧急 / 特急). Targets, every one calendar time:
    /// - first_response 24 h / 4 h / 1 h (可24小时内处理, 需4小时内响应, 需1小时内响应);
    /// - start_handling 2 h after assignment (2小时内启动问题排查);
    /// - progress_update at the estimated completion (超过预计时长…主动向客户更新进度), and
    ///   24 h after the last update when no estimate comes first: the seed names no
    ///   interval, 24 h is the library's;
    /// - result_feedback 1 h after completion (处理完成后1小时内);
    /// - second_handling 24 h after a reopen (24小时内启动二次处理).
    ///
    /// No record, classify or resolution target: the seed names none. Escalation: the
    /// supervisor at the breach of first_response, start_handling, result_feedback and
    /// second_handling (超时需…升级至主管).
    static SlaPolicy seed000();
    /// @brief Seed 001 (P3 / P2 / P1). Targets:
    /// - first_response 1 working day / 4 h / 2 h (1个工作日内响应, 4小时内响应, 2小时内响应);
    /// - resolution 7 working days / 3 working days / 24 h (7个工作日内反馈, 3个工作日内解决,
    ///   24小时内解决);
    /// - progress_update every 24 h (每24小时向用户同步一次进度).
    ///
    /// No other stage is timed. Escalation of first_response and resolution (the seed
    /// names no ladder; this is the library's): team lead at the breach, supervisor 2 h
    /// later, manager by the end of the next working day.
    static SlaPolicy seed001();
    /// @brief Seed 003 (一般 / 重要 / 紧急). Targets, calendar time unless said:
    /// - record 5 min (需求接收后5分钟内完成初步记录);
    /// - classify 30 min (30分钟内完成分类与优先级判定);
    /// - first_response 8 h / 4 h / 10 min (需8小时内响应, 需4小时内响应; 紧急 "需立即处理"
    ///   is taken as the 10 minutes its handling must start in);
    /// - start_handling 2 h / 1 h / 10 min after assignment (分配后…启动处理);
    /// - resolution 3 working days / 24 h / 4 h (完成处理);
    /// - progress_update every 24 h (每24小时…同步进度);
    /// - result_feedback 2 h after finishing (处理完成后2小时内完成反馈与确认).
    ///
    /// No second_handling target: the seed names none. Escalation of start_handling and
    /// resolution (the library's ladder, as for seed001()).
    static SlaPolicy seed003();
};

/// @brief Turns targets into deadlines. The host may replace it (e.g. with a calendar
/// service of its own); the default is CalendarSlaCalculator.
///
/// Thread-safety: const methods are called concurrently from every thread issuing
/// commands; implementations must be safe for that.
class TICKETFLOW_API SlaCalculator {
public:
    virtual ~SlaCalculator() = default;
    /// @brief Where a clock that starts at @p start really begins counting for @p target
    /// (after a cut-off: the next working day; otherwise @p start).
    virtual Instant effective_start(const SlaTarget& target, Instant start) const = 0;
    /// @brief The instant at which @p fraction (0..1] of @p target, counted from @p start
    /// (already effective), is used up. fraction 1 is the deadline.
    virtual Instant point(const SlaTarget& target, Instant start, double fraction) const = 0;
    /// @brief Moves @p instant later by the time of @p target's unit that lies in the pause
    /// [@p from, @p to), so a pause keeps the time already used.
    virtual Instant extend(const SlaTarget& target, Instant instant, Instant from, Instant to) const = 0;
    /// @brief Time of @p target's unit between @p from and @p to (business time for
    /// business and working-day targets, wall-clock time otherwise).
    virtual Duration measure(const SlaTarget& target, Instant from, Instant to) const = 0;
    /// @brief The first date outside the holiday data's coverage that the deadline @p due
    /// of @p target, for a clock started at @p start, depends on; unset when the deadline
    /// is final. A deadline with such a date is provisional: computed with the weekly
    /// schedule alone, it may move when newer data is loaded. Default: always final.
    virtual std::optional<boost::gregorian::date> uncovered_date(const SlaTarget& target, Instant start,
                                                                 Instant due) const;
    /// @brief The dates the calculator's holiday data covers, for messages about
    /// provisional deadlines; unset when unknown. Default: unset.
    virtual std::optional<DateRange> coverage() const;
};

/// @brief The default SlaCalculator, on a BusinessCalendar. Immutable; thread-safe.
class TICKETFLOW_API CalendarSlaCalculator final : public SlaCalculator {
public:
    /// @brief Computes deadlines on @p calendar (copied; copies share their data).
    explicit CalendarSlaCalculator(BusinessCalendar calendar);
    /// @brief The calendar in use.
    const BusinessCalendar& calendar() const noexcept { return calendar_; }

    Instant effective_start(const SlaTarget& target, Instant start) const override;
    Instant point(const SlaTarget& target, Instant start, double fraction) const override;
    Instant extend(const SlaTarget& target, Instant instant, Instant from, Instant to) const override;
    Duration measure(const SlaTarget& target, Instant from, Instant to) const override;
    /// @brief For a business-time or working-day target, or one with a cut-off: the first
    /// local date from @p start's to @p due's that the calendar does not cover(); unset for
    /// plain calendar-time targets and when the calendar has no coverage at all (no
    /// holiday data to be outside of).
    std::optional<boost::gregorian::date> uncovered_date(const SlaTarget& target, Instant start,
                                                         Instant due) const override;
    /// @brief The calendar's coverage().
    std::optional<DateRange> coverage() const override;

private:
    BusinessCalendar calendar_;
};

/// @brief State of one stage's clock as reported by ServiceDesk::compliance().
enum class ComplianceState : unsigned char {
    running,  ///< Counting, deadline not reached.
    paused,   ///< Paused while waiting for the customer.
    met,      ///< Stopped before its deadline.
    breached, ///< Deadline passed (running or stopped late).
};

/// @brief Stable lower-case name, e.g. `"breached"`.
TICKETFLOW_API const char* to_string(ComplianceState state) noexcept;

/// @brief Compliance of one stage of one ticket.
struct StageCompliance {
    SlaStage stage = SlaStage::resolution;            ///< The stage.
    ComplianceState state = ComplianceState::running; ///< Where it stands.
    Instant started;                                  ///< When the clock started.
    Instant due;                                      ///< Deadline (pauses included).
    std::optional<Instant> stopped;                   ///< When it stopped, if it did.
    Duration used{0};                                 ///< Time used in the target's unit, pauses excluded.
    /// @brief Wall-clock time the stage spent paused waiting for the customer: finished
    /// pauses plus the current one up to now. A wait past its maximum pause counts only up
    /// to its `resume_at`, whenever the monitor notices.
    Duration paused{0};
    Duration overdue{0};        ///< How late (0 unless breached).
    std::string overdue_reason; ///< The handler's note on why, once given.
    /// @brief The deadline is provisional (SlaClock::provisional): it depends on a date
    /// outside the calendar's coverage.
    bool provisional = false;
};

} // namespace ticketflow
