// The built-in assignment strategies. None keeps mutable state: everything they compare
// comes from the candidate pool.
#include "routing/text.hpp"
#include "ticketflow/error.hpp"
#include "ticketflow/routing.hpp"

#include <algorithm>

namespace ticketflow {

namespace {

// Lighter load first, then fewer open tickets, then the one assigned longest ago.
bool less_loaded(const Candidate& a, const Candidate& b) {
    if (a.load.weight != b.load.weight) return a.load.weight < b.load.weight;
    if (a.load.open_tickets != b.load.open_tickets) return a.load.open_tickets < b.load.open_tickets;
    return a.last_assigned < b.last_assigned;
}

// The first of the candidates `accept`ed that no other accepted one is strictly less
// loaded than (ties keep directory order); `accepted` counts them.
template <class Accept>
const Candidate* least_loaded(const std::vector<Candidate>& candidates, Accept accept, std::size_t& accepted) {
    const Candidate* best = nullptr;
    accepted = 0;
    for (const Candidate& candidate : candidates) {
        if (!accept(candidate)) continue;
        ++accepted;
        if (best == nullptr || less_loaded(candidate, *best)) best = &candidate;
    }
    return best;
}

std::string describe_load(const Candidate& candidate) {
    return "load " + detail::format_number(candidate.load.weight) + " (" + std::to_string(candidate.load.open_tickets) +
           " open)";
}

std::string eligible_in(const CandidatePool& pool) {
    return std::to_string(pool.candidates().size()) + " eligible in " + pool.department();
}

bool has_all(const Agent& agent, const std::vector<std::string>& skills) {
    return std::all_of(skills.begin(), skills.end(), [&](const std::string& skill) {
        return std::find(agent.skills.begin(), agent.skills.end(), skill) != agent.skills.end();
    });
}

std::string joined(const std::vector<std::string>& names) {
    std::string result;
    for (const std::string& name : names) result += (result.empty() ? "" : ", ") + name;
    return result;
}

const TicketLink* follow_up_link(const Ticket& ticket) {
    for (const TicketLink& link : ticket.links)
        if (link.kind == LinkKind::follow_up_of) return &link;
    return nullptr;
}

} // namespace

std::string RoundRobinStrategy::name() const { return "round_robin"; }

std::optional<AssignmentDecision> RoundRobinStrategy::pick(const Ticket&, const CandidatePool& pool) const {
    const Candidate* best = nullptr;
    for (const Candidate& candidate : pool.candidates())
        if (best == nullptr || candidate.last_assigned < best->last_assigned) best = &candidate;
    if (best == nullptr) return std::nullopt;
    const std::string turn = best->last_assigned == 0 ? " has not been assigned yet" : " was assigned longest ago";
    return AssignmentDecision{best->agent->id, name(),
                              "round robin among " + eligible_in(pool) + ": " + best->agent->id + turn};
}

std::string LeastLoadedStrategy::name() const { return "least_loaded"; }

std::optional<AssignmentDecision> LeastLoadedStrategy::pick(const Ticket&, const CandidatePool& pool) const {
    std::size_t accepted = 0;
    const Candidate* best = least_loaded(
        pool.candidates(), [](const Candidate&) { return true; }, accepted);
    if (best == nullptr) return std::nullopt;
    return AssignmentDecision{best->agent->id, name(),
                              "least loaded of " + eligible_in(pool) + ": " + describe_load(*best)};
}

SkillBasedStrategy::SkillBasedStrategy(SkillRequirements requirements) : requirements_(std::move(requirements)) {}

std::string SkillBasedStrategy::name() const { return "skill_based"; }

std::vector<std::string> SkillBasedStrategy::required_skills(const Ticket& ticket) const {
    std::vector<std::string> skills;
    const auto add = [&skills](const std::vector<std::string>& more) {
        skills.insert(skills.end(), more.begin(), more.end());
    };
    const auto by_type = requirements_.by_type.find(ticket.type);
    if (by_type != requirements_.by_type.end()) add(by_type->second);
    for (const std::string& tag : ticket.tags) {
        const auto by_tag = requirements_.by_tag.find(tag);
        if (by_tag != requirements_.by_tag.end()) add(by_tag->second);
    }
    std::sort(skills.begin(), skills.end());
    skills.erase(std::unique(skills.begin(), skills.end()), skills.end());
    return skills;
}

std::optional<AssignmentDecision> SkillBasedStrategy::pick(const Ticket& ticket, const CandidatePool& pool) const {
    const std::vector<std::string> skills = required_skills(ticket);
    std::size_t skilled = 0;
    const Candidate* best = least_loaded(
        pool.candidates(), [&](const Candidate& candidate) { return has_all(*candidate.agent, skills); }, skilled);
    if (best == nullptr) return std::nullopt;
    const std::string needs = skills.empty() ? "no skills required" : "has skills " + joined(skills);
    return AssignmentDecision{best->agent->id, name(),
                              needs + "; least loaded of " + std::to_string(skilled) + " such among " +
                                  eligible_in(pool) + ": " + describe_load(*best)};
}

StickyStrategy::StickyStrategy(AssigneeLookup lookup, std::shared_ptr<const AssignmentStrategy> fallback)
    : lookup_(std::move(lookup)), fallback_(std::move(fallback)) {
    if (!lookup_) throw ValidationError("lookup", "must not be empty");
    if (!fallback_) throw ValidationError("fallback", "must not be null");
}

std::string StickyStrategy::name() const { return "sticky"; }

std::optional<AssignmentDecision> StickyStrategy::pick(const Ticket& ticket, const CandidatePool& pool) const {
    const TicketLink* link = follow_up_link(ticket);
    if (link == nullptr) return fallback_->pick(ticket, pool);
    const std::optional<std::string> original = lookup_(link->target);
    std::string reason;
    if (!original || original->empty()) {
        reason = "ticket " + link->target + " has no handler";
    } else {
        const CandidateCheck check = pool.check(*original);
        if (check.eligibility == Eligibility::eligible)
            return AssignmentDecision{*original, name(), "original handler of " + link->target + " (follow_up_of)"};
        reason = "original handler " + *original + " of " + link->target + " is " + to_string(check.eligibility);
    }
    std::optional<AssignmentDecision> decision = fallback_->pick(ticket, pool);
    if (decision) decision->why = reason + "; " + decision->why;
    return decision;
}

std::string ManualStrategy::name() const { return "manual"; }

std::optional<AssignmentDecision> ManualStrategy::pick(const Ticket&, const CandidatePool&) const {
    return std::nullopt;
}

} // namespace ticketflow
