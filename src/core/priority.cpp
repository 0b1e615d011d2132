#include "ticketflow/ticket.hpp"

#include <algorithm>

namespace ticketflow {

PriorityScheme::PriorityScheme(std::vector<std::string> levels) : levels_(std::move(levels)) {
    if (levels_.empty()) throw ValidationError("priorities", "a priority scheme needs at least one level");
    for (std::size_t i = 0; i < levels_.size(); ++i) {
        if (levels_[i].empty()) throw ValidationError("priorities", "level names must not be empty");
        if (std::find(levels_.begin(), levels_.begin() + static_cast<std::ptrdiff_t>(i), levels_[i]) !=
            levels_.begin() + static_cast<std::ptrdiff_t>(i))
            throw ValidationError("priorities", "level '" + levels_[i] + "' appears twice");
    }
}

PriorityScheme PriorityScheme::urgency3() { return PriorityScheme({"一般", "紧急", "特急"}); }
PriorityScheme PriorityScheme::p_levels() { return PriorityScheme({"P3", "P2", "P1"}); }
PriorityScheme PriorityScheme::importance3() { return PriorityScheme({"一般", "重要", "紧急"}); }

bool PriorityScheme::contains(const std::string& name) const noexcept {
    return std::find(levels_.begin(), levels_.end(), name) != levels_.end();
}

int PriorityScheme::rank(const std::string& name) const {
    auto it = std::find(levels_.begin(), levels_.end(), name);
    if (it == levels_.end()) throw ValidationError("priority", "unknown priority level '" + name + "'");
    return static_cast<int>(it - levels_.begin());
}

const std::string& PriorityScheme::raised(const std::string& name) const {
    auto next = static_cast<std::size_t>(rank(name)) + 1;
    return next < levels_.size() ? levels_[next] : levels_.back();
}

} // namespace ticketflow
