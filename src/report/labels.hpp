#pragma once
// The words of the rendered reports, in Chinese and English. Chinese terms follow the
// SOPs (需求类型分布, 平均处理时长, 一次性解决率, 客户满意度, 高频问题, 回访覆盖率 …).

#include "ticketflow/report.hpp"

#include <string>

namespace ticketflow::detail {

struct Labels {
    // Sections
    const char* overview;
    const char* type_distribution;
    const char* channel_distribution;
    const char* priority_distribution;
    const char* tier_distribution;
    const char* status_distribution;
    const char* sla_compliance;
    const char* by_agent;
    const char* by_department;
    const char* top_problems;
    const char* trend;
    const char* satisfaction;
    const char* backlog;
    const char* follow_up;
    const char* visit_problems;
    const char* visit_raised;
    const char* alerts;
    const char* charts;
    // Meta
    const char* period;
    const char* generated_at;
    const char* time_zone;
    const char* filter;
    const char* no_filter;
    const char* no_data;
    const char* none;
    const char* unassigned;
    // Columns and metrics
    const char* section;
    const char* group;
    const char* metric;
    const char* value;
    const char* type;
    const char* agent;
    const char* department;
    const char* channel;
    const char* priority;
    const char* tier;
    const char* status;
    const char* stage;
    const char* count;
    const char* share;
    const char* received;
    const char* resolved;
    const char* closed;
    const char* cancelled;
    const char* repeated;
    const char* backlog_open;
    const char* avg_handling;
    const char* handling_p; // "处理时长 P{p}"
    const char* avg_handling_business;
    const char* avg_first_response;
    const char* first_response_p;
    const char* fcr_rate;
    const char* reopen_rate;
    const char* sla_rate;
    const char* met;
    const char* breached;
    const char* running;
    const char* satisfied_share;
    const char* mean_score;
    const char* responses;
    const char* mean_efficiency;
    const char* mean_attitude;
    const char* mean_outcome;
    const char* grade;
    const char* rank;
    const char* problem;
    const char* examples;
    const char* bucket;
    const char* visit_satisfied_share;
    const char* age;
    const char* oldest;
    const char* as_of;
    const char* served;
    const char* covered;
    const char* coverage;
    const char* visits;
    const char* reached;
    const char* unreachable;
    const char* declined;
    const char* pending;
    const char* window_met;
    const char* window_open;
    const char* window_missed;
    const char* window_missed_planned_late;
    const char* window_missed_no_calling_time;
    const char* window_missed_overdue;
    const char* alert;
    const char* subject;
    const char* threshold;
    const char* clusters;
    const char* unclustered;
    const char* minutes_suffix; // " (分钟)"
    const char* percent_suffix; // " (%)"
    const char* customer_satisfaction;
    const char* visit_satisfaction;
    const char* overall_compliance;
    const char* dissatisfied_rounds;
    const char* sla_by_stage;
};

const Labels& labels(ReportLocale locale) noexcept;

// Display names of the library's stable names; unknown (host-defined) names are shown as
// they are.
std::string type_label(ReportLocale locale, const std::string& type);
std::string channel_label(ReportLocale locale, const std::string& channel);
std::string tier_label(ReportLocale locale, const std::string& tier);
std::string status_label(ReportLocale locale, const std::string& status);
std::string stage_label(ReportLocale locale, SlaStage stage);
std::string grade_label(ReportLocale locale, SatisfactionGrade grade);
// A visit problem key: a satisfaction dimension ("efficiency", …) or a question's text.
std::string problem_label(ReportLocale locale, const std::string& key);
std::string alert_label(ReportLocale locale, AlertKind kind);

// Titles.
std::string monthly_title(ReportLocale locale, int year, int month);
std::string period_title(ReportLocale locale, boost::gregorian::date first, boost::gregorian::date last);
// A trend step: "2024-W21 (05-20)" / "第21周（05-20）", "2024-05" / "2024年5月".
std::string bucket_label(ReportLocale locale, TrendBucket bucket, boost::gregorian::date start);

} // namespace ticketflow::detail
