#pragma once
/// @file desk.hpp
/// @brief ServiceDesk: the facade a host calls to run its ticket workflow.
///
/// Every command names the Actor performing it, is validated, checked against the
/// lifecycle, and committed to the TicketStore as one atomic change together with its
/// audit events and notifications. A command that throws changes nothing.

#include "ticketflow/actor.hpp"
#include "ticketflow/audit.hpp"
#include "ticketflow/authorizer.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/notify.hpp"
#include "ticketflow/privacy.hpp"
#include "ticketflow/routing.hpp"
#include "ticketflow/similarity.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/templates.hpp"
#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ticketflow {

class DeskObserver;

/// @brief Text limits applied to every command (bytes of UTF-8).
struct TextLimits {
    std::size_t short_text = 128; ///< Ids, names, departments, tags, order numbers.
    std::size_t long_text = 8192; ///< Descriptions, resolutions, replies, notes.
    std::size_t max_list = 64;    ///< Attachments, tags, links per ticket.
};

/// @brief What the desk does with a deadline that depends on a date outside the coverage
/// of its calendar's holiday data (see SlaClock::provisional).
enum class ProvisionalDeadlines : unsigned char {
    /// @brief Computes it with the weekly schedule, marks the clock provisional, records it
    /// in the audit trail and tells DeskConfig::calendar_admin once when the ticket gets
    /// its first provisional deadline (default: the desk keeps working).
    compute,
    /// @brief A command that would set such a deadline throws CalendarError naming the date
    /// and the coverage, and writes nothing. The monitor (tick()) and recomputations, which
    /// nobody could retry, still compute, mark and record it.
    refuse,
};

