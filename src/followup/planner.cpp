// FollowUpPlanner::plan(): one streaming pass over the store, then exclusions, sampling,
// windows and callers.
#include "followup/internal.hpp"
#include "ticketflow/followup.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

namespace ticketflow {

namespace {

constexpr std::size_t no_rule = static_cast<std::size_t>(-1);

// FNV-1a, 64 bit: a stable hash of the ticket id, the same on every platform.
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

// The splitmix64 finaliser: spreads the seed over every bit of the key.
std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::uint64_t sample_key(std::uint64_t seed, const std::string& id) { return splitmix64(seed ^ fnv1a(id)); }

// ceil(share × n), without letting 0.3 × 10 = 3.0000000000000004 round up to 4.
std::size_t sample_size(double share, std::size_t n) {
    auto k = static_cast<std::size_t>(std::ceil(share * static_cast<double>(n) - 1e-9));
    return std::min(k, n);
}

template <class T>
bool accepts(const std::vector<T>& allowed, const T& value) {
    return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// A served ticket: closed after being handled (confirmed or unanswered), not cancelled,
// and not itself a visit.
bool is_served(const Ticket& t) {
    return t.status == Status::closed && !t.visit && t.times.closed && t.close_reason &&
           (*t.close_reason == CloseReason::confirmed || *t.close_reason == CloseReason::no_answer);
}

// A visit that spoke to the customer: recorded, or declined on the phone.
bool reached_customer(const Ticket& visit) {
    if (visit.close_reason == CloseReason::confirmed) return true;
    return std::any_of(visit.visit->attempts.begin(), visit.visit->attempts.end(), [](const ContactAttempt& a) {
        return a.outcome == ContactOutcome::reached || a.outcome == ContactOutcome::refused;
    });
}

FollowUpCandidate candidate_of(const Ticket& t) {
    FollowUpCandidate c;
    c.served = t.id;
    c.customer = t.customer.id;
    c.tier = t.customer.tier;
    c.type = t.type;
    c.department = t.department;
    c.assignee = t.assignee;
    c.closed_at = *t.times.closed;
    c.served_at = t.times.resolved.value_or(c.closed_at);
    return c;
}

bool closed_later(const FollowUpCandidate& a, const FollowUpCandidate& b) {
    return a.closed_at != b.closed_at ? a.closed_at > b.closed_at : a.served > b.served;
}

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// "2024-06-03 08:30": the local minute a plan was made, part of its id.
std::string local_minute(const BusinessCalendar& calendar, Instant t) {
    auto local = calendar.to_local(t);
    auto d = local.date();
    auto time = local.time_of_day();
    return std::to_string(static_cast<int>(d.year())) + "-" + two_digits(d.month()) + "-" + two_digits(d.day()) + " " +
           two_digits(static_cast<int>(time.hours())) + ":" + two_digits(static_cast<int>(time.minutes()));
}

// What the scan learns about one customer; the only per-customer memory of a plan.
struct CustomerTrace {
    std::optional<FollowUpCandidate> first; // earliest served ticket (new-customer rules)
    std::optional<FollowUpCandidate> best;  // latest ticket of the first other rule that selects one
    std::size_t best_rule = no_rule;
    std::optional<Instant> last_contact; // latest visit of another plan that reached them
    bool open_visit = false;             // a visit of another plan is still open
    std::vector<TicketId> followed_up;   // served tickets such visits (reached or open) follow up
};

// The candidates of one rule and tier.
struct Group {
    std::size_t candidates = 0;
    std::size_t excluded = 0;
    std::vector<FollowUpCandidate> eligible;
};

// Builds one plan: read() each scanned ticket, then finish().
class PlanBuilder {
public:
    PlanBuilder(const FollowUpRules& rules, const PlannerOptions& options, const std::vector<VisitWindow>& windows,
                const BusinessCalendar& calling, FollowUpPlan& plan)
        : rules_(rules), options_(options), windows_(windows), calling_(calling), calc_(calling), plan_(plan),
          now_(plan.generated_at) {
        has_new_customer_rule_ = std::any_of(rules.rules.begin(), rules.rules.end(), [](const SelectionRule& r) {
            return r.reason == VisitReason::new_customer;
        });
    }

    void read(const Ticket& t) {
        ++plan_.scanned;
        if (t.visit) return note_visit(t);
        if (!is_served(t) || *t.times.closed > now_) return;
        auto rule = first_selecting_rule(t);
        if (rule == no_rule && !has_new_customer_rule_) return;
        auto& trace = traces_[t.customer.id];
        auto candidate = candidate_of(t);
        if (has_new_customer_rule_ && (!trace.first || closed_later(*trace.first, candidate))) trace.first = candidate;
        if (rule == no_rule) return;
        if (rule < trace.best_rule || (rule == trace.best_rule && closed_later(candidate, *trace.best))) {
            trace.best = std::move(candidate);
            trace.best_rule = rule;
        }
    }

    void finish() {
        std::map<std::pair<std::size_t, CustomerTier>, Group> groups;
        std::vector<std::pair<std::size_t, Exclusion>> exclusions;
        for (auto& [customer, trace] : traces_) {
            auto [rule, candidate] = choose(trace);
            if (rule == no_rule) continue;
            auto& group = groups[{rule, candidate.tier}];
            ++group.candidates;
            if (auto reason = exclusion(customer, trace, rules_.rules[rule].throttled, candidate.served)) {
                ++group.excluded;
                exclusions.push_back({rule, Exclusion{std::move(candidate), *reason}});
            } else {
                group.eligible.push_back(std::move(candidate));
            }
        }
        std::vector<std::pair<std::size_t, FollowUpCandidate>> sampled;
        for (auto& [key, group] : groups) {
            const auto& rule = rules_.rules[key.first];
            TierCount count{rule.name,        rule.reason,    key.second, rule.share_for(key.second),
                            group.candidates, group.excluded, 0,          0};
            for (auto& candidate : sample(group.eligible, count.share))
                sampled.push_back({key.first, std::move(candidate)});
            count.sampled = sample_size(count.share, group.eligible.size());
            plan_.counts.push_back(std::move(count));
        }
        add_visits(sampled);
        for (const auto& visit : plan_.visits) {
            if (visit.fit == WindowFit::open) continue;
            for (auto& count : plan_.counts)
                if (count.rule == visit.candidate.rule && count.tier == visit.candidate.tier) ++count.late;
        }
        add_exclusions(exclusions);
    }

private:
    void note_visit(const Ticket& t) {
        if (t.visit->plan == plan_.id) return; // this plan's own visits: planning again must not change it
        auto& trace = traces_[t.customer.id];
        bool open_at_now = t.status != Status::closed || !t.times.closed || *t.times.closed > now_;
        if (open_at_now) {
            trace.open_visit = true;
        } else if (reached_customer(t)) {
            trace.last_contact = std::max(trace.last_contact.value_or(*t.times.closed), *t.times.closed);
        } else {
            return;
        }
        if (auto served = detail::served_by(t)) trace.followed_up.push_back(*served);
    }

    // The first rule other than new-customer rules that selects served ticket t.
    std::size_t first_selecting_rule(const Ticket& t) const {
        for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
            const auto& rule = rules_.rules[i];
            if (rule.reason == VisitReason::new_customer) continue;
            if (accepts(rule.tiers, t.customer.tier) && accepts(rule.types, t.type) &&
                *t.times.closed >= now_ - rule.period)
                return i;
        }
        return no_rule;
    }

    bool selects_new_customer(const SelectionRule& rule, const FollowUpCandidate& first) const {
        return accepts(rule.tiers, first.tier) && accepts(rule.types, first.type) &&
               first.closed_at >= now_ - rule.period;
    }

    // The customer's rule in priority order, and the served ticket it follows up.
    std::pair<std::size_t, FollowUpCandidate> choose(const CustomerTrace& trace) const {
        for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
            const auto& rule = rules_.rules[i];
            const std::optional<FollowUpCandidate>* pick = nullptr;
            if (rule.reason == VisitReason::new_customer) {
                if (trace.first && selects_new_customer(rule, *trace.first)) pick = &trace.first;
            } else if (trace.best_rule == i) {
                pick = &trace.best;
            }
            if (!pick) continue;
            FollowUpCandidate candidate = **pick;
            candidate.reason = rule.reason;
            candidate.rule = rule.name;
            return {i, std::move(candidate)};
        }
        return {no_rule, {}};
    }

