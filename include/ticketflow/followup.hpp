#pragma once
/// @file followup.hpp
/// @brief The follow-up planner (回访, seed 004): who to call back, who not to, when, by
/// whom, and what happens with the answers.
///
/// A FollowUpPlanner reads the closed tickets of a period from a TicketStore (streaming,
/// through TicketStore::scan()), applies selection rules given as data (FollowUpRules,
/// loadable from JSON), drops the customers a CustomerDirectory or the visit history
/// excludes, draws a reproducible sample per rule and tier, and gives every selected
/// customer a calling window and a caller. The result is a FollowUpPlan, a plain value;
/// schedule() turns it into follow-up visit tickets through ServiceDesk::open_visit().
/// Attempts and answers then go through ServiceDesk::record_attempt() and
/// ServiceDesk::record_visit(); promise_request() and FollowUpPlanner::evaluate_campaign()
/// cover the two follow-up duties of seed 004 (a promised time for an immediate request,
/// an improvement plan after a poor campaign). docs/followup.md describes the whole flow.

#include "ticketflow/actor.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/desk.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow {

/// @brief When a visit may be made, anchored at the end of the service it follows up.
///
/// The window opens at the first calling-hours instant at or after both `delay` after the
/// service and the planning time; it closes `length` after it opened (each target counted
/// in its own unit on the calling-hours calendar), never before it has held
/// FollowUpRules::min_calling_time of calling hours, and never after `deadline` after the
/// service. A deadline is never moved by a late plan: a visit planned when its deadline
/// has passed keeps the window it had (see PlannedVisit::late).
struct VisitWindow {
    SlaTarget delay = SlaTarget::calendar(Duration{0}); ///< Earliest call after the service ended.
    SlaTarget length = SlaTarget::working_days_end(3);  ///< How long the window stays open once open.
    /// @brief Latest end, counted from the end of the service (e.g. 48 h for a new
    /// customer, 2 calling hours for a complaint); unset = only `length` closes it.
    std::optional<SlaTarget> deadline;
};

/// @brief Whether a planned visit can still meet its window.
enum class WindowFit : unsigned char {
    open,            ///< Calling time is left in the window after the planning time.
    passed,          ///< The window closed before the plan was made: the visit is late from the start.
    no_calling_time, ///< What is left of the window lies outside calling hours.
};

/// @brief Stable lower-case name, e.g. `"no_calling_time"`.
TICKETFLOW_API const char* to_string(WindowFit fit) noexcept;

/// @brief One selection rule (回访对象与范围): which served tickets make a customer a
/// candidate, how many of them are sampled, and the window of their visits.
///
/// A served ticket is a closed ticket that is not itself a visit and was not cancelled
/// (closed as confirmed or unanswered). Its time is when it was closed.
struct TICKETFLOW_API SelectionRule {
    /// @brief Unique name within the rules, e.g. `"complaint"`, `"vip-campaign"`.
    std::string name;
    /// @brief What the rule selects, and the VisitReason its visits carry:
    /// - new_customer: customers whose first served ticket (the earliest closed one the
    ///   scan sees) was closed within `period`; that ticket is followed up;
    /// - complaint, regular, campaign: customers with a served ticket closed within
    ///   `period`; their latest such ticket is followed up.
    VisitReason reason = VisitReason::regular;
    /// @brief How far back from the planning time a ticket's closing may lie (30 days,
    /// 7 days, 48 h in seed 004).
    Duration period{0};
    /// @brief Customer tiers the rule accepts (the tier on the followed-up ticket); empty = all.
    std::vector<CustomerTier> tiers;
    /// @brief Ticket types the rule accepts (e.g. only `complaint`); empty = all.
    std::vector<TicketType> types;
    /// @brief Share of the eligible candidates of each tier that is sampled, in (0, 1]:
    /// ceil(share × n) of n. Seed 004: at least 30 %.
    double share = 0.3;
    /// @brief Shares that replace `share` for particular tiers.
    std::map<CustomerTier, double> tier_shares;
    /// @brief The visit window; unset = the default for the reason (see FollowUpPlanner).
    std::optional<VisitWindow> window;
    /// @brief Whether FollowUpRules::revisit_period holds the rule's customers back: when
    /// set, a customer another plan's visit reached or still has open within it, or whose
    /// directory record shows a recent visit, is excluded as recently visited. Cleared for
    /// call-backs that are always made (seed 004's complaints closed in the last 48 h):
    /// only the directory's refusals and a visit of the same served ticket leave those out.
    bool throttled = true;