/// @brief Settings of a ServiceDesk. Plain value, copied into the desk.
struct DeskConfig {
    /// @brief The desk's business calendar: local dates of ticket numbers and, through the
    /// default calculator, every SLA deadline. Default: mainland China, 2024–2026.
    /// ServiceDesk::replace_calendar() swaps it at run time; ServiceDesk::calendar() is the
    /// one in use, config().calendar stays the one the desk was built with.
    BusinessCalendar calendar = BusinessCalendar::china_mainland();
    /// @brief Deadlines that depend on a date past the calendar's coverage: computed and
    /// marked provisional (default), or refused.
    ProvisionalDeadlines provisional_deadlines = ProvisionalDeadlines::compute;
    /// @brief Who is told (NotificationKind::calendar_provisional) when a ticket's deadline
    /// becomes provisional: the desk's calendar administrator, a role name or staff id.
    std::string calendar_admin = "manager";
    /// @brief The wording of every notification text the desk writes (templates.hpp):
    /// the built-in zh-CN set by default, the SOPs' wording; MessageTemplates::en(), a set
    /// with some messages reworded by MessageTemplates::set(), or one read by
    /// MessageTemplates::from_json_file(). Templates are checked when they are set or
    /// loaded, so a desk never fails to word a notification.
    MessageTemplates templates = MessageTemplates::zh_CN();
    /// @brief SLA targets per priority; its PriorityScheme is the desk's set of levels.
    SlaPolicy sla = SlaPolicy::seed000();
    /// @brief Replaces the deadline arithmetic; null = CalendarSlaCalculator on `calendar`.
    std::shared_ptr<const SlaCalculator> sla_calculator;
    std::vector<Channel> channels = builtin_channels();     ///< Allowed channels.
    std::vector<TicketType> types = builtin_ticket_types(); ///< Allowed ticket types.
    /// @brief Prepended to ticket numbers (e.g. "T"); may be empty. Printable UTF-8, and
    /// short enough that a number (prefix, yyyymmdd, serial of up to 20 digits) stays
    /// within `limits.short_text`.
    std::string id_prefix;
    TextLimits limits; ///< Input size limits.
    /// @brief A done ticket whose customer has not answered by the end of this many working
    /// days after completion is closed as no_answer by tick(); 0 = never.
    int feedback_timeout_workdays = 3;
    /// @brief record_feedback() reopens for second handling when the 1–5 score is at or
    /// below this (as well as on 不满意).
    int reopen_score_threshold = 2;
    /// @brief Unanswered call attempts after which a follow-up visit is closed as unreachable.
    std::uint32_t max_visit_attempts = 3;
    /// @brief What happens to personal data found in free text (保密原则): by default it is
    /// masked in every field before it reaches the store, the audit trail or a notification.
    /// Field names: description, remarks, resolution, tags, customer.nickname, note (audit
    /// notes: replies, notes, reasons), notification, satisfaction.comment, visit.comment,
    /// visit.answer, result_notice.summary, wait_reason, approval.description,
    /// approval.note, work_order.problem_type; satisfaction.comment covers every round of
    /// Ticket::satisfaction_history too. Each command checks the text it writes or changes;
    /// text the ticket already had is left as stored.
    PrivacyPolicy privacy;
    /// @brief Classifies new tickets (department and, when the request names none, the
    /// priority) as they are opened; null = no routing. Its suggested priorities must be
    /// levels of `sla.priorities`.
    std::shared_ptr<const Router> router;
    /// @brief Decides who may do what; null = RoleAuthorizer.
    std::shared_ptr<const Authorizer> authorizer;
    /// @brief Approval limits for ServiceDesk::propose_solution(), approve() and deny();
    /// null = a default AuthorityPolicy (agent 50, team lead 200, supervisor 1000, manager
    /// unlimited).
    std::shared_ptr<const AuthorityPolicy> authority;
    /// @brief The agents: an actor listed here is judged by its own Agent::approval_limit
    /// (otherwise by its Role's default), and assignment loads are kept here. Optional;
    /// required when `assigner` is set, and then it must be the assigner's directory.
    std::shared_ptr<AgentDirectory> directory;
    /// @brief Chooses a handler for each new ticket that has none after routing, and for
    /// unassigned pending tickets on every tick(); null = no automatic assignment.
    std::shared_ptr<const Assigner> assigner;
    /// @brief Weight of a ticket in its assignee's load, by priority (see LoadWeights).
    LoadWeights load_weights;
    /// @brief Business time (on `calendar`) the approver has to decide on a solution beyond
    /// the handler's limit; tick() tells the approver role once when it passes. Default:
    /// 4 working hours, so a request made in the morning is decided the same working day
    /// and one made in the afternoon by the next morning, well inside seed 000's 24-hour
    /// resolution target for urgent tickets. Must be positive.
    Duration approval_deadline = std::chrono::hours(4);
    /// @brief Keeps the contact details given at intake (NewTicket::contact); the ticket
    /// stores only its token. Required when a request carries contact details.
    std::shared_ptr<ContactVault> contact_vault;
    /// @brief Flags probable repeats at intake (确认是否为重复问题): a new ticket whose
    /// description is similar to one of the same customer's tickets (still open, or received
    /// or closed within the window) gets a `duplicate_of` link to it (to the root of its
    /// repeat chain) and a note in its audit trail saying which ticket and how similar.
    /// The candidates are the customer's own tickets (TicketQuery::customer_id, an indexed
    /// query in the built-in stores); RepeatOptions::same_order then also accepts a match
    /// on the order number among them. Unset = no detection. Confirm a flagged repeat with
    /// ServiceDesk::merge().
    std::optional<RepeatOptions> repeats;
    /// @brief How notifications reach the desk's Notifier: after each command (default),
    /// on a background thread the desk owns, or when the host calls
    /// ServiceDesk::dispatch_notifications(); with the retry policy for failures.
    DeliveryOptions delivery;
    /// @brief For several desks (threads, processes, servers) on one store: this desk's
    /// name in claims and their lease. tick() claims the due entries it handles and the
    /// dispatcher the outbox rows it delivers, so each warning fires once and each
    /// notification is delivered by one desk; the work of a desk that dies is taken over
    /// when its lease lapses.
    ClaimOptions claims;
    int max_commit_attempts = 32; ///< Optimistic retries when another writer got there first.
    /// @brief Time never goes backwards on a ticket: a command whose time is before the
    /// ticket's latest change (StageTimes::updated) by at most this much — desks on
    /// several servers whose clocks differ by seconds — is recorded at that change's
    /// instant instead; one further back is refused with ValidationError (field `now`)
    /// naming both instants, and tick() leaves such a ticket for a later tick. Not negative.
    Duration clock_tolerance = std::chrono::minutes(5);
    /// @brief The department responsible for a problem raised in a follow-up visit, by its
    /// problem type (RaisedProblem::problem_type), when the problem names no department.
    /// Default: the SOP's example, 服务效率 → 运营部, 人员态度 → 人力资源部.
    std::map<std::string, std::string> problem_departments{{"服务效率", "运营部"}, {"人员态度", "人力资源部"}};
    /// @brief Hears the desk's commands, commits, deliveries, SLA events and ticks (for
    /// metrics: see observer.hpp); null = nobody does, at the cost of a null check. Shared
    /// with the desk; the desks on one store may share one.
    std::shared_ptr<DeskObserver> observer;
};

