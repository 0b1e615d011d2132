// The report pass: ReportBuilder folds each ticket into bounded accumulators; finish()
// turns them into a Report.
#include "ticketflow/report.hpp"

#include "ticketflow/error.hpp"

#include "report/histogram.hpp"
#include "report/labels.hpp"
#include "report/problem_clusters.hpp"
#include "report/text_shingles.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace ticketflow {

// --- small result-type helpers ------------------------------------------------------

namespace {

std::optional<double> ratio(std::size_t part, std::size_t whole) {
    if (whole == 0) return std::nullopt;
    return static_cast<double>(part) / static_cast<double>(whole);
}

} // namespace

std::optional<Duration> DurationStats::mean() const {
    if (count == 0) return std::nullopt;
    auto n = static_cast<Duration::rep>(count);
    return Duration{(total.count() + n / 2) / n};
}

std::optional<double> ScoreStats::mean() const {
    if (count == 0) return std::nullopt;
    return static_cast<double>(sum) / static_cast<double>(count);
}

std::optional<double> SatisfactionStats::satisfied_share() const { return ratio(grades[0] + grades[1], responses); }

void SatisfactionStats::add(const Satisfaction& answer) {
    ++responses;
    ++grades[static_cast<std::size_t>(answer.grade)];
    auto add_score = [](ScoreStats& s, const std::optional<int>& v) {
        if (!v) return;
        ++s.count;
        s.sum += *v;
    };
    add_score(score, answer.score);
    add_score(efficiency, answer.efficiency);
    add_score(attitude, answer.attitude);
    add_score(outcome, answer.outcome);
}

std::optional<double> SlaStageStats::compliance() const { return ratio(met, met + breached); }

std::optional<double> GroupStats::first_contact_resolution_rate() const {
    return ratio(first_contact_resolved, resolved);
}
std::optional<double> GroupStats::reopen_rate() const { return ratio(reopened, received); }
std::optional<double> GroupStats::sla_compliance() const { return ratio(sla_met, sla_met + sla_breached); }

std::optional<double> FollowUpStats::coverage() const { return ratio(covered, served); }

const char* to_string(AlertKind kind) noexcept {
    switch (kind) {
    case AlertKind::low_satisfaction: return "low_satisfaction";
    case AlertKind::low_visit_satisfaction: return "low_visit_satisfaction";
    case AlertKind::low_sla_compliance: return "low_sla_compliance";
    case AlertKind::frequent_visit_problem: return "frequent_visit_problem";
    }
    return "unknown";
}

bool ReportFilter::matches_dimensions(const Ticket& t) const {
    return (!department || t.department == *department) && (!agent || t.assignee == *agent) &&
           (!channel || t.channel == *channel) && (!type || t.type == *type) &&
           (!priority || t.priority == *priority) && (!tier || t.customer.tier == *tier);
}

bool ReportFilter::in_period(const Ticket& t) const {
    return (!from || t.times.received >= *from) && (!until || t.times.received < *until);
}

// --- the pass -----------------------------------------------------------------------

