// The event-driven simulation engine: a real ServiceDesk on a MemoryStore and a
// ManualClock that jumps from event to event (arrivals, handling completions, customer
// answers, shift starts and the store's due instants).

#include "simulation/arrivals.hpp"
#include "simulation/random.hpp"

#include "ticketflow/desk.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace ticketflow::sim {

namespace {

enum class EventKind : unsigned char { arrival, completion, answer, wake };

struct Event {
    Instant at;
    std::uint64_t seq = 0;
    EventKind kind = EventKind::arrival;
    std::size_t ticket = 0;
    friend bool operator>(const Event& a, const Event& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
};

struct SimTicket {
    TicketId id;
    int rank = 0;
    std::string priority;
    TicketType type;
    Channel channel;
    Instant received;
    std::optional<Instant> assigned;
    std::optional<Instant> resolved;
    Duration handling{0};
    std::uint32_t round = 0;
    std::size_t agent = 0;
    bool counted = true;
};

struct AgentState {
    Actor actor;
    const BusinessCalendar* shift = nullptr;
    int in_handling = 0;
    int capacity = 1;
};

bool on_shift(const BusinessCalendar* shift, Instant t) {
    if (!shift) return true;
    try {
        return shift->next_business_instant(t) == t;
    } catch (const CalendarError&) {
        return false;
    }
}

const TicketMix& pick_mix(const std::vector<TicketMix>& mix, double u) {
    double total = 0;
    for (const auto& m : mix) total += m.weight;
    double x = u * total;
    for (const auto& m : mix) {
        if (x < m.weight) return m;
        x -= m.weight;
    }
    return mix.back();
}

class Engine {
public:
    explicit Engine(const Scenario& s) : s_(s), arrivals_(s) {
        scheme_ = &s.sla.priorities;
        store_ = std::make_shared<MemoryStore>();
        clock_ = std::make_shared<ManualClock>(s.start);
        directory_ = std::make_shared<AgentDirectory>();
        directory_->add_all(s.agents);
        for (const auto& agent : s.agents) {
            agent_index_[agent.id] = agents_.size();
            department_agents_[agent.department].push_back(agents_.size());
            agents_.push_back({Actor{agent.id, agent.role, agent.department}, agent.shift ? &*agent.shift : nullptr, 0,
                               agent.capacity});
        }
        std::shared_ptr<const AssignmentStrategy> strategy = s.strategy;
        if (!strategy) strategy = std::make_shared<LeastLoadedStrategy>();
        DeskConfig config;
        config.calendar = s.calendar;
        config.sla = s.sla;
        config.feedback_timeout_workdays = s.feedback_timeout_workdays;
        config.router = s.router;
        config.directory = directory_;
        // The simulator dispatches itself (through assign()): the desk's own waiting queue
        // in tick() is found by a status query over every open ticket, at every tick.
        assigner_ = std::make_unique<Assigner>(directory_, strategy);
        auto add_name = [](std::vector<std::string>& names, const std::string& name) {
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        };
        for (const auto& m : s.arrivals.mix) {
            add_name(config.channels, m.channel);
            add_name(config.types, m.type);
        }
        for (const auto& r : s.replay) {
            add_name(config.channels, r.channel);
            add_name(config.types, r.type);
        }
        desk_ = std::make_unique<ServiceDesk>(store_, clock_, std::move(config));
        horizon_ = s.end + s.drain;
        series_from_ = s.start;
    }

    SimulationResult run() {
        schedule_arrival();
        for (;;) {
            std::optional<Instant> te;
            if (!events_.empty()) te = events_.top().at;
            auto td = next_due();
            // A deadline a command set in the past is handled now: the clock never goes back.
            if (td && *td < clock_->now()) td = clock_->now();
            if (!te && !td) break;
            const Instant t = te && td ? std::min(*te, *td) : te ? *te : *td;
            if (t > horizon_) break;
            advance(t);
            clock_->set(t);
            if (td && *td == t) {
                do_tick(t);
            } else {
                const Event e = events_.top();
                events_.pop();
                process(e);
            }
            plan_wake();
        }
        advance(horizon_);
        clock_->set(horizon_);
        return finish();
    }

private:
    void push(Instant at, EventKind kind, std::size_t ticket) { events_.push(Event{at, seq_++, kind, ticket}); }