/// @brief Intake data for a new ticket (接收反馈与初步登记).
struct NewTicket {
    Channel channel;      ///< Required; one of DeskConfig::channels.
    TicketType type;      ///< Required; one of DeskConfig::types.
    std::string priority; ///< Empty = the scheme's lowest level.
    /// @brief customer.id is required: a pseudonymous customer number; one that is itself
    /// a phone, resident ID or bank card number or an e-mail address is refused
    /// (ValidationError, see personal_data_in_identifier()).
    CustomerRef customer;
    std::string description;              ///< Required: the customer's core problem.
    std::string order_number;             ///< Optional; refused like customer.id when it is personal data.
    std::vector<std::string> attachments; ///< Optional references.
    std::string department;               ///< Optional initial department.
    std::optional<Instant> received_at;   ///< When the customer raised it; default now. Not in the future.
    std::vector<std::string> tags;        ///< Optional tags.
    std::string remarks;                  ///< Optional remarks.
    std::vector<TicketLink> links;        ///< Optional links to existing tickets.
    /// @brief Contact details the desk must keep: stored in DeskConfig::contact_vault, never
    /// in the ticket; a name given here becomes the masked nickname (张*) when none is set.
    Contact contact;
};

/// @brief Classification (需求分类与优先级判定); unset members stay as they are.
struct Classification {
    std::optional<TicketType> type;               ///< New type.
    std::optional<std::string> priority;          ///< New priority level.
    std::optional<std::string> department;        ///< New department.
    std::optional<std::vector<std::string>> tags; ///< Replaces the tags.
};

/// @brief The outcome of handling (处理方案 / 结果).
struct Resolution {
    std::string text;                                             ///< Required: what was done.
    Responsibility responsibility = Responsibility::undetermined; ///< Who was responsible.
};

/// @brief A collaboration task to give another department (跨部门协作).
struct TaskRequest {
    std::string department;  ///< Required: the collaborating department.
    std::string owner;       ///< Required: who answers for it there.
    std::string description; ///< Required: what is needed.
    Instant due;             ///< Required: by when; not in the past.
    bool mandatory = true;   ///< The ticket cannot be resolved while it is open.
};

/// @brief A solution that costs money, offered to the customer (解决方案 / 补偿方案, seed 002).
struct SolutionProposal {
    SolutionKind kind = SolutionKind::refund; ///< Refund, compensation or coupon.
    double amount = 0;                        ///< Required: finite and >= 0, in the desk's currency.
    std::string description;                  ///< Required: what is offered and why.
};

/// @brief The customer's answer to the result feedback.
struct CustomerFeedback {
    std::optional<Satisfaction> satisfaction; ///< Unset = the customer did not answer.
};

/// @brief A follow-up visit to schedule (回访计划的一项).
struct VisitRequest {
    TicketId served;                           ///< The served ticket the visit follows up.
    VisitReason reason = VisitReason::regular; ///< Why this customer was selected.
    std::string plan;                          ///< Plan name and seed, so the plan can be re-derived.
    Instant window_from;                       ///< Not to be called before: earlier attempts and records are refused.
    Instant window_until;                      ///< To be done by; tick() flags it overdue after.
    std::string assignee;                      ///< Who calls; may be empty (assign later).
    std::string department;                    ///< The visiting team.
};

/// @brief A problem the customer raised in a follow-up visit: it becomes a work order
/// (《客户反馈处理工单》), a ticket derived from the visit.
struct TICKETFLOW_API RaisedProblem {
    /// @brief A general problem of no particular type.
    RaisedProblem() = default;
    /// @brief The problem @p request of @p kind and @p problem_type (implicit, so a plain
    /// NewTicket is a general problem).
    RaisedProblem(NewTicket request, ProblemKind kind = ProblemKind::general, std::string problem_type = {});

