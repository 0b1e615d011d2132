// JSON: every figure of the report with machine names, for dashboards and other tools.
#include "ticketflow/report.hpp"

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

#include <nlohmann/json.hpp>

#include <ctime>

namespace ticketflow {
namespace {

using json = nlohmann::ordered_json;

std::string iso_utc(Instant t) {
    std::time_t seconds = static_cast<std::time_t>(t.time_since_epoch().count());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

json optional_number(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

json date_json(const boost::gregorian::date& d) {
    return d.is_special() ? json(nullptr) : json(boost::gregorian::to_iso_extended_string(d));
}

json local_json(const boost::posix_time::ptime& t) {
    return t.is_special() ? json(nullptr) : json(boost::posix_time::to_iso_extended_string(t));
}

json duration_json(const DurationStats& d) {
    json percentiles = json::array();
    for (const auto& p : d.percentiles)
        percentiles.push_back({{"percentile", p.percentile}, {"seconds", p.value.count()}});
    auto mean = d.mean();
    return {{"count", d.count},
            {"total_seconds", d.total.count()},
            {"mean_seconds", mean ? json(mean->count()) : json(nullptr)},
            {"max_seconds", d.count ? json(d.max.count()) : json(nullptr)},
            {"percentiles", percentiles}};
}

json score_json(const ScoreStats& s) {
    return {{"count", s.count}, {"sum", s.sum}, {"mean", optional_number(s.mean())}};
}

json satisfaction_json(const SatisfactionStats& s) {
    json grades = json::object();
    for (std::size_t g = 0; g < s.grades.size(); ++g)
        grades[to_string(static_cast<SatisfactionGrade>(g))] = s.grades[g];
    return {{"responses", s.responses},
            {"grades", grades},
            {"satisfied_share", optional_number(s.satisfied_share())},
            {"score", score_json(s.score)},
            {"efficiency", score_json(s.efficiency)},
            {"attitude", score_json(s.attitude)},
            {"outcome", score_json(s.outcome)}};
}

json sla_json(const SlaStageStats& s) {
    return {{"stage", to_string(s.stage)},  {"met", s.met},
            {"breached", s.breached},       {"running", s.running},
            {"provisional", s.provisional}, {"compliance", optional_number(s.compliance())}};
}

json group_json(const GroupStats& g) {
    return {{"key", g.key},
            {"received", g.received},
            {"resolved", g.resolved},
            {"first_contact_resolved", g.first_contact_resolved},
            {"first_contact_resolution_rate", optional_number(g.first_contact_resolution_rate())},
            {"reopened", g.reopened},
            {"dissatisfied_rounds", g.dissatisfied_rounds},
            {"reopen_rate", optional_number(g.reopen_rate())},
            {"closed", g.closed},
            {"cancelled", g.cancelled},
            {"repeated", g.repeated},
            {"backlog", g.backlog},
            {"handling", duration_json(g.handling)},
            {"handling_business", duration_json(g.handling_business)},
            {"first_response", duration_json(g.first_response)},
            {"sla_met", g.sla_met},
            {"sla_breached", g.sla_breached},
            {"sla_compliance", optional_number(g.sla_compliance())},
            {"satisfaction", satisfaction_json(g.satisfaction)}};
}

json shares_json(const std::vector<CountShare>& rows) {
    json out = json::array();
    for (const auto& c : rows) out.push_back({{"key", c.key}, {"count", c.count}, {"share", c.share}});
    return out;
}

template <class T, class F>
json array_of(const std::vector<T>& items, F convert) {
    json out = json::array();
    for (const auto& item : items) out.push_back(convert(item));
    return out;
}

json filter_json(const ReportFilter& f) {
    json out = json::object();
    auto put = [&out](const char* name, const auto& value) {
        if (value) out[name] = *value;
    };
    if (f.from) out["from"] = iso_utc(*f.from);
    if (f.until) out["until"] = iso_utc(*f.until);
    put("department", f.department);
    put("agent", f.agent);
    put("channel", f.channel);
    put("type", f.type);
    put("priority", f.priority);
    if (f.tier) out["tier"] = to_string(*f.tier);
    return out;
}

json problem_json(const ProblemCluster& p) {
    return {{"type", p.type},
            {"tags", p.tags},
            {"summary", p.summary},
            {"count", p.count},
            {"share", p.share},
            {"examples", array_of(p.examples, [](const ProblemExample& e) {
                 return json{{"id", e.id}, {"description", e.description}};
             })}};
}

json trend_json(const TrendPoint& p) {
    return {{"start", date_json(p.start)},
            {"received", p.received},
            {"resolved", p.resolved},
            {"sla_met", p.sla_met},
            {"sla_breached", p.sla_breached},
            {"sla", array_of(p.sla, sla_json)},
            {"satisfaction", satisfaction_json(p.satisfaction)},
            {"visit_satisfaction", satisfaction_json(p.visit_satisfaction)}};
}

json backlog_json(const BacklogStats& b) {
    json ageing = array_of(b.ageing, [](const AgeingBucket& a) {
        return json{{"from_seconds", a.from.count()},
                    {"until_seconds", a.until ? json(a.until->count()) : json(nullptr)},
                    {"count", a.count}};
    });
    return {{"as_of", iso_utc(b.as_of)},
            {"as_of_local", local_json(b.as_of_local)},
            {"open", b.open},
            {"oldest_seconds", b.oldest ? json(b.oldest->count()) : json(nullptr)},
            {"ageing", ageing}};
}

json follow_up_json(const FollowUpStats& f) {
    return {{"served", f.served},
            {"covered", f.covered},
            {"coverage", optional_number(f.coverage())},
            {"visits", f.visits},
            {"reached", f.reached},
            {"unreachable", f.unreachable},
            {"declined", f.declined},
            {"pending", f.pending},
            {"windows",
             {{"met", f.windows.met},
              {"open", f.windows.open},
              {"missed", f.windows.missed()},
              {"missed_planned_late", f.windows.missed_planned_late},
              {"missed_no_calling_time", f.windows.missed_no_calling_time},
              {"missed_overdue", f.windows.missed_overdue}}},
            {"satisfaction", satisfaction_json(f.satisfaction)},
            {"problems", shares_json(f.problems)},
            {"raised", shares_json(f.raised)}};
}

json alert_json(const ReportAlert& a) {
    return {{"kind", to_string(a.kind)}, {"subject", a.subject}, {"value", a.value}, {"threshold", a.threshold}};
}

} // namespace

std::string to_json(const Report& r, int indent) {
    json out;
    out["title"] = r.title;
    out["locale"] = r.locale == ReportLocale::zh ? "zh" : "en";
    out["period"] = {{"from", iso_utc(r.period.from)},
                     {"until", iso_utc(r.period.until)},
                     {"first_day", date_json(r.first_day)},
                     {"last_day", date_json(r.last_day)}};
    out["time_zone"] = r.time_zone;
    out["generated_at"] = iso_utc(r.generated_at);
    out["generated_local"] = local_json(r.generated_local);
    out["filter"] = filter_json(r.filter);
    out["bucket"] = r.bucket == TrendBucket::week ? "week" : "month";
    out["percentiles"] = r.percentiles;
    out["overall"] = group_json(r.overall);
    out["by_status"] = shares_json(r.by_status);
    out["by_type"] = array_of(r.by_type, group_json);
    out["by_channel"] = shares_json(r.by_channel);
    out["by_priority"] = shares_json(r.by_priority);
    out["by_tier"] = shares_json(r.by_tier);
    out["sla"] = array_of(r.sla, sla_json);
    out["backlog"] = backlog_json(r.backlog);
    out["top_problems"] = array_of(r.top_problems, problem_json);
    out["problem_clusters"] = r.problem_clusters;
    out["unclustered"] = r.unclustered;
    out["trend"] = array_of(r.trend, trend_json);
    out["follow_up"] = follow_up_json(r.follow_up);
    out["by_agent"] = array_of(r.by_agent, group_json);
    out["by_department"] = array_of(r.by_department, group_json);
    out["alerts"] = array_of(r.alerts, alert_json);
    // Text from tickets may hold invalid UTF-8; replace it rather than fail the report.
    return out.dump(indent, ' ', false, json::error_handler_t::replace);
}

} // namespace ticketflow