    void schedule_arrival() {
        if (auto at = arrivals_.next()) push(*at, EventKind::arrival, tickets_.size());
    }

    std::optional<Instant> next_due() const {
        std::size_t k = 8;
        for (;;) {
            auto due = store_->due_until(horizon_, k);
            for (const auto& entry : due)
                if (!last_tick_ || entry.due > *last_tick_) return entry.due;
            if (due.size() < k) return std::nullopt;
            k *= 4;
        }
    }

    double u(std::size_t ticket, std::uint64_t stream, std::uint64_t round) const {
        return uniform_at(s_.seed, ticket, stream, round);
    }
    double z(std::size_t ticket, std::uint64_t stream, std::uint64_t round) const {
        return normal_from(u(ticket, stream, round), u(ticket, stream + 1000, round));
    }

    const Distribution& handling_for(const SimTicket& t) const {
        for (const auto& rule : s_.handling)
            if ((rule.type.empty() || rule.type == t.type) && (rule.priority.empty() || rule.priority == t.priority))
                return rule.time;
        return s_.default_handling;
    }

    Duration draw_handling(std::size_t i) const {
        const auto& t = tickets_[i];
        return handling_for(t).sample(u(i, streams::handling, t.round), z(i, streams::handling, t.round));
    }

    void process(const Event& e) {
        switch (e.kind) {
        case EventKind::arrival: arrive(e.ticket); break;
        case EventKind::completion: complete(e.ticket); break;
        case EventKind::answer: answer(e.ticket); break;
        case EventKind::wake:
            wake_.reset();
            dispatch_all();
            break;
        }
    }

    void arrive(std::size_t i) {
        const Instant now = clock_->now();
        NewTicket request;
        if (const auto* r = arrivals_.replayed(); r && !s_.replay.empty()) {
            request.channel = r->channel;
            request.type = r->type;
            request.priority = r->priority;
            request.department = r->department;
        } else {
            const auto& m = pick_mix(s_.arrivals.mix, u(i, streams::mix, 0));
            request.channel = m.channel;
            request.type = m.type;
            request.priority = m.priority;
            request.department = m.department;
        }
        if (request.priority.empty()) request.priority = scheme_->lowest();
        request.customer.id = "C" + std::to_string(i + 1);
        request.description = "simulated " + request.type + " request";
        request.received_at = now;
        SimTicket st;
        st.rank = scheme_->rank(request.priority);
        st.priority = request.priority;
        st.type = request.type;
        st.channel = request.channel;
        st.received = now;
        st.counted = now >= s_.start + s_.warmup && now < s_.end;
        tickets_.push_back(st);
        const Ticket ticket = desk_->open(intake_, request);
        ++commands_;
        tickets_[i].id = ticket.id;
        auto& queue = waiting_[ticket.department];
        queue.entries.insert({-st.rank, now, i});
        queue.tickets.emplace(i, ticket);
        ++waiting_count_;
        dispatch(ticket.department);
        schedule_arrival();
    }

    // Offers the waiting tickets of @p department, most urgent first and first come first
    // served, to the assigner; each chosen agent is assigned through the desk and starts.
    void dispatch(const std::string& department) {
        auto found = waiting_.find(department);
        if (found == waiting_.end()) return;
        auto& queue = found->second;
        const Instant now = clock_->now();
        const auto& staff = department_agents_[department];
        auto someone_free = [&] {
            for (std::size_t a : staff)
                if (agents_[a].in_handling < agents_[a].capacity) return true;
            return false;
        };
        for (auto it = queue.entries.begin(); it != queue.entries.end();) {
            if (!someone_free()) break;
            const std::size_t i = std::get<2>(*it);
            auto ticket = queue.tickets.find(i);
            auto decision = assigner_->choose(ticket->second, now);
            if (!decision) {
                ++it;
                continue;
            }
            it = queue.entries.erase(it);
            queue.tickets.erase(ticket);
            --waiting_count_;
            desk_->assign(dispatcher_, tickets_[i].id, decision->agent);
            ++commands_;
            begin(i, decision->agent);
        }
    }