    /// @brief The work order's intake data. Its customer and channel default to the
    /// visit's. An empty department is filled from DeskConfig::problem_departments by
    /// `problem_type`; a priority given here times the work order by that priority's
    /// targets before the kind's (WorkOrder::by_priority).
    NewTicket request;
    ProblemKind kind = ProblemKind::general; ///< General (24 h response) or complex (3 working days).
    std::string problem_type;                ///< 问题类型, e.g. `服务效率`; may be empty.
};

/// @brief What the customer said in a reached follow-up visit.
struct VisitRecord {
    std::vector<VisitAnswer> answers; ///< Scripted questions with 1–5 scores and reasons.
    std::string comment;              ///< Free comments.
    /// @brief The overall verdict; unset = derived from the mean answer score.
    std::optional<Satisfaction> satisfaction;
    /// @brief Problems raised: each becomes a work order, a derived ticket (follow_up_of
    /// the visit) with Ticket::work_order set.
    std::vector<RaisedProblem> problems;
};

/// @brief The closed visit and the tickets derived from it.
struct VisitOutcome {
    Ticket visit;                ///< The visit ticket, closed.
    std::vector<Ticket> derived; ///< One per problem raised, in order.
};

/// @brief Both tickets after ServiceDesk::merge().
struct MergeOutcome {
    Ticket duplicate; ///< Closed as a duplicate, linked `duplicate_of` the primary.
    Ticket primary;   ///< Still open, linked `related_to` the duplicate.
};

/// @brief What one ServiceDesk::tick() did.
struct TickReport {
    std::size_t tickets = 0;           ///< Tickets the monitor looked at.
    std::size_t warnings = 0;          ///< SLA warnings emitted.
    std::size_t breaches = 0;          ///< SLA breaches emitted.
    std::size_t escalations = 0;       ///< Escalation steps taken.
    std::size_t reminders = 0;         ///< Progress-update reminders sent.
    std::size_t resumed = 0;           ///< Waits for the customer that ended by themselves.
    std::size_t auto_closed = 0;       ///< Done tickets closed as no_answer after the feedback timeout.
    std::size_t approvals_overdue = 0; ///< Approvals whose approver was told they are late.
    std::size_t assigned = 0;          ///< Waiting pending tickets assigned by DeskConfig::assigner.
};

namespace detail {
struct DeskCore;
} // namespace detail

/// @brief The ticket workflow facade.
///
/// Thread-safety: all methods may be called concurrently from many threads. Commands on
/// the same ticket are applied one after another, each on the latest version (a command
/// that loses a race is re-evaluated on the new version, so no update is lost); commands
/// on different tickets run in parallel. Each command is one transaction: it locks the
/// tickets it touches, drafts every action on a working copy and writes everything with
/// one TicketStore::commit_all() — a command that throws has written nothing (a refused
/// permission is kept in the ticket's audit trail, by design).
///
/// Callbacks: the Authorizer, Router, Assigner and SlaCalculator are called while the
/// command holds the locks of its tickets, so they must not call back into the desk. The
/// Notifier is never called under those locks (see DeliveryMode) and may call any method
/// of the desk, also on the ticket it is told about, except dispatch_notifications().
///
/// Ownership: the desk shares ownership of the store, clock and notifier passed to it.
/// In DeliveryMode::background the destructor stops the desk's delivery thread (and
/// drains it, see DeliveryOptions::drain_on_shutdown) before it returns.
class TICKETFLOW_API ServiceDesk {
public:
    /// @brief A desk over @p store, reading time from @p clock, delivering to @p notifier.
    ///
    /// Without a notifier (null) the desk queues no notifications and never delivers:
    /// rows that other desks queued on the same store are left to them. Pass a
    /// NullNotifier to have notifications written to the outbox and dropped.
    /// @throws ValidationError when @p config is inconsistent or store/clock are null.
    ServiceDesk(std::shared_ptr<TicketStore> store, std::shared_ptr<Clock> clock, DeskConfig config = {},
                std::shared_ptr<Notifier> notifier = nullptr);
    ~ServiceDesk();
    ServiceDesk(const ServiceDesk&) = delete;
    ServiceDesk& operator=(const ServiceDesk&) = delete;

    /// @brief Intake: records a new pending ticket and acknowledges it to the customer.
    /// @return The stored ticket with its new id.
    Ticket open(const Actor& actor, const NewTicket& request);

