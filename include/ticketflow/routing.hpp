#pragma once
/// @file routing.hpp
/// @brief Classification rules (分类与分配), the agent directory, assignment strategies and
/// authority limits (权限内处理 / 超权限上报).
///
/// The parts, in the order a new ticket meets them:
/// - a Router (by default a RuleRouter over RoutingRules) decides the department, queue
///   and optionally a suggested priority from the ticket's type, channel, customer tier,
///   tags and description;
/// - an Assigner picks a handler among the agents of that department kept in an
///   AgentDirectory, with the AssignmentStrategy configured for the department; when no
///   agent is eligible (all off shift, unavailable or at capacity) it answers "no agent"
///   and the ticket waits in its queue;
/// - an AuthorityPolicy decides whether a refund, compensation or coupon lies within the
///   handler's limit, and which role must approve it otherwise.
///
/// Everything here decides only; the ServiceDesk applies the decisions through its write
/// path and reports assignments back to the directory (AgentDirectory::on_assigned() and
/// AgentDirectory::on_released()) so that loads stay current.
///
/// In this header "agent" means a service-desk staff member (客服 / 处理人).

#include "ticketflow/actor.hpp"
#include "ticketflow/calendar.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/ticket.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow {

// ---------------------------------------------------------------------------------------
// Classification and routing
// ---------------------------------------------------------------------------------------

/// @brief Where a ticket goes: department, queue and an optional suggested priority.
struct RouteOutcome {
    std::string department;              ///< Handling department, e.g. 技术支持组. Required.
    std::string queue;                   ///< Queue the ticket waits in until assigned. Required.
    std::optional<std::string> priority; ///< Suggested priority level; unset = leave as is.
};

/// @brief One classification rule: conditions and the outcome when they all hold.
///
/// Each condition is a list; an empty list places no condition. A non-empty list holds
/// when the ticket matches any of its entries, and a rule matches when every non-empty
/// list holds. A rule without any condition matches every ticket.
struct RoutingRule {
    std::string name;                ///< Unique, non-empty; named in RouteDecision::rule.
    std::vector<TicketType> types;   ///< Ticket::type equals one of these.
    std::vector<Channel> channels;   ///< Ticket::channel equals one of these.
    std::vector<CustomerTier> tiers; ///< Ticket::customer.tier is one of these.
    std::vector<std::string> tags;   ///< Ticket::tags contains one of these (exact match).
    /// @brief Ticket::description contains one of these as a substring. Works on Chinese
    /// text without spaces; ASCII letters match case-insensitively, other characters
    /// (full-width letters included) exactly.
    std::vector<std::string> keywords;
    RouteOutcome outcome; ///< Where a matching ticket goes.
};

/// @brief An ordered, validated list of routing rules and the default outcome.
///
/// Rules are evaluated in order and the first match wins; a ticket no rule matches gets
/// the default outcome. Immutable value; thread-safe.
///
/// The JSON form (see docs/routing.md; examples/data/routing-rules.json, loaded by a test):
/// @include routing-rules.json
/// `when` may also hold `channels` and `tags`; `when` and `priority` are optional.
class TICKETFLOW_API RoutingRules {
public:
    /// @brief @p rules in evaluation order, and @p fallback for tickets no rule matches.
    /// @throws ValidationError naming the field as in the JSON form, e.g.
    ///         `rules[2].name` (empty or duplicate), `rules[0].when.keywords[1]` (empty or
    ///         not UTF-8), `default.queue` (empty).
    RoutingRules(std::vector<RoutingRule> rules, RouteOutcome fallback);

    /// @brief Loads rules from JSON text in the form shown above; @p source_name names the
    /// text in error messages.
    /// @throws ValidationError naming the rule index and field (`rules[3].when.tiers[0]`)
    ///         for unknown keys, wrong value types, unknown tier names, empty names or any
    ///         other invalid value, and the field `json` for malformed JSON (with its line
    ///         and column).
    static RoutingRules from_json(std::string_view json, const std::string& source_name = "routing rules");

    /// @brief The routes of seed 001 (任务分配): fault → 技术支持组, consult → 客服组,
    /// complaint → 客服主管, suggestion → 产品经理, with keyword rules that send payment,
    /// login and outage reports to 技术支持组 (outages as P1). Its priorities are levels of
    /// PriorityScheme::p_levels(). Default: 客服组.
    static RoutingRules seed001();

