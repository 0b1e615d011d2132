#pragma once
/// @file report.hpp
/// @brief Analysis of a period's tickets: the monthly 《客户需求分析报告》 (seed 003) and
/// the 《客户回访分析报告》 (seed 004), in JSON, CSV, Markdown and HTML.
///
/// A report is computed in one streaming pass over TicketStore::scan(): each ticket is
/// folded into counters and minute histograms of bounded size and then dropped, so memory
/// does not grow with the number of tickets, apart from 16 bytes per served ticket and 24
/// per follow-up visit that joining visits to the tickets they follow up needs (see
/// docs/reports.md for every metric's definition and the precision of the percentiles).
///
/// @snippet header_examples_test.cpp monthly-report
///
/// Thread-safety: the functions here are reentrant and may run concurrently (over one
/// store too, as far as the store allows concurrent scans, which every TicketStore must).
/// A ReportBuilder is one pass's state: use it from one thread at a time. Report and the
/// other result types are plain values.

#include "ticketflow/calendar.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/similarity.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ticketflow {

/// @brief Language of labels, titles and headings in the outputs.
enum class ReportLocale : unsigned char {
    zh, ///< Simplified Chinese, the SOPs' terms (需求类型分布, 一次性解决率, …).
    en, ///< English.
};

/// @brief Length of one step of the trends.
enum class TrendBucket : unsigned char {
    week,  ///< ISO weeks, Monday to Sunday in the calendar's time zone.
    month, ///< Calendar months in the calendar's time zone.
};

/// @brief A half-open interval of instants, [from, until).
struct Period {
    Instant from;  ///< First instant inside.
    Instant until; ///< First instant after.
};

/// @brief Which tickets a report covers. Unset members match everything.
///
/// The period applies to the time the customer raised the ticket (times.received); the
/// other members must all match. Follow-up visits are not filtered by these members: they
/// are counted through the served tickets they link to (see FollowUpStats).
struct TICKETFLOW_API ReportFilter {
    std::optional<Instant> from;           ///< times.received >= from.
    std::optional<Instant> until;          ///< times.received < until.
    std::optional<std::string> department; ///< Exact department.
    std::optional<std::string> agent;      ///< Exact assignee (负责人).
    std::optional<Channel> channel;        ///< Exact channel.
    std::optional<TicketType> type;        ///< Exact type.
    std::optional<std::string> priority;   ///< Exact priority level.
    std::optional<CustomerTier> tier;      ///< Exact customer tier.

    /// @brief True when @p ticket matches every set member except the period.
    bool matches_dimensions(const Ticket& ticket) const;
    /// @brief True when @p ticket's received time lies in [from, until).
    bool in_period(const Ticket& ticket) const;
};

/// @brief Limits that raise a ReportAlert, and the similarity that groups problems.
struct ReportThresholds {
    /// @brief Two descriptions of the same type at or above this similarity() are one
    /// problem in the frequent-problem ranking.
    double problem_similarity = default_similarity_threshold;
    /// @brief Alert when the share of 非常满意 + 满意 is below this (seed 004: 60 % calls
    /// for an improvement plan within 3 working days).
    double satisfaction = 0.6;
    /// @brief Alert when the SLA compliance of any stage is below this.
    double sla_compliance = 0.9;
    /// @brief Alert when one problem is named in more than this share of the reached
    /// follow-up visits (seed 004: over 40 % → improve it first).
    double visit_problem_share = 0.4;
    /// @brief A follow-up answer or dimension scored at or below this (1–5) names a
    /// problem for the visit problem distribution.
    int visit_problem_score = 3;
};