    /// @brief Sets type, priority, department or tags. A classification that changes the
    /// priority is also authorized as Action::change_priority; one that keeps it is not.
    /// @throws PermissionDenied (recorded in the audit trail) when the priority changes
    ///         and @p actor may not change it.
    Ticket classify(const Actor& actor, const TicketId& id, const Classification& change);
    /// @brief Assigns or reassigns the handler (负责人), optionally moving the department.
    Ticket assign(const Actor& actor, const TicketId& id, const std::string& assignee,
                  const std::optional<std::string>& department = std::nullopt);
    /// @brief Starts handling (pending → in_progress); requires an assignee.
    Ticket start(const Actor& actor, const TicketId& id);
    /// @brief A customer-facing reply or progress update (处理进度同步); may move the estimate.
    /// @throws ValidationError (field `estimated_completion`) for an estimate before the
    ///         ticket was received or outside the calendar's horizon.
    Ticket post_update(const Actor& actor, const TicketId& id, const std::string& message,
                       const std::optional<Instant>& estimated_completion = std::nullopt);
    /// @brief An internal note, not shown to the customer.
    Ticket add_note(const Actor& actor, const TicketId& id, const std::string& note);
    /// @brief Moves the ticket to priority level @p priority, giving @p reason.
    Ticket change_priority(const Actor& actor, const TicketId& id, const std::string& priority,
                           const std::string& reason);
    /// @brief Raises the escalation level by one (升级), giving @p reason.
    Ticket escalate(const Actor& actor, const TicketId& id, const std::string& reason);
    /// @brief Pauses handling (and the pausable SLA clocks) while waiting for the customer;
    /// with @p max_pause the wait ends by itself after that long (on the next tick()).
    /// @throws ValidationError (field `max_pause`) for a pause that is not positive or
    ///         would end after the calendar's horizon.
    Ticket wait_for_customer(const Actor& actor, const TicketId& id, const std::string& reason,
                             const std::optional<Duration>& max_pause = std::nullopt);
    /// @brief Ends the wait for the customer.
    Ticket resume(const Actor& actor, const TicketId& id);
    /// @brief Finishes handling (in_progress → done) with @p resolution.
    Ticket resolve(const Actor& actor, const TicketId& id, const Resolution& resolution);
    /// @brief Closes a done ticket with the customer's satisfaction, or as unanswered.
    ///
    /// A 不满意 verdict is recorded too; to hand the ticket back for second handling use
    /// reopen() or record_feedback().
    Ticket close(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback);
    /// @brief Second handling (二次处理): done → in_progress, counted and escalated one level.
    /// The round starts afresh: Ticket::times.resolved and Ticket::result_notice are cleared.
    Ticket reopen(const Actor& actor, const TicketId& id, const std::string& reason,
                  const std::optional<Satisfaction>& satisfaction = std::nullopt);
    /// @brief Applies the customer's verdict as the SOPs prescribe: 不满意 reopens the ticket
    /// for second handling, any other grade (or no answer) closes it.
    Ticket record_feedback(const Actor& actor, const TicketId& id, const CustomerFeedback& feedback);
    /// @brief Records that the customer was told the result (向客户反馈结果): the
    /// result_feedback stage is met.
    Ticket inform_result(const Actor& actor, const TicketId& id, const Channel& channel, const std::string& summary);
    /// @brief Opens a ticket derived from @p parent (a problem raised during feedback or a
    /// follow-up visit): linked `follow_up_of` the parent, same customer when the request
    /// names none, timed by SlaPolicy::derived.
    Ticket open_derived(const Actor& actor, const TicketId& parent, NewTicket request);
    /// @brief Schedules a follow-up visit on @p request.served: a pending ticket of type
    /// follow_up_visit whose follow_up clock runs over the visit window.
    Ticket open_visit(const Actor& actor, const VisitRequest& request);
    /// @brief Records a call attempt of a visit. A refusal closes it as withdrawn, a wrong
    /// number as unreachable, and DeskConfig::max_visit_attempts unanswered attempts too.
    /// @throws ValidationError (field `window_from`) before the visit's window opens.
    Ticket record_attempt(const Actor& actor, const TicketId& visit, ContactOutcome outcome,
                          const std::string& note = {});
    /// @brief Records a reached visit: answers, comment and verdict; the visit is closed
    /// and every problem raised becomes a derived ticket.
    /// @throws ValidationError (field `window_from`) before the visit's window opens.
    VisitOutcome record_visit(const Actor& actor, const TicketId& visit, const VisitRecord& record);
    /// @brief Cancels a pending ticket (duplicate, spam, withdrawn; a visit also as
    /// unreachable) with a note.
    /// @throws ValidationError when @p reason is not a cancel reason, or is unreachable for
    ///         a ticket that is not a follow-up visit.
    Ticket cancel(const Actor& actor, const TicketId& id, CloseReason reason, const std::string& note);

