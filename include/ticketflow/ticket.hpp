#pragma once
/// @file ticket.hpp
/// @brief The ticket (工单) value type and the vocabulary its fields use.
///
/// Field names follow the SOPs' record tables (反馈记录表, 问题处理跟踪表, 需求记录表).
/// A Ticket is a plain value: copying it copies everything, and it carries no
/// references into a store. It holds no real names, phone numbers or ID numbers; the
/// customer is a pseudonymous reference (保密原则).

#include "ticketflow/actor.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/lifecycle.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ticketflow {

/// @brief Ticket number: optional prefix + local date + daily serial, e.g. `20240520001`.
using TicketId = std::string;

/// @brief Intake channel name (反馈渠道). The built-in names are in namespace channels;
/// a host may register its own with DeskConfig::channels.
using Channel = std::string;

/// @brief Ticket type name (反馈类型 / 需求类型). The built-in names are in namespace
/// ticket_types; a host may register its own with DeskConfig::types.
using TicketType = std::string;

/// @brief Built-in channel names.
namespace channels {
inline constexpr const char* phone = "phone";                     ///< 电话
inline constexpr const char* online_chat = "online_chat";         ///< 在线客服
inline constexpr const char* email = "email";                     ///< 邮件
inline constexpr const char* social_media = "social_media";       ///< 社交媒体
inline constexpr const char* app = "app";                         ///< APP 内反馈
inline constexpr const char* web_form = "web_form";               ///< 官网反馈入口
inline constexpr const char* walk_in = "walk_in";                 ///< 到店 / 上门
inline constexpr const char* follow_up_visit = "follow_up_visit"; ///< 回访中发现
} // namespace channels

/// @brief Built-in ticket type names.
namespace ticket_types {
inline constexpr const char* consult = "consult";                 ///< 咨询
inline constexpr const char* fault = "fault";                     ///< 故障 / 问题
inline constexpr const char* complaint = "complaint";             ///< 投诉
inline constexpr const char* suggestion = "suggestion";           ///< 建议
inline constexpr const char* order = "order";                     ///< 订单查询
inline constexpr const char* return_exchange = "return_exchange"; ///< 售后退换货
inline constexpr const char* how_to = "how_to";                   ///< 操作指导
inline constexpr const char* customisation = "customisation";     ///< 定制
inline constexpr const char* follow_up_visit = "follow_up_visit"; ///< 回访: a follow-up call on served tickets
} // namespace ticket_types

/// @brief The built-in channel names, in declaration order.
TICKETFLOW_API std::vector<Channel> builtin_channels();
/// @brief The built-in ticket type names, in declaration order.
TICKETFLOW_API std::vector<TicketType> builtin_ticket_types();

/// @brief An ordered set of named priority levels (紧急程度 / 优先级).
///
/// The SOPs use different scales (一般 / 紧急 / 特急, P3 / P2 / P1, 一般 / 重要 / 紧急),
/// so levels are names ordered from least to most urgent. Immutable value; thread-safe.
class TICKETFLOW_API PriorityScheme {
public:
    /// @brief @p levels from least to most urgent; names must be non-empty and distinct.
    /// @throws ValidationError (field "priorities") otherwise.
    explicit PriorityScheme(std::vector<std::string> levels);
    /// @brief Seed 000: 一般, 紧急, 特急.
    static PriorityScheme urgency3();
    /// @brief Seed 001: P3, P2, P1 (P1 most urgent).
    static PriorityScheme p_levels();
    /// @brief Seed 003: 一般, 重要, 紧急.
    static PriorityScheme importance3();

    /// @brief Levels from least to most urgent.
    const std::vector<std::string>& levels() const noexcept { return levels_; }
    /// @brief True when @p name is a level of this scheme.
    bool contains(const std::string& name) const noexcept;
    /// @brief Position of @p name, 0 = least urgent. @throws ValidationError if unknown.
    int rank(const std::string& name) const;
    /// @brief The level one step more urgent than @p name, or @p name when it is the top.
    const std::string& raised(const std::string& name) const;
    /// @brief The least urgent level, the default for new tickets.
    const std::string& lowest() const noexcept { return levels_.front(); }

private:
    std::vector<std::string> levels_;
};