    /// @brief The rules, in evaluation order.
    const std::vector<RoutingRule>& rules() const noexcept { return rules_; }
    /// @brief The outcome when no rule matches.
    const RouteOutcome& fallback() const noexcept { return fallback_; }

    /// @brief Checks that every suggested priority is a level of @p scheme.
    /// @throws ValidationError naming the field, e.g. `rules[4].route.priority`.
    void check_priorities(const PriorityScheme& scheme) const;

private:
    RoutingRules(std::vector<RoutingRule> rules, RouteOutcome fallback, const std::string& source);

    std::vector<RoutingRule> rules_;
    RouteOutcome fallback_;
};

/// @brief The routing of one ticket, and why.
struct RouteDecision {
    std::string department;              ///< Handling department.
    std::string queue;                   ///< Queue to wait in until assigned.
    std::optional<std::string> priority; ///< Suggested priority level, if the rule gives one.
    std::string rule;                    ///< Name of the matching rule; empty for the default.
    /// @brief Human-readable reason naming the rule and the conditions that matched, e.g.
    /// `rule 'complaints' matched: type=complaint`, or `no rule matched: default route`.
    std::string why;
};

/// @brief Decides where a ticket goes (classification and routing).
///
/// Thread-safety: route() is const and must be safe to call concurrently from many
/// threads, since a desk routes on every thread that opens tickets. Implementations
/// keep no per-call mutable state, or synchronise it themselves.
class TICKETFLOW_API Router {
public:
    virtual ~Router() = default;

    /// @brief Where @p ticket goes. Reads the ticket only; never throws for valid tickets.
    virtual RouteDecision route(const Ticket& ticket) const = 0;
};

/// @brief The default Router: evaluates RoutingRules in order, first match wins.
///
/// The rules are compiled at construction: all keywords of all rules go into one
/// Aho–Corasick automaton with ASCII case folding built in, so a description is read
/// once per ticket, whatever the number of rules and keywords, and only when a rule
/// with keywords is reached. Immutable after construction; thread-safe.
class TICKETFLOW_API RuleRouter final : public Router {
public:
    /// @brief Compiles @p rules.
    explicit RuleRouter(RoutingRules rules);
    ~RuleRouter() override;
    RuleRouter(const RuleRouter&) = delete;
    RuleRouter& operator=(const RuleRouter&) = delete;

    /// @brief The first rule matching @p ticket, or the default outcome.
    RouteDecision route(const Ticket& ticket) const override;
    /// @brief The rules it was built from.
    const RoutingRules& rules() const noexcept;

private:
    struct Compiled;
    std::unique_ptr<const Compiled> compiled_;
};

// ---------------------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------------------

/// @brief A service-desk staff member who can be assigned tickets.
struct Agent {
    std::string id;                  ///< Staff id, stored in Ticket::assignee. Required, unique.
    std::string department;          ///< Department, e.g. 技术支持组. Required.
    Role role = Role::agent;         ///< agent, team_lead, supervisor or manager.
    std::vector<std::string> skills; ///< Skill names, e.g. "payment"; see SkillBasedStrategy.
    int capacity = 10;               ///< Most open tickets at once (>= 0); at capacity = not eligible.
    /// @brief Working time: the agent is on shift at an instant that lies in a working
    /// interval of this calendar (half-open, as in BusinessCalendar). Unset = always on
    /// shift. An instant outside the calendar's horizon counts as off shift.
    std::optional<BusinessCalendar> shift;
    bool available = true; ///< False while away (leave, training, a break).
    /// @brief Amount the agent may grant alone (seed 002, 权限内处理); unset = the default
    /// of the agent's role in the AuthorityPolicy. Applies to every SolutionKind.
    std::optional<double> approval_limit;
};

/// @brief The role above @p role in the approval and escalation chain: agent → team_lead
/// → supervisor → manager. Unset for manager, customer and system.
TICKETFLOW_API std::optional<Role> next_role_up(Role role) noexcept;

/// @brief Named calendars that agent JSON refers to by name, e.g. `{"day", calendar}`.
using NamedCalendars = std::map<std::string, BusinessCalendar>;