    /// @brief Merges ticket @p duplicate into ticket @p primary (重复问题合并): the
    /// duplicate is closed with CloseReason::duplicate and a `duplicate_of` link to the
    /// primary (replacing a probable-repeat link to another ticket); the primary gains a
    /// `related_to` link back, the duplicate's attachments and tags, and a note naming the
    /// duplicate and its description. Both histories are kept, each under its own ticket
    /// and linked both ways; the customer is told the duplicate continues as the primary.
    /// A duplicate waiting for the customer leaves the wait, as resolve() does.
    ///
    /// Both tickets are written in one TicketStore::commit_all(): both change or neither.
    /// @throws ValidationError when the two ids are the same, @p primary is closed or
    ///         belongs to another customer, or @p duplicate has a solution waiting for
    ///         approval;
    ///         InvalidTransition when @p duplicate is done or closed; PermissionDenied when
    ///         @p actor may not merge the duplicate or add a note to the primary.
    MergeOutcome merge(const Actor& actor, const TicketId& duplicate, const TicketId& primary, const std::string& note);

    /// @brief Gives another department a collaboration task on ticket @p id; its owner is
    /// notified, and tick() tells them once when it is overdue.
    Ticket add_task(const Actor& actor, const TicketId& id, const TaskRequest& task);
    /// @brief Marks collaboration task @p number of ticket @p id done with @p outcome.
    /// @throws ValidationError when there is no such open task.
    Ticket complete_task(const Actor& actor, const TicketId& id, std::uint32_t number, const std::string& outcome);

    /// @brief Proposes a refund, compensation or coupon on ticket @p id (seed 002).
    ///
    /// Within the actor's limit (its Agent::approval_limit in DeskConfig::directory, else
    /// its Role's default in DeskConfig::authority) the solution is recorded as granted.
    /// Beyond it an approval request is recorded, due after DeskConfig::approval_deadline,
    /// and the approver role is notified; until it is decided the ticket cannot be
    /// resolved (ApprovalPending).
    /// @return The ticket; its new entry is the last of Ticket::approvals.
    /// @throws ValidationError for an amount that is negative or not finite, an unknown
    ///         kind, or a missing or too long description.
    Ticket propose_solution(const Actor& actor, const TicketId& id, const SolutionProposal& proposal);
    /// @brief Approves pending approval @p number of ticket @p id, with an optional @p note;
    /// the handler is notified.
    /// @throws PermissionDenied (recorded in the audit trail) unless the actor's role is at
    ///         or above the request's approver role and its limit covers the amount;
    ///         ValidationError (field `number`) when there is no such pending approval.
    Ticket approve(const Actor& actor, const TicketId& id, std::uint32_t number, const std::string& note = {});
    /// @brief Denies pending approval @p number of ticket @p id, giving @p reason; the
    /// handler is notified. @throws as approve(), and ValidationError when @p reason is empty.
    Ticket deny(const Actor& actor, const TicketId& id, std::uint32_t number, const std::string& reason);

    /// @brief Records that the customer's identity was checked (身份确认), e.g. by order
    /// number or the last digits of the registered phone; @p method says how.
    Ticket verify_identity(const Actor& actor, const TicketId& id, const std::string& method);
    /// @brief The customer's contact details from the ContactVault, for staff in scope once
    /// the identity is verified; every look is recorded in the audit trail.
    /// @throws PermissionDenied before verification or for an actor out of scope.
    Contact reveal_contact(const Actor& actor, const TicketId& id);

    /// @brief Records why @p stage's deadline was missed (超时需备注原因).
    Ticket explain_overdue(const Actor& actor, const TicketId& id, SlaStage stage, const std::string& reason);