/// @brief Customer tier (客户类型 / 客户分层).
enum class CustomerTier : unsigned char {
    new_customer, ///< 新客户
    regular,      ///< 老客户
    vip,          ///< VIP 客户
    enterprise,   ///< 企业客户
};

/// @brief Stable lower-case name, e.g. `"vip"`.
TICKETFLOW_API const char* to_string(CustomerTier tier) noexcept;
/// @brief Parses a name from to_string(CustomerTier). @throws ValidationError naming @p field.
TICKETFLOW_API CustomerTier parse_customer_tier(const std::string& name, const std::string& field = "customer.tier");

/// @brief Pseudonymous reference to the customer (客户编号 / 昵称*); never a real name or phone.
struct CustomerRef {
    std::string id; ///< Customer number, e.g. `C20240520001`. Required.
    /// @brief Optional display nickname (e.g. 小王*). The privacy policy treats it as free
    /// text, which does not detect a plain name (docs/privacy.md); when intake vaults a
    /// contact and no nickname is given, it is the contact's masked name (mask_name()).
    std::string nickname;
    CustomerTier tier = CustomerTier::regular; ///< Customer tier.
    /// @brief Opaque token for contact details kept outside the ticket; intake refuses a
    /// phone number, ID or card number here.
    std::string contact_token;
};

/// @brief Who was responsible for the problem (责任归属, seed 002).
enum class Responsibility : unsigned char {
    undetermined, ///< Not yet determined.
    platform,     ///< 平台责任
    third_party,  ///< 第三方责任 (e.g. the courier)
    customer,     ///< 客户自身责任
};

/// @brief Stable lower-case name, e.g. `"third_party"`.
TICKETFLOW_API const char* to_string(Responsibility r) noexcept;
/// @brief Parses a name from to_string(Responsibility). @throws ValidationError naming @p field.
TICKETFLOW_API Responsibility parse_responsibility(const std::string& name,
                                                   const std::string& field = "responsibility");

/// @brief The four satisfaction grades of seed 000 (客户满意度).
enum class SatisfactionGrade : unsigned char {
    very_satisfied, ///< 非常满意: the customer clearly approves.
    satisfied,      ///< 满意: no objection, problem solved.
    neutral,        ///< 一般: solved, but the experience was mediocre.
    dissatisfied,   ///< 不满意: objections remain or the problem is not fully solved.
};

/// @brief Stable lower-case name, e.g. `"very_satisfied"`.
TICKETFLOW_API const char* to_string(SatisfactionGrade grade) noexcept;
/// @brief The SOP's Chinese term, e.g. `"非常满意"`.
TICKETFLOW_API const char* label_zh(SatisfactionGrade grade) noexcept;
/// @brief Parses a name from to_string(SatisfactionGrade). @throws ValidationError naming @p field.
TICKETFLOW_API SatisfactionGrade parse_satisfaction_grade(const std::string& name,
                                                          const std::string& field = "satisfaction.grade");

/// @brief The customer's satisfaction with the result.
struct Satisfaction {
    SatisfactionGrade grade = SatisfactionGrade::satisfied; ///< Four-grade verdict.
    /// @brief Optional overall 1–5 score (seeds 002, 004); 5 = very satisfied. When given,
    /// `grade` must be grade_for_score() of it: the desk refuses a contradicting pair.
    std::optional<int> score;
    std::string comment;             ///< The customer's own words.
    std::optional<int> efficiency{}; ///< Optional 1–5 score for speed (服务效率).
    std::optional<int> attitude{};   ///< Optional 1–5 score for the staff's attitude (人员态度).
    std::optional<int> outcome{};    ///< Optional 1–5 score for the result (处理结果).
};

/// @brief One verdict the customer gave on a ticket (one round of handling).
///
/// Every answer is kept, so a 不满意 that sent the ticket to second handling stays on
/// record however the ticket ends.
struct SatisfactionRound {
    /// @brief The round answered: 0 = the first handling, n = the n-th second handling
    /// (Ticket::reopen_count when the answer was given).
    std::uint32_t round = 0;
    Instant at;                ///< When it was recorded.
    Satisfaction satisfaction; ///< The verdict.
};