/// @brief How a report is computed and presented. Plain value.
struct ReportOptions {
    ReportLocale locale = ReportLocale::zh; ///< Labels of every output.
    std::size_t top_n = 3;                  ///< Frequent problems listed (seed 003: TOP3).
    /// @brief Percentiles of every duration, each in (0, 100]; nearest-rank definition.
    std::vector<double> percentiles{50, 90};
    TrendBucket bucket = TrendBucket::week; ///< Step of the trends.
    /// @brief Business time (handling time in working hours) and the time zone of local
    /// dates (trend steps, month boundaries). Default: mainland China.
    BusinessCalendar calendar = BusinessCalendar::china_mainland();
    /// @brief When the report is made: running SLA clocks are judged at this instant, and
    /// the backlog is taken at the earlier of it and the period's end. Default: the
    /// system clock.
    std::optional<Instant> now;
    /// @brief Upper bounds of the backlog ageing buckets, ascending; a last bucket takes
    /// everything older. Default: 1 day, 3 days, 7 days, 30 days.
    std::vector<Duration> ageing_bounds{std::chrono::hours(24), std::chrono::hours(72), std::chrono::hours(168),
                                        std::chrono::hours(720)};
    /// @brief Follow-up visits received up to this long after the period's end still
    /// count for the coverage of the period's tickets.
    Duration follow_up_lookahead = std::chrono::hours(24 * 14);
    /// @brief How far before the period the pass looks for tickets still open (backlog).
    /// Unset: the whole history, so no old open ticket is missed; set it to bound the
    /// pass on stores with years of tickets.
    std::optional<Duration> backlog_lookback;
    std::size_t examples_per_problem = 3; ///< Example tickets kept per frequent problem.
    /// @brief At most this many problem clusters are formed; later tickets that match none
    /// are counted as unclustered. Bounds memory and time.
    std::size_t max_problem_clusters = 2000;
    ReportThresholds thresholds; ///< Alert limits and problem similarity.
    /// @brief Report title; empty = a title made from the period and locale.
    std::string title;
};

/// @brief One requested percentile of a duration.
struct PercentileValue {
    double percentile = 0; ///< E.g. 90.
    Duration value{0};     ///< The value (precision: see DurationStats).
};

/// @brief Summary of a set of durations.
///
/// The count, total, mean and maximum are exact. Percentiles come from a histogram of
/// whole minutes: exact to the minute (rounded down) below 1024 minutes (17 h 4 min);
/// above, rounded down to a bucket no wider than 1/256 (0.4 %) of the value; never above
/// the exact maximum.
struct TICKETFLOW_API DurationStats {
    std::size_t count = 0;                    ///< Number of durations.
    Duration total{0};                        ///< Their sum.
    Duration max{0};                          ///< The longest.
    std::vector<PercentileValue> percentiles; ///< As ReportOptions::percentiles asked.
    /// @brief total / count rounded to the second; unset when count is 0.
    std::optional<Duration> mean() const;
};

/// @brief Count and sum of 1–5 scores.
struct TICKETFLOW_API ScoreStats {
    std::size_t count = 0; ///< Scores given.
    std::int64_t sum = 0;  ///< Their sum.
    /// @brief sum / count; unset when count is 0.
    std::optional<double> mean() const;
};

/// @brief Satisfaction answers (客户满意度).
struct TICKETFLOW_API SatisfactionStats {
    std::size_t responses = 0; ///< Answers with a grade.
    /// @brief Answers per grade, indexed by SatisfactionGrade (非常满意, 满意, 一般, 不满意).
    std::array<std::size_t, 4> grades{};
    ScoreStats score;      ///< Overall 1–5 scores.
    ScoreStats efficiency; ///< 服务效率 scores.
    ScoreStats attitude;   ///< 人员态度 scores.
    ScoreStats outcome;    ///< 处理结果 scores.
    /// @brief Share of 非常满意 + 满意 among the responses; unset without responses.
    std::optional<double> satisfied_share() const;
    /// @brief Adds one answer.
    void add(const Satisfaction& answer);
};

/// @brief Compliance of one SLA stage: clocks that met, missed or still run.
struct TICKETFLOW_API SlaStageStats {
    SlaStage stage = SlaStage::resolution; ///< The stage.
    std::size_t met = 0;                   ///< Stopped at or before the deadline.
    std::size_t breached = 0;              ///< Stopped after the deadline, or running past it.
    std::size_t running = 0;               ///< Still running (or paused) within the deadline.
    /// @brief Clocks not yet stopped whose deadline is provisional (SlaClock::provisional:
    /// past the calendar's coverage, it may move when newer holiday data is loaded).
    std::size_t provisional = 0;
    /// @brief met / (met + breached); unset when no clock has an outcome yet.
    std::optional<double> compliance() const;
};

