// AgentDirectory: agents, their shifts and their loads behind a reader-writer lock.
#include "core/validate.hpp"
#include "routing/directory_state.hpp"
#include "routing/staff.hpp"
#include "ticketflow/error.hpp"

#include <cmath>
#include <mutex>
#include <set>

namespace ticketflow {

namespace detail {

bool ShiftCache::working(const BusinessCalendar& calendar) const {
    try {
        // An instant inside a working interval is its own next business instant.
        return calendar.next_business_instant(now_) == now_;
    } catch (const CalendarError&) {
        return false; // outside the calendar's horizon: nobody can say the agent works then
    }
}

} // namespace detail

namespace {

void check_agent(const Agent& agent, const std::string& prefix) {
    const auto required = [&](const std::string& field, const std::string& value) {
        if (value.empty()) throw ValidationError(prefix + field, "is required");
        if (!detail::is_valid_utf8(value)) throw ValidationError(prefix + field, "is not valid UTF-8");
    };
    required("id", agent.id);
    required("department", agent.department);
    for (std::size_t i = 0; i < agent.skills.size(); ++i)
        required("skills[" + std::to_string(i) + "]", agent.skills[i]);
    if (!detail::is_staff(agent.role))
        throw ValidationError(prefix + "role", std::string("'") + to_string(agent.role) + "' is not a staff role");
    if (agent.capacity < 0) throw ValidationError(prefix + "capacity", "must not be negative");
    if (agent.approval_limit && !(*agent.approval_limit >= 0))
        throw ValidationError(prefix + "approval_limit", "must be a non-negative amount");
}

void check_weight(double weight) {
    if (!std::isfinite(weight) || weight < 0) throw ValidationError("weight", "must be a finite, non-negative number");
}

} // namespace

void detail::DirectoryState::append(Agent agent) {
    const std::size_t index = records.size();
    detail::AgentRecord record;
    record.shift = shift_index(agent.shift);
    record.load = &loads[agent.id];
    record.agent = std::move(agent);
    by_id.emplace(record.agent.id, index);
    by_department[record.agent.department].push_back(index);
    records.push_back(std::move(record));
}

// Copies of one calendar share its tables, and so the address of its definition: that is
// how agents naming the same shift end up sharing one on-shift check.
int detail::DirectoryState::shift_index(const std::optional<BusinessCalendar>& shift) {
    if (!shift) return -1;
    for (std::size_t i = 0; i < shifts.size(); ++i)
        if (&shifts[i].definition() == &shift->definition()) return static_cast<int>(i);
    shifts.push_back(*shift);
    return static_cast<int>(shifts.size() - 1);
}

void detail::DirectoryState::reindex() {
    by_id.clear();
    by_department.clear();
    shifts.clear();
    for (std::size_t i = 0; i < records.size(); ++i) {
        detail::AgentRecord& record = records[i];
        record.shift = shift_index(record.agent.shift);
        by_id.emplace(record.agent.id, i);
        by_department[record.agent.department].push_back(i);
    }
}

AgentDirectory::AgentDirectory() : state_(std::make_unique<detail::DirectoryState>()) {}

AgentDirectory::~AgentDirectory() = default;

void AgentDirectory::add(Agent agent) {
    check_agent(agent, "");
    std::unique_lock lock(state_->mutex);
    if (state_->by_id.count(agent.id) != 0) throw ValidationError("id", "agent '" + agent.id + "' is already listed");
    state_->append(std::move(agent));
}

void AgentDirectory::add_all(std::vector<Agent> agents) {
    std::set<std::string> ids;
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const std::string prefix = "agents[" + std::to_string(i) + "].";
        check_agent(agents[i], prefix);
        if (!ids.insert(agents[i].id).second)
            throw ValidationError(prefix + "id", "agent '" + agents[i].id + "' appears twice");
    }
    std::unique_lock lock(state_->mutex);
    for (std::size_t i = 0; i < agents.size(); ++i)
        if (state_->by_id.count(agents[i].id) != 0)
            throw ValidationError("agents[" + std::to_string(i) + "].id",
                                  "agent '" + agents[i].id + "' is already listed");
    for (Agent& agent : agents) state_->append(std::move(agent));
}

void AgentDirectory::update(Agent agent) {
    check_agent(agent, "");
    std::unique_lock lock(state_->mutex);
    const auto found = state_->by_id.find(agent.id);
    if (found == state_->by_id.end()) throw NotFound("agent " + agent.id);
    state_->records[found->second].agent = std::move(agent);
    state_->reindex();
}

bool AgentDirectory::remove(const std::string& id) {
    std::unique_lock lock(state_->mutex);
    const auto found = state_->by_id.find(id);
    if (found == state_->by_id.end()) return false;
    state_->records.erase(state_->records.begin() + static_cast<std::ptrdiff_t>(found->second));
    state_->reindex();
    return true;
}

void AgentDirectory::set_available(const std::string& id, bool available) {
    std::unique_lock lock(state_->mutex);
    const auto found = state_->by_id.find(id);
    if (found == state_->by_id.end()) throw NotFound("agent " + id);
    state_->records[found->second].agent.available = available;
}

