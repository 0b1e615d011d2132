#include "report/labels.hpp"

#include <boost/date_time/gregorian/gregorian.hpp>

#include <cstdio>
#include <map>

namespace ticketflow::detail {
namespace {

Labels chinese() {
    Labels l{};
    l.overview = "概览";
    l.type_distribution = "需求类型分布";
    l.channel_distribution = "渠道分布";
    l.priority_distribution = "优先级分布";
    l.tier_distribution = "客户类型分布";
    l.status_distribution = "处理状态分布";
    l.sla_compliance = "时效达成（SLA）";
    l.by_agent = "按负责人";
    l.by_department = "按部门";
    l.top_problems = "高频问题";
    l.trend = "趋势";
    l.satisfaction = "客户满意度";
    l.backlog = "积压工单";
    l.follow_up = "回访分析";
    l.visit_problems = "回访问题分布";
    l.visit_raised = "回访中提出的问题";
    l.alerts = "预警";
    l.charts = "图表";
    l.period = "统计周期";
    l.generated_at = "生成时间";
    l.time_zone = "时区";
    l.filter = "筛选条件";
    l.no_filter = "全部";
    l.no_data = "无数据";
    l.none = "—";
    l.unassigned = "（未分配）";
    l.section = "类别";
    l.group = "分组";
    l.metric = "指标";
    l.value = "数值";
    l.type = "类型";
    l.agent = "负责人";
    l.department = "部门";
    l.channel = "渠道";
    l.priority = "优先级";
    l.tier = "客户类型";
    l.status = "状态";
    l.stage = "环节";
    l.count = "数量";
    l.share = "占比";
    l.received = "受理量";
    l.resolved = "已处理";
    l.closed = "已关闭";
    l.cancelled = "已取消";
    l.repeated = "重复问题";
    l.backlog_open = "积压";
    l.avg_handling = "平均处理时长";
    l.handling_p = "处理时长 P";
    l.avg_handling_business = "平均处理时长（工作时间）";
    l.avg_first_response = "平均首次响应时长";
    l.first_response_p = "首次响应 P";
    l.fcr_rate = "一次性解决率";
    l.reopen_rate = "二次处理率";
    l.sla_rate = "时效达成率";
    l.met = "达成";
    l.breached = "超时";
    l.running = "进行中";
    l.satisfied_share = "满意率";
    l.mean_score = "平均评分";
    l.responses = "评价数";
    l.mean_efficiency = "服务效率评分";
    l.mean_attitude = "人员态度评分";
    l.mean_outcome = "处理结果评分";
    l.grade = "满意度";
    l.rank = "排名";
    l.problem = "问题";
    l.examples = "示例工单";
    l.bucket = "周期";
    l.visit_satisfied_share = "回访满意率";
    l.age = "积压时长";
    l.oldest = "最久积压";
    l.as_of = "统计时点";
    l.served = "已服务工单";
    l.covered = "已回访工单";
    l.coverage = "回访覆盖率";
    l.visits = "回访次数";
    l.reached = "回访成功";
    l.unreachable = "无法联系";
    l.declined = "拒绝回访";
    l.pending = "待回访";
    l.window_met = "按时回访";
    l.window_open = "时间窗内待回访";
    l.window_missed = "超出时间窗";
    l.window_missed_planned_late = "其中：排期时已过时间窗";
    l.window_missed_no_calling_time = "其中：时间窗内无可拨打时段";
    l.window_missed_overdue = "其中：时间窗内未完成";
    l.alert = "预警";
    l.subject = "对象";
    l.threshold = "阈值";
    l.clusters = "问题类别数";
    l.unclustered = "未归类工单";
    l.minutes_suffix = "（分钟）";
    l.percent_suffix = "（%）";
    l.customer_satisfaction = "客户满意率";
    l.visit_satisfaction = "回访满意率";
    l.overall_compliance = "全部环节";
    l.dissatisfied_rounds = "不满意轮次（已二次处理）";
    l.sla_by_stage = "各环节时效达成率";
    return l;
}

Labels english() {
    Labels l{};
    l.overview = "Overview";
    l.type_distribution = "Request types";
    l.channel_distribution = "Channels";
    l.priority_distribution = "Priorities";
    l.tier_distribution = "Customer tiers";
    l.status_distribution = "Statuses";
    l.sla_compliance = "SLA compliance";
    l.by_agent = "By agent";
    l.by_department = "By department";
    l.top_problems = "Frequent problems";
    l.trend = "Trend";
    l.satisfaction = "Customer satisfaction";
    l.backlog = "Backlog";
    l.follow_up = "Follow-up visits";
    l.visit_problems = "Problems named in visits";
    l.visit_raised = "Problems raised in visits";
    l.alerts = "Alerts";
    l.charts = "Charts";
    l.period = "Period";
    l.generated_at = "Generated";
    l.time_zone = "Time zone";
    l.filter = "Filter";
    l.no_filter = "all tickets";
    l.no_data = "No data";
    l.none = "—";
    l.unassigned = "(unassigned)";
    l.section = "Section";
    l.group = "Group";
    l.metric = "Metric";
    l.value = "Value";
    l.type = "Type";
    l.agent = "Agent";
    l.department = "Department";
    l.channel = "Channel";
    l.priority = "Priority";
    l.tier = "Customer tier";
    l.status = "Status";
    l.stage = "Stage";
    l.count = "Count";
    l.share = "Share";
    l.received = "Received";
    l.resolved = "Resolved";
    l.closed = "Closed";
    l.cancelled = "Cancelled";
    l.repeated = "Repeats";
    l.backlog_open = "Backlog";
    l.avg_handling = "Avg handling time";
    l.handling_p = "Handling P";
    l.avg_handling_business = "Avg handling time (business)";
    l.avg_first_response = "Avg first response";
    l.first_response_p = "First response P";
    l.fcr_rate = "First-contact resolution";
    l.reopen_rate = "Reopen rate";
    l.sla_rate = "SLA compliance";
    l.met = "Met";
    l.breached = "Breached";
    l.running = "Running";
    l.satisfied_share = "Satisfied";
    l.mean_score = "Mean score";
    l.responses = "Responses";
    l.mean_efficiency = "Efficiency score";
    l.mean_attitude = "Attitude score";
    l.mean_outcome = "Outcome score";
    l.grade = "Grade";
    l.rank = "Rank";
    l.problem = "Problem";
    l.examples = "Example tickets";
    l.bucket = "Period";
    l.visit_satisfied_share = "Visit satisfied";
    l.age = "Age";
    l.oldest = "Oldest";
    l.as_of = "As of";
    l.served = "Served tickets";
    l.covered = "Visited tickets";
    l.coverage = "Follow-up coverage";
    l.visits = "Visits";
    l.reached = "Reached";
    l.unreachable = "Unreachable";
    l.declined = "Declined";
    l.pending = "Pending";
    l.window_met = "Windows met";
    l.window_open = "Windows still open";
    l.window_missed = "Windows missed";
    l.window_missed_planned_late = "of which planned after the window";
    l.window_missed_no_calling_time = "of which no calling hours in the window";
    l.window_missed_overdue = "of which not done in the window";
    l.alert = "Alert";
    l.subject = "Subject";
    l.threshold = "Threshold";
    l.clusters = "Problem clusters";
    l.unclustered = "Unclustered tickets";
    l.minutes_suffix = " (minutes)";
    l.percent_suffix = " (%)";
    l.customer_satisfaction = "Customer satisfied";
    l.visit_satisfaction = "Visit satisfied";
    l.overall_compliance = "All stages";
    l.dissatisfied_rounds = "Dissatisfied rounds (sent to second handling)";
    l.sla_by_stage = "SLA compliance per stage";
    return l;
}

using NameTable = std::map<std::string, std::pair<const char*, const char*>>; // name → (zh, en)

std::string lookup(const NameTable& table, ReportLocale locale, const std::string& name) {
    auto it = table.find(name);
    if (it == table.end()) return name;
    return locale == ReportLocale::zh ? it->second.first : it->second.second;
}

const char* const english_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};

} // namespace