    void dispatch_all() {
        for (auto& [department, queue] : waiting_)
            if (!queue.entries.empty()) dispatch(department);
    }

    void begin(std::size_t i, const std::string& agent_id) {
        const Instant now = clock_->now();
        auto it = agent_index_.find(agent_id);
        if (it == agent_index_.end()) throw ValidationError("agents", "the assigner chose unknown agent " + agent_id);
        auto& t = tickets_[i];
        auto& agent = agents_[it->second];
        t.agent = it->second;
        if (!t.assigned) t.assigned = now;
        ++agent.in_handling;
        desk_->start(agent.actor, t.id);
        ++commands_;
        if (s_.sla.target(t.priority, SlaStage::classify)) {
            Classification same;
            same.type = t.type;
            desk_->classify(agent.actor, t.id, same);
            ++commands_;
        }
        handle(i);
    }

    // Handling round of ticket i by its agent, starting now.
    void handle(std::size_t i) {
        const Instant now = clock_->now();
        auto& t = tickets_[i];
        auto& agent = agents_[t.agent];
        if (s_.reply_on_start) {
            desk_->post_update(agent.actor, t.id, t.round == 0 ? "已受理，正在处理" : "已重新处理");
            ++commands_;
        }
        const Duration need = draw_handling(i);
        if (t.round == 0) t.handling = need;
        const Instant done = agent.shift ? agent.shift->add_business_time(now, need) : now + need;
        push(done, EventKind::completion, i);
    }

    void complete(std::size_t i) {
        const Instant now = clock_->now();
        auto& t = tickets_[i];
        auto& agent = agents_[t.agent];
        desk_->resolve(agent.actor, t.id, Resolution{"已处理", Responsibility::undetermined});
        ++commands_;
        --agent.in_handling;
        t.resolved = now;
        if (s_.inform_result) {
            desk_->inform_result(agent.actor, t.id, t.channel, "处理结果已告知");
            ++commands_;
        }
        if (s_.feedback && u(i, streams::answers, t.round) < s_.customer.answer_probability) {
            const Duration delay =
                s_.customer.answer_delay.sample(u(i, streams::delay, t.round), z(i, streams::delay, t.round));
            push(now + delay, EventKind::answer, i);
        }
        if (waiting_count_) dispatch(agent.actor.department);
    }

    void answer(std::size_t i) {
        auto& t = tickets_[i];
        auto current = desk_->find(t.id);
        if (!current || current->status != Status::done) return; // closed by the feedback timeout
        const bool unhappy = u(i, streams::verdict, t.round) < s_.customer.dissatisfied;
        Satisfaction verdict;
        verdict.grade = unhappy ? SatisfactionGrade::dissatisfied : SatisfactionGrade::satisfied;
        CustomerFeedback feedback;
        feedback.satisfaction = verdict;
        const Ticket after = desk_->record_feedback(agents_[t.agent].actor, t.id, feedback);
        ++commands_;
        if (after.status == Status::in_progress) {
            ++t.round;
            ++agents_[t.agent].in_handling;
            handle(i);
        }
    }

    void do_tick(Instant now) {
        desk_->tick(now);
        ++ticks_;
        last_tick_ = now;
    }

    // With tickets waiting, the next shift start of an agent now off shift is an event:
    // someone may take them then.
    void plan_wake() {
        if (!waiting_count_) return;
        const Instant now = clock_->now();
        if (wake_ && *wake_ > now) return;
        std::optional<Instant> next;
        for (const auto& agent : agents_) {
            if (!agent.shift) continue;
            try {
                const Instant start = agent.shift->next_business_instant(now);
                if (start > now && (!next || start < *next)) next = start;
            } catch (const CalendarError&) {}
        }
        if (next && *next <= horizon_) {
            wake_ = next;
            push(*next, EventKind::wake, 0);
        }
    }