namespace {

enum class SlaOutcome { met, breached, running };

// Mirrors ServiceDesk::compliance(): a clock is breached once its end (stop, start of the
// current pause, or now) is past the deadline; met when it stopped in time.
SlaOutcome outcome_of(const SlaClock& clock, Instant now) {
    Instant end = clock.stopped ? *clock.stopped : clock.paused_since ? *clock.paused_since : now;
    if (clock.breached || end > clock.due) return SlaOutcome::breached;
    return clock.stopped ? SlaOutcome::met : SlaOutcome::running;
}

void count(SlaStageStats& s, SlaOutcome o) {
    if (o == SlaOutcome::met)
        ++s.met;
    else if (o == SlaOutcome::breached)
        ++s.breached;
    else
        ++s.running;
}

bool is_cancelled(const Ticket& t) {
    return t.status == Status::closed && t.close_reason &&
           (*t.close_reason == CloseReason::duplicate || *t.close_reason == CloseReason::spam ||
            *t.close_reason == CloseReason::withdrawn);
}

bool has_link(const Ticket& t, LinkKind kind) {
    return std::any_of(t.links.begin(), t.links.end(), [kind](const TicketLink& l) { return l.kind == kind; });
}

const TicketLink* find_link(const Ticket& t, LinkKind kind) {
    for (const auto& l : t.links)
        if (l.kind == kind) return &l;
    return nullptr;
}

// Rounds the customer answered 不满意, or answered so that the ticket went to second
// handling (a round before the latest: a low score), from the ticket's satisfaction
// history; a ticket stored before the history was kept counts its rounds of second
// handling instead.
std::size_t dissatisfied_rounds(const Ticket& t) {
    if (t.satisfaction_history.empty()) return t.reopen_count;
    return static_cast<std::size_t>(
        std::count_if(t.satisfaction_history.begin(), t.satisfaction_history.end(), [&t](const SatisfactionRound& r) {
            return r.satisfaction.grade == SatisfactionGrade::dissatisfied || r.round < t.reopen_count;
        }));
}

// What one ticket contributes, computed once and added to every group it belongs to.
struct TicketFacts {
    std::optional<Duration> handling;
    std::optional<Duration> handling_business;
    std::optional<Duration> first_response;
    std::array<SlaStageStats, sla_stage_count> sla{};
    std::size_t sla_met = 0;
    std::size_t sla_breached = 0;
};

struct GroupAccumulator {
    GroupStats stats;
    detail::MinuteHistogram handling;
    detail::MinuteHistogram handling_business;
    detail::MinuteHistogram first_response;

    void add(const Ticket& t, const TicketFacts& f) {
        ++stats.received;
        // Handled at least once: second handling clears times.resolved, and leaving such a
        // ticket out would drop exactly the ones not solved at first contact.
        if (t.times.resolved || t.reopen_count > 0) {
            ++stats.resolved;
            if (t.reopen_count == 0) ++stats.first_contact_resolved;
        }
        if (t.reopen_count > 0) ++stats.reopened;
        stats.dissatisfied_rounds += dissatisfied_rounds(t);
        if (is_cancelled(t))
            ++stats.cancelled;
        else if (t.status == Status::closed)
            ++stats.closed;
        if (has_link(t, LinkKind::duplicate_of)) ++stats.repeated;
        if (f.handling) handling.add(*f.handling);
        if (f.handling_business) handling_business.add(*f.handling_business);
        if (f.first_response) first_response.add(*f.first_response);
        stats.sla_met += f.sla_met;
        stats.sla_breached += f.sla_breached;
        if (t.satisfaction) stats.satisfaction.add(*t.satisfaction);
    }

    GroupStats finish(const std::vector<double>& percentiles) const {
        GroupStats s = stats;
        s.handling = handling.summary(percentiles);
        s.handling_business = handling_business.summary(percentiles);
        s.first_response = first_response.summary(percentiles);
        return s;
    }
};

struct TrendAccumulator {
    std::size_t received = 0;
    std::size_t resolved = 0;
    std::array<SlaStageStats, sla_stage_count> sla{};
    SatisfactionStats satisfaction;
    SatisfactionStats visit_satisfaction;
};

// A served ticket, kept to find its follow-up visits when the pass is over.
struct ServedRecord {
    std::uint64_t id_hash;
    std::int32_t bucket_day; // day number of its trend step
    bool covered;
};

enum class VisitState : std::uint8_t { reached, unreachable, declined, pending };
enum class WindowState : std::uint8_t { none, met, open, planned_late, no_calling_time, overdue };

// A follow-up visit, reduced to what the join needs (24 bytes).
struct VisitRecord {
    std::uint64_t target_hash;
    std::uint64_t problems; // bit i: problem label i scored low
    VisitState state;
    WindowState window;
    std::int8_t grade;                                // SatisfactionGrade, -1 = none
    std::int8_t score, efficiency, attitude, outcome; // 0 = none