const Labels& labels(ReportLocale locale) noexcept {
    static const Labels zh = chinese();
    static const Labels en = english();
    return locale == ReportLocale::zh ? zh : en;
}

std::string type_label(ReportLocale locale, const std::string& type) {
    static const NameTable table{
        {ticket_types::consult, {"咨询", "Consultation"}},
        {ticket_types::fault, {"故障", "Fault"}},
        {ticket_types::complaint, {"投诉", "Complaint"}},
        {ticket_types::suggestion, {"建议", "Suggestion"}},
        {ticket_types::order, {"订单查询", "Order enquiry"}},
        {ticket_types::return_exchange, {"售后退换货", "Return / exchange"}},
        {ticket_types::how_to, {"操作指导", "How-to"}},
        {ticket_types::customisation, {"定制", "Customisation"}},
        {ticket_types::follow_up_visit, {"回访", "Follow-up visit"}},
    };
    return lookup(table, locale, type);
}

std::string channel_label(ReportLocale locale, const std::string& channel) {
    static const NameTable table{
        {channels::phone, {"电话", "Phone"}},
        {channels::online_chat, {"在线客服", "Online chat"}},
        {channels::email, {"邮件", "Email"}},
        {channels::social_media, {"社交媒体", "Social media"}},
        {channels::app, {"APP", "App"}},
        {channels::web_form, {"官网", "Web form"}},
        {channels::walk_in, {"到店/上门", "Walk-in"}},
        {channels::follow_up_visit, {"回访", "Follow-up visit"}},
    };
    return lookup(table, locale, channel);
}