    void advance(Instant to) {
        while (series_from_ < to) {
            if (!point_) {
                point_ = SeriesPoint{};
                point_->from = series_from_;
                shift_now_.resize(agents_.size());
                for (std::size_t a = 0; a < agents_.size(); ++a) {
                    shift_now_[a] = on_shift(agents_[a].shift, series_from_);
                    point_->on_shift += shift_now_[a] ? 1 : 0;
                }
            }
            const Instant step_end = point_->from + s_.series_step;
            const Instant until = std::min(to, step_end);
            const double dt = static_cast<double>((until - series_from_).count());
            int handling = 0, busy = 0;
            for (std::size_t a = 0; a < agents_.size(); ++a) {
                handling += agents_[a].in_handling;
                busy += agents_[a].in_handling > 0 && shift_now_[a];
            }
            point_->queue += dt * static_cast<double>(waiting_count_);
            point_->in_handling += dt * handling;
            point_->busy_agents += dt * busy;
            series_from_ = until;
            if (until == step_end) flush_point();
        }
    }

    void flush_point() {
        const double len = static_cast<double>((series_from_ - point_->from).count());
        if (len > 0) {
            point_->queue /= len;
            point_->in_handling /= len;
            point_->busy_agents /= len;
            series_.push_back(*point_);
        }
        point_.reset();
    }

    SimulationResult finish() {
        if (point_) flush_point();
        SimulationResult r;
        r.scenario = s_.name;
        r.seed = s_.seed;
        r.tickets = tickets_.size();
        r.commands = commands_;
        r.ticks = ticks_;
        r.finished = horizon_;
        r.series = std::move(series_);
        const auto& levels = scheme_->levels();
        r.priorities.resize(levels.size());
        for (std::size_t k = 0; k < levels.size(); ++k) r.priorities[k].priority = levels[k];
        std::unordered_map<TicketId, std::size_t> by_id;
        by_id.reserve(tickets_.size());
        for (std::size_t i = 0; i < tickets_.size(); ++i) {
            const auto& t = tickets_[i];
            by_id.emplace(t.id, i);
            if (!t.counted) continue;
            ++r.counted;
            r.resolved += t.resolved.has_value();
            r.reopened += t.round;
            auto& p = r.priorities[static_cast<std::size_t>(t.rank)];
            ++p.tickets;
            const Instant waited_until = t.assigned ? *t.assigned : horizon_;
            p.mean_wait_seconds += static_cast<double>((waited_until - t.received).count());
            p.waited += !t.assigned || *t.assigned > t.received;
        }
        for (auto& p : r.priorities)
            if (p.tickets) p.mean_wait_seconds /= static_cast<double>(p.tickets);
        store_->scan(TicketQuery{}, [&](const Ticket& ticket) {
            auto it = by_id.find(ticket.id);
            if (it == by_id.end() || !tickets_[it->second].counted) return true;
            auto& p = r.priorities[static_cast<std::size_t>(tickets_[it->second].rank)];
            for (const auto& clock : ticket.sla) {
                const bool late = clock.breached || (clock.stopped && *clock.stopped > clock.due) ||
                                  (!clock.stopped && !clock.paused_since && clock.due <= horizon_);
                const bool met = clock.stopped && !late;
                if (!late && !met) continue;
                auto& stage = p.stages[clock.stage];
                ++stage[late ? 1 : 0];
                if (late) {
                    ++p.breached;
                    const int hour = static_cast<int>(s_.calendar.to_local(clock.due).time_of_day().hours());
                    ++r.breaches[static_cast<std::size_t>(clock.stage)][static_cast<std::size_t>(hour)];
                } else {
                    ++p.met;
                }
            }
            return true;
        });
        if (s_.keep_tickets) {
            r.tickets_detail.reserve(tickets_.size());
            for (std::size_t i = 0; i < tickets_.size(); ++i) {
                const auto& t = tickets_[i];
                r.tickets_detail.push_back(TicketRecord{t.id, i, t.priority, t.received, t.assigned, t.resolved,
                                                        t.handling, t.round, t.counted});
            }
        }
        if (s_.keep_store) r.store = store_;
        return r;
    }

