#pragma once
/// @file simulation.hpp
/// @brief What-if simulation: runs a real ServiceDesk forward in time on a scenario of
/// arrivals, staff, handling times and customer behaviour, and compares scenarios.
///
/// The simulator drives a ServiceDesk over a MemoryStore and a ManualClock that jumps from
/// event to event: ticket arrivals, handling completions, customer answers, shift starts
/// and the due instants of the store's SLA due index, at which it calls
/// ServiceDesk::tick(). Nothing steps minute by minute and nothing sleeps; every rule of
/// the desk (business calendar, 调休 make-up days, working-day targets, escalation
/// ladders, second handling, feedback timeouts, routing and assignment) applies as in
/// production.
///
/// The handling model, stated once: an agent works on at most Agent::capacity tickets at
/// a time; a ticket assigned to an agent starts at once and needs a handling time drawn
/// for it, counted in the agent's shift time (a ticket unfinished at the end of a shift
/// continues at the next one; an agent without a shift works around the clock). A
/// reopened ticket (不满意 → 二次处理) goes straight back to its handler with a fresh
/// handling time. Waiting tickets are assigned by the desk's Assigner, most urgent first
/// and first come first served within a priority.
///
/// Randomness: each ticket draws its attributes, handling times and customer reaction
/// from its own counter-based stream keyed by (seed, ticket number), and arrivals from a
/// stream keyed by the seed; so two scenarios run with the same seed see the same
/// customers with the same needs (common random numbers), and a run is deterministic for
/// its seed.
///
/// @snippet header_examples_test.cpp simulate-month
///
/// Thread-safety: the functions are reentrant; simulations of different scenarios may run
/// concurrently. Scenario and the result types are plain values (SimulationResult shares
/// ownership of the store it ran on).

#include "ticketflow/calendar.hpp"
#include "ticketflow/clock.hpp"
#include "ticketflow/export.hpp"
#include "ticketflow/routing.hpp"
#include "ticketflow/sla.hpp"
#include "ticketflow/store.hpp"
#include "ticketflow/ticket.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ticketflow::sim {

/// @brief Family of a Distribution.
enum class DistributionKind : unsigned char {
    constant,    ///< Always `mean`.
    exponential, ///< Exponential with mean `mean`.
    lognormal,   ///< Lognormal with mean `mean` and shape `sigma` (sd of the logarithm).
    empirical,   ///< One of `samples`, each equally likely (e.g. from history).
};

/// @brief A distribution of durations; samples are rounded to whole seconds, at least 1 s.
struct TICKETFLOW_API Distribution {
    DistributionKind kind = DistributionKind::exponential; ///< Family.
    Duration mean{600};                                    ///< Mean of constant, exponential and lognormal.
    double sigma = 0.5;                                    ///< Lognormal shape (> 0).
    std::vector<Duration> samples;                         ///< Empirical values (non-empty, each > 0).

    /// @brief A constant @p value.
    static Distribution constant(Duration value);
    /// @brief Exponential with mean @p mean.
    static Distribution exponential(Duration mean);
    /// @brief Lognormal with mean @p mean and log-sd @p sigma.
    static Distribution lognormal(Duration mean, double sigma);
    /// @brief Empirical over @p samples.
    static Distribution empirical(std::vector<Duration> samples);
    /// @brief The value for a uniform @p u in (0, 1) (exponential: −mean·ln u; empirical:
    /// the sample at ⌊u·n⌋) and a standard normal @p z (lognormal only). A pure function
    /// of the draws, so the same ticket gets the same time in every scenario.
    Duration sample(double u, double z) const;
    /// @brief Throws ValidationError naming @p field when the parameters are invalid.
    void validate(const std::string& field) const;
};

/// @brief Which kind of day an arrival falls on, by the arrival calendar.
enum class DayType : unsigned char {
    working_day, ///< A working day of the calendar (make-up workdays included).
    weekend,     ///< A day off that is not a holiday.
    holiday,     ///< A public holiday of the calendar.
};

/// @brief Stable lower-case name, e.g. `"working_day"`.
TICKETFLOW_API const char* to_string(DayType type) noexcept;