    bool recent(Instant visited) const { return visited > now_ - rules_.revisit_period; }

    // Whether visits of other plans hold the customer back: any recent one for a throttled
    // rule; otherwise only one of the same served ticket, so it is still called back once.
    bool visited(const CustomerTrace& trace, bool throttled, const TicketId& served) const {
        if (!throttled)
            return std::find(trace.followed_up.begin(), trace.followed_up.end(), served) != trace.followed_up.end();
        return trace.open_visit || (trace.last_contact && recent(*trace.last_contact));
    }

    // The first exclusion that applies, in ExclusionReason order.
    std::optional<ExclusionReason> exclusion(const std::string& customer, const CustomerTrace& trace, bool throttled,
                                             const TicketId& served) const {
        if (options_.directory) {
            if (auto record = options_.directory->find(customer)) {
                if (record->refuses_follow_up) return ExclusionReason::refused;
                if (record->contact_invalid) return ExclusionReason::contact_invalid;
                if (record->not_decision_maker) return ExclusionReason::not_decision_maker;
                if (throttled && record->last_visited_at && recent(*record->last_visited_at))
                    return ExclusionReason::recently_visited;
            }
        }
        if (visited(trace, throttled, served)) return ExclusionReason::recently_visited;
        return std::nullopt;
    }