    const Scenario& s_;
    const PriorityScheme* scheme_ = nullptr;
    ArrivalStream arrivals_;
    std::shared_ptr<MemoryStore> store_;
    std::shared_ptr<ManualClock> clock_;
    std::shared_ptr<AgentDirectory> directory_;
    std::unique_ptr<ServiceDesk> desk_;
    std::vector<AgentState> agents_;
    std::unordered_map<std::string, std::size_t> agent_index_;
    std::map<std::string, std::vector<std::size_t>> department_agents_;
    std::vector<SimTicket> tickets_;
    struct WaitingQueue {
        std::set<std::tuple<int, Instant, std::size_t>> entries; // (-rank, received, number)
        std::unordered_map<std::size_t, Ticket> tickets;         // as opened, for the assigner
    };
    std::map<std::string, WaitingQueue> waiting_; // by department
    std::size_t waiting_count_ = 0;
    std::unique_ptr<Assigner> assigner_;
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
    std::uint64_t seq_ = 0;
    std::optional<Instant> last_tick_;
    std::optional<Instant> wake_;
    Instant horizon_;
    Instant series_from_;
    std::optional<SeriesPoint> point_;
    std::vector<bool> shift_now_; // agents on shift at the current step's start
    std::vector<SeriesPoint> series_;
    std::size_t commands_ = 0;
    std::size_t ticks_ = 0;
    const Actor intake_{"intake", Role::team_lead, ""};
    const Actor dispatcher_{"dispatcher", Role::team_lead, ""};
};

} // namespace

const char* to_string(DayType type) noexcept {
    switch (type) {
    case DayType::working_day: return "working_day";
    case DayType::weekend: return "weekend";
    case DayType::holiday: return "holiday";
    }
    return "unknown";
}

SimulationResult simulate(const Scenario& scenario) {
    scenario.validate();
    Engine engine(scenario);
    return engine.run();
}

double SimulationResult::wait_at_most(Duration t) const {
    std::size_t n = 0, ok = 0;
    for (const auto& r : tickets_detail) {
        if (!r.counted) continue;
        ++n;
        ok += r.assigned && *r.assigned - r.received <= t;
    }
    return n ? static_cast<double>(ok) / static_cast<double>(n) : 0;
}

double SimulationResult::wait_probability() const {
    std::size_t n = 0, waited = 0;
    for (const auto& r : tickets_detail) {
        if (!r.counted) continue;
        ++n;
        waited += !r.assigned || *r.assigned > r.received;
    }
    return n ? static_cast<double>(waited) / static_cast<double>(n) : 0;
}

double SimulationResult::mean_wait_seconds() const {
    std::size_t n = 0;
    double total = 0;
    for (const auto& r : tickets_detail) {
        if (!r.counted) continue;
        ++n;
        total += static_cast<double>(((r.assigned ? *r.assigned : finished) - r.received).count());
    }
    return n ? total / static_cast<double>(n) : 0;
}

double SimulationResult::mean_utilisation() const {
    double total = 0;
    std::size_t n = 0;
    for (const auto& p : series)
        if (p.on_shift > 0) {
            total += p.utilisation();
            ++n;
        }
    return n ? total / static_cast<double>(n) : 0;
}

std::optional<double> PriorityOutcome::compliance() const {
    if (met + breached == 0) return std::nullopt;
    return static_cast<double>(met) / static_cast<double>(met + breached);
}

std::optional<double> PriorityOutcome::compliance(SlaStage stage) const {
    auto it = stages.find(stage);
    if (it == stages.end() || it->second[0] + it->second[1] == 0) return std::nullopt;
    return static_cast<double>(it->second[0]) / static_cast<double>(it->second[0] + it->second[1]);
}

} // namespace ticketflow::sim