std::optional<Agent> AgentDirectory::find(const std::string& id) const {
    std::shared_lock lock(state_->mutex);
    const auto found = state_->by_id.find(id);
    if (found == state_->by_id.end()) return std::nullopt;
    return state_->records[found->second].agent;
}

std::vector<Agent> AgentDirectory::agents() const {
    std::shared_lock lock(state_->mutex);
    std::vector<Agent> result;
    result.reserve(state_->records.size());
    for (const auto& record : state_->records) result.push_back(record.agent);
    return result;
}

std::vector<Agent> AgentDirectory::agents_in(const std::string& department) const {
    std::shared_lock lock(state_->mutex);
    std::vector<Agent> result;
    const auto found = state_->by_department.find(department);
    if (found == state_->by_department.end()) return result;
    for (const std::size_t index : found->second) result.push_back(state_->records[index].agent);
    return result;
}

std::size_t AgentDirectory::size() const {
    std::shared_lock lock(state_->mutex);
    return state_->records.size();
}

void AgentDirectory::on_assigned(const std::string& agent_id, double weight) {
    check_weight(weight);
    std::unique_lock lock(state_->mutex);
    detail::LoadState& state = state_->loads[agent_id];
    state.load.open_tickets += 1;
    state.load.weight += weight;
    state.last_assigned = ++state_->assignments;
}

void AgentDirectory::on_released(const std::string& agent_id, double weight) {
    check_weight(weight);
    std::unique_lock lock(state_->mutex);
    const auto found = state_->loads.find(agent_id);
    if (found == state_->loads.end()) return;
    AgentLoad& load = found->second.load;
    // A release of a ticket assigned before the last reset_loads() must not go negative;
    // and with no ticket left, rounding residue of the weights is dropped.
    load.open_tickets = std::max(0, load.open_tickets - 1);
    load.weight = load.open_tickets == 0 ? 0.0 : std::max(0.0, load.weight - weight);
}

void AgentDirectory::on_reweighted(const std::string& agent_id, double old_weight, double new_weight) {
    check_weight(old_weight);
    check_weight(new_weight);
    std::unique_lock lock(state_->mutex);
    const auto found = state_->loads.find(agent_id);
    // Nothing counted (e.g. the ticket was assigned before the last reset_loads()): no weight to move.
    if (found == state_->loads.end() || found->second.load.open_tickets == 0) return;
    AgentLoad& load = found->second.load;
    load.weight = std::max(0.0, load.weight - old_weight + new_weight);
}

void AgentDirectory::reset_loads(const std::map<std::string, AgentLoad>& loads) {
    for (const auto& [id, load] : loads) {
        if (load.open_tickets < 0) throw ValidationError("loads[" + id + "].open_tickets", "must not be negative");
        if (!std::isfinite(load.weight) || load.weight < 0)
            throw ValidationError("loads[" + id + "].weight", "must be a finite, non-negative number");
    }
    std::unique_lock lock(state_->mutex);
    // Entries of unlisted agents go (no record points to them); listed agents keep theirs.
    for (auto it = state_->loads.begin(); it != state_->loads.end();) {
        if (state_->by_id.count(it->first) == 0) {
            it = state_->loads.erase(it);
        } else {
            it->second.load = AgentLoad{};
            ++it;
        }
    }
    for (const auto& [id, load] : loads) state_->loads[id].load = load;
}

AgentLoad AgentDirectory::load(const std::string& agent_id) const {
    std::shared_lock lock(state_->mutex);
    const auto found = state_->loads.find(agent_id);
    return found == state_->loads.end() ? AgentLoad{} : found->second.load;
}

std::optional<Role> next_role_up(Role role) noexcept {
    switch (role) {
    case Role::agent: return Role::team_lead;
    case Role::team_lead: return Role::supervisor;
    case Role::supervisor: return Role::manager;
    default: return std::nullopt;
    }
}

double LoadWeights::weight_of(int rank) const noexcept {
    const int index = std::max(rank, 0);
    const auto at = static_cast<std::size_t>(index);
    return at < by_rank.size() ? by_rank[at] : static_cast<double>(index + 1);
}

double LoadWeights::weight_of(const PriorityScheme& scheme, const std::string& level) const {
    return weight_of(scheme.contains(level) ? scheme.rank(level) : 0);
}

std::map<std::string, AgentLoad> loads_of(const std::vector<Ticket>& tickets, const PriorityScheme& scheme,
                                          const LoadWeights& weights) {
    std::map<std::string, AgentLoad> loads;
    for (const Ticket& ticket : tickets) {
        if (ticket.assignee.empty()) continue;
        if (ticket.status != Status::pending && ticket.status != Status::in_progress) continue;
        AgentLoad& load = loads[ticket.assignee];
        load.open_tickets += 1;
        load.weight += weights.weight_of(scheme, ticket.priority);
    }
    return loads;
}

} // namespace ticketflow