/// @brief Why a ticket was closed.
enum class CloseReason : unsigned char {
    confirmed,   ///< The customer confirmed the result (satisfaction recorded).
    no_answer,   ///< The customer did not answer the result feedback.
    duplicate,   ///< Cancelled: duplicate of another ticket.
    spam,        ///< Cancelled: spam or abuse.
    withdrawn,   ///< Cancelled: withdrawn by the customer.
    unreachable, ///< A follow-up visit that reached nobody after the allowed attempts.
};

/// @brief Stable lower-case name, e.g. `"no_answer"`.
TICKETFLOW_API const char* to_string(CloseReason reason) noexcept;
/// @brief Parses a name from to_string(CloseReason). @throws ValidationError naming @p field.
TICKETFLOW_API CloseReason parse_close_reason(const std::string& name, const std::string& field = "close_reason");

/// @brief The 4-grade verdict matching a 1–5 score: 5 非常满意, 4 满意, 3 一般, 1–2 不满意.
TICKETFLOW_API SatisfactionGrade grade_for_score(int score);

/// @brief That the customer was told the result after completion (向客户反馈结果).
struct ResultNotice {
    Instant at;          ///< When the customer was told.
    Channel channel;     ///< How (phone, the original channel, …).
    std::string summary; ///< What was said.
};

/// @brief Outcome of one call attempt of a follow-up visit.
enum class ContactOutcome : unsigned char {
    reached,      ///< Spoke to the customer.
    no_answer,    ///< Nobody answered.
    wrong_number, ///< The contact details are invalid.
    refused,      ///< The customer declined the visit.
};

/// @brief Stable lower-case name, e.g. `"wrong_number"`.
TICKETFLOW_API const char* to_string(ContactOutcome outcome) noexcept;

/// @brief One call attempt of a follow-up visit.
struct ContactAttempt {
    Instant at;                                       ///< When.
    ContactOutcome outcome = ContactOutcome::reached; ///< What happened.
    std::string note;                                 ///< Remarks.
};

/// @brief The answer to one scripted question of a follow-up visit (回访话术).
struct VisitAnswer {
    std::string question; ///< The question asked.
    int score = 5;        ///< 1–5 (1 非常不满意, 5 非常满意).
    std::string reason;   ///< Why, in the customer's words.
};

/// @brief Why a customer was selected for a follow-up visit.
enum class VisitReason : unsigned char {
    new_customer, ///< First served in the last 30 days.
    regular,      ///< Served in the last 7 days.
    complaint,    ///< A complaint closed in the last 48 h.
    campaign,     ///< A special campaign sample by tier (专项回访).
};

/// @brief Stable lower-case name, e.g. `"complaint"`.
TICKETFLOW_API const char* to_string(VisitReason reason) noexcept;

/// @brief What a follow-up visit ticket (type follow_up_visit) carries beyond a ticket.
struct VisitDetails {
    VisitReason reason = VisitReason::regular; ///< Selection rule.
    std::string plan;                          ///< The plan it belongs to (name and seed).
    Instant window_from;                       ///< Not to be called before.
    Instant window_until;                      ///< To be done by (overdue after).
    std::vector<ContactAttempt> attempts;      ///< Call attempts so far.
    std::vector<VisitAnswer> answers;          ///< Scripted questions and scores.
    std::string comment;                       ///< Free comments.
};

/// @brief How much a problem raised in a follow-up visit asks of its department
/// (《客户反馈处理工单》, seed 004), which sets its deadlines (SlaPolicy::work_orders).
enum class ProblemKind : unsigned char {
    general, ///< 一般问题: a response within 24 h.
    complex, ///< 复杂问题: done within 3 working days.
};

/// @brief Stable lower-case name, e.g. `"complex"`.
TICKETFLOW_API const char* to_string(ProblemKind kind) noexcept;
/// @brief Parses a name from to_string(ProblemKind). @throws ValidationError naming @p field.
TICKETFLOW_API ProblemKind parse_problem_kind(const std::string& name, const std::string& field = "kind");