    Satisfaction satisfaction() const {
        Satisfaction s;
        s.grade = static_cast<SatisfactionGrade>(grade);
        auto opt = [](std::int8_t v) { return v ? std::optional<int>(v) : std::nullopt; };
        s.score = opt(score);
        s.efficiency = opt(efficiency);
        s.attitude = opt(attitude);
        s.outcome = opt(outcome);
        return s;
    }
};

std::int8_t score_byte(const std::optional<int>& v) { return v ? static_cast<std::int8_t>(*v) : 0; }

boost::gregorian::date bucket_start(boost::gregorian::date d, TrendBucket bucket) {
    if (bucket == TrendBucket::month) return {d.year(), d.month(), 1};
    int from_monday = (d.day_of_week().as_number() + 6) % 7; // Sunday is 0
    return d - boost::gregorian::days(from_monday);
}

boost::gregorian::date next_bucket(boost::gregorian::date start, TrendBucket bucket) {
    return bucket == TrendBucket::month ? start + boost::gregorian::months(1) : start + boost::gregorian::days(7);
}

template <class Map>
std::vector<GroupStats> sorted_groups(const Map& groups, const std::vector<double>& percentiles) {
    std::vector<GroupStats> out;
    for (const auto& [key, acc] : groups) {
        out.push_back(acc.finish(percentiles));
        out.back().key = key;
    }
    std::sort(out.begin(), out.end(), [](const GroupStats& a, const GroupStats& b) {
        if (a.received != b.received) return a.received > b.received;
        if (a.backlog != b.backlog) return a.backlog > b.backlog;
        return a.key < b.key;
    });
    return out;
}

// Hash maps keep the per-ticket look-ups cheap; results are sorted, so order is stable.
using Counts = std::unordered_map<std::string, std::size_t>;

std::vector<CountShare> shares(const Counts& counts, std::size_t total) {
    std::vector<CountShare> out;
    for (const auto& [key, n] : counts) out.push_back({key, n, ratio(n, total).value_or(0.0)});
    std::sort(out.begin(), out.end(), [](const CountShare& a, const CountShare& b) {
        return a.count != b.count ? a.count > b.count : a.key < b.key;
    });
    return out;
}

// Whether t + d (d >= 0) is an instant: the query's bounds must not wrap around.
bool fits_after(Instant t, Duration d) {
    return t.time_since_epoch() < Duration{0} || d <= Duration::max() - t.time_since_epoch();
}

// Whether t - d (d >= 0) is an instant.
bool fits_before(Instant t, Duration d) {
    return t.time_since_epoch() >= Duration{0} || d <= t.time_since_epoch() - Duration::min();
}

void validate(const ReportFilter& filter, const ReportOptions& o) {
    if (filter.from && filter.until && *filter.until <= *filter.from)
        throw ValidationError("filter.until", "must be after filter.from");
    for (double p : o.percentiles)
        if (!(p > 0.0 && p <= 100.0)) throw ValidationError("percentiles", "each must be in (0, 100]");
    for (std::size_t i = 0; i < o.ageing_bounds.size(); ++i)
        if (o.ageing_bounds[i] <= Duration{0} || (i > 0 && o.ageing_bounds[i] <= o.ageing_bounds[i - 1]))
            throw ValidationError("ageing_bounds", "must be positive and ascending");
    if (o.top_n == 0) throw ValidationError("top_n", "must be at least 1");
    if (o.follow_up_lookahead < Duration{0}) throw ValidationError("follow_up_lookahead", "must not be negative");
    if (filter.until && !fits_after(*filter.until, o.follow_up_lookahead))
        throw ValidationError("follow_up_lookahead", "reaches past the last representable instant after filter.until");
    if (o.backlog_lookback && *o.backlog_lookback < Duration{0})
        throw ValidationError("backlog_lookback", "must not be negative");
    if (o.backlog_lookback && filter.from && !fits_before(*filter.from, *o.backlog_lookback))
        throw ValidationError("backlog_lookback", "reaches before the first representable instant before filter.from");
    const auto& t = o.thresholds;
    if (!(t.problem_similarity > 0.0 && t.problem_similarity <= 1.0))
        throw ValidationError("thresholds.problem_similarity", "must be in (0, 1]");
    for (double share : {t.satisfaction, t.sla_compliance, t.visit_problem_share})
        if (!(share >= 0.0 && share <= 1.0)) throw ValidationError("thresholds", "shares must be in [0, 1]");
    if (t.visit_problem_score < 1 || t.visit_problem_score > 5)
        throw ValidationError("thresholds.visit_problem_score", "must be between 1 and 5");
}

} // namespace