    /// @brief The share sampled of @p tier: its entry in `tier_shares`, else `share`.
    double share_for(CustomerTier tier) const;
};

/// @brief The new-customer desk (新客户专岗) that calls new customers back, in turn.
struct NewCustomerDesk {
    std::string department;          ///< Department of the visits, e.g. `"新客户专岗"`.
    std::vector<std::string> agents; ///< Callers, assigned round-robin; empty = use the router.
};

/// @brief The selection rules of a follow-up plan, as plain data (see docs/followup.md
/// for the JSON form). Plain value; validate() checks it.
struct TICKETFLOW_API FollowUpRules {
    /// @brief Plan name, part of every plan id, e.g. `"weekly"`. 1–64 bytes, no spaces.
    std::string name = "follow-up";
    /// @brief Seed of the sampling: same seed and same store contents give the same plan.
    std::uint64_t seed = 1;
    /// @brief Rules in priority order: a customer goes to the first rule that selects them
    /// (one visit per customer and plan). Default: standard_rules().
    std::vector<SelectionRule> rules = standard_rules();
    /// @brief Tickets received more than this before the planning time are not read.
    /// Must be at least every rule's period.
    Duration horizon = std::chrono::hours(24 * 90);
    /// @brief A customer reached (or scheduled) by a visit of another plan within this
    /// period is not called again by a throttled rule (SelectionRule::throttled).
    Duration revisit_period = std::chrono::hours(24 * 30);
    /// @brief Every window holds at least this much calling time (0 = no minimum).
    Duration min_calling_time = std::chrono::hours(2);
    /// @brief Who calls new customers back.
    NewCustomerDesk new_customer_desk;
    /// @brief A campaign whose satisfaction is below this share gets an improvement plan
    /// (seed 004: 60 %). In (0, 1].
    double campaign_threshold = 0.6;
    /// @brief A reached visit with at least this 1–5 score counts as satisfied.
    int satisfied_score = 4;

    /// @brief Seed 004's groups, by service history and whatever the customer's tier:
    /// complaints closed in the last 48 h, customers first served in the last 30 days,
    /// and customers served in the last 7 days, in that order, each called in full.
    /// Complaints are not throttled: they are called back whatever other visit the
    /// customer had. Tiers matter only to campaigns (see campaign_rule()).
    static std::vector<SelectionRule> standard_rules();
    /// @brief A special campaign (专项回访): customers served within @p period, sampled
    /// per tier (按客户分层…随机抽取样本量≥30%) at @p share, or only @p tiers when given.
    static SelectionRule campaign_rule(std::string name, Duration period, double share = 0.3,
                                       std::vector<CustomerTier> tiers = {});
    /// @brief Parses rules from JSON text; @p source_name names the text in messages.
    /// Keys left out keep their defaults.
    /// @throws ValidationError naming the field (e.g. `rules[1].share`) on bad input, or
    ///         field `json` when the text is not JSON.
    static FollowUpRules from_json(std::string_view json, const std::string& source_name = "follow-up rules");
    /// @brief from_json() on the file at @p path.
    /// @throws ValidationError (field `json` when the file cannot be read).
    static FollowUpRules from_json_file(const std::string& path);
    /// @brief Throws ValidationError naming the field when the rules are inconsistent:
    /// empty or duplicate names, a period that is not positive or longer than the horizon,
    /// a share outside (0, 1], an empty window, a score outside 1–5.
    void validate() const;
};