/// @brief Parses agents from JSON text (examples/data/agents.json, loaded by a test):
/// @include agents.json
/// Only `id` and `department` are required; the others default as in Agent. `shift` is
/// either the name of a calendar in @p calendars or a calendar object in the form of
/// BusinessCalendar::from_json(). Agents naming the same calendar, or giving identical
/// calendar objects, share one calendar (and its on-shift check during assignment).
/// @throws ValidationError naming the field, e.g. `agents[2].role` (unknown or not a
///         staff role), `agents[0].shift` (unknown name or invalid calendar), unknown
///         keys, and `json` for malformed JSON. Duplicate ids are left to
///         AgentDirectory::add_all().
TICKETFLOW_API std::vector<Agent> agents_from_json(std::string_view json, const std::string& source_name = "agents",
                                                   const NamedCalendars& calendars = {});

/// @brief An agent's current workload.
struct AgentLoad {
    int open_tickets = 0; ///< Open tickets assigned to the agent, compared with Agent::capacity.
    double weight = 0;    ///< Their summed priority weights (LoadWeights), for least-loaded.
};

/// @brief Weight of an open ticket in an agent's load, by priority level.
struct TICKETFLOW_API LoadWeights {
    /// @brief Weight of the level at rank i (0 = least urgent). Ranks past the end weigh
    /// rank + 1, so the default is 1, 2, 3, … from the least urgent level up.
    std::vector<double> by_rank;

    /// @brief The weight of rank @p rank (negative ranks count as 0).
    double weight_of(int rank) const noexcept;
    /// @brief The weight of @p level in @p scheme; a level unknown to the scheme weighs as
    /// the least urgent one.
    double weight_of(const PriorityScheme& scheme, const std::string& level) const;
};

/// @brief Loads computed from tickets, for AgentDirectory::reset_loads() at startup: every
/// pending or in-progress ticket with an assignee counts once, weighted by its priority.
TICKETFLOW_API std::map<std::string, AgentLoad> loads_of(const std::vector<Ticket>& tickets,
                                                         const PriorityScheme& scheme, const LoadWeights& weights = {});

class Assigner;

namespace detail {
struct DirectoryState;
}

/// @brief The agents who can be assigned tickets, and their current loads.
///
/// Agents keep the order in which they were added; strategies use it to break ties.
/// Loads are kept in memory per agent id, also for ids not (or no longer) in the
/// directory, so the desk may report an assignment before or after the agent is listed.
///
/// Thread-safety: every method may be called concurrently. Readers (find, agents,
/// load, and Assigner::choose) share a reader-writer lock; writers take it exclusively.
/// Ownership: the directory stores copies of the agents; returned agents are copies.
class TICKETFLOW_API AgentDirectory {
public:
    AgentDirectory();
    ~AgentDirectory();
    AgentDirectory(const AgentDirectory&) = delete;
    AgentDirectory& operator=(const AgentDirectory&) = delete;

    /// @brief Adds @p agent at the end.
    /// @throws ValidationError when the id is taken or a field is invalid (field names as
    ///         in the JSON form: `id`, `department`, `role`, `capacity`, `skills`,
    ///         `approval_limit`).
    void add(Agent agent);
    /// @brief Adds all of @p agents, or none when any is invalid (fields prefixed by
    /// `agents[i].`, as from agents_from_json()), e.g. in the example of Assigner.
    void add_all(std::vector<Agent> agents);
    /// @brief Replaces the agent with id @p agent.id, keeping its place and its load.
    /// @throws NotFound when there is none; ValidationError as add().
    void update(Agent agent);
    /// @brief Removes agent @p id; returns false when there was none. Its load is kept
    /// until the tickets are released or reset_loads() is called.
    bool remove(const std::string& id);
    /// @brief Marks agent @p id available or away. @throws NotFound when there is none.
    void set_available(const std::string& id, bool available);

    /// @brief Agent @p id, if listed.
    std::optional<Agent> find(const std::string& id) const;
    /// @brief All agents, in directory order.
    std::vector<Agent> agents() const;
    /// @brief The agents of @p department, in directory order.
    std::vector<Agent> agents_in(const std::string& department) const;
    /// @brief Number of agents.
    std::size_t size() const;