struct ReportBuilder::Impl {
    ReportFilter filter;
    ReportOptions options;
    Instant now;
    Instant backlog_at; // the earlier of the period's end and now
    std::size_t seen = 0;
    bool finished = false;

    std::optional<Instant> first_received; // bounds seen, for open-ended periods
    std::optional<Instant> last_received;

    GroupAccumulator overall;
    std::unordered_map<std::string, GroupAccumulator> by_type, by_agent, by_department;
    Counts by_channel, by_priority, by_tier, by_status, raised;
    std::array<SlaStageStats, sla_stage_count> sla{};
    std::map<std::int32_t, TrendAccumulator> trend; // by day number of the step's start

    std::size_t backlog_open = 0;
    std::vector<std::size_t> ageing;
    std::optional<Duration> oldest;

    detail::ProblemClusterer clusters;
    std::vector<ServedRecord> served;
    std::vector<VisitRecord> visits;
    std::vector<std::string> problem_labels{"efficiency", "attitude", "outcome"}; // bit order of VisitRecord::problems
    std::unordered_map<std::string, std::size_t> problem_index{{"efficiency", 0}, {"attitude", 1}, {"outcome", 2}};

    Impl(ReportFilter f, ReportOptions o)
        : filter(std::move(f)), options(std::move(o)), now(options.now.value_or(SystemClock().now())),
          ageing(options.ageing_bounds.size() + 1, 0),
          clusters(options.thresholds.problem_similarity, options.max_problem_clusters, options.examples_per_problem) {
        backlog_at = filter.until ? std::min(*filter.until, now) : now;
    }

    std::optional<boost::gregorian::date> bucket_of(Instant t) const {
        try {
            return bucket_start(options.calendar.local_date(t), options.bucket);
        } catch (const CalendarError&) {
            return std::nullopt; // outside the calendar's horizon: left out of the trend
        }
    }

    static std::int32_t day_key(boost::gregorian::date d) { return static_cast<std::int32_t>(d.day_number()); }

    TicketFacts facts_of(const Ticket& t) const {
        TicketFacts f;
        if (t.times.resolved) {
            f.handling = *t.times.resolved - t.times.received;
            try {
                f.handling_business = options.calendar.business_time_between(t.times.received, *t.times.resolved);
            } catch (const CalendarError&) {
                // Outside the calendar's horizon: no business time for this ticket.
            }
        }
        // The result told to the customer is a customer-facing reply too (as for the SLA
        // clock): a ticket resolved without an earlier reply was first answered then.
        std::optional<Instant> first = t.times.first_response;
        if (t.times.resolved && (!first || *t.times.resolved < *first)) first = t.times.resolved;
        if (first) f.first_response = *first - t.times.received;
        if (is_cancelled(t)) return f; // never served: its clocks say nothing about the service
        for (const auto& clock : t.sla) {
            SlaOutcome o = outcome_of(clock, now);
            count(f.sla[static_cast<std::size_t>(clock.stage)], o);
            f.sla[static_cast<std::size_t>(clock.stage)].provisional += clock.provisional && !clock.stopped;
            f.sla_met += o == SlaOutcome::met;
            f.sla_breached += o == SlaOutcome::breached;
        }
        return f;
    }