/// @brief One kind of ticket that arrives, and how often relative to the others.
struct TicketMix {
    Channel channel = "phone";   ///< Intake channel.
    TicketType type = "consult"; ///< Ticket type.
    std::string priority;        ///< Priority level; empty = the scheme's lowest.
    std::string department;      ///< Initial department (before routing); may be empty.
    double weight = 1;           ///< Relative frequency (> 0).
};

/// @brief Poisson arrivals with a rate that depends on the local hour and the day type.
struct ArrivalModel {
    /// @brief Tickets per hour on working days, by weekday (Sunday = 0) and local hour.
    std::array<std::array<double, 24>, 7> working_day{};
    std::array<double, 24> weekend{}; ///< Tickets per hour on weekend days off, by hour.
    std::array<double, 24> holiday{}; ///< Tickets per hour on public holidays, by hour.
    std::vector<TicketMix> mix;       ///< What arrives; at least one entry.

    /// @brief Every working-day hour of every weekday set to @p per_hour, weekend and
    /// holiday hours to @p off_day_per_hour.
    static ArrivalModel uniform(double per_hour, double off_day_per_hour, std::vector<TicketMix> mix);
};

/// @brief One historic intake record to replay (received time and what it was).
struct HistoricArrival {
    Instant received;       ///< When the customer raised it.
    Channel channel;        ///< Intake channel.
    TicketType type;        ///< Ticket type.
    std::string priority;   ///< Priority level; empty = the scheme's lowest.
    std::string department; ///< Initial department; may be empty.
};

/// @brief Parses a historic intake CSV: a header line naming at least `received`,
/// `channel`, `type` and `priority` (and optionally `department`), in any order, then one
/// row per ticket; `received` is local time `YYYY-MM-DD HH:MM[:SS]` on @p calendar.
/// Fields may be double-quoted. Rows are returned sorted by received time.
/// @throws ValidationError naming the field as `replay[<line>].<column>` (line numbers
///         count from 1, the header is line 1) or `replay.header`.
TICKETFLOW_API std::vector<HistoricArrival> replay_from_csv(std::string_view csv, const BusinessCalendar& calendar);

/// @brief Handling time of tickets matching a type and a priority (empty = any).
struct HandlingRule {
    TicketType type;      ///< Matching type; empty = any.
    std::string priority; ///< Matching priority; empty = any.
    Distribution time;    ///< Handling time (agent shift time).
};

/// @brief How customers answer the result feedback.
struct CustomerBehaviour {
    double answer_probability = 0.7; ///< Share of customers who answer at all, [0, 1].
    Distribution answer_delay = Distribution::exponential(std::chrono::hours(2)); ///< When they answer.
    /// @brief Share of answers that are 不满意, sending the ticket to second handling, [0, 1).
    double dissatisfied = 0.08;
};

/// @brief Everything a simulation run needs. Plain value.
struct TICKETFLOW_API Scenario {
    std::string name = "scenario"; ///< Shown in outputs.
    std::uint64_t seed = 1;        ///< Random seed; same seed, same customers.
    Instant start;                 ///< First arrival instant considered.
    Instant end;                   ///< Arrivals stop here.
    /// @brief Tickets received before start + warmup are simulated but not counted.
    Duration warmup{0};
    /// @brief How long after `end` the simulation continues so that the last tickets are
    /// handled and their feedback collected (SLA outcomes are judged at its end).
    Duration drain = std::chrono::hours(24 * 7);
    BusinessCalendar calendar = BusinessCalendar::china_mainland(); ///< Desk calendar (SLA, day types).
    SlaPolicy sla = SlaPolicy::seed001();                           ///< SLA targets.
    int feedback_timeout_workdays = 3;                              ///< DeskConfig::feedback_timeout_workdays.
    ArrivalModel arrivals;                ///< Arrival rates (ignored when `replay` is non-empty).
    std::vector<HistoricArrival> replay;  ///< Historic intake to replay instead of `arrivals`.
    std::vector<Agent> agents;            ///< The roster (shifts, capacity, departments, skills).
    std::shared_ptr<const Router> router; ///< Routing at intake; null = the mix's department.
    /// @brief Assignment strategy for every department; null = LeastLoadedStrategy.
    std::shared_ptr<const AssignmentStrategy> strategy;
    /// @brief Handling times, first matching rule wins; a ticket no rule matches takes
    /// `default_handling`.
    std::vector<HandlingRule> handling;
    Distribution default_handling = Distribution::exponential(std::chrono::minutes(30)); ///< Fallback.
    CustomerBehaviour customer;                                                          ///< Feedback behaviour.
    /// @brief Post a customer-facing reply when handling starts (first response).
    bool reply_on_start = true;
    /// @brief Tell the customer the result right after resolving (result_feedback stage).
    bool inform_result = true;
    /// @brief Ask for and record the customer's verdict; false = tickets stay done.
    bool feedback = true;
    /// @brief Step of the queue/utilisation series. Who is on shift is taken at each
    /// step's start, so a step that divides the shift boundaries (30 min for 13:30) is exact.
    Duration series_step = std::chrono::minutes(30);
    /// @brief Keep per-ticket records in the result (SimulationResult::tickets).
    bool keep_tickets = true;
    /// @brief Keep the store in the result (for monthly_report()); false frees it.
    bool keep_store = true;