/// @brief What the host knows about a customer that rules a follow-up out (排除规则).
struct CustomerRecord {
    bool refuses_follow_up = false;         ///< Declined follow-up visits (明确拒绝回访).
    bool contact_invalid = false;           ///< The contact details no longer work (联系方式失效).
    bool not_decision_maker = false;        ///< The contact is not the service decision maker (非服务决策人).
    std::optional<Instant> last_visited_at; ///< Last follow-up visit the host knows of.
};

/// @brief The host's customer records, asked once per candidate while planning.
///
/// Implemented by the host (typically over its CRM), or use MemoryCustomerDirectory.
/// Thread-safety: find() may be called concurrently from several threads planning at once.
class TICKETFLOW_API CustomerDirectory {
public:
    virtual ~CustomerDirectory() = default;
    /// @brief The record of customer @p customer_id; nothing when the host has none, which
    /// excludes nobody.
    virtual std::optional<CustomerRecord> find(const std::string& customer_id) const = 0;
};

/// @brief A CustomerDirectory in process memory. Thread-safe (a reader-writer lock).
class TICKETFLOW_API MemoryCustomerDirectory final : public CustomerDirectory {
public:
    MemoryCustomerDirectory();
    ~MemoryCustomerDirectory() override;
    MemoryCustomerDirectory(const MemoryCustomerDirectory&) = delete;
    MemoryCustomerDirectory& operator=(const MemoryCustomerDirectory&) = delete;

    /// @brief Sets (replaces) the record of customer @p customer_id.
    void put(const std::string& customer_id, CustomerRecord record);
    /// @brief Removes the record of customer @p customer_id, if any.
    void erase(const std::string& customer_id);
    std::optional<CustomerRecord> find(const std::string& customer_id) const override;

private:
    struct State;
    std::unique_ptr<State> state_;
};

/// @brief Why a candidate is not called.
enum class ExclusionReason : unsigned char {
    refused,            ///< The customer declines follow-ups (directory).
    contact_invalid,    ///< The contact details do not work (directory).
    not_decision_maker, ///< The contact is not the decision maker (directory).
    recently_visited,   ///< Visited within FollowUpRules::revisit_period, or a visit of
                        ///< another plan is still open (directory or visit tickets); for
                        ///< a rule that is not throttled, a visit of the same served ticket.
};

/// @brief Stable lower-case name, e.g. `"contact_invalid"`.
TICKETFLOW_API const char* to_string(ExclusionReason reason) noexcept;

/// @brief A served ticket a rule selected, with what the planner kept of it.
struct FollowUpCandidate {
    TicketId served;                           ///< The served ticket.
    std::string customer;                      ///< Its customer id.
    CustomerTier tier = CustomerTier::regular; ///< The customer's tier on that ticket.
    TicketType type;                           ///< Its type.
    std::string department;                    ///< Its department.
    std::string assignee;                      ///< Its handler (原处理人).
    Instant served_at;                         ///< When the service ended: resolved, or closed when never resolved.
    Instant closed_at;                         ///< When it was closed.
    VisitReason reason = VisitReason::regular; ///< The selecting rule's reason.
    std::string rule;                          ///< The selecting rule's name.
};

/// @brief Who makes a visit.
struct VisitAssignment {
    std::string department; ///< The visiting team; may be empty.
    std::string assignee;   ///< The caller; may be empty (assign later).
};

/// @brief The host's router for visits that are neither complaints with a known handler
/// nor new customers with a new-customer desk ("route this ticket to a department/agent").
///
/// Called from FollowUpPlanner::plan(), once per sampled visit, in plan order. It must be
/// deterministic for plans to be reproducible, and thread-safe when plan() runs on
/// several threads at once.
using VisitRouter = std::function<VisitAssignment(const FollowUpCandidate&)>;

/// @brief One visit of a plan.
struct PlannedVisit {
    FollowUpCandidate candidate; ///< Who and why.
    VisitRequest request;        ///< What schedule() passes to ServiceDesk::open_visit().
    /// @brief Whether the window can still be met. A visit that cannot is planned all the
    /// same, with its own window (already closed, or without calling time), so the desk
    /// flags it overdue and the follow-up report counts it as missed.
    WindowFit fit = WindowFit::open;
};