    void add(const Ticket& t) {
        ++seen;
        if (t.type == ticket_types::follow_up_visit) {
            add_visit(t);
            return;
        }
        if (!filter.matches_dimensions(t)) return;
        add_backlog(t);
        if (filter.in_period(t)) add_period_ticket(t);
    }

    void add_backlog(const Ticket& t) {
        if (t.times.received >= backlog_at) return;
        if (t.times.closed && *t.times.closed <= backlog_at) return;
        if (t.status == Status::closed && !t.times.closed) return; // closed, time unknown: not open
        Duration age = backlog_at - t.times.received;
        ++backlog_open;
        oldest = std::max(oldest.value_or(Duration{0}), age);
        std::size_t i = 0;
        while (i < options.ageing_bounds.size() && age >= options.ageing_bounds[i]) ++i;
        ++ageing[i];
        ++overall.stats.backlog;
        ++by_type[t.type].stats.backlog;
        ++by_agent[t.assignee].stats.backlog;
        ++by_department[t.department].stats.backlog;
    }

    void add_period_ticket(const Ticket& t) {
        if (!first_received || t.times.received < *first_received) first_received = t.times.received;
        if (!last_received || t.times.received > *last_received) last_received = t.times.received;
        TicketFacts f = facts_of(t);
        overall.add(t, f);
        by_type[t.type].add(t, f);
        by_agent[t.assignee].add(t, f);
        by_department[t.department].add(t, f);
        ++by_channel[t.channel];
        ++by_priority[t.priority];
        ++by_tier[to_string(t.customer.tier)];
        ++by_status[to_string(t.status)];
        if (t.channel == channels::follow_up_visit && has_link(t, LinkKind::follow_up_of)) ++raised[t.type];
        for (std::size_t s = 0; s < sla.size(); ++s) {
            sla[s].met += f.sla[s].met;
            sla[s].breached += f.sla[s].breached;
            sla[s].running += f.sla[s].running;
            sla[s].provisional += f.sla[s].provisional;
        }
        if (!is_cancelled(t)) clusters.add(t); // spam, merged repeats, withdrawn: no problem to solve
        auto bucket = bucket_of(t.times.received);
        if (bucket) add_trend(trend[day_key(*bucket)], t, f);
        if (t.times.resolved && !is_cancelled(t))
            served.push_back({detail::fnv1a(t.id), bucket ? day_key(*bucket) : 0, false});
    }

    static void add_trend(TrendAccumulator& step, const Ticket& t, const TicketFacts& f) {
        ++step.received;
        if (t.times.resolved) ++step.resolved;
        for (std::size_t s = 0; s < f.sla.size(); ++s) {
            step.sla[s].met += f.sla[s].met;
            step.sla[s].breached += f.sla[s].breached;
            step.sla[s].running += f.sla[s].running;
        }
        if (t.satisfaction) step.satisfaction.add(*t.satisfaction);
    }

    // Label bits beyond 64 share the last one: a visit script rarely has that many questions.
    std::uint64_t problem_bit(const std::string& label) {
        auto it = problem_index.find(label);
        std::size_t i;
        if (it != problem_index.end()) {
            i = it->second;
        } else if (problem_labels.size() < 63) {
            i = problem_labels.size();
            problem_labels.push_back(label);
            problem_index.emplace(label, i);
        } else {
            i = 63;
            if (problem_labels.size() == 63)
                problem_labels.push_back(options.locale == ReportLocale::zh ? "其他" : "Other");
        }
        return std::uint64_t{1} << i;
    }