    /// @brief Throws ValidationError naming the field when the scenario is inconsistent.
    void validate() const;
};

/// @brief Loads a scenario from JSON text (the form documented in docs/whatif.md);
/// @p source_name names the text in error messages. A `replay` key names a CSV file,
/// read relative to @p base_dir.
/// @throws ValidationError naming the field (e.g. `agents[2].capacity`,
///         `handling[0].mean_minutes`, `arrivals.working_day`), and `json` for malformed
///         JSON.
TICKETFLOW_API Scenario scenario_from_json(std::string_view json, const std::string& source_name = "scenario",
                                           const std::string& base_dir = ".");

/// @brief What happened to one simulated ticket.
struct TicketRecord {
    TicketId id;                     ///< The desk's ticket id.
    std::size_t number = 0;          ///< Arrival number (0-based) in the run.
    std::string priority;            ///< Priority at intake.
    Instant received;                ///< Arrival.
    std::optional<Instant> assigned; ///< First assignment (wait ends).
    std::optional<Instant> resolved; ///< Last resolution.
    Duration handling{0};            ///< First handling time drawn for it.
    std::uint32_t reopened = 0;      ///< Rounds of second handling.
    bool counted = true;             ///< Received after the warm-up and before the end.
};

/// @brief Compliance of one priority level (all timed stages, and per stage).
struct TICKETFLOW_API PriorityOutcome {
    std::string priority;     ///< The level.
    std::size_t tickets = 0;  ///< Counted tickets of that level.
    std::size_t met = 0;      ///< SLA clocks met, all stages.
    std::size_t breached = 0; ///< SLA clocks breached, all stages.
    /// @brief Per stage: {met, breached}.
    std::map<SlaStage, std::array<std::size_t, 2>> stages;
    double mean_wait_seconds = 0; ///< Mean time from arrival to first assignment.
    std::size_t waited = 0;       ///< Tickets not assigned on arrival.
    /// @brief met / (met + breached); unset without outcomes.
    std::optional<double> compliance() const;
    /// @brief Compliance of @p stage; unset without outcomes.
    std::optional<double> compliance(SlaStage stage) const;
};

/// @brief Averages over one step of the time series.
struct SeriesPoint {
    Instant from;           ///< Step start.
    double queue = 0;       ///< Time-average of tickets waiting for an agent.
    double in_handling = 0; ///< Time-average of tickets being handled.
    double busy_agents = 0; ///< Time-average of agents on shift handling at least one ticket.
    double on_shift = 0;    ///< Agents on shift at the step's start.
    /// @brief busy_agents / on_shift, 0 when nobody is on shift.
    double utilisation() const { return on_shift > 0 ? busy_agents / on_shift : 0; }
};

