// The in-memory customer directory and the names of exclusion reasons.
#include "ticketflow/followup.hpp"

#include <shared_mutex>
#include <unordered_map>

namespace ticketflow {

struct MemoryCustomerDirectory::State {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, CustomerRecord> records;
};

MemoryCustomerDirectory::MemoryCustomerDirectory() : state_(std::make_unique<State>()) {}

MemoryCustomerDirectory::~MemoryCustomerDirectory() = default;

void MemoryCustomerDirectory::put(const std::string& customer_id, CustomerRecord record) {
    std::unique_lock lock(state_->mutex);
    state_->records[customer_id] = std::move(record);
}

void MemoryCustomerDirectory::erase(const std::string& customer_id) {
    std::unique_lock lock(state_->mutex);
    state_->records.erase(customer_id);
}

std::optional<CustomerRecord> MemoryCustomerDirectory::find(const std::string& customer_id) const {
    std::shared_lock lock(state_->mutex);
    auto it = state_->records.find(customer_id);
    if (it == state_->records.end()) return std::nullopt;
    return it->second;
}

const char* to_string(ExclusionReason reason) noexcept {
    switch (reason) {
    case ExclusionReason::refused: return "refused";
    case ExclusionReason::contact_invalid: return "contact_invalid";
    case ExclusionReason::not_decision_maker: return "not_decision_maker";
    case ExclusionReason::recently_visited: return "recently_visited";
    }
    return "unknown";
}

const char* to_string(WindowFit fit) noexcept {
    switch (fit) {
    case WindowFit::open: return "open";
    case WindowFit::passed: return "passed";
    case WindowFit::no_calling_time: return "no_calling_time";
    }
    return "open";
}

} // namespace ticketflow