    /// @brief Records that a ticket of priority weight @p weight was assigned to @p agent_id
    /// (one more open ticket). Also marks the agent as the most recently assigned, which
    /// is what RoundRobinStrategy rotates by.
    /// @throws ValidationError when @p weight is negative or not finite.
    void on_assigned(const std::string& agent_id, double weight);
    /// @brief Records that a ticket of weight @p weight no longer counts for @p agent_id
    /// (resolved, cancelled or reassigned). Never goes below zero.
    /// @throws ValidationError when @p weight is negative or not finite.
    void on_released(const std::string& agent_id, double weight);
    /// @brief Records that a ticket still assigned to @p agent_id changed weight from
    /// @p old_weight to @p new_weight (its priority changed). The open-ticket count and the
    /// round-robin order stay as they are: the agent was not assigned anything new.
    /// @throws ValidationError when a weight is negative or not finite.
    void on_reweighted(const std::string& agent_id, double old_weight, double new_weight);
    /// @brief Replaces every load with @p loads (e.g. from loads_of() at startup); agents
    /// not in @p loads get zero.
    void reset_loads(const std::map<std::string, AgentLoad>& loads);
    /// @brief The current load of @p agent_id (zero when unknown).
    AgentLoad load(const std::string& agent_id) const;

private:
    friend class Assigner;
    std::unique_ptr<detail::DirectoryState> state_;
};

// ---------------------------------------------------------------------------------------
// Assignment
// ---------------------------------------------------------------------------------------

/// @brief The handler chosen for a ticket, and why.
struct AssignmentDecision {
    std::string agent;    ///< Agent id to assign.
    std::string strategy; ///< Name of the strategy that chose, e.g. "least_loaded".
    std::string why;      ///< Human-readable reason.
};

/// @brief Whether an agent may take a ticket now.
enum class Eligibility : unsigned char {
    eligible,      ///< Listed, available, on shift and under capacity.
    unknown_agent, ///< Not in the directory.
    unavailable,   ///< Agent::available is false.
    off_shift,     ///< Outside the agent's shift calendar's working time.
    at_capacity,   ///< As many open tickets as Agent::capacity.
};

/// @brief Stable lower-case name, e.g. `"off_shift"`.
TICKETFLOW_API const char* to_string(Eligibility eligibility) noexcept;

/// @brief An agent a strategy may pick, with its load.
struct Candidate {
    const Agent* agent = nullptr;    ///< The agent; valid only during the strategy's pick() call.
    AgentLoad load;                  ///< Current load.
    std::uint64_t last_assigned = 0; ///< Order of the agent's latest assignment; 0 = never.
};

/// @brief An agent looked up by id, with its eligibility.
struct CandidateCheck {
    Eligibility eligibility = Eligibility::unknown_agent; ///< Whether it may take the ticket.
    Candidate candidate;                                  ///< Agent and load; agent is null for unknown_agent.
};

/// @brief What a strategy chooses from: the eligible agents of the ticket's department at
/// one instant, and eligibility checks of any agent by id.
///
/// Given to AssignmentStrategy::pick() by the Assigner, which holds the directory's read
/// lock meanwhile; everything it returns is valid until pick() returns.
class TICKETFLOW_API CandidatePool {
public:
    virtual ~CandidatePool() = default;

    /// @brief The ticket's department (Ticket::department).
    virtual const std::string& department() const noexcept = 0;
    /// @brief The instant eligibility is judged at.
    virtual Instant now() const noexcept = 0;
    /// @brief The eligible agents of department(), in directory order.
    virtual const std::vector<Candidate>& candidates() const noexcept = 0;
    /// @brief Agent @p agent_id, of any department, and whether it is eligible now.
    virtual CandidateCheck check(const std::string& agent_id) const = 0;
};

/// @brief How an agent is chosen among the eligible ones.
///
/// Thread-safety: pick() is const and is called concurrently from many threads; it runs
/// under the directory's read lock, so it must not call the directory's writers.
/// Built-in strategies keep no mutable state: round-robin rotates by the directory's
/// record of the latest assignments.
class TICKETFLOW_API AssignmentStrategy {
public:
    virtual ~AssignmentStrategy() = default;

