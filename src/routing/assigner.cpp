// Assigner: the eligible agents of a ticket's department, and the department's strategy.
#include "routing/directory_state.hpp"
#include "ticketflow/error.hpp"

#include <array>
#include <mutex>

namespace ticketflow {

namespace {

constexpr std::array<const char*, 5> eligibility_names{"eligible", "unknown_agent", "unavailable", "off_shift",
                                                       "at_capacity"};

// The pool a strategy picks from, built under the directory's read lock.
class DirectoryPool final : public CandidatePool {
public:
    DirectoryPool(const detail::DirectoryState& state, const std::string& department, Instant now)
        : state_(state), department_(department), now_(now), shifts_(state.shifts, now) {
        const auto members = state.by_department.find(department);
        if (members == state.by_department.end()) return;
        candidates_.reserve(members->second.size());
        for (const std::size_t index : members->second) {
            const detail::AgentRecord& record = state.records[index];
            if (detail::eligibility_of(record, shifts_) == Eligibility::eligible)
                candidates_.push_back(candidate(record));
        }
    }

    const std::string& department() const noexcept override { return department_; }
    Instant now() const noexcept override { return now_; }
    const std::vector<Candidate>& candidates() const noexcept override { return candidates_; }

    CandidateCheck check(const std::string& agent_id) const override {
        const auto found = state_.by_id.find(agent_id);
        if (found == state_.by_id.end()) return CandidateCheck{};
        const detail::AgentRecord& record = state_.records[found->second];
        return CandidateCheck{detail::eligibility_of(record, shifts_), candidate(record)};
    }

private:
    static Candidate candidate(const detail::AgentRecord& record) {
        return Candidate{&record.agent, record.load->load, record.load->last_assigned};
    }

    const detail::DirectoryState& state_;
    const std::string& department_;
    Instant now_;
    detail::ShiftCache shifts_;
    std::vector<Candidate> candidates_;
};

} // namespace

const char* to_string(Eligibility eligibility) noexcept {
    const auto index = static_cast<std::size_t>(eligibility);
    return index < eligibility_names.size() ? eligibility_names[index] : "unknown";
}

Assigner::Assigner(std::shared_ptr<const AgentDirectory> directory,
                   std::shared_ptr<const AssignmentStrategy> default_strategy,
                   std::map<std::string, std::shared_ptr<const AssignmentStrategy>> by_department)
    : directory_(std::move(directory)), default_strategy_(std::move(default_strategy)),
      by_department_(std::move(by_department)) {
    if (!directory_) throw ValidationError("directory", "must not be null");
    if (!default_strategy_) throw ValidationError("default_strategy", "must not be null");
    for (const auto& [department, strategy] : by_department_)
        if (!strategy) throw ValidationError("by_department[" + department + "]", "must not be null");
}

const AssignmentStrategy& Assigner::strategy_for(const std::string& department) const {
    const auto found = by_department_.find(department);
    return found == by_department_.end() ? *default_strategy_ : *found->second;
}

std::optional<AssignmentDecision> Assigner::choose(const Ticket& ticket, Instant now) const {
    const AssignmentStrategy& strategy = strategy_for(ticket.department);
    const detail::DirectoryState& state = *directory_->state_;
    std::shared_lock lock(state.mutex);
    const DirectoryPool pool(state, ticket.department, now);
    return strategy.pick(ticket, pool);
}

} // namespace ticketflow