    // The first ceil(share × n) candidates in the order of their seeded keys.
    std::vector<FollowUpCandidate> sample(std::vector<FollowUpCandidate>& eligible, double share) const {
        std::vector<std::pair<std::uint64_t, FollowUpCandidate*>> keyed;
        for (auto& c : eligible) keyed.push_back({sample_key(rules_.seed, c.served), &c});
        std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : a.second->served < b.second->served;
        });
        keyed.resize(sample_size(share, keyed.size()));
        std::vector<FollowUpCandidate> out;
        for (auto& [key, c] : keyed) out.push_back(std::move(*c));
        return out;
    }

    // Visits in rule order, then served ticket id; callers assigned in that order.
    void add_visits(std::vector<std::pair<std::size_t, FollowUpCandidate>>& sampled) {
        std::sort(sampled.begin(), sampled.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : a.second.served < b.second.served;
        });
        std::size_t next_agent = 0;
        for (auto& [rule, candidate] : sampled) {
            PlannedVisit visit;
            auto [from, until, fit] = window(windows_[rule], candidate.served_at);
            auto who = assignment(candidate, next_agent);
            visit.request =
                VisitRequest{candidate.served, candidate.reason, plan_.id, from, until, who.assignee, who.department};
            visit.fit = fit;
            visit.candidate = std::move(candidate);
            plan_.visits.push_back(std::move(visit));
        }
    }

    void add_exclusions(std::vector<std::pair<std::size_t, Exclusion>>& exclusions) {
        std::sort(exclusions.begin(), exclusions.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : a.second.candidate.served < b.second.candidate.served;
        });
        for (auto& [rule, exclusion] : exclusions) plan_.exclusions.push_back(std::move(exclusion));
    }

    struct Window {
        Instant from;
        Instant until;
        WindowFit fit = WindowFit::open;
    };

    // Opens at the first calling instant at or after the delay and the planning time;
    // closes after its length, but not before it held the minimum calling time, and never
    // after its deadline. Every target counts from the service, not from the planning: a
    // later plan shortens a window, it never moves or renews it.
    Window window(const VisitWindow& w, Instant served_at) const {
        Instant earliest = calc_.point(w.delay, calc_.effective_start(w.delay, served_at), 1.0);
        Instant from = calling_.next_business_instant(std::max(earliest, now_));
        Instant until = calc_.point(w.length, calc_.effective_start(w.length, from), 1.0);
        if (rules_.min_calling_time > Duration{0})
            until = std::max(until, calling_.add_business_time(from, rules_.min_calling_time));
        if (!w.deadline) return {from, until, WindowFit::open};
        const Instant deadline = calc_.point(*w.deadline, calc_.effective_start(*w.deadline, served_at), 1.0);
        if (from < deadline) return {from, std::min(until, deadline), WindowFit::open};
        // Nothing of the window is left to call in. The visit keeps its own window, so it
        // is overdue from the start rather than given a fresh one.
        const WindowFit fit = deadline <= now_ ? WindowFit::passed : WindowFit::no_calling_time;
        Instant opened = calling_.next_business_instant(earliest);
        if (opened >= deadline) opened = std::min(earliest, deadline - Duration{1});
        return {opened, deadline, fit};
    }

    // Complaints go back to their handler (原处理人跟进), new customers to the
    // new-customer desk in turn (新客户专岗), everything else to the host's router.
    VisitAssignment assignment(const FollowUpCandidate& c, std::size_t& next_agent) const {
        const auto& desk = rules_.new_customer_desk;
        if (c.reason == VisitReason::complaint && !c.assignee.empty()) return {c.department, c.assignee};
        if (c.reason == VisitReason::new_customer && !desk.agents.empty())
            return {desk.department, desk.agents[next_agent++ % desk.agents.size()]};
        if (options_.route) return options_.route(c);
        return {};
    }

    const FollowUpRules& rules_;
    const PlannerOptions& options_;
    const std::vector<VisitWindow>& windows_;
    const BusinessCalendar& calling_;
    CalendarSlaCalculator calc_;
    FollowUpPlan& plan_;
    Instant now_;
    bool has_new_customer_rule_ = false;
    std::unordered_map<std::string, CustomerTrace> traces_;
};