    /// @brief Stable name, e.g. `"least_loaded"`; reported in AssignmentDecision::strategy.
    virtual std::string name() const = 0;
    /// @brief The agent for @p ticket among @p pool, or unset when none fits (the ticket
    /// then waits in its queue).
    virtual std::optional<AssignmentDecision> pick(const Ticket& ticket, const CandidatePool& pool) const = 0;
};

/// @brief Rotates through the eligible agents: picks the one whose latest assignment is
/// the oldest (never assigned first), ties in directory order. Rotation follows
/// AgentDirectory::on_assigned(), so it stays fair when agents come and go.
class TICKETFLOW_API RoundRobinStrategy final : public AssignmentStrategy {
public:
    /// @brief `"round_robin"`.
    std::string name() const override;
    /// @brief The eligible agent assigned longest ago.
    std::optional<AssignmentDecision> pick(const Ticket& ticket, const CandidatePool& pool) const override;
};

/// @brief Picks the eligible agent with the smallest weighted load; ties go to fewer open
/// tickets, then to the one assigned longest ago, then directory order.
class TICKETFLOW_API LeastLoadedStrategy final : public AssignmentStrategy {
public:
    /// @brief `"least_loaded"`.
    std::string name() const override;
    /// @brief The least-loaded eligible agent.
    std::optional<AssignmentDecision> pick(const Ticket& ticket, const CandidatePool& pool) const override;
};

/// @brief Skills a ticket requires, by its type and its tags.
struct SkillRequirements {
    std::map<TicketType, std::vector<std::string>> by_type; ///< Skills required by a ticket type.
    std::map<std::string, std::vector<std::string>> by_tag; ///< Skills required by a tag.
};

/// @brief Picks among the eligible agents who have every skill the ticket requires (its
/// type's and its tags' skills); among them the least loaded, as LeastLoadedStrategy.
/// A ticket requiring no skill may go to any eligible agent; when nobody has the skills
/// it waits.
class TICKETFLOW_API SkillBasedStrategy final : public AssignmentStrategy {
public:
    /// @brief Uses @p requirements to find a ticket's required skills.
    explicit SkillBasedStrategy(SkillRequirements requirements);
    /// @brief `"skill_based"`.
    std::string name() const override;
    /// @brief The least-loaded eligible agent with all required skills.
    std::optional<AssignmentDecision> pick(const Ticket& ticket, const CandidatePool& pool) const override;
    /// @brief The skills @p ticket requires, sorted and without duplicates.
    std::vector<std::string> required_skills(const Ticket& ticket) const;

private:
    SkillRequirements requirements_;
};

/// @brief Finds the assignee of ticket @p id (empty or unset when it has none or is
/// unknown). Must be safe to call concurrently; it is called under the directory's read
/// lock, so it must not call the directory's writers.
using AssigneeLookup = std::function<std::optional<std::string>(const TicketId& id)>;

/// @brief Keeps derived tickets with their original handler (seed 004: 投诉客户由原处理人跟进
/// 回访): a ticket with a `follow_up_of` link goes to the linked ticket's assignee, of
/// whatever department, when that agent is eligible; otherwise, and for tickets without
/// such a link, the fallback strategy picks.
class TICKETFLOW_API StickyStrategy final : public AssignmentStrategy {
public:
    /// @brief @p lookup finds the linked ticket's assignee (e.g. through the ticket store);
    /// @p fallback picks otherwise.
    /// @throws ValidationError when @p lookup or @p fallback is empty.
    StickyStrategy(AssigneeLookup lookup, std::shared_ptr<const AssignmentStrategy> fallback);
    /// @brief `"sticky"`.
    std::string name() const override;
    /// @brief The original handler, or the fallback's pick (whose strategy name it reports).
    std::optional<AssignmentDecision> pick(const Ticket& ticket, const CandidatePool& pool) const override;

private:
    AssigneeLookup lookup_;
    std::shared_ptr<const AssignmentStrategy> fallback_;
};

/// @brief Never picks: tickets of the department wait for a supervisor's manual
/// assignment (客服主管根据分类结果分配).
class TICKETFLOW_API ManualStrategy final : public AssignmentStrategy {
public:
    /// @brief `"manual"`.
    std::string name() const override;
    /// @brief Always unset.
    std::optional<AssignmentDecision> pick(const Ticket& ticket, const CandidatePool& pool) const override;
};

