// SLA targets, policies and the three SOP presets.
#include "ticketflow/sla.hpp"

#include <algorithm>

namespace ticketflow {

using namespace std::chrono_literals;

SlaTarget SlaTarget::calendar(Duration amount) { return {TargetUnit::calendar_time, amount, 0, std::nullopt}; }
SlaTarget SlaTarget::business(Duration amount) { return {TargetUnit::business_time, amount, 0, std::nullopt}; }
SlaTarget SlaTarget::working_days_end(int n) { return {TargetUnit::working_days, Duration{0}, n, std::nullopt}; }

SlaTarget SlaTarget::with_cutoff(Duration time_of_day) const {
    SlaTarget copy = *this;
    copy.cutoff = time_of_day;
    return copy;
}

namespace {

std::string hours_minutes(Duration d) {
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(d).count();
    if (minutes % 60 == 0) return std::to_string(minutes / 60) + "h";
    if (minutes < 60) return std::to_string(minutes) + "min";
    return std::to_string(minutes / 60) + "h" + std::to_string(minutes % 60) + "min";
}

} // namespace

std::string to_string(const SlaTarget& t) {
    std::string text;
    switch (t.unit) {
    case TargetUnit::calendar_time: text = hours_minutes(t.amount); break;
    case TargetUnit::business_time: text = hours_minutes(t.amount) + " business"; break;
    case TargetUnit::working_days:
        text = std::to_string(t.days) + (t.days == 1 ? " working day" : " working days");
        break;
    }
    if (t.cutoff) text += " (cut-off " + hours_minutes(*t.cutoff) + ")";
    return text;
}

std::optional<SlaTarget> SlaPolicy::target(const std::string& priority, SlaStage stage) const {
    auto level = targets.find(priority);
    if (level == targets.end()) return std::nullopt;
    auto it = level->second.find(stage);
    if (it == level->second.end()) return std::nullopt;
    return it->second;
}

std::optional<SlaTarget> SlaPolicy::target_for(const Ticket& t, SlaStage stage) const {
    if (t.visit) {
        if (stage == SlaStage::visit_entry) return follow_up.entry_within;
        if (stage != SlaStage::follow_up) return std::nullopt;
        return SlaTarget::calendar(t.visit->window_until - t.visit->window_from);
    }
    if (t.work_order) { // 客户反馈处理工单: its own priority first, then its kind's targets
        if (t.work_order->by_priority)
            if (auto own = target(t.priority, stage)) return own;
        if (auto kind = work_orders.find(t.work_order->kind); kind != work_orders.end()) {
            auto it = kind->second.find(stage);
            if (it != kind->second.end()) return it->second;
        }
        return target(t.priority, stage);
    }
    bool derived_ticket = std::any_of(t.links.begin(), t.links.end(),
                                      [](const TicketLink& l) { return l.kind == LinkKind::follow_up_of; });
    if (derived_ticket) {
        auto it = derived.find(stage);
        if (it != derived.end()) return it->second;
    }
    return target(t.priority, stage);
}

const std::vector<EscalationStep>& SlaPolicy::ladder(SlaStage stage, const std::string& priority) const {
    static const std::vector<EscalationStep> none;
    auto by_stage = escalations.find(stage);
    if (by_stage == escalations.end()) return none;
    auto it = by_stage->second.find(priority);
    return it == by_stage->second.end() ? none : it->second;
}

bool SlaPolicy::pauses(SlaStage stage) const {
    return std::find(pausable.begin(), pausable.end(), stage) != pausable.end();
}

namespace {

void check_target(const std::string& field, const SlaTarget& t) {
    if (t.amount < Duration{0}) throw ValidationError(field, "must not be negative");
    if (t.days < 0) throw ValidationError(field, "working days must not be negative");
    if (t.cutoff && (*t.cutoff < Duration{0} || *t.cutoff >= 24h))
        throw ValidationError(field, "cut-off must be a time of day between 00:00 and 24:00");
}

} // namespace

void SlaPolicy::validate() const {
    if (!(warning_ratio > 0 && warning_ratio < 1))
        throw ValidationError("sla.warning_ratio", "must be between 0 and 1 (exclusive)");
    for (const auto& [priority, stages] : targets) {
        if (!priorities.contains(priority))
            throw ValidationError("sla.targets", "unknown priority level '" + priority + "'");
        for (const auto& [stage, target] : stages)
            check_target("sla.targets." + priority + "." + to_string(stage), target);
    }
    for (const auto& [stage, ladders] : escalations)
        for (const auto& [priority, steps] : ladders) {
            if (!priorities.contains(priority))
                throw ValidationError("sla.escalations", "unknown priority level '" + priority + "'");
            for (const auto& step : steps) check_target("sla.escalations." + std::string(to_string(stage)), step.after);
        }
    for (const auto& [stage, target] : derived) check_target("sla.derived." + std::string(to_string(stage)), target);
    for (const auto& [kind, stages] : work_orders)
        for (const auto& [stage, target] : stages)
            check_target("sla.work_orders." + std::string(to_string(kind)) + "." + to_string(stage), target);
    check_target("sla.follow_up.new_customer_from", follow_up.new_customer_from);
    check_target("sla.follow_up.new_customer_until", follow_up.new_customer_until);
    check_target("sla.follow_up.complaint_within", follow_up.complaint_within);
    check_target("sla.follow_up.entry_within", follow_up.entry_within);
}

namespace {

// Sets `stage`'s target for each level, given in the scheme's order (least urgent first).
void set_stage(SlaPolicy& p, SlaStage stage, const std::vector<SlaTarget>& per_level) {
    const auto& levels = p.priorities.levels();
    for (std::size_t i = 0; i < levels.size() && i < per_level.size(); ++i) p.targets[levels[i]][stage] = per_level[i];
}

void set_all_levels(SlaPolicy& p, SlaStage stage, SlaTarget target) {
    set_stage(p, stage, std::vector<SlaTarget>(p.priorities.levels().size(), target));
}

void set_ladder(SlaPolicy& p, SlaStage stage, const std::vector<EscalationStep>& steps) {
    for (const auto& level : p.priorities.levels()) p.escalations[stage][level] = steps;
}

// Team lead at the breach, supervisor two hours later, manager by the end of the next
// working day.
std::vector<EscalationStep> standard_ladder() {
    return {{SlaTarget::calendar(0h), Role::team_lead},
            {SlaTarget::calendar(2h), Role::supervisor},
            {SlaTarget::working_days_end(1), Role::manager}};
}

} // namespace

SlaPolicy SlaPolicy::seed000() {
    SlaPolicy p;
    p.name = "seed-000";
    p.priorities = PriorityScheme::urgency3(); // 一般, 紧急, 特急
    set_stage(p, SlaStage::first_response,
              {SlaTarget::calendar(24h), SlaTarget::calendar(4h), SlaTarget::calendar(1h)});
    set_all_levels(p, SlaStage::start_handling, SlaTarget::calendar(2h));   // 2小时内启动问题排查
    set_all_levels(p, SlaStage::progress_update, SlaTarget::calendar(24h)); // and when past the estimate
    set_all_levels(p, SlaStage::result_feedback, SlaTarget::calendar(1h));  // 处理完成后1小时内
    set_all_levels(p, SlaStage::second_handling, SlaTarget::calendar(24h)); // 24小时内启动二次处理
    // 超时需在系统中备注原因并升级至主管.
    const std::vector<EscalationStep> to_supervisor{{SlaTarget::calendar(0h), Role::supervisor}};
    for (auto stage :
         {SlaStage::first_response, SlaStage::start_handling, SlaStage::result_feedback, SlaStage::second_handling})
        set_ladder(p, stage, to_supervisor);
    return p;
}

SlaPolicy SlaPolicy::seed001() {
    SlaPolicy p;
    p.name = "seed-001";
    p.priorities = PriorityScheme::p_levels(); // P3, P2, P1
    set_stage(p, SlaStage::first_response,
              {SlaTarget::working_days_end(1), SlaTarget::calendar(4h), SlaTarget::calendar(2h)});
    set_stage(p, SlaStage::resolution,
              {SlaTarget::working_days_end(7), SlaTarget::working_days_end(3), SlaTarget::calendar(24h)});
    set_all_levels(p, SlaStage::progress_update, SlaTarget::calendar(24h)); // 每24小时同步一次进度
    set_ladder(p, SlaStage::first_response, standard_ladder());
    set_ladder(p, SlaStage::resolution, standard_ladder());
    return p;
}

SlaPolicy SlaPolicy::seed003() {
    SlaPolicy p;
    p.name = "seed-003";
    p.priorities = PriorityScheme::importance3(); // 一般, 重要, 紧急
    set_all_levels(p, SlaStage::record, SlaTarget::calendar(5min));
    set_all_levels(p, SlaStage::classify, SlaTarget::calendar(30min));
    set_stage(p, SlaStage::first_response,
              {SlaTarget::calendar(8h), SlaTarget::calendar(4h), SlaTarget::calendar(10min)});
    set_stage(p, SlaStage::start_handling,
              {SlaTarget::calendar(2h), SlaTarget::calendar(1h), SlaTarget::calendar(10min)});
    set_stage(p, SlaStage::resolution,
              {SlaTarget::working_days_end(3), SlaTarget::calendar(24h), SlaTarget::calendar(4h)});
    set_all_levels(p, SlaStage::progress_update, SlaTarget::calendar(24h));
    set_all_levels(p, SlaStage::result_feedback, SlaTarget::calendar(2h));
    set_ladder(p, SlaStage::start_handling, standard_ladder());
    set_ladder(p, SlaStage::resolution, standard_ladder());
    return p;
}

} // namespace ticketflow