/// @brief The outcome of one run.
struct TICKETFLOW_API SimulationResult {
    std::string scenario;                    ///< Scenario name.
    std::uint64_t seed = 0;                  ///< Seed it ran with.
    std::size_t tickets = 0;                 ///< Tickets opened (warm-up included).
    std::size_t counted = 0;                 ///< Tickets counted in the statistics.
    std::size_t resolved = 0;                ///< Counted tickets resolved by the end.
    std::size_t reopened = 0;                ///< Rounds of second handling (counted tickets).
    std::size_t commands = 0;                ///< Desk commands issued (tick() excluded).
    std::size_t ticks = 0;                   ///< tick() calls.
    Instant finished;                        ///< Simulated instant the run ended at.
    std::vector<PriorityOutcome> priorities; ///< Per level, least urgent first.
    /// @brief SLA breaches of counted tickets by stage and local hour of the deadline:
    /// breaches[stage][hour].
    std::array<std::array<std::size_t, 24>, sla_stage_count> breaches{};
    std::vector<SeriesPoint> series;          ///< Queue length and utilisation over time.
    std::vector<TicketRecord> tickets_detail; ///< Per ticket (when Scenario::keep_tickets).
    std::shared_ptr<TicketStore> store;       ///< The store the desk ran on (when Scenario::keep_store).
    /// @brief Share of counted tickets whose wait is at most @p t (assigned tickets;
    /// never-assigned ones count as waiting longer). Needs keep_tickets.
    double wait_at_most(Duration t) const;
    /// @brief Share of counted tickets that waited (not assigned on arrival).
    double wait_probability() const;
    /// @brief Mean wait of counted tickets, seconds (never-assigned ones up to `finished`).
    double mean_wait_seconds() const;
    /// @brief Mean utilisation over the series steps with someone on shift.
    double mean_utilisation() const;
};

/// @brief Runs @p scenario once with its seed.
/// @throws ValidationError when the scenario is invalid; other ticketflow errors from the
///         desk are passed on.
TICKETFLOW_API SimulationResult simulate(const Scenario& scenario);

/// @brief A mean over replications with a 95 % confidence half-width (Student t).
struct Estimate {
    double mean = 0;       ///< Mean over replications.
    double half_width = 0; ///< 95 % half-width; 0 with one replication.
    std::size_t n = 0;     ///< Replications with a value.
};

/// @brief Mean and 95 % confidence half-width of @p values (Student t, n − 1 degrees).
TICKETFLOW_API Estimate estimate(const std::vector<double>& values);

/// @brief One scenario over several replications.
struct ScenarioSummary {
    std::string name;                                  ///< Scenario name.
    std::size_t replications = 0;                      ///< Runs.
    std::map<std::string, Estimate> compliance;        ///< By priority level: SLA compliance.
    std::map<std::string, Estimate> mean_wait_minutes; ///< By priority level.
    Estimate overall_compliance;                       ///< All priorities and stages.
    Estimate utilisation;                              ///< Mean utilisation.
    Estimate tickets;                                  ///< Counted tickets.
    std::vector<std::string> priorities;               ///< Levels, least urgent first.
    /// @brief Breaches by stage and hour, averaged over replications.
    std::array<std::array<double, 24>, sla_stage_count> breaches{};
    /// @brief Per-step means over replications.
    std::vector<SeriesPoint> series;
    SimulationResult first; ///< The first replication, in full.
};

/// @brief Several scenarios side by side.
struct Comparison {
    std::vector<ScenarioSummary> scenarios; ///< In the order given.
    std::uint64_t seed = 0;                 ///< Seed of the first replication.
    /// @brief Local date and hour of each series step (the first scenario's calendar),
    /// e.g. `02-16 09h`.
    std::vector<std::string> series_labels;
};

/// @brief Runs every scenario @p replications times with seeds seed, seed + 1, …: the
/// same seeds for every scenario (common random numbers), so differences between them
/// are not noise of different customers. Only the first replication keeps its store.
/// @throws ValidationError when @p replications is 0 or a scenario is invalid.
TICKETFLOW_API Comparison compare(std::vector<Scenario> scenarios, std::size_t replications, std::uint64_t seed);

/// @brief One self-contained HTML page (inline SVG, no script, no external resources):
/// per-priority compliance with confidence intervals, waits, utilisation and queue length
/// over time, breaches by stage and hour of day, for every scenario side by side.
TICKETFLOW_API std::string to_html(const Comparison& comparison);
/// @brief The comparison as JSON (the same figures as the HTML page).
TICKETFLOW_API std::string to_json(const Comparison& comparison, int indent = 2);
/// @brief One CSV row per scenario and priority: compliance and wait estimates.
TICKETFLOW_API std::string to_csv(const Comparison& comparison);

/// @brief Probability of waiting in an M/M/c queue (Erlang C) with @p agents servers and
/// offered load @p erlangs = arrival rate × mean handling time (< agents).
/// @throws ValidationError when the load is not below the number of agents.
TICKETFLOW_API double erlang_c(int agents, double erlangs);

} // namespace ticketflow::sim