/// @brief The metrics of a group of tickets: the whole report, one type, agent or
/// department. Counts are of tickets received in the period unless said otherwise.
struct TICKETFLOW_API GroupStats {
    std::string key;          ///< Type, agent or department name; empty for the whole report.
    std::size_t received = 0; ///< Tickets received.
    /// @brief Of those, handled at least once: times.resolved set, or reopened for second
    /// handling (which clears it) however far that has got.
    std::size_t resolved = 0;
    std::size_t first_contact_resolved = 0; ///< Resolved without second handling (reopen_count 0).
    std::size_t reopened = 0;               ///< Received tickets with at least one round of second handling.
    /// @brief Rounds the customer answered 不满意 (or answered with a score low enough to
    /// send the ticket to second handling), counted from each ticket's
    /// Ticket::satisfaction_history, whatever came after: a 不满意 that sent a ticket to
    /// second handling counts even when the ticket was then closed satisfied or without an
    /// answer. The grades in `satisfaction` are each ticket's final verdict (its latest
    /// answer) only. A ticket without a history (stored before it was kept) counts its
    /// rounds of second handling (Ticket::reopen_count).
    std::size_t dissatisfied_rounds = 0;
    std::size_t closed = 0;          ///< Closed after confirmation or no answer.
    std::size_t cancelled = 0;       ///< Cancelled: duplicate, spam or withdrawn.
    std::size_t repeated = 0;        ///< Flagged as repeats (a `duplicate_of` link).
    std::size_t backlog = 0;         ///< Open at the backlog instant, whenever received.
    DurationStats handling;          ///< Received → resolved, calendar time.
    DurationStats handling_business; ///< Received → resolved, business time of the calendar.
    DurationStats first_response;    ///< Received → first customer-facing reply, calendar time.
    std::size_t sla_met = 0;         ///< SLA clocks met, all stages.
    std::size_t sla_breached = 0;    ///< SLA clocks breached, all stages.
    SatisfactionStats satisfaction;  ///< The customers' answers on these tickets.

    /// @brief 一次性解决率: first_contact_resolved / resolved; unset when nothing was resolved.
    std::optional<double> first_contact_resolution_rate() const;
    /// @brief reopened / received; unset when nothing was received.
    std::optional<double> reopen_rate() const;
    /// @brief sla_met / (sla_met + sla_breached); unset without outcomes.
    std::optional<double> sla_compliance() const;
};

/// @brief A count and its share of a total.
struct CountShare {
    std::string key;       ///< What is counted (a channel, a priority, a question …).
    std::size_t count = 0; ///< How many.
    double share = 0;      ///< count / total, 0 when the total is 0.
};

/// @brief One example ticket of a frequent problem.
struct ProblemExample {
    TicketId id;             ///< The ticket.
    std::string description; ///< Its description, cut to 200 bytes at a character boundary.
};

/// @brief A frequent problem (高频问题): tickets of one type with similar descriptions.
struct ProblemCluster {
    TicketType type;                      ///< The tickets' type.
    std::vector<std::string> tags;        ///< Tags of the first ticket.
    std::string summary;                  ///< Description of the first ticket (the cluster's leader).
    std::size_t count = 0;                ///< Tickets in the cluster.
    double share = 0;                     ///< count / tickets received in the period.
    std::vector<ProblemExample> examples; ///< The first tickets, in scan order.
};

/// @brief One step of the trends: tickets received in [start, next step's start).
struct TrendPoint {
    boost::gregorian::date start;         ///< First local date of the step (a Monday, or a 1st).
    std::size_t received = 0;             ///< Tickets received.
    std::size_t resolved = 0;             ///< Of those, resolved.
    std::vector<SlaStageStats> sla;       ///< Per stage, for stages with clocks in this step.
    std::size_t sla_met = 0;              ///< All stages.
    std::size_t sla_breached = 0;         ///< All stages.
    SatisfactionStats satisfaction;       ///< Customers' answers on these tickets.
    SatisfactionStats visit_satisfaction; ///< Follow-up visits of these tickets.
};