std::string tier_label(ReportLocale locale, const std::string& tier) {
    static const NameTable table{
        {to_string(CustomerTier::new_customer), {"新客户", "New"}},
        {to_string(CustomerTier::regular), {"老客户", "Regular"}},
        {to_string(CustomerTier::vip), {"VIP 客户", "VIP"}},
        {to_string(CustomerTier::enterprise), {"企业客户", "Enterprise"}},
    };
    return lookup(table, locale, tier);
}

std::string status_label(ReportLocale locale, const std::string& status) {
    static const NameTable table{
        {"pending", {"待处理", "Pending"}},
        {"in_progress", {"处理中", "In progress"}},
        {"done", {"已完成", "Done"}},
        {"closed", {"已关闭", "Closed"}},
    };
    return lookup(table, locale, status);
}

std::string stage_label(ReportLocale locale, SlaStage stage) {
    static const NameTable table{
        {"record", {"记录", "Record"}},
        {"classify", {"分类", "Classify"}},
        {"first_response", {"首次响应", "First response"}},
        {"start_handling", {"启动处理", "Start handling"}},
        {"resolution", {"处理完成", "Resolution"}},
        {"result_feedback", {"结果反馈", "Result feedback"}},
        {"progress_update", {"进度同步", "Progress update"}},
        {"second_handling", {"二次处理", "Second handling"}},
        {"follow_up", {"回访", "Follow-up"}},
        {"visit_entry", {"回访录入", "Visit entry"}},
    };
    return lookup(table, locale, to_string(stage));
}

std::string grade_label(ReportLocale locale, SatisfactionGrade grade) {
    if (locale == ReportLocale::zh) return label_zh(grade);
    switch (grade) {
    case SatisfactionGrade::very_satisfied: return "Very satisfied";
    case SatisfactionGrade::satisfied: return "Satisfied";
    case SatisfactionGrade::neutral: return "Neutral";
    case SatisfactionGrade::dissatisfied: return "Dissatisfied";
    }
    return to_string(grade);
}

std::string problem_label(ReportLocale locale, const std::string& key) {
    static const NameTable table{
        {"efficiency", {"服务效率", "Efficiency"}},
        {"attitude", {"人员态度", "Staff attitude"}},
        {"outcome", {"处理结果", "Outcome"}},
    };
    return lookup(table, locale, key);
}

std::string alert_label(ReportLocale locale, AlertKind kind) {
    bool zh = locale == ReportLocale::zh;
    switch (kind) {
    case AlertKind::low_satisfaction:
        return zh ? "客户满意率低于阈值，需制定改进方案"
                  : "Customer satisfaction below the threshold: improvement plan needed";
    case AlertKind::low_visit_satisfaction:
        return zh ? "回访满意率低于阈值，需在3个工作日内提交改进方案"
                  : "Visit satisfaction below the threshold: improvement plan within 3 working days";
    case AlertKind::low_sla_compliance: return zh ? "时效达成率低于阈值" : "SLA compliance below the threshold";
    case AlertKind::frequent_visit_problem:
        return zh ? "回访反馈中该问题占比过高，需优先优化" : "Problem named in too many visits: improve it first";
    }
    return to_string(kind);
}

std::string monthly_title(ReportLocale locale, int year, int month) {
    if (locale == ReportLocale::zh) return std::to_string(year) + "年" + std::to_string(month) + "月客户需求分析报告";
    return "Customer request analysis, " + std::string(english_months[month - 1]) + " " + std::to_string(year);
}

std::string period_title(ReportLocale locale, boost::gregorian::date first, boost::gregorian::date last) {
    auto iso = [](boost::gregorian::date d) { return boost::gregorian::to_iso_extended_string(d); };
    if (locale == ReportLocale::zh) return "客户服务分析报告（" + iso(first) + " 至 " + iso(last) + "）";
    return "Customer service report, " + iso(first) + " to " + iso(last);
}

std::string bucket_label(ReportLocale locale, TrendBucket bucket, boost::gregorian::date start) {
    char text[64];
    if (bucket == TrendBucket::month) {
        if (locale == ReportLocale::zh)
            std::snprintf(text, sizeof text, "%d年%d月", static_cast<int>(start.year()),
                          static_cast<int>(start.month()));
        else
            std::snprintf(text, sizeof text, "%04d-%02d", static_cast<int>(start.year()),
                          static_cast<int>(start.month()));
        return text;
    }
    int week = start.week_number();
    if (locale == ReportLocale::zh)
        std::snprintf(text, sizeof text, "第%d周（%02d-%02d）", week, static_cast<int>(start.month()),
                      static_cast<int>(start.day()));
    else
        std::snprintf(text, sizeof text, "W%02d (%02d-%02d)", week, static_cast<int>(start.month()),
                      static_cast<int>(start.day()));
    return text;
}

} // namespace ticketflow::detail