/// @brief What makes a ticket a work order (客户反馈处理工单): a problem a follow-up visit
/// raised, with its kind and problem type.
struct WorkOrder {
    ProblemKind kind = ProblemKind::general; ///< General or complex.
    /// @brief 问题类型, e.g. `服务效率`, `人员态度`: what picked the responsible department
    /// (DeskConfig::problem_departments). May be empty.
    std::string problem_type;
    /// @brief The problem was raised with a priority of its own: the priority's targets
    /// time it where they name a stage, before the kind's (a 特急 problem gets 特急's 1 h).
    bool by_priority = false;
};

/// @brief Work another department does for a ticket (跨部门协作, seeds 001 and 003).
struct CollaborationTask {
    std::uint32_t number = 0;         ///< 1, 2, … within the ticket.
    std::string department;           ///< The collaborating department.
    std::string owner;                ///< Who answers for it there.
    std::string description;          ///< What is needed.
    Instant due;                      ///< 协作节点: by when.
    bool mandatory = true;            ///< While open, the ticket cannot be resolved.
    std::optional<Instant> completed; ///< When it was done.
    std::string outcome;              ///< What came of it.
    bool overdue_notified = false;    ///< tick() has told the owner it is late.
};

/// @brief What a handler offers the customer that costs money (解决方案 / 补偿方案).
enum class SolutionKind : unsigned char {
    refund,       ///< 退款
    compensation, ///< 赔偿 / 补偿
    coupon,       ///< 优惠券
};

/// @brief Stable lower-case name, e.g. `"coupon"`.
TICKETFLOW_API const char* to_string(SolutionKind kind) noexcept;
/// @brief Parses a name from to_string(SolutionKind). @throws ValidationError naming @p field.
TICKETFLOW_API SolutionKind parse_solution_kind(const std::string& name, const std::string& field = "kind");

/// @brief Where a proposed solution stands (权限内处理 / 超权限上报, seed 002).
enum class ApprovalState : unsigned char {
    granted,  ///< Within the proposer's own limit: granted without approval.
    pending,  ///< Beyond the proposer's limit: waiting for the approver role.
    approved, ///< Approved by someone with the authority.
    denied,   ///< Denied; the handler must offer something else.
};

/// @brief Stable lower-case name, e.g. `"pending"`.
TICKETFLOW_API const char* to_string(ApprovalState state) noexcept;
/// @brief Parses a name from to_string(ApprovalState). @throws ValidationError naming @p field.
TICKETFLOW_API ApprovalState parse_approval_state(const std::string& name, const std::string& field = "state");

/// @brief A solution that costs money, proposed on a ticket, and its approval.
///
/// Recorded by ServiceDesk::propose_solution(): granted at once when the amount lies within
/// the proposer's limit, otherwise pending until ServiceDesk::approve() or
/// ServiceDesk::deny(). While any approval is pending the ticket cannot be resolved.
struct Approval {
    std::uint32_t number = 0;                 ///< 1, 2, … within the ticket.
    SolutionKind kind = SolutionKind::refund; ///< Refund, compensation or coupon.
    double amount = 0;                        ///< Amount offered (finite, >= 0).
    std::string description;                  ///< What is offered and why.
    std::string requested_by;                 ///< Staff id of the proposer.
    /// @brief The lowest role that may approve it (AuthorityDecision::approver); unset when
    /// it was granted within the proposer's limit.
    std::optional<Role> approver;
    Instant requested_at; ///< When it was proposed.
    /// @brief By when the approver should decide (DeskConfig::approval_deadline in business
    /// time); equals requested_at for granted solutions.
    Instant due;
    ApprovalState state = ApprovalState::pending; ///< Where it stands.
    std::string decided_by;                       ///< Who approved or denied it (the proposer when granted).
    std::optional<Instant> decided_at;            ///< When it was decided.
    std::string note;                             ///< The approver's note, or the reason for a denial.
    bool overdue_notified = false;                ///< tick() has told the approver it is late.
};