/// @brief One backlog ageing bucket: open tickets whose age lies in [from, until).
struct AgeingBucket {
    Duration from{0};              ///< Lower bound of the age.
    std::optional<Duration> until; ///< Upper bound; unset for the oldest bucket.
    std::size_t count = 0;         ///< Open tickets of that age.
};

/// @brief Open tickets (积压) at one instant.
struct BacklogStats {
    Instant as_of;                        ///< The instant: the earlier of the period end and now.
    boost::posix_time::ptime as_of_local; ///< `as_of` on the calendar's local clock.
    std::size_t open = 0;                 ///< Tickets received before it and not closed by it.
    std::vector<AgeingBucket> ageing;     ///< By age (as_of − received).
    std::optional<Duration> oldest;       ///< Age of the oldest open ticket.
};

/// @brief Whether follow-up visits kept their windows (回访时间窗, seed 004), judged by each
/// visit's `follow_up` SLA clock at ReportOptions::now.
struct TICKETFLOW_API VisitWindowStats {
    std::size_t met = 0;  ///< Finished (recorded, unreachable or declined) within the window, not before it.
    std::size_t open = 0; ///< Not finished yet, the window still open.
    /// @brief Missed because the visit was planned after its window had closed (late from
    /// the start: planned too rarely for a 2 h or 24–48 h window).
    std::size_t missed_planned_late = 0;
    /// @brief Missed because what was left of the window after the plan held no calling
    /// time on the report's calendar (e.g. 24–48 h after a Friday service is the weekend).
    std::size_t missed_no_calling_time = 0;
    /// @brief Missed although calling time was left: not finished within the window (late,
    /// or finished before the window opened).
    std::size_t missed_overdue = 0;
    /// @brief All missed windows.
    std::size_t missed() const noexcept { return missed_planned_late + missed_no_calling_time + missed_overdue; }
};

/// @brief Follow-up visits (回访, seed 004) of the period's served tickets.
///
/// A served ticket is one of the report that was handled (times.resolved set). A visit is
/// a ticket of type follow_up_visit linked `follow_up_of` to a served ticket, received
/// before the period's end plus ReportOptions::follow_up_lookahead.
struct TICKETFLOW_API FollowUpStats {
    std::size_t served = 0;         ///< Served tickets.
    std::size_t covered = 0;        ///< Served tickets with at least one reached visit.
    std::size_t visits = 0;         ///< Visits of served tickets.
    std::size_t reached = 0;        ///< Visits that reached the customer (recorded answers).
    std::size_t unreachable = 0;    ///< Visits closed as unreachable.
    std::size_t declined = 0;       ///< Visits the customer declined.
    std::size_t pending = 0;        ///< Visits not done yet.
    VisitWindowStats windows;       ///< Windows met and missed, and why, of the visits.
    SatisfactionStats satisfaction; ///< Verdicts of the reached visits.
    /// @brief 问题分布: questions and dimensions scored at or below
    /// ReportThresholds::visit_problem_score, with their share of the reached visits.
    std::vector<CountShare> problems;
    /// @brief Problems raised in visits: tickets of the report whose channel is
    /// follow_up_visit, by type, with their share of those tickets.
    std::vector<CountShare> raised;
    /// @brief 回访覆盖率: covered / served; unset without served tickets.
    std::optional<double> coverage() const;
};

/// @brief What an alert is about.
enum class AlertKind : unsigned char {
    low_satisfaction,       ///< Customers' satisfied share below the threshold.
    low_visit_satisfaction, ///< Follow-up visits' satisfied share below the threshold.
    low_sla_compliance,     ///< A stage's SLA compliance below the threshold.
    frequent_visit_problem, ///< One problem named in too many reached visits.
};