    // How a visit kept its window, by its follow_up clock.
    WindowState window_state(const Ticket& t) const {
        if (!t.visit) return WindowState::none;
        auto clock =
            std::find_if(t.sla.begin(), t.sla.end(), [](const SlaClock& c) { return c.stage == SlaStage::follow_up; });
        if (clock == t.sla.end()) return WindowState::none;
        // Finished before the window opened is not keeping it (the desk refuses such calls;
        // older data and other writers may still hold them).
        const bool early = clock->stopped && *clock->stopped < clock->started;
        switch (early ? SlaOutcome::breached : outcome_of(*clock, now)) {
        case SlaOutcome::met: return WindowState::met;
        case SlaOutcome::running: return WindowState::open;
        case SlaOutcome::breached: break;
        }
        const Instant planned = t.times.received;
        if (t.visit->window_until <= planned) return WindowState::planned_late;
        const Instant from = std::max(planned, t.visit->window_from);
        if (options.calendar.business_time_between(from, t.visit->window_until) <= Duration{0})
            return WindowState::no_calling_time;
        return WindowState::overdue;
    }

    void add_visit(const Ticket& t) {
        const TicketLink* served_link = find_link(t, LinkKind::follow_up_of);
        if (!served_link) return;
        VisitRecord r{detail::fnv1a(served_link->target), 0, VisitState::pending, window_state(t), -1, 0, 0, 0, 0};
        if (t.status == Status::closed) {
            if (t.close_reason == CloseReason::confirmed && t.satisfaction)
                r.state = VisitState::reached;
            else if (t.close_reason == CloseReason::unreachable)
                r.state = VisitState::unreachable;
            else if (t.close_reason == CloseReason::withdrawn)
                r.state = VisitState::declined;
            else
                return; // cancelled as duplicate or spam: not a visit
        }
        if (r.state == VisitState::reached) {
            const Satisfaction& s = *t.satisfaction;
            r.grade = static_cast<std::int8_t>(s.grade);
            r.score = score_byte(s.score);
            r.efficiency = score_byte(s.efficiency);
            r.attitude = score_byte(s.attitude);
            r.outcome = score_byte(s.outcome);
            int low = options.thresholds.visit_problem_score;
            if (s.efficiency && *s.efficiency <= low) r.problems |= problem_bit("efficiency");
            if (s.attitude && *s.attitude <= low) r.problems |= problem_bit("attitude");
            if (s.outcome && *s.outcome <= low) r.problems |= problem_bit("outcome");
            if (t.visit)
                for (const auto& answer : t.visit->answers)
                    if (answer.score <= low) r.problems |= problem_bit(answer.question);
        }
        visits.push_back(r);
    }

    // --- finish ---------------------------------------------------------------------

    FollowUpStats join_visits() {
        FollowUpStats f;
        f.served = served.size();
        std::sort(served.begin(), served.end(),
                  [](const ServedRecord& a, const ServedRecord& b) { return a.id_hash < b.id_hash; });
        std::vector<std::size_t> problem_counts(problem_labels.size(), 0);
        for (const auto& v : visits) {
            auto it = std::lower_bound(served.begin(), served.end(), v.target_hash,
                                       [](const ServedRecord& s, std::uint64_t h) { return s.id_hash < h; });
            if (it == served.end() || it->id_hash != v.target_hash) continue; // not a ticket of this report
            ++f.visits;
            switch (v.window) {
            case WindowState::none: break;
            case WindowState::met: ++f.windows.met; break;
            case WindowState::open: ++f.windows.open; break;
            case WindowState::planned_late: ++f.windows.missed_planned_late; break;
            case WindowState::no_calling_time: ++f.windows.missed_no_calling_time; break;
            case WindowState::overdue: ++f.windows.missed_overdue; break;
            }
            switch (v.state) {
            case VisitState::reached: ++f.reached; break;
            case VisitState::unreachable: ++f.unreachable; continue;
            case VisitState::declined: ++f.declined; continue;
            case VisitState::pending: ++f.pending; continue;
            }
            it->covered = true;
            Satisfaction s = v.satisfaction();
            f.satisfaction.add(s);
            auto step = trend.find(it->bucket_day);
            if (step != trend.end()) step->second.visit_satisfaction.add(s);
            for (std::size_t i = 0; i < problem_counts.size(); ++i)
                if (v.problems & (std::uint64_t{1} << i)) ++problem_counts[i];
        }
        f.covered = static_cast<std::size_t>(
            std::count_if(served.begin(), served.end(), [](const ServedRecord& s) { return s.covered; }));
        for (std::size_t i = 0; i < problem_counts.size(); ++i)
            if (problem_counts[i] > 0)
                f.problems.push_back(
                    {problem_labels[i], problem_counts[i], ratio(problem_counts[i], f.reached).value_or(0)});
        std::stable_sort(f.problems.begin(), f.problems.end(),
                         [](const CountShare& a, const CountShare& b) { return a.count > b.count; });
        std::size_t raised_total = 0;
        for (const auto& [type, n] : raised) raised_total += n;
        f.raised = shares(raised, raised_total);
        return f;
    }