/// @brief How a ticket relates to another one.
enum class LinkKind : unsigned char {
    duplicate_of, ///< This ticket repeats the linked one (重复问题).
    follow_up_of, ///< Derived from the linked ticket (feedback or a follow-up visit).
    related_to,   ///< Loosely related.
};

/// @brief Stable lower-case name, e.g. `"follow_up_of"`.
TICKETFLOW_API const char* to_string(LinkKind kind) noexcept;

/// @brief A link from one ticket to another.
struct TicketLink {
    LinkKind kind = LinkKind::related_to; ///< How the tickets relate.
    TicketId target;                      ///< The other ticket.
    /// @brief Links are equal when kind and target are.
    friend bool operator==(const TicketLink& a, const TicketLink& b) {
        return a.kind == b.kind && a.target == b.target;
    }
};

/// @brief When the ticket reached each stage (unset = not reached yet).
///
/// Stages are overwritten by second handling, except `first_response` and `received`.
struct StageTimes {
    Instant received;                      ///< 反馈时间: when the customer raised it (minute precision).
    Instant recorded;                      ///< When it was entered (may be after `received`).
    std::optional<Instant> classified;     ///< Type / priority last set.
    std::optional<Instant> assigned;       ///< Last (re)assignment.
    std::optional<Instant> first_response; ///< First customer-facing reply.
    std::optional<Instant> started;        ///< Handling started (latest round).
    std::optional<Instant> resolved;       ///< 实际完成时间 (latest round).
    std::optional<Instant> closed;         ///< Closed or cancelled.
    /// @brief When the latest version was written: the time of its command. A later
    /// command may not be earlier (see DeskConfig::clock_tolerance).
    Instant updated;
};

/// @brief A stage of handling that the SOPs put a deadline on (时效要求).
enum class SlaStage : unsigned char {
    record,          ///< Intake recorded after the customer raised it (seed 003: 5 min).
    classify,        ///< Type and priority decided (seed 003: 30 min).
    first_response,  ///< First customer-facing reply (seed 000: 1 h / 4 h / 24 h).
    start_handling,  ///< Handling started after assignment (seed 003: 10 min / 1 h / 2 h).
    resolution,      ///< Handling finished (seed 001: 24 h / 3 / 7 working days).
    result_feedback, ///< Customer told the result after completion (seed 000: 1 h; 003: 2 h).
    progress_update, ///< Periodic progress update while in progress (every 24 h), or when
                     ///< handling runs past its estimated completion.
    second_handling, ///< Second handling begun after a dissatisfied customer (24 h).
    follow_up,       ///< A follow-up visit done within its window (VisitDetails).
    /// @brief A follow-up visit's results entered after the call that reached the customer
    /// (回访结束后2小时内录入): from the latest `reached` attempt to record_visit.
    visit_entry,
};

/// @brief Number of SlaStage enumerators.
inline constexpr int sla_stage_count = static_cast<int>(SlaStage::visit_entry) + 1;

/// @brief Stable lower-case name, e.g. `"first_response"`.
TICKETFLOW_API const char* to_string(SlaStage stage) noexcept;
/// @brief Parses a name from to_string(SlaStage). @throws ValidationError naming @p field.
TICKETFLOW_API SlaStage parse_sla_stage(const std::string& name, const std::string& field = "stage");

/// @brief A finished pause of an SLA clock, [from, to).
struct SlaPause {
    Instant from; ///< Paused at.
    Instant to;   ///< Resumed at.
    /// @brief Pauses are equal when both ends are.
    friend bool operator==(const SlaPause& a, const SlaPause& b) { return a.from == b.from && a.to == b.to; }
};