/// @brief Stable lower-case name, e.g. `"low_satisfaction"`.
TICKETFLOW_API const char* to_string(AlertKind kind) noexcept;

/// @brief A threshold crossed, to be acted on (improvement plan, review).
struct ReportAlert {
    AlertKind kind = AlertKind::low_satisfaction; ///< What crossed.
    std::string subject;                          ///< Which stage or problem; empty for the whole report.
    double value = 0;                             ///< The measured share.
    double threshold = 0;                         ///< The limit it crossed.
};

/// @brief A computed report: plain data, rendered by to_json(), to_csv(), to_markdown()
/// and to_html().
struct Report {
    std::string title;                      ///< Title (ReportOptions::title or made up).
    ReportLocale locale = ReportLocale::zh; ///< Language of the rendered outputs.
    TrendBucket bucket = TrendBucket::week; ///< Step of `trend`.
    std::string time_zone;                  ///< The calendar's zone, for local times shown.
    /// @brief The period: the filter's bounds; an open bound is taken from the tickets seen
    /// (with only `until` given and no ticket seen, the period is empty at `until`).
    Period period;
    boost::gregorian::date first_day;         ///< Local date of the period's first instant.
    boost::gregorian::date last_day;          ///< Local date of the period's last instant.
    Instant generated_at;                     ///< ReportOptions::now.
    boost::posix_time::ptime generated_local; ///< `generated_at` on the calendar's local clock.
    ReportFilter filter;                      ///< The filter used.
    std::vector<double> percentiles;          ///< The percentiles requested.
    std::size_t top_n = 0;                    ///< Frequent problems requested.

    GroupStats overall;                       ///< All tickets of the report.
    std::vector<CountShare> by_status;        ///< Current status of the period's tickets.
    std::vector<GroupStats> by_type;          ///< 需求类型分布, most tickets first.
    std::vector<GroupStats> by_agent;         ///< Per assignee, most tickets first.
    std::vector<GroupStats> by_department;    ///< Per department, most tickets first.
    std::vector<CountShare> by_channel;       ///< Per channel, most first.
    std::vector<CountShare> by_priority;      ///< Per priority level, most first.
    std::vector<CountShare> by_tier;          ///< Per customer tier, most first.
    std::vector<SlaStageStats> sla;           ///< Per stage, in stage order, stages with clocks only.
    BacklogStats backlog;                     ///< Open tickets and their age.
    std::vector<ProblemCluster> top_problems; ///< 高频问题 TOP N, most tickets first; cancelled ones left out.
    std::size_t problem_clusters = 0;         ///< Clusters formed.
    std::size_t unclustered = 0;              ///< Tickets left out after max_problem_clusters.
    std::vector<TrendPoint> trend;            ///< Steps of the period, oldest first (empty steps included).
    FollowUpStats follow_up;                  ///< 回访分析.
    std::vector<ReportAlert> alerts;          ///< Thresholds crossed.
};

/// @brief The state of one report pass: feed it tickets, then finish().
///
/// build_report() drives it over a store's scan(); hosts with tickets at hand (another
/// database, an export) may feed it directly. Tickets may arrive in any order.
///
/// Thread-safety: not thread-safe; one pass belongs to one thread at a time.
class TICKETFLOW_API ReportBuilder {
public:
    /// @brief A pass for @p filter with @p options.
    /// @throws ValidationError when the options are inconsistent (a percentile outside
    ///         (0, 100], ageing bounds not ascending and positive, top_n 0, a threshold out
    ///         of range, until <= from, a follow-up lookahead or backlog lookback that
    ///         takes the query beyond the representable instants).
    ReportBuilder(ReportFilter filter, ReportOptions options);
    ~ReportBuilder();
    ReportBuilder(const ReportBuilder&) = delete;
    ReportBuilder& operator=(const ReportBuilder&) = delete;

    /// @brief The store query that yields every ticket the pass needs: received before
    /// the period's end plus the follow-up lookahead, and after its start minus the
    /// backlog lookback (no lower bound when that is unset).
    TicketQuery query() const;

