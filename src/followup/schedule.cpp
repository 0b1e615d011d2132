// The follow-up duties that write through the desk: scheduling a plan's visits, the
// campaign evaluation with its improvement plan, and promised times for requests.
#include "core/validate.hpp"
#include "followup/internal.hpp"
#include "ticketflow/followup.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace ticketflow {

namespace {

constexpr const char* improvement_tag = "improvement_plan";

// Served tickets that already have a visit of plan `plan_id` among the tickets received
// from `since` on.
std::set<TicketId> visited_in_plan(const TicketStore& store, const std::string& plan_id, Instant since) {
    std::set<TicketId> served;
    TicketQuery query;
    query.received_from = since;
    store.scan(query, [&](const Ticket& t) {
        if (t.visit && t.visit->plan == plan_id)
            if (auto target = detail::served_by(t)) served.insert(*target);
        return true;
    });
    return served;
}

// The 1–5 score of a verdict; a verdict given only as a grade counts as 5, 4, 3 or 2.
int score_of(const Satisfaction& s) {
    if (s.score) return *s.score;
    switch (s.grade) {
    case SatisfactionGrade::very_satisfied: return 5;
    case SatisfactionGrade::satisfied: return 4;
    case SatisfactionGrade::neutral: return 3;
    case SatisfactionGrade::dissatisfied: return 2;
    }
    return 2;
}

std::string percent(double share) { return std::to_string(std::lround(share * 100)) + "%"; }

bool has_tag(const Ticket& t, const std::string& tag) {
    return std::find(t.tags.begin(), t.tags.end(), tag) != t.tags.end();
}

// What one pass over the store learns about a campaign.
struct CampaignScan {
    std::set<TicketId> plan_visits;                               // every visit of the plan
    std::vector<std::pair<TicketId, TicketId>> improvement_links; // improvement ticket → its parent
    std::optional<std::pair<int, TicketId>> worst;                // lowest score, then lowest id
};

NewTicket improvement_request(const CampaignEvaluation& e, double threshold) {
    NewTicket request;
    request.type = ticket_types::suggestion;
    request.tags = {improvement_tag};
    request.description = "专项回访满意度 " + percent(*e.satisfaction) + "（" + std::to_string(e.satisfied) + "/" +
                          std::to_string(e.reached) + "）低于 " + percent(threshold) +
                          "：3个工作日内向客户提交《改进方案》，并邀请客户参与后续服务体验。回访计划：" + e.plan;
    return request;
}

} // namespace

ScheduleReport FollowUpPlanner::schedule(ServiceDesk& desk, const FollowUpPlan& plan, const Actor& actor) {
    std::lock_guard lock(write_mutex_);
    ScheduleReport report;
    auto visited = visited_in_plan(*store_, plan.id, plan.scan_from);
    for (const auto& visit : plan.visits) {
        if (visited.count(visit.request.served)) {
            report.skipped.push_back(visit.request.served);
            continue;
        }
        report.opened.push_back(desk.open_visit(actor, visit.request));
        visited.insert(visit.request.served);
    }
    return report;
}

CampaignEvaluation FollowUpPlanner::evaluate_campaign(ServiceDesk& desk, const std::string& plan_id, const Actor& actor,
                                                      std::optional<Instant> visits_since) {
    std::lock_guard lock(write_mutex_);
    CampaignEvaluation result;
    result.plan = plan_id;
    CampaignScan scan;
    TicketQuery query;
    query.received_from = visits_since;
    store_->scan(query, [&](const Ticket& t) {
        if (t.visit && t.visit->plan == plan_id) {
            scan.plan_visits.insert(t.id);
            if (t.visit->reason != VisitReason::campaign) return true;
            ++result.visits;
            if (t.status != Status::closed || t.close_reason != CloseReason::confirmed || !t.satisfaction) return true;
            ++result.reached;
            int score = score_of(*t.satisfaction);
            if (score >= rules_.satisfied_score) ++result.satisfied;
            if (!scan.worst || score < scan.worst->first) scan.worst = {score, t.id}; // ascending ids: first wins ties
        } else if (!t.visit && has_tag(t, improvement_tag)) {
            for (const auto& link : t.links)
                if (link.kind == LinkKind::follow_up_of) scan.improvement_links.push_back({t.id, link.target});
        }
        return true;
    });
    for (const auto& [improvement, parent] : scan.improvement_links)
        if (scan.plan_visits.count(parent)) {
            result.improvement_plan = store_->load(improvement);
            break;
        }
    if (result.reached == 0) return result;
    result.satisfaction = static_cast<double>(result.satisfied) / static_cast<double>(result.reached);
    result.below_threshold = *result.satisfaction < rules_.campaign_threshold;
    if (result.below_threshold && !result.improvement_plan) {
        result.improvement_plan =
            desk.open_derived(actor, scan.worst->second, improvement_request(result, rules_.campaign_threshold));
        result.opened = true;
    }
    return result;
}

namespace {

// Checked before the derived ticket is opened, so a bad promise writes nothing.
void check_promise(const ServiceDesk& desk, const TicketId& visit, const std::string& message) {
    detail::check_text("message", message, desk.config().limits.long_text, true);
    if (!desk.get(visit).visit) throw ValidationError("visit", "ticket " + visit + " is not a follow-up visit");
}

} // namespace

Ticket promise_request(ServiceDesk& desk, const Actor& actor, const TicketId& visit, NewTicket request,
                       Instant promised_by, const std::string& message) {
    check_promise(desk, visit, message);
    Ticket derived = desk.open_derived(actor, visit, std::move(request));
    return desk.post_update(actor, derived.id, message, promised_by);
}

Ticket promise_request(ServiceDesk& desk, const Actor& actor, const TicketId& visit, NewTicket request,
                       const SlaTarget& within, const std::string& message) {
    check_promise(desk, visit, message);
    std::shared_ptr<const SlaCalculator> calc = desk.config().sla_calculator;
    if (!calc) calc = std::make_shared<CalendarSlaCalculator>(desk.config().calendar);
    Ticket derived = desk.open_derived(actor, visit, std::move(request));
    Instant start = derived.times.recorded;
    Instant promised_by = calc->point(within, calc->effective_start(within, start), 1.0);
    return desk.post_update(actor, derived.id, message, promised_by);
}

} // namespace ticketflow