/// @brief The running state of one stage's deadline on one ticket.
///
/// Maintained by the desk; `due` and `warn_at` are derived from `started`, the pauses,
/// the priority's target and the calendar, and are recomputed when any of them changes.
struct SlaClock {
    SlaStage stage = SlaStage::resolution; ///< Which stage.
    Instant started;                       ///< When the clock started (before any cut-off).
    std::optional<Instant> stopped;        ///< When the stage was completed.
    std::vector<SlaPause> pauses;          ///< Finished pauses.
    std::optional<Instant> paused_since;   ///< Set while paused.
    /// @brief When the warning falls due (pauses included). On a progress_update clock past
    /// its deadline (`breached`) it holds instead the instant the latest progress reminder
    /// was due, from which the next reminder is counted.
    Instant warn_at;
    Instant due;                   ///< Deadline (pauses included).
    bool warned = false;           ///< The warning was emitted.
    bool breached = false;         ///< The breach was emitted.
    std::uint32_t escalations = 0; ///< Escalation ladder steps taken.
    std::string overdue_reason;    ///< Why it was late, as noted by the handler.
    /// @brief The deadline depends on a date outside the calendar's coverage
    /// (BusinessCalendar::coverage()): it was computed with the weekly schedule alone and
    /// may move when newer holiday data is loaded (ServiceDesk::replace_calendar()).
    bool provisional = false;
};

/// @brief A customer-service ticket (工单).
///
/// Written only through ServiceDesk; `version` counts committed changes and is what the
/// store's optimistic concurrency checks.
struct Ticket {
    TicketId id;                     ///< 编号, assigned at intake.
    std::uint64_t version = 0;       ///< Committed versions so far (1 after intake).
    Status status = Status::pending; ///< 处理状态.
    Channel channel;                 ///< 反馈渠道.
    TicketType type;                 ///< 反馈类型.
    std::string priority;            ///< 紧急程度: a level of the desk's PriorityScheme.
    CustomerRef customer;            ///< 客户编号 / 昵称*.
    std::string description;         ///< 问题描述: the core of the request, masked of PII.
    std::string order_number;        ///< 订单号, when the request concerns an order.
    /// @brief References to screenshots, videos, files: stored as given, not scanned for
    /// personal data (a masked reference would no longer find its file).
    std::vector<std::string> attachments;
    std::string department;                                       ///< Handling department (e.g. 技术部).
    std::string assignee;                                         ///< 负责人: handler's staff id or nickname.
    StageTimes times;                                             ///< Stage timestamps.
    std::optional<Instant> estimated_completion;                  ///< 预计完成时间.
    std::string resolution;                                       ///< 处理方案 / 结果.
    Responsibility responsibility = Responsibility::undetermined; ///< 责任归属.
    /// @brief 客户满意度: the latest answer given, in any round. Closing without an answer
    /// keeps it.
    std::optional<Satisfaction> satisfaction;
    std::optional<CloseReason> close_reason;   ///< Why it was closed.
    std::string remarks;                       ///< 备注.
    std::vector<std::string> tags;             ///< Free tags.
    std::vector<TicketLink> links;             ///< Links to other tickets.
    std::uint32_t reopen_count = 0;            ///< Rounds of second handling (二次处理).
    std::uint32_t escalation_level = 0;        ///< 0 = not escalated; each escalation adds one.
    bool waiting_for_customer = false;         ///< Paused, waiting for the customer.
    std::string wait_reason;                   ///< Why it waits (set while waiting).
    std::optional<Instant> resume_at;          ///< While waiting: when the wait ends by itself.
    std::vector<SlaClock> sla;                 ///< SLA clocks, one per timed stage (latest round).
    std::optional<ResultNotice> result_notice; ///< The customer was told the result (this round; a reopen clears it).
    std::optional<VisitDetails> visit;         ///< Set on follow-up visit tickets only.
    bool identity_verified = false;            ///< 身份确认 done: staff may read the contact details.
    std::vector<CollaborationTask> tasks;      ///< Cross-department collaboration tasks.
    std::vector<Approval> approvals;           ///< Solutions proposed, granted or awaiting approval.
    /// @brief Every verdict the customer gave, oldest first, one per answered round; the
    /// last one is `satisfaction`. Empty on tickets stored before it was kept.
    std::vector<SatisfactionRound> satisfaction_history;
    /// @brief Set on a work order: a problem raised in a follow-up visit (ServiceDesk::record_visit()).
    std::optional<WorkOrder> work_order;
};

} // namespace ticketflow