    /// @brief Folds one ticket into the report; tickets outside the query's range or the
    /// filter only count where they matter (backlog, visits) or not at all.
    void add(const Ticket& ticket);

    /// @brief Tickets passed to add() so far.
    std::size_t tickets_seen() const noexcept;

    /// @brief Completes the report. The builder is spent afterwards.
    /// @throws ValidationError when called twice.
    Report finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// @brief Computes a report over @p store in one scan() pass.
/// @throws ValidationError for inconsistent options; whatever the store's scan() throws.
TICKETFLOW_API Report build_report(const TicketStore& store, const ReportFilter& filter,
                                   const ReportOptions& options = {});

/// @brief The calendar month @p year-@p month in @p calendar's zone: from local midnight
/// of its 1st to local midnight of the next month's 1st.
/// @throws ValidationError for a month outside 1–12; CalendarError outside the horizon.
TICKETFLOW_API Period month_period(int year, int month, const BusinessCalendar& calendar);

/// @brief The month before the one containing @p day: the period a monthly report run
/// on @p day covers (seed 003: by the 5th, the previous month). For 2024-06-03 it is
/// May 2024, for 2024-01-20 December 2023.
TICKETFLOW_API Period previous_month_period(boost::gregorian::date day, const BusinessCalendar& calendar);

/// @brief The last day on which the monthly report of the month containing @p day's
/// predecessor is due: the 5th of @p day's month (seed 003: 每月5日前).
TICKETFLOW_API boost::gregorian::date monthly_report_due(boost::gregorian::date day);

/// @brief The monthly report run on @p day: the previous month (previous_month_period()),
/// with @p filter's other members, bucketed by week unless @p options say otherwise, and
/// titled 「YYYY年M月客户需求分析报告」 / "Customer request analysis, <Month YYYY>" when
/// the options give no title.
TICKETFLOW_API Report monthly_report(const TicketStore& store, boost::gregorian::date day,
                                     const ReportOptions& options = {}, const ReportFilter& filter = {});

/// @brief monthly_report() run today: on the local date of ReportOptions::now (default:
/// the system clock) in the options' calendar.
TICKETFLOW_API Report monthly_report(const TicketStore& store, const ReportOptions& options = {},
                                     const ReportFilter& filter = {});

/// @brief Options of to_csv().
struct CsvOptions {
    /// @brief Start with a UTF-8 byte-order mark, so that Excel opens Chinese text as
    /// UTF-8 rather than in the system's legacy code page.
    bool bom = false;
};

/// @brief The report as JSON (UTF-8): every figure, machine names for enums, durations
/// in seconds, shares as fractions (null when undefined), instants in ISO 8601 UTC.
/// @p indent < 0 gives one line.
TICKETFLOW_API std::string to_json(const Report& report, int indent = 2);

/// @brief The report as one CSV table (RFC 4180: comma-separated, CRLF line ends, fields
/// with comma, quote, CR or LF quoted, quotes doubled), UTF-8, in long form: columns
/// section, group, metric, value; labels in the report's locale; durations in minutes,
/// shares in percent.
TICKETFLOW_API std::string to_csv(const Report& report, const CsvOptions& options = {});

/// @brief The report as Markdown (GitHub tables), labels in the report's locale.
TICKETFLOW_API std::string to_markdown(const Report& report);

/// @brief The report as one self-contained HTML5 page: inline CSS and inline SVG charts,
/// no script, no external resource; labels in the report's locale.
///
/// The page opens with the frequent problems TOP N (seed 003's headline item) and their
/// chart (`chart-problems`), then the alerts, then the charts: SLA compliance per stage
/// over the period (`chart-sla-stages`), type distribution (`chart-types`), the SLA
/// compliance trend of every timed stage (`chart-sla`), the satisfaction trend
/// (`chart-satisfaction`) and backlog ageing (`chart-backlog`); the tables follow. Line
/// charts label every point with its value and scale the axis to the data.
TICKETFLOW_API std::string to_html(const Report& report);

} // namespace ticketflow