    Period period() const {
        Instant from = filter.from.value_or(first_received.value_or(now));
        Instant until = filter.until.value_or(last_received ? *last_received + Duration{1} : from);
        return {std::min(from, until), until}; // only `until` given, nothing seen: empty, not backwards
    }

    std::vector<TrendPoint> trend_points(const Period& p) const {
        std::vector<TrendPoint> points;
        if (p.until <= p.from) return points;
        auto first = bucket_of(p.from);
        auto last = bucket_of(p.until - Duration{1});
        if (!first || !last) return points;
        for (auto d = *first; d <= *last; d = next_bucket(d, options.bucket)) {
            TrendPoint point;
            point.start = d;
            auto it = trend.find(day_key(d));
            if (it != trend.end()) fill_point(point, it->second);
            points.push_back(std::move(point));
        }
        return points;
    }

    static void fill_point(TrendPoint& point, const TrendAccumulator& acc) {
        point.received = acc.received;
        point.resolved = acc.resolved;
        for (std::size_t s = 0; s < acc.sla.size(); ++s) {
            const auto& stage = acc.sla[s];
            if (stage.met + stage.breached + stage.running == 0) continue;
            point.sla.push_back(stage);
            point.sla.back().stage = static_cast<SlaStage>(s);
            point.sla_met += stage.met;
            point.sla_breached += stage.breached;
        }
        point.satisfaction = acc.satisfaction;
        point.visit_satisfaction = acc.visit_satisfaction;
    }

    BacklogStats backlog_stats() const {
        BacklogStats b;
        b.as_of = backlog_at;
        b.open = backlog_open;
        b.oldest = oldest;
        Duration from{0};
        for (std::size_t i = 0; i < ageing.size(); ++i) {
            AgeingBucket bucket;
            bucket.from = from;
            if (i < options.ageing_bounds.size()) {
                bucket.until = options.ageing_bounds[i];
                from = options.ageing_bounds[i];
            }
            bucket.count = ageing[i];
            b.ageing.push_back(bucket);
        }
        return b;
    }

    std::vector<ReportAlert> alerts(const Report& r) const {
        std::vector<ReportAlert> out;
        const auto& t = options.thresholds;
        if (auto share = r.overall.satisfaction.satisfied_share(); share && *share < t.satisfaction)
            out.push_back({AlertKind::low_satisfaction, "", *share, t.satisfaction});
        if (auto share = r.follow_up.satisfaction.satisfied_share(); share && *share < t.satisfaction)
            out.push_back({AlertKind::low_visit_satisfaction, "", *share, t.satisfaction});
        for (const auto& stage : r.sla)
            if (auto c = stage.compliance(); c && *c < t.sla_compliance)
                out.push_back({AlertKind::low_sla_compliance, to_string(stage.stage), *c, t.sla_compliance});
        for (const auto& problem : r.follow_up.problems)
            if (problem.share > t.visit_problem_share)
                out.push_back({AlertKind::frequent_visit_problem, problem.key, problem.share, t.visit_problem_share});
        return out;
    }

