// String names of the public enums.
#include "core/enum_names.hpp"
#include "ticketflow/desk.hpp"
#include "ticketflow/lifecycle.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/ticket.hpp"
#include "ticketflow/ticket_fields.hpp"

namespace ticketflow {
namespace {

using detail::all_named;

constexpr std::array<const char*, status_count> status_names{"pending", "in_progress", "done", "closed"};
constexpr std::array<const char*, status_count> status_labels{"待处理", "处理中", "已完成", "已关闭"};
constexpr std::array<const char*, action_count> action_names{"open",
                                                             "classify",
                                                             "assign",
                                                             "start",
                                                             "reply",
                                                             "add_note",
                                                             "change_priority",
                                                             "escalate",
                                                             "wait_for_customer",
                                                             "resume",
                                                             "resolve",
                                                             "close",
                                                             "reopen",
                                                             "cancel",
                                                             "merge",
                                                             "explain_overdue",
                                                             "inform_result",
                                                             "record_attempt",
                                                             "verify_identity",
                                                             "add_task",
                                                             "complete_task",
                                                             "propose_solution",
                                                             "approve",
                                                             "deny",
                                                             "reveal_contact",
                                                             "monitor",
                                                             "sla_warning",
                                                             "sla_breach",
                                                             "remind_progress"};
static_assert(all_named(action_names), "every Action needs its name");
static_assert(all_named(status_names) && all_named(status_labels), "every Status needs its name and label");

constexpr std::array<const char*, sla_stage_count> stage_names{
    "record",          "classify",        "first_response",  "start_handling", "resolution",
    "result_feedback", "progress_update", "second_handling", "follow_up",      "visit_entry"};
constexpr std::array<const char*, 4> tier_names{"new", "regular", "vip", "enterprise"};
constexpr std::array<const char*, 4> responsibility_names{"undetermined", "platform", "third_party", "customer"};
constexpr std::array<const char*, 4> grade_names{"very_satisfied", "satisfied", "neutral", "dissatisfied"};
constexpr std::array<const char*, 4> grade_labels{"非常满意", "满意", "一般", "不满意"};
constexpr std::array<const char*, 6> close_reason_names{"confirmed", "no_answer", "duplicate",
                                                        "spam",      "withdrawn", "unreachable"};
constexpr std::array<const char*, 4> compliance_names{"running", "paused", "met", "breached"};
constexpr std::array<const char*, 4> contact_outcome_names{"reached", "no_answer", "wrong_number", "refused"};
constexpr std::array<const char*, 4> visit_reason_names{"new_customer", "regular", "complaint", "campaign"};
constexpr std::array<const char*, 2> problem_kind_names{"general", "complex"};
constexpr std::array<const char*, 3> link_names{"duplicate_of", "follow_up_of", "related_to"};
constexpr std::array<const char*, notification_kind_count> notification_names{"received",
                                                                              "assigned",
                                                                              "progress",
                                                                              "escalated",
                                                                              "resolved",
                                                                              "reopened",
                                                                              "closed",
                                                                              "cancelled",
                                                                              "sla_warning",
                                                                              "sla_breach",
                                                                              "progress_reminder",
                                                                              "task_assigned",
                                                                              "task_overdue",
                                                                              "approval_requested",
                                                                              "approval_decided",
                                                                              "approval_overdue",
                                                                              "calendar_provisional"};
static_assert(all_named(notification_names), "every NotificationKind needs its name");
static_assert(all_named(stage_names), "every SlaStage needs its name");
constexpr std::array<const char*, 4> approval_state_names{"granted", "pending", "approved", "denied"};
constexpr std::array<const char*, 6> role_names{"agent", "team_lead", "supervisor", "manager", "customer", "system"};
constexpr std::array<const char*, 3> outbox_state_names{"pending", "delivered", "dead"};

// Each table names every enumerator the codecs accept (enum_count, ticketflow/ticket_fields.hpp).
template <class E, std::size_t N>
constexpr bool names_every(const std::array<const char*, N>&) {
    return N == enum_count<E>;
}
static_assert(names_every<CustomerTier>(tier_names) && names_every<Responsibility>(responsibility_names) &&
                  names_every<SatisfactionGrade>(grade_names) && names_every<SatisfactionGrade>(grade_labels) &&
                  names_every<CloseReason>(close_reason_names) && names_every<ContactOutcome>(contact_outcome_names) &&
                  names_every<VisitReason>(visit_reason_names) && names_every<ProblemKind>(problem_kind_names) &&
                  names_every<LinkKind>(link_names) && names_every<ApprovalState>(approval_state_names) &&
                  names_every<Role>(role_names) && names_every<OutboxState>(outbox_state_names) &&
                  names_every<Status>(status_names) && names_every<Action>(action_names) &&
                  names_every<SlaStage>(stage_names) && names_every<NotificationKind>(notification_names),
              "a name table and enum_count disagree");

} // namespace

using detail::enum_name;
using detail::parse_enum;

const char* to_string(Status s) noexcept { return enum_name(status_names, s); }
const char* label_zh(Status s) noexcept { return enum_name(status_labels, s); }
const char* to_string(Action a) noexcept { return enum_name(action_names, a); }
const char* to_string(CustomerTier t) noexcept { return enum_name(tier_names, t); }
const char* to_string(Responsibility r) noexcept { return enum_name(responsibility_names, r); }
const char* to_string(SatisfactionGrade g) noexcept { return enum_name(grade_names, g); }
const char* label_zh(SatisfactionGrade g) noexcept { return enum_name(grade_labels, g); }
const char* to_string(CloseReason r) noexcept { return enum_name(close_reason_names, r); }
const char* to_string(LinkKind k) noexcept { return enum_name(link_names, k); }
const char* to_string(NotificationKind k) noexcept { return enum_name(notification_names, k); }
const char* to_string(Role r) noexcept { return enum_name(role_names, r); }
const char* to_string(SlaStage s) noexcept { return enum_name(stage_names, s); }
const char* to_string(ComplianceState s) noexcept { return enum_name(compliance_names, s); }
const char* to_string(ContactOutcome o) noexcept { return enum_name(contact_outcome_names, o); }
const char* to_string(VisitReason r) noexcept { return enum_name(visit_reason_names, r); }
const char* to_string(ApprovalState s) noexcept { return enum_name(approval_state_names, s); }
const char* to_string(ProblemKind k) noexcept { return enum_name(problem_kind_names, k); }
const char* to_string(OutboxState s) noexcept { return enum_name(outbox_state_names, s); }

OutboxState parse_outbox_state(const std::string& name, const std::string& field) {
    return parse_enum<OutboxState>(outbox_state_names, name, field);
}

ProblemKind parse_problem_kind(const std::string& name, const std::string& field) {
    return parse_enum<ProblemKind>(problem_kind_names, name, field);
}

ApprovalState parse_approval_state(const std::string& name, const std::string& field) {
    return parse_enum<ApprovalState>(approval_state_names, name, field);
}

SatisfactionGrade grade_for_score(int score) {
    if (score < 1 || score > 5) throw ValidationError("score", "must be between 1 and 5");
    return score == 5   ? SatisfactionGrade::very_satisfied
           : score == 4 ? SatisfactionGrade::satisfied
           : score == 3 ? SatisfactionGrade::neutral
                        : SatisfactionGrade::dissatisfied;
}

SlaStage parse_sla_stage(const std::string& name, const std::string& field) {
    return parse_enum<SlaStage>(stage_names, name, field);
}

bool is_system_action(Action a) noexcept {
    return a == Action::monitor || a == Action::sla_warning || a == Action::sla_breach || a == Action::remind_progress;
}

Status parse_status(const std::string& name, const std::string& field) {
    return parse_enum<Status>(status_names, name, field);
}
Action parse_action(const std::string& name, const std::string& field) {
    return parse_enum<Action>(action_names, name, field);
}
CustomerTier parse_customer_tier(const std::string& name, const std::string& field) {
    return parse_enum<CustomerTier>(tier_names, name, field);
}
Responsibility parse_responsibility(const std::string& name, const std::string& field) {
    return parse_enum<Responsibility>(responsibility_names, name, field);
}
SatisfactionGrade parse_satisfaction_grade(const std::string& name, const std::string& field) {
    return parse_enum<SatisfactionGrade>(grade_names, name, field);
}
CloseReason parse_close_reason(const std::string& name, const std::string& field) {
    return parse_enum<CloseReason>(close_reason_names, name, field);
}

std::vector<Channel> builtin_channels() {
    return {channels::phone, channels::online_chat, channels::email,   channels::social_media,
            channels::app,   channels::web_form,    channels::walk_in, channels::follow_up_visit};
}

std::vector<TicketType> builtin_ticket_types() {
    return {ticket_types::consult,    ticket_types::fault,         ticket_types::complaint,
            ticket_types::suggestion, ticket_types::order,         ticket_types::return_exchange,
            ticket_types::how_to,     ticket_types::customisation, ticket_types::follow_up_visit};
}

} // namespace ticketflow