/// @brief A candidate left out, and why.
struct Exclusion {
    FollowUpCandidate candidate;                       ///< Who.
    ExclusionReason reason = ExclusionReason::refused; ///< Why (the first that applies, in enum order).
};

/// @brief Counts of one rule and tier.
struct TierCount {
    std::string rule;                          ///< Rule name.
    VisitReason reason = VisitReason::regular; ///< Rule reason.
    CustomerTier tier = CustomerTier::regular; ///< Tier.
    double share = 1;                          ///< Share sampled of the eligible ones.
    std::size_t candidates = 0;                ///< Customers the rule selected.
    std::size_t excluded = 0;                  ///< Of these, excluded.
    std::size_t sampled = 0;                   ///< ceil(share × (candidates − excluded)).
    std::size_t late = 0; ///< Of the sampled, visits whose window cannot be met (PlannedVisit::fit).
};

/// @brief The outcome of FollowUpPlanner::plan(): a plain value, reproducible from the
/// same rules, time and store contents.
struct FollowUpPlan {
    /// @brief `<name> <local date and minute> seed <seed>`, e.g.
    /// `"weekly 2024-06-03 08:30 seed 7"`; every visit's VisitRequest::plan. Planning at
    /// another minute makes another plan, whose visits then count as "recently visited".
    std::string id;
    std::uint64_t seed = 0;  ///< The sampling seed.
    Instant generated_at;    ///< The planning time.
    Instant scan_from;       ///< Oldest receipt time read (generated_at − horizon).
    std::size_t scanned = 0; ///< Tickets the scan read.
    /// @brief The visits: by rule order, then served ticket id.
    std::vector<PlannedVisit> visits;
    /// @brief Counts per rule and tier, in rule order then tier order.
    std::vector<TierCount> counts;
    /// @brief Excluded candidates: by rule order, then served ticket id.
    std::vector<Exclusion> exclusions;
};

/// @brief What FollowUpPlanner::schedule() did.
struct ScheduleReport {
    std::vector<Ticket> opened;    ///< Visit tickets opened now, in plan order.
    std::vector<TicketId> skipped; ///< Served tickets that already had a visit of this plan.
};

/// @brief The satisfaction of a campaign (专项回访) and its improvement plan.
///
/// Satisfaction = satisfied ÷ reached: of the plan's campaign visits that were recorded
/// (closed as confirmed), the share whose 1–5 score is at least
/// FollowUpRules::satisfied_score (a verdict without a score counts by its grade: 非常满意
/// 5, 满意 4, 一般 3, 不满意 2). Visits not reached (unreachable, declined, still open)
/// do not count.
struct CampaignEvaluation {
    std::string plan;                   ///< The plan id evaluated.
    std::size_t visits = 0;             ///< Campaign visits of the plan.
    std::size_t reached = 0;            ///< Of these, recorded.
    std::size_t satisfied = 0;          ///< Of these, satisfied.
    std::optional<double> satisfaction; ///< satisfied ÷ reached; unset when none was reached.
    bool below_threshold = false;       ///< satisfaction < FollowUpRules::campaign_threshold.
    /// @brief The improvement-plan ticket (tag `improvement_plan`), opened by this call or
    /// by an earlier one; unset when none is needed.
    std::optional<Ticket> improvement_plan;
    bool opened = false; ///< True when this call opened it.
};

/// @brief Optional parts of a FollowUpPlanner, shared with it.
struct PlannerOptions {
    /// @brief Exclusions the host knows; null = none beyond the visit tickets.
    std::shared_ptr<const CustomerDirectory> directory;
    /// @brief Routes visits that have no built-in caller; null = leave them unassigned.
    VisitRouter route;
    /// @brief Allowed calling hours; unset = the desk's calendar.
    std::optional<BusinessCalendar> calling_hours;
};