    // Local dates and times for display; outside the calendar's horizon they stay unset
    // (not-a-date-time) and render as such.
    template <class T, class F>
    T local_or_unset(F convert) const {
        try {
            return convert();
        } catch (const CalendarError&) {
            return T(boost::date_time::not_a_date_time);
        }
    }

    void set_local_times(Report& r) const {
        const auto& cal = options.calendar;
        using boost::gregorian::date;
        using boost::posix_time::ptime;
        r.first_day = local_or_unset<date>([&] { return cal.local_date(r.period.from); });
        r.last_day =
            local_or_unset<date>([&] { return cal.local_date(std::max(r.period.from, r.period.until - Duration{1})); });
        r.generated_local = local_or_unset<ptime>([&] { return cal.to_local(r.generated_at); });
        r.backlog.as_of_local = local_or_unset<ptime>([&] { return cal.to_local(r.backlog.as_of); });
    }

    Report finish() {
        Report r;
        r.locale = options.locale;
        r.bucket = options.bucket;
        r.time_zone = options.calendar.zone_name();
        r.period = period();
        r.generated_at = now;
        r.filter = filter;
        r.percentiles = options.percentiles;
        r.top_n = options.top_n;
        const auto& pct = options.percentiles;
        r.overall = overall.finish(pct);
        r.by_type = sorted_groups(by_type, pct);
        r.by_agent = sorted_groups(by_agent, pct);
        r.by_department = sorted_groups(by_department, pct);
        std::size_t total = overall.stats.received;
        r.by_status = shares(by_status, total);
        r.by_channel = shares(by_channel, total);
        r.by_priority = shares(by_priority, total);
        r.by_tier = shares(by_tier, total);
        for (std::size_t s = 0; s < sla.size(); ++s) {
            if (sla[s].met + sla[s].breached + sla[s].running == 0) continue;
            r.sla.push_back(sla[s]);
            r.sla.back().stage = static_cast<SlaStage>(s);
        }
        r.backlog = backlog_stats();
        r.top_problems = clusters.top(options.top_n);
        for (auto& p : r.top_problems) p.share = ratio(p.count, total).value_or(0.0);
        r.problem_clusters = clusters.cluster_count();
        r.unclustered = clusters.unclustered();
        r.follow_up = join_visits(); // before the trend: it adds visit satisfaction to the steps
        r.trend = trend_points(r.period);
        r.alerts = alerts(r);
        set_local_times(r);
        r.title = options.title;
        if (r.title.empty() && !r.first_day.is_special() && !r.last_day.is_special())
            r.title = detail::period_title(options.locale, r.first_day, r.last_day);
        if (r.title.empty()) r.title = detail::labels(options.locale).overview;
        return r;
    }
};

ReportBuilder::ReportBuilder(ReportFilter filter, ReportOptions options) {
    validate(filter, options);
    impl_ = std::make_unique<Impl>(std::move(filter), std::move(options));
}

ReportBuilder::~ReportBuilder() = default;

TicketQuery ReportBuilder::query() const {
    TicketQuery q;
    const auto& f = impl_->filter;
    const auto& o = impl_->options;
    if (f.until) q.received_until = *f.until + o.follow_up_lookahead;
    if (f.from && o.backlog_lookback) q.received_from = *f.from - *o.backlog_lookback;
    return q;
}

void ReportBuilder::add(const Ticket& ticket) {
    if (impl_->finished) throw ValidationError("report", "add() after finish()");
    impl_->add(ticket);
}

std::size_t ReportBuilder::tickets_seen() const noexcept { return impl_->seen; }

Report ReportBuilder::finish() {
    if (impl_->finished) throw ValidationError("report", "finish() was already called");
    impl_->finished = true;
    return impl_->finish();
}

Report build_report(const TicketStore& store, const ReportFilter& filter, const ReportOptions& options) {
    ReportBuilder builder(filter, options);
    store.scan(builder.query(), [&builder](const Ticket& t) {
        builder.add(t);
        return true;
    });
    return builder.finish();
}

} // namespace ticketflow