/// @brief Chooses a handler for a ticket with the strategy configured for its department.
///
/// Only agents that are available, on shift at the given instant and under capacity are
/// eligible. Thread-safety: immutable after construction; choose() may be called
/// concurrently. Ownership: shares ownership of the directory and the strategies.
///
/// @snippet header_examples_test.cpp assigner
class TICKETFLOW_API Assigner {
public:
    /// @brief Assigns with @p by_department's strategy for a ticket's department, and with
    /// @p default_strategy for other departments.
    /// @throws ValidationError when @p directory or any strategy is null.
    Assigner(std::shared_ptr<const AgentDirectory> directory,
             std::shared_ptr<const AssignmentStrategy> default_strategy,
             std::map<std::string, std::shared_ptr<const AssignmentStrategy>> by_department = {});

    /// @brief The agent for @p ticket among the agents of Ticket::department eligible at
    /// @p now, or unset when there is none (the ticket waits in its queue).
    std::optional<AssignmentDecision> choose(const Ticket& ticket, Instant now) const;
    /// @brief The strategy used for tickets of @p department.
    const AssignmentStrategy& strategy_for(const std::string& department) const;
    /// @brief The directory it chooses from.
    const AgentDirectory& directory() const noexcept { return *directory_; }

private:
    std::shared_ptr<const AgentDirectory> directory_;
    std::shared_ptr<const AssignmentStrategy> default_strategy_;
    std::map<std::string, std::shared_ptr<const AssignmentStrategy>> by_department_;
};

// ---------------------------------------------------------------------------------------
// Authority limits
// ---------------------------------------------------------------------------------------

// SolutionKind, to_string(SolutionKind) and parse_solution_kind() are in ticket.hpp: a
// ticket records the solutions proposed on it (Ticket::approvals).

/// @brief Whether an amount lies within an actor's authority, and who approves otherwise.
struct AuthorityDecision {
    bool within_limit = false;    ///< The actor may grant it alone (amount <= limit).
    double limit = 0;             ///< The actor's limit for that kind (infinity = unlimited).
    std::optional<Role> approver; ///< When not within the limit: the role that must approve.
    std::string why;              ///< Human-readable reason.
};

/// @brief Approval limits per role and solution kind (权限内处理 / 超权限上报, seed 002).
///
/// Defaults, for every kind: agent 50, team_lead 200, supervisor 1000, manager unlimited;
/// customers and the system may grant nothing. An agent's own Agent::approval_limit,
/// when set, replaces its role's limit. Beyond the limit, the approver is the first role
/// up the chain (next_role_up()) whose limit covers the amount; when none does, the
/// manager, as the top of the chain.
///
/// Thread-safety: the setters are not synchronised; configure the policy before sharing
/// it, after which the const methods may be called concurrently.
class TICKETFLOW_API AuthorityPolicy {
public:
    /// @brief The default limits above.
    AuthorityPolicy();

    /// @brief Sets @p role's limit for every kind (infinity = unlimited).
    /// @throws ValidationError when @p role is not a staff role or @p limit is negative or NaN.
    AuthorityPolicy& set_role_limit(Role role, double limit);
    /// @brief Sets @p role's limit for @p kind only. @throws ValidationError as above.
    AuthorityPolicy& set_role_limit(Role role, SolutionKind kind, double limit);

    /// @brief @p role's limit for @p kind (0 for customer and system).
    double role_limit(Role role, SolutionKind kind) const noexcept;
    /// @brief @p agent's limit for @p kind: its approval_limit, or its role's limit.
    double limit_of(const Agent& agent, SolutionKind kind) const noexcept;

    /// @brief Whether @p agent may grant @p amount of @p kind alone, and who approves otherwise.
    /// @throws ValidationError (field `amount`) when @p amount is negative or not finite.
    AuthorityDecision decide(const Agent& agent, SolutionKind kind, double amount) const;
    /// @brief As above for someone with @p role's default limit (an Actor not in the directory).
    AuthorityDecision decide(Role role, SolutionKind kind, double amount) const;

private:
    AuthorityDecision decide(const std::string& who, Role role, double limit, SolutionKind kind, double amount) const;

    static constexpr int staff_roles = 4;
    static constexpr int kinds = 3;
    double limits_[kinds][staff_roles] = {};
};

} // namespace ticketflow