/// @brief Plans follow-up visits and schedules them on a desk.
///
/// Default windows, used where a rule sets none, come from the desk's
/// SlaPolicy::follow_up, all anchored at the service: new customers from
/// `new_customer_from` after the service until `new_customer_until` after it (24–48 h);
/// complaints at once until `complaint_within` after the solution (2 calling hours);
/// regular and campaign visits at once until the end of the third working day.
///
/// Thread-safety: plan() may be called concurrently. schedule() and evaluate_campaign()
/// are serialised per planner, so two threads scheduling the same plan through one
/// planner open each visit once; planners in different processes scheduling the same
/// plan must be serialised by the host. Ownership: the planner shares the store and the
/// option objects; it keeps no reference to the desk.
class TICKETFLOW_API FollowUpPlanner {
public:
    /// @brief A planner over @p store, with the calendar and follow-up windows of @p desk.
    /// @throws ValidationError when @p store is null or @p rules are invalid.
    FollowUpPlanner(std::shared_ptr<const TicketStore> store, const DeskConfig& desk, FollowUpRules rules,
                    PlannerOptions options = {});

    /// @brief The plan at @p now: reads the tickets received in [now − horizon, now] once,
    /// keeping one candidate per customer, and returns visits, counts and exclusions.
    ///
    /// Writes nothing. Visits of this same plan in the store are ignored, so planning
    /// again after schedule() gives the same plan.
    /// @throws CalendarError when a window falls outside the calling calendar's horizon.
    FollowUpPlan plan(Instant now) const;

    /// @brief Opens a visit ticket for every visit of @p plan that does not have one yet
    /// (a visit ticket of the same plan id following up the same served ticket), as
    /// @p actor. Safe to repeat after a failure: visits opened before it are kept and
    /// skipped next time.
    ScheduleReport schedule(ServiceDesk& desk, const FollowUpPlan& plan, const Actor& actor);

    /// @brief Evaluates the campaign visits of plan @p plan_id among the tickets received
    /// from @p visits_since on (unset = all), and when their satisfaction is below the
    /// threshold opens, once, an improvement-plan ticket (type suggestion, tag
    /// `improvement_plan`) derived from the worst visit: its resolution target is
    /// SlaPolicy::derived's (3 working days, seed 004).
    CampaignEvaluation evaluate_campaign(ServiceDesk& desk, const std::string& plan_id, const Actor& actor,
                                         std::optional<Instant> visits_since = std::nullopt);

    /// @brief The rules in use.
    const FollowUpRules& rules() const noexcept { return rules_; }
    /// @brief The window the planner uses for rule @p rule (its own or the default).
    /// @throws ValidationError when no rule has that name.
    const VisitWindow& window_of(const std::string& rule) const;

private:
    std::shared_ptr<const TicketStore> store_;
    FollowUpRules rules_;
    PlannerOptions options_;
    BusinessCalendar calling_;
    std::vector<VisitWindow> windows_; // one per rule, defaults resolved
    std::mutex write_mutex_;
};

/// @brief The derived ticket for an immediate request made during a visit (当场明确处理
/// 方式和时限): opens @p request through ServiceDesk::open_derived() as a follow-up of
/// @p visit, then tells the customer @p message with the promised time @p promised_by
/// through ServiceDesk::post_update(), which sets its estimated completion.
/// @return The derived ticket after the update.
/// @throws ValidationError when @p message is empty or too long (checked before anything
///         is written); errors of the two desk commands otherwise.
TICKETFLOW_API Ticket promise_request(ServiceDesk& desk, const Actor& actor, const TicketId& visit, NewTicket request,
                                      Instant promised_by, const std::string& message);

/// @brief promise_request() with the promise relative to the derived ticket's recording:
/// @p within on the desk's calendar, e.g. SlaTarget::working_days_end(0) for "today"
/// (今天内), SlaTarget::working_days_end(1) for "within one working day".
TICKETFLOW_API Ticket promise_request(ServiceDesk& desk, const Actor& actor, const TicketId& visit, NewTicket request,
                                      const SlaTarget& within, const std::string& message);

} // namespace ticketflow