    /// @brief The SLA monitor: handles every ticket whose next deadline event is at or
    /// before @p now — warnings, breaches, escalation steps, progress reminders, waits that
    /// end by themselves, collaboration tasks and approvals past their due time — each
    /// exactly once, also across restarts and repeated ticks. A due entry of a closed
    /// ticket (read-only, nothing left to monitor) is dropped. Then, with
    /// DeskConfig::assigner, offers the unassigned pending tickets to the assigner, most
    /// urgent first.
    ///
    /// Finds the tickets through the store's due index and a status query, never by
    /// scanning all tickets. Due tickets are read in batches (TicketStore::load_many()) and
    /// the plain checks of a batch written in one commit, holding those tickets' locks for
    /// that write; a ticket whose batch met a concurrent write is checked alone.
    TickReport tick(Instant now);
    /// @brief Compliance of every timed stage of ticket @p id at the clock's now.
    std::vector<StageCompliance> compliance(const TicketId& id) const;
    /// @brief Replaces the SLA policy and/or calculator (e.g. after a calendar change) and
    /// recomputes the deadlines of every open ticket; returns how many were updated.
    std::size_t update_sla(SlaPolicy policy, std::shared_ptr<const SlaCalculator> calculator = nullptr);
    /// @brief Swaps in @p calendar at run time (newer holiday data, loaded with
    /// BusinessCalendar::from_json_file() or with_ics() on calendar()) for ticket numbers,
    /// feedback timeouts, approval deadlines and, unless the host gave its own
    /// SlaCalculator, every SLA deadline. Then recomputes every open ticket's running
    /// clocks; a ticket whose deadlines or provisional marks change is written with an
    /// audit note naming each old → new deadline and @p reason (empty: e.g.
    /// `"calendar 2027 loaded"`, from the years the coverage gained). Clocks whose
    /// deadlines stay final and unchanged leave their ticket untouched.
    /// @return How many tickets changed.
    /// @throws CalendarError when an open ticket's deadline would fall outside the new
    ///         calendar's horizon; the calendar is then already in use, tickets recomputed
    ///         before keep their new deadlines and the others their old ones.
    std::size_t replace_calendar(BusinessCalendar calendar, const std::string& reason = {});
    /// @brief The calendar in use (DeskConfig::calendar or the latest replace_calendar()).
    BusinessCalendar calendar() const;

    /// @brief Ticket @p id. @throws NotFound.
    Ticket get(const TicketId& id) const;
    /// @brief Ticket @p id, if it exists.
    std::optional<Ticket> find(const TicketId& id) const;
    /// @brief Tickets matching @p query, ascending id.
    std::vector<Ticket> query(const TicketQuery& query) const;
    /// @brief Full audit trail of ticket @p id, oldest first. @throws NotFound.
    std::vector<AuditEvent> history(const TicketId& id) const;
    /// @brief Actions the lifecycle offers for ticket @p id in its current status.
    std::vector<Action> allowed_actions(const TicketId& id) const;

    /// @brief Delivers the outbox rows that are due to the notifier now, on the calling
    /// thread; returns how many were delivered.
    ///
    /// The way to deliver in DeliveryMode::host; in the other modes it delivers retries
    /// that came due without waiting for the next command or poll. A desk without a
    /// notifier delivers nothing and returns 0. Must not be called from Notifier::deliver().
    /// @throws StorageError when the outbox cannot be read or updated.
    std::size_t dispatch_notifications();
    /// @brief What the desk's delivery has done so far (all zero without a notifier).
    DeliveryStats delivery_stats() const;
    /// @brief Up to @p limit dead letters of the store (rows that failed
    /// RetryPolicy::max_attempts times), oldest first.
    std::vector<OutboxRecord> dead_letters(std::size_t limit) const;
    /// @brief Moves dead row @p sequence back to pending, due now; it gets one more
    /// attempt. @throws NotFound when no dead row has that sequence.
    void requeue_dead_letter(std::uint64_t sequence);
    /// @brief Requeues every dead letter as requeue_dead_letter() does; returns how many.
    std::size_t requeue_dead_letters();

    /// @brief The desk's configuration.
    const DeskConfig& config() const noexcept;

private:
    std::unique_ptr<detail::DeskCore> impl_;
};

} // namespace ticketflow