// The difference of two targets of the same time unit (the new-customer band, 24–48 h →
// 24 h); otherwise the later target itself.
SlaTarget band_length(const SlaTarget& from, const SlaTarget& until) {
    if (from.unit == until.unit && until.unit != TargetUnit::working_days && until.amount > from.amount)
        return SlaTarget{until.unit, until.amount - from.amount, 0, std::nullopt};
    return until;
}

VisitWindow default_window(VisitReason reason, const FollowUpWindows& sla) {
    switch (reason) {
    case VisitReason::complaint: return {SlaTarget::calendar(Duration{0}), sla.complaint_within, sla.complaint_within};
    case VisitReason::new_customer:
        return {sla.new_customer_from, band_length(sla.new_customer_from, sla.new_customer_until),
                sla.new_customer_until};
    case VisitReason::regular:
    case VisitReason::campaign: break;
    }
    return VisitWindow{};
}

} // namespace

FollowUpPlanner::FollowUpPlanner(std::shared_ptr<const TicketStore> store, const DeskConfig& desk, FollowUpRules rules,
                                 PlannerOptions options)
    : store_(std::move(store)), rules_(std::move(rules)), options_(std::move(options)),
      calling_(options_.calling_hours.value_or(desk.calendar)) {
    if (!store_) throw ValidationError("store", "is required");
    rules_.validate();
    for (std::size_t i = 0; i < rules_.rules.size(); ++i) {
        const auto& rule = rules_.rules[i];
        windows_.push_back(rule.window.value_or(default_window(rule.reason, desk.sla.follow_up)));
        detail::check_visit_window("rules[" + std::to_string(i) + "].window", windows_.back());
    }
}

const VisitWindow& FollowUpPlanner::window_of(const std::string& rule) const {
    for (std::size_t i = 0; i < rules_.rules.size(); ++i)
        if (rules_.rules[i].name == rule) return windows_[i];
    throw ValidationError("rule", "no rule named '" + rule + "'");
}

FollowUpPlan FollowUpPlanner::plan(Instant now) const {
    FollowUpPlan plan;
    plan.seed = rules_.seed;
    plan.generated_at = now;
    plan.scan_from = now - rules_.horizon;
    plan.id = rules_.name + " " + local_minute(calling_, now) + " seed " + std::to_string(rules_.seed);
    PlanBuilder builder(rules_, options_, windows_, calling_, plan);
    TicketQuery query;
    query.received_from = plan.scan_from;
    query.received_until = now + Duration{1}; // received at `now` itself still counts
    store_->scan(query, [&builder](const Ticket& t) {
        builder.read(t);
        return true;
    });
    builder.finish();
    return plan;
}

} // namespace ticketflow
